/*
 * Entry. vCPU 0 starts at the first byte with x0 = DTB address (0 without one); the others
 * start at secondary_start (our PSCI CPU_ON entry) with x0 = their CPU number. The counter is
 * read first thing so that main() can report when the VM began to run.
 */
#define STACK_SIZE 4096
#define MAX_CPUS   8

	.section .text.start, "ax"
	.global _start
_start:
	/*
	 * Entry time, for `timing`: the physical count, since Partita's CNTVOFF_EL2 makes the
	 * virtual one start at 0 when the VM boots.
	 */
	mrs	x19, cntpct_el0
	mov	x21, sp                  /* SP_EL1 as handed over, for restart-regs */
	mov	x20, x0
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:	adrp	x0, entry_sp
	str	x21, [x0, :lo12:entry_sp]
	mov	x0, #0
	bl	set_stack
	mov	x0, x20
	mov	x1, x19
	bl	main
3:	wfi
	b	3b

	.global secondary_start
secondary_start:
	mov	x20, x0
	and	x0, x0, #(MAX_CPUS - 1)
	bl	set_stack
	mov	x0, x20
	bl	secondary_main
	b	3b

/* sp = stacks + (x0 + 1) * STACK_SIZE; clobbers x0, x1 only. */
set_stack:
	adrp	x1, stacks
	add	x1, x1, :lo12:stacks
	add	x0, x0, #1
	add	x1, x1, x0, lsl #12      /* STACK_SIZE == 1 << 12 */
	mov	sp, x1
	ret

	.global hvc_call
hvc_call:
	hvc	#0
	ret

	.global smc_call
smc_call:
	smc	#0
	ret

	/* Not zeroed (nor part of the image): nobody reads a stack before writing it. */
	.section .noinit.stacks, "aw", %nobits
	.balign	16
stacks:
	.space	STACK_SIZE * MAX_CPUS
