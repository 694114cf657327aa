/*
 * The one-bit-per-interrupt registers shared by the virtual distributor (SPIs) and the SGI frame
 * of the virtual redistributors (SGIs, PPIs): IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER.
 *
 * Every bit is checked against what the VM owns. For INTIDs it does not own, group and enable
 * read back what was written (the shadow, see arch/vgic.h) and pending/active read as zero: nothing
 * reaches the hardware or another VM.
 */
#include <arch/gic.h>
#include <arch/vgic.h>
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
	*owner = &t->vm->vcpus[VGIC(t->vm).spi[i].target];
	*slot = VGIC_PRIV + (unsigned)i;
	return true;
}

static bool slot_hw(const struct vm *vm, unsigned slot)
{
	return slot < VGIC_PRIV ? slot == pt_config.vtimer_intid : VGIC(vm).spi[slot - VGIC_PRIV].hw;
}

uint32_t vgic_read_bits(struct vcpu *t, unsigned reg, uint32_t first)
{
	struct vgic *g = &VGIC(t->vm);
	uint32_t bits = 0;

	if (reg == ISACTIVER || reg == ICACTIVER)
		return vgic_lr_active(t, first);   /* active state lives in the LRs only */
	vgic_lock(g);
	for (unsigned i = 0; i < 32; i++) {
		struct vcpu *o;
		unsigned s;
		bool on = false;

		if (!resolve(t, first + i, &o, &s)) {
			/* Not ours: group and enable read back from the shadow; never pending. */
			uint32_t id = first + i;
			if (id < vgic_lines(t->vm) && (reg == IGROUPR || reg == ISENABLER ||
						      reg == ICENABLER)) {
				const uint32_t *w = reg == IGROUPR ? g->shadow.group : g->shadow.enable;
				bits |= ((w[id / 32] >> (id % 32)) & 1) << i;
			}
			continue;
		}
		switch (reg) {
		case IGROUPR:   on = true; break;   /* everything a guest owns is group 1 */
		case ISENABLER:
		case ICENABLER: on = s < VGIC_PRIV ? (VGIC_CPU(o).enabled >> s) & 1
						  : g->spi[s - VGIC_PRIV].enabled; break;
		case ISPENDR:
		case ICPENDR:   on = (VGIC_CPU(o).pending >> s) & 1; break;
		}
		bits |= (uint32_t)on << i;
	}
	vgic_unlock(g);
	return bits;
}

void vgic_write_bits(struct vcpu *v, struct vcpu *t, unsigned reg, uint32_t first, uint32_t val)
{
	struct vm *vm = v->vm;
	struct vgic *g = &VGIC(vm);

	if (reg == IGROUPR) {
		/* A value, not set bits: the shadow takes it for INTIDs not ours below the lines
		 * shown; the VM's own are group 1 (RAO/WI). */
		if (first >= VGIC_PRIV && first < vgic_lines(vm)) {
			uint32_t mine = 0;
			for (unsigned i = 0; i < 32; i++)
				mine |= (uint32_t)(vgic_spi_index(vm, first + i) >= 0) << i;
			vgic_lock(g);
			g->shadow.group[first / 32] = val & ~mine;
			vgic_unlock(g);
		}
		return;
	}

	for (; val; val &= val - 1) {
		uint32_t intid = first + (uint32_t)__builtin_ctz(val);
		struct vcpu *o;
		unsigned s;

		if (!resolve(t, intid, &o, &s)) {
			/* Not ours: enables go to the shadow (read back, nothing else); pending and
			 * active state never exist for it. Normal OS behaviour, not logged. */
			if (intid < vgic_lines(vm) && (reg == ISENABLER || reg == ICENABLER)) {
				vgic_lock(g);
				if (reg == ISENABLER)
					g->shadow.enable[intid / 32] |= 1u << (intid % 32);
				else
					g->shadow.enable[intid / 32] &= ~(1u << (intid % 32));
				vgic_unlock(g);
			}
			continue;
		}
		vgic_lock(g);
		switch (reg) {
		case ISENABLER: vgic_set_enable(o, s, true); break;
		case ICENABLER: vgic_set_enable(o, s, false); break;
		/*
		 * Pending state of a passed-through interrupt belongs to the device and the
		 * physical GIC: a guest cannot make it up or throw it away (that would leave the
		 * physical interrupt active for good).
		 */
		case ISPENDR:   if (!slot_hw(vm, s)) VGIC_CPU(o).pending |= BIT(s); break;
		case ICPENDR:   if (!slot_hw(vm, s)) VGIC_CPU(o).pending &= ~BIT(s); break;
		default:        break;   /* IGROUPR: RAO/WI; ISACTIVER: WI */
		}
		vgic_unlock(g);
		if (reg == ICACTIVER && o == v)
			vgic_lr_deactivate(intid);
	}
	vgic_kick_others(v);
}
