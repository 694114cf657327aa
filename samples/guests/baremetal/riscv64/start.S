/*
 * Entry of the riscv64 guest, in S-mode (VS-mode under a hypervisor), MMU off. The boot hart
 * starts at the first byte with a0 = its hart id and a1 = the device tree's address (as Linux
 * and OpenSBI's fw_jump have it); the others start at secondary_start through SBI HSM
 * hart_start, a0 = hart id, a1 = our CPU number (the `opaque` we passed). The time CSR is read
 * first thing, for `timing`. tp holds the CPU number (my_cpu()): nothing else uses it.
 *
 * entry_state[] (in .bss, written once it is cleared): the OR of every general register but a0/a1,
 * then sstatus, sie, sip, stvec, sscratch, sepc, scause, stval, satp as the boot hart found them,
 * then the time at entry.
 *
 * trap_entry (stvec, direct mode) saves every register in a struct trap_frame (irq.h) on the
 * current stack and calls trap_dispatch(), which may change the frame (sepc) before sret.
 */
#define STACK_SIZE 4096
#define MAX_CPUS   8
#define FRAME      288          /* x0..x31, sepc, sstatus, scause, stval */

	.section .text.start, "ax"
	.global _start
_start:
	/* For `fresh` (atk_reset.c): every general register but a0 and a1 OR-ed into t0 before
	 * anything changes it, and the S-mode CSRs as they were at entry (entry_state[]). */
	.irp	n, 1, 2, 3, 4, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26
	or	t0, t0, x\n
	.endr
	.irp	n, 27, 28, 29, 30, 31
	or	t0, t0, x\n
	.endr
	rdtime	s2
	mv	s0, a0
	mv	s1, a1
	mv	a3, t0
	csrr	s3, sstatus
	csrr	s4, sie
	csrr	s5, sip
	csrr	s6, stvec
	csrr	s7, sscratch
	csrr	s8, sepc
	csrr	s9, scause
	csrr	s10, stval
	csrr	s11, satp
	csrw	sie, zero
	lla	t0, trap_entry
	csrw	stvec, t0
	li	tp, 0
	lla	t0, __bss_start
	lla	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	lla	t0, entry_state
	sd	a3, 0(t0)
	.irp	n, 3, 4, 5, 6, 7, 8, 9, 10, 11
	sd	s\n, (8 * (\n - 2))(t0)
	.endr
	sd	s2, 80(t0)
	lla	sp, boot_stack + 2 * STACK_SIZE
	mv	a0, s0
	mv	a1, s1
	mv	a2, s2
	call	main
3:	wfi
	j	3b

	.text
	.balign	4
	.global secondary_start
secondary_start:
	csrw	sie, zero
	lla	t0, trap_entry
	csrw	stvec, t0
	andi	tp, a1, MAX_CPUS - 1
	lla	sp, stacks
	addi	t0, tp, 1
	slli	t0, t0, 12               /* STACK_SIZE == 1 << 12 */
	add	sp, sp, t0
	mv	a0, a1
	call	secondary_main
	j	3b

	.balign	4
	.global trap_entry
trap_entry:
	addi	sp, sp, -FRAME
	sd	x1, 8(sp)
	.irp	n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17
	sd	x\n, (8 * \n)(sp)
	.endr
	.irp	n, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	sd	x\n, (8 * \n)(sp)
	.endr
	addi	t0, sp, FRAME
	sd	t0, 16(sp)               /* x2: sp as it was */
	csrr	t0, sepc
	sd	t0, 256(sp)
	csrr	t0, sstatus
	sd	t0, 264(sp)
	csrr	t0, scause
	sd	t0, 272(sp)
	csrr	t0, stval
	sd	t0, 280(sp)
	mv	a0, sp
	call	trap_dispatch
	ld	t0, 256(sp)
	csrw	sepc, t0
	ld	t0, 264(sp)
	csrw	sstatus, t0
	ld	x1, 8(sp)
	.irp	n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17
	ld	x\n, (8 * \n)(sp)
	.endr
	.irp	n, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	x\n, (8 * \n)(sp)
	.endr
	addi	sp, sp, FRAME
	sret

	.bss
	.balign	8
	.global	entry_state
entry_state:
	.space	8 * 11

	/* Not zeroed (nor part of the image): nobody reads a stack before writing it. */
	.section .noinit.stacks, "aw", @nobits
	.balign	16
stacks:
	.space	STACK_SIZE * MAX_CPUS
boot_stack:
	.space	STACK_SIZE * 2
