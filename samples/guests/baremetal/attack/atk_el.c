/*
 * Attacks on how the hypervisor handles exceptions and translation.
 *
 * t32-il: drop to EL0 in AArch32 Thumb state and load the vUART's FR with a 16-bit instruction
 * (ldr r1, [r0, #0x18]), then add 1 to r2 and SVC back to EL1. The load traps to the
 * hypervisor with ESR.IL = 0: it must resume 2 bytes on, not 4, or the add is skipped (r2 0)
 * and the guest runs from the middle of whatever follows. Expected: SVC taken, r1 0x90 (FR:
 * transmit FIFO empty, receive FIFO empty), r2 1.
 *
 * vbar-garbage: VBAR_EL1 outside its RAM, then an SVC: the exception's vector fetch faults at
 * stage 2; the VM is halted with an instruction-abort line.
 *
 * s1ptw[=IPA]: TTBR0_EL1 at IPA (default: outside its RAM; or in an emulated device window),
 * then the MMU on: the first instruction fetch needs a table walk, which faults at stage 2
 * (S1PTW). A walk is no device access to emulate: the VM is halted.
 */
#include "attack.h"
#include "exc.h"
#include "guest.h"
#include "mmu.h"
#include "uart.h"

#define SPSR_USR32_THUMB (0x10 | 0x20 | 0x1c0)   /* AArch32 User, Thumb, A/I/F masked */

/* In RAM, which EL0 may execute with the MMU off. */
static uint16_t t32_code[8] __attribute__((aligned(8))) = {
	0x6981,   /* ldr  r1, [r0, #0x18] */
	0x3201,   /* adds r2, #1 */
	0xdf00,   /* svc  #0 */
	0xe7fe,   /* b    . */
};

void atk_t32_il(const char *arg)
{
	uint64_t regs[17], esr;   /* all filled in by el0_exit */

	(void)arg;
	if ((SYSREG_READ(id_aa64pfr0_el1) & 0xf) != 2) {
		puts("t32-il: this CPU has no AArch32 at EL0\n");
		return;
	}
	exc_install();
	__asm__ volatile("dsb ish; ic iallu; dsb ish; isb" ::: "memory");
	esr = el0_call((uint64_t)t32_code, SPSR_USR32_THUMB, VUART_WINDOW, regs);
	line("t32-il: exception EC ", ESR_EC(esr), 1, "");
	line(" at ", regs[16] - (uint64_t)t32_code, 1, "");
	line(", r1 ", regs[1], 1, "");
	line(", r2 ", regs[2], 0, "\n");
}

void atk_vbar_garbage(const char *arg)
{
	(void)arg;
	line("vbar-garbage: VBAR_EL1 ", OUTSIDE_RAM, 1, ", then svc #0\n");
	SYSREG_WRITE(vbar_el1, OUTSIDE_RAM);
	ISB();
	__asm__ volatile("svc #0" ::: "memory");
	puts("vbar-garbage: still running?!\n");
}

void atk_s1ptw(const char *arg)
{
	const char *end;
	uint64_t ttbr = *arg >= '0' && *arg <= '9' ? number(arg, &end) : OUTSIDE_RAM;

	line("s1ptw: TTBR0_EL1 ", ttbr, 1, ", MMU on\n");
	mmu_on_with(ttbr);
	puts("s1ptw: still running with the MMU on?!\n");
}
