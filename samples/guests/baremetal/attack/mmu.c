/*
 * Stage 1 for the attacks: 4 KiB granule, 32-bit VA (T0SZ 32: the walk starts at level 1 with
 * four entries), TTBR1 walks off. The device region (0..1 GiB) is mapped as Normal write-back
 * memory on purpose: that is what a hostile guest would do to make misaligned and odd-sized
 * accesses to emulated windows legal at stage 1.
 */
#include "gic.h"
#include "guest.h"
#include "mmu.h"
#include "uart.h"

#define MAIR_NORMAL_WB  0xffull           /* attribute index 0 */
#define BLOCK(pa)       ((pa) | (1ull << 10) /* AF */ | (3ull << 8) /* inner shareable */ | \
			 (0ull << 2) /* attr 0 */ | 1ull /* block */)
#define TCR_VALUE       (32ull /* T0SZ */ | (1ull << 8) | (1ull << 10) /* WB walks */ | \
			 (3ull << 12) /* inner shareable */ | (1ull << 23) /* EPD1 */)
#define SCTLR_M         (1ull << 0)
#define SCTLR_A         (1ull << 1)
#define SCTLR_C         (1ull << 2)
#define SCTLR_I         (1ull << 12)

static uint64_t l1[512] __attribute__((aligned(4096)));

static void tlb_flush(void)
{
	__asm__ volatile("dsb ish; tlbi vmalle1; dsb ish; isb" ::: "memory");
}

void mmu_on_with(uint64_t ttbr)
{
	SYSREG_WRITE(mair_el1, MAIR_NORMAL_WB);
	SYSREG_WRITE(tcr_el1, TCR_VALUE);
	SYSREG_WRITE(ttbr0_el1, ttbr);
	ISB();
	tlb_flush();
	SYSREG_WRITE(sctlr_el1, (SYSREG_READ(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I) & ~SCTLR_A);
	ISB();
}

/* The GiB of a device window above the first (another board's), as Normal memory too. */
static void map_window(uint64_t addr)
{
	if (addr < (4ull << 30))
		l1[addr >> 30] = BLOCK(addr & ~((1ull << 30) - 1));
}

void mmu_on(void)
{
	l1[0] = BLOCK(0x00000000ull);   /* devices, as Normal memory */
	l1[1] = BLOCK(0x40000000ull);   /* RAM */
	map_window(gicd_base);
	map_window(gic_v2 ? gicc_base : gicr_base);
	map_window(uart_base);
	mmu_on_with((uint64_t)l1);
}

void mmu_off(void)
{
	SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) & ~(SCTLR_M | SCTLR_C | SCTLR_I));
	ISB();
	tlb_flush();
}
