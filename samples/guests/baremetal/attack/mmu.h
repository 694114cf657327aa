/* The guest's own stage-1 MMU, for attacks that need one (mmu.c). */
#ifndef BM_MMU_H
#define BM_MMU_H

#include <stdint.h>

/*
 * Identity map of the low 2 GiB in 1 GiB blocks, ALL of it Normal write-back memory, devices
 * included, alignment checks off: misaligned loads and stores to an emulated device window are
 * then legal at stage 1 and reach the hypervisor as they are.
 */
void mmu_on(void);
void mmu_off(void);

/* Turn the MMU on with TTBR0_EL1 = ttbr, whatever is there (the s1ptw attack). */
void mmu_on_with(uint64_t ttbr);

#endif
