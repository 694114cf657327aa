/*
 * vGIC state: which interrupts a VM owns, their virtual configuration, and the pending sets;
 * AArch64's virtual interrupt controller as core asks for it (hyp/virq.h).
 *
 * The slot view (see arch/vgic.h) lets everything else ask one question, "is slot s of vCPU v
 * pending / enabled / at which priority", whatever kind of interrupt is behind it.
 */
#include <arch/cpu.h>
#include <arch/gic.h>
#include <arch/sysreg.h>
#include <arch/vgic.h>
#include <hyp/arch.h>
#include <hyp/console.h>
#include <hyp/virq.h>
#include <hyp/vm.h>

/* Physical SPI -> owning VM (index + 1; 0: nobody) and its slot there. Filled once at boot. */
static uint8_t spi_owner[GIC_MAX_INTID + 1];
static uint8_t spi_slot[GIC_MAX_INTID + 1];

static void add_spi(struct vm *vm, uint32_t intid, bool hw, bool edge)
{
	struct vgic *g = &VGIC(vm);

	if (intid < 32 || intid > GIC_MAX_INTID)
		panic("vm '%s': INTID %u is not an SPI", vm->cfg->name, intid);
	if (vgic_spi_index(vm, intid) >= 0)
		panic("vm '%s': INTID %u given twice", vm->cfg->name, intid);
	if (g->nspis == VGIC_MAX_SPIS)
		panic("vm '%s' owns more than %u SPIs", vm->cfg->name, VGIC_MAX_SPIS);
	if (hw && spi_owner[intid])
		panic("SPI %u passed through to two VMs", intid);
	g->spi[g->nspis] = (struct vgic_spi){ .intid = (uint16_t)intid, .hw = hw, .edge = edge };
	if (hw) {
		spi_owner[intid] = (uint8_t)(vm->index + 1);
		spi_slot[intid] = (uint8_t)(VGIC_PRIV + g->nspis);
		gic_spi_config(intid, edge);
	}
	g->nspis++;
	if (intid > g->max_intid)
		g->max_intid = intid;
}

void virq_init(void)
{
	for (unsigned i = 0; i < pt_config.nvms; i++) {
		struct vm *vm = &vms[i];
		const struct pt_vm *cfg = vm->cfg;

		VGIC(vm).max_intid = 31;
		for (unsigned k = 0; k < cfg->nirqs; k++)
			add_spi(vm, cfg->irqs[k].intid, true, cfg->irqs[k].trigger == PT_IRQ_EDGE);
		for (unsigned k = 0; k < cfg->nchannels; k++)
			add_spi(vm, cfg->channels[k].doorbell_intid, false, true);
		/* The vUART's interrupt, the one its node in the VM's DTB names. */
		uint32_t con = cfg->console ? cfg->vuart_intid : 0;
		if (con) {
			VGIC(vm).vuart_slot = VGIC_PRIV + VGIC(vm).nspis;
			add_spi(vm, con, false, false);
		}
		virq_vm_reset(vm);
	}
}

int vgic_spi_index(const struct vm *vm, uint32_t intid)
{
	for (unsigned i = 0; i < VGIC(vm).nspis; i++)
		if (VGIC(vm).spi[i].intid == intid)
			return (int)i;
	return -1;
}

/*
 * ITLinesNumber N shows INTIDs up to 32(N+1) - 1: enough for the VM's highest SPI, and never
 * fewer than 64, as no GIC has no SPIs at all (an RTOS probes INTID 32 without asking).
 */
uint32_t vgic_lines(const struct vm *vm)
{
	uint32_t n = VGIC(vm).max_intid / 32;

	return 32 * ((n ? n : 1) + 1);
}

/*
 * The IRQ vector's direct table (arch/cpu.h): for each of the VM's passed-through interrupts, the
 * pCPU of the vCPU it goes to may put it straight into a list register while it is enabled; on
 * every other pCPU of the VM it takes the slow path. Called under vgic.lock after anything that
 * changes enables, priorities, routes or GICD_CTLR, and on resets. Entries only ever name the VM's
 * own INTIDs (its vCPUs' virtual timer PPI and its passed-through SPIs), so a stale entry read
 * by a racing vector can only deliver an interrupt of this VM, to a vCPU of this VM, as the GIC
 * itself would when an enable and a delivery cross.
 */
void vgic_direct_slot(struct vm *vm, struct vcpu *v, unsigned slot)
{
	const struct vgic *g = &VGIC(vm);

	if (slot < VGIC_PRIV) {
		if (slot == pt_config.vtimer_intid || slot < SGI_CARRIERS)
			WRITE_ONCE(pcpu_arch(&pcpus[v->pcpu])->direct_prio[slot],
				   (VGIC_CPU(v).enabled >> slot) & 1 ? VGIC_CPU(v).prio[slot] | 1 : 0);
		return;
	}
	const struct vgic_spi *s = &g->spi[slot - VGIC_PRIV];
	if (!s->hw)
		return;
	for (unsigned c = 0; c < vm->cfg->ncpus; c++) {
		bool on = s->enabled && (g->ctlr & 2) && s->target == c;
		WRITE_ONCE(pcpu_arch(&pcpus[vm->vcpus[c].pcpu])->direct_prio[s->intid],
			   on ? s->prio | 1 : 0);
	}
}

void vgic_direct_refresh(struct vm *vm)
{
	for (unsigned c = 0; c < vm->cfg->ncpus; c++) {
		vgic_direct_slot(vm, &vm->vcpus[c], pt_config.vtimer_intid);
		for (unsigned sgi = 0; sgi < SGI_CARRIERS; sgi++)
			vgic_direct_slot(vm, &vm->vcpus[c], sgi);
	}
	for (unsigned i = 0; i < VGIC(vm).nspis; i++)
		vgic_direct_slot(vm, NULL, VGIC_PRIV + i);
}

void virq_vm_reset(struct vm *vm)
{
	struct vgic *g = &VGIC(vm);

	vgic_lock(g);
	memset(&g->shadow, 0, sizeof(g->shadow));
	g->ctlr = 0;
	g->ctlr_v2 = 0;
	for (unsigned i = 0; i < g->nspis; i++) {
		struct vgic_spi *s = &g->spi[i];
		s->enabled = 0;
		s->prio = 0;
		s->target = 0;
		if (s->hw) {
			gic_set_enable(s->intid, 0, false);
			gic_spi_route(s->intid, vm->vcpus[0].pcpu);
		}
	}
	for (unsigned c = 0; c < vm->cfg->ncpus; c++)
		VGIC_CPU(&vm->vcpus[c]).pending = 0;
	vgic_direct_refresh(vm);
	vgic_unlock(g);
}

void virq_vm_quiesce(struct vm *vm)
{
	for (unsigned i = 0; i < VGIC(vm).nspis; i++)
		if (VGIC(vm).spi[i].hw)
			gic_set_enable(VGIC(vm).spi[i].intid, 0, false);
}

void vgic_vcpu_reset(struct vcpu *v)
{
	struct vgic *g = &VGIC(v->vm);

	vgic_lock(g);
	VGIC_CPU(v).enabled = 0;
	VGIC_CPU(v).waker = 0;
	memset(VGIC_CPU(v).prio, 0, sizeof(VGIC_CPU(v).prio));
	vgic_direct_refresh(v->vm);
	vgic_unlock(g);
	vgic_lr_init(v);
}

void vgic_vcpu_stop(struct vcpu *v)
{
	struct vgic *g = &VGIC(v->vm);
	uint64_t hw_pending;

	vgic_lr_clear(v);
	vgic_lock(g);
	hw_pending = VGIC_CPU(v).pending;
	VGIC_CPU(v).pending = 0;
	vgic_unlock(g);
	/* Physical interrupts we acknowledged for the guest must not stay active forever. */
	for (unsigned s = 0; s < 64; s++)
		if ((hw_pending >> s) & 1) {
			if (s == pt_config.vtimer_intid)
				gic_deactivate(s);
			else if (s >= VGIC_PRIV && g->spi[s - VGIC_PRIV].hw)
				gic_deactivate(g->spi[s - VGIC_PRIV].intid);
		}
}

void vgic_set_enable(struct vcpu *v, unsigned slot, bool on)
{
	if (slot < VGIC_PRIV) {
		if (on)
			VGIC_CPU(v).enabled |= 1u << slot;
		else
			VGIC_CPU(v).enabled &= ~(1u << slot);
		vgic_direct_slot(v->vm, v, slot);
		return;
	}
	struct vgic_spi *s = &VGIC(v->vm).spi[slot - VGIC_PRIV];
	s->enabled = on;
	vgic_direct_slot(v->vm, v, slot);
	/* A passed-through SPI reaches the hardware only while its guest wants it. */
	if (s->hw)
		gic_set_enable(s->intid, 0, on);
}

/*
 * Make slot pending on vCPU `vcpu`. Its pCPU is kicked only when this makes an interrupt the
 * guest enabled newly pending while the vCPU is in the guest: a post to a disabled interrupt,
 * to one pending already, or to a vCPU that is not running (it flushes its set when it enters)
 * costs the target nothing. So no VM can make another take traps it did not ask for, and a
 * doorbell rung in a loop coalesces into one interrupt until the guest has taken it.
 *
 * One pending already is seen without the lock: a sender in a loop then never touches the
 * target's vgic.lock, which the target's own paths (and a shared pCPU's window switch) take. If
 * the bit is being moved into a list register right then, the interrupt is still to be taken,
 * after this post: coalescing with it is what a GIC does with an edge that comes while pending.
 */
void vgic_post(struct vm *vm, unsigned vcpu, unsigned slot)
{
	struct vcpu *t = &vm->vcpus[vcpu];
	bool kick;

	if (READ_ONCE(VGIC_CPU(t).pending) & BIT(slot))
		return;
	vgic_lock(&VGIC(vm));
	kick = !(VGIC_CPU(t).pending & BIT(slot));
	if (kick) {
		VGIC_CPU(t).pending |= BIT(slot);
		vm->irqs++;
		kick = vgic_slot_enabled(t, slot);
	}
	vgic_unlock(&VGIC(vm));
	if (!kick)
		return;
	/* Our pending store before its running load; it stores running before loading pending
	 * (vcpu_idle): one of us sees the other. */
	dsb(ish);
	if (READ_ONCE(t->running))
		arch_vcpu_kick(t);   /* no-op for ourselves: we flush on the way out anyway */
}

/*
 * A purely virtual level interrupt follows its line: pending while high, not pending once low
 * (if the guest is handling it, the LR stays active until its EOI). The device model calls this
 * whenever the line may have changed, which is on a trap of the guest or on new input.
 */
void vgic_set_level(struct vm *vm, unsigned slot, bool high)
{
	struct vcpu *t;
	uint64_t bit = BIT(slot);

	vgic_lock(&VGIC(vm));
	t = &vm->vcpus[VGIC(vm).spi[slot - VGIC_PRIV].target];
	if (high == !!(VGIC_CPU(t).pending & bit)) {
		vgic_unlock(&VGIC(vm));
		return;
	}
	if (high)
		VGIC_CPU(t).pending |= bit;
	else
		VGIC_CPU(t).pending &= ~bit;
	vgic_unlock(&VGIC(vm));
	if (high && READ_ONCE(t->running))
		arch_vcpu_kick(t);
}

void virq_vuart_line(struct vm *vm, bool high)
{
	unsigned slot = VGIC(vm).vuart_slot;

	if (slot)
		vgic_set_level(vm, slot, high);
}

/* A doorbell (or any virtual SPI the VM owns): on whichever vCPU the VM routed it to. */
void virq_post(struct vm *vm, uint32_t irq)
{
	int i = vgic_spi_index(vm, irq);

	if (i >= 0)
		vgic_post(vm, READ_ONCE(VGIC(vm).spi[i].target), VGIC_PRIV + (unsigned)i);
}

/* The distributor's and redistributors' windows (core/emul.c validated the access). */
bool virq_mmio(struct vcpu *v, uint32_t kind, uint64_t off, bool write, uint64_t *val,
	       unsigned size)
{
	switch (kind) {
	case PT_EMUL_GICD:
		return vgic_dist_access(v, off, write, val, size);
	case PT_EMUL_GICR:
		return vgic_redist_access(v, off, write, val, size);
	}
	return false;
}

const char *virq_window_name(uint32_t kind)
{
	switch (kind) {
	case PT_EMUL_GICD: return "GICD";
	case PT_EMUL_GICR: return "GICR";
	}
	return "window";
}

void vgic_kick_others(struct vcpu *self)
{
	struct vm *vm = self->vm;

	for (unsigned c = 0; c < vm->cfg->ncpus; c++)
		if (c != self->index && READ_ONCE(VGIC_CPU(&vm->vcpus[c]).pending) &&
		    READ_ONCE(vm->vcpus[c].running))
			arch_vcpu_kick(&vm->vcpus[c]);
}

/* A physical interrupt for the guest, acknowledged and priority-dropped by guest_irq(). */
void vgic_phys_irq(struct vcpu *v, uint32_t intid)
{
	struct vm *vm = v->vm;
	unsigned target = v->index, slot;

	if (intid == pt_config.vtimer_intid) {
		slot = intid;
	} else if (intid >= 32 && intid <= GIC_MAX_INTID && spi_owner[intid] == vm->index + 1) {
		slot = spi_slot[intid];
		target = READ_ONCE(VGIC(vm).spi[slot - VGIC_PRIV].target);
	} else {
		/* Not this VM's (a race with a re-route or a stop): keep it quiet. */
		if (intid >= 32)
			gic_set_enable(intid, 0, false);
		gic_deactivate(intid);
		return;
	}
	vgic_post(vm, target, slot);
}

/*
 * A physical interrupt taken on a shared pCPU while `v` runs (core/sched.c): its own as above;
 * a passed-through SPI of a VM switched out on this pCPU waits in its target vCPU's set, its
 * physical line active, until that vCPU's window (no kick: the target is not in the guest, and
 * the window switch flushes its set).
 */
void vgic_phys_irq_shared(struct vcpu *v, uint32_t intid)
{
	unsigned owner;
	struct vm *vm;

	if (intid == pt_config.vtimer_intid || intid < 32 || intid > GIC_MAX_INTID ||
	    !spi_owner[intid] || spi_owner[intid] == v->vm->index + 1) {
		vgic_phys_irq(v, intid);
		return;
	}
	owner = spi_owner[intid] - 1u;
	vm = &vms[owner];
	if (READ_ONCE(vm->state) != VM_RUNNING) {
		gic_set_enable(intid, 0, false);
		gic_deactivate(intid);
		return;
	}
	vgic_post(vm, READ_ONCE(VGIC(vm).spi[spi_slot[intid] - VGIC_PRIV].target), spi_slot[intid]);
}
