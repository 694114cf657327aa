/*
 * What one boot of a VM leaves behind must not reach its next boot: a restarted VM starts as
 * clean as a fresh one (and another VM could be restarted on the same pCPU one day).
 *
 * restart-regs: boot 1 first checks that it starts clean ("reset-fresh: ..."), then plants
 * non-zero values in every EL1/EL0 register it can write (harmless ones: the MMU stays off,
 * debug events stay masked, the timer's interrupt masked), in the FP/SIMD registers and in a
 * RAM page, and writes outside its RAM: the hypervisor restarts it. Boot 2 (PT_HVC_VM_BOOTS
 * says so) runs the same check ("reset-check: N registers checked, K dirty", naming each dirty
 * one). It must be the first command: nothing may take an exception or touch FP before it.
 * Expected everywhere: 0, but SCTLR_EL1 (its RES1 bits, 0x30d00800) and CNTV_CTL_EL0's
 * ISTATUS (ignored: UNKNOWN while the timer is off).
 *
 * restart-irq: boot 1 takes a timer interrupt and faults inside the handler, after the
 * acknowledge and before the EOI, with its running priority raised. Boot 2 prints the running
 * priority (0xff: idle), the active priorities (0) and the highest pending interrupt (1023:
 * none); the next command (tick=...) shows that its interrupts work.
 */
#include "attack.h"
#include "exc.h"
#include "gic.h"
#include "guest.h"
#include "irq.h"
#include "regcheck.h"
#include "uart.h"

#define SCTLR_RESET   0x30d00800ull
/* UCI, nTWE, nTWI, UCT, DZE, I, SA0, C: nothing that matters to EL1 with the MMU off. */
#define SCTLR_PLANT   (SCTLR_RESET | (1ull << 26) | (1ull << 18) | (1ull << 16) | (1ull << 15) | \
		       (1ull << 14) | (1ull << 12) | (1ull << 4) | (1ull << 2))
#define DIRTY_PAGE    0x43000000ul
#define FP_BYTES      (32 * 16 + 16)

void fp_save(void *buf);
void fp_load(const void *buf);

/* register, value after a (re)start, value boot 1 plants */
#define REGS(X) \
	X(sctlr_el1, SCTLR_RESET, SCTLR_PLANT) \
	X(cpacr_el1, 0, 3ull << 20) \
	X(tcr_el1, 0, 0xa03520ull) \
	X(ttbr0_el1, 0, 0x40abc000ull) \
	X(ttbr1_el1, 0, 0x40def000ull) \
	X(mair_el1, 0, 0x44ff04ff00ull) \
	X(amair_el1, 0, 1) \
	X(contextidr_el1, 0, 0x1234) \
	X(csselr_el1, 0, 2) \
	X(tpidr_el1, 0, 0x1111) \
	X(tpidr_el0, 0, 0x2222) \
	X(tpidrro_el0, 0, 0x3333) \
	X(esr_el1, 0, 0x96000045ull) \
	X(far_el1, 0, 0xdead000ull) \
	X(par_el1, 0, 0x800) \
	X(afsr0_el1, 0, 1) \
	X(afsr1_el1, 0, 1) \
	X(mdscr_el1, 0, (1ull << 15) | (1ull << 13)) \
	X(dbgbvr0_el1, 0, 0x40001000ull) \
	X(dbgbcr0_el1, 0, 0x1e7) \
	X(dbgwvr0_el1, 0, 0x40002000ull) \
	X(dbgwcr0_el1, 0, 0x1ff9) \
	X(pmcr_el0, 0, 1) \
	X(pmcntenset_el0, 0, 1ull << 31) \
	X(pmccntr_el0, 0, 0x12345) \
	X(cntkctl_el1, 0, 3) \
	X(cntv_cval_el0, 0, 0xffffffffffffull) \
	X(sp_el0, 0, 0x40001230ull) \
	X(elr_el1, 0, 0x40001234ull) \
	X(spsr_el1, 0, 0x3c5) \
	X(vbar_el1, 0, 0)   /* planted by exc_install(): our vectors */

static void check(const char *tag)
{
	static uint8_t fp[FP_BYTES] __attribute__((aligned(16)));
	static const char *const fp_names[] = { "fpcr", "fpsr" };
	char qname[4] = "q00";
	volatile uint64_t *page = (volatile uint64_t *)DIRTY_PAGE;
	uint64_t ram = 0;

	check_begin(tag);
	check_reg("", "sp_el1 at entry", entry_sp, 0);
#define CHECK(r, reset, plant) check_reg("", #r, SYSREG_READ(r), reset);
	REGS(CHECK)
#undef CHECK
	check_reg("", "cntv_ctl_el0", SYSREG_READ(cntv_ctl_el0) & 3, 0);   /* not ISTATUS */
	SYSREG_WRITE(cpacr_el1, 3ull << 20);   /* FPEN: we may look at FP/SIMD now */
	ISB();
	fp_save(fp);
	for (unsigned q = 0; q < 32; q++) {
		const uint64_t *w = (const uint64_t *)(fp + 16 * q);
		qname[1] = (char)('0' + q / 10), qname[2] = (char)('0' + q % 10);
		check_reg("", qname, w[0] | w[1], 0);
	}
	for (unsigned i = 0; i < 2; i++)
		check_reg("", fp_names[i], ((const uint64_t *)(fp + 512))[i], 0);
	for (unsigned i = 0; i < 512; i++)
		ram |= page[i];
	check_reg("", "ram page 0x43000000", ram, 0);
	check_end();
	putc('\n');
}

static void plant(void)
{
	static uint8_t fp[FP_BYTES] __attribute__((aligned(16)));
	volatile uint64_t *page = (volatile uint64_t *)DIRTY_PAGE;

#define PLANT(r, reset, value) SYSREG_WRITE(r, value);
	REGS(PLANT)
#undef PLANT
	SYSREG_WRITE(cntv_ctl_el0, 3);   /* enabled, interrupt masked */
	exc_install();
	ISB();
	for (unsigned i = 0; i < FP_BYTES; i++)
		fp[i] = (uint8_t)(i * 7 + 1);
	((uint64_t *)(fp + 512))[0] = 0x3c00000;   /* FPCR: RMode, FZ, DN */
	((uint64_t *)(fp + 512))[1] = 0x1f;        /* FPSR: every cumulative flag */
	fp_load(fp);
	for (unsigned i = 0; i < 512; i++)
		page[i] = 0x5a5a5a5a5a5a5a5aull ^ i;
}

/* Boot 1 or 2 of a restart test; anything else (no PT_HVC_VM_BOOTS) is said and skipped. */
static int64_t which_boot(const char *what)
{
	int64_t boots = vm_boots();

	if (boots != 1 && boots != 2) {
		puts(what);
		line(": boot count ", (uint64_t)boots, 0, ", expected 1 or 2: skipped\n");
	}
	return boots;
}

static void fault(const char *what)
{
	puts(what);
	line(": writing to ", OUTSIDE_RAM, 1, "\n");
	*(volatile uint32_t *)OUTSIDE_RAM = 0xdeadbeef;
	puts(what);
	puts(": still running after the fault!\n");
}

void atk_restart_regs(const char *arg)
{
	(void)arg;
	switch (which_boot("restart-regs")) {
	case 1:
		check("reset-fresh");
		plant();
		fault("restart-regs");
		break;
	case 2:
		check("reset-check");
		break;
	}
}

static void fault_in_irq(unsigned intid)
{
	(void)intid;
	line("restart-irq: in the handler, running priority ", gic_rpr(), 1, "\n");
	fault("restart-irq");
}

void atk_restart_irq(const char *arg)
{
	(void)arg;
	switch (which_boot("restart-irq")) {
	case 1:
		irq_ack_hook = fault_in_irq;
		irq_ticks(1, 1, ticks_per_ms, 0);
		irq_ack_hook = 0;
		puts("restart-irq: no interrupt came\n");
		break;
	case 2:
		if (gic_v2) {   /* the same from the GICv2 CPU interface (group 0) */
			line("restart-irq: boot 2, rpr ", *gicc(GICC_RPR), 1, "");
			line(" apr0 ", *gicc(GICC_APR0), 1, "");
			line(" hppir ", *gicc(GICC_HPPIR) & 0x3ff, 1, "\n");
			break;
		}
		SYSREG_WRITE(icc_sre_el1, 7);
		ISB();
		line("restart-irq: boot 2, rpr ", SYSREG_READ(icc_rpr_el1), 1, "");
		line(" ap1r0 ", SYSREG_READ(icc_ap1r0_el1), 1, "");
		line(" hppir1 ", SYSREG_READ(icc_hppir1_el1), 1, "\n");
		break;
	}
}
