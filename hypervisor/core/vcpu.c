/*
 * A pCPU's life with its vCPU: sleep in the hypervisor until the vCPU is runnable, run it, and
 * come back here for good when the vCPU is stopped.
 */
#include <hyp/console.h>
#include <hyp/cpu.h>
#include <hyp/gic.h>
#include <hyp/sched.h>
#include <hyp/timer.h>
#include <hyp/vgic.h>
#include <hyp/vm.h>

/*
 * At most this many interrupts are taken per pass of the idle loop: a storm of kicks or of a
 * switched-out VM's interrupts must not keep a pCPU from resuming the vCPU whose window began.
 */
#define IDLE_DRAIN_MAX 16

/*
 * Take every interrupt pending at this idle pCPU. The hypervisor's own (console input) are handled;
 * a guest interrupt reaching a pCPU whose vCPU is not running has nobody to take it, so it is
 * kept quiet (a level source would otherwise wake us for ever). Kicks only needed waking us.
 */
static void idle_drain(void)
{
	uint32_t intid;

	for (unsigned n = 0; n < IDLE_DRAIN_MAX && (intid = gic_ack()) < INTID_SPURIOUS; n++) {
		gic_eoi(intid);
		if (intid == pt_config.htimer_intid) {
			sched_idle_timer();   /* a shared pCPU's window ended */
			timer_wake_clear(true);
		}
		if (intid < SGI_CARRIERS) {
			/* A virtual SGI for a vCPU not (yet) in the guest: it waits, as before. */
			struct vcpu *v = this_cpu()->vcpu;
			if (v)
				vgic_post(v->vm, v->index, intid);
		} else if (!hyp_device_irq(intid)) {
			if (this_cpu()->sched && intid >= 32 && this_cpu()->vcpu) {
				/* A switched-out VM's SPI: it waits, active, for its window. */
				vgic_phys_irq_shared(this_cpu()->vcpu, intid);
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

/* Leaving for a guest: an idle wake-up must not fire in its time (hyp/timer.h). */
static void enter_prepare(void)
{
	if (this_cpu()->timer_wake)
		timer_wake_clear(false);
	/* running = 1 (just stored) before the flush loads the pending set (vgic_post). */
	dsb(ish);
}

void vcpu_idle(void)
{
	for (;;) {
		/*
		 * Acknowledge kicks before looking at the state: a kick sent after this point stays
		 * pending and makes the WFI below return at once, so no wake-up is lost. On a shared
		 * pCPU the vCPU is the current window's (it changes in idle_drain).
		 */
		idle_drain();
		sched_reap();
		struct vcpu *v = this_cpu()->vcpu;
		bool busy = false;

		if (v) {
			struct vm *vm = v->vm;

			if (READ_ONCE(vm->state) == VM_RESETTING)
				busy = vm_reset_step(vm, sched_window_end());
			spin_lock(&vm->lock);
			if (v->state == VCPU_ON_PENDING) {
				v->state = VCPU_ON;
				v->running = 1;
				spin_unlock(&vm->lock);
				sched_discard(v);   /* a state saved before its VM restarted */
				enter_prepare();
				vcpu_arch_enter(v, v->entry, v->context);
			}
			if (sched_resume_ok(v)) {
				v->running = 1;
				v->held = 0;
				spin_unlock(&vm->lock);
				enter_prepare();   /* its barrier orders running before pending */
				sched_resume(v);
			}
			spin_unlock(&vm->lock);
		}
		if (!busy)
			cpu_idle_wait();
	}
}

/*
 * Account for a vCPU that is gone from the guest for good: it left (CPU_OFF, its VM stopped or
 * restarted) or, switched out, its held state was reaped. Its pCPU has ended what it held.
 */
void vm_vcpu_gone(struct vcpu *v)
{
	struct vm *vm = v->vm;
	bool reset_on = false, all_off = true;

	spin_lock(&vm->lock);
	v->running = 0;
	v->held = 0;
	if (vm->state == VM_RESETTING) {
		if (vm->phase == RESET_LEAVING && vm->stopping)
			reset_on = --vm->stopping == 0;
		all_off = false;
	} else if (vm->state == VM_RUNNING) {
		/* CPU_OFF: the VM is off once its last vCPU is. */
		for (unsigned c = 0; c < vm->cfg->ncpus; c++)
			if (vm->vcpus[c].state != VCPU_OFF)
				all_off = false;
		if (all_off)
			vm->state = VM_OFF;
	} else {
		all_off = false;   /* halted or off already, by whoever stopped it */
	}
	spin_unlock(&vm->lock);

	if (reset_on)
		vm_reset_left(vm);
	if (all_off) {
		printk("partita: vm '%s': all vCPUs off — VM off\n", vm->cfg->name);
		conmux_vm_stopped(vm);
		vm_log_summary(vm, true);
		vm_check_all_down();
	}
}

void vcpu_leave(struct vcpu *v)
{
	vgic_vcpu_stop(v);
	vm_vcpu_gone(v);
	stack_switch(this_cpu()->stack_top - FRAME_SIZE, vcpu_idle);
}
