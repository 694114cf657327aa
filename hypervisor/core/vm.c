/*
 * VM life cycle: creation at boot, and the three ways a VM stops running (halted after a fault,
 * powered off by itself, reset/restarted).
 *
 * Stopping is cooperative and never waits: the initiator marks every vCPU of the VM off under
 * the VM lock and kicks their pCPUs; each pCPU notices on its next trap (the kick SGI is one)
 * and leaves the guest in vcpu_after_trap(). For a reset, the last vCPU to leave reloads the
 * images and makes vCPU 0 runnable again, so no pCPU ever spins waiting for another.
 */
#include <hyp/console.h>
#include <hyp/cpu.h>
#include <hyp/gic.h>
#include <hyp/mmu.h>
#include <hyp/sched.h>
#include <hyp/vm.h>

struct vm vms[PT_MAX_CPUS];
static struct vcpu vcpu_pool[PT_MAX_VCPUS];
void vuart_init(void);
void vm_finish_reset(struct vm *vm);

static void boot_vcpu0(struct vm *vm)
{
	const struct pt_image *img = &vm->cfg->image;
	struct vcpu *v0 = &vm->vcpus[0];

	v0->entry = img->entry;
	v0->context = img->dtb.start ? img->dtb.ipa : 0;
	v0->state = VCPU_ON_PENDING;
	vm->cntvoff = sysreg_read(cntpct_el0);
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
		vm->vttbr = stage2_build(cfg);
		vm->vcpus = &vcpu_pool[next];
		next += cfg->ncpus;   /* cfg_check: at most PT_MAX_VCPUS in all */
		for (unsigned c = 0; c < cfg->ncpus; c++) {
			struct vcpu *v = &vm->vcpus[c];
			v->vm = vm;
			v->index = c;
			v->pcpu = cfg->cpus[c];
			pcpus[v->pcpu].vcpu = v;
			pcpus[v->pcpu].pending = &v->vgic.pending;
		}
		image_check(cfg);
		image_zero_channels(cfg, i);
		image_load(cfg);
	}
	vgic_init();
	for (unsigned i = 0; i < pt_config.nvms; i++)
		boot_vcpu0(&vms[i]);
	vuart_init();
}

void vcpu_kick(struct vcpu *v)
{
	if (v->pcpu != this_cpu()->index)
		gic_send_sgi(v->pcpu, SGI_KICK);
}

struct vcpu *vm_vcpu_by_mpidr(struct vm *vm, uint64_t vmpidr)
{
	/* Virtual MPIDRs are 0..ncpus-1 in Aff0, every other field zero. */
	return vmpidr < vm->cfg->ncpus ? &vm->vcpus[vmpidr] : NULL;
}

bool vm_ipa_is_ram(const struct vm *vm, uint64_t ipa, uint64_t size)
{
	for (unsigned i = 0; i < vm->cfg->nregions; i++) {
		const struct pt_region *r = &vm->cfg->regions[i];
		if ((r->kind == PT_REGION_RAM || r->kind == PT_REGION_CHANNEL) && ipa >= r->ipa && ipa - r->ipa < r->size &&
		    size <= r->size - (ipa - r->ipa))
			return true;
	}
	return false;
}

/* Mark every vCPU off; kick those whose pCPU is in the guest. Called with vm->lock held. */
static uint32_t stop_vcpus(struct vm *vm, uint32_t *kick)
{
	uint32_t running = 0;

	*kick = 0;
	for (unsigned c = 0; c < vm->cfg->ncpus; c++) {
		struct vcpu *v = &vm->vcpus[c];
		v->state = VCPU_OFF;
		if (v->running) {
			running++;
			*kick |= 1u << c;
		}
	}
	return running;
}

static void kick_all(struct vm *vm, uint32_t mask)
{
	for (unsigned c = 0; c < vm->cfg->ncpus; c++)
		if (mask & (1u << c))
			vcpu_kick(&vm->vcpus[c]);
}

void vm_stop(struct vm *vm, enum vm_state to)
{
	uint32_t kick;

	spin_lock(&vm->lock);
	if (vm->state != VM_RUNNING) {   /* someone else is stopping it already */
		spin_unlock(&vm->lock);
		return;
	}
	vm->state = to;
	stop_vcpus(vm, &kick);
	spin_unlock(&vm->lock);
	vgic_vm_quiesce(vm);
	kick_all(vm, kick);
	conmux_vm_stopped(vm);
	vm_log_summary(vm, true);
	vm_check_all_down();
}

bool vm_start(struct vm *vm)
{
	bool ok;

	spin_lock(&vm->lock);
	ok = vm->state == VM_OFF || vm->state == VM_HALTED;
	for (unsigned c = 0; ok && c < vm->cfg->ncpus; c++)
		if (vm->vcpus[c].running)
			ok = false;   /* still on its way out of the guest */
	if (ok)
		vm->state = VM_RESETTING;   /* ours: nobody else starts or stops it meanwhile */
	spin_unlock(&vm->lock);
	if (ok)
		vm_finish_reset(vm);
	return ok;
}

void vm_reset(struct vm *vm)
{
	uint32_t kick;

	spin_lock(&vm->lock);
	if (vm->state != VM_RUNNING) {
		spin_unlock(&vm->lock);
		return;
	}
	vm->state = VM_RESETTING;
	/* At least the caller is running: it is handling this VM's trap. */
	vm->stopping = stop_vcpus(vm, &kick);
	spin_unlock(&vm->lock);
	vgic_vm_quiesce(vm);
	kick_all(vm, kick);
	vm_log_summary(vm, false);
}

/*
 * The last vCPU of a resetting VM has left the guest: reload and boot it again. Scrubbing its
 * RAM takes milliseconds; on a shared pCPU that must not eat the other VMs' windows, so it is
 * done there in the VM's own windows, a chunk at a time (core/sched.c), and completed there.
 */
void vm_finish_reset(struct vm *vm)
{
	if (pcpus[vm->vcpus[0].pcpu].sched) {
		vm->scrub_done = 0;
		WRITE_ONCE(vm->reset_deferred, 1);
		dsb(ish);
		vcpu_kick(&vm->vcpus[0]);
		return;
	}
	image_scrub(vm->cfg);
	vm_reset_complete(vm);
}

void vm_reset_complete(struct vm *vm)
{
	image_load(vm->cfg);
	vgic_vm_reset(vm);
	vuart_vm_reset(vm);
	spin_lock(&vm->lock);
	vm->state = VM_RUNNING;
	boot_vcpu0(vm);
	spin_unlock(&vm->lock);
	vcpu_kick(&vm->vcpus[0]);
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
	psci_fw_system_off();
}
