/*
 * The hypervisor shell, on the hypervisor's console stream: in tagged mode Ctrl-] brings the
 * input focus to it after the VMs; in mux mode it is channel 0 (docs/console.md).
 *
 *   help             the commands
 *   info             per VM: state, vCPUs -> pCPUs, boots, faults, restarts in its on_fault
 *                    budget, interrupts delivered, kicks taken (traps other pCPUs caused), uptime
 *   stop VM          power the VM off (as its own SYSTEM_OFF would); one that is restarting
 *                    stays off once its reset is done
 *   start VM         boot a VM that is off or halted, from its images
 *   restart VM       reboot a running VM (as its own SYSTEM_RESET would), start one that is down,
 *                    or make one that is restarting boot with no back-off; the budget starts anew
 *   log              the hypervisor's last messages
 *
 * Which VMs stop/start/restart may touch is the system description's to say
 * (`hypervisor: console: control:`); `shell: off` leaves the shell out. Everything here is
 * static: the shell allocates nothing. Keys arrive under the console's input lock (shell_input
 * edits the line, shell_take hands a finished one over); the command runs in shell_execute,
 * outside that lock, one at a time.
 */
#include <hyp/arch.h>
#include <hyp/console.h>
#include <hyp/timer.h>
#include <hyp/vm.h>

#define LINE_MAX SHELL_LINE

static char line[LINE_MAX];
static unsigned line_len;
static char cmd[LINE_MAX];
static bool cmd_ready, last_cr;
static spinlock_t run_lock;

static void out(const char *s, size_t n)
{
	conmux_hyp_out(s, n, false);
}

static void __printf(1, 2) say(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintk(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	out(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void shell_prompt(void)
{
	out("partita> ", 9);
}

/*
 * The prompt and the line typed so far: for when the keyboard comes back to the shell (Ctrl-]
 * round to it, a mux client that says hello again) while a line was left half-typed. Under the
 * console's input lock, like shell_input, so the line does not change underneath.
 */
void shell_redraw(void)
{
	shell_prompt();
	out(line, line_len);
}

void shell_input(uint8_t c)
{
	if (c == '\n' && last_cr) {   /* CR LF: one Enter */
		last_cr = false;
		return;
	}
	last_cr = c == '\r';
	if (c == '\r' || c == '\n') {
		out("\n", 1);
		if (!cmd_ready) {
			memcpy(cmd, line, line_len);
			cmd[line_len] = '\0';
			cmd_ready = true;
		}
		line_len = 0;
		return;
	}
	if (c == 0x7f || c == 0x08) {
		if (line_len) {
			line_len--;
			out("\b \b", 3);
		}
		return;
	}
	if (c >= 0x20 && c < 0x7f && line_len + 1 < LINE_MAX) {
		line[line_len++] = (char)c;
		out((const char *)&c, 1);
	}
}

static const char *state_name(const struct vm *vm)
{
	switch (READ_ONCE(vm->state)) {
	case VM_RUNNING:   return "running";
	case VM_RESETTING: return READ_ONCE(vm->phase) == RESET_WAIT ? "backoff" : "restarting";
	case VM_HALTED:    return "halted";
	case VM_OFF:       return "off";
	}
	return "?";
}

static void info(void)
{
	uint64_t now = timer_now(), hz = timer_freq();

	say("%-12s %-10s %-14s %6s %6s %8s %10s %8s %12s\n", "vm", "state", "vcpu->pcpu", "boots",
	    "faults", "restarts", "irqs", "kicks", "uptime");
	for (unsigned i = 0; i < pt_config.nvms; i++) {
		struct vm *vm = &vms[i];
		char cpus[48];
		size_t n = 0;
		uint64_t irqs = READ_ONCE(vm->irqs), kicks = 0;
		uint32_t state = READ_ONCE(vm->state);

		for (unsigned c = 0; c < vm->cfg->ncpus && n + 8 < sizeof(cpus); c++) {
			n += (size_t)snprintk(cpus + n, sizeof(cpus) - n, "%s%u->%u", c ? "," : "", c,
					      vm->vcpus[c].pcpu);
			irqs += arch_cpu_irqs(vm->vcpus[c].pcpu);
			kicks += READ_ONCE(vm->vcpus[c].kicks);
		}
		if (state == VM_RUNNING) {
			uint64_t ms = (now - READ_ONCE(vm->time_offset)) / (hz / 1000);
			say("%-12s %-10s %-14s %6u %6u %8u %10lu %8lu %8lu.%03lu s\n", vm->cfg->name,
			    state_name(vm), cpus, READ_ONCE(vm->boots), READ_ONCE(vm->faults),
			    READ_ONCE(vm->restarts), irqs, kicks, ms / 1000, ms % 1000);
		} else {
			say("%-12s %-10s %-14s %6u %6u %8u %10lu %8lu %12s\n", vm->cfg->name,
			    state_name(vm), cpus, READ_ONCE(vm->boots), READ_ONCE(vm->faults),
			    READ_ONCE(vm->restarts), irqs, kicks, "-");
		}
	}
}

static struct vm *find_vm(const char *name)
{
	for (unsigned i = 0; i < pt_config.nvms; i++)
		if (!strcmp(pt_config.vms[i].name, name))
			return &vms[i];
	return NULL;
}

static void control(const char *verb, const char *name)
{
	struct vm *vm = find_vm(name);

	if (!*name) {
		say("%s: which VM? (info lists them)\n", verb);
		return;
	}
	if (!vm) {
		say("%s: no VM named '%s'\n", verb, name);
		return;
	}
	if (!vm->cfg->shell_control) {
		say("%s: vm '%s' is not under the shell's control (hypervisor: console: control:)\n",
		    verb, name);
		return;
	}
	uint32_t state = READ_ONCE(vm->state);

	if (!strcmp(verb, "stop")) {
		if (state == VM_HALTED || state == VM_OFF) {
			say("stop: vm '%s' is %s already\n", name, state_name(vm));
			return;
		}
		printk("partita: vm '%s': stopped from the shell%s\n", name,
		       state == VM_RESETTING ? " (it stays off once its reset is done)" : "");
		vm_stop(vm, VM_OFF);
	} else if (!strcmp(verb, "restart") && state == VM_RUNNING) {
		printk("partita: vm '%s': restarted from the shell\n", name);
		spin_lock(&vm->lock);
		vm->restarts = 0;   /* a fresh restart budget */
		spin_unlock(&vm->lock);
		vm_reset(vm, 0);
	} else if (vm_start(vm)) {
		printk("partita: vm '%s': started from the shell\n", name);
	} else if (vm_restart_now(vm)) {
		/* Restarting already: it boots as soon as its reset is done, with no back-off. */
		printk("partita: vm '%s': restarting (from the shell: now, with a fresh budget)\n", name);
	} else if (!strcmp(verb, "start")) {
		say("start: vm '%s' is %s already\n", name, state_name(vm));
	} else {
		/* It went from running to resetting or down between our look and our call. */
		say("%s: vm '%s' is %s; try again\n", verb, name, state_name(vm));
	}
}

static void help(void)
{
	say("commands: help, info, stop VM, start VM, restart VM, log\n"
	    "Ctrl-] moves the console input to the next VM\n");
}

static void execute(char *s)
{
	char *arg;

	while (*s == ' ')
		s++;
	for (arg = s; *arg && *arg != ' '; arg++)
		;
	if (*arg)
		*arg++ = '\0';
	while (*arg == ' ')
		arg++;
	for (char *e = arg + strlen(arg); e > arg && e[-1] == ' '; )
		*--e = '\0';

	if (!*s)
		return;
	if (!strcmp(s, "help"))
		help();
	else if (!strcmp(s, "info"))
		info();
	else if (!strcmp(s, "stop") || !strcmp(s, "start") || !strcmp(s, "restart"))
		control(s, arg);
	else if (!strcmp(s, "log")) {
		static char buf[2048 + 1];
		size_t n = conmux_log_copy(buf, sizeof(buf));
		out(buf, n);
	} else
		say("%s: unknown command (help lists them)\n", s);
}

bool shell_pending(void)
{
	return cmd_ready;
}

bool shell_take(char *buf, size_t size)
{
	if (!cmd_ready || size < LINE_MAX)
		return false;
	memcpy(buf, cmd, LINE_MAX);
	cmd_ready = false;
	return true;
}

void shell_execute(char *command)
{
	if (!pt_config.shell)
		return;
	spin_lock(&run_lock);   /* one command at a time, whichever pCPU saw its Enter */
	execute(command);
	shell_prompt();
	spin_unlock(&run_lock);
}
