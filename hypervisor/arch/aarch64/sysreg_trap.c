/*
 * Trapped system register accesses and system instructions (EC 0x18). What reaches us:
 *
 *  - ICC_SGI1R_EL1 (and its group-0 / alias siblings): SGI generation is not virtualised by the
 *    GIC, so with HCR_EL2.IMO/FMO set a guest's write traps here and the vGIC delivers the SGI
 *    to the VM's own vCPUs (vgic/vgic_sgi.c);
 *  - the EL1 physical timer (CNTP_*), trapped by CNTHCTL_EL2.EL1PCEN = 0: that timer is not the
 *    guest's (its interrupt would reach the hypervisor). It reads as zero and ignores writes;
 *    guests use the virtual timer. The physical *counter* stays readable (EL1PCTEN = 1): it tells
 *    a guest nothing the virtual counter plus a constant does not;
 *  - shared hardware a guest must not program (docs/security.md): the PMU (MDCR_EL2.TPM/TPMCR),
 *    the debug and trace registers (TDA, TDOSA, TDRA, CPTR_EL2.TTA) and ACTLR_EL1 (HCR_EL2.TACR)
 *    read as zero and ignore writes: the guest sees a PMU that never counts and breakpoints that
 *    never fire, and nothing it writes reaches the hardware that EL2 and other VMs share;
 *  - IMPLEMENTATION DEFINED registers (HCR_EL2.TIDCP): UNDEFINED for the guest, as on a CPU that
 *    does not implement them (an exception injected at its own EL1 vector);
 *  - set/way cache maintenance (HCR_EL2.TSW): on a cache level private to this core (below
 *    CLIDR_EL1.LoUIS) it is carried out as clean+invalidate, never as a bare invalidate that
 *    would throw away the hypervisor's dirty lines; on shared levels, which hold other VMs'
 *    lines, it does nothing. Guests keep their data coherent by VA (DC CIVAC), as Linux does.
 *
 * Anything else that traps here is unexpected and the guest's fault. PMU, debug and ACTLR_EL1
 * accesses are not logged (every OS makes some at start-up); the rest is, rate limited.
 */
#include <arch/sysreg.h>
#include <arch/vcpu.h>
#include <arch/vgic.h>
#include <hyp/vm.h>

/* ISS: Op0[21:20] Op2[19:17] Op1[16:14] CRn[13:10] Rt[9:5] CRm[4:1] Direction[0] (1 = read) */
#define SYSREG(op0, op1, crn, crm, op2) \
	(((op0) << 20) | ((op2) << 17) | ((op1) << 14) | ((crn) << 10) | ((crm) << 1))
#define SYSREG_MASK       SYSREG(3, 7, 15, 15, 7)
#define ISS_OP0(iss)      (((iss) >> 20) & 3)
#define ISS_OP2(iss)      (((iss) >> 17) & 7)
#define ISS_OP1(iss)      (((iss) >> 14) & 7)
#define ISS_CRN(iss)      (((iss) >> 10) & 0xf)
#define ISS_CRM(iss)      (((iss) >> 1) & 0xf)
#define ISS_RT(iss)       (((iss) >> 5) & 0x1f)
#define ISS_READ          BIT(0)

#define ICC_SGI1R_EL1     SYSREG(3, 0, 12, 11, 5)
#define ICC_ASGI1R_EL1    SYSREG(3, 0, 12, 11, 6)
#define ICC_SGI0R_EL1     SYSREG(3, 0, 12, 11, 7)
#define CNTP_TVAL_EL0     SYSREG(3, 3, 14, 2, 0)
#define CNTP_CTL_EL0      SYSREG(3, 3, 14, 2, 1)
#define CNTP_CVAL_EL0     SYSREG(3, 3, 14, 2, 2)
#define ACTLR_EL1         SYSREG(3, 0, 1, 0, 1)
#define DC_ISW            SYSREG(1, 0, 7, 6, 2)
#define DC_CSW            SYSREG(1, 0, 7, 10, 2)
#define DC_CISW           SYSREG(1, 0, 7, 14, 2)

#define CLIDR_LOUIS(c)    (((c) >> 21) & 7)
#define SW_LEVEL(v)       (((v) >> 1) & 7)   /* cache level - 1 */

enum kind { K_OTHER, K_PTIMER, K_PMU, K_DEBUG, K_ACTLR, K_IMPDEF };

static enum kind classify(uint64_t iss)
{
	unsigned op0 = ISS_OP0(iss), op1 = ISS_OP1(iss), crn = ISS_CRN(iss), crm = ISS_CRM(iss);
	uint64_t reg = iss & SYSREG_MASK;

	if (reg == CNTP_TVAL_EL0 || reg == CNTP_CTL_EL0 || reg == CNTP_CVAL_EL0)
		return K_PTIMER;
	if (reg == ACTLR_EL1)
		return K_ACTLR;
	if (op0 == 2)   /* debug (op1 0, 3, 4) and trace (op1 1) registers */
		return K_DEBUG;
	/* PMCR..PMOVSSET (3,3,9,12-14), PMEVCNTRn/PMEVTYPERn/PMCCFILTR (3,3,14,8-15), PMINTEN* */
	if (op0 == 3 && ((op1 == 3 && crn == 9 && crm >= 12 && crm <= 14) ||
			 (op1 == 3 && crn == 14 && crm >= 8) || (op1 == 0 && crn == 9 && crm == 14)))
		return K_PMU;
	if (op0 == 3 && (crn == 11 || crn == 15))
		return K_IMPDEF;
	return K_OTHER;
}

static void set_way(struct vcpu *v, uint64_t iss, uint64_t val)
{
	uint64_t louis = CLIDR_LOUIS(sysreg_read(clidr_el1));

	if (SW_LEVEL(val) < louis) {
		__asm__ volatile("dc cisw, %0" : : "r"(val) : "memory");
		return;
	}
	vm_note(v, LOG_SYSREG, "set/way maintenance of shared cache level %u (DC %s) — ignored",
		(unsigned)SW_LEVEL(val) + 1, (iss & SYSREG_MASK) == DC_ISW ? "ISW" :
		(iss & SYSREG_MASK) == DC_CSW ? "CSW" : "CISW");
}

void sysreg_trap(struct vcpu *v, struct frame *f, uint64_t esr)
{
	uint64_t iss = ESR_ISS(esr);
	unsigned rt = (unsigned)ISS_RT(iss);
	bool read = iss & ISS_READ;
	uint64_t val = rt == 31 ? 0 : f->x[rt];
	enum kind k;

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
		vm_note(v, LOG_VIRQ, "group-0 SGI %u — ignored", (unsigned)(val >> 24) & 0xf);
		f->elr += 4;
		return;
	case DC_ISW:
	case DC_CSW:
	case DC_CISW:
		if (!read) {
			set_way(v, iss, val);
			f->elr += 4;
			return;
		}
		break;
	}

	k = classify(iss);
	switch (k) {
	case K_PTIMER:
		vm_note(v, LOG_SYSREG, "EL1 physical timer access (PC 0x%lx) — RAZ/WI, use the "
			"virtual timer", f->elr);
		/* fall through */
	case K_PMU:     /* every OS touches these at start-up: policy, not news (not logged) */
	case K_DEBUG:
	case K_ACTLR:
		if (read && rt != 31)
			f->x[rt] = 0;
		f->elr += 4;
		return;
	case K_IMPDEF:
		vm_note(v, LOG_SYSREG, "IMPLEMENTATION DEFINED register S%u_%u_C%u_C%u_%u (PC 0x%lx) — "
			"UNDEFINED", (unsigned)ISS_OP0(iss), (unsigned)ISS_OP1(iss),
			(unsigned)ISS_CRN(iss), (unsigned)ISS_CRM(iss), (unsigned)ISS_OP2(iss), f->elr);
		inject_undef(v, f);
		return;
	case K_OTHER:
		break;
	}
	vm_fault(v, "unexpected trap, EC 0x%02x ISS 0x%lx (PC 0x%lx)", (unsigned)ESR_EC(esr),
		 iss, f->elr);
}
