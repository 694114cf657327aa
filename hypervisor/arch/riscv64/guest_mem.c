/*
 * Reading guest memory the way the guest sees it, through its own translation (vsatp) and its
 * G-stage: HLVX.HU for instructions (execute permission, as the fetch needed) and HLV.D for
 * data. Used only where the hardware gives no other way: the instruction of a trapped MMIO
 * access when htinst is 0 (QEMU 7.2 reports none), and the hart mask a legacy SBI call passes
 * by address. A guest can make either fault (another vCPU changing its page tables in between):
 * the fault comes to HS-mode itself, where hyp_trap (panic.c) resumes at the fixup label below,
 * and the read fails; nothing else in HS-mode may fault.
 */
#include <arch/cpu.h>
#include <arch/vcpu.h>

static bool hlvx_hu(uint64_t va, uint32_t *out)
{
	struct pcpu_arch *a = pcpu_arch(cpu_here());
	uint64_t val = 0, tmp;

	a->fixup_cause = 0;
	/* MXR: an execute-only page reads too, as HLVX's fetch permission promises (QEMU 7.2
	 * checks HLVX like a load). Only around this read: HLV.D below stays a plain load. */
	csr_set(CSR_SSTATUS, SSTATUS_MXR);
	__asm__ volatile("la	%1, 1f\n\t"
			 "sd	%1, 0(%2)\n\t"
			 "hlvx.hu %0, (%3)\n"
			 "1:\n\t"
			 "sd	zero, 0(%2)"
			 : "+&r"(val), "=&r"(tmp) : "r"(&a->fixup), "r"(va) : "memory");
	csr_clear(CSR_SSTATUS, SSTATUS_MXR);
	*out = (uint32_t)val;
	return a->fixup_cause == 0;
}

bool guest_read_u64(uint64_t va, uint64_t *out)
{
	struct pcpu_arch *a = pcpu_arch(cpu_here());
	uint64_t val = 0, tmp;

	if (!IS_ALIGNED(va, 8))
		return false;
	a->fixup_cause = 0;
	__asm__ volatile("la	%1, 1f\n\t"
			 "sd	%1, 0(%2)\n\t"
			 "hlv.d	%0, (%3)\n"
			 "1:\n\t"
			 "sd	zero, 0(%2)"
			 : "+&r"(val), "=&r"(tmp) : "r"(&a->fixup), "r"(va) : "memory");
	*out = val;
	return a->fixup_cause == 0;
}

/* The instruction at va: 16 bits, and 16 more unless it is a compressed one (low bits != 11). */
bool guest_read_insn(uint64_t va, uint32_t *insn, unsigned *len)
{
	uint32_t lo, hi;

	if (!IS_ALIGNED(va, 2) || !hlvx_hu(va, &lo))
		return false;
	if ((lo & 3) != 3) {
		*insn = lo & 0xffff;
		*len = 2;
		return true;
	}
	if (!hlvx_hu(va + 2, &hi))
		return false;
	*insn = (lo & 0xffff) | (hi & 0xffff) << 16;
	*len = 4;
	return true;
}
