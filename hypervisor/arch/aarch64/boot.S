/*
 * Entry points.
 *
 * The boot CPU arrives here at EL2 from QEMU's ELF loader (x0..x3 = 0, MMU and caches off),
 * loaded at its link address. Secondary pCPUs arrive at `secondary_entry` through the firmware's
 * PSCI CPU_ON with x0 = their index in pt_config.cpu_mpidr (the context argument we passed).
 * Both only get a stack here; everything else happens in C (core/main.c).
 */
#include <hyp/layout.h>

	.macro adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm

	.section .text.boot, "ax"
	.global _start
_start:
	msr	daifset, #0xf
	adr_l	x0, hyp_vectors          /* early, so that a crash during boot is reported */
	msr	vbar_el2, x0
	isb

	/* Zero .bss (the stacks and table pool live outside it and are not touched). */
	adr_l	x0, __bss_start
	adr_l	x1, __bss_end
	sub	x2, x1, #64
1:	cmp	x0, x2                    /* 64 bytes a round while they fit (boot time) */
	b.hi	2f
	stp	xzr, xzr, [x0]
	stp	xzr, xzr, [x0, #16]
	stp	xzr, xzr, [x0, #32]
	stp	xzr, xzr, [x0, #48]
	add	x0, x0, #64
	b	1b
2:	cmp	x0, x1                    /* then 16 (both ends are 16-byte aligned) */
	b.hs	3f
	stp	xzr, xzr, [x0], #16
	b	2b
3:
	/* Borrow the top of stack 0 until boot_primary knows which CPU this is. */
	adr_l	x0, hyp_stacks
	add	sp, x0, #HYP_STACK_SIZE
	mov	x29, xzr
	bl	boot_primary
	b	.

	.global secondary_entry
secondary_entry:
	msr	daifset, #0xf
	adr_l	x1, hyp_vectors
	msr	vbar_el2, x1
	/* sp = hyp_stacks + (index + 1) * HYP_STACK_SIZE */
	adr_l	x1, hyp_stacks
	add	x2, x0, #1
	mov	x3, #HYP_STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	mov	x29, xzr
	bl	boot_secondary
	b	.

