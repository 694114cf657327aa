/*
 * Partita's bare-metal sample guest.
 *
 * vCPU 0 reads its name, CPU count and command line from the DTB, says hello, starts its other
 * vCPUs through PSCI (each says "cpu N up"), then executes the command line word by word:
 *
 *   heartbeat=N   print "heartbeat 1".."heartbeat N", one every `period` ms (N=0: forever)
 *   period=MS     heartbeat/tick period (default 10): a setting, like seed=, that holds for
 *                 the whole line wherever it stands (docs/guest.md); the rest run in order
 *   sleep=MS      wait
 *   peek=ADDR     read 32 bits at IPA ADDR and print it
 *   poke=ADDR     write 0xdeadbeef (32 bits) to IPA ADDR
 *   ldp=ADDR      load a register pair from IPA ADDR (no syndrome for the hypervisor: ISV=0)
 *   exec=ADDR     jump to IPA ADDR
 *   echo=N        read N lines from the console and print each back as "echo: LINE"
 *   partial=MS    print "part-", wait MS ms, print "end" and a newline (a prompt, then output)
 *   rxcount=N     after 300 ms, read N input bytes; print their count and sum
 *   cpu_on=MPIDR  PSCI CPU_ON of MPIDR (entry: this guest's secondary entry) and print the result
 *   cpu1-poke=ADDR  vCPU 1 writes 0xdeadbeef to IPA ADDR (vCPU 0 waits a second for the outcome)
 *   cpu_off=N     vCPU N (not 0) powers itself off with PSCI CPU_OFF; "cpu N off" once it is
 *   hvc=FID       HVC #0 with x0 = FID and print x0 afterwards
 *   smc=FID       SMC #0 likewise
 *   maxboots=K    a VM that restarts: from boot K on (PT_HVC_VM_BOOTS), skip the rest and power off
 *   timing        print the counter at entry and at the first character (see hypervisor/bench.sh)
 *   platform      print the GIC, UART and PSCI conduit in use (plat.c)
 *   off           PSCI SYSTEM_OFF          reset   PSCI SYSTEM_RESET
 *   share=MS      spin MS ms reading the counter; print the share of the time this vCPU ran
 *                 (steps under 20 us), the gaps (switch-outs) and the loop iterations:
 *                 "share: ran R us of T us (P.P%), G gaps, work W" (partition.c)
 *   regs=MS       plant distinct values in v0..v31, FPCR, FPSR, x3..x30 and the EL0/EL1 system
 *                 registers a switch saves, spin MS ms with interrupts masked, compare:
 *                 "regs: N registers checked over G switch-outs, D differ" (partition.c)
 *   seed=N        regs= derives its values from N (default: a hash of the VM's name)
 *   and the interrupt commands of irq.c (tick=, pingpong=, prio16, latency=, ...), the
 *   victim of the attack tests (victim.c: victim=N) and the attacks themselves (attack.c)
 *
 * Its devices (console UART, GIC v3 or v2, PSCI conduit) are where the DTB says, else at QEMU
 * virt's addresses (plat.c): they are found before the first character is printed.
 *
 * Addresses are guest-physical (IPAs): a guest cannot name a physical address at all. Misbehaving
 * commands are how the isolation tests provoke the hypervisor. Without an `off`, vCPU 0 ends in
 * WFI. Numbers are decimal or 0x-hex.
 */
#include <stdint.h>
#include "attack.h"
#include "fdt.h"
#include "gic.h"
#include "guest.h"
#include "irq.h"
#include "plat.h"
#include "rxhold.h"
#include "uart.h"
#include "victim.h"

#define TICKS_PER_MS      62500ull   /* CNTFRQ of QEMU virt; read the real one below */

volatile uint32_t cpu_up[MAX_CPUS];
struct fdt_info guest_dt;
uint64_t ticks_per_ms = TICKS_PER_MS;
unsigned ncpus = 1;
uint64_t entry_sp;   /* written by start.S */
void (*volatile secondary_hook)(uint64_t cpu);
static void (*volatile work[MAX_CPUS])(uint64_t cpu);

uint64_t vcount(void)
{
	uint64_t v;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

void delay_ms(uint64_t ms)
{
	uint64_t end = vcount() + ms * ticks_per_ms;
	while (vcount() < end)
		relax();
}

unsigned my_cpu(void)
{
	return (unsigned)(SYSREG_READ(mpidr_el1) & 0xff);
}

int64_t vm_boots(void)
{
	return hvc_call(PT_HVC_VM_BOOTS, 0, 0, 0);
}

void run_on(unsigned cpu, void (*fn)(uint64_t cpu))
{
	if (cpu >= MAX_CPUS)
		return;
	work[cpu] = fn;
	__asm__ volatile("dsb ish" ::: "memory");
	gic_sgi_to(cpu, SGI_WAKE);
}

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

static void power(uint32_t fn)
{
	psci_call(fn, 0, 0, 0);
	puts("psci call returned!\n");   /* should never get here */
}

void power_off(void)
{
	power(PSCI_SYSTEM_OFF);
	for (;;)
		wait_irq();
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

static void cpu_off_self(uint64_t cpu)
{
	(void)cpu;
	psci_call(PSCI_CPU_OFF, 0, 0, 0);
	puts("psci CPU_OFF returned!\n");
}

static void run(const char *cmd, uint64_t entry_ticks)
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
		} else if (word_is(w, "ldp=", &a)) {
			uint64_t addr = number(a, &a), lo, hi;
			line("ldp ", addr, 1, "\n");
			__asm__ volatile("ldp %0, %1, [%2]" : "=r"(lo), "=r"(hi) : "r"(addr) : "memory");
			line("ldp -> ", lo | hi, 1, "\n");
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
			uint64_t mpidr = number(a, &a);
			int64_t r = psci_call(PSCI_CPU_ON, mpidr, (uint64_t)secondary_start, mpidr);
			line("cpu_on ", mpidr, 1, "");
			line(" -> ", (uint64_t)r, 0, "\n");
		} else if (word_is(w, "cpu1-poke=", &a)) {
			/* The same as poke=, from vCPU 1: a fault raised on another pCPU than vCPU 0's. */
			poke_addr = number(a, &a);
			line("cpu 1 poke ", poke_addr, 1, "\n");
			run_on(1, poke_self);
			delay_ms(1000);
			puts("cpu1-poke: no fault after 1 s\n");
		} else if (word_is(w, "cpu_off=", &a)) {
			/* vCPU N powers itself off (PSCI CPU_OFF); vCPU 0 waits until it is gone. */
			uint64_t c = number(a, &a);
			if (c > 0 && c < ncpus && c < MAX_CPUS) {
				uint64_t end = vcount() + 1000 * ticks_per_ms;
				int64_t r;
				run_on((unsigned)c, cpu_off_self);
				while ((r = psci_call(PSCI_AFFINITY_INFO, c, 0, 0)) != 1 && vcount() < end)
					relax();
				line("cpu ", c, 0, r == 1 ? " off\n" : " still on after 1 s\n");
			}
		} else if (word_is(w, "hvc=", &a) || word_is(w, "smc=", &a)) {
			int smc = w[0] == 's';
			uint64_t fn = number(a, &a);
			int64_t r = smc ? smc_call(fn, 0, 0, 0) : hvc_call(fn, 0, 0, 0);
			line(smc ? "smc " : "hvc ", fn, 1, "");
			line(" -> ", (uint64_t)r, 0, "\n");
		} else if (word_is(w, "maxboots=", &a)) {
			uint64_t k = number(a, &a);
			int64_t boots = vm_boots();
			/* Without a boot count a restarting VM would restart for ever: stop it. */
			if (boots < 0) {
				line("maxboots: no boot count (PT_HVC_VM_BOOTS -> ", (uint64_t)boots, 0,
				     "), powering off\n");
				power(PSCI_SYSTEM_OFF);
			}
			if ((uint64_t)boots >= k) {
				line("boot ", (uint64_t)boots, 0, " reached maxboots, powering off\n");
				power(PSCI_SYSTEM_OFF);
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
					relax();
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
			power(PSCI_SYSTEM_OFF);
		} else if (word_is(w, "reset", &a)) {
			power(PSCI_SYSTEM_RESET);
		} else if (!irq_command(w, &a, period, ticks_per_ms) &&
			   !chan_command(w, &a, ticks_per_ms) &&
			   !partition_command(w, &a, ticks_per_ms) &&
			   !victim_command(w, &a, period, ticks_per_ms) &&
			   !rxhold_command(w, &a) &&
			   !attack_command(w, &a, period, ticks_per_ms)) {
			puts("unknown command: ");
			for (a = w; *a && *a != ' '; a++)
				putc(*a);
			putc('\n');
		}
		while (*w && *w != ' ')   /* next word */
			w++;
	}
}

void main(const void *dtb, uint64_t entry_ticks)
{
	uint64_t frq;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(frq));
	if (frq >= 1000)
		ticks_per_ms = frq / 1000;

#ifdef NATIVE_DTB
	/* A test build: a DTB loaded at a fixed address (Makefile: NATIVE_DTB), when there is one. */
	const uint8_t *at = (const uint8_t *)NATIVE_DTB;
	if (!dtb && at[0] == 0xd0 && at[1] == 0x0d && at[2] == 0xfe && at[3] == 0xed)
		dtb = at;
#endif
	int bad = dtb && fdt_read(dtb, &guest_dt) != 0;
	/* Nothing may be printed before this: the console may not be where the defaults say. */
	plat_setup(dtb && !bad ? &guest_dt : 0);
#ifdef NATIVE_BOOTARGS
	/* The native build runs on bare QEMU at EL1, entered as an ELF without a DTB. */
	if (!guest_dt.bootargs)
		guest_dt.bootargs = NATIVE_BOOTARGS, guest_dt.vm_name = "native", guest_dt.ncpus = NATIVE_CPUS;
#endif
	puts("hello from vm ");
	puts(guest_dt.vm_name ? guest_dt.vm_name : "baremetal");
	puts(" cpu 0\n");
	if (bad)
		puts("warning: ignoring a malformed device tree\n");

	ncpus = guest_dt.ncpus ? guest_dt.ncpus : 1;
	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	for (unsigned c = 1; c < ncpus; c++) {
		int64_t r = psci_call(PSCI_CPU_ON, c, (uint64_t)secondary_start, c);
		if (r != 0) {
			line("cpu_on ", c, 0, "");
			line(" failed: ", (uint64_t)r, 0, "\n");
			continue;
		}
		/* Wait for it, so that the output order is deterministic. */
		for (uint64_t end = vcount() + 1000 * ticks_per_ms; !cpu_up[c] && vcount() < end;)
			relax();
	}
	run(guest_dt.bootargs, entry_ticks);
}

/*
 * A secondary vCPU: says it is up, then idles in WFI, running what run_on() hands it. Interrupts
 * are masked around the check so that a wake-up SGI between the check and the WFI is not lost
 * (WFI ends on a pending interrupt even while it is masked).
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
		fn = work[cpu];
		if (!fn)
			wait_irq();
		irqs_on();
		if (fn) {
			work[cpu] = 0;
			fn(cpu);
		}
	}
}
