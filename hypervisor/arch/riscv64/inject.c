/*
 * An exception delivered to the guest as its hardware would: at its own trap vector (vstvec),
 * with vsepc, vscause, vstval and vsstatus's SPP/SPIE/SIE set the way a trap sets them.
 */
#include <arch/csr.h>
#include <arch/vcpu.h>

void inject_illegal(struct vcpu *v, struct frame *f, uint64_t tval)
{
	uint64_t vs = csr_read(CSR_VSSTATUS);

	(void)v;
	vs &= ~(SSTATUS_SPP | SSTATUS_SPIE);
	if (f->sstatus & SSTATUS_SPP)
		vs |= SSTATUS_SPP;          /* it trapped from its S-mode, not its U-mode */
	if (vs & SSTATUS_SIE)
		vs |= SSTATUS_SPIE;
	vs &= ~SSTATUS_SIE;
	csr_write(CSR_VSSTATUS, vs);
	csr_write(CSR_VSEPC, f->sepc);
	csr_write(CSR_VSCAUSE, EXC_ILLEGAL_INST);
	csr_write(CSR_VSTVAL, tval);
	f->sepc = csr_read(CSR_VSTVEC) & ~3ull;   /* exceptions go to the base in either mode */
	f->sstatus |= SSTATUS_SPP;                /* into its S-mode */
}
