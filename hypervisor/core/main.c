/*
 * Boot: the boot CPU checks the configuration, builds every translation table, loads every
 * guest, then starts exactly the pCPUs some VM uses. All pCPUs end up in vcpu_idle(), which
 * enters their vCPU once it is runnable and otherwise sleeps in WFI.
 */
#include <hyp/console.h>
#include <hyp/cpu.h>
#include <hyp/gic.h>
#include <hyp/mmu.h>
#include <hyp/sched.h>
#include <hyp/vm.h>

/* Stacks are outside .bss: nothing needs them zeroed. */
char hyp_stacks[PT_MAX_CPUS][HYP_STACK_SIZE] __aligned(16) __section(".noinit.stacks");

void secondary_entry(void);   /* boot.S */
void cfg_check(void);         /* cfg.c */

/* Idle code runs below the frame slot a later vcpu_arch_enter() fills at the stack top. */
static uint64_t idle_sp(struct pcpu *c)
{
	return c->stack_top - FRAME_SIZE;
}

static void __noreturn primary_main(void)
{
	struct pcpu *me = this_cpu();

	mmu_build_hyp_tables();
	gic_init_dist();
	cpu_init_el2(me);
	vms_init();
	sched_init();

	for (unsigned i = 0; i < pt_config.ncpus; i++) {
		if (i == me->index || !pcpus[i].vcpu)
			continue;   /* pCPUs no VM uses are never started */
		int64_t r = psci_fw_cpu_on(pt_config.cpu_mpidr[i],
					   (uint64_t)(uintptr_t)secondary_entry, i);
		if (r != 0)
			panic("firmware CPU_ON of cpu %u (MPIDR 0x%lx) failed: %ld", i,
			      pt_config.cpu_mpidr[i], r);
	}
	sched_cpu_start();
	vcpu_idle();
}

void boot_primary(void)
{
	printk("partita: system '%s', %u VM%s\n", pt_config.system, pt_config.nvms,
	       pt_config.nvms == 1 ? "" : "s");
	cfg_check();

	int me = cpu_index_of_mpidr(sysreg_read(mpidr_el1));
	if (me < 0)
		panic("boot CPU MPIDR 0x%lx is not in the board's CPU list",
		      sysreg_read(mpidr_el1));
	for (unsigned i = 0; i < pt_config.ncpus; i++) {
		pcpus[i].index = i;
		pcpus[i].stack_top = (uint64_t)(uintptr_t)hyp_stacks[i + 1];
	}
	/* Leave the borrowed boot stack (it may belong to another pCPU). */
	sysreg_write(tpidr_el2, &pcpus[me]);
	stack_switch(idle_sp(&pcpus[me]), primary_main);
}

void boot_secondary(uint64_t index)
{
	cpu_init_el2(&pcpus[index]);
	sched_cpu_start();
	stack_switch(idle_sp(&pcpus[index]), vcpu_idle);
}
