/*
 * Switching a vCPU out and back in on a shared pCPU (core/sched.c): everything of it the hart
 * holds while it runs goes into its vcpu_ctx and comes back from it. The list is the one
 * arch_vcpu_enter() resets, so a VM never sees another VM's value in any register it can read:
 * general registers (the trap frame), the VS CSRs and its pending virtual interrupts (hvip), its
 * timer (vstimecmp), the FP registers, and its G-stage and time offset.
 */
#include <arch/cpu.h>
#include <arch/csr.h>
#include <arch/vcpu.h>
#include <hyp/arch.h>
#include <hyp/vm.h>

/* The VS CSRs, and the two S-mode ones the H extension gives a VM directly (no VS copy):
 * scounteren and senvcfg, which act on its user mode only. */
#define VS_REGS(X) X(CSR_VSSTATUS) X(CSR_VSIE) X(CSR_VSTVEC) X(CSR_VSSCRATCH) X(CSR_VSEPC) \
	X(CSR_VSCAUSE) X(CSR_VSTVAL) X(CSR_VSATP) X(CSR_VSTIMECMP) X(CSR_HVIP) \
	X(CSR_SCOUNTEREN) X(CSR_SENVCFG)

#define COUNT(r) + 1
_Static_assert(0 VS_REGS(COUNT) <= 12, "vcpu_ctx.vs holds the list");

extern bool vmid_tags_vms;   /* cpu.c */

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
#define SAVE(r) x->vs[i++] = csr_read(r);
	VS_REGS(SAVE)
#undef SAVE
	csr_write(CSR_VSTIMECMP, ~0ull);   /* not to fire for whoever runs next */
	csr_write(CSR_HVIP, 0);
	fp_save(x->fp);
}

void arch_vcpu_restore(struct vcpu *v)
{
	struct vcpu_ctx *x = v->ctx;
	struct frame *f = vcpu_frame();
	unsigned i = 0;

	fence();   /* running = 1 before the pending state is looked at */
	csr_write(CSR_HGATP, v->vm->stage2);
	csr_write(CSR_HTIMEDELTA, 0 - v->vm->time_offset);
#define RESTORE(r) csr_write(r, x->vs[i++]);
	VS_REGS(RESTORE)
#undef RESTORE
	fp_restore(x->fp);
	/* Its VS-stage entries may be stale (an RFENCE it missed while out, or another VM's with
	 * the same VMID on a hart that keeps fewer VMID bits): start clean. */
	hfence_vvma_all();
	if (!vmid_tags_vms)
		hfence_gvma_all();
	*f = x->frame;
	vcpu_apply(v);   /* what was posted to it while it was out */
}

void arch_vcpu_resume(struct vcpu *v)
{
	(void)v;
	guest_enter(vcpu_frame());
}

void arch_vcpu_discard(struct vcpu *v)
{
	(void)v;   /* nothing of it is in the hardware; its vPLIC state is its VM's */
}
