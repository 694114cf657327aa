/*
 * The hypervisor shell, on the hypervisor's console stream: in tagged mode Ctrl-] brings the
 * input focus to it after the VMs; in mux mode it is channel 0 (docs/console.md).
 *
 *   help             the commands
 *   info             per VM: state, vCPUs -> pCPUs, boots, faults, interrupts delivered, uptime
 *   stop VM          power the VM off (as its own SYSTEM_OFF would)
 *   start VM         boot a VM that is off or halted, from its images
 *   restart VM       reboot a running VM (as its own SYSTEM_RESET would), or start it
 *   log              the hypervisor's last messages
 *
 * Which VMs stop/start/restart may touch is the system description's to say
 * (`hypervisor: console: control:`); `shell: off` leaves the shell out. Everything here is
 * static: the shell allocates nothing. Keys arrive under the console's input lock (shell_input
 * edits the line, shell_take hands a finished one over); the command runs in shell_execute,
 * outside that lock, one at a time.
 */
#include <hyp/console.h>
#include <hyp/cpu.h>
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

static const char *state_name(uint32_t s)
{
	switch (s) {
	case VM_RUNNING:   return "running";
	case VM_RESETTING: return "restarting";
	case VM_HALTED:    return "halted";
	case VM_OFF:       return "off";
	}
	return "?";
}

static void info(void)
{
	uint64_t now = timer_now(), hz = timer_freq();

	say("%-12s %-10s %-14s %6s %6s %10s %12s\n", "vm", "state", "vcpu->pcpu", "boots", "faults",
	    "irqs", "uptime");
	for (unsigned i = 0; i < pt_config.nvms; i++) {
		struct vm *vm = &vms[i];
		char cpus[48];
		size_t n = 0;
		uint64_t irqs = READ_ONCE(vm->irqs);
		uint32_t state = READ_ONCE(vm->state);

		for (unsigned c = 0; c < vm->cfg->ncpus && n + 8 < sizeof(cpus); c++) {
			n += (size_t)snprintk(cpus + n, sizeof(cpus) - n, "%s%u->%u", c ? "," : "", c,
					      vm->vcpus[c].pcpu);
			irqs += READ_ONCE(pcpus[vm->vcpus[c].pcpu].direct_irqs);
		}
		if (state == VM_RUNNING) {
			uint64_t ms = (now - READ_ONCE(vm->cntvoff)) / (hz / 1000);
			say("%-12s %-10s %-14s %6u %6u %10lu %8lu.%03lu s\n", vm->cfg->name,
			    state_name(state), cpus, READ_ONCE(vm->boots), READ_ONCE(vm->faults), irqs,
			    ms / 1000, ms % 1000);
		} else {
			say("%-12s %-10s %-14s %6u %6u %10lu %12s\n", vm->cfg->name, state_name(state),
			    cpus, READ_ONCE(vm->boots), READ_ONCE(vm->faults), irqs, "-");
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
	if (!strcmp(verb, "stop")) {
		if (READ_ONCE(vm->state) != VM_RUNNING) {
			say("stop: vm '%s' is %s\n", name, state_name(READ_ONCE(vm->state)));
			return;
		}
		printk("partita: vm '%s': stopped from the shell\n", name);
		vm_stop(vm, VM_OFF);
	} else if (!strcmp(verb, "restart") && READ_ONCE(vm->state) == VM_RUNNING) {
		printk("partita: vm '%s': restarted from the shell\n", name);
		vm_reset(vm);
	} else if (vm_start(vm)) {
		printk("partita: vm '%s': started from the shell\n", name);
	} else {
		say("%s: vm '%s' is %s; try again when it is off\n", verb, name,
		    state_name(READ_ONCE(vm->state)));
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
