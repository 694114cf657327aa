/*
 * Interrupt commands, exercising a (virtual) GICv3 or GICv2 (gic.h):
 *
 *   tick=N        N virtual timer interrupts, one every `period` ms: "tick K", then a summary
 *   pingpong=N    N SGI round trips between vCPU 0 (SGI 1 ->) and vCPU 1 (<- SGI 2)
 *   rtc-alarm     PL031 alarm one second ahead, wait for its interrupt (INTID 34)
 *   rtc-alarm=CPU the same with the interrupt routed (GICD_IROUTER/ITARGETSR) to vCPU CPU
 *   dbirq=INTID   the doorbell INTID to listen on (default 128)
 *   doorbells=N   wait for N doorbell interrupts
 *   notify=K      ring the doorbell of channel end K (PT_HVC_CHANNEL_NOTIFY)
 *   prio16        16 SGIs pending at once with distinct priorities; print the order taken
 *   prio-probe    count the implemented priority bits as RTOS GIC ports do (FreeRTOS: write
 *                 0xff to INTID 32's priority byte, shift what reads back until bit 0 is set)
 *   flood=MS      a virtual timer that fires continuously for MS ms; count the interrupts
 *   latency=N     N timer interrupts; the delay from CNTV_CVAL to the handler, min/median/max
 *                 in ticks and (dithered, see latency()) in instructions, and a histogram
 *   rtos=N        the GIC as RTOS ports use it, then N ticks driving two tasks (rtos.c)
 *   cost=N        what single operations cost, N iterations each (cost.c)
 *   irq-attack    try to use interrupts and CPUs this VM does not own
 *   rxirq=N       receive N console lines through the UART's receive interrupt (the device
 *                 tree's, else INTID 33: the vUART's on virt), then print each as "rxirq: LINE"
 *                 and the interrupt count (a PL011 only)
 */
#include "gic.h"
#include "irq.h"
#include "uart.h"

#define PT_HVC_CHANNEL_NOTIFY 0xc6000001u
#define INTID_RTC    34
#define UART_DR      0x00
#define UART_FR      0x18
#define UART_IMSC    0x38
#define UART_ICR     0x44
#define UART_RXFE    0x10
#define UART_RX_RT   0x50   /* receive and receive-timeout interrupts */
#define SGI_PING     1
#define SGI_PONG     2
#define RTC_BASE     0x09010000ul
#define RTC_DR       0x00
#define RTC_MR       0x04
#define RTC_IMSC     0x10
#define RTC_ICR      0x1c
#define MAX_SAMPLES  2048
#define LAT_DITHER   16     /* instructions per counter tick under -icount shift=0 */

enum { T_OFF, T_TICK, T_FLOOD, T_LAT };

extern char el1_vectors[];
void (*volatile irq_ack_hook)(unsigned intid);
int (*volatile irq_claim)(unsigned intid);   /* rtos.c: nonzero when it handled the interrupt */
uint64_t irq_entry_ticks;   /* written by the vector, first thing */
uint32_t irq_pad;           /* NOPs the vector runs before that (0..15) */

volatile uint64_t irq_pongs;   /* SGI 2 (pong) interrupts, also read by cost.c */
static volatile uint64_t ticks, doorbells, floods, alarms, others;
static volatile unsigned prio_order[16], nprio, prio16_on, lat_done, alarm_cpu;
static volatile int timer_mode;
static uint64_t tick_step, flood_end, lat_cval;
static unsigned doorbell_intid = 128, setup_done;

uint64_t irq_doorbell_count(void)
{
	return doorbells;
}

void irq_doorbell(unsigned intid)
{
	doorbell_intid = intid;
	irq_setup();
	gic_enable(0, intid, 0x80);
}
static uint32_t samples[MAX_SAMPLES], group_insn[MAX_SAMPLES / LAT_DITHER];
static volatile uint64_t rx_irqs, rx_lines;
static volatile unsigned rx_len;
static char rx_buf[256];

static inline volatile uint32_t *rtc(unsigned off) { return (volatile uint32_t *)(RTC_BASE + off); }
static inline volatile uint32_t *uart(unsigned off) { return (volatile uint32_t *)(uart_base + off); }

/* Everything received, lines ended by CR or LF kept as '\n'-separated text in rx_buf. */
static void uart_irq(void)
{
	rx_irqs++;
	while (!(*uart(UART_FR) & UART_RXFE)) {
		char c = (char)(*uart(UART_DR) & 0xff);
		if (c == '\r' || c == '\n') {
			rx_buf[rx_len++] = '\n';
			rx_lines++;
		} else {
			rx_buf[rx_len++] = c;
		}
		if (rx_len >= sizeof(rx_buf) - 1)   /* keep room for the last line's end */
			rx_len = sizeof(rx_buf) - 2;
	}
	*uart(UART_ICR) = UART_RX_RT;
}

static void timer_set(uint64_t cval, uint64_t ctl)
{
	__asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb" : : "r"(cval), "r"(ctl));
}

static void timer_irq(void)
{
	switch (timer_mode) {
	case T_TICK:
		ticks++;
		lat_cval += tick_step;
		timer_set(lat_cval, 1);
		break;
	case T_FLOOD:
		floods++;
		if (vcount() >= flood_end)
			timer_set(0, 0);   /* CVAL 0 keeps the line asserted until then */
		break;
	case T_LAT:
		if (lat_done < MAX_SAMPLES)
			samples[lat_done] = (uint32_t)(irq_entry_ticks - lat_cval);
		lat_done++;
		timer_set(0, 0);
		break;
	default:
		timer_set(0, 0);
	}
}

/*
 * Acknowledge, handle and end interrupts until none is pending. Compiled once per GIC version
 * (ack, eoi and sgi_to are constants once inlined): the GICv3 path pays one version check per
 * interrupt, not one per GIC access (hypervisor/bench.sh counts its instructions).
 */
static inline __attribute__((always_inline)) void
dispatch(unsigned (*ack)(void), void (*eoi)(unsigned), void (*sgi_to)(unsigned, unsigned))
{
	for (;;) {
		unsigned id = ack();

		if (id >= 1020)
			return;
		if (irq_ack_hook)
			irq_ack_hook(id);
		if (irq_claim && irq_claim(id))
			;
		else if (prio16_on && id < 16)
			prio_order[nprio++ & 15] = id;
		else if (id == INTID_VTIMER)
			timer_irq();
		else if (id == SGI_PING)
			sgi_to(0, SGI_PONG);
		else if (id == SGI_PONG)
			irq_pongs++;
		else if (id == INTID_RTC) {
			*rtc(RTC_IMSC) = 0;
			*rtc(RTC_ICR) = 1;
			alarm_cpu = my_cpu();
			alarms++;
		} else if (id == uart_intid)
			uart_irq();
		else if (id == doorbell_intid)
			doorbells++;
		else
			others++;
		eoi(id);
	}
}

static __attribute__((noinline)) void irq_dispatch_v2(void)
{
	dispatch(gic2_ack, gic2_eoi, gic2_sgi_to);
}

void irq_dispatch(void)
{
	if (gic_v2)
		irq_dispatch_v2();
	else
		dispatch(gic3_ack, gic3_eoi, gic3_sgi_to);
}

void irq_setup(void)
{
	if (setup_done)
		return;
	setup_done = 1;
	__asm__ volatile("msr vbar_el1, %0; isb" : : "r"(el1_vectors));
	gic_init();
	gic_init_cpu(0);
	irqs_on();
}

void irq_secondary(unsigned cpu)
{
	__asm__ volatile("msr vbar_el1, %0; isb" : : "r"(el1_vectors));
	gic_init_cpu(cpu);
	gic_enable(cpu, SGI_PING, 0x80);
	gic_enable(cpu, SGI_WAKE, 0x80);
	irqs_on();
}

static uint64_t wait_for(volatile uint64_t *what, uint64_t n, uint64_t timeout_ticks)
{
	uint64_t end = vcount() + timeout_ticks;

	while (*what < n && vcount() < end)
		relax();
	return *what;
}

static void prio16(void)
{
	unsigned ok = 1;

	irqs_off();
	prio16_on = 1;
	nprio = 0;
	for (unsigned k = 0; k < 16; k++) {
		/* Distinct priorities (multiples of 8), in a scrambled order. */
		gic_enable(0, k, (uint8_t)(((k * 7 + 3) % 16 + 1) * 8));
		gic_sgi_to(0, k);
	}
	irqs_on();
	for (unsigned spin = 0; nprio < 16 && spin < 1000000; spin++)
		relax();
	prio16_on = 0;
	puts("prio16: order");
	for (unsigned k = 0; k < nprio && k < 16; k++) {
		unsigned id = prio_order[k];
		line(" ", id, 0, "");
		if (k && ((prio_order[k - 1] * 7 + 3) % 16) >= ((id * 7 + 3) % 16))
			ok = 0;
	}
	putc('\n');
	line("prio16: ", nprio, 0, ok && nprio == 16 ? " taken, descending priority ok\n"
						    : " taken, ORDER WRONG\n");
	for (unsigned k = 0; k < 16; k++)
		gic_disable(0, k);
}

static void sort32(uint32_t *v, uint64_t n)
{
	/* Insertion sort: n is small and this is not timed. */
	for (uint64_t i = 1; i < n; i++) {
		uint32_t x = v[i];
		uint64_t j = i;
		for (; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * N virtual timer interrupts, each armed ~100 us ahead (plus 0..63 ticks, deterministically)
 * from a quiet point and awaited in WFI; a sample is the counter read by the vector minus
 * CNTV_CVAL, in ticks. Sample i has the vector execute i % 16 NOPs first: under
 * -icount shift=0 (1 instruction per ns, 16 per tick) the sum of 16 consecutive samples is then
 * the latency in instructions, exactly (sum of floor((L + j) / 16) over j = 0..15 is L), which
 * the line reports as "insn" per complete group of 16. On hardware it is an average.
 */
static void latency(uint64_t n, uint64_t tpm)
{
	uint64_t groups;

	if (n > MAX_SAMPLES)
		n = MAX_SAMPLES;
	groups = n / LAT_DITHER;
	gic_enable(0, INTID_VTIMER, 0x80);
	timer_mode = T_LAT;
	lat_done = 0;
	for (uint64_t i = 0; i < n; i++) {
		irq_pad = (uint32_t)(i % LAT_DITHER);
		irqs_off();
		lat_cval = vcount() + tpm / 10 + (i * 37) % 64;
		timer_set(lat_cval, 1);
		/* WFI with the IRQ masked wakes on a pending one: no lost wake-up. */
		while (lat_done <= i)
			wait_irq(), irqs_on(), irqs_off();
		irqs_on();
	}
	irq_pad = 0;
	timer_mode = T_OFF;
	gic_disable(0, INTID_VTIMER);
	for (uint64_t g = 0; g < groups; g++) {
		uint32_t sum = 0;
		for (unsigned j = 0; j < LAT_DITHER; j++)
			sum += samples[g * LAT_DITHER + j];
		group_insn[g] = sum;
	}
	sort32(samples, n);
	sort32(group_insn, groups);
	line("latency: n=", n, 0, "");
	line(" min=", samples[0], 0, "");
	line(" median=", samples[n / 2], 0, "");
	line(" max=", samples[n - 1], 0, " ticks");
	if (groups) {
		line(" insn_min=", group_insn[0], 0, "");
		line(" insn_median=", group_insn[groups / 2], 0, "");
		line(" insn_max=", group_insn[groups - 1], 0, "");
		line(" groups=", groups, 0, "");
	}
	putc('\n');
	/* Histogram of the tick values: value:count pairs. */
	puts("latency-hist:");
	for (uint64_t i = 0; i < n;) {
		uint64_t k = i;
		while (k < n && samples[k] == samples[i])
			k++;
		line(" ", samples[i], 0, "");
		line(":", k - i, 0, "");
		i = k;
	}
	putc('\n');
}

static void attack(void)
{
	/* Somebody else's SPI (the RTC, 34): enable, prioritise, route; then read it back. */
	*gicd(0x100 + 4) = 1u << (INTID_RTC - 32);
	((volatile uint8_t *)gicd(0x400))[INTID_RTC] = 0x10;
	gic_route(INTID_RTC, 0);
	line("irq-attack: isenabler1 ", *gicd(0x100 + 4), 1, "");
	if (gic_v2)
		line(" itargetsr34 ", ((volatile uint8_t *)gicd(GICD_ITARGETSR))[INTID_RTC], 1, "\n");
	else
		line(" irouter34 ", *(volatile uint64_t *)(gicd_base + 0x6000 + 8 * INTID_RTC), 1, "\n");
	/* Pend it and a doorbell-range SPI (128) that is not ours either. */
	*gicd(0x200 + 4) = 1u << (INTID_RTC - 32);
	*gicd(0x200 + 16) = 1u;
	line("irq-attack: ispendr1 ", *gicd(0x200 + 4), 1, "");
	line(" ispendr4 ", *gicd(0x200 + 16), 1, "\n");
	/*
	 * SGIs to CPUs that are not ours: Aff0 1 and 5, another cluster, everybody else (IRM);
	 * GICv2: CPU interfaces 1 and 5, all but 0, everybody else (target list filter 01).
	 */
	gic_sgi_to(1, 3);
	gic_sgi_to(5, 3);
	if (gic_v2) {
		gic_sgir((0xfeu << 16) | 3);
		gic_sgir((1u << 24) | 3);
	} else {
		gic_sgi((3ul << 24) | (1ul << 16) | 1);
		gic_sgi((3ul << 24) | (1ul << 40));
	}
	/* The EL1 physical timer is not ours either. */
	uint64_t ctl;
	__asm__ volatile("msr cntp_ctl_el0, %1; mrs %0, cntp_ctl_el0" : "=r"(ctl) : "r"(1ul));
	line("irq-attack: cntp_ctl ", ctl, 1, "\n");
	line("irq-attack: done, stray interrupts ", others, 0, "\n");
}

uint64_t irq_ticks(uint64_t n, uint64_t period, uint64_t tpm, int verbose)
{
	uint64_t start = vcount(), shown = 0, end;

	irq_setup();
	gic_enable(0, INTID_VTIMER, 0x80);
	tick_step = period * tpm;
	end = start + 2 * n * tick_step + 100 * tpm;
	ticks = 0;
	timer_mode = T_TICK;
	lat_cval = start + tick_step;
	timer_set(lat_cval, 1);
	while (shown < n && vcount() < end) {
		wait_irq();
		if (!verbose)
			shown = ticks;
		while (shown < ticks && shown < n)
			line("tick ", ++shown, 0, "\n");
	}
	timer_mode = T_OFF;
	timer_set(0, 0);
	return shown < n ? shown : n;
}

uint64_t irq_strays(void)
{
	return others;
}

int irq_command(const char *w, const char **a, uint64_t period, uint64_t tpm)
{
	if (word_is(w, "tick=", a)) {
		uint64_t n = number(*a, a), start = vcount();
		irq_ticks(n, period, tpm, 1);
		line("tick: ", n, 0, " ticks in ");
		line("", (vcount() - start) / tpm, 0, " ms\n");
	} else if (word_is(w, "pingpong=", a)) {
		uint64_t n = number(*a, a);
		irq_setup();
		gic_enable(0, SGI_PONG, 0x80);
		irq_pongs = 0;
		for (uint64_t i = 0; i < n; i++) {
			gic_sgi_to(1, SGI_PING);
			if (wait_for(&irq_pongs, i + 1, 100 * tpm) <= i)
				break;
		}
		line("pingpong: ", irq_pongs, 0, " round trips\n");
	} else if (word_is(w, "rtc-alarm=", a) || word_is(w, "rtc-alarm", a)) {
		unsigned to = w[9] == '=' ? (unsigned)number(*a, a) : my_cpu();
		irq_setup();
		gic_enable(0, INTID_RTC, 0x80);
		gic_route(INTID_RTC, to);
		alarms = 0;
		*rtc(RTC_MR) = *rtc(RTC_DR) + 1;
		*rtc(RTC_IMSC) = 1;
		line("rtc-alarm: armed, routed to cpu ", to, 0, "\n");
		if (wait_for(&alarms, 1, 5000 * tpm)) {
			line("rtc-alarm: interrupt received on cpu ", alarm_cpu, 0, "");
			line(", RIS after clear ", *rtc(0x14), 0, "\n");
		} else {
			puts("rtc-alarm: no interrupt\n");
		}
	} else if (word_is(w, "dbirq=", a)) {
		doorbell_intid = (unsigned)number(*a, a);
		irq_setup();
		gic_enable(0, doorbell_intid, 0x80);
	} else if (word_is(w, "doorbells=", a)) {
		uint64_t n = number(*a, a);
		irq_setup();
		gic_enable(0, doorbell_intid, 0x80);
		line("doorbells: ", wait_for(&doorbells, n, 2000 * tpm), 0, " received\n");
	} else if (word_is(w, "notify=", a)) {
		uint64_t k = number(*a, a);
		int64_t r = hvc_call(PT_HVC_CHANNEL_NOTIFY, k, 0, 0);
		line("notify ", k, 0, "");
		line(" -> ", (uint64_t)r, 0, "\n");
	} else if (word_is(w, "prio-probe", a)) {
		/*
		 * FreeRTOS's loop is `while (!(v & 1)) v >>= 1;`, which never ends if the byte reads
		 * back 0; here it is bounded so that a failure prints instead of hanging.
		 */
		volatile uint8_t *prio32 = (volatile uint8_t *)gicd(0x400) + 32;
		uint8_t saved = *prio32, v;
		unsigned shifts = 0;
		*prio32 = 0xff;
		v = *prio32;
		line("prio-probe: INTID 32 priority 0xff reads back ", v, 1, "");
		for (uint8_t x = v; x && !(x & 1) && shifts < 8; x >>= 1)
			shifts++;
		if (v)
			line(", ", 8 - shifts, 0, " priority bits\n");
		else
			puts(", no priority bits: the probe would never end\n");
		*prio32 = saved;
	} else if (word_is(w, "prio16", a)) {
		irq_setup();
		prio16();
	} else if (word_is(w, "flood=", a)) {
		uint64_t ms = number(*a, a);
		irq_setup();
		gic_enable(0, INTID_VTIMER, 0x80);
		floods = 0;
		flood_end = vcount() + ms * tpm;
		timer_mode = T_FLOOD;
		timer_set(0, 1);
		while (vcount() < flood_end)
			;
		timer_mode = T_OFF;
		line("flood: ", floods, 0, " interrupts\n");
	} else if (word_is(w, "latency=", a)) {
		uint64_t n = number(*a, a);
		irq_setup();
		latency(n, tpm);
	} else if (word_is(w, "rxirq=", a)) {
		uint64_t n = number(*a, a);
		if (uart_cadence) {
			puts("rxirq: the console is no PL011, skipped\n");
			return 1;
		}
		irq_setup();
		gic_enable(0, uart_intid, 0x80);
		*uart(UART_IMSC) = UART_RX_RT;
		puts("rxirq: waiting\n");
		wait_for(&rx_lines, n, 5000 * tpm);
		*uart(UART_IMSC) = 0;
		gic_disable(0, uart_intid);
		puts("rxirq: ");
		for (unsigned i = 0; i < rx_len; i++)
			if (rx_buf[i] == '\n')
				puts(i + 1 < rx_len ? "\nrxirq: " : "");
			else
				putc(rx_buf[i]);
		putc('\n');
		line("rxirq: ", rx_lines, 0, " lines");
		line(", ", rx_irqs, 0, " interrupts\n");
	} else if (word_is(w, "rtos=", a)) {
		rtos(number(*a, a), tpm);
	} else if (word_is(w, "cost=", a)) {
		cost(number(*a, a));
	} else if (word_is(w, "irq-attack", a)) {
		irq_setup();
		attack();
	} else {
		return 0;
	}
	return 1;
}
