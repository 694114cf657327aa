/*
 * What the hypervisor says about a VM, and the fault policy: one line on the console, then the VM
 * is halted or restarted. Other VMs are not affected in any way.
 *
 * Everything a guest can make us print again and again goes through vm_note(), which prints the
 * first LOG_LIMIT lines of each kind and counts the rest; vm_log_summary() says how many were
 * suppressed when the VM stops or restarts. One line is one printk: the console lock is never held
 * for longer than that.
 */
#include <hyp/console.h>
#include <hyp/vm.h>

static void vlog(struct vcpu *v, const char *suffix, const char *fmt, va_list ap)
{
	char what[160];

	vsnprintk(what, sizeof(what), fmt, ap);
	printk("partita: vm '%s' vcpu %u: %s%s\n", v->vm->cfg->name, v->index, what, suffix);
}

void vm_log(struct vcpu *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(v, "", fmt, ap);
	va_end(ap);
}

static const char *const kind_name[LOG_KINDS] = {
	[LOG_CALL] = "call", [LOG_PSCI] = "psci", [LOG_VGIC] = "vgic", [LOG_SYSREG] = "sysreg",
	[LOG_MMIO] = "mmio", [LOG_LIFECYCLE] = "restart",
};

/* Count one message of `kind`; true while it is among the first LOG_LIMIT. */
static bool count(struct vm *vm, enum log_kind kind)
{
	uint32_t n;

	spin_lock(&vm->lock);
	n = vm->log_count[kind];
	if (n != UINT32_MAX)
		vm->log_count[kind] = n + 1;
	spin_unlock(&vm->lock);
	return n < LOG_LIMIT;
}

void vm_note(struct vcpu *v, enum log_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (!count(v->vm, kind))
		return;
	va_start(ap, fmt);
	vlog(v, "", fmt, ap);
	va_end(ap);
}

void vm_log_summary(struct vm *vm, bool final)
{
	uint32_t n[LOG_KINDS];

	spin_lock(&vm->lock);
	for (unsigned k = 0; k < LOG_KINDS; k++) {
		/* Restarts are counted over the VM's whole life, not per boot. */
		n[k] = k == LOG_LIFECYCLE && !final ? 0 : vm->log_count[k];
		if (n[k])
			vm->log_count[k] = 0;
	}
	spin_unlock(&vm->lock);
	for (unsigned k = 0; k < LOG_KINDS; k++)
		if (n[k] > LOG_LIMIT)
			printk("partita: vm '%s': %u more %s messages suppressed\n", vm->cfg->name,
			       n[k] - LOG_LIMIT, kind_name[k]);
}

void vm_fault(struct vcpu *v, const char *fmt, ...)
{
	struct vm *vm = v->vm;
	bool restart = vm->cfg->on_fault == PT_FAULT_RESTART;
	va_list ap;

	/* A second vCPU faulting while the VM is already going down adds nothing. */
	if (READ_ONCE(vm->state) != VM_RUNNING)
		return;
	vm->faults++;
	/* Halting happens once in a VM's life; a VM that faults on every boot restarts in a loop. */
	if (!restart || count(vm, LOG_LIFECYCLE)) {
		va_start(ap, fmt);
		vlog(v, restart ? " — VM restarting" : " — VM halted", fmt, ap);
		va_end(ap);
	}
	if (restart)
		vm_reset(vm);
	else
		vm_stop(vm, VM_HALTED);
}
