/*
 * Traps from the guest (lower EL, AArch64): classify by exception class and hand over to the
 * emulators; everything we do not emulate is the guest's fault and follows its VM's policy.
 * After any trap the vCPU may have been stopped by another pCPU (or by the trap itself), in which
 * case vcpu_after_trap() does not return to the guest.
 */
#include <hyp/cpu.h>
#include <hyp/gic.h>
#include <hyp/vgic.h>
#include <hyp/vm.h>

static struct vcpu *current(struct frame *f)
{
	struct vcpu *v = this_cpu()->vcpu;

	if (!v)
		panic_frame("trap from a lower EL on a pCPU without a vCPU", f);
	return v;
}

void guest_sync(struct frame *f)
{
	struct vcpu *v = current(f);
	uint64_t esr = f->esr;

	/* The hot one first: an SGI (a write of ICC_SGI1R_EL1), as in sysreg_trap(). */
	if ((esr & ESR_SGI1R_WRITE_MASK) == ESR_SGI1R_WRITE) {
		unsigned rt = (unsigned)(esr >> 5) & 31;
		vgic_sgi1r(v, rt == 31 ? 0 : f->x[rt]);
		f->elr += 4;
		vcpu_after_trap(v);
		return;
	}
	switch (ESR_EC(esr)) {
	case EC_HVC64:   /* ELR is already past the HVC */
		if ((esr & 0xffff) == 0)
			psci_guest_call(v, f, false);
		else {
			vm_note(v, LOG_CALL, "unknown hvc #0x%lx — NOT_SUPPORTED", esr & 0xffff);
			f->x[0] = (uint64_t)-1;
		}
		break;
	case EC_SMC64:   /* trapped by HCR_EL2.TSC before it executed: skip it */
		f->elr += 4;
		psci_guest_call(v, f, true);
		break;
	case EC_SYSREG:
		sysreg_trap(v, f, esr);
		break;
	case EC_DABT_LOW:
		emul_data_abort(v, f, esr);
		break;
	case EC_IABT_LOW:
		if (esr & ISS_S1PTW)
			stage1_walk_fault(v, f, "instruction fetch");
		else
			vm_fault(v, "instruction abort at IPA 0x%lx (PC 0x%lx)", fault_ipa(), f->elr);
		break;
	default:
		vm_fault(v, "unexpected trap, EC 0x%02x ISS 0x%lx (PC 0x%lx)",
			 (unsigned)ESR_EC(esr), ESR_ISS(esr), f->elr);
	}
	vcpu_after_trap(v);
}

/*
 * Physical interrupts, taken at EL2 while the guest runs, that the vector's fast path left to
 * us (vectors.S), already acknowledged. The kick and the maintenance interrupt are ours: they
 * only make us pass through vcpu_after_trap(), which notices stop requests and refills the list
 * registers. Everything else is the guest's, handed on by the vGIC still active (EOImode 1: our
 * EOI only dropped the priority). One interrupt per entry: another one pending is taken right
 * after the ERET, which costs less than a second acknowledge that usually finds nothing.
 */
void guest_irq(struct frame *f, uint32_t intid)   /* f->x[19..28] are not saved: see vectors.S */
{
	struct vcpu *v = current(f);

	if (intid >= INTID_SPURIOUS) {
		/* Nothing (it went away between the signal and the acknowledge). */
	} else if (intid == SGI_KICK) {
		v->kicks++;
		gic_eoi(intid);   /* only to pass through vcpu_after_trap() */
		gic_deactivate(intid);
	} else if (intid < SGI_CARRIERS) {
		gic_eoi(intid);   /* a virtual SGI the fast path could not place */
		gic_deactivate(intid);
		vgic_post(v->vm, v->index, intid);
	} else if (intid == pt_config.maint_intid) {
		gic_eoi(intid);
		gic_deactivate(intid);
		vgic_sync(v);     /* the LRs have room again: refill by priority */
	} else {
		gic_eoi(intid);
		dsb(sy);          /* a device's state is read after the acknowledge */
		if (hyp_device_irq(intid))
			gic_deactivate(intid);
		else
			vgic_phys_irq(v, intid);   /* the guest's EOI deactivates it */
	}
	vcpu_after_trap(v);
}

void guest_serror(struct frame *f)
{
	struct vcpu *v = current(f);

	vm_fault(v, "SError, ESR 0x%lx (PC 0x%lx)", f->esr, f->elr);
	vcpu_after_trap(v);
}

void guest_bad_mode(struct frame *f)
{
	struct vcpu *v = current(f);

	vm_fault(v, "exception from AArch32 (PC 0x%lx)", f->elr);
	vcpu_after_trap(v);
}
