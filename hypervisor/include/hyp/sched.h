/*
 * Time partitioning (core/sched.c): a physical CPU listed in pt_config.schedules runs the vCPUs
 * of its windows in a fixed cyclic schedule, switching at window boundaries on the EL2 physical
 * timer. Only those pCPUs run any of this: they take interrupts through their own vector table
 * (hyp_vectors_shared), so a dedicated pCPU's paths are exactly what they are without a schedule.
 */
#ifndef HYP_SCHED_H
#define HYP_SCHED_H

#include <hyp/frame.h>
#include <hyp/types.h>

#define SCHED_MAX_WINDOWS 16
#define SCHED_MAX_NS      (1000ull * 1000 * 1000 * 1000)   /* 1000 s: ticks stay far from overflow */

struct vcpu;
struct pcpu;

/*
 * What a vCPU switched out in the middle of its run keeps: everything the hardware holds for it
 * while it runs. Only vCPUs on shared pCPUs have one (in .noinit: allocated at boot, never
 * zeroed, filled before it is read).
 */
struct vcpu_ctx {
	struct frame frame;
	uint64_t el1[32];          /* arch/aarch64/vcpu_ctx.c: the EL1 registers, in its order */
	uint64_t cntv_ctl, cntv_cval;
	uint64_t fp[64];           /* q0..q31 */
	uint64_t fpsr, fpcr;
	uint64_t lr[16];           /* list registers, GICv3 layout (arch/aarch64/vgic_lr.c) */
	uint32_t apr, vmcr, hcr;
	uint32_t saved;            /* 1: holds a preempted vCPU's state */
};

void sched_init(void);               /* boot CPU, after vms_init(): resolve the windows */
void sched_cpu_start(void);          /* a shared pCPU, before its idle loop: frame 0 begins */
bool sched_timer(struct pcpu *c);    /* the EL2 timer fired: true when the window changed */
void sched_idle_timer(void);         /* the same from the idle loop */
bool sched_resume_ok(struct vcpu *v);        /* vcpu_idle: resume v's saved state now? */
void __noreturn sched_resume(struct vcpu *v); /* restore it and enter the guest */
void sched_discard(struct vcpu *v);  /* drop a saved state the vCPU will never resume */
uint64_t sched_switches(unsigned cpu);   /* window switches so far (the shell's info) */
void sched_report(void);             /* at system off: switches and their latency per shared pCPU */
void sched_reap(void);               /* idle: end the held state of vCPUs that were stopped */
uint64_t sched_window_end(void);     /* the current window's deadline; 0: a dedicated pCPU */

/* arch/aarch64/vcpu_ctx.c, fpsimd.S */
void vcpu_ctx_save(struct vcpu *v, const struct frame *f);
void vcpu_ctx_restore(struct vcpu *v, struct frame *f);
void fpsimd_save(uint64_t *regs, uint64_t *fpsr_fpcr);
void fpsimd_restore(const uint64_t *regs, const uint64_t *fpsr_fpcr);

#endif
