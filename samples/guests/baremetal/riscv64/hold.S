/*
 * rv_regs_hold for riscv64/regs.c's regs=: hold every general register but sp and a0..a2 at
 * known values while spinning on the time CSR, so that one a switch-out does not restore shows.
 *
 *   uint64_t rv_regs_hold(const uint64_t in[27], uint64_t out[27], uint64_t ticks, uint64_t gap);
 *
 * in[] and out[] hold x1, x3..x9, x13..x31 in this order (27 words; ra and the callee-saved
 * ones are saved around the loop, the C code never sees their values). The loop keeps its state
 * on the stack (sp itself held: a wrong sp after a switch would not come back here) and uses
 * only a0..a2. Returns how many steps of the time CSR were `gap` ticks or more: the times this
 * vCPU was switched out. Interrupts must be masked (tp and gp are not the guest's own).
 */
#define HELD 1, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31

	.text
	.balign	4
	.global	rv_regs_hold
rv_regs_hold:
	/* frame: 0 ra, 8 gp, 16 tp, 24..119 s0..s11, 120 out, 128 end, 136 gap, 144 prev,
	 * 152 gaps, 160 n */
	addi	sp, sp, -176
	sd	ra, 0(sp)
	sd	gp, 8(sp)
	sd	tp, 16(sp)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
	sd	s\n, (24 + 8 * \n)(sp)
	.endr
	sd	a1, 120(sp)
	rdtime	a1
	add	a2, a1, a2
	sd	a2, 128(sp)
	sd	a3, 136(sp)
	sd	a1, 144(sp)
	sd	zero, 152(sp)
	sd	zero, 160(sp)
	.set	k, 0
	.irp	n, HELD
	ld	x\n, (8 * k)(a0)
	.set	k, k + 1
	.endr
1:	ld	a1, 160(sp)
	addi	a1, a1, 1
	sd	a1, 160(sp)
	andi	a1, a1, 63
	bnez	a1, 3f
	.4byte	0x0100000f               /* pause, every 64 rounds: see relax() in arch.h */
3:	rdtime	a0
	ld	a1, 144(sp)
	sd	a0, 144(sp)
	sub	a1, a0, a1
	ld	a2, 136(sp)
	bltu	a1, a2, 2f
	ld	a2, 152(sp)
	addi	a2, a2, 1
	sd	a2, 152(sp)
2:	ld	a2, 128(sp)
	bltu	a0, a2, 1b
	ld	a0, 120(sp)
	.set	k, 0
	.irp	n, HELD
	sd	x\n, (8 * k)(a0)
	.set	k, k + 1
	.endr
	ld	a0, 152(sp)
	ld	ra, 0(sp)
	ld	gp, 8(sp)
	ld	tp, 16(sp)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
	ld	s\n, (24 + 8 * \n)(sp)
	.endr
	addi	sp, sp, 176
	ret
