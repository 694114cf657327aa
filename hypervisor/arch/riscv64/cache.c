/*
 * VM memory as the hypervisor writes it through its window (core/image.c). RISC-V keeps data
 * caches coherent (nothing to clean for a vCPU that starts with its translation off); the
 * instruction stream is made to see new code with fence.i, which only acts on the hart that
 * runs it: each vCPU's hart runs one before it enters the guest (vcpu.c), this one covers the
 * loading hart.
 */
#include <arch/csr.h>
#include <hyp/arch.h>

void arch_mem_zero(uint8_t *va, uint64_t size)
{
	memset(va, 0, size);
}

void arch_dcache_clean(const uint8_t *va, uint64_t size)
{
	(void)va;
	(void)size;
	fence();
}

void arch_icache_sync(void)
{
	fence();
	fence_i();
}
