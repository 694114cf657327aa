/*
 * The fault policy: one line on the console, then the VM is halted or restarted. Other VMs are
 * not affected in any way.
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

void vm_fault(struct vcpu *v, const char *fmt, ...)
{
	struct vm *vm = v->vm;
	bool restart = vm->cfg->on_fault == PT_FAULT_RESTART;
	va_list ap;

	/* A second vCPU faulting while the VM is already going down adds nothing. */
	if (READ_ONCE(vm->state) != VM_RUNNING)
		return;
	va_start(ap, fmt);
	vlog(v, restart ? " — VM restarting" : " — VM halted", fmt, ap);
	va_end(ap);
	if (restart)
		vm_reset(vm);
	else
		vm_stop(vm, VM_HALTED);
}
