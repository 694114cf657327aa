/*
 * YAML → model. This file knows the schema's shape (which keys exist where, which are required,
 * what type each value has); what the values mean for the board is left to checks.c.
 * Keep the key lists in step with schema/partita.schema.json (tests/schema compares them).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "yaml.h"
#include "../hypervisor/include/partita/config.h"

static const char *const top_keys[] = { "system", "board", "hypervisor", "vms", "channels", "schedule", NULL };
static const char *const top_required[] = { "system", "board", "vms", NULL };
static const char *const hyp_keys[] = { "console", "memory", "colors", NULL };
static const char *const hyp_mem_keys[] = { "size", "phys", NULL };
static const char *const hyp_con_keys[] = { "device", "mode", "focus", "shell", "control", NULL };
static const char *const con_modes[] = { "tagged", "mux", NULL };
static const char *const on_off[] = { "off", "on", "false", "true", NULL };
static const char *const vm_keys[] = { "name", "cpus", "memory", "colors", "image", "dtb",
				       "devices", "console", "on_fault", NULL };
static const char *const vm_required[] = { "name", "cpus", "memory", "image", NULL };
static const char *const fault_keys[] = { "restart", NULL };
static const char *const fault_required[] = { "restart", NULL };
static const char *const restart_keys[] = { "max", "within", NULL };
static const char *const mem_keys[] = { "base", "size", "phys", NULL };
static const char *const mem_required[] = { "base", "size", NULL };
static const char *const image_keys[] = { "kernel", "format", "entry", "load", "initrd", "bootargs", NULL };
static const char *const image_required[] = { "kernel", NULL };
static const char *const dev_keys[] = { "node", "qemu", "disk", "net", NULL };
static const char *const dev_required[] = { "node", NULL };
static const char *const chan_keys[] = { "name", "size", "phys", "endpoints", NULL };
static const char *const chan_required[] = { "name", "size", "endpoints", NULL };
static const char *const ep_keys[] = { "vm", "base", NULL };
static const char *const ep_required[] = { "vm", "base", NULL };
static const char *const sched_keys[] = { "cpu", "period", "windows", NULL };
static const char *const sched_required[] = { "cpu", "period", "windows", NULL };
static const char *const window_keys[] = { "vm", "length", NULL };
static const char *const window_required[] = { "vm", "length", NULL };

static const char *const formats[] = { "raw", "elf", "linux", NULL };
static const char *const consoles[] = { "vuart", "none", NULL };
static const char *const faults[] = { "halt", "restart", NULL };

static const struct ykeys K_TOP = { "the system description", top_keys, top_required };
static const struct ykeys K_HYP = { "hypervisor", hyp_keys, NULL };
static const struct ykeys K_HYP_MEM = { "hypervisor memory", hyp_mem_keys, NULL };
static const struct ykeys K_HYP_CON = { "hypervisor console", hyp_con_keys, NULL };
static const struct ykeys K_VM = { "vm", vm_keys, vm_required };
static const struct ykeys K_FAULT = { "vm on_fault", fault_keys, fault_required };
static const struct ykeys K_RESTART = { "on_fault restart", restart_keys, NULL };
static const struct ykeys K_MEM = { "memory region", mem_keys, mem_required };
static const struct ykeys K_IMAGE = { "image", image_keys, image_required };
static const struct ykeys K_DEV = { "device", dev_keys, dev_required };
static const struct ykeys K_CHAN = { "channel", chan_keys, chan_required };
static const struct ykeys K_EP = { "channel endpoint", ep_keys, ep_required };
static const struct ykeys K_SCHED = { "schedule entry", sched_keys, sched_required };
static const struct ykeys K_WINDOW = { "schedule window", window_keys, window_required };

struct reader {
	struct ydoc *y;
	struct m_system *s;
};

static void read_colors(struct reader *r, yaml_node_t *n, struct m_color **out, size_t *count,
			size_t *cap, u64 *mask)
{
	if (!yexpect_seq(r->y, n, "colors"))
		return;
	for (size_t i = 0; i < yseq_len(n); i++) {
		yaml_node_t *item = yseq_at(r->y, n, i);
		u64 c;
		if (!yread_u64(r->y, item, "a cache color", &c))
			continue;
		struct m_color *mc = PUSH(*out, *count, *cap);
		mc->color = c > UINT_MAX ? UINT_MAX : (unsigned)c; /* messages show what was written */
		mc->at = yloc(r->y, item);
		if (c < 64)
			*mask |= (u64)1 << c;
	}
}

/* hypervisor: console: DEVICE, or { device, mode, focus, shell, control } */
static void read_hyp_console(struct reader *r, yaml_node_t *v)
{
	struct m_system *s = r->s;
	yaml_node_t *w;

	s->at_hyp_console = yloc(r->y, v);
	if (!yis_map(v)) {
		yread_str(r->y, v, "hypervisor console", &s->hyp_console);
		return;
	}
	if (!ymap_check(r->y, v, &K_HYP_CON))
		return;
	if ((w = ymap_get(r->y, v, "device"))) {
		s->at_hyp_console = yloc(r->y, w);
		yread_str(r->y, w, "hypervisor console device", &s->hyp_console);
	}
	if ((w = ymap_get(r->y, v, "mode"))) {
		int m = yread_enum(r->y, w, "console mode", con_modes);
		if (m >= 0)
			s->console_mode = (enum console_mode)m;
	}
	if ((w = ymap_get(r->y, v, "focus"))) {
		s->at_console_focus = yloc(r->y, w);
		yread_str(r->y, w, "console focus", &s->console_focus);
	}
	if ((w = ymap_get(r->y, v, "shell"))) {
		int on = yread_enum(r->y, w, "console shell", on_off);
		if (on >= 0)
			s->shell = on % 2;   /* on, true */
	}
	if ((w = ymap_get(r->y, v, "control")) && yexpect_seq(r->y, w, "console control")) {
		size_t n = yseq_len(w);
		s->console_control = xcalloc(n + 1, sizeof(*s->console_control));
		s->at_console_control = xcalloc(n + 1, sizeof(*s->at_console_control));
		for (size_t i = 0; i < n; i++) {
			yaml_node_t *item = yseq_at(r->y, w, i);
			s->at_console_control[s->nconsole_control] = yloc(r->y, item);
			if (yread_str(r->y, item, "console control VM", &s->console_control[s->nconsole_control]))
				s->nconsole_control++;
		}
	}
}

static void read_hypervisor(struct reader *r, yaml_node_t *n)
{
	struct m_system *s = r->s;
	s->at_hyp = yloc(r->y, n);
	if (!ymap_check(r->y, n, &K_HYP))
		return;
	yaml_node_t *v;
	if ((v = ymap_get(r->y, n, "console")))
		read_hyp_console(r, v);
	if ((v = ymap_get(r->y, n, "memory")) && ymap_check(r->y, v, &K_HYP_MEM)) {
		yaml_node_t *w;
		s->at_hyp_mem = yloc(r->y, v);
		if ((w = ymap_get(r->y, v, "size"))) {
			s->at_hyp_size = yloc(r->y, w);
			s->hyp_has_size = yread_size(r->y, w, "hypervisor memory size", &s->hyp_size);
		}
		if ((w = ymap_get(r->y, v, "phys"))) {
			s->at_hyp_phys = yloc(r->y, w);
			s->hyp_has_phys = yread_u64(r->y, w, "hypervisor phys", &s->hyp_pa);
		}
	}
	if ((v = ymap_get(r->y, n, "colors")))
		read_colors(r, v, &s->hyp_colors, &s->nhyp_colors, &s->caphyp_colors, &s->hyp_color_mask);
}

static void read_memory(struct reader *r, struct m_vm *vm, yaml_node_t *n)
{
	if (!yexpect_seq(r->y, n, "vm memory"))
		return;
	if (yseq_len(n) == 0)
		diag_error(yloc(r->y, n), "schema-missing-key", "vm '%s' has no memory region", vm->name);
	for (size_t i = 0; i < yseq_len(n); i++) {
		yaml_node_t *item = yseq_at(r->y, n, i), *v;
		if (!ymap_check(r->y, item, &K_MEM)) {
			vm->mem_incomplete = true;
			continue;
		}
		struct m_mem *m = PUSH(vm->mem, vm->nmem, vm->capmem);
		memset(m, 0, sizeof *m);
		m->at = yloc(r->y, item);
		bool ok = true;
		if ((v = ymap_get(r->y, item, "base"))) {
			m->at_base = yloc(r->y, v);
			ok &= yread_u64(r->y, v, "memory base", &m->ipa);
		} else
			ok = false;
		if ((v = ymap_get(r->y, item, "size"))) {
			m->at_size = yloc(r->y, v);
			ok &= yread_size(r->y, v, "memory size", &m->size);
		} else
			ok = false;
		if ((v = ymap_get(r->y, item, "phys"))) {
			m->at_phys = yloc(r->y, v);
			const char *str = yscalar(v);
			if (str && !strcmp(str, "identity")) {
				m->place = PLACE_IDENTITY;
				m->pa = m->ipa;
			} else if (yread_u64(r->y, v, "memory phys (an address or 'identity')", &m->pa))
				m->place = PLACE_FIXED;
			else
				ok = false;
		}
		m->span = m->size;
		if (!ok) {
			vm->nmem--; /* unusable: already reported */
			vm->mem_incomplete = true;
		}
	}
}

static void read_image(struct reader *r, struct m_vm *vm, yaml_node_t *n)
{
	struct m_image *im = &vm->image;
	im->at = yloc(r->y, n);
	if (!ymap_check(r->y, n, &K_IMAGE))
		return;
	yaml_node_t *v;
	bool ok = true;
	if ((v = ymap_get(r->y, n, "kernel"))) {
		im->at_kernel = yloc(r->y, v);
		ok &= yread_str(r->y, v, "image kernel", &im->kernel);
	} else
		ok = false;
	if ((v = ymap_get(r->y, n, "format"))) {
		im->at_format = yloc(r->y, v);
		int f = yread_enum(r->y, v, "image format", formats);
		if (f < 0)
			ok = false;
		else
			im->format = (enum image_format)f;
	}
	if ((v = ymap_get(r->y, n, "entry"))) {
		im->at_entry = yloc(r->y, v);
		im->has_entry = yread_u64(r->y, v, "image entry", &im->entry);
	}
	if ((v = ymap_get(r->y, n, "load"))) {
		im->at_load = yloc(r->y, v);
		im->has_load = yread_u64(r->y, v, "image load address", &im->load);
	}
	if ((v = ymap_get(r->y, n, "initrd"))) {
		im->at_initrd = yloc(r->y, v);
		yread_str(r->y, v, "image initrd", &im->initrd);
	}
	if ((v = ymap_get(r->y, n, "bootargs"))) {
		im->at_bootargs = yloc(r->y, v);
		yread_str(r->y, v, "image bootargs", &im->bootargs);
	}

	/* Keys that only make sense for some formats. */
	if (im->has_entry && im->format != IMG_RAW) {
		struct diag *d = diag_error(im->at_entry, "image-key", "'entry' applies to raw images only");
		diag_hint(d, "an %s image's entry point comes from the image itself",
			  im->format == IMG_ELF ? "elf" : "arm64 linux");
	}
	if (im->has_load && im->format != IMG_RAW)
		diag_error(im->at_load, "image-key", "'load' applies to raw images only");
	if (im->initrd && im->format != IMG_LINUX)
		diag_error(im->at_initrd, "image-key", "'initrd' applies to linux images only");
	vm->has_image = ok;
}

static void read_devices(struct reader *r, struct m_vm *vm, yaml_node_t *n)
{
	if (!yexpect_seq(r->y, n, "vm devices"))
		return;
	for (size_t i = 0; i < yseq_len(n); i++) {
		yaml_node_t *item = yseq_at(r->y, n, i), *ref = item, *q;
		const char *qemu = NULL, *disk = NULL, *net = NULL;
		struct loc at_qemu = { 0 }, at_disk = { 0 }, at_net = { 0 };
		if (yis_map(item)) {
			if ((q = ymap_get(r->y, item, "qemu")) && yread_str(r->y, q, "device qemu backend", &qemu))
				at_qemu = yloc(r->y, q);
			if ((q = ymap_get(r->y, item, "disk")) && yread_str(r->y, q, "device disk image", &disk))
				at_disk = yloc(r->y, q);
			if ((q = ymap_get(r->y, item, "net")) && yread_str(r->y, q, "device network", &net))
				at_net = yloc(r->y, q);
			if (!ymap_check(r->y, item, &K_DEV) || !(ref = ymap_get(r->y, item, "node")))
				continue;
		}
		const char *name;
		if (!yread_str(r->y, ref, "a device (a board DT path, label or alias)", &name))
			continue;
		struct m_device *d = PUSH(vm->devs, vm->ndevs, vm->capdevs);
		d->ref = name;
		d->qemu = qemu;
		d->at_qemu = at_qemu;
		d->disk = disk;
		d->at_disk = at_disk;
		d->disk_path = disk ? path_join(r->s->dir, disk) : NULL;
		d->net = net;
		d->at_net = at_net;
		d->at = yloc(r->y, ref);
		d->dev = -1;
	}
}

/*
 * on_fault: halt | restart | { restart: { max: N, within: DURATION } }. The map form is restart
 * with a budget of its own; either key may be left out for its default (config.h). A budget that
 * cannot be read leaves the default in place (the error stops gen anyway).
 */
static void read_on_fault(struct reader *r, struct m_vm *vm, yaml_node_t *v)
{
	vm->at_on_fault = yloc(r->y, v);
	if (!yis_map(v)) {
		if (yis_seq(v)) {
			struct diag *d = diag_error(yloc(r->y, v), "schema-type", "vm on_fault must be "
						    "halt, restart or a mapping, not a list");
			diag_hint(d, "write on_fault: restart, or on_fault: { restart: { max: 5, within: 10s } }");
			return;
		}
		int f = yread_enum(r->y, v, "vm on_fault", faults);
		if (f >= 0)
			vm->on_fault = (enum fault_policy)f;
		return;
	}
	yaml_node_t *w, *x;
	if (!ymap_check(r->y, v, &K_FAULT) || !(w = ymap_get(r->y, v, "restart")))
		return;
	vm->on_fault = FAULT_RESTART;
	if (!yis_map(w)) {
		struct diag *d = diag_error(yloc(r->y, w), "schema-type", "vm '%s': on_fault restart "
					    "must be a mapping of max and within, not %s", vm->name,
					    yis_seq(w) ? "a list" : yscalar(w) && *yscalar(w) ? "a scalar"
					    : "an empty value");
		diag_hint(d, "write { restart: { max: 5, within: 10s } }, or on_fault: restart for "
			  "the default budget");
		return;
	}
	if (!ymap_check(r->y, w, &K_RESTART))
		return;
	if ((x = ymap_get(r->y, w, "max"))) {
		u64 max;
		if (yread_u64(r->y, x, "on_fault restart max", &max)) {
			if (max == 0) {
				struct diag *d = diag_error(yloc(r->y, x), "restart-budget", "vm '%s': "
							    "restart max must be at least 1", vm->name);
				diag_hint(d, "max is how many restarts 'within' allows before the VM is "
					  "halted; for no restart at all write on_fault: halt");
			} else if (max > PT_RESTART_MAX_LIMIT) {
				struct diag *d = diag_error(yloc(r->y, x), "restart-budget", "vm '%s': "
							    "restart max %s is above the hypervisor's "
							    "limit of %u", vm->name, yscalar(x),
							    PT_RESTART_MAX_LIMIT);
				diag_hint(d, "use 1 to %u; a VM that faults more often than that is "
					  "better halted", PT_RESTART_MAX_LIMIT);
			} else
				vm->restart_max = (unsigned)max;
		}
	}
	if ((x = ymap_get(r->y, w, "within"))) {
		u64 ns;
		if (yread_duration(r->y, x, "on_fault restart within", &ns)) {
			if (ns > PT_RESTART_WITHIN_MAX_NS) {
				char *max = fmt_duration(PT_RESTART_WITHIN_MAX_NS);
				struct diag *d = diag_error(yloc(r->y, x), "restart-budget", "vm '%s': "
							    "restart within %s is above the hypervisor's "
							    "limit of %s (an hour)", vm->name,
							    yscalar(x), max);
				diag_hint(d, "use at most %s", max);
				free(max);
			} else
				vm->restart_within = ns;
		}
	}
}

static void read_vm(struct reader *r, yaml_node_t *n)
{
	struct m_system *s = r->s;
	if (!ymap_check(r->y, n, &K_VM))
		return;
	struct m_vm *vm = PUSH(s->vms, s->nvms, s->capvms);
	memset(vm, 0, sizeof *vm);
	vm->index = (unsigned)(s->nvms - 1);
	vm->at = yloc(r->y, n);
	vm->name = "?";
	vm->restart_max = PT_RESTART_MAX_DEFAULT;
	vm->restart_within = PT_RESTART_WITHIN_DEFAULT;
	yaml_node_t *v;
	if ((v = ymap_get(r->y, n, "name"))) {
		vm->at_name = yloc(r->y, v);
		yread_name(r->y, v, "vm name", &vm->name);
	}
	if ((v = ymap_get(r->y, n, "cpus")))
		vm->at_cpus = yloc(r->y, v);
	if (v && yexpect_seq(r->y, v, "vm cpus")) {
		if (yseq_len(v) == 0)
			diag_error(yloc(r->y, v), "schema-missing-key", "vm '%s' has no cpu", vm->name);
		for (size_t i = 0; i < yseq_len(v); i++) {
			yaml_node_t *item = yseq_at(r->y, v, i);
			u64 c;
			if (!yread_u64(r->y, item, "a cpu index", &c))
				continue;
			struct m_cpu *mc = PUSH(vm->cpus, vm->ncpus, vm->capcpus);
			mc->index = c > UINT_MAX ? UINT_MAX : (unsigned)c;
			mc->at = yloc(r->y, item);
		}
	}
	if ((v = ymap_get(r->y, n, "memory")))
		read_memory(r, vm, v);
	if ((v = ymap_get(r->y, n, "colors")))
		read_colors(r, v, &vm->colors, &vm->ncolors, &vm->capcolors, &vm->color_mask);
	if ((v = ymap_get(r->y, n, "image")))
		read_image(r, vm, v);
	vm->dtb = vm->image.format == IMG_LINUX ? DTB_AUTO : DTB_NONE;
	if ((v = ymap_get(r->y, n, "dtb"))) {
		const char *str = NULL;
		vm->at_dtb = yloc(r->y, v);
		if (yread_str(r->y, v, "vm dtb", &str)) {
			if (!strcmp(str, "auto"))
				vm->dtb = DTB_AUTO;
			else if (!strcmp(str, "none"))
				vm->dtb = DTB_NONE;
			else {
				vm->dtb = DTB_FILE;
				vm->dtb_file = str;
				vm->dtb_path = path_join(s->dir, str);
			}
		}
	}
	if (vm->image.bootargs && vm->dtb != DTB_AUTO)
		diag_error(vm->image.at_bootargs, "image-key",
			   "vm '%s': 'bootargs' needs a generated device tree (dtb: auto)", vm->name);
	if ((v = ymap_get(r->y, n, "devices")))
		read_devices(r, vm, v);
	if ((v = ymap_get(r->y, n, "console"))) {
		int c = yread_enum(r->y, v, "vm console", consoles);
		if (c >= 0)
			vm->console = (enum console_kind)c;
	}
	if ((v = ymap_get(r->y, n, "on_fault")))
		read_on_fault(r, vm, v);
	if (vm->image.kernel)
		vm->image.kernel_path = path_join(s->dir, vm->image.kernel);
	if (vm->image.initrd)
		vm->image.initrd_path = path_join(s->dir, vm->image.initrd);
}

static void read_channel(struct reader *r, yaml_node_t *n)
{
	struct m_system *s = r->s;
	if (!ymap_check(r->y, n, &K_CHAN))
		return;
	struct m_channel *c = PUSH(s->chans, s->nchans, s->capchans);
	memset(c, 0, sizeof *c);
	c->at = yloc(r->y, n);
	c->name = "?";
	yaml_node_t *v;
	if ((v = ymap_get(r->y, n, "name"))) {
		c->at_name = yloc(r->y, v);
		yread_name(r->y, v, "channel name", &c->name);
	}
	if ((v = ymap_get(r->y, n, "size"))) {
		c->at_size = yloc(r->y, v);
		yread_size(r->y, v, "channel size", &c->size);
	}
	if ((v = ymap_get(r->y, n, "phys"))) {
		c->at_phys = yloc(r->y, v);
		c->has_phys = yread_u64(r->y, v, "channel phys", &c->pa);
	}
	if ((v = ymap_get(r->y, n, "endpoints")) && yexpect_seq(r->y, v, "channel endpoints")) {
		if (yseq_len(v) != 2)
			diag_error(yloc(r->y, v), "channel-endpoints",
				   "channel '%s' has %zu endpoint%s; a channel joins exactly two VMs", c->name,
				   yseq_len(v), yseq_len(v) == 1 ? "" : "s");
		for (size_t i = 0; i < yseq_len(v) && i < 2; i++) {
			yaml_node_t *item = yseq_at(r->y, v, i), *w;
			if (!ymap_check(r->y, item, &K_EP))
				continue;
			struct m_endpoint *ep = &c->ep[c->nep];
			ep->at = yloc(r->y, item);
			ep->vm = -1;
			bool ok = true;
			if ((w = ymap_get(r->y, item, "vm"))) {
				ep->at_vm = yloc(r->y, w);
				ok &= yread_str(r->y, w, "endpoint vm", &ep->vm_name);
			} else
				ok = false;
			if ((w = ymap_get(r->y, item, "base"))) {
				ep->at_base = yloc(r->y, w);
				ok &= yread_u64(r->y, w, "endpoint base", &ep->ipa);
			} else
				ok = false;
			if (ok)
				c->nep++;
		}
	}
}

/* schedule: - { cpu, period, windows: [{ vm, length }...] } */
static void read_schedule(struct reader *r, yaml_node_t *n)
{
	struct m_system *s = r->s;
	if (!ymap_check(r->y, n, &K_SCHED))
		return;
	struct m_schedule *sc = PUSH(s->scheds, s->nscheds, s->capscheds);
	memset(sc, 0, sizeof *sc);
	sc->at = yloc(r->y, n);
	sc->at_cpu = sc->at_period = sc->at_windows = sc->at;
	yaml_node_t *v;
	u64 cpu = 0;
	if ((v = ymap_get(r->y, n, "cpu"))) {
		sc->at_cpu = yloc(r->y, v);
		sc->has_cpu = yread_u64(r->y, v, "schedule cpu", &cpu);
		sc->cpu = cpu > UINT_MAX ? UINT_MAX : (unsigned)cpu; /* messages show what was written */
	}
	if ((v = ymap_get(r->y, n, "period"))) {
		sc->at_period = yloc(r->y, v);
		yread_duration(r->y, v, "schedule period", &sc->period);
	}
	if (!(v = ymap_get(r->y, n, "windows")) || !yexpect_seq(r->y, v, "schedule windows")) {
		sc->incomplete = true;
		return;
	}
	sc->at_windows = yloc(r->y, v);
	if (yseq_len(v) == 0) {
		struct diag *d = sc->has_cpu ? diag_error(sc->at_windows, "schema-missing-key",
							  "the schedule for cpu %u has no window", sc->cpu)
					     : diag_error(sc->at_windows, "schema-missing-key",
							  "a schedule entry has no window");
		diag_hint(d, "list the VMs' windows in the frame: - { vm: NAME, length: 4ms }");
		sc->incomplete = true;
	}
	for (size_t i = 0; i < yseq_len(v); i++) {
		yaml_node_t *item = yseq_at(r->y, v, i), *w;
		if (!ymap_check(r->y, item, &K_WINDOW)) {
			sc->incomplete = true;
			continue;
		}
		struct m_window *win = PUSH(sc->win, sc->nwin, sc->capwin);
		memset(win, 0, sizeof *win);
		win->at = win->at_vm = win->at_length = yloc(r->y, item);
		win->vm = -1;
		if ((w = ymap_get(r->y, item, "vm"))) {
			win->at_vm = yloc(r->y, w);
			yread_str(r->y, w, "window vm", &win->vm_name);
		}
		if ((w = ymap_get(r->y, item, "length"))) {
			win->at_length = yloc(r->y, w);
			yread_duration(r->y, w, "window length", &win->length);
		}
		if (!win->vm_name)
			sc->incomplete = true;
	}
}

struct m_system *model_read(const char *path, const char *boards_dir)
{
	char *err = NULL;
	struct source *src = source_load(path, &err);
	if (!src) {
		diag_error((struct loc){ 0 }, "io", "%s", err);
		free(err);
		return NULL;
	}
	struct reader r = { .s = xcalloc(1, sizeof *r.s), .y = xcalloc(1, sizeof *r.y) };
	struct m_system *s = r.s;
	s->src = src;
	s->dir = path_dirname(path);
	s->name = "?";
	s->hyp_console_dev = -1;
	s->console_focus_vm = -1;
	s->shell = true;
	/* The model points into the YAML document's strings: the document lives as long as the model. */
	s->doc = r.y;
	if (!ydoc_load(r.y, src)) {
		model_free(s);
		return NULL;
	}
	yaml_node_t *root = ydoc_root(r.y);
	if (!root) {
		diag_error((struct loc){ src, 1, 1 }, "schema-type", "the file is empty");
		model_free(s);
		return NULL;
	}
	if (ymap_check(r.y, root, &K_TOP)) {
		yaml_node_t *v;
		if ((v = ymap_get(r.y, root, "system"))) {
			s->at_name = yloc(r.y, v);
			yread_name(r.y, v, "system name", &s->name);
		}
		if ((v = ymap_get(r.y, root, "board"))) {
			s->at_board = yloc(r.y, v);
			if (yread_str(r.y, v, "board", &s->board_name))
				s->board = board_load(boards_dir, s->board_name, s->at_board);
		}
		if ((v = ymap_get(r.y, root, "hypervisor")))
			read_hypervisor(&r, v);
		if ((v = ymap_get(r.y, root, "vms")) && yexpect_seq(r.y, v, "vms")) {
			if (yseq_len(v) == 0)
				diag_error(yloc(r.y, v), "schema-missing-key", "the system has no vm");
			for (size_t i = 0; i < yseq_len(v); i++)
				read_vm(&r, yseq_at(r.y, v, i));
		}
		if ((v = ymap_get(r.y, root, "channels")) && yexpect_seq(r.y, v, "channels"))
			for (size_t i = 0; i < yseq_len(v); i++)
				read_channel(&r, yseq_at(r.y, v, i));
		if ((v = ymap_get(r.y, root, "schedule")) && yexpect_seq(r.y, v, "schedule"))
			for (size_t i = 0; i < yseq_len(v); i++)
				read_schedule(&r, yseq_at(r.y, v, i));
	}
	return s;
}

void model_free(struct m_system *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nvms; i++) {
		struct m_vm *vm = &s->vms[i];
		free(vm->cpus);
		free(vm->mem);
		free(vm->colors);
		for (size_t d = 0; d < vm->ndevs; d++)
			free(vm->devs[d].disk_path);
		free(vm->devs);
		free(vm->dtb_path);
		free(vm->image.kernel_path);
		free(vm->image.initrd_path);
		free(vm->image.flat);
	}
	free(s->vms);
	free(s->chans);
	for (size_t i = 0; i < s->nscheds; i++)
		free(s->scheds[i].win);
	free(s->scheds);
	free(s->hyp_colors);
	free(s->console_control);
	free(s->at_console_control);
	board_free(s->board);
	if (s->doc) {
		ydoc_free(s->doc);
		free(s->doc);
	}
	source_free(s->src);
	free(s->dir);
	free(s);
}
