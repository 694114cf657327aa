/*
 * Emulated windows: the out-of-line half of hyp/emul.h, whose inline emul_mmio dispatches every
 * access a guest makes to an emulated device (decoded by the arch: arch/aarch64/abort.c).
 */
#include <hyp/console.h>
#include <hyp/emul.h>
#include <hyp/virq.h>
#include <hyp/vm.h>

bool emul_window(struct vcpu *v, uint64_t ipa)
{
	return emul_find(v, ipa) != NULL;
}

/* Not a register access (hyp/emul.h): reads as zero, writes nothing, told (rate limited). */
enum emul_result emul_razwi(struct vcpu *v, const struct pt_emul *w, struct emul_access *a)
{
	vm_note(v, LOG_MMIO, "%u-byte %s at %s+0x%lx (PC 0x%lx) is not a register access — RAZ/WI",
		a->size, a->write ? "write" : "read",
		w->kind == PT_EMUL_VUART || w->kind == PT_EMUL_VUART_NS16550 ? "vUART"
									      : virq_window_name(w->kind),
		a->ipa - w->ipa, a->pc);
	a->val = 0;
	return EMUL_RAZWI;
}
