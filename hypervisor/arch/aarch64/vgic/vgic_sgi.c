/*
 * SGIs a guest sends: ICC_SGI1R_EL1 writes, which trap to EL2 because HCR_EL2.IMO is set, or
 * GICD_SGIR writes on a GICv2 board. They only ever reach vCPUs of the sender's own VM; the
 * target is made pending in its vCPU's set and its pCPU is kicked, or picked up on our own way
 * out when the target is ourselves. (Channel doorbells, the other interrupts a guest sends, are
 * core's: core/channel.c, posted through virq_post.)
 */
#include <arch/gic.h>
#include <arch/vgic.h>
#include <hyp/vm.h>

#define SGI1R_TARGETS(v)  ((v) & 0xffff)
#define SGI1R_AFF1(v)     (((v) >> 16) & 0xff)
#define SGI1R_INTID(v)    (((v) >> 24) & 0xf)
#define SGI1R_AFF2(v)     (((v) >> 32) & 0xff)
#define SGI1R_IRM         BIT(40)
#define SGI1R_RS(v)       (((v) >> 44) & 0xf)
#define SGI1R_AFF3(v)     (((v) >> 48) & 0xff)

/*
 * SGI `intid` to vCPU `c`: to another vCPU, the physical SGI of the same number carries it to
 * that vCPU's pCPU, whose IRQ vector puts it into a list register (vectors.S); only SGI 15, whose
 * physical number is the kick, goes through the target's pending set, and so does any SGI for a
 * vCPU on a shared pCPU (t->ctx: it may be switched out, and a carrier would reach whichever
 * vCPU runs there). To ourselves, straight into our own pending set.
 */
static void send(struct vm *vm, struct vcpu *self, unsigned c, unsigned intid)
{
	struct vcpu *t = &vm->vcpus[c];

	if (t != self && intid < SGI_CARRIERS && !t->ctx)
		gic_send_sgi(t->pcpu, intid);
	else
		vgic_post(vm, c, intid);
}

void vgic_sgi1r(struct vcpu *v, uint64_t val)
{
	struct vm *vm = v->vm;
	unsigned intid = (unsigned)SGI1R_INTID(val);

	if (val & SGI1R_IRM) {   /* every vCPU of the VM but ourselves */
		for (unsigned c = 0; c < vm->cfg->ncpus; c++)
			if (c != v->index)
				send(vm, v, c, intid);
		return;
	}
	/* Virtual MPIDRs are Aff0 = vCPU index and nothing else: other clusters are not ours. */
	if (SGI1R_AFF1(val) || SGI1R_AFF2(val) || SGI1R_AFF3(val)) {
		if (SGI1R_TARGETS(val))
			vm_note(v, LOG_VIRQ, "SGI %u to a CPU outside the VM — ignored", intid);
		return;
	}
	for (uint64_t t = SGI1R_TARGETS(val); t; t &= t - 1) {
		unsigned c = (unsigned)SGI1R_RS(val) * 16 + (unsigned)__builtin_ctzll(t);

		if (c < vm->cfg->ncpus)
			send(vm, v, c, intid);
		else
			vm_note(v, LOG_VIRQ, "SGI %u to a CPU outside the VM — ignored", intid);
	}
}

/*
 * GICv2 GICD_SGIR: [25:24] target filter (0 the list, 1 everyone but us, 2 us), [23:16] the CPU
 * list (vCPU indices: the VM's CPU interface numbers), [3:0] the SGI. NSATT is meaningless with
 * one security state.
 */
#define SGIR_INTID(v)   ((v) & 0xf)
#define SGIR_LIST(v)    (((v) >> 16) & 0xff)
#define SGIR_FILTER(v)  (((v) >> 24) & 3)

void vgic_sgir(struct vcpu *v, uint32_t val)
{
	struct vm *vm = v->vm;
	unsigned intid = SGIR_INTID(val);
	uint32_t list;

	switch (SGIR_FILTER(val)) {
	case 0:
		list = SGIR_LIST(val);
		break;
	case 1:
		list = ((1u << vm->cfg->ncpus) - 1) & ~(1u << v->index);
		break;
	case 2:
		list = 1u << v->index;
		break;
	default:
		vm_note(v, LOG_VIRQ, "SGI %u with the reserved target filter 3 — ignored", intid);
		return;
	}
	for (; list; list &= list - 1) {
		unsigned c = (unsigned)__builtin_ctz(list);

		if (c < vm->cfg->ncpus)
			send(vm, v, c, intid);
		else
			vm_note(v, LOG_VIRQ, "SGI %u to a CPU outside the VM — ignored", intid);
	}
}
