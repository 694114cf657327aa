/*
 * Dispatch of the attack commands. Most are one word; those with '=' take an argument:
 *
 *   gicr-prio           over-long accesses at the end of its last vCPU's SGI priority array
 *                       (these and sweep=gicr say they are skipped on a GICv2: no GICR)
 *   gicr-prio-2vcpu     the same from vCPU 1 while vCPU 0 keeps the hypervisor busy
 *   sgi-garbage         ICC_SGI1R/ASGI1R/SGI0R (GICv2: GICD_SGIR) with every odd bit pattern;
 *                       count strays
 *   sgi-storm=N         vCPUs 0 and 1 send each other N SGIs as fast as they can
 *   sweep=WINDOW        every offset x every size of gicd, gicr or vuart, MMU on (Normal memory)
 *   cm-window           cache maintenance, acquire/release and prefetch on emulated windows,
 *                       then a load pair (contained by the hypervisor: the VM is halted)
 *   excl-window         a load-exclusive on the vUART (halted likewise)
 *   pmu, debug, actlr   registers that must read as zero and ignore writes
 *   impdef              IMPLEMENTATION DEFINED registers: each access must be UNDEFINED
 *   setway=PASSES       DC ISW/CSW/CISW over every set and way, PASSES times
 *   tlbi-flood=N        N rounds of local TLB, I-cache and D-cache maintenance
 *   wfx-storm=N         N rounds of WFE/SEV/WFI
 *   restart-regs        boot 1 dirties every register it can and faults; boot 2 checks them
 *   restart-irq         boot 1 faults inside an interrupt handler; boot 2 checks the GIC
 *   restart-vgic        boot 1 programs its whole vGIC and faults; boot 2 checks it is reset
 *   hvc-garbage         PSCI and Partita calls with garbage arguments
 *   psci-race=N         vCPU 1 switches itself off N times, vCPU 0 switches it on again
 *   log-flood           thousands of calls that each make the hypervisor log a line
 *   forge               terminal control sequences and a forged victim line on the console
 *   t32-il              a 16-bit Thumb load from the vUART at EL0 (ESR.IL = 0)
 *   vbar-garbage        VBAR_EL1 outside its RAM, then an exception
 *   s1ptw[=IPA]         TTBR0_EL1 outside its RAM (or at IPA), then the MMU on
 */
#include "attack.h"
#include "guest.h"
#include "uart.h"

static const struct {
	const char *word;
	void (*fn)(const char *arg);
} attacks[] = {
	{ "gicr-prio-2vcpu", atk_gicr_prio_2vcpu },
	{ "gicr-prio", atk_gicr_prio },
	{ "sgi-garbage", atk_sgi_garbage },
	{ "sgi-storm=", atk_sgi_storm },
	{ "sweep=", atk_sweep },
	{ "cm-window", atk_cm_window },
	{ "excl-window", atk_excl_window },
	{ "pmu", atk_pmu },
	{ "debug", atk_debug },
	{ "actlr", atk_actlr },
	{ "impdef", atk_impdef },
	{ "setway=", atk_setway },
	{ "tlbi-flood=", atk_tlbi_flood },
	{ "wfx-storm=", atk_wfx_storm },
	{ "restart-regs", atk_restart_regs },
	{ "restart-irq", atk_restart_irq },
	{ "restart-vgic", atk_restart_vgic },
	{ "hvc-garbage", atk_hvc_garbage },
	{ "psci-race=", atk_psci_race },
	{ "log-flood", atk_log_flood },
	{ "forge", atk_forge },
	{ "t32-il", atk_t32_il },
	{ "vbar-garbage", atk_vbar_garbage },
	{ "s1ptw=", atk_s1ptw },   /* arg: after the '=' */
	{ "s1ptw", atk_s1ptw },    /* arg: the word's end */
};

int atk_no_gicr(const char *who, const char *what)
{
	if (!gic_v2)
		return 0;
	puts(who);
	puts(": skipped, a GICv2 has no redistributor (it would check ");
	puts(what);
	puts(")\n");
	return 1;
}

int attack_command(const char *w, const char **a, uint64_t period, uint64_t tpm)
{
	(void)period;
	(void)tpm;
	for (unsigned i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++)
		if (word_is(w, attacks[i].word, a)) {
			attacks[i].fn(*a);
			return 1;
		}
	return 0;
}
