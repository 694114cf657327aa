/*
 * Reading the board model: boards/NAME/board.yaml (facts) and the device tree it names, which is
 * compiled with dtc (-@, so labels survive as __symbols__) and walked with libfdt.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "board.h"
#include "yaml.h"
#include "../hypervisor/include/partita/config.h"

static const char *const facts_keys[] = { "dts", "cache", "page_size", "hypervisor", "iommu", "dma", "qemu", NULL };
static const char *const facts_required[] = { "dts", "cache", "hypervisor", "qemu", NULL };
static const char *const cache_keys[] = { "size", "ways", "line", NULL };
static const char *const hyp_keys[] = { "load", "memory", "console", NULL };
static const char *const qemu_keys[] = { "binary", "machine", "cpu", "smp", "memory", "extra", NULL };
static const struct ykeys K_FACTS = { "board facts", facts_keys, facts_required };
static const struct ykeys K_CACHE = { "board cache", cache_keys, cache_keys };
static const struct ykeys K_HYP = { "board hypervisor", hyp_keys, hyp_keys };
static const struct ykeys K_QEMU = { "board qemu", qemu_keys, qemu_keys };

/* Run dtc on a DTS and return the blob. */
static void *compile_dts(const char *dts, size_t *size, char **err)
{
	char *cmd = xasprintf("dtc -q -@ -I dts -O dtb -o - '%s' 2>&1", dts);
	FILE *p = popen(cmd, "r");
	free(cmd);
	if (!p) {
		*err = xasprintf("cannot run dtc");
		return NULL;
	}
	size_t cap = 65536, n = 0;
	char *buf = xmalloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, p)) > 0) {
		n += got;
		if (n == cap)
			buf = xrealloc(buf, cap *= 2);
	}
	int status = pclose(p);
	if (status != 0 || n < sizeof(struct fdt_header) || fdt_check_header(buf) != 0) {
		size_t len = n > 400 ? 400 : n;
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
			len--; /* the diagnostic ends the line itself */
		for (size_t i = 0; i < len; i++)
			if (buf[i] == '\n' || buf[i] == '\r')
				buf[i] = ' '; /* and is one line: dtc's lines become one */
		*err = xasprintf("dtc failed on '%s': %.*s", dts, (int)len, buf);
		free(buf);
		return NULL;
	}
	*size = n;
	return buf;
}

static u64 read_cells(const fdt32_t *p, int cells)
{
	u64 v = 0;
	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

static int cells_of(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
	return p && len == 4 ? (int)fdt32_to_cpu(*p) : dflt;
}

/* Translate a bus address of a child of `bus` to a CPU physical address through the `ranges`
 * of every ancestor. Returns false when a bus does not map the address. */
static bool translate(const void *fdt, int bus, u64 *addr)
{
	while (bus > 0) {
		int parent = fdt_parent_offset(fdt, bus);
		if (parent < 0)
			break;
		int len;
		const fdt32_t *r = fdt_getprop(fdt, bus, "ranges", &len);
		if (!r)
			return false; /* no ranges: not memory-mapped from the CPU's view */
		int ca = cells_of(fdt, bus, "#address-cells", 2);
		int pa = cells_of(fdt, parent, "#address-cells", 2);
		int cs = cells_of(fdt, bus, "#size-cells", 1);
		int entry = ca + pa + cs;
		if (len > 0) {
			bool hit = false;
			for (int i = 0; i + entry <= len / 4; i += entry) {
				u64 child = read_cells(r + i, ca), par = read_cells(r + i + ca, pa);
				u64 size = read_cells(r + i + ca + pa, cs);
				if (*addr >= child && *addr - child < size) {
					*addr = *addr - child + par;
					hit = true;
					break;
				}
			}
			if (!hit)
				return false;
		}
		bus = parent;
	}
	return true;
}

static bool is_compatible(const void *fdt, int node, const char *compat)
{
	return fdt_node_check_compatible(fdt, node, compat) == 0;
}

/* GIC specifier <type number flags> → INTID and trigger. */
static bool gic_spec(const fdt32_t *p, struct board_irq *irq)
{
	unsigned type = fdt32_to_cpu(p[0]), num = fdt32_to_cpu(p[1]), flags = fdt32_to_cpu(p[2]);
	if (type == 0)
		irq->intid = 32 + num;
	else if (type == 1)
		irq->intid = 16 + num;
	else
		return false;
	irq->trigger = (flags & 0x3) ? PT_IRQ_EDGE : PT_IRQ_LEVEL;
	irq->cells[0] = type;
	irq->cells[1] = num;
	irq->cells[2] = flags;
	return true;
}

struct symbol {
	const char *label, *path;
};

static int symbol_cmp(const void *a, const void *b)
{
	const struct symbol *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	return c ? c : strcmp(x->label, y->label);
}

/* Labels by path, from /__symbols__, sorted so each device's lookup is a binary search
 * (boards can have thousands of nodes). */
static struct symbol *read_symbols(const void *fdt, size_t *n)
{
	struct symbol *v = NULL;
	size_t cap = 0;
	*n = 0;
	int sym = fdt_path_offset(fdt, "/__symbols__"), prop;
	if (sym < 0)
		return NULL;
	fdt_for_each_property_offset(prop, fdt, sym) {
		const char *name;
		int len;
		const char *val = fdt_getprop_by_offset(fdt, prop, &name, &len);
		if (val && len > 0 && val[len - 1] == 0)
			*PUSH(v, *n, cap) = (struct symbol){ name, val };
	}
	if (*n)
		qsort(v, *n, sizeof *v, symbol_cmp);
	return v;
}

static char *label_of(const struct symbol *syms, size_t n, const char *path)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(syms[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(syms[lo].path, path) ? xstrdup(syms[lo].label) : NULL;
}

/* `parent` and `path` come from the caller's walk: libfdt finds parents and paths by scanning
 * from the start of the blob, which is quadratic over a whole tree. */
static void read_device(struct board *b, int node, int parent, const char *path, bool in_gic,
			uint32_t irq_parent, const struct symbol *syms, size_t nsyms)
{
	const void *fdt = b->fdt;
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	int ac = cells_of(fdt, parent, "#address-cells", 2), sc = cells_of(fdt, parent, "#size-cells", 1);
	if (!reg || sc == 0 || ac == 0)
		return;
	struct board_device d = { 0 };
	size_t capregs = 0, capirqs = 0;
	d.offset = node;
	d.path = xstrdup(path);
	d.label = label_of(syms, nsyms, path);
	d.compatible = fdt_getprop(fdt, node, "compatible", NULL)
			       ? xstrdup(fdt_getprop(fdt, node, "compatible", NULL)) : NULL;
	for (int i = 0; i + ac + sc <= len / 4; i += ac + sc) {
		u64 base = read_cells(reg + i, ac), size = read_cells(reg + i + ac, sc);
		if (!translate(fdt, parent, &base))
			continue;
		struct range *r = PUSH(d.regs, d.nregs, capregs);
		r->base = base;
		r->size = size;
	}
	const fdt32_t *irqs = fdt_getprop(fdt, node, "interrupts", &len);
	if (irqs && irq_parent && irq_parent == fdt_get_phandle(fdt, b->gic_offset)) {
		for (int i = 0; i + 3 <= len / 4; i += 3) {
			struct board_irq irq;
			if (gic_spec(irqs + i, &irq))
				*PUSH(d.irqs, d.nirqs, capirqs) = irq;
		}
	}
	/* The GIC and its children belong to the hypervisor. */
	d.reserved = in_gic;
	if (d.nregs == 0) {
		free(d.path);
		free(d.label);
		free(d.compatible);
		free(d.irqs);
		return;
	}
	size_t cap = b->ndevs;
	grow(&b->devs, &cap, b->ndevs + 1, sizeof *b->devs);
	b->devs[b->ndevs++] = d;
}

static void read_dt(struct board *b)
{
	const void *fdt = b->fdt;
	size_t capcpus = 0, capram = 0;
	int cpus = fdt_path_offset(fdt, "/cpus");
	int node;
	if (cpus >= 0) {
		fdt_for_each_subnode(node, fdt, cpus) {
			const char *type = fdt_getprop(fdt, node, "device_type", NULL);
			int len;
			const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
			if (!type || strcmp(type, "cpu") || !reg)
				continue;
			struct board_cpu *c = PUSH(b->cpus, b->ncpus, capcpus);
			c->path = xasprintf("/cpus/%s", fdt_get_name(fdt, node, NULL));
			c->mpidr = read_cells(reg, len / 4 > 2 ? 2 : len / 4);
		}
	}
	b->gic_offset = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	if (b->gic_offset >= 0) {
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, b->gic_offset, "reg", &len);
		int parent = fdt_parent_offset(fdt, b->gic_offset);
		int ac = cells_of(fdt, parent, "#address-cells", 2), sc = cells_of(fdt, parent, "#size-cells", 1);
		if (reg && len / 4 >= 2 * (ac + sc)) {
			b->gicd_base = read_cells(reg, ac);
			b->gicd_size = read_cells(reg + ac, sc);
			b->gicr_base = read_cells(reg + ac + sc, ac);
			b->gicr_size = read_cells(reg + 2 * ac + sc, sc);
		}
		const fdt32_t *irq = fdt_getprop(fdt, b->gic_offset, "interrupts", &len);
		struct board_irq mi;
		if (irq && len >= 12 && gic_spec(irq, &mi))
			b->maint_intid = mi.intid;
	}
	int timer = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
	if (timer >= 0) {
		int len;
		const fdt32_t *irq = fdt_getprop(fdt, timer, "interrupts", &len);
		struct board_irq t[4];
		if (irq && len >= 48 && gic_spec(irq, &t[0]) && gic_spec(irq + 3, &t[1]) &&
		    gic_spec(irq + 6, &t[2]) && gic_spec(irq + 9, &t[3])) {
			b->ptimer_intid = t[1].intid;
			b->vtimer_intid = t[2].intid;
			b->htimer_intid = t[3].intid;
		}
	}
	/* One walk over the tree, keeping the chain of ancestors (offset and path) by depth. */
	enum { MAX_DEPTH = 32 };
	int parents[MAX_DEPTH];
	char *paths[MAX_DEPTH] = { 0 };
	bool gic_below[MAX_DEPTH] = { false };
	uint32_t irq_parent[MAX_DEPTH] = { 0 }; /* inherited interrupt-parent phandle */
	size_t nsyms;
	struct symbol *syms = read_symbols(fdt, &nsyms);
	int depth = 0;
	paths[0] = xstrdup("");
	parents[0] = 0;
	const fdt32_t *rip = fdt_getprop(fdt, 0, "interrupt-parent", NULL);
	irq_parent[0] = rip ? fdt32_to_cpu(*rip) : 0;
	for (node = fdt_next_node(fdt, 0, &depth); node >= 0 && depth > 0; node = fdt_next_node(fdt, node, &depth)) {
		if (depth >= MAX_DEPTH)
			continue;
		const char *name = fdt_get_name(fdt, node, NULL);
		free(paths[depth]);
		paths[depth] = xasprintf("%s/%s", paths[depth - 1], name ? name : "?");
		parents[depth] = node;
		gic_below[depth] = gic_below[depth - 1] || node == b->gic_offset;
		const fdt32_t *ip = fdt_getprop(fdt, node, "interrupt-parent", NULL);
		irq_parent[depth] = ip ? fdt32_to_cpu(*ip) : irq_parent[depth - 1];
		int parent = parents[depth - 1];
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		if (parent == cpus || node == cpus || (name && name[0] == '_') || (depth > 1 && paths[1][1] == '_'))
			continue;
		if (type && !strcmp(type, "memory")) {
			int len;
			const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
			int ac = cells_of(fdt, 0, "#address-cells", 2), sc = cells_of(fdt, 0, "#size-cells", 1);
			for (int i = 0; reg && i + ac + sc <= len / 4; i += ac + sc) {
				struct range *r = PUSH(b->ram, b->nram, capram);
				r->base = read_cells(reg + i, ac);
				r->size = read_cells(reg + i + ac, sc);
			}
			continue;
		}
		read_device(b, node, parent, paths[depth], gic_below[depth], irq_parent[depth], syms, nsyms);
	}
	for (int i = 0; i < MAX_DEPTH; i++)
		free(paths[i]);
	free(syms);
}

static bool read_facts(struct board *b, struct ydoc *y, char **dts)
{
	yaml_node_t *root = ydoc_root(y), *v, *w;
	if (!root || !ymap_check(y, root, &K_FACTS))
		return false;
	const char *str = NULL;
	if ((v = ymap_get(y, root, "dts")) && yread_str(y, v, "dts", &str))
		*dts = path_join(b->dir, str);
	if ((v = ymap_get(y, root, "cache")) && ymap_check(y, v, &K_CACHE)) {
		b->llc_at = yloc(y, v);
		if ((w = ymap_get(y, v, "size")))
			yread_size(y, w, "cache size", &b->llc_size);
		if ((w = ymap_get(y, v, "ways")))
			yread_u64(y, w, "cache ways", &b->llc_ways);
		if ((w = ymap_get(y, v, "line")))
			yread_size(y, w, "cache line", &b->llc_line);
	}
	b->page_size = 4096;
	if ((v = ymap_get(y, root, "page_size")))
		yread_size(y, v, "page size", &b->page_size);
	if ((v = ymap_get(y, root, "hypervisor")) && ymap_check(y, v, &K_HYP)) {
		if ((w = ymap_get(y, v, "load")))
			yread_u64(y, w, "hypervisor load", &b->hyp_load);
		if ((w = ymap_get(y, v, "memory")))
			yread_size(y, w, "hypervisor memory", &b->hyp_default_size);
		if ((w = ymap_get(y, v, "console")) && yread_str(y, w, "hypervisor console", &str))
			b->console = xstrdup(str);
	}
	if ((v = ymap_get(y, root, "iommu")) && yread_str(y, v, "iommu", &str)) {
		static const char *const bools[] = { "false", "true", NULL };
		int i = yread_enum(y, v, "iommu", bools);
		b->iommu = i == 1;
	}
	if ((v = ymap_get(y, root, "dma")) && yexpect_seq(y, v, "dma")) {
		for (size_t i = 0; i < yseq_len(v); i++) {
			if (!yread_str(y, yseq_at(y, v, i), "a dma-capable compatible", &str))
				continue;
			for (size_t d = 0; d < b->ndevs; d++)
				if (is_compatible(b->fdt, b->devs[d].offset, str))
					b->devs[d].dma = true;
		}
	}
	if ((v = ymap_get(y, root, "qemu")) && ymap_check(y, v, &K_QEMU)) {
		u64 smp = 0;
		if ((w = ymap_get(y, v, "binary")) && yread_str(y, w, "qemu binary", &str))
			b->qemu_binary = xstrdup(str);
		if ((w = ymap_get(y, v, "machine")) && yread_str(y, w, "qemu machine", &str))
			b->qemu_machine = xstrdup(str);
		if ((w = ymap_get(y, v, "cpu")) && yread_str(y, w, "qemu cpu", &str))
			b->qemu_cpu = xstrdup(str);
		if ((w = ymap_get(y, v, "extra")) && yread_str(y, w, "qemu extra", &str))
			b->qemu_extra = xstrdup(str);
		if ((w = ymap_get(y, v, "smp")))
			yread_u64(y, w, "qemu smp", &smp);
		b->qemu_smp = (unsigned)smp;
		if ((w = ymap_get(y, v, "memory")))
			yread_size(y, w, "qemu memory", &b->qemu_memory);
	}
	return true;
}

static void board_invalid(struct board *b, struct loc at, const char *what)
{
	struct diag *d = diag_error(at, "board-invalid", "board '%s': %s", b->name, what);
	diag_hint(d, "see docs/boards.md for what a board folder holds");
}

struct board *board_load(const char *boards_dir, const char *name, struct loc at)
{
	int errors = diag_count();
	struct board *b = xcalloc(1, sizeof *b);
	b->name = xstrdup(name);
	b->dir = xasprintf("%s/%s", boards_dir, name);
	char *facts = xasprintf("%s/board.yaml", b->dir);
	struct stat st;
	if (strchr(name, '/') || stat(b->dir, &st) != 0 || !S_ISDIR(st.st_mode) || !file_exists(facts)) {
		struct diag *d = diag_error(at, "board-unknown", "unknown board '%s'", name);
		diag_hint(d, "boards live in %s/ (one folder each, with board.yaml and board.dts)", boards_dir);
		free(facts);
		board_free(b);
		return NULL;
	}
	char *err = NULL, *dts = NULL;
	b->facts_src = source_load(facts, &err);
	free(facts);
	struct ydoc y = { 0 };
	bool ok = b->facts_src && ydoc_load(&y, b->facts_src);
	if (ok) {
		/* dts first: the DMA facts name compatibles in it. */
		yaml_node_t *v = ymap_get(&y, ydoc_root(&y), "dts");
		const char *str = NULL;
		if (v && yis_scalar(v) && (str = yscalar(v))) {
			char *path = path_join(b->dir, str);
			b->fdt = compile_dts(path, &b->fdt_size, &err);
			free(path);
			if (!b->fdt) {
				board_invalid(b, yloc(&y, v), err);
				ok = false;
			} else
				read_dt(b);
		}
		ok = read_facts(b, &y, &dts) && ok;
		free(dts);
	}
	if (err && !b->fdt && !b->facts_src)
		board_invalid(b, at, err);
	free(err);
	ydoc_free(&y);
	if (!ok || !b->fdt) {
		board_free(b);
		return NULL;
	}
	struct loc fat = { b->facts_src, 0, 0 };
	if (b->ncpus == 0 || b->nram == 0)
		board_invalid(b, fat, "its device tree has no cpu or no memory node");
	u64 ram = 0;
	for (size_t i = 0; i < b->nram; i++)
		ram += b->ram[i].size;
	if (b->qemu_memory && b->qemu_memory != ram)
		board_invalid(b, fat, "qemu memory does not match the memory nodes of its device tree");
	if (b->gic_offset < 0 || !b->gicd_base)
		board_invalid(b, fat, "its device tree has no GICv3 (arm,gic-v3) interrupt controller");
	if (!b->vtimer_intid)
		board_invalid(b, fat, "its device tree has no arm,armv8-timer node");
	if (b->qemu_smp && b->qemu_smp != b->ncpus)
		board_invalid(b, fat, "qemu smp does not match the cpu nodes of its device tree");
	if (diag_count() > errors) {
		/* Reported: the checks must not run against a broken board (they index tables sized
		 * by the hypervisor's limits with its cpus, and trust its facts). */
		board_free(b);
		return NULL;
	}
	return b;
}

void board_free(struct board *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->ndevs; i++) {
		free(b->devs[i].path);
		free(b->devs[i].label);
		free(b->devs[i].compatible);
		free(b->devs[i].regs);
		free(b->devs[i].irqs);
	}
	for (size_t i = 0; i < b->ncpus; i++)
		free(b->cpus[i].path);
	free(b->cpus);
	free(b->devs);
	free(b->ram);
	free(b->fdt);
	free(b->name);
	free(b->dir);
	free(b->console);
	free(b->qemu_binary);
	free(b->qemu_machine);
	free(b->qemu_cpu);
	free(b->qemu_extra);
	source_free(b->facts_src);
	free(b);
}

int board_find_device(const struct board *b, const char *ref)
{
	const void *fdt = b->fdt;
	if (ref[0] == '&')
		ref++;
	const char *path = ref;
	if (ref[0] != '/') {
		/* A label (from __symbols__) or an alias. */
		for (size_t i = 0; i < b->ndevs; i++)
			if (b->devs[i].label && !strcmp(b->devs[i].label, ref))
				return (int)i;
		path = fdt_get_alias(fdt, ref);
		if (!path) { /* a node's second label */
			int sym = fdt_path_offset(fdt, "/__symbols__");
			path = sym >= 0 ? fdt_getprop(fdt, sym, ref, NULL) : NULL;
		}
		if (!path)
			return -1;
	}
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	for (size_t i = 0; i < b->ndevs; i++)
		if (!strncmp(b->devs[i].path, path, len) && b->devs[i].path[len] == 0)
			return (int)i;
	return -1;
}

const char *board_suggest_device(const struct board *b, const char *ref)
{
	const char **names = xmalloc(2 * b->ndevs * sizeof *names);
	size_t n = 0;
	for (size_t i = 0; i < b->ndevs; i++) {
		if (b->devs[i].reserved)
			continue;
		names[n++] = b->devs[i].path;
		if (b->devs[i].label)
			names[n++] = b->devs[i].label;
	}
	const char *best = closest_word(ref[0] == '&' ? ref + 1 : ref, names, n);
	free(names);
	return best;
}
