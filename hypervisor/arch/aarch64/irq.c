/*
 * Physical interrupts at EL2, past the IRQ vector's fast path: while a vCPU of a dedicated pCPU
 * runs (guest_irq), while one of a shared pCPU runs (guest_irq_shared: its vectors save the
 * whole frame, so a window's end can switch it out) and in the idle loop (arch_irq_idle). The
 * GIC is acknowledged here; what the interrupt means is decided by whom it is for: a guest's goes
 * to the vGIC, the hypervisor timer and the console's to core (hyp_timer_irq, hyp_device_irq).
 */
#include <arch/cpu.h>
#include <arch/gic.h>
#include <arch/sysreg.h>
#include <arch/vcpu.h>
#include <arch/vgic.h>
#include <hyp/arch.h>
#include <hyp/sched.h>
#include <hyp/timer.h>
#include <hyp/vm.h>

/*
 * At most this many interrupts are taken per pass of the idle loop: a storm of kicks or of a
 * switched-out VM's interrupts must not keep a pCPU from resuming the vCPU whose window began.
 */
#define IDLE_DRAIN_MAX 16

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
	struct vcpu *v = vcpu_current(f);

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
		if (intid == pt_config.htimer_intid) {
			hyp_timer_irq(cpu_here(), false);   /* a dedicated pCPU: the console's */
			gic_deactivate(intid);
		} else if (hyp_device_irq(intid)) {
			gic_deactivate(intid);
		} else {
			vgic_phys_irq(v, intid);   /* the guest's EOI deactivates it */
		}
	}
	vcpu_after_trap(v);
}

/* A physical interrupt while a vCPU of a shared pCPU runs (hyp_vectors_shared). */
void guest_irq_shared(struct frame *f)
{
	struct pcpu *c = cpu_here();
	struct vcpu *v = c->vcpu;
	uint32_t intid = gic_ack();
	bool ended = false;

	if (!v)
		panic_frame("interrupt from a guest on a pCPU without a vCPU", f);
	if (intid >= INTID_SPURIOUS) {
		/* nothing */
	} else if (intid == pt_config.htimer_intid) {
		gic_eoi(intid);
		ended = hyp_timer_irq(c, false);   /* the window's end, the console's idle flush */
		gic_deactivate(intid);
	} else if (intid < 16) {
		/* Kicks; senders post SGIs for a shared pCPU's vCPUs into their sets (vgic_sgi.c). */
		v->kicks++;
		gic_eoi(intid);
		gic_deactivate(intid);
	} else if (intid == pt_config.maint_intid) {
		gic_eoi(intid);
		gic_deactivate(intid);
		vgic_sync(v);
	} else {
		gic_eoi(intid);
		dsb(sy);
		if (hyp_device_irq(intid))
			gic_deactivate(intid);
		else
			vgic_phys_irq_shared(v, intid);
	}
	if (ended)
		sched_preempt(c, v, f);
	vcpu_after_trap(v);
}

/*
 * Take every interrupt pending at this idle pCPU (IDLE_DRAIN_MAX at most). The hypervisor's own
 * (its timer, console input) are handled; a guest interrupt reaching a pCPU whose vCPU is not
 * running has nobody to take it, so it is kept quiet (a level source would otherwise wake us for
 * ever). Kicks only needed waking us.
 */
void arch_irq_idle(void)
{
	struct pcpu *c = cpu_here();
	uint32_t intid;

	for (unsigned n = 0; n < IDLE_DRAIN_MAX && (intid = gic_ack()) < INTID_SPURIOUS; n++) {
		gic_eoi(intid);
		if (intid == pt_config.htimer_intid)
			hyp_timer_irq(c, true);   /* a shared pCPU's window ended, a wake-up, the console */
		if (intid < SGI_CARRIERS) {
			/* A virtual SGI for a vCPU not (yet) in the guest: it waits, as before. */
			struct vcpu *v = c->vcpu;
			if (v)
				vgic_post(v->vm, v->index, intid);
		} else if (intid != pt_config.htimer_intid && !hyp_device_irq(intid)) {
			if (c->sched && intid >= 32 && c->vcpu) {
				/* A switched-out VM's SPI: it waits, active, for its window. */
				vgic_phys_irq_shared(c->vcpu, intid);
				continue;
			}
			if (intid == pt_config.vtimer_intid)
				sysreg_write(cntv_ctl_el0, 0);
			else if (intid >= 32)
				gic_set_enable(intid, 0, false);
		}
		gic_deactivate(intid);
	}
}

void arch_irq_init(void)
{
	gic_init_dist();
}

void arch_irq_hyp(uint32_t irq)
{
	gic_spi_config(irq, false);
	gic_spi_route(irq, cpu_here()->index);
	gic_set_enable(irq, 0, true);
}

void arch_vcpu_kick(struct vcpu *v)
{
	if (v->pcpu != cpu_here()->index)
		gic_send_sgi(v->pcpu, SGI_KICK);
}

uint64_t arch_cpu_irqs(unsigned cpu)
{
	return cpu < PT_MAX_CPUS ? READ_ONCE(pcpu_arch(&pcpus[cpu])->direct_irqs) : 0;
}
