/*
 * Entering a vCPU afresh (first boot, restart, CPU_ON; arch_vcpu_enter), and leaving it for
 * good (arch_vcpu_stop). Entering: the architectural state the Linux arm64
 * boot protocol promises (EL1h, interrupts masked, MMU and caches off, x0 = argument, x1..x3 = 0),
 * and every EL1 register a guest can write put back to zero (SCTLR_EL1 to its RES1 bits), so a
 * restarted VM finds nothing its previous run left behind: system registers below, FP/SIMD in
 * fpsimd.S, the virtual CPU interface (list registers, active priorities, VMCR) in
 * vgic_vcpu_reset(). The PMU, debug and trace registers, ACTLR_EL1 and the EL1 physical timer
 * are never the guest's (sysreg_trap.c), so nothing of it can be left in them.
 */
#include <arch/cpu.h>
#include <arch/sysreg.h>
#include <arch/vcpu.h>
#include <arch/vgic.h>
#include <hyp/arch.h>
#include <hyp/vm.h>

/* The IRQ vector's fast path looks at the pending set of the vCPU its pCPU runs (arch/cpu.h). */
void arch_vcpu_init(struct vcpu *v)
{
	pcpu_arch(&pcpus[v->pcpu])->pending = &VGIC_CPU(v).pending;
}

void arch_vcpu_enter(struct vcpu *v, uint64_t entry, uint64_t x0)
{
	struct frame *f = vcpu_frame();

	/* running = 1 (the caller just stored it) before the flush loads the pending set
	 * (vgic_post): one of them sees the other. */
	dsb(ish);

	memset(f, 0, sizeof(*f));
	f->x[0] = x0;
	f->elr = entry;
	f->spsr = SPSR_EL1H_MASKED;

	sysreg_write(vttbr_el2, v->vm->stage2);
	sysreg_write(vmpidr_el2, BIT(31) | v->index);
	sysreg_write(sctlr_el1, SCTLR_EL1_RESET);
	sysreg_write(cpacr_el1, 0);
	sysreg_write(vbar_el1, 0);
	sysreg_write(ttbr0_el1, 0);
	sysreg_write(ttbr1_el1, 0);
	sysreg_write(tcr_el1, 0);
	sysreg_write(mair_el1, 0);
	sysreg_write(contextidr_el1, 0);
	sysreg_write(tpidr_el1, 0);
	sysreg_write(tpidr_el0, 0);
	sysreg_write(tpidrro_el0, 0);
	sysreg_write(sp_el0, 0);
	sysreg_write(sp_el1, 0);
	sysreg_write(amair_el1, 0);
	sysreg_write(esr_el1, 0);
	sysreg_write(far_el1, 0);
	sysreg_write(par_el1, 0);
	sysreg_write(afsr0_el1, 0);
	sysreg_write(afsr1_el1, 0);
	sysreg_write(elr_el1, 0);
	sysreg_write(spsr_el1, 0);
	sysreg_write(csselr_el1, 0);
	sysreg_write(mdscr_el1, 0);
	sysreg_write(cntkctl_el1, 0);
	sysreg_write(cntv_ctl_el0, 0);
	sysreg_write(cntv_cval_el0, 0);
	sysreg_write(cntp_ctl_el0, 0);
	sysreg_write(cntp_cval_el0, 0);
	fpsimd_reset();
	sysreg_write(cntvoff_el2, v->vm->time_offset);
	isb();
	vgic_vcpu_reset(v);
	/* The guest's old stage-1 translations (same VMID) must not outlive a restart. */
	__asm__ volatile("tlbi vmalls12e1" : : : "memory");
	__asm__ volatile("ic iallu" : : : "memory");
	dsb(nsh);
	isb();
	guest_enter(f);
}

void arch_vcpu_stop(struct vcpu *v)
{
	sysreg_write(cntv_ctl_el0, 0);   /* its timer must not fire for whoever runs here next */
	vgic_vcpu_stop(v);
}
