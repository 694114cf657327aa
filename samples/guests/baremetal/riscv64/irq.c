/*
 * The riscv64 guest's interrupts (../irq.h's interface) and its interrupt commands:
 *
 *   tick=N        N timer interrupts, one every `period` ms: "tick K", then a summary
 *   pingpong=N    N IPI round trips between CPU 0 (PING ->) and CPU 1 (<- PONG)
 *   flood=MS      a timer that fires continuously for MS ms; count the interrupts
 *   dbirq=SRC     the PLIC source to take as the doorbell (default: the first channel's)
 *   doorbells=N   wait for N doorbell interrupts
 *   notify=K      ring the doorbell of channel end K (PT_SBI_CHANNEL_NOTIFY)
 *   rxirq=N       receive N console lines through the 16550's receive interrupt (by the PLIC),
 *                 then print each as "rxirq: LINE" and the interrupt count
 *   rtc-alarm     the goldfish RTC's alarm (where the device tree lists one) 2 ms ahead of its
 *                 time, its PLIC source enabled in this CPU's context only; wait for the
 *                 interrupt: "rtc-alarm: armed, routed to cpu C", then "rtc-alarm: interrupt
 *                 received on cpu C, alarm status S" (S: ALARM_STATUS after the handler cleared
 *                 it, 0) or "rtc-alarm: no interrupt"
 *   rtc-alarm=CPU the same with the source enabled in CPU's context only: taken there
 *   irq-attack    try to use interrupts, contexts and harts this VM does not own
 *
 * The timer is Sstc's stimecmp where every hart's riscv,isa names Sstc, else SBI set_timer;
 * IPIs are SBI IPIs (sip.SSIP) carrying message bits; external interrupts come from the PLIC
 * context of the hart (claim, handle, complete). trap_dispatch() is called by start.S's
 * trap_entry for every trap: interrupts, and exceptions (a command's trap_hook, or the end).
 */
#include "../fdt.h"
#include "../irq.h"
#include "../uart.h"
#include "plic.h"
#include "rvplat.h"
#include "trap.h"

#define IRQ_S_SOFT   1
#define IRQ_S_TIMER  5
#define IRQ_S_EXT    9
#define RTC_SOURCE   11     /* QEMU virt's goldfish RTC: not a VM's */

enum { T_OFF, T_TICK, T_FLOOD };

/* The goldfish RTC (QEMU's hw/rtc/goldfish_rtc.c): time and alarm in ns, a level interrupt. */
#define RTC_TIME_LOW        0x00   /* read first: latches TIME_HIGH */
#define RTC_TIME_HIGH       0x04
#define RTC_ALARM_LOW       0x08   /* written last: arms the alarm */
#define RTC_ALARM_HIGH      0x0c
#define RTC_IRQ_ENABLED     0x10
#define RTC_ALARM_STATUS    0x18
#define RTC_CLEAR_INTERRUPT 0x1c
#define rtc_reg(off) (*(volatile uint32_t *)(rtc_base + (off)))

int (*volatile trap_hook)(struct trap_frame *f);
volatile uint64_t irq_pongs;
volatile uint64_t ipi_count[MAX_CPUS];
static volatile uint64_t alarms;
static volatile unsigned alarm_cpu;
static volatile uint32_t ipi_msgs[MAX_CPUS];
static volatile int timer_mode[MAX_CPUS];
static volatile uint64_t ticks, doorbells, floods, others, rx_irqs, rx_lines;
static uint64_t tick_step, next_tick, flood_end;
static unsigned doorbell_src, setup_done;
static volatile unsigned rx_len;
static char rx_buf[256];

void timer_set(uint64_t when)
{
	if (timer_sstc)
		__asm__ volatile("csrw 0x14d, %0" : : "r"(when) : "memory");   /* stimecmp */
	else
		sbi_set_timer(when);
}

/*
 * Sleep until `when` in WFI, woken by this hart's timer: what delay_ms() does, since a spinning
 * hart holds QEMU's only thread under -icount (arch.h's nap()). Interrupts stay masked
 * across the arming and the WFI (WFI ends on a pending, enabled one even then) and are let in
 * between, so that other interrupts are taken as usual. A timer a command holds is not touched:
 * then it spins.
 */
void sleep_until(uint64_t when)
{
	unsigned me = my_cpu();
	uint64_t had_stie = CSR_READ(sie) & SIE_STIE;

	if (timer_mode[me] != T_OFF) {
		while (vcount() < when)
			relax();
		return;
	}
	CSR_SET(sie, SIE_STIE);
	while (vcount() < when) {
		uint64_t on = CSR_READ(sstatus) & SSTATUS_SIE;
		irqs_off();
		timer_set(when);
		if (vcount() < when)
			wait_irq();
		timer_set(~0ul);
		if (on)
			irqs_on();
	}
	if (!had_stie)
		CSR_CLEAR(sie, SIE_STIE);
}

void nap(void)
{
	sleep_until(vcount() + ticks_per_ms / 100);
}

void ipi_send(unsigned cpu, unsigned msg)
{
	if (cpu >= MAX_CPUS)
		return;
	__atomic_fetch_or(&ipi_msgs[cpu], msg, __ATOMIC_RELEASE);
	publish();
	sbi_send_ipi(cpu_hart[cpu]);
}

uint64_t irq_doorbell_count(void)
{
	return doorbells;
}

static void timer_irq(unsigned me)
{
	switch (timer_mode[me]) {
	case T_TICK:
		ticks++;
		next_tick += tick_step;
		timer_set(next_tick);
		break;
	case T_FLOOD:
		floods++;
		if (vcount() >= flood_end)
			timer_set(~0ul);   /* a compare value of 0 keeps it pending until then */
		break;
	default:
		timer_set(~0ul);
	}
}

static void soft_irq(void)
{
	uint32_t m;

	CSR_CLEAR(sip, SIE_SSIE);
	ipi_count[my_cpu() % MAX_CPUS]++;
	m = __atomic_exchange_n(&ipi_msgs[my_cpu()], 0, __ATOMIC_ACQUIRE);
	if (m & IPI_PING)
		ipi_send(boot_cpu, IPI_PONG);
	if (m & IPI_PONG)
		irq_pongs++;
}

/* Everything received, lines ended by CR or LF kept as '\n'-separated text in rx_buf. */
static void uart_irq(void)
{
	int c;

	rx_irqs++;
	while ((c = getc_nowait()) >= 0) {
		if (c == '\r' || c == '\n') {
			rx_buf[rx_len++] = '\n';
			rx_lines++;
		} else {
			rx_buf[rx_len++] = (char)c;
		}
		if (rx_len >= sizeof(rx_buf) - 1)   /* keep room for the last line's end */
			rx_len = sizeof(rx_buf) - 2;
	}
}

static void external_irq(unsigned me)
{
	int ctx = plic_ctx[me];
	unsigned id;

	while ((id = plic_claim(ctx)) != 0) {
		if (id == uart_intid && console_kind == CON_16550)
			uart_irq();
		else if (id == doorbell_src)
			doorbells++;
		else if (id == rtc_source && rtc_base) {
			rtc_reg(RTC_IRQ_ENABLED) = 0;
			rtc_reg(RTC_CLEAR_INTERRUPT) = 1;
			alarm_cpu = me;
			alarms++;
		}
		else
			others++;
		plic_complete(ctx, id);
	}
}

static void unexpected(const struct trap_frame *f)
{
	line("unexpected exception, scause ", f->scause, 1, "");
	line(" sepc ", f->sepc, 1, "");
	line(" stval ", f->stval, 1, "\n");
	power_off();
}

void trap_dispatch(struct trap_frame *f)
{
	int (*hook)(struct trap_frame *) = trap_hook;
	unsigned me = my_cpu();

	if (f->scause & SCAUSE_IRQ) {
		uint64_t code = f->scause & ~SCAUSE_IRQ;
		if (code == IRQ_S_TIMER)
			timer_irq(me);
		else if (code == IRQ_S_SOFT)
			soft_irq();
		else if (code == IRQ_S_EXT)
			external_irq(me);
		else {
			others++;
			if (code < 64)
				CSR_CLEAR(sie, 1ul << code);   /* not ours to handle: keep it out */
		}
		return;
	}
	if (hook && hook(f))
		return;
	unexpected(f);
}

/* The boot hart, once: timer off, its PLIC context open (threshold 0), interrupts on. */
void irq_setup(void)
{
	if (setup_done)
		return;
	setup_done = 1;
	timer_set(~0ul);
	plic_threshold(plic_ctx[my_cpu()], 0);
	CSR_SET(sie, SIE_SSIE | SIE_STIE | SIE_SEIE);
	irqs_on();
}

void irq_secondary(unsigned cpu)
{
	timer_set(~0ul);
	if (cpu < MAX_CPUS)
		plic_threshold(plic_ctx[cpu], 0);
	CSR_SET(sie, SIE_SSIE | SIE_STIE | SIE_SEIE);
	irqs_on();
}

void irq_doorbell(unsigned src)
{
	doorbell_src = src;
	irq_setup();
	plic_priority(src, 1);
	plic_enable(plic_ctx[my_cpu()], src, 1);
}

/*
 * Wait in WFI until *what reaches n or timeout_ticks have passed (the timer wakes us then).
 * Interrupts are masked around the check, so a wake-up between it and the WFI is not lost.
 */
static uint64_t wait_for(volatile uint64_t *what, uint64_t n, uint64_t timeout_ticks)
{
	uint64_t end = vcount() + timeout_ticks;
	unsigned me = my_cpu();

	irqs_off();
	if (timer_mode[me] == T_OFF)
		timer_set(end);
	while (*what < n && vcount() < end) {
		wait_irq();
		irqs_on();
		irqs_off();
	}
	if (timer_mode[me] == T_OFF)
		timer_set(~0ul);
	irqs_on();
	return *what;
}

uint64_t irq_ticks(uint64_t n, uint64_t period, uint64_t tpm, int verbose)
{
	uint64_t start = vcount(), shown = 0, end;
	unsigned me = my_cpu();

	irq_setup();
	tick_step = period * tpm;
	end = start + 2 * n * tick_step + 100 * tpm;
	ticks = 0;
	timer_mode[me] = T_TICK;
	next_tick = start + tick_step;
	timer_set(next_tick);
	while (shown < n && vcount() < end) {
		wait_irq();
		if (!verbose)
			shown = ticks;
		while (shown < ticks && shown < n)
			line("tick ", ++shown, 0, "\n");
	}
	timer_mode[me] = T_OFF;
	timer_set(~0ul);
	return shown < n ? shown : n;
}

uint64_t irq_strays(void)
{
	return others;
}

/* Interrupts, contexts and harts that are not this VM's, as irq.c's irq-attack on AArch64. */
static void attack(void)
{
	int ctx = plic_ctx[my_cpu()];
	unsigned src = RTC_SOURCE;

	/* Somebody else's source: prioritise and enable it in our context; read back. */
	plic_priority(src, 7);
	plic_enable(ctx, src, 1);
	line("irq-attack: source ", src, 0, "");
	line(" priority ", plic_priority_of(src), 0, "");
	line(" enable ", plic_enable_word(ctx, src), 1, "\n");
	plic_enable(ctx, src, 0);
	plic_priority(src, 0);
	/* Other contexts: the M-mode context 0 and the one after ours (another hart's). */
	for (int other = 0; other < 2; other++) {
		int c = other ? ctx + 1 : 0;
		if (c == ctx)
			continue;
		uint32_t en = plic_enable_word(c, uart_intid), th = plic_threshold_of(c);
		plic_enable(c, uart_intid, 1);
		plic_threshold(c, 0);
		line("irq-attack: context ", (uint64_t)c, 0, "");
		line(" enable ", plic_enable_word(c, uart_intid), 1, "");
		line(" threshold ", plic_threshold_of(c), 0, "\n");
		if (!(en & (1u << (uart_intid % 32))))
			plic_enable(c, uart_intid, 0);
		plic_threshold(c, th);
	}
	/* IPIs to harts that are not ours: past our last hart, and far away. */
	line("irq-attack: ipi to hart ", cpu_hart[ncpus - 1] + 1, 0, "");
	line(" -> ", (uint64_t)sbi_send_ipi(cpu_hart[ncpus - 1] + 1), 0, "");
	line(", hart 4095 -> ", (uint64_t)sbi_send_ipi(4095), 0, "\n");
	line("irq-attack: done, stray interrupts ", others, 0, "\n");
}

int irq_command(const char *w, const char **a, uint64_t period, uint64_t tpm)
{
	unsigned me = my_cpu();

	if (word_is(w, "tick=", a)) {
		uint64_t n = number(*a, a), start = vcount();
		irq_ticks(n, period, tpm, 1);
		line("tick: ", n, 0, " ticks in ");
		line("", (vcount() - start) / tpm, 0, " ms\n");
	} else if (word_is(w, "pingpong=", a)) {
		uint64_t n = number(*a, a);
		irq_setup();
		irq_pongs = 0;
		for (uint64_t i = 0; i < n && ncpus > 1; i++) {
			ipi_send(1, IPI_PING);
			if (wait_for(&irq_pongs, i + 1, 100 * tpm) <= i)
				break;
		}
		line("pingpong: ", irq_pongs, 0, " round trips\n");
	} else if (word_is(w, "flood=", a)) {
		uint64_t ms = number(*a, a);
		irq_setup();
		floods = 0;
		flood_end = vcount() + ms * tpm;
		timer_mode[me] = T_FLOOD;
		timer_set(0);
		while (vcount() < flood_end)
			relax();
		timer_mode[me] = T_OFF;
		timer_set(~0ul);
		line("flood: ", floods, 0, " interrupts\n");
	} else if (word_is(w, "dbirq=", a)) {
		irq_doorbell((unsigned)number(*a, a));
	} else if (word_is(w, "doorbells=", a)) {
		uint64_t n = number(*a, a);
		if (!doorbell_src && guest_dt.nchannels)
			doorbell_src = guest_dt.channels[0].intid;
		irq_doorbell(doorbell_src);
		line("doorbells: ", wait_for(&doorbells, n, 2000 * tpm), 0, " received\n");
	} else if (word_is(w, "notify=", a)) {
		uint64_t k = number(*a, a);
		int64_t r = chan_notify(k);
		line("notify ", k, 0, "");
		line(" -> ", (uint64_t)r, 0, "\n");
	} else if (word_is(w, "rxirq=", a)) {
		uint64_t n = number(*a, a);
		int ctx = plic_ctx[me];
		if (console_kind != CON_16550) {
			puts("rxirq: the console is no 16550, skipped\n");
			return 1;
		}
		irq_setup();
		plic_priority(uart_intid, 1);
		plic_enable(ctx, uart_intid, 1);
		uart_rx_irq(1);
		puts("rxirq: waiting\n");
		wait_for(&rx_lines, n, 5000 * tpm);
		uart_rx_irq(0);
		plic_enable(ctx, uart_intid, 0);
		puts("rxirq: ");
		for (unsigned i = 0; i < rx_len; i++)
			if (rx_buf[i] == '\n')
				puts(i + 1 < rx_len ? "\nrxirq: " : "");
			else
				putc(rx_buf[i]);
		putc('\n');
		line("rxirq: ", rx_lines, 0, " lines");
		line(", ", rx_irqs, 0, " interrupts\n");
	} else if (word_is(w, "rtc-alarm=", a) || word_is(w, "rtc-alarm", a)) {
		unsigned to = w[9] == '=' ? (unsigned)number(*a, a) : me;
		uint64_t now, end;
		if (!rtc_base || !rtc_source || to >= ncpus) {
			puts("rtc-alarm: no goldfish RTC in the device tree, or no such cpu\n");
			return 1;
		}
		irq_setup();
		plic_priority(rtc_source, 1);
		for (unsigned c = 0; c < ncpus; c++)
			plic_enable(plic_ctx[c], rtc_source, c == to);
		alarms = 0;
		now = rtc_reg(RTC_TIME_LOW);
		now |= (uint64_t)rtc_reg(RTC_TIME_HIGH) << 32;
		now += 2000000;   /* 2 ms of the RTC's time */
		rtc_reg(RTC_ALARM_HIGH) = (uint32_t)(now >> 32);
		rtc_reg(RTC_ALARM_LOW) = (uint32_t)now;
		rtc_reg(RTC_IRQ_ENABLED) = 1;
		line("rtc-alarm: armed, routed to cpu ", to, 0, "\n");
		/* In short naps, not one long wait: the RTC may count host time (QEMU's -rtc clock),
		 * which a WFI under -icount with sleep=off would leap over. */
		for (end = vcount() + 5000 * tpm; !alarms && vcount() < end;)
			nap();
		for (unsigned c = 0; c < ncpus; c++)
			plic_enable(plic_ctx[c], rtc_source, 0);
		if (alarms) {
			line("rtc-alarm: interrupt received on cpu ", alarm_cpu, 0, "");
			line(", alarm status ", rtc_reg(RTC_ALARM_STATUS), 0, "\n");
		} else {
			puts("rtc-alarm: no interrupt\n");
		}
	} else if (word_is(w, "irq-attack", a)) {
		irq_setup();
		attack();
	} else {
		return 0;
	}
	return 1;
}
