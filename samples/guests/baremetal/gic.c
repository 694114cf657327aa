#include "gic.h"
#include "guest.h"

#define GICR_WAKER     0x0014
#define SGI            0x10000
#define V2             __attribute__((noinline))   /* off the GICv3 path's way */

/*
 * GICv2: an SGI's IAR carries its source CPU, and its EOI must too. An SGI cannot preempt
 * itself (same priority), so one IAR per CPU and SGI is enough, however deep the nesting.
 */
static uint16_t v2_sgi_iar[MAX_CPUS][16];   /* IAR bits [12:0] */

static V2 void v2_init(void)
{
	*gicd(GICD_CTLR) = 1;   /* EnableGrp0 (the non-secure view: Enable) */
}

static V2 void v2_init_cpu(void)
{
	*gicc(GICC_PMR) = 0xff;
	*gicc(GICC_BPR) = 0;
	*gicc(GICC_CTLR) = 1;   /* EnableGrp0, group 0 as IRQ, EOI also deactivates */
}

static V2 void v2_enable(unsigned intid, uint8_t prio)
{
	((volatile uint8_t *)gicd(GICD_IPRIORITYR))[intid] = prio;
	if (intid >= 32) {
		volatile uint8_t *target = (volatile uint8_t *)gicd(GICD_ITARGETSR) + intid;
		if (!*target)
			*target = 1;
	}
	*gicd(GICD_ISENABLER + 4 * (intid / 32)) = 1u << (intid % 32);
}

unsigned gic2_ack(void)
{
	uint32_t iar = *gicc(GICC_IAR);
	unsigned id = iar & 0x3ff;

	if (id < 16)
		v2_sgi_iar[my_cpu() % MAX_CPUS][id] = (uint16_t)iar;
	return id;
}

void gic2_eoi(unsigned intid)
{
	*gicc(GICC_EOIR) = intid < 16 ? v2_sgi_iar[my_cpu() % MAX_CPUS][intid] : intid;
}

void gic2_sgi_to(unsigned cpu, unsigned intid)
{
	if (cpu < 8)   /* the target list has eight bits */
		gic_sgir((1u << (16 + cpu)) | (intid & 15));
}

void gic_init(void)
{
	if (gic_v2) {
		v2_init();
		return;
	}
	*gicd(GICD_CTLR) = (1u << 4) | (1u << 1);   /* ARE, EnableGrp1 */
	while (*gicd(GICD_CTLR) & (1u << 31))
		;
}

void gic_init_cpu(unsigned cpu)
{
	if (gic_v2) {
		v2_init_cpu();
		return;
	}
	*gicr(cpu, GICR_WAKER) &= ~2u;
	while (*gicr(cpu, GICR_WAKER) & 4u)
		;
	__asm__ volatile("msr icc_sre_el1, %0; isb" : : "r"(7ul));
	__asm__ volatile("msr icc_pmr_el1, %0" : : "r"(0xfful));
	__asm__ volatile("msr icc_bpr1_el1, %0" : : "r"(0ul));
	__asm__ volatile("msr icc_ctlr_el1, %0" : : "r"(0ul));   /* EOI also deactivates */
	__asm__ volatile("msr icc_igrpen1_el1, %0; isb" : : "r"(1ul));
}

void gic_enable(unsigned cpu, unsigned intid, uint8_t prio)
{
	uint32_t bit = 1u << (intid % 32);

	if (gic_v2) {
		v2_enable(intid, prio);
		return;
	}
	if (intid < 32) {
		*gicr(cpu, SGI + 0x80) |= bit;
		((volatile uint8_t *)gicr(cpu, SGI + 0x400))[intid] = prio;
		*gicr(cpu, SGI + 0x100) = bit;
	} else {
		*gicd(GICD_IGROUPR + 4 * (intid / 32)) = bit;
		((volatile uint8_t *)gicd(GICD_IPRIORITYR))[intid] = prio;
		*gicd(GICD_ISENABLER + 4 * (intid / 32)) = bit;
	}
}

void gic_disable(unsigned cpu, unsigned intid)
{
	if (intid < 32 && !gic_v2)
		*gicr(cpu, SGI + 0x180) = 1u << intid;
	else
		*gicd(GICD_ICENABLER + 4 * (intid / 32)) = 1u << (intid % 32);
}

void gic_route(unsigned intid, uint64_t mpidr)
{
	if (gic_v2)
		((volatile uint8_t *)gicd(GICD_ITARGETSR))[intid] = (uint8_t)(1u << (mpidr & 7));
	else
		*(volatile uint64_t *)(gicd_base + GICD_IROUTER + 8ul * intid) = mpidr;
}

void gic_sgi(uint64_t v)
{
	__asm__ volatile("msr icc_sgi1r_el1, %0; isb" : : "r"(v));
}

void gic_sgir(uint32_t v)
{
	__asm__ volatile("dsb ishst" ::: "memory");   /* what we wrote before, then the SGI */
	*gicd(GICD_SGIR) = v;
}

void gic3_sgi_to(unsigned cpu, unsigned intid)
{
	gic_sgi(((uint64_t)intid << 24) | ((uint64_t)(cpu >> 4) << 44) | (1ul << (cpu & 15)));
}

unsigned gic3_ack(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(v));
	return (unsigned)(v & 0xffffff);
}

void gic3_eoi(unsigned intid)
{
	__asm__ volatile("msr icc_eoir1_el1, %0; isb" : : "r"((uint64_t)intid));
}

void gic_sgi_to(unsigned cpu, unsigned intid)
{
	if (gic_v2)
		gic2_sgi_to(cpu, intid);
	else
		gic3_sgi_to(cpu, intid);
}

unsigned gic_ack(void)
{
	return gic_v2 ? gic2_ack() : gic3_ack();
}

void gic_eoi(unsigned intid)
{
	if (gic_v2)
		gic2_eoi(intid);
	else
		gic3_eoi(intid);
}

unsigned gic_rpr(void)
{
	if (gic_v2)
		return *gicc(GICC_RPR) & 0xff;
	return (unsigned)(SYSREG_READ(icc_rpr_el1) & 0xff);
}

unsigned gic_bpr(void)
{
	if (gic_v2)
		return *gicc(GICC_BPR) & 7;
	return (unsigned)(SYSREG_READ(icc_bpr1_el1) & 7);
}

void gic_set_bpr(unsigned bpr)
{
	if (gic_v2)
		*gicc(GICC_BPR) = bpr;
	else
		SYSREG_WRITE(icc_bpr1_el1, bpr);
	ISB();
}

void gic_set_pmr(unsigned pmr)
{
	if (gic_v2)
		*gicc(GICC_PMR) = pmr;
	else
		SYSREG_WRITE(icc_pmr_el1, pmr);
	ISB();
}
