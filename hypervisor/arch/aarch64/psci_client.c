/*
 * Calls to the firmware's PSCI (SMC from EL2): starting the pCPUs that VMs use and switching the
 * machine off when no VM is left.
 */
#include <arch/cpu.h>
#include <arch/psci.h>

static int64_t smc3(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	/* SMCCC: x4..x17 may be clobbered by the callee. */
	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
			   "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

int64_t psci_fw_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	return smc3(PSCI_CPU_ON | PSCI_64BIT, mpidr, entry, context);
}

void psci_fw_system_off(void)
{
	smc3(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)   /* firmware without SYSTEM_OFF: at least stop doing anything */
		cpu_idle_wait();
}
