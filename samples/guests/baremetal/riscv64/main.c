/*
 * Partita's bare-metal sample guest, riscv64 build (docs/guest.md, "The riscv64 guest").
 *
 * The boot hart (a0 = hart id, a1 = device tree) reads its name, harts and command line from the
 * device tree, says "hello from vm NAME cpu N" (N: its CPU number, the hart's place among the
 * device tree's harts: 0 when hart 0 boots), starts the other harts with SBI HSM hart_start
 * (each says "cpu N up"), then carries out the command line word by word, with ../cmd.c's
 * commands (heartbeat=, period=, sleep=, peek=, poke=, exec=, echo=, partial=, rxcount=,
 * cpu_on=HART, cpu1-poke=, cpu_off=N, maxboots=, timing, platform, off, reset), and:
 *
 *   sbi=EID[.FID] an SBI call with a0..a2 = 0: "sbi EID.FID -> ERROR VALUE"
 *   share=MS, seed=N   ../partition.c
 *   tick=, pingpong=, flood=, dbirq=, doorbells=, notify=, rxirq=, irq-attack   irq.c
 *   chan-send=, chan-echo=, chan-size=, bell-storm=, bell-dud=, bell-listen, bell-count   ../chan.c
 *   victim=N      ../attack/victim.c: the attack tests' victim (1 MiB at 8 MiB past the image)
 *   rtc-alarm[=CPU]   irq.c: the goldfish RTC's alarm (where the device tree lists one)
 *   regs=MS       regs.c: every register a switch of a shared hart must keep (as partition.c's)
 *   csr-probe, fresh, restart-dirty, sbi-garbage=N, sbi-harts, hsm-race=N, hsm-entry, plic-sweep,
 *   uart-sweep, mmio-alias, mmio-alias-x, amo-window   the attacks: attack.c and atk_*.c
 *   plic-ctx-by-hart   attack.c: the PLIC context from the hart id, as Bao's guests do
 *   cost=N, latency=N   cost.c: what operations and the timer interrupt cost (hypervisor/bench.sh)
 *
 * Power and CPUs are SBI's: off is SRST shutdown, reset SRST cold reboot, cpu_on= and the
 * secondary harts HSM hart_start, cpu_off= HSM hart_stop (status polled with hart_get_status).
 * maxboots= and the channels' doorbells use Partita's vendor extension (sbi.h: the numbers of
 * hypervisor/include/partita/config.h's PT_SBI_*; natively "no boot count").
 *
 * Devices (console NS16550A or the SBI console, PLIC and its context, timer) are where the
 * device tree says, else at QEMU virt's addresses (plat.c), found before the first character.
 */
#include "../fdt.h"
#include "../guest.h"
#include "../irq.h"
#include "../plat.h"
#include "../uart.h"
#include "../attack/victim.h"
#include "rvplat.h"
#include "trap.h"

uint64_t ticks_per_ms = 10000;   /* a 10 MHz timebase until the device tree says */

uint64_t vcount(void)
{
	return CSR_READ(time);
}

void delay_ms(uint64_t ms)
{
	sleep_until(vcount() + ms * ticks_per_ms);
}

unsigned my_cpu(void)
{
	uint64_t tp;

	__asm__ volatile("mv %0, tp" : "=r"(tp));
	return (unsigned)tp;
}

int64_t vm_boots(void)
{
	struct sbiret r = sbi_call(PT_SBI_EXT, PT_SBI_VM_BOOTS, 0, 0, 0);

	return r.error ? r.error : r.value;
}

void run_on(unsigned cpu, void (*fn)(uint64_t cpu))
{
	if (cpu >= MAX_CPUS)
		return;
	cpu_work[cpu] = fn;
	ipi_send(cpu, IPI_WAKE);
}

void power(int reset)
{
	sbi_system_reset(reset ? SBI_SRST_COLD_REBOOT : SBI_SRST_SHUTDOWN);
	puts("sbi system reset returned!\n");   /* should never get here */
}

void power_off(void)
{
	power(0);
	for (;;)
		wait_irq();
}

/* The CPU number a hart gets: its place among ours; a hart we do not know gets the last. */
int64_t cpu_start(uint64_t hart)
{
	int c = cpu_of_hart(hart);

	return sbi_hart_start(hart, (uint64_t)secondary_start,
			      c >= 0 ? (uint64_t)c : MAX_CPUS - 1);
}

void cpu_stop(void)
{
	irqs_off();   /* HSM hart_stop: with S-mode interrupts disabled */
	sbi_hart_stop();
	irqs_on();
	puts("sbi HSM hart_stop returned!\n");
}

int cpu_is_off(unsigned cpu)
{
	return sbi_hart_status(cpu_hart[cpu]) == SBI_HSM_STOPPED;
}

/* The commands only this build has; cmd.c's run() asks after its own. */
int arch_command(const char *w, const char **a, uint64_t period)
{
	if (word_is(w, "sbi=", a)) {
		uint64_t ext = number(*a, a), fid = 0;
		if (**a == '.')
			fid = number(*a + 1, a);
		struct sbiret r = sbi_call(ext, fid, 0, 0, 0);
		line("sbi ", ext, 1, "");
		line(".", fid, 0, "");
		line(" -> ", (uint64_t)r.error, 0, "");
		line(" ", (uint64_t)r.value, 1, "\n");
		return 1;
	}
	return irq_command(w, a, period, ticks_per_ms) ||
	       chan_command(w, a, ticks_per_ms) ||
	       partition_command(w, a, ticks_per_ms) ||
	       victim_command(w, a, period, ticks_per_ms) ||
	       rv_attack_command(w, a) ||
	       rv_cost_command(w, a);
}

void main(uint64_t hart, const void *dtb, uint64_t entry_ticks)
{
#ifdef NATIVE_DTB
	/* A test build: the blob at NATIVE_DTB (-device loader) instead of a1's, if there is one. */
	if (*(const volatile uint32_t *)NATIVE_DTB)
		dtb = (const void *)NATIVE_DTB;
#endif
	int bad = dtb && fdt_read(dtb, &guest_dt) != 0;
	int c;

	/* Nothing may be printed before this: the console may not be where the defaults say. */
	plat_setup(dtb && !bad ? &guest_dt : 0);
#ifdef NATIVE_BOOTARGS
	if (!guest_dt.bootargs)
		guest_dt.bootargs = NATIVE_BOOTARGS, guest_dt.vm_name = "native", guest_dt.ncpus = NATIVE_CPUS;
#endif
	ncpus = guest_dt.ncpus ? guest_dt.ncpus : 1;
	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	c = cpu_of_hart(hart);
	if (c < 0 || (unsigned)c >= ncpus) {   /* a hart the device tree does not list: CPU 0 */
		c = 0;
		cpu_hart[0] = (uint32_t)hart;
	}
	boot_cpu = (unsigned)c;
	__asm__ volatile("mv tp, %0" : : "r"((uint64_t)boot_cpu));

	puts("hello from vm ");
	puts(guest_dt.vm_name ? guest_dt.vm_name : "baremetal");
	line(" cpu ", boot_cpu, 0, "\n");
	if (bad)
		puts("warning: ignoring a malformed device tree\n");

	for (unsigned k = 0; k < ncpus; k++) {
		if (k == boot_cpu)
			continue;
		int64_t r = sbi_hart_start(cpu_hart[k], (uint64_t)secondary_start, k);
		if (r != 0) {
			line("cpu_on ", k, 0, "");
			line(" failed: ", (uint64_t)r, 0, "\n");
			continue;
		}
		/* Wait for it, so that the output order is deterministic. */
		for (uint64_t end = vcount() + 1000 * ticks_per_ms; !cpu_up[k] && vcount() < end;)
			nap();
	}
	run(guest_dt.bootargs, entry_ticks);
}
