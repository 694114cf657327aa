/*
 * Minimal GICv3 driver: the hypervisor only needs SGI_KICK, an interrupt one pCPU sends to
 * another to make it look at its vCPU's state (stop, start, park). Nothing else is enabled, so
 * devices and timers cannot interrupt the hypervisor until the vGIC takes over their routing.
 *
 * The board's GIC may run with one security state (QEMU virt without secure=on): the register
 * layouts used below are the same in both cases for Group 1.
 */
#include <partita/config.h>
#include <hyp/gic.h>
#include <hyp/sysreg.h>

#define GICD_CTLR          0x0000
#define GICD_CTLR_RWP      BIT(31)
#define GICD_CTLR_ARE      BIT(4)
#define GICD_CTLR_GRP1     BIT(1)
#define GICD_CTLR_GRP0     BIT(0)

#define GICR_STRIDE        0x20000  /* RD_base + SGI_base frames */
#define GICR_WAKER         0x0014
#define WAKER_PSLEEP       BIT(1)
#define WAKER_CASLEEP      BIT(2)
#define GICR_SGI           0x10000
#define GICR_IGROUPR0      (GICR_SGI + 0x080)
#define GICR_ISENABLER0    (GICR_SGI + 0x100)
#define GICR_IPRIORITYR    (GICR_SGI + 0x400)

#define ICC_SRE_SRE        BIT(0)
#define ICC_SRE_ENABLE     BIT(3)   /* lets EL1 use the system register interface too */
#define INTID_SPURIOUS     1020

static inline volatile uint32_t *reg32(uint64_t addr)
{
	return (volatile uint32_t *)(uintptr_t)addr;
}

void gic_init_dist(void)
{
	volatile uint32_t *ctlr = reg32(pt_config.gicd_pa + GICD_CTLR);

	*ctlr = *ctlr | GICD_CTLR_ARE | GICD_CTLR_GRP1 | GICD_CTLR_GRP0;
	while (*ctlr & GICD_CTLR_RWP)
		;
}

void gic_init_cpu(unsigned cpu)
{
	uint64_t rd = pt_config.gicr_pa + (uint64_t)cpu * GICR_STRIDE;

	/* Wake our redistributor up. */
	*reg32(rd + GICR_WAKER) &= ~WAKER_PSLEEP;
	while (*reg32(rd + GICR_WAKER) & WAKER_CASLEEP)
		;
	/* SGI_KICK: group 1, middle priority, enabled. */
	*reg32(rd + GICR_IGROUPR0) |= 1u << SGI_KICK;
	((volatile uint8_t *)(uintptr_t)(rd + GICR_IPRIORITYR))[SGI_KICK] = 0x80;
	*reg32(rd + GICR_ISENABLER0) = 1u << SGI_KICK;

	/* CPU interface through system registers; EOI also deactivates (EOImode 0). */
	sysreg_write(icc_sre_el2, sysreg_read(icc_sre_el2) | ICC_SRE_SRE | ICC_SRE_ENABLE);
	isb();
	sysreg_write(icc_pmr_el1, 0xff);
	sysreg_write(icc_bpr1_el1, 0);
	sysreg_write(icc_ctlr_el1, 0);
	sysreg_write(icc_igrpen1_el1, 1);
	isb();
}

void gic_send_sgi(unsigned cpu, unsigned intid)
{
	uint64_t mpidr = pt_config.cpu_mpidr[cpu];
	uint64_t aff0 = mpidr & 0xff, aff1 = (mpidr >> 8) & 0xff;
	uint64_t aff2 = (mpidr >> 16) & 0xff, aff3 = (mpidr >> 32) & 0xff;
	/* The target list covers Aff0 values 0..15 of a range; RS selects the range. */
	uint64_t v = (aff3 << 48) | ((aff0 >> 4) << 44) | (aff2 << 32) | ((uint64_t)intid << 24) |
		     (aff1 << 16) | (1ull << (aff0 & 15));

	dsb(ish);   /* the state change the kick announces must be visible first */
	sysreg_write(icc_sgi1r_el1, v);
	isb();
}

void gic_drain(void)
{
	for (;;) {
		uint64_t iar = sysreg_read(icc_iar1_el1);

		if ((iar & 0xffffff) >= INTID_SPURIOUS)
			return;
		sysreg_write(icc_eoir1_el1, iar);
	}
}
