/*
 * An SBI call that checks the SBI's promise to keep every register but a0 and a1 (atk_sbi.c's
 * sbi-garbage):
 *
 *   uint64_t sbi_ecall_checked(uint64_t io[8]);
 *
 * Loads a0..a7 from io[0..7] and a known value into every other register the ECALL could change
 * (ra, gp, tp, t0..t6, s0..s11), makes the call, stores a0..a7 back into io[0..7] and returns
 * the OR of (register ^ its value) over the others: 0 if none changed. sp is checked by coming
 * back at all.
 */
	.macro	pattern r, k
	li	\r, 0x5a5a000000000000 + (\k << 40) + (\k * 0x01010101)
	.endm
	.macro	differ r, k
	li	a0, 0x5a5a000000000000 + (\k << 40) + (\k * 0x01010101)
	xor	a0, a0, \r
	or	a1, a1, a0
	.endm

	.text
	.balign	4
	.global	sbi_ecall_checked
sbi_ecall_checked:
	addi	sp, sp, -208
	sd	ra, 0(sp)
	sd	gp, 8(sp)
	sd	tp, 16(sp)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
	sd	s\n, (24 + 8 * \n)(sp)
	.endr
	sd	a0, 120(sp)             /* io */
	mv	t0, a0
	ld	a1, 8(t0)
	ld	a2, 16(t0)
	ld	a3, 24(t0)
	ld	a4, 32(t0)
	ld	a5, 40(t0)
	ld	a6, 48(t0)
	ld	a7, 56(t0)
	ld	a0, 0(t0)
	pattern	ra, 1
	pattern	gp, 3
	pattern	tp, 4
	pattern	t0, 5
	pattern	t1, 6
	pattern	t2, 7
	pattern	s0, 8
	pattern	s1, 9
	pattern	s2, 18
	pattern	s3, 19
	pattern	s4, 20
	pattern	s5, 21
	pattern	s6, 22
	pattern	s7, 23
	pattern	s8, 24
	pattern	s9, 25
	pattern	s10, 26
	pattern	s11, 27
	pattern	t3, 28
	pattern	t4, 29
	pattern	t5, 30
	pattern	t6, 31
	ecall
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	sd	a\n, (128 + 8 * \n)(sp)
	.endr
	li	a1, 0
	differ	ra, 1
	differ	gp, 3
	differ	tp, 4
	differ	t0, 5
	differ	t1, 6
	differ	t2, 7
	differ	s0, 8
	differ	s1, 9
	differ	s2, 18
	differ	s3, 19
	differ	s4, 20
	differ	s5, 21
	differ	s6, 22
	differ	s7, 23
	differ	s8, 24
	differ	s9, 25
	differ	s10, 26
	differ	s11, 27
	differ	t3, 28
	differ	t4, 29
	differ	t5, 30
	differ	t6, 31
	ld	t0, 120(sp)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	ld	t1, (128 + 8 * \n)(sp)
	sd	t1, (8 * \n)(t0)
	.endr
	mv	a0, a1
	ld	ra, 0(sp)
	ld	gp, 8(sp)
	ld	tp, 16(sp)
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
	ld	s\n, (24 + 8 * \n)(sp)
	.endr
	addi	sp, sp, 192 + 16
	ret
