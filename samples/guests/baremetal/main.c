/*
 * Partita's bare-metal sample guest.
 *
 * vCPU 0 reads its name, CPU count and command line from the DTB, says hello, starts its other
 * vCPUs through PSCI (each says "cpu N up"), then executes the command line word by word:
 *
 *   heartbeat=N   print "heartbeat 1".."heartbeat N", one every `period` ms (N=0: forever)
 *   period=MS     heartbeat/tick period (default 10): a setting, like seed=, that holds for
 *                 the whole line wherever it stands (docs/guest.md); the rest run in order
 *   sleep=MS      wait
 *   peek=ADDR     read 32 bits at IPA ADDR and print it
 *   poke=ADDR     write 0xdeadbeef (32 bits) to IPA ADDR
 *   ldp=ADDR      load a register pair from IPA ADDR (no syndrome for the hypervisor: ISV=0)
 *   exec=ADDR     jump to IPA ADDR
 *   echo=N        read N lines from the console and print each back as "echo: LINE"
 *   partial=MS    print "part-", wait MS ms, print "end" and a newline (a prompt, then output)
 *   rxcount=N     after 300 ms, read N input bytes; print their count and sum
 *   cpu_on=MPIDR  PSCI CPU_ON of MPIDR (entry: this guest's secondary entry) and print the result
 *   cpu1-poke=ADDR  vCPU 1 writes 0xdeadbeef to IPA ADDR (vCPU 0 waits a second for the outcome)
 *   cpu_off=N     vCPU N (not 0) powers itself off with PSCI CPU_OFF; "cpu N off" once it is
 *   hvc=FID       HVC #0 with x0 = FID and print x0 afterwards
 *   smc=FID       SMC #0 likewise
 *   maxboots=K    a VM that restarts: from boot K on (PT_HVC_VM_BOOTS), skip the rest and power off
 *   timing        print the counter at entry and at the first character (see hypervisor/bench.sh)
 *   platform      print the GIC, UART and PSCI conduit in use (plat.c)
 *   off           PSCI SYSTEM_OFF          reset   PSCI SYSTEM_RESET
 *   share=MS      spin MS ms reading the counter; print the share of the time this vCPU ran
 *                 (steps under 20 us), the gaps (switch-outs) and the loop iterations:
 *                 "share: ran R us of T us (P.P%), G gaps, work W" (partition.c)
 *   regs=MS       plant distinct values in v0..v31, FPCR, FPSR, x3..x30 and the EL0/EL1 system
 *                 registers a switch saves, spin MS ms with interrupts masked, compare:
 *                 "regs: N registers checked over G switch-outs, D differ" (partition.c)
 *   seed=N        regs= derives its values from N (default: a hash of the VM's name)
 *   and the interrupt commands of irq.c (tick=, pingpong=, prio16, latency=, ...), the
 *   victim of the attack tests (victim.c: victim=N) and the attacks themselves (attack.c)
 *
 * Its devices (console UART, GIC v3 or v2, PSCI conduit) are where the DTB says, else at QEMU
 * virt's addresses (plat.c): they are found before the first character is printed.
 *
 * Addresses are guest-physical (IPAs): a guest cannot name a physical address at all. Misbehaving
 * commands are how the isolation tests provoke the hypervisor. Without an `off`, vCPU 0 ends in
 * WFI. Numbers are decimal or 0x-hex.
 *
 * This file is the AArch64 side: start-up, time, PSCI, and the commands only AArch64 has
 * (arch_command). The command loop and the commands any architecture can do are cmd.c's, shared
 * with the riscv64 build (riscv64/main.c, docs/guest.md).
 */
#include <stdint.h>
#include "attack.h"
#include "fdt.h"
#include "gic.h"
#include "guest.h"
#include "irq.h"
#include "plat.h"
#include "rxhold.h"
#include "uart.h"
#include "victim.h"

#define TICKS_PER_MS      62500ull   /* CNTFRQ of QEMU virt; read the real one below */

uint64_t ticks_per_ms = TICKS_PER_MS;
uint64_t entry_sp;   /* written by start.S */

uint64_t vcount(void)
{
	uint64_t v;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

void delay_ms(uint64_t ms)
{
	uint64_t end = vcount() + ms * ticks_per_ms;
	while (vcount() < end)
		relax();
}

unsigned my_cpu(void)
{
	return (unsigned)(SYSREG_READ(mpidr_el1) & 0xff);
}

int64_t vm_boots(void)
{
	return hvc_call(PT_HVC_VM_BOOTS, 0, 0, 0);
}

void run_on(unsigned cpu, void (*fn)(uint64_t cpu))
{
	if (cpu >= MAX_CPUS)
		return;
	cpu_work[cpu] = fn;
	__asm__ volatile("dsb ish" ::: "memory");
	gic_sgi_to(cpu, SGI_WAKE);
}

void power(int reset)
{
	psci_call(reset ? PSCI_SYSTEM_RESET : PSCI_SYSTEM_OFF, 0, 0, 0);
	puts("psci call returned!\n");   /* should never get here */
}

void power_off(void)
{
	power(0);
	for (;;)
		wait_irq();
}

int64_t cpu_start(uint64_t mpidr)
{
	return psci_call(PSCI_CPU_ON, mpidr, (uint64_t)secondary_start, mpidr);
}

void cpu_stop(void)
{
	psci_call(PSCI_CPU_OFF, 0, 0, 0);
	puts("psci CPU_OFF returned!\n");
}

int cpu_is_off(unsigned cpu)
{
	return psci_call(PSCI_AFFINITY_INFO, cpu, 0, 0) == 1;
}

/* The commands only AArch64 has; cmd.c's run() asks after its own. */
int arch_command(const char *w, const char **a, uint64_t period)
{
	if (word_is(w, "ldp=", a)) {
		uint64_t addr = number(*a, a), lo, hi;
		line("ldp ", addr, 1, "\n");
		__asm__ volatile("ldp %0, %1, [%2]" : "=r"(lo), "=r"(hi) : "r"(addr) : "memory");
		line("ldp -> ", lo | hi, 1, "\n");
	} else if (word_is(w, "hvc=", a) || word_is(w, "smc=", a)) {
		int smc = w[0] == 's';
		uint64_t fn = number(*a, a);
		int64_t r = smc ? smc_call(fn, 0, 0, 0) : hvc_call(fn, 0, 0, 0);
		line(smc ? "smc " : "hvc ", fn, 1, "");
		line(" -> ", (uint64_t)r, 0, "\n");
	} else {
		return irq_command(w, a, period, ticks_per_ms) ||
		       chan_command(w, a, ticks_per_ms) ||
		       partition_command(w, a, ticks_per_ms) ||
		       victim_command(w, a, period, ticks_per_ms) ||
		       rxhold_command(w, a) ||
		       attack_command(w, a, period, ticks_per_ms);
	}
	return 1;
}

void main(const void *dtb, uint64_t entry_ticks)
{
	uint64_t frq;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(frq));
	if (frq >= 1000)
		ticks_per_ms = frq / 1000;

#ifdef NATIVE_DTB
	/* A test build: a DTB loaded at a fixed address (Makefile: NATIVE_DTB), when there is one. */
	const uint8_t *at = (const uint8_t *)NATIVE_DTB;
	if (!dtb && at[0] == 0xd0 && at[1] == 0x0d && at[2] == 0xfe && at[3] == 0xed)
		dtb = at;
#endif
	int bad = dtb && fdt_read(dtb, &guest_dt) != 0;
	/* Nothing may be printed before this: the console may not be where the defaults say. */
	plat_setup(dtb && !bad ? &guest_dt : 0);
#ifdef NATIVE_BOOTARGS
	/* The native build runs on bare QEMU at EL1, entered as an ELF without a DTB. */
	if (!guest_dt.bootargs)
		guest_dt.bootargs = NATIVE_BOOTARGS, guest_dt.vm_name = "native", guest_dt.ncpus = NATIVE_CPUS;
#endif
	puts("hello from vm ");
	puts(guest_dt.vm_name ? guest_dt.vm_name : "baremetal");
	puts(" cpu 0\n");
	if (bad)
		puts("warning: ignoring a malformed device tree\n");

	ncpus = guest_dt.ncpus ? guest_dt.ncpus : 1;
	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	for (unsigned c = 1; c < ncpus; c++) {
		int64_t r = cpu_start(c);
		if (r != 0) {
			line("cpu_on ", c, 0, "");
			line(" failed: ", (uint64_t)r, 0, "\n");
			continue;
		}
		/* Wait for it, so that the output order is deterministic. */
		for (uint64_t end = vcount() + 1000 * ticks_per_ms; !cpu_up[c] && vcount() < end;)
			relax();
	}
	run(guest_dt.bootargs, entry_ticks);
}
