/*
 * Stage-2 data aborts. An access to one of the VM's emulated windows is carried out by the
 * window's emulator and the guest continues after the instruction; anything else is a fault.
 *
 * We only emulate what the syndrome fully describes (ISV = 1: a single load or store of a
 * general-purpose register). Anything else in a window, such as a load pair or an access with
 * writeback, is reported as a fault like any other bad access: the hypervisor never decodes
 * guest instructions from guest memory.
 */
#include <hyp/cpu.h>
#include <hyp/vm.h>

static const struct pt_emul *find_window(const struct pt_vm *vm, uint64_t ipa)
{
	for (unsigned i = 0; i < vm->nemuls; i++)
		if (ipa >= vm->emuls[i].ipa && ipa - vm->emuls[i].ipa < vm->emuls[i].size)
			return &vm->emuls[i];
	return NULL;
}

static bool emulate(struct vcpu *v, const struct pt_emul *w, uint64_t off, bool write,
		    uint64_t *val, unsigned size)
{
	switch (w->kind) {
	case PT_EMUL_VUART:
		return vuart_access(v, off, write, val, size);
	case PT_EMUL_GICD:
		return vgic_dist_access(v, off, write, val, size);
	case PT_EMUL_GICR:
		return vgic_redist_access(v, off, write, val, size);
	}
	return false;
}

void emul_data_abort(struct vcpu *v, struct frame *f, uint64_t esr)
{
	uint64_t iss = ESR_ISS(esr);
	uint64_t ipa = (sysreg_read(hpfar_el2) >> 4) << 12 | (sysreg_read(far_el2) & 0xfff);
	bool write = iss & ISS_WNR;
	const struct pt_emul *w = find_window(v->vm->cfg, ipa);

	if (w && (iss & ISS_ISV) && !(iss & ISS_S1PTW) && FSC_IS_TRANSLATION(ISS_FSC(iss))) {
		unsigned size = 1u << ISS_SAS(iss), srt = ISS_SRT(iss);
		uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
		uint64_t val = write && srt != 31 ? f->x[srt] & mask : 0;

		if (emulate(v, w, ipa - w->ipa, write, &val, size)) {
			if (!write && srt != 31) {
				val &= mask;
				if ((iss & ISS_SSE) && size < 8 && (val >> (8 * size - 1)) & 1)
					val |= ~mask;
				if (!(iss & ISS_SF))
					val &= 0xffffffffull;
				f->x[srt] = val;
			}
			f->elr += 4;
			return;
		}
	}
	vm_fault(v, "data abort at IPA 0x%lx (%s, PC 0x%lx)", ipa, write ? "write" : "read", f->elr);
}
