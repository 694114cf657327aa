/*
 * FP/SIMD state of a vCPU that starts afresh: all 32 vector registers, FPCR and FPSR zero, so
 * nothing a previous run of the guest computed survives a restart or a CPU_OFF/CPU_ON. The rest
 * of the hypervisor is built with -mgeneral-regs-only and never touches these registers, so
 * between resets they simply belong to the guest.
 */
	.arch	armv8-a+simd
	.text
	.global	fpsimd_reset
fpsimd_reset:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	movi	v\n\().2d, #0
	.endr
	msr	fpcr, xzr
	msr	fpsr, xzr
	ret
