/*
 * PSCI for guests (HVC #0, or SMC trapped by HCR_EL2.TSC), per SMC Calling Convention.
 *
 * A VM only ever sees its own vCPUs: the target of CPU_ON / AFFINITY_INFO is a *virtual* MPIDR
 * (vCPU index in Aff0, as VMPIDR_EL2 reports it), and SYSTEM_OFF / SYSTEM_RESET act on the
 * calling VM only. Every argument comes from the guest and is checked before use.
 */
#include <arch/psci.h>
#include <arch/vcpu.h>
#include <hyp/vm.h>

_Static_assert(CALL_OK == PSCI_SUCCESS && CALL_INVALID == PSCI_INVALID_PARAMETERS,
	       "core's call results are the SMC Calling Convention's");

/* Virtual MPIDRs are 0..ncpus-1 in Aff0, every other field zero (VMPIDR_EL2, vcpu_arch.c). */
static struct vcpu *vcpu_by_mpidr(struct vm *vm, uint64_t vmpidr)
{
	return vm_vcpu(vm, vmpidr);
}

static int64_t cpu_on(struct vcpu *v, uint64_t target, uint64_t entry, uint64_t ctx)
{
	struct vm *vm = v->vm;
	struct vcpu *t = vcpu_by_mpidr(vm, target);

	if (!t) {
		vm_note(v, LOG_PSCI, "PSCI CPU_ON of MPIDR 0x%lx, not a CPU of this VM — "
			"INVALID_PARAMETERS", target);
		return PSCI_INVALID_PARAMETERS;
	}
	/* A64 instructions are 4-byte aligned: anything else could only fault on its first fetch. */
	if (!IS_ALIGNED(entry, 4) || !vm_ipa_is_code(vm, entry, 4))
		return PSCI_INVALID_ADDRESS;

	switch (vcpu_power_on(t, entry, ctx)) {
	case VCPU_ON_STARTED: return PSCI_SUCCESS;
	case VCPU_ON_DENIED:  return PSCI_DENIED;
	case VCPU_ON_ALREADY: break;
	}
	return PSCI_ALREADY_ON;
}

static int64_t affinity_info(struct vcpu *v, uint64_t target, uint64_t level)
{
	struct vcpu *t = vcpu_by_mpidr(v->vm, target);

	if (!t || level != 0)
		return PSCI_INVALID_PARAMETERS;
	switch (READ_ONCE(t->state)) {
	case VCPU_ON:         return 0;
	case VCPU_ON_PENDING: return 2;
	default:              return 1;
	}
}

static bool supported(uint32_t fn)
{
	switch (fn) {
	case PSCI_VERSION: case PSCI_CPU_OFF: case PSCI_CPU_ON: case PSCI_CPU_ON | PSCI_64BIT:
	case PSCI_AFFINITY_INFO: case PSCI_AFFINITY_INFO | PSCI_64BIT: case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF: case PSCI_SYSTEM_RESET: case PSCI_FEATURES:
		return true;
	}
	return false;
}

void psci_guest_call(struct vcpu *v, struct frame *f, bool smc)
{
	uint32_t fn = (uint32_t)f->x[0];
	/* SMC32 calls pass 32-bit arguments: ignore whatever sits in the upper halves. */
	uint64_t mask = fn & PSCI_64BIT ? ~0ull : 0xffffffffull;
	uint64_t a1 = f->x[1] & mask, a2 = f->x[2] & mask, a3 = f->x[3] & mask;
	int64_t ret;

	switch (fn) {
	case PSCI_VERSION:
		ret = PSCI_VERSION_1_1;
		break;
	case PSCI_FEATURES:
		ret = supported((uint32_t)a1) ? 0 : PSCI_NOT_SUPPORTED;
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = 2;   /* no Trusted OS to migrate */
		break;
	case PSCI_CPU_ON:
	case PSCI_CPU_ON | PSCI_64BIT:
		ret = cpu_on(v, a1, a2, a3);
		break;
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO | PSCI_64BIT:
		ret = affinity_info(v, a1, a2);
		break;
	case PSCI_CPU_OFF:
		vcpu_power_off(v);
		ret = PSCI_DENIED;   /* only seen if it could not go off */
		break;
	case PSCI_SYSTEM_OFF:
		vm_log(v, "PSCI SYSTEM_OFF — VM off");
		vm_stop(v->vm, VM_OFF);
		ret = 0;
		break;
	case PSCI_SYSTEM_RESET:
		vm_note(v, LOG_LIFECYCLE, "PSCI SYSTEM_RESET — VM restarting");
		vm_reset(v->vm, 0);
		ret = 0;
		break;
	case PT_HVC_CHANNEL_NOTIFY:
		ret = channel_notify(v, f->x[1]);   /* CALL_* are SMCCC's values */
		break;
	case PT_HVC_VM_BOOTS:
		ret = READ_ONCE(v->vm->boots);
		break;
	default:
		vm_note(v, LOG_CALL, "unknown %s 0x%x — NOT_SUPPORTED", smc ? "smc" : "hvc", fn);
		ret = PSCI_NOT_SUPPORTED;
	}
	f->x[0] = (uint64_t)ret;
}
