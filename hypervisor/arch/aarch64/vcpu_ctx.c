/*
 * Switching a vCPU out and back in on a shared pCPU (core/sched.c): everything of it the
 * hardware holds while it runs goes into its vcpu_ctx and comes back from it. The list is the
 * one vcpu_arch_enter() resets, so a VM never sees another VM's value in any register it can
 * read: general registers (the trap frame), the EL1 system registers, the virtual timer,
 * FP/SIMD, the virtual CPU interface (arch/aarch64/vgic_lr.c), and the VM's stage 2, virtual
 * MPIDR and counter offset.
 */
#include <hyp/cpu.h>
#include <hyp/sched.h>
#include <hyp/vm.h>

#define EL1_REGS(X) \
	X(sctlr_el1) X(cpacr_el1) X(vbar_el1) X(ttbr0_el1) X(ttbr1_el1) X(tcr_el1) X(mair_el1) \
	X(amair_el1) X(contextidr_el1) X(tpidr_el1) X(tpidr_el0) X(tpidrro_el0) X(sp_el0) \
	X(sp_el1) X(esr_el1) X(far_el1) X(par_el1) X(afsr0_el1) X(afsr1_el1) X(elr_el1) \
	X(spsr_el1) X(csselr_el1) X(mdscr_el1) X(cntkctl_el1)

#define COUNT(r) + 1
_Static_assert(0 EL1_REGS(COUNT) <= 32, "vcpu_ctx.el1 holds the list");

void vcpu_ctx_save(struct vcpu *v, const struct frame *f)
{
	struct vcpu_ctx *x = v->ctx;
	unsigned i = 0;

	x->frame = *f;
#define SAVE(r) x->el1[i++] = sysreg_read(r);
	EL1_REGS(SAVE)
#undef SAVE
	x->cntv_ctl = sysreg_read(cntv_ctl_el0);
	x->cntv_cval = sysreg_read(cntv_cval_el0);
	/* Its timer must not fire for whoever runs next (their own is loaded before they run). */
	sysreg_write(cntv_ctl_el0, 0);
	fpsimd_save(x->fp, &x->fpsr);
	vgic_lr_save(v);
	x->saved = 1;
}

void vcpu_ctx_restore(struct vcpu *v, struct frame *f)
{
	struct vcpu_ctx *x = v->ctx;
	unsigned i = 0;

	sysreg_write(vttbr_el2, v->vm->vttbr);
	sysreg_write(vmpidr_el2, BIT(31) | v->index);
	sysreg_write(cntvoff_el2, v->vm->cntvoff);
#define RESTORE(r) sysreg_write(r, x->el1[i++]);
	EL1_REGS(RESTORE)
#undef RESTORE
	sysreg_write(cntv_cval_el0, x->cntv_cval);
	sysreg_write(cntv_ctl_el0, x->cntv_ctl);
	fpsimd_restore(x->fp, &x->fpsr);
	isb();
	vgic_lr_restore(v);
	*f = x->frame;
	x->saved = 0;
}
