/*
 * Per-hart HS-mode setup: what every pCPU programs for itself before it runs a vCPU, and the
 * pCPU's life around it (which one boots, starting the others, sleeping, the stack).
 *
 * What a guest may reach is decided here once per hart:
 *  - hedeleg: the exceptions a guest takes itself, at its own vector (misaligned accesses,
 *    breakpoints, illegal instructions, its user mode's ECALLs, its own page faults). Its
 *    ECALLs (SBI), guest-page faults and virtual-instruction exceptions come to HS-mode.
 *  - hideleg: its virtual software, timer and external interrupts.
 *  - hcounteren: the time CSR only. cycle and instret would tell a VM how busy a hart shared
 *    with another VM was; reading them is a virtual-instruction exception, made an illegal
 *    instruction in the guest (traps.c).
 *  - henvcfg: Sstc's vstimecmp is the guest's own (STCE), so its timer costs the hypervisor
 *    nothing; everything else (cache-block operations, PBMT) stays off.
 */
#include <arch/cpu.h>
#include <arch/csr.h>
#include <arch/frame.h>
#include <arch/mmu.h>
#include <arch/plic.h>
#include <arch/sbi.h>
#include <hyp/arch.h>

void secondary_entry(void);   /* boot.S */
uint64_t boot_hartid;         /* boot.S stores a0 there */

#define HEDELEG_GUEST ((1ul << EXC_INST_MISALIGNED) | (1ul << EXC_ILLEGAL_INST) | \
		       (1ul << EXC_BREAKPOINT) | (1ul << EXC_LOAD_MISALIGNED) | \
		       (1ul << EXC_STORE_MISALIGNED) | (1ul << EXC_ECALL_U) | \
		       (1ul << EXC_INST_PAGE_FAULT) | (1ul << EXC_LOAD_PAGE_FAULT) | \
		       (1ul << EXC_STORE_PAGE_FAULT))

struct pcpu *this_cpu(void)
{
	return cpu_here();
}

unsigned arch_cpu_boot_index(void)
{
	for (unsigned i = 0; i < pt_config.ncpus && i < PT_MAX_CPUS; i++)
		if (pt_config.cpu_hwid[i] == boot_hartid)
			return i;
	panic("boot hart %lu is not in the board's CPU list", boot_hartid);
}

void arch_cpu_bind(struct pcpu *c)
{
	__asm__ volatile("mv tp, %0" : : "r"(c) : "memory");
}

/*
 * G-stage TLB entries are tagged by VMID: VMs share a hart's TLB safely only if the hart keeps
 * enough VMID bits for every VM's id. Where it does not, a switch between VMs on a shared pCPU
 * flushes the G-stage instead (vcpu_ctx.c).
 */
bool vmid_tags_vms;

static void vmid_probe(void)
{
	uint64_t bits;

	csr_write(CSR_HGATP, HGATP_VMID_MASK << HGATP_VMID_SHIFT);
	bits = csr_read(CSR_HGATP) >> HGATP_VMID_SHIFT & HGATP_VMID_MASK;
	csr_write(CSR_HGATP, 0);
	vmid_tags_vms = true;
	for (unsigned i = 0; i < pt_config.nvms; i++)
		if (pt_config.vms[i].id & ~bits)
			vmid_tags_vms = false;
}

void arch_cpu_init(struct pcpu *c)
{
	struct pcpu_arch *a = pcpu_arch(c);

	arch_cpu_bind(c);
	a->hwid = (uint32_t)pt_config.cpu_hwid[c->index];
	a->plic_ctx = pt_config.plic_context[c->index];
	mmu_enable();

	csr_write(CSR_HEDELEG, HEDELEG_GUEST);
	csr_write(CSR_HIDELEG, IP_VS_ALL);
	csr_write(CSR_HCOUNTEREN, HCOUNTEREN_TM);
	csr_write(CSR_HENVCFG, has_sstc() ? HENVCFG_STCE : 0);
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HIE, 0);
	csr_write(CSR_HGEIE, 0);
	vmid_probe();
	/* sret to the guest: VS-mode (SPV), its accesses as supervisor by default (SPVP); VSXL is
	 * the hart's (read-only on QEMU, 64-bit). Every trap-control bit (VTW, VTSR, VTVM) off:
	 * WFI and satp are the guest's own. */
	a->hstatus_guest = (csr_read(CSR_HSTATUS) & HSTATUS_VSXL) | HSTATUS_SPV | HSTATUS_SPVP;
	csr_write(CSR_HSTATUS, a->hstatus_guest);
	if (has_sstc())
		csr_write(CSR_STIMECMP, ~0ull);
	/* Nothing a previous owner of this hart left in its guest TLBs may survive. */
	hfence_gvma_all();
	hfence_vvma_all();
	/* HS-mode's own interrupts: kicks (SSIP from the firmware's IPI), its timer, the PLIC.
	 * sstatus.SIE stays 0: they are taken while a guest runs, or polled when idle. */
	csr_write(CSR_SIE, (1ul << IRQ_SSI) | (1ul << IRQ_STI) | (1ul << IRQ_SEI));
	plic_init_cpu(a->plic_ctx);
}

void arch_cpu_start(unsigned cpu)
{
	int64_t r = sbi_fw_hart_start(pt_config.cpu_hwid[cpu],
				      (uint64_t)(uintptr_t)secondary_entry, cpu);

	if (r != 0)
		panic("SBI hart_start of cpu %u (hart %lu) failed: %ld", cpu, pt_config.cpu_hwid[cpu],
		      r);
}

/* Every trap saves the whole frame on RISC-V: a shared pCPU needs nothing else. */
void arch_cpu_shared(void)
{
}

void arch_cpu_idle(void)
{
	wfi();   /* sstatus.SIE = 0: an enabled interrupt only ends the wait (arch_irq_idle) */
}

void arch_stack_reset(void (*fn)(void))
{
	stack_switch(cpu_here()->stack_top - FRAME_SIZE, fn);
}

void arch_system_off(void)
{
	sbi_fw_shutdown();
}
