/*
 * The hypervisor's own time: the physical counter and the EL2 physical timer (CNTHP), whose PPI
 * the console multiplexer uses to print a line that went idle (core/conmux.c).
 */
#ifndef HYP_TIMER_H
#define HYP_TIMER_H

#include <hyp/sysreg.h>
#include <hyp/types.h>

static inline uint64_t timer_now(void) { return sysreg_read(cntpct_el0); }
static inline uint64_t timer_freq(void) { return sysreg_read(cntfrq_el0); }

/* Fire this pCPU's EL2 timer interrupt once the counter reaches cval (replacing an earlier one). */
static inline void timer_arm(uint64_t cval)
{
	sysreg_write(cnthp_cval_el2, cval);
	sysreg_write(cnthp_ctl_el2, 1);   /* ENABLE, not masked */
	isb();
}

static inline void timer_disarm(void)
{
	sysreg_write(cnthp_ctl_el2, 0);
	isb();
}

#endif
