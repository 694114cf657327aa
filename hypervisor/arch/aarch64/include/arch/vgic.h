/*
 * The virtual GIC each VM sees, AArch64's implementation of the virtual interrupt controller
 * (hyp/virq.h): an emulated distributor and redistributors (vgic/vgic_dist.c, vgic_dist_v2.c,
 * vgic_redist.c) in front of the hardware's virtual CPU interface, which the guest drives
 * directly through its ICC_* registers (or its GICC page on a GICv2). Interrupts reach a vCPU
 * through the list registers (vgic/vgic_lr.c); what does not fit waits in the vCPU's pending set.
 *
 * A VM owns the SGIs and PPIs of its vCPUs and its SPIs: the configuration's passed-through
 * `irqs` (backed by the physical interrupt, injected with the HW bit) and its channel doorbells
 * (purely virtual, edge) and its vUART's interrupt (purely virtual, level: the board console's
 * INTID, as the guest's device tree states it). Each interrupt a VM owns has a slot: slots 0..31 are the calling
 * vCPU's private INTIDs, slot 32 + i is the VM's i-th SPI. A slot is pending on exactly one vCPU
 * (the SPI's target), so a pending set is one 64-bit word.
 *
 * The state lives in the arch's share of struct vm (struct vgic) and struct vcpu (struct
 * vgic_cpu), hyp/vm.h: VGIC(vm) and VGIC_CPU(v) below.
 *
 * Locking: all of a VM's vGIC state (every vCPU's pending set included) is under vgic.lock. The
 * list registers belong to the pCPU running the vCPU and are only touched there.
 */
#ifndef ARCH_VGIC_H
#define ARCH_VGIC_H

#include <partita/config.h>
#include <arch/frame.h>
#include <arch/spinlock.h>
#include <hyp/spinlock.h>
#include <hyp/types.h>
#include <hyp/vm.h>

#define VGIC_PRIV      32
#define VGIC_MAX_SPIS  PT_MAX_VM_SPIS   /* the generator checks it ([limit]) */
#define VGIC_PRIO_MASK 0xf8   /* 5 priority bits, as the CPU interface implements (ICH_VTR) */

struct vgic_spi {
	uint16_t intid;
	uint8_t hw;        /* a passed-through physical SPI (else a doorbell) */
	uint8_t edge;
	uint8_t prio;
	uint8_t enabled;
	uint8_t target;    /* vCPU index */
};

/*
 * What a VM sees of the INTIDs it does not own, below the ITLinesNumber it is shown: a GIC keeps
 * group, enable, priority, trigger and route state for every one of them, and guests rely on it
 * reading back (FreeRTOS counts the priority bits by writing 0xff to INTID 32's priority and
 * shifting what it reads). This shadow gives them that and nothing more: it never reaches the
 * physical GIC or another VM, nothing in it ever becomes pending, and it is reset with the VM.
 */
#define VGIC_LINES 1024
struct vgic_shadow {
	uint8_t prio[VGIC_LINES];
	uint8_t route[VGIC_LINES];          /* GICD_IROUTER Aff0: a vCPU of the VM */
	uint32_t group[VGIC_LINES / 32];
	uint32_t enable[VGIC_LINES / 32];
	uint32_t cfg[VGIC_LINES / 16];      /* ICFGR: 2 bits per INTID */
};

struct vgic {
	spinlock_t lock;
	uint32_t ctlr;          /* GICD_CTLR.EnableGrp1 (bit 1) when the VM's interrupts are on */
	uint32_t ctlr_v2;       /* GICv2: GICD_CTLR as written (its interrupts are group 0) */
	uint32_t nspis;
	uint32_t max_intid;     /* highest INTID the VM owns, for GICD_TYPER */
	uint32_t vuart_slot;    /* the vUART's interrupt's slot; 0: it has none */
	struct vgic_spi spi[VGIC_MAX_SPIS];
	struct vgic_shadow shadow;   /* INTIDs below vgic_lines() it does not own, under lock */
};

/*
 * Layout rule for state a guest indexes: such an array is followed, inside its own struct, by
 * at least 8 bytes of plain data and never directly by a pointer, so that even an access the
 * bounds checks missed could not reach hypervisor pointers (the asserts below keep it so).
 */
struct vgic_cpu {
	uint8_t prio[VGIC_PRIV];   /* indexed by the guest's IPRIORITYR offsets */
	uint64_t pending;       /* slots waiting for a list register */
	uint32_t enabled;       /* private INTIDs 0..31 */
	uint32_t waker;         /* GICR_WAKER.ProcessorSleep as written */
	uint32_t hcr;           /* ICH_HCR_EL2 as last written on the vCPU's pCPU */
};
#define VGIC_HCR_IDLE 1   /* ICH_HCR_EL2.En alone: no refill request armed */

_Static_assert(__builtin_offsetof(struct vgic_cpu, prio) + VGIC_PRIV + 8 <=
	       __builtin_offsetof(struct vgic_cpu, waker), "guest-indexed prio[] layout");

/*
 * The vGIC's state is the arch's share of struct vm and struct vcpu (hyp/vm.h). VGIC(vm) and
 * VGIC_CPU(v) name it as a member would, through views of the neutral structures that place it
 * where their arch area is: the compiler folds its offset into every access, as for a member.
 */
struct vm_vgic_view {
	unsigned char core[__builtin_offsetof(struct vm, arch)];
	struct vgic vgic;
};
struct vcpu_vgic_view {
	unsigned char core[__builtin_offsetof(struct vcpu, arch)];
	struct vgic_cpu vgic;
};
_Static_assert(sizeof(struct vgic) <= VM_ARCH_BYTES, "struct vgic fits struct vm's arch share");
_Static_assert(sizeof(struct vgic_cpu) <= VCPU_ARCH_BYTES, "struct vgic_cpu fits struct vcpu's");
#define VGIC(vm)    (((struct vm_vgic_view *)(vm))->vgic)
#define VGIC_CPU(v) (((struct vcpu_vgic_view *)(v))->vgic)

/*
 * The vGIC's lock, taken inline without a call even when contended (arch/spinlock.h): vgic_post
 * and its siblings stay leaf functions, which keeps a doorbell and a kick as cheap as they are.
 */
static inline void vgic_lock(struct vgic *g) { arch_spin_lock(&g->lock); }
static inline void vgic_unlock(struct vgic *g) { spin_unlock(&g->lock); }

/* The slot view, inline: the list-register paths ask it for every interrupt. */
static inline uint32_t vgic_slot_intid(const struct vm *vm, unsigned slot)
{
	return slot < VGIC_PRIV ? slot : VGIC(vm).spi[slot - VGIC_PRIV].intid;
}

static inline uint8_t vgic_slot_prio(const struct vcpu *v, unsigned slot)
{
	return slot < VGIC_PRIV ? VGIC_CPU(v).prio[slot] : VGIC(v->vm).spi[slot - VGIC_PRIV].prio;
}

static inline bool vgic_slot_enabled(const struct vcpu *v, unsigned slot)
{
	if (slot < VGIC_PRIV)
		return (VGIC_CPU(v).enabled >> slot) & 1;
	return VGIC(v->vm).spi[slot - VGIC_PRIV].enabled && (VGIC(v->vm).ctlr & 2);
}

void vgic_flush_lrs(struct vcpu *v);    /* vgic/vgic_lr.c: the work of vgic_flush() */

/*
 * Before every ERET (vcpu_after_trap): fill the list registers by priority. The common way back
 * to the guest has nothing waiting in software and no refill request to drop: two loads.
 */
static inline void vgic_flush(struct vcpu *v)
{
	if (READ_ONCE(VGIC_CPU(v).pending) || VGIC_CPU(v).hcr != VGIC_HCR_IDLE)
		vgic_flush_lrs(v);
}

/* vgic/vgic.c (and virq_init, virq_vm_reset, virq_vm_quiesce, virq_post, virq_vuart_line) */
void vgic_vcpu_reset(struct vcpu *v);   /* on its pCPU, before it enters the guest afresh */
void vgic_vcpu_stop(struct vcpu *v);    /* on its pCPU, when it leaves the guest for good */
void vgic_phys_irq(struct vcpu *v, uint32_t intid);  /* a guest's physical interrupt, at EL2 */
void vgic_phys_irq_shared(struct vcpu *v, uint32_t intid);   /* the same on a shared pCPU */
void vgic_post(struct vm *vm, unsigned vcpu, unsigned slot);   /* make pending, kick if remote */
void vgic_set_level(struct vm *vm, unsigned slot, bool high);  /* a virtual level SPI's line */
int vgic_spi_index(const struct vm *vm, uint32_t intid);      /* -1: not the VM's */
uint32_t vgic_lines(const struct vm *vm);   /* INTIDs shown (GICD_TYPER.ITLinesNumber) */
void vgic_set_enable(struct vcpu *v, unsigned slot, bool on);  /* under lock */
/* The IRQ fast path's table (arch/cpu.h), under lock: one slot of vCPU v (SPIs: v unused), or all. */
void vgic_direct_slot(struct vm *vm, struct vcpu *v, unsigned slot);
void vgic_direct_refresh(struct vm *vm);
void vgic_kick_others(struct vcpu *self);  /* vCPUs with something pending re-flush */

/* vgic/vgic_dist.c, vgic/vgic_redist.c: MMIO windows (virq_mmio: vgic/vgic.c) */
bool vgic_dist_access(struct vcpu *v, uint64_t off, bool write, uint64_t *val, unsigned size);
bool vgic_redist_access(struct vcpu *v, uint64_t off, bool write, uint64_t *val, unsigned size);
/* vgic/vgic_dist_v2.c: the GICv2 distributor, for VMs on a GICv2 board */
bool vgic_dist_v2_access(struct vcpu *v, uint64_t off, bool write, uint64_t *val, unsigned size);
/* vgic/vgic_dist.c, for both distributors: SPIs and the shadow, under the lock they take. */
bool vgic_dist_priority(struct vcpu *v, uint32_t intid, bool write, uint64_t *val, unsigned size);
uint32_t vgic_dist_icfgr(struct vm *vm, uint32_t first, bool write, uint32_t val);
void vgic_dist_route(struct vcpu *v, uint32_t intid, uint64_t aff);   /* aff: vCPU index in Aff0 */
void vgic_private_priority(struct vcpu *v, struct vcpu *t, unsigned first, bool write,
			   uint64_t *val, unsigned size);   /* vgic/vgic_redist.c: t's IPRIORITYR 0..31 */
/* Shared by both: ISPENDR-like 32-bit register over slots, for vCPU `t`. */
uint32_t vgic_read_bits(struct vcpu *t, unsigned reg, uint32_t first_intid);
void vgic_write_bits(struct vcpu *v, struct vcpu *t, unsigned reg, uint32_t first_intid,
		     uint32_t val);

/* vgic/vgic_sgi.c */
void vgic_sgi1r(struct vcpu *v, uint64_t val);
void vgic_sgir(struct vcpu *v, uint32_t val);    /* GICv2 GICD_SGIR */

/* vgic/vgic_lr.c: list registers of this pCPU */
void vgic_lr_init(struct vcpu *v);
void vgic_sync(struct vcpu *v);         /* pending LRs go back to the pending set */
void vgic_lr_clear(struct vcpu *v);     /* drop every LR; HW ones deactivate the physical INTID */
uint32_t vgic_lr_active(struct vcpu *v, uint32_t first_intid);  /* active bits, 32 INTIDs */
/* Shared pCPUs: the vCPU interface into v->ctx and the LRs emptied; back again; dropped. */
void vgic_lr_save(struct vcpu *v);
void vgic_lr_restore(struct vcpu *v);
void vgic_lr_discard(struct vcpu *v);
void vgic_lr_deactivate(uint32_t vintid);

#endif
