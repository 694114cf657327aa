/*
 * Stage-2 data aborts: the decoder of every access a guest makes to an emulated device
 * (core/emul.c takes it from there, hyp/emul.h).
 *
 * Everything about the access comes from the syndrome, decoded and validated here once; the
 * hypervisor never reads guest instructions from guest memory. What core gets is a single load
 * or store of a general-purpose register (ISV = 1; its size 1, 2, 4 or 8). Everything else:
 *
 *   - cache maintenance by VA on a window (ISS.CM): a device has nothing cached, so it is a
 *     no-op and the guest goes on;
 *   - no syndrome (ISV = 0: load/store pair, writeback, SIMD register, exclusive pair, ...), a
 *     stage-1 table walk into a window, an access outside every window, or any other fault: the
 *     guest's fault (its on_fault policy).
 *
 * The guest resumes after the instruction: 4 bytes on, or 2 for a 16-bit T32 instruction from an
 * AArch32 EL0 (ESR_EL2.IL clear), with its IT state advanced.
 */
#include <arch/cpu.h>
#include <arch/sysreg.h>
#include <arch/vcpu.h>
#include <hyp/emul.h>
#include <hyp/vm.h>

/* The low `size` bytes of x (two shifts; for 8 bytes, by 0: (-64) & 63). */
static inline uint64_t low_bytes(uint64_t x, unsigned size)
{
	unsigned drop = (0u - 8 * size) & 63;

	return x << drop >> drop;
}

/* The loaded value as the register receives it: sign-extended if asked (SSE), 32-bit if W (!SF). */
static uint64_t extend(uint64_t iss, unsigned size, uint64_t val)
{
	uint64_t mask = low_bytes(~0ull, size);

	val &= mask;
	if ((iss & ISS_SSE) && size < 8 && ((val >> (8 * size - 1)) & 1))
		val |= ~mask;
	if (!(iss & ISS_SF))
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
static inline void skip_insn(struct frame *f, uint64_t esr)
{
	f->elr += esr & ESR_IL ? 4 : 2;
	if ((f->spsr & BIT(4)) && (f->spsr & SPSR_T)) {
		uint64_t it = SPSR_IT_HI(f->spsr) << 2 | SPSR_IT_LO(f->spsr);

		it = (it & 7) == 0 ? 0 : (it & 0xe0) | ((it << 1) & 0x1f);
		f->spsr &= ~((3ull << 25) | (0x3full << 10));
		f->spsr |= (it & 3) << 25 | (it >> 2) << 10;
	}
}

static void fault(struct vcpu *v, struct frame *f, uint64_t iss)
{
	vm_fault(v, "data abort at IPA 0x%lx (%s, PC 0x%lx)", fault_ipa(),
		 iss & ISS_WNR ? "write" : "read", f->elr);
}

/* Anything but a single load or store translation fault: a stage-1 walk, cache maintenance, an
 * access without a syndrome, another kind of fault. */
static __attribute__((noinline)) void other(struct vcpu *v, struct frame *f, uint64_t esr)
{
	uint64_t iss = ESR_ISS(esr);

	if (iss & ISS_S1PTW)
		stage1_walk_fault(v, f, iss & ISS_WNR ? "write" : "read");
	else if (FSC_IS_TRANSLATION(ISS_FSC(iss)) && (iss & ISS_CM) && emul_window(v, fault_ipa()))
		skip_insn(f, esr);   /* cache maintenance on a window: nothing cached there */
	else
		fault(v, f, iss);
}

void data_abort(struct vcpu *v, struct frame *f, uint64_t esr)
{
	uint64_t iss = ESR_ISS(esr);
	unsigned reg = (unsigned)ISS_SRT(iss);   /* 31 is XZR */
	struct emul_access a;

	if (unlikely((iss & (ISS_ISV | ISS_CM | ISS_S1PTW)) != ISS_ISV ||
		     !FSC_IS_TRANSLATION(ISS_FSC(iss)))) {
		other(v, f, esr);
		return;
	}
	a.size = 1u << ISS_SAS(iss);
	a.write = iss & ISS_WNR;
	a.val = likely(a.write) && reg != 31 ? low_bytes(f->x[reg], a.size) : 0;
	a.pc = f->elr;
	a.ipa = fault_ipa();
	if (unlikely(emul_mmio(v, &a) == EMUL_NONE)) {
		fault(v, f, ESR_ISS(f->esr));
		return;
	}
	/*
	 * What the syndrome said is read again from the frame (vectors.S put it there) rather
	 * than kept across the emulation: this path then keeps next to nothing in callee-saved
	 * registers, which makes a console write as cheap as it can be.
	 */
	esr = READ_ONCE(f->esr);
	iss = ESR_ISS(esr);
	if (!(iss & ISS_WNR) && ISS_SRT(iss) != 31)
		f->x[ISS_SRT(iss)] = extend(iss, 1u << ISS_SAS(iss), a.val);
	skip_insn(f, esr);
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
