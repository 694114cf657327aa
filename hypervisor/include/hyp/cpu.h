/*
 * Physical CPUs: per-CPU data, found through TPIDR_EL2.
 */
#ifndef HYP_CPU_H
#define HYP_CPU_H

/*
 * The IRQ vector's fast path (arch/aarch64/vectors.S) reads the first two fields of struct pcpu
 * from assembly; PCPU_* are their offsets, checked below.
 *
 *  - direct_prio[INTID] is nonzero when a physical interrupt taken while this pCPU runs its vCPU
 *    may go straight into a free list register: a passed-through interrupt of that vCPU's VM,
 *    routed to it and enabled. Its value is the virtual priority | 1. core/vgic.c keeps it
 *    current (vgic_direct_refresh); only the VM's own INTIDs are ever set.
 *    SGIs 0..14 are the carriers of the vCPU's virtual SGIs (hyp/gic.h): set while the vCPU
 *    has that SGI enabled.
 *  - pending points at the vCPU's software pending set: the fast path is only taken while it is
 *    empty, so nothing waiting there can be overtaken.
 *  - lr_empty is ICH_ELRSR_EL2 with every list register empty: a carried SGI takes the fast path
 *    only then (two LRs with one virtual INTID would be UNPREDICTABLE; an empty set rules it out).
 */
#define PCPU_PENDING     0
#define PCPU_LR_EMPTY    8
#define PCPU_SGI_SOURCE  12
#define PCPU_DIRECT_IRQS 16
#define PCPU_DIRECT_PRIO 24
#define PCPU_DIRECT_N    1020   /* INTIDs 0..1019: every SGI, PPI and SPI */

#ifndef __ASSEMBLER__
#include <partita/config.h>
#include <hyp/sysreg.h>
#include <hyp/types.h>

#include <hyp/layout.h>

struct vcpu;
struct sched_cpu;

struct pcpu {
	const volatile uint64_t *pending;
	uint32_t lr_empty;
	uint32_t sgi_source;    /* GICv2: source CPU bits of the SGI acknowledged last, for its EOI */
	uint64_t direct_irqs;   /* interrupts the fast path delivered (the shell's info) */
	uint8_t direct_prio[PCPU_DIRECT_N];
	uint32_t index;        /* index into pt_config.cpu_mpidr */
	uint64_t stack_top;
	struct vcpu *vcpu;     /* the vCPU this pCPU runs (on a shared pCPU: the current window's), or NULL */
	struct sched_cpu *sched;   /* its time-partitioning schedule (core/sched.c), or NULL */
	uint64_t timer_console, timer_sched;   /* EL2 timer deadlines (core/timer.c), 0 = none */
	uint64_t timer_wake;   /* an idle pCPU's wake-up (a VM's restart back-off), 0 = none */
	uint64_t chunk_ticks[2];   /* the longest a reset chunk took here: scrub, load (vm_reset.c) */
};
_Static_assert(__builtin_offsetof(struct pcpu, pending) == PCPU_PENDING, "PCPU_PENDING");
_Static_assert(__builtin_offsetof(struct pcpu, lr_empty) == PCPU_LR_EMPTY, "PCPU_LR_EMPTY");
_Static_assert(__builtin_offsetof(struct pcpu, sgi_source) == PCPU_SGI_SOURCE, "PCPU_SGI_SOURCE");
_Static_assert(__builtin_offsetof(struct pcpu, direct_irqs) == PCPU_DIRECT_IRQS, "PCPU_DIRECT_IRQS");
_Static_assert(__builtin_offsetof(struct pcpu, direct_prio) == PCPU_DIRECT_PRIO,
	       "PCPU_DIRECT_PRIO");

extern struct pcpu pcpus[PT_MAX_CPUS];

static inline struct pcpu *this_cpu(void)
{
	return (struct pcpu *)sysreg_read(tpidr_el2);
}

/* arch/aarch64/cpu.c */
void cpu_init_el2(struct pcpu *c);         /* per-CPU EL2 registers, MMU on */
int cpu_index_of_mpidr(uint64_t mpidr);    /* -1 when the board does not list it */

/* arch/aarch64/psci_client.c: the firmware's PSCI, over SMC. */
int64_t psci_fw_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
void __noreturn psci_fw_system_off(void);

/* arch/aarch64/panic.c */
struct frame;
void __noreturn panic(const char *fmt, ...) __printf(1, 2);
void __noreturn panic_frame(const char *why, struct frame *f);

/* Sleep until something is pending for this CPU (a kick SGI). */
static inline void cpu_idle_wait(void) { dsb(sy); wfi(); }

#endif /* __ASSEMBLER__ */

#endif
