/*
 * Attacks on the virtual GIC's redistributors and SGI generation.
 *
 * gicr-prio: the priority bytes of a vCPU's SGIs and PPIs are GICR SGI_base + 0x400..0x41f, an
 * array of 32 bytes at the very end of the hypervisor's vCPU struct. An access that starts in
 * the array and runs past its end (4 bytes at +0x41d..+0x41f) once read and wrote the next
 * struct: the next vCPU's `vm` pointer, the victim's when this VM's last vCPU is right before
 * it. We read every size at +0x41c..+0x420 (everything must read 0: we never set those
 * priorities), write forged pointer bytes at the same places, put our own priorities back to 0,
 * and at the end read everything again. The forged bytes would point the victim's vCPU at a fake struct vm in this
 * VM's RAM, assuming the test layout (hypervisor at PA 0x40000000, 6 MiB; this VM's RAM right
 * after it, PA = IPA + 0x600000): the low three bytes 0xf00000 name IPA 0x40900000.
 *
 * On a GICv2 there are no redistributors (the SGI/PPI priorities are banked distributor
 * registers): the gicr-prio attacks say so and stop; sgi-garbage and sgi-storm use GICD_SGIR.
 */
#include "attack.h"
#include "gic.h"
#include "guest.h"
#include "irq.h"
#include "uart.h"

#define SGI_BASE     0x10000ul
#define PRIO_END     0x420ul    /* SGI_base offset just past IPRIORITYR0..7 */
#define PRIO_FROM    0x41cul
#define FAKE_VM_IPA  0x40900000ul
#define FAKE_PTR_LOW 0xf00000ull  /* low 3 bytes of FAKE_VM_IPA's PA in the test layout */
#define GICR_CHECKS  "that accesses at GICR SGI_base + 0x41c..0x420, past a vCPU's priority " \
		     "array, read 0 before and after writes, leaked 0x0"

static const unsigned sizes[] = { 4, 1, 2, 8 };   /* 4 first: the size of the old leak */

static uint64_t prio_reads(uint64_t base, unsigned size, const char *when)
{
	uint64_t got = 0;

	for (uint64_t off = PRIO_FROM; off <= PRIO_END; off++)
		got |= mmio_read(base + off, size);
	puts("gicr-prio: ");
	puts(when);
	line(" reads of size ", size, 0, "");
	line(" -> ", got, 1, "\n");
	return got;
}

/*
 * Size by size: reads, then writes of all ones and of the forged pointer bytes. Size 4 first:
 * those are the accesses a hypervisor with the old bug took, so they run before anything it
 * refused (and halted the VM for) could stop the attack.
 */
static void prio_overflow(unsigned frame)
{
	uint64_t base = GICR_WINDOW + GICR_FRAME * frame + SGI_BASE, leaked = 0;
	volatile uint64_t *fake = (volatile uint64_t *)FAKE_VM_IPA;

	/* A fake struct vm whose every field points back into it. */
	for (unsigned i = 0; i < 512; i++)
		fake[i] = FAKE_VM_IPA;
	line("gicr-prio: frame ", frame, 0, "\n");
	for (unsigned i = 0; i < 4; i++) {
		leaked |= prio_reads(base, sizes[i], "first");
		for (uint64_t off = PRIO_FROM; off <= PRIO_END; off++) {
			/* Pointer byte k sits at PRIO_END + k: shift the forged bytes there. */
			uint64_t forged = FAKE_PTR_LOW << (8 * (PRIO_END - off));
			mmio_write(base + off, sizes[i], ~0ull);
			mmio_write(base + off, sizes[i], forged);
		}
		/* Our own priorities back to 0, so that the next reads must give 0 again. */
		for (uint64_t off = PRIO_FROM; off < PRIO_END; off++)
			mmio_write(base + off, 1, 0);
	}
	for (unsigned i = 0; i < 4; i++)
		leaked |= prio_reads(base, sizes[i], "after writes,");
	line("gicr-prio: leaked ", leaked, 1, "\n");
}

void atk_gicr_prio(const char *arg)
{
	(void)arg;
	if (atk_no_gicr("gicr-prio", GICR_CHECKS))
		return;
	prio_overflow(ncpus - 1);
}

/* vCPU 0 keeps the hypervisor busy with its own frame and with calls while vCPU 1 attacks. */
static volatile int overflow_done;

static void overflow_on_1(uint64_t cpu)
{
	prio_overflow((unsigned)cpu);
	overflow_done = 1;
}

void atk_gicr_prio_2vcpu(const char *arg)
{
	uint64_t calls = 0, prio0 = GICR_WINDOW + SGI_BASE + 0x400;

	(void)arg;
	if (atk_no_gicr("gicr-prio-2vcpu", GICR_CHECKS " from vCPU 1 while vCPU 0 is busy"))
		return;
	if (ncpus < 2) {
		puts("gicr-prio-2vcpu: needs 2 vCPUs\n");
		return;
	}
	overflow_done = 0;
	run_on(1, overflow_on_1);
	while (!overflow_done) {
		hvc_call(PSCI_VERSION, 0, 0, 0);
		mmio_write(prio0 + (calls & 31), 1, calls << 3);
		calls++;
	}
	/* mmio_write: a C loop may become stores with writeback, which have no syndrome. */
	for (unsigned i = 0; i < 32; i++)
		mmio_write(prio0 + i, 1, 0);
	line("gicr-prio-2vcpu: vcpu 0 made ", calls, 0, " calls and priority writes meanwhile\n");
}

/*
 * sgi-garbage: ICC_SGI1R_EL1 with target fields naming nobody in this 1-vCPU VM (IRM, RS 15,
 * Aff1..3, the target list bits of other CPUs, all ones), each with every SGI number; then the
 * group-0 and alias registers, which a VM may not use at all. With its SGIs enabled, any SGI
 * that comes back to it is stray; the victim counts strays of its own.
 */
static const uint64_t sgi_patterns[] = {
	1ull << 40,                              /* IRM: everybody but me */
	(1ull << 40) | 0xffff,
	(15ull << 44) | 0xffff,                  /* RS 15: CPUs 240..255 */
	(1ull << 16) | 0xffff,                   /* Aff1 1 */
	(0xffull << 16) | 0xfffe,
	(0xffull << 32) | 0xffff,                /* Aff2 */
	(0xffull << 48) | 0xffff,                /* Aff3 */
	0xfffe,                                  /* CPUs 1..15 of cluster 0 */
	~(0xfull << 24),                         /* all ones */
	(0xfull << 44) | (1ull << 40) | (0xffull << 48),
	(0x3full << 58) | (0xfull << 28) | 0x8000,   /* RES0 bits too */
};
#define NPATTERNS (sizeof(sgi_patterns) / sizeof(sgi_patterns[0]))

/*
 * GICD_SGIR (GICv2): target list filter 01 (all but me), the reserved filter 11, target lists
 * naming CPU interfaces 1..7 only, with NSATT and the reserved bits [14:4] and [31:26] too. The
 * SGI number is or-ed in.
 */
static const uint32_t sgir_patterns[] = {
	1u << 24,                                /* everybody but me */
	(1u << 24) | (0xffu << 16),
	3u << 24,                                /* reserved filter */
	(3u << 24) | (0xffu << 16),
	0xfeu << 16,                             /* CPUs 1..7 */
	(0xfeu << 16) | (1u << 15),              /* NSATT */
	(0xfeu << 16) | (0x7ffu << 4),           /* reserved bits */
	(0x3fu << 26) | (0xfeu << 16),
	0xfffffff0u & ~(1u << 16) & ~(3u << 24), /* all ones, but me */
	(0x3fu << 26) | (1u << 24) | 0xfff0u,
};
#define NSGIR (sizeof(sgir_patterns) / sizeof(sgir_patterns[0]))

void atk_sgi_garbage(const char *arg)
{
	uint64_t n = 0;

	(void)arg;
	irq_setup();
	for (unsigned k = 0; k < 16; k++)
		gic_enable(0, k, 0x80);
	for (unsigned i = 0; gic_v2 && i < NSGIR; i++)
		for (uint32_t k = 0; k < 16; k++, n++)
			gic_sgir(sgir_patterns[i] | k);
	for (unsigned i = 0; !gic_v2 && i < NPATTERNS; i++)
		for (uint64_t k = 0; k < 16; k++, n++)
			gic_sgi((sgi_patterns[i] & ~(0xfull << 24)) | k << 24);
	for (unsigned i = 0; !gic_v2 && i < NPATTERNS; i++, n += 2) {
		uint64_t v = sgi_patterns[i] | 1;   /* ...and myself, in group 0 */
		__asm__ volatile("msr icc_asgi1r_el1, %0; isb" : : "r"(v));
		__asm__ volatile("msr icc_sgi0r_el1, %0; isb" : : "r"(v));
	}
	irq_ticks(1, 5, ticks_per_ms, 0);   /* 5 ms for anything to come back */
	line("sgi-garbage: ", n, 0, " SGIs written, ");
	line("", irq_strays(), 0, " stray interrupts\n");
	for (unsigned k = 0; k < 16; k++)
		gic_disable(0, k);
}

/* sgi-storm=N: vCPUs 0 and 1 send each other N SGIs each, as fast as the traps allow. */
#define SGI_STORM 5
static volatile uint64_t storm_got[2], storm_done;
static uint64_t storm_n;

static void storm_count(unsigned intid)
{
	if (intid == SGI_STORM)
		storm_got[my_cpu() & 1]++;
}

static void storm_send(uint64_t cpu)
{
	if (gic_v2)   /* its SGIs' enables are banked: only it reaches its own */
		gic_enable((unsigned)cpu, SGI_STORM, 0x80);
	for (uint64_t i = 0; i < storm_n; i++)
		gic_sgi_to((unsigned)!cpu, SGI_STORM);
	storm_done++;
}

void atk_sgi_storm(const char *arg)
{
	const char *end;

	storm_n = number(arg, &end);
	if (ncpus < 2) {
		puts("sgi-storm: needs 2 vCPUs\n");
		return;
	}
	irq_setup();
	irq_ack_hook = storm_count;
	gic_enable(0, SGI_STORM, 0x80);
	if (!gic_v2)
		gic_enable(1, SGI_STORM, 0x80);
	storm_done = 0;
	run_on(1, storm_send);
	storm_send(0);
	while (storm_done < 2)
		relax();
	irq_ticks(1, 1, ticks_per_ms, 0);   /* let the last ones arrive */
	irq_ack_hook = 0;
	line("sgi-storm: ", 2 * storm_n, 0, " SGIs sent, received ");
	line("", storm_got[0], 0, " on vcpu 0, ");
	line("", storm_got[1], 0, " on vcpu 1\n");
	puts(storm_got[0] && storm_got[1] ? "sgi-storm: both vCPUs were interrupted\n"
					  : "sgi-storm: an SGI never arrived\n");
}
