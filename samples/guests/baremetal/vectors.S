/*
 * EL1 exception vectors. Only IRQs from EL1 itself (SP_EL1) are expected: the handler saves the
 * caller-saved registers and calls irq_dispatch(). The counter is read before anything else
 * (but irq_pad's dither) so that the latency bench measures up to the handler's first instructions.
 */
	.macro	bad
	.balign	0x80
	b	unexpected_exception
	.endm

	.text
	.balign	0x800
	.global	el1_vectors
el1_vectors:
	bad; bad; bad; bad          /* current EL, SP_EL0 */
	bad                         /* current EL, SP_ELx: sync */
	.balign	0x80
	b	irq_entry           /* IRQ */
	bad; bad
	bad; bad; bad; bad          /* lower EL, AArch64 */
	bad; bad; bad; bad          /* lower EL, AArch32 */

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
