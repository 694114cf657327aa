/*
 * The hypervisor timer of each pCPU (the arch's: arch_timer_program), shared by its users: the
 * console's idle flush (core/conmux.c, any pCPU), the schedule of a shared pCPU (core/sched.c)
 * and an idle pCPU's wake-up (core/vm_reset.c: a restart's back-off). It is programmed for the
 * earliest deadline; a user whose deadline has not come finds nothing to do when it fires.
 */
#include <hyp/arch.h>
#include <hyp/console.h>
#include <hyp/cpu.h>
#include <hyp/sched.h>
#include <hyp/timer.h>

static void program(struct pcpu *c)
{
	uint64_t d[3] = { c->timer_console, c->timer_sched, c->timer_wake }, at = 0;

	for (unsigned i = 0; i < 3; i++)
		if (d[i] && (!at || d[i] < at))
			at = d[i];
	arch_timer_program(at);
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

void timer_arm_sched(struct pcpu *c, uint64_t cval)
{
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

bool hyp_timer_irq(struct pcpu *c, bool idle)
{
	bool ended = false;

	if (idle) {
		sched_idle_timer(c);   /* a shared pCPU's window ended: its vCPU changes here */
		timer_wake_clear(true);
	} else {
		ended = c->sched && sched_timer(c);
	}
	/* The console's idle flush shares the timer: it looks only when its own deadline came
	 * (then it disarms, prints and re-arms as it needs), not at every window boundary. */
	if (c->timer_console && timer_now() >= c->timer_console)
		conmux_timer();
	return ended;
}
