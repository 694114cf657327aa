/*
 * EL2 exception vectors.
 *
 * A trap from the guest always finds SP_EL2 at the top of this pCPU's stack (we enter guests
 * with an empty stack), so the frame saved here is the vCPU's register state; the C handler may
 * edit it (return values, ELR) and we restore from it on the way back. Anything taken from EL2
 * itself is a hypervisor bug and ends in panic_frame().
 */
#include <hyp/frame.h>

	.macro save_frame
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	mrs	x0, elr_el2
	stp	x30, x0, [sp, #16 * 15]
	mrs	x1, spsr_el2
	mrs	x2, esr_el2
	stp	x1, x2, [sp, #16 * 16]
	mov	x0, sp
	.endm

	.macro vector, handler
	.balign	0x80
	save_frame
	bl	\handler
	b	exception_return
	.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.global hyp_vectors
hyp_vectors:
	vector	hyp_bad_exception     /* current EL, SP_EL0: we never run on SP_EL0 */
	vector	hyp_bad_exception
	vector	hyp_bad_exception
	vector	hyp_bad_exception
	vector	hyp_bad_exception     /* current EL, SP_EL2: a hypervisor bug */
	vector	hyp_bad_exception
	vector	hyp_bad_exception
	vector	hyp_bad_exception
	vector	guest_sync            /* lower EL, AArch64 */
	vector	guest_irq
	vector	guest_irq             /* FIQ: nothing uses group 0; treat like an IRQ kick */
	vector	guest_serror
	vector	guest_bad_mode        /* lower EL, AArch32: never allowed (HCR_EL2.RW) */
	vector	guest_bad_mode
	vector	guest_bad_mode
	vector	guest_bad_mode

	.text
	.global guest_enter
guest_enter:
	mov	sp, x0
exception_return:
	ldp	x0, x1, [sp, #FRAME_ELR]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	add	sp, sp, #FRAME_SIZE
	eret

	dsb	nsh                       /* no speculation past the eret */
	isb

	.global stack_switch
stack_switch:
	mov	sp, x0
	mov	x29, xzr
	br	x1
