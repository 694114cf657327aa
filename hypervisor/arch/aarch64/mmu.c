/*
 * The hypervisor's own address space (EL2 stage 1): an identity map of exactly what it needs all
 * the time, and one small window per pCPU for what it needs only now and then.
 *
 *  - its image, stacks and table pool (hyp_pa, hyp_size), normal memory;
 *  - the console UART and the GIC (distributor and redistributors, or on a GICv2 the
 *    distributor, both pages of the CPU interface and the virtual interface control), Device-nGnRE;
 *  - a window of ARCH_WINDOW_PAGES page slots per pCPU, empty except while the hypervisor loads guest
 *    images into a VM's RAM or scrubs it (core/image.c).
 *
 * VM RAM and channel memory are not mapped while guests run: no hypervisor bug, out-of-bounds
 * read or speculative gadget at EL2 can reach a VM's memory through the hypervisor's tables.
 * Everything else faults, hypervisor bugs included.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/sysreg.h>
#include <hyp/arch.h>

#define WINDOW_SLOT_SIZE (ARCH_WINDOW_PAGES * PAGE_SIZE)

static struct pt hyp_pt;
static uint64_t *window_pte[PT_MAX_CPUS];

_Static_assert(WINDOW_SLOT_SIZE * PT_MAX_CPUS <= (1ull << S1_VA_BITS) - WINDOW_VA,
	       "the windows fit below the top of the EL2 address space");

static void map_identity(uint64_t pa, uint64_t size, uint64_t attr)
{
	uint64_t start = ALIGN_DOWN(pa, PAGE_SIZE);

	if (ALIGN_UP(pa + size, PAGE_SIZE) > WINDOW_VA)
		panic("0x%lx is too high for the hypervisor's address space", pa);
	pt_map(&hyp_pt, start, start, ALIGN_UP(pa + size, PAGE_SIZE) - start, attr);
}

static uint64_t gicr_size(void)
{
	return (uint64_t)pt_config.ncpus * 0x20000;
}

/* Upper bound of the tables the EL2 map needs (the root included). */
static uint64_t hyp_pool_bound(void)
{
	uint64_t n = 1 + 2 * 5;   /* root; console and up to 4 GIC frames: at most 2 tables each */

	n += pt_bound_contig(pt_config.hyp_pa, pt_config.hyp_pa, pt_config.hyp_size);
	n += 1 + pt_config.ncpus;   /* the windows: one level-2 table, a level-3 table per pCPU */
	return n;
}

static void add_window(unsigned cpu)
{
	if (cpu < PT_MAX_CPUS && !window_pte[cpu])
		window_pte[cpu] = pt_leaf_table(&hyp_pt, WINDOW_VA + cpu * WINDOW_SLOT_SIZE);
}

void arch_mmu_init(void)
{
	uint64_t need = hyp_pool_bound();

	for (unsigned v = 0; v < pt_config.nvms; v++)
		need += stage2_pool_bound(&pt_config.vms[v]);
	pt_pool_reserve(need);

	pt_init(&hyp_pt, S1_VA_BITS, 1);
	map_identity(pt_config.hyp_pa, pt_config.hyp_size, S1_NORMAL);
	map_identity(pt_config.console_pa, PAGE_SIZE, S1_DEVICE);
	map_identity(pt_config.gicd_pa, 0x10000, S1_DEVICE);
	if (pt_config.gic_version == PT_GIC_V2) {
		map_identity(pt_config.gicc_pa, PAGE_SIZE, S1_DEVICE);
		map_identity(pt_config.gicc_pa + pt_config.gic_page1, PAGE_SIZE, S1_DEVICE);
		map_identity(pt_config.gich_pa, PAGE_SIZE, S1_DEVICE);
	} else {
		map_identity(pt_config.gicr_pa, gicr_size(), S1_DEVICE);
	}
	/*
	 * Windows for the boot pCPU (it loads every image) and the pCPUs that run vCPUs (they
	 * reload and scrub their VM's RAM on a restart); nobody else ever touches VM memory.
	 */
	add_window(cpu_here()->index);
	for (unsigned v = 0; v < pt_config.nvms; v++)
		for (unsigned i = 0; i < pt_config.vms[v].ncpus; i++)
			add_window(pt_config.vms[v].cpus[i]);
}

uint8_t *arch_window_open(void)
{
	return (uint8_t *)(uintptr_t)(WINDOW_VA + cpu_here()->index * WINDOW_SLOT_SIZE);
}

void arch_window_set(unsigned slot, uint64_t pa)
{
	if (!window_pte[cpu_here()->index])
		panic("cpu %u has no window onto VM memory", cpu_here()->index);
	/* A level-3 page descriptor; never executable. Slots are empty (and not in any TLB). */
	window_pte[cpu_here()->index][slot % ARCH_WINDOW_PAGES] =
		ALIGN_DOWN(pa, PAGE_SIZE) | S1_NORMAL | PTE_XN | PTE_TABLE | PTE_VALID;
}

/* The slots set so far are in the tables (their stores complete) before the window is used. */
void arch_window_ready(void)
{
	dsb(ishst);
	isb();
}

void arch_window_close(unsigned used)
{
	uint64_t *pte = window_pte[cpu_here()->index];

	for (unsigned i = 0; i < used && i < ARCH_WINDOW_PAGES; i++)
		pte[i] = 0;
	dsb(ishst);
	__asm__ volatile("tlbi alle2is" : : : "memory");
	dsb(ish);
	isb();
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
