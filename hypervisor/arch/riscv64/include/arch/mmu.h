/*
 * RISC-V translation tables (4 KiB pages, 512 entries a table): one builder for the hypervisor's
 * own Sv39 address space (satp) and each VM's G-stage (hgatp: Sv39x4, Sv48x4 or Sv57x4, whose
 * root is four tables, 16 KiB, 2048 entries). The callers give the leaf permissions.
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <partita/config.h>
#include <hyp/ptpool.h>
#include <hyp/types.h>

#define PTE_V  BIT(0)
#define PTE_R  BIT(1)
#define PTE_W  BIT(2)
#define PTE_X  BIT(3)
#define PTE_U  BIT(4)   /* G-stage leaves must have it: every guest access is a "user" one there */
#define PTE_G  BIT(5)
#define PTE_A  BIT(6)
#define PTE_D  BIT(7)
#define PTE_LEAF_BITS (PTE_R | PTE_W | PTE_X)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK  (((1ull << 44) - 1) << PTE_PPN_SHIFT)

static inline uint64_t pte_pa(uint64_t pte)
{
	return (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT << 12;
}

/* Hypervisor (satp, Sv39): global, accessed and dirty set (no A/D faults ever). */
#define HS_RWX   (PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D)
#define HS_RW    (PTE_R | PTE_W | PTE_G | PTE_A | PTE_D)
/* G-stage */
#define GS_RAM     (PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
#define GS_DATA    (PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)   /* channels and devices: no X */

struct pt {
	uint64_t *root;
	unsigned levels;      /* 3 (Sv39, Sv39x4), 4 (Sv48x4) or 5 (Sv57x4) */
	unsigned root_bits;   /* index bits at the root: 9, or 11 for a G-stage's x4 root */
};

void pt_init(struct pt *pt, unsigned levels, unsigned root_bits);
/* Map [va, va+size) to [pa, pa+size), with superpages (1 GiB, 2 MiB) where alignment allows. */
void pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t perm);
/* The last-level table that maps va (512 pages), created empty if there is none yet. */
uint64_t *pt_leaf_table(struct pt *pt, uint64_t va);
/* Upper bounds of the tables a contiguous / page-by-page mapping needs (not the root). */
uint64_t pt_bound_contig(unsigned levels, uint64_t va, uint64_t pa, uint64_t size);
uint64_t pt_bound_pages(unsigned levels, uint64_t va, uint64_t size);

/* mmu.c */
void mmu_enable(void);
#define WINDOW_VA 0x3f00000000ull   /* the pCPUs' windows onto VM memory: 252 GiB up in Sv39 */
#define HS_VA_LIMIT WINDOW_VA       /* identity-mapped physical memory must lie below */

/* gstage.c */
uint64_t gstage_pool_bound(const struct pt_vm *vm);
unsigned gstage_levels(void);

#endif
