/*
 * The hypervisor's own time: the physical counter and the EL2 physical timer (CNTHP), whose PPI
 * the console multiplexer uses to print a line that went idle (core/conmux.c) and a shared pCPU
 * to end its schedule's windows (core/sched.c).
 */
#ifndef HYP_TIMER_H
#define HYP_TIMER_H

#include <hyp/sysreg.h>
#include <hyp/types.h>

static inline uint64_t timer_now(void) { return sysreg_read(cntpct_el0); }
static inline uint64_t timer_freq(void) { return sysreg_read(cntfrq_el0); }

/*
 * This pCPU's EL2 timer serves two deadlines (core/timer.c): the console's idle flush and, on a
 * shared pCPU, the end of the current schedule window. It fires at the earlier one; each owner
 * looks at its own when the interrupt comes.
 */
void timer_arm(uint64_t cval);        /* the console's deadline (replacing an earlier one) */
void timer_disarm(void);
void timer_arm_sched(uint64_t cval);  /* the schedule's */
/*
 * An idle pCPU's wake-up: armed only in the idle loop, and cleared before the pCPU enters any
 * guest (due or not), so it can never fire into another VM's time.
 */
void timer_arm_wake(uint64_t cval);
void timer_wake_clear(bool only_if_due);

/* Nanoseconds to counter ticks without overflow (ns up to 2^64 / 2^32, hz below 2^32). */
static inline uint64_t timer_ns_to_ticks(uint64_t ns, uint64_t hz)
{
	return ns / 1000000000ull * hz + ns % 1000000000ull * hz / 1000000000ull;
}

#endif
