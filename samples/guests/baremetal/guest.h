/*
 * What the guest's modules share: parsing, printing, time, power and running code on another
 * vCPU of this VM (cmd.c, main.c), whichever the architecture. The architecture's own part —
 * its hypervisor calls, interrupt masking, its waits — comes from the block below: AArch64 here,
 * RISC-V in riscv64/arch.h (docs/guest.md, "The riscv64 guest").
 */
#ifndef BM_GUEST_H
#define BM_GUEST_H

#include <stdint.h>

#define MAX_CPUS            8

#if defined(__riscv)
#include "riscv64/arch.h"
#else
#define PSCI_VERSION        0x84000000u
#define PSCI_CPU_OFF        0x84000002u
#define PSCI_CPU_ON         0xc4000003u
#define PSCI_AFFINITY_INFO  0xc4000004u
#define PSCI_SYSTEM_OFF     0x84000008u
#define PSCI_SYSTEM_RESET   0x84000009u
#define PSCI_FEATURES       0x8400000au
#define PT_HVC_CHANNEL_NOTIFY 0xc6000001u
#define PT_HVC_VM_BOOTS     0xc6000002u
#define VM_BOOTS_CALL       "PT_HVC_VM_BOOTS"   /* its name, for messages */
#define GUEST_RAM_BASE      0x40000000ul
#define GUEST_RAM_SIZE      0x04000000ul   /* every test system gives its VMs 64 MiB */
#define OUTSIDE_RAM         0x50000000ul   /* an IPA no test VM has */

int64_t hvc_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t smc_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
extern uint8_t psci_smc;        /* the PSCI conduit is SMC (plat.c), not HVC */
static inline int64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return psci_smc ? smc_call(fn, a1, a2, a3) : hvc_call(fn, a1, a2, a3);
}
void secondary_start(void);   /* PSCI CPU_ON entry of this guest, x0 = CPU number */
extern uint64_t entry_sp;       /* SP_EL1 as the hypervisor handed it to vCPU 0 */

/* Ring the doorbell of channel end k (docs/channels.md): what chan.c's notifications are. */
static inline int64_t chan_notify(uint64_t k)
{
	return hvc_call(PT_HVC_CHANNEL_NOTIFY, k, 0, 0);
}
/* Order memory writes before a doorbell (the peer may run on another CPU). */
static inline void publish(void) { __asm__ volatile("dsb ish" ::: "memory"); }

/*
 * Busy-wait body. A hint on hardware; under QEMU's single-threaded TCG (which -icount implies)
 * it hands the host thread to the next CPU, where a plain spin would hold it for a whole time
 * slice (100 ms of virtual time) and starve the CPU it is waiting for.
 */
static inline void relax(void) { __asm__ volatile("yield" ::: "memory"); }
/* Waiting for another CPU or a device: here the same as relax() (riscv64/arch.h differs). */
static inline void nap(void) { relax(); }
static inline void irqs_on(void)  { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void irqs_off(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }
static inline void wait_irq(void) { __asm__ volatile("wfi" ::: "memory"); }

#define SYSREG_READ(r) ({ uint64_t __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define SYSREG_WRITE(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")
#define ISB() __asm__ volatile("isb" ::: "memory")
#endif

/* cmd.c: the command line */
int word_is(const char *w, const char *key, const char **arg);
uint64_t number(const char *s, const char **end);
void line(const char *a, uint64_t n, int hex, const char *b);
void run(const char *cmd, uint64_t entry_ticks);   /* carry out a command line */
void secondary_main(uint64_t cpu);                   /* a secondary vCPU, once on its stack */

/*
 * The architecture's commands (main.c, riscv64/main.c), after cmd.c's: 1 if w was one of them
 * (*arg as for word_is()), with `period` the period= setting.
 */
int arch_command(const char *w, const char **arg, uint64_t period);

extern unsigned ncpus;          /* vCPUs of this VM, from the device tree */
struct fdt_info;
extern struct fdt_info guest_dt;   /* what fdt_read() found (fdt.h) */
int chan_command(const char *w, const char **arg, uint64_t ticks_per_ms);   /* chan.c */
int partition_command(const char *w, const char **arg, uint64_t ticks_per_ms);   /* partition.c */
extern volatile uint32_t cpu_up[MAX_CPUS];

/*
 * A secondary vCPU entering through secondary_start calls this instead of its usual start-up
 * when set (with its CPU number): for commands that switch vCPUs off and on again.
 */
extern void (*volatile secondary_hook)(uint64_t cpu);

/* Have vCPU `cpu` (already up) call fn(cpu) from its idle loop; returns at once. */
void run_on(unsigned cpu, void (*fn)(uint64_t cpu));
/* What run_on() hands each vCPU (cmd.c): set it, then wake the vCPU (an SGI; an IPI). */
extern void (*volatile cpu_work[MAX_CPUS])(uint64_t cpu);

/* How many times this VM has been started (VM_BOOTS_CALL); negative if the call is unknown. */
int64_t vm_boots(void);

/*
 * Power and CPUs, as the architecture does them (PSCI; SBI SRST and HSM):
 *   power(reset)     SYSTEM_OFF (0) or SYSTEM_RESET (1); returns (after saying so) if it failed
 *   cpu_start(id)    CPU_ON of `id` (an MPIDR; a hart id) at secondary_start: 0 or an error
 *   cpu_stop()       the calling vCPU switches itself off; returns (after saying so) if it failed
 *   cpu_is_off(c)    vCPU c is off (AFFINITY_INFO; HSM hart status)
 */
void power(int reset);
int64_t cpu_start(uint64_t id);
void cpu_stop(void);
int cpu_is_off(unsigned cpu);

uint64_t vcount(void);          /* the virtual counter (RISC-V: the time CSR) */
void delay_ms(uint64_t ms);
unsigned my_cpu(void);
void power_off(void);           /* SYSTEM_OFF: does not return */
extern uint64_t ticks_per_ms;

#endif
