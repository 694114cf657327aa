/*
 * The EL2 physical timer (CNTHP) of each pCPU, shared by its two users: the console's idle flush
 * (core/conmux.c, any pCPU) and the schedule of a shared pCPU (core/sched.c). It is programmed
 * for the earlier deadline; a user whose deadline has not come finds nothing to do when the
 * interrupt arrives.
 */
#include <hyp/cpu.h>
#include <hyp/timer.h>

static void program(struct pcpu *c)
{
	uint64_t a = c->timer_console, b = c->timer_sched;
	uint64_t at = !a ? b : !b ? a : a < b ? a : b;

	if (at) {
		sysreg_write(cnthp_cval_el2, at);
		sysreg_write(cnthp_ctl_el2, 1);   /* ENABLE, not masked */
	} else {
		sysreg_write(cnthp_ctl_el2, 0);
	}
	isb();
}

void timer_arm(uint64_t cval)
{
	struct pcpu *c = this_cpu();

	c->timer_console = cval ? cval : 1;
	program(c);
}

void timer_disarm(void)
{
	struct pcpu *c = this_cpu();

	c->timer_console = 0;
	program(c);
}

void timer_arm_sched(uint64_t cval)
{
	struct pcpu *c = this_cpu();

	c->timer_sched = cval ? cval : 1;
	program(c);
}
