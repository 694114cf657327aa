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
#include <hyp/timer.h>
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
	[LOG_CALL] = "call", [LOG_PSCI] = "psci", [LOG_VIRQ] = "vgic", [LOG_SYSREG] = "sysreg",
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

/* "10 s", "250 ms": a duration for a message. */
static void fmt_ns(char *buf, size_t size, uint64_t ns)
{
	if (ns % 1000000000ull == 0)
		snprintk(buf, size, "%lu s", (uint64_t)(ns / 1000000000u));
	else
		snprintk(buf, size, "%lu ms", (uint64_t)(ns / 1000000u));
}

/*
 * on_fault: restart has a budget: cfg->restart_max restarts within cfg->restart_within_ns,
 * counted from the first of them; each one after the first backs off twice as long as the
 * one before (config.h). A fault beyond the budget halts the VM, in one line that says why.
 * Returns the back-off in counter ticks, or ~0 when the budget is spent.
 */
static uint64_t restart_budget(struct vm *vm, uint32_t *nth)
{
	const struct pt_vm *cfg = vm->cfg;
	uint64_t now = timer_now(), hz = timer_freq();
	uint64_t within = timer_ns_to_ticks(cfg->restart_within_ns, hz), delay_ns;
	uint32_t k;

	spin_lock(&vm->lock);
	if (!vm->restarts || now - vm->restart_since >= within) {
		vm->restart_since = now;
		vm->restarts = 0;
	}
	k = vm->restarts + 1;
	if (k <= cfg->restart_max)
		vm->restarts = k;   /* restarts done: the one refused is not counted */
	spin_unlock(&vm->lock);
	*nth = k;
	if (k > cfg->restart_max)
		return ~0ull;
	if (k == 1)
		return 0;
	delay_ns = k - 2 < 32 ? PT_RESTART_DELAY_NS << (k - 2) : PT_RESTART_DELAY_MAX_NS;
	if (delay_ns > PT_RESTART_DELAY_MAX_NS)
		delay_ns = PT_RESTART_DELAY_MAX_NS;
	return timer_ns_to_ticks(delay_ns, hz);
}

void vm_fault(struct vcpu *v, const char *fmt, ...)
{
	struct vm *vm = v->vm;
	const struct pt_vm *cfg = vm->cfg;
	char suffix[160], within[24];
	uint64_t delay;
	uint32_t k;
	va_list ap;

	/* A second vCPU faulting while the VM is already going down adds nothing. */
	if (READ_ONCE(vm->state) != VM_RUNNING)
		return;
	vm->faults++;
	if (cfg->on_fault != PT_FAULT_RESTART) {
		va_start(ap, fmt);
		vlog(v, " — VM halted", fmt, ap);
		va_end(ap);
		vm_stop(vm, VM_HALTED);
		return;
	}
	delay = restart_budget(vm, &k);
	fmt_ns(within, sizeof(within), cfg->restart_within_ns);
	if (delay == ~0ull) {
		snprintk(suffix, sizeof(suffix), " — VM halted: %u restarts within %s is its budget "
			 "(on_fault: restart: max, within); `restart %s` in the shell boots it",
			 cfg->restart_max, within, cfg->name);
		va_start(ap, fmt);
		vlog(v, suffix, fmt, ap);
		va_end(ap);
		vm_stop(vm, VM_HALTED);
		return;
	}
	/*
	 * The first few restarts in a VM's life are told; after that the 2nd, 4th, 8th... of a
	 * budget window and its last one, so that a VM restarting in a loop shows it, in few lines.
	 */
	if (count(vm, LOG_LIFECYCLE) || (k > 1 && !(k & (k - 1))) || k == cfg->restart_max) {
		if (delay)
			snprintk(suffix, sizeof(suffix), " — VM restarting in %lu ms (restart %u of %u "
				 "within %s)", delay / (timer_freq() / 1000), k, cfg->restart_max, within);
		else
			snprintk(suffix, sizeof(suffix), " — VM restarting (restart %u of %u within %s)",
				 k, cfg->restart_max, within);
		va_start(ap, fmt);
		vlog(v, suffix, fmt, ap);
		va_end(ap);
	}
	vm_reset(vm, delay);
}
