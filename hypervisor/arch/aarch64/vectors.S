/*
 * EL2 exception vectors.
 *
 * A trap from the guest always finds SP_EL2 at the top of this pCPU's stack (we enter guests
 * with an empty stack), so the frame saved here is the vCPU's register state; the C handler may
 * edit it (return values, ELR) and we restore from it on the way back. Anything taken from EL2
 * itself is a hypervisor bug and ends in panic_frame().
 */
#include <hyp/cpu.h>
#include <hyp/frame.h>

	.macro save_frame
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	save_frame_from_x4
	mov	x0, sp
	.endm

	/* x4..x17 to or from the frame: \op is stp or ldp. */
	.macro frame_x4_x17, op
	\op	x4, x5, [sp, #16 * 2]
	\op	x6, x7, [sp, #16 * 3]
	\op	x8, x9, [sp, #16 * 4]
	\op	x10, x11, [sp, #16 * 5]
	\op	x12, x13, [sp, #16 * 6]
	\op	x14, x15, [sp, #16 * 7]
	\op	x16, x17, [sp, #16 * 8]
	.endm

	/* ELR, SPSR and ESR into the frame; uses x0..x2. */
	.macro frame_el2_state
	mrs	x0, elr_el2
	str	x0, [sp, #FRAME_ELR]
	mrs	x1, spsr_el2
	mrs	x2, esr_el2
	stp	x1, x2, [sp, #16 * 16]
	.endm

	/* ELR, SPSR and x0..x17 back from the frame (the way out of both paths). */
	.macro restore_x0_x17
	ldp	x0, x1, [sp, #FRAME_ELR]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	frame_x4_x17 ldp
	.endm

	/* The rest of the frame, once x0..x3 are saved; uses x0..x2. */
	.macro save_frame_from_x4
	frame_x4_x17 stp
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	str	x30, [sp, #8 * 30]
	frame_el2_state
	.endm

	.macro vector, handler
	.balign	0x80
	save_frame
	bl	\handler
	b	exception_return
	.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.global hyp_vectors
hyp_vectors:
	vector	hyp_bad_exception     /* current EL, SP_EL0: we never run on SP_EL0 */
	vector	hyp_bad_exception
	vector	hyp_bad_exception
	vector	hyp_bad_exception
	vector	hyp_bad_exception     /* current EL, SP_EL2: a hypervisor bug */
	vector	hyp_bad_exception
	vector	hyp_bad_exception
	vector	hyp_bad_exception
	vector	guest_sync            /* lower EL, AArch64 */
	.balign	0x80
	b	guest_irq_entry
	.balign	0x80
	b	guest_irq_entry       /* FIQ: nothing uses group 0; treat like an IRQ kick */
	vector	guest_serror
	vector	guest_bad_mode        /* lower EL, AArch32: never allowed (HCR_EL2.RW) */
	vector	guest_bad_mode
	vector	guest_bad_mode
	vector	guest_bad_mode

	.text
/*
 * A physical interrupt while the guest runs. The fast path handles the case that matters for
 * latency in about 30 instructions, saving four registers: a passed-through interrupt of the
 * vCPU running here (pcpu.direct_prio[INTID] set, see hyp/cpu.h), nothing waiting in its
 * software pending set (so priority order cannot suffer) and a free list register. It goes
 * into that LR with the HW bit (the guest's EOI deactivates it), our EOI drops the priority
 * (EOImode 1), and we are back in the guest. The same for a virtual SGI another vCPU of the VM
 * sent, carried by the physical SGI of its number (sgi_carried below). Anything else (kicks, the maintenance interrupt,
 * console input, spurious INTIDs, a full set of LRs) saves the caller-saved registers and takes
 * guest_irq(frame, INTID), acknowledged already.
 */
guest_irq_entry:
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	mrs	x0, icc_iar1_el1
	and	x0, x0, #0xffffff
	mrs	x1, tpidr_el2
	cmp	x0, #PCPU_DIRECT_N
	b.hs	irq_slow
	add	x2, x1, #PCPU_DIRECT_PRIO
	ldrb	w2, [x2, x0]
	cbz	w2, irq_slow
	ldr	x3, [x1, #PCPU_PENDING]
	ldr	x3, [x3]
	cbnz	x3, irq_slow
	cmp	x0, #16
	b.lo	sgi_carried
	mrs	x3, ich_elrsr_el2         /* a bit per empty LR */
	cbz	x3, irq_slow
	and	x2, x2, #0xf8             /* the priority; bit 0 only said "direct" */
	orr	x1, x0, x0, lsl #32       /* vINTID = pINTID */
	orr	x1, x1, x2, lsl #48
	orr	x1, x1, #(7 << 60)        /* pending, HW, group 1 */
	rbit	x3, x3
	clz	x3, x3                    /* the lowest empty LR */
	adr	x2, 1f
	add	x2, x2, x3, lsl #3
	br	x2
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
1:	msr	ich_lr\n\()_el2, x1      /* 8 bytes per entry: msr + b */
	b	2f
	.endr
2:	msr	icc_eoir1_el1, x0         /* priority drop; the ERET synchronises */
fast_done:                                /* count it (the shell's info), back to the guest */
	mrs	x1, tpidr_el2
	ldr	x2, [x1, #PCPU_DIRECT_IRQS]
	add	x2, x2, #1
	str	x2, [x1, #PCPU_DIRECT_IRQS]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x0, x1, [sp], #FRAME_SIZE
	eret
	dsb	nsh
	isb
/*
 * A physical SGI 0..14 carrying the guest's virtual SGI of the same number (hyp/gic.h), enabled
 * for this vCPU: into LR 0 if every LR is empty (so no LR holds it already), as a purely virtual
 * interrupt: our EOI and deactivation end the physical one.
 */
sgi_carried:
	mrs	x3, ich_elrsr_el2
	ldr	w1, [x1, #PCPU_LR_EMPTY]
	cmp	w3, w1
	b.ne	irq_slow
	and	x2, x2, #0xf8
	orr	x1, x0, x2, lsl #48
	movz	x3, #0x5000, lsl #48      /* pending, group 1 */
	orr	x1, x1, x3
	msr	ich_lr0_el2, x1
	msr	icc_eoir1_el1, x0
	isb
	msr	icc_dir_el1, x0
	b	fast_done

/*
 * The slow path needs no more than the registers a C call may clobber: guest_irq() never reads
 * or writes the vCPU's x19..x28 (they stay in the registers, the C code preserves them), and a
 * vCPU that leaves the guest for good never returns through this frame.
 */
irq_slow:
	mov	x3, x0                    /* the INTID */
	frame_x4_x17 stp
	str	x18, [sp, #8 * 18]
	str	x29, [sp, #8 * 29]
	str	x30, [sp, #8 * 30]
	frame_el2_state
	mov	x1, x3
	mov	x0, sp
	bl	guest_irq
	restore_x0_x17
	ldr	x18, [sp, #8 * 18]
	ldr	x29, [sp, #8 * 29]
	ldr	x30, [sp, #8 * 30]
	add	sp, sp, #FRAME_SIZE
	eret
	dsb	nsh
	isb

	.global guest_enter
guest_enter:
	mov	sp, x0
exception_return:
	restore_x0_x17
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	add	sp, sp, #FRAME_SIZE
	eret

	dsb	nsh                       /* no speculation past the eret */
	isb

	.global stack_switch
stack_switch:
	mov	sp, x0
	mov	x29, xzr
	br	x1
