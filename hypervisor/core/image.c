/*
 * Guest images: the kernel, DTB and initrd blobs config.c embeds in the hypervisor image are
 * copied into the VM's RAM at their IPAs, at boot and again whenever the VM restarts (the
 * embedded copies are never written, so every boot starts from the pristine images).
 */
#include <hyp/cpu.h>
#include <hyp/mmu.h>
#include <hyp/vm.h>

/*
 * PA behind a RAM IPA of `vm`, and how many bytes from there are physically contiguous, or 0 if
 * the IPA is not the VM's RAM.
 */
static uint64_t ram_pa(const struct pt_vm *vm, uint64_t ipa, uint64_t *contig)
{
	for (unsigned i = 0; i < vm->nregions; i++) {
		const struct pt_region *r = &vm->regions[i];

		if (r->kind != PT_REGION_RAM || ipa < r->ipa || ipa - r->ipa >= r->size)
			continue;
		uint64_t off = ipa - r->ipa;
		if (!r->colors) {
			*contig = r->size - off;
			return r->pa + off;
		}
		*contig = PAGE_SIZE - (off & (PAGE_SIZE - 1));
		return region_page_pa(r, off / PAGE_SIZE) + (off & (PAGE_SIZE - 1));
	}
	*contig = 0;
	return 0;
}

static const char *const blob_name[] = { "kernel", "dtb", "initrd" };

static const struct pt_blob *blob(const struct pt_vm *vm, unsigned i)
{
	return i == 0 ? &vm->image.kernel : i == 1 ? &vm->image.dtb : &vm->image.initrd;
}

void image_check(const struct pt_vm *vm)
{
	for (unsigned i = 0; i < 3; i++) {
		const struct pt_blob *b = blob(vm, i);
		uint64_t ipa, contig, end;

		if (!b->start)
			continue;
		end = b->ipa + (uint64_t)(b->end - b->start);
		if (b->end < b->start || end < b->ipa)
			panic("vm '%s': %s blob has a bad size", vm->name, blob_name[i]);
		for (ipa = b->ipa; ipa < end; ipa += contig) {
			ram_pa(vm, ipa, &contig);
			if (!contig)
				panic("vm '%s': %s [0x%lx, 0x%lx) does not fit in the VM's RAM "
				      "(IPA 0x%lx is not RAM)", vm->name, blob_name[i], b->ipa, end, ipa);
		}
	}
}

/* Make the copy visible to a vCPU that starts with caches and MMU off. */
static void clean_to_poc(uint64_t pa, uint64_t size)
{
	uint64_t line = 4u << ((sysreg_read(ctr_el0) >> 16) & 0xf);

	for (uint64_t a = ALIGN_DOWN(pa, line); a < pa + size; a += line)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
}

void image_load(const struct pt_vm *vm)
{
	for (unsigned i = 0; i < 3; i++) {
		const struct pt_blob *b = blob(vm, i);
		const uint8_t *src = b->start;
		uint64_t ipa = b->ipa, left = b->start ? (uint64_t)(b->end - b->start) : 0;

		while (left) {
			uint64_t contig, pa = ram_pa(vm, ipa, &contig);
			uint64_t n = contig < left ? contig : left;

			memcpy((void *)(uintptr_t)pa, src, n);
			clean_to_poc(pa, n);
			src += n;
			ipa += n;
			left -= n;
		}
	}
	dsb(ish);
	__asm__ volatile("ic ialluis" : : : "memory");
	dsb(ish);
	isb();
}
