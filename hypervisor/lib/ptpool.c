/*
 * The translation-table pool (hyp/ptpool.h). It lives outside .bss (section .noinit): not zeroed
 * at boot, only the pages handed out are, so an oversized pool costs nothing at run time.
 */
#include <hyp/cpu.h>
#include <hyp/ptpool.h>

#ifndef PT_POOL_PAGES
#define PT_POOL_PAGES 256
#endif

static uint64_t pool[PT_POOL_PAGES][512] __aligned(4096) __section(".noinit.ptpool");
static uint64_t pool_next;

uint64_t *pt_pool_alloc(unsigned pages)
{
	uint64_t first = pool_next;

	while (first < PT_POOL_PAGES && !IS_ALIGNED((uintptr_t)pool[first], pages * PAGE_SIZE))
		first++;
	if (first + pages > PT_POOL_PAGES)
		panic("page-table pool exhausted (%u pages); raise PT_POOL_PAGES", PT_POOL_PAGES);
	pool_next = first + pages;
	memset(pool[first], 0, pages * PAGE_SIZE);
	return pool[first];
}

void pt_pool_reserve(uint64_t pages)
{
	if (pages > PT_POOL_PAGES)
		panic("page-table pool too small: the configuration may need %lu pages, the pool has "
		      "%u (build with PT_POOL_PAGES=%lu)", pages, PT_POOL_PAGES, pages);
}
