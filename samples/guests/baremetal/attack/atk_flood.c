/*
 * log-flood: thousands of actions that each make the hypervisor log a line about this VM: 1600
 * unknown HVCs and 1600 unknown SMCs (kind "call"), 1600 CPU_ONs of CPUs it does not have
 * ("psci"), 400 SGIs to a CPU outside the VM ("vgic"; enabling an interrupt it does not own is
 * not logged: it only reaches the VM's own shadow of the GIC), 400 accesses to the EL1
 * physical timer ("sysreg"; and 400 PMU accesses, which are not logged at all: every OS touches
 * the PMU at start-up) and 400 misaligned reads of the distributor with the MMU on ("mmio").
 * The hypervisor must print the first few of each kind and count the rest, so that a VM cannot
 * drown the console (and stall everybody behind the console lock).
 */
#include "attack.h"
#include "gic.h"
#include "guest.h"
#include "mmu.h"
#include "uart.h"

void atk_log_flood(const char *arg)
{
	uint64_t sink = 0, daif = SYSREG_READ(daif);

	(void)arg;
	for (unsigned i = 0; i < 1600; i++)
		hvc_call(0xc2000000u + i, 0, 0, 0);
	for (unsigned i = 0; i < 1600; i++)
		smc_call(0xc2000000u + i, 0, 0, 0);
	for (unsigned i = 0; i < 1600; i++)
		hvc_call(PSCI_CPU_ON, 5 + i, (uint64_t)secondary_start, 0);
	for (unsigned i = 0; i < 400; i++)
		gic_sgi_to(5, 3);   /* vCPU 5: this VM has one */
	for (unsigned i = 0; i < 400; i++)
		sink += SYSREG_READ(pmccntr_el0);
	for (unsigned i = 0; i < 400; i++)
		sink += SYSREG_READ(cntp_ctl_el0);
	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	mmu_on();
	for (unsigned i = 0; i < 400; i++)
		sink += mmio_read(GICD_WINDOW + 0x101, 4);
	mmu_off();
	SYSREG_WRITE(daif, daif);
	line("log-flood: done, read ", sink, 1, "\n");
}
