/*
 * plic-sweep: the VM's PLIC window, every naturally aligned offset that matters with every
 * access size (1, 2, 4, 8 bytes, one instruction each: lbu/lhu/lwu/ld, sb/sh/sw/sd): read,
 * write junk, read again, restoring nothing. The regions: the priorities (0..0xfff), the pending
 * bits (0x1000..0x107f), the reserved rest of that page, the enable blocks of its own contexts
 * (M and S per hart), of the 8 contexts after them and of the last context a PLIC can have
 * (15871, at 0x1f1f80), the end of the enable area, and the threshold/claim pages of its own
 * contexts. Every access traps to the hypervisor; its PLIC has 32-bit registers only, so an
 * access of another size reads as zero and writes nothing (RAZ/WI, logged within the rate
 * limit); a 32-bit read may show only bits of what the VM owns: the priorities (0..7) and the
 * pending and enable bits of its own sources, in its own S-mode contexts, its thresholds (0..7),
 * and a claim of one of its sources. Prints
 *
 *   plic-sweep: window 0xW, R reads, W writes, nonzero reads of 1, 2 or 8 bytes N, reads with
 *   bits not its own B
 *
 * and then, for 110 misaligned loads and stores of 2, 4 and 8 bytes at a few registers (which
 * the hart, or the SBI firmware emulating them, may split into smaller accesses or refuse: the
 * VM may not learn anything from them nor change anything with them), "plic-sweep: misaligned:
 * R reads, W writes, nonzero reads N", and "plic-sweep: done".
 * Interrupts are masked throughout (its own PLIC is what it damages).
 */
#include "../fdt.h"
#include "../guest.h"
#include "../uart.h"
#include "plic.h"
#include "rvplat.h"
#include "trap.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t reads, writes, nonword, foreign, mis_reads, mis_writes, mis_nonzero;

static uint64_t junk(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t rd(uint64_t a, unsigned size)
{
	uint64_t v;

	switch (size) {
	case 1: __asm__ volatile("lbu %0, 0(%1)" : "=r"(v) : "r"(a) : "memory"); break;
	case 2: __asm__ volatile("lhu %0, 0(%1)" : "=r"(v) : "r"(a) : "memory"); break;
	case 4: __asm__ volatile("lwu %0, 0(%1)" : "=r"(v) : "r"(a) : "memory"); break;
	default: __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(a) : "memory"); break;
	}
	return v;
}

static void wr(uint64_t a, unsigned size, uint64_t v)
{
	switch (size) {
	case 1: __asm__ volatile("sb %0, 0(%1)" : : "r"(v), "r"(a) : "memory"); break;
	case 2: __asm__ volatile("sh %0, 0(%1)" : : "r"(v), "r"(a) : "memory"); break;
	case 4: __asm__ volatile("sw %0, 0(%1)" : : "r"(v), "r"(a) : "memory"); break;
	default: __asm__ volatile("sd %0, 0(%1)" : : "r"(v), "r"(a) : "memory"); break;
	}
}

static int own_source(uint64_t src)
{
	if (src == 0)
		return 0;
	if (src == uart_intid || (rtc_base && src == rtc_source))
		return 1;
	for (unsigned i = 0; i < guest_dt.nchannels; i++)
		if (guest_dt.channels[i].intid == src)
			return 1;
	return 0;
}

/* The bits of 32 sources from `first` that are the VM's. */
static uint32_t own_bits(uint64_t first)
{
	uint32_t m = 0;

	for (unsigned b = 0; b < 32; b++)
		if (own_source(first + b))
			m |= 1u << b;
	return m;
}

static int own_s_context(uint64_t ctx)
{
	for (unsigned c = 0; c < ncpus; c++)
		if (plic_ctx[c] >= 0 && (uint64_t)plic_ctx[c] == ctx)
			return 1;
	return 0;
}

/* What a 32-bit read at offset off may show at most (the rest must be 0). */
static uint32_t allowed(uint64_t off, uint64_t v)
{
	if (off < 0x1000)
		return own_source(off / 4) ? 7 : 0;
	if (off < 0x1080)
		return own_bits((off - 0x1000) * 8);
	if (off >= 0x2000 && off < 0x1f2000)
		return own_s_context((off - 0x2000) / 0x80) ? own_bits((off - 0x2000) % 0x80 * 8) : 0;
	if (off >= 0x200000 && own_s_context((off - 0x200000) / 0x1000)) {
		if ((off & 0xfff) == 0)
			return 7;
		if ((off & 0xfff) == 4)
			return own_source(v) ? (uint32_t)v : 0;
	}
	return 0;
}

static void sweep(uint64_t base, uint64_t from, uint64_t to)
{
	for (unsigned size = 1; size <= 8; size *= 2)
		for (uint64_t off = from; off + size <= to; off += size) {
			uint64_t a = base + off, v;
			for (int pass = 0; pass < 2; pass++) {
				v = rd(a, size);
				reads++;
				if (size != 4)
					nonword += v != 0;
				else
					foreign += (v & ~(uint64_t)allowed(off, v)) != 0;
				if (pass == 0) {
					wr(a, size, junk());
					writes++;
				}
			}
		}
}

/* Misaligned, a few of each size: loads and stores of junk. */
static void misaligned(uint64_t base)
{
	static const uint64_t where[] = { 0x28, 0x1000, 0x2080, 0x200000, 0x200ff8 };

	for (unsigned i = 0; i < sizeof(where) / sizeof(where[0]); i++)
		for (unsigned size = 2; size <= 8; size *= 2)
			for (unsigned k = 1; k < size; k++) {
				uint64_t a = base + where[i] + k;
				mis_nonzero += rd(a, size) != 0;
				mis_reads++;
				wr(a, size, junk());
				mis_writes++;
			}
}

static void plic_sweep(void)
{
	uint64_t base = plic_base;
	uint64_t win = guest_dt.plic.kind != FDT_NONE && guest_dt.plic.size[0] ?
		       guest_dt.plic.size[0] : 0x200000 + 0x2000ul * ncpus;
	uint64_t nctx = win > 0x200000 ? (win - 0x200000) / 0x1000 : 0;
	uint64_t sie = CSR_READ(sstatus) & SSTATUS_SIE;

	irqs_off();
	reads = writes = nonword = foreign = mis_reads = mis_writes = mis_nonzero = 0;
	sweep(base, 0, 0x2000);                                       /* priorities, pending, rest */
	sweep(base, 0x2000, 0x2000 + 0x80 * (nctx + 8));              /* its contexts' enables, 8 more */
	sweep(base, 0x1f1f80, 0x1f2000);                              /* the last context's */
	sweep(base, 0x1ffff0, 0x200000);                              /* the end of the enable area */
	sweep(base, 0x200000, win);                                   /* its threshold/claim pages */
	line("plic-sweep: window ", win, 1, "");
	line(", ", reads, 0, " reads, ");
	line("", writes, 0, " writes, nonzero reads of 1, 2 or 8 bytes ");
	line("", nonword, 0, ", reads with bits not its own ");
	line("", foreign, 0, "\n");
	misaligned(base);
	line("plic-sweep: misaligned: ", mis_reads, 0, " reads, ");
	line("", mis_writes, 0, " writes, nonzero reads ");
	line("", mis_nonzero, 0, "\n");
	puts("plic-sweep: done\n");
	if (sie)
		irqs_on();
}

/*
 * uart-sweep: the same over the vUART's 4 KiB window (an NS16550A: eight one-byte registers,
 * reg-shift 0): every naturally aligned offset with every size, read, junk written (a printable
 * byte to THR, whatever LCR.DLAB says it is then), read again. Only single bytes at offsets 0..7
 * are registers; every other access reads 0. Then LCR and IER are put back to 0 (else its
 * console would print into the divisor latch) and "uart-sweep: window 0x1000, R reads, W writes,
 * nonzero reads of 2, 4 or 8 bytes N, nonzero reads past its registers P", "uart-sweep: done".
 */
static void uart_sweep(void)
{
	uint64_t base = uart_base, sie = CSR_READ(sstatus) & SSTATUS_SIE, past = 0;

	if (console_kind != CON_16550 || uart_shift || uart_width != 1) {
		puts("uart-sweep: needs an NS16550A with registers a byte apart\n");
		return;
	}
	irqs_off();
	reads = writes = nonword = 0;
	for (unsigned size = 1; size <= 8; size *= 2)
		for (uint64_t off = 0; off + size <= 0x1000; off += size) {
			uint64_t v;
			for (int pass = 0; pass < 2; pass++) {
				v = rd(base + off, size);
				reads++;
				if (size != 1)
					nonword += v != 0;
				else if (off >= 8)
					past += v != 0;
				if (pass == 0) {
					wr(base + off, size, off == 0 ? '.' : junk());
					writes++;
				}
			}
		}
	wr(base + 3, 1, 0);   /* LCR: DLAB off */
	wr(base + 1, 1, 0);   /* IER */
	if (sie)
		irqs_on();
	line("\nuart-sweep: window 0x1000, ", reads, 0, " reads, ");
	line("", writes, 0, " writes, nonzero reads of 2, 4 or 8 bytes ");
	line("", nonword, 0, ", nonzero reads past its registers ");
	line("", past, 0, "\n");
	puts("uart-sweep: done\n");
}

int rv_plic_command(const char *w, const char **a)
{
	if (word_is(w, "plic-sweep", a))
		plic_sweep();
	else if (word_is(w, "uart-sweep", a))
		uart_sweep();
	else
		return 0;
	return 1;
}
