/*
 * GICv2 (GIC-400) driver for the hypervisor's own needs, behind the same interface as the GICv3
 * one (arch/gic.h): the kick and carrier SGIs, the maintenance interrupt, the guests' physical
 * interrupts. The CPU interface is memory-mapped (GICC); its second 4 KiB page, where GICC_DIR
 * lives, is at gicc_pa + gic_page1 (0x10000 on the ZynqMP, whose GIC aliases each page over
 * 64 KiB).
 *
 * Groups: on a GIC without the Security Extensions (QEMU's, unless secure=on) every interrupt
 * stays in group 0, which the CPU interface signals as IRQ (FIQEn 0). On one with them the
 * hypervisor runs Non-secure, firmware has put everything in group 1, and the registers it sees
 * are the Non-secure views. The values written below mean the same in both: GICC_CTLR bit 0 is
 * "enable" and bit 9 the EOImode of that group, so EOI only drops the priority (EOImode 1) and a
 * guest's interrupt stays active until the guest deactivates it through a HW list register.
 *
 * SGIs carry their source CPU in GICC_IAR[12:10], and their EOI and deactivation must repeat it:
 * gic_ack() keeps it in the pCPU's sgi_source (IRQs stay masked at EL2, so the acknowledged SGI
 * is always the last one).
 */
#include <partita/config.h>
#include <arch/cpu.h>
#include <arch/gic.h>
#include <arch/sysreg.h>

#define GICD_CTLR          0x0000
#define GICD_TYPER         0x0004
#define TYPER_SECURITY_EXTN BIT(10)
#define GICD_ISENABLER     0x0100
#define GICD_ICENABLER     0x0180
#define GICD_IPRIORITYR    0x0400
#define GICD_ITARGETSR     0x0800
#define GICD_ICFGR         0x0c00
#define GICD_SGIR          0x0f00

#define GICC_CTLR          0x0000
#define GICC_PMR           0x0004
#define GICC_BPR           0x0008
#define GICC_IAR           0x000c
#define GICC_EOIR          0x0010
#define GICC_DIR           0x0000   /* in the second page */
#define GICC_CTLR_ENABLE   BIT(0)
#define GICC_CTLR_EOIMODE  BIT(9)

#define IAR_INTID(iar)     ((iar) & 0x3ff)
#define IAR_SOURCE(iar)    ((iar) & 0x1c00)


/* GICC's and GICH's bases, for the IRQ entry (irq_entry.S), which runs before any C. */
uint64_t gicc_base, gich_base;

/* GICD_ITARGETSR / GICD_SGIR CPU-interface bit of each pCPU: read by that pCPU at its init. */
static uint8_t cpu_bit[PT_MAX_CPUS];

const uint32_t gic_driver_version = PT_GIC_V2;

static inline volatile uint32_t *gicd(unsigned off)
{
	return (volatile uint32_t *)(uintptr_t)(pt_config.gicd_pa + off);
}

static inline volatile uint32_t *gicc(unsigned off)
{
	return (volatile uint32_t *)(uintptr_t)(pt_config.gicc_pa + off);
}

static inline volatile uint8_t *gicd8(unsigned off)
{
	return (volatile uint8_t *)(uintptr_t)(pt_config.gicd_pa + off);
}

void gic_init_dist(void)
{
	gicc_base = pt_config.gicc_pa;
	gich_base = pt_config.gich_pa;
	/* Until a pCPU reads its own bit, assume interface n is CPU n (true on every GIC-400 SoC). */
	for (unsigned c = 0; c < PT_MAX_CPUS; c++)
		cpu_bit[c] = (uint8_t)(1u << c);
	/* Enable both groups where there is no security (bit 1 is reserved in a Non-secure view). */
	*gicd(GICD_CTLR) = *gicd(GICD_CTLR) | 1u |
			   (*gicd(GICD_TYPER) & TYPER_SECURITY_EXTN ? 0u : 2u);
}

void gic_init_cpu(unsigned cpu)
{
	volatile uint8_t *prio = gicd8(GICD_IPRIORITYR);
	uint8_t me = *gicd8(GICD_ITARGETSR);   /* banked: reads as this CPU's own bit */

	if (cpu < PT_MAX_CPUS && me)
		cpu_bit[cpu] = me;
	/* The banked private interrupts, as on GICv3 (gicv3/gic.c). */
	*gicd(GICD_ICENABLER) = ~0u;
	gic_private_prios(prio);
	*gicd(GICD_ISENABLER) = gic_private_enabled();

	*gicc(GICC_PMR) = 0xff;
	*gicc(GICC_BPR) = 0;
	*gicc(GICC_CTLR) = GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE;
	dsb(sy);
}

void gic_spi_config(uint32_t intid, bool edge)
{
	uint32_t shift = 2 * (intid % 16);
	volatile uint32_t *cfg = gicd(GICD_ICFGR + 4 * (intid / 16));

	*gicd(GICD_ICENABLER + 4 * (intid / 32)) = 1u << (intid % 32);
	gicd8(GICD_IPRIORITYR)[intid] = PRIO_GUEST;
	*cfg = (*cfg & ~(3u << shift)) | ((edge ? 2u : 0u) << shift);
}

void gic_spi_route(uint32_t intid, unsigned cpu)
{
	if (intid >= 32 && cpu < PT_MAX_CPUS)
		gicd8(GICD_ITARGETSR)[intid] = cpu_bit[cpu];
}

/* SGIs and PPIs are banked per CPU: only the calling pCPU's can be reached (cpu is ignored). */
void gic_set_enable(uint32_t intid, unsigned cpu, bool on)
{
	(void)cpu;
	*gicd((on ? GICD_ISENABLER : GICD_ICENABLER) + 4 * (intid / 32)) = 1u << (intid % 32);
}

void gic_send_sgi(unsigned cpu, unsigned intid)
{
	dsb(ish);   /* the state change the kick announces must be visible first */
	if (cpu < PT_MAX_CPUS)
		*gicd(GICD_SGIR) = (uint32_t)cpu_bit[cpu] << 16 | (intid & 0xf);
}

uint32_t gic_ack(void)
{
	uint32_t iar = *gicc(GICC_IAR);

	dsb(sy);   /* the device state behind the interrupt is read after the acknowledge */
	pcpu_arch(cpu_here())->sgi_source = IAR_SOURCE(iar);
	return IAR_INTID(iar);
}

static uint32_t with_source(uint32_t intid)
{
	return intid < 16 ? intid | pcpu_arch(cpu_here())->sgi_source : intid;
}

void gic_eoi(uint32_t intid)
{
	*gicc(GICC_EOIR) = with_source(intid);
}

void gic_deactivate(uint32_t intid)
{
	*gicc((unsigned)pt_config.gic_page1 + GICC_DIR) = with_source(intid);
}
