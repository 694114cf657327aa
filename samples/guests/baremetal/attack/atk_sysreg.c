/*
 * System registers a guest must not get at: each attack writes hostile values, uses what it
 * wrote, and prints what it reads back.
 *
 * pmu     the PMU is shared hardware that would count the hypervisor's and other VMs' work too
 *         (PMCCFILTR_EL0.NSH asks for EL2 cycles): it must read as zero, ignore writes
 * debug   breakpoints and watchpoints on its own code and data, with MDSCR_EL1.KDE/MDE set and
 *         debug exceptions unmasked: nothing may happen, everything reads 0 (not the claim tag
 *         registers: QEMU 7.2 does not implement them, an access is UNDEFINED before any trap)
 * actlr   ACTLR_EL1 (IMPLEMENTATION DEFINED controls of the real CPU): zero, writes ignored
 * impdef  IMPLEMENTATION DEFINED registers (op0 3, CRn 11 or 15): each access must be an
 *         UNDEFINED exception at our own EL1, at the instruction itself, which we skip
 */
#include "attack.h"
#include "exc.h"
#include "guest.h"
#include "uart.h"

void atk_pmu(const char *arg)
{
	uint64_t before, after, back;

	(void)arg;
	SYSREG_WRITE(pmuserenr_el0, 0xf);
	SYSREG_WRITE(pmccfiltr_el0, 1ull << 27);          /* NSH: count at EL2 as well */
	SYSREG_WRITE(pmselr_el0, 0);
	SYSREG_WRITE(pmxevtyper_el0, 0x11 | (1ull << 27)); /* CPU_CYCLES, EL2 too */
	SYSREG_WRITE(pmevtyper0_el0, 0x11 | (1ull << 27));
	SYSREG_WRITE(pmcr_el0, 0x7);                      /* E, reset event and cycle counters */
	SYSREG_WRITE(pmcntenset_el0, (1ull << 31) | 0x3f);
	ISB();
	before = SYSREG_READ(pmccntr_el0);
	for (unsigned i = 0; i < 100; i++)
		hvc_call(PSCI_VERSION, 0, 0, 0);
	after = SYSREG_READ(pmccntr_el0);
	line("pmu: cycles ", after - before, 0, "\n");
	back = SYSREG_READ(pmcr_el0) | SYSREG_READ(pmcntenset_el0) | SYSREG_READ(pmuserenr_el0) |
	       SYSREG_READ(pmccfiltr_el0) | SYSREG_READ(pmevcntr0_el0) | SYSREG_READ(pmxevcntr_el0) |
	       SYSREG_READ(pmevtyper0_el0) | SYSREG_READ(pmovsset_el0) | SYSREG_READ(pmceid0_el0) |
	       SYSREG_READ(pmintenset_el1) | after | before;
	line("pmu: registers read back ", back, 1, "\n");
	SYSREG_WRITE(pmcr_el0, 0);
	SYSREG_WRITE(pmcntenclr_el0, ~0ull);
}

static volatile uint64_t wp_data, debug_events;

static void __attribute__((noinline)) bp_target(void)
{
	__asm__ volatile("nop" ::: "memory");
}

/* A debug event did happen: count it and disarm everything so that we can go on. */
static int debug_hook(struct exc_frame *f)
{
	unsigned ec = ESR_EC(f->esr);

	if (ec != EC_BKPT_CUR && ec != EC_WATCH_CUR && ec != EC_STEP_CUR)
		return 0;
	debug_events++;
	SYSREG_WRITE(dbgbcr0_el1, 0);
	SYSREG_WRITE(dbgwcr0_el1, 0);
	SYSREG_WRITE(mdscr_el1, 0);
	ISB();
	return 1;
}

void atk_debug(const char *arg)
{
	uint64_t back;

	(void)arg;
	exc_install();
	sync_hook = debug_hook;
	SYSREG_WRITE(oslar_el1, 0);     /* OS lock off, OS double lock off */
	SYSREG_WRITE(osdlr_el1, 0);
	SYSREG_WRITE(dbgbvr0_el1, (uint64_t)bp_target);
	SYSREG_WRITE(dbgbcr0_el1, (0xfull << 5) | (3ull << 1) | 1);            /* E, EL1+EL0 */
	SYSREG_WRITE(dbgwvr0_el1, (uint64_t)&wp_data);
	SYSREG_WRITE(dbgwcr0_el1, (0xffull << 5) | (3ull << 3) | (3ull << 1) | 1); /* load+store */
	SYSREG_WRITE(mdccint_el1, ~0ull);
	SYSREG_WRITE(mdscr_el1, (1ull << 15) | (1ull << 13));                   /* MDE, KDE */
	ISB();
	__asm__ volatile("msr daifclr, #8" ::: "memory");   /* debug exceptions unmasked */
	bp_target();
	wp_data = wp_data + 1;
	__asm__ volatile("msr daifset, #8" ::: "memory");
	back = SYSREG_READ(dbgbvr0_el1) | SYSREG_READ(dbgbcr0_el1) | SYSREG_READ(dbgwvr0_el1) |
	       SYSREG_READ(dbgwcr0_el1) | SYSREG_READ(mdscr_el1) | SYSREG_READ(oslsr_el1) |
	       SYSREG_READ(mdrar_el1) | SYSREG_READ(mdccint_el1);
	SYSREG_WRITE(oslar_el1, 1);     /* and the OS lock on: must change nothing either */
	ISB();
	back |= SYSREG_READ(oslsr_el1);
	sync_hook = 0;
	line("debug: ", debug_events, 0, " debug exceptions, ");
	line("registers read back ", back, 1, "\n");
}

void atk_actlr(const char *arg)
{
	uint64_t before, after;

	(void)arg;
	before = SYSREG_READ(actlr_el1);
	SYSREG_WRITE(actlr_el1, ~0ull);
	ISB();
	after = SYSREG_READ(actlr_el1);
	line("actlr: ", before, 1, " before, ");
	line("", after, 1, " after writing all ones\n");
}

static volatile uint64_t undef_expected_pc, undef_taken, undef_wrong_pc;

static int undef_hook(struct exc_frame *f)
{
	if (ESR_EC(f->esr) != EC_UNKNOWN)
		return 0;
	undef_taken++;
	if (f->elr != undef_expected_pc)
		undef_wrong_pc++;
	f->elr += 4;
	return 1;
}

/* One access each, its address noted first so that the handler can check ELR_EL1. */
#define TRY_MRS(reg) do { \
	uint64_t v_ = 0, pc_; \
	__asm__ volatile("adr %1, 1f\n\tstr %1, [%2]\n1:\tmrs %0, " reg \
			 : "+r"(v_), "=&r"(pc_) : "r"(&undef_expected_pc) : "memory"); \
	tries++, values |= v_; \
} while (0)
#define TRY_MSR(reg) do { \
	uint64_t pc_; \
	__asm__ volatile("adr %0, 1f\n\tstr %0, [%1]\n1:\tmsr " reg ", %2" \
			 : "=&r"(pc_) : "r"(&undef_expected_pc), "r"(~0ull) : "memory"); \
	tries++; \
} while (0)

void atk_impdef(const char *arg)
{
	uint64_t tries = 0, values = 0;

	(void)arg;
	exc_install();
	sync_hook = undef_hook;
	TRY_MRS("S3_1_C15_C2_0");   /* CPUACTLR_EL1 on Cortex-A57 */
	TRY_MSR("S3_1_C15_C2_0");
	TRY_MRS("S3_1_C15_C2_1");   /* CPUECTLR_EL1 */
	TRY_MSR("S3_1_C15_C2_1");
	TRY_MRS("S3_1_C11_C0_2");   /* L2CTLR_EL1 */
	TRY_MSR("S3_1_C11_C0_2");
	TRY_MRS("S3_0_C11_C0_0");   /* nothing at all */
	TRY_MSR("S3_0_C11_C0_0");
	TRY_MRS("S3_7_C15_C15_7");
	TRY_MSR("S3_7_C15_C15_7");
	sync_hook = 0;
	line("impdef: ", tries, 0, " accesses, ");
	line("", undef_taken, 0, " undefined, ");
	line("", undef_wrong_pc, 0, " at a wrong PC, ");
	line("values read ", values, 1, "\n");
}
