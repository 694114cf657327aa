/*
 * Per-pCPU EL2 setup: the registers every pCPU programs for itself before it runs a vCPU, and
 * the pCPU's life around them (which one boots, starting the others, sleeping, the stack).
 */
#include <arch/cpu.h>
#include <arch/frame.h>
#include <arch/gic.h>
#include <arch/mmu.h>
#include <arch/sysreg.h>
#include <hyp/arch.h>

void secondary_entry(void);   /* boot.S */
extern char hyp_vectors_shared[];   /* vectors.S */

struct pcpu *this_cpu(void)
{
	return cpu_here();
}

int cpu_index_of_mpidr(uint64_t mpidr)
{
	mpidr &= 0xff00ffffffull;   /* affinity fields only (drop U, MT and the RES1 bit) */
	for (unsigned i = 0; i < pt_config.ncpus && i < PT_MAX_CPUS; i++)
		if (pt_config.cpu_mpidr[i] == mpidr)
			return (int)i;
	return -1;
}

unsigned arch_cpu_boot_index(void)
{
	int me = cpu_index_of_mpidr(sysreg_read(mpidr_el1));

	if (me < 0)
		panic("boot CPU MPIDR 0x%lx is not in the board's CPU list",
		      sysreg_read(mpidr_el1));
	return (unsigned)me;
}

void arch_cpu_bind(struct pcpu *c)
{
	sysreg_write(tpidr_el2, c);
}

/* PMU and debug trapped (arch/sysreg.h); HPMD only where PMUv3p1 defines it (RES0 before). */
static uint64_t mdcr_value(void)
{
	unsigned pmuver = (unsigned)(sysreg_read(id_aa64dfr0_el1) >> 8) & 0xf;
	uint64_t v = (sysreg_read(mdcr_el2) & MDCR_HPMN_MASK) | MDCR_GUEST;

	if (pmuver >= 4 && pmuver != 0xf)
		v |= MDCR_HPMD;
	return v;
}

void arch_cpu_init(struct pcpu *c)
{
	sysreg_write(tpidr_el2, c);
	mmu_enable();

	sysreg_write(hcr_el2, HCR_GUEST);
	sysreg_write(vtcr_el2, VTCR_VALUE);
	sysreg_write(cptr_el2, CPTR_EL2_VALUE);
	sysreg_write(mdcr_el2, mdcr_value());
	sysreg_write(cnthctl_el2, CNTHCTL_EL2_VALUE);
	/* Zero virtual offset: guests see the physical count (and timing measurements stay exact). */
	sysreg_write(cntvoff_el2, 0);
	sysreg_write(vpidr_el2, sysreg_read(midr_el1));
	isb();
	/* Nothing a previous owner of this CPU left in the EL1&0 TLBs may survive. */
	__asm__ volatile("tlbi alle1" : : : "memory");
	dsb(ish);
	isb();

	gic_init_cpu(c->index);
}

void arch_cpu_start(unsigned cpu)
{
	int64_t r = psci_fw_cpu_on(pt_config.cpu_mpidr[cpu], (uint64_t)(uintptr_t)secondary_entry,
				   cpu);

	if (r != 0)
		panic("firmware CPU_ON of cpu %u (MPIDR 0x%lx) failed: %ld", cpu,
		      pt_config.cpu_mpidr[cpu], r);
}

/* A shared pCPU takes its interrupts through vectors that save the whole frame (vectors.S). */
void arch_cpu_shared(void)
{
	sysreg_write(vbar_el2, (uint64_t)(uintptr_t)hyp_vectors_shared);
	isb();
}

void arch_cpu_idle(void)
{
	cpu_idle_wait();
}

/* Idle code runs below the frame slot a later vCPU entry fills at the stack top. */
void arch_stack_reset(void (*fn)(void))
{
	stack_switch(cpu_here()->stack_top - FRAME_SIZE, fn);
}

void arch_system_off(void)
{
	psci_fw_system_off();
}
