/*
 * The virtual PLIC each VM sees (hyp/virq.h): trap-and-emulate of a riscv,plic0 at the VM's
 * PT_EMUL_PLIC window, laid out as the board's: two contexts per vCPU, 2v its M-mode one (which
 * a VM has no use for: it reads as zero and keeps nothing) and 2v + 1 its S-mode external
 * interrupt, delivered as VSEIP through hvip. Below, "context v" is vCPU v's S-mode context.
 *
 * A VM owns at most PT_MAX_VM_SPIS sources: its devices' (passed through: the physical source
 * at the same number), its channel doorbells' and its vUART's (purely virtual). Every other
 * source of its PLIC reads and writes like an absent one (zero, writes ignored), and no guest
 * access ever reaches the physical PLIC: the hypervisor claims a passed-through source at the
 * hart it is routed to (irq.c), makes it pending here, and completes it physically when the
 * guest completes it, so a level-triggered device cannot interrupt again before the guest has
 * served it. The physical source is enabled at the pCPU of the lowest vCPU whose context
 * enables it, and at none while no context does or the VM is down.
 *
 * State changes happen under the VM's vPLIC lock; a vCPU whose context gains an interrupt to
 * take is kicked if it runs elsewhere (its hart sets hvip.VSEIP on its way back: vcpu_apply).
 */
#include <arch/cpu.h>
#include <arch/csr.h>
#include <arch/plic.h>
#include <arch/vcpu.h>
#include <hyp/arch.h>
#include <hyp/emul.h>
#include <hyp/spinlock.h>
#include <hyp/virq.h>
#include <hyp/vm.h>

#define VPLIC_PRIO_MASK  7u   /* priorities 0..7, as QEMU's and most SiFive PLICs */
#define VPLIC_ENABLE     0x2000
#define VPLIC_CONTEXT    0x200000
#define VPLIC_MAX_CTX    PT_MAX_CPUS

struct vplic {
	spinlock_t lock;
	uint32_t nslots;
	uint32_t hw;                        /* slots of passed-through sources */
	uint32_t level;                     /* virtual level sources whose line is high */
	uint32_t pending, claimed;
	uint16_t src[PT_MAX_VM_SPIS];       /* slot -> source number, ascending */
	uint16_t phys_ctx[PT_MAX_VM_SPIS];  /* hw: the physical context that claimed it */
	uint8_t prio[PT_MAX_VM_SPIS];
	uint8_t enable[PT_MAX_VM_SPIS];     /* bit c: context c enables it */
	int8_t route[PT_MAX_VM_SPIS];       /* hw: pCPU the physical source is enabled at, -1 none */
	uint32_t threshold[VPLIC_MAX_CTX];
	uint8_t slot_of[PLIC_MAX_SOURCES];  /* source -> slot + 1; 0: not the VM's */
};
_Static_assert(sizeof(struct vplic) <= VM_ARCH_BYTES, "struct vplic fits struct vm's arch area");
_Static_assert(PT_MAX_VM_SPIS <= 32, "slot bitmaps are 32 bits");

static inline struct vplic *vplic_of(struct vm *vm)
{
	return (struct vplic *)vm->arch;
}

/* Physical source -> owning VM index + 1 (0: none), built once at boot. */
static uint8_t phys_owner[PLIC_MAX_SOURCES];

static void add_slot(struct vm *vm, uint32_t src, bool hw)
{
	struct vplic *p = vplic_of(vm);
	unsigned i;

	if (src == 0 || src > pt_config.plic_ndev)
		panic("vm '%s': PLIC source %u is not one of the board's 1..%u", vm->cfg->name, src,
		      pt_config.plic_ndev);
	if (p->slot_of[src]) {
		if (hw || phys_owner[src] == vm->index + 1)
			panic("vm '%s': PLIC source %u is given twice", vm->cfg->name, src);
		return;   /* the vUART's and a doorbell may not share; the generator refuses it */
	}
	if (p->nslots >= PT_MAX_VM_SPIS)
		panic("vm '%s' owns more than %u interrupts", vm->cfg->name, PT_MAX_VM_SPIS);
	/* Keep the slots in source order: the lowest source wins a priority tie. */
	for (i = p->nslots; i > 0 && p->src[i - 1] > src; i--) {
		p->src[i] = p->src[i - 1];
		p->route[i] = p->route[i - 1];
	}
	p->src[i] = (uint16_t)src;
	p->route[i] = -1;
	p->nslots++;
	p->hw = 0;
	for (unsigned s = 0; s < p->nslots; s++)
		p->slot_of[p->src[s]] = (uint8_t)(s + 1);
	if (hw) {
		if (phys_owner[src])
			panic("PLIC source %u is passed through to two VMs", src);
		phys_owner[src] = (uint8_t)(vm->index + 1);
	}
}

void virq_init(void)
{
	for (unsigned i = 0; i < pt_config.nvms; i++) {
		struct vm *vm = &vms[i];
		const struct pt_vm *cfg = vm->cfg;
		struct vplic *p = vplic_of(vm);

		if (cfg->ncpus > VPLIC_MAX_CTX)
			panic("vm '%s' has %u vCPUs: its PLIC has %u contexts", cfg->name, cfg->ncpus,
			      VPLIC_MAX_CTX);
		for (unsigned r = 0; r < cfg->nirqs; r++)
			add_slot(vm, cfg->irqs[r].intid, true);
		for (unsigned e = 0; e < cfg->nchannels; e++)
			add_slot(vm, cfg->channels[e].doorbell_intid, false);
		if (cfg->console && cfg->vuart_intid)
			add_slot(vm, cfg->vuart_intid, false);
		for (unsigned s = 0; s < p->nslots; s++)
			if (phys_owner[p->src[s]] == i + 1) {
				p->hw |= 1u << s;
				plic_priority(p->src[s], 1);
			}
	}
}

static int slot_of(struct vplic *p, uint64_t src)
{
	return src < PLIC_MAX_SOURCES ? (int)p->slot_of[src] - 1 : -1;
}

/* The interrupt context c would be handed by a claim now: a slot, or -1. */
static int best(struct vplic *p, unsigned c)
{
	uint32_t cand = p->pending & ~p->claimed;
	int b = -1;

	for (unsigned s = 0; cand; s++, cand >>= 1)
		if ((cand & 1) && (p->enable[s] >> c & 1) && p->prio[s] > p->threshold[c] &&
		    (b < 0 || p->prio[s] > p->prio[b]))
			b = (int)s;
	return b;
}

/*
 * After any change, under the lock: each context's line (VSEIP). A vCPU whose line went up and
 * runs on another pCPU is kicked (kick[] collects them; the caller kicks after unlocking); this
 * pCPU's own applies it on its way back into the guest (vcpu_apply).
 */
static unsigned update(struct vm *vm, struct vplic *p, struct vcpu **kick)
{
	unsigned n = 0;

	for (unsigned c = 0; c < vm->cfg->ncpus; c++) {
		struct vcpu *t = &vm->vcpus[c];
		uint32_t e = best(p, c) >= 0;

		if (e == vcpu_arch(t)->eip)
			continue;
		WRITE_ONCE(vcpu_arch(t)->eip, e);
		if (e && READ_ONCE(t->running) && t->pcpu != cpu_here()->index)
			kick[n++] = t;
	}
	return n;
}

static void unlock_and_kick(struct vplic *p, struct vcpu **kick, unsigned n)
{
	spin_unlock(&p->lock);
	for (unsigned i = 0; i < n; i++)
		arch_vcpu_kick(kick[i]);
}

/* A passed-through source's physical enable follows its lowest enabling context's pCPU. */
static void route(struct vm *vm, struct vplic *p, unsigned s)
{
	int to = -1;

	if (!(p->hw & (1u << s)))
		return;
	for (unsigned c = 0; c < vm->cfg->ncpus; c++)
		if (p->enable[s] >> c & 1) {
			to = (int)vm->vcpus[c].pcpu;
			break;
		}
	if (to == p->route[s])
		return;
	if (p->route[s] >= 0)
		plic_enable(p->src[s], pt_config.plic_context[p->route[s]], false);
	if (to >= 0)
		plic_enable(p->src[s], pt_config.plic_context[to], true);
	p->route[s] = (int8_t)to;
}

/* Physical completion of what the guest still held or had pending (the VM goes down). */
static void release_hw(struct vplic *p)
{
	for (unsigned s = 0; s < p->nslots; s++) {
		if (!(p->hw & (1u << s)))
			continue;
		if (p->route[s] >= 0)
			plic_enable(p->src[s], pt_config.plic_context[p->route[s]], false);
		p->route[s] = -1;
		if ((p->pending | p->claimed) & (1u << s))
			plic_complete(p->phys_ctx[s], p->src[s]);
	}
	p->pending &= ~p->hw;
	p->claimed &= ~p->hw;
}

void vplic_phys_irq(struct pcpu *c, uint32_t ctx, uint32_t src)
{
	unsigned owner = src < PLIC_MAX_SOURCES ? phys_owner[src] : 0;
	struct vcpu *kick[VPLIC_MAX_CTX];
	struct vplic *p;
	struct vm *vm;
	unsigned n;
	int s;

	if (!owner) {
		/* Nobody's (a stale enable): off for good. */
		plic_enable(src, ctx, false);
		plic_complete(ctx, src);
		return;
	}
	vm = &vms[owner - 1];
	p = vplic_of(vm);
	spin_lock(&p->lock);
	s = slot_of(p, src);
	if (s < 0 || p->route[s] < 0 || READ_ONCE(vm->state) != VM_RUNNING) {
		/* Its VM went down (or disabled it) meanwhile: nobody will complete it. */
		spin_unlock(&p->lock);
		plic_complete(ctx, src);
		return;
	}
	p->pending |= 1u << s;
	p->phys_ctx[s] = (uint16_t)ctx;
	pcpu_arch(c)->guest_irqs++;
	n = update(vm, p, kick);
	unlock_and_kick(p, kick, n);
}

void virq_post(struct vm *vm, uint32_t irq)
{
	struct vplic *p = vplic_of(vm);
	struct vcpu *kick[VPLIC_MAX_CTX];
	int s = slot_of(p, irq);
	unsigned n;

	if (s < 0 || (p->hw & (1u << s)))
		return;
	if (READ_ONCE(p->pending) & (1u << s))
		return;   /* pending already: nothing new to tell anyone */
	spin_lock(&p->lock);
	p->pending |= 1u << s;
	vm->irqs++;
	n = update(vm, p, kick);
	unlock_and_kick(p, kick, n);
}

void virq_vuart_line(struct vm *vm, bool high)
{
	struct vplic *p = vplic_of(vm);
	struct vcpu *kick[VPLIC_MAX_CTX];
	int s = slot_of(p, vm->cfg->vuart_intid);
	uint32_t bit;
	unsigned n;

	if (s < 0 || !vm->cfg->vuart_intid || (p->hw & (1u << s)))
		return;
	bit = 1u << s;
	spin_lock(&p->lock);
	if (high) {
		p->level |= bit;
		if (!(p->claimed & bit))
			p->pending |= bit;
	} else {
		p->level &= ~bit;
		if (!(p->claimed & bit))
			p->pending &= ~bit;
	}
	n = update(vm, p, kick);
	unlock_and_kick(p, kick, n);
}

void virq_vm_reset(struct vm *vm)
{
	struct vplic *p = vplic_of(vm);

	spin_lock(&p->lock);
	release_hw(p);
	for (unsigned s = 0; s < p->nslots; s++) {
		p->prio[s] = 0;
		p->enable[s] = 0;
	}
	for (unsigned c = 0; c < VPLIC_MAX_CTX; c++)
		p->threshold[c] = 0;
	p->claimed = 0;
	p->pending = p->level;   /* the vUART's line is what its input makes it */
	for (unsigned c = 0; c < vm->cfg->ncpus; c++)
		WRITE_ONCE(vcpu_arch(&vm->vcpus[c])->eip, 0);
	spin_unlock(&p->lock);
}

void virq_vm_quiesce(struct vm *vm)
{
	struct vplic *p = vplic_of(vm);

	spin_lock(&p->lock);
	release_hw(p);
	spin_unlock(&p->lock);
}

/* ---- the VM's accesses to its PLIC window ------------------------------------------------ */

static uint32_t claim(struct vplic *p, unsigned c)
{
	int s = best(p, c);

	if (s < 0)
		return 0;
	p->pending &= ~(1u << s);
	p->claimed |= 1u << s;
	return p->src[s];
}

static void complete(struct vplic *p, unsigned c, uint64_t src)
{
	int s = slot_of(p, src);
	uint32_t bit;

	if (s < 0)
		return;
	bit = 1u << s;
	/* As the PLIC says: a completion for a source the context does not enable is ignored. */
	if (!(p->claimed & bit) || !(p->enable[s] >> c & 1))
		return;
	p->claimed &= ~bit;
	if (p->hw & bit)
		plic_complete(p->phys_ctx[s], p->src[s]);
	else if (p->level & bit)
		p->pending |= bit;   /* the line is still high: pending again */
}

/* 32-bit registers only; every offset of the window is some register or reserved (RAZ/WI). */
bool virq_mmio(struct vcpu *v, uint32_t kind, uint64_t off, bool write, uint64_t *val,
	       unsigned size)
{
	struct vm *vm = v->vm;
	struct vplic *p = vplic_of(vm);
	uint32_t ncx = 2 * vm->cfg->ncpus, r = 0, w = (uint32_t)*val;
	struct vcpu *kick[VPLIC_MAX_CTX];
	unsigned n;
	int s;

	if (kind != PT_EMUL_PLIC || size != 4)
		return false;
	spin_lock(&p->lock);
	if (off < 0x1000) {                                   /* priorities */
		s = slot_of(p, off / 4);
		if (s >= 0) {
			if (write)
				p->prio[s] = w & VPLIC_PRIO_MASK;
			r = p->prio[s];
		}
	} else if (off < 0x1080) {                            /* pending bits (read-only) */
		uint32_t first = (uint32_t)(off - 0x1000) * 8;
		for (unsigned i = 0; i < p->nslots; i++)
			if ((p->pending & (1u << i)) && p->src[i] >= first && p->src[i] < first + 32)
				r |= 1u << (p->src[i] - first);
	} else if (off >= VPLIC_ENABLE && off < VPLIC_ENABLE + 0x80ull * ncx) {
		unsigned hc = (unsigned)((off - VPLIC_ENABLE) / 0x80), c = hc / 2;
		uint32_t first = (uint32_t)((off - VPLIC_ENABLE) % 0x80) * 8;
		for (unsigned i = 0; i < p->nslots && (hc & 1); i++) {   /* M contexts: nothing */
			if (p->src[i] < first || p->src[i] >= first + 32)
				continue;
			uint32_t b = 1u << (p->src[i] - first);
			if (write) {
				p->enable[i] = (uint8_t)((p->enable[i] & ~(1u << c)) |
							 ((w & b) ? 1u << c : 0));
				route(vm, p, i);
			}
			if (p->enable[i] >> c & 1)
				r |= b;
		}
	} else if (off >= VPLIC_CONTEXT && off < VPLIC_CONTEXT + 0x1000ull * ncx) {
		unsigned hc = (unsigned)((off - VPLIC_CONTEXT) / 0x1000), c = hc / 2;
		unsigned reg = (unsigned)(off & 0xfff);
		if (!(hc & 1)) {
			/* an M-mode context: reads as zero, keeps nothing */
		} else if (reg == 0) {                        /* threshold */
			if (write)
				p->threshold[c] = w & VPLIC_PRIO_MASK;
			r = p->threshold[c];
		} else if (reg == 4) {                        /* claim / complete */
			if (write)
				complete(p, c, w);
			else
				r = claim(p, c);
		}
	}
	n = update(vm, p, kick);
	unlock_and_kick(p, kick, n);
	if (!write)
		*val = r;
	return true;
}

const char *virq_window_name(uint32_t kind)
{
	return kind == PT_EMUL_PLIC ? "PLIC" : "?";
}
