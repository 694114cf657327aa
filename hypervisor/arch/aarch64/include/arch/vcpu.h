/*
 * AArch64 vCPUs: what a switched-out vCPU keeps, the end of every trap, and the trap handlers
 * the exception vectors reach.
 */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <arch/cpu.h>
#include <arch/frame.h>
#include <arch/vgic.h>
#include <hyp/types.h>
#include <hyp/vm.h>

/*
 * What a vCPU switched out in the middle of its run keeps: everything the hardware holds for it
 * while it runs (vcpu_ctx.c). Only vCPUs on shared pCPUs have one (in .noinit: allocated at
 * boot, never zeroed, filled before it is read).
 */
struct vcpu_ctx {
	struct frame frame;
	uint64_t el1[32];          /* vcpu_ctx.c: the EL1 registers, in its order */
	uint64_t cntv_ctl, cntv_cval;
	uint64_t fp[64];           /* q0..q31 */
	uint64_t fpsr, fpcr;
	uint64_t lr[16];           /* list registers, GICv3 layout (vgic/vgic_lr.c) */
	uint32_t apr, vmcr, hcr;
};

/* The vCPU this pCPU runs, trapped with frame f (from the guest: there must be one). */
static inline struct vcpu *vcpu_current(struct frame *f)
{
	struct vcpu *v = cpu_here()->vcpu;

	if (!v)
		panic_frame("trap from a lower EL on a pCPU without a vCPU", f);
	return v;
}

/* The end of every trap: back to the guest, or away from it for good if it was stopped. */
static inline void vcpu_after_trap(struct vcpu *v)
{
	if (READ_ONCE(v->state) != VCPU_ON)
		vcpu_leave(v);
	vgic_flush(v);
}

/* The trap frame of the vCPU this pCPU runs: the top of its stack (arch/frame.h). */
static inline struct frame *vcpu_frame(void)
{
	return (struct frame *)(uintptr_t)(cpu_here()->stack_top - FRAME_SIZE);
}

/* abort.c: stage-2 data aborts (emulated windows, or the guest's fault); the faulting IPA; a
 * stage-1 walk outside stage 2. */
void data_abort(struct vcpu *v, struct frame *f, uint64_t esr);
uint64_t fault_ipa(void);
void stage1_walk_fault(struct vcpu *v, struct frame *f, const char *access);

/* psci.c: HVC #0 / SMC from a guest; sets the return registers. */
void psci_guest_call(struct vcpu *v, struct frame *f, bool smc);

/* sysreg_trap.c: EC 0x18 */
void sysreg_trap(struct vcpu *v, struct frame *f, uint64_t esr);

/* inject.c: an UNDEFINED instruction exception at the guest's own EL1 vector. */
void inject_undef(struct vcpu *v, struct frame *f);

/* fpsimd.S */
void fpsimd_reset(void);
void fpsimd_save(uint64_t *regs, uint64_t *fpsr_fpcr);
void fpsimd_restore(const uint64_t *regs, const uint64_t *fpsr_fpcr);

#endif
