/*
 * The EL2 physical timer (CNTHP) of each pCPU, shared by its users: the console's idle flush
 * (core/conmux.c, any pCPU), the schedule of a shared pCPU (core/sched.c) and an idle pCPU's
 * wake-up (core/vm_reset.c: a restart's back-off). It is programmed for the earliest deadline;
 * a user whose deadline has not come finds nothing to do when the interrupt arrives.
 */
#include <hyp/cpu.h>
#include <hyp/timer.h>

static void program(struct pcpu *c)
{
	uint64_t d[3] = { c->timer_console, c->timer_sched, c->timer_wake }, at = 0;

	for (unsigned i = 0; i < 3; i++)
		if (d[i] && (!at || d[i] < at))
			at = d[i];

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

void timer_arm_wake(uint64_t cval)
{
	struct pcpu *c = this_cpu();

	c->timer_wake = cval ? cval : 1;
	program(c);
}

void timer_wake_clear(bool only_if_due)
{
	struct pcpu *c = this_cpu();

	if (!c->timer_wake || (only_if_due && timer_now() < c->timer_wake))
		return;
	c->timer_wake = 0;
	program(c);
}
