/*
 * The FP registers for the riscv64 guest's register checks (atk_reset.c, regs.c): the guest is
 * built without F and D (no FP register is ever touched by its C code), so only these two routines
 * read or write them. sstatus.FS must not be Off (the caller makes sure).
 *
 *   void rv_fp_save(uint64_t buf[33]);        f0..f31, then fcsr
 *   void rv_fp_load(const uint64_t buf[33]);
 */
	.option	push
	.option	arch, +d
	.text
	.balign	4
	.global	rv_fp_save
rv_fp_save:
	.irp	r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fsd	f\r, \r * 8(a0)
	.endr
	frcsr	t0
	sd	t0, 32 * 8(a0)
	ret

	.global	rv_fp_load
rv_fp_load:
	.irp	r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fld	f\r, \r * 8(a0)
	.endr
	ld	t0, 32 * 8(a0)
	fscsr	t0
	ret
	.option	pop
