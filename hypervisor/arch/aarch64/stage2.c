/*
 * Stage-2 translation: a VM sees exactly its RAM, channel and device regions (and on a GICv2 board
 * the virtual CPU interface as its GICC), nothing else.
 * Emulated windows (vGIC, vUART) and every other IPA stay unmapped, so touching them traps.
 */
#include <arch/mmu.h>
#include <arch/sysreg.h>
#include <hyp/arch.h>
#include <hyp/cpu.h>
#include <hyp/vm.h>

#define S2_ROOT_PAGES 2   /* 40-bit IPA starting at level 1: two concatenated tables */

uint64_t stage2_pool_bound(const struct pt_vm *vm)
{
	uint64_t n = S2_ROOT_PAGES + 1;   /* + alignment slack */

	for (unsigned i = 0; i < vm->nregions; i++) {
		const struct pt_region *r = &vm->regions[i];
		if (r->kind == PT_REGION_GICV)
			n += 2 * pt_bound_pages(r->ipa, 2 * PAGE_SIZE);
		else
			n += r->colors ? pt_bound_pages(r->ipa, r->size) :
					 pt_bound_contig(r->ipa, r->pa, r->size);
	}
	return n;
}

uint64_t arch_stage2_build(const struct pt_vm *vm)
{
	struct pt pt;

	pt_init(&pt, S2_IPA_BITS, S2_ROOT_PAGES);
	for (unsigned i = 0; i < vm->nregions; i++) {
		const struct pt_region *r = &vm->regions[i];
		/* A channel window is data the peer writes: never executable (docs/channels.md). */
		uint64_t attr = r->kind == PT_REGION_DEVICE ? S2_DEVICE :
				r->kind == PT_REGION_CHANNEL ? S2_NORMAL | PTE_XN : S2_NORMAL;

		if (r->kind == PT_REGION_GICV) {
			/*
			 * The VM's GICC: the hardware's virtual CPU interface, both pages, wherever the
			 * board puts its second page (gic_page1). Its IPA and nothing else comes from
			 * the region; the size is the interface's.
			 */
			pt_map(&pt, r->ipa, pt_config.gicv_pa, PAGE_SIZE, S2_DEVICE);
			pt_map(&pt, r->ipa + PAGE_SIZE, pt_config.gicv_pa + pt_config.gic_page1, PAGE_SIZE,
			       S2_DEVICE);
			continue;
		}
		if (!r->colors) {
			pt_map(&pt, r->ipa, r->pa, r->size, attr);
			continue;
		}
		/* Colored: page by page, merging runs of physically consecutive pages. */
		uint64_t npages = r->size / PAGE_SIZE, start = 0;
		for (uint64_t p = 1; p <= npages; p++)
			if (p == npages || region_page_pa(r, p) != region_page_pa(r, p - 1) + PAGE_SIZE) {
				pt_map(&pt, r->ipa + start * PAGE_SIZE, region_page_pa(r, start),
				       (p - start) * PAGE_SIZE, attr);
				start = p;
			}
	}
	return ((uint64_t)(vm->id & 0xff) << 48) | (uint64_t)(uintptr_t)pt.root;
}
