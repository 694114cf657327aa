/*
 * The translation-table pool (lib/ptpool.c): 4 KiB pages outside .bss, handed out zeroed by the
 * arch's table builders at boot, never freed, never allocated after boot. PT_POOL_PAGES (from
 * system.mk: partita's bound for the system) sizes it; the boot CPU checks its own bound
 * against it first (pt_pool_reserve). Plus the bound arithmetic both architectures' builders
 * share: how many tables a range needs at one level.
 */
#ifndef HYP_PTPOOL_H
#define HYP_PTPOOL_H

#include <hyp/types.h>

/* `pages` zeroed, contiguous pages aligned to their total size (a stage-2 or G-stage root of
 * concatenated tables must be); panics when the pool is exhausted. */
uint64_t *pt_pool_alloc(unsigned pages);
void pt_pool_reserve(uint64_t pages);   /* panics with the numbers if they do not fit */

/* Distinct unit-sized slots [va, va+size) touches. */
static inline uint64_t pt_slots(uint64_t va, uint64_t size, uint64_t unit)
{
	return size ? (ALIGN_DOWN(va + size - 1, unit) - ALIGN_DOWN(va, unit)) / unit + 1 : 0;
}

/* Slots only partly covered (0, 1 or 2): the only ones that need a table when va and pa agree. */
static inline uint64_t pt_partial_slots(uint64_t va, uint64_t size, uint64_t unit)
{
	if (pt_slots(va, size, unit) == 1)
		return !(IS_ALIGNED(va, unit) && size == unit);
	return !IS_ALIGNED(va, unit) + !IS_ALIGNED(va + size, unit);
}

#endif
