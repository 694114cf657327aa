#include "diag.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A place copied out of its source when reported: a diagnostic must stay printable after the
 * source it points into is freed (a file that fails to parse is freed before the flush). */
struct place {
	char *path;    /* NULL: no file */
	int line, col;
	char *text;    /* the quoted line (errors only), or NULL */
};

struct note {
	struct place at;
	char *msg;
};

struct diag {
	struct place at;
	const char *rule;
	char *msg;
	char *hint;
	struct note *notes;
	size_t nnotes;
	size_t seq; /* order of report, to keep the sort stable */
};

/*
 * At most DIAG_MAX diagnostics are kept (and printed); the rest are only counted, so a crafted
 * description cannot make us hold (or print) millions of them. One line says how many more.
 */
#define DIAG_MAX 100
static struct diag **diags;
static size_t ndiags, capdiags, ndropped;
static struct diag *spill;   /* what callers of a dropped diagnostic add notes and hints to */
static void diag_free(struct diag *d);

struct source *source_from_string(const char *path, const char *text)
{
	struct source *s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->len = strlen(text);
	s->text = xmalloc(s->len + 1);
	memcpy(s->text, text, s->len + 1);
	return s;
}

struct source *source_load(const char *path, char **err)
{
	size_t len;
	char *text = read_file(path, &len, err);
	if (!text)
		return NULL;
	struct source *s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->text = text;
	s->len = len;
	return s;
}

void source_free(struct source *s)
{
	if (!s)
		return;
	free(s->path);
	free(s->text);
	free(s);
}

/* The text of line `line` (1-based) of a source, without its newline. */
static const char *source_line(const struct source *s, int line, size_t *len)
{
	const char *p = s->text, *end = s->text + s->len;
	for (int l = 1; l < line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	if (p >= end)
		return NULL;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	*len = nl ? (size_t)(nl - p) : (size_t)(end - p);
	return p;
}

static struct place snapshot(struct loc at, bool with_text)
{
	struct place p = { NULL, at.line, at.col, NULL };
	size_t len;
	if (at.src) {
		p.path = xstrdup(at.src->path);
		const char *text = with_text && at.line > 0 ? source_line(at.src, at.line, &len) : NULL;
		if (text)
			p.text = xasprintf("%.*s", (int)len, text);
	}
	return p;
}

struct diag *diag_error(struct loc at, const char *rule, const char *fmt, ...)
{
	struct diag *d = xcalloc(1, sizeof *d);
	va_list ap;
	va_start(ap, fmt);
	d->msg = xvasprintf(fmt, ap);
	va_end(ap);
	d->at = snapshot(at, true);
	d->rule = rule;
	d->seq = ndiags;
	if (ndiags >= DIAG_MAX) {
		ndropped++;
		if (spill)
			diag_free(spill);
		return spill = d;
	}
	if (ndiags == capdiags) {
		capdiags = capdiags ? 2 * capdiags : 16;
		diags = xrealloc(diags, capdiags * sizeof *diags);
	}
	diags[ndiags++] = d;
	return d;
}

void diag_note(struct diag *d, struct loc at, const char *fmt, ...)
{
	va_list ap;
	d->notes = xrealloc(d->notes, (d->nnotes + 1) * sizeof *d->notes);
	va_start(ap, fmt);
	d->notes[d->nnotes].msg = xvasprintf(fmt, ap);
	va_end(ap);
	d->notes[d->nnotes].at = snapshot(at, false);
	d->nnotes++;
}

void diag_hint(struct diag *d, const char *fmt, ...)
{
	va_list ap;
	free(d->hint);
	va_start(ap, fmt);
	d->hint = xvasprintf(fmt, ap);
	va_end(ap);
}

int diag_count(void)
{
	return (int)(ndiags + ndropped);
}

static int place_cmp(const struct place *a, const struct place *b)
{
	int c = strcmp(a->path ? a->path : "", b->path ? b->path : "");
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return 0;
}

static int diag_cmp(const void *x, const void *y)
{
	const struct diag *a = *(const struct diag *const *)x;
	const struct diag *b = *(const struct diag *const *)y;
	int c = place_cmp(&a->at, &b->at);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void print_place(FILE *f, const struct place *at)
{
	const char *path = at->path ? at->path : "partita";
	if (at->line > 0)
		fprintf(f, "%s:%d:%d: ", path, at->line, at->col);
	else
		fprintf(f, "%s: ", path);
}

static void print_caret(FILE *f, const struct place *at)
{
	if (!at->text)
		return;
	const char *text = at->text;
	size_t len = strlen(text);
	fprintf(f, "  %s\n  ", text);
	for (int i = 1; i < at->col && (size_t)i <= len; i++)
		fputc(text[i - 1] == '\t' ? '\t' : ' ', f);
	fputs("^\n", f);
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_loc(FILE *f, const struct place *at)
{
	fputs("\"file\":", f);
	json_string(f, at->path ? at->path : "");
	fprintf(f, ",\"line\":%d,\"column\":%d", at->line, at->col);
}

static void print_json(FILE *f, const struct diag *d)
{
	fputs("{\"severity\":\"error\",", f);
	json_loc(f, &d->at);
	fputs(",\"rule\":", f);
	json_string(f, d->rule);
	fputs(",\"message\":", f);
	json_string(f, d->msg);
	fputs(",\"notes\":[", f);
	for (size_t i = 0; i < d->nnotes; i++) {
		fputs(i ? ",{" : "{", f);
		json_loc(f, &d->notes[i].at);
		fputs(",\"message\":", f);
		json_string(f, d->notes[i].msg);
		fputc('}', f);
	}
	fputc(']', f);
	if (d->hint) {
		fputs(",\"hint\":", f);
		json_string(f, d->hint);
	}
	fputs("}\n", f);
}

/* Messages quote what users wrote: control characters are shown escaped, so that one
 * diagnostic stays one line and no input can drive the terminal. */
static void put_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

static void print_text(FILE *f, const struct diag *d)
{
	print_place(f, &d->at);
	fputs("error: ", f);
	put_text(f, d->msg);
	fprintf(f, " [%s]\n", d->rule);
	print_caret(f, &d->at);
	for (size_t i = 0; i < d->nnotes; i++) {
		print_place(f, &d->notes[i].at);
		fputs("note: ", f);
		put_text(f, d->notes[i].msg);
		fputc('\n', f);
	}
	if (d->hint) {
		fputs("  hint: ", f);
		put_text(f, d->hint);
		fputc('\n', f);
	}
}

static void diag_free(struct diag *d)
{
	for (size_t i = 0; i < d->nnotes; i++) {
		free(d->notes[i].msg);
		free(d->notes[i].at.path);
	}
	free(d->notes);
	free(d->at.path);
	free(d->at.text);
	free(d->msg);
	free(d->hint);
	free(d);
}

void diag_reset(void)
{
	for (size_t i = 0; i < ndiags; i++)
		diag_free(diags[i]);
	free(diags);
	diags = NULL;
	ndiags = capdiags = ndropped = 0;
	if (spill)
		diag_free(spill);
	spill = NULL;
}

void diag_flush(enum diag_format format)
{
	if (ndiags > 1)
		qsort(diags, ndiags, sizeof *diags, diag_cmp);
	for (size_t i = 0; i < ndiags; i++) {
		if (format == DIAG_JSON)
			print_json(stderr, diags[i]);
		else
			print_text(stderr, diags[i]);
	}
	if (ndropped && format == DIAG_TEXT)
		fprintf(stderr, "partita: error: %zu more error%s not shown (only the first %d are "
			"kept) [limit]\n", ndropped, ndropped == 1 ? "" : "s", DIAG_MAX);
	else if (ndropped)
		fprintf(stderr, "{\"severity\":\"error\",\"file\":\"\",\"line\":0,\"column\":0,"
			"\"rule\":\"limit\",\"message\":\"%zu more errors not shown\",\"notes\":[]}\n",
			ndropped);
	if (format == DIAG_TEXT && ndiags)
		fprintf(stderr, "%zu error%s\n", ndiags + ndropped, ndiags + ndropped == 1 ? "" : "s");
	diag_reset();
}
