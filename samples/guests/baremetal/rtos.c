/*
 * rtos=N: the GIC used the way RTOS ports use it (the Cortex-A GIC port of FreeRTOS, say), as
 * an unmodified RTOS image would under Partita. Each step prints one "rtos: ..." line that
 * tests/boot/irq.sh checks; they read the same on bare QEMU (baremetal-native.elf).
 *
 *   1. priority bits: write 0xff to INTID 32's priority byte and shift what reads back until
 *      bit 0 is set (FreeRTOS's configuration check, which never ends on a GIC that reads 0);
 *   2. binary point: write 0 to ICC_BPR1_EL1 (GICv2: GICC_BPR), read back the smallest the
 *      interface allows;
 *   3. running priority: ICC_RPR_EL1 (GICC_RPR) reads idle (0xff) in thread mode and the
 *      handler's priority inside it;
 *   4. preemption: inside the handler of SGI 8 (priority 0xc0), with interrupts unmasked as an
 *      RTOS does for nesting, SGI 9 (0x40) is taken at once and SGI 10 (0xe0) only after SGI 8's
 *      EOI;
 *   5. group priority: a handler at 0xd0 and SGI 11 at 0xc0, with binary points 3, 4, 5: SGI 11
 *      preempts only while their group priorities (ICC_BPR1: bits [7:BPR]) differ; on a GICv2
 *      the same with GICC_BPR 2, 3, 4 (group 0: bits [7:BPR+1]);
 *   6. priority mask: with ICC_PMR_EL1 (GICC_PMR) at 0x80 (an RTOS critical section) a 0xc0
 *      interrupt waits; it is taken as soon as the mask is lowered;
 *   7. a periodic tick (virtual timer, 1 ms, priority 0xa0) driving two tasks with their own
 *      stacks: the tick asks for a switch, the running task yields to the other at its next
 *      check. N ticks, then each task's share.
 */
#include "gic.h"
#include "irq.h"
#include "uart.h"

#define SGI_LOW    8
#define SGI_HIGH   9
#define SGI_LOWER  10
#define SGI_GROUP  11
#define SGI_OUTER  12
#define TASK_STACK 4096

/* The order interrupts were taken in, as handler entry ('<') and exit ('>') marks. */
static char order[32];
static volatile unsigned norder;
static volatile unsigned rpr_seen[16];
static volatile unsigned nested_test;
static volatile uint64_t rtos_ticks, switch_wanted;
static uint64_t tick_cval, tick_step;

static void mark(char c, unsigned id)
{
	if (norder + 3 < sizeof(order)) {
		order[norder++] = (char)('0' + id / 10 % 10);
		order[norder++] = (char)('0' + id % 10);
		order[norder++] = c;
	}
}

static uint64_t rpr(void)
{
	return gic_rpr();
}

/*
 * Unmask IRQs inside a handler for a moment, as an RTOS that allows nesting does; ELR and SPSR
 * of the outer exception are saved first (a nested one overwrites them).
 */
static void nest_window(void)
{
	uint64_t elr = SYSREG_READ(elr_el1), spsr = SYSREG_READ(spsr_el1);

	irqs_on();
	for (int i = 0; i < 64; i++)
		__asm__ volatile("nop");
	irqs_off();
	SYSREG_WRITE(elr_el1, elr);
	SYSREG_WRITE(spsr_el1, spsr);
}

static int rtos_irq(unsigned id)
{
	switch (id) {
	case SGI_LOW:
		mark('<', id);
		rpr_seen[id] = (unsigned)rpr();
		gic_sgi_to(0, SGI_HIGH);
		gic_sgi_to(0, SGI_LOWER);
		nest_window();
		mark('>', id);
		return 1;
	case SGI_OUTER:
		mark('<', id);
		gic_sgi_to(0, SGI_GROUP);
		nest_window();
		mark('>', id);
		return 1;
	case SGI_HIGH:
	case SGI_LOWER:
	case SGI_GROUP:
		mark('*', id);
		rpr_seen[id] = (unsigned)rpr();
		return 1;
	case INTID_VTIMER:
		if (!switch_wanted)
			return 0;   /* not ours: the tick command's timer */
		rtos_ticks++;
		tick_cval += tick_step;   /* periodic, from the previous deadline: no drift */
		__asm__ volatile("msr cntv_cval_el0, %0; isb" : : "r"(tick_cval));
		switch_wanted = 2;   /* the running task yields at its next check */
		return 1;
	}
	return 0;
}

/* Wait (interrupts unmasked) until the marks stop changing: every SGI sent was taken. */
static void settle(void)
{
	for (int i = 0; i < 2000; i++)
		__asm__ volatile("nop");
}

static void show_order(const char *what)
{
	puts("rtos: ");
	puts(what);
	puts(": ");
	for (unsigned i = 0; i < norder; i++) {
		putc(order[i]);
		if (i % 3 == 2 && i + 1 < norder)
			putc(' ');
	}
	putc('\n');
	norder = 0;
}

/* ---- two tasks, switched cooperatively when the tick asks for it ---- */

struct task_ctx {
	uint64_t x19_x30[12];
	uint64_t sp;
};

void rtos_switch(struct task_ctx *from, struct task_ctx *to);
__asm__(
	".text\n"
	".global rtos_switch\n"
	"rtos_switch:\n"
	"	stp	x19, x20, [x0, #0]\n"
	"	stp	x21, x22, [x0, #16]\n"
	"	stp	x23, x24, [x0, #32]\n"
	"	stp	x25, x26, [x0, #48]\n"
	"	stp	x27, x28, [x0, #64]\n"
	"	stp	x29, x30, [x0, #80]\n"
	"	mov	x2, sp\n"
	"	str	x2, [x0, #96]\n"
	"	ldp	x19, x20, [x1, #0]\n"
	"	ldp	x21, x22, [x1, #16]\n"
	"	ldp	x23, x24, [x1, #32]\n"
	"	ldp	x25, x26, [x1, #48]\n"
	"	ldp	x27, x28, [x1, #64]\n"
	"	ldp	x29, x30, [x1, #80]\n"
	"	ldr	x2, [x1, #96]\n"
	"	mov	sp, x2\n"
	"	ret\n");

static struct task_ctx main_ctx, task_ctx[2];
static uint8_t task_stack[2][TASK_STACK] __attribute__((aligned(16)));
static volatile uint64_t slices[2], work[2], tick_goal;
static volatile unsigned running;

static void task_body(void)
{
	unsigned me = running;

	for (;;) {
		work[me]++;
		if (switch_wanted == 2) {
			switch_wanted = 1;
			slices[me]++;
			running = !me;
			if (rtos_ticks >= tick_goal)
				rtos_switch(&task_ctx[me], &main_ctx);
			else
				rtos_switch(&task_ctx[me], &task_ctx[!me]);
			me = running;
		}
	}
}

static void task_start(unsigned k)
{
	task_ctx[k].x19_x30[11] = (uint64_t)task_body;           /* x30: where ret goes */
	task_ctx[k].sp = (uint64_t)&task_stack[k][TASK_STACK];
}

static void timer_start(uint64_t step)
{
	tick_step = step;
	tick_cval = vcount() + step;
	__asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb"
			 : : "r"(tick_cval), "r"(1ul));
}

extern int (*volatile irq_claim)(unsigned intid);

void rtos(uint64_t n, uint64_t tpm)
{
	volatile uint8_t *prio32 = (volatile uint8_t *)gicd(0x400) + 32;
	uint8_t v;
	unsigned bits = 0;
	uint64_t bpr;

	irq_setup();
	irq_claim = rtos_irq;

	/* 1. Priority bits, FreeRTOS's way (bounded here so a failure prints). */
	*prio32 = 0xff;
	v = *prio32;
	for (uint8_t x = v; x && !(x & 1) && bits < 8; x >>= 1)
		bits++;
	line("rtos: INTID 32 priority 0xff reads ", v, 1, "");
	line(v ? ", " : ", no priority bits", v ? 8 - bits : 0, 0, v ? " priority bits\n" : "\n");

	/* 2. Binary point: ask for 0, get the interface's smallest. */
	gic_set_bpr(0);
	bpr = gic_bpr();
	line(gic_v2 ? "rtos: gicc_bpr 0 reads " : "rtos: icc_bpr1 0 reads ", bpr, 0, "\n");

	/* 3, 4. Running priority and preemption. */
	line("rtos: rpr idle ", rpr(), 1, "\n");
	gic_enable(0, SGI_LOW, 0xc0);
	gic_enable(0, SGI_HIGH, 0x40);
	gic_enable(0, SGI_LOWER, 0xe0);
	norder = 0;
	gic_sgi_to(0, SGI_LOW);
	settle();
	show_order("nesting (08 at 0xc0, 09 at 0x40, 10 at 0xe0)");
	line("rtos: rpr in handler 08 ", rpr_seen[SGI_LOW], 1, "");
	line(", nested 09 ", rpr_seen[SGI_HIGH], 1, "");
	line(", 10 after 08 ", rpr_seen[SGI_LOWER], 1, "\n");

	/* 5. Group priority: 0xc0 against a handler at 0xd0, binary point 3, 4, then 5. */
	gic_enable(0, SGI_OUTER, 0xd0);
	gic_enable(0, SGI_GROUP, 0xc0);
	for (unsigned b = 3; b <= 5; b++) {
		/* GICC_BPR N (group 0): group priority [7:N+1]; ICC_BPR1 N: [7:N] */
		char v3[] = "bpr1 N, 12 at 0xd0, 11 at 0xc0", v2[] = "bpr N, 12 at 0xd0, 11 at 0xc0";
		gic_set_bpr(gic_v2 ? b - 1 : b);
		norder = 0;
		gic_sgi_to(0, SGI_OUTER);
		settle();
		v3[5] = v2[4] = (char)('0' + gic_bpr());
		show_order(gic_v2 ? v2 : v3);
	}
	gic_set_bpr(0);

	/* 6. Priority mask: a critical section holds a 0xc0 interrupt back. */
	gic_set_pmr(0x80);
	norder = 0;
	gic_sgi_to(0, SGI_GROUP);
	settle();
	line("rtos: pmr 0x80: 0xc0 interrupt taken ", norder / 3, 0, " times");
	gic_set_pmr(0xff);
	settle();
	line(", after pmr 0xff ", norder / 3, 0, " times\n");
	norder = 0;

	/* 7. Two tasks on a 1 ms tick. */
	if (n) {
		gic_enable(0, INTID_VTIMER, 0xa0);
		tick_goal = n;
		rtos_ticks = 0;
		switch_wanted = 1;
		running = 0;
		task_start(0);
		task_start(1);
		timer_start(tpm);
		rtos_switch(&main_ctx, &task_ctx[0]);
		switch_wanted = 0;
		__asm__ volatile("msr cntv_ctl_el0, xzr; isb");
		gic_disable(0, INTID_VTIMER);
		line("rtos: ", rtos_ticks, 0, " ticks");
		line(", task A ", slices[0], 0, " slices");
		line(", task B ", slices[1], 0, " slices");
		puts(work[0] && work[1] ? ", both worked\n" : ", a task never ran\n");
	}
	irq_claim = 0;
}
