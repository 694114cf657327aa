/*
 * The configuration against this build (core/cfg.c asks, arch_cfg_check): a RISC-V one with a
 * PLIC, a G-stage mode the harts have, regions that mode can map, and a firmware with what the
 * hypervisor needs.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/plic.h>
#include <arch/sbi.h>
#include <hyp/arch.h>

void arch_cfg_check(void)
{
	const struct pt_config *c = &pt_config;

	if (c->arch != PT_ARCH_RISCV64 || c->irqchip != PT_IRQCHIP_PLIC)
		panic("the configuration is for another architecture (%u) or interrupt controller "
		      "(%u): this hypervisor is built for RISC-V 64 with a PLIC", c->arch, c->irqchip);
	if (!c->cpu_hwid || !c->plic_context)
		panic("the configuration lists no hart ids or PLIC contexts");
	if (c->plic_ndev == 0 || c->plic_ndev >= PLIC_MAX_SOURCES || !c->plic_size)
		panic("PLIC with %u sources: must be 1..%u", c->plic_ndev, PLIC_MAX_SOURCES - 1);
	if (!has_sstc())
		panic("the harts have no Sstc (stimecmp): the riscv64 hypervisor needs it for now");
	(void)gstage_levels();   /* panics on a mode it does not know */
	for (unsigned i = 0; i < c->nvms; i++) {
		const struct pt_vm *vm = &c->vms[i];

		for (unsigned r = 0; r < vm->nregions; r++) {
			const struct pt_region *g = &vm->regions[r];
			if (c->ipa_bits < 41 || c->ipa_bits > 59 ||
			    g->ipa + g->size > (1ull << c->ipa_bits) || g->kind == PT_REGION_GICV)
				panic("vm '%s' region at GPA 0x%lx is beyond the G-stage's %u bits or of a "
				      "kind RISC-V has not", vm->name, g->ipa, c->ipa_bits);
		}
		for (unsigned e = 0; e < vm->nemuls; e++) {
			uint32_t k = vm->emuls[e].kind;
			if (k != PT_EMUL_PLIC && k != PT_EMUL_VUART_NS16550)
				panic("vm '%s' has an emulated window of kind %u, which RISC-V VMs have not",
				      vm->name, k);
		}
	}
	sbi_fw_check();
}
