/*
 * A small GIC driver for the guest, GICv3 or GICv2 (GIC-400) behind one API. Where the GIC is and
 * which it is comes from the device tree (plat.c); without one, the build's defaults: QEMU virt's
 * GICv3 (which is also where Partita places a VM's virtual GIC on that board).
 *
 * GICv3: distributor and redistributors by MMIO, CPU interface through ICC_* (group 1).
 * GICv2: distributor by MMIO (INTIDs < 32 in its banked registers: each CPU reaches only its own),
 * CPU interface by MMIO (GICC_*, group 0, which a virtual CPU interface presents as IRQ),
 * SGIs through GICD_SGIR, SPIs routed by GICD_ITARGETSR (CPU interface number = CPU index).
 * Works the same on the real GIC (the native builds) and on Partita's vGIC.
 */
#ifndef BM_GIC_H
#define BM_GIC_H

#include <stdint.h>

/* The GIC in use (plat.c): set before the first interrupt is configured, never changed after. */
extern uint8_t gic_v2;             /* 0: GICv3, 1: GICv2 */
extern uint64_t gicd_base, gicd_size;
extern uint64_t gicr_base;         /* GICv3: the first redistributor frame */
extern uint64_t gicc_base;         /* GICv2: the CPU interface */
extern uint64_t gicc_dir_off;      /* GICv2: GICC_DIR's offset (0x1000; 0x10000 with 64K pages) */

#define GICD_CTLR        0x0000
#define GICD_IGROUPR     0x0080
#define GICD_ISENABLER   0x0100
#define GICD_ICENABLER   0x0180
#define GICD_ISPENDR     0x0200
#define GICD_ISACTIVER   0x0300
#define GICD_IPRIORITYR  0x0400
#define GICD_ITARGETSR   0x0800    /* GICv2 */
#define GICD_SGIR        0x0f00    /* GICv2 */
#define GICD_SPENDSGIR   0x0f20    /* GICv2 */
#define GICD_IROUTER     0x6000    /* GICv3 */
#define GICC_CTLR        0x00
#define GICC_PMR         0x04
#define GICC_BPR         0x08
#define GICC_IAR         0x0c
#define GICC_EOIR        0x10
#define GICC_RPR         0x14
#define GICC_HPPIR       0x18
#define GICC_APR0        0xd0

void gic_init(void);                          /* distributor, once, on CPU 0 */
void gic_init_cpu(unsigned cpu);              /* this CPU's redistributor and interface */
/*
 * cpu: whose SGI/PPI (GICv3: any CPU's redistributor; GICv2: the banked registers reach only
 * the calling CPU's, cpu is ignored). An SPI that a GICv2 routes nowhere yet goes to CPU 0
 * (as a GICv3's reset routing does).
 */
void gic_enable(unsigned cpu, unsigned intid, uint8_t prio);
void gic_disable(unsigned cpu, unsigned intid);
void gic_route(unsigned intid, uint64_t mpidr);   /* GICv2: to CPU interface Aff0 */
void gic_sgi(uint64_t sgi1r);                 /* GICv3: raw ICC_SGI1R_EL1 value */
void gic_sgir(uint32_t sgir);                 /* GICv2: raw GICD_SGIR value */
void gic_sgi_to(unsigned cpu, unsigned intid);
unsigned gic_ack(void);                       /* an INTID; 1020..1023: none */
void gic_eoi(unsigned intid);                 /* GICv2: with the SGI's source as acknowledged */

/*
 * The same three for one GIC version, without the version check: for the interrupt path and
 * the benchmarks (hypervisor/bench.sh counts their instructions), which choose once.
 */
unsigned gic3_ack(void);
void gic3_eoi(unsigned intid);
void gic3_sgi_to(unsigned cpu, unsigned intid);
unsigned gic2_ack(void);
void gic2_eoi(unsigned intid);
void gic2_sgi_to(unsigned cpu, unsigned intid);

/* The CPU interface's priority registers: ICC_*_EL1 (BPR1) or GICC_* (BPR, group 0). */
unsigned gic_rpr(void);
unsigned gic_bpr(void);
void gic_set_bpr(unsigned bpr);
void gic_set_pmr(unsigned pmr);

static inline volatile uint32_t *gicd(unsigned off) { return (volatile uint32_t *)(gicd_base + off); }
static inline volatile uint32_t *gicr(unsigned cpu, unsigned off)
{
	return (volatile uint32_t *)(gicr_base + 0x20000ul * cpu + off);
}
static inline volatile uint32_t *gicc(unsigned off) { return (volatile uint32_t *)(gicc_base + off); }

#endif
