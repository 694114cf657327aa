/*
 * The riscv64 guest's attacks (the AArch64 ones are attack/'s and irq.c's irq-attack; this
 * build's irq-attack is riscv64/irq.c's; fresh and restart-dirty are atk_reset.c's, sbi-garbage=,
 * sbi-harts, hsm-race= and hsm-entry atk_sbi.c's, plic-sweep and uart-sweep atk_plic.c's,
 * mmio-alias, mmio-alias-x and amo-window atk_mmu.c's; regs= is regs.c's):
 *
 *   csr-probe   read CSRs that are not S-mode's: M-mode's (mstatus, mhartid, mtvec, pmpcfg0),
 *               the hypervisor's (hstatus, hgatp, hedeleg) and the VS copies (vsstatus, vsatp).
 *               Each read either traps (an illegal instruction, taken and skipped: "trap 2") or
 *               gives a value: "csr-probe: NAME trap 2" / "csr-probe: NAME = VALUE", then
 *               "csr-probe: N of M trapped". Natively (HS-mode with the H extension) the M-mode
 *               ones trap and the H-mode ones read; in a VM every one must trap.
 *   plic-ctx-by-hart   from here on, each CPU's PLIC context is 2 x its hart id + 1, as a guest
 *               built for QEMU's virt board (Bao's) computes it, not the device tree's:
 *               "plic-ctx-by-hart: cpu 0 context C".
 */
#include "../guest.h"
#include "../uart.h"
#include "rvplat.h"
#include "trap.h"

static volatile uint64_t trapped_cause;

/* Take the probe's exception: note it and step over the 4-byte CSR instruction. */
static int skip(struct trap_frame *f)
{
	trapped_cause = f->scause;
	f->sepc += 4;
	return 1;
}

#define CSRS(X) \
	X(mstatus, 0x300) X(mhartid, 0xf14) X(mtvec, 0x305) X(pmpcfg0, 0x3a0) \
	X(hstatus, 0x600) X(hgatp, 0x680) X(hedeleg, 0x602) X(vsstatus, 0x200) X(vsatp, 0x280)

static void csr_probe(void)
{
	unsigned n = 0, traps = 0;
	uint64_t v;

	trap_hook = skip;
#define PROBE(name, num) \
	trapped_cause = ~0ul; \
	v = 0; \
	__asm__ volatile(".option push\n.option norvc\ncsrr %0, " #num "\n.option pop" \
			 : "+r"(v) : : "memory"); \
	n++; \
	if (trapped_cause != ~0ul) { \
		traps++; \
		line("csr-probe: " #name " trap ", trapped_cause, 0, "\n"); \
	} else { \
		line("csr-probe: " #name " = ", v, 1, "\n"); \
	}
	CSRS(PROBE)
#undef PROBE
	trap_hook = 0;
	line("csr-probe: ", traps, 0, "");
	line(" of ", n, 0, " trapped\n");
}

int rv_attack_command(const char *w, const char **a)
{
	if (word_is(w, "csr-probe", a)) {
		csr_probe();
		return 1;
	}
	if (word_is(w, "plic-ctx-by-hart", a)) {
		/* As guests built for one board do (Bao's): each CPU's PLIC context is 2 x its hart
		 * id + 1, the board's S-mode context, whatever the device tree says. */
		for (unsigned c = 0; c < ncpus && c < MAX_CPUS; c++)
			plic_ctx[c] = (int)(2 * cpu_hart[c] + 1);
		line("plic-ctx-by-hart: cpu 0 context ", (uint64_t)plic_ctx[0], 0, "\n");
		return 1;
	}
	return rv_reset_command(w, a) || rv_sbi_command(w, a) || rv_plic_command(w, a) ||
	       rv_regs_command(w, a) || rv_mmu_command(w, a);
}
