/*
 * The m4 emitters: config.c, system.mk and run.sh.
 *
 * This file prints no C and no shell. It hands values to m4 as a file of define()s named like
 * v_vm_0_region_1_ipa (the "values file"), and the templates/ folder gives them their shape.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "emitters.h"
#include "../hypervisor/include/partita/config.h"

/* define(`name', `value'): m4 quotes cannot appear inside the value. */
static bool def(struct strbuf *b, const char *name, const char *value, char **err)
{
	if (strpbrk(value, "`'")) {
		*err = xasprintf("value of %s contains a quote character, which the templates cannot carry: %s",
				 name, value);
		return false;
	}
	/* Quoted twice: the value comes out of get() as quoted text, so m4 never rescans it for
	 * macros (a VM named `b` must stay `b`, not become a loop counter). */
	sb_printf(b, "define(`v_%s', ``%s'')dnl\n", name, value);
	return true;
}

static void defx(struct strbuf *b, const char *name, u64 v)
{
	sb_printf(b, "define(`v_%s', `0x%llx')dnl\n", name, (unsigned long long)v);
}

static void defu(struct strbuf *b, const char *name, u64 v)
{
	sb_printf(b, "define(`v_%s', `%llu')dnl\n", name, (unsigned long long)v);
}

#define NAME(...) (snprintf(key, sizeof key, __VA_ARGS__), key)

static const char *abs_path(const char *path, char **keep)
{
	*keep = realpath(path, NULL);
	return *keep ? *keep : path;
}

/* A VM's guest-physical regions, sorted by address: RAM, channel windows, device pages. */
struct region {
	u64 ipa, pa, size, span, colors;
	unsigned kind, channel;
};

static int region_cmp(const void *x, const void *y)
{
	const struct region *a = x, *b = y;
	return a->ipa < b->ipa ? -1 : a->ipa > b->ipa;
}

static size_t vm_regions(const struct m_system *s, const struct m_vm *vm, struct region **out)
{
	struct region *r = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < vm->nmem; i++) {
		const struct m_mem *m = &vm->mem[i];
		*PUSH(r, n, cap) = (struct region){ m->ipa, m->pa, m->size, m->span, vm->color_mask, PT_REGION_RAM, 0 };
	}
	for (size_t c = 0; c < s->nchans; c++)
		for (size_t e = 0; e < s->chans[c].nep; e++)
			if (s->chans[c].ep[e].vm == (int)vm->index)
				*PUSH(r, n, cap) = (struct region){ s->chans[c].ep[e].ipa, s->chans[c].pa, s->chans[c].size,
								    s->chans[c].size, 0, PT_REGION_CHANNEL, (unsigned)c };
	for (size_t i = 0; i < vm->ndevs; i++) {
		const struct board_device *bd = &s->board->devs[vm->devs[i].dev];
		for (size_t k = 0; k < bd->nregs; k++) {
			u64 lo = align_down(bd->regs[k].base, PT_PAGE_SIZE);
			u64 hi = align_up(bd->regs[k].base + bd->regs[k].size, PT_PAGE_SIZE);
			*PUSH(r, n, cap) = (struct region){ lo, lo, hi - lo, hi - lo, 0, PT_REGION_DEVICE, 0 };
		}
	}
	/* GICv2: the VM's GICC, backed by the hardware's GICV (the hypervisor knows where). */
	if (vm->gicv_size)
		*PUSH(r, n, cap) = (struct region){ vm->gicv_ipa, 0, vm->gicv_size, 0, 0, PT_REGION_GICV, 0 };
	qsort(r, n, sizeof *r, region_cmp);
	/* Devices that share a page (virtio-mmio slots) become one mapping. */
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (w && r[i].kind == PT_REGION_DEVICE && r[w - 1].kind == PT_REGION_DEVICE &&
		    r[i].ipa < r[w - 1].ipa + r[w - 1].size) {
			u64 end = r[i].ipa + r[i].size > r[w - 1].ipa + r[w - 1].size ? r[i].ipa + r[i].size
										: r[w - 1].ipa + r[w - 1].size;
			r[w - 1].size = r[w - 1].span = end - r[w - 1].ipa;
			continue;
		}
		r[w++] = r[i];
	}
	*out = r;
	return w;
}

/* The interrupts a VM owns, sorted, without repeats. */
static int irq_cmp(const void *x, const void *y)
{
	const struct board_irq *a = x, *b = y;
	return a->intid < b->intid ? -1 : a->intid > b->intid;
}

size_t vm_irqs(const struct m_system *s, const struct m_vm *vm, struct board_irq **out)
{
	struct board_irq *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < vm->ndevs; i++) {
		const struct board_device *bd = &s->board->devs[vm->devs[i].dev];
		for (size_t k = 0; k < bd->nirqs; k++)
			if (!bd->irqs[k].percpu)
				*PUSH(v, n, cap) = bd->irqs[k];
	}
	if (n)
		qsort(v, n, sizeof *v, irq_cmp);
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (!w || v[w - 1].intid != v[i].intid)
			v[w++] = v[i];
	*out = v;
	return w;
}

/* vm_V_blob_B_alias: the symbol prefix of the blob this one shares (pt_vmW_KIND), or empty. */
static void alias(struct strbuf *b, size_t v, size_t nb, int w, const char *kind, char **err)
{
	char key[64], val[64];

	snprintf(key, sizeof key, "vm_%zu_blob_%zu_alias", v, nb);
	if (w >= 0)
		snprintf(val, sizeof val, "pt_vm%d_%s", w, kind);
	else
		val[0] = '\0';
	def(b, key, val, err);
}

static bool write_values(struct emit_ctx *ctx, struct strbuf *b, char **err)
{
	struct m_system *s = ctx->s;
	struct board *bd = s->board;
	char key[128];
	char *keep = NULL;
	bool ok = true;

	ok &= def(b, "system_name", s->name, err);
	/* Only ever shown in comments: characters that could end one (or the m4 quote) become '?'. */
	char *source = xstrdup(s->src->path);
	for (char *c = source; *c; c++)
		if (!plain_char(*c, "/._+,@=~- "))
			*c = '?';
	ok &= def(b, "system_source", source, err);
	free(source);
	ok &= def(b, "board_name", bd->name, err);
	defu(b, "board_cpu_count", bd->ncpus);
	/* The DT cpu reg: MPIDR (AArch64) or hart id (RISC-V); the name is the AArch64 one. */
	for (size_t c = 0; c < bd->ncpus; c++)
		defx(b, NAME("board_cpu_%zu_mpidr", c), bd->cpus[c].hwid);
	/* The architecture: config.c's enum, system.mk's ARCH and the cross compiler for it. */
	bool rv = bd->arch == PT_ARCH_RISCV64;
	ok &= def(b, "board_arch", rv ? "PT_ARCH_RISCV64" : "PT_ARCH_AARCH64", err);
	ok &= def(b, "board_arch_name", rv ? "riscv64" : "aarch64", err);
	ok &= def(b, "board_cross_compile", rv ? "riscv64-linux-gnu-" : "aarch64-linux-gnu-", err);
	ok &= def(b, "board_irqchip", rv ? "PT_IRQCHIP_PLIC" : bd->gic_version == PT_GIC_V2 ? "PT_IRQCHIP_GICV2"
										: "PT_IRQCHIP_GICV3", err);
	defu(b, "board_ipa_bits", bd->ipa_bits);
	static const char *const gstage[] = { "PT_GSTAGE_SV39X4", "PT_GSTAGE_SV48X4", "PT_GSTAGE_SV57X4" };
	ok &= def(b, "board_gstage_mode", bd->gstage_mode >= PT_GSTAGE_SV39X4 && bd->gstage_mode <= PT_GSTAGE_SV57X4
			  ? gstage[bd->gstage_mode - PT_GSTAGE_SV39X4] : "0", err);
	defx(b, "board_plic_pa", bd->plic_base);
	defx(b, "board_plic_size", bd->plic_size);
	defu(b, "board_plic_ndev", bd->plic_ndev);
	for (size_t c = 0; rv && c < bd->ncpus; c++)
		defu(b, NAME("board_cpu_%zu_plic_context", c), bd->cpus[c].plic_ctx);
	ok &= def(b, "board_riscv_ext", bd->riscv_ext & PT_RISCV_EXT_SSTC ? "PT_RISCV_EXT_SSTC" : "0", err);
	defx(b, "board_console_pa", bd->devs[s->hyp_console_dev].regs[0].base);
	{
		const struct board_device *con = &bd->devs[s->hyp_console_dev];
		defu(b, "board_console_intid", con->nirqs ? con->irqs[0].intid : 0);
	}
	defu(b, "board_htimer_intid", bd->htimer_intid);
	defu(b, "console_focus", s->console_focus_vm >= 0 ? (unsigned)s->console_focus_vm : 0xffffffffu);
	defu(b, "console_shell", s->shell ? 1 : 0);
	ok &= def(b, "console_mode", s->console_mode == CONSOLE_MUX ? "mux" : "tagged", err);
	{
		bool v2 = bd->gic_version == PT_GIC_V2;
		ok &= def(b, "board_gic_version", rv ? "0" : v2 ? "PT_GIC_V2" : "PT_GIC_V3", err);
		/* system.mk's driver for the interrupt controller: PARTITA_GIC (AArch64), PARTITA_IRQCHIP. */
		ok &= def(b, "board_gic_driver", v2 ? "gicv2" : "gicv3", err);
		ok &= def(b, "board_irqchip_driver", rv ? "plic" : v2 ? "gicv2" : "gicv3", err);
		/* The enum value for config.c and the driver for system.mk (hypervisor/drivers/NAME_uart.c). */
		const char *kind = "PT_UART_PL011", *driver = "pl011";
		if (s->console_uart == PT_UART_CADENCE)
			kind = "PT_UART_CADENCE", driver = "cdns";
		else if (s->console_uart == PT_UART_IMX)
			kind = "PT_UART_IMX", driver = "imx";
		else if (s->console_uart == PT_UART_NS16550)
			kind = "PT_UART_NS16550", driver = "ns16550";
		ok &= def(b, "board_console_uart", kind, err);
		ok &= def(b, "board_uart_driver", driver, err);
		/* A 16550's layout and line, from its node; for the others the defaults (unused). */
		struct uart_params u = { 0, 1, 0, 115200 };
		if (s->console_uart == PT_UART_NS16550)
			u = board_uart_params(bd->fdt, bd->devs[s->hyp_console_dev].offset);
		defu(b, "board_console_reg_shift", u.reg_shift);
		defu(b, "board_console_reg_io_width", u.reg_io_width);
		defu(b, "board_console_clock_hz", u.clock_hz);
		defu(b, "board_console_baud", u.baud);
	}
	defx(b, "board_gicd_pa", bd->gicd_base);
	defx(b, "board_gicr_pa", bd->gicr_base);
	defx(b, "board_gicc_pa", bd->gicc_base);
	defx(b, "board_gich_pa", bd->gich_base);
	defx(b, "board_gicv_pa", bd->gicv_base);
	defx(b, "board_gic_page1", bd->gic_page1);
	defu(b, "board_maint_intid", bd->maint_intid);
	defu(b, "board_vtimer_intid", bd->vtimer_intid);
	defu(b, "board_num_colors", bd->num_colors >= 2 ? bd->num_colors : 1);
	defx(b, "hyp_pa", s->hyp_pa);
	defx(b, "hyp_size", s->hyp_size);
	defu(b, "hyp_pt_pool_pages", s->pt_pool_pages);
	defx(b, "hyp_colors", s->hyp_color_mask);

	defu(b, "vm_count", s->nvms);
	for (size_t v = 0; v < s->nvms && ok; v++) {
		struct m_vm *vm = &s->vms[v];
		struct m_image *im = &vm->image;
		ok &= def(b, NAME("vm_%zu_name", v), vm->name, err);
		defu(b, NAME("vm_%zu_id", v), v + 1);
		defu(b, NAME("vm_%zu_cpu_count", v), vm->ncpus);
		for (size_t c = 0; c < vm->ncpus; c++)
			defu(b, NAME("vm_%zu_cpu_%zu", v, c), vm->cpus[c].index);

		struct region *r;
		size_t nr = vm_regions(s, vm, &r);
		defu(b, NAME("vm_%zu_region_count", v), nr);
		static const char *const kinds[] = { "", "PT_REGION_RAM", "PT_REGION_CHANNEL", "PT_REGION_DEVICE",
						     "PT_REGION_GICV" };
		for (size_t i = 0; i < nr; i++) {
			defx(b, NAME("vm_%zu_region_%zu_ipa", v, i), r[i].ipa);
			defx(b, NAME("vm_%zu_region_%zu_pa", v, i), r[i].pa);
			defx(b, NAME("vm_%zu_region_%zu_size", v, i), r[i].size);
			defx(b, NAME("vm_%zu_region_%zu_span", v, i), r[i].span);
			defx(b, NAME("vm_%zu_region_%zu_colors", v, i), r[i].colors);
			def(b, NAME("vm_%zu_region_%zu_kind", v, i), kinds[r[i].kind], err);
			defu(b, NAME("vm_%zu_region_%zu_channel", v, i), r[i].channel);
		}
		free(r);

		size_t ne = 0;
		/* In address order on the boards shipped; the hypervisor looks them up by kind. */
		u64 eipa[4] = { vm->gicd_ipa, vm->gicr_ipa, vm->plic_ipa, vm->vuart_ipa };
		u64 esize[4] = { vm->gicd_size, vm->gicr_size, vm->plic_size, PT_PAGE_SIZE };
		const char *const ekinds[] = { "PT_EMUL_GICD", "PT_EMUL_GICR", "PT_EMUL_PLIC",
					       rv ? "PT_EMUL_VUART_NS16550" : "PT_EMUL_VUART" };
		for (size_t e = 0; e < 4; e++) {
			if (!eipa[e])
				continue;
			defx(b, NAME("vm_%zu_emul_%zu_ipa", v, ne), eipa[e]);
			defx(b, NAME("vm_%zu_emul_%zu_size", v, ne), esize[e]);
			def(b, NAME("vm_%zu_emul_%zu_kind", v, ne), ekinds[e], err);
			ne++;
		}
		defu(b, NAME("vm_%zu_emul_count", v), ne);

		struct board_irq *irqs;
		size_t ni = vm_irqs(s, vm, &irqs);
		defu(b, NAME("vm_%zu_irq_count", v), ni);
		for (size_t i = 0; i < ni; i++) {
			defu(b, NAME("vm_%zu_irq_%zu_intid", v, i), irqs[i].intid);
			def(b, NAME("vm_%zu_irq_%zu_trigger", v, i),
			    irqs[i].trigger == PT_IRQ_EDGE ? "PT_IRQ_EDGE" : "PT_IRQ_LEVEL", err);
		}
		free(irqs);

		size_t nch = 0;
		for (size_t c = 0; c < s->nchans; c++)
			for (size_t e = 0; e < s->chans[c].nep; e++) {
				struct m_endpoint *ep = &s->chans[c].ep[e];
				if (ep->vm != (int)v)
					continue;
				defu(b, NAME("vm_%zu_chan_%zu_channel", v, nch), c);
				defu(b, NAME("vm_%zu_chan_%zu_peer", v, nch), (u64)s->chans[c].ep[1 - e].vm);
				defx(b, NAME("vm_%zu_chan_%zu_ipa", v, nch), ep->ipa);
				defu(b, NAME("vm_%zu_chan_%zu_intid", v, nch), ep->doorbell_intid);
				nch++;
			}
		defu(b, NAME("vm_%zu_chan_count", v), nch);

		static const char *const formats[] = { "PT_IMAGE_RAW", "PT_IMAGE_ELF", "PT_IMAGE_LINUX" };
		def(b, NAME("vm_%zu_image_format", v), formats[im->format], err);
		defx(b, NAME("vm_%zu_image_entry", v), im->entry);
		defx(b, NAME("vm_%zu_image_kernel_ipa", v), im->load);
		defx(b, NAME("vm_%zu_image_dtb_ipa", v), vm->dtb != DTB_NONE ? im->dtb_ipa : 0);
		defx(b, NAME("vm_%zu_image_initrd_ipa", v), im->initrd_size ? im->initrd_ipa : 0);
		def(b, NAME("vm_%zu_on_fault", v), vm->on_fault == FAULT_RESTART ? "PT_FAULT_RESTART" : "PT_FAULT_HALT", err);
		/* The budget, halt or not: the hypervisor may rely on restart_max >= 1. */
		defu(b, NAME("vm_%zu_restart_max", v), vm->restart_max);
		defu(b, NAME("vm_%zu_restart_within_ns", v), vm->restart_within);
		defu(b, NAME("vm_%zu_console", v), vm->vuart_ipa != 0);
		/* The same interrupt emit_dtb.c writes into the vUART node. */
		const struct board_device *con = vm->vuart_ipa ? &bd->devs[s->hyp_console_dev] : NULL;
		defu(b, NAME("vm_%zu_vuart_intid", v), con && con->nirqs ? con->irqs[0].intid : 0);
		defu(b, NAME("vm_%zu_shell_control", v), vm->shell_control ? 1 : 0);

		/* Blobs: kernel, then DTB, then initrd. */
		size_t nb = 0;
		keep = NULL;
		char *kernel = im->format == IMG_ELF ? xasprintf("%s/%s.kernel.bin", ctx->out, vm->name)
						     : xstrdup(abs_path(im->kernel_path, &keep));
		free(keep);
		def(b, NAME("vm_%zu_blob_%zu_kind", v, nb), "kernel", err);
		alias(b, v, nb, im->kernel_alias, "kernel", err);
		ok &= def(b, NAME("vm_%zu_blob_%zu_path", v, nb++), kernel, err);
		free(kernel);
		if (vm->dtb != DTB_NONE) {
			keep = NULL;
			char *dtb = vm->dtb == DTB_AUTO ? xasprintf("%s/%s.dtb", ctx->out, vm->name)
							: xstrdup(abs_path(vm->dtb_path, &keep));
			free(keep);
			def(b, NAME("vm_%zu_blob_%zu_kind", v, nb), "dtb", err);
			alias(b, v, nb, -1, "dtb", err);
			ok &= def(b, NAME("vm_%zu_blob_%zu_path", v, nb++), dtb, err);
			ok &= def(b, NAME("vm_%zu_dtb_path", v), dtb, err);
			free(dtb);
		}
		if (im->initrd_size) {
			def(b, NAME("vm_%zu_blob_%zu_kind", v, nb), "initrd", err);
			alias(b, v, nb, im->initrd_alias, "initrd", err);
			ok &= def(b, NAME("vm_%zu_blob_%zu_path", v, nb++), abs_path(im->initrd_path, &keep), err);
			free(keep);
		}
		defu(b, NAME("vm_%zu_blob_count", v), nb);
	}

	defu(b, "channel_count", s->nchans);
	for (size_t c = 0; c < s->nchans; c++) {
		ok &= def(b, NAME("channel_%zu_name", c), s->chans[c].name, err);
		defx(b, NAME("channel_%zu_pa", c), s->chans[c].pa);
		defx(b, NAME("channel_%zu_size", c), s->chans[c].size);
		defu(b, NAME("channel_%zu_vm0", c), (u64)s->chans[c].ep[0].vm);
		defu(b, NAME("channel_%zu_vm1", c), (u64)s->chans[c].ep[1].vm);
	}

	/* Time partitioning: the board's counter frequency and the shared CPUs' schedules. */
	defu(b, "counter_hz", bd->counter_hz);
	defu(b, "schedule_count", s->nscheds);
	for (size_t i = 0; i < s->nscheds && ok; i++) {
		const struct m_schedule *sc = &s->scheds[i];
		defu(b, NAME("schedule_%zu_cpu", i), sc->cpu);
		defu(b, NAME("schedule_%zu_period", i), sc->period);
		defu(b, NAME("schedule_%zu_window_count", i), sc->nwin);
		for (size_t k = 0; k < sc->nwin; k++) {
			const struct m_window *w = &sc->win[k];
			defu(b, NAME("schedule_%zu_window_%zu_vm", i, k), (u64)w->vm);
			ok &= def(b, NAME("schedule_%zu_window_%zu_name", i, k), s->vms[w->vm].name, err);
			defu(b, NAME("schedule_%zu_window_%zu_vcpu", i, k), w->vcpu);
			defu(b, NAME("schedule_%zu_window_%zu_length", i, k), w->length);
		}
	}

	/* QEMU. */
	ok &= def(b, "qemu_binary", bd->qemu_binary ? bd->qemu_binary : "qemu-system-aarch64", err);
	{
		/* run.sh --console=mux starts this very tool as the console client. */
		char *self = realpath("/proc/self/exe", NULL);
		bool plain = self != NULL;
		for (const char *c = self; plain && *c; c++)
			plain = plain_char(*c, "/._+,@=~-");
		ok &= def(b, "partita_bin", plain ? self : "partita", err);
		free(self);
	}
	defu(b, "qemu_available", bd->has_qemu ? 1 : 0);
	/* Empty: QEMU's own firmware (AArch64: none; the hypervisor is entered at EL2 directly). */
	ok &= def(b, "qemu_bios", bd->qemu_bios ? bd->qemu_bios : "", err);
	ok &= def(b, "qemu_machine", bd->qemu_machine ? bd->qemu_machine : "virt", err);
	/* Empty: the machine has fixed CPUs and run.sh gives no -cpu. */
	ok &= def(b, "qemu_cpu", bd->qemu_cpu ? bd->qemu_cpu : bd->has_qemu ? "" : "cortex-a57", err);
	defu(b, "qemu_smp", bd->ncpus);
	char *mem = fmt_size(bd->qemu_memory ? bd->qemu_memory : bd->ram[0].size);
	ok &= def(b, "qemu_memory", mem, err);
	free(mem);
	ok &= def(b, "qemu_extra", bd->qemu_extra ? bd->qemu_extra : "", err);
	/* QEMU puts the n-th -device virtio-*-device in the n-th virtio-mmio slot from the top, so
	 * backends are listed top-down; a slot below the top that has no backend gets a harmless
	 * filler (an RNG nobody maps) to keep the order. */
	size_t nd = 0, nslots = 0;
	int *slots = xmalloc((bd->ndevs + 1) * sizeof *slots);
	for (size_t i = 0; i < bd->ndevs; i++)
		if (bd->devs[i].compatible && !strcmp(bd->devs[i].compatible, "virtio,mmio"))
			slots[nslots++] = (int)i;
	for (size_t i = 1; i < nslots; i++) /* insertion sort, highest address first */
		for (size_t j = i; j > 0 && bd->devs[slots[j]].regs[0].base > bd->devs[slots[j - 1]].regs[0].base; j--) {
			int t = slots[j];
			slots[j] = slots[j - 1];
			slots[j - 1] = t;
		}
	size_t lowest = 0; /* one past the lowest slot with a backend */
	const struct m_device **backend = xcalloc(nslots + 1, sizeof *backend);
	for (size_t k = 0; k < nslots; k++)
		for (size_t v = 0; v < s->nvms; v++)
			for (size_t i = 0; i < s->vms[v].ndevs; i++)
				if (s->vms[v].devs[i].dev == slots[k] && s->vms[v].devs[i].qemu) {
					backend[k] = &s->vms[v].devs[i];
					lowest = k + 1;
				}
	/* A disk or user network behind a -device: its -drive or -netdev, tied by an id. */
	size_t nb = 0;
	for (size_t k = 0; k < lowest; k++) {
		const struct m_device *d = backend[k];
		char *dev;
		if (d && d->disk) {
			char *keep = NULL;
			dev = xasprintf("%s,drive=pt-disk%zu", d->qemu, k);
			char *arg = xasprintf("file=%s,if=none,format=raw,id=pt-disk%zu",
					      abs_path(d->disk_path, &keep), k);
			ok &= def(b, NAME("qemu_backend_%zu_opt", nb), "-drive", err);
			ok &= def(b, NAME("qemu_backend_%zu_arg", nb++), arg, err);
			free(arg);
			free(keep);
		} else if (d && d->net) {
			dev = xasprintf("%s,netdev=pt-net%zu", d->qemu, k);
			char *arg = xasprintf("user,id=pt-net%zu", k);
			ok &= def(b, NAME("qemu_backend_%zu_opt", nb), "-netdev", err);
			ok &= def(b, NAME("qemu_backend_%zu_arg", nb++), arg, err);
			free(arg);
		} else {
			dev = xstrdup(d ? d->qemu : "virtio-rng-device");
		}
		ok &= def(b, NAME("qemu_device_%zu", nd++), dev, err);
		free(dev);
	}
	free(backend);
	free(slots);
	defu(b, "qemu_device_count", nd);
	defu(b, "qemu_backend_count", nb);
	return ok;
}

/* Run m4 on values + template into the staging folder. */
static bool run_m4(struct emit_ctx *ctx, const char *values, const char *tmpl, const char *outname,
		   bool executable, char **err)
{
	char *out = xasprintf("%s/%s", ctx->stage, outname);
	char *errf = xasprintf("%s/.m4-errors", ctx->stage);
	char *cmd = xasprintf("m4 -E -I '%s' '%s' '%s/%s' > '%s' 2> '%s'", ctx->templates, values, ctx->templates,
			      tmpl, out, errf);
	int status = system(cmd);
	bool ok = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (!ok) {
		size_t len;
		char *e2 = NULL;
		char *msg = read_file(errf, &len, &e2);
		*err = xasprintf("m4 failed on %s/%s: %s", ctx->templates, tmpl, msg ? msg : "(no message)");
		free(msg);
		free(e2);
	} else if (executable)
		chmod_x(out);
	remove(errf);
	free(errf);
	free(cmd);
	free(out);
	return ok;
}

static char *values_path;

bool emit_config(struct emit_ctx *ctx, char **err)
{
	struct strbuf b = { 0 };
	sb_printf(&b, "dnl Values for the templates, written by partita gen.\n");
	if (!write_values(ctx, &b, err)) {
		free(b.p);
		return false;
	}
	/* Kept among the outputs: it is what the templates saw, handy when writing a template. */
	bool ok = stage_write(ctx, "values.m4", b.p, b.len, err);
	free(b.p);
	if (!ok)
		return false;
	free(values_path);
	values_path = xasprintf("%s/values.m4", ctx->stage);
	return run_m4(ctx, values_path, "config.c.m4", "config.c", false, err) &&
	       run_m4(ctx, values_path, "system.mk.m4", "system.mk", false, err);
}

bool emit_run(struct emit_ctx *ctx, char **err)
{
	bool ok = run_m4(ctx, values_path, "run.sh.m4", "run.sh", true, err);
	free(values_path);
	values_path = NULL;
	return ok;
}

bool emit_images(struct emit_ctx *ctx, char **err)
{
	for (size_t v = 0; v < ctx->s->nvms; v++) {
		struct m_vm *vm = &ctx->s->vms[v];
		if (vm->image.format != IMG_ELF || !vm->image.flat)
			continue;
		char *name = xasprintf("%s.kernel.bin", vm->name);
		bool ok = stage_write(ctx, name, vm->image.flat, vm->image.flat_size, err);
		free(name);
		if (!ok)
			return false;
	}
	return true;
}
