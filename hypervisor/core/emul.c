/*
 * Stage-2 data aborts: the one decoder for every access a guest makes to an emulated device.
 *
 * Everything about the access comes from the syndrome, decoded and validated here once; the
 * hypervisor never reads guest instructions from guest memory. An emulator (vUART, vGIC
 * distributor, redistributors) is only ever called with
 *
 *   - a single load or store of a general-purpose register (ISV = 1; its size 1, 2, 4 or 8),
 *   - naturally aligned, so it lies inside one aligned register of at least its size, and
 *   - wholly inside the emulated window (offset + size <= window size).
 *
 * The emulator answers false when it has no register of that size at that offset. What then
 * happens, and for everything else:
 *
 *   - misaligned, or a size the register does not support: reads as zero, writes ignored
 *     (RAZ/WI, which the GIC architecture allows for such accesses; the same for the vUART),
 *     logged (rate limited). The guest goes on;
 *   - cache maintenance by VA on a window (ISS.CM): a device has nothing cached, so it is a
 *     no-op and the guest goes on;
 *   - no syndrome (ISV = 0: load/store pair, writeback, SIMD register, exclusive pair, ...), a
 *     stage-1 table walk into a window, or any other fault: the guest's fault (its on_fault policy).
 *
 * The guest resumes after the instruction: 4 bytes on, or 2 for a 16-bit T32 instruction from an
 * AArch32 EL0 (ESR_EL2.IL clear), with its IT state advanced.
 */
#include <hyp/console.h>
#include <hyp/cpu.h>
#include <hyp/vm.h>

struct access {
	uint64_t off;      /* into the window */
	unsigned size;     /* bytes: 1, 2, 4, 8 */
	unsigned reg;      /* SRT; 31 is XZR */
	bool write, sign, sf;
};

/* The window holding ipa, trying the vCPU's last one first (a console loop hits one window). */
static const struct pt_emul *find_window(struct vcpu *v, uint64_t ipa)
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

static const char *window_name(const struct pt_emul *w)
{
	switch (w->kind) {
	case PT_EMUL_VUART: return "vUART";
	case PT_EMUL_GICD:  return "GICD";
	case PT_EMUL_GICR:  return "GICR";
	}
	return "window";
}

static bool emulate(struct vcpu *v, const struct pt_emul *w, const struct access *a,
		    uint64_t *val)
{
	switch (w->kind) {
	case PT_EMUL_VUART:
		return vuart_access(v, a->off, a->write, val, a->size);
	case PT_EMUL_GICD:
		vgic_sync(v);   /* pending state the LRs hold shows, and can be cleared */
		return vgic_dist_access(v, a->off, a->write, val, a->size);
	case PT_EMUL_GICR:
		vgic_sync(v);
		return vgic_redist_access(v, a->off, a->write, val, a->size);
	}
	return false;
}

static uint64_t size_mask(unsigned size)
{
	return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* The loaded value as the register receives it: sign-extended if asked, 32-bit view if W. */
static uint64_t extend(const struct access *a, uint64_t val)
{
	uint64_t mask = size_mask(a->size);

	val &= mask;
	if (a->sign && a->size < 8 && ((val >> (8 * a->size - 1)) & 1))
		val |= ~mask;
	if (!a->sf)
		val &= 0xffffffffull;
	return val;
}

/*
 * Step past the trapped instruction: 4 bytes, or 2 for a 16-bit T32 one (ESR.IL clear). In T32
 * inside an IT block the ITSTATE in the saved PSTATE advances too, as executing it would have.
 */
#define SPSR_T           BIT(5)
#define SPSR_IT_LO(s)    (((s) >> 25) & 3)      /* IT[1:0] */
#define SPSR_IT_HI(s)    (((s) >> 10) & 0x3f)   /* IT[7:2] */
static void skip_insn(struct frame *f, uint64_t esr)
{
	f->elr += esr & ESR_IL ? 4 : 2;
	if ((f->spsr & BIT(4)) && (f->spsr & SPSR_T)) {
		uint64_t it = SPSR_IT_HI(f->spsr) << 2 | SPSR_IT_LO(f->spsr);

		it = (it & 7) == 0 ? 0 : (it & 0xe0) | ((it << 1) & 0x1f);
		f->spsr &= ~((3ull << 25) | (0x3full << 10));
		f->spsr |= (it & 3) << 25 | (it >> 2) << 10;
	}
}

void emul_data_abort(struct vcpu *v, struct frame *f, uint64_t esr)
{
	uint64_t iss = ESR_ISS(esr);
	uint64_t ipa = fault_ipa();
	const struct pt_emul *w = find_window(v, ipa);
	struct access a;
	uint64_t val;

	a.write = iss & ISS_WNR;
	if (!w || (iss & ISS_S1PTW) || !FSC_IS_TRANSLATION(ISS_FSC(iss)))
		goto fault;
	/*
	 * The hot one, a console: a store of at most 32 bits to the vUART's data register (offset
	 * 0, so aligned whatever its size) prints its low byte, as vuart_access() would.
	 */
	if (w->kind == PT_EMUL_VUART && (iss & (ISS_ISV | ISS_WNR | ISS_CM)) == (ISS_ISV | ISS_WNR) &&
	    ipa == w->ipa && ISS_SAS(iss) <= 2) {
		unsigned rt = (unsigned)ISS_SRT(iss);
		conmux_vm_out(v->vm, rt == 31 ? 0 : (uint8_t)f->x[rt]);
		skip_insn(f, esr);
		return;
	}
	if (iss & ISS_CM) {
		skip_insn(f, esr);
		return;
	}
	if (!(iss & ISS_ISV))
		goto fault;

	a.off = ipa - w->ipa;
	a.size = 1u << ISS_SAS(iss);
	a.reg = (unsigned)ISS_SRT(iss);
	a.sign = iss & ISS_SSE;
	a.sf = iss & ISS_SF;
	val = a.write && a.reg != 31 ? f->x[a.reg] & size_mask(a.size) : 0;

	if (!IS_ALIGNED(a.off, a.size) || a.size > w->size - a.off ||
	    !emulate(v, w, &a, &val)) {
		vm_note(v, LOG_MMIO, "%u-byte %s at %s+0x%lx (PC 0x%lx) is not a register access — "
			"RAZ/WI", a.size, a.write ? "write" : "read", window_name(w), a.off, f->elr);
		val = 0;
	}
	if (!a.write && a.reg != 31)
		f->x[a.reg] = extend(&a, val);
	skip_insn(f, esr);
	return;

fault:
	if (iss & ISS_S1PTW)
		stage1_walk_fault(v, f, a.write ? "write" : "read");
	else
		vm_fault(v, "data abort at IPA 0x%lx (%s, PC 0x%lx)", ipa, a.write ? "write" : "read",
			 f->elr);
}

uint64_t fault_ipa(void)
{
	return (sysreg_read(hpfar_el2) >> 4) << 12 | (sysreg_read(far_el2) & 0xfff);
}

/*
 * The guest's own page tables point outside what stage 2 maps: HPFAR names the page of the
 * descriptor the walk wanted, FAR the virtual address being translated.
 */
void stage1_walk_fault(struct vcpu *v, struct frame *f, const char *access)
{
	vm_fault(v, "stage-1 table walk into IPA page 0x%lx (%s of VA 0x%lx, PC 0x%lx)",
		 (sysreg_read(hpfar_el2) >> 4) << 12, access, sysreg_read(far_el2), f->elr);
}
