/* The contended half of hyp/spinlock.h on RISC-V: wait with pause (Zihintpause) until the lock
 * looks free, then try the exchange again. */
#ifndef ARCH_SPINLOCK_H
#define ARCH_SPINLOCK_H

#include <arch/csr.h>
#include <hyp/spinlock.h>

static inline void arch_spin_lock(spinlock_t *l)
{
	do {
		while (READ_ONCE(l->v))
			cpu_pause();
	} while (__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE));
}

#endif
