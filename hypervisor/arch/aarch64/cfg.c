/*
 * The configuration against this build (core/cfg.c asks, arch_cfg_check): the GIC it was built
 * for, the GICv2 frame layout, and what stage 2 can map.
 */
#include <arch/gic.h>
#include <arch/sysreg.h>
#include <hyp/arch.h>
#include <hyp/cpu.h>

void arch_cfg_check(void)
{
	const struct pt_config *c = &pt_config;

	if (c->gic_version != gic_driver_version)
		panic("the configuration is for a GICv%u board, this hypervisor was built for GICv%u",
		      c->gic_version, gic_driver_version);
	if (c->gic_version == PT_GIC_V2 &&
	    (c->gic_page1 != 0x1000 && c->gic_page1 != 0x10000))
		panic("GICv2 CPU interface page offset 0x%lx: must be 0x1000 or 0x10000", c->gic_page1);
	for (unsigned i = 0; i < c->nvms; i++) {
		const struct pt_vm *vm = &c->vms[i];

		for (unsigned r = 0; r < vm->nregions; r++) {
			const struct pt_region *g = &vm->regions[r];

			if (g->ipa + g->size > (1ull << S2_IPA_BITS))
				panic("vm '%s' region at IPA 0x%lx is not page aligned or too large",
				      vm->name, g->ipa);
			if (g->kind == PT_REGION_GICV && (c->gic_version != PT_GIC_V2 || g->size != 0x2000))
				panic("vm '%s' has a GICV window at IPA 0x%lx on a board without GICv2 "
				      "or of size 0x%lx (must be 0x2000)", vm->name, g->ipa, g->size);
		}
	}
}
