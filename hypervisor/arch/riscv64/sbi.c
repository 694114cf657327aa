/*
 * The SBI a VM's harts call (ECALL from VS-mode): what Linux 6.1, RTOSes built for Bao and
 * OpenSBI-style payloads use. A VM only ever sees its own harts: hart ids are vCPU indexes, hart
 * masks are read against the VM's harts only, SRST acts on the calling VM, and every argument
 * comes from the guest and is checked before use.
 *
 *  Base    spec version 2.0, implementation id, probe, machine ids (all 0: the VM's, not the
 *          board's)
 *  TIME    set_timer: vstimecmp (Sstc), which the guest could also write itself
 *  IPI     send_ipi: VSSIP at each target hart of the VM
 *  RFENCE  remote fence.i / sfence.vma(_asid): the target harts' VS-stage TLBs, whole (hfence.vvma
 *          of the VM's VMID covers every address and ASID the call may name)
 *  HSM     hart_start / hart_stop / hart_get_status / hart_suspend (retentive: returns at once)
 *  SRST    shutdown: the VM off; cold or warm reboot: the VM restarts. Never the machine.
 *  DBCN    console_write / console_read / console_write_byte on the VM's console stream
 *  legacy  set_timer, console_putchar/getchar, clear_ipi, send_ipi, remote fences, shutdown
 *  Partita the vendor extension PT_SBI_EXT: channel doorbells, the boot count (config.h)
 *
 * Everything else returns SBI_ERR_NOT_SUPPORTED, noted within the VM's rate limits.
 */
#include <arch/cpu.h>
#include <arch/csr.h>
#include <arch/sbi.h>
#include <arch/vcpu.h>
#include <hyp/arch.h>
#include <hyp/console.h>
#include <hyp/vm.h>

#define SBI_SPEC_VERSION   (2u << 24)      /* 2.0 */
#define SBI_IMPL_ID        0x50544131u     /* unregistered: "PTA1" */
#define SBI_IMPL_VERSION   1

#define DBCN_MAX 4096   /* bytes one console_write/read moves (it may return fewer: the SBI allows) */

static int64_t call_result(int64_t core)
{
	return core == CALL_OK ? SBI_SUCCESS : SBI_ERR_INVALID_PARAM;
}

static bool extension_exists(uint64_t ext)
{
	switch (ext) {
	case SBI_EXT_LEGACY_SET_TIMER: case SBI_EXT_LEGACY_PUTCHAR: case SBI_EXT_LEGACY_GETCHAR:
	case SBI_EXT_LEGACY_CLEAR_IPI: case SBI_EXT_LEGACY_SEND_IPI: case SBI_EXT_LEGACY_FENCE_I:
	case SBI_EXT_LEGACY_SFENCE_VMA: case SBI_EXT_LEGACY_SFENCE_ASID:
	case SBI_EXT_LEGACY_SHUTDOWN:
	case SBI_EXT_BASE: case SBI_EXT_TIME: case SBI_EXT_IPI: case SBI_EXT_RFENCE:
	case SBI_EXT_HSM: case SBI_EXT_SRST: case SBI_EXT_DBCN: case PT_SBI_EXT:
		return true;
	}
	return false;
}

/*
 * The VM's harts a (mask, base) pair names: bit i of mask is hart base + i; base -1 means every
 * hart. Harts the VM does not have make the call fail (INVALID_PARAM), as the SBI says.
 */
static bool hart_set(struct vcpu *v, uint64_t mask, uint64_t base, uint32_t *set)
{
	uint32_t n = v->vm->cfg->ncpus, all = (uint32_t)((1ull << n) - 1);

	if (base == ~0ull) {
		*set = all;
		return true;
	}
	if (mask == 0) {
		*set = 0;
		return true;
	}
	if (base >= n || (mask << base >> base) != mask || (mask << base) & ~(uint64_t)all)
		return false;
	*set = (uint32_t)(mask << base);
	return true;
}

static void ipi(struct vcpu *v, uint32_t set)
{
	struct vm *vm = v->vm;

	for (unsigned i = 0; i < vm->cfg->ncpus; i++) {
		if (!(set & (1u << i)))
			continue;
		struct vcpu *t = &vm->vcpus[i];
		if (t == v) {
			csr_set(CSR_HVIP, 1ul << IRQ_VSSI);
			continue;
		}
		__atomic_fetch_or(&vcpu_arch(t)->req, REQ_VSSIP, __ATOMIC_RELEASE);
		if (READ_ONCE(t->running))
			arch_vcpu_kick(t);
	}
}

/*
 * A remote fence: each target does it on its way back into the guest. The call returns once
 * every target that is in the guest has done it (one that is not does it before it enters
 * again). While waiting, this hart does what others asked of it, so two harts fencing each
 * other cannot wait for ever.
 */
static void rfence(struct vcpu *v, uint32_t set, uint32_t what)
{
	struct vm *vm = v->vm;

	for (unsigned i = 0; i < vm->cfg->ncpus; i++) {
		struct vcpu *t = &vm->vcpus[i];
		if (!(set & (1u << i)) || t == v)
			continue;
		__atomic_fetch_or(&vcpu_arch(t)->req, what, __ATOMIC_RELEASE);
		if (READ_ONCE(t->running))
			arch_vcpu_kick(t);
	}
	for (unsigned i = 0; i < vm->cfg->ncpus; i++) {
		struct vcpu *t = &vm->vcpus[i];
		if (!(set & (1u << i)) || t == v)
			continue;
		while ((READ_ONCE(vcpu_arch(t)->req) & what) && READ_ONCE(t->running) &&
		       READ_ONCE(v->state) == VCPU_ON) {
			uint32_t mine = READ_ONCE(vcpu_arch(v)->req) & REQ_FENCES;
			if (mine) {
				__atomic_fetch_and(&vcpu_arch(v)->req, ~mine, __ATOMIC_ACQ_REL);
				if (mine & REQ_FENCE_I)
					fence_i();
				if (mine & REQ_VVMA)
					hfence_vvma_all();
			}
			cpu_pause();
		}
	}
	if ((set & (1u << v->index)) && (what & REQ_FENCE_I))
		fence_i();
	if ((set & (1u << v->index)) && (what & REQ_VVMA))
		hfence_vvma_all();
}

static int64_t hart_start(struct vcpu *v, uint64_t hart, uint64_t entry, uint64_t opaque)
{
	struct vcpu *t = vm_vcpu(v->vm, hart);

	if (!t) {
		vm_note(v, LOG_PSCI, "SBI hart_start of hart %lu, not a hart of this VM — "
			"INVALID_PARAM", hart);
		return SBI_ERR_INVALID_PARAM;
	}
	if (!IS_ALIGNED(entry, 2) || !vm_ipa_is_code(v->vm, entry, 2))
		return SBI_ERR_INVALID_ADDRESS;
	switch (vcpu_power_on(t, entry, opaque)) {
	case VCPU_ON_STARTED: return SBI_SUCCESS;
	case VCPU_ON_DENIED:  return SBI_ERR_FAILED;
	case VCPU_ON_ALREADY: break;
	}
	return SBI_ERR_ALREADY_AVAILABLE;
}

static struct sbiret hart_status(struct vcpu *v, uint64_t hart)
{
	struct vcpu *t = vm_vcpu(v->vm, hart);

	if (!t)
		return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
	switch (READ_ONCE(t->state)) {
	case VCPU_ON:         return (struct sbiret){ SBI_SUCCESS, 0 };   /* STARTED */
	case VCPU_ON_PENDING: return (struct sbiret){ SBI_SUCCESS, 2 };   /* START_PENDING */
	default:              return (struct sbiret){ SBI_SUCCESS, 1 };   /* STOPPED */
	}
}

/* DBCN: guest-physical [base, base + n) of the VM's RAM, through this pCPU's window. */
static struct sbiret console_io(struct vcpu *v, uint64_t n, uint64_t lo, uint64_t hi, bool write)
{
	uint64_t base = lo;   /* RV64: base_addr_lo is the whole address, base_addr_hi 0 */
	uint8_t buf[64];
	uint64_t done = 0;

	if (n > DBCN_MAX)
		n = DBCN_MAX;
	if (n == 0)
		return (struct sbiret){ SBI_SUCCESS, 0 };
	if (hi || !vm_ipa_is_ram(v->vm, base, n))
		return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
	while (done < n) {
		uint64_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
		if (write) {
			if (!image_vm_copy(v->vm->cfg, base + done, buf, k, false))
				break;
			for (uint64_t i = 0; i < k; i++)
				conmux_vm_out(v->vm, buf[i]);
		} else {
			uint64_t got = 0;
			int ch;
			while (got < k && (ch = conmux_vm_getc(v->vm)) >= 0)
				buf[got++] = (uint8_t)ch;
			if (got)
				image_vm_copy(v->vm->cfg, base + done, buf, got, true);
			done += got;
			if (got < k)
				break;
			continue;
		}
		done += k;
	}
	return (struct sbiret){ SBI_SUCCESS, (int64_t)done };
}

/* Legacy calls pass a hart mask by its (guest virtual) address, or 0 for every hart. */
static bool legacy_mask(struct vcpu *v, uint64_t addr, uint32_t *set)
{
	uint64_t mask;

	if (!addr)
		return hart_set(v, 0, ~0ull, set);
	if (!guest_read_u64(addr, &mask))
		return false;
	return hart_set(v, mask, 0, set);
}

static struct sbiret base_call(uint64_t fid, uint64_t a0)
{
	switch (fid) {
	case 0: return (struct sbiret){ SBI_SUCCESS, SBI_SPEC_VERSION };
	case 1: return (struct sbiret){ SBI_SUCCESS, SBI_IMPL_ID };
	case 2: return (struct sbiret){ SBI_SUCCESS, SBI_IMPL_VERSION };
	case 3: return (struct sbiret){ SBI_SUCCESS, extension_exists(a0) };
	case 4: case 5: case 6:
		return (struct sbiret){ SBI_SUCCESS, 0 };   /* mvendorid, marchid, mimpid */
	}
	return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
}

void sbi_guest_call(struct vcpu *v, struct frame *f)
{
	uint64_t ext = f->x[17], fid = f->x[16];
	uint64_t a0 = f->x[10], a1 = f->x[11], a2 = f->x[12];
	struct sbiret r = { SBI_SUCCESS, 0 };
	uint32_t set;
	int c;

	switch (ext) {
	case SBI_EXT_BASE:
		r = base_call(fid, a0);
		break;
	case SBI_EXT_TIME:
		if (fid != 0)
			goto unsupported;
		/* fallthrough */
	case SBI_EXT_LEGACY_SET_TIMER:
		csr_write(CSR_VSTIMECMP, a0);
		break;
	case SBI_EXT_IPI:
		if (fid != 0)
			goto unsupported;
		if (!hart_set(v, a0, a1, &set))
			r.error = SBI_ERR_INVALID_PARAM;
		else
			ipi(v, set);
		break;
	case SBI_EXT_RFENCE:
		if (fid > 2)   /* the hypervisor fences (HFENCE.*) are not a VM's to ask for */
			goto unsupported;
		if (!hart_set(v, a0, a1, &set))
			r.error = SBI_ERR_INVALID_PARAM;
		else
			rfence(v, set, fid == 0 ? REQ_FENCE_I : REQ_VVMA);
		break;
	case SBI_EXT_HSM:
		switch (fid) {
		case 0: r.error = hart_start(v, a0, a1, a2); break;
		case 1: vcpu_power_off(v); r.error = SBI_ERR_FAILED; break;   /* seen only on failure */
		case 2: r = hart_status(v, a0); break;
		case 3:   /* hart_suspend: retentive (type 0) returns at once, as an interrupt would */
			if (a0 == 0 || (a0 >= 0x10000000 && a0 < 0x80000000))
				break;
			r.error = a0 < 0x80000000 ? SBI_ERR_INVALID_PARAM : SBI_ERR_NOT_SUPPORTED;
			break;
		default: goto unsupported;
		}
		break;
	case SBI_EXT_SRST:
		if (fid != 0)
			goto unsupported;
		if (a0 == 0) {
			vm_log(v, "SBI system_reset(shutdown) — VM off");
			vm_stop(v->vm, VM_OFF);
		} else if (a0 == 1 || a0 == 2) {
			vm_note(v, LOG_LIFECYCLE, "SBI system_reset(%s reboot) — VM restarting",
				a0 == 1 ? "cold" : "warm");
			vm_reset(v->vm, 0);
		} else {
			r.error = SBI_ERR_INVALID_PARAM;
		}
		break;
	case SBI_EXT_DBCN:
		if (fid == 2)
			conmux_vm_out(v->vm, (uint8_t)a0);
		else if (fid <= 1)
			r = console_io(v, a0, a1, a2, fid == 0);
		else
			goto unsupported;
		break;
	case SBI_EXT_LEGACY_PUTCHAR:
		conmux_vm_out(v->vm, (uint8_t)a0);
		break;
	case SBI_EXT_LEGACY_GETCHAR:
		c = conmux_vm_getc(v->vm);
		f->x[10] = (uint64_t)(int64_t)c;   /* -1: nothing; legacy calls return in a0 only */
		return;
	case SBI_EXT_LEGACY_CLEAR_IPI:
		csr_clear(CSR_HVIP, 1ul << IRQ_VSSI);
		f->x[10] = 0;
		return;
	case SBI_EXT_LEGACY_SEND_IPI:
	case SBI_EXT_LEGACY_FENCE_I:
	case SBI_EXT_LEGACY_SFENCE_VMA:
	case SBI_EXT_LEGACY_SFENCE_ASID:
		if (!legacy_mask(v, a0, &set)) {
			f->x[10] = (uint64_t)SBI_ERR_INVALID_PARAM;
			return;
		}
		if (ext == SBI_EXT_LEGACY_SEND_IPI)
			ipi(v, set);
		else
			rfence(v, set, ext == SBI_EXT_LEGACY_FENCE_I ? REQ_FENCE_I : REQ_VVMA);
		f->x[10] = 0;
		return;
	case SBI_EXT_LEGACY_SHUTDOWN:
		vm_log(v, "SBI legacy shutdown — VM off");
		vm_stop(v->vm, VM_OFF);
		return;
	case PT_SBI_EXT:
		if (fid == PT_SBI_CHANNEL_NOTIFY)
			r.error = call_result(channel_notify(v, a0));
		else if (fid == PT_SBI_VM_BOOTS)
			r.value = READ_ONCE(v->vm->boots);
		else
			goto unsupported;
		break;
	default:
		goto unsupported;
	}
	f->x[10] = (uint64_t)r.error;
	f->x[11] = (uint64_t)r.value;
	return;
unsupported:
	vm_note(v, LOG_CALL, "SBI extension 0x%lx function %lu — NOT_SUPPORTED", ext, fid);
	f->x[10] = (uint64_t)SBI_ERR_NOT_SUPPORTED;
	f->x[11] = 0;
}
