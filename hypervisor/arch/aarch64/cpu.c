/*
 * Per-pCPU EL2 setup: the registers every pCPU programs for itself before it runs a vCPU.
 */
#include <hyp/cpu.h>
#include <hyp/gic.h>
#include <hyp/mmu.h>

struct pcpu pcpus[PT_MAX_CPUS];

int cpu_index_of_mpidr(uint64_t mpidr)
{
	mpidr &= 0xff00ffffffull;   /* affinity fields only (drop U, MT and the RES1 bit) */
	for (unsigned i = 0; i < pt_config.ncpus && i < PT_MAX_CPUS; i++)
		if (pt_config.cpu_mpidr[i] == mpidr)
			return (int)i;
	return -1;
}

/* PMU and debug trapped (hyp/sysreg.h); HPMD only where PMUv3p1 defines it (RES0 before). */
static uint64_t mdcr_value(void)
{
	unsigned pmuver = (unsigned)(sysreg_read(id_aa64dfr0_el1) >> 8) & 0xf;
	uint64_t v = (sysreg_read(mdcr_el2) & MDCR_HPMN_MASK) | MDCR_GUEST;

	if (pmuver >= 4 && pmuver != 0xf)
		v |= MDCR_HPMD;
	return v;
}

void cpu_init_el2(struct pcpu *c)
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
