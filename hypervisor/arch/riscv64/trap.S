/*
 * The HS-mode trap vector (stvec, direct mode).
 *
 * While a vCPU runs, sscratch holds the address of the frame slot at the top of its pCPU's stack
 * (arch/frame.h); whenever HS-mode code runs, sscratch is 0. A trap swaps sp with sscratch: a
 * nonzero result is a trap from the guest, and sp now points at the frame, which gets the
 * guest's registers; zero is a trap of the hypervisor's own, handled on its current stack by
 * hyp_trap (a fault it expected while reading guest memory, or a bug: panic).
 */
#include <arch/csr.h>
#include <arch/frame.h>

	/* x1, x3..x31 to or from the frame at sp: \op is sd or ld. */
	.macro gprs, op
	\op	x1, 1 * 8(sp)
	\op	x3, 3 * 8(sp)
	\op	x4, 4 * 8(sp)
	\op	x5, 5 * 8(sp)
	\op	x6, 6 * 8(sp)
	\op	x7, 7 * 8(sp)
	\op	x8, 8 * 8(sp)
	\op	x9, 9 * 8(sp)
	\op	x10, 10 * 8(sp)
	\op	x11, 11 * 8(sp)
	\op	x12, 12 * 8(sp)
	\op	x13, 13 * 8(sp)
	\op	x14, 14 * 8(sp)
	\op	x15, 15 * 8(sp)
	\op	x16, 16 * 8(sp)
	\op	x17, 17 * 8(sp)
	\op	x18, 18 * 8(sp)
	\op	x19, 19 * 8(sp)
	\op	x20, 20 * 8(sp)
	\op	x21, 21 * 8(sp)
	\op	x22, 22 * 8(sp)
	\op	x23, 23 * 8(sp)
	\op	x24, 24 * 8(sp)
	\op	x25, 25 * 8(sp)
	\op	x26, 26 * 8(sp)
	\op	x27, 27 * 8(sp)
	\op	x28, 28 * 8(sp)
	\op	x29, 29 * 8(sp)
	\op	x30, 30 * 8(sp)
	\op	x31, 31 * 8(sp)
	.endm

	/* The trap's CSRs into the frame at sp (t0 is saved already), and the three the way back
	 * writes from it. */
	.macro save_csrs
	csrr	t0, CSR_SEPC
	sd	t0, FRAME_SEPC(sp)
	csrr	t0, CSR_SSTATUS
	sd	t0, FRAME_SSTATUS(sp)
	csrr	t0, CSR_HSTATUS
	sd	t0, FRAME_HSTATUS(sp)
	csrr	t0, CSR_SCAUSE
	sd	t0, FRAME_SCAUSE(sp)
	csrr	t0, CSR_STVAL
	sd	t0, FRAME_STVAL(sp)
	csrr	t0, CSR_HTVAL
	sd	t0, FRAME_HTVAL(sp)
	csrr	t0, CSR_HTINST
	sd	t0, FRAME_HTINST(sp)
	.endm

	.macro restore_csrs
	ld	t0, FRAME_SEPC(sp)
	csrw	CSR_SEPC, t0
	ld	t0, FRAME_SSTATUS(sp)
	csrw	CSR_SSTATUS, t0
	ld	t0, FRAME_HSTATUS(sp)
	csrw	CSR_HSTATUS, t0
	.endm

	.section .text.vectors, "ax"
	.balign	4
	.global trap_vector
trap_vector:
	csrrw	sp, CSR_SSCRATCH, sp
	beqz	sp, trap_from_hs
	gprs	sd
	csrrw	t0, CSR_SSCRATCH, zero    /* the guest's sp; HS-mode runs: sscratch = 0 */
	sd	t0, 2 * 8(sp)
	save_csrs
	ld	tp, FRAME_PCPU(sp)
	mv	a0, sp
	call	guest_trap
	/* fall through: back into the guest */

	.global guest_return
guest_return:
	restore_csrs
	csrw	CSR_SSCRATCH, sp
	gprs	ld
	ld	sp, 2 * 8(sp)
	sret

	.global guest_enter
guest_enter:
	mv	sp, a0
	j	guest_return

/* A trap taken in HS-mode: a frame on the current stack, hyp_trap decides. */
trap_from_hs:
	csrrw	sp, CSR_SSCRATCH, sp      /* sp back, sscratch 0 again */
	addi	sp, sp, -FRAME_SIZE
	gprs	sd
	addi	t0, sp, FRAME_SIZE
	sd	t0, 2 * 8(sp)
	save_csrs
	sd	tp, FRAME_PCPU(sp)
	mv	a0, sp
	call	hyp_trap                  /* returns only for an expected fault */
	restore_csrs
	gprs	ld
	addi	sp, sp, FRAME_SIZE
	sret

	.text
	.global stack_switch
stack_switch:
	mv	sp, a0
	jr	a1
