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

static bool mkdir_p(const char *path, char **err)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		mkdir(p, 0777);
		*s = '/';
	}
	bool ok = mkdir(p, 0777) == 0 || errno == EEXIST;
	if (!ok)
		*err = xasprintf("cannot create folder '%s': %s", path, strerror(errno));
	free(p);
	return ok;
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
		char *from = xasprintf("%s/%s", stage, e->d_name), *to = xasprintf("%s/%s", out, e->d_name);
		if (rename(from, to) != 0) {
			*err = xasprintf("cannot move '%s' to '%s': %s", from, to, strerror(errno));
			ok = false;
		}
		free(from);
		free(to);
	}
	closedir(d);
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
		ok = commit_stage(stage, out, err);
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
