/*
 * Reading the board model: boards/NAME/board.yaml (facts) and the device tree it names, which is
 * compiled with dtc (-@, so labels survive as __symbols__) and walked with libfdt.
 *
 * Boards come from users (--board-dir) and from vendors: every value of a board DT is untrusted.
 * The blob is checked whole (fdt_check_full) before anything is read from it, every
 * #address-cells / #size-cells / #interrupt-cells is range-checked before it sizes a read, and
 * every property's length is checked before its cells are read. What cannot be a valid board is
 * reported [board-invalid], naming the node and property, never read past or looped over.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libfdt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "yaml.h"
#include "../hypervisor/include/partita/config.h"

static const char *const facts_keys[] = { "dts", "cache", "page_size", "counter_hz", "hypervisor", "iommu",
					   "dma", "qemu", NULL };
/* cache: a board without it has no cache colors (colors are refused: color-no-llc). */
static const char *const facts_required[] = { "dts", "hypervisor", NULL };
static const char *const cache_keys[] = { "size", "ways", "line", NULL };
static const char *const hyp_keys[] = { "load", "memory", "console", NULL };
static const char *const qemu_keys[] = { "binary", "machine", "cpu", "smp", "memory", "extra", "bios", NULL };
/* cpu: machines with fixed CPUs (xlnx-zcu102: four Cortex-A53) take no -cpu; bios: only boards
 * whose firmware QEMU must be given (RISC-V: OpenSBI). */
static const char *const qemu_required[] = { "binary", "machine", "smp", "memory", "extra", NULL };
static const struct ykeys K_FACTS = { "board facts", facts_keys, facts_required };
static const struct ykeys K_CACHE = { "board cache", cache_keys, cache_keys };
static const struct ykeys K_HYP = { "board hypervisor", hyp_keys, hyp_keys };
static const struct ykeys K_QEMU = { "board qemu", qemu_keys, qemu_required };

static void board_invalid(struct board *b, struct loc at, const char *what)
{
	struct diag *d = diag_error(at, "board-invalid", "board '%s': %s", b->name, what);
	diag_hint(d, "see docs/boards.md for what a board folder holds");
}

/* ---- dtc ------------------------------------------------------------------------------------ */

enum {
	DTC_MAX_OUTPUT = 16 << 20,  /* a blob beyond this is no board (QEMU's virt: 12 KiB) */
	DTC_MAX_MESSAGE = 4096,     /* what is kept of dtc's messages */
	DTC_TIMEOUT_MS = 60000,     /* a DTS can /include/ or /incbin/ a FIFO */
};

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* dtc's messages as one line (the diagnostic is one line), at most 400 characters. */
static char *one_line(const char *text, size_t n)
{
	size_t len = n > 400 ? 400 : n;
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
		len--;
	char *s = xmalloc(len + 1);
	for (size_t i = 0; i < len; i++)
		s[i] = text[i] == '\n' || text[i] == '\r' || text[i] == 0 ? ' ' : text[i];
	s[len] = 0;
	return s;
}

/* Run dtc on a DTS and return the blob (malloc'd). No shell: the path is one argument of dtc's,
 * whatever it contains. dtc runs with no input, at most 1 GiB of memory and a minute of CPU; its
 * output is bounded and it is killed when it exceeds it or takes over DTC_TIMEOUT_MS. */
static void *run_dtc(const char *dts, size_t *size, char **err, bool decompile)
{
	int out[2], msg[2];
	if (pipe2(out, O_CLOEXEC) != 0) {
		*err = xasprintf("cannot run dtc: %s", strerror(errno));
		return NULL;
	}
	if (pipe2(msg, O_CLOEXEC) != 0) {
		*err = xasprintf("cannot run dtc: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		return NULL;
	}
	char *const compile[] = { "dtc", "-q", "-@", "-I", "dts", "-O", "dtb", "-o", "-", "--", (char *)dts, NULL };
	char *const decomp[] = { "dtc", "-q", "-I", "dtb", "-O", "dts", "-o", "-", "--", (char *)dts, NULL };
	char *const *argv = decompile ? decomp : compile;
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null < 0 || dup2(null, 0) < 0 || dup2(out[1], 1) < 0 || dup2(msg[1], 2) < 0)
			_exit(127);
		struct rlimit cpu = { 60, 60 }, mem = { 1ul << 30, 1ul << 30 };
		setrlimit(RLIMIT_CPU, &cpu);
		setrlimit(RLIMIT_AS, &mem);
		execvp(argv[0], argv);
		const char *why = strerror(errno);
		if (write(2, "cannot run dtc: ", 16) < 0 || write(2, why, strlen(why)) < 0)
			_exit(126);
		_exit(127);
	}
	close(out[1]);
	close(msg[1]);
	if (pid < 0) {
		*err = xasprintf("cannot run dtc: %s", strerror(errno));
		close(out[0]);
		close(msg[0]);
		return NULL;
	}
	size_t cap = 65536, n = 0, nmsg = 0;
	char *buf = xmalloc(cap), text[DTC_MAX_MESSAGE];
	const char *fail = NULL;
	long deadline = now_ms() + DTC_TIMEOUT_MS;
	struct pollfd fds[2] = { { out[0], POLLIN, 0 }, { msg[0], POLLIN, 0 } };
	while ((fds[0].fd >= 0 || fds[1].fd >= 0) && !fail) {
		long left = deadline - now_ms();
		if (left <= 0) {
			fail = "took more than a minute";
			break;
		}
		int r = poll(fds, 2, (int)left);
		if (r < 0 && errno != EINTR) {
			fail = "its output could not be read";
			break;
		}
		for (int i = 0; i < 2 && r > 0; i++) {
			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			char scratch[4096];
			char *to = i == 0 ? buf + n : nmsg < sizeof text ? text + nmsg : scratch;
			size_t room = i == 0 ? cap - n : nmsg < sizeof text ? sizeof text - nmsg : sizeof scratch;
			ssize_t got = read(fds[i].fd, to, room);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				continue;
			}
			if (i == 1) {
				if (to != scratch)
					nmsg += (size_t)got;
				continue;
			}
			n += (size_t)got;
			if (n > DTC_MAX_OUTPUT)
				fail = "it wrote more than 16 MiB";
			else if (n == cap)
				buf = xrealloc(buf, cap *= 2);
		}
	}
	if (fail)
		kill(pid, SIGKILL);
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	int status = 0;
	pid_t w;
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (w < 0 && !fail)
		fail = "it could not be waited for";
	if (fail || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *m = one_line(text, nmsg);
		if (fail)
			*err = xasprintf("dtc failed on '%s': %s", dts, fail);
		else if (*m)
			*err = xasprintf("dtc failed on '%s': %s", dts, m);
		else if (WIFSIGNALED(status))
			*err = xasprintf("dtc failed on '%s' (signal %d)", dts, WTERMSIG(status));
		else
			*err = xasprintf("dtc failed on '%s' (exit status %d)", dts, WEXITSTATUS(status));
		free(m);
		free(buf);
		return NULL;
	}
	*size = n;
	return buf;
}

char *board_decompile(const char *dtb, char **err)
{
	size_t n;
	char *text = run_dtc(dtb, &n, err, true);

	if (!text)
		return NULL;
	text = xrealloc(text, n + 1);
	text[n] = '\0';
	return text;
}

/* Compiled boards, kept for the life of the process: a process that loads a board again (the
 * fuzz targets load one thousands of times) runs dtc once. Keyed by the DTS's path and its
 * identity on disk (device, inode, size, modification time), so an edited DTS is compiled again;
 * the files it includes are not part of the key. Failures are kept too. */
struct compiled {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	void *blob;       /* NULL: dtc failed, with */
	char *err;
	size_t blob_size;
	struct compiled *next;
};
static struct compiled *compiled;
enum { MAX_COMPILED = 32 };

/* The blob of a DTS (owned by the cache: valid until the next call), or NULL with *err set. */
static const void *compile_dts(const char *dts, size_t *size, char **err)
{
	struct stat st;
	if (stat(dts, &st) != 0) {
		*err = xasprintf("cannot read '%s': %s", dts, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		*err = xasprintf("'%s' is not a regular file", dts);
		return NULL;
	}
	struct compiled **pp, *c;
	for (pp = &compiled; (c = *pp); pp = &c->next)
		if (c->dev == st.st_dev && c->ino == st.st_ino && c->size == st.st_size &&
		    c->mtime.tv_sec == st.st_mtim.tv_sec && c->mtime.tv_nsec == st.st_mtim.tv_nsec &&
		    !strcmp(c->path, dts))
			break;
	if (c) {
		*pp = c->next; /* found: to the front */
	} else {
		c = xcalloc(1, sizeof *c);
		c->path = xstrdup(dts);
		c->dev = st.st_dev;
		c->ino = st.st_ino;
		c->size = st.st_size;
		c->mtime = st.st_mtim;
		c->blob = run_dtc(dts, &c->blob_size, &c->err, false);
	}
	c->next = compiled;
	compiled = c;
	/* Forget the least recently used beyond MAX_COMPILED. */
	size_t n = 1;
	for (pp = &compiled->next; *pp; n++) {
		if (n < MAX_COMPILED) {
			pp = &(*pp)->next;
			continue;
		}
		struct compiled *old = *pp;
		*pp = old->next;
		free(old->path);
		free(old->blob);
		free(old->err);
		free(old);
	}
	if (!c->blob) {
		*err = xstrdup(c->err);
		return NULL;
	}
	*size = c->blob_size;
	return c->blob;
}

/* ---- reading the device tree --------------------------------------------------------------- */

struct dt {
	struct board *b;
	const void *fdt;
	struct loc at;          /* where problems with the DT's contents are reported */
	unsigned errors;
	uint32_t gic_phandle;   /* 0: the GIC has none (no device can name it) */
	int gic_icells;         /* the GIC's #interrupt-cells: 3, or 4 (PPI partitions) */
	uint32_t plic_phandle;  /* RISC-V: the PLIC's, 0 when it has none */
	/* RISC-V: each hart's cpu-intc phandle (index as b->cpus), for the PLIC's contexts. */
	uint32_t *intc_phandle;
};

/* A hostile DT can be wrong in every node: the first few problems are reported, then a count. */
enum { DT_MAX_ERRORS = 8 };

static void dt_error(struct dt *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void dt_error(struct dt *t, const char *fmt, ...)
{
	if (t->errors++ >= DT_MAX_ERRORS)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *what = xvasprintf(fmt, ap);
	va_end(ap);
	char *msg = xasprintf("its device tree: %s", what);
	board_invalid(t->b, t->at, msg);
	free(msg);
	free(what);
}

/* A string property: its first string, or NULL unless it is NUL-terminated within its length. */
static const char *prop_str(const void *fdt, int node, const char *name)
{
	int len;
	const char *v = fdt_getprop(fdt, node, name, &len);
	return v && len > 0 && v[len - 1] == 0 ? v : NULL;
}

/* A one-cell count (#address-cells, #size-cells): `dflt` when absent (the DT spec's defaults are
 * 2 and 1), -1 when malformed: not one cell, or above FDT_MAX_NCELLS (check_node reports it). */
static int ncells(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
	if (!p)
		return dflt;
	if (len != 4 || fdt32_to_cpu(*p) > FDT_MAX_NCELLS)
		return -1;
	return (int)fdt32_to_cpu(*p);
}

/* Whether a bus's children have CPU-style addresses Partita reads into 64 bits: 1 or 2 cells of
 * address and of size. Others are valid DTs but not memory-mapped (a /cpus node's 0 size cells,
 * an I2C bus, PCI's 3 address cells): their children are not devices. */
static bool addressable(int ac, int sc)
{
	return ac >= 1 && ac <= 2 && sc >= 1 && sc <= 2;
}

static u64 read_cells(const fdt32_t *p, int cells)
{
	u64 v = 0;
	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

static bool wraps(u64 base, u64 size)
{
	return size > UINT64_MAX - base;
}

/* Translate a bus address on parents[depth] (its ancestors in parents[0..depth-1], parents[0] the
 * root) to a CPU physical address through the `ranges` of every bus up to the root. Returns false
 * when a bus does not map the address: it has no `ranges` (not memory-mapped from the CPU's view;
 * with `lenient`, 1:1), no entry covers the address, or it has cells Partita cannot translate. */
static bool translate(const void *fdt, const int *parents, int depth, u64 *addr, bool lenient)
{
	for (int k = depth; k >= 1; k--) {
		int bus = parents[k], parent = parents[k - 1];
		int len;
		const fdt32_t *r = fdt_getprop(fdt, bus, "ranges", &len);
		if (!r) {
			if (lenient)
				continue;
			return false;
		}
		if (len == 0)
			continue; /* `ranges;`: 1:1 */
		int ca = ncells(fdt, bus, "#address-cells", 2), cs = ncells(fdt, bus, "#size-cells", 1);
		int pa = ncells(fdt, parent, "#address-cells", 2);
		if (!addressable(ca, cs) || pa < 1 || pa > 2)
			return false;
		int entry = ca + pa + cs;
		bool hit = false;
		for (int i = 0; i + entry <= len / 4; i += entry) {
			u64 child = read_cells(r + i, ca), par = read_cells(r + i + ca, pa);
			u64 size = read_cells(r + i + ca + pa, cs);
			if (*addr >= child && *addr - child < size) {
				u64 off = *addr - child;
				if (par > UINT64_MAX - off)
					return false;
				*addr = par + off;
				hit = true;
				break;
			}
		}
		if (!hit)
			return false;
	}
	return true;
}

/* The `reg` of the node at parents[depth] as CPU physical ranges, appended to *out. Nothing when
 * it has none or its parent is not addressable. A `reg` that is not a whole number of entries, or
 * an entry that wraps around the address space, is reported. An entry that does not translate is
 * left out (`must_map`: reported). */
static void read_reg(struct dt *t, const int *parents, int depth, const char *path, bool must_map,
		     struct range **out, size_t *n, size_t *cap)
{
	const void *fdt = t->fdt;
	int node = parents[depth], parent = parents[depth - 1], len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	int ac = ncells(fdt, parent, "#address-cells", 2), sc = ncells(fdt, parent, "#size-cells", 1);
	if (!reg || len == 0 || !addressable(ac, sc))
		return;
	int entry = ac + sc;
	if (len % (4 * entry)) {
		dt_error(t, "%s: reg is %d bytes, not a list of <address size> of %d+%d cells", path, len, ac, sc);
		return;
	}
	for (int i = 0; i + entry <= len / 4; i += entry) {
		u64 base = read_cells(reg + i, ac), size = read_cells(reg + i + ac, sc);
		if (!translate(fdt, parents, depth - 1, &base, must_map)) {
			if (must_map)
				dt_error(t, "%s: reg address 0x%llx is outside the ranges of its parent", path,
					 (unsigned long long)base);
			continue;
		}
		if (wraps(base, size)) {
			dt_error(t, "%s: reg 0x%llx size 0x%llx wraps around the 64-bit address space", path,
				 (unsigned long long)base, (unsigned long long)size);
			continue;
		}
		struct range *r = PUSH(*out, *n, *cap);
		r->base = base;
		r->size = size;
	}
}

/* Bounds for a cell count other than #address-cells and #size-cells (#interrupt-cells,
 * #clock-cells, #gpio-cells...): no binding needs more; the emitters step through properties by it. */
enum { MAX_NCELLS_OTHER = 32 };

/* The properties of every node that size reads elsewhere (here and in the emitters): every
 * #...-cells count is one cell and small, interrupt-parent is one phandle, ranges whole entries. */
static void check_node(struct dt *t, int node, int parent, const char *path)
{
	const void *fdt = t->fdt;
	int prop, len;
	fdt_for_each_property_offset(prop, fdt, node) {
		const char *name;
		const fdt32_t *p = fdt_getprop_by_offset(fdt, prop, &name, &len);
		size_t n = name ? strlen(name) : 0;
		if (!p || n < 7 || name[0] != '#' || strcmp(name + n - 6, "-cells"))
			continue;
		bool addr = !strcmp(name, "#address-cells") || !strcmp(name, "#size-cells");
		unsigned max = addr ? FDT_MAX_NCELLS : MAX_NCELLS_OTHER;
		if (len != 4)
			dt_error(t, "%s: %s is %d bytes, not one cell", path, name, len);
		else if (fdt32_to_cpu(*p) > max)
			dt_error(t, "%s: %s = <0x%x>: %s take at most %u cells", path, name, fdt32_to_cpu(*p),
				 addr ? "addresses and sizes" : "specifiers", max);
	}
	if (fdt_getprop(fdt, node, "interrupt-parent", &len) && len != 4)
		dt_error(t, "%s: interrupt-parent is %d bytes, not one phandle", path, len);
	const fdt32_t *r = fdt_getprop(fdt, node, "ranges", &len);
	if (r && len > 0 && parent >= 0) {
		int ca = ncells(fdt, node, "#address-cells", 2), cs = ncells(fdt, node, "#size-cells", 1);
		int pa = ncells(fdt, parent, "#address-cells", 2);
		if (addressable(ca, cs) && pa >= 1 && pa <= 2 && len % (4 * (ca + pa + cs)))
			dt_error(t, "%s: ranges is %d bytes, not a list of <child parent size> of %d+%d+%d cells",
				 path, len, ca, pa, cs);
	}
}

/* GIC specifier <type number flags ...> → INTID and trigger. 1: an SPI or a PPI; 0: another kind
 * (extended SPI/PPI ranges: not routed); -1: an SPI or PPI number out of range. The trigger is in
 * the low 4 bits of flags (1, 2: edge; 4, 8: level): a GICv2 PPI's flags also carry a CPU mask in
 * bits 15:8, which says nothing about the trigger. */
static int gic_spec(const fdt32_t *p, struct board_irq *irq)
{
	unsigned type = fdt32_to_cpu(p[0]), num = fdt32_to_cpu(p[1]), flags = fdt32_to_cpu(p[2]);
	if (type == 0 && num <= 987)
		irq->intid = 32 + num; /* SPIs: INTID 32 to 1019 */
	else if (type == 1 && num <= 15)
		irq->intid = 16 + num;
	else
		return type <= 1 ? -1 : 0;
	irq->trigger = (flags & 0x3) ? PT_IRQ_EDGE : PT_IRQ_LEVEL;
	irq->cells[0] = type;
	irq->cells[1] = num;
	irq->cells[2] = flags;
	irq->ncells = 3;
	irq->percpu = irq->intid < 32;
	return 1;
}

const char *const board_gicv2_compatibles[] = { "arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a7-gic", NULL };
const char *const board_pl011_compatibles[] = { "arm,pl011", "arm,sbsa-uart", NULL };
const char *const board_cadence_compatibles[] = { "cdns,uart-r1p12", "xlnx,xuartps", NULL };
/* The i.MX UART of the i.MX6 and i.MX 8M (every i.MX 8M node lists fsl,imx6q-uart) and its older
 * i.MX21-style siblings: one register layout (the FIFO states at 0xb4). Not the i.MX1's (its test
 * register is at 0xd0), nor the i.MX 8QM/8ULP's LPUART (fsl,imx*-lpuart, another device). */
const char *const board_imx_compatibles[] = { "fsl,imx6q-uart", "fsl,imx21-uart", NULL };
/* The 8250/16550 family with a FIFO: QEMU's riscv virt (ns16550a), most RISC-V SoCs, the
 * DesignWare APB UART of many Arm ones. Its layout (reg-shift, reg-io-width) is in the node. */
const char *const board_ns16550_compatibles[] = { "ns16550a", "ns16550", "snps,dw-apb-uart", NULL };
/* The RISC-V platform-level interrupt controller, as Linux's irq-sifive-plic drives it. */
const char *const board_plic_compatibles[] = { "riscv,plic0", "sifive,plic-1.0.0", NULL };

/* A one-cell property, or `dflt` when it is absent or not one cell. */
static unsigned prop_u32_or(const void *fdt, int node, const char *name, unsigned dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
	return p && len == 4 ? fdt32_to_cpu(*p) : dflt;
}

struct uart_params board_uart_params(const void *fdt, int node)
{
	struct uart_params u;
	u.reg_shift = prop_u32_or(fdt, node, "reg-shift", 0);
	u.reg_io_width = prop_u32_or(fdt, node, "reg-io-width", 1);
	u.clock_hz = prop_u32_or(fdt, node, "clock-frequency", 0);
	u.baud = prop_u32_or(fdt, node, "current-speed", 115200);
	if (!u.baud)
		u.baud = 115200;
	return u;
}

const char *board_arch_name(const struct board *b)
{
	return b->arch == PT_ARCH_RISCV64 ? "RISC-V" : "AArch64";
}

const char *board_irqchip_name(const struct board *b)
{
	return b->arch == PT_ARCH_RISCV64 ? "PLIC" : b->gic_version == PT_GIC_V2 ? "GICv2" : "GICv3";
}

unsigned board_uart_kind(const void *fdt, int node)
{
	for (size_t i = 0; board_pl011_compatibles[i]; i++)
		if (board_is_compatible(fdt, node, board_pl011_compatibles[i]))
			return PT_UART_PL011;
	for (size_t i = 0; board_cadence_compatibles[i]; i++)
		if (board_is_compatible(fdt, node, board_cadence_compatibles[i]))
			return PT_UART_CADENCE;
	for (size_t i = 0; board_imx_compatibles[i]; i++)
		if (board_is_compatible(fdt, node, board_imx_compatibles[i]))
			return PT_UART_IMX;
	for (size_t i = 0; board_ns16550_compatibles[i]; i++)
		if (board_is_compatible(fdt, node, board_ns16550_compatibles[i]))
			return PT_UART_NS16550;
	return 0;
}

bool board_is_compatible(const void *fdt, int node, const char *compat)
{
	return fdt_node_check_compatible(fdt, node, compat) == 0;
}

static void path_of(const void *fdt, int node, char *buf, int len)
{
	if (fdt_get_path(fdt, node, buf, len) != 0)
		snprintf(buf, (size_t)len, "%s", fdt_get_name(fdt, node, NULL) ? fdt_get_name(fdt, node, NULL) : "?");
}

/* A PPI the hypervisor needs (maintenance, timers) from `count` specifiers in `irqs`. */
static bool read_ppis(struct dt *t, int node, const char *what, int count, unsigned *intids)
{
	int len, ic = t->gic_icells;
	const fdt32_t *irqs = fdt_getprop(t->fdt, node, "interrupts", &len);
	char path[256];
	path_of(t->fdt, node, path, sizeof path);
	if (!irqs || len % (4 * ic) || len / (4 * ic) < count) {
		dt_error(t, "%s: interrupts must give %s as %d-cell GIC specifiers", path, what, ic);
		return false;
	}
	for (int i = 0; i < count; i++) {
		struct board_irq irq;
		if (gic_spec(irqs + i * ic, &irq) != 1 || irq.intid >= 32) {
			dt_error(t, "%s: interrupt %d is not a PPI (<1 n flags>, n 0 to 15)", path, i);
			return false;
		}
		intids[i] = irq.intid;
	}
	return true;
}

/* The chain of `node`'s ancestors for translate(): parents[0] the root, parents[depth] the node.
 * Returns depth, or -1 when the node is nested deeper than `max` - 1. */
static int ancestors(const void *fdt, int node, int *parents, int max)
{
	int chain[32], n = 0;
	for (int o = node; o >= 0 && n < 32 && n < max; o = fdt_parent_offset(fdt, o))
		chain[n++] = o;
	if (n == 0 || chain[n - 1] != 0)
		return -1;
	for (int i = 0; i < n; i++)
		parents[i] = chain[n - 1 - i];
	return n - 1;
}

/* The GICv2 frames, in reg order. */
static const char *const gicv2_frames[] = { "GICD", "GICC", "GICH", "GICV" };

/* A GICv2's frames (b->gicd_* .. b->gicv_*, b->gic_page1) from its four reg entries, checked:
 * each 4 KiB aligned, large enough, not overlapping another. False when reported. */
static bool read_gicv2_frames(struct dt *t, const char *path, const struct range *fr)
{
	struct board *b = t->b;
	static const u64 least[4] = { 0x1000, 0x2000, 0x1000, 0x2000 };
	for (int i = 0; i < 4; i++) {
		if (fr[i].base % 0x1000 || fr[i].size < least[i]) {
			dt_error(t, "%s: reg: the %s frame at 0x%llx (0x%llx bytes) must be 4 KiB aligned and at least %llu KiB",
				 path, gicv2_frames[i], (unsigned long long)fr[i].base, (unsigned long long)fr[i].size,
				 (unsigned long long)least[i] >> 10);
			return false;
		}
		for (int j = 0; j < i; j++)
			if (fr[i].base < fr[j].base + fr[j].size && fr[j].base < fr[i].base + fr[i].size) {
				dt_error(t, "%s: reg: the %s frame 0x%llx-0x%llx overlaps the %s frame", path, gicv2_frames[i],
					 (unsigned long long)fr[i].base, (unsigned long long)(fr[i].base + fr[i].size),
					 gicv2_frames[j]);
				return false;
			}
	}
	/* A GICC of 128 KiB or more: each 4 KiB page is aliased over 64 KiB (GIC-400 on ZynqMP and
	 * others), so its second page, and GICV's, is 64 KiB above the first. */
	u64 page1 = fr[1].size >= 0x20000 ? 0x10000 : 0x1000;
	if (fr[3].size < page1 + 0x1000) {
		dt_error(t, "%s: reg: the GICC frame (0x%llx bytes) has its second page at +0x%llx, but the GICV frame (0x%llx bytes) has none there",
			 path, (unsigned long long)fr[1].size, (unsigned long long)page1, (unsigned long long)fr[3].size);
		return false;
	}
	b->gicd_base = fr[0].base;
	b->gicd_size = fr[0].size;
	b->gicc_base = fr[1].base;
	b->gicc_size = fr[1].size;
	b->gich_base = fr[2].base;
	b->gich_size = fr[2].size;
	b->gicv_base = fr[3].base;
	b->gicv_size = fr[3].size;
	b->gic_page1 = page1;
	return true;
}

static void read_gic(struct dt *t)
{
	struct board *b = t->b;
	const void *fdt = t->fdt;
	int gic = b->gic_offset, parent = fdt_parent_offset(fdt, gic), len;
	bool v2 = b->gic_version == PT_GIC_V2;
	char path[256];
	path_of(fdt, gic, path, sizeof path);
	const fdt32_t *ic = fdt_getprop(fdt, gic, "#interrupt-cells", &len);
	t->gic_icells = 3;
	if (ic && v2 && (len != 4 || fdt32_to_cpu(*ic) != 3)) {
		dt_error(t, "%s: #interrupt-cells of a GICv2 must be <3>", path);
		return;
	}
	if (ic && (len != 4 || fdt32_to_cpu(*ic) < 3 || fdt32_to_cpu(*ic) > 4)) {
		dt_error(t, "%s: #interrupt-cells must be <3> or <4>", path);
		return;
	}
	if (ic)
		t->gic_icells = (int)fdt32_to_cpu(*ic);
	t->gic_phandle = fdt_get_phandle(fdt, gic);
	int ac = parent >= 0 ? ncells(fdt, parent, "#address-cells", 2) : -1;
	int sc = parent >= 0 ? ncells(fdt, parent, "#size-cells", 1) : -1;
	if (ac < 0 || sc < 0 || (parent == 0 && !addressable(ac, sc)))
		return; /* reported with the cell counts */
	if (!addressable(ac, sc)) {
		dt_error(t, "%s: its parent's #address-cells = <%d>, #size-cells = <%d>: the GIC's reg takes 1 or 2 cells each",
			 path, ac, sc);
		return;
	}
	const fdt32_t *reg = fdt_getprop(fdt, gic, "reg", &len);
	int entry = ac + sc, nreg = reg ? len / (4 * entry) : 0;
	if (!reg || len % (4 * entry) || nreg < 2) {
		if (v2)
			dt_error(t, "%s: reg must give the GICv2's frames GICD, GICC, GICH and GICV", path);
		else
			dt_error(t, "%s: reg must give the distributor and the redistributor region", path);
		return;
	}
	if (v2 && nreg < 4) {
		dt_error(t, "%s: GICv2 without virtualization extensions: the hypervisor needs GICH and GICV "
			 "(reg gives %d of the frames GICD, GICC, GICH, GICV)", path, nreg);
		return;
	}
	/* The frames as CPU addresses: the GIC may sit on a bus (ZynqMP's /axi). */
	enum { MAX_DEPTH = 32 };
	int parents[MAX_DEPTH];
	int depth = ancestors(fdt, gic, parents, MAX_DEPTH);
	struct range fr[4];
	int nfr = v2 ? 4 : 2;
	for (int i = 0; i < nfr; i++) {
		fr[i].base = read_cells(reg + i * entry, ac);
		fr[i].size = read_cells(reg + i * entry + ac, sc);
		if (depth < 0 || !translate(fdt, parents, depth - 1, &fr[i].base, false)) {
			dt_error(t, "%s: reg address 0x%llx is outside the ranges of its parent", path,
				 (unsigned long long)fr[i].base);
			return;
		}
		if (wraps(fr[i].base, fr[i].size)) {
			dt_error(t, "%s: reg: the %s region 0x%llx size 0x%llx wraps around the address space", path,
				 v2 ? gicv2_frames[i] : i ? "redistributor" : "distributor",
				 (unsigned long long)fr[i].base, (unsigned long long)fr[i].size);
			return;
		}
	}
	if (v2) {
		if (!read_gicv2_frames(t, path, fr))
			return;
	} else {
		if (fr[0].size < 0x10000) {
			dt_error(t, "%s: reg: the distributor takes 64 KiB", path);
			return;
		}
		b->gicd_base = fr[0].base;
		b->gicd_size = fr[0].size;
		b->gicr_base = fr[1].base;
		b->gicr_size = fr[1].size;
	}
	if (fdt_getprop(fdt, gic, "interrupts", NULL))
		read_ppis(t, gic, "the maintenance interrupt", 1, &b->maint_intid);
}

static void read_timer(struct dt *t, int timer)
{
	unsigned ppi[4];
	/* Secure physical, non-secure physical, virtual, hypervisor (a fifth, the EL2 virtual timer,
	 * may follow). */
	if (!read_ppis(t, timer, "the four timer PPIs", 4, ppi))
		return;
	t->b->ptimer_intid = ppi[1];
	t->b->vtimer_intid = ppi[2];
	t->b->htimer_intid = ppi[3];
}

struct hwid {
	u64 hwid;
	size_t cpu;
};

static int hwid_cmp(const void *a, const void *b)
{
	const struct hwid *x = a, *y = b;
	if (x->hwid != y->hwid)
		return x->hwid < y->hwid ? -1 : 1;
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

/*
 * RISC-V ISA strings (riscv,isa: "rv64imafdch_zicsr_zifencei_..._sstc"). The single-letter
 * extensions follow "rv64" up to the first multi-letter one (which starts with s, x or z, or
 * after an '_'); the pair "su" some DTs put there (QEMU before 7.1) names the privilege modes and
 * is skipped, as Linux does.
 */
static size_t isa_letters_end(const char *isa, size_t from)
{
	size_t i = from;
	while (isa[i] && isa[i] != '_') {
		char c = (char)(isa[i] | 0x20);
		if (c == 's' && (isa[i + 1] | 0x20) == 'u') {
			i += 2;
			continue;
		}
		if (c == 's' || c == 'x' || c == 'z')
			break;
		i++;
	}
	return i;
}

static bool isa_rv64(const char *isa)
{
	return (isa[0] | 0x20) == 'r' && (isa[1] | 0x20) == 'v' && isa[2] == '6' && isa[3] == '4';
}

static bool isa_has_letter(const char *isa, char letter)
{
	size_t end = isa_letters_end(isa, 4);
	for (size_t i = 4; i < end; i++)
		if ((isa[i] | 0x20) == letter)
			return true;
	return false;
}

/* A multi-letter extension ("sstc"), case-insensitively, as a whole '_'-separated word. */
static bool isa_has_ext(const char *isa, const char *ext)
{
	size_t n = strlen(ext);
	for (const char *p = isa + isa_letters_end(isa, 4); *p;) {
		while (*p == '_')
			p++;
		size_t w = strcspn(p, "_");
		if (w == n && !strncasecmp(p, ext, n))
			return true;
		p += w;
	}
	return false;
}

/* The ISA a VM is shown: the hart's without h (a guest runs in VS-mode, with no H of its own). */
static char *isa_without_h(const char *isa)
{
	char *g = xstrdup(isa);
	size_t end = isa_letters_end(g, 4);
	for (size_t i = 4; i < end; i++)
		if ((g[i] | 0x20) == 'h') {
			memmove(g + i, g + i + 1, strlen(g + i));
			break;
		}
	return g;
}

static bool available(const void *fdt, int node);

/* RISC-V: whether a hart can run the hypervisor; NULL, or why not (for the message when none can). */
static const char *hart_unusable(const void *fdt, int node, const char **isa, const char **mmu)
{
	*isa = prop_str(fdt, node, "riscv,isa");
	*mmu = prop_str(fdt, node, "mmu-type");
	if (!available(fdt, node))
		return "it is disabled";
	if (!*isa || !isa_rv64(*isa))
		return "its riscv,isa is not rv64";
	if (!isa_has_letter(*isa, 'h'))
		return "its riscv,isa has no h (the hypervisor extension)";
	if (!*mmu || (strcmp(*mmu, "riscv,sv39") && strcmp(*mmu, "riscv,sv48") && strcmp(*mmu, "riscv,sv57")))
		return "its mmu-type is not riscv,sv39, riscv,sv48 or riscv,sv57";
	return NULL;
}

static void read_cpus(struct dt *t, int cpus)
{
	struct board *b = t->b;
	const void *fdt = t->fdt;
	size_t capcpus = 0, capintc = 0, nintc = 0;
	bool rv = b->arch == PT_ARCH_RISCV64;
	const char *what = rv ? "hart ids" : "MPIDRs";
	const char *skipped = NULL;
	char *skipped_path = NULL;
	int ac = ncells(fdt, cpus, "#address-cells", 2), node;
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = prop_str(fdt, node, "device_type");
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		if (!type || strcmp(type, "cpu") || !reg)
			continue;
		const char *name = fdt_get_name(fdt, node, NULL);
		char *path = xasprintf("/cpus/%s", name ? name : "?");
		if (ac < 1 || ac > 2) {
			dt_error(t, "/cpus: #address-cells must be 1 or 2 (a cpu's reg is its %s)",
				 rv ? "hart id" : "MPIDR");
			free(path);
			break;
		}
		if (len == 0 || len % (4 * ac)) {
			dt_error(t, "%s: reg is %d bytes, not a list of %d-cell %s", path, len, ac, what);
			free(path);
			continue;
		}
		const char *isa = NULL, *mmu = NULL;
		if (rv) {
			/* A hart that cannot run the hypervisor (a monitor core without an MMU, a
			 * disabled one) is not one of the board's CPUs. */
			const char *why = hart_unusable(fdt, node, &isa, &mmu);
			if (why) {
				if (!skipped) {
					skipped = why;
					skipped_path = xstrdup(path);
				}
				free(path);
				continue;
			}
			if (!b->riscv_isa) {
				b->riscv_isa = xstrdup(isa);
				b->mmu_type = xstrdup(mmu);
			} else if (strcmp(isa, b->riscv_isa) || strcmp(mmu, b->mmu_type)) {
				dt_error(t, "%s: riscv,isa \"%s\" and mmu-type \"%s\" differ from %s's (\"%s\", \"%s\"): "
					 "partita shows every VM one kind of hart", path, isa, mmu, b->cpus[0].path,
					 b->riscv_isa, b->mmu_type);
				free(path);
				continue;
			}
			/* Its local interrupt controller, which the PLIC's contexts name. */
			int intc, found = 0;
			fdt_for_each_subnode(intc, fdt, node)
				if (board_is_compatible(fdt, intc, "riscv,cpu-intc")) {
					found = (int)fdt_get_phandle(fdt, intc);
					break;
				}
			grow(&t->intc_phandle, &capintc, nintc + 1, sizeof *t->intc_phandle);
			t->intc_phandle[nintc++] = (uint32_t)found;
		}
		struct board_cpu *c = PUSH(b->cpus, b->ncpus, capcpus);
		memset(c, 0, sizeof *c);
		c->path = path;
		c->hwid = read_cells(reg, ac);
	}
	if (rv && !b->ncpus && skipped && !t->errors)
		dt_error(t, "no hart can run the hypervisor (rv64 with the H extension and an MMU): %s: %s",
			 skipped_path, skipped);
	free(skipped_path);
	/* Two cpu nodes for one core: the hypervisor would start it twice. */
	struct hwid *m = xmalloc((b->ncpus + 1) * sizeof *m);
	for (size_t i = 0; i < b->ncpus; i++)
		m[i] = (struct hwid){ b->cpus[i].hwid, i };
	if (b->ncpus > 1)
		qsort(m, b->ncpus, sizeof *m, hwid_cmp);
	for (size_t i = 1; i < b->ncpus; i++)
		if (m[i].hwid == m[i - 1].hwid)
			dt_error(t, "%s and %s have the same %s 0x%llx", b->cpus[m[i - 1].cpu].path,
				 b->cpus[m[i].cpu].path, rv ? "hart id" : "MPIDR", (unsigned long long)m[i].hwid);
	free(m);
	if (rv && b->riscv_isa) {
		b->guest_isa = isa_without_h(b->riscv_isa);
		if (isa_has_ext(b->riscv_isa, "sstc"))
			b->riscv_ext |= PT_RISCV_EXT_SSTC;
		static const struct { const char *mmu; unsigned mode, bits; } modes[] = {
			{ "riscv,sv39", PT_GSTAGE_SV39X4, 41 }, { "riscv,sv48", PT_GSTAGE_SV48X4, 50 },
			{ "riscv,sv57", PT_GSTAGE_SV57X4, 59 },
		};
		for (size_t i = 0; i < 3; i++)
			if (!strcmp(b->mmu_type, modes[i].mmu)) {
				b->gstage_mode = modes[i].mode;
				b->ipa_bits = modes[i].bits;
			}
	}
}

/* The first reg entry of `node` as a CPU address (through its buses' ranges); false when
 * reported. `what` names it in messages. */
static bool first_reg(struct dt *t, int node, const char *path, const char *what, u64 *base, u64 *size)
{
	const void *fdt = t->fdt;
	int parent = fdt_parent_offset(fdt, node), len;
	int ac = parent >= 0 ? ncells(fdt, parent, "#address-cells", 2) : -1;
	int sc = parent >= 0 ? ncells(fdt, parent, "#size-cells", 1) : -1;
	if (ac < 0 || sc < 0 || (parent == 0 && !addressable(ac, sc)))
		return false; /* reported with the cell counts */
	if (!addressable(ac, sc)) {
		dt_error(t, "%s: its parent's #address-cells = <%d>, #size-cells = <%d>: the %s's reg takes 1 or 2 cells each",
			 path, ac, sc, what);
		return false;
	}
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < 4 * (ac + sc) || len % (4 * (ac + sc))) {
		dt_error(t, "%s: reg must give the %s's registers", path, what);
		return false;
	}
	enum { MAX_DEPTH = 32 };
	int parents[MAX_DEPTH];
	int depth = ancestors(fdt, node, parents, MAX_DEPTH);
	*base = read_cells(reg, ac);
	*size = read_cells(reg + ac, sc);
	if (depth < 0 || !translate(fdt, parents, depth - 1, base, false)) {
		dt_error(t, "%s: reg address 0x%llx is outside the ranges of its parent", path, (unsigned long long)*base);
		return false;
	}
	if (wraps(*base, *size)) {
		dt_error(t, "%s: reg 0x%llx size 0x%llx wraps around the 64-bit address space", path,
			 (unsigned long long)*base, (unsigned long long)*size);
		return false;
	}
	return true;
}

/* PLIC register layout (riscv,plic0): context c's threshold and claim at 0x200000 + 0x1000 * c. */
#define PLIC_CONTEXT_BASE 0x200000ull
#define PLIC_CONTEXT_STRIDE 0x1000ull
/* Sources 1 to 1023 (the PLIC's at most; source 0 means "none"). */
#define PLIC_MAX_NDEV 1023u

/*
 * RISC-V: the PLIC. Its registers, its sources (riscv,ndev), the cells of a device's interrupt,
 * and which of its contexts is each hart's S-mode external interrupt: interrupts-extended lists
 * one <cpu-intc irq> per context, in context order; irq 9 is the supervisor external interrupt
 * (11 the machine one, the firmware's).
 */
static void read_plic(struct dt *t)
{
	struct board *b = t->b;
	const void *fdt = t->fdt;
	int plic = b->plic_offset, len;
	char path[256];
	path_of(fdt, plic, path, sizeof path);
	const fdt32_t *ic = fdt_getprop(fdt, plic, "#interrupt-cells", &len);
	b->plic_icells = 1;
	if (ic && (len != 4 || fdt32_to_cpu(*ic) < 1 || fdt32_to_cpu(*ic) > 2)) {
		dt_error(t, "%s: #interrupt-cells of a PLIC must be <1> or <2>", path);
		return;
	}
	if (ic)
		b->plic_icells = (int)fdt32_to_cpu(*ic);
	const fdt32_t *nd = fdt_getprop(fdt, plic, "riscv,ndev", &len);
	if (!nd || len != 4 || fdt32_to_cpu(*nd) < 1 || fdt32_to_cpu(*nd) > PLIC_MAX_NDEV) {
		dt_error(t, "%s: riscv,ndev must be one cell, the number of interrupt sources (1 to %u)", path,
			 PLIC_MAX_NDEV);
		return;
	}
	b->plic_ndev = fdt32_to_cpu(*nd);
	t->plic_phandle = fdt_get_phandle(fdt, plic);
	if (!first_reg(t, plic, path, "PLIC", &b->plic_base, &b->plic_size))
		return;
	if (b->plic_base % 0x1000 || b->plic_size < PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE) {
		dt_error(t, "%s: reg: the PLIC at 0x%llx (0x%llx bytes) must be 4 KiB aligned and hold a context (at least 0x%llx bytes)",
			 path, (unsigned long long)b->plic_base, (unsigned long long)b->plic_size,
			 PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE);
		return;
	}
	const fdt32_t *ie = fdt_getprop(fdt, plic, "interrupts-extended", &len);
	if (!ie || len % 4) {
		dt_error(t, "%s: interrupts-extended must list the contexts as <cpu-intc irq> pairs", path);
		return;
	}
	int n = len / 4;
	unsigned ctx = 0;
	for (int i = 0; i < n; ctx++) {
		uint32_t ph = fdt32_to_cpu(ie[i]);
		int target = fdt_node_offset_by_phandle(fdt, ph);
		unsigned cells = target >= 0 ? prop_u32_or(fdt, target, "#interrupt-cells", 0) : 0;
		if (target < 0 || cells < 1 || cells > MAX_NCELLS_OTHER || i + 1 + (int)cells > n) {
			dt_error(t, "%s: interrupts-extended: context %u names no interrupt controller (phandle 0x%x) or is cut short",
				 path, ctx, ph);
			return;
		}
		uint32_t irq = fdt32_to_cpu(ie[i + 1]);
		for (size_t k = 0; k < b->ncpus; k++)
			if (t->intc_phandle && t->intc_phandle[k] == ph && irq == 9 && !b->cpus[k].has_plic_ctx) {
				b->cpus[k].plic_ctx = ctx;
				b->cpus[k].has_plic_ctx = true;
			}
		i += 1 + (int)cells;
	}
	for (size_t k = 0; k < b->ncpus; k++) {
		if (!b->cpus[k].has_plic_ctx) {
			dt_error(t, "%s: interrupts-extended gives %s no S-mode context (<its cpu-intc 9>): the hypervisor takes its device interrupts there",
				 path, b->cpus[k].path);
			continue;
		}
		if (PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (b->cpus[k].plic_ctx + 1ull) > b->plic_size)
			dt_error(t, "%s: context %u (%s's S-mode) lies beyond its reg (0x%llx bytes)", path,
				 b->cpus[k].plic_ctx, b->cpus[k].path, (unsigned long long)b->plic_size);
	}
}

/* RISC-V: the timebase (the time CSR's rate), /cpus' timebase-frequency (or the first hart's). */
static void read_timebase(struct dt *t, int cpus)
{
	const void *fdt = t->fdt;
	int len, node = cpus;
	const fdt32_t *p = fdt_getprop(fdt, cpus, "timebase-frequency", &len);
	if (!p && t->b->ncpus) {
		node = fdt_path_offset(fdt, t->b->cpus[0].path);
		p = node >= 0 ? fdt_getprop(fdt, node, "timebase-frequency", &len) : NULL;
	}
	if (!p)
		return;
	if (len != 4 && len != 8) {
		dt_error(t, "/cpus: timebase-frequency is %d bytes, not one or two cells", len);
		return;
	}
	u64 hz = read_cells(p, len / 4);
	if (hz == 0 || hz > BOARD_MAX_COUNTER_HZ)
		dt_error(t, "/cpus: timebase-frequency %llu is not a timer frequency (1 Hz to 1 GHz)",
			 (unsigned long long)hz);
	else
		t->b->timebase_hz = hz;
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
		if (val && name && len > 0 && val[len - 1] == 0)
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

/* `parents` and `path` come from the caller's walk: libfdt finds parents and paths by scanning
 * from the start of the blob, which is quadratic over a whole tree. */
/* The firmware's core-local interruptors (RISC-V: M-mode timer and software interrupts). */
static const char *const clint_compatibles[] = { "riscv,clint0", "sifive,clint0", "riscv,aclint-mswi",
						 "riscv,aclint-mtimer", "riscv,aclint-sswi", NULL };

static void read_device(struct dt *t, const int *parents, int depth, const char *path, bool in_gic,
			uint32_t irq_parent, const struct symbol *syms, size_t nsyms)
{
	struct board *b = t->b;
	const void *fdt = t->fdt;
	int node = parents[depth];
	struct board_device d = { 0 };
	size_t capregs = 0, capirqs = 0;
	read_reg(t, parents, depth, path, false, &d.regs, &d.nregs, &capregs);
	if (d.nregs == 0) {
		free(d.regs);
		return;
	}
	d.offset = node;
	d.path = xstrdup(path);
	d.label = label_of(syms, nsyms, path);
	const char *compat = prop_str(fdt, node, "compatible");
	d.compatible = compat ? xstrdup(compat) : NULL;
	int len, ic = t->gic_icells;
	const fdt32_t *irqs = fdt_getprop(fdt, node, "interrupts", &len);
	if (irqs && irq_parent && irq_parent == t->plic_phandle) {
		/* PLIC specifiers: <source> or <source flags> (IRQ_TYPE_EDGE_*: 1, 2, 3). */
		int pc = b->plic_icells;
		if (len % (4 * pc))
			dt_error(t, "%s: interrupts is %d bytes, not a list of %d-cell PLIC specifiers", path, len, pc);
		else
			for (int i = 0; i + pc <= len / 4; i += pc) {
				struct board_irq irq = { 0 };
				irq.intid = fdt32_to_cpu(irqs[i]);
				irq.ncells = (unsigned)pc;
				for (int k = 0; k < pc; k++)
					irq.cells[k] = fdt32_to_cpu(irqs[i + k]);
				irq.trigger = pc == 2 && (irq.cells[1] & 0x3) ? PT_IRQ_EDGE : PT_IRQ_LEVEL;
				if (irq.intid < 1 || irq.intid > b->plic_ndev)
					dt_error(t, "%s: interrupt %u is not a source of the PLIC (1 to %u, its riscv,ndev)",
						 path, irq.intid, b->plic_ndev);
				else
					*PUSH(d.irqs, d.nirqs, capirqs) = irq;
			}
	} else if (irqs && irq_parent && irq_parent == t->gic_phandle) {
		if (len % (4 * ic))
			dt_error(t, "%s: interrupts is %d bytes, not a list of %d-cell GIC specifiers", path, len, ic);
		else
			for (int i = 0; i + ic <= len / 4; i += ic) {
				struct board_irq irq;
				int r = gic_spec(irqs + i, &irq);
				if (r < 0)
					dt_error(t, "%s: interrupt <%u %u ...> is beyond the GIC's SPIs (0 to 987) and PPIs (0 to 15)",
						 path, fdt32_to_cpu(irqs[i]), fdt32_to_cpu(irqs[i + 1]));
				else if (r > 0)
					*PUSH(d.irqs, d.nirqs, capirqs) = irq;
			}
	}
	/* The interrupt controller and its children belong to the hypervisor; a CLINT to the firmware. */
	d.reserved = in_gic;
	for (size_t i = 0; b->arch == PT_ARCH_RISCV64 && clint_compatibles[i] && !d.reserved; i++)
		d.reserved = d.firmware = board_is_compatible(fdt, node, clint_compatibles[i]);
	size_t cap = b->ndevs;
	grow(&b->devs, &cap, b->ndevs + 1, sizeof *b->devs);
	b->devs[b->ndevs++] = d;
}

/* A node's status: absent, "okay" or "ok" is in use (as Linux reads it). */
static bool available(const void *fdt, int node)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "status", &len);
	return !s || (len > 0 && s[len - 1] == 0 && (!strcmp(s, "okay") || !strcmp(s, "ok")));
}

static void add_reserved(struct board *b, size_t *cap, u64 base, u64 size, char *name)
{
	size_t c = *cap;
	grow(&b->reserved, cap, b->nreserved + 1, sizeof *b->reserved);
	grow(&b->reserved_names, &c, b->nreserved + 1, sizeof *b->reserved_names);
	b->reserved[b->nreserved] = (struct range){ base, size };
	b->reserved_names[b->nreserved++] = name;
}

/* The memory reservation block (/memreserve/ in a DTS): checked by fdt_check_full to end within
 * the blob; here also to lie outside the structure and strings blocks. */
static void read_memreserve(struct dt *t, size_t *cap)
{
	const void *fdt = t->fdt;
	int n = fdt_num_mem_rsv(fdt);
	if (n < 0) {
		dt_error(t, "its memory reservation block has no end (%s)", fdt_strerror(n));
		return;
	}
	u64 lo = fdt_off_mem_rsvmap(fdt), hi = lo + ((u64)n + 1) * sizeof(struct fdt_reserve_entry);
	u64 st = fdt_off_dt_struct(fdt), st_end = st + fdt_size_dt_struct(fdt);
	u64 str = fdt_off_dt_strings(fdt), str_end = str + fdt_size_dt_strings(fdt);
	if ((lo < st_end && st < hi) || (lo < str_end && str < hi)) {
		dt_error(t, "its memory reservation block overlaps its structure or strings block");
		return;
	}
	for (int i = 0; i < n; i++) {
		uint64_t base, size;
		if (fdt_get_mem_rsv(fdt, i, &base, &size) != 0 || size == 0)
			continue;
		if (wraps(base, size)) {
			dt_error(t, "/memreserve/ 0x%llx 0x%llx wraps around the 64-bit address space",
				 (unsigned long long)base, (unsigned long long)size);
			continue;
		}
		add_reserved(t->b, cap, base, size,
			     xasprintf("/memreserve/ 0x%llx 0x%llx", (unsigned long long)base, (unsigned long long)size));
	}
}

/* A child of /reserved-memory. Static carve-outs (a `reg`) are memory firmware or another master
 * uses from boot: reserved, whether `no-map` or `reusable` or neither (a reusable pool still
 * belongs to one device's driver). Dynamic ones (`size` and `alloc-ranges`, no `reg`) are a
 * request to the OS that allocates them at boot; under Partita no OS owns the board's memory
 * (each guest gets a generated DT), so nothing is allocated and they reserve nothing. Disabled
 * nodes (status other than okay) reserve nothing, as in Linux. Such nodes are never devices. */
static void read_reserved(struct dt *t, const int *parents, int depth, const char *path, size_t *cap)
{
	int node = parents[depth];
	if (!available(t->fdt, node) || !fdt_getprop(t->fdt, node, "reg", NULL))
		return;
	struct range *r = NULL;
	size_t n = 0, capr = 0;
	read_reg(t, parents, depth, path, true, &r, &n, &capr);
	for (size_t i = 0; i < n; i++)
		if (r[i].size)
			add_reserved(t->b, cap, r[i].base, r[i].size, xstrdup(path));
	free(r);
}

static void read_dt(struct dt *t)
{
	struct board *b = t->b;
	const void *fdt = t->fdt;
	size_t capram = 0, capresv = 0;

	check_node(t, 0, -1, "/");
	int rac = ncells(fdt, 0, "#address-cells", 2), rsc = ncells(fdt, 0, "#size-cells", 1);
	if (rac >= 0 && rsc >= 0 && !addressable(rac, rsc))
		dt_error(t, "/: #address-cells = <%d>, #size-cells = <%d>: the root's addresses and sizes take 1 or 2 cells",
			 rac, rsc);
	/* The architecture: RISC-V when the CPUs say their ISA (riscv,isa), else AArch64. */
	int cpus = fdt_path_offset(fdt, "/cpus"), node, len;
	b->arch = PT_ARCH_AARCH64;
	b->ipa_bits = 40;
	if (cpus >= 0)
		fdt_for_each_subnode(node, fdt, cpus)
			if (fdt_getprop(fdt, node, "riscv,isa", NULL) || board_is_compatible(fdt, node, "riscv"))
				b->arch = PT_ARCH_RISCV64;
	b->gic_offset = b->plic_offset = -1;
	b->gic_version = 0;
	t->gic_icells = 3;
	if (b->arch == PT_ARCH_RISCV64) {
		b->ipa_bits = 0;   /* from the harts' mmu-type */
		if (cpus >= 0)
			read_cpus(t, cpus);
		/* The interrupt controller: the first PLIC in DT order. */
		for (size_t i = 0; board_plic_compatibles[i]; i++) {
			int o = fdt_node_offset_by_compatible(fdt, -1, board_plic_compatibles[i]);
			if (o >= 0 && (b->plic_offset < 0 || o < b->plic_offset))
				b->plic_offset = o;
		}
		if (b->plic_offset >= 0)
			read_plic(t);
		if (cpus >= 0)
			read_timebase(t, cpus);
	} else {
		/* The interrupt controller: a GICv3, else the first GICv2 in DT order. */
		b->gic_offset = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
		b->gic_version = b->gic_offset >= 0 ? PT_GIC_V3 : 0;
		for (size_t i = 0; b->gic_version != PT_GIC_V3 && board_gicv2_compatibles[i]; i++) {
			int o = fdt_node_offset_by_compatible(fdt, -1, board_gicv2_compatibles[i]);
			if (o >= 0 && (b->gic_offset < 0 || o < b->gic_offset)) {
				b->gic_offset = o;
				b->gic_version = PT_GIC_V2;
			}
		}
		if (b->gic_offset >= 0)
			read_gic(t);
		if (cpus >= 0)
			read_cpus(t, cpus);
		if (b->gicr_size && b->ncpus && b->gicr_size / 0x20000 < b->ncpus)
			dt_error(t, "the GIC's redistributor region (0x%llx bytes) has no 128 KiB frame for each of its %zu cpus",
				 (unsigned long long)b->gicr_size, b->ncpus);
		int timer = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
		if (timer >= 0)
			read_timer(t, timer);
	}
	read_memreserve(t, &capresv);

	/* One walk over the tree, keeping the chain of ancestors (offset and path) by depth. */
	enum { MAX_DEPTH = 32 };
	int parents[MAX_DEPTH];
	char *paths[MAX_DEPTH] = { 0 };
	bool gic_below[MAX_DEPTH] = { false };
	bool resv_below[MAX_DEPTH] = { false }; /* inside /reserved-memory */
	uint32_t irq_parent[MAX_DEPTH] = { 0 }; /* inherited interrupt-parent phandle */
	size_t nsyms;
	struct symbol *syms = read_symbols(fdt, &nsyms);
	int depth = 0;
	paths[0] = xstrdup("");
	parents[0] = 0;
	const fdt32_t *rip = fdt_getprop(fdt, 0, "interrupt-parent", &len);
	irq_parent[0] = rip && len == 4 ? fdt32_to_cpu(*rip) : 0;
	for (node = fdt_next_node(fdt, 0, &depth); node >= 0 && depth > 0; node = fdt_next_node(fdt, node, &depth)) {
		if (depth >= MAX_DEPTH)
			continue;
		const char *name = fdt_get_name(fdt, node, NULL);
		free(paths[depth]);
		paths[depth] = xasprintf("%s/%s", paths[depth - 1], name ? name : "?");
		parents[depth] = node;
		int parent = parents[depth - 1];
		gic_below[depth] = gic_below[depth - 1] || node == b->gic_offset || node == b->plic_offset;
		resv_below[depth] = resv_below[depth - 1] || (depth == 1 && name && !strcmp(name, "reserved-memory"));
		const fdt32_t *ip = fdt_getprop(fdt, node, "interrupt-parent", &len);
		irq_parent[depth] = ip && len == 4 ? fdt32_to_cpu(*ip) : irq_parent[depth - 1];
		if ((name && name[0] == '_') || (depth > 1 && paths[1][1] == '_'))
			continue; /* __symbols__, __fixups__, ...: not hardware */
		check_node(t, node, parent, paths[depth]);
		if (parent == cpus || node == cpus)
			continue;
		if (resv_below[depth]) {
			if (depth == 1) {
				int ac = ncells(fdt, node, "#address-cells", 2), sc = ncells(fdt, node, "#size-cells", 1);
				if (ac >= 0 && sc >= 0 && !addressable(ac, sc))
					dt_error(t, "%s: #address-cells = <%d>, #size-cells = <%d>: its children's reg take 1 or 2 cells",
						 paths[depth], ac, sc);
			} else if (depth == 2)
				read_reserved(t, parents, depth, paths[depth], &capresv);
			continue;
		}
		const char *type = prop_str(fdt, node, "device_type");
		if (type && !strcmp(type, "memory")) {
			/* Banks of size 0 are no RAM: a DT its firmware fills in at boot leaves them so. */
			size_t first = b->nram, kept = first;
			read_reg(t, parents, depth, paths[depth], false, &b->ram, &b->nram, &capram);
			for (size_t i = first; i < b->nram; i++)
				if (b->ram[i].size)
					b->ram[kept++] = b->ram[i];
			if (kept == first && b->nram > first && !b->ram_unsized)
				b->ram_unsized = xstrdup(paths[depth]);
			b->nram = kept;
			continue;
		}
		read_device(t, parents, depth, paths[depth], gic_below[depth], irq_parent[depth], syms, nsyms);
	}
	for (int i = 0; i < MAX_DEPTH; i++)
		free(paths[i]);
	free(syms);
}

bool board_read_dtb(struct board *b, const void *blob, size_t size, struct loc at, struct loc whole)
{
	int errors = diag_count();
	struct dt t = { .b = b, .at = at };
	/* A copy: libfdt wants the blob 8-byte aligned, and the board keeps it. */
	void *fdt = xmalloc(size ? size : 1);
	memcpy(fdt, blob, size);
	int r = fdt_check_full(fdt, size);
	if (r == 0 && fdt_version(fdt) < 17)
		r = -FDT_ERR_BADVERSION;
	if (r != 0) {
		dt_error(&t, "not a valid device tree blob (%s%s)", fdt_strerror(r),
			 r == -FDT_ERR_TRUNCATED ? ": shorter than its header says" : "");
		free(fdt);
		return false;
	}
	b->fdt = fdt;
	t.fdt = fdt;
	b->fdt_size = fdt_totalsize(fdt);
	read_dt(&t);
	if (t.errors > DT_MAX_ERRORS) {
		char *more = xasprintf("its device tree has %u more problem%s", t.errors - DT_MAX_ERRORS,
				       t.errors - DT_MAX_ERRORS == 1 ? "" : "s");
		board_invalid(b, at, more);
		free(more);
	}
	/* What the hypervisor cannot do without (unless already reported as malformed). */
	if (t.errors == 0) {
		if (b->nram == 0 && b->ram_unsized && !b->ram_from_firmware) {
			char *msg = xasprintf("its device tree: %s: reg states no RAM (size 0: the board's firmware "
					      "fills it in at boot); write the RAM the board has into it",
					      b->ram_unsized);
			board_invalid(b, at, msg);
			free(msg);
		} else if (b->ncpus == 0 || (b->nram == 0 && !b->ram_unsized)) {
			board_invalid(b, whole, "its device tree has no cpu or no memory node");
		}
		if (b->arch == PT_ARCH_RISCV64) {
			if (b->plic_offset < 0 || !b->plic_ndev)
				board_invalid(b, whole, "its device tree has no PLIC (riscv,plic0, sifive,plic-1.0.0) "
					      "interrupt controller");
			if (!b->timebase_hz)
				board_invalid(b, whole, "its device tree has no timebase-frequency in /cpus");
		} else {
			if (b->gic_offset < 0 || !b->gicd_base)
				board_invalid(b, whole, "its device tree has no GICv3 (arm,gic-v3) or GICv2 (arm,gic-400, "
					      "arm,cortex-a15-gic, arm,cortex-a7-gic) interrupt controller");
			if (!b->vtimer_intid)
				board_invalid(b, whole, "its device tree has no arm,armv8-timer node");
		}
	}
	free(t.intc_phandle);
	return diag_count() == errors;
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
		b->has_llc = true;
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
	/* RISC-V: the DT states it (timebase-frequency); board.yaml may repeat it, not contradict it. */
	b->counter_hz = b->timebase_hz ? b->timebase_hz : BOARD_DEFAULT_COUNTER_HZ;
	if ((v = ymap_get(y, root, "counter_hz"))) {
		u64 hz = 0;
		if (yread_u64(y, v, "counter frequency", &hz)) {
			if (hz == 0 || hz > BOARD_MAX_COUNTER_HZ) {
				char *msg = xasprintf("counter_hz %llu is not a counter frequency (1 Hz to 1 GHz)",
						      (unsigned long long)hz);
				board_invalid(b, yloc(y, v), msg);
				free(msg);
			} else if (b->timebase_hz && hz != b->timebase_hz) {
				char *msg = xasprintf("counter_hz %llu is not the timebase-frequency of its device "
						      "tree's /cpus (%llu): leave it out, or make the two agree",
						      (unsigned long long)hz, (unsigned long long)b->timebase_hz);
				board_invalid(b, yloc(y, v), msg);
				free(msg);
			} else {
				b->counter_hz = hz;
				b->counter_hz_at = yloc(y, v);
			}
		}
	}
	if ((v = ymap_get(y, root, "hypervisor")) && ymap_check(y, v, &K_HYP)) {
		if ((w = ymap_get(y, v, "load")) && yread_u64(y, w, "hypervisor load", &b->hyp_load))
			b->hyp_load_at = yloc(y, w);
		if ((w = ymap_get(y, v, "memory")))
			yread_size(y, w, "hypervisor memory", &b->hyp_default_size);
		if ((w = ymap_get(y, v, "console")) && yread_str(y, w, "hypervisor console", &str)) {
			b->console = xstrdup(str);
			b->console_at = yloc(y, w);
		}
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
				if (board_is_compatible(b->fdt, b->devs[d].offset, str))
					b->devs[d].dma = true;
		}
	}
	if ((v = ymap_get(y, root, "qemu")) && ymap_check(y, v, &K_QEMU)) {
		u64 smp = 0;
		b->has_qemu = true;
		if ((w = ymap_get(y, v, "binary")) && yread_str(y, w, "qemu binary", &str))
			b->qemu_binary = xstrdup(str);
		if ((w = ymap_get(y, v, "machine")) && yread_str(y, w, "qemu machine", &str))
			b->qemu_machine = xstrdup(str);
		if ((w = ymap_get(y, v, "cpu")) && yread_str(y, w, "qemu cpu", &str))
			b->qemu_cpu = xstrdup(str);
		if ((w = ymap_get(y, v, "extra")) && yread_str(y, w, "qemu extra", &str))
			b->qemu_extra = xstrdup(str);
		if ((w = ymap_get(y, v, "bios")) && yread_str(y, w, "qemu bios", &str))
			b->qemu_bios = xstrdup(str);
		if ((w = ymap_get(y, v, "smp")))
			yread_u64(y, w, "qemu smp", &smp);
		b->qemu_smp = smp > UINT_MAX ? UINT_MAX : (unsigned)smp; /* a mismatch either way */
		if ((w = ymap_get(y, v, "memory")))
			yread_size(y, w, "qemu memory", &b->qemu_memory);
	}
	return true;
}


static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * board-unknown: which boards there are (the folders of `boards_dir` with a board.yaml, sorted),
 * and the one `name` is likeliest a typo of. A board name is a folder name: no '/'.
 */
static void unknown_board(const char *boards_dir, const char *name, struct loc at)
{
	struct diag *d = diag_error(at, "board-unknown", "unknown board '%s'", name);
	char **names = NULL;
	size_t n = 0, cap = 0, len = 0;
	DIR *dir = opendir(boards_dir);
	struct dirent *e;
	while (dir && (e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		char *facts = xasprintf("%s/%s/board.yaml", boards_dir, e->d_name);
		if (file_exists(facts)) {
			*PUSH(names, n, cap) = xstrdup(e->d_name);
			len += strlen(e->d_name) + 2;
		}
		free(facts);
	}
	if (dir)
		closedir(dir);
	if (!n) {
		diag_hint(d, "%s/ holds no board (a folder with board.yaml and board.dts); --board-dir "
			  "or PARTITA_BOARD_DIR names the folder of the boards", boards_dir);
		return;
	}
	qsort(names, n, sizeof *names, cmp_str);
	char *list = xmalloc(len + 1), *p = list;
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? ", " : "", names[i]);
	/* A path (board: ../boards/zcu102) names a board by its last part. */
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	const char *near = closest_word(base, (const char *const *)names, n);
	if (near)
		diag_hint(d, "did you mean '%s'?%s The boards in %s/ (one folder each, with board.yaml "
			  "and board.dts): %s", near, base != name ? " A board is named by its folder, "
			  "not a path." : "", boards_dir, list);
	else
		diag_hint(d, "the boards in %s/ (one folder each, with board.yaml and board.dts): %s",
			  boards_dir, list);
	free(list);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
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
		unknown_board(boards_dir, name, at);
		free(facts);
		board_free(b);
		return NULL;
	}
	char *err = NULL, *dts = NULL;
	b->facts_src = source_load(facts, &err);
	free(facts);
	struct ydoc y = { 0 };
	bool ok = b->facts_src && ydoc_load(&y, b->facts_src);
	struct loc fat = { b->facts_src, 0, 0 };
	if (ok) {
		/* dts first: the DMA facts name compatibles in it. */
		yaml_node_t *v = ymap_get(&y, ydoc_root(&y), "dts");
		const char *str = NULL;
		if (v && yis_scalar(v) && (str = yscalar(v))) {
			char *path = path_join(b->dir, str);
			size_t size = 0;
			const void *blob = compile_dts(path, &size, &err);
			b->dts_path = path;   /* an input of gen's outputs (system.d) */
			if (!blob) {
				board_invalid(b, yloc(&y, v), err);
				ok = false;
			} else if (!board_read_dtb(b, blob, size, yloc(&y, v), fat))
				ok = false; /* reported */
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
	u64 ram = 0;
	for (size_t i = 0; i < b->nram; i++)
		ram = b->ram[i].size > UINT64_MAX - ram ? UINT64_MAX : ram + b->ram[i].size;
	if (b->qemu_memory && b->qemu_memory != ram)
		board_invalid(b, fat, "qemu memory does not match the memory nodes of its device tree");
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
	free(b->ram_unsized);
	for (size_t i = 0; i < b->nreserved; i++)
		free(b->reserved_names[i]);
	free(b->reserved);
	free(b->reserved_names);
	free(b->fdt);
	free(b->name);
	free(b->dir);
	free(b->dts_path);
	free(b->console);
	free(b->qemu_binary);
	free(b->qemu_machine);
	free(b->qemu_cpu);
	free(b->qemu_extra);
	free(b->qemu_bios);
	free(b->riscv_isa);
	free(b->guest_isa);
	free(b->mmu_type);
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
		/* Aliases and symbols are strings only when NUL-terminated within their length. */
		int aliases = fdt_path_offset(fdt, "/aliases");
		path = aliases >= 0 ? prop_str(fdt, aliases, ref) : NULL;
		if (!path) { /* a node's second label */
			int sym = fdt_path_offset(fdt, "/__symbols__");
			path = sym >= 0 ? prop_str(fdt, sym, ref) : NULL;
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
