/*
 * The riscv64 guest's measurements for hypervisor/bench.sh (the AArch64 build's are ../cost.c
 * and irq.c's latency=). The same code runs natively (under OpenSBI, in HS-mode) and as a VM;
 * natively minus in a VM is what the hypervisor adds. Time is the time CSR: 10 MHz on QEMU's
 * virt, so under -icount shift=0 (one instruction per ns) a tick is 100 instructions, and N
 * iterations give instructions per iteration to within 100/N.
 *
 *   cost=N      "cost: NAME n=N ticks=T insn=I.II" for each of
 *                 loop      an empty iteration
 *                 sbi       SBI Base get_spec_version (natively OpenSBI's, M-mode; in a VM the
 *                           hypervisor's)
 *                 doorbell  Partita's PT_SBI_CHANNEL_NOTIFY of channel end 0 (natively: the
 *                           firmware's NOT_SUPPORTED)
 *                 plic      a write of the console UART's PLIC priority, unchanged (in a VM an
 *                           emulated register)
 *                 vuart     a write of the (v)UART's transmit register: '.' N times, a newline
 *                 ipi-rtt   an IPI round trip, CPU 0 -> 1 -> 0 (SBI IPI both ways), CPU 0 in WFI
 *                           (needs two CPUs)
 *   latency=N   the timer interrupt: N times, arm this hart's timer (stimecmp with Sstc, else the
 *               SBI's) a little ahead at a dithered phase, wait in WFI, take the interrupt (irq.c's
 *               handler) and read the time after it: "latency: n=N mean=M.MM ticks insn=I" (the
 *               mean over the samples, its instructions 100 per tick). With Sstc a VM's
 *               vstimecmp is its own: the hypervisor adds nothing, which the two means show.
 */
#include "../guest.h"
#include "../uart.h"
#include "arch.h"
#include "rvplat.h"
#include "sbi.h"
#include "trap.h"

extern volatile uint64_t irq_pongs;   /* irq.c */
void irq_setup(void);                 /* irq.c */

#define MEASURE(n, body) ({ \
	uint64_t __t0 = vcount(); \
	for (uint64_t __i = 0; __i < (n); __i++) { body; __asm__ volatile("" ::: "memory"); } \
	vcount() - __t0; })

static void hundredths(const char *pre, uint64_t c)
{
	line(pre, c / 100, 0, ".");
	putc((char)('0' + c / 10 % 10));
	putc((char)('0' + c % 10));
}

static void report(const char *name, uint64_t n, uint64_t ticks)
{
	puts("cost: ");
	puts(name);
	line(" n=", n, 0, "");
	line(" ticks=", ticks, 0, "");
	hundredths(" insn=", (ticks * 100 * 100 + n / 2) / n);   /* 100 instructions a tick */
	putc('\n');
}

static void cost(uint64_t n)
{
	volatile uint8_t *thr = (volatile uint8_t *)uart_base;
	volatile uint32_t *prio = (volatile uint32_t *)(plic_base + 4 * uart_intid);
	uint32_t p = *prio;

	report("loop", n, MEASURE(n, ));
	report("sbi", n, MEASURE(n, sbi_call(SBI_EXT_BASE, SBI_BASE_SPEC_VERSION, 0, 0, 0)));
	report("doorbell", n, MEASURE(n, sbi_call(PT_SBI_EXT, PT_SBI_CHANNEL_NOTIFY, 0, 0, 0)));
	report("plic", n, MEASURE(n, *prio = p));
	if (console_kind == CON_16550) {
		uint64_t t = MEASURE(n, *thr = '.');
		*thr = '\n';
		report("vuart", n, t);
	}
	if (ncpus > 1) {
		irq_setup();
		irq_pongs = 0;
		uint64_t t = MEASURE(n, {
			ipi_send(1, IPI_PING);
			irqs_off();
			while (irq_pongs <= __i) {
				wait_irq();
				irqs_on();
				irqs_off();
			}
			irqs_on();
		});
		report("ipi-rtt", n, t);
	}
}

static void latency(uint64_t n)
{
	uint64_t sum = 0, lead = ticks_per_ms / 10;   /* 100 us ahead */

	irq_setup();
	CSR_SET(sie, SIE_STIE);
	for (uint64_t i = 0; i < n; i++) {
		/* Dither the phase against the tick: i % 100 extra instructions before arming. */
		for (uint64_t k = i % 100; k; k--)
			__asm__ volatile("nop");
		uint64_t at = vcount() + lead;
		irqs_off();
		timer_set(at);
		/* The interrupt is taken at the WFI's end (irq.c's handler switches the timer off). */
		while (vcount() < at) {
			wait_irq();
			irqs_on();
			irqs_off();
		}
		sum += vcount() - at;
		irqs_on();
	}
	CSR_CLEAR(sie, SIE_STIE);
	line("latency: n=", n, 0, "");
	hundredths(" mean=", (sum * 100 + n / 2) / n);
	line(" ticks insn=", (sum * 100 + n / 2) / n, 0, "\n");
}

int rv_cost_command(const char *w, const char **a)
{
	if (word_is(w, "cost=", a)) {
		cost(number(*a, a));
		return 1;
	}
	if (word_is(w, "latency=", a)) {
		latency(number(*a, a));
		return 1;
	}
	return 0;
}
