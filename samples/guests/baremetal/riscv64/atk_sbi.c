/*
 * The SBI, misused (the riscv64 counterparts of attack/atk_psci.c and atk_gic.c's sgi-garbage).
 *
 * sbi-garbage=N  N ECALLs with random extension IDs (a quarter of them), else one of every
 *                extension the SBI defines (Partita's vendor one too), with random function IDs
 *                (mostly small) and random arguments (mostly junk, sometimes small numbers or
 *                addresses of the VM's devices; never its RAM, so no call reads or prints it).
 *                Left out: what legitimately ends or stops the caller (SRST system_reset, the
 *                legacy shutdown, HSM hart_stop, a non-retentive HSM hart_suspend). Console
 *                bytes (legacy putchar, DBCN write_byte) are made printable. Every call goes
 *                through sbi_ecall_checked (ecall.S): every register but a0 and a1 must be kept.
 *                Deterministic (a fixed seed). Prints a newline (ends the console bytes' line),
 *                then "sbi-garbage: N calls, S skipped, E errors (NOT_SUPPORTED n, INVALID_PARAM
 *                i, other o), L legacy, X odd results, R registers clobbered": odd results are
 *                errors the SBI does not define (for calls other than the legacy ones, whose
 *                a0 is theirs to define); then "sbi-garbage: still running".
 *
 * sbi-harts      IPIs and remote fences aimed at harts the VM has (a VM with 2 harts) and at
 *                harts it has not: hart masks with high bits, bases beyond its last hart, the
 *                mask running past hart 63, base -1 ("every hart", the mask ignored), legacy
 *                calls with a mask in memory, outside its RAM and in a device window. Each
 *                "sbi-harts: WHAT -> RESULT" (SBI errors: 0 success, -2 NOT_SUPPORTED, -3
 *                INVALID_PARAM); the IPIs each hart took are counted against those sent, then
 *                "sbi-harts: N calls, ipis taken cpu 0 A of A', cpu 1 B of B', stray S".
 *
 * hsm-entry      HSM with arguments no sane guest passes (a VM of harts 0 and 1): CPU 1 stops
 *                itself, then hart_start with entry points outside its RAM, odd, in its device
 *                windows; of itself, of harts it lacks; hart_get_status of harts it lacks;
 *                hart_suspend, retentive (returns) and of reserved types; then a proper start;
 *                and last, after stopping CPU 1 again, a start in its first channel's window
 *                (its memory, but never executable). Each "hsm-entry: WHAT -> RESULT" (SBI
 *                errors: -3 INVALID_PARAM, -5 INVALID_ADDRESS, -6 ALREADY_AVAILABLE; statuses:
 *                0 started, 1 stopped), then "hsm-entry: done".
 *
 * hsm-race=N     CPU 1 stops itself (HSM hart_stop) on every entry; CPU 0 starts it again
 *                (hart_start) as soon as hart_get_status says it is stopped, N times, polling the
 *                status all along: "hsm-race: N cycles, E entries of cpu 1, X errors; status
 *                said started a, stopped b, start pending c, other d". Then CPU 1 is started
 *                the ordinary way (it says "cpu 1 up") and "hsm-race: cpu 1 restarted -> R".
 */
#include "../fdt.h"
#include "../guest.h"
#include "../irq.h"
#include "../uart.h"
#include "rvplat.h"
#include "trap.h"

#define SBI_EXT_LEGACY_SEND_IPI 0x04
#define SBI_EXT_RFENCE  0x52464e43   /* "RFNC" */
#define SBI_EXT_PMU     0x00504d55
#define SBI_EXT_SUSP    0x53555350
#define SBI_EXT_CPPC    0x43505043
#define SBI_EXT_NACL    0x4e41434c
#define SBI_EXT_STA     0x00535441
#define SBI_HSM_START_PENDING 2
#define OUTSIDE_RAM_RV  0xa0000000ul   /* no test VM has anything there */

uint64_t sbi_ecall_checked(uint64_t io[8]);   /* ecall.S */

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)   /* xorshift64 */
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const uint64_t known[] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, SBI_EXT_BASE, SBI_EXT_TIME,
	SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_HSM, SBI_EXT_SRST, SBI_EXT_PMU, SBI_EXT_DBCN,
	SBI_EXT_SUSP, SBI_EXT_CPPC, SBI_EXT_NACL, SBI_EXT_STA, PT_SBI_EXT,
};
#define NKNOWN (sizeof(known) / sizeof(known[0]))

static uint64_t junk_arg(void)
{
	static const uint64_t special[] = { 0, 1, ~0ull, 0x7fffffffull, 0x80000000ull << 32,
					    OUTSIDE_RAM_RV, 0x0c000000ull, 0x10000000ull, 4095 };
	uint64_t r = rnd();

	switch (r & 3) {
	case 0: return (r >> 8) & 15;
	case 1: return special[(r >> 8) % (sizeof(special) / sizeof(special[0]))];
	default: return rnd();
	}
}

/* A call that could end or stop the caller, which no test of robustness wants. */
static int ends_caller(uint64_t ext, uint64_t fid, uint64_t a0)
{
	return (ext == SBI_EXT_SRST && fid == 0) || ext == SBI_EXT_LEGACY_SHUTDOWN ||
	       (ext == SBI_EXT_HSM && fid == SBI_HSM_STOP) ||
	       (ext == SBI_EXT_HSM && fid == 3 && (uint32_t)a0 >= 0x80000000u);
}

static void sbi_garbage(uint64_t n)
{
	uint64_t calls = 0, skipped = 0, errors = 0, nsup = 0, inval = 0, other = 0, legacy = 0;
	uint64_t odd = 0, clobbered = 0;

	for (uint64_t i = 0; i < n; i++) {
		uint64_t io[8], r = rnd(), ext, fid;

		ext = r % 4 == 0 ? (r & 8 ? rnd() : rnd() & 0xffffffffull) : known[(r >> 8) % NKNOWN];
		r = rnd();
		fid = r % 4 == 0 ? rnd() & 0xffffffffull : (r >> 8) % 8;
		for (unsigned k = 0; k < 6; k++)
			io[k] = junk_arg();
		io[6] = fid;
		io[7] = ext;
		if (ends_caller(ext, fid, io[0])) {
			skipped++;
			continue;
		}
		if (ext == SBI_EXT_LEGACY_PUTCHAR || (ext == SBI_EXT_DBCN && fid == SBI_DBCN_WRITE_BYTE))
			io[0] = '!' + io[0] % 94;
		irqs_off();   /* tp is not ours during the call: no interrupt may come in */
		clobbered += sbi_ecall_checked(io) != 0;
		irqs_on();
		calls++;
		if (ext <= 8) {
			legacy++;
			continue;
		}
		int64_t e = (int64_t)io[0];
		if (e == 0)
			continue;
		errors++;
		if (e == SBI_ERR_NOT_SUPPORTED)
			nsup++;
		else if (e == -3)
			inval++;
		else
			other++;
		if (e > 0 || e < -13)
			odd++;
	}
	line("\nsbi-garbage: ", calls, 0, " calls, ");
	line("", skipped, 0, " skipped, ");
	line("", errors, 0, " errors (NOT_SUPPORTED ");
	line("", nsup, 0, ", INVALID_PARAM ");
	line("", inval, 0, ", other ");
	line("", other, 0, "), ");
	line("", legacy, 0, " legacy, ");
	line("", odd, 0, " odd results, ");
	line("", clobbered, 0, " registers clobbered\n");
	puts("sbi-garbage: still running\n");
}

/* ---- sbi-harts --------------------------------------------------------------------------- */

static uint64_t mask_word;   /* what the legacy calls' mask pointer points to */
static uint64_t calls, strays, want[2];

/* Wait up to ms for the IPI counts to reach want[], then a little longer for extras. */
static void settle(uint64_t ms)
{
	uint64_t end = vcount() + ms * ticks_per_ms;

	while ((ipi_count[0] < want[0] || ipi_count[1] < want[1]) && vcount() < end)
		nap();
	for (end = vcount() + ticks_per_ms / 10; vcount() < end;)
		nap();
}

static void one(const char *what, uint64_t ext, uint64_t fid, uint64_t a0, uint64_t a1,
		int64_t expect, unsigned to)
{
	struct sbiret r = sbi_call(ext, fid, a0, a1, 0);

	calls++;
	if (r.error == expect) {   /* the IPIs it should have sent */
		want[0] += to & 1;
		want[1] += to >> 1 & 1;
	}
	settle(2);
	puts("sbi-harts: ");
	puts(what);
	line(" -> ", (uint64_t)r.error, 0, "\n");
}

static void sbi_harts(void)
{
	const uint64_t all = ~0ull, beyond = 1ull << 63;
	uint64_t *mp = &mask_word;

	if (ncpus != 2 || cpu_hart[0] != 0 || cpu_hart[1] != 1) {
		puts("sbi-harts: needs a VM of harts 0 and 1\n");
		return;
	}
	irq_setup();
	calls = 0;
	want[0] = ipi_count[0];
	want[1] = ipi_count[1];
	one("ipi mask 0x1 base 0", SBI_EXT_IPI, 0, 1, 0, 0, 1);
	one("ipi mask 0x2 base 0", SBI_EXT_IPI, 0, 2, 0, 0, 2);
	one("ipi mask 0x3 base 0", SBI_EXT_IPI, 0, 3, 0, 0, 3);
	one("ipi mask 0x1 base 1", SBI_EXT_IPI, 0, 1, 1, 0, 2);
	one("ipi mask 0x4 base 0", SBI_EXT_IPI, 0, 4, 0, -3, 0);
	one("ipi mask 0x7 base 0", SBI_EXT_IPI, 0, 7, 0, -3, 0);
	one("ipi mask 1<<63 base 0", SBI_EXT_IPI, 0, beyond, 0, -3, 0);
	one("ipi mask all ones base 0", SBI_EXT_IPI, 0, all, 0, -3, 0);
	one("ipi mask 0x1 base 2", SBI_EXT_IPI, 0, 1, 2, -3, 0);
	one("ipi mask 0x3 base 1", SBI_EXT_IPI, 0, 3, 1, -3, 0);
	one("ipi mask 0x1 base 4095", SBI_EXT_IPI, 0, 1, 4095, -3, 0);
	one("ipi mask 0x1 base -2", SBI_EXT_IPI, 0, 1, all - 1, -3, 0);
	one("ipi mask 0x2 base 63", SBI_EXT_IPI, 0, 2, 63, -3, 0);
	one("ipi mask 1<<63 base 1", SBI_EXT_IPI, 0, beyond, 1, -3, 0);
	one("ipi mask 0 base 5", SBI_EXT_IPI, 0, 0, 5, 0, 0);
	one("ipi mask 0 base -1", SBI_EXT_IPI, 0, 0, all, 0, 3);
	one("ipi mask all ones base -1", SBI_EXT_IPI, 0, all, all, 0, 3);
	one("ipi mask 1<<63 base -1", SBI_EXT_IPI, 0, beyond, all, 0, 3);
	one("ipi function 1", SBI_EXT_IPI, 1, 1, 0, SBI_ERR_NOT_SUPPORTED, 0);
	one("fence.i mask 0x3 base 0", SBI_EXT_RFENCE, 0, 3, 0, 0, 0);
	one("fence.i mask 0x4 base 0", SBI_EXT_RFENCE, 0, 4, 0, -3, 0);
	one("fence.i mask 1<<63 base 0", SBI_EXT_RFENCE, 0, beyond, 0, -3, 0);
	one("fence.i mask 0x1 base 2", SBI_EXT_RFENCE, 0, 1, 2, -3, 0);
	one("fence.i mask 0x1 base 4095", SBI_EXT_RFENCE, 0, 1, 4095, -3, 0);
	one("fence.i mask 0 base -1", SBI_EXT_RFENCE, 0, 0, all, 0, 0);
	one("sfence.vma mask 0x3 base 0", SBI_EXT_RFENCE, 1, 3, 0, 0, 0);
	one("sfence.vma mask 0x2 base 1", SBI_EXT_RFENCE, 1, 2, 1, -3, 0);
	one("sfence.vma mask all ones base 0", SBI_EXT_RFENCE, 1, all, 0, -3, 0);
	one("sfence.vma mask 0 base -1", SBI_EXT_RFENCE, 1, 0, all, 0, 0);
	one("sfence.vma.asid mask 0x2 base 0", SBI_EXT_RFENCE, 2, 2, 0, 0, 0);
	one("sfence.vma.asid mask 0x1 base 2", SBI_EXT_RFENCE, 2, 1, 2, -3, 0);
	one("hfence.gvma.vmid", SBI_EXT_RFENCE, 3, 3, 0, SBI_ERR_NOT_SUPPORTED, 0);
	one("hfence.gvma", SBI_EXT_RFENCE, 4, 3, 0, SBI_ERR_NOT_SUPPORTED, 0);
	one("hfence.vvma.asid", SBI_EXT_RFENCE, 5, 3, 0, SBI_ERR_NOT_SUPPORTED, 0);
	one("hfence.vvma", SBI_EXT_RFENCE, 6, 3, 0, SBI_ERR_NOT_SUPPORTED, 0);
	/* Legacy calls: the mask is a pointer (0: every hart); the result is a0. */
	mask_word = 2;
	one("legacy send_ipi mask 0x2", SBI_EXT_LEGACY_SEND_IPI, 0, (uint64_t)mp, 0, 0, 2);
	one("legacy send_ipi mask pointer 0", SBI_EXT_LEGACY_SEND_IPI, 0, 0, 0, 0, 3);
	mask_word = 4;
	one("legacy send_ipi mask 0x4", SBI_EXT_LEGACY_SEND_IPI, 0, (uint64_t)mp, 0, -3, 0);
	mask_word = beyond | 1;
	one("legacy send_ipi mask 1<<63 + 1", SBI_EXT_LEGACY_SEND_IPI, 0, (uint64_t)mp, 0, -3, 0);
	one("legacy send_ipi mask outside RAM", SBI_EXT_LEGACY_SEND_IPI, 0, OUTSIDE_RAM_RV, 0, -3, 0);
	one("legacy send_ipi mask in the PLIC window", SBI_EXT_LEGACY_SEND_IPI, 0, plic_base, 0, -3, 0);
	one("legacy send_ipi mask in the UART window", SBI_EXT_LEGACY_SEND_IPI, 0, uart_base, 0, -3, 0);
	mask_word = 4;
	one("legacy remote_fence_i mask 0x4", 0x05, 0, (uint64_t)mp, 0, -3, 0);
	one("legacy remote_sfence_vma mask 0x4", 0x06, 0, (uint64_t)mp, 0, -3, 0);
	one("legacy remote_sfence_vma_asid mask 0x4", 0x07, 0, (uint64_t)mp, 0, -3, 0);
	mask_word = 3;
	one("legacy remote_sfence_vma mask 0x3", 0x06, 0, (uint64_t)mp, 0, 0, 0);
	settle(10);
	strays = 0;
	for (unsigned c = 0; c < 2; c++)
		strays += ipi_count[c] > want[c] ? ipi_count[c] - want[c] : 0;
	line("sbi-harts: ", calls, 0, " calls, ipis taken cpu 0 ");
	line("", ipi_count[0], 0, " of ");
	line("", want[0], 0, ", cpu 1 ");
	line("", ipi_count[1], 0, " of ");
	line("", want[1], 0, ", stray ");
	line("", strays, 0, "\n");
}

/* ---- hsm-race ---------------------------------------------------------------------------- */

static volatile uint64_t race_entries, race_errors;

static void race_cpu(uint64_t cpu)
{
	(void)cpu;
	race_entries++;
	publish();
	irqs_off();
	sbi_hart_stop();
	race_errors++;   /* hart_stop returned */
	for (;;)
		wait_irq();
}

static void hsm_race(uint64_t n)
{
	uint64_t cycles = 0, seen[4] = { 0 }, end;
	int64_t r;

	if (ncpus < 2) {
		puts("hsm-race: needs 2 harts\n");
		return;
	}
	race_entries = race_errors = 0;
	secondary_hook = race_cpu;
	run_on(1, race_cpu);
	for (end = vcount() + 10000 * ticks_per_ms; cycles < n && vcount() < end;) {
		int64_t s = sbi_hart_status(cpu_hart[1]);
		if (s >= 0 && s <= 2)
			seen[s]++;
		else
			seen[3]++, race_errors++;
		if (s != SBI_HSM_STOPPED) {
			nap();
			continue;
		}
		r = sbi_hart_start(cpu_hart[1], (uint64_t)secondary_start, 1);
		if (r == 0)
			cycles++;
		else if (r != -6)   /* ALREADY_AVAILABLE: it raced us, fine */
			race_errors++;
	}
	for (end = vcount() + 100 * ticks_per_ms; race_entries < n + 1 && vcount() < end;)
		nap();
	line("hsm-race: ", cycles, 0, " cycles, ");
	line("", race_entries, 0, " entries of cpu 1, ");
	line("", race_errors, 0, " errors; status said started ");
	line("", seen[0], 0, ", stopped ");
	line("", seen[1], 0, ", start pending ");
	line("", seen[2], 0, ", other ");
	line("", seen[3], 0, "\n");
	/* The end: stopped for good, then started the ordinary way. */
	for (end = vcount() + 100 * ticks_per_ms; !cpu_is_off(1) && vcount() < end;)
		nap();
	secondary_hook = 0;
	cpu_up[1] = 0;
	r = cpu_start(cpu_hart[1]);
	for (end = vcount() + 100 * ticks_per_ms; !cpu_up[1] && vcount() < end;)
		nap();
	line("hsm-race: cpu 1 restarted -> ", (uint64_t)r, 0, cpu_up[1] ? ", up\n" : ", not up\n");
}

/* ---- hsm-entry ----------------------------------------------------------------------------- */

static void hsay(const char *what, int64_t r)
{
	puts("hsm-entry: ");
	puts(what);
	line(" -> ", (uint64_t)r, 0, "\n");
}

static void stop_cpu(uint64_t cpu)
{
	(void)cpu;
	cpu_stop();
}

/* CPU 1 off, and waited for (up to 100 ms): its status. */
static int64_t cpu1_off(void)
{
	run_on(1, stop_cpu);
	for (uint64_t end = vcount() + 100 * ticks_per_ms; !cpu_is_off(1) && vcount() < end;)
		nap();
	return sbi_hart_status(cpu_hart[1]);
}

static void hsm_entry(void)
{
	uint64_t entry = (uint64_t)secondary_start, h1;
	extern char _start[];

	if (ncpus != 2 || cpu_hart[0] != 0 || cpu_hart[1] != 1) {
		puts("hsm-entry: needs a VM of harts 0 and 1\n");
		return;
	}
	h1 = cpu_hart[1];
	hsay("cpu 1 hart_stop, then hart_get_status", cpu1_off());
	hsay("hart_start entry 0", sbi_hart_start(h1, 0, 1));
	hsay("hart_start entry outside RAM", sbi_hart_start(h1, 0xa0000000ul, 1));
	hsay("hart_start entry odd", sbi_hart_start(h1, entry + 1, 1));
	hsay("hart_start entry all ones", sbi_hart_start(h1, ~0ull, 1));
	hsay("hart_start entry in the UART window", sbi_hart_start(h1, uart_base, 1));
	hsay("hart_start entry in the PLIC window", sbi_hart_start(h1, plic_base, 1));
	hsay("hart_start entry just below RAM", sbi_hart_start(h1, ((uint64_t)_start & ~0x3fffffful) - 4, 1));
	hsay("hart_start of itself", sbi_hart_start(cpu_hart[0], entry, 0));
	hsay("hart_start of hart 2", sbi_hart_start(2, entry, 1));
	hsay("hart_start of hart -1", sbi_hart_start(~0ull, entry, 1));
	hsay("hart_get_status of hart 2", sbi_hart_status(2));
	hsay("hart_get_status of hart -1", sbi_hart_status(~0ull));
	hsay("hart_get_status of cpu 1", sbi_hart_status(h1));
	hsay("hart_suspend retentive", sbi_call(SBI_EXT_HSM, 3, 0, 0, 0).error);
	hsay("hart_suspend platform retentive", sbi_call(SBI_EXT_HSM, 3, 0x10000000, 0, 0).error);
	hsay("hart_suspend reserved type 1", sbi_call(SBI_EXT_HSM, 3, 1, 0, 0).error);
	hsay("hart_suspend platform retentive 0x7fffffff", sbi_call(SBI_EXT_HSM, 3, 0x7fffffff, 0, 0).error);
	cpu_up[1] = 0;
	hsay("hart_start at its entry", sbi_hart_start(h1, entry, 1));
	for (uint64_t end = vcount() + 100 * ticks_per_ms; !cpu_up[1] && vcount() < end;)
		nap();
	hsay("cpu 1 back up", cpu_up[1]);
	/* Last: memory that is the VM's but not to execute, its first channel's window. Were the
	 * start accepted, hart 1's first fetch would fault and end this VM. */
	if (guest_dt.nchannels) {
		hsay("cpu 1 hart_stop again, then hart_get_status", cpu1_off());
		int64_t r = sbi_hart_start(h1, guest_dt.channels[0].base, 1);
		hsay("hart_start entry in a channel window", r);
		if (r == 0)
			delay_ms(20);
	}
	puts("hsm-entry: done\n");
}

int rv_sbi_command(const char *w, const char **a)
{
	if (word_is(w, "sbi-garbage=", a))
		sbi_garbage(number(*a, a));
	else if (word_is(w, "sbi-harts", a))
		sbi_harts();
	else if (word_is(w, "hsm-race=", a))
		hsm_race(number(*a, a));
	else if (word_is(w, "hsm-entry", a))
		hsm_entry();
	else
		return 0;
	return 1;
}
