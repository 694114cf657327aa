/*
 * The GICv2 virtual interface control (GICH, memory-mapped at pt_config.gich_pa) as
 * arch/aarch64/vgic/vgic_lr.c drives it. vgic_lr.c works in the GICv3 list-register layout; the
 * accessors here convert:
 *
 *   GICv3 ICH_LR<n>_EL2                     GICv2 GICH_LR<n>
 *   [63:62] state  [61] HW  [60] group 1    [29:28] state  [31] HW  [30] group 1
 *   [55:48] priority (top 5 bits used)      [27:23] priority[7:3]
 *   [41:32] physical INTID (HW)             [19:10] physical INTID (HW)
 *   [31:0]  virtual INTID                   [9:0]   virtual INTID
 *
 * Every virtual interrupt is group 0 here: a guest's GICv2 driver enables group 0 of its CPU
 * interface (GICC_CTLR bit 0), which the virtual interface signals as a virtual IRQ. A purely
 * virtual SGI shows source CPU 0 (the CPUID field stays 0).
 */
#ifndef HYP_VGIC_HW_H
#define HYP_VGIC_HW_H

#include <partita/config.h>
#include <arch/sysreg.h>

#define GICH_HCR   0x000
#define GICH_VTR   0x004
#define GICH_VMCR  0x008
#define GICH_ELRSR0 0x030
#define GICH_APR   0x0f0
#define GICH_LR0   0x100

static inline volatile uint32_t *gich(unsigned off)
{
	return (volatile uint32_t *)(uintptr_t)(pt_config.gich_pa + off);
}

static inline uint64_t vgic_hw_lr_read(unsigned n)
{
	uint32_t v = *gich(GICH_LR0 + 4 * n);
	uint64_t lr = v & 0x3ff;

	lr |= (uint64_t)((v >> 20) & 0xf8) << 48;
	lr |= (uint64_t)((v >> 28) & 3) << 62;
	if (v & BIT(31))
		lr |= BIT(61) | (uint64_t)((v >> 10) & 0x3ff) << 32;
	return lr;
}

static inline void vgic_hw_lr_write(unsigned n, uint64_t lr)
{
	uint32_t v = (uint32_t)lr & 0x3ff;

	v |= (uint32_t)((lr >> 48) & 0xf8) << 20;
	v |= (uint32_t)(lr >> 62) << 28;
	if (lr & BIT(61))
		v |= BIT(31) | (uint32_t)((lr >> 32) & 0x3ff) << 10;
	*gich(GICH_LR0 + 4 * n) = v;
}

/* GICH_VTR.ListRegs + 1 */
static inline unsigned vgic_hw_lr_count(void)
{
	return (*gich(GICH_VTR) & 0x3f) + 1;
}

/* A bit per empty list register (GICH_ELRSR0: LRs 0..31, a GIC-400 has 4). */
static inline uint32_t vgic_hw_empty_lrs(void)
{
	return *gich(GICH_ELRSR0);
}

/* En, UIE and NPIE sit where they do in ICH_HCR_EL2. */
static inline void vgic_hw_hcr_write(uint32_t hcr)
{
	*gich(GICH_HCR) = hcr;
}

static inline void vgic_hw_vmcr_reset(void)
{
	*gich(GICH_VMCR) = 0;
}

static inline void vgic_hw_apr_clear(void)
{
	*gich(GICH_APR) = 0;
}

/* The interface's state of a vCPU switched out on a shared pCPU. */
static inline uint32_t vgic_hw_vmcr_read(void) { return *gich(GICH_VMCR); }
static inline void vgic_hw_vmcr_write(uint32_t v) { *gich(GICH_VMCR) = v; }
static inline uint32_t vgic_hw_apr_read(void) { return *gich(GICH_APR); }
static inline void vgic_hw_apr_write(uint32_t v) { *gich(GICH_APR) = v; }

#endif
