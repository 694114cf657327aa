/*
 * `partita gen`: write every artifact for a validated system.
 *
 * Each emitter writes into a staging folder beside the output folder; only when all of them
 * succeeded are the files renamed into place, one by one (rename is atomic per file). A failed or
 * interrupted run therefore leaves the previous outputs as they were.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit.h"
#include "emitters.h"

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *p = xasprintf("%s/%s", dir, e->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(dir);
}

/*
 * The manifest (.partita-outputs in the output folder) lists the files the last successful run
 * wrote, so that a file an earlier run wrote and this one does not (the DTB of a renamed VM) is
 * removed rather than left to mislead. Files Partita did not write are never touched.
 */
#define MANIFEST ".partita-outputs"

static void remove_stale(const char *out, const char *stage)
{
	char *path = xasprintf("%s/" MANIFEST, out), *err = NULL;
	size_t len;
	char *old = read_file(path, &len, &err);
	free(err);
	for (char *line = old, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		else
			next = line + strlen(line);
		if (!*line || strchr(line, '/'))
			continue;
		char *staged = xasprintf("%s/%s", stage, line);
		if (!file_exists(staged)) {
			char *stale = xasprintf("%s/%s", out, line);
			unlink(stale);
			free(stale);
		}
		free(staged);
	}
	free(old);
	free(path);
}

static bool write_manifest(const char *stage, char **err)
{
	DIR *d = opendir(stage);
	if (!d) {
		*err = xasprintf("cannot read '%s': %s", stage, strerror(errno));
		return false;
	}
	char **names = NULL;
	size_t n = 0, cap = 0, total = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			*PUSH(names, n, cap) = xstrdup(e->d_name);
			total += strlen(e->d_name) + 1;
		}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_names);
	char *text = xmalloc(total + 1), *p = text;
	for (size_t i = 0; i < n; i++) {
		p += sprintf(p, "%s\n", names[i]);
		free(names[i]);
	}
	free(names);
	char *path = xasprintf("%s/" MANIFEST, stage);
	bool ok = write_file_atomic(path, text, (size_t)(p - text), err);
	free(path);
	free(text);
	return ok;
}

/* Move every file of `stage` into `out`, replacing what was there. */
static bool commit_stage(const char *stage, const char *out, char **err)
{
	DIR *d = opendir(stage);
	if (!d) {
		*err = xasprintf("cannot read '%s': %s", stage, strerror(errno));
		return false;
	}
	struct dirent *e;
	bool ok = true;
	while (ok && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		/* Renamed one by one: each file is replaced atomically, and the manifest goes last. */
		if (!strcmp(e->d_name, MANIFEST))
			continue;
		char *from = xasprintf("%s/%s", stage, e->d_name), *to = xasprintf("%s/%s", out, e->d_name);
		if (rename(from, to) != 0) {
			*err = xasprintf("cannot move '%s' to '%s': %s", from, to, strerror(errno));
			ok = false;
		}
		free(from);
		free(to);
	}
	closedir(d);
	if (ok) {
		char *from = xasprintf("%s/" MANIFEST, stage), *to = xasprintf("%s/" MANIFEST, out);
		if (rename(from, to) != 0) {
			*err = xasprintf("cannot move '%s' to '%s': %s", from, to, strerror(errno));
			ok = false;
		}
		free(from);
		free(to);
	}
	return ok;
}

bool emit_all(struct m_system *s, const char *out, const char *templates_dir, char **err)
{
	if (!mkdir_p(out, err))
		return false;
	char *stage = xasprintf("%s/.partita-stage.%ld", out, (long)getpid());
	remove_tree(stage);
	if (!mkdir_p(stage, err)) {
		free(stage);
		return false;
	}
	char *abs_out = realpath(out, NULL);
	struct emit_ctx ctx = { .s = s, .stage = stage, .out = abs_out ? abs_out : xstrdup(out),
				.out_given = out, .templates = templates_dir };
	bool ok = emit_images(&ctx, err) && emit_dtbs(&ctx, err) && emit_config(&ctx, err) &&
		  emit_run(&ctx, err) && emit_memmap(&ctx, err) && emit_deps(&ctx, err) &&
		  diag_count() == 0;
	if (ok)
		ok = write_manifest(stage, err);
	if (ok) {
		remove_stale(out, stage);
		ok = commit_stage(stage, out, err);
	}
	remove_tree(stage);
	free(stage);
	free(ctx.out);
	return ok;
}

/*
 * system.d: a Make fragment stating what the outputs were made from, for the Makefile that runs
 * gen to -include (gcc -MD style). Every file gen read goes in: the description, the board's
 * board.yaml and DTS, each VM's kernel, initrd and device tree file, the templates. A changed
 * guest image then regenerates the outputs and rebuilds the hypervisor that embeds it, wherever
 * the image lives. (Disk images are not read, only named in run.sh: QEMU opens them at boot. Files
 * a board DTS /include/s are read by dtc, not listed.)
 */

/*
 * A path as Make reads it in a rule: as a prerequisite, or as a target (where '%' would make a
 * pattern rule). Space, '#', ':' and the wildcards take a backslash, '$' is doubled, and '=' (a
 * variable assignment where Make looks for one) is written $(partita_eq), defined at the top.
 * False when Make cannot carry the path: anything else but letters, digits and / . _ + , @ ~ -
 * (';' starts a recipe, '(' an archive member, an escaped backslash reads differently in targets
 * and prerequisites).
 */
static bool make_path(struct strbuf *b, const char *path, bool target)
{
	const char *escaped = " #:*?[]%$=";
	for (const char *c = path; *c; c++)
		if (!plain_char(*c, "/._+,@~-") && !strchr(escaped, *c))
			return false;
	for (const char *c = path; *c; c++) {
		if (*c == '$')
			sb_printf(b, "$$");
		else if (*c == '=')
			sb_printf(b, "$(partita_eq)");
		else if (strchr(escaped, *c) && (target || *c != '%'))   /* '%': literal in a prerequisite */
			sb_printf(b, "\\%c", *c);
		else
			sb_printf(b, "%c", *c);
	}
	return true;
}

static void add_input(char ***list, size_t *n, size_t *cap, const char *path)
{
	if (!path)
		return;
	char *real = realpath(path, NULL);
	char *p = real ? real : xstrdup(path);
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*list)[i], p)) {
			free(p);
			return;
		}
	*PUSH(*list, *n, *cap) = p;
}

bool emit_deps(struct emit_ctx *ctx, char **err)
{
	const struct m_system *s = ctx->s;
	char **in = NULL;
	size_t n = 0, cap = 0;
	add_input(&in, &n, &cap, s->src->path);
	if (s->board) {
		add_input(&in, &n, &cap, s->board->facts_src ? s->board->facts_src->path : NULL);
		add_input(&in, &n, &cap, s->board->dts_path);
	}
	for (size_t v = 0; v < s->nvms; v++) {
		const struct m_vm *vm = &s->vms[v];
		add_input(&in, &n, &cap, vm->image.kernel_path);
		add_input(&in, &n, &cap, vm->image.initrd_path);
		if (vm->dtb == DTB_FILE)
			add_input(&in, &n, &cap, vm->dtb_path);
	}
	static const char *const templates[] = { "lib.m4", "config.c.m4", "system.mk.m4", "run.sh.m4" };
	for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++) {
		char *t = xasprintf("%s/%s", ctx->templates, templates[i]);
		add_input(&in, &n, &cap, t);
		free(t);
	}

	struct strbuf b = { 0 }, rules = { 0 };
	sb_printf(&b, "# Make dependencies of what partita gen wrote here: every file it read. Generated by\n"
		  "# partita gen - do not edit; the Makefile that runs gen includes it (-include).\n");
	char *target = xasprintf("%s/system.mk", ctx->out_given);
	bool eq = strchr(target, '=') != NULL;
	for (size_t i = 0; i < n; i++)
		eq |= strchr(in[i], '=') != NULL;
	if (eq)
		sb_printf(&b, "partita_eq := =\n");
	bool ok = make_path(&b, target, true);
	sb_printf(&b, ":");
	for (size_t i = 0; i < n; i++) {
		struct strbuf pre = { 0 }, tgt = { 0 };
		if (make_path(&pre, in[i], false) && make_path(&tgt, in[i], true)) {
			sb_printf(&b, " \\\n  %s", pre.p);
			sb_printf(&rules, "%s:\n", tgt.p);
		} else
			sb_printf(&rules, "# (an input whose path Make cannot carry is not listed: it holds "
				  "a character other than letters, digits, space and / . _ + , @ ~ - # : * ? [ ] %% $ =)\n");
		free(pre.p);
		free(tgt.p);
		free(in[i]);
	}
	free(in);
	sb_printf(&b, "\n# Each input as a target of its own: one that is gone (moved, deleted) makes gen run\n"
		  "# again and say so, instead of stopping make with \"no rule to make target\".\n%s",
		  rules.p ? rules.p : "");
	free(rules.p);
	if (!ok) {
		/* Not a reason to fail gen: only a Makefile including this misses the dependencies. */
		free(b.p);
		b = (struct strbuf){ 0 };
		sb_printf(&b, "# No dependencies: the output folder's path holds a character Make cannot "
			  "carry\n# (one other than letters, digits, space and / . _ + , @ ~ - # : * ? [ ] %% $ =).\n");
	}
	ok = stage_write(ctx, "system.d", b.p, b.len, err);
	free(target);
	free(b.p);
	return ok;
}

bool stage_write(const struct emit_ctx *ctx, const char *name, const void *data, size_t len, char **err)
{
	char *path = xasprintf("%s/%s", ctx->stage, name);
	bool ok = write_file_atomic(path, data, len, err);
	free(path);
	return ok;
}
