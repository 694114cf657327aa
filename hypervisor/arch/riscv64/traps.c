/*
 * Traps from the guest (VS- or VU-mode) to HS-mode, by scause: the hypervisor's own interrupts,
 * SBI calls, guest-page faults (emulated windows, or the guest's fault) and virtual-instruction
 * exceptions (what a VM may not execute: made an illegal instruction in the guest). Everything
 * else that reaches HS-mode was not delegated because it is the guest's fault (an access fault:
 * the firmware's PMP) and follows its VM's on_fault policy. After any trap the vCPU may have
 * been stopped, and then vcpu_after_trap() does not return to the guest.
 */
#include <arch/cpu.h>
#include <arch/csr.h>
#include <arch/sbi.h>
#include <arch/vcpu.h>
#include <hyp/sched.h>
#include <hyp/timer.h>
#include <hyp/vm.h>

bool irq_external(struct pcpu *c);   /* irq.c */

static void guest_interrupt(struct vcpu *v, struct frame *f, uint64_t irq)
{
	struct pcpu *c = cpu_here();

	switch (irq) {
	case IRQ_SSI:   /* a kick: only to pass through vcpu_after_trap() */
		csr_clear(CSR_SIP, 1ul << IRQ_SSI);
		v->kicks++;
		break;
	case IRQ_STI:
		if (hyp_timer_irq(c, false))   /* a shared pCPU's window ended */
			sched_preempt(c, v, f);
		break;
	case IRQ_SEI:
		irq_external(c);
		break;
	default:
		panic_frame("unexpected interrupt from the guest", f);
	}
}

void guest_trap(struct frame *f)
{
	struct vcpu *v = vcpu_current(f);
	uint64_t cause = f->scause;

	if (cause & SCAUSE_IRQ) {
		guest_interrupt(v, f, cause & ~SCAUSE_IRQ);
		vcpu_after_trap(v);
		return;
	}
	switch (cause) {
	case EXC_ECALL_VS:
		f->sepc += 4;
		sbi_guest_call(v, f);
		break;
	case EXC_LOAD_GUEST_PF:
	case EXC_STORE_GUEST_PF:
		guest_page_fault(v, f);
		break;
	case EXC_INST_GUEST_PF:
		vm_fault(v, "instruction fetch from GPA 0x%lx, which the VM does not have (PC 0x%lx)",
			 f->htval << 2 | (f->stval & 3), f->sepc);
		break;
	case EXC_VIRTUAL_INST:
		vm_note(v, LOG_SYSREG, "instruction 0x%lx at PC 0x%lx is not for a VM (a hypervisor "
			"CSR or instruction, or a counter) — illegal instruction", f->stval, f->sepc);
		inject_illegal(v, f, f->stval);
		break;
	default:
		vm_fault(v, "unexpected trap, scause %lu, stval 0x%lx (PC 0x%lx)", cause, f->stval,
			 f->sepc);
	}
	vcpu_after_trap(v);
}
