/*
 * The one-bit-per-interrupt registers shared by the virtual distributor (SPIs) and the SGI frame
 * of the virtual redistributors (SGIs, PPIs): IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER.
 *
 * Every bit is checked against what the VM owns: a foreign interrupt reads as zero, and setting
 * its bit does nothing but log (rate limited).
 */
#include <hyp/cpu.h>
#include <hyp/gic.h>
#include <hyp/vgic.h>
#include <hyp/vm.h>

#define IGROUPR   0x080
#define ISENABLER 0x100
#define ICENABLER 0x180
#define ISPENDR   0x200
#define ICPENDR   0x280
#define ISACTIVER 0x300
#define ICACTIVER 0x380

/* Which vCPU holds INTID's state and in which slot. For a private INTID that is `t` itself. */
static bool resolve(struct vcpu *t, uint32_t intid, struct vcpu **owner, unsigned *slot)
{
	int i;

	if (intid < VGIC_PRIV) {
		*owner = t;
		*slot = intid;
		return true;
	}
	i = vgic_spi_index(t->vm, intid);
	if (i < 0)
		return false;
	*owner = &t->vm->vcpus[t->vm->vgic.spi[i].target];
	*slot = VGIC_PRIV + (unsigned)i;
	return true;
}

static bool slot_hw(const struct vm *vm, unsigned slot)
{
	return slot < VGIC_PRIV ? slot == pt_config.vtimer_intid : vm->vgic.spi[slot - VGIC_PRIV].hw;
}

uint32_t vgic_read_bits(struct vcpu *t, unsigned reg, uint32_t first)
{
	struct vgic *g = &t->vm->vgic;
	uint32_t bits = 0;

	if (reg == ISACTIVER || reg == ICACTIVER)
		return vgic_lr_active(t, first);   /* active state lives in the LRs only */
	spin_lock(&g->lock);
	for (unsigned i = 0; i < 32; i++) {
		struct vcpu *o;
		unsigned s;
		bool on = false;

		if (!resolve(t, first + i, &o, &s))
			continue;
		switch (reg) {
		case IGROUPR:   on = true; break;   /* everything a guest owns is group 1 */
		case ISENABLER:
		case ICENABLER: on = s < VGIC_PRIV ? (o->vgic.enabled >> s) & 1
						  : g->spi[s - VGIC_PRIV].enabled; break;
		case ISPENDR:
		case ICPENDR:   on = (o->vgic.pending >> s) & 1; break;
		}
		bits |= (uint32_t)on << i;
	}
	spin_unlock(&g->lock);
	return bits;
}

void vgic_write_bits(struct vcpu *v, struct vcpu *t, unsigned reg, uint32_t first, uint32_t val)
{
	struct vm *vm = v->vm;
	struct vgic *g = &vm->vgic;

	for (; val; val &= val - 1) {
		uint32_t intid = first + (uint32_t)__builtin_ctz(val);
		struct vcpu *o;
		unsigned s;

		if (!resolve(t, intid, &o, &s)) {
			/*
			 * Clearing, grouping or deactivating what is not ours is what an OS does to
			 * every INTID at start-up; only trying to raise one is worth a line.
			 */
			if (reg == ISENABLER || reg == ISPENDR || reg == ISACTIVER)
				vgic_foreign(v, "register write", intid);
			continue;
		}
		spin_lock(&g->lock);
		switch (reg) {
		case ISENABLER: vgic_set_enable(o, s, true); break;
		case ICENABLER: vgic_set_enable(o, s, false); break;
		/*
		 * Pending state of a passed-through interrupt belongs to the device and the
		 * physical GIC: a guest cannot make it up or throw it away (that would leave the
		 * physical interrupt active for good).
		 */
		case ISPENDR:   if (!slot_hw(vm, s)) o->vgic.pending |= BIT(s); break;
		case ICPENDR:   if (!slot_hw(vm, s)) o->vgic.pending &= ~BIT(s); break;
		default:        break;   /* IGROUPR: RAO/WI; ISACTIVER: WI */
		}
		spin_unlock(&g->lock);
		if (reg == ICACTIVER && o == v)
			vgic_lr_deactivate(intid);
	}
	vgic_kick_others(v);
}
