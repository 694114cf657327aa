/*
 * The architecture interface: everything core/ asks of the CPU architecture, which
 * arch/$(ARCH)/ implements (the Makefile builds exactly one; hypervisor/README.md, "Layers").
 * Core never includes an arch header, never touches a system register and has no #ifdef for an
 * architecture: whatever knows the CPU, its interrupt controller, its translation tables or its
 * firmware is behind the functions below (and behind hyp/virq.h, the virtual interrupt
 * controller, and arch_spin_wait in hyp/spinlock.h).
 *
 * The other direction: the arch reports up by calling what the neutral headers declare for it,
 * and nothing else (no core internals): boot_primary/boot_secondary and vcpu_idle/vcpu_leave
 * (the pCPU's life), emul_mmio (a trapped access it decoded), hyp_timer_irq and hyp_device_irq
 * (the hypervisor's own interrupts), sched_preempt (a window ended under a running vCPU),
 * vcpu_power_on/vcpu_power_off and vm_stop/vm_reset (a guest's power requests), channel_notify
 * (a doorbell rung), vm_fault/vm_note/vm_log (what a guest did wrong).
 */
#ifndef HYP_ARCH_H
#define HYP_ARCH_H

#include <partita/config.h>
#include <hyp/types.h>

struct pcpu;
struct vcpu;
struct frame;   /* the arch's trap frame: a trapped vCPU's registers; core only passes it on */

/* ---- pCPUs -------------------------------------------------------------------------------- */

void arch_cfg_check(void);            /* boot: the configuration against this arch, its drivers */
unsigned arch_cpu_boot_index(void);   /* the boot CPU's index in pt_config.cpu_mpidr (or panic) */
void arch_cpu_bind(struct pcpu *c);   /* this_cpu() is c from here */
void arch_cpu_init(struct pcpu *c);   /* on each pCPU, once arch_mmu_init() is done: its
					 registers, translation on; binds it as arch_cpu_bind */
void arch_cpu_start(unsigned cpu);    /* start pCPU `cpu` in boot_secondary(cpu) (or panic) */
void arch_cpu_shared(void);           /* this pCPU is shared by a schedule: its vCPUs can be
					 switched out when interrupted (sched_preempt) */
void arch_cpu_idle(void);             /* sleep until an interrupt is pending (a kick, a timer) */
void arch_irq_idle(void);             /* take the interrupts pending at this idle pCPU (a few) */
/* Go on in fn on this pCPU's stack, emptied down to the slot of a vCPU's trap frame at its top:
 * whatever was being handled is left behind. */
void __noreturn arch_stack_reset(void (*fn)(void));
void __noreturn arch_system_off(void);

/* ---- memory ------------------------------------------------------------------------------- */

void arch_mmu_init(void);             /* the hypervisor's own address space (boot CPU, once) */
uint64_t arch_stage2_build(const struct pt_vm *cfg);  /* the VM's translation: its root, as the
							 arch's register takes it */
/*
 * This pCPU's window onto VM memory, the only way the hypervisor writes it (core/image.c):
 * ARCH_WINDOW_PAGES page slots, mapped while it loads or scrubs and unmapped (TLBs included)
 * by arch_window_close; arch_window_ready makes the slots set so far usable.
 */
#define ARCH_WINDOW_PAGES 512
uint8_t *arch_window_open(void);
void arch_window_set(unsigned slot, uint64_t pa);
void arch_window_ready(void);
void arch_window_close(unsigned used);
void arch_mem_zero(uint8_t *va, uint64_t size);            /* normal memory, the fastest way */
void arch_dcache_clean(const uint8_t *va, uint64_t size);  /* to where a vCPU with its caches
							      off reads it, and complete */
void arch_icache_sync(void);          /* instructions written into VM memory can run */

/* ---- time: the counter and this pCPU's hypervisor timer ---------------------------------- */

uint64_t arch_timer_now(void);
uint64_t arch_timer_freq(void);
void arch_timer_program(uint64_t at);  /* fire at counter value `at`; 0: never */

/* ---- interrupts --------------------------------------------------------------------------- */

void arch_irq_init(void);             /* the interrupt controller (boot CPU, once) */
void arch_irq_hyp(uint32_t irq);      /* a device interrupt of the hypervisor's own (its console
					 UART's, pt_config.console_intid): to this pCPU, enabled */
void arch_vcpu_kick(struct vcpu *v);  /* make v's pCPU look at v's state soon (not this one) */
uint64_t arch_cpu_irqs(unsigned cpu); /* interrupts cpu delivered to its vCPU on its own (the
					 arch's fast path), for the shell's info */

/* ---- vCPUs -------------------------------------------------------------------------------- */

void arch_vcpu_init(struct vcpu *v);  /* boot, once per vCPU, its pCPU known */
/* Enter v afresh (boot, restart, CPU_ON) at entry with arg in its first argument register, every
 * register it can read reset. The caller set v->running: ordered before v's pending interrupts
 * are looked at. */
void __noreturn arch_vcpu_enter(struct vcpu *v, uint64_t entry, uint64_t arg);
void arch_vcpu_stop(struct vcpu *v);  /* on its pCPU, leaving the guest for good: what the
					 hardware holds of it ends (timer, interrupts in flight) */

/* Shared pCPUs (core/sched.c): switching a vCPU out mid-run and back. */
void arch_vcpu_ctx_init(struct vcpu *v);   /* boot: v will be switched out; give it a context */
void arch_vcpu_save(struct vcpu *v, struct frame *f);   /* everything it has, into v->ctx */
/* Back from v->ctx, and what was posted to it meanwhile (v->running set, as for enter). */
void arch_vcpu_restore(struct vcpu *v);
void __noreturn arch_vcpu_resume(struct vcpu *v);       /* into the guest where it was */
void arch_vcpu_discard(struct vcpu *v);  /* a saved state it will never resume: end what it holds */

#endif
