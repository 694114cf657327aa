/*
 * HS-mode's interrupts: a kick (SSIP, sent by another hart through the firmware's IPI), the
 * hypervisor timer (STIP) and the PLIC (SEIP), taken while a guest runs (traps.c) or polled in
 * the idle loop (arch_irq_idle). What a device interrupt means is decided by whose it is: the
 * console's goes to core (hyp_device_irq), a VM's to its virtual PLIC (vplic.c).
 */
#include <arch/cpu.h>
#include <arch/csr.h>
#include <arch/plic.h>
#include <arch/sbi.h>
#include <arch/vcpu.h>
#include <hyp/arch.h>
#include <hyp/sched.h>
#include <hyp/timer.h>
#include <hyp/vm.h>

/* At most this many interrupts per pass of the idle loop (a storm must not keep a pCPU from the
 * vCPU whose window began). */
#define IDLE_DRAIN_MAX 16

/* One device interrupt at this hart's context, if there is one. */
bool irq_external(struct pcpu *c)
{
	uint32_t ctx = pcpu_arch(c)->plic_ctx, src = plic_claim(ctx);

	if (!src)
		return false;
	if (hyp_device_irq(src))
		plic_complete(ctx, src);
	else
		vplic_phys_irq(c, ctx, src);
	return true;
}

void arch_irq_idle(void)
{
	struct pcpu *c = cpu_here();

	for (unsigned n = 0; n < IDLE_DRAIN_MAX; n++) {
		uint64_t sip = csr_read(CSR_SIP);

		if (sip & (1ul << IRQ_SSI))
			csr_clear(CSR_SIP, 1ul << IRQ_SSI);   /* a kick: waking up was all */
		if (sip & (1ul << IRQ_STI))
			hyp_timer_irq(c, true);   /* reprograms the timer, which ends STIP */
		if (!(sip & (1ul << IRQ_SEI)) || !irq_external(c))
			if (!(sip & (1ul << IRQ_STI)))
				break;
	}
}

void arch_irq_init(void)
{
	plic_init();
}

void arch_irq_hyp(uint32_t irq)
{
	plic_priority(irq, 1);
	plic_enable(irq, pcpu_arch(cpu_here())->plic_ctx, true);
}

void arch_vcpu_kick(struct vcpu *v)
{
	if (v->pcpu != cpu_here()->index)
		sbi_fw_send_ipi(pt_config.cpu_hwid[v->pcpu]);
}

uint64_t arch_cpu_irqs(unsigned cpu)
{
	return cpu < PT_MAX_CPUS ? READ_ONCE(pcpu_arch(&pcpus[cpu])->guest_irqs) : 0;
}
