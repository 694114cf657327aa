/*
 * VM life cycle: creation at boot, and the three ways a VM stops running (halted after a fault,
 * powered off by itself, reset/restarted).
 *
 * Stopping is cooperative and never waits: the initiator marks every vCPU of the VM off under
 * the VM lock and kicks their pCPUs; each pCPU notices on its next trap (the kick is an interrupt)
 * and leaves the guest in vcpu_after_trap(); a vCPU switched out on a shared pCPU is reaped
 * there. A reset goes on from there in the VM's own time (core/vm_reset.c), so no pCPU ever
 * spins waiting for another, and no VM's reset runs in another VM's time.
 */
#include <hyp/arch.h>
#include <hyp/console.h>
#include <hyp/cpu.h>
#include <hyp/sched.h>
#include <hyp/timer.h>
#include <hyp/virq.h>
#include <hyp/vm.h>

struct vm vms[PT_MAX_CPUS];
static struct vcpu vcpu_pool[PT_MAX_VCPUS];
void vuart_init(void);

void boot_vcpu0(struct vm *vm)
{
	const struct pt_image *img = &vm->cfg->image;
	struct vcpu *v0 = &vm->vcpus[0];

	v0->entry = img->entry;
	v0->context = img->dtb.start ? img->dtb.ipa : 0;
	v0->state = VCPU_ON_PENDING;
	/* Its time starts at 0 when the hypervisor does (its first boot: what a guest measures from
	 * its time 0 is then what the hypervisor cost it, as from reset on bare hardware) or when
	 * it restarts. */
	vm->time_offset = vm->boots ? timer_now() : hyp_start_ticks;
	vm->boots++;
}

void vms_init(void)
{
	unsigned next = 0;

	for (unsigned i = 0; i < pt_config.nvms; i++) {
		struct vm *vm = &vms[i];
		const struct pt_vm *cfg = &pt_config.vms[i];

		vm->cfg = cfg;
		vm->index = i;
		vm->stage2 = arch_stage2_build(cfg);
		vm->vcpus = &vcpu_pool[next];
		next += cfg->ncpus;   /* cfg_check: at most PT_MAX_VCPUS in all */
		for (unsigned c = 0; c < cfg->ncpus; c++) {
			struct vcpu *v = &vm->vcpus[c];
			v->vm = vm;
			v->index = c;
			v->pcpu = cfg->cpus[c];
			pcpus[v->pcpu].vcpu = v;
			arch_vcpu_init(v);
		}
		image_check(cfg);
		image_zero_channels(cfg, i);
		image_load(cfg);
	}
	virq_init();
	for (unsigned i = 0; i < pt_config.nvms; i++)
		boot_vcpu0(&vms[i]);
	vuart_init();
}

struct vcpu *vm_vcpu(struct vm *vm, uint64_t index)
{
	return index < vm->cfg->ncpus ? &vm->vcpus[index] : NULL;
}

static bool in_region(const struct vm *vm, bool channels, uint64_t ipa, uint64_t size)
{
	for (unsigned i = 0; i < vm->cfg->nregions; i++) {
		const struct pt_region *r = &vm->cfg->regions[i];
		if ((r->kind == PT_REGION_RAM || (channels && r->kind == PT_REGION_CHANNEL)) &&
		    ipa >= r->ipa && ipa - r->ipa < r->size && size <= r->size - (ipa - r->ipa))
			return true;
	}
	return false;
}

bool vm_ipa_is_ram(const struct vm *vm, uint64_t ipa, uint64_t size)
{
	return in_region(vm, true, ipa, size);
}

bool vm_ipa_is_code(const struct vm *vm, uint64_t ipa, uint64_t size)
{
	return in_region(vm, false, ipa, size);
}

/*
 * Mark every vCPU off. Count those that must still go: in the guest (they leave at their next
 * trap) or holding state on a shared pCPU (reaped there at its next idle pass). Under vm->lock.
 */
uint32_t vm_stop_vcpus(struct vm *vm)
{
	uint32_t n = 0;

	for (unsigned c = 0; c < vm->cfg->ncpus; c++) {
		struct vcpu *v = &vm->vcpus[c];
		v->state = VCPU_OFF;
		if (v->running || v->held)
			n++;
	}
	return n;
}

void vm_kick_all(struct vm *vm)
{
	for (unsigned c = 0; c < vm->cfg->ncpus; c++)
		arch_vcpu_kick(&vm->vcpus[c]);
}

void vm_stop(struct vm *vm, enum vm_state to)
{
	bool now_down = false;

	spin_lock(&vm->lock);
	if (vm->state == VM_RESETTING) {
		/* Its reset finishes (nothing it started is left half done); then it stays down. */
		vm->after_reset = to;
		if (vm->phase == RESET_WAIT) {   /* nothing in flight: down at once */
			vm->state = to;
			now_down = true;
		}
		spin_unlock(&vm->lock);
		if (now_down) {
			conmux_vm_stopped(vm);
			vm_check_all_down();
		}
		return;
	}
	if (vm->state != VM_RUNNING) {   /* down already */
		spin_unlock(&vm->lock);
		return;
	}
	vm->state = to;
	vm_stop_vcpus(vm);
	spin_unlock(&vm->lock);
	virq_vm_quiesce(vm);
	vm_kick_all(vm);
	conmux_vm_stopped(vm);
	vm_log_summary(vm, true);
	vm_check_all_down();
}

void vm_check_all_down(void)
{
	for (unsigned i = 0; i < pt_config.nvms; i++) {
		uint32_t s = READ_ONCE(vms[i].state);
		if (s == VM_RUNNING || s == VM_RESETTING)
			return;
	}
	/* Two pCPUs may stop the last two VMs at once: only one of them switches the machine off. */
	static spinlock_t off_lock;
	static bool off;
	spin_lock(&off_lock);
	bool first = !off;
	off = true;
	spin_unlock(&off_lock);
	if (!first)
		return;
	for (unsigned i = 0; i < pt_config.nvms; i++)
		vm_log_summary(&vms[i], true);
	sched_report();
	printk("partita: no VM left running — system off\n");
	arch_system_off();
}
