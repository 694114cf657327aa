/* The individual emitters behind emit_all(); each writes its files into the staging folder. */
#ifndef PARTITA_EMITTERS_H
#define PARTITA_EMITTERS_H

#include "model.h"

struct emit_ctx {
	struct m_system *s;
	const char *stage;     /* staging folder: files are written here */
	char *out;             /* absolute output folder: paths inside artifacts point here */
	const char *out_given; /* the output folder as given (-o): system.d names its targets so */
	const char *templates; /* m4 templates folder */
};

/* The interrupts a VM owns through its devices: sorted, no repeats, no per-CPU ones (PPIs). */
size_t vm_irqs(const struct m_system *s, const struct m_vm *vm, struct board_irq **out);

bool stage_write(const struct emit_ctx *ctx, const char *name, const void *data, size_t len, char **err);

bool emit_images(struct emit_ctx *ctx, char **err);  /* flattened ELF images */
bool emit_dtbs(struct emit_ctx *ctx, char **err);    /* emit_dtb.c: one DTB per VM */
bool emit_config(struct emit_ctx *ctx, char **err);  /* emit_config.c: config.c, system.mk (m4) */
bool emit_run(struct emit_ctx *ctx, char **err);     /* emit_config.c: run.sh (m4) */
bool emit_memmap(struct emit_ctx *ctx, char **err);  /* emit_memmap.c: memmap.txt, memmap.svg */
bool emit_deps(struct emit_ctx *ctx, char **err);    /* emit.c: system.d, gen's inputs for make */

#endif
