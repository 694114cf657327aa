/*
 * Fuzz target `yaml`: a system description, through what `partita check` runs, in process
 * (main.c's sequence: model_read, checks_run, the diagnostics printed), against the real boards
 * (boards/qemu-aarch64-virt) and the fixtures' test boards. A description that passes every check
 * also goes through the emitters that need no m4 (images, guest DTBs, memory map).
 *
 * The input is written to scratch/sys/system.yaml, so that the fixtures' relative paths
 * (../images/tiny.bin) find tests/fixtures/images through the link scratch/images.
 * Seeds: tests/fixtures/good, tests/fixtures/bad, tests/gen/systems; dictionary: yaml.dict.
 */
#include "harness.h"

#include "../../gen/checks.h"
#include "../../gen/emitters.h"
#include "../../gen/model.h"

static char *input, *boards, *stage, *out;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_scratch("yaml");
	fz_mkdir("sys");
	fz_mkdir("stage");
	fz_mkdir("out");
	fz_symlink(PARTITA_TOP "/tests/fixtures/images", "images");
	boards = fz_boards();
	input = fz_path("sys/system.yaml");
	stage = fz_path("stage");
	out = fz_path("out");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_write(input, data, size);
	struct m_system *s = model_read(input, boards);
	if (s) {
		checks_run(s);
		if (diag_count() == 0) {
			struct emit_ctx ctx = { .s = s, .stage = stage, .out = out, .templates = PARTITA_TOP "/templates" };
			char *err = NULL;
			if (emit_images(&ctx, &err) && emit_dtbs(&ctx, &err))
				emit_memmap(&ctx, &err);
			free(err);
			fz_empty(stage);
		}
	}
	/* Both printers, one per input. */
	fz_flush(size & 1 ? DIAG_JSON : DIAG_TEXT);
	model_free(s);
	return 0;
}
