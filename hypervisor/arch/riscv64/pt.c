/*
 * Translation tables for the hypervisor's own Sv39 space and the VMs' G-stage (arch/mmu.h).
 *
 * Tables come from a pool outside .bss (section .noinit): not zeroed at boot, only the pages
 * handed out are. Before building anything the boot hart adds up an upper bound of what the
 * configuration needs and stops with a clear message if the pool is too small; nothing is
 * allocated after boot.
 */
#include <arch/mmu.h>
#include <hyp/cpu.h>
#include <hyp/ptpool.h>

void pt_init(struct pt *pt, unsigned levels, unsigned root_bits)
{
	pt->root = pt_pool_alloc(1u << (root_bits - 9));
	pt->levels = levels;
	pt->root_bits = root_bits;
}

static inline unsigned level_shift(unsigned level)   /* level 0 maps 4 KiB pages */
{
	return PAGE_SHIFT + 9 * level;
}

static inline uint64_t table_pte(uint64_t *table)
{
	return (uint64_t)(uintptr_t)table >> 12 << PTE_PPN_SHIFT | PTE_V;
}

/* Leaves at levels 0..2 only (4 KiB, 2 MiB, 1 GiB): every implementation has those. */
#define LEAF_LEVEL_MAX 2

void pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t perm)
{
	while (size) {
		uint64_t *table = pt->root;
		unsigned level = pt->levels - 1;
		uint64_t entries = 1ull << pt->root_bits;
		uint64_t step;

		for (;;) {
			unsigned shift = level_shift(level);
			uint64_t blk = 1ull << shift;
			uint64_t *e = &table[(va >> shift) & (entries - 1)];
			uint64_t leaf = pa >> 12 << PTE_PPN_SHIFT | perm | PTE_V;

			if (*e == 0 && (level == 0 || (level <= LEAF_LEVEL_MAX &&
						       IS_ALIGNED(va | pa, blk) && size >= blk))) {
				*e = leaf;
				step = blk;
				break;
			}
			if (*e != 0 && (*e & PTE_LEAF_BITS)) {
				/* Mapped already: fine if it is the very same translation, a bug if not. */
				uint64_t off = va & (blk - 1);
				if ((*e & ~PTE_PPN_MASK) != (perm | PTE_V) || pte_pa(*e) + off != pa)
					panic("conflicting mappings at 0x%lx", va);
				step = blk - off < size ? blk - off : size;
				break;
			}
			if (*e == 0)
				*e = table_pte(pt_pool_alloc(1));
			table = (uint64_t *)(uintptr_t)pte_pa(*e);
			entries = 512;
			level--;
		}
		va += step;
		pa += step;
		size -= step;
	}
}

uint64_t *pt_leaf_table(struct pt *pt, uint64_t va)
{
	uint64_t *table = pt->root;
	uint64_t entries = 1ull << pt->root_bits;

	for (unsigned level = pt->levels - 1; level > 0; level--) {
		uint64_t *e = &table[(va >> level_shift(level)) & (entries - 1)];

		if (*e == 0)
			*e = table_pte(pt_pool_alloc(1));
		else if (*e & PTE_LEAF_BITS)
			panic("0x%lx is already mapped by a superpage", va);
		table = (uint64_t *)(uintptr_t)pte_pa(*e);
		entries = 512;
	}
	return table;
}

/*
 * A table at level l (below the root) is needed for each slot of its parent's entry size that
 * the range touches, unless that entry can be a leaf: then only for slots it covers partly
 * (when va and pa agree modulo the slot).
 */
uint64_t pt_bound_contig(unsigned levels, uint64_t va, uint64_t pa, uint64_t size)
{
	uint64_t n = 0;

	for (unsigned l = 0; l + 1 < levels; l++) {
		uint64_t unit = 1ull << level_shift(l + 1);
		bool leaf_ok = l + 1 <= LEAF_LEVEL_MAX;

		n += leaf_ok && IS_ALIGNED(va ^ pa, unit) ? pt_partial_slots(va, size, unit)
							  : pt_slots(va, size, unit);
	}
	return n;
}

uint64_t pt_bound_pages(unsigned levels, uint64_t va, uint64_t size)
{
	uint64_t n = 0;

	for (unsigned l = 0; l + 1 < levels; l++)
		n += pt_slots(va, size, 1ull << level_shift(l + 1));
	return n;
}
