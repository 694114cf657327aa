/*
 * The hypervisor's own address space (EL2 stage 1): an identity map of exactly what it touches.
 *
 *  - its image, stacks and table pool (hyp_pa, hyp_size), normal memory;
 *  - the physical memory of every VM's RAM and channel regions, normal memory, because the boot
 *    CPU copies guest images there (at boot and when a VM restarts);
 *  - the console UART and the GIC distributor/redistributors, Device-nGnRE.
 *
 * Everything else faults, hypervisor bugs included.
 */
#include <hyp/cpu.h>
#include <hyp/mmu.h>

static struct pt hyp_pt;

static void map_identity(uint64_t pa, uint64_t size, uint64_t attr)
{
	uint64_t start = ALIGN_DOWN(pa, PAGE_SIZE);

	pt_map(&hyp_pt, start, start, ALIGN_UP(pa + size, PAGE_SIZE) - start, attr);
}

static uint64_t gicr_size(void)
{
	return (uint64_t)pt_config.ncpus * 0x20000;
}

/* Upper bound of the tables the EL2 map needs (the root included). */
static uint64_t hyp_pool_bound(void)
{
	uint64_t n = 1 + 2 * 3;   /* root; console, GICD, GICR: at most 2 tables each */

	n += pt_bound_contig(pt_config.hyp_pa, pt_config.hyp_pa, pt_config.hyp_size);
	for (unsigned v = 0; v < pt_config.nvms; v++)
		for (unsigned i = 0; i < pt_config.vms[v].nregions; i++) {
			const struct pt_region *r = &pt_config.vms[v].regions[i];
			if (r->kind != PT_REGION_DEVICE)
				n += pt_bound_contig(r->pa, r->pa, r->span);
		}
	return n;
}

void mmu_build_hyp_tables(void)
{
	uint64_t need = hyp_pool_bound();

	for (unsigned v = 0; v < pt_config.nvms; v++)
		need += stage2_pool_bound(&pt_config.vms[v]);
	pt_pool_reserve(need);

	pt_init(&hyp_pt, S1_VA_BITS, 1);
	map_identity(pt_config.hyp_pa, pt_config.hyp_size, S1_NORMAL);
	for (unsigned v = 0; v < pt_config.nvms; v++)
		for (unsigned i = 0; i < pt_config.vms[v].nregions; i++) {
			const struct pt_region *r = &pt_config.vms[v].regions[i];
			/* Channels appear in both VMs; identical mappings may repeat. */
			if (r->kind != PT_REGION_DEVICE)
				map_identity(r->pa, r->span, S1_NORMAL);
		}
	map_identity(pt_config.console_pa, PAGE_SIZE, S1_DEVICE);
	map_identity(pt_config.gicd_pa, 0x10000, S1_DEVICE);
	map_identity(pt_config.gicr_pa, gicr_size(), S1_DEVICE);
}

void mmu_enable(void)
{
	sysreg_write(mair_el2, MAIR_EL2_VALUE);
	sysreg_write(tcr_el2, TCR_EL2_VALUE);
	sysreg_write(ttbr0_el2, (uint64_t)(uintptr_t)hyp_pt.root);
	isb();
	__asm__ volatile("tlbi alle2" : : : "memory");
	dsb(ish);
	isb();
	sysreg_write(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I);
	isb();
}
