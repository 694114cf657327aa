/*
 * Trapped system register accesses (EC 0x18). Two kinds reach us:
 *
 *  - ICC_SGI1R_EL1 (and its group-0 / alias siblings): SGI generation is not virtualised by the
 *    GIC, so with HCR_EL2.IMO/FMO set a guest's write traps here and the vGIC delivers the SGI
 *    to the VM's own vCPUs (core/vgic_sgi.c);
 *  - the EL1 physical timer (CNTP_*), trapped by CNTHCTL_EL2.EL1PCEN = 0: that timer is not the
 *    guest's (its interrupt would reach the hypervisor, and its compare value is shared with
 *    nobody useful). It reads as zero and ignores writes, logged once per VM; guests use the
 *    virtual timer. The physical *counter* stays readable (EL1PCTEN = 1): it tells a guest
 *    nothing the virtual counter plus a constant does not.
 *
 * Anything else that traps here is unexpected and the guest's fault.
 */
#include <hyp/sysreg.h>
#include <hyp/vgic.h>
#include <hyp/vm.h>

/* ISS: Op0[21:20] Op2[19:17] Op1[16:14] CRn[13:10] Rt[9:5] CRm[4:1] Direction[0] (1 = read) */
#define SYSREG(op0, op1, crn, crm, op2) \
	(((op0) << 20) | ((op2) << 17) | ((op1) << 14) | ((crn) << 10) | ((crm) << 1))
#define SYSREG_MASK       SYSREG(3, 7, 15, 15, 7)
#define ISS_RT(iss)       (((iss) >> 5) & 0x1f)
#define ISS_READ          BIT(0)

#define ICC_SGI1R_EL1     SYSREG(3, 0, 12, 11, 5)
#define ICC_ASGI1R_EL1    SYSREG(3, 0, 12, 11, 6)
#define ICC_SGI0R_EL1     SYSREG(3, 0, 12, 11, 7)
#define CNTP_TVAL_EL0     SYSREG(3, 3, 14, 2, 0)
#define CNTP_CTL_EL0      SYSREG(3, 3, 14, 2, 1)
#define CNTP_CVAL_EL0     SYSREG(3, 3, 14, 2, 2)

void sysreg_trap(struct vcpu *v, struct frame *f, uint64_t esr)
{
	uint64_t iss = ESR_ISS(esr);
	unsigned rt = (unsigned)ISS_RT(iss);
	bool read = iss & ISS_READ;
	uint64_t val = rt == 31 ? 0 : f->x[rt];

	switch (iss & SYSREG_MASK) {
	case ICC_SGI1R_EL1:
		if (read)
			break;
		vgic_sgi1r(v, val);
		f->elr += 4;
		return;
	case ICC_ASGI1R_EL1:
	case ICC_SGI0R_EL1:   /* group 0 / secure SGIs: nobody here may send those */
		if (read)
			break;
		vgic_foreign(v, "group-0 SGI", (unsigned)(val >> 24) & 0xf);
		f->elr += 4;
		return;
	case CNTP_TVAL_EL0:
	case CNTP_CTL_EL0:
	case CNTP_CVAL_EL0:
		if (vm_once(v->vm, &v->vm->ptimer_warned))
			vm_log(v, "EL1 physical timer access (PC 0x%lx) — RAZ/WI, use the virtual timer "
			       "(logged once)", f->elr);
		if (read && rt != 31)
			f->x[rt] = 0;
		f->elr += 4;
		return;
	}
	vm_fault(v, "unexpected trap, EC 0x%02x ISS 0x%lx (PC 0x%lx)", (unsigned)ESR_EC(esr),
		 iss, f->elr);
}
