/*
 * cost=N: what single operations cost, for hypervisor/bench.sh. Each operation runs N times in a
 * loop between two reads of the virtual counter; the line
 *
 *     cost: NAME n=N ticks=T insn=I.II
 *
 * gives the loop's ticks and, under -icount shift=0 (16 instructions per tick), instructions per
 * iteration to within 16/N. The same code runs natively (baremetal-native.elf) and as a VM, so
 * the difference of the two `insn` figures is what the hypervisor adds to the operation.
 *
 *   loop      an empty iteration (the loop's own cost, the same in both runs)
 *   hvc       PSCI_VERSION by HVC: the hypervisor's PSCI (natively: QEMU's; "smc" where the
 *             PSCI conduit is SMC, as natively on the ZCU102)
 *   doorbell  PT_HVC_CHANNEL_NOTIFY of channel end 0 (natively: an unknown HVC, or SMC)
 *   gicd      a GICD_ISENABLER write enabling the UART's interrupt (INTID 33 on virt), already
 *             enabled (trapped, emulated)
 *   vuart     a data register write of the (v)UART: '.' characters, N of them, then a newline
 *   sgi-rtt   a round trip: SGI 1 to vCPU 1, whose handler answers with SGI 2; vCPU 0 waits in
 *             WFI. Needs a second vCPU; skipped without one. Both vCPUs' instructions count:
 *             under -icount the CPUs run in turns and a CPU in WFI executes nothing.
 */
#include "gic.h"
#include "irq.h"
#include "uart.h"

#define PT_HVC_CHANNEL_NOTIFY 0xc6000001u
#define CDNS_FIFO 0x30   /* a Cadence UART's data register */

/* Ticks for n iterations of body, counter read right before and after. */
#define MEASURE(n, body) ({ \
	uint64_t __t0 = vcount(); \
	for (uint64_t __i = 0; __i < (n); __i++) { body; __asm__ volatile("" ::: "memory"); } \
	vcount() - __t0; })

static void report(const char *name, uint64_t n, uint64_t ticks)
{
	/* Instructions per iteration in hundredths: ticks * 16 * 100 / n, rounded. */
	uint64_t c = (ticks * 1600 + n / 2) / n;

	puts("cost: ");
	puts(name);
	line(" n=", n, 0, "");
	line(" ticks=", ticks, 0, "");
	line(" insn=", c / 100, 0, ".");
	putc((char)('0' + c / 10 % 10));
	putc((char)('0' + c % 10));
	putc('\n');
}

extern volatile uint64_t irq_pongs;   /* irq.c: SGI 2 interrupts taken */

void cost(uint64_t n)
{
	volatile uint32_t *dr = (volatile uint32_t *)(uart_base + (uart_cadence ? CDNS_FIFO : 0));
	volatile uint32_t *isenabler = gicd(GICD_ISENABLER + 4 * (uart_intid / 32));
	uint32_t bit = 1u << (uart_intid % 32);
	void (*sgi_to)(unsigned, unsigned) = gic_v2 ? gic2_sgi_to : gic3_sgi_to;
	uint64_t t;

	if (!n)
		return;
	irq_setup();
	t = MEASURE(n, (void)0);
	report("loop", n, t);
	/* Natively on a board whose PSCI conduit is SMC, an HVC would be UNDEFINED. */
	if (psci_smc) {
		t = MEASURE(n, smc_call(PSCI_VERSION, 0, 0, 0));
		report("smc", n, t);
		t = MEASURE(n, smc_call(PT_HVC_CHANNEL_NOTIFY, 0, 0, 0));
	} else {
		t = MEASURE(n, hvc_call(PSCI_VERSION, 0, 0, 0));
		report("hvc", n, t);
		t = MEASURE(n, hvc_call(PT_HVC_CHANNEL_NOTIFY, 0, 0, 0));
	}
	report("doorbell", n, t);
	gic_enable(0, uart_intid, 0x80);
	t = MEASURE(n, *isenabler = bit);
	gic_disable(0, uart_intid);
	report("gicd", n, t);
	t = MEASURE(n, *dr = '.');
	putc('\n');
	report("vuart", n, t);
	if (ncpus < 2 || !cpu_up[1]) {
		puts("cost: sgi-rtt skipped, one vCPU\n");
		return;
	}
	gic_enable(0, 2, 0x80);
	irq_pongs = 0;
	irqs_off();
	t = MEASURE(n, ({
		sgi_to(1, 1);
		while (irq_pongs <= __i)
			wait_irq(), irqs_on(), irqs_off();
	}));
	irqs_on();
	report("sgi-rtt", n, t);
}
