/*
 * The floating-point registers are the guests' (the hypervisor is built without F and D and
 * never touches them): reset at each vCPU entry, saved and restored when a shared pCPU switches.
 */
	.option push
	.text

	.global fp_reset
fp_reset:
	fscsr	zero
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fmv.d.x	f\r, zero
	.endr
	ret

	.global fp_save
fp_save:
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fsd	f\r, \r * 8(a0)
	.endr
	frcsr	t0
	sd	t0, 32 * 8(a0)
	ret

	.global fp_restore
fp_restore:
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fld	f\r, \r * 8(a0)
	.endr
	ld	t0, 32 * 8(a0)
	fscsr	t0
	ret
	.option pop
