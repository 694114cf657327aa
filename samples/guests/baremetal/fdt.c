/*
 * Flattened device tree reader (devicetree specification v0.4, chapter 5).
 *
 * The blob comes from outside this program, so every offset and length is checked against the
 * blob's own totalsize and block sizes before use, and strings count only if NUL-terminated inside
 * their block. Values are big-endian and may be unaligned with respect to 8 bytes: read bytewise
 * (we run with the MMU off, where unaligned accesses fault). Besides /chosen, /cpus and the
 * channels, the one walk finds the console UART, the GIC and the PSCI conduit (plat.c uses them);
 * in the riscv64 build (FDT_RISCV, fdt.h) the UART, the harts, the timebase and the PLIC with its
 * contexts instead (riscv64/plat.c).
 */
#include "fdt.h"

#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9
#define MAX_SIZE       (1u << 20)

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int starts_with(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

/* Length of the NUL-terminated string at p, or -1 if it runs past `end`. */
static long bounded_strlen(const uint8_t *p, const uint8_t *end)
{
	for (const uint8_t *q = p; q < end; q++)
		if (!*q)
			return q - p;
	return -1;
}

/*
 * Device discovery. The walk keeps, for each depth (the root is 1, its children 2), the node's
 * name, the #address-cells/#size-cells and `ranges` it gives its children, and what the node
 * itself may be (by its compatible string), with pointers to its reg and interrupts; the node is
 * judged at its end, when all its properties have been seen. Nodes deeper than MAX_DEPTH are
 * walked over but not looked at. Everything is static: fdt_read() runs once, on vCPU 0 (whose
 * stack is small), before anything else; and not zeroed at entry (NOINIT: every field is written
 * before it is read), which would cost more than the reading.
 */
#define NOINIT       __attribute__((section(".noinit.fdt")))
#define MAX_DEPTH    8
#define MAX_UARTS    4
#define MAX_ALIASES  8

struct level {
	const char *name;
	uint32_t addr_cells, size_cells;     /* for its children (defaults 2 and 1) */
	const uint8_t *ranges;               /* NULL: no ranges property (children untranslatable) */
	uint32_t ranges_len;
	enum fdt_kind kind;
	int disabled, psci;
	const uint8_t *reg, *irq;
	uint32_t reg_len, irq_len;
	const char *method;
#ifdef FDT_RISCV
	uint32_t phandle, intc;              /* intc: a cpu node's riscv,cpu-intc child's phandle */
	const uint8_t *irqx;                 /* interrupts-extended */
	uint32_t irqx_len, reg_shift, io_width, ndev;
	int sstc;
#endif
};

struct uart_cand {
	struct fdt_dev dev;
	unsigned depth;
	const char *names[MAX_DEPTH + 1];    /* names[2..depth]: the path from the root */
};

static NOINIT struct level lv[MAX_DEPTH + 1];
static NOINIT struct uart_cand uarts[MAX_UARTS];
static NOINIT unsigned nuarts, naliases;
static NOINIT const char *alias_name[MAX_ALIASES], *alias_path[MAX_ALIASES];
#ifdef FDT_RISCV
static NOINIT uint32_t hart_intc[FDT_MAX_CPUS];   /* the cpu-intc phandle of info->hart[i] */
static NOINIT const uint8_t *plic_irqx;
static NOINIT uint32_t plic_irqx_len;
#endif

/*
 * What a compatible string names. The vendor prefix first: this runs for every compatible
 * string of the tree before the first character can be printed (hypervisor/bench.sh).
 */
static enum fdt_kind kind_of(const char *s, int *psci)
{
	if (starts_with(s, "arm,")) {
		s += 4;
		switch (s[0]) {
		case 'p':
			if (streq(s, "pl011"))
				return FDT_PL011;
			if (starts_with(s, "psci"))
				*psci = 1;   /* and no device: classify() stops */
			break;
		case 's':
			return streq(s, "sbsa-uart") ? FDT_PL011 : FDT_NONE;
		case 'g':
			return streq(s, "gic-v3") ? FDT_GICV3 : streq(s, "gic-400") ? FDT_GICV2 : FDT_NONE;
		case 'c':
			return streq(s, "cortex-a15-gic") || streq(s, "cortex-a7-gic") ? FDT_GICV2 : FDT_NONE;
		}
	} else if (s[0] == 'c' || s[0] == 'x') {
		if (streq(s, "cdns,uart-r1p12") || streq(s, "cdns,uart-r1p8") ||
		    streq(s, "xlnx,xuartps"))
			return FDT_CADENCE;
	}
#ifdef FDT_RISCV
	else if (s[0] == 'n') {
		if (streq(s, "ns16550a") || streq(s, "ns16550"))
			return FDT_NS16550;
	} else if (s[0] == 'g') {
		if (streq(s, "google,goldfish-rtc"))
			return FDT_GOLDFISH_RTC;
	} else if (s[0] == 'r' || s[0] == 's') {
		if (streq(s, "riscv,plic0") || streq(s, "sifive,plic-1.0.0"))
			return FDT_PLIC;
		if (streq(s, "riscv,cpu-intc"))
			return FDT_CPU_INTC;
	}
#endif
	return FDT_NONE;
}

/*
 * The first string of a compatible list (len bytes at val, NUL-terminated: so is every string
 * in it) that names a kind we know.
 */
static void classify(struct level *l, const uint8_t *val, uint32_t len)
{
	const uint8_t *end = val + len;

	for (const uint8_t *s = val; s < end; s++) {
		l->kind = kind_of((const char *)s, &l->psci);
		if (l->kind != FDT_NONE || l->psci)
			return;
		while (*s)   /* to the next string */
			s++;
	}
}

/* n cells (0..2) at p, big-endian. */
static uint64_t cells(const uint8_t *p, uint32_t n)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < n; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

/*
 * Translate address a of a node at depth d up to the root's address space (IPAs), through each
 * ancestor bus's `ranges`. 0 if it cannot be translated (then *a is unusable).
 */
static int translate(uint64_t *a, unsigned d)
{
	for (unsigned b = d - 1; b >= 2; b--) {   /* b: the bus the address is in */
		const struct level *bus = &lv[b];
		uint32_t ca = bus->addr_cells, cs = bus->size_cells, pa = lv[b - 1].addr_cells;
		uint32_t entry = 4 * (ca + pa + cs);
		int hit = 0;

		if (!bus->ranges)
			return 0;
		if (!bus->ranges_len)
			continue;   /* `ranges;`: the same address space */
		if (ca > 2 || pa > 2 || cs > 2 || !ca || !pa)
			return 0;
		for (uint32_t off = 0; off + entry <= bus->ranges_len; off += entry) {
			const uint8_t *r = bus->ranges + off;
			uint64_t child = cells(r, ca), parent = cells(r + 4 * ca, pa);
			uint64_t size = cells(r + 4 * (ca + pa), cs);
			if (*a >= child && *a - child < size) {
				*a = parent + (*a - child);
				hit = 1;
				break;
			}
		}
		if (!hit)
			return 0;
	}
	return 1;
}

/* A node we know ends at depth d: read its reg (two entries at most) and first interrupt. */
static int device(unsigned d, struct fdt_dev *dev)
{
	const struct level *l = &lv[d], *parent = &lv[d - 1];
	uint32_t ac = parent->addr_cells, sc = parent->size_cells, entry = 4 * (ac + sc);

	if (!l->reg || ac < 1 || ac > 2 || sc > 2 || l->reg_len < entry)
		return 0;
	dev->kind = l->kind;
	dev->nreg = 0;
	dev->base[1] = dev->size[1] = 0;
	for (uint32_t off = 0; off + entry <= l->reg_len && dev->nreg < 2; off += entry) {
		uint64_t base = cells(l->reg + off, ac);
		if (!translate(&base, d))
			return 0;
		dev->base[dev->nreg] = base;
		dev->size[dev->nreg++] = cells(l->reg + off + 4 * ac, sc);
	}
	dev->intid = 0;
#ifdef FDT_RISCV
	if (l->irq && l->irq_len >= 4)      /* <source>, the PLIC's binding */
		dev->intid = be32(l->irq);
	dev->reg_shift = l->reg_shift;
	dev->io_width = l->io_width;
#else
	if (l->irq && l->irq_len >= 12) {   /* <type number flags>, the GIC's binding */
		uint32_t type = be32(l->irq), num = be32(l->irq + 4);
		if (type == 0 && num < 988)
			dev->intid = num + 32;
		else if (type == 1 && num < 16)
			dev->intid = num + 16;
	}
#endif
	return 1;
}

/* The property names node_prop() looks at. */
enum { P_OTHER, P_COMPATIBLE, P_REG, P_RANGES, P_INTERRUPTS, P_ADDR_CELLS, P_SIZE_CELLS,
       P_STATUS, P_METHOD, P_PHANDLE, P_IRQ_EXT, P_REG_SHIFT, P_IO_WIDTH, P_NDEV, P_ISA,
       P_ISA_EXT };

/* By length and first letter first: most names are none of these. */
static unsigned name_id(const char *n, long len)
{
	switch (len) {
	case 3:
		return streq(n, "reg") ? P_REG : P_OTHER;
	case 6:
		return n[0] == 'r' ? (streq(n, "ranges") ? P_RANGES : P_OTHER) :
		       n[0] == 's' ? (streq(n, "status") ? P_STATUS : P_OTHER) :
		       n[0] == 'm' ? (streq(n, "method") ? P_METHOD : P_OTHER) : P_OTHER;
	case 10:
#ifdef FDT_RISCV
		if (n[0] == 'r')
			return streq(n, "riscv,ndev") ? P_NDEV : P_OTHER;
#endif
		return n[0] == 'c' ? (streq(n, "compatible") ? P_COMPATIBLE : P_OTHER) :
		       n[0] == 'i' ? (streq(n, "interrupts") ? P_INTERRUPTS : P_OTHER) : P_OTHER;
	case 11:
		return n[0] == '#' && streq(n, "#size-cells") ? P_SIZE_CELLS : P_OTHER;
	case 14:
		return n[0] == '#' && streq(n, "#address-cells") ? P_ADDR_CELLS : P_OTHER;
#ifdef FDT_RISCV
	case 7:
		return streq(n, "phandle") ? P_PHANDLE : P_OTHER;
	case 9:
		return streq(n, "reg-shift") ? P_REG_SHIFT : streq(n, "riscv,isa") ? P_ISA : P_OTHER;
	case 12:
		return streq(n, "reg-io-width") ? P_IO_WIDTH : P_OTHER;
	case 19:
		return streq(n, "interrupts-extended") ? P_IRQ_EXT : P_OTHER;
	case 20:
		return streq(n, "riscv,isa-extensions") ? P_ISA_EXT : P_OTHER;
#endif
	}
	return P_OTHER;
}

/* A property of a node we may want. */
static void node_prop(struct level *l, unsigned id, const uint8_t *val, uint32_t len, int is_str)
{
	switch (id) {
	case P_COMPATIBLE:
		if (is_str)
			classify(l, val, len);
		break;
	case P_REG:
		l->reg = val, l->reg_len = len;
		break;
	case P_RANGES:
		l->ranges = val, l->ranges_len = len;
		break;
	case P_INTERRUPTS:
		l->irq = val, l->irq_len = len;
		break;
	case P_ADDR_CELLS:
		if (len == 4)
			l->addr_cells = be32(val);
		break;
	case P_SIZE_CELLS:
		if (len == 4)
			l->size_cells = be32(val);
		break;
	case P_STATUS:
		if (is_str)
			l->disabled = !streq((const char *)val, "okay") && !streq((const char *)val, "ok");
		break;
	case P_METHOD:
		if (is_str)
			l->method = (const char *)val;
		break;
#ifdef FDT_RISCV
	case P_PHANDLE:
		if (len == 4)
			l->phandle = be32(val);
		break;
	case P_IRQ_EXT:
		l->irqx = val, l->irqx_len = len;
		break;
	case P_REG_SHIFT:
		if (len == 4)
			l->reg_shift = be32(val);
		break;
	case P_IO_WIDTH:
		if (len == 4)
			l->io_width = be32(val);
		break;
	case P_NDEV:
		if (len == 4)
			l->ndev = be32(val);
		break;
	case P_ISA:
		/* "rv64imafdch_zicsr_..._sstc": multi-letter extensions after underscores */
		if (is_str)
			for (const uint8_t *q = val; q + 5 < val + len; q++)
				if (q[0] == '_' && starts_with((const char *)q + 1, "sstc") &&
				    (q[5] == '_' || q[5] == 0))
					l->sstc = 1;
		break;
	case P_ISA_EXT:
		/* a string list: "i", "m", ..., "sstc" */
		if (is_str)
			for (const uint8_t *q = val; q < val + len; q++) {
				if (streq((const char *)q, "sstc"))
					l->sstc = 1;
				while (*q)
					q++;
			}
		break;
#endif
	}
}

static void node_end(unsigned d, struct fdt_info *info)
{
	struct level *l = &lv[d];

#ifdef FDT_RISCV
	/* A hart (/cpus/cpu@N, enabled), and the phandle of its interrupt controller. */
	if (d == 3 && streq(lv[2].name, "cpus") && starts_with(l->name, "cpu@") && !l->disabled &&
	    l->reg && lv[2].addr_cells >= 1 && lv[2].addr_cells <= 2 &&
	    l->reg_len >= 4 * lv[2].addr_cells && info->nharts < FDT_MAX_CPUS) {
		info->hart[info->nharts] = (uint32_t)cells(l->reg, lv[2].addr_cells);
		info->hart_sstc[info->nharts] = (uint8_t)l->sstc;
		hart_intc[info->nharts++] = l->intc;
		return;
	}
	if (l->kind == FDT_CPU_INTC) {   /* a hart's: /cpus/cpu@N/interrupt-controller */
		if (d == 4)
			lv[3].intc = l->phandle;
		return;
	}
	if (l->kind == FDT_PLIC) {
		if (info->plic.kind == FDT_NONE && !l->disabled && device(d, &info->plic)) {
			plic_irqx = l->irqx;
			plic_irqx_len = l->irqx_len;
			info->plic_ndev = l->ndev;
		} else {
			info->plic.kind = FDT_NONE;
		}
		return;
	}
	if (l->kind == FDT_GOLDFISH_RTC) {
		if (info->rtc.kind == FDT_NONE && !l->disabled && !device(d, &info->rtc))
			info->rtc.kind = FDT_NONE;
		return;
	}
#endif
	if (l->psci && l->method)
		info->psci_smc = streq(l->method, "smc") ? 1 : streq(l->method, "hvc") ? 0 : -1;
	if (l->kind == FDT_NONE || l->disabled)
		return;
	if (l->kind == FDT_GICV3 || l->kind == FDT_GICV2) {
		if (info->gic.kind == FDT_NONE && !device(d, &info->gic))
			info->gic.kind = FDT_NONE;
	} else if (nuarts < MAX_UARTS) {
		struct uart_cand *c = &uarts[nuarts];
		if (!device(d, &c->dev))
			return;
		nuarts++;
		c->depth = d;
		for (unsigned i = 2; i <= d; i++)
			c->names[i] = lv[i].name;
	}
}

/* Field by field: a structure assignment may become a call to memcpy, which we do not have. */
static void dev_copy(struct fdt_dev *to, const struct fdt_dev *from)
{
	to->kind = from->kind;
	to->nreg = from->nreg;
	for (unsigned i = 0; i < 2; i++)
		to->base[i] = from->base[i], to->size[i] = from->size[i];
	to->intid = from->intid;
#ifdef FDT_RISCV
	to->reg_shift = from->reg_shift;
	to->io_width = from->io_width;
#endif
}

/*
 * Does a path ("/a/b@1", maybe followed by ":options") name the node with these names? A path
 * component may leave out the unit address ("/serial" for serial@9000000).
 */
static int path_is(const char *p, const struct uart_cand *c)
{
	for (unsigned i = 2; i <= c->depth; i++) {
		const char *n = c->names[i];
		if (*p++ != '/')
			return 0;
		while (*p && *p != '/' && *p != ':' && *p == *n)
			p++, n++;
		if ((*p && *p != '/' && *p != ':') || (*n && *n != '@'))
			return 0;
	}
	return !*p || *p == ':';
}

/*
 * The console: the UART stdout-path names (itself or through an alias), else the first PL011
 * (a VM's vUART: a passed-through Cadence UART may come before it), else the first UART.
 */
static void pick_uart(const char *stdout_path, struct fdt_info *info)
{
	const char *p = stdout_path;

	if (p && *p != '/') {
		const char *alias = p;
		p = 0;
		for (unsigned i = 0; i < naliases && !p; i++) {
			const char *a = alias, *n = alias_name[i];
			while (*n && *a == *n)
				a++, n++;
			if (!*n && (!*a || *a == ':'))
				p = alias_path[i];
		}
	}
	for (unsigned i = 0; p && i < nuarts; i++)
		if (path_is(p, &uarts[i])) {
			dev_copy(&info->uart, &uarts[i].dev);
			return;
		}
	for (unsigned i = 0; i < nuarts; i++)
		if (uarts[i].dev.kind == FDT_PL011) {
			dev_copy(&info->uart, &uarts[i].dev);
			return;
		}
	if (nuarts)
		dev_copy(&info->uart, &uarts[0].dev);
}

#ifdef FDT_RISCV
/*
 * Each hart's S-mode PLIC context: the index of the interrupts-extended entry <phandle cause>
 * (a riscv,cpu-intc has one interrupt cell) that names the hart's cpu-intc and cause 9. The harts
 * are the enabled cpu nodes; ncpus counts them from here on.
 */
static void plic_contexts(struct fdt_info *info)
{
	for (unsigned i = 0; i < FDT_MAX_CPUS; i++)
		info->plic_ctx[i] = -1;
	for (uint32_t k = 0; plic_irqx && 8 * (k + 1) <= plic_irqx_len; k++) {
		uint32_t ph = be32(plic_irqx + 8 * k), cause = be32(plic_irqx + 8 * k + 4);
		for (unsigned i = 0; cause == 9 && i < info->nharts; i++)
			if (hart_intc[i] == ph && info->plic_ctx[i] < 0)
				info->plic_ctx[i] = (int)k;
	}
	if (info->nharts)
		info->ncpus = info->nharts;
}
#endif

int fdt_read(const void *blob, struct fdt_info *info)
{
	const uint8_t *b = blob;

	if (!b || be32(b) != FDT_MAGIC)
		return -1;
	uint32_t total = be32(b + 4), off_struct = be32(b + 8), off_strings = be32(b + 12);
	uint32_t size_strings = be32(b + 32), size_struct = be32(b + 36);
	if (total < 40 || total > MAX_SIZE || off_struct > total || size_struct > total - off_struct ||
	    off_strings > total || size_strings > total - off_strings || (off_struct & 3))
		return -1;

	const uint8_t *p = b + off_struct, *end = p + size_struct;
	const uint8_t *strings = b + off_strings, *strings_end = strings + size_strings;
	const char *stdout_path = 0;
	int depth = 0;
	enum { OTHER, CHOSEN, CPUS, CHANNEL, ALIASES } in = OTHER;   /* the depth-2 node we are in */

	nuarts = naliases = 0;
	info->uart.kind = info->gic.kind = FDT_NONE;
	info->psci_smc = -1;
#ifdef FDT_RISCV
	info->plic.kind = FDT_NONE;
	info->rtc.kind = FDT_NONE;
	info->nharts = 0;
	info->timebase = 0;
	info->plic_ndev = 0;
	plic_irqx = 0;
	plic_irqx_len = 0;
#endif
	while (p + 4 <= end) {
		uint32_t tok = be32(p);
		p += 4;
		switch (tok) {
		case FDT_BEGIN_NODE: {
			long n = bounded_strlen(p, end);
			if (n < 0)
				return -1;
			const char *name = (const char *)p;
			depth++;
			if (depth == 2) {
				in = streq(name, "chosen") ? CHOSEN : streq(name, "cpus") ? CPUS :
				     streq(name, "aliases") ? ALIASES :
				     starts_with(name, "channel@") ? CHANNEL : OTHER;
				if (in == CHANNEL && info->nchannels < FDT_MAX_CHANNELS)
					info->nchannels++;
				else if (in == CHANNEL)
					in = OTHER;
			}
			else if (depth == 3 && in == CPUS && starts_with(name, "cpu@"))
				info->ncpus++;
			if (depth <= MAX_DEPTH) {
				struct level *l = &lv[depth];
				l->name = name;
				l->addr_cells = 2;
				l->size_cells = 1;
				l->ranges = 0;
				l->ranges_len = 0;
				l->kind = FDT_NONE;
				l->disabled = l->psci = 0;
				l->reg = l->irq = 0;
				l->reg_len = l->irq_len = 0;
				l->method = 0;
#ifdef FDT_RISCV
				l->phandle = l->intc = 0;
				l->irqx = 0;
				l->irqx_len = l->reg_shift = l->ndev = 0;
				l->io_width = 1;
				l->sstc = 0;
#endif
			}
			p += (n + 1 + 3) & ~3ul;
			break;
		}
		case FDT_END_NODE:
			if (depth < 1)
				return -1;
			if (depth <= MAX_DEPTH && depth >= 2)
				node_end((unsigned)depth, info);
			depth--;
			break;
		case FDT_PROP: {
			if (p + 8 > end)
				return -1;
			uint32_t len = be32(p), nameoff = be32(p + 4);
			const uint8_t *val = p + 8;
			if (len > (uint32_t)(end - val) || nameoff >= size_strings)
				return -1;
			const char *pname = (const char *)strings + nameoff;
			long nlen = bounded_strlen(strings + nameoff, strings_end);
			if (nlen < 0)
				return -1;
			if (depth < 1)
				return -1;   /* a property outside any node */
			/* A string property counts only if it ends inside its own value. */
			int is_str = len > 0 && val[len - 1] == 0;
			if (depth == 2 && in == CHOSEN && is_str) {
				if (streq(pname, "partita,vm-name"))
					info->vm_name = (const char *)val;
				else if (streq(pname, "bootargs"))
					info->bootargs = (const char *)val;
				else if (streq(pname, "stdout-path") ||
					 (streq(pname, "linux,stdout-path") && !stdout_path))
					stdout_path = (const char *)val;
			}
#ifdef FDT_RISCV
			/* /cpus says it for all harts; else the first cpu node that does. */
			if (in == CPUS && (depth == 2 || (depth == 3 && !info->timebase)) &&
			    (len == 4 || len == 8) && streq(pname, "timebase-frequency"))
				info->timebase = cells(val, len / 4);
#endif
			if (depth == 2 && in == ALIASES && is_str && val[0] == '/' &&
			    naliases < MAX_ALIASES) {
				alias_name[naliases] = pname;
				alias_path[naliases++] = (const char *)val;
			}
			if (depth == 2 && in == CHANNEL) {
				/* reg: two address and two size cells (Partita's device trees). */
				struct fdt_channel *c = &info->channels[info->nchannels - 1];
				if (streq(pname, "reg") && len == 16) {
					c->base = (uint64_t)be32(val) << 32 | be32(val + 4);
					c->size = (uint64_t)be32(val + 8) << 32 | be32(val + 12);
				} else if (streq(pname, "interrupts") && len == 12) {
					c->intid = be32(val + 4) + 32;
#ifdef FDT_RISCV
				} else if (streq(pname, "interrupts") && len == 4) {
					c->intid = be32(val);   /* a PLIC source */
#endif
				} else if (streq(pname, "partita,index") && len == 4) {
					c->index = be32(val);
				} else if (streq(pname, "partita,endpoint") && len == 4) {
					c->endpoint = be32(val);
				}
			}
			if (depth <= MAX_DEPTH) {
				unsigned id = name_id(pname, nlen);
				if (id != P_COMPATIBLE || depth >= 2)   /* the root is no device */
					node_prop(&lv[depth], id, val, len, is_str);
			}
			p = val + ((len + 3) & ~3u);
			break;
		}
		case FDT_NOP:
			break;
		case FDT_END:
			if (depth != 0)
				return -1;
			pick_uart(stdout_path, info);
#ifdef FDT_RISCV
			plic_contexts(info);
#endif
			return 0;
		default:
			return -1;
		}
	}
	return -1;
}
