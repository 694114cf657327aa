/*
 * The virtual redistributors (GICR window): one RD_base + SGI_base frame pair per vCPU, in vCPU
 * order, the last one flagged Last. Any vCPU of the VM may program any of the VM's frames (a
 * guest configures its secondaries' PPIs from the boot CPU, as real hardware allows).
 */
#include <arch/vgic.h>
#include <hyp/vm.h>

#define FRAME_STRIDE    0x20000
#define SGI_BASE        0x10000
#define GICR_CTLR       0x0000
#define GICR_IIDR       0x0004
#define GICR_TYPER      0x0008
#define GICR_WAKER      0x0014
#define GICR_PIDR2      0xffe8
#define SGI_BITS        0x0080   /* IGROUPR0 .. ICACTIVER0 */
#define SGI_BITS_END    0x0400
#define SGI_IPRIORITYR  0x0400
#define SGI_ICFGR0      0x0c00
#define SGI_ICFGR1      0x0c04

#define TYPER_LAST      BIT(4)
#define WAKER_PSLEEP    BIT(1)
#define WAKER_CASLEEP   BIT(2)
#define IIDR_PARTITA    0x0100043bu
#define PIDR2_GICV3     0x3b
#define ICFGR0_SGIS     0xaaaaaaaau   /* SGIs are edge, read-only */

static uint64_t typer(const struct vcpu *t)
{
	uint64_t ty = (uint64_t)t->index << 32 | (uint64_t)t->index << 8;

	if (t->index == t->vm->cfg->ncpus - 1)
		ty |= TYPER_LAST;
	return ty;
}

static bool rd_base(struct vcpu *t, uint64_t off, bool write, uint64_t *val, unsigned size)
{
	if (off == GICR_TYPER || off == GICR_TYPER + 4) {
		if (size == 8 && off != GICR_TYPER)
			return false;
		if (!write)
			*val = typer(t) >> (8 * (off - GICR_TYPER));
		return true;
	}
	if (size != 4)
		return false;
	if (off == GICR_WAKER) {
		/* The vCPU's interface never sleeps; the handshake just reflects what was asked. */
		if (write)
			WRITE_ONCE(VGIC_CPU(t).waker, (uint32_t)*val & WAKER_PSLEEP);
		else
			*val = READ_ONCE(VGIC_CPU(t).waker) ? WAKER_PSLEEP | WAKER_CASLEEP : 0;
		return true;
	}
	if (!write)
		*val = off == GICR_IIDR ? IIDR_PARTITA : off == GICR_PIDR2 ? PIDR2_GICV3 : 0;
	return true;   /* CTLR (no LPIs) and the rest: RAZ/WI */
}

/* Priorities of vCPU t's private INTIDs first.. (size bytes, all below 32), for vCPU v of its VM. */
void vgic_private_priority(struct vcpu *v, struct vcpu *t, unsigned first, bool write,
			   uint64_t *val, unsigned size)
{
	struct vgic *g = &VGIC(v->vm);
	uint64_t out = 0;

	vgic_lock(g);
	for (unsigned b = 0; b < size; b++) {
		if (write) {
			VGIC_CPU(t).prio[first + b] = (uint8_t)(*val >> (8 * b)) & VGIC_PRIO_MASK;
			vgic_direct_slot(v->vm, t, first + b);
		} else {
			out |= (uint64_t)VGIC_CPU(t).prio[first + b] << (8 * b);
		}
	}
	vgic_unlock(g);
	if (!write)
		*val = out;
}

static bool sgi_base(struct vcpu *v, struct vcpu *t, uint64_t off, bool write, uint64_t *val,
		     unsigned size)
{
	/* The whole access inside the 32 priority bytes (the decoder also aligned it). */
	if (off >= SGI_IPRIORITYR && off - SGI_IPRIORITYR + size <= VGIC_PRIV) {
		if (size != 1 && size != 4)
			return false;
		vgic_private_priority(v, t, (unsigned)(off - SGI_IPRIORITYR), write, val, size);
		return true;
	}
	if (size != 4)
		return false;
	if (off >= SGI_BITS && off < SGI_BITS_END && (off & 0x7f) == 0) {
		if (write)
			vgic_write_bits(v, t, (unsigned)off, 0, (uint32_t)*val);
		else
			*val = vgic_read_bits(t, (unsigned)off, 0);
		return true;
	}
	if (!write)
		*val = off == SGI_ICFGR0 ? ICFGR0_SGIS : 0;   /* PPIs: level */
	return true;   /* ICFGR, IGRPMODR0, NSACR: fixed */
}

bool vgic_redist_access(struct vcpu *v, uint64_t off, bool write, uint64_t *val, unsigned size)
{
	uint64_t frame = off / FRAME_STRIDE, in = off % FRAME_STRIDE;
	struct vcpu *t;

	vgic_sync(v);   /* pending state the LRs hold shows, and can be cleared */
	if (frame >= v->vm->cfg->ncpus) {
		if (!write)
			*val = 0;
		return true;
	}
	t = &v->vm->vcpus[frame];
	if (in >= SGI_BASE)
		return sgi_base(v, t, in - SGI_BASE, write, val, size);
	return rd_base(t, in, write, val, size);
}
