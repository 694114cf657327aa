/*
 * Emulated windows (core/emul.c): a guest's access to a window the hypervisor emulates traps;
 * the arch decodes it from what the hardware reports (never from guest memory) into an address,
 * a size, a direction and a value, and hands it to emul_mmio, which takes it to the device model
 * behind that window: the vUART (a PL011, core/vuart.c, or an NS16550A, core/vuart_16550.c) or
 * the virtual interrupt controller's (hyp/virq.h).
 *
 * emul_mmio is core's dispatch, inline here so that it becomes part of the arch's trap handler:
 * a trapped access, the console's print above all, costs one frame, as when decoding and
 * dispatch were one function. A device model is only ever called with
 *
 *   - a single load or store of 1, 2, 4 or 8 bytes,
 *   - naturally aligned, so it lies inside one aligned register of at least its size, and
 *   - wholly inside the emulated window (offset + size <= window size).
 *
 * The model answers false when it has no register of that size at that offset. Then, and for a
 * misaligned access or one across the window's end, the access reads as zero and writes nothing
 * (RAZ/WI, which the GIC architecture allows for such accesses; the same for the vUART), logged
 * (rate limited), and the guest goes on. An access outside every window is the guest's fault.
 */
#ifndef HYP_EMUL_H
#define HYP_EMUL_H

#include <hyp/console.h>
#include <hyp/types.h>
#include <hyp/virq.h>
#include <hyp/vm.h>

/* A trapped access to an emulated window, as the arch decoded it (on its stack). */
struct emul_access {
	uint64_t ipa;
	uint64_t val;      /* a store's value (its low `size` bytes); a load's, once emulated */
	uint64_t pc;       /* the guest's, for messages */
	unsigned size;     /* bytes: 1, 2, 4 or 8 */
	bool write;
};

/* What the access did; anything but EMUL_NONE: the guest goes on after its instruction. */
enum emul_result {
	EMUL_DONE,     /* emulated; a load's value is in a->val */
	EMUL_RAZWI,    /* not a register access: reads as zero (a->val = 0), write ignored, logged */
	EMUL_NONE,     /* no emulated window there: the guest's fault */
};

/* core/emul.c: is there an emulated window at ipa? An access that is no register access. */
bool emul_window(struct vcpu *v, uint64_t ipa);
enum emul_result emul_razwi(struct vcpu *v, const struct pt_emul *w, struct emul_access *a);

/* The window holding ipa, trying the vCPU's last one first (a console loop hits one window). */
static inline const struct pt_emul *emul_find(struct vcpu *v, uint64_t ipa)
{
	const struct pt_vm *vm = v->vm->cfg;
	unsigned h = v->emul_hint;

	if (h < vm->nemuls && ipa - vm->emuls[h].ipa < vm->emuls[h].size)
		return &vm->emuls[h];
	for (unsigned i = 0; i < vm->nemuls; i++)
		if (ipa - vm->emuls[i].ipa < vm->emuls[i].size) {   /* unsigned: below wraps */
			v->emul_hint = i;
			return &vm->emuls[i];
		}
	return NULL;
}

/*
 * A byte the guest stored to its 16550's THR: printed, and the transmitter is empty again at
 * once, so the THRE interrupt, cleared by the write, is pending again if enabled. Only when it
 * was not pending already does that take the model's lock (out of line): a driver that fills
 * the FIFO after a THRE interrupt pays it for its first byte.
 */
static inline void vuart_16550_thr(struct vm *vm, uint8_t c)
{
	const struct vuart *u = &vm->vuart;

	conmux_vm_out(vm, c);
	if ((READ_ONCE(u->regs[V16550_IER]) & V16550_IER_ETBEI) && !READ_ONCE(u->regs[V16550_THRI]))
		vuart_16550_thr_empty(vm);
}

/* Access a of vCPU v to whatever window it falls in. */
static inline enum emul_result emul_mmio(struct vcpu *v, struct emul_access *a)
{
	const struct pt_emul *w = emul_find(v, a->ipa);
	uint64_t off;
	bool ok;

	if (!w)
		return EMUL_NONE;
	off = a->ipa - w->ipa;
	/* The hot one, a console: a store of at most 32 bits to the vUART's data register (offset
	 * 0, so aligned whatever its size) prints its low byte, as vuart_access() would. */
	if (w->kind == PT_EMUL_VUART && a->write && !off && a->size <= 4) {
		conmux_vm_out(v->vm, (uint8_t)a->val);
		return EMUL_DONE;
	}
	if (!IS_ALIGNED(off, a->size) || a->size > w->size - off)
		ok = false;
	else if (w->kind == PT_EMUL_VUART)
		ok = vuart_access(v, off, a->write, &a->val, a->size);
	else if (w->kind == PT_EMUL_VUART_NS16550) {
		/* A 16550's console: a byte stored to THR (offset 0, the divisor latch not
		 * selected), inline. Here, past the checks, rather than beside the PL011's print,
		 * which would have the compiler test for it on that path too. */
		if (a->write && !off && a->size == 1 &&
		    !(READ_ONCE(v->vm->vuart.regs[V16550_LCR]) & V16550_LCR_DLAB)) {
			vuart_16550_thr(v->vm, (uint8_t)a->val);
			return EMUL_DONE;
		}
		ok = vuart_16550_access(v, off, a->write, &a->val, a->size);
	} else
		ok = virq_mmio(v, w->kind, off, a->write, &a->val, a->size);
	return ok ? EMUL_DONE : emul_razwi(v, w, a);
}

#endif
