/*
 * Physical placement.
 *
 * Free memory starts as the board's RAM banks; everything pinned by the user (the hypervisor,
 * `phys:` and `phys: identity` regions, channels with `phys:`) is taken out first. Then, in a fixed
 * order so that output is deterministic: the colored pool, VM memory without `phys` (in VM order,
 * then region order), channels without `phys`. Each takes the lowest free range that fits, 2 MiB
 * aligned when it is at least 2 MiB (so stage 2 can use block mappings), 4 KiB aligned otherwise.
 *
 * Colored memory: all VMs with `colors` share one pool. A VM with c of the board's N colors gets c
 * pages of every N-page row of the pool, so the pool must be rows(vm) = pages(vm) / c rows long for
 * the hungriest VM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place.h"

#define SZ_2M (2ull << 20)
#define PAGE 4096ull

struct freelist {
	struct range *r;
	size_t n, cap;
};

static void fl_remove(struct freelist *fl, u64 base, u64 size)
{
	u64 end = base + size;
	for (size_t i = 0; i < fl->n; i++) {
		struct range *r = &fl->r[i];
		u64 rend = r->base + r->size;
		if (end <= r->base || base >= rend)
			continue;
		if (base > r->base && end < rend) {
			/* Split: keep the head here, insert the tail after it. */
			struct range tail = { end, rend - end };
			r->size = base - r->base;
			grow(&fl->r, &fl->cap, fl->n + 1, sizeof *fl->r);
			memmove(&fl->r[i + 2], &fl->r[i + 1], (fl->n - i - 1) * sizeof *fl->r);
			fl->r[i + 1] = tail;
			fl->n++;
			return;
		}
		if (base <= r->base && end >= rend) {
			memmove(&fl->r[i], &fl->r[i + 1], (fl->n - i - 1) * sizeof *fl->r);
			fl->n--;
			i--;
			continue;
		}
		if (base <= r->base) {
			r->size = rend - end;
			r->base = end;
		} else
			r->size = base - r->base;
	}
}

static bool fl_fit(struct freelist *fl, u64 size, u64 align, u64 *out)
{
	for (size_t i = 0; i < fl->n; i++) {
		u64 start = align_up(fl->r[i].base, align);
		u64 end = fl->r[i].base + fl->r[i].size;
		if (start >= fl->r[i].base && start < end && end - start >= size) {
			*out = start;
			return true;
		}
	}
	return false;
}

static bool fl_alloc(struct freelist *fl, u64 size, u64 *out)
{
	if ((size >= SZ_2M && fl_fit(fl, size, SZ_2M, out)) || fl_fit(fl, size, PAGE, out)) {
		fl_remove(fl, *out, size);
		return true;
	}
	return false;
}

static char *fl_describe(const struct freelist *fl)
{
	if (fl->n == 0)
		return xstrdup("none");
	size_t cap = 64 * fl->n + 1, len = 0;
	char *buf = xmalloc(cap);
	buf[0] = 0;
	for (size_t i = 0; i < fl->n && i < 8; i++) {
		char *sz = fmt_size(fl->r[i].size);
		len += (size_t)snprintf(buf + len, cap - len, "%s0x%llx-0x%llx (%s)", i ? ", " : "",
					(unsigned long long)fl->r[i].base,
					(unsigned long long)(fl->r[i].base + fl->r[i].size), sz);
		free(sz);
	}
	if (fl->n > 8)
		snprintf(buf + len, cap - len, ", and %zu more", fl->n - 8);
	return buf;
}

static void no_room(const struct freelist *fl, struct loc at, const char *rule, const char *what, u64 size)
{
	char *sz = fmt_size(size), *free_list = fl_describe(fl);
	struct diag *d = diag_error(at, rule, "no room for %s: %s asked, no free physical range is large enough",
				    what, sz);
	diag_hint(d, "free physical ranges: %s", free_list);
	free(sz);
	free(free_list);
}

static unsigned popcount64(u64 v)
{
	unsigned n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}

/* Lay a VM's colored regions one after another in the pool: fill pa and span. */
static void lay_colored(struct m_system *s, struct m_vm *vm)
{
	unsigned ncolors = s->board->num_colors;
	u64 page = s->pool_pa / PAGE;
#define MINE(p) ((vm->color_mask >> ((p) % ncolors)) & 1)
	for (size_t i = 0; i < vm->nmem; i++) {
		struct m_mem *m = &vm->mem[i];
		u64 need = m->size / PAGE, last = page;
		while (!MINE(page))
			page++;
		m->pa = page * PAGE;
		for (; need; page++)
			if (MINE(page)) {
				need--;
				last = page;
			}
		m->span = (last + 1) * PAGE - m->pa;
		m->placed = true;
		page = last + 1;
	}
#undef MINE
}

void place_all(struct m_system *s)
{
	struct board *b = s->board;
	struct freelist fl = { 0 };
	for (size_t i = 0; i < b->nram; i++) {
		struct range *r = PUSH(fl.r, fl.n, fl.cap);
		*r = b->ram[i];
	}
	/* The board's reserved memory (/memreserve/, /reserved-memory carve-outs) is nobody's. */
	for (size_t i = 0; i < b->nreserved; i++)
		fl_remove(&fl, b->reserved[i].base, b->reserved[i].size);
	fl_remove(&fl, s->hyp_pa, s->hyp_size);
	for (size_t v = 0; v < s->nvms; v++)
		for (size_t i = 0; i < s->vms[v].nmem; i++) {
			struct m_mem *m = &s->vms[v].mem[i];
			if (m->place != PLACE_AUTO) {
				fl_remove(&fl, m->pa, m->size);
				m->placed = true;
			}
		}
	for (size_t c = 0; c < s->nchans; c++)
		if (s->chans[c].has_phys) {
			fl_remove(&fl, s->chans[c].pa, s->chans[c].size);
			s->chans[c].placed = true;
		}

	/* The colored pool. */
	u64 rows = 0;
	size_t widest = 0;   /* the VM whose share sizes the pool */
	for (size_t v = 0; v < s->nvms; v++) {
		struct m_vm *vm = &s->vms[v];
		if (!vm->color_mask)
			continue;
		u64 pages = 0;
		for (size_t i = 0; i < vm->nmem; i++)
			pages += vm->mem[i].size / PAGE;
		unsigned c = popcount64(vm->color_mask);
		u64 r = (pages + c - 1) / c + vm->nmem; /* + one row per region for partial rows */
		if (r > rows) {
			rows = r;
			widest = v;
		}
	}
	if (rows && b->num_colors >= 2) {
		u64 size = rows * b->num_colors * PAGE;
		u64 align = (u64)b->num_colors * PAGE;
		if (fl_fit(&fl, size, align > SZ_2M ? align : SZ_2M, &s->pool_pa) || fl_fit(&fl, size, align, &s->pool_pa)) {
			s->pool_size = size;
			fl_remove(&fl, s->pool_pa, size);
			for (size_t v = 0; v < s->nvms; v++)
				if (s->vms[v].color_mask)
					lay_colored(s, &s->vms[v]);
		} else {
			/* Every colored VM takes its colors of each row: the one needing most rows decides. */
			const struct m_vm *vm = &s->vms[widest];
			unsigned c = popcount64(vm->color_mask);
			char *what = xasprintf("the colored memory of vm '%s' (a pool of %llu rows of %u pages, "
					       "as its %u color%s need%s)", vm->name, (unsigned long long)rows,
					       b->num_colors, c, c == 1 ? "" : "s", c == 1 ? "s" : "");
			no_room(&fl, vm->colors[0].at, "color-capacity", what, size);
			free(what);
		}
	}

	for (size_t v = 0; v < s->nvms; v++) {
		struct m_vm *vm = &s->vms[v];
		if (vm->color_mask)
			continue;
		for (size_t i = 0; i < vm->nmem; i++) {
			struct m_mem *m = &vm->mem[i];
			if (m->place != PLACE_AUTO)
				continue;
			if (fl_alloc(&fl, m->size, &m->pa))
				m->placed = true;
			else {
				char *what = xasprintf("vm '%s' memory at guest 0x%llx", vm->name,
						       (unsigned long long)m->ipa);
				no_room(&fl, m->at_size, "place-no-room", what, m->size);
				free(what);
			}
		}
	}
	for (size_t c = 0; c < s->nchans; c++) {
		struct m_channel *ch = &s->chans[c];
		if (ch->has_phys || !ch->size)
			continue;
		if (fl_alloc(&fl, ch->size, &ch->pa))
			ch->placed = true;
		else {
			char *what = xasprintf("channel '%s'", ch->name);
			no_room(&fl, ch->at_size, "place-no-room", what, ch->size);
			free(what);
		}
	}
	free(fl.r);
}
