/*
 * The GICv3 virtual CPU interface control (ICH_*_EL2 system registers) as arch/aarch64/vgic/vgic_lr.c
 * drives it. List registers are exchanged in the ICH_LR<n>_EL2 layout, which is this interface's
 * own: nothing to convert. Included through the build's GIC directory (hypervisor/Makefile
 * selects gicv2/ or gicv3/ from the board), so every accessor inlines.
 */
#ifndef HYP_VGIC_HW_H
#define HYP_VGIC_HW_H

#include <arch/sysreg.h>

static inline uint64_t vgic_hw_lr_read(unsigned n)
{
	switch (n) {
	case 0: return sysreg_read(ich_lr0_el2);
	case 1: return sysreg_read(ich_lr1_el2);
	case 2: return sysreg_read(ich_lr2_el2);
	case 3: return sysreg_read(ich_lr3_el2);
	case 4: return sysreg_read(ich_lr4_el2);
	case 5: return sysreg_read(ich_lr5_el2);
	case 6: return sysreg_read(ich_lr6_el2);
	case 7: return sysreg_read(ich_lr7_el2);
	case 8: return sysreg_read(ich_lr8_el2);
	case 9: return sysreg_read(ich_lr9_el2);
	case 10: return sysreg_read(ich_lr10_el2);
	case 11: return sysreg_read(ich_lr11_el2);
	case 12: return sysreg_read(ich_lr12_el2);
	case 13: return sysreg_read(ich_lr13_el2);
	case 14: return sysreg_read(ich_lr14_el2);
	default: return sysreg_read(ich_lr15_el2);
	}
}

static inline void vgic_hw_lr_write(unsigned n, uint64_t v)
{
	switch (n) {
	case 0: sysreg_write(ich_lr0_el2, v); break;
	case 1: sysreg_write(ich_lr1_el2, v); break;
	case 2: sysreg_write(ich_lr2_el2, v); break;
	case 3: sysreg_write(ich_lr3_el2, v); break;
	case 4: sysreg_write(ich_lr4_el2, v); break;
	case 5: sysreg_write(ich_lr5_el2, v); break;
	case 6: sysreg_write(ich_lr6_el2, v); break;
	case 7: sysreg_write(ich_lr7_el2, v); break;
	case 8: sysreg_write(ich_lr8_el2, v); break;
	case 9: sysreg_write(ich_lr9_el2, v); break;
	case 10: sysreg_write(ich_lr10_el2, v); break;
	case 11: sysreg_write(ich_lr11_el2, v); break;
	case 12: sysreg_write(ich_lr12_el2, v); break;
	case 13: sysreg_write(ich_lr13_el2, v); break;
	case 14: sysreg_write(ich_lr14_el2, v); break;
	default: sysreg_write(ich_lr15_el2, v); break;
	}
}

/* ICH_VTR_EL2.ListRegs + 1 */
static inline unsigned vgic_hw_lr_count(void)
{
	return (unsigned)(sysreg_read(ich_vtr_el2) & 0x1f) + 1;
}

/* A bit per empty list register (ICH_ELRSR_EL2). */
static inline uint32_t vgic_hw_empty_lrs(void)
{
	return (uint32_t)sysreg_read(ich_elrsr_el2);
}

static inline void vgic_hw_hcr_write(uint32_t hcr)
{
	sysreg_write(ich_hcr_el2, hcr);
	isb();
}

/* The interface as after reset: groups disabled, priority mask 0 (everything masked). */
static inline void vgic_hw_vmcr_reset(void)
{
	sysreg_write(ich_vmcr_el2, 0);
}

/* No active priorities (ICH_VTR_EL2.PREbits says how many registers exist). */
static inline void vgic_hw_apr_clear(void)
{
	unsigned prebits = (unsigned)(sysreg_read(ich_vtr_el2) >> 26 & 7) + 1;

	sysreg_write(ich_ap0r0_el2, 0);
	sysreg_write(ich_ap1r0_el2, 0);
	if (prebits >= 6) {
		sysreg_write(ich_ap0r1_el2, 0);
		sysreg_write(ich_ap1r1_el2, 0);
	}
	if (prebits >= 7) {
		sysreg_write(ich_ap0r2_el2, 0);
		sysreg_write(ich_ap1r2_el2, 0);
		sysreg_write(ich_ap0r3_el2, 0);
		sysreg_write(ich_ap1r3_el2, 0);
	}
}

/* The interface's state of a vCPU switched out on a shared pCPU: VMCR and the group-1 active
 * priorities (5 priority bits: one APR register; group 0 is unused). */
static inline uint32_t vgic_hw_vmcr_read(void) { return (uint32_t)sysreg_read(ich_vmcr_el2); }
static inline void vgic_hw_vmcr_write(uint32_t v) { sysreg_write(ich_vmcr_el2, v); }
static inline uint32_t vgic_hw_apr_read(void) { return (uint32_t)sysreg_read(ich_ap1r0_el2); }
static inline void vgic_hw_apr_write(uint32_t v) { sysreg_write(ich_ap1r0_el2, v); }

#endif
