/*
 * Cache and TLB maintenance a guest may legitimately issue, issued hostilely: as much as it can,
 * while the victim runs. None of it may reach beyond the attacker's own pCPU and memory.
 *
 * setway=PASSES  DC ISW / CSW / CISW on every set and way of every data or unified cache level
 *                (CLIDR_EL1, CCSIDR_EL1 through CSSELR_EL1), PASSES times. A bare invalidate
 *                of a shared level would throw away other VMs' (and the hypervisor's) dirty
 *                lines; the hypervisor traps these and makes them safe.
 * tlbi-flood=N   N rounds of local TLBI VMALLE1 / VAE1 / VALE1 / ASIDE1, IC IALLU and DC CIVAC
 *                on its own RAM: with HCR_EL2.FB off they stay on its pCPU.
 * wfx-storm=N    N rounds of SEVL+WFE, WFI with an interrupt pending (masked at PSTATE, so WFI
 *                must return at once, trapped or not) and SEV.
 */
#include "attack.h"
#include "gic.h"
#include "guest.h"
#include "irq.h"
#include "uart.h"

static unsigned log2_up(uint64_t n)
{
	unsigned k = 0;

	while ((1ull << k) < n)
		k++;
	return k;
}

void atk_setway(const char *arg)
{
	const char *end;
	uint64_t passes = number(arg, &end), clidr = SYSREG_READ(clidr_el1), ops = 0;
	unsigned levels = 0;

	for (uint64_t p = 0; p < passes; p++)
		for (unsigned level = 0; level < 7; level++) {
			unsigned ctype = (unsigned)(clidr >> (3 * level)) & 7;
			uint64_t ccsidr, sets, ways, line_shift, way_shift;

			if (ctype == 0)
				break;
			if (ctype < 2)   /* instruction cache only */
				continue;
			SYSREG_WRITE(csselr_el1, level << 1);
			ISB();
			ccsidr = SYSREG_READ(ccsidr_el1);
			line_shift = (ccsidr & 7) + 4;
			ways = ((ccsidr >> 3) & 0x3ff) + 1;
			sets = ((ccsidr >> 13) & 0x7fff) + 1;
			way_shift = 32 - log2_up(ways);
			if (!p)
				levels++;
			for (uint64_t w = 0; w < ways; w++)
				for (uint64_t s = 0; s < sets; s++) {
					uint64_t v = (ways > 1 ? w << way_shift : 0) |
						     s << line_shift | level << 1;
					__asm__ volatile("dc isw, %0; dc csw, %0; dc cisw, %0"
							 : : "r"(v) : "memory");
					ops += 3;
				}
		}
	__asm__ volatile("dsb sy; isb" ::: "memory");
	line("setway: ", levels, 0, " data cache levels, ");
	line("", ops, 0, " set/way operations done\n");
}

void atk_tlbi_flood(const char *arg)
{
	const char *end;
	uint64_t n = number(arg, &end), page = GUEST_RAM_BASE + 0x100000;

	for (uint64_t i = 0; i < n; i++) {
		uint64_t va = page + ((i & 63) << 12);
		__asm__ volatile("tlbi vmalle1\n\t"
				 "tlbi vae1, %0\n\t"
				 "tlbi vale1, %0\n\t"
				 "tlbi aside1, xzr\n\t"
				 "ic iallu\n\t"
				 "dc civac, %1\n\t"
				 "dsb nsh\n\t"
				 "isb"
				 : : "r"(va >> 12), "r"(va) : "memory");
	}
	line("tlbi-flood: ", n, 0, " rounds done\n");
}

void atk_wfx_storm(const char *arg)
{
	const char *end;
	uint64_t n = number(arg, &end);

	irq_setup();
	irqs_off();
	gic_enable(0, INTID_VTIMER, 0x80);
	/* CVAL 0: the timer condition holds at once and stays; its interrupt stays pending. */
	SYSREG_WRITE(cntv_cval_el0, 0);
	SYSREG_WRITE(cntv_ctl_el0, 1);
	ISB();
	for (uint64_t i = 0; i < n; i++)
		__asm__ volatile("sevl; wfe; wfi; sev" ::: "memory");
	SYSREG_WRITE(cntv_ctl_el0, 0);
	ISB();
	gic_disable(0, INTID_VTIMER);
	line("wfx-storm: ", n, 0, " rounds done\n");
	irqs_on();
}
