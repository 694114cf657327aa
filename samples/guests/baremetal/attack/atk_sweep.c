/*
 * sweep=gicd|gicr|vuart: every byte offset of an emulated window with every access size (1, 2,
 * 4, 8 bytes), reads, then writes of all-ones, then reads again, with the MMU on and the window
 * mapped as Normal memory so that misaligned accesses are legal at stage 1 and reach the
 * hypervisor as such. Only accesses that fit in the window are made (one that straddles its end
 * would also touch the next page, which is no window at all).
 *
 * What the hypervisor must do: emulate what a register supports, read as zero and ignore the
 * rest (misaligned, unsupported size), and never hand out anything of its own. So a misaligned
 * read must give 0, and no read may give a value that looks like an address of RAM or of the
 * hypervisor (0x40000000..0xbfffffff, this board's RAM, in either 32-bit half): no register
 * holds such a value, but for one constant (looks_like_address()).
 * The second read pass, after the writes, makes only aligned accesses (misaligned ones were
 * covered by the first): it looks for what the writes may have changed, at half the cost.
 *
 * Cost: one trap per access, about 11 us of wall time each under QEMU (TCG, -icount): the GICD
 * window is 0.79 million accesses (about 9 s), the GICR window of a 1-vCPU VM 1.29 million.
 */
#include "attack.h"
#include "guest.h"
#include "mmu.h"
#include "uart.h"

uint64_t mmio_read(uint64_t addr, unsigned size)
{
	uint64_t v;

	switch (size) {
	case 1: __asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory"); break;
	case 2: __asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(addr) : "memory"); break;
	case 4: __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory"); break;
	default: __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory"); break;
	}
	return v;
}

void mmio_write(uint64_t addr, unsigned size, uint64_t val)
{
	switch (size) {
	case 1: __asm__ volatile("strb %w0, [%1]" : : "r"(val), "r"(addr) : "memory"); break;
	case 2: __asm__ volatile("strh %w0, [%1]" : : "r"(val), "r"(addr) : "memory"); break;
	case 4: __asm__ volatile("str %w0, [%1]" : : "r"(val), "r"(addr) : "memory"); break;
	default: __asm__ volatile("str %0, [%1]" : : "r"(val), "r"(addr) : "memory"); break;
	}
}

/*
 * The architected register values in that range: the interrupt configuration registers
 * (GICR_ICFGR0/1 at SGI_base + 0xc00 of each frame, GICD_ICFGR<n> at 0xc00..0xcff), whose bits
 * 2k+1 say "edge" (GICR_ICFGR0 is 0xaaaaaaaa, every SGI edge triggered; the GICD ones read back
 * what was written to them). A value with only such bits set there is configuration, not an
 * address.
 */
#define ICFGR_OFF    0xc00ul
#define ICFGR_END    0xd00ul
#define EDGE_BITS    0xaaaaaaaaaaaaaaaaull

static int looks_like_address(uint64_t base, uint64_t off, uint64_t v)
{
	uint64_t lo = v & 0xffffffffull, hi = v >> 32;
	uint64_t in = base == GICR_WINDOW ? off % GICR_FRAME - 0x10000ul : off;

	if ((base == GICR_WINDOW || base == GICD_WINDOW) && in >= ICFGR_OFF && in < ICFGR_END &&
	    !(v & ~EDGE_BITS))
		return 0;
	return (lo >= 0x40000000ull && lo < 0xc0000000ull) ||
	       (hi >= 0x40000000ull && hi < 0xc0000000ull);
}

struct tally {
	uint64_t reads, writes, misaligned_nonzero, suspicious;
	uint64_t first_off, first_val;
	unsigned first_size;
};

static void read_pass(uint64_t base, uint64_t size, uint64_t aligned_only, struct tally *t)
{
	for (unsigned s = 1; s <= 8; s <<= 1)
		for (uint64_t off = 0; off + s <= size; off += aligned_only ? s : 1) {
			uint64_t v = mmio_read(base + off, s);
			int bad = 0;

			t->reads++;
			if ((off & (s - 1)) && v)
				t->misaligned_nonzero++, bad = 1;
			if (looks_like_address(base, off, v))
				t->suspicious++, bad = 1;
			if (bad && !t->first_size)
				t->first_off = off, t->first_size = s, t->first_val = v;
		}
}

static void write_pass(uint64_t base, uint64_t size, struct tally *t)
{
	for (unsigned s = 1; s <= 8; s <<= 1)
		for (uint64_t off = 0; off + s <= size; off++) {
			mmio_write(base + off, s, ~0ull);
			t->writes++;
		}
}

void atk_sweep(const char *arg)
{
	uint64_t base, size, start;
	const char *name;
	struct tally t = { 0 };

	if (word_is(arg, "gicd", &name))
		name = "gicd", base = GICD_WINDOW, size = GICD_SIZE;
	else if (word_is(arg, "gicr", &name)) {
		if (atk_no_gicr("sweep gicr", "that no read of any GICR frame offset, size or alignment "
			       "gives a misaligned nonzero value or an address"))
			return;
		name = "gicr", base = GICR_WINDOW, size = GICR_FRAME * ncpus;
	}
	else if (word_is(arg, "vuart", &name))
		name = "vuart", base = VUART_WINDOW, size = VUART_SIZE;
	else {
		puts("sweep: which window? gicd, gicr or vuart\n");
		return;
	}
	puts("sweep ");
	puts(name);
	line(": ", size, 1, " bytes, MMU on, Normal memory, interrupts masked\n");
	start = vcount();
	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	mmu_on();
	read_pass(base, size, 0, &t);
	write_pass(base, size, &t);
	read_pass(base, size, 1, &t);
	mmu_off();
	/*
	 * Interrupts stay masked: the writes left this VM's GIC and vUART in no useful state. The
	 * newline ends whatever the writes to the vUART's data register printed.
	 */
	puts("\nsweep ");
	puts(name);
	line(": ", t.reads, 0, " reads, ");
	line("", t.writes, 0, " writes, misaligned nonzero reads ");
	line("", t.misaligned_nonzero, 0, ", suspicious values ");
	line("", t.suspicious, 0, "\n");
	if (t.first_size) {
		line("sweep: first bad read at +", t.first_off, 1, "");
		line(" size ", t.first_size, 0, "");
		line(": ", t.first_val, 1, "\n");
	}
	line("sweep: took ", (vcount() - start) / ticks_per_ms, 0, " ms\n");
}
