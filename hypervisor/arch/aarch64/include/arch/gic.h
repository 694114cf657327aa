/*
 * The physical GIC as the hypervisor drives it: one driver is built in, chosen from the board
 * (arch/aarch64/gicv3/gic.c or gicv2/gic.c, see hypervisor/Makefile).
 *
 * Every physical interrupt is taken at EL2 (HCR_EL2.IMO). The CPU interface runs with
 * EOImode 1: an EOI only drops the running priority, so an interrupt handed to a
 * guest through a list register with the HW bit stays active until the guest deactivates it.
 * The hypervisor's own interrupts (kick SGI, maintenance) are deactivated with gic_deactivate().
 */
#ifndef ARCH_GIC_H
#define ARCH_GIC_H

#include <partita/config.h>
#include <hyp/types.h>

/*
 * Physical SGIs: 15 is the kick between pCPUs; 0..14 carry the guests' virtual SGIs of the same
 * number to the pCPU of the vCPU they are for (vgic/vgic_sgi.c), where the IRQ vector's fast path
 * puts them straight into a list register.
 */
#define SGI_KICK      15
#define SGI_CARRIERS  15   /* SGIs 0..14 */
#define INTID_SPURIOUS 1020   /* 1020..1023: nothing to acknowledge */
#define GIC_MAX_INTID  1019   /* highest SPI INTID of GICv3 */

/* Guests' interrupts sit below the kick, which must get through even during a flood. */
#define PRIO_KICK   0x80
#define PRIO_GUEST  0xa0

/*
 * Every pCPU's private interrupts, the same for both drivers: the priorities a pCPU gives its
 * 32 private INTIDs, and the ones it enables (the kick and the maintenance interrupt, the
 * hypervisor's; the SGI carriers; the virtual timer, which only fires once the guest arms it; the
 * EL2 timer). Everything else private stays disabled.
 */
static inline void gic_private_prios(volatile uint8_t *prio)
{
	for (unsigned i = 0; i < 32; i++)
		prio[i] = PRIO_GUEST;
	prio[SGI_KICK] = PRIO_KICK;
	prio[pt_config.maint_intid] = PRIO_KICK;
}

static inline uint32_t gic_private_enabled(void)
{
	return (1u << SGI_KICK) | (1u << pt_config.maint_intid) | (1u << pt_config.vtimer_intid) |
	       ((1u << SGI_CARRIERS) - 1) | (pt_config.htimer_intid ? 1u << pt_config.htimer_intid : 0);
}

extern const uint32_t gic_driver_version;   /* enum pt_gic_version this build drives */

void gic_init_dist(void);          /* once, on the boot CPU */
void gic_init_cpu(unsigned cpu);   /* on every pCPU, for itself */
void gic_send_sgi(unsigned cpu, unsigned intid);

uint32_t gic_ack(void);            /* the INTID; >= INTID_SPURIOUS when nothing is pending */
void gic_eoi(uint32_t intid);      /* priority drop */
void gic_deactivate(uint32_t intid);

/* SPIs (distributor) and this pCPU's PPIs (its redistributor). */
void gic_spi_config(uint32_t intid, bool edge);     /* group 1, priority, disabled */
void gic_spi_route(uint32_t intid, unsigned cpu);
void gic_set_enable(uint32_t intid, unsigned cpu, bool on);  /* cpu: only used for PPIs */

#endif
