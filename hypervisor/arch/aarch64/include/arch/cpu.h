/*
 * AArch64's share of each pCPU (struct pcpu's arch area, hyp/cpu.h) and the per-CPU pointer:
 * TPIDR_EL2 holds the pCPU's struct pcpu, whose arch area comes first, so the IRQ vector's
 * assembly reaches the fields below at the PCPU_* offsets straight from TPIDR_EL2.
 *
 *  - direct_prio[INTID] is nonzero when a physical interrupt taken while this pCPU runs its vCPU
 *    may go straight into a free list register: a passed-through interrupt of that vCPU's VM,
 *    routed to it and enabled. Its value is the virtual priority | 1. vgic/vgic.c keeps it
 *    current (vgic_direct_refresh); only the VM's own INTIDs are ever set.
 *    SGIs 0..14 are the carriers of the vCPU's virtual SGIs (arch/gic.h): set while the vCPU
 *    has that SGI enabled.
 *  - pending points at the vCPU's software pending set: the fast path is only taken while it is
 *    empty, so nothing waiting there can be overtaken.
 *  - lr_empty is ICH_ELRSR_EL2 with every list register empty: a carried SGI takes the fast path
 *    only then (two LRs with one virtual INTID would be UNPREDICTABLE; an empty set rules it out).
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#define PCPU_PENDING     0
#define PCPU_LR_EMPTY    8
#define PCPU_SGI_SOURCE  12
#define PCPU_DIRECT_IRQS 16
#define PCPU_DIRECT_PRIO 24
#define PCPU_DIRECT_N    1020   /* INTIDs 0..1019: every SGI, PPI and SPI */

#ifndef __ASSEMBLER__
#include <arch/sysreg.h>
#include <hyp/cpu.h>
#include <hyp/types.h>

struct pcpu_arch {
	const volatile uint64_t *pending;
	uint32_t lr_empty;
	uint32_t sgi_source;    /* GICv2: source CPU bits of the SGI acknowledged last, for its EOI */
	uint64_t direct_irqs;   /* interrupts the fast path delivered (the shell's info) */
	uint8_t direct_prio[PCPU_DIRECT_N];
};
_Static_assert(__builtin_offsetof(struct pcpu, arch) == 0, "the arch area starts struct pcpu");
_Static_assert(sizeof(struct pcpu_arch) <= PCPU_ARCH_BYTES, "struct pcpu_arch fits its area");
_Static_assert(__builtin_offsetof(struct pcpu_arch, pending) == PCPU_PENDING, "PCPU_PENDING");
_Static_assert(__builtin_offsetof(struct pcpu_arch, lr_empty) == PCPU_LR_EMPTY, "PCPU_LR_EMPTY");
_Static_assert(__builtin_offsetof(struct pcpu_arch, sgi_source) == PCPU_SGI_SOURCE,
	       "PCPU_SGI_SOURCE");
_Static_assert(__builtin_offsetof(struct pcpu_arch, direct_irqs) == PCPU_DIRECT_IRQS,
	       "PCPU_DIRECT_IRQS");
_Static_assert(__builtin_offsetof(struct pcpu_arch, direct_prio) == PCPU_DIRECT_PRIO,
	       "PCPU_DIRECT_PRIO");

/* This pCPU, inline for the arch's own hot paths (core calls this_cpu(), out of line). */
static inline struct pcpu *cpu_here(void)
{
	return (struct pcpu *)sysreg_read(tpidr_el2);
}

static inline struct pcpu_arch *pcpu_arch(struct pcpu *c)
{
	return (struct pcpu_arch *)c->arch;
}

/* arch/aarch64/cpu.c */
int cpu_index_of_mpidr(uint64_t mpidr);    /* -1 when the board does not list it */

/* arch/aarch64/psci_client.c: the firmware's PSCI, over SMC. */
int64_t psci_fw_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
void __noreturn psci_fw_system_off(void);

/* arch/aarch64/panic.c */
struct frame;
void __noreturn panic_frame(const char *why, struct frame *f);

/* Sleep until something is pending for this CPU (a kick SGI). */
static inline void cpu_idle_wait(void) { dsb(sy); wfi(); }

#endif /* __ASSEMBLER__ */

#endif
