/*
 * Switching a vCPU out and back in on a shared pCPU (core/sched.c): everything of it the
 * hardware holds while it runs goes into its vcpu_ctx and comes back from it. The list is the
 * one arch_vcpu_enter() resets, so a VM never sees another VM's value in any register it can
 * read: general registers (the trap frame), the EL1 system registers, the virtual timer,
 * FP/SIMD, the virtual CPU interface (vgic/vgic_lr.c), and the VM's stage 2, virtual MPIDR and
 * counter offset.
 */
#include <arch/cpu.h>
#include <arch/sysreg.h>
#include <arch/vcpu.h>
#include <arch/vgic.h>
#include <hyp/arch.h>
#include <hyp/vm.h>

#define EL1_REGS(X) \
	X(sctlr_el1) X(cpacr_el1) X(vbar_el1) X(ttbr0_el1) X(ttbr1_el1) X(tcr_el1) X(mair_el1) \
	X(amair_el1) X(contextidr_el1) X(tpidr_el1) X(tpidr_el0) X(tpidrro_el0) X(sp_el0) \
	X(sp_el1) X(esr_el1) X(far_el1) X(par_el1) X(afsr0_el1) X(afsr1_el1) X(elr_el1) \
	X(spsr_el1) X(csselr_el1) X(mdscr_el1) X(cntkctl_el1)

#define COUNT(r) + 1
_Static_assert(0 EL1_REGS(COUNT) <= 32, "vcpu_ctx.el1 holds the list");

/* Only vCPUs of shared pCPUs have one: not zeroed at boot (.noinit), filled before it is read. */
static struct vcpu_ctx ctx_pool[PT_MAX_VCPUS] __section(".noinit.sched");
static unsigned nctx;

void arch_vcpu_ctx_init(struct vcpu *v)
{
	v->ctx = &ctx_pool[nctx++];   /* cfg_check: at most PT_MAX_VCPUS */
}

void arch_vcpu_save(struct vcpu *v, struct frame *f)
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
}

void arch_vcpu_restore(struct vcpu *v)
{
	struct vcpu_ctx *x = v->ctx;
	struct frame *f = vcpu_frame();
	unsigned i = 0;

	/* running = 1 (the caller just stored it) before the flush below loads the pending set
	 * (vgic_post): one of them sees the other. */
	dsb(ish);
	sysreg_write(vttbr_el2, v->vm->stage2);
	sysreg_write(vmpidr_el2, BIT(31) | v->index);
	sysreg_write(cntvoff_el2, v->vm->time_offset);
#define RESTORE(r) sysreg_write(r, x->el1[i++]);
	EL1_REGS(RESTORE)
#undef RESTORE
	sysreg_write(cntv_cval_el0, x->cntv_cval);
	sysreg_write(cntv_ctl_el0, x->cntv_ctl);
	fpsimd_restore(x->fp, &x->fpsr);
	isb();
	vgic_lr_restore(v);
	*f = x->frame;
	vgic_flush(v);   /* what was posted to it while it was out */
}

void arch_vcpu_resume(struct vcpu *v)
{
	(void)v;   /* its registers are in the frame at the top of this pCPU's stack */
	guest_enter(vcpu_frame());
}

void arch_vcpu_discard(struct vcpu *v)
{
	vgic_lr_discard(v);
}
