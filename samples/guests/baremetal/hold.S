/*
 * regs_hold for regs= (partition.c): hold x3..x30 at known values while spinning on the
 * counter, so that a register a switch-out does not restore shows.
 *
 *   uint64_t regs_hold(const uint64_t in[28], uint64_t out[28], uint64_t ticks, uint64_t gap);
 *
 * Loads x3..x30 from in[], spins until CNTVCT has advanced by `ticks` (counting the steps of
 * `gap` ticks or more: the times this vCPU was switched out), stores x3..x30 to out[] and
 * returns the count. The loop keeps its own state on the stack (SP_EL1, itself held: a wrong SP
 * after a switch would not come back here) and uses only x0..x2. The callee-saved x19..x30 are
 * saved and restored around it; the C code never sees the values. Interrupts should be masked
 * (an exception would only go through the guest's own vectors, which preserve x3..x30 anyway).
 */
	.text
	.global	regs_hold
regs_hold:
	/* frame: 0 x29/x30, 16..95 x19..x28, 96 out, 104 end, 112 gap, 120 prev, 128 gaps, 136 n */
	stp	x29, x30, [sp, #-144]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	str	x1, [sp, #96]
	isb
	mrs	x4, cntvct_el0
	add	x5, x4, x2
	str	x5, [sp, #104]
	str	x3, [sp, #112]
	str	x4, [sp, #120]
	str	xzr, [sp, #128]
	str	xzr, [sp, #136]
	ldp	x3, x4, [x0, #0]
	ldp	x5, x6, [x0, #16]
	ldp	x7, x8, [x0, #32]
	ldp	x9, x10, [x0, #48]
	ldp	x11, x12, [x0, #64]
	ldp	x13, x14, [x0, #80]
	ldp	x15, x16, [x0, #96]
	ldp	x17, x18, [x0, #112]
	ldp	x19, x20, [x0, #128]
	ldp	x21, x22, [x0, #144]
	ldp	x23, x24, [x0, #160]
	ldp	x25, x26, [x0, #176]
	ldp	x27, x28, [x0, #192]
	ldp	x29, x30, [x0, #208]
1:	ldr	x1, [sp, #136]
	add	x1, x1, #1
	str	x1, [sp, #136]
	tst	x1, #63
	b.ne	3f
	yield                           /* every 64 rounds: see relax() in guest.h, share() */
3:	isb
	mrs	x0, cntvct_el0
	ldr	x1, [sp, #120]
	str	x0, [sp, #120]
	sub	x1, x0, x1
	ldr	x2, [sp, #112]
	cmp	x1, x2
	b.lo	2f
	ldr	x2, [sp, #128]
	add	x2, x2, #1
	str	x2, [sp, #128]
2:	ldr	x2, [sp, #104]
	cmp	x0, x2
	b.lo	1b
	ldr	x0, [sp, #96]
	stp	x3, x4, [x0, #0]
	stp	x5, x6, [x0, #16]
	stp	x7, x8, [x0, #32]
	stp	x9, x10, [x0, #48]
	stp	x11, x12, [x0, #64]
	stp	x13, x14, [x0, #80]
	stp	x15, x16, [x0, #96]
	stp	x17, x18, [x0, #112]
	stp	x19, x20, [x0, #128]
	stp	x21, x22, [x0, #144]
	stp	x23, x24, [x0, #160]
	stp	x25, x26, [x0, #176]
	stp	x27, x28, [x0, #192]
	stp	x29, x30, [x0, #208]
	ldr	x0, [sp, #128]
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #144
	ret
