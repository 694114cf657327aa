/*
 * PSCI and Partita's own calls, misused (a VM with 2 vCPUs).
 *
 * hvc-garbage: every call with arguments no sane guest passes, each result printed as
 * "hvc-garbage: WHAT -> RESULT" (PSCI: 0 success, -1 NOT_SUPPORTED, -2 INVALID_PARAMETERS,
 * -4 ALREADY_ON, -9 INVALID_ADDRESS). The VM must go on running after all of them. SMC32 calls
 * take 32-bit arguments: junk in the upper halves must be ignored, so one CPU_ON that only
 * names vCPU 1 and our entry in its lower halves starts it. The last call is a CPU_ON with an
 * entry point that is in RAM but not 4-byte aligned: refused with INVALID_ADDRESS (were it
 * accepted, the vCPU would fault on its first fetch and the VM be halted).
 *
 * psci-race=N: vCPU 1 switches itself off (CPU_OFF) on every entry; vCPU 0 switches it on again
 * as soon as AFFINITY_INFO says it is off, N times, polling AFFINITY_INFO all along.
 */
#include "attack.h"
#include "guest.h"
#include "uart.h"

#define PSCI_CPU_ON_32     0x84000003u
#define PSCI_CPU_SUSPEND   0xc4000001u
#define PSCI_SYSTEM_RESET2 0xc4000012u
#define PSCI_MEM_PROTECT   0x84000013u
#define PT_HVC_NOTIFY      0xc6000001u
#define AFF_ON             0
#define AFF_OFF            1

static void say(const char *what, int64_t r)
{
	puts("hvc-garbage: ");
	puts(what);
	line(" -> ", (uint64_t)r, 0, "\n");
}

static int64_t hvc_imm1(uint64_t fn)
{
	register uint64_t x0 __asm__("x0") = fn;
	__asm__ volatile("hvc #1" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	return (int64_t)x0;
}

static int64_t hvc_immffff(uint64_t fn)
{
	register uint64_t x0 __asm__("x0") = fn;
	__asm__ volatile("hvc #0xffff" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	return (int64_t)x0;
}

static void cpu_off_self(uint64_t cpu)
{
	(void)cpu;
	hvc_call(PSCI_CPU_OFF, 0, 0, 0);
	puts("hvc-garbage: CPU_OFF returned\n");
}

/* Wait until AFFINITY_INFO reports vCPU 1 in `state` (up to 100 ms). */
static int64_t wait_affinity(int64_t state)
{
	int64_t r = -100;

	for (uint64_t end = vcount() + 100 * ticks_per_ms; vcount() < end;) {
		r = hvc_call(PSCI_AFFINITY_INFO, 1, 0, 0);
		if (r == state)
			break;
		relax();
	}
	return r;
}

void atk_hvc_garbage(const char *arg)
{
	uint64_t entry = (uint64_t)secondary_start;
	const uint64_t junk = 0xdead0000beef0000ull & ~0xffffffffull;

	(void)arg;
	if (ncpus < 2) {
		puts("hvc-garbage: needs 2 vCPUs\n");
		return;
	}
	run_on(1, cpu_off_self);
	say("vcpu 1 CPU_OFF, then AFFINITY_INFO", wait_affinity(AFF_OFF));
	say("CPU_ON entry 0", hvc_call(PSCI_CPU_ON, 1, 0, 0));
	say("CPU_ON entry outside RAM", hvc_call(PSCI_CPU_ON, 1, OUTSIDE_RAM, 0));
	say("CPU_ON entry huge", hvc_call(PSCI_CPU_ON, 1, ~3ull, 0));
	say("CPU_ON entry at the end of RAM", hvc_call(PSCI_CPU_ON, 1,
						       GUEST_RAM_BASE + GUEST_RAM_SIZE - 2, 0));
	say("CPU_ON entry in the device window", hvc_call(PSCI_CPU_ON, 1, VUART_WINDOW, 0));
	say("CPU_ON MPIDR all ones", hvc_call(PSCI_CPU_ON, ~0ull, entry, 1));
	say("CPU_ON MPIDR Aff1", hvc_call(PSCI_CPU_ON, 0x101, entry, 1));
	say("CPU_ON MPIDR Aff3", hvc_call(PSCI_CPU_ON, (1ull << 32) | 1, entry, 1));
	say("CPU_ON64 MPIDR with junk upper half", hvc_call(PSCI_CPU_ON, junk | 1, entry, 1));
	say("CPU_ON of itself", hvc_call(PSCI_CPU_ON, 0, entry, 0));
	say("AFFINITY_INFO level 0xffffffff", hvc_call(PSCI_AFFINITY_INFO, 0, 0xffffffffull, 0));
	say("AFFINITY_INFO MPIDR all ones", hvc_call(PSCI_AFFINITY_INFO, ~0ull, 0, 0));
	say("AFFINITY_INFO of itself", hvc_call(PSCI_AFFINITY_INFO, 0, 0, 0));
	say("AFFINITY_INFO of vcpu 1", hvc_call(PSCI_AFFINITY_INFO, 1, 0, 0));
	say("CHANNEL_NOTIFY -1", hvc_call(PT_HVC_NOTIFY, ~0ull, 0, 0));
	say("CHANNEL_NOTIFY huge", hvc_call(PT_HVC_NOTIFY, 1ull << 40, 0, 0));
	say("VM_BOOTS with junk arguments", hvc_call(PT_HVC_VM_BOOTS, ~0ull, ~0ull, ~0ull));
	say("PSCI_FEATURES 0x12345678", hvc_call(PSCI_FEATURES, 0x12345678, 0, 0));
	say("PSCI_FEATURES all ones", hvc_call(PSCI_FEATURES, ~0ull, 0, 0));
	say("PSCI_FEATURES CPU_ON", hvc_call(PSCI_FEATURES, PSCI_CPU_ON, 0, 0));
	say("PSCI_FEATURES of a vendor call", hvc_call(PSCI_FEATURES, PT_HVC_VM_BOOTS, 0, 0));
	say("VERSION with junk upper half", hvc_call(junk | PSCI_VERSION, 0, 0, 0));
	say("CPU_SUSPEND", hvc_call(PSCI_CPU_SUSPEND, 0, entry, 0));
	say("SYSTEM_RESET2", hvc_call(PSCI_SYSTEM_RESET2, ~0ull, ~0ull, 0));
	say("MEM_PROTECT", hvc_call(PSCI_MEM_PROTECT, 1, 0, 0));
	say("vendor 0xc600ffff", hvc_call(0xc600ffffu, ~0ull, ~0ull, ~0ull));
	say("hvc #1 VERSION", hvc_imm1(PSCI_VERSION));
	say("hvc #0xffff VERSION", hvc_immffff(PSCI_VERSION));
	say("smc VERSION", smc_call(PSCI_VERSION, 0, 0, 0));
	/* SMC32 CPU_ON: only the lower halves count, and they are valid. */
	cpu_up[1] = 0;
	say("SMC32 CPU_ON with junk upper halves",
	    smc_call(PSCI_CPU_ON_32, junk | 1, junk | entry, junk | 1));
	for (uint64_t end = vcount() + 100 * ticks_per_ms; !cpu_up[1] && vcount() < end;)
		relax();
	say("vcpu 1 back up", cpu_up[1]);
	run_on(1, cpu_off_self);
	say("vcpu 1 CPU_OFF again, then AFFINITY_INFO", wait_affinity(AFF_OFF));
	puts("hvc-garbage: still running\n");
	int64_t r = hvc_call(PSCI_CPU_ON, 1, entry + 2, 1);
	say("CPU_ON entry unaligned", r);
	if (r == 0)   /* accepted: its first fetch faults, which ends this VM */
		wait_affinity(AFF_ON);
	puts("hvc-garbage: done\n");
}

static volatile uint64_t race_entries, race_errors;

/* vCPU 1, on every entry: count, then off again. */
static void race_cpu(uint64_t cpu)
{
	(void)cpu;
	race_entries++;
	__asm__ volatile("dsb ish" ::: "memory");
	hvc_call(PSCI_CPU_OFF, 0, 0, 0);
	race_errors++;   /* CPU_OFF returned */
	for (;;)
		wait_irq();
}

void atk_psci_race(const char *arg)
{
	const char *end;
	uint64_t n = number(arg, &end), cycles = 0, polls = 0, seen[3] = { 0 };

	if (ncpus < 2) {
		puts("psci-race: needs 2 vCPUs\n");
		return;
	}
	race_entries = race_errors = 0;
	secondary_hook = race_cpu;
	run_on(1, race_cpu);
	while (cycles < n) {
		int64_t a = hvc_call(PSCI_AFFINITY_INFO, 1, 0, 0);
		polls++;
		if (a >= 0 && a <= 2)
			seen[a]++;
		else
			race_errors++;
		if (a != AFF_OFF) {
			relax();
			continue;
		}
		int64_t r = hvc_call(PSCI_CPU_ON, 1, (uint64_t)secondary_start, 1);
		if (r == 0)
			cycles++;
		else if (r != -4 && r != -5)   /* ALREADY_ON / ON_PENDING: it raced us, fine */
			race_errors++;
	}
	/* vCPU 1's last entry (the first one was run_on's). */
	for (uint64_t end = vcount() + 100 * ticks_per_ms; race_entries < n + 1 && vcount() < end;)
		relax();
	line("psci-race: ", cycles, 0, " cycles, ");
	line("", race_entries, 0, " entries of vcpu 1, ");
	line("", race_errors, 0, " errors; AFFINITY_INFO said on ");
	line("", seen[0], 0, ", off ");
	line("", seen[1], 0, ", pending ");
	line("", seen[2], 0, "\n");
}
