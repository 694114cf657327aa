/*
 * Taking a spinlock (hyp/spinlock.h) the AArch64 way, all inline: a load-acquire exclusive, and
 * WFE while the lock is held, which the holder's store-release ends by clearing our exclusive
 * monitor (an event). Under QEMU's round-robin -icount mode WFE also lets the other CPUs run, the
 * holder among them. The same lock word and protocol as spin_lock: the two mix freely.
 */
#ifndef ARCH_SPINLOCK_H
#define ARCH_SPINLOCK_H

#include <hyp/spinlock.h>

static inline void arch_spin_lock(spinlock_t *l)
{
	uint32_t tmp;

	__asm__ volatile(
		"	b	2f\n"            /* free, usually: no WFE on the first try */
		"1:	wfe\n"
		"2:	ldaxr	%w0, [%1]\n"
		"	cbnz	%w0, 1b\n"
		"	stxr	%w0, %w2, [%1]\n"
		"	cbnz	%w0, 2b\n"
		: "=&r"(tmp) : "r"(&l->v), "r"(1) : "memory");
}

#endif
