/*
 * The IRQ entry of a GICv2 board (hyp_vectors in arch/aarch64/vectors.S branches here).
 *
 * Acknowledge through the memory-mapped CPU interface and keep an SGI's source CPU for its EOI
 * (gicv2/gic.c). Then the fast path of gicv3/irq_entry.S, in the GICH layout: a passed-through
 * interrupt of the vCPU running here (pcpu.direct_prio[INTID], arch/cpu.h), nothing in its
 * software pending set and a free list register: straight into that LR with the HW bit, priority
 * drop, back to the guest, saving six registers. Everything else (SGIs included: their carriers
 * take the common path on this GIC) goes to guest_irq_slow with the INTID.
 *
 * GICH_LR: [9:0] virtual INTID, [19:10] physical INTID, [27:23] priority[7:3], [29:28] state
 * (1 pending), [30] group (0), [31] HW.
 */
#include <arch/cpu.h>
#include <arch/frame.h>

#define GICC_IAR    0x0c
#define GICC_EOIR   0x10
#define GICH_ELRSR0 0x30
#define GICH_LR0    0x100

	.text
	.global guest_irq_entry
guest_irq_entry:
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	adrp	x1, gicc_base
	ldr	x1, [x1, :lo12:gicc_base]
	ldr	w0, [x1, #GICC_IAR]
	mrs	x2, tpidr_el2
	and	w3, w0, #0x1c00
	str	w3, [x2, #PCPU_SGI_SOURCE]
	and	w0, w0, #0x3ff
	cmp	w0, #16                   /* SGIs and spurious INTIDs: the common path */
	b.lo	guest_irq_slow
	cmp	w0, #PCPU_DIRECT_N
	b.hs	guest_irq_slow
	add	x3, x2, #PCPU_DIRECT_PRIO
	ldrb	w3, [x3, x0]
	cbz	w3, guest_irq_slow
	ldr	x2, [x2, #PCPU_PENDING]
	ldr	x2, [x2]
	cbnz	x2, guest_irq_slow
	and	w3, w3, #0xf8             /* the priority; bit 0 only said "direct" */
	lsl	w3, w3, #20
	orr	w3, w3, w0
	orr	w3, w3, w0, lsl #10       /* physical INTID = virtual INTID */
	orr	w3, w3, #0x80000000       /* HW */
	orr	w3, w3, #0x10000000       /* pending */
	adrp	x2, gich_base
	ldr	x2, [x2, :lo12:gich_base]
	str	x4, [sp, #16 * 2]
	ldr	w4, [x2, #GICH_ELRSR0]    /* a bit per empty LR */
	cbz	w4, 1f
	rbit	w4, w4
	clz	w4, w4                    /* the lowest empty LR */
	add	x2, x2, #GICH_LR0
	str	w3, [x2, x4, lsl #2]
	str	w0, [x1, #GICC_EOIR]      /* priority drop (no SGI here: no source bits) */
	mrs	x1, tpidr_el2             /* count it (the shell's info) */
	ldr	x2, [x1, #PCPU_DIRECT_IRQS]
	add	x2, x2, #1
	str	x2, [x1, #PCPU_DIRECT_IRQS]
	ldr	x4, [sp, #16 * 2]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x0, x1, [sp], #FRAME_SIZE
	eret
	dsb	nsh
	isb
1:	ldr	x4, [sp, #16 * 2]         /* every LR in use */
	b	guest_irq_slow
