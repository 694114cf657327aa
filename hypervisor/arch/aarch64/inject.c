/*
 * Exceptions injected into a guest: what the CPU itself would do if the instruction had
 * trapped to EL1 instead of EL2. The guest's EL1 state (ELR, SPSR, ESR) records where it was,
 * and it continues at its own vector with interrupts masked.
 */
#include <arch/sysreg.h>
#include <arch/vcpu.h>
#include <hyp/vm.h>

#define SPSR_M_AARCH32   BIT(4)
#define SPSR_M_EL(spsr)  (((spsr) >> 2) & 3)
#define SPSR_M_SP        BIT(0)      /* SP_ELx rather than SP_EL0 */
#define VECTOR_CUR_SP0   0x000
#define VECTOR_CUR_SPX   0x200
#define VECTOR_LOW_A64   0x400
#define VECTOR_LOW_A32   0x600
#define ESR_EC_UNKNOWN   (0ull << 26)

/* The vector offset of a synchronous exception to EL1 taken from the state in `spsr`. */
static uint64_t sync_vector(uint64_t spsr)
{
	if (spsr & SPSR_M_AARCH32)
		return VECTOR_LOW_A32;
	if (SPSR_M_EL(spsr) == 0)
		return VECTOR_LOW_A64;
	return spsr & SPSR_M_SP ? VECTOR_CUR_SPX : VECTOR_CUR_SP0;
}

void inject_undef(struct vcpu *v, struct frame *f)
{
	(void)v;   /* this pCPU's EL1 registers are the vCPU's */
	sysreg_write(elr_el1, f->elr);
	sysreg_write(spsr_el1, f->spsr);
	/* EC 0 (unknown reason) with IL set, as for any UNDEFINED A64 instruction. */
	sysreg_write(esr_el1, ESR_EC_UNKNOWN | ESR_IL);
	f->elr = sysreg_read(vbar_el1) + sync_vector(f->spsr);
	f->spsr = SPSR_EL1H_MASKED;
}
