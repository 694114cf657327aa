/*
 * Guest images and VM RAM: the kernel, DTB and initrd blobs config.c embeds in the hypervisor
 * image are copied into the VM's RAM at their IPAs, at boot and again whenever the VM restarts
 * (the embedded copies are never written, so every boot starts from the pristine images). Before
 * a restart the VM's whole RAM is zeroed first: nothing of the previous run survives. All of it
 * goes through this pCPU's window onto VM memory (arch_window_*), the only time the hypervisor
 * maps VM RAM.
 */
#include <hyp/arch.h>
#include <hyp/cpu.h>
#include <hyp/vm.h>

/* The PA behind a VM's IPA in a region of `kind` (RAM, or a channel window), and how many bytes
 * from there are physically contiguous; contig 0: not such a region. */
static uint64_t ram_pa(const struct pt_vm *vm, uint32_t kind, uint64_t ipa, uint64_t *contig)
{
	for (unsigned i = 0; i < vm->nregions; i++) {
		const struct pt_region *r = &vm->regions[i];

		if (r->kind != kind || ipa < r->ipa || ipa - r->ipa >= r->size)
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

/* The i-th page at or above r->pa whose cache color is set in r->colors. */
uint64_t region_page_pa(const struct pt_region *r, uint64_t i)
{
	if (!r->colors)
		return r->pa + i * PAGE_SIZE;

	/* Colors repeat every num_colors pages: skip whole periods, then walk the last one. */
	unsigned ncol = pt_config.num_colors ? pt_config.num_colors : 1;
	uint64_t mask = ncol >= 64 ? ~0ull : (1ull << ncol) - 1;
	unsigned per = 0;   /* colored pages per period (no popcount: it would call libgcc) */
	for (uint64_t bits = r->colors & mask; bits; bits &= bits - 1)
		per++;
	uint64_t page = r->pa / PAGE_SIZE;

	if (per == 0)
		panic("region at IPA 0x%lx has no usable color", r->ipa);
	page += (i / per) * ncol;
	i %= per;
	for (;; page++)
		if ((r->colors >> (page % ncol)) & 1) {
			if (i == 0)
				return page * PAGE_SIZE;
			i--;
		}
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
			ram_pa(vm, PT_REGION_RAM, ipa, &contig);
			if (!contig)
				panic("vm '%s': %s [0x%lx, 0x%lx) does not fit in the VM's RAM "
				      "(IPA 0x%lx is not RAM)", vm->name, blob_name[i], b->ipa, end, ipa);
		}
	}
}

/*
 * Write [ipa, ipa+len) of the VM's RAM, from `src` or with zeros, through this pCPU's window:
 * up to ARCH_WINDOW_PAGES guest pages at a time (contiguous or colored alike), unmapped again
 * before we return. image_check() made sure every page is the VM's RAM.
 */
static void ram_write(const struct pt_vm *vm, uint32_t kind, uint64_t ipa, uint64_t len,
		      const uint8_t *src)
{
	uint8_t *win = arch_window_open();

	while (len) {
		uint64_t page = ALIGN_DOWN(ipa, PAGE_SIZE), off = ipa - page, chunk, contig;
		unsigned n = 0;

		while (n < ARCH_WINDOW_PAGES && page + n * PAGE_SIZE < ipa + len) {
			uint64_t pa = ram_pa(vm, kind, page + n * PAGE_SIZE, &contig);
			if (!contig)
				panic("vm '%s': IPA 0x%lx is not RAM", vm->name,
				      (uint64_t)(page + n * PAGE_SIZE));
			arch_window_set(n++, pa);
		}
		arch_window_ready();
		chunk = n * PAGE_SIZE - off;
		if (chunk > len)
			chunk = len;
		if (src) {
			memcpy(win + off, src, chunk);
			src += chunk;
		} else {
			arch_mem_zero(win + off, chunk);
		}
		/* A vCPU starts with its caches and translation off: what we wrote must be there. */
		arch_dcache_clean(win + off, chunk);
		arch_window_close(n);
		ipa += chunk;
		len -= chunk;
	}
}

/*
 * Copy between buf and the VM's RAM or channel memory at [ipa, ipa+len), a page at a time
 * through this pCPU's window: what a guest's request naming its own memory needs (RISC-V's SBI
 * console calls). False, with nothing more copied, at the first byte that is neither.
 */
bool image_vm_copy(const struct pt_vm *vm, uint64_t ipa, uint8_t *buf, uint64_t len, bool to_vm)
{
	uint8_t *win = arch_window_open();

	while (len) {
		uint64_t contig, pa = ram_pa(vm, PT_REGION_RAM, ipa, &contig), off, chunk;

		if (!contig)
			pa = ram_pa(vm, PT_REGION_CHANNEL, ipa, &contig);
		if (!contig)
			return false;
		off = pa & (PAGE_SIZE - 1);
		chunk = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
		arch_window_set(0, pa);
		arch_window_ready();
		if (to_vm)
			memcpy(win + off, buf, chunk);
		else
			memcpy(buf, win + off, chunk);
		arch_window_close(1);
		ipa += chunk;
		buf += chunk;
		len -= chunk;
	}
	return true;
}

void image_sync_icache(void)
{
	arch_icache_sync();
}

void image_load(const struct pt_vm *vm)
{
	image_load_range(vm, 0, image_blob_bytes(vm));
	image_sync_icache();
}

/*
 * Channel windows start zeroed, once, at boot (a restarting VM's scrub leaves them alone: the
 * peer still uses them; docs/channels.md says how an endpoint reopens). Each window is zeroed
 * through its first endpoint.
 */
void image_zero_channels(const struct pt_vm *vm, unsigned vm_index)
{
	for (unsigned i = 0; i < vm->nregions; i++) {
		const struct pt_region *r = &vm->regions[i];
		if (r->kind == PT_REGION_CHANNEL && pt_config.channels[r->channel].vm[0] == vm_index)
			ram_write(vm, PT_REGION_CHANNEL, r->ipa, r->size, NULL);
	}
}

/*
 * A reset works through the VM's RAM regions, then through its blobs, as two runs of bytes, so
 * that any pCPU of the VM can take the next piece of either (core/vm_reset.c).
 */
uint64_t image_ram_bytes(const struct pt_vm *vm)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < vm->nregions; i++)
		if (vm->regions[i].kind == PT_REGION_RAM)
			n += vm->regions[i].size;
	return n;
}

uint64_t image_blob_bytes(const struct pt_vm *vm)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < 3; i++)
		if (blob(vm, i)->start)
			n += (uint64_t)(blob(vm, i)->end - blob(vm, i)->start);
	return n;
}

void image_scrub_range(const struct pt_vm *vm, uint64_t off, uint64_t len)
{
	for (unsigned i = 0; i < vm->nregions && len; i++) {
		const struct pt_region *r = &vm->regions[i];
		uint64_t n;

		if (r->kind != PT_REGION_RAM)
			continue;
		if (off >= r->size) {
			off -= r->size;
			continue;
		}
		n = r->size - off < len ? r->size - off : len;
		ram_write(vm, PT_REGION_RAM, r->ipa + off, n, NULL);
		len -= n;
		off = 0;
	}
}

void image_load_range(const struct pt_vm *vm, uint64_t off, uint64_t len)
{
	for (unsigned i = 0; i < 3 && len; i++) {
		const struct pt_blob *b = blob(vm, i);
		uint64_t size, n;

		if (!b->start)
			continue;
		size = (uint64_t)(b->end - b->start);
		if (off >= size) {
			off -= size;
			continue;
		}
		n = size - off < len ? size - off : len;
		ram_write(vm, PT_REGION_RAM, b->ipa + off, n, b->start + off);
		len -= n;
		off = 0;
	}
}
