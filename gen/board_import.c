/*
 * partita board import DTB -o DIR: a board folder (board.dts + board.yaml, docs/boards.md) from a
 * board's device tree blob.
 *
 * The DTB is checked as `partita check` checks a board (board_read_dtb: CPUs, memory, the
 * interrupt controller (a GICv3, a GICv2 with GICH and GICV, or on RISC-V a PLIC with an S-mode
 * context per hart), the timer (AArch64) or timebase (RISC-V), every device's registers and
 * interrupts). Then:
 *   board.dts   the DTB decompiled, every device node given a label (its __symbols__ label, else
 *               one made from its name and address, e.g. serial_ff000000), __symbols__ dropped
 *               (dtc -@ makes it again from the labels when the board is loaded);
 *   board.yaml  the facts a DT cannot state, each filled in where the DT says (cache geometry from
 *               its cache nodes, the console from its stdout-path or its first PL011, Cadence, i.MX
 *               or 16550 UART, the SMMU, DMA masters) and marked TODO where it does not: a TODO is
 *               not a valid value, so `partita check` stops with a located error until someone
 *               fills it in.
 * Both are staged and renamed: a failed import writes nothing.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "board.h"
#include "board_import.h"
#include "diag.h"
#include "util.h"
#include "../hypervisor/include/partita/config.h"

/* Node path -> label. */
struct label {
	char *path, *label;
};

static void add_label(struct label **l, size_t *n, size_t *cap, const char *path, const char *label)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*l)[i].path, path) || !strcmp((*l)[i].label, label))
			return;   /* one label per node, one node per label */
	struct label *x = PUSH(*l, *n, *cap);
	x->path = xstrdup(path);
	x->label = xstrdup(label);
}

/* serial@ff000000 -> serial_ff000000: a label dtc accepts ([a-zA-Z_][a-zA-Z0-9_]*). */
static char *label_from_name(const char *name)
{
	char *l = xmalloc(strlen(name) + 2), *o = l;

	if (!((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z')))
		*o++ = 'n';
	for (; *name; name++)
		*o++ = ((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') ||
			(*name >= '0' && *name <= '9')) ? *name : '_';
	*o = '\0';
	return l;
}

/* Labels: the DTB's own (__symbols__), then one for every other node with registers. */
static struct label *collect_labels(const void *fdt, size_t *n)
{
	struct label *l = NULL;
	size_t cap = 0;
	int sym = fdt_path_offset(fdt, "/__symbols__"), p;

	*n = 0;
	if (sym >= 0)
		fdt_for_each_property_offset(p, fdt, sym) {
			const char *name;
			int len;
			const char *val = fdt_getprop_by_offset(fdt, p, &name, &len);
			if (val && len > 1 && val[len - 1] == '\0' && val[0] == '/')
				add_label(&l, n, &cap, val, name);
		}
	for (int node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
		char path[512];
		if (!fdt_getprop(fdt, node, "reg", NULL) || fdt_get_path(fdt, node, path, sizeof path) ||
		    !strncmp(path, "/__", 3))
			continue;
		const char *name = fdt_get_name(fdt, node, NULL);
		if (!name || !strchr(name, '@'))
			continue;   /* memory, cpus: named by what they are */
		char *lab = label_from_name(name);
		add_label(&l, n, &cap, path, lab);
		free(lab);
	}
	return l;
}

/*
 * The decompiled DTS with labels before their nodes' names and without __symbols__. dtc prints
 * one node per line ("\tname {" ... "\t};"), so paths follow from the nesting.
 */
static char *label_dts(const char *dts, const struct label *l, size_t nl)
{
	struct strbuf out = { 0 };
	char path[64][512];
	int depth = -1, skip = -1;

	for (const char *line = dts; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *t = line;
		while (t < line + len && *t == '\t')
			t++;
		bool open = len >= 2 && line[len - 1] == '{' && line[len - 2] == ' ';
		bool close = (size_t)(t - line) + 2 <= len && !strncmp(t, "};", 2);
		const char *label = NULL;
		if (open && depth + 1 < 64) {
			size_t nlen = (size_t)(line + len - 2 - t);
			char name[256];
			snprintf(name, sizeof name, "%.*s", (int)nlen, t);
			depth++;
			if (depth == 0) {
				path[0][0] = '\0';
			} else {
				/* Truncated paths only fail to match a label (and nest no deeper than 64). */
				size_t pl = depth == 1 ? 0 : strlen(path[depth - 1]), nn = strlen(name);
				if (pl + 1 + nn < sizeof path[depth]) {
					memmove(path[depth], path[depth - 1], pl);
					path[depth][pl] = '/';
					memcpy(path[depth] + pl + 1, name, nn + 1);
				} else {
					path[depth][0] = '\0';
				}
			}
			if (depth == 1 && !strcmp(name, "__symbols__"))
				skip = depth;
			for (size_t i = 0; i < nl && depth > 0; i++)
				if (!strcmp(l[i].path, path[depth]))
					label = l[i].label;
		}
		if (skip < 0) {
			if (label) {
				sb_printf(&out, "%.*s%s: %.*s\n", (int)(t - line), line, label,
					  (int)(line + len - t), t);
			} else {
				sb_printf(&out, "%.*s\n", (int)len, line);
			}
		}
		if (close && depth >= 0) {
			if (skip == depth)
				skip = -1;
			depth--;
		}
		line = end ? end + 1 : line + len;
	}
	return out.p ? out.p : xstrdup("");
}

/* The last-level cache of CPU 0 from the DT: its geometry as a board.yaml line, or NULL. */
static char *llc_fact(const void *fdt)
{
	int cpu = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "cpu", 4), cache = -1, len;

	for (int node = cpu, hops = 0; node >= 0 && hops < 8; hops++) {
		const fdt32_t *next = fdt_getprop(fdt, node, "next-level-cache", &len);
		if (!next || len != 4)
			break;
		node = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*next));
		if (node >= 0)
			cache = node;
	}
	if (cache < 0)
		return NULL;
	const fdt32_t *size = fdt_getprop(fdt, cache, "cache-size", &len);
	const fdt32_t *sets = fdt_getprop(fdt, cache, "cache-sets", NULL);
	const fdt32_t *line = fdt_getprop(fdt, cache, "cache-line-size", NULL);
	if (!size || !sets || !line || len != 4)
		return NULL;
	u64 s = fdt32_to_cpu(*size), st = fdt32_to_cpu(*sets), ln = fdt32_to_cpu(*line);
	if (!s || !st || !ln || s % (st * ln))
		return NULL;
	char path[256] = "";
	fdt_get_path(fdt, cache, path, sizeof path);
	return xasprintf("cache: { size: %llu, ways: %llu, line: %llu }   # from %s\n",
			 (unsigned long long)s, (unsigned long long)(s / (st * ln)), (unsigned long long)ln,
			 path);
}

static const char *const smmus[] = { "arm,smmu-v3", "arm,mmu-500", "arm,smmu-v2", "arm,mmu-401", NULL };
static const char *const dma_kinds[] = { "ethernet", "usb", "mmc", "sdhci", "dma-controller",
					  "dma", "pcie", "sata", "gpu", "display", "vpu", NULL };

/* What the board DT says about its bus masters: compatibles for `dma:`, and the SMMU. */
static void dma_facts(const void *fdt, struct strbuf *dma, char *smmu, size_t smmu_len)
{
	char **seen = NULL;
	size_t n = 0, cap = 0;

	smmu[0] = '\0';
	for (int node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
		const char *name = fdt_get_name(fdt, node, NULL), *compat;
		int len;
		if (!name)
			continue;
		for (int k = 0; smmus[k] && !smmu[0]; k++)
			if (board_is_compatible(fdt, node, smmus[k]))
				fdt_get_path(fdt, node, smmu, (int)smmu_len);
		bool master = fdt_getprop(fdt, node, "iommus", NULL) != NULL ||
			      board_is_compatible(fdt, node, "virtio,mmio");
		/* ethernet@..., dma-controller@...; not their PHYs (ethernet-phy@..., pcie-phy@...). */
		for (int k = 0; dma_kinds[k] && !master; k++) {
			size_t kl = strlen(dma_kinds[k]);
			master = !strncmp(name, dma_kinds[k], kl) && (name[kl] == '@' || name[kl] == '-') &&
				 strncmp(name + kl, "-phy", 4) != 0;
		}
		if (!master || !(compat = fdt_getprop(fdt, node, "compatible", &len)) || len < 2)
			continue;
		bool dup = false;
		for (size_t i = 0; i < n; i++)
			dup |= !strcmp(seen[i], compat);
		if (dup)
			continue;
		*PUSH(seen, n, cap) = (char *)compat;
		sb_printf(dma, "%s\"%s\"", n > 1 ? ", " : "", compat);
	}
	free(seen);
}

/* A UART the hypervisor has a driver for (PL011, Cadence, i.MX, 16550), in use. */
static bool console_uart(const void *fdt, int node)
{
	const char *status = fdt_getprop(fdt, node, "status", NULL);
	return node >= 0 && board_uart_kind(fdt, node) && (!status || !strcmp(status, "okay") || !strcmp(status, "ok"));
}

/* The hypervisor's console: the UART /chosen/stdout-path names ("serial0:115200n8", an alias or
 * a path) if the hypervisor has a driver for it, else the first such UART in DT order. Its label
 * (its path in `path`), or NULL. */
static const char *console_fact(const void *fdt, const struct label *l, size_t nl, char *path, size_t plen,
				const char **why)
{
	int node = -1, chosen = fdt_path_offset(fdt, "/chosen"), len;
	const char *out = chosen >= 0 ? fdt_getprop(fdt, chosen, "stdout-path", &len) : NULL;

	if (out && len > 1 && out[len - 1] == '\0') {
		int n = (int)strcspn(out, ":"), alen = 0, aliases = fdt_path_offset(fdt, "/aliases");
		const char *target = out;
		if (out[0] != '/') {
			/* An alias: a string only when NUL-terminated within its length. */
			target = aliases >= 0 ? fdt_getprop_namelen(fdt, aliases, out, n, &alen) : NULL;
			if (!target || alen < 2 || target[alen - 1] != '\0' || target[0] != '/')
				target = NULL;
			n = target ? alen - 1 : 0;
		}
		if (target)
			node = fdt_path_offset_namelen(fdt, target, n);
		if (node >= 0 && console_uart(fdt, node))
			*why = "the DT's stdout-path";
		else
			node = -1;
	}
	if (node < 0) {
		for (int n = fdt_next_node(fdt, -1, NULL); n >= 0; n = fdt_next_node(fdt, n, NULL))
			if (console_uart(fdt, n)) {
				node = n;
				*why = "the first UART the hypervisor drives (PL011, Cadence, i.MX, 16550)";
				break;
			}
	}
	if (node < 0 || fdt_get_path(fdt, node, path, (int)plen) != 0)
		return NULL;
	for (size_t i = 0; i < nl; i++)
		if (!strcmp(l[i].path, path))
			return l[i].label;
	return NULL;
}

/* Where the hypervisor goes by default: the lowest 2 MiB-aligned address at which `size` bytes
 * lie in one RAM bank and clear of the reserved memory (a firmware's carve-outs), and on RISC-V
 * at least 2 MiB into the bank: the SBI firmware (OpenSBI) runs from the start of RAM and starts
 * the next stage there. Returns false when there is none. */
static bool load_fact(const struct board *b, u64 size, u64 *load)
{
	const u64 align = 2ull << 20;
	bool found = false;
	for (size_t i = 0; i < b->nram; i++) {
		const struct range *r = &b->ram[i];
		u64 end = r->base + r->size;   /* board_read_dtb refused banks that wrap */
		u64 first = (r->base + align - 1) & ~(align - 1);
		if (b->arch == PT_ARCH_RISCV64 && first - r->base < align && first <= UINT64_MAX - align)
			first += align;
		for (u64 a = first; a >= r->base && a <= end && end - a >= size;) {
			u64 next = a;
			for (size_t k = 0; k < b->nreserved; k++) {
				const struct range *v = &b->reserved[k];
				if (v->base < a + size && a < v->base + v->size && v->base + v->size > next)
					next = v->base + v->size;
			}
			if (next == a) {
				if (!found || a < *load)
					*load = a;
				found = true;
				break;
			}
			if (next > UINT64_MAX - align)
				break;
			a = (next + align - 1) & ~(align - 1);
		}
	}
	return found;
}

/* counter_hz: the timer node's clock-frequency, where the DT states one; else a comment. RISC-V:
 * the DT's timebase-frequency is the board's counter: a comment says so. */
static void counter_fact(const void *fdt, const struct board *b, struct strbuf *y)
{
	if (b->arch == PT_ARCH_RISCV64) {
		sb_printf(y, "\n# The counter frequency is the DT's /cpus timebase-frequency, %llu Hz (the time CSR's\n"
			     "# rate); schedule lengths must be whole ticks of it. counter_hz here could only repeat it.\n",
			  (unsigned long long)b->timebase_hz);
		return;
	}
	int len = 0, t = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
	const fdt32_t *hz = t >= 0 ? fdt_getprop(fdt, t, "clock-frequency", &len) : NULL;
	uint32_t v = hz && len == 4 ? fdt32_to_cpu(*hz) : 0;

	if (v && v <= BOARD_MAX_COUNTER_HZ)
		sb_printf(y, "\n# The generic counter's frequency: the DT's timer clock-frequency. It must be what the\n"
			     "# firmware writes to CNTFRQ_EL0, which the hypervisor checks at boot.\n"
			     "counter_hz: %u\n", (unsigned)v);
	else
		sb_printf(y, "\n# counter_hz: the generic counter's frequency, what the firmware writes to CNTFRQ_EL0\n"
			     "# (the hypervisor checks it at boot; Linux prints it: \"arch_timer: ... running at\").\n"
			     "# The DT does not say: until it is stated here, the default, %llu (QEMU's), applies.\n",
			  BOARD_DEFAULT_COUNTER_HZ);
}

static char *facts(const void *fdt, const struct board *b, const char *dtb, const struct label *l,
		   size_t nl)
{
	struct strbuf y = { 0 }, dma = { 0 };
	char smmu[256], con_path[256];
	char *llc = llc_fact(fdt);
	const char *why = "";
	const char *con = console_fact(fdt, l, nl, con_path, sizeof con_path, &why);

	dma_facts(fdt, &dma, smmu, sizeof smmu);
	sb_printf(&y, "# Board facts imported by `partita board import` from %s.\n"
		      "# What a device tree cannot state (docs/boards.md). Every TODO is a value to fill in:\n"
		      "# `partita check` stops at it until it is.\n"
		      "dts: board.dts\n\n", dtb);
	if (llc)
		sb_printf(&y, "%s", llc);
	else
		sb_printf(&y, "# TODO: the last-level cache (the DT has no cache-size/cache-sets/cache-line-size on\n"
			      "# CPU 0's next-level-cache). Way size / page size = the number of cache colors. Or\n"
			      "# remove the line: a board without cache facts has no colors (memory is placed\n"
			      "# contiguously; a description giving colors is refused).\n"
			      "cache: { size: TODO, ways: TODO, line: 64 }\n");
	sb_printf(&y, "page_size: 4K\n\nhypervisor:\n");
	u64 load = 0;
	bool have_load = false;
	if (b->nram == 0)
		sb_printf(&y, "  # TODO: the DT states no RAM: %s has size 0, which the board's firmware fills in at\n"
			      "  # boot. Write the board's RAM banks into that node's reg in board.dts (partita check\n"
			      "  # refuses it until then), and put the hypervisor in one of them, 2 MiB aligned, where\n"
			      "  # your loader puts partita.bin.\n"
			      "  load: TODO\n", b->ram_unsized ? b->ram_unsized : "/memory");
	else if ((have_load = load_fact(b, 4ull << 20, &load)) && b->arch == PT_ARCH_RISCV64)
		sb_printf(&y, "  # 2 MiB into RAM, clear of reserved memory: where the SBI firmware (OpenSBI's fw_jump)\n"
			      "  # starts the next stage. The firmware itself lives below it and keeps more than its\n"
			      "  # DT says: add /reserved-memory nodes to board.dts for it and for fw_jump's copy of the\n"
			      "  # DT, as boards/qemu-riscv64-virt/board.dts does (docs/boards.md).\n"
			      "  load: 0x%llx\n", (unsigned long long)load);
	else if (have_load)
		sb_printf(&y, "  # The lowest 2 MiB-aligned RAM clear of reserved memory: where your loader must put\n"
			      "  # partita.bin. Check it against your boot flow (docs/boards.md).\n"
			      "  load: 0x%llx\n", (unsigned long long)load);
	else
		sb_printf(&y, "  # TODO: no 2 MiB-aligned 4 MiB of RAM clear of the DT's reserved memory.\n"
			      "  load: TODO\n");
	sb_printf(&y, "  memory: 4M\n");
	if (con)
		sb_printf(&y, "  console: %s      # %s, %s\n", con, con_path, why);
	else
		sb_printf(&y, "  # TODO: no UART in the DT that the hypervisor drives (PL011: arm,pl011, arm,sbsa-uart;\n"
			      "  # Cadence: cdns,uart-r1p12, xlnx,xuartps; i.MX: fsl,imx6q-uart, fsl,imx21-uart; 16550:\n"
			      "  # ns16550a, ns16550, snps,dw-apb-uart). Add a driver for yours (docs/boards.md,\n"
			      "  # \"Adding a UART driver\").\n"
			      "  console: TODO\n");
	counter_fact(fdt, b, &y);
	if (smmu[0])
		sb_printf(&y, "\n# The board has an SMMU (%s); Partita does not program it yet, so bus masters see\n"
			      "# physical addresses and their VMs need identity-mapped memory.\n", smmu);
	sb_printf(&y, "%siommu: false\n", smmu[0] ? "" : "\n");
	sb_printf(&y, "# Bus masters found in the DT (iommus, or ethernet/usb/mmc/dma/pcie/... nodes): check it.\n"
		      "dma: [%s]\n", dma.p ? dma.p : "");
	sb_printf(&y, "\n# No QEMU machine is known for this board: its run.sh says so and exits, unless a qemu:\n"
		      "# section says how QEMU runs it (docs/boards.md)%s.\n",
		  b->arch == PT_ARCH_RISCV64 ? "; on RISC-V with its firmware, qemu.bios (OpenSBI)" : "");
	free(llc);
	free(dma.p);
	return y.p;
}

int board_import_main(int argc, char **argv)
{
	const char *dtb = NULL, *out = NULL;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] != '-' && !dtb)
			dtb = argv[i];
		else
			dtb = out = NULL, i = argc;
	}
	if (!dtb || !out) {
		fprintf(stderr, "usage: partita board import DTB -o DIR\n");
		return 2;
	}
	char *err = NULL;
	size_t size;
	char *blob = read_file(dtb, &size, &err);
	if (!blob) {
		fprintf(stderr, "partita: %s\n", err);
		free(err);
		return 2;
	}
	struct source *src = source_from_string(dtb, "");
	struct loc whole = { src, 0, 0 };
	struct board *b = xcalloc(1, sizeof *b);
	b->name = xstrdup("imported");
	b->gic_offset = -1;
	b->ram_from_firmware = true;   /* a /memory of size 0 is a TODO of board.yaml, not an error */
	/* A GICv3, or a GICv2 with its virtualization frames (GICH, GICV): board_read_dtb says
	 * which is missing. */
	bool ok = size >= 40 && fdt_check_full(blob, size) == 0;
	ok = ok && board_read_dtb(b, blob, size, whole, whole);
	if (!ok && size >= 40 && fdt_check_full(blob, size) != 0)
		diag_error(whole, "board-dtb", "%s is not a valid device tree blob", dtb);
	char *dts = ok ? board_decompile(dtb, &err) : NULL;
	if (ok && !dts)
		diag_error(whole, "board-dtb", "%s", err);
	int status = 1;
	if (dts) {
		size_t nl;
		struct label *l = collect_labels(b->fdt, &nl);
		char *labeled = label_dts(dts, l, nl);
		char *yaml = facts(b->fdt, b, dtb, l, nl);
		char *d = xasprintf("%s/board.dts", out), *y = xasprintf("%s/board.yaml", out);
		char *header = xasprintf("// Imported by `partita board import` from %s (labels added for\n"
					 "// the devices a system description names; docs/boards.md).\n", dtb);
		char *full = xasprintf("%s%s", header, labeled);
		if (mkdir_p(out, &err) && write_file_atomic(d, full, strlen(full), &err) &&
		    write_file_atomic(y, yaml, strlen(yaml), &err)) {
			printf("partita: board imported into %s: %zu CPUs, %zu RAM bank%s%s, %zu devices, %zu labels\n"
			       "         fill in the TODOs of %s, then: partita check SYSTEM.yaml --board-dir %s/..\n",
			       out, b->ncpus, b->nram, b->nram == 1 ? "" : "s",
			       b->nram ? "" : " (its /memory has size 0: the firmware fills it in; see board.yaml)",
			       b->ndevs, nl, y, out);
			status = 0;
		} else {
			fprintf(stderr, "partita: %s\n", err);
			status = 2;
		}
		for (size_t i = 0; i < nl; i++) {
			free(l[i].path);
			free(l[i].label);
		}
		free(l);
		free(labeled);
		free(yaml);
		free(d);
		free(y);
		free(header);
		free(full);
		free(dts);
	}
	diag_flush(DIAG_TEXT);
	free(err);
	free(blob);
	board_free(b);
	source_free(src);
	return status;
}
