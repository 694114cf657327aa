/*
 * The command line, whichever the architecture (main.c's header lists the commands; the riscv64
 * build's are in riscv64/main.c): parsing, the settings, the commands that need only guest.h's
 * interface (time, power, CPUs, the console, plain loads and stores), and a secondary vCPU's
 * life. Anything else goes to the architecture's arch_command(), then "unknown command: X".
 */
#include <stdint.h>
#include "fdt.h"
#include "guest.h"
#include "irq.h"
#include "plat.h"
#include "uart.h"

volatile uint32_t cpu_up[MAX_CPUS];
struct fdt_info guest_dt;
unsigned ncpus = 1;
void (*volatile secondary_hook)(uint64_t cpu);
void (*volatile cpu_work[MAX_CPUS])(uint64_t cpu);

void line(const char *a, uint64_t n, int hex, const char *b)
{
	puts(a);
	if (hex)
		put_hex(n);
	else
		put_dec((int64_t)n);
	puts(b);
}

/* Parse a decimal or 0x-hex number; *end gets the first unused character. */
uint64_t number(const char *s, const char **end)
{
	uint64_t v = 0;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	for (;; s++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
			d = (*s | 0x20) - 'a' + 10;
		else
			break;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*end = s;
	return v;
}

/* Does word w (ending at a space or NUL) start with key? Then *arg points past it. */
int word_is(const char *w, const char *key, const char **arg)
{
	while (*key)
		if (*w++ != *key++)
			return 0;
	if (key[-1] != '=' && *w && *w != ' ')
		return 0;
	*arg = w;
	return 1;
}

/*
 * Settings (period=, seed=) hold for the whole command line wherever they stand, so that
 * "heartbeat=20 period=100" beats every 100 ms: they are applied in a first pass, and the last
 * one of a kind wins. Everything else is an action, run in order.
 */
static int is_setting(const char *w)
{
	const char *a;

	return word_is(w, "period=", &a) || word_is(w, "seed=", &a);
}

static uint64_t apply_settings(const char *w, uint64_t tpm)
{
	uint64_t period = 10;
	const char *a;

	while (w && *w) {
		if (*w == ' ') {
			w++;
			continue;
		}
		if (word_is(w, "period=", &a))
			period = number(a, &a);
		else if (word_is(w, "seed=", &a))
			partition_command(w, &a, tpm);
		while (*w && *w != ' ')   /* to the next word */
			w++;
	}
	return period;
}

static volatile uint64_t poke_addr;

static void poke_self(uint64_t cpu)
{
	(void)cpu;
	*(volatile uint32_t *)poke_addr = 0xdeadbeef;
}

static void stop_self(uint64_t cpu)
{
	(void)cpu;
	cpu_stop();
}

void run(const char *cmd, uint64_t entry_ticks)
{
	uint64_t period = apply_settings(cmd, ticks_per_ms);
	const char *a, *w = cmd;

	while (w && *w) {
		while (*w == ' ')
			w++;
		if (!*w)
			break;
		if (is_setting(w)) {
			/* applied before the first action (apply_settings) */
		} else if (word_is(w, "heartbeat=", &a)) {
			uint64_t n = number(a, &a);
			for (uint64_t k = 1; n == 0 || k <= n; k++) {
				delay_ms(period);
				line("heartbeat ", k, 0, "\n");
			}
		} else if (word_is(w, "sleep=", &a)) {
			delay_ms(number(a, &a));
		} else if (word_is(w, "peek=", &a)) {
			uint64_t addr = number(a, &a);
			line("peek ", addr, 1, "\n");
			uint32_t v = *(volatile uint32_t *)addr;
			line("peek -> ", v, 1, "\n");
		} else if (word_is(w, "poke=", &a)) {
			uint64_t addr = number(a, &a);
			line("poke ", addr, 1, "\n");
			*(volatile uint32_t *)addr = 0xdeadbeef;
			puts("poke done\n");
		} else if (word_is(w, "echo=", &a)) {
			for (uint64_t n = number(a, &a); n; n--) {
				char buf[80];
				getline(buf, sizeof(buf));
				puts("echo: ");
				puts(buf);
				putc('\n');
			}
		} else if (word_is(w, "exec=", &a)) {
			uint64_t addr = number(a, &a);
			line("exec ", addr, 1, "\n");
			((void (*)(void))addr)();
		} else if (word_is(w, "cpu_on=", &a)) {
			uint64_t id = number(a, &a);
			int64_t r = cpu_start(id);
			line("cpu_on ", id, 1, "");
			line(" -> ", (uint64_t)r, 0, "\n");
		} else if (word_is(w, "cpu1-poke=", &a)) {
			/* The same as poke=, from vCPU 1: a fault raised on another pCPU than vCPU 0's. */
			poke_addr = number(a, &a);
			line("cpu 1 poke ", poke_addr, 1, "\n");
			run_on(1, poke_self);
			delay_ms(1000);
			puts("cpu1-poke: no fault after 1 s\n");
		} else if (word_is(w, "cpu_off=", &a)) {
			/* vCPU N switches itself off; vCPU 0 waits until it is gone. */
			uint64_t c = number(a, &a);
			if (c > 0 && c < ncpus && c < MAX_CPUS) {
				uint64_t end = vcount() + 1000 * ticks_per_ms;
				int off;
				run_on((unsigned)c, stop_self);
				while (!(off = cpu_is_off((unsigned)c)) && vcount() < end)
					nap();
				line("cpu ", c, 0, off ? " off\n" : " still on after 1 s\n");
			}
		} else if (word_is(w, "maxboots=", &a)) {
			uint64_t k = number(a, &a);
			int64_t boots = vm_boots();
			/* Without a boot count a restarting VM would restart for ever: stop it. */
			if (boots < 0) {
				line("maxboots: no boot count (" VM_BOOTS_CALL " -> ", (uint64_t)boots, 0,
				     "), powering off\n");
				power(0);
			}
			if ((uint64_t)boots >= k) {
				line("boot ", (uint64_t)boots, 0, " reached maxboots, powering off\n");
				power(0);
			}
		} else if (word_is(w, "partial=", &a)) {
			/* Half a line, a pause of MS ms, the rest: what a prompt looks like. */
			uint64_t ms = number(a, &a);
			puts("part-");
			delay_ms(ms);
			puts("end\n");
		} else if (word_is(w, "rxcount=", &a)) {
			/*
			 * Let N bytes of input pile up for 300 ms (the hypervisor's receive ring
			 * fills, then the UART and the host hold the rest), then read them: count
			 * and sum. Stops after 5 s without a byte.
			 */
			uint64_t n = number(a, &a), got = 0, sum = 0;
			delay_ms(300);
			while (got < n) {
				uint64_t end = vcount() + 5000 * ticks_per_ms;
				int c = -1;
				while ((c = getc_nowait()) < 0 && vcount() < end)
					nap();
				if (c < 0)
					break;
				got++;
				sum += (uint64_t)c;
			}
			line("rxcount: ", got, 0, " bytes");
			line(", sum ", sum, 0, "\n");
		} else if (word_is(w, "timing", &a)) {
			line("timing: entry ", entry_ticks, 0, " ticks");
			line(", first char ", first_char_ticks, 0, " ticks\n");
		} else if (word_is(w, "platform", &a)) {
			plat_print();
		} else if (word_is(w, "off", &a)) {
			power(0);
		} else if (word_is(w, "reset", &a)) {
			power(1);
		} else if (!arch_command(w, &a, period)) {
			puts("unknown command: ");
			for (a = w; *a && *a != ' '; a++)
				putc(*a);
			putc('\n');
		}
		while (*w && *w != ' ')   /* next word */
			w++;
	}
}

/*
 * A secondary vCPU: says it is up, then idles in WFI, running what run_on() hands it. Interrupts
 * are masked around the check so that a wake-up between the check and the WFI is not lost (WFI
 * ends on a pending interrupt even while it is masked).
 */
void secondary_main(uint64_t cpu)
{
	void (*hook)(uint64_t) = secondary_hook;

	if (hook) {
		hook(cpu);
		return;
	}
	line("cpu ", cpu, 0, " up\n");
	irq_secondary((unsigned)cpu);
	if (cpu >= MAX_CPUS)
		return;
	cpu_up[cpu] = 1;
	for (;;) {
		void (*fn)(uint64_t);

		irqs_off();
		fn = cpu_work[cpu];
		if (!fn)
			wait_irq();
		irqs_on();
		if (fn) {
			cpu_work[cpu] = 0;
			fn(cpu);
		}
	}
}
