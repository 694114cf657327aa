/*
 * Fuzz target `image`: gen/image.c's image_inspect on a guest kernel file, read as each format in
 * turn: elf (ELF64 AArch64, PT_LOAD segments flattened), linux (arm64 Image header) and raw; the
 * linux pass also reads the input as its initrd. The VM has one 64 MiB region at 0x40000000 and
 * the model the real board qemu-aarch64-virt.
 *
 * The input is written to a file in the scratch folder (image_inspect reads a path).
 * Seeds: tests/fixtures/images; dictionary: image.dict.
 */
#include "harness.h"

#include "../../gen/image.h"
#include "../../gen/model.h"

static char *kernel;
static struct board *board;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_scratch("image");
	kernel = fz_path("kernel");
	board = board_load(PARTITA_TOP "/boards", "qemu-aarch64-virt", (struct loc){ 0 });
	if (!board) {
		diag_flush(DIAG_TEXT);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_write(kernel, data, size);
	static const enum image_format formats[] = { IMG_ELF, IMG_LINUX, IMG_RAW };
	for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
		struct m_mem mem = { .ipa = 0x40000000, .size = 64u << 20, .span = 64u << 20 };
		struct m_vm vm = { .name = "fuzz", .mem = &mem, .nmem = 1, .capmem = 1 };
		struct m_system s = { .name = "fuzz", .board = board, .vms = &vm, .nvms = 1, .capvms = 1,
				      .hyp_console_dev = -1 };
		vm.image.kernel = "kernel";
		vm.image.kernel_path = kernel;
		vm.image.format = formats[f];
		if (formats[f] == IMG_LINUX) {
			vm.image.initrd = "kernel";
			vm.image.initrd_path = kernel;
		}
		image_inspect(&s, &vm);
		free(vm.image.flat);
	}
	fz_flush(size & 1 ? DIAG_JSON : DIAG_TEXT);
	return 0;
}
