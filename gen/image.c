/*
 * Inspecting guest images. Three formats:
 *  raw   - a flat binary; loaded at `load` (default: the VM's first RAM region), entered at `entry`
 *          (default: the load address);
 *  elf   - an ELF64 AArch64 executable; its PT_LOAD segments are flattened into one blob here, so the
 *          hypervisor only ever copies flat blobs;
 *  linux - an arm64 Image: the header at offset 0 gives text_offset and image_size (the memory the
 *          kernel occupies once running, bss included, which is larger than the file).
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

static u64 le64(const unsigned char *p)
{
	u64 v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static bool inspect_linux(struct m_vm *vm, const unsigned char *data, size_t len)
{
	struct m_image *im = &vm->image;
	if (len < 64 || memcmp(data + 0x38, "ARM\x64", 4) != 0) {
		struct diag *d = diag_error(im->at_kernel, "image-format",
					    "vm '%s': '%s' is not an arm64 Linux Image (no ARM\\x64 magic at 0x38)",
					    vm->name, im->kernel);
		diag_hint(d, "use the uncompressed Image (Debian's vmlinuz for arm64 is one), or format: raw");
		return false;
	}
	u64 text_offset = le64(data + 8), image_size = le64(data + 16);
	if (text_offset > (1ull << 40) || image_size > (1ull << 40)) {
		/* Beyond any guest-physical space (and the size arithmetic below would wrap). */
		diag_error(im->at_kernel, "image-format",
			   "vm '%s': '%s' has an implausible arm64 Image header (text_offset 0x%llx, image_size 0x%llx)",
			   vm->name, im->kernel, (unsigned long long)text_offset, (unsigned long long)image_size);
		return false;
	}
	if (image_size == 0) {
		/* Kernels before 3.17: text_offset is 0x80000 and the size unknown; leave room for bss. */
		text_offset = 0x80000;
		image_size = align_up(len, 4096) + (16u << 20);
	}
	u64 base = vm->nmem ? vm->mem[0].ipa : 0;
	im->load = align_up(base, 2u << 20) + text_offset;
	im->entry = im->load;
	im->file_size = len;
	im->mem_size = image_size > len ? image_size : len;
	return true;
}

static bool inspect_elf(struct m_vm *vm, const unsigned char *data, size_t len)
{
	struct m_image *im = &vm->image;
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)data;
	if (len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_AARCH64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > len ||
	    (len - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum) {
		diag_error(im->at_kernel, "image-format", "vm '%s': '%s' is not a 64-bit AArch64 ELF file",
			   vm->name, im->kernel);
		return false;
	}
	/* Copied out: e_phoff need not be aligned in a damaged file. */
	Elf64_Phdr *ph = xmalloc((size_t)eh->e_phnum * sizeof *ph);
	memcpy(ph, data + eh->e_phoff, (size_t)eh->e_phnum * sizeof *ph);
	u64 lo = UINT64_MAX, hi_file = 0, hi_mem = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		if (ph[i].p_offset > len || ph[i].p_filesz > len - ph[i].p_offset ||
		    ph[i].p_paddr > UINT64_MAX - ph[i].p_memsz) {
			diag_error(im->at_kernel, "image-format", "vm '%s': '%s' has a segment outside the file",
				   vm->name, im->kernel);
			free(ph);
			return false;
		}
		if (ph[i].p_paddr < lo)
			lo = ph[i].p_paddr;
		if (ph[i].p_paddr + ph[i].p_filesz > hi_file)
			hi_file = ph[i].p_paddr + ph[i].p_filesz;
		if (ph[i].p_paddr + ph[i].p_memsz > hi_mem)
			hi_mem = ph[i].p_paddr + ph[i].p_memsz;
	}
	if (lo == UINT64_MAX || hi_mem - lo > (1ull << 32)) {
		diag_error(im->at_kernel, "image-format", "vm '%s': '%s' has no loadable segment (or spans over 4 GiB)",
			   vm->name, im->kernel);
		free(ph);
		return false;
	}
	if (hi_file < lo)
		hi_file = lo;
	im->flat_size = hi_file - lo;
	im->flat = xcalloc(1, im->flat_size ? im->flat_size : 1);
	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_filesz)
			memcpy(im->flat + (ph[i].p_paddr - lo), data + ph[i].p_offset, ph[i].p_filesz);
	free(ph);
	im->load = lo;
	im->entry = eh->e_entry;
	im->file_size = im->flat_size;
	im->mem_size = hi_mem - lo;
	return true;
}

bool image_inspect(struct m_system *s, struct m_vm *vm)
{
	(void)s;
	struct m_image *im = &vm->image;
	char *err = NULL;
	size_t len;
	unsigned char *data = (unsigned char *)read_file(im->kernel_path, &len, &err);
	if (!data) {
		struct diag *d = diag_error(im->at_kernel, "image-missing", "vm '%s': kernel image: %s",
					    vm->name, err);
		diag_hint(d, "paths are relative to the folder of the system description");
		free(err);
		return false;
	}
	bool ok = true;
	switch (im->format) {
	case IMG_LINUX:
		ok = inspect_linux(vm, data, len);
		break;
	case IMG_ELF:
		ok = inspect_elf(vm, data, len);
		break;
	case IMG_RAW:
		im->load = im->has_load ? im->load : (vm->nmem ? vm->mem[0].ipa : 0);
		im->entry = im->has_entry ? im->entry : im->load;
		im->file_size = im->mem_size = len;
		if (len == 0) {
			diag_error(im->at_kernel, "image-format", "vm '%s': '%s' is empty", vm->name, im->kernel);
			ok = false;
		}
		break;
	}
	free(data);
	if (ok && im->initrd_path) {
		data = (unsigned char *)read_file(im->initrd_path, &len, &err);
		if (!data) {
			diag_error(im->at_initrd, "image-missing", "vm '%s': initrd: %s", vm->name, err);
			free(err);
			return false;
		}
		free(data);
		im->initrd_size = len;
	}
	im->present = ok;
	return ok;
}
