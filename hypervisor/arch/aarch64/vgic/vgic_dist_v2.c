/*
 * The virtual GICv2 distributor, for VMs on a GICv2 board (the GICD window; the CPU interface is
 * the hardware's virtual one, mapped at the VM's GICC address by stage 2).
 *
 * What differs from the GICv3 view (vgic_dist.c), whose helpers this shares:
 *  - the SGI and PPI registers (the first word of each bit register, IPRIORITYR 0..31,
 *    ITARGETSR 0..7, ICFGR 0..1) are banked: an access reaches the calling vCPU's own;
 *  - SPIs are routed by GICD_ITARGETSR, a CPU mask whose bits are vCPU indices. An SPI has one
 *    target here: the lowest bit set is taken (a 1-of-N set is a valid GICv2 implementation of
 *    "any of these"); a mask naming only CPUs outside the VM is ignored and reported;
 *  - SGIs are sent with GICD_SGIR and their pending state is also in CPENDSGIR/SPENDSGIR, with
 *    one source (CPU 0) shown;
 *  - one security state and every interrupt in group 0: IGROUPR is RAZ/WI, GICD_CTLR.EnableGrp0
 *    (bit 0) turns the VM's interrupts on.
 *
 * Access sizes follow the GICv2 spec: 32-bit everywhere, IPRIORITYR, ITARGETSR, CPENDSGIR and
 * SPENDSGIR also 8-bit. Anything else is the guest's fault (false: the caller reports it).
 */
#include <arch/gic.h>
#include <arch/vgic.h>
#include <hyp/vm.h>

#define GICD_CTLR        0x000
#define GICD_TYPER       0x004
#define GICD_IIDR        0x008
#define GICD_IGROUPR     0x080
#define GICD_BITS        0x100   /* ISENABLER .. ICACTIVER, 0x100..0x3ff */
#define GICD_BITS_END    0x400
#define GICD_IPRIORITYR  0x400
#define GICD_ITARGETSR   0x800
#define GICD_ICFGR       0xc00
#define GICD_ICFGR_END   0xd00
#define GICD_SGIR        0xf00
#define GICD_CPENDSGIR   0xf10
#define GICD_SPENDSGIR   0xf20
#define GICD_SGI_END     0xf30
#define GICD_PIDR2       0xfe8

#define ISPENDR          0x200
#define ICPENDR          0x280
#define CTLR_GRP1_ON     BIT(1)   /* vgic.ctlr's "interrupts on" bit, shared with GICv3 */
#define IIDR_PARTITA     0x0100043bu
#define PIDR2_GICV2      0x2b
#define ICFGR0_SGIS      0xaaaaaaaau

static uint32_t typer(const struct vm *vm)
{
	/* ITLinesNumber, CPUNumber (vCPUs - 1); no Security Extensions. */
	return (vgic_lines(vm) / 32 - 1) | (vm->cfg->ncpus - 1) << 5;
}

static uint8_t target_of(struct vcpu *v, uint32_t intid)
{
	struct vm *vm = v->vm;
	int i;

	if (intid < VGIC_PRIV)
		return (uint8_t)(1u << v->index);   /* "this CPU", as a GIC answers */
	i = vgic_spi_index(vm, intid);
	if (i >= 0)
		return (uint8_t)(1u << READ_ONCE(VGIC(vm).spi[i].target));
	if (intid < vgic_lines(vm))
		return (uint8_t)(1u << READ_ONCE(VGIC(vm).shadow.route[intid]));
	return 0;
}

static void itargetsr(struct vcpu *v, uint32_t first, bool write, uint64_t *val, unsigned size)
{
	uint64_t out = 0;

	for (unsigned b = 0; b < size; b++) {
		uint32_t intid = first + b;
		uint8_t mask = (uint8_t)(*val >> (8 * b));

		if (!write) {
			out |= (uint64_t)target_of(v, intid) << (8 * b);
			continue;
		}
		if (intid < VGIC_PRIV || intid >= vgic_lines(v->vm))
			continue;   /* read-only / beyond the lines shown */
		if (!mask)
			continue;   /* "no CPU": keep the current target, nothing else is meaningful */
		/* The lowest CPU named; vgic_dist_route reports one outside the VM. */
		vgic_dist_route(v, intid, (unsigned)__builtin_ctz(mask));
	}
	if (!write)
		*val = out;
}

/* CPENDSGIR / SPENDSGIR: a byte per SGI, a bit per source CPU; shown as source 0. */
static void sgi_pending(struct vcpu *v, uint64_t off, bool write, uint64_t *val, unsigned size)
{
	bool set = off >= GICD_SPENDSGIR;
	unsigned first = (unsigned)(off - (set ? GICD_SPENDSGIR : GICD_CPENDSGIR));
	uint32_t bits = 0;

	if (!write) {
		uint32_t pend = vgic_read_bits(v, ISPENDR, 0);
		uint64_t out = 0;

		for (unsigned b = 0; b < size; b++)
			if (pend & (1u << (first + b)))
				out |= 1ull << (8 * b);
		*val = out;
		return;
	}
	for (unsigned b = 0; b < size; b++)
		if ((uint8_t)(*val >> (8 * b)))
			bits |= 1u << (first + b);
	if (bits)
		vgic_write_bits(v, v, set ? ISPENDR : ICPENDR, 0, bits);
}

static void ctlr_write(struct vcpu *v, uint32_t val)
{
	struct vm *vm = v->vm;

	vgic_lock(&VGIC(vm));
	VGIC(vm).ctlr_v2 = val & 3;
	VGIC(vm).ctlr = val & 1 ? CTLR_GRP1_ON : 0;
	vgic_direct_refresh(vm);
	vgic_unlock(&VGIC(vm));
	vgic_kick_others(v);
}

bool vgic_dist_v2_access(struct vcpu *v, uint64_t off, bool write, uint64_t *val, unsigned size)
{
	struct vm *vm = v->vm;
	bool bytes_ok = (off >= GICD_IPRIORITYR && off < GICD_ICFGR) ||
			(off >= GICD_CPENDSGIR && off < GICD_SGI_END);

	vgic_sync(v);   /* pending state the LRs hold shows, and can be cleared */
	if (size != 4 && !(size == 1 && bytes_ok))
		return false;

	if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) {
		uint32_t first = (uint32_t)(off - GICD_IPRIORITYR);

		if (first < VGIC_PRIV)
			vgic_private_priority(v, v, first, write, val, size);   /* banked */
		else
			vgic_dist_priority(v, first, write, val, size);
		return true;
	}
	if (off >= GICD_ITARGETSR && off < GICD_ICFGR) {
		itargetsr(v, (uint32_t)(off - GICD_ITARGETSR), write, val, size);
		return true;
	}
	if (off >= GICD_CPENDSGIR && off < GICD_SGI_END) {
		sgi_pending(v, off, write, val, size);
		return true;
	}
	if (off >= GICD_IGROUPR && off < GICD_BITS) {   /* everything is group 0 */
		if (!write)
			*val = 0;
		return true;
	}
	if (off >= GICD_BITS && off < GICD_BITS_END) {
		unsigned reg = (unsigned)off & ~0x7fu;
		uint32_t first = 32 * (uint32_t)((off & 0x7f) / 4);

		/* Word 0 is banked: the SGIs and PPIs of the calling vCPU. */
		if (write)
			vgic_write_bits(v, v, reg, first, (uint32_t)*val);
		else
			*val = vgic_read_bits(v, reg, first);
		return true;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR_END) {
		uint32_t first = 16 * (uint32_t)((off - GICD_ICFGR) / 4);
		uint32_t out;

		if (first < VGIC_PRIV)   /* SGIs edge, PPIs level: fixed */
			out = first == 0 ? ICFGR0_SGIS : 0;
		else
			out = vgic_dist_icfgr(vm, first, write, (uint32_t)*val);
		if (!write)
			*val = out;
		return true;
	}
	if (write) {
		if (off == GICD_CTLR)
			ctlr_write(v, (uint32_t)*val);
		else if (off == GICD_SGIR)
			vgic_sgir(v, (uint32_t)*val);
		return true;   /* everything else is read-only or RAZ/WI */
	}
	switch (off) {
	case GICD_CTLR:  *val = READ_ONCE(VGIC(vm).ctlr_v2); break;
	case GICD_TYPER: *val = typer(vm); break;
	case GICD_IIDR:  *val = IIDR_PARTITA; break;
	case GICD_PIDR2: *val = PIDR2_GICV2; break;
	default:         *val = 0;   /* SGIR (write-only) and the rest */
	}
	return true;
}
