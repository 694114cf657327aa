/*
 * The register frame pushed by the exception vectors (arch/aarch64/vectors.S).
 *
 * Each pCPU runs at most one vCPU, and it always enters the guest with its EL2 stack empty, so a
 * trap from the guest builds this frame at the very top of the pCPU's stack: it *is* the vCPU's
 * general-purpose register state while we handle the trap.
 */
#ifndef ARCH_FRAME_H
#define ARCH_FRAME_H

#define FRAME_SIZE   (34 * 8)
#define FRAME_ELR    (31 * 8)
#define FRAME_SPSR   (32 * 8)

#ifndef __ASSEMBLER__
#include <hyp/types.h>

struct frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;   /* captured on entry, for the panic dump */
};

_Static_assert(sizeof(struct frame) == FRAME_SIZE, "frame layout");

/* Restore `f` (which must sit at the top of this pCPU's stack) and ERET to the guest. */
void __noreturn guest_enter(struct frame *f);
/* Reset the stack pointer to `sp` and jump to `fn`: leaves whatever trap we were handling. */
void __noreturn stack_switch(uint64_t sp, void (*fn)(void));
#endif

#endif
