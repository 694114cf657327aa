/*
 * The platform-level interrupt controller (RISC-V PLIC specification 1.0.0): the guest's own
 * context only (its S-mode context on the boot hart, rvplat.h's plic_ctx), at plic_base.
 * Under a hypervisor it is the VM's virtual PLIC, which has the same registers.
 */
#ifndef BM_RISCV64_PLIC_H
#define BM_RISCV64_PLIC_H

#include <stdint.h>

void plic_priority(unsigned src, uint32_t prio);      /* 0: never delivered */
uint32_t plic_priority_of(unsigned src);
void plic_enable(int ctx, unsigned src, int on);
uint32_t plic_enable_word(int ctx, unsigned src);     /* the enable bits of src's word */
void plic_threshold(int ctx, uint32_t t);
uint32_t plic_threshold_of(int ctx);
unsigned plic_claim(int ctx);                         /* 0: none pending */
void plic_complete(int ctx, unsigned src);

#endif
