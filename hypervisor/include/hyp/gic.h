/*
 * The physical GICv3, as far as the hypervisor itself needs it: one SGI to kick other pCPUs.
 * Guest interrupts (the vGIC) come later.
 */
#ifndef HYP_GIC_H
#define HYP_GIC_H

#include <hyp/types.h>

#define SGI_KICK 0

void gic_init_dist(void);          /* once, on the boot CPU */
void gic_init_cpu(unsigned cpu);   /* on every pCPU, for itself */
void gic_send_sgi(unsigned cpu, unsigned intid);
void gic_drain(void);              /* acknowledge everything pending on this pCPU */

#endif
