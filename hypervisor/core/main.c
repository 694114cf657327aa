/*
 * Boot: the boot CPU checks the configuration, builds every translation table, loads every
 * guest, then starts exactly the pCPUs some VM uses. All pCPUs end up in vcpu_idle(), which
 * enters their vCPU once it is runnable and otherwise sleeps.
 */
#include <hyp/arch.h>
#include <hyp/console.h>
#include <hyp/cpu.h>
#include <hyp/sched.h>
#include <hyp/timer.h>
#include <hyp/virq.h>
#include <hyp/vm.h>

/* Stacks are outside .bss: nothing needs them zeroed. The arch's entry code finds them here. */
char hyp_stacks[PT_MAX_CPUS][HYP_STACK_SIZE] __aligned(16) __section(".noinit.stacks");
struct pcpu pcpus[PT_MAX_CPUS];
uint64_t hyp_start_ticks;

void cfg_check(void);         /* cfg.c */

static void __noreturn primary_main(void)
{
	struct pcpu *me = this_cpu();

	arch_mmu_init();
	arch_irq_init();
	arch_cpu_init(me);
	vms_init();
	sched_init();

	for (unsigned i = 0; i < pt_config.ncpus; i++) {
		if (i == me->index || !pcpus[i].vcpu)
			continue;   /* pCPUs no VM uses are never started */
		arch_cpu_start(i);
	}
	sched_cpu_start();
	vcpu_idle();
}

/* The arch's entry point calls this on the boot CPU, on a borrowed stack. */
void boot_primary(void)
{
	unsigned me;

	hyp_start_ticks = timer_now();
	printk("partita: system '%s', %u VM%s\n", pt_config.system, pt_config.nvms,
	       pt_config.nvms == 1 ? "" : "s");
	cfg_check();

	me = arch_cpu_boot_index();
	for (unsigned i = 0; i < pt_config.ncpus; i++) {
		pcpus[i].index = i;
		pcpus[i].stack_top = (uint64_t)(uintptr_t)hyp_stacks[i + 1];
	}
	/* Leave the borrowed boot stack (it may belong to another pCPU). */
	arch_cpu_bind(&pcpus[me]);
	arch_stack_reset(primary_main);
}

/* ... and this on every other pCPU arch_cpu_start() started. */
void boot_secondary(uint64_t index)
{
	arch_cpu_init(&pcpus[index]);
	sched_cpu_start();
	arch_stack_reset(vcpu_idle);
}
