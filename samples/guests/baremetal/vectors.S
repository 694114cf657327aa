/*
 * EL1 exception vectors.
 *
 *  - IRQs from EL1 itself (SP_EL1): irq_entry saves the caller-saved registers and calls
 *    irq_dispatch(). The counter is read before anything else (but irq_pad's dither) so that the
 *    latency bench measures up to the handler's first instructions.
 *  - Synchronous exceptions from EL1 (SP_EL1): sync_entry saves every register in a struct
 *    exc_frame (exc.h) and calls sync_dispatch(), which may change the saved registers, ELR and
 *    SPSR (to skip an instruction the hypervisor made UNDEFINED, say) before we return.
 *  - Synchronous exceptions from EL0 (either state) end an el0_call() excursion.
 *  - Anything else is unexpected.
 */
	.macro	bad
	.balign	0x80
	b	unexpected_exception
	.endm

#define FRAME_SIZE 288   /* x0..x30, ELR, SPSR, ESR, FAR; 16-byte aligned */

	.text
	.balign	0x800
	.global	el1_vectors
el1_vectors:
	bad; bad; bad; bad          /* current EL, SP_EL0 */
	.balign	0x80
	b	sync_entry          /* current EL, SP_ELx: sync */
	.balign	0x80
	b	irq_entry           /* IRQ */
	bad; bad
	.balign	0x80
	b	el0_exit            /* lower EL, AArch64: sync */
	bad; bad; bad
	.balign	0x80
	b	el0_exit            /* lower EL, AArch32: sync */
	bad; bad; bad

irq_entry:
	sub	sp, sp, #176
	stp	x0, x1, [sp, #0]
	/*
	 * irq_pad (0..15) NOPs before the counter read: the latency bench dithers the read over
	 * one counter tick (16 instructions under -icount shift=0) to resolve single instructions.
	 */
	adrp	x0, irq_pad
	ldr	w0, [x0, :lo12:irq_pad]
	and	w0, w0, #15
	adr	x1, 1f
	sub	x1, x1, x0, lsl #2
	br	x1
	.rept	15
	nop
	.endr
1:	mrs	x0, cntvct_el0
	adrp	x1, irq_entry_ticks
	str	x0, [x1, :lo12:irq_entry_ticks]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	str	x30, [sp, #160]
	bl	irq_dispatch
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x29, [sp, #144]
	ldr	x30, [sp, #160]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #176
	eret

sync_entry:
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x0, elr_el1
	stp	x30, x0, [sp, #240]
	mrs	x0, spsr_el1
	mrs	x1, esr_el1
	stp	x0, x1, [sp, #256]
	mrs	x0, far_el1
	str	x0, [sp, #272]
	mov	x0, sp
	bl	sync_dispatch
	ldp	x0, x1, [sp, #248]          /* ELR, SPSR as the handler left them */
	msr	elr_el1, x0
	msr	spsr_el1, x1
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #FRAME_SIZE
	eret

/*
 * uint64_t el0_call(pc, spsr, x0, regs): run code at EL0 (AArch64 or AArch32, as spsr says)
 * with x0 = the argument and x1..x14 zero, until it takes a synchronous exception (an SVC, say).
 * Then regs[0..14] get its x0..x14 (r0..r14), regs[15] ESR_EL1, regs[16] ELR_EL1, and el0_call
 * returns ESR_EL1 to its caller, its callee-saved registers, SP and DAIF as they were: the
 * exception came in on SP_EL1, which EL0 never touched.
 */
	.global	el0_call
el0_call:
	adrp	x9, el0_ctx
	add	x9, x9, :lo12:el0_ctx
	stp	x19, x20, [x9, #0]
	stp	x21, x22, [x9, #16]
	stp	x23, x24, [x9, #32]
	stp	x25, x26, [x9, #48]
	stp	x27, x28, [x9, #64]
	stp	x29, x30, [x9, #80]
	mov	x10, sp
	stp	x10, x3, [x9, #96]
	mrs	x10, daif
	str	x10, [x9, #112]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	mov	x0, x2
	mov	x1, #0
	mov	x2, #0
	mov	x3, #0
	mov	x4, #0
	mov	x5, #0
	mov	x6, #0
	mov	x7, #0
	mov	x8, #0
	mov	x9, #0
	mov	x10, #0
	mov	x11, #0
	mov	x12, #0
	mov	x13, #0
	mov	x14, #0
	isb
	eret

el0_exit:
	stp	x0, x1, [sp, #-16]!
	adrp	x0, el0_ctx
	add	x0, x0, :lo12:el0_ctx
	ldr	x1, [x0, #104]
	stp	x2, x3, [x1, #16]
	stp	x4, x5, [x1, #32]
	stp	x6, x7, [x1, #48]
	stp	x8, x9, [x1, #64]
	stp	x10, x11, [x1, #80]
	stp	x12, x13, [x1, #96]
	str	x14, [x1, #112]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x1, #0]
	mrs	x2, esr_el1
	mrs	x3, elr_el1
	stp	x2, x3, [x1, #120]
	ldp	x19, x20, [x0, #0]
	ldp	x21, x22, [x0, #16]
	ldp	x23, x24, [x0, #32]
	ldp	x25, x26, [x0, #48]
	ldp	x27, x28, [x0, #64]
	ldp	x29, x30, [x0, #80]
	ldr	x10, [x0, #96]
	mov	sp, x10
	ldr	x10, [x0, #112]
	msr	daif, x10
	mrs	x0, esr_el1
	ret

	.bss
	.balign	16
el0_ctx:
	.space	128
