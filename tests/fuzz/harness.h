/*
 * What the fuzz targets share: a scratch folder per process (the tool reads paths, so inputs are
 * written to files there), quiet diagnostics, and the project's own inputs found through
 * PARTITA_TOP (the project root, set by the Makefile).
 *
 * Each target is one C file, tests/fuzz/fuzz_NAME.c, built by the top Makefile with clang
 * -fsanitize=fuzzer,address,undefined into build/fuzz/fuzz-NAME against the generator's sources.
 */
#ifndef PARTITA_FUZZ_HARNESS_H
#define PARTITA_FUZZ_HARNESS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../gen/diag.h"
#include "../../gen/util.h"

#ifndef PARTITA_TOP
#error "PARTITA_TOP (the project root) must be defined"
#endif

static char fz_root[4096]; /* the scratch folder */

static inline int fz_remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static inline void fz_remove_tree(const char *dir)
{
	nftw(dir, fz_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void fz_cleanup(void)
{
	if (fz_root[0])
		fz_remove_tree(fz_root);
}

static inline void fz_die(const char *what)
{
	fprintf(stderr, "fuzz harness: %s: %s\n", what, strerror(errno));
	abort();
}

/* Remove the scratch folders of processes that are gone without removing theirs (a -fork job
 * killed at the end of a campaign, a crash): partita-fuzz-TARGET-PID-XXXXXX. */
static inline void fz_sweep(const char *tmp)
{
	DIR *d = opendir(tmp);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *dash;
		if (strncmp(e->d_name, "partita-fuzz-", 13) || !(dash = strrchr(e->d_name, '-')))
			continue;
		const char *p = dash;
		while (p > e->d_name + 13 && p[-1] != '-')
			p--; /* the PID before the last dash */
		long pid = strtol(p, NULL, 10);
		if (pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
			char *path = xasprintf("%s/%s", tmp, e->d_name);
			fz_remove_tree(path);
			free(path);
		}
	}
	closedir(d);
}

/* Create the scratch folder, removed when the process exits normally: in $TMPDIR, else in
 * /dev/shm (memory: every input is written there, and a disk's journal would halve the speed),
 * else in /tmp. */
static inline const char *fz_scratch(const char *target)
{
	struct stat st;
	const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR")
			  : stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0 ? "/dev/shm"
			  : "/tmp";
	fz_sweep(tmp);
	snprintf(fz_root, sizeof fz_root, "%s/partita-fuzz-%s-%ld-XXXXXX", tmp, target, (long)getpid());
	if (!mkdtemp(fz_root))
		fz_die("mkdtemp");
	atexit(fz_cleanup);
	return fz_root;
}

/* PATH (inside the scratch folder) as a new folder, a symbolic link to TARGET, or a file. */
static inline char *fz_path(const char *rel)
{
	return xasprintf("%s/%s", fz_root, rel);
}

static inline void fz_mkdir(const char *rel)
{
	char *p = fz_path(rel);
	if (mkdir(p, 0777) != 0 && errno != EEXIST)
		fz_die(p);
	free(p);
}

static inline void fz_symlink(const char *target, const char *rel)
{
	char *p = fz_path(rel);
	if (symlink(target, p) != 0 && errno != EEXIST)
		fz_die(p);
	free(p);
}

static inline void fz_write(const char *path, const void *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0)
		fz_die(path);
	const char *p = data;
	while (size) {
		ssize_t n = write(fd, p, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fz_die(path);
		p += n;
		size -= (size_t)n;
	}
	close(fd);
}

/* The boards a description can name: the project's boards and the fixtures' test boards, side by
 * side in one folder of links (scratch/boards). Returns that folder. */
static inline char *fz_boards(void)
{
	fz_mkdir("boards");
	static const char *const sources[] = { PARTITA_TOP "/boards", PARTITA_TOP "/tests/fixtures/boards" };
	for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
		DIR *d = opendir(sources[i]);
		if (!d)
			fz_die(sources[i]);
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char *target = xasprintf("%s/%s", sources[i], e->d_name), *rel = xasprintf("boards/%s", e->d_name);
			fz_symlink(target, rel);
			free(target);
			free(rel);
		}
		closedir(d);
	}
	return fz_path("boards");
}

/* Print (and so exercise) every collected diagnostic, text or JSON, to /dev/null and forget
 * them. Sanitizer and libFuzzer reports do not go through `stderr`: they still show. */
static inline void fz_flush(enum diag_format format)
{
	static FILE *null;
	if (!null && !(null = fopen("/dev/null", "w")))
		fz_die("/dev/null");
	FILE *saved = stderr;
	stderr = null;
	diag_flush(format);
	fflush(null);
	stderr = saved;
}

/* Empty a folder the emitters wrote into (file names come from the input: they must not pile up). */
static inline void fz_empty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *p = xasprintf("%s/%s", dir, e->d_name);
		fz_remove_tree(p);
		free(p);
	}
	closedir(d);
}

#endif
