/*
 * Commands for time partitioning (docs/scheduling.md): what a VM sharing its CPU with others in
 * a cyclic schedule can see of it.
 *
 *   share=MS   spin for MS ms of virtual time reading the counter: steps shorter than 20 us are
 *              time this vCPU ran, longer ones are gaps (it was switched out). Prints
 *              "share: ran R us of T us (P.P%), G gaps, work W": R the time it ran, T the time
 *              that passed, G the gaps, W the loop iterations done. Under -icount the same
 *              every run.
 *   regs=MS    plant distinct values (from the seed) in every register another VM could leak
 *              into or a switch could lose: v0..v31, FPCR, FPSR, x3..x30 (held by hold.S
 *              across the wait), the EL0/EL1 system registers a switch saves (TPIDRs,
 *              CONTEXTIDR, SP_EL0, PAR, AFSR0/1, FAR, ESR, MAIR, AMAIR, TCR, TTBR0/1 with the
 *              MMU off, CNTKCTL, CSSELR, MDSCR.TDCC, CPACR, ELR/SPSR_EL1, the virtual timer's
 *              CVAL and CTL with its interrupt masked) and the CPU interface's PMR and BPR; spin
 *              MS ms with interrupts masked, then read everything back. Each register's
 *              expected value is what it read back right after the write (bits an
 *              implementation does not keep read as it does; a register that ignores writes is
 *              still checked, trivially). Prints up to four "regs: NAME = VALUE (expected
 *              EXPECTED)" lines, then "regs: N registers checked over G switch-outs, D
 *              differ" (followed by ": NAME..." naming each one that differs when D > 0).
 *              Everything is put back as it was afterwards.
 *   seed=N     regs='s values derive from N (default: a hash of the VM's name, so that two VMs
 *              sharing a CPU plant different values)
 *
 * Natively or on a CPU of its own G is 0 (or a few: QEMU's round-robin between its CPUs).
 *
 * The riscv64 build's regs= is riscv64/regs.c's (RISC-V's registers, the same seed and line).
 */
#include "fdt.h"
#include "guest.h"
#include "uart.h"
#ifndef __riscv
#include "gic.h"
#endif

#define HOLD_REGS   28          /* x3..x30 */
#define FP_WORDS    66          /* q0..q31, FPCR, FPSR */
#define MAX_SHOWN   4

void fp_save(void *buf);        /* attack/fpregs.S: q0..q31, FPCR, FPSR */
void fp_load(const void *buf);
uint64_t regs_hold(const uint64_t *in, uint64_t *out, uint64_t ticks, uint64_t gap);   /* hold.S */

static uint64_t seed;
static int seed_set;

/* A step of the counter this long or longer is a switch-out, not a loop iteration: 20 us. */
static uint64_t gap_ticks(uint64_t tpm)
{
	return tpm / 50 ? tpm / 50 : 1;
}

static uint64_t us(uint64_t ticks, uint64_t tpm)
{
	return ticks * 1000 / tpm;
}

static void share(uint64_t ms, uint64_t tpm)
{
	uint64_t gap = gap_ticks(tpm), start = vcount(), end = start + ms * tpm;
	uint64_t prev = start, now = start, ran = 0, gaps = 0, work = 0, t, tenths;

	while (now < end) {
		uint64_t d;

		now = vcount();
		d = now - prev;
		prev = now;
		if (d < gap)
			ran += d;
		else
			gaps++;
		if (++work % 64 == 0)
			relax();   /* often enough for QEMU's round-robin, seldom enough to be cheap */
	}
	t = now - start;
	tenths = t ? (ran * 2000 / t + 1) / 2 : 0;   /* per mille, rounded */
	line("share: ran ", us(ran, tpm), 0, " us");
	line(" of ", us(t, tpm), 0, " us");
	line(" (", tenths / 10, 0, ".");
	line("", tenths % 10, 0, "%)");
	line(", ", gaps, 0, " gaps");
	line(", work ", work, 0, "\n");
}

static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;   /* FNV-1a */

	while (s && *s)
		h = (h ^ (uint8_t)*s++) * 0x100000001b3ull;
	return h;
}

/* splitmix64: distinct, well-mixed values from the seed and a register number. */
uint64_t regs_pattern(uint64_t k)
{
	uint64_t z;

	if (!seed_set)
		seed = name_hash(guest_dt.vm_name ? guest_dt.vm_name : "baremetal");
	z = seed + (k + 1) * 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#ifndef __riscv
#define pattern regs_pattern

/*
 * register, mask of the pattern's bits it gets, bits always set. Harmless with the MMU off and
 * interrupts masked: MAIR attributes are valid Normal memory, TCR a 4K-granule layout,
 * CNTKCTL's event stream stays off, MDSCR only traps EL0's debug channel, SPSR names EL1h.
 */
#define SYSREGS(X) \
	X(tpidr_el0,      ~0ull, 0) \
	X(tpidrro_el0,    ~0ull, 0) \
	X(tpidr_el1,      ~0ull, 0) \
	X(contextidr_el1, 0xffffffffull, 0) \
	X(sp_el0,         ~0xfull, 0) \
	X(par_el1,        ~0ull, 0) \
	X(afsr0_el1,      ~0ull, 0) \
	X(afsr1_el1,      ~0ull, 0) \
	X(far_el1,        ~0ull, 0) \
	X(esr_el1,        0xffffffffull, 0) \
	X(mair_el1,       0x3b3b3b3b3b3b3b3bull, 0x4444444444444444ull) \
	X(amair_el1,      ~0ull, 0) \
	X(tcr_el1,        0x733fcf3f0full, 0x80100010ull) \
	X(ttbr0_el1,      0xffff0000fffff000ull, 0) \
	X(ttbr1_el1,      0xffff0000fffff000ull, 0) \
	X(cntkctl_el1,    0x3f8ull, 3) \
	X(csselr_el1,     1, 0) \
	X(mdscr_el1,      0, 1ull << 12) \
	X(cpacr_el1,      0, 3ull << 20) \
	X(elr_el1,        ~3ull, 0) \
	X(spsr_el1,       0xf00003c0ull, 5) \
	X(cntv_cval_el0,  ~0ull, 0) \
	X(cntv_ctl_el0,   0, 2)   /* IMASK, disabled: no interrupt */

#define NAME(r, m, s) #r,
static const char *const sysreg_names[] = { SYSREGS(NAME) "icc_pmr", "icc_bpr" };
#undef NAME
#define COUNT(r, m, s) + 1
#define NSYS (0 SYSREGS(COUNT) + 2)

static uint64_t pmr_read(void)
{
	return gic_v2 ? *(volatile uint32_t *)(gicc_base + GICC_PMR) : SYSREG_READ(icc_pmr_el1);
}

static void sys_read(uint64_t *v)
{
	unsigned i = 0;
#define READ(r, m, s) v[i++] = SYSREG_READ(r);
	SYSREGS(READ)
#undef READ
	v[i - 1] &= 3;   /* CNTV_CTL: ISTATUS is not ours to keep */
	v[i++] = pmr_read();
	v[i++] = gic_bpr();
}

static void sys_write(const uint64_t *v)
{
	unsigned i = 0;
#define WRITE(r, m, s) SYSREG_WRITE(r, v[i++]);
	SYSREGS(WRITE)
#undef WRITE
	gic_set_pmr((unsigned)v[i++]);
	gic_set_bpr((unsigned)v[i++]);
	ISB();
}

static unsigned checked, differ;
static char differ_names[512];
static unsigned names_len;

static void add_name(const char *name, unsigned index)
{
	char num[4] = { 0 }, *n = num;

	if (index >= 100)
		n = 0;
	else if (index >= 10)
		num[0] = (char)('0' + index / 10), num[1] = (char)('0' + index % 10);
	else
		num[0] = (char)('0' + index);
	for (const char *s = " "; *s && names_len + 1 < sizeof(differ_names); s++)
		differ_names[names_len++] = *s;
	for (; *name && names_len + 1 < sizeof(differ_names); name++)
		differ_names[names_len++] = *name;
	for (; n && *n && names_len + 1 < sizeof(differ_names); n++)
		differ_names[names_len++] = *n;
	differ_names[names_len] = 0;
}

static void compare(const char *name, unsigned index, uint64_t got_hi, uint64_t got,
		    uint64_t want_hi, uint64_t want)
{
	checked++;
	if (got == want && got_hi == want_hi)
		return;
	add_name(name, index);
	if (differ++ >= MAX_SHOWN)
		return;
	puts("regs: ");
	puts(name);
	if (index < 100)
		put_dec(index);
	puts(" = ");
	if (got_hi != want_hi)
		put_hex(got_hi), putc(':');
	put_hex(got);
	puts(" (expected ");
	if (got_hi != want_hi)
		put_hex(want_hi), putc(':');
	put_hex(want);
	puts(")\n");
}

static void regs(uint64_t ms, uint64_t tpm)
{
	static uint64_t old[NSYS], want[NSYS], got[NSYS], plant[NSYS];
	static uint64_t x_in[HOLD_REGS], x_out[HOLD_REGS];
	/* q0..q31, FPCR, FPSR; 16-byte aligned: the MMU is off, every access is to Device memory */
	static uint64_t fp_old[FP_WORDS] __attribute__((aligned(16)));
	static uint64_t fp_in[FP_WORDS] __attribute__((aligned(16)));
	static uint64_t fp_want[FP_WORDS] __attribute__((aligned(16)));
	static uint64_t fp_got[FP_WORDS] __attribute__((aligned(16)));
	uint64_t daif = SYSREG_READ(daif), gaps, *q = fp_in, p;
	unsigned i = 0, k = 0;

	if (SYSREG_READ(spsel) == 0) {
		puts("regs: running on SP_EL0, not EL1h\n");
		return;
	}
	irqs_off();
	sys_read(old);
#define PLANT(r, m, s) plant[i] = (pattern(k++) & (m)) | (s); i++;
	SYSREGS(PLANT)
#undef PLANT
	p = pattern(k++);
	plant[i++] = 0x80 | (p & 0x78);   /* PMR: priorities 0x80..0xf8, all masked anyway */
	plant[i++] = 4 + (p >> 8) % 4;    /* BPR 4..7: above either GIC's minimum */
	sys_write(plant);
	sys_read(want);

	SYSREG_WRITE(cpacr_el1, SYSREG_READ(cpacr_el1) | 3ull << 20);   /* FPEN (planted already) */
	ISB();
	fp_save(fp_old);
	for (i = 0; i < 64; i++)
		q[i] = pattern(k++);
	p = pattern(k++);
	/* FPCR: a rounding mode other than nearest, FZ, DN, AHP; FPSR: cumulative flags, QC. */
	q[64] = ((1 + p % 3) << 22) | (p & (7ull << 24));
	q[65] = 1 | (p >> 8 & 0x9full) | (p >> 20 & 1) << 27;
	for (i = 0; i < HOLD_REGS; i++)
		x_in[i] = pattern(k++);

	fp_load(fp_in);
	fp_save(fp_want);   /* v0..v31 as loaded, FPCR/FPSR as kept */
	gaps = regs_hold(x_in, x_out, ms * tpm, gap_ticks(tpm));
	fp_save(fp_got);
	sys_read(got);

	fp_load(fp_old);
	sys_write(old);
	SYSREG_WRITE(daif, daif);
	ISB();

	checked = differ = names_len = 0;
	differ_names[0] = 0;
	for (i = 0; i < 32; i++)
		compare("v", i, fp_got[2 * i + 1], fp_got[2 * i], fp_want[2 * i + 1], fp_want[2 * i]);
	compare("fpcr", 100, 0, fp_got[64], 0, fp_want[64]);
	compare("fpsr", 100, 0, fp_got[65], 0, fp_want[65]);
	for (i = 0; i < HOLD_REGS; i++)
		compare("x", i + 3, 0, x_out[i], 0, x_in[i]);
	for (i = 0; i < NSYS; i++)
		compare(sysreg_names[i], 100, 0, got[i], 0, want[i]);
	line("regs: ", checked, 0, " registers checked");
	line(" over ", gaps, 0, " switch-outs");
	line(", ", differ, 0, " differ");
	puts(differ ? ":" : "");
	puts(differ_names);
	putc('\n');
}

#endif

int partition_command(const char *w, const char **a, uint64_t tpm)
{
	if (word_is(w, "share=", a)) {
		share(number(*a, a), tpm);
#ifndef __riscv
	} else if (word_is(w, "regs=", a)) {
		regs(number(*a, a), tpm);
#endif
	} else if (word_is(w, "seed=", a)) {
		seed = number(*a, a);
		seed_set = 1;
	} else {
		return 0;
	}
	return 1;
}
