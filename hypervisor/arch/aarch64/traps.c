/*
 * Traps from the guest (lower EL, AArch64): classify by exception class and hand over to the
 * emulators; everything we do not emulate is the guest's fault and follows its VM's policy.
 * After any trap the vCPU may have been stopped by another pCPU (or by the trap itself), in which
 * case vcpu_after_trap() does not return to the guest.
 */
#include <arch/cpu.h>
#include <arch/sysreg.h>
#include <arch/vcpu.h>
#include <arch/vgic.h>
#include <hyp/vm.h>

void guest_sync(struct frame *f)
{
	struct vcpu *v = vcpu_current(f);
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
		data_abort(v, f, esr);
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

void guest_serror(struct frame *f)
{
	struct vcpu *v = vcpu_current(f);

	vm_fault(v, "SError, ESR 0x%lx (PC 0x%lx)", f->esr, f->elr);
	vcpu_after_trap(v);
}

void guest_bad_mode(struct frame *f)
{
	struct vcpu *v = vcpu_current(f);

	vm_fault(v, "exception from AArch32 (PC 0x%lx)", f->elr);
	vcpu_after_trap(v);
}
