/*
 * A small GICv3 driver for the guest: distributor and redistributors at QEMU virt's addresses
 * (which are also where Partita places a VM's virtual GIC), CPU interface through ICC_*.
 * Works the same on the real GIC (the native bench build) and on Partita's vGIC.
 */
#ifndef BM_GIC_H
#define BM_GIC_H

#include <stdint.h>

#define GICD_BASE 0x08000000ul
#define GICR_BASE 0x080a0000ul

void gic_init(void);                          /* distributor, once, on CPU 0 */
void gic_init_cpu(unsigned cpu);              /* this CPU's redistributor and interface */
void gic_enable(unsigned cpu, unsigned intid, uint8_t prio);  /* cpu: for SGIs/PPIs */
void gic_disable(unsigned cpu, unsigned intid);
void gic_route(unsigned intid, uint64_t mpidr);
void gic_sgi(uint64_t sgi1r);                 /* raw ICC_SGI1R_EL1 value */
void gic_sgi_to(unsigned cpu, unsigned intid);
unsigned gic_ack(void);
void gic_eoi(unsigned intid);

static inline volatile uint32_t *gicd(unsigned off) { return (volatile uint32_t *)(GICD_BASE + off); }
static inline volatile uint32_t *gicr(unsigned cpu, unsigned off)
{
	return (volatile uint32_t *)(GICR_BASE + 0x20000ul * cpu + off);
}

#endif
