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
				.templates = templates_dir };
	bool ok = emit_images(&ctx, err) && emit_dtbs(&ctx, err) && emit_config(&ctx, err) &&
		  emit_run(&ctx, err) && emit_memmap(&ctx, err) && diag_count() == 0;
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

bool stage_write(const struct emit_ctx *ctx, const char *name, const void *data, size_t len, char **err)
{
	char *path = xasprintf("%s/%s", ctx->stage, name);
	bool ok = write_file_atomic(path, data, len, err);
	free(path);
	return ok;
}
