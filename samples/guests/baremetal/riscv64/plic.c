/* The PLIC (plic.h): priorities at 4 * source, enables at 0x2000 + 0x80 * context, threshold
 * and claim/complete at 0x200000 + 0x1000 * context. A context < 0 (none) is ignored. */
#include "plic.h"
#include "rvplat.h"

#define PRIORITY   0x0000
#define ENABLE     0x2000
#define CONTEXT    0x200000
#define THRESHOLD  0x0
#define CLAIM      0x4

static volatile uint32_t *reg(uint64_t off)
{
	return (volatile uint32_t *)(plic_base + off);
}

void plic_priority(unsigned src, uint32_t prio)
{
	*reg(PRIORITY + 4ul * src) = prio;
}

uint32_t plic_priority_of(unsigned src)
{
	return *reg(PRIORITY + 4ul * src);
}

void plic_enable(int ctx, unsigned src, int on)
{
	volatile uint32_t *e;

	if (ctx < 0)
		return;
	e = reg(ENABLE + 0x80ul * (unsigned)ctx + 4 * (src / 32));
	if (on)
		*e |= 1u << (src % 32);
	else
		*e &= ~(1u << (src % 32));
}

uint32_t plic_enable_word(int ctx, unsigned src)
{
	return ctx < 0 ? 0 : *reg(ENABLE + 0x80ul * (unsigned)ctx + 4 * (src / 32));
}

void plic_threshold(int ctx, uint32_t t)
{
	if (ctx >= 0)
		*reg(CONTEXT + 0x1000ul * (unsigned)ctx + THRESHOLD) = t;
}

uint32_t plic_threshold_of(int ctx)
{
	return ctx < 0 ? 0 : *reg(CONTEXT + 0x1000ul * (unsigned)ctx + THRESHOLD);
}

unsigned plic_claim(int ctx)
{
	return ctx < 0 ? 0 : *reg(CONTEXT + 0x1000ul * (unsigned)ctx + CLAIM);
}

void plic_complete(int ctx, unsigned src)
{
	if (ctx >= 0)
		*reg(CONTEXT + 0x1000ul * (unsigned)ctx + CLAIM) = src;
}
