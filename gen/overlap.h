/*
 * The overlap engine: find intersecting ranges among many in O(n log n) by sorting on the start
 * address and sweeping, keeping the range that reaches furthest so far. Used for physical memory,
 * each VM's guest-physical space, and device pages.
 */
#ifndef PARTITA_OVERLAP_H
#define PARTITA_OVERLAP_H

#include "diag.h"
#include "util.h"

struct span {
	u64 start, end;     /* [start, end) */
	const char *what;   /* a description for messages: "vm 'ctrl' memory", "device /pl031@9010000" */
	struct loc at;      /* where it was declared */
	int owner;          /* spans with the same owner >= 0 may be allowed to overlap (see below) */
	int kind;
};

struct spans {
	struct span *v;
	size_t n, cap;
};

/* Add a span; `what` is copied. Empty spans are ignored. */
void spans_add(struct spans *s, u64 start, u64 size, const char *what, struct loc at, int owner, int kind);
void spans_free(struct spans *s);

/* Called for each overlap found: `a` starts no later than `b`. */
typedef void (*overlap_fn)(const struct span *a, const struct span *b, void *ctx);

/* Sort and sweep. Every span that overlaps an earlier one is reported once, against the earlier
 * span reaching furthest. */
void spans_sweep(struct spans *s, overlap_fn report, void *ctx);

#endif
