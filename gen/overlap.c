#include "overlap.h"

#include <stdlib.h>
#include <string.h>

void spans_add(struct spans *s, u64 start, u64 size, const char *what, struct loc at, int owner, int kind)
{
	if (size == 0)
		return;
	struct span *sp = PUSH(s->v, s->n, s->cap);
	sp->start = start;
	sp->end = start + size < start ? UINT64_MAX : start + size;
	sp->what = xstrdup(what);
	sp->at = at;
	sp->owner = owner;
	sp->kind = kind;
}

void spans_free(struct spans *s)
{
	for (size_t i = 0; i < s->n; i++)
		free((char *)s->v[i].what);
	free(s->v);
	memset(s, 0, sizeof *s);
}

static int span_cmp(const void *x, const void *y)
{
	const struct span *a = x, *b = y;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1; /* the longer first: it is the one others fall inside */
	/* Keep declaration order for equal ranges so messages are deterministic. */
	if (a->at.line != b->at.line)
		return a->at.line < b->at.line ? -1 : 1;
	return a->at.col < b->at.col ? -1 : a->at.col > b->at.col;
}

void spans_sweep(struct spans *s, overlap_fn report, void *ctx)
{
	if (s->n < 2)
		return;
	qsort(s->v, s->n, sizeof *s->v, span_cmp);
	size_t reach = 0;
	for (size_t i = 1; i < s->n; i++) {
		if (s->v[i].start < s->v[reach].end)
			report(&s->v[reach], &s->v[i], ctx);
		if (s->v[i].end > s->v[reach].end)
			reach = i;
	}
}
