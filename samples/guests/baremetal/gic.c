#include "gic.h"

#define GICD_CTLR      0x0000
#define GICD_IGROUPR   0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_IPRIORITYR 0x0400
#define GICD_IROUTER   0x6000
#define GICR_WAKER     0x0014
#define SGI            0x10000

void gic_init(void)
{
	*gicd(GICD_CTLR) = (1u << 4) | (1u << 1);   /* ARE, EnableGrp1 */
	while (*gicd(GICD_CTLR) & (1u << 31))
		;
}

void gic_init_cpu(unsigned cpu)
{
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
	if (intid < 32)
		*gicr(cpu, SGI + 0x180) = 1u << intid;
	else
		*gicd(GICD_ICENABLER + 4 * (intid / 32)) = 1u << (intid % 32);
}

void gic_route(unsigned intid, uint64_t mpidr)
{
	*(volatile uint64_t *)(GICD_BASE + GICD_IROUTER + 8ul * intid) = mpidr;
}

void gic_sgi(uint64_t v)
{
	__asm__ volatile("msr icc_sgi1r_el1, %0; isb" : : "r"(v));
}

void gic_sgi_to(unsigned cpu, unsigned intid)
{
	gic_sgi(((uint64_t)intid << 24) | ((uint64_t)(cpu >> 4) << 44) | (1ul << (cpu & 15)));
}

unsigned gic_ack(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(v));
	return (unsigned)(v & 0xffffff);
}

void gic_eoi(unsigned intid)
{
	__asm__ volatile("msr icc_eoir1_el1, %0; isb" : : "r"((uint64_t)intid));
}
