/*
 * The hypervisor's time on RISC-V: the time CSR (at the DT's timebase-frequency, which
 * pt_config.counter_hz states) and each hart's supervisor timer: stimecmp with Sstc, the SBI
 * timer without. Its interrupt (STIP) is reported to core as hyp_timer_irq (traps.c, irq.c).
 */
#include <arch/cpu.h>
#include <arch/csr.h>
#include <arch/sbi.h>
#include <hyp/arch.h>

uint64_t arch_timer_now(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

uint64_t arch_timer_freq(void)
{
	return pt_config.counter_hz;
}

void arch_timer_program(uint64_t at)
{
	if (has_sstc())
		csr_write(CSR_STIMECMP, at ? at : ~0ull);
	else
		sbi_fw_set_timer(at ? at : ~0ull);
}
