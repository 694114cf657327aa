/*
 * The register frame of a trap from the guest (arch/riscv64/trap.S).
 *
 * A pCPU enters its vCPU with its HS-mode stack empty and sscratch pointing at the frame slot at
 * the very top of that stack, so a trap from the guest saves the vCPU's registers there: while
 * HS-mode handles the trap, this frame *is* the vCPU's general-register state. sscratch is 0
 * whenever HS-mode code runs, which is how the vector tells a trap of the hypervisor's own (a
 * bug, or a fault of a guest-memory access it expected, arch/riscv64/guest_mem.c) from a guest's.
 */
#ifndef ARCH_FRAME_H
#define ARCH_FRAME_H

#define FRAME_SEPC     (32 * 8)
#define FRAME_SSTATUS  (33 * 8)
#define FRAME_HSTATUS  (34 * 8)
#define FRAME_SCAUSE   (35 * 8)
#define FRAME_STVAL    (36 * 8)
#define FRAME_HTVAL    (37 * 8)
#define FRAME_HTINST   (38 * 8)
#define FRAME_PCPU     (39 * 8)   /* this pCPU's struct pcpu: tp while HS-mode runs */
#define FRAME_SIZE     (40 * 8)

#ifndef __ASSEMBLER__
#include <hyp/types.h>

struct frame {
	uint64_t x[32];      /* x[0] unused (x0 is zero); x[2] is the guest's sp */
	uint64_t sepc;       /* where the guest resumes */
	uint64_t sstatus;    /* SPP: its privilege (VS or VU), restored on sret */
	uint64_t hstatus;    /* SPV set: sret goes back to the virtual machine */
	uint64_t scause, stval, htval, htinst;   /* captured on entry */
	uint64_t pcpu;
};
_Static_assert(sizeof(struct frame) == FRAME_SIZE, "frame layout");
_Static_assert(__builtin_offsetof(struct frame, pcpu) == FRAME_PCPU, "FRAME_PCPU");

/* Restore f (at the top of this pCPU's stack) and sret into the guest. */
void __noreturn guest_enter(struct frame *f);
/* Reset the stack pointer to sp and jump to fn: leaves whatever trap was being handled. */
void __noreturn stack_switch(uint64_t sp, void (*fn)(void));
#endif

#endif
