/*
 * List registers: the window through which the hardware's virtual CPU interface shows a vCPU its
 * interrupts. They are handled here in the GICv3 ICH_LR<n>_EL2 layout whatever the board's GIC
 * (a GICv2's GICH accessors in gicv2/vgic_hw.h convert). QEMU's GICs have 4, so the LRs are a cache of the vCPU's best
 * pending interrupts, not the whole truth:
 *
 *  - before every ERET, vgic_flush() moves what waits in the vCPU's software pending set into
 *    free LRs. When everything fits, the order does not matter: the CPU interface presents the
 *    LRs by priority. When it does not, the LRs still merely pending are first taken back into
 *    the set, and the best of all go in; if some are left over, the "no pending LR" maintenance
 *    interrupt (NPIE) brings us back as soon as the guest has acknowledged everything in them;
 *  - vgic_sync() takes back the merely pending LRs on its own: for the maintenance interrupt and
 *    before the guest reads the virtual GIC's pending state. Other traps leave the LRs alone
 *    (a trap that finds nothing pending in software costs no LR access at all).
 *
 * So the guest always sees its interrupts in priority order, however many are pending.
 * Physical interrupts go into an LR with the HW bit: the guest's EOI deactivates them in the
 * distributor without a trap.
 */
#include <partita/config.h>
#include <arch/cpu.h>
#include <arch/gic.h>
#include <arch/sysreg.h>
#include <arch/vcpu.h>
#include <arch/vgic.h>
#include <hyp/vm.h>
#include <vgic_hw.h>   /* the board's GIC: arch/aarch64/gicv2/ or gicv3/ */

#define ICH_HCR_EN     BIT(0)
_Static_assert(ICH_HCR_EN == VGIC_HCR_IDLE, "VGIC_HCR_IDLE");
#define ICH_HCR_UIE    BIT(1)
#define ICH_HCR_NPIE   BIT(3)
#define LR_STATE_SHIFT 62
#define LR_PENDING     (1ull << 62)
#define LR_ACTIVE      (2ull << 62)
#define LR_HW          BIT(61)
#define LR_GROUP1      BIT(60)
#define LR_PRIO_SHIFT  48
#define LR_PINTID_SHIFT 32
#define LR_VINTID(lr)  ((uint32_t)(lr))
#define LR_PINTID(lr)  ((uint32_t)((lr) >> LR_PINTID_SHIFT) & 0x3ff)
#define MAX_LRS        16

#define lr_read  vgic_hw_lr_read
#define lr_write vgic_hw_lr_write

/* List registers this CPU interface has (ICH_VTR_EL2.ListRegs + 1), read once. */
static unsigned lr_count;

static unsigned nr_lrs(void)
{
	if (!lr_count) {
		unsigned n = vgic_hw_lr_count();
		lr_count = n > MAX_LRS ? MAX_LRS : n;
	}
	return lr_count;
}

/* The LRs holding something (ICH_ELRSR_EL2 has a bit set for each empty one). */
static uint32_t lrs_in_use(void)
{
	return ~vgic_hw_empty_lrs() & ((1u << nr_lrs()) - 1);
}

/* Slot of a vINTID we put into an LR ourselves (so it is one of the VM's). */
static int slot_of(const struct vm *vm, uint32_t vintid)
{
	int i;

	if (vintid < VGIC_PRIV)
		return (int)vintid;
	i = vgic_spi_index(vm, vintid);
	return i < 0 ? -1 : VGIC_PRIV + i;
}

static bool slot_is_hw(const struct vm *vm, unsigned slot)
{
	if (slot < VGIC_PRIV)
		return slot == pt_config.vtimer_intid;
	return VGIC(vm).spi[slot - VGIC_PRIV].hw;
}

void vgic_lr_clear(struct vcpu *v)
{
	for (unsigned n = 0; n < nr_lrs(); n++) {
		uint64_t lr = lr_read(n);
		if ((lr >> LR_STATE_SHIFT) && (lr & LR_HW))
			gic_deactivate(LR_PINTID(lr));
		lr_write(n, 0);
	}
	VGIC_CPU(v).hcr = 0;
	vgic_hw_hcr_write(0);
}

/* ICH_HCR_EL2 through the vCPU's copy: written (with its ISB) only when it changes. */
static void set_hcr(struct vcpu *v, uint32_t hcr)
{
	if (VGIC_CPU(v).hcr != hcr) {
		VGIC_CPU(v).hcr = hcr;
		vgic_hw_hcr_write(hcr);
	}
}

void vgic_lr_init(struct vcpu *v)
{
	pcpu_arch(cpu_here())->lr_empty = (1u << nr_lrs()) - 1;   /* the empty-LR bits with no LR in use */
	vgic_lr_clear(v);
	/*
	 * Active priorities: a guest that stopped inside an interrupt handler (faulted before its
	 * EOI) left its running priority raised there; a fresh vCPU must start with none, or it
	 * would never be interrupted again. The interface itself as after reset.
	 */
	vgic_hw_apr_clear();
	vgic_hw_vmcr_reset();
	set_hcr(v, ICH_HCR_EN);
}

/* Set bits; the sets here are small (no libgcc popcount: general registers only). */
static unsigned bit_count(uint64_t x)
{
	unsigned n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

/*
 * Take the LRs in `used` that are merely pending back into the pending set (active ones stay:
 * the guest is handling them); returns the LRs still in use. Under vgic.lock.
 */
static uint32_t take_back(struct vcpu *v, uint32_t used)
{
	for (uint32_t u = used; u; u &= u - 1) {
		unsigned n = (unsigned)__builtin_ctz(u);
		uint64_t lr = lr_read(n);
		int s;

		if ((lr >> LR_STATE_SHIFT) != 1)
			continue;
		s = slot_of(v->vm, LR_VINTID(lr));
		if (s >= 0)
			VGIC_CPU(v).pending |= BIT(s);
		lr_write(n, 0);
		used &= ~(1u << n);
	}
	return used;
}

void vgic_sync(struct vcpu *v)
{
	struct vm *vm = v->vm;
	uint32_t used;

	/*
	 * Drop the refill request first. Taking the LRs back below leaves none pending, which is
	 * exactly the NPIE condition: left armed, the (level) maintenance interrupt would stay
	 * asserted and guest_irq() would acknowledge it for ever. vgic_flush() re-arms it.
	 */
	set_hcr(v, ICH_HCR_EN);
	used = lrs_in_use();
	if (!used)
		return;
	vgic_lock(&VGIC(vm));
	take_back(v, used);
	vgic_unlock(&VGIC(vm));
}

/* The best enabled pending slot: lowest priority value, then lowest INTID. -1: none. */
static int best(const struct vcpu *v, uint64_t set)
{
	int pick = -1;
	unsigned pprio = 0x100, pid = ~0u;

	for (; set; set &= set - 1) {
		unsigned s = (unsigned)__builtin_ctzll(set);
		unsigned p = vgic_slot_prio(v, s), id = vgic_slot_intid(v->vm, s);
		if (p < pprio || (p == pprio && id < pid)) {
			pick = (int)s;
			pprio = p;
			pid = id;
		}
	}
	return pick;
}

/*
 * More is pending than fits: ask for a maintenance interrupt once the guest has made room. "No
 * LR pending" (NPIE) is the natural moment, but if every LR holds an active interrupt that
 * condition is already true and would trap the guest in a loop; then wait for "at most one
 * valid LR" (underflow, UIE) instead, which is false while all of them are in use.
 */
static uint32_t refill_trigger(const uint64_t *lrs, unsigned nlr)
{
	for (unsigned n = 0; n < nlr; n++)
		if (lrs[n] & LR_PENDING)
			return ICH_HCR_NPIE;
	return ICH_HCR_UIE;
}

/* A list register making slot s of v pending: group 1, its priority, the HW bit for a physical one. */
static uint64_t lr_pending(const struct vcpu *v, unsigned s)
{
	uint32_t id = vgic_slot_intid(v->vm, s);
	uint64_t lr = LR_PENDING | LR_GROUP1 | id | (uint64_t)vgic_slot_prio(v, s) << LR_PRIO_SHIFT;

	if (slot_is_hw(v->vm, s))
		lr |= LR_HW | (uint64_t)id << LR_PINTID_SHIFT;
	return lr;
}

/* The general case: LRs in use, or more ready than they hold. Takes vgic.lock. */
static __attribute__((noinline)) void flush_by_priority(struct vcpu *v)
{
	struct vm *vm = v->vm;
	unsigned nlr = nr_lrs();
	uint64_t lrs[MAX_LRS], ready = 0;
	uint32_t hcr = ICH_HCR_EN, used;
	int s;

	vgic_lock(&VGIC(vm));
	for (uint64_t p = VGIC_CPU(v).pending; p; p &= p - 1) {
		unsigned b = (unsigned)__builtin_ctzll(p);
		if (vgic_slot_enabled(v, b))
			ready |= BIT(b);
	}
	used = lrs_in_use();
	if (ready && bit_count(ready) > nlr - bit_count(used)) {
		/* Not everything fits: compete with what merely waits in the LRs, by priority. */
		used = take_back(v, used);
		for (uint64_t p = VGIC_CPU(v).pending & ~ready; p; p &= p - 1) {
			unsigned b = (unsigned)__builtin_ctzll(p);
			if (vgic_slot_enabled(v, b))
				ready |= BIT(b);
		}
	}
	for (uint32_t u = used; u; u &= u - 1)
		lrs[__builtin_ctz(u)] = lr_read((unsigned)__builtin_ctz(u));

	while ((s = best(v, ready)) >= 0) {
		uint32_t id = vgic_slot_intid(vm, (unsigned)s);
		bool hw = slot_is_hw(vm, (unsigned)s);
		uint32_t free = ~used & ((1u << nlr) - 1);
		int slot_lr = -1, free_lr = free ? __builtin_ctz(free) : -1;

		for (uint32_t u = used; u; u &= u - 1)
			if (LR_VINTID(lrs[__builtin_ctz(u)]) == id)
				slot_lr = __builtin_ctz(u);
		if (slot_lr >= 0) {
			/*
			 * Already in an LR, active: a virtual edge interrupt can be pending again
			 * in the same LR. A HW one cannot (the physical line is still active, so
			 * it cannot have fired again); leave it waiting for the EOI.
			 */
			if (hw) {
				ready &= ~BIT(s);
				continue;
			}
			lrs[slot_lr] |= LR_PENDING;
			lr_write((unsigned)slot_lr, lrs[slot_lr]);
		} else if (free_lr >= 0) {
			uint64_t lr = lr_pending(v, (unsigned)s);
			lrs[free_lr] = lr;
			used |= 1u << free_lr;
			lr_write((unsigned)free_lr, lr);
		} else {
			hcr |= refill_trigger(lrs, nlr);
			break;
		}
		VGIC_CPU(v).pending &= ~BIT(s);
		ready &= ~BIT(s);
	}
	vgic_unlock(&VGIC(vm));
	set_hcr(v, hcr);   /* the ERET that follows synchronises the LR writes */
}

void vgic_flush_lrs(struct vcpu *v)
{
	struct vm *vm = v->vm;
	uint64_t ready = 0;
	unsigned n = 0;

	if (!READ_ONCE(VGIC_CPU(v).pending)) {
		set_hcr(v, ICH_HCR_EN);   /* a refill request whose cause went away (rare) */
		return;
	}
	if (lrs_in_use()) {
		flush_by_priority(v);
		return;
	}
	vgic_lock(&VGIC(vm));
	for (uint64_t p = VGIC_CPU(v).pending; p; p &= p - 1) {
		unsigned b = (unsigned)__builtin_ctzll(p);
		if (vgic_slot_enabled(v, b))
			ready |= BIT(b);
	}
	if (bit_count(ready) > nr_lrs()) {
		vgic_unlock(&VGIC(vm));
		flush_by_priority(v);
		return;
	}
	/*
	 * The usual case (an SGI, a doorbell, the vUART): empty LRs with room for everything
	 * ready. No order to keep and no LR to share: straight in, no LR read.
	 */
	for (; ready; ready &= ready - 1, n++) {
		unsigned s = (unsigned)__builtin_ctzll(ready);
		lr_write(n, lr_pending(v, s));
		VGIC_CPU(v).pending &= ~BIT(s);
	}
	vgic_unlock(&VGIC(vm));
	set_hcr(v, ICH_HCR_EN);
}

uint32_t vgic_lr_active(struct vcpu *v, uint32_t first_intid)
{
	uint32_t bits = 0;

	if (cpu_here()->vcpu != v)
		return 0;   /* another vCPU's LRs live on its own pCPU */
	for (unsigned n = 0; n < nr_lrs(); n++) {
		uint64_t lr = lr_read(n);
		uint32_t id = LR_VINTID(lr);
		if ((lr & LR_ACTIVE) && id >= first_intid && id - first_intid < 32)
			bits |= 1u << (id - first_intid);
	}
	return bits;
}

void vgic_lr_deactivate(uint32_t vintid)
{
	for (unsigned n = 0; n < nr_lrs(); n++) {
		uint64_t lr = lr_read(n);
		if (!(lr & LR_ACTIVE) || LR_VINTID(lr) != vintid)
			continue;
		if (lr & LR_HW) {
			gic_deactivate(LR_PINTID(lr));
			lr = 0;
		} else {
			lr &= ~LR_ACTIVE;
		}
		lr_write(n, lr);
	}
}

/*
 * A vCPU switched out on a shared pCPU (core/sched.c). Its list registers, active priorities,
 * VMCR and HCR go into its context and the LRs are left empty for the next vCPU. One LR cannot
 * wait there: the virtual timer's, whose physical PPI belongs to the pCPU and stays active until
 * that LR is deactivated, which would silence the next vCPU's timer. It is dropped and the PPI
 * deactivated; the timer's state (CNTV_CTL/CVAL, saved with the vCPU) raises it again at the
 * vCPU's next window if it still holds. Passed-through SPIs wait in their LRs (physically
 * active, so they cannot fire again meanwhile).
 */
void vgic_lr_save(struct vcpu *v)
{
	struct vcpu_ctx *x = v->ctx;

	for (unsigned n = 0; n < MAX_LRS; n++)
		x->lr[n] = 0;
	for (unsigned n = 0; n < nr_lrs(); n++) {
		uint64_t lr = lr_read(n);

		if ((lr >> LR_STATE_SHIFT) && (lr & LR_HW) && LR_PINTID(lr) == pt_config.vtimer_intid) {
			gic_deactivate(LR_PINTID(lr));
			lr = 0;
		}
		x->lr[n] = lr;
		lr_write(n, 0);
	}
	x->apr = vgic_hw_apr_read();
	x->vmcr = vgic_hw_vmcr_read();
	x->hcr = VGIC_CPU(v).hcr;
	vgic_hw_apr_write(0);
	set_hcr(v, ICH_HCR_EN);
}

void vgic_lr_restore(struct vcpu *v)
{
	struct vcpu_ctx *x = v->ctx;

	for (unsigned n = 0; n < nr_lrs(); n++)
		lr_write(n, x->lr[n]);
	vgic_hw_apr_write(x->apr);
	vgic_hw_vmcr_write(x->vmcr);
	VGIC_CPU(v).hcr = ~0u;   /* force the write */
	set_hcr(v, x->hcr);
}

/* A saved state that will never run again (its VM stopped or restarted): end what it holds. */
void vgic_lr_discard(struct vcpu *v)
{
	struct vcpu_ctx *x = v->ctx;

	for (unsigned n = 0; n < MAX_LRS; n++) {
		if ((x->lr[n] >> LR_STATE_SHIFT) && (x->lr[n] & LR_HW))
			gic_deactivate(LR_PINTID(x->lr[n]));
		x->lr[n] = 0;
	}
}
