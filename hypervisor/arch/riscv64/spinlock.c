/* The contended half of hyp/spinlock.h's spin_lock (arch/spinlock.h). */
#include <arch/spinlock.h>

void arch_spin_wait(spinlock_t *l)
{
	arch_spin_lock(l);
}
