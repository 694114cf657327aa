/*
 * GICv3 driver for the hypervisor's own needs: SGI_KICK between pCPUs, the SGIs carrying the
 * guests' virtual SGIs to their vCPU's pCPU (arch/gic.h), the maintenance
 * interrupt and the guests' physical interrupts (virtual timer PPI, passed-through SPIs), which
 * are configured here and handed to guests by the vGIC (vgic/).
 *
 * The board's GIC may run with one security state (QEMU virt without secure=on): the register
 * layouts used below are the same in both cases for Group 1.
 */
#include <partita/config.h>
#include <arch/gic.h>
#include <arch/sysreg.h>

#define GICD_CTLR          0x0000
#define GICD_CTLR_RWP      BIT(31)
#define GICD_CTLR_ARE      BIT(4)
#define GICD_CTLR_GRP1     BIT(1)
#define GICD_CTLR_GRP0     BIT(0)
#define GICD_IGROUPR       0x0080
#define GICD_ISENABLER     0x0100
#define GICD_ICENABLER     0x0180
#define GICD_IPRIORITYR    0x0400
#define GICD_ICFGR         0x0c00
#define GICD_IROUTER       0x6000

#define GICR_STRIDE        0x20000  /* RD_base + SGI_base frames */
#define GICR_WAKER         0x0014
#define WAKER_PSLEEP       BIT(1)
#define WAKER_CASLEEP      BIT(2)
#define GICR_SGI           0x10000
#define GICR_IGROUPR0      (GICR_SGI + 0x080)
#define GICR_ISENABLER0    (GICR_SGI + 0x100)
#define GICR_ICENABLER0    (GICR_SGI + 0x180)
#define GICR_IPRIORITYR    (GICR_SGI + 0x400)

#define ICC_SRE_SRE        BIT(0)
#define ICC_SRE_ENABLE     BIT(3)   /* lets EL1 use the system register interface too */
#define ICC_CTLR_EOIMODE   BIT(1)


const uint32_t gic_driver_version = PT_GIC_V3;

static inline volatile uint32_t *reg32(uint64_t addr)
{
	return (volatile uint32_t *)(uintptr_t)addr;
}

static uint64_t gicr(unsigned cpu)
{
	return pt_config.gicr_pa + (uint64_t)cpu * GICR_STRIDE;
}

static void wait_rwp(void)
{
	while (*reg32(pt_config.gicd_pa + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

/* ICC_SGI1R_EL1 target fields (affinity, range, target list) for each pCPU, computed once. */
static uint64_t sgi_target[PT_MAX_CPUS];

static uint64_t sgi1r_target(uint64_t mpidr)
{
	uint64_t aff0 = mpidr & 0xff, aff1 = (mpidr >> 8) & 0xff;
	uint64_t aff2 = (mpidr >> 16) & 0xff, aff3 = (mpidr >> 32) & 0xff;

	/* The target list covers Aff0 values 0..15 of a range; RS selects the range. */
	return (aff3 << 48) | ((aff0 >> 4) << 44) | (aff2 << 32) | (aff1 << 16) |
	       (1ull << (aff0 & 15));
}

void gic_init_dist(void)
{
	volatile uint32_t *ctlr = reg32(pt_config.gicd_pa + GICD_CTLR);

	for (unsigned c = 0; c < pt_config.ncpus && c < PT_MAX_CPUS; c++)
		sgi_target[c] = sgi1r_target(pt_config.cpu_mpidr[c]);
	*ctlr = *ctlr | GICD_CTLR_ARE | GICD_CTLR_GRP1 | GICD_CTLR_GRP0;
	wait_rwp();
}

void gic_init_cpu(unsigned cpu)
{
	uint64_t rd = gicr(cpu);
	volatile uint8_t *prio = (volatile uint8_t *)(uintptr_t)(rd + GICR_IPRIORITYR);

	/* Wake our redistributor up. */
	*reg32(rd + GICR_WAKER) &= ~WAKER_PSLEEP;
	while (*reg32(rd + GICR_WAKER) & WAKER_CASLEEP)
		;
	/*
	 * Every private interrupt is group 1 and starts disabled; the kick and the maintenance
	 * interrupt are the hypervisor's and always on, the virtual timer is enabled here too: it
	 * only fires when the guest arms it, and then it belongs to the guest.
	 */
	*reg32(rd + GICR_ICENABLER0) = ~0u;
	*reg32(rd + GICR_IGROUPR0) = ~0u;
	gic_private_prios(prio);
	*reg32(rd + GICR_ISENABLER0) = gic_private_enabled();

	/* CPU interface through system registers; EOI only drops the priority (EOImode 1). */
	sysreg_write(icc_sre_el2, sysreg_read(icc_sre_el2) | ICC_SRE_SRE | ICC_SRE_ENABLE);
	isb();
	sysreg_write(icc_pmr_el1, 0xff);
	sysreg_write(icc_bpr1_el1, 0);
	sysreg_write(icc_ctlr_el1, ICC_CTLR_EOIMODE);
	sysreg_write(icc_igrpen1_el1, 1);
	isb();
}

void gic_spi_config(uint32_t intid, bool edge)
{
	uint64_t d = pt_config.gicd_pa;
	uint32_t bit = 1u << (intid % 32), shift = 2 * (intid % 16);
	volatile uint32_t *cfg = reg32(d + GICD_ICFGR + 4 * (intid / 16));

	*reg32(d + GICD_ICENABLER + 4 * (intid / 32)) = bit;
	wait_rwp();
	*reg32(d + GICD_IGROUPR + 4 * (intid / 32)) |= bit;
	((volatile uint8_t *)(uintptr_t)(d + GICD_IPRIORITYR))[intid] = PRIO_GUEST;
	*cfg = (*cfg & ~(3u << shift)) | ((edge ? 2u : 0u) << shift);
}

void gic_spi_route(uint32_t intid, unsigned cpu)
{
	uint64_t m = pt_config.cpu_mpidr[cpu];
	/* IROUTER: Aff3 in [39:32], Aff2..Aff0 as in MPIDR; IRM 0 (this one CPU). */
	uint64_t v = ((m >> 32) & 0xff) << 32 | (m & 0xffffff);

	*(volatile uint64_t *)(uintptr_t)(pt_config.gicd_pa + GICD_IROUTER + 8ull * intid) = v;
}

void gic_set_enable(uint32_t intid, unsigned cpu, bool on)
{
	uint32_t bit = 1u << (intid % 32);

	if (intid < 32) {
		*reg32(gicr(cpu) + (on ? GICR_ISENABLER0 : GICR_ICENABLER0)) = bit;
		return;
	}
	*reg32(pt_config.gicd_pa + (on ? GICD_ISENABLER : GICD_ICENABLER) + 4 * (intid / 32)) = bit;
	if (!on)
		wait_rwp();
}

void gic_send_sgi(unsigned cpu, unsigned intid)
{
	dsb(ish);   /* the state change the kick announces must be visible first */
	sysreg_write(icc_sgi1r_el1, sgi_target[cpu] | (uint64_t)intid << 24);
	isb();
}

uint32_t gic_ack(void)
{
	uint32_t intid = (uint32_t)sysreg_read(icc_iar1_el1) & 0xffffff;

	dsb(sy);   /* the device state behind the interrupt is read after the acknowledge */
	return intid;
}

void gic_eoi(uint32_t intid)
{
	sysreg_write(icc_eoir1_el1, intid);
	isb();
}

void gic_deactivate(uint32_t intid)
{
	sysreg_write(icc_dir_el1, intid);
	isb();
}
