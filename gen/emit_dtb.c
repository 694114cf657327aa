/*
 * Guest device trees, written with libfdt.
 *
 * A guest's DTB says exactly what its VM has: its RAM, its vCPUs (PSCI over HVC, which the
 * hypervisor emulates), the GIC as the VM sees it (GICv3: distributor + one redistributor per
 * vCPU; GICv2: distributor + CPU interface), the timer, its vUART, the nodes of its
 * passed-through devices copied from the board DT, and one node per channel. Interrupt
 * specifiers are copied from the board DT, never retyped, so they cannot disagree with the INTIDs
 * in config.c (both come from board.c); only a GICv2 timer's CPU mask is the VM's own.
 *
 * A RISC-V VM's instead: /cpus with the timebase and one hart per vCPU (reg = the vCPU's index,
 * the board harts' riscv,isa without h, their mmu-type, a riscv,cpu-intc each), the VM's PLIC
 * at the board's PLIC address with two contexts per vCPU as on the board (2k: vCPU k's M-mode
 * one, <cpuK-intc 11>, never raised; 2k + 1: its S-mode external interrupt, <cpuK-intc 9>) and the board's riscv,ndev, an ns16550a vUART. No PSCI node (harts
 * start through SBI HSM) and no timer node (the timer is architectural: the time CSR, stimecmp).
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "emitters.h"
#include "../hypervisor/include/partita/config.h"

#define DTB_MAX (64u << 10)
/* The VM's interrupt controller (GIC or PLIC); RISC-V harts' cpu-intc nodes follow it. */
#define IRQC_PHANDLE 1
/* The ns16550a vUART's input clock when the board's console states none (the classic crystal). */
#define VUART_CLOCK_HZ 1843200

struct dt {
	void *fdt;
	int err;
	uint32_t next_phandle;
	/* Board phandles copied or being copied (clock providers), and their guest phandles (0 while
	 * a provider is being copied and nothing has referred to it yet). */
	uint32_t copied_from[16], copied_to[16];
	size_t ncopied;
	/* The VM's own devices: one of them may be another's clock provider (a VM given the
	 * Raspberry Pi's mini UART and the AUX block that clocks it). It is copied once, as the
	 * device it is, with a phandle when something refers to it. */
	const struct board_device **own;
	size_t nown;
	unsigned char *own_state;   /* 0: not copied yet, 1: being copied, 2: copied */
	uint32_t *own_ph;           /* its guest phandle, 0 while nothing refers to it */
};

static int sub(struct dt *d, int parent, const char *name)
{
	int n = fdt_add_subnode(d->fdt, parent, name);
	if (n < 0 && !d->err)
		d->err = n;
	return n < 0 ? 0 : n;
}

static void prop(struct dt *d, int node, const char *name, const void *val, int len)
{
	int r = fdt_setprop(d->fdt, node, name, val, len);
	if (r < 0 && !d->err)
		d->err = r;
}

static void prop_str(struct dt *d, int node, const char *name, const char *val)
{
	prop(d, node, name, val, (int)strlen(val) + 1);
}

static void prop_u32(struct dt *d, int node, const char *name, uint32_t v)
{
	fdt32_t be = cpu_to_fdt32(v);
	prop(d, node, name, &be, 4);
}

static void prop_cells(struct dt *d, int node, const char *name, const uint32_t *cells, size_t n)
{
	fdt32_t be[64];
	for (size_t i = 0; i < n && i < 64; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	prop(d, node, name, be, (int)(n * 4));
}

/* reg with 2 address and 2 size cells. */
static void prop_reg(struct dt *d, int node, const struct range *r, size_t n)
{
	uint32_t cells[64];
	size_t k = 0;
	for (size_t i = 0; i < n && k + 4 <= 64; i++) {
		cells[k++] = (uint32_t)(r[i].base >> 32);
		cells[k++] = (uint32_t)r[i].base;
		cells[k++] = (uint32_t)(r[i].size >> 32);
		cells[k++] = (uint32_t)r[i].size;
	}
	prop_cells(d, node, "reg", cells, k);
}

static char *node_name(const char *base, u64 addr)
{
	return xasprintf("%s@%llx", base, (unsigned long long)addr);
}

/*
 * Properties that point at board nodes a VM does not get (power domains and resets run by the
 * board's firmware, pin controllers (and a GPIO block's `gpio-ranges` into one), IOMMUs, PHYs, DMA
 * engines, mailboxes, regulators, GPIOs...):
 * left out of a copied node, whose guest DT would otherwise hold dangling phandles. `clocks` is
 * kept, its providers copied along; interrupts are rewritten for the VM's GIC.
 */
static bool board_only(const char *name)
{
	static const char *const names[] = {
		"phandle", "linux,phandle", "interrupt-parent", "interrupts-extended", "power-domains",
		"power-domain-names", "resets", "reset-names", "pinctrl-names", "iommus", "iommu-map",
		"phys", "phy-names", "phy-handle", "dmas", "dma-names", "mboxes", "mbox-names",
		"nvmem-cells", "nvmem-cell-names", "assigned-clocks", "assigned-clock-parents",
		"assigned-clock-rates", "interconnects", "interconnect-names", "operating-points-v2",
		"msi-parent", "gpios", "gpio-ranges", NULL,
	};
	for (size_t i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return true;
	size_t n = strlen(name);
	return !strncmp(name, "pinctrl-", 8) || (n > 7 && !strcmp(name + n - 7, "-supply")) ||
	       (n > 6 && !strcmp(name + n - 6, "-gpios")) || (n > 5 && !strcmp(name + n - 5, "-gpio"));
}

/* Clock providers feeding providers (ZynqMP: the firmware's clock controller, fed by fixed
 * clocks) are copied this deep; a hostile board's cycle ends here. */
enum { MAX_PROVIDER_DEPTH = 4 };

static void copy_clocks(struct dt *d, const struct board *b, int dst, const fdt32_t *val, int len, int depth);
static void copy_device(struct dt *d, const struct board *b, size_t k);

/* Copy a board node that a device references by phandle (a clock provider) to the guest root,
 * once, with the providers of its own clocks; returns the guest phandle (0: not copied).
 * A provider with registers of its own (an MMIO clock controller: the Raspberry Pi's cprman, the
 * i.MX's CCM) is not the VM's: it keeps its place in the clock tree, so that the device's
 * references stay valid, but with `status = "disabled"` (the VM's OS must not drive it), its
 * `reg` translated to CPU addresses as a device's is (the bus it sits on is not copied), and
 * without its interrupts and address ranges. */
static uint32_t copy_provider(struct dt *d, const struct board *b, uint32_t board_phandle, int depth)
{
	for (size_t i = 0; i < d->ncopied; i++)
		if (d->copied_from[i] == board_phandle) {
			/* A cycle back to a provider being copied (the Raspberry Pi's cprman takes clocks
			 * from the DSI blocks it clocks): it gets its phandle now. */
			if (!d->copied_to[i])
				d->copied_to[i] = d->next_phandle++;
			return d->copied_to[i];
		}
	int src = fdt_node_offset_by_phandle(b->fdt, board_phandle);
	for (size_t k = 0; src >= 0 && k < d->nown; k++)
		if (d->own[k]->offset == src) {   /* the VM's own device: copied as such */
			if (d->own_ph[k])
				return d->own_ph[k];
			d->own_ph[k] = d->next_phandle++;
			if (d->own_state[k] == 0) {
				copy_device(d, b, k);   /* writes the phandle */
			} else if (d->own_state[k] == 2) {
				/* Copied already, without one. Only a device's first pass over its
				 * providers gets here, before its own node exists: no offset held
				 * by a caller moves. */
				int node = fdt_subnode_offset(d->fdt, 0, fdt_get_name(b->fdt, src, NULL));
				if (node >= 0)
					prop_u32(d, node, "phandle", d->own_ph[k]);
			}                          /* 1: copy_device writes it when it is done */
			return d->own_ph[k];
		}
	if (src < 0 || d->ncopied == 16 || depth > MAX_PROVIDER_DEPTH)
		return 0;
	size_t me = d->ncopied++;
	d->copied_from[me] = board_phandle;
	d->copied_to[me] = 0;
	int len;
	/* Its own providers first: adding nodes moves the offsets of nodes added before. */
	const fdt32_t *clocks = fdt_getprop(b->fdt, src, "clocks", &len);
	if (clocks)
		copy_clocks(d, b, -1, clocks, len, depth + 1);
	int dst = sub(d, 0, fdt_get_name(b->fdt, src, NULL));
	bool mmio = fdt_getprop(b->fdt, src, "reg", NULL) != NULL;
	int p;
	fdt_for_each_property_offset(p, b->fdt, src) {
		const char *name;
		const void *val = fdt_getprop_by_offset(b->fdt, p, &name, &len);
		if (mmio && (!strcmp(name, "reg") || !strcmp(name, "status") || !strcmp(name, "ranges") ||
			     !strcmp(name, "dma-ranges") || !strcmp(name, "interrupts") ||
			     !strcmp(name, "interrupt-names")))
			continue;
		if (!strcmp(name, "clocks"))
			copy_clocks(d, b, dst, val, len, depth + 1);
		else if (!board_only(name))
			prop(d, dst, name, val, len);
	}
	if (mmio) {
		for (size_t i = 0; i < b->ndevs; i++)
			if (b->devs[i].offset == src && b->devs[i].nregs)
				prop_reg(d, dst, b->devs[i].regs, b->devs[i].nregs);
		prop_str(d, dst, "status", "disabled");
	}
	if (!d->copied_to[me])
		d->copied_to[me] = d->next_phandle++;
	prop_u32(d, dst, "phandle", d->copied_to[me]);
	return d->copied_to[me];
}

/* The `clocks` property, with each provider copied and its phandle rewritten (dst < 0: only
 * copy the providers). */
static void copy_clocks(struct dt *d, const struct board *b, int dst, const fdt32_t *val, int len, int depth)
{
	uint32_t cells[32];
	size_t n = 0;
	for (int i = 0; i < len / 4 && n < 32;) {
		uint32_t ph = fdt32_to_cpu(val[i]);
		int provider = fdt_node_offset_by_phandle(b->fdt, ph);
		int ncells = 0, cclen = 0;
		const fdt32_t *cc = provider >= 0 ? fdt_getprop(b->fdt, provider, "#clock-cells", &cclen) : NULL;
		/* Untrusted board data: one cell, and a specifier no longer than the property. */
		if (cc && cclen == 4 && fdt32_to_cpu(*cc) <= 32)
			ncells = (int)fdt32_to_cpu(*cc);
		cells[n++] = copy_provider(d, b, ph, depth);
		for (int k = 0; k < ncells && i + 1 + k < len / 4 && n < 32; k++)
			cells[n++] = fdt32_to_cpu(val[i + 1 + k]);
		i += 1 + ncells;
	}
	if (dst >= 0)
		prop_cells(d, dst, "clocks", cells, n);
}

/* The VM's k-th device (d->own[k]), once. */
static void copy_device(struct dt *d, const struct board *b, size_t k)
{
	const struct board_device *bd = d->own[k];
	int p, len;
	if (d->own_state[k])
		return;
	d->own_state[k] = 1;
	/* Providers first: adding nodes moves the offsets of nodes added before. */
	const fdt32_t *clocks = fdt_getprop(b->fdt, bd->offset, "clocks", &len);
	if (clocks)
		copy_clocks(d, b, -1, clocks, len, 0);
	int dst = sub(d, 0, fdt_get_name(b->fdt, bd->offset, NULL));
	fdt_for_each_property_offset(p, b->fdt, bd->offset) {
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(b->fdt, p, &name, &len);
		if (board_only(name))
			continue;
		if (!strcmp(name, "reg"))
			prop_reg(d, dst, bd->regs, bd->nregs); /* translated to the root's address space */
		else if (!strcmp(name, "clocks"))
			copy_clocks(d, b, dst, val, len, 0);
		else
			prop(d, dst, name, val, len);
	}
	/* An interrupt controller (a GPIO block that interrupts for its lines) states the
	 * #address-cells an interrupt-map would use; the board's often leave it out, which dtc
	 * warns about. Its children are not copied: 0. */
	if (fdt_getprop(b->fdt, bd->offset, "interrupt-controller", NULL) &&
	    !fdt_getprop(b->fdt, bd->offset, "#address-cells", NULL))
		prop_u32(d, dst, "#address-cells", 0);
	if (bd->nirqs)
		prop_u32(d, dst, "interrupt-parent", IRQC_PHANDLE);
	if (d->own_ph[k])
		prop_u32(d, dst, "phandle", d->own_ph[k]);
	d->own_state[k] = 2;
}

/*
 * /chosen/rng-seed (64 bytes) and kaslr-seed (8): from the system description's text and the VM's
 * name, so a build is reproducible, every VM's seed differs, and a changed description changes
 * them. Not secret: the same image boots with the same seeds every time (docs/schema.md).
 */
static uint64_t mix(uint64_t x)
{
	/* splitmix64's finaliser */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void seeds(struct dt *d, int chosen, const struct m_system *s, const struct m_vm *vm)
{
	uint64_t h = 0xcbf29ce484222325ull;   /* FNV-1a over the description, then the name */
	uint8_t rng[64];
	fdt64_t kaslr;

	for (size_t i = 0; i < s->src->len; i++)
		h = (h ^ (uint8_t)s->src->text[i]) * 0x100000001b3ull;
	for (const char *c = vm->name; *c; c++)
		h = (h ^ (uint8_t)*c) * 0x100000001b3ull;
	for (size_t i = 0; i < sizeof rng; i += 8) {
		uint64_t v = mix(h + i);
		for (int k = 0; k < 8; k++)
			rng[i + (size_t)k] = (uint8_t)(v >> (8 * k));
	}
	kaslr = cpu_to_fdt64(mix(h ^ 0x6b61736c72ull));
	prop(d, chosen, "rng-seed", rng, sizeof rng);
	prop(d, chosen, "kaslr-seed", &kaslr, sizeof kaslr);
}

/* A string-list property without one of its strings (the harts' riscv,isa-extensions without
 * "h"). */
static void prop_strlist_without(struct dt *d, int node, const char *name, const char *list, int len,
				 const char *drop)
{
	char *out = xmalloc(len > 0 ? (size_t)len : 1);
	int n = 0;
	for (int i = 0; i < len;) {
		int w = (int)strnlen(list + i, (size_t)(len - i));
		if (i + w >= len)
			break;   /* not NUL-terminated: the rest is no string */
		if (strcmp(list + i, drop)) {
			memcpy(out + n, list + i, (size_t)w + 1);
			n += w + 1;
		}
		i += w + 1;
	}
	prop(d, node, name, out, n);
	free(out);
}

/* RISC-V: /cpus with the timebase and a hart per vCPU, each with its local interrupt controller
 * (phandle IRQC_PHANDLE + 1 + vCPU). */
static void riscv_cpus(struct dt *d, const struct board *b, const struct m_vm *vm)
{
	int cpus = sub(d, 0, "cpus");
	prop_u32(d, cpus, "#address-cells", 1);
	prop_u32(d, cpus, "#size-cells", 0);
	prop_u32(d, cpus, "timebase-frequency", (uint32_t)b->counter_hz);
	int src = fdt_path_offset(b->fdt, b->cpus[0].path), len = 0;
	const char *compat = src >= 0 ? fdt_getprop(b->fdt, src, "compatible", &len) : NULL;
	const char *base = src >= 0 ? fdt_getprop(b->fdt, src, "riscv,isa-base", NULL) : NULL;
	int elen = 0;
	const char *exts = src >= 0 ? fdt_getprop(b->fdt, src, "riscv,isa-extensions", &elen) : NULL;
	for (size_t c = vm->ncpus; c-- > 0;) {
		/* Added in reverse: libfdt inserts each new subnode first. */
		char *name = node_name("cpu", c);
		int n = sub(d, cpus, name);
		prop_str(d, n, "device_type", "cpu");
		prop_u32(d, n, "reg", (uint32_t)c);
		prop_str(d, n, "status", "okay");
		if (compat && len > 0 && compat[len - 1] == 0)
			prop(d, n, "compatible", compat, len);
		else
			prop_str(d, n, "compatible", "riscv");
		prop_str(d, n, "riscv,isa", b->guest_isa);
		if (base && memchr(base, 0, 16))
			prop_str(d, n, "riscv,isa-base", base);
		if (exts && elen > 0)
			prop_strlist_without(d, n, "riscv,isa-extensions", exts, elen, "h");
		prop_str(d, n, "mmu-type", b->mmu_type);
		int intc = sub(d, n, "interrupt-controller");
		prop_u32(d, intc, "#address-cells", 0);
		prop_u32(d, intc, "#interrupt-cells", 1);
		prop(d, intc, "interrupt-controller", NULL, 0);
		prop_str(d, intc, "compatible", "riscv,cpu-intc");
		prop_u32(d, intc, "phandle", IRQC_PHANDLE + 1 + (uint32_t)c);
		free(name);
	}
}

/* RISC-V: the VM's PLIC, laid out as QEMU's and most SoCs' are: two contexts per hart, 2k its
 * M-mode external interrupt (11: present, never raised) and 2k + 1 its S-mode one (9), so that
 * guests that compute their context from their hart id (Bao's, xv6's) find it where they look.
 * As many sources as the board's PLIC, with its #interrupt-cells, so that the specifiers copied
 * from the board mean the same. */
static void riscv_plic(struct dt *d, const struct board *b, const struct m_vm *vm)
{
	char *name = node_name("interrupt-controller", vm->plic_ipa);
	int n = sub(d, 0, name);
	free(name);
	static const char compat[] = "sifive,plic-1.0.0\0riscv,plic0";
	struct range r = { vm->plic_ipa, vm->plic_size };
	uint32_t ext[4 * PT_MAX_CPUS];
	size_t k = 0;
	for (size_t c = 0; c < vm->ncpus && k + 4 <= sizeof ext / sizeof ext[0]; c++) {
		ext[k++] = IRQC_PHANDLE + 1 + (uint32_t)c;
		ext[k++] = 11;
		ext[k++] = IRQC_PHANDLE + 1 + (uint32_t)c;
		ext[k++] = 9;
	}
	prop(d, n, "compatible", compat, sizeof compat);
	prop_reg(d, n, &r, 1);
	prop_u32(d, n, "#address-cells", 0);
	prop_u32(d, n, "#interrupt-cells", (uint32_t)b->plic_icells);
	prop(d, n, "interrupt-controller", NULL, 0);
	prop_cells(d, n, "interrupts-extended", ext, k);
	prop_u32(d, n, "riscv,ndev", b->plic_ndev);
	prop_u32(d, n, "phandle", IRQC_PHANDLE);
}

/* AArch64: /cpus (PSCI), /psci, the VM's GIC and the timer. */
static void aarch64_cpus_gic(struct dt *d, const struct board *b, const struct m_vm *vm)
{
	int cpus = sub(d, 0, "cpus");
	prop_u32(d, cpus, "#address-cells", 1);
	prop_u32(d, cpus, "#size-cells", 0);
	const char *cpu_compat = NULL;
	int cpu_node = fdt_path_offset(b->fdt, b->cpus[0].path);
	int compat_len = 0;
	if (cpu_node >= 0)
		cpu_compat = fdt_getprop(b->fdt, cpu_node, "compatible", &compat_len);
	for (size_t c = vm->ncpus; c-- > 0;) {
		/* Added in reverse: libfdt inserts each new subnode first. */
		char *name = node_name("cpu", c);
		int n = sub(d, cpus, name);
		prop_str(d, n, "device_type", "cpu");
		if (cpu_compat)
			prop(d, n, "compatible", cpu_compat, compat_len);
		prop_u32(d, n, "reg", (uint32_t)c);
		prop_str(d, n, "enable-method", "psci");
		free(name);
	}

	int psci = sub(d, 0, "psci");
	/*
	 * The hypervisor answers PSCI_VERSION with 1.1. The device-tree binding has no compatible
	 * for 1.1: "arm,psci-1.0" stands for every 1.x, and guests read the exact version at run
	 * time (Linux prints "PSCIv1.1 detected in firmware").
	 */
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	prop(d, psci, "compatible", psci_compat, sizeof psci_compat);
	prop_str(d, psci, "method", "hvc");

	bool v2 = b->gic_version == PT_GIC_V2;
	char *gic_name = node_name("intc", vm->gicd_ipa);
	int gic = sub(d, 0, gic_name);
	free(gic_name);
	if (v2) {
		/* GICv2: the emulated distributor (4 KiB) and the CPU interface, which is the hardware's
		 * virtual CPU interface mapped there (two pages). */
		struct range gic_regs[2] = { { vm->gicd_ipa, PT_PAGE_SIZE }, { vm->gicv_ipa, vm->gicv_size } };
		prop_str(d, gic, "compatible", board_is_compatible(b->fdt, b->gic_offset, "arm,gic-400") ?
			 "arm,gic-400" : "arm,cortex-a15-gic");
		prop_u32(d, gic, "#interrupt-cells", 3);
		prop_u32(d, gic, "#address-cells", 0);
		prop(d, gic, "interrupt-controller", NULL, 0);
		prop_reg(d, gic, gic_regs, 2);
	} else {
		struct range gic_regs[2] = { { vm->gicd_ipa, vm->gicd_size }, { vm->gicr_ipa, vm->gicr_size } };
		prop_str(d, gic, "compatible", "arm,gic-v3");
		prop_u32(d, gic, "#interrupt-cells", 3);
		prop_u32(d, gic, "#address-cells", 0);
		prop(d, gic, "interrupt-controller", NULL, 0);
		prop_u32(d, gic, "#redistributor-regions", 1);
		prop_reg(d, gic, gic_regs, 2);
	}
	prop_u32(d, gic, "phandle", IRQC_PHANDLE);

	int tsrc = fdt_node_offset_by_compatible(b->fdt, -1, "arm,armv8-timer");
	if (tsrc >= 0) {
		int t = sub(d, 0, "timer");
		int p;
		fdt_for_each_property_offset(p, b->fdt, tsrc) {
			const char *name;
			int len;
			const void *val = fdt_getprop_by_offset(b->fdt, p, &name, &len);
			/* interrupt-parent: the root's, the VM's GIC. */
			if (!strcmp(name, "phandle") || !strcmp(name, "interrupt-parent"))
				continue;
			if (v2 && !strcmp(name, "interrupts") && len > 0 && len % 12 == 0 && len <= 64 * 4) {
				/* GICv2 PPIs name the CPUs they go to in flags bits 15:8: the VM's vCPUs,
				 * with the board's trigger (board.c read 3-cell specifiers, at least 4). */
				uint32_t cells[64];
				const fdt32_t *v = val;
				uint32_t mask = vm->ncpus >= 8 ? 0xff : (1u << vm->ncpus) - 1;
				for (int i = 0; i < len / 4; i++)
					cells[i] = fdt32_to_cpu(v[i]);
				for (int i = 0; i + 2 < len / 4; i += 3)
					if (cells[i] == 1)
						cells[i + 2] = (mask << 8) | (cells[i + 2] & 0xf);
				prop_cells(d, t, name, cells, (size_t)len / 4);
				continue;
			}
			prop(d, t, name, val, len);
		}
	}
}

static bool build_dtb(struct emit_ctx *ctx, struct m_vm *vm, void *buf, char **err)
{
	struct m_system *s = ctx->s;
	struct board *b = s->board;
	bool rv = b->arch == PT_ARCH_RISCV64;
	/* RISC-V: the harts' cpu-intc nodes take the phandles after the PLIC's. */
	struct dt d = { .fdt = buf, .next_phandle = IRQC_PHANDLE + 1 + (rv ? (uint32_t)vm->ncpus : 0) };
	int r = fdt_create_empty_tree(buf, DTB_MAX);
	if (r < 0) {
		*err = xasprintf("vm '%s': libfdt: %s", vm->name, fdt_strerror(r));
		return false;
	}
	char *model = xasprintf("Partita VM %s (system %s)", vm->name, s->name);
	prop_u32(&d, 0, "#address-cells", 2);
	prop_u32(&d, 0, "#size-cells", 2);
	prop_str(&d, 0, "model", model);
	static const char compat[] = "partita,vm\0linux,dummy-virt";
	if (rv)
		prop_str(&d, 0, "compatible", "partita,vm");
	else
		prop(&d, 0, "compatible", compat, sizeof compat);
	/* AArch64: every interrupt goes to the VM's GIC, the root's interrupt-parent. Not on RISC-V:
	 * there the harts' riscv,cpu-intc nodes would inherit it and make the PLIC their parent
	 * (Linux then finds no root interrupt controller); each device names the PLIC instead. */
	if (!rv)
		prop_u32(&d, 0, "interrupt-parent", IRQC_PHANDLE);
	free(model);

	char *uart_path = vm->vuart_ipa ? node_name("/serial", vm->vuart_ipa) : NULL;
	int chosen = sub(&d, 0, "chosen");
	prop_str(&d, chosen, "partita,vm-name", vm->name);
	prop_str(&d, chosen, "partita,system", s->name);
	if (vm->image.bootargs)
		prop_str(&d, chosen, "bootargs", vm->image.bootargs);
	seeds(&d, chosen, s, vm);
	if (uart_path)
		prop_str(&d, chosen, "stdout-path", uart_path);
	if (vm->image.initrd_size) {
		fdt64_t start = cpu_to_fdt64(vm->image.initrd_ipa);
		fdt64_t end = cpu_to_fdt64(vm->image.initrd_ipa + vm->image.initrd_size);
		prop(&d, chosen, "linux,initrd-start", &start, 8);
		prop(&d, chosen, "linux,initrd-end", &end, 8);
	}
	if (uart_path) {
		int aliases = sub(&d, 0, "aliases");
		prop_str(&d, aliases, "serial0", uart_path);
	}

	for (size_t i = 0; i < vm->nmem; i++) {
		char *name = node_name("memory", vm->mem[i].ipa);
		int m = sub(&d, 0, name);
		struct range rr = { vm->mem[i].ipa, vm->mem[i].size };
		prop_str(&d, m, "device_type", "memory");
		prop_reg(&d, m, &rr, 1);
		free(name);
	}

	if (rv) {
		riscv_cpus(&d, b, vm);
		riscv_plic(&d, b, vm);
	} else {
		aarch64_cpus_gic(&d, b, vm);
	}

	if (uart_path && rv) {
		/* An ns16550a: registers a byte apart; the board console's interrupt (PLIC source). */
		int n = sub(&d, 0, uart_path + 1);
		const struct board_device *con = &b->devs[s->hyp_console_dev];
		struct range rr = { vm->vuart_ipa, PT_PAGE_SIZE };
		struct uart_params u = board_uart_params(b->fdt, con->offset);
		prop_str(&d, n, "compatible", "ns16550a");
		prop_reg(&d, n, &rr, 1);
		prop_u32(&d, n, "reg-shift", 0);
		prop_u32(&d, n, "reg-io-width", 1);
		prop_u32(&d, n, "clock-frequency", s->console_uart == PT_UART_NS16550 && u.clock_hz ? u.clock_hz
											: VUART_CLOCK_HZ);
		prop_u32(&d, n, "current-speed", 115200);
		if (con->nirqs) {
			prop_cells(&d, n, "interrupts", con->irqs[0].cells, con->irqs[0].ncells);
			prop_u32(&d, n, "interrupt-parent", IRQC_PHANDLE);
		}
	} else if (uart_path) {
		/* The vUART raises the board console's interrupt number in the VM. */
		int n = sub(&d, 0, uart_path + 1);
		const struct board_device *con = &b->devs[s->hyp_console_dev];
		struct range rr = { vm->vuart_ipa, PT_PAGE_SIZE };
		prop_str(&d, n, "compatible", "arm,sbsa-uart");
		prop_reg(&d, n, &rr, 1);
		if (con->nirqs)
			prop_cells(&d, n, "interrupts", con->irqs[0].cells, 3);
		prop_u32(&d, n, "current-speed", 115200);
	}

	d.nown = vm->ndevs;
	d.own = xcalloc(vm->ndevs + 1, sizeof *d.own);
	d.own_state = xcalloc(vm->ndevs + 1, 1);
	d.own_ph = xcalloc(vm->ndevs + 1, sizeof *d.own_ph);
	for (size_t i = 0; i < vm->ndevs; i++)
		d.own[i] = &b->devs[vm->devs[i].dev];
	for (size_t i = 0; i < vm->ndevs; i++)
		copy_device(&d, b, i);
	free(d.own);
	free(d.own_state);
	free(d.own_ph);
	d.own = NULL;
	d.nown = 0;

	/* Channel ends in the order config.c lists them for this VM: `partita,index` is the number
	 * the guest passes to PT_HVC_CHANNEL_NOTIFY. */
	uint32_t end_index = 0;
	for (size_t c = 0; c < s->nchans; c++)
		for (size_t e = 0; e < s->chans[c].nep; e++) {
			struct m_endpoint *ep = &s->chans[c].ep[e];
			if (ep->vm != (int)vm->index)
				continue;
			char *name = node_name("channel", ep->ipa);
			int n = sub(&d, 0, name);
			struct range rr = { ep->ipa, s->chans[c].size };
			/* An edge: GIC <SPI n, rising>; PLIC <source> (or <source 1> with a trigger cell). */
			uint32_t irq[3] = { 0, ep->doorbell_intid - 32, 1 }, src[2] = { ep->doorbell_intid, 1 };
			prop_str(&d, n, "compatible", "partita,channel");
			prop_reg(&d, n, &rr, 1);
			if (rv) {
				prop_cells(&d, n, "interrupts", src, (size_t)b->plic_icells);
				prop_u32(&d, n, "interrupt-parent", IRQC_PHANDLE);
			} else
				prop_cells(&d, n, "interrupts", irq, 3);
			prop_str(&d, n, "label", s->chans[c].name);
			prop_str(&d, n, "partita,peer", s->vms[s->chans[c].ep[1 - e].vm].name);
			prop_u32(&d, n, "partita,index", end_index++);
			/* Which of the channel's two ends this is (the order of `endpoints`): what picks
			 * a side of the message rings (docs/channels.md). */
			prop_u32(&d, n, "partita,endpoint", (uint32_t)e);
			free(name);
		}
	free(uart_path);
	if (d.err) {
		*err = xasprintf("vm '%s': building its device tree: %s", vm->name, fdt_strerror(d.err));
		return false;
	}
	fdt_pack(buf);
	return true;
}

bool emit_dtbs(struct emit_ctx *ctx, char **err)
{
	void *buf = xmalloc(DTB_MAX);
	bool ok = true;
	for (size_t v = 0; v < ctx->s->nvms && ok; v++) {
		struct m_vm *vm = &ctx->s->vms[v];
		if (vm->dtb != DTB_AUTO)
			continue;
		ok = build_dtb(ctx, vm, buf, err);
		if (ok) {
			char *name = xasprintf("%s.dtb", vm->name);
			ok = stage_write(ctx, name, buf, fdt_totalsize(buf), err);
			free(name);
		}
	}
	free(buf);
	return ok;
}
