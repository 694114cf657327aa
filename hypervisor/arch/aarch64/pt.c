/*
 * Translation table construction, shared by the EL2 stage 1 and the VMs' stage 2.
 *
 * Tables come from a pool that lives outside .bss (section .noinit): it is not zeroed at boot,
 * only the pages handed out are, so an oversized pool costs nothing at run time. Before building
 * anything, the boot CPU adds up an upper bound of what the configuration needs and stops with a
 * clear message if the pool is too small; nothing is allocated after boot.
 */
#include <arch/mmu.h>
#include <hyp/cpu.h>
#include <hyp/ptpool.h>

void pt_init(struct pt *pt, unsigned va_bits, unsigned root_pages)
{
	pt->root = pt_pool_alloc(root_pages);
	pt->va_bits = va_bits;
	pt->start_level = 1;
}

static inline unsigned level_shift(unsigned level)
{
	return PAGE_SHIFT + 9 * (3 - level);
}

void pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attr)
{
	while (size) {
		uint64_t *table = pt->root;
		unsigned level = pt->start_level;
		uint64_t entries = 1ull << (pt->va_bits - level_shift(level));
		uint64_t step;

		for (;;) {
			unsigned shift = level_shift(level);
			uint64_t blk = 1ull << shift;
			uint64_t *e = &table[(va >> shift) & (entries - 1)];
			uint64_t leaf = level == 3 ? PTE_TABLE | PTE_VALID : PTE_VALID;

			if (*e == 0 && (level == 3 || (IS_ALIGNED(va | pa, blk) && size >= blk))) {
				/* A page, or a block when both addresses are aligned and it fits. */
				*e = pa | attr | leaf;
				step = blk;
				break;
			}
			if (*e != 0 && (level == 3 || !(*e & PTE_TABLE))) {
				/*
				 * Already mapped: fine if it is the very same translation (identity maps
				 * of colored memory share physical spans), a configuration bug if not.
				 */
				uint64_t off = va & (blk - 1);
				if ((*e & ~PTE_ADDR) != (attr | leaf) || (*e & PTE_ADDR) + off != pa)
					panic("conflicting mappings at 0x%lx", va);
				step = blk - off < size ? blk - off : size;
				break;
			}
			if (*e == 0)
				*e = (uint64_t)(uintptr_t)pt_pool_alloc(1) | PTE_TABLE | PTE_VALID;
			table = (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
			entries = 512;
			level++;
		}
		va += step;
		pa += step;
		size -= step;
	}
}

uint64_t *pt_leaf_table(struct pt *pt, uint64_t va)
{
	uint64_t *table = pt->root;
	uint64_t entries = 1ull << (pt->va_bits - level_shift(pt->start_level));

	for (unsigned level = pt->start_level; level < 3; level++) {
		uint64_t *e = &table[(va >> level_shift(level)) & (entries - 1)];

		if (*e == 0)
			*e = (uint64_t)(uintptr_t)pt_pool_alloc(1) | PTE_TABLE | PTE_VALID;
		else if (!(*e & PTE_TABLE))
			panic("0x%lx is already mapped by a block", va);
		table = (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
		entries = 512;
	}
	return table;
}

uint64_t pt_bound_contig(uint64_t va, uint64_t pa, uint64_t size)
{
	uint64_t n = 0;

	for (unsigned level = 1; level <= 2; level++) {
		uint64_t unit = 1ull << level_shift(level);    /* what one table below covers */
		n += IS_ALIGNED(va ^ pa, unit) ? pt_partial_slots(va, size, unit) : pt_slots(va, size, unit);
	}
	return n;
}

uint64_t pt_bound_pages(uint64_t va, uint64_t size)
{
	return pt_slots(va, size, 1ull << 30) + pt_slots(va, size, 1ull << 21);
}
