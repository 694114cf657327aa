/*
 * A test-and-set spinlock. Critical sections are a handful of loads and stores (state changes,
 * one console line). Taking a free lock is one atomic exchange, inline, in plain C (the
 * compiler's atomics: a load-acquire/store-exclusive pair on AArch64); waiting for a held one is
 * the arch's (arch_spin_wait: on AArch64 in WFE, which a release of the lock ends), out of line
 * because it is rare.
 */
#ifndef HYP_SPINLOCK_H
#define HYP_SPINLOCK_H

#include <hyp/types.h>

typedef struct { uint32_t v; } spinlock_t;

/* arch/$(ARCH)/: the lock was held at the exchange; return once this CPU holds it. */
void arch_spin_wait(spinlock_t *l) __attribute__((cold));

static inline void spin_lock(spinlock_t *l)
{
	if (unlikely(__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE)))
		arch_spin_wait(l);
}

static inline void spin_unlock(spinlock_t *l)
{
	/* A store-release; on AArch64 it also generates the event that wakes waiters out of WFE. */
	__atomic_store_n(&l->v, 0, __ATOMIC_RELEASE);
}

#endif
