/*
 * Physical CPUs: per-CPU data. Which pCPU code runs on is the arch's to know (this_cpu()); what
 * core keeps per pCPU is here, after a share the arch lays out for itself.
 */
#ifndef HYP_CPU_H
#define HYP_CPU_H

#include <partita/config.h>
#include <hyp/layout.h>
#include <hyp/types.h>

/*
 * The arch's share of a pCPU, first in struct pcpu so that its assembly finds it at small
 * offsets from the per-CPU pointer (AArch64: the IRQ vector's fast path reads its direct-delivery
 * table there). Opaque here; arch/$(ARCH)/ lays it out and checks at compile time that it fits.
 */
#define PCPU_ARCH_BYTES 1048

struct vcpu;
struct sched_cpu;

struct pcpu {
	unsigned char arch[PCPU_ARCH_BYTES] __aligned(8);
	uint32_t index;        /* index into pt_config.cpu_mpidr */
	uint64_t stack_top;
	struct vcpu *vcpu;     /* the vCPU this pCPU runs (on a shared pCPU: the current window's), or NULL */
	struct sched_cpu *sched;   /* its time-partitioning schedule (core/sched.c), or NULL */
	uint64_t timer_console, timer_sched;   /* hypervisor timer deadlines (core/timer.c), 0 = none */
	uint64_t timer_wake;   /* an idle pCPU's wake-up (a VM's restart back-off), 0 = none */
	uint64_t chunk_ticks[2];   /* the longest a reset chunk took here: scrub, load (vm_reset.c) */
};

extern struct pcpu pcpus[PT_MAX_CPUS];   /* core/main.c */
extern uint64_t hyp_start_ticks;         /* core/main.c: the counter at the hypervisor's entry */

/* arch/$(ARCH)/: the pCPU this code runs on (bound by arch_cpu_init()). */
struct pcpu *this_cpu(void);

/* arch/$(ARCH)/panic.c: a hypervisor bug or an impossible configuration; the machine goes off. */
void __noreturn panic(const char *fmt, ...) __printf(1, 2);

#endif
