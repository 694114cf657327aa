/*
 * EL2 exception vectors.
 *
 * A trap from the guest always finds SP_EL2 at the top of this pCPU's stack (we enter guests
 * with an empty stack), so the frame saved here is the vCPU's register state; the C handler may
 * edit it (return values, ELR) and we restore from it on the way back. Anything taken from EL2
 * itself is a hypervisor bug and ends in panic_frame().
 */
#include <arch/cpu.h>
#include <arch/frame.h>

	.macro save_frame
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	save_frame_from_x4
	mov	x0, sp
	.endm

	/* x4..x17 to or from the frame: \op is stp or ldp. */
	.macro frame_x4_x17, op
	\op	x4, x5, [sp, #16 * 2]
	\op	x6, x7, [sp, #16 * 3]
	\op	x8, x9, [sp, #16 * 4]
	\op	x10, x11, [sp, #16 * 5]
	\op	x12, x13, [sp, #16 * 6]
	\op	x14, x15, [sp, #16 * 7]
	\op	x16, x17, [sp, #16 * 8]
	.endm

	/* ELR, SPSR and ESR into the frame; uses x0..x2. */
	.macro frame_el2_state
	mrs	x0, elr_el2
	str	x0, [sp, #FRAME_ELR]
	mrs	x1, spsr_el2
	mrs	x2, esr_el2
	stp	x1, x2, [sp, #16 * 16]
	.endm

	/* ELR, SPSR and x0..x17 back from the frame (the way out of both paths). */
	.macro restore_x0_x17
	ldp	x0, x1, [sp, #FRAME_ELR]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	frame_x4_x17 ldp
	.endm

	/* The rest of the frame, once x0..x3 are saved; uses x0..x2. */
	.macro save_frame_from_x4
	frame_x4_x17 stp
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	str	x30, [sp, #8 * 30]
	frame_el2_state
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
	.balign	0x80
	b	guest_irq_entry
	.balign	0x80
	b	guest_irq_entry       /* FIQ: nothing uses group 0; treat like an IRQ kick */
	vector	guest_serror
	vector	guest_bad_mode        /* lower EL, AArch32: never allowed (HCR_EL2.RW) */
	vector	guest_bad_mode
	vector	guest_bad_mode
	vector	guest_bad_mode

/*
 * The vectors of a pCPU shared by several vCPUs (core/sched.c): the same but for interrupts,
 * which save the whole frame, so that a window's end can switch the vCPU out.
 */
	.balign	0x800
	.global hyp_vectors_shared
hyp_vectors_shared:
	vector	hyp_bad_exception
	vector	hyp_bad_exception
	vector	hyp_bad_exception
	vector	hyp_bad_exception
	vector	hyp_bad_exception
	vector	hyp_bad_exception
	vector	hyp_bad_exception
	vector	hyp_bad_exception
	vector	guest_sync
	vector	guest_irq_shared
	vector	guest_irq_shared
	vector	guest_serror
	vector	guest_bad_mode
	vector	guest_bad_mode
	vector	guest_bad_mode
	vector	guest_bad_mode

	.text
/*
 * A physical interrupt while the guest runs: the GIC's entry (guest_irq_entry in
 * arch/aarch64/gicv2/ or gicv3/irq_entry.S) acknowledged it and handles what it can on its own;
 * everything else comes here with x0..x3 saved in a frame it allocated and the INTID in x0.
 * This slow path needs no more than the registers a C call may clobber: guest_irq() never reads
 * or writes the vCPU's x19..x28 (they stay in the registers, the C code preserves them), and a
 * vCPU that leaves the guest for good never returns through this frame.
 */
	.global guest_irq_slow
guest_irq_slow:
	mov	x3, x0                    /* the INTID */
	frame_x4_x17 stp
	str	x18, [sp, #8 * 18]
	str	x29, [sp, #8 * 29]
	str	x30, [sp, #8 * 30]
	frame_el2_state
	mov	x1, x3
	mov	x0, sp
	bl	guest_irq
	restore_x0_x17
	ldr	x18, [sp, #8 * 18]
	ldr	x29, [sp, #8 * 29]
	ldr	x30, [sp, #8 * 30]
	add	sp, sp, #FRAME_SIZE
	eret
	dsb	nsh
	isb

	.global guest_enter
guest_enter:
	mov	sp, x0
exception_return:
	restore_x0_x17
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
