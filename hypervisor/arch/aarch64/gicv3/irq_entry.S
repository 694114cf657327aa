/*
 * The IRQ entry of a GICv3 board (hyp_vectors in arch/aarch64/vectors.S branches here).
 */
#include <arch/cpu.h>
#include <arch/frame.h>

	.text
	.global guest_irq_entry
/*
 * A physical interrupt while the guest runs. The fast path handles the case that matters for
 * latency in about 30 instructions, saving four registers: a passed-through interrupt of the
 * vCPU running here (pcpu.direct_prio[INTID] set, see arch/cpu.h), nothing waiting in its
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
	b.hs	guest_irq_slow
	add	x2, x1, #PCPU_DIRECT_PRIO
	ldrb	w2, [x2, x0]
	cbz	w2, guest_irq_slow
	ldr	x3, [x1, #PCPU_PENDING]
	ldr	x3, [x3]
	cbnz	x3, guest_irq_slow
	cmp	x0, #16
	b.lo	sgi_carried
	mrs	x3, ich_elrsr_el2         /* a bit per empty LR */
	cbz	x3, guest_irq_slow
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
 * A physical SGI 0..14 carrying the guest's virtual SGI of the same number (arch/gic.h), enabled
 * for this vCPU: into LR 0 if every LR is empty (so no LR holds it already), as a purely virtual
 * interrupt: our EOI and deactivation end the physical one.
 */
sgi_carried:
	mrs	x3, ich_elrsr_el2
	ldr	w1, [x1, #PCPU_LR_EMPTY]
	cmp	w3, w1
	b.ne	guest_irq_slow
	and	x2, x2, #0xf8
	orr	x1, x0, x2, lsl #48
	movz	x3, #0x5000, lsl #48      /* pending, group 1 */
	orr	x1, x1, x3
	msr	ich_lr0_el2, x1
	msr	icc_eoir1_el1, x0
	isb
	msr	icc_dir_el1, x0
	b	fast_done

