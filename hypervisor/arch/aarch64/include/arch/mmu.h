/*
 * Translation tables (VMSAv8-64, 4 KiB granule) for the hypervisor's own stage 1 and for each
 * VM's stage 2. One walker builds both; the callers supply the descriptor attributes.
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <partita/config.h>
#include <hyp/ptpool.h>
#include <hyp/types.h>

#define PTE_VALID   BIT(0)
#define PTE_TABLE   BIT(1)      /* at levels 0-2: next-level table; at level 3: page */
#define PTE_AF      BIT(10)
#define PTE_SH_IS   (3ull << 8)
#define PTE_XN      BIT(54)     /* stage 1 XN, stage 2 XN[1] (never executable) */
#define PTE_ADDR    0x0000fffffffff000ull

/* EL2 stage 1 */
#define S1_NORMAL   (PTE_AF | PTE_SH_IS | (0ull << 2))          /* MAIR index 0, EL2 RW */
#define S1_DEVICE   (PTE_AF | PTE_XN | (1ull << 2))             /* MAIR index 1 */
/* Stage 2 */
#define S2_NORMAL   (PTE_AF | PTE_SH_IS | (3ull << 6) | (0xfull << 2)) /* RW, WB cacheable */
#define S2_DEVICE   (PTE_AF | PTE_XN | (3ull << 6) | (0x1ull << 2))     /* RW, Device-nGnRE */

struct pt {
	uint64_t *root;
	unsigned va_bits;      /* input address size */
	unsigned start_level;  /* 1 for both our regimes */
};

/* Map [va, va+size) to [pa, pa+size) using blocks where alignment allows. */
void pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attr);
/* Allocate a zeroed root (pages contiguous and aligned to their size). */
void pt_init(struct pt *pt, unsigned va_bits, unsigned root_pages);
/* The level-3 table that maps `va` (512 pages), created empty if there is none yet. */
uint64_t *pt_leaf_table(struct pt *pt, uint64_t va);
/* Upper bound of table pages mapping [va, va+size) to [pa, ...) contiguously needs. */
uint64_t pt_bound_contig(uint64_t va, uint64_t pa, uint64_t size);
/* Upper bound for a page-by-page (colored) mapping of [va, va+size). */
uint64_t pt_bound_pages(uint64_t va, uint64_t size);

/* arch/aarch64/mmu.c */
void mmu_enable(void);   /* this pCPU translates through the tables arch_mmu_init() built */
/*
 * Each pCPU's window onto VM memory (hyp/arch.h, arch_window_*): ARCH_WINDOW_PAGES page slots at
 * EL2 virtual addresses no identity mapping uses. The hypervisor maps VM RAM only there and
 * only while it writes it (image loading, scrubbing).
 */
#define WINDOW_VA    0x7fff000000ull   /* 16 MiB below the top of the 39-bit EL2 VA space */

/* arch/aarch64/stage2.c (arch_stage2_build: the VTTBR value) */
uint64_t stage2_pool_bound(const struct pt_vm *vm);

#endif
