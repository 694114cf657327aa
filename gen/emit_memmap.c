/*
 * memmap.txt and memmap.svg: the whole partitioning at a glance.
 *
 * Both are drawn from one list of rows per address space (physical; then each VM's
 * guest-physical space). The SVG gives every row a height that grows with the log of its size,
 * so a 4 KiB device page and 2 GiB of RAM are both visible; colored memory is drawn as the
 * page-by-page stripes it really is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emitters.h"
#include "../hypervisor/include/partita/config.h"

struct row {
	u64 base, size;
	char *what;
	int owner;      /* -1 hypervisor, -2 free, -3 pool, -4 device of nobody, >= 0 vm index */
	u64 colors;     /* stripes (pool rows) */
};

struct rows {
	struct row *v;
	size_t n, cap;
};

static void add(struct rows *r, u64 base, u64 size, int owner, u64 colors, char *what)
{
	struct row *x = PUSH(r->v, r->n, r->cap);
	*x = (struct row){ base, size, what, owner, colors };
}

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->base != y->base)
		return x->base < y->base ? -1 : 1;
	return x->size > y->size ? -1 : x->size < y->size;
}

static void rows_free(struct rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].what);
	free(r->v);
}

/* Physical rows: everything placed, plus the free gaps of each RAM bank. */
static void physical_rows(const struct m_system *s, struct rows *r)
{
	const struct board *b = s->board;
	add(r, s->hyp_pa, s->hyp_size, -1, 0, xasprintf("hypervisor (code, data, embedded images)"));
	if (s->pool_size)
		add(r, s->pool_pa, s->pool_size, -3, 0, xasprintf("colored pool (%u colors of 4K)", b->num_colors));
	for (size_t v = 0; v < s->nvms; v++) {
		const struct m_vm *vm = &s->vms[v];
		if (vm->color_mask)
			continue;
		for (size_t i = 0; i < vm->nmem; i++)
			add(r, vm->mem[i].pa, vm->mem[i].size, (int)v,
			    0, xasprintf("vm '%s' RAM (guest 0x%llx)%s", vm->name, (unsigned long long)vm->mem[i].ipa,
					 vm->mem[i].place == PLACE_IDENTITY ? ", identity" : ""));
	}
	for (size_t c = 0; c < s->nchans; c++)
		add(r, s->chans[c].pa, s->chans[c].size, -5, 0,
		    xasprintf("channel '%s' (%s <-> %s)", s->chans[c].name, s->chans[c].ep[0].vm_name,
			      s->chans[c].ep[1].vm_name));
	for (size_t i = 0; i < b->nreserved; i++)
		add(r, b->reserved[i].base, b->reserved[i].size, -4, 0,
		    xasprintf("reserved by the board (%s)", b->reserved_names[i]));
	qsort(r->v, r->n, sizeof *r->v, row_cmp);
	/* Free gaps inside the RAM banks. */
	size_t n = r->n;
	for (size_t k = 0; k < b->nram; k++) {
		u64 at = b->ram[k].base, end = b->ram[k].base + b->ram[k].size;
		for (size_t i = 0; i < n; i++) {
			if (r->v[i].base >= end || r->v[i].base + r->v[i].size <= at)
				continue;
			if (r->v[i].base > at)
				add(r, at, r->v[i].base - at, -2, 0, xstrdup("free"));
			if (r->v[i].base + r->v[i].size > at)
				at = r->v[i].base + r->v[i].size;
		}
		if (at < end)
			add(r, at, end - at, -2, 0, xstrdup("free"));
	}
	/* Devices, owned or not (the ones a VM owns are named with it). */
	for (size_t d = 0; d < b->ndevs; d++) {
		const struct board_device *bd = &b->devs[d];
		int owner = -4;
		for (size_t v = 0; v < s->nvms; v++)
			for (size_t i = 0; i < s->vms[v].ndevs; i++)
				if (s->vms[v].devs[i].dev == (int)d)
					owner = (int)v;
		if (owner == -4 && (int)d != s->hyp_console_dev && !bd->reserved)
			continue; /* unused devices would drown the map */
		static const char *const v2_frames[] = { " (hypervisor: GICD)", " (hypervisor: GICC)",
							 " (hypervisor: GICH)", " (hypervisor: GICV)" };
		bool v2 = b->gic_version == PT_GIC_V2 && bd->offset == b->gic_offset;
		for (size_t k = 0; k < bd->nregs; k++)
			add(r, bd->regs[k].base, bd->regs[k].size, owner >= 0 ? owner : -1, 0,
			    xasprintf("%s%s%s%s", bd->path,
				      owner >= 0 ? " -> vm '" : v2 && k < 4 ? v2_frames[k] :
				      bd->firmware ? " (firmware)" : " (hypervisor)",
				      owner >= 0 ? s->vms[owner].name : "", owner >= 0 ? "'" : ""));
	}
	qsort(r->v, r->n, sizeof *r->v, row_cmp);
}

static void guest_rows(const struct m_system *s, const struct m_vm *vm, struct rows *r)
{
	for (size_t i = 0; i < vm->nmem; i++) {
		const struct m_mem *m = &vm->mem[i];
		if (vm->color_mask)
			add(r, m->ipa, m->size, (int)vm->index, vm->color_mask,
			    xasprintf("RAM -> colored pages in phys 0x%llx-0x%llx", (unsigned long long)m->pa,
				      (unsigned long long)(m->pa + m->span)));
		else
			add(r, m->ipa, m->size, (int)vm->index, 0,
			    xasprintf("RAM -> phys 0x%llx", (unsigned long long)m->pa));
	}
	for (size_t i = 0; i < vm->ndevs; i++) {
		const struct board_device *bd = &s->board->devs[vm->devs[i].dev];
		for (size_t k = 0; k < bd->nregs; k++)
			add(r, bd->regs[k].base, bd->regs[k].size, -4, 0, xasprintf("device %s (passthrough)", bd->path));
	}
	for (size_t c = 0; c < s->nchans; c++)
		for (size_t e = 0; e < s->chans[c].nep; e++)
			if (s->chans[c].ep[e].vm == (int)vm->index)
				add(r, s->chans[c].ep[e].ipa, s->chans[c].size, -5, 0,
				    xasprintf("channel '%s' -> phys 0x%llx, doorbell irq %u", s->chans[c].name,
					      (unsigned long long)s->chans[c].pa, s->chans[c].ep[e].doorbell_intid));
	if (vm->gicd_size)
		add(r, vm->gicd_ipa, vm->gicd_size, -1, 0, xstrdup("GIC distributor (emulated)"));
	if (vm->plic_size)
		add(r, vm->plic_ipa, vm->plic_size, -1, 0,
		    vm->ncpus > 1 ? xasprintf("PLIC (emulated: %u sources; context k: vCPU k's S-mode, 0 to %zu)",
					      s->board->plic_ndev, vm->ncpus - 1)
				  : xasprintf("PLIC (emulated: %u sources; context 0: the vCPU's S-mode)",
					      s->board->plic_ndev));
	if (vm->gicr_size)
		add(r, vm->gicr_ipa, vm->gicr_size, -1, 0, xasprintf("GIC redistributors x%zu (emulated)", vm->ncpus));
	if (vm->gicv_size)
		add(r, vm->gicv_ipa, vm->gicv_size, -1, 0,
		    xasprintf("GIC CPU interface (hardware virtual CPU interface, phys 0x%llx)",
			      (unsigned long long)s->board->gicv_base));
	if (vm->vuart_ipa)
		add(r, vm->vuart_ipa, PT_PAGE_SIZE, -1, 0,
		    xstrdup(s->board->arch == PT_ARCH_RISCV64 ? "UART (emulated ns16550a, multiplexed console)"
							      : "UART (emulated, multiplexed console)"));
	qsort(r->v, r->n, sizeof *r->v, row_cmp);
}

static void text_rows(struct strbuf *t, const struct rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		char *sz = fmt_size(r->v[i].size);
		sb_printf(t, "  0x%010llx-0x%010llx %7s  %s\n", (unsigned long long)r->v[i].base,
		    (unsigned long long)(r->v[i].base + r->v[i].size), sz, r->v[i].what);
		free(sz);
	}
}

static const char *const palette[] = { "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
				       "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac" };

static const char *fill_of(int owner)
{
	switch (owner) {
	case -1: return "#555555";
	case -2: return "#ffffff";
	case -3: return "#dddddd";
	case -4: return "#cccccc";
	case -5: return "#f6d55c";
	default: return palette[owner % 10];
	}
}

static int row_height(u64 size)
{
	int lg = 0;
	while (size > 1 && lg < 63) {
		size >>= 1;
		lg++;
	}
	return lg > 12 ? 18 + (lg - 12) * 4 : 18;
}

static void xml_text(struct strbuf *t, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			sb_printf(t, "&lt;");
		else if (*s == '>')
			sb_printf(t, "&gt;");
		else if (*s == '&')
			sb_printf(t, "&amp;");
		else
			sb_printf(t, "%c", *s);
	}
}

/* One column of the SVG; returns its height. */
static int svg_column(struct strbuf *t, const struct m_system *s, const struct rows *r, int x, int y,
		      const char *title)
{
	sb_printf(t, "<text x='%d' y='%d' font-weight='bold'>", x, y - 8);
	xml_text(t, title);
	sb_printf(t, "</text>\n");
	int y0 = y;
	for (size_t i = 0; i < r->n; i++) {
		const struct row *w = &r->v[i];
		int h = row_height(w->size);
		sb_printf(t, "<rect x='%d' y='%d' width='140' height='%d' fill='%s' stroke='#333'/>\n", x + 90, y, h,
		    fill_of(w->owner));
		if (w->owner == -3 || w->colors) {
			/* Stripes: one row of the pool, each page colored by the VM owning that color. */
			unsigned n = s->board->num_colors;
			for (unsigned c = 0; c < n; c++) {
				int owner = (s->hyp_color_mask >> c) & 1 ? -1 : -2;
				for (size_t v = 0; v < s->nvms; v++)
					if ((s->vms[v].color_mask >> c) & 1)
						owner = (int)v;
				if (w->colors && !((w->colors >> c) & 1))
					owner = -2;
				sb_printf(t, "<rect x='%d' y='%d' width='%d' height='%d' fill='%s'/>\n",
				    x + 90 + (int)(140 * c / n), y + 1, (int)(140 / n), h - 2, fill_of(owner));
			}
		}
		sb_printf(t, "<text x='%d' y='%d' font-size='9'>0x%llx</text>\n", x, y + 11, (unsigned long long)w->base);
		char *sz = fmt_size(w->size);
		sb_printf(t, "<text x='%d' y='%d' font-size='10'>%s  ", x + 236, y + 12, sz);
		xml_text(t, w->what);
		sb_printf(t, "</text>\n");
		free(sz);
		y += h;
	}
	return y - y0;
}

/* ---- time partitioning ---------------------------------------------------------------------- */

/* The largest of s, ms, us, ns that states every boundary of a frame exactly. */
static u64 frame_unit(const struct m_schedule *sc, const char **name)
{
	static const struct { u64 ns; const char *name; } units[] = {
		{ 1000000000, "s" }, { 1000000, "ms" }, { 1000, "us" }, { 1, "ns" },
	};
	for (size_t u = 0; u < 3; u++) {
		bool exact = sc->period % units[u].ns == 0;
		for (size_t k = 0; exact && k < sc->nwin; k++)
			exact = sc->win[k].length % units[u].ns == 0;
		if (exact) {
			*name = units[u].name;
			return units[u].ns;
		}
	}
	*name = "ns";
	return 1;
}

static double percent(u64 part, u64 whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* One window of a frame as the text and the drawing show it; vm -1: idle. */
struct slot {
	u64 start, length;
	int vm;
	unsigned vcpu;
};

/* The windows of a frame in order, then the idle time after them (if any). The checks saw to it
 * that the windows fit the period. */
static size_t frame_slots(const struct m_schedule *sc, struct slot **out)
{
	struct slot *sl = xcalloc(sc->nwin + 1, sizeof *sl);
	size_t n = 0;
	u64 at = 0;
	for (size_t k = 0; k < sc->nwin; k++) {
		sl[n++] = (struct slot){ at, sc->win[k].length, sc->win[k].vm, sc->win[k].vcpu };
		at += sc->win[k].length;
	}
	if (at < sc->period)
		sl[n++] = (struct slot){ at, sc->period - at, -1, 0 };
	*out = sl;
	return n;
}

/* A duration in counter ticks: exact, as the checks saw to it that it is a whole number of them. */
static u64 frame_ticks(u64 ns, u64 hz)
{
	u64 a = hz, b = 1000000000ull;
	while (b) {
		u64 t = a % b;
		a = b;
		b = t;
	}
	/* ns * hz / 10^9 = (ns / (10^9 / g)) * (hz / g), g = gcd(hz, 10^9): no overflow. */
	return ns / (1000000000ull / a) * (hz / a);
}

static void schedule_text(struct strbuf *t, const struct m_system *s, const struct m_schedule *sc)
{
	const char *un;
	u64 unit = frame_unit(sc, &un);
	char *period = fmt_duration(sc->period);
	sb_printf(t, "\nSchedule of cpu %u: a major frame of %s, repeated (%llu ticks of the %llu Hz counter)\n",
		  sc->cpu, period, (unsigned long long)frame_ticks(sc->period, s->board->counter_hz),
		  (unsigned long long)s->board->counter_hz);
	free(period);
	struct slot *sl;
	size_t n = frame_slots(sc, &sl);
	for (size_t i = 0; i < n; i++) {
		char *range = xasprintf("%llu%s-%llu%s", (unsigned long long)(sl[i].start / unit), un,
					(unsigned long long)((sl[i].start + sl[i].length) / unit), un);
		char *len = fmt_duration(sl[i].length);
		if (sl[i].vm >= 0)
			sb_printf(t, "  %-24s %10s  vm '%s' (vcpu %u)\n", range, len, s->vms[sl[i].vm].name,
				  sl[i].vcpu);
		else
			sb_printf(t, "  %-24s %10s  idle\n", range, len);
		free(range);
		free(len);
	}
	/* What each VM gets of the CPU, in the order they first appear. */
	u64 *total = xcalloc(s->nvms + 1, sizeof *total);
	for (size_t k = 0; k < sc->nwin; k++)
		total[sc->win[k].vm] += sc->win[k].length;
	sb_printf(t, "  per frame:");
	for (size_t k = 0; k < sc->nwin; k++) {
		size_t v = (size_t)sc->win[k].vm;
		if (!total[v])
			continue; /* shown at its first window */
		char *tt = fmt_duration(total[v]);
		sb_printf(t, " vm '%s' %s (%.1f%%),", s->vms[v].name, tt, percent(total[v], sc->period));
		free(tt);
		total[v] = 0;
	}
	free(total);
	u64 idle = n > sc->nwin ? sl[n - 1].length : 0;
	char *it = fmt_duration(idle);
	if (idle)
		sb_printf(t, " idle %s (%.1f%%)\n", it, percent(idle, sc->period));
	else
		sb_printf(t, " no idle time\n");
	free(it);
	free(sl);
}

/* schedule.svg: each shared CPU's major frame as a bar of windows, coloured per VM as in
 * memmap.svg, with the boundaries' offsets and a legend of the windows. Returns its height. */
static int schedule_svg(struct strbuf *g, const struct m_system *s, const struct m_schedule *sc, int y)
{
	enum { X0 = 20, W = 840, BAR = 44 };
	const char *un;
	u64 unit = frame_unit(sc, &un);
	char *period = fmt_duration(sc->period);
	sb_printf(g, "<text x='%d' y='%d' font-weight='bold'>cpu %u: major frame %s, repeated</text>\n",
		  X0, y, sc->cpu, period);
	free(period);
	y += 12;
	struct slot *sl;
	size_t n = frame_slots(sc, &sl);
	int last_label = -1000;
	for (size_t i = 0; i < n; i++) {
		int x = X0 + (int)((double)W * (double)sl[i].start / (double)sc->period);
		int x1 = X0 + (int)((double)W * (double)(sl[i].start + sl[i].length) / (double)sc->period);
		int w = x1 - x < 1 ? 1 : x1 - x;
		if (sl[i].vm >= 0)
			sb_printf(g, "<rect x='%d' y='%d' width='%d' height='%d' fill='%s' stroke='#333'/>\n",
				  x, y, w, BAR, fill_of(sl[i].vm));
		else
			sb_printf(g, "<rect x='%d' y='%d' width='%d' height='%d' fill='#ffffff' stroke='#999' "
				  "stroke-dasharray='4 3'/>\n", x, y, w, BAR);
		const char *label = sl[i].vm >= 0 ? s->vms[sl[i].vm].name : "idle";
		char *len = fmt_duration(sl[i].length);
		/* Inside the window when it is wide enough (7 pixels a character at 11 points). */
		if ((size_t)w >= 7 * (strlen(label) > strlen(len) ? strlen(label) : strlen(len)) + 8) {
			sb_printf(g, "<text x='%d' y='%d' font-size='11'%s>", x + 4, y + 18,
				  sl[i].vm >= 0 && sl[i].vm % 10 != 6 && sl[i].vm % 10 != 9 ? " fill='#fff'" : "");
			xml_text(g, label);
			sb_printf(g, "</text>\n<text x='%d' y='%d' font-size='10'%s>%s</text>\n", x + 4, y + 34,
				  sl[i].vm >= 0 && sl[i].vm % 10 != 6 && sl[i].vm % 10 != 9 ? " fill='#fff'" : "", len);
		}
		free(len);
		/* The offset of each boundary under the bar, unless it would overprint the previous. */
		if (x - last_label >= 48 || i == 0) {
			sb_printf(g, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#333'/>\n", x, y + BAR, x,
				  y + BAR + 5);
			sb_printf(g, "<text x='%d' y='%d' font-size='9'>%llu%s</text>\n", x, y + BAR + 15,
				  (unsigned long long)(sl[i].start / unit), un);
			last_label = x;
		}
	}
	if (X0 + W - last_label >= 48) {
		sb_printf(g, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#333'/>\n", X0 + W, y + BAR,
			  X0 + W, y + BAR + 5);
		sb_printf(g, "<text x='%d' y='%d' font-size='9'>%llu%s</text>\n", X0 + W - 8, y + BAR + 15,
			  (unsigned long long)(sc->period / unit), un);
	}
	y += BAR + 34;
	/* The legend: every window (and the idle time) with its place in the frame. */
	for (size_t i = 0; i < n; i++) {
		sb_printf(g, "<rect x='%d' y='%d' width='12' height='12' fill='%s' stroke='#333'/>\n", X0, y - 10,
			  sl[i].vm >= 0 ? fill_of(sl[i].vm) : "#ffffff");
		char *len = fmt_duration(sl[i].length);
		sb_printf(g, "<text x='%d' y='%d' font-size='11'>%llu%s-%llu%s</text>\n", X0 + 18, y,
			  (unsigned long long)(sl[i].start / unit), un,
			  (unsigned long long)((sl[i].start + sl[i].length) / unit), un);
		sb_printf(g, "<text x='%d' y='%d' font-size='11'>%s</text>\n", X0 + 200, y, len);
		free(len);
		sb_printf(g, "<text x='%d' y='%d' font-size='11'>", X0 + 280, y);
		if (sl[i].vm >= 0) {
			sb_printf(g, "vm ");
			xml_text(g, s->vms[sl[i].vm].name);
			sb_printf(g, " (vcpu %u)</text>\n", sl[i].vcpu);
		} else
			sb_printf(g, "idle</text>\n");
		y += 16;
	}
	free(sl);
	return y + 30;
}

static bool emit_schedules(struct emit_ctx *ctx, struct strbuf *t, char **err)
{
	const struct m_system *s = ctx->s;
	if (!s->nscheds)
		return true;
	struct strbuf g = { 0 };
	int y = 70;
	for (size_t i = 0; i < s->nscheds; i++) {
		schedule_text(t, s, &s->scheds[i]);
		y = schedule_svg(&g, s, &s->scheds[i], y);
	}
	struct strbuf svg = { 0 };
	sb_printf(&svg, "<?xml version='1.0' encoding='UTF-8'?>\n"
		  "<svg xmlns='http://www.w3.org/2000/svg' width='900' height='%d' font-family='monospace' font-size='12'>\n"
		  "<rect width='100%%' height='100%%' fill='white'/>\n"
		  "<text x='20' y='28' font-size='16' font-weight='bold'>Partita system ", y);
	xml_text(&svg, s->name);
	sb_printf(&svg, ": time partitioning of the shared CPUs</text>\n%s</svg>\n", g.p ? g.p : "");
	bool ok = stage_write(ctx, "schedule.svg", svg.p, svg.len, err);
	free(g.p);
	free(svg.p);
	return ok;
}

bool emit_memmap(struct emit_ctx *ctx, char **err)
{
	const struct m_system *s = ctx->s;
	struct strbuf t = { 0 }, g = { 0 };
	struct rows phys = { 0 };
	physical_rows(s, &phys);

	sb_printf(&t, "Partita system '%s' on board %s\n", s->name, s->board->name);
	sb_printf(&t, "(generated by partita gen from %s)\n\nPhysical address space\n", s->src->path);
	text_rows(&t, &phys);
	if (s->pool_size) {
		sb_printf(&t, "\nColored pool: %u colors, page p has color (p / 4K) %% %u; each VM takes the pages of its colors\n",
		    s->board->num_colors, s->board->num_colors);
		for (size_t v = 0; v < s->nvms; v++) {
			if (!s->vms[v].color_mask)
				continue;
			sb_printf(&t, "  vm '%s': colors", s->vms[v].name);
			for (unsigned c = 0; c < 64; c++)
				if ((s->vms[v].color_mask >> c) & 1)
					sb_printf(&t, " %u", c);
			sb_printf(&t, "\n");
		}
	}

	int width = 560 * (int)(1 + (s->nvms > 3 ? 3 : s->nvms)), height = 0;
	int h = svg_column(&g, s, &phys, 10, 60, "Physical");
	height = h;
	int col = 1, yoff = 60;
	for (size_t v = 0; v < s->nvms; v++) {
		const struct m_vm *vm = &s->vms[v];
		struct rows gr = { 0 };
		guest_rows(s, vm, &gr);
		sb_printf(&t, "\nvm '%s' guest-physical (cpus", vm->name);
		for (size_t c = 0; c < vm->ncpus; c++)
			sb_printf(&t, "%s%u", c ? "," : " ", vm->cpus[c].index);
		if (vm->on_fault == FAULT_RESTART) {
			char *within = fmt_duration(vm->restart_within);
			char *times = vm->restart_max == 1 ? xstrdup("once")
							    : xasprintf("%u times", vm->restart_max);
			sb_printf(&t, "; on fault: restart at most %s in %s, then halt)\n", times, within);
			free(times);
			free(within);
		} else
			sb_printf(&t, "; on fault: halt)\n");
		text_rows(&t, &gr);
		sb_printf(&t, "  entry 0x%llx", (unsigned long long)vm->image.entry);
		if (vm->dtb != DTB_NONE)
			sb_printf(&t, ", device tree at 0x%llx", (unsigned long long)vm->image.dtb_ipa);
		if (vm->image.initrd_size)
			sb_printf(&t, ", initrd at 0x%llx", (unsigned long long)vm->image.initrd_ipa);
		sb_printf(&t, "\n");
		char *title = xasprintf("vm '%s' (guest-physical)", vm->name);
		int hh = svg_column(&g, s, &gr, 10 + 560 * col, yoff, title);
		free(title);
		if (yoff + hh - 60 > height)
			height = yoff + hh - 60;
		if (++col > 3) {
			col = 1;
			yoff = height + 100;
		}
		rows_free(&gr);
	}
	rows_free(&phys);
	if (!emit_schedules(ctx, &t, err)) {
		free(t.p);
		free(g.p);
		return false;
	}

	struct strbuf svg = { 0 };
	sb_printf(&svg, "<?xml version='1.0' encoding='UTF-8'?>\n"
		  "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='monospace' font-size='12'>\n"
		  "<rect width='100%%' height='100%%' fill='white'/>\n"
		  "<text x='10' y='24' font-size='16' font-weight='bold'>Partita system ",
	    width, height + 100);
	xml_text(&svg, s->name);
	sb_printf(&svg, " on ");
	xml_text(&svg, s->board->name);
	sb_printf(&svg, "</text>\n%s</svg>\n", g.p ? g.p : "");
	bool ok = stage_write(ctx, "memmap.txt", t.p, t.len, err) && stage_write(ctx, "memmap.svg", svg.p, svg.len, err);
	free(t.p);
	free(g.p);
	free(svg.p);
	return ok;
}
