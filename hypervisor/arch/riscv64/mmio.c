/*
 * Guest-page faults on loads and stores: the decoder of every access a guest makes to an
 * emulated window (core takes it from there: hyp/emul.h).
 *
 * The guest-physical address is htval << 2 with stval's low two bits. The access itself comes
 * from htinst when the hart reports a transformed instruction there, else from the instruction
 * read through the guest's own translation (guest_mem.c; QEMU 7.2 leaves htinst 0). Only the
 * integer loads and stores of RV64I and their compressed forms are register accesses:
 * LB/LH/LW/LD/LBU/LHU/LWU, SB/SH/SW/SD, C.LW/C.LD/C.SW/C.SD and the SP-relative ones. Anything
 * else aimed at a window (an AMO, a floating-point load or store, a vector access) or a fault
 * outside every window is the guest's fault (its on_fault policy). The guest resumes after the
 * instruction, 2 or 4 bytes on.
 */
#include <arch/csr.h>
#include <arch/vcpu.h>
#include <hyp/emul.h>
#include <hyp/vm.h>

struct access {
	unsigned size, reg, len;
	bool write, sign;
};

static bool decode32(uint32_t insn, struct access *d)
{
	unsigned f3 = (insn >> 12) & 7;

	switch (insn & 0x7f) {
	case 0x03:   /* LOAD */
		if (f3 == 7)
			return false;
		d->size = 1u << (f3 & 3);
		d->sign = !(f3 & 4);
		d->reg = (insn >> 7) & 31;
		d->write = false;
		return true;
	case 0x23:   /* STORE */
		if (f3 > 3)
			return false;
		d->size = 1u << f3;
		d->reg = (insn >> 20) & 31;
		d->write = true;
		return true;
	}
	return false;
}

static bool decode16(uint32_t insn, struct access *d)
{
	unsigned f3 = (insn >> 13) & 7, q = insn & 3;
	unsigned rc = ((insn >> 2) & 7) + 8;   /* rd' / rs2' */

	d->sign = true;
	if (q == 0 && (f3 == 2 || f3 == 3 || f3 == 6 || f3 == 7)) {   /* C.LW C.LD C.SW C.SD */
		d->size = f3 & 1 ? 8 : 4;
		d->reg = rc;
		d->write = f3 >= 6;
		return true;
	}
	if (q == 2 && (f3 == 2 || f3 == 3)) {   /* C.LWSP C.LDSP */
		d->size = f3 & 1 ? 8 : 4;
		d->reg = (insn >> 7) & 31;
		d->write = false;
		return d->reg != 0;
	}
	if (q == 2 && (f3 == 6 || f3 == 7)) {   /* C.SWSP C.SDSP */
		d->size = f3 & 1 ? 8 : 4;
		d->reg = (insn >> 2) & 31;
		d->write = true;
		return true;
	}
	return false;
}

static bool decode(struct frame *f, struct access *d, uint32_t *insn)
{
	unsigned len;

	if (f->htinst & 1) {
		/* A transformed instruction: a 32-bit encoding, bit 1 clear when the original was a
		 * compressed one. */
		*insn = (uint32_t)f->htinst | 2;
		d->len = f->htinst & 2 ? 4 : 2;
		return decode32(*insn, d);
	}
	if (!guest_read_insn(f->sepc, insn, &len))
		return false;
	d->len = len;
	return len == 4 ? decode32(*insn, d) : decode16(*insn, d);
}

static uint64_t low_bytes(uint64_t x, unsigned size)
{
	unsigned drop = (0u - 8 * size) & 63;

	return x << drop >> drop;
}

static uint64_t extend(uint64_t val, unsigned size, bool sign)
{
	val = low_bytes(val, size);
	if (sign && size < 8 && ((val >> (8 * size - 1)) & 1))
		val |= ~low_bytes(~0ull, size);
	return val;
}

void guest_page_fault(struct vcpu *v, struct frame *f)
{
	uint64_t gpa = f->htval << 2 | (f->stval & 3);
	bool store = f->scause == EXC_STORE_GUEST_PF;
	struct emul_access a;
	struct access d;
	uint32_t insn = 0;

	/* Decode first: the common case is a window, whose lookup emul_mmio does anyway. */
	if (!decode(f, &d, &insn) || d.write != store) {
		if (!emul_window(v, gpa))
			vm_fault(v, "guest-page fault at GPA 0x%lx (%s, PC 0x%lx)", gpa,
				 store ? "write" : "read", f->sepc);
		else
			vm_fault(v, "%s of emulated GPA 0x%lx by instruction 0x%x, not a single integer "
				 "load or store (PC 0x%lx)", store ? "write" : "read", gpa, insn, f->sepc);
		return;
	}
	a.size = d.size;
	a.write = d.write;
	a.val = d.write && d.reg ? low_bytes(f->x[d.reg], d.size) : 0;
	a.pc = f->sepc;
	a.ipa = gpa;
	if (emul_mmio(v, &a) == EMUL_NONE) {
		vm_fault(v, "guest-page fault at GPA 0x%lx (%s, PC 0x%lx)", gpa,
			 store ? "write" : "read", f->sepc);
		return;
	}
	if (!d.write && d.reg)
		f->x[d.reg] = extend(a.val, d.size, d.sign);
	f->sepc += d.len;
}
