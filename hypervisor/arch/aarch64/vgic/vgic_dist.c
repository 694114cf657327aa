/*
 * The virtual GICv3 distributor (GICD window): the VM's SPIs only. (On a GICv2 board the window
 * is vgic_dist_v2.c's, which shares the priority, trigger and route helpers here.) Affinity routing is always on
 * (ARE RAO), there is one security state (DS RAO) and everything is group 1, so the
 * registers for INTIDs 0..31 are RAZ/WI here: those live in the redistributors.
 *
 * Access sizes follow the GICv3 spec: 32-bit everywhere, IPRIORITYR also 8-bit, IROUTER 64-bit
 * or 32-bit halves. Anything else is the guest's fault (false: the caller reports it).
 */
#include <arch/gic.h>
#include <arch/vgic.h>
#include <hyp/vm.h>

#define GICD_CTLR       0x0000
#define GICD_TYPER      0x0004
#define GICD_IIDR       0x0008
#define GICD_BITS       0x0080   /* IGROUPR .. ICACTIVER, 0x080..0x3ff */
#define GICD_BITS_END   0x0400
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR      0x0c00
#define GICD_ICFGR_END  0x0d00
#define GICD_IROUTER    0x6000
#define GICD_IROUTER_END 0x8000
#define GICD_PIDR2      0xffe8

#define CTLR_GRP1       BIT(1)
#define CTLR_ARE        BIT(4)
#define CTLR_DS         BIT(6)
#define IIDR_PARTITA    0x0100043bu   /* implementer Arm (JEP106 0x43b), product 1 */
#define PIDR2_GICV3     0x3b
#define IDBITS_10       (9u << 19)

static uint32_t typer(const struct vm *vm)
{
	/* ITLinesNumber N: INTIDs up to 32(N+1) - 1. */
	return IDBITS_10 | (vgic_lines(vm) / 32 - 1);
}

bool vgic_dist_priority(struct vcpu *v, uint32_t intid, bool write, uint64_t *val, unsigned size)
{
	struct vgic *g = &VGIC(v->vm);
	uint64_t out = 0;

	vgic_lock(g);
	for (unsigned b = 0; b < size; b++) {
		int i = vgic_spi_index(v->vm, intid + b);
		uint8_t byte = (uint8_t)(*val >> (8 * b));

		uint8_t *p;

		if (i >= 0)
			p = &g->spi[i].prio;
		else if (intid + b < vgic_lines(v->vm))
			p = &g->shadow.prio[intid + b];   /* not ours: read back, nothing else */
		else
			continue;
		if (write) {
			*p = byte & VGIC_PRIO_MASK;
			if (i >= 0)
				vgic_direct_slot(v->vm, v, VGIC_PRIV + (unsigned)i);
		} else
			out |= (uint64_t)*p << (8 * b);
	}
	vgic_unlock(g);
	if (!write)
		*val = out;
	return true;
}

/*
 * ICFGR: two bits per INTID, bit 1 set for edge. The trigger of the VM's own SPIs is the board's
 * (writes ignored); for the others the shadow keeps what was written.
 */
uint32_t vgic_dist_icfgr(struct vm *vm, uint32_t first, bool write, uint32_t val)
{
	struct vgic *g = &VGIC(vm);
	uint32_t out = 0;

	vgic_lock(g);
	for (unsigned k = 0; k < 16; k++) {
		uint32_t intid = first + k, bit = 2u << (2 * k);
		int i = vgic_spi_index(vm, intid);
		uint32_t *w = &g->shadow.cfg[intid / 16];

		if (i >= 0) {
			out |= g->spi[i].edge ? bit : 0;
		} else if (intid < vgic_lines(vm)) {
			if (write)
				*w = (*w & ~(2u << (2 * (intid % 16)))) | (val & bit ? 2u << (2 * (intid % 16)) : 0);
			out |= *w & (2u << (2 * (intid % 16))) ? bit : 0;
		}
	}
	vgic_unlock(g);
	return out;
}

void vgic_dist_route(struct vcpu *v, uint32_t intid, uint64_t aff)
{
	struct vm *vm = v->vm;
	struct vgic *g = &VGIC(vm);
	int i = vgic_spi_index(vm, intid);
	unsigned to;

	/* Virtual MPIDRs carry the vCPU index in Aff0 and nothing else; IRM (bit 31) unsupported. */
	to = (unsigned)(aff & 0xff);
	if (i < 0 && intid < vgic_lines(vm) && !(aff & ~0xffull) && to < vm->cfg->ncpus) {
		vgic_lock(g);
		g->shadow.route[intid] = (uint8_t)to;   /* not ours: read back, nothing else */
		vgic_unlock(g);
		return;
	}
	if ((aff & ~0xffull) || to >= vm->cfg->ncpus) {
		vm_note(v, LOG_VIRQ, "route of INTID %u to a CPU outside the VM — ignored", intid);
		return;
	}
	if (i < 0)
		return;   /* beyond the lines the VM is shown: RAZ/WI */
	vgic_lock(g);
	struct vgic_spi *s = &g->spi[i];
	uint64_t bit = BIT(VGIC_PRIV + (unsigned)i);
	struct vcpu *from = &vm->vcpus[s->target];

	if (VGIC_CPU(from).pending & bit) {
		VGIC_CPU(from).pending &= ~bit;
		VGIC_CPU(&vm->vcpus[to]).pending |= bit;
	}
	s->target = (uint8_t)to;
	vgic_direct_slot(vm, v, VGIC_PRIV + (unsigned)i);
	if (s->hw)
		gic_spi_route(intid, vm->vcpus[to].pcpu);
	vgic_unlock(g);
	vgic_kick_others(v);
}

static bool irouter(struct vcpu *v, uint64_t off, bool write, uint64_t *val, unsigned size)
{
	uint32_t intid = (uint32_t)((off - GICD_IROUTER) / 8);
	bool high = off & 4;
	int i = vgic_spi_index(v->vm, intid);

	if (size < 4 || (size == 8 && high))
		return false;
	if (!write) {
		if (high)
			*val = 0;
		else if (i >= 0)
			*val = VGIC(v->vm).spi[i].target;
		else
			*val = intid < vgic_lines(v->vm) ? VGIC(v->vm).shadow.route[intid] : 0;
		return true;
	}
	if (high) {
		if (*val)   /* Aff3: no vCPU has one */
			vm_note(v, LOG_VIRQ, "route of INTID %u to a CPU outside the VM — ignored", intid);
		return true;
	}
	vgic_dist_route(v, intid, *val);
	return true;
}

bool vgic_dist_access(struct vcpu *v, uint64_t off, bool write, uint64_t *val, unsigned size)
{
	struct vm *vm = v->vm;

	if (pt_config.gic_version == PT_GIC_V2)
		return vgic_dist_v2_access(v, off, write, val, size);
	vgic_sync(v);   /* pending state the LRs hold shows, and can be cleared */

	if (off >= GICD_IROUTER && off < GICD_IROUTER_END)
		return irouter(v, off, write, val, size);
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 1024) {
		if (size != 1 && size != 4)
			return false;
		return vgic_dist_priority(v, (uint32_t)(off - GICD_IPRIORITYR), write, val, size);
	}
	if (size != 4)
		return false;

	if (off >= GICD_BITS && off < GICD_BITS_END) {
		unsigned reg = (unsigned)off & ~0x7fu;
		uint32_t first = 32 * (uint32_t)((off & 0x7f) / 4);

		if (first == 0) {           /* private INTIDs: the redistributors' business */
			if (!write)
				*val = 0;
		} else if (write) {
			vgic_write_bits(v, v, reg, first, (uint32_t)*val);
		} else {
			*val = vgic_read_bits(v, reg, first);
		}
		return true;
	}
	if (off >= GICD_ICFGR + 8 && off < GICD_ICFGR_END) {   /* SPIs; SGIs/PPIs are in GICR */
		uint32_t out = vgic_dist_icfgr(vm, 16 * (uint32_t)((off - GICD_ICFGR) / 4), write, (uint32_t)*val);
		if (!write)
			*val = out;
		return true;
	}
	if (write) {
		if (off == GICD_CTLR) {
			vgic_lock(&VGIC(vm));
			VGIC(vm).ctlr = (uint32_t)*val & CTLR_GRP1;
			vgic_direct_refresh(vm);
			vgic_unlock(&VGIC(vm));
			vgic_kick_others(v);
		}
		return true;   /* everything else is read-only or RAZ/WI */
	}
	switch (off) {
	case GICD_CTLR:  *val = READ_ONCE(VGIC(vm).ctlr) | CTLR_ARE | CTLR_DS; break;
	case GICD_TYPER: *val = typer(vm); break;
	case GICD_IIDR:  *val = IIDR_PARTITA; break;
	case GICD_PIDR2: *val = PIDR2_GICV3; break;
	default:         *val = 0;
	}
	return true;
}
