/*
 * RISC-V's share of each pCPU (struct pcpu's arch area, hyp/cpu.h) and the per-CPU pointer: tp
 * holds the pCPU's struct pcpu while HS-mode runs (the trap vector loads it from the frame; the
 * compiler never allocates tp).
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <arch/csr.h>
#include <hyp/cpu.h>
#include <hyp/types.h>

struct pcpu_arch {
	uint64_t fixup;          /* guest_mem.c: where a faulting guest-memory access resumes */
	uint64_t fixup_cause;    /* the scause it took there (0: none) */
	uint64_t hstatus_guest;  /* hstatus while a vCPU runs: SPV, SPVP, the hart's VSXL */
	uint64_t guest_irqs;     /* physical interrupts forwarded to this pCPU's vCPU (info) */
	uint32_t hwid;           /* hart id (pt_config.cpu_hwid) */
	uint32_t plic_ctx;       /* the PLIC context of its S-mode external interrupt */
};
_Static_assert(__builtin_offsetof(struct pcpu, arch) == 0, "the arch area starts struct pcpu");
_Static_assert(sizeof(struct pcpu_arch) <= PCPU_ARCH_BYTES, "struct pcpu_arch fits its area");

static inline struct pcpu *cpu_here(void)
{
	struct pcpu *c;

	__asm__("mv %0, tp" : "=r"(c));
	return c;
}

static inline struct pcpu_arch *pcpu_arch(struct pcpu *c)
{
	return (struct pcpu_arch *)c->arch;
}

/* Whether the harts have Sstc (stimecmp, vstimecmp): pt_config.riscv_ext. */
static inline bool has_sstc(void)
{
	return pt_config.riscv_ext & PT_RISCV_EXT_SSTC;
}

/* arch/riscv64/panic.c */
struct frame;
void __noreturn panic_frame(const char *why, struct frame *f);

#endif
