/*
 * The hypervisor's own address space (HS-mode, satp Sv39): an identity map of exactly what it
 * needs all the time, and one small window per pCPU for what it needs only now and then.
 *
 *  - its image, stacks and table pool (hyp_pa, hyp_size);
 *  - the console UART and the PLIC;
 *  - a window of ARCH_WINDOW_PAGES page slots per pCPU, empty except while the hypervisor loads
 *    guest images into a VM's RAM or scrubs it (core/image.c), never executable.
 *
 * VM RAM and channel memory are not mapped while guests run, as on AArch64: no hypervisor bug
 * or speculative gadget reaches a VM's memory through the hypervisor's tables. (The firmware's
 * PMP keeps HS-mode out of M-mode's memory in any case.)
 */
#include <arch/cpu.h>
#include <arch/csr.h>
#include <arch/mmu.h>
#include <hyp/arch.h>

#define WINDOW_SLOT_SIZE (ARCH_WINDOW_PAGES * PAGE_SIZE)
#define HS_LEVELS 3

static struct pt hyp_pt;
static uint64_t *window_pte[PT_MAX_CPUS];

_Static_assert(WINDOW_VA + WINDOW_SLOT_SIZE * PT_MAX_CPUS <= (1ull << 38),
	       "the windows fit in the lower half of Sv39");

static void map_identity(uint64_t pa, uint64_t size, uint64_t perm)
{
	uint64_t start = ALIGN_DOWN(pa, PAGE_SIZE);

	if (ALIGN_UP(pa + size, PAGE_SIZE) > HS_VA_LIMIT)
		panic("0x%lx is too high for the hypervisor's address space", pa);
	pt_map(&hyp_pt, start, start, ALIGN_UP(pa + size, PAGE_SIZE) - start, perm);
}

static uint64_t hyp_pool_bound(void)
{
	uint64_t n = 1 + 2 * 2;   /* root; console and PLIC: at most two tables each */

	n += pt_bound_contig(HS_LEVELS, pt_config.hyp_pa, pt_config.hyp_pa, pt_config.hyp_size);
	n += 1 + pt_config.ncpus;   /* the windows: one level-1 table, a leaf table per pCPU */
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
		need += gstage_pool_bound(&pt_config.vms[v]);
	pt_pool_reserve(need);

	pt_init(&hyp_pt, HS_LEVELS, 9);
	map_identity(pt_config.hyp_pa, pt_config.hyp_size, HS_RWX);
	map_identity(pt_config.console_pa, PAGE_SIZE, HS_RW);
	map_identity(pt_config.plic_pa, pt_config.plic_size, HS_RW);
	add_window(cpu_here()->index);
	for (unsigned v = 0; v < pt_config.nvms; v++)
		for (unsigned i = 0; i < pt_config.vms[v].ncpus; i++)
			add_window(pt_config.vms[v].cpus[i]);
}

static uint64_t window_base(void)
{
	return WINDOW_VA + cpu_here()->index * WINDOW_SLOT_SIZE;
}

uint8_t *arch_window_open(void)
{
	return (uint8_t *)(uintptr_t)window_base();
}

void arch_window_set(unsigned slot, uint64_t pa)
{
	uint64_t *pte = window_pte[cpu_here()->index];

	if (!pte)
		panic("cpu %u has no window onto VM memory", cpu_here()->index);
	slot %= ARCH_WINDOW_PAGES;
	pte[slot] = ALIGN_DOWN(pa, PAGE_SIZE) >> 12 << PTE_PPN_SHIFT | HS_RW | PTE_V;
}

/* The slots set so far are in the tables before the window is used (a hart may have cached
 * their invalid entries: the fence drops those too). */
void arch_window_ready(void)
{
	fence();
	sfence_vma_all();
}

void arch_window_close(unsigned used)
{
	uint64_t *pte = window_pte[cpu_here()->index], base = window_base();

	for (unsigned i = 0; i < used && i < ARCH_WINDOW_PAGES; i++)
		pte[i] = 0;
	fence();
	/* Only this hart ever used its window: its own TLB is all there is to clean. */
	if (used >= 64)
		sfence_vma_all();
	else
		for (unsigned i = 0; i < used; i++)
			sfence_vma_page(base + i * PAGE_SIZE);
}

void mmu_enable(void)
{
	csr_write(CSR_SATP, SATP_SV39 | (uint64_t)(uintptr_t)hyp_pt.root >> 12);
	sfence_vma_all();
}
