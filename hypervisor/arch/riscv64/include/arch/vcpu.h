/*
 * RISC-V vCPUs: what a vCPU keeps in struct vcpu's arch area, what a switched-out one keeps in
 * its context, the end of every trap, and the trap handlers trap.S reaches.
 */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <arch/cpu.h>
#include <arch/csr.h>
#include <arch/frame.h>
#include <hyp/types.h>
#include <hyp/vm.h>

/*
 * Requests other pCPUs leave for a vCPU, which its own pCPU carries out on its way into the
 * guest (vcpu_apply): virtual CSRs exist only in the hart that runs the vCPU.
 */
#define REQ_VSSIP     (1u << 0)   /* a virtual IPI (SBI IPI): hvip.VSSIP */
#define REQ_FENCE_I   (1u << 1)   /* SBI RFENCE: fence.i */
#define REQ_VVMA      (1u << 2)   /* SBI RFENCE: hfence.vvma (its VS-stage translations) */
#define REQ_FENCES    (REQ_FENCE_I | REQ_VVMA)

struct vcpu_arch {
	uint32_t req;        /* REQ_*, set by anyone (atomically), taken by its pCPU */
	uint32_t eip;        /* its PLIC context has an interrupt to take: hvip.VSEIP (vplic.c) */
	uint64_t timer_at;   /* without Sstc: its SBI timer deadline (0: none) */
};
_Static_assert(sizeof(struct vcpu_arch) <= VCPU_ARCH_BYTES, "struct vcpu_arch fits its area");

static inline struct vcpu_arch *vcpu_arch(struct vcpu *v)
{
	return (struct vcpu_arch *)v->arch;
}

/* A switched-out vCPU's state (vcpu_ctx.c): everything the hart holds for it while it runs. */
struct vcpu_ctx {
	struct frame frame;
	uint64_t vs[12];     /* the VS CSRs (and scounteren, senvcfg), in vcpu_ctx.c's order */
	uint64_t fp[32];
	uint64_t fcsr;
};

/* The vCPU this pCPU runs, trapped with frame f (from the guest: there must be one). */
static inline struct vcpu *vcpu_current(struct frame *f)
{
	struct vcpu *v = cpu_here()->vcpu;

	if (!v)
		panic_frame("trap from the guest on a pCPU without a vCPU", f);
	return v;
}

static inline struct frame *vcpu_frame(void)
{
	return (struct frame *)(uintptr_t)(cpu_here()->stack_top - FRAME_SIZE);
}

/* Whatever others asked of this vCPU, and its interrupt lines, into the hart (vcpu.c). */
void vcpu_apply(struct vcpu *v);

/* The end of every trap: back to the guest, or away from it for good if it was stopped. */
static inline void vcpu_after_trap(struct vcpu *v)
{
	if (READ_ONCE(v->state) != VCPU_ON)
		vcpu_leave(v);
	vcpu_apply(v);
}

/* mmio.c: a guest-page fault (load or store): an emulated window, or the guest's fault. */
void guest_page_fault(struct vcpu *v, struct frame *f);
/* inject.c: an illegal-instruction exception at the guest's own trap vector. */
void inject_illegal(struct vcpu *v, struct frame *f, uint64_t tval);

/* guest_mem.c: reads through the guest's own translation (HLVX/HLV); false if that faults. */
bool guest_read_insn(uint64_t va, uint32_t *insn, unsigned *len);
bool guest_read_u64(uint64_t va, uint64_t *val);

/* fp.S */
void fp_reset(void);
void fp_save(uint64_t *regs);      /* f0..f31, then fcsr */
void fp_restore(const uint64_t *regs);

#endif
