/*
 * VM memory as the hypervisor writes it through its window (core/image.c): zeroed with DC ZVA
 * where the CPU allows it, cleaned to the point of coherency for a vCPU that starts with its
 * caches off, and the instruction caches made to see the new code.
 */
#include <arch/sysreg.h>
#include <hyp/arch.h>

/* Zero [va, va+size) of normal memory, a DC ZVA block at a time where the CPU allows it. */
void arch_mem_zero(uint8_t *va, uint64_t size)
{
	uint64_t dczid = sysreg_read(dczid_el0), block = 4u << (dczid & 0xf);

	if (dczid & BIT(4)) {   /* DZP: DC ZVA prohibited */
		memset(va, 0, size);
		return;
	}
	while (size && !IS_ALIGNED((uintptr_t)va, block)) {
		*va++ = 0;
		size--;
	}
	for (; size >= block; size -= block, va += block)
		__asm__ volatile("dc zva, %0" : : "r"(va) : "memory");
	memset(va, 0, size);
}

void arch_dcache_clean(const uint8_t *va, uint64_t size)
{
	uint64_t line = 4u << ((sysreg_read(ctr_el0) >> 16) & 0xf);
	uint64_t a = ALIGN_DOWN((uintptr_t)va, line), end = (uintptr_t)va + size;

	for (; a < end; a += line)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	dsb(ish);
}

void arch_icache_sync(void)
{
	dsb(ish);
	__asm__ volatile("ic ialluis" : : : "memory");
	dsb(ish);
	isb();
}
