/*
 * The physical PLIC's registers: priorities at 4 * source, enable bits at 0x2000 + 0x80 *
 * context, threshold and claim/complete at 0x200000 + 0x1000 * context. 32-bit accesses only.
 */
#include <arch/csr.h>
#include <arch/plic.h>
#include <hyp/arch.h>
#include <hyp/cpu.h>
#include <hyp/spinlock.h>

#define PLIC_ENABLE    0x2000
#define PLIC_CONTEXT   0x200000

static inline volatile uint32_t *reg(uint64_t off)
{
	return (volatile uint32_t *)(uintptr_t)(pt_config.plic_pa + off);
}

void plic_init(void)
{
	for (uint32_t s = 1; s <= pt_config.plic_ndev; s++)
		*reg(4 * s) = 0;
	for (unsigned c = 0; c < pt_config.ncpus; c++) {
		uint32_t ctx = pt_config.plic_context[c];
		for (uint32_t w = 0; w <= pt_config.plic_ndev / 32; w++)
			*reg(PLIC_ENABLE + 0x80ull * ctx + 4 * w) = 0;
	}
	fence();
}

void plic_init_cpu(uint32_t ctx)
{
	*reg(PLIC_CONTEXT + 0x1000ull * ctx) = 0;
}

void plic_priority(uint32_t src, uint32_t prio)
{
	*reg(4ull * src) = prio;
}

/* Enable words are shared by 32 sources that different harts may route: one lock for all. */
static spinlock_t enable_lock;

void plic_enable(uint32_t src, uint32_t ctx, bool on)
{
	volatile uint32_t *e = reg(PLIC_ENABLE + 0x80ull * ctx + 4 * (src / 32));

	spin_lock(&enable_lock);
	if (on)
		*e |= 1u << (src % 32);
	else
		*e &= ~(1u << (src % 32));
	spin_unlock(&enable_lock);
}

uint32_t plic_claim(uint32_t ctx)
{
	return *reg(PLIC_CONTEXT + 0x1000ull * ctx + 4);
}

void plic_complete(uint32_t ctx, uint32_t src)
{
	fence();   /* the device's state was read before the source can fire again */
	*reg(PLIC_CONTEXT + 0x1000ull * ctx + 4) = src;
}
