/*
 * Inspecting guest images. Three formats:
 *  raw   - a flat binary; loaded at `load` (default: the VM's first RAM region), entered at `entry`
 *          (default: the load address);
 *  elf   - an ELF64 executable of the board's architecture (AArch64 or RISC-V); its PT_LOAD
 *          segments are flattened into one blob here, so the hypervisor only ever copies flat blobs;
 *  linux - an arm64 or RISC-V Image (the board's): the header at offset 0 gives text_offset and
 *          image_size (the memory the kernel occupies once running, bss included, which is larger
 *          than the file). The two headers share that layout; their magic differs.
 * Without a board (it could not be loaded: reported) either architecture is accepted.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "../hypervisor/include/partita/config.h"

static u64 le64(const unsigned char *p)
{
	u64 v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* An arm64 Image ("ARM\x64" at 0x38), a RISC-V one ("RSC\x05" at 0x38, or the older "RISCV"
 * at 0x30), or neither (0). */
static unsigned linux_arch(const unsigned char *data, size_t len)
{
	if (len < 64)
		return 0;
	if (!memcmp(data + 0x38, "ARM\x64", 4))
		return PT_ARCH_AARCH64;
	if (!memcmp(data + 0x38, "RSC\x05", 4) || !memcmp(data + 0x30, "RISCV\0\0\0", 8))
		return PT_ARCH_RISCV64;
	return 0;
}

static bool inspect_linux(struct m_system *s, struct m_vm *vm, const unsigned char *data, size_t len)
{
	struct m_image *im = &vm->image;
	unsigned want = s->board ? s->board->arch : 0, got = linux_arch(data, len);
	const char *kind = got == PT_ARCH_RISCV64 || (!got && want == PT_ARCH_RISCV64) ? "RISC-V" : "arm64";
	if (!got || (want && got != want)) {
		struct diag *d;
		if (!got && want == PT_ARCH_RISCV64)
			d = diag_error(im->at_kernel, "image-format", "vm '%s': '%s' is not a RISC-V Linux Image "
				       "(no RSC\\x05 magic at 0x38)", vm->name, im->kernel);
		else if (!got)
			d = diag_error(im->at_kernel, "image-format", "vm '%s': '%s' is not an arm64 Linux Image "
				       "(no ARM\\x64 magic at 0x38)", vm->name, im->kernel);
		else
			d = diag_error(im->at_kernel, "image-format", "vm '%s': '%s' is %s Linux Image, but board "
				       "'%s' is %s", vm->name, im->kernel, got == PT_ARCH_RISCV64 ? "a RISC-V" : "an arm64",
				       s->board->name, board_arch_name(s->board));
		if (want == PT_ARCH_RISCV64)
			diag_hint(d, "use the uncompressed RISC-V Image (arch/riscv/boot/Image), or format: raw");
		else
			diag_hint(d, "use the uncompressed Image (Debian's vmlinuz for arm64 is one), or format: raw");
		return false;
	}
	u64 text_offset = le64(data + 8), image_size = le64(data + 16);
	if (text_offset > (1ull << 40) || image_size > (1ull << 40)) {
		/* Beyond any guest-physical space (and the size arithmetic below would wrap). */
		diag_error(im->at_kernel, "image-format",
			   "vm '%s': '%s' has an implausible %s Image header (text_offset 0x%llx, image_size 0x%llx)",
			   vm->name, im->kernel, kind, (unsigned long long)text_offset, (unsigned long long)image_size);
		return false;
	}
	if (image_size == 0) {
		/* arm64 kernels before 3.17: text_offset is 0x80000 and the size unknown; leave room for
		 * bss. (RISC-V Images have always stated both.) */
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

/*
 * An ELF from elsewhere: every PT_LOAD is validated before anything is copied or allocated —
 * inside the file, p_filesz <= p_memsz, no address arithmetic that wraps, and all of them within
 * ELF_SPAN_MAX of each other (the flat blob is as large as that span). Empty segments
 * (p_memsz == 0) load nothing and are skipped by both passes alike.
 */
#define ELF_SPAN_MAX (1ull << 32)

static bool elf_error(struct m_vm *vm, const char *what)
{
	struct m_image *im = &vm->image;
	diag_error(im->at_kernel, "image-format", "vm '%s': '%s' %s", vm->name, im->kernel, what);
	return false;
}

static bool loads(const Elf64_Phdr *ph)
{
	return ph->p_type == PT_LOAD && ph->p_memsz != 0;
}

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

static bool inspect_elf(struct m_system *s, struct m_vm *vm, const unsigned char *data, size_t len)
{
	struct m_image *im = &vm->image;
	unsigned want = s->board ? s->board->arch : 0;
	const char *what = want == PT_ARCH_RISCV64 ? "is not a 64-bit RISC-V ELF file"
			 : want ? "is not a 64-bit AArch64 ELF file" : "is not a 64-bit AArch64 or RISC-V ELF file";
	Elf64_Ehdr eh;
	if (len < sizeof eh)
		return elf_error(vm, what);
	memcpy(&eh, data, sizeof eh);   /* copied out: nothing in the file need be aligned */
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || (eh.e_machine != EM_AARCH64 && eh.e_machine != EM_RISCV))
		return elf_error(vm, what);
	unsigned got = eh.e_machine == EM_RISCV ? PT_ARCH_RISCV64 : PT_ARCH_AARCH64;
	if (want && got != want) {
		char *msg = xasprintf("is %s ELF file, but board '%s' is %s", got == PT_ARCH_RISCV64 ? "a RISC-V"
				      : "an AArch64", s->board->name, board_arch_name(s->board));
		elf_error(vm, msg);
		free(msg);
		return false;
	}
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > len ||
	    (len - eh.e_phoff) / sizeof(Elf64_Phdr) < eh.e_phnum)
		return elf_error(vm, "has a program header table outside the file");
	Elf64_Phdr *ph = xmalloc(((size_t)eh.e_phnum + 1) * sizeof *ph);
	memcpy(ph, data + eh.e_phoff, (size_t)eh.e_phnum * sizeof *ph);

	u64 lo = UINT64_MAX, hi_file = 0, hi_mem = 0;
	const char *bad = NULL;
	for (unsigned i = 0; i < eh.e_phnum && !bad; i++) {
		const Elf64_Phdr *p = &ph[i];
		if (!loads(p))
			continue;
		if (p->p_offset > len || p->p_filesz > len - p->p_offset)
			bad = "has a segment outside the file";
		else if (p->p_filesz > p->p_memsz)
			bad = "has a segment with more bytes in the file than in memory (p_filesz > p_memsz)";
		else if (p->p_paddr > UINT64_MAX - p->p_memsz)
			bad = "has a segment whose addresses wrap around";
		if (bad)
			break;
		if (p->p_paddr < lo)
			lo = p->p_paddr;
		if (p->p_paddr + p->p_filesz > hi_file)
			hi_file = p->p_paddr + p->p_filesz;
		if (p->p_paddr + p->p_memsz > hi_mem)
			hi_mem = p->p_paddr + p->p_memsz;
	}
	if (!bad && lo == UINT64_MAX)
		bad = "has no loadable segment";
	if (!bad && hi_mem - lo > ELF_SPAN_MAX)
		bad = "has segments spanning more than 4 GiB";
	if (bad) {
		free(ph);
		return elf_error(vm, bad);
	}
	if (hi_file < lo)
		hi_file = lo;
	im->flat_size = hi_file - lo;
	/*
	 * The blob is at most what the segments' file bytes cover; a small file whose segments lie
	 * far apart still makes a large blob, which the fit checks then judge: bound it by the VM's
	 * RAM first, so that a crafted file cannot make us allocate gigabytes before any check.
	 */
	u64 ram = 0;
	for (size_t r = 0; r < vm->nmem; r++)
		ram = ram + vm->mem[r].size < ram ? UINT64_MAX : ram + vm->mem[r].size;
	if (im->flat_size > ram) {
		free(ph);
		char *need = fmt_size(im->flat_size), *have = fmt_size(ram);
		diag_error(im->at_kernel, "image-too-big", "vm '%s': '%s' loads %s, more than the VM's %s "
			   "of RAM", vm->name, im->kernel, need, have);
		free(need);
		free(have);
		return false;
	}
	im->flat = xcalloc(1, im->flat_size ? im->flat_size : 1);
	for (unsigned i = 0; i < eh.e_phnum; i++)
		if (loads(&ph[i]) && ph[i].p_filesz)
			memcpy(im->flat + (ph[i].p_paddr - lo), data + ph[i].p_offset, ph[i].p_filesz);
	free(ph);
	im->load = lo;
	im->entry = eh.e_entry;
	im->file_size = im->flat_size;
	im->mem_size = hi_mem - lo;
	return true;
}

static void kernel_missing(struct m_vm *vm, const char *err)
{
	struct diag *d = diag_error(vm->image.at_kernel, "image-missing", "vm '%s': kernel image: %s",
				    vm->name, err);
	diag_hint(d, "paths are relative to the folder of the system description");
}

bool image_files_present(struct m_vm *vm)
{
	struct m_image *im = &vm->image;
	char *err = NULL;
	u64 size;
	bool ok = true;
	if (!input_file_size(im->kernel_path, &size, &err)) {
		kernel_missing(vm, err);
		free(err);
		err = NULL;
		ok = false;
	}
	if (im->initrd_path && !input_file_size(im->initrd_path, &size, &err)) {
		diag_error(im->at_initrd, "image-missing", "vm '%s': initrd: %s", vm->name, err);
		free(err);
		ok = false;
	}
	return ok;
}

bool image_inspect(struct m_system *s, struct m_vm *vm)
{
	struct m_image *im = &vm->image;
	char *err = NULL;
	size_t len;
	unsigned char *data = (unsigned char *)read_file(im->kernel_path, &len, &err);
	if (!data) {
		kernel_missing(vm, err);
		free(err);
		return false;
	}
	bool ok = true;
	switch (im->format) {
	case IMG_LINUX:
		ok = inspect_linux(s, vm, data, len);
		break;
	case IMG_ELF:
		ok = inspect_elf(s, vm, data, len);
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
		u64 size;
		if (!input_file_size(im->initrd_path, &size, &err)) {
			diag_error(im->at_initrd, "image-missing", "vm '%s': initrd: %s", vm->name, err);
			free(err);
			return false;
		}
		if (size == 0) {
			diag_error(im->at_initrd, "image-format", "vm '%s': initrd '%s' is empty", vm->name,
				   im->initrd);
			return false;
		}
		im->initrd_size = size;
	}
	im->present = ok;
	return ok;
}
