/*
 * The physical PLIC (riscv,plic0 / sifive,plic-1.0.0 at pt_config.plic_pa): the hypervisor
 * takes every device interrupt at its harts' S-mode contexts (pt_config.plic_context) and
 * decides whose it is (irq.c). Guests never reach it: each VM has its own (vplic.c).
 */
#ifndef ARCH_PLIC_H
#define ARCH_PLIC_H

#include <hyp/types.h>

#define PLIC_MAX_SOURCES 1024   /* sources 1..1023 */

void plic_init(void);                      /* boot hart: every source off, priority 0 */
void plic_init_cpu(uint32_t ctx);          /* this hart's context: threshold 0 */
void plic_priority(uint32_t src, uint32_t prio);
void plic_enable(uint32_t src, uint32_t ctx, bool on);
uint32_t plic_claim(uint32_t ctx);         /* 0: nothing */
void plic_complete(uint32_t ctx, uint32_t src);

/* vplic.c: a physical interrupt claimed at this hart's context ctx that is not the
 * hypervisor's: pending in its VM's PLIC (completed when the guest completes it), or, owned by
 * no VM, switched off. */
struct pcpu;
void vplic_phys_irq(struct pcpu *c, uint32_t ctx, uint32_t src);

#endif
