/*
 * Entering a vCPU afresh (first boot, restart, HSM hart_start; arch_vcpu_enter), leaving it for
 * good (arch_vcpu_stop), and what its hart applies on every way into the guest (vcpu_apply).
 *
 * Entering: the state the SBI and Linux's RISC-V boot protocol promise (VS-mode, interrupts off,
 * translation off, a0 = the hart id in the VM, a1 = the argument: the DTB's address at boot, the
 * opaque value of a hart_start), and every register a guest can read put back to zero: the VS
 * CSRs, its timer (vstimecmp never), pending virtual interrupts (hvip), the FP registers, and
 * its guest TLB entries and instruction cache (fence.i: the images were just written). Its
 * time starts at 0 (htimedelta), as its counter does on AArch64.
 */
#include <arch/cpu.h>
#include <arch/csr.h>
#include <arch/vcpu.h>
#include <hyp/arch.h>
#include <hyp/virq.h>
#include <hyp/vm.h>

void arch_vcpu_init(struct vcpu *v)
{
	(void)v;
}

void vcpu_apply(struct vcpu *v)
{
	struct vcpu_arch *a = vcpu_arch(v);

	if (unlikely(READ_ONCE(a->req))) {
		uint32_t req = __atomic_exchange_n(&a->req, 0, __ATOMIC_ACQ_REL);

		if (req & REQ_VSSIP)
			csr_set(CSR_HVIP, 1ul << IRQ_VSSI);
		if (req & REQ_FENCE_I)
			fence_i();
		if (req & REQ_VVMA)
			hfence_vvma_all();
	}
	if (READ_ONCE(a->eip))
		csr_set(CSR_HVIP, 1ul << IRQ_VSEI);
	else
		csr_clear(CSR_HVIP, 1ul << IRQ_VSEI);
}

void arch_vcpu_enter(struct vcpu *v, uint64_t entry, uint64_t arg)
{
	struct pcpu *c = cpu_here();
	struct frame *f = vcpu_frame();

	/* running = 1 (the caller just stored it) before the pending state is looked at. */
	fence();
	memset(f, 0, sizeof(*f));
	f->x[10] = v->index;
	f->x[11] = arg;
	f->sepc = entry;
	f->sstatus = SSTATUS_SPP | SSTATUS_FS_DIRTY;   /* into VS-mode; FP usable at all */
	f->hstatus = pcpu_arch(c)->hstatus_guest;
	f->pcpu = (uint64_t)(uintptr_t)c;

	csr_write(CSR_HGATP, v->vm->stage2);
	csr_write(CSR_VSSTATUS, SSTATUS_FS_INITIAL);
	csr_write(CSR_VSIE, 0);
	csr_write(CSR_VSTVEC, 0);
	csr_write(CSR_VSSCRATCH, 0);
	csr_write(CSR_VSEPC, 0);
	csr_write(CSR_VSCAUSE, 0);
	csr_write(CSR_VSTVAL, 0);
	csr_write(CSR_VSATP, 0);
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HTIMEDELTA, 0 - v->vm->time_offset);
	csr_write(CSR_VSTIMECMP, ~0ull);
	/* The S-mode CSRs a VM reaches directly (no VS copies): as the firmware leaves them for a
	 * native kernel (its user mode may read the counters hcounteren lets through; no envcfg). */
	csr_write(CSR_SCOUNTEREN, 7);
	csr_write(CSR_SENVCFG, 0);
	/* A restart's leftovers: requests for its previous run are void. */
	WRITE_ONCE(vcpu_arch(v)->req, 0);
	fp_reset();
	hfence_gvma_all();
	hfence_vvma_all();
	fence_i();
	vcpu_apply(v);
	guest_enter(f);
}

void arch_vcpu_stop(struct vcpu *v)
{
	(void)v;
	csr_write(CSR_VSTIMECMP, ~0ull);   /* its timer must not fire for whoever runs here next */
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HGATP, 0);
}
