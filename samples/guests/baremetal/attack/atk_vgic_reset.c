/*
 * restart-vgic (a VM with 2 vCPUs, on_fault: restart): boot 1 checks that its virtual GIC and
 * vUART start clean ("vgic-fresh: ..."), then programs everything it owns: the distributor
 * (CTLR, its vUART's SPI 33 enabled, prioritised, pending, active, routed to vCPU 1), both
 * redistributors (every SGI/PPI enabled, prioritised, pending, some active, WAKER asleep), both
 * CPU interfaces (PMR, group enable, binary point, EOI mode, and an interrupt acknowledged and
 * never ended, so that a priority stays active) and the vUART's registers; then it writes
 * outside its RAM. Boot 2 runs the same check ("vgic-reset: N registers checked, K dirty").
 *
 * Expected: GICD_CTLR 0x50 (ARE and DS, which read as one), everything else 0, the running
 * priorities idle (0xff) and nothing pending (1023); except what this guest's own start-up of
 * vCPU 1 (irq_secondary) sets before any command runs: SGIs 1 and 4 enabled at priority 0x80 in
 * frame 1, and vCPU 1's PMR/enables. The binary point's reset value is the CPU interface's
 * minimum: it is printed, for the test to compare across the two boots.
 *
 * On a GICv2 the same with its registers: the distributor (CTLR, the vUART's SPI: enable,
 * priority, pending, active, GICD_ITARGETSR), each vCPU's banked distributor registers (SGI/PPI
 * enables, priorities, pending, active, GICD_SPENDSGIR), each CPU interface (GICC_CTLR, PMR,
 * BPR, RPR, APR0, HPPIR); a vCPU reaches only its own banked registers and CPU interface, so
 * vCPU 1 checks and programs its own. Expected: everything 0 (GICD_CTLR too), but the SGI enable
 * bits, which may read as one (GIC-400: SGIs are always enabled), the SPI's GICD_ITARGETSR, which
 * may show vCPU 0 (1), vCPU 1's start-up as above (its GICC_CTLR 1, PMR 0xff, compared in the
 * implemented bits), idle running priorities (0xff), nothing pending (1023).
 */
#include "attack.h"
#include "gic.h"
#include "guest.h"
#include "irq.h"
#include "regcheck.h"
#include "uart.h"

#define SGI_BASE       0x10000
#define SPI_UART       33
#define SGI_HELD       7          /* acknowledged and never ended, in boot 1 */
#define FRAME1_ENABLED ((1u << 1) | (1u << SGI_WAKE))   /* irq_secondary's SGI_PING, SGI_WAKE */

/*
 * Device registers through mmio_read/mmio_write only: the compiler turns a C loop over volatile
 * pointers into loads and stores with writeback, which have no syndrome (the hypervisor would
 * rightly halt us).
 */
static uint32_t rd32(uint64_t addr) { return (uint32_t)mmio_read(addr, 4); }
static void wr32(uint64_t addr, uint32_t v) { mmio_write(addr, 4, v); }
static uint64_t frame_base(unsigned f) { return GICR_WINDOW + GICR_FRAME * f; }

static volatile uint64_t cpu1_icc[3];
static volatile int cpu1_done;

static void read_cpu1(uint64_t cpu)
{
	(void)cpu;
	cpu1_icc[0] = SYSREG_READ(icc_rpr_el1);
	cpu1_icc[1] = SYSREG_READ(icc_ap1r0_el1);
	cpu1_icc[2] = SYSREG_READ(icc_hppir1_el1) & 0xffffff;
	cpu1_done = 1;
}

static void check_v2(const char *tag);
static void plant_v2(void);

static void check(const char *tag)
{
	static const char *const frame[2] = { "gicr0 ", "gicr1 " };
	static const char *const prio[8] = {
		"ipriorityr0", "ipriorityr1", "ipriorityr2", "ipriorityr3",
		"ipriorityr4", "ipriorityr5", "ipriorityr6", "ipriorityr7",
	};
	uint64_t bpr1;

	if (gic_v2) {
		check_v2(tag);
		return;
	}
	check_begin(tag);
	check_reg("gicd ", "ctlr", rd32(GICD_WINDOW + 0x0000), 0x50);
	check_reg("gicd ", "isenabler1", rd32(GICD_WINDOW + 0x0104), 0);
	check_reg("gicd ", "ispendr1", rd32(GICD_WINDOW + 0x0204), 0);
	check_reg("gicd ", "isactiver1", rd32(GICD_WINDOW + 0x0304), 0);
	check_reg("gicd ", "ipriorityr8", rd32(GICD_WINDOW + 0x0400 + 4 * (SPI_UART / 4)), 0);
	check_reg("gicd ", "irouter33", mmio_read(GICD_WINDOW + 0x6000 + 8 * SPI_UART, 8), 0);
	for (unsigned f = 0; f < 2; f++) {
		uint32_t enabled = f ? FRAME1_ENABLED : 0;

		check_reg(frame[f], "waker", rd32(frame_base(f) + 0x0014), 0);
		check_reg(frame[f], "isenabler0", rd32(frame_base(f) + SGI_BASE + 0x100), enabled);
		check_reg(frame[f], "ispendr0", rd32(frame_base(f) + SGI_BASE + 0x200), 0);
		check_reg(frame[f], "isactiver0", rd32(frame_base(f) + SGI_BASE + 0x300), 0);
		for (unsigned i = 0; i < 8; i++) {
			uint32_t expect = 0;
			for (unsigned b = 0; b < 4; b++)
				if (enabled & (1u << (4 * i + b)))
					expect |= 0x80u << (8 * b);
			check_reg(frame[f], prio[i], rd32(frame_base(f) + SGI_BASE + 0x400 + 4 * i), expect);
		}
	}
	SYSREG_WRITE(icc_sre_el1, 7);
	ISB();
	check_reg("", "icc_pmr_el1", SYSREG_READ(icc_pmr_el1), 0);
	check_reg("", "icc_igrpen1_el1", SYSREG_READ(icc_igrpen1_el1), 0);
	check_reg("", "icc_ctlr_el1 eoimode/cbpr", SYSREG_READ(icc_ctlr_el1) & 3, 0);
	check_reg("", "icc_rpr_el1", SYSREG_READ(icc_rpr_el1), 0xff);
	check_reg("", "icc_ap1r0_el1", SYSREG_READ(icc_ap1r0_el1), 0);
	check_reg("", "icc_hppir1_el1", SYSREG_READ(icc_hppir1_el1) & 0xffffff, 1023);
	bpr1 = SYSREG_READ(icc_bpr1_el1);
	cpu1_done = 0;
	run_on(1, read_cpu1);
	for (uint64_t end = vcount() + 100 * ticks_per_ms; !cpu1_done && vcount() < end;)
		relax();
	check_reg("vcpu 1 ", "icc_rpr_el1", cpu1_icc[0], 0xff);
	check_reg("vcpu 1 ", "icc_ap1r0_el1", cpu1_icc[1], 0);
	check_reg("vcpu 1 ", "icc_hppir1_el1", cpu1_icc[2], 1023);
	check_reg("uart ", "imsc", rd32(VUART_WINDOW + 0x38), 0);
	check_reg("uart ", "cr", rd32(VUART_WINDOW + 0x30), 0x300);
	check_reg("uart ", "ifls", rd32(VUART_WINDOW + 0x34), 0x12);
	check_reg("uart ", "lcr_h", rd32(VUART_WINDOW + 0x2c), 0);
	check_reg("uart ", "ibrd", rd32(VUART_WINDOW + 0x24), 0);
	check_reg("uart ", "fbrd", rd32(VUART_WINDOW + 0x28), 0);
	/* The binary point's reset value is the interface's minimum: the test compares boots. */
	check_end();
	line(", bpr1 ", bpr1, 1, "\n");
}

/* This vCPU's CPU interface: everything set, and SGI_HELD left active. */
static void plant_icc(void)
{
	irqs_off();
	SYSREG_WRITE(icc_sre_el1, 7);
	SYSREG_WRITE(icc_pmr_el1, 0xff);
	SYSREG_WRITE(icc_igrpen1_el1, 1);
	ISB();
	gic_enable(my_cpu(), SGI_HELD, 0x10);
	gic_sgi_to(my_cpu(), SGI_HELD);
	for (unsigned i = 0; i < 1000 && gic_ack() != SGI_HELD; i++)
		;
	SYSREG_WRITE(icc_pmr_el1, 0x40);
	SYSREG_WRITE(icc_bpr1_el1, 4);
	SYSREG_WRITE(icc_ctlr_el1, 2);   /* EOImode */
	ISB();
}

static volatile int cpu1_planted;

static void plant_cpu1(uint64_t cpu)
{
	(void)cpu;
	plant_icc();
	line("restart-vgic: vcpu 1 running priority ", SYSREG_READ(icc_rpr_el1), 1, "\n");
	cpu1_planted = 1;
	for (;;)   /* interrupts stay masked here until the VM restarts */
		wait_irq();
}

static void plant(void)
{
	if (gic_v2) {
		plant_v2();
		return;
	}
	irq_setup();
	cpu1_planted = 0;
	run_on(1, plant_cpu1);
	while (!cpu1_planted)
		relax();
	plant_icc();
	line("restart-vgic: vcpu 0 running priority ", SYSREG_READ(icc_rpr_el1), 1, "\n");
	wr32(GICD_WINDOW + 0x0000, 0x3);
	wr32(GICD_WINDOW + 0x0104, 1u << (SPI_UART - 32));
	mmio_write(GICD_WINDOW + 0x0400 + SPI_UART, 1, 0xa0);
	wr32(GICD_WINDOW + 0x0204, 1u << (SPI_UART - 32));
	wr32(GICD_WINDOW + 0x0304, 1u << (SPI_UART - 32));
	mmio_write(GICD_WINDOW + 0x6000 + 8 * SPI_UART, 8, 1);
	for (unsigned f = 0; f < 2; f++) {
		wr32(frame_base(f) + 0x0014, 2);
		wr32(frame_base(f) + SGI_BASE + 0x100, ~0u);
		for (unsigned i = 0; i < 8; i++)
			wr32(frame_base(f) + SGI_BASE + 0x400 + 4 * i, 0x90909090u);
		wr32(frame_base(f) + SGI_BASE + 0x200, ~0u);
		wr32(frame_base(f) + SGI_BASE + 0x300, 0x00ff0000u);
	}
	wr32(VUART_WINDOW + 0x38, 0x7ff);
	wr32(VUART_WINDOW + 0x2c, 0x70);
	wr32(VUART_WINDOW + 0x24, 13);
	wr32(VUART_WINDOW + 0x28, 1);
	wr32(VUART_WINDOW + 0x34, 0x3f);
	wr32(VUART_WINDOW + 0x30, 0x301);
}

void atk_restart_vgic(const char *arg)
{
	int64_t boots = vm_boots();

	(void)arg;
	if (ncpus < 2) {
		puts("restart-vgic: needs 2 vCPUs\n");
		return;
	}
	if (boots == 1) {
		check("vgic-fresh");
		plant();
		line("restart-vgic: writing to ", OUTSIDE_RAM, 1, "\n");
		*(volatile uint32_t *)OUTSIDE_RAM = 0xdeadbeef;
		puts("restart-vgic: still running after the fault!\n");
	} else if (boots == 2) {
		check("vgic-reset");
	} else {
		line("restart-vgic: boot count ", (uint64_t)boots, 0, ", expected 1 or 2: skipped\n");
	}
}

/* ---- GICv2 ---- */

#define GICC_EOIMODE (1u << 9)

static volatile int v2_done;

/* This vCPU's banked GICD registers and CPU interface (vCPU 1: as its start-up left them). */
static void check_own(uint64_t cpu)
{
	static const char *const prefix[2] = { "vcpu 0 ", "vcpu 1 " };
	static const char *const prio[8] = {
		"ipriorityr0", "ipriorityr1", "ipriorityr2", "ipriorityr3",
		"ipriorityr4", "ipriorityr5", "ipriorityr6", "ipriorityr7",
	};
	static const char *const spend[4] = { "spendsgir0", "spendsgir1", "spendsgir2", "spendsgir3" };
	const char *pre = prefix[cpu & 1];
	uint32_t enabled = cpu ? FRAME1_ENABLED : 0, v;

	v = rd32(GICD_WINDOW + GICD_ISENABLER);
	if ((v & 0xffff) == 0xffff)   /* SGIs always enabled */
		v = (v & ~0xffffu) | enabled;
	check_reg(pre, "isenabler0", v, enabled);
	check_reg(pre, "ispendr0", rd32(GICD_WINDOW + GICD_ISPENDR), 0);
	check_reg(pre, "isactiver0", rd32(GICD_WINDOW + GICD_ISACTIVER), 0);
	for (unsigned i = 0; i < 8; i++) {
		uint32_t expect = 0;
		for (unsigned b = 0; b < 4; b++)
			if (enabled & (1u << (4 * i + b)))
				expect |= 0x80u << (8 * b);
		check_reg(pre, prio[i], rd32(GICD_WINDOW + GICD_IPRIORITYR + 4 * i), expect);
	}
	for (unsigned i = 0; i < 4; i++)
		check_reg(pre, spend[i], rd32(GICD_WINDOW + GICD_SPENDSGIR + 4 * i), 0);
	check_reg(pre, "gicc_ctlr", rd32(gicc_base + GICC_CTLR), cpu ? 1 : 0);
	/* In its implemented bits (5 or more): 0xff may read 0xf8. */
	check_reg(pre, "gicc_pmr", rd32(gicc_base + GICC_PMR) | 7, cpu ? 0xff : 7);
	check_reg(pre, "gicc_rpr", rd32(gicc_base + GICC_RPR), 0xff);
	check_reg(pre, "gicc_apr0", rd32(gicc_base + GICC_APR0), 0);
	check_reg(pre, "gicc_hppir", rd32(gicc_base + GICC_HPPIR) & 0x3ff, 1023);
	v2_done = 1;
}

static void check_v2(const char *tag)
{
	unsigned n = uart_intid / 32, b = uart_intid % 4;
	uint32_t bpr, v;

	check_begin(tag);
	check_reg("gicd ", "ctlr", rd32(GICD_WINDOW + GICD_CTLR), 0);
	check_reg("gicd ", "isenabler (uart)", rd32(GICD_WINDOW + GICD_ISENABLER + 4 * n), 0);
	check_reg("gicd ", "ispendr (uart)", rd32(GICD_WINDOW + GICD_ISPENDR + 4 * n), 0);
	check_reg("gicd ", "isactiver (uart)", rd32(GICD_WINDOW + GICD_ISACTIVER + 4 * n), 0);
	check_reg("gicd ", "ipriorityr (uart)",
		  rd32(GICD_WINDOW + GICD_IPRIORITYR + 4 * (uart_intid / 4)) >> (8 * b) & 0xff, 0);
	/* Never programmed: 0 on a GIC-400; a vGIC may show where it delivers (vCPU 0): 1. */
	v = rd32(GICD_WINDOW + GICD_ITARGETSR + 4 * (uart_intid / 4)) >> (8 * b) & 0xff;
	check_reg("gicd ", "itargetsr (uart)", v == 1 ? 0 : v, 0);
	bpr = rd32(gicc_base + GICC_BPR);
	check_own(0);
	/* The distributor on (a GICv2 forwards no SGI without it), for vCPU 1's wake-up SGI. */
	irq_setup();
	v2_done = 0;
	run_on(1, check_own);
	for (uint64_t end = vcount() + 100 * ticks_per_ms; !v2_done && vcount() < end;)
		relax();
	if (!v2_done)
		check_reg("vcpu 1 ", "answered", 0, 1);
	check_reg("uart ", "imsc", rd32(VUART_WINDOW + 0x38), 0);
	check_reg("uart ", "cr", rd32(VUART_WINDOW + 0x30), 0x300);
	check_reg("uart ", "ifls", rd32(VUART_WINDOW + 0x34), 0x12);
	check_reg("uart ", "lcr_h", rd32(VUART_WINDOW + 0x2c), 0);
	check_reg("uart ", "ibrd", rd32(VUART_WINDOW + 0x24), 0);
	check_reg("uart ", "fbrd", rd32(VUART_WINDOW + 0x28), 0);
	check_end();
	line(", gicc_bpr ", bpr, 1, "\n");
}

/* This vCPU's CPU interface and banked distributor registers: everything set, SGI_HELD active. */
static void plant_own(void)
{
	unsigned me = my_cpu();

	irqs_off();
	wr32(gicc_base + GICC_CTLR, 1);
	wr32(gicc_base + GICC_PMR, 0xff);
	gic_enable(me, SGI_HELD, 0x10);
	gic_sgi_to(me, SGI_HELD);
	for (unsigned i = 0; i < 1000 && gic_ack() != SGI_HELD; i++)
		;
	wr32(gicc_base + GICC_PMR, 0x40);
	wr32(gicc_base + GICC_BPR, 4);
	wr32(gicc_base + GICC_CTLR, 1 | GICC_EOIMODE);
	wr32(GICD_WINDOW + GICD_ISENABLER, ~0u);
	for (unsigned i = 0; i < 8; i++)
		wr32(GICD_WINDOW + GICD_IPRIORITYR + 4 * i, 0x90909090u);
	wr32(GICD_WINDOW + GICD_ISPENDR, ~0u);
	for (unsigned i = 0; i < 4; i++)
		wr32(GICD_WINDOW + GICD_SPENDSGIR + 4 * i, ~0u);
	wr32(GICD_WINDOW + GICD_ISACTIVER, 0x00ff0000u);
	line("restart-vgic: vcpu ", me, 0, "");
	line(" running priority ", rd32(gicc_base + GICC_RPR), 1, "\n");
}

static void plant_cpu1_v2(uint64_t cpu)
{
	(void)cpu;
	plant_own();
	cpu1_planted = 1;
	for (;;)   /* interrupts stay masked here until the VM restarts */
		wait_irq();
}

static void plant_v2(void)
{
	unsigned n = uart_intid / 32;
	uint32_t bit = 1u << (uart_intid % 32);

	irq_setup();
	cpu1_planted = 0;
	run_on(1, plant_cpu1_v2);
	while (!cpu1_planted)
		relax();
	plant_own();
	wr32(GICD_WINDOW + GICD_CTLR, 0x3);
	wr32(GICD_WINDOW + GICD_ISENABLER + 4 * n, bit);
	mmio_write(GICD_WINDOW + GICD_IPRIORITYR + uart_intid, 1, 0xa0);
	wr32(GICD_WINDOW + GICD_ISPENDR + 4 * n, bit);
	wr32(GICD_WINDOW + GICD_ISACTIVER + 4 * n, bit);
	mmio_write(GICD_WINDOW + GICD_ITARGETSR + uart_intid, 1, 2);
	wr32(VUART_WINDOW + 0x38, 0x7ff);
	wr32(VUART_WINDOW + 0x2c, 0x70);
	wr32(VUART_WINDOW + 0x24, 13);
	wr32(VUART_WINDOW + 0x28, 1);
	wr32(VUART_WINDOW + 0x34, 0x3f);
	wr32(VUART_WINDOW + 0x30, 0x301);
}
