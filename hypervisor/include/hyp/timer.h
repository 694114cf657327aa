/*
 * The hypervisor's own time: the counter and each pCPU's hypervisor timer (the arch's: on
 * AArch64 the physical counter and the EL2 physical timer, CNTHP), which the console
 * multiplexer uses to print a line that went idle (core/conmux.c), a shared pCPU to end its
 * schedule's windows (core/sched.c) and an idle pCPU to wake up after a restart's back-off.
 */
#ifndef HYP_TIMER_H
#define HYP_TIMER_H

#include <hyp/arch.h>
#include <hyp/types.h>

static inline uint64_t timer_now(void) { return arch_timer_now(); }
static inline uint64_t timer_freq(void) { return arch_timer_freq(); }

/*
 * This pCPU's timer serves three deadlines (core/timer.c): the console's idle flush and, on a
 * shared pCPU, the end of the current schedule window, and an idle pCPU's wake-up. It fires at
 * the earliest; each owner looks at its own when the interrupt comes.
 */
void timer_arm(uint64_t cval);        /* the console's deadline (replacing an earlier one) */
void timer_disarm(void);
struct pcpu;
void timer_arm_sched(struct pcpu *c, uint64_t cval);  /* the schedule's (c: this pCPU) */
/*
 * An idle pCPU's wake-up: armed only in the idle loop, and cleared before the pCPU enters any
 * guest (due or not), so it can never fire into another VM's time.
 */
void timer_arm_wake(uint64_t cval);
void timer_wake_clear(bool only_if_due);

/*
 * Reported by the arch: the timer of this pCPU, c, fired, in the idle loop (idle) or while a vCPU
 * ran. Every owner whose deadline came acts on it; true when a shared pCPU's window ended under
 * a running vCPU, which the arch then switches out (sched_preempt).
 */
bool hyp_timer_irq(struct pcpu *c, bool idle);

/* Nanoseconds to counter ticks without overflow (ns up to 2^64 / 2^32, hz below 2^32). */
static inline uint64_t timer_ns_to_ticks(uint64_t ns, uint64_t hz)
{
	return ns / 1000000000ull * hz + ns % 1000000000ull * hz / 1000000000ull;
}

#endif
