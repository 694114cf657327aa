/*
 * G-stage translation: a VM sees exactly its RAM, channel and device regions, nothing else.
 * Emulated windows (its PLIC, its vUART) and every other guest-physical address stay unmapped,
 * so touching them traps (a guest-page fault: mmio.c). The mode (Sv39x4, Sv48x4, Sv57x4) is
 * the board's (pt_config.gstage_mode); the VMID is the VM's id.
 */
#include <arch/csr.h>
#include <arch/mmu.h>
#include <hyp/arch.h>
#include <hyp/cpu.h>
#include <hyp/vm.h>

#define GS_ROOT_BITS 11   /* the root is four tables: 2 more bits of guest-physical address */

unsigned gstage_levels(void)
{
	switch (pt_config.gstage_mode) {
	case PT_GSTAGE_SV39X4: return 3;
	case PT_GSTAGE_SV48X4: return 4;
	case PT_GSTAGE_SV57X4: return 5;
	}
	panic("G-stage mode %u: not Sv39x4, Sv48x4 or Sv57x4", pt_config.gstage_mode);
}

uint64_t gstage_pool_bound(const struct pt_vm *vm)
{
	uint64_t n = 4 + 3;   /* the root, and its alignment slack */
	unsigned levels = gstage_levels();

	for (unsigned i = 0; i < vm->nregions; i++) {
		const struct pt_region *r = &vm->regions[i];
		n += r->colors ? pt_bound_pages(levels, r->ipa, r->size)
			       : pt_bound_contig(levels, r->ipa, r->pa, r->size);
	}
	return n;
}

uint64_t arch_stage2_build(const struct pt_vm *vm)
{
	struct pt pt;

	pt_init(&pt, gstage_levels(), GS_ROOT_BITS);
	for (unsigned i = 0; i < vm->nregions; i++) {
		const struct pt_region *r = &vm->regions[i];
		/* A channel window is data the peer writes, a device is no code: never executable. */
		uint64_t perm = r->kind == PT_REGION_RAM ? GS_RAM : GS_DATA;

		if (!r->colors) {
			pt_map(&pt, r->ipa, r->pa, r->size, perm);
			continue;
		}
		uint64_t npages = r->size / PAGE_SIZE, start = 0;
		for (uint64_t p = 1; p <= npages; p++)
			if (p == npages || region_page_pa(r, p) != region_page_pa(r, p - 1) + PAGE_SIZE) {
				pt_map(&pt, r->ipa + start * PAGE_SIZE, region_page_pa(r, start),
				       (p - start) * PAGE_SIZE, perm);
				start = p;
			}
	}
	return (uint64_t)pt_config.gstage_mode << HGATP_MODE_SHIFT |
	       (uint64_t)(vm->id & HGATP_VMID_MASK) << HGATP_VMID_SHIFT |
	       (uint64_t)(uintptr_t)pt.root >> 12;
}
