/*
 * Time partitioning (core/sched.c): a physical CPU listed in pt_config.schedules runs the vCPUs
 * of its windows in a fixed cyclic schedule, switching at window boundaries on the hypervisor
 * timer. Only those pCPUs run any of this: the arch takes their interrupts a way that can switch
 * the running vCPU out (arch_cpu_shared; on AArch64 their own vector table), so a dedicated
 * pCPU's paths are exactly what they are without a schedule.
 */
#ifndef HYP_SCHED_H
#define HYP_SCHED_H

#include <hyp/types.h>

#define SCHED_MAX_WINDOWS 16
#define SCHED_MAX_NS      (1000ull * 1000 * 1000 * 1000)   /* 1000 s: ticks stay far from overflow */

struct vcpu;
struct pcpu;
struct frame;

void sched_init(void);               /* boot CPU, after vms_init(): resolve the windows */
void sched_cpu_start(void);          /* a shared pCPU, before its idle loop: frame 0 begins */
bool sched_timer(struct pcpu *c);    /* the hypervisor timer fired: true when the window changed */
void sched_idle_timer(struct pcpu *c);   /* the same from the idle loop */
/* Reported by the arch: the window of v, running on this shared pCPU c, ended while it was
 * interrupted (f: its complete trap frame). Switches it out unless the new window is its own. */
void sched_preempt(struct pcpu *c, struct vcpu *v, struct frame *f);
bool sched_resume_ok(struct vcpu *v);        /* vcpu_idle: resume v's saved state now? */
void __noreturn sched_resume(struct pcpu *c, struct vcpu *v);   /* restore it, enter the guest */
void sched_discard(struct vcpu *v);  /* drop a saved state the vCPU will never resume */
uint64_t sched_switches(unsigned cpu);   /* window switches so far (the shell's info) */
void sched_report(void);             /* at system off: switches and their latency per shared pCPU */
void sched_reap(struct pcpu *c);     /* idle: end the held state of vCPUs that were stopped */
uint64_t sched_window_end(void);     /* the current window's deadline; 0: a dedicated pCPU */

#endif
