/*
 * regs=MS, the riscv64 build's (partition.c has AArch64's; the same seed and the same report):
 * plant distinct values, derived from the seed (seed=, default a hash of the VM's name), in
 * every register a switch of a shared hart must save and restore and another VM could leak
 * into: the general registers but sp and a0..a2 (held by hold.S across the wait), f0..f31 and
 * fcsr, and the S-mode CSRs the VM writes (VS copies in a VM): sscratch, stvec, sepc, scause,
 * stval, sie, sip.SSIP (an IPI left pending), satp (Sv39 on an identity-mapping table, an ASID
 * of its own), stimecmp (Sstc: far ahead), sstatus.SUM/MXR, and scounteren and senvcfg (the
 * hart's: the H extension has no VS copies of them). Spin MS ms with interrupts masked, read
 * everything back: "regs: N registers checked over G switch-outs, D differ" (with up to four
 * "regs: NAME = VALUE (expected EXPECTED)" lines before it and the names after a colon when
 * D > 0). A register's expected value is what it read back right after the write. Everything
 * is put back afterwards.
 */
#include "../guest.h"
#include "../uart.h"
#include "rvplat.h"
#include "trap.h"

#define HOLD_REGS 27   /* x1, x3..x9, x13..x31 */
#define MAX_SHOWN 4
#define SSTATUS_FS   (3ul << 13)
#define SSTATUS_SUM  (1ul << 18)
#define SSTATUS_MXR  (1ul << 19)

uint64_t regs_pattern(uint64_t k);   /* partition.c */
uint64_t rv_regs_hold(const uint64_t *in, uint64_t *out, uint64_t ticks, uint64_t gap);
void rv_fp_save(uint64_t *buf);
void rv_fp_load(const uint64_t *buf);
extern char _start[];

static uint64_t root[512] __attribute__((aligned(4096)));
static unsigned checked, differ;

/* The CSRs, by number (the macros need a literal). */
#define CSRS(X) X(sscratch, 0x140) X(stvec, 0x105) X(sepc, 0x141) X(scause, 0x142) \
	X(stval, 0x143) X(sie, 0x104) X(satp, 0x180) X(scounteren, 0x106) X(senvcfg, 0x10a)
#define COUNT(n, c) + 1
#define NCSR (0 CSRS(COUNT))

static void csr_read_all(uint64_t *v)
{
	unsigned i = 0;
#define RD(n, c) v[i++] = CSR_READ(c);
	CSRS(RD)
#undef RD
	v[i++] = CSR_READ(sip) & SIE_SSIE;
	v[i++] = CSR_READ(sstatus) & (SSTATUS_SUM | SSTATUS_MXR);
	v[i++] = timer_sstc ? CSR_READ(0x14d) : 0;
}

static void csr_write_all(const uint64_t *v)
{
	unsigned i = 0;
#define WR(n, c) CSR_WRITE(c, v[i++]);
	CSRS(WR)
#undef WR
	if (v[i++])
		CSR_SET(sip, SIE_SSIE);
	else
		CSR_CLEAR(sip, SIE_SSIE);
	CSR_CLEAR(sstatus, SSTATUS_SUM | SSTATUS_MXR);
	CSR_SET(sstatus, v[i++]);
	if (timer_sstc)
		CSR_WRITE(0x14d, v[i]);
	i++;
	__asm__ volatile("sfence.vma" ::: "memory");
}
#define NALL (NCSR + 3)

static void compare(const char *name, unsigned index, uint64_t got, uint64_t want)
{
	checked++;
	if (got == want)
		return;
	if (differ++ >= MAX_SHOWN)
		return;
	puts("regs: ");
	puts(name);
	if (index < 100)
		put_dec(index);
	line(" = ", got, 1, "");
	line(" (expected ", want, 1, ")\n");
}

/* (one name per register, no table of pointers: the image holds no absolute address) */
static const char *csr_name(unsigned i)
{
	switch (i) {
	case 0: return "sscratch";
	case 1: return "stvec";
	case 2: return "sepc";
	case 3: return "scause";
	case 4: return "stval";
	case 5: return "sie";
	case 6: return "satp";
	case 7: return "scounteren";
	case 8: return "senvcfg";
	case 9: return "sip.ssip";
	case 10: return "sstatus.sum/mxr";
	default: return "stimecmp";
	}
}

static void regs(uint64_t ms)
{
	static uint64_t old[NALL], plant[NALL], want[NALL], got[NALL];
	static uint64_t x_in[HOLD_REGS], x_out[HOLD_REGS];
	static uint64_t fp_old[33], fp_in[33], fp_want[33], fp_got[33];
	uint64_t sie = CSR_READ(sstatus) & SSTATUS_SIE, base = (uint64_t)_start & ~0x3ffffffful;
	uint64_t gaps, k = 0, p;
	unsigned i = 0;

	irqs_off();
	if (!(CSR_READ(sstatus) & SSTATUS_FS))
		CSR_SET(sstatus, 1ul << 13);
	csr_read_all(old);
	rv_fp_save(fp_old);
	/* Sv39: identity gigapages for the devices' gigabyte and the RAM's (regs= runs no MMU). */
	root[0] = 0xc7;
	root[base >> 30] = base >> 12 << 10 | 0xcf;
	plant[i++] = regs_pattern(k++);                            /* sscratch */
	plant[i++] = base + 0x1000 + (regs_pattern(k++) & 0xff0);   /* stvec: no trap comes */
	plant[i++] = regs_pattern(k++) & ~1ull;                    /* sepc */
	plant[i++] = regs_pattern(k++) & 0x800000000000001full;    /* scause */
	plant[i++] = regs_pattern(k++);                            /* stval */
	p = regs_pattern(k++);
	plant[i++] = (p & 0x222) | 0x2;                            /* sie (masked anyway) */
	plant[i++] = 8ull << 60 | (p >> 16 & 0xffff) << 44 | (uint64_t)root >> 12;   /* satp */
	plant[i++] = 1 + (p >> 32) % 7;                            /* scounteren */
	/* senvcfg: FIOM, CBIE 01 or 11, CBCFE, CBZE (what the hart lacks reads back 0) */
	plant[i++] = 1 | (p >> 40 & 1 ? 0x30 : 0x10) | (p >> 41 & 3) << 6;
	plant[i++] = SIE_SSIE;                                     /* sip.SSIP */
	plant[i++] = p & (SSTATUS_SUM | SSTATUS_MXR);
	plant[i++] = regs_pattern(k++) | 1ull << 62;               /* stimecmp: never */
	csr_write_all(plant);
	csr_read_all(want);
	for (i = 0; i < 32; i++)
		fp_in[i] = regs_pattern(k++);
	p = regs_pattern(k++);
	fp_in[32] = (p & 0x1f) | (1 + (p >> 8) % 4) << 5;   /* the flags; frm 1..4 */
	for (i = 0; i < HOLD_REGS; i++)
		x_in[i] = regs_pattern(k++);
	rv_fp_load(fp_in);
	rv_fp_save(fp_want);
	gaps = rv_regs_hold(x_in, x_out, ms * ticks_per_ms, ticks_per_ms / 50 ? ticks_per_ms / 50 : 1);
	rv_fp_save(fp_got);
	csr_read_all(got);
	rv_fp_load(fp_old);
	csr_write_all(old);
	if (sie)
		irqs_on();

	checked = differ = 0;
	for (i = 0; i < 32; i++)
		compare("f", i, fp_got[i], fp_want[i]);
	compare("fcsr", 100, fp_got[32], fp_want[32]);
	for (i = 0; i < HOLD_REGS; i++)
		compare("x", i == 0 ? 1 : i < 8 ? i + 2 : i + 5, x_out[i], x_in[i]);
	for (i = 0; i < NALL; i++)
		compare(csr_name(i), 100, got[i], want[i]);
	line("regs: ", checked, 0, " registers checked");
	line(" over ", gaps, 0, " switch-outs");
	line(", ", differ, 0, " differ");
	if (differ) {   /* the names, once more, without values */
		puts(":");
		for (i = 0; i < 32; i++)
			if (fp_got[i] != fp_want[i])
				line(" f", i, 0, "");
		if (fp_got[32] != fp_want[32])
			puts(" fcsr");
		for (i = 0; i < HOLD_REGS; i++)
			if (x_out[i] != x_in[i])
				line(" x", i == 0 ? 1 : i < 8 ? i + 2 : i + 5, 0, "");
		for (i = 0; i < NALL; i++)
			if (got[i] != want[i]) {
				puts(" ");
				puts(csr_name(i));
			}
	}
	putc('\n');
}

int rv_regs_command(const char *w, const char **a)
{
	if (!word_is(w, "regs=", a))
		return 0;
	regs(number(*a, a));
	return 1;
}
