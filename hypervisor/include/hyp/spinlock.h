/*
 * A test-and-set spinlock. Critical sections are a handful of loads and stores (state changes,
 * one console line), so waiting in WFE between attempts is enough.
 */
#ifndef HYP_SPINLOCK_H
#define HYP_SPINLOCK_H

#include <hyp/types.h>

typedef struct { uint32_t v; } spinlock_t;

static inline void spin_lock(spinlock_t *l)
{
	uint32_t tmp;

	__asm__ volatile(
		"	b	2f\n"            /* free, usually: no WFE on the first try */
		"1:	wfe\n"              /* the holder's release clears our monitor: an event */
		"2:	ldaxr	%w0, [%1]\n"
		"	cbnz	%w0, 1b\n"
		"	stxr	%w0, %w2, [%1]\n"
		"	cbnz	%w0, 2b\n"
		: "=&r"(tmp) : "r"(&l->v), "r"(1) : "memory");
}

static inline void spin_unlock(spinlock_t *l)
{
	/* The store-release also generates the event that wakes waiters out of WFE. */
	__asm__ volatile("stlr wzr, [%0]" : : "r"(&l->v) : "memory");
}

#endif
