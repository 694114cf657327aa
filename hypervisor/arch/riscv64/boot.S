/*
 * Entry points. The boot hart arrives from the SBI firmware (OpenSBI's fw_jump) in HS-mode at
 * the link address with a0 = its hart id and a1 = the firmware's device tree (unused: the board
 * was read at build time), translation off. The other harts arrive at secondary_entry through
 * SBI HSM hart_start with a0 = hart id and a1 = the opaque value: their index in
 * pt_config.cpu_hwid. Both only get a stack here; the rest happens in C (core/main.c).
 */
#include <arch/csr.h>
#include <hyp/layout.h>

	.section .text.boot, "ax"
	.option norvc
	.global _start
_start:
	csrw	CSR_SIE, zero
	csrci	CSR_SSTATUS, SSTATUS_SIE
	la	t0, trap_vector          /* early, so that a crash during boot is reported */
	csrw	CSR_STVEC, t0
	csrw	CSR_SSCRATCH, zero
	mv	tp, zero

	/* Zero .bss (the stacks and table pool live outside it and are not touched). */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	la	t0, boot_hartid
	sd	a0, 0(t0)
	/* Borrow the top of stack 0 until boot_primary knows which hart this is. */
	la	sp, hyp_stacks
	li	t0, HYP_STACK_SIZE
	add	sp, sp, t0
	call	boot_primary
3:	wfi
	j	3b

	.global secondary_entry
secondary_entry:
	csrw	CSR_SIE, zero
	csrci	CSR_SSTATUS, SSTATUS_SIE
	la	t0, trap_vector
	csrw	CSR_STVEC, t0
	csrw	CSR_SSCRATCH, zero
	mv	tp, zero
	/* sp = hyp_stacks + (index + 1) * HYP_STACK_SIZE */
	addi	t0, a1, 1
	li	t1, HYP_STACK_SIZE
	mul	t0, t0, t1
	la	sp, hyp_stacks
	add	sp, sp, t0
	mv	a0, a1
	call	boot_secondary
4:	wfi
	j	4b
