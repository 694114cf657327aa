/*
 * Diagnostics: every error Partita reports names a place in a file, the rule that fired, and,
 * where it helps, the other party of a conflict (a note) and an obvious fix (a hint).
 *
 * Errors are collected, not printed at once, so one run reports all of them, sorted by place.
 */
#ifndef PARTITA_DIAG_H
#define PARTITA_DIAG_H

#include <stdarg.h>
#include <stddef.h>

/* A source file kept in memory so that diagnostics can quote the offending line. */
struct source {
	char *path;    /* as given by the user (relative paths stay relative) */
	char *text;
	size_t len;
};

/* A place in a source: line and column are 1-based; line 0 means "the whole file". */
struct loc {
	const struct source *src;
	int line;
	int col;
};

enum diag_format { DIAG_TEXT, DIAG_JSON };

struct diag;

struct source *source_load(const char *path, char **err);
struct source *source_from_string(const char *path, const char *text);
void source_free(struct source *s);

/* Start an error; the returned handle takes notes and a hint until the next diag_error. */
struct diag *diag_error(struct loc at, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_note(struct diag *d, struct loc at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_hint(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int diag_count(void);
/* Print every collected diagnostic (sorted by place) to stderr and forget them. */
void diag_flush(enum diag_format format);
void diag_reset(void);

#endif
