/*
 * The hypervisor's time on AArch64: the physical counter (CNTPCT_EL0, at CNTFRQ_EL0) and each
 * pCPU's EL2 physical timer (CNTHP), whose PPI (pt_config.htimer_intid) irq.c reports to core as
 * hyp_timer_irq. Core keeps the deadlines (core/timer.c); this only programs the earliest.
 */
#include <arch/sysreg.h>
#include <hyp/arch.h>

uint64_t arch_timer_now(void)
{
	return sysreg_read(cntpct_el0);
}

uint64_t arch_timer_freq(void)
{
	return sysreg_read(cntfrq_el0);
}

void arch_timer_program(uint64_t at)
{
	if (at) {
		sysreg_write(cnthp_cval_el2, at);
		sysreg_write(cnthp_ctl_el2, 1);   /* ENABLE, not masked */
	} else {
		sysreg_write(cnthp_ctl_el2, 0);
	}
	isb();
}
