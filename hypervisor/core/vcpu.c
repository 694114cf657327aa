/*
 * A pCPU's life with its vCPU: sleep in the hypervisor until the vCPU is runnable, run it, and
 * come back here for good when the vCPU is stopped.
 */
#include <hyp/arch.h>
#include <hyp/console.h>
#include <hyp/cpu.h>
#include <hyp/sched.h>
#include <hyp/timer.h>
#include <hyp/vm.h>

/* Leaving for a guest: an idle wake-up must not fire in its time (hyp/timer.h). */
static void enter_prepare(struct pcpu *c)
{
	if (c->timer_wake)
		timer_wake_clear(false);
}

void vcpu_idle(void)
{
	struct pcpu *c = this_cpu();

	for (;;) {
		/*
		 * Take kicks before looking at the state: a kick sent after this point stays pending
		 * and makes the sleep below end at once, so no wake-up is lost. On a shared pCPU the
		 * vCPU is the current window's (it changes when the arch reports the timer).
		 */
		arch_irq_idle();
		sched_reap(c);
		struct vcpu *v = c->vcpu;
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
				enter_prepare(c);
				arch_vcpu_enter(v, v->entry, v->context);
			}
			if (sched_resume_ok(v)) {
				v->running = 1;
				v->held = 0;
				spin_unlock(&vm->lock);
				enter_prepare(c);
				sched_resume(c, v);
			}
			spin_unlock(&vm->lock);
		}
		if (!busy)
			arch_cpu_idle();
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
	arch_vcpu_stop(v);
	vm_vcpu_gone(v);
	arch_stack_reset(vcpu_idle);
}

enum vcpu_on_result vcpu_power_on(struct vcpu *t, uint64_t entry, uint64_t arg)
{
	struct vm *vm = t->vm;
	enum vcpu_on_result r = VCPU_ON_STARTED;

	spin_lock(&vm->lock);
	if (vm->state != VM_RUNNING)
		r = VCPU_ON_DENIED;
	else if (t->state != VCPU_OFF)
		r = VCPU_ON_ALREADY;
	else {
		t->entry = entry;
		t->context = arg;
		t->state = VCPU_ON_PENDING;
	}
	spin_unlock(&vm->lock);
	if (r == VCPU_ON_STARTED)
		arch_vcpu_kick(t);
	return r;
}

void vcpu_power_off(struct vcpu *v)
{
	spin_lock(&v->vm->lock);
	v->state = VCPU_OFF;
	spin_unlock(&v->vm->lock);
}
