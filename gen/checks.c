/*
 * The validation rules, one small function each, run in table order. Later checks rely on what
 * earlier ones resolved (device references, image layout, placement), so the order matters.
 * Every diagnostic names the objects involved and where they were declared.
 */
#include <libfdt.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "image.h"
#include "overlap.h"
#include "place.h"
#include "../hypervisor/include/partita/config.h"

#define PAGE 4096ull
/* The GICC window of a VM on a GICv2 board: page 0 and page 1 of the virtual CPU interface. */
#define GICV_WINDOW 0x2000ull

const struct rule rules[] = {
	{ "io", "a file cannot be read or written" },
	{ "yaml-syntax", "the file is not well-formed YAML" },
	{ "yaml-duplicate-key", "a key appears twice in one mapping" },
	{ "yaml-alias", "a YAML alias (*name): not supported in a system description" },
	{ "schema-unknown-key", "a key the schema does not define (with the closest known key)" },
	{ "schema-missing-key", "a required key is missing, or a required list is empty" },
	{ "schema-type", "a value has the wrong type (mapping, list or scalar)" },
	{ "schema-integer", "a value is not a decimal, hex or binary integer" },
	{ "schema-size", "a size is malformed (integer with optional K/M/G suffix)" },
	{ "schema-zero-size", "a size is 0" },
	{ "schema-duration", "a duration is not an integer with a unit ns, us, ms or s, is 0, or exceeds 2^63 - 1 ns" },
	{ "schema-enum", "a value is not one of the allowed words" },
	{ "schema-name", "a name uses characters outside [a-z0-9_-]" },
	{ "image-key", "an image key that does not apply to its format (entry/load: raw; initrd: linux; bootargs: dtb auto)" },
	{ "restart-budget", "an on_fault restart budget out of range: max 0 or above 1000, within above 1 h" },
	{ "duplicate-name", "two VMs or two channels share a name" },
	{ "board-unknown", "the board folder does not exist" },
	{ "board-invalid", "the board's facts or device tree are broken" },
	{ "cpu-unknown", "a CPU index that the board does not have" },
	{ "cpu-conflict", "a CPU given to two VMs (and no schedule shares it), or twice to one" },
	{ "schedule-duplicate", "a CPU with two schedule entries" },
	{ "schedule-vm", "a schedule window names a VM that does not exist or has no vCPU on that CPU" },
	{ "schedule-missing-vm", "a VM runs on a scheduled CPU but has no window in its schedule" },
	{ "schedule-overfull", "a schedule's windows add up to more than its period" },
	{ "schedule-tick", "a schedule period or window length that is not a whole number of the board's counter ticks" },
	{ "device-unknown", "a device reference that matches no board DT node with registers" },
	{ "device-reserved", "a device the hypervisor or the firmware keeps (the interrupt controller, a RISC-V CLINT, the console)" },
	{ "device-conflict", "a device given to two VMs, or twice to one" },
	{ "qemu-text", "QEMU command-line text (a device backend, the board's qemu facts) with characters QEMU options do not use" },
	{ "console-device", "the hypervisor console is not a UART the hypervisor has a driver for (PL011, Cadence, i.MX, 16550)" },
	{ "irq-conflict", "an interrupt owned by two VMs through their devices" },
	{ "irq-range", "a VM's interrupt controller has no number left for an interrupt it needs (a PLIC's riscv,ndev sources)" },
	{ "align", "a base, size or physical address that is not 4 KiB aligned" },
	{ "mem-outside-ram", "fixed or identity memory outside the board's RAM banks" },
	{ "color-geometry", "the board's cache geometry gives no usable color count" },
	{ "color-no-llc", "colors on a board whose facts give no last-level cache geometry" },
	{ "color-range", "a color index beyond the board's color count" },
	{ "color-conflict", "a color given to two VMs, to a VM and the hypervisor, or twice" },
	{ "color-placement", "colors combined with fixed or identity placement" },
	{ "color-capacity", "the colored share of free RAM cannot hold a VM's memory" },
	{ "image-missing", "a kernel or initrd file does not exist" },
	{ "image-format", "a kernel file is not of its stated format" },
	{ "image-too-big", "an image (or its DTB/initrd) does not fit the VM's RAM at its load address" },
	{ "path-chars", "an image, initrd or device tree path with characters the generated files cannot carry" },
	{ "dtb-mismatch", "a device tree file that does not describe its VM (memory, cpus, GIC or PLIC)" },
	{ "image-entry", "the entry point is outside the loaded image" },
	{ "channel-vm", "a channel endpoint names a VM that does not exist" },
	{ "device-backend", "a device's disk:/net: backend is missing its qemu: device, not a file, or unknown" },
	{ "console-vm", "hypervisor console focus/control names a VM that does not exist or has no console" },
	{ "channel-endpoints", "a channel does not join exactly two distinct VMs" },
	{ "guest-overlap", "two things overlap in one VM's guest-physical space" },
	{ "dma-identity", "a DMA-capable device in a VM without identity-mapped RAM (and no IOMMU)" },
	{ "place-no-room", "automatic placement found no free physical range large enough" },
	{ "phys-overlap", "two things overlap in physical memory" },
	{ "limit", "the system exceeds a limit of the hypervisor" },
};
const size_t nrules = sizeof rules / sizeof rules[0];

struct check {
	const char *id;
	void (*run)(struct m_system *s, const char *rule);
	bool needs_board;
};

static char *range_str(u64 base, u64 size)
{
	return xasprintf("0x%llx-0x%llx", (unsigned long long)base, (unsigned long long)(base + size));
}

/* ---- names ---------------------------------------------------------------------------------- */

static void check_duplicate_names(struct m_system *s, const char *rule)
{
	for (size_t i = 0; i < s->nvms; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->vms[i].name, s->vms[j].name) && strcmp(s->vms[i].name, "?")) {
				struct diag *d = diag_error(s->vms[i].at_name, rule, "a second vm named '%s'",
							    s->vms[i].name);
				diag_note(d, s->vms[j].at_name, "vm '%s' first declared here", s->vms[j].name);
				break;
			}
	for (size_t i = 0; i < s->nchans; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->chans[i].name, s->chans[j].name) && strcmp(s->chans[i].name, "?")) {
				struct diag *d = diag_error(s->chans[i].at_name, rule, "a second channel named '%s'",
							    s->chans[i].name);
				diag_note(d, s->chans[j].at_name, "channel '%s' first declared here", s->chans[j].name);
				break;
			}
}

/* ---- CPUs ----------------------------------------------------------------------------------- */

static void check_cpu_unknown(struct m_system *s, const char *rule)
{
	for (size_t v = 0; v < s->nvms; v++)
		for (size_t i = 0; i < s->vms[v].ncpus; i++) {
			struct m_cpu *c = &s->vms[v].cpus[i];
			if (c->index >= s->board->ncpus) {
				struct diag *d = diag_error(c->at, rule, "vm '%s': board '%s' has no cpu %u",
							    s->vms[v].name, s->board->name, c->index);
				diag_hint(d, "the board's cpus are 0 to %zu", s->board->ncpus - 1);
			}
		}
}

/*
 * Exclusive ownership: the first VM to claim a thing (a CPU, a device) owns it; every later claim
 * is an error whose note points at the first.
 */
struct owners {
	struct loc *at;
	const char **vm;
};

static struct owners owners_new(size_t n)
{
	return (struct owners){ xcalloc(n, sizeof(struct loc)), xcalloc(n, sizeof(const char *)) };
}

static void owners_free(struct owners *o)
{
	free(o->at);
	free(o->vm);
}

/* Claim thing `i` (described as `what`) for `vm`; false, with the error reported, when taken. */
static bool claim(struct owners *o, size_t i, struct loc at, const char *vm, const char *rule, const char *what)
{
	if (o->vm[i]) {
		struct diag *d = diag_error(at, rule, "%s given to vm '%s' is already taken", what, vm);
		diag_note(d, o->at[i], "first assigned to vm '%s' here", o->vm[i]);
		return false;
	}
	o->at[i] = at;
	o->vm[i] = vm;
	return true;
}

/* ---- time partitioning (schedule:) ----------------------------------------------------------- */

static int vm_by_name(const struct m_system *s, const char *name);

/* The schedule of each board CPU (NULL: the CPU is not shared), from the entries that are not
 * ignored: the first one for each CPU, once check_schedule_duplicate has run. */
static const struct m_schedule **schedules_by_cpu(const struct m_system *s)
{
	const struct m_schedule **of = xcalloc(s->board->ncpus, sizeof *of);
	for (size_t i = 0; i < s->nscheds; i++) {
		const struct m_schedule *sc = &s->scheds[i];
		if (!sc->ignored && sc->has_cpu && sc->cpu < s->board->ncpus && !of[sc->cpu])
			of[sc->cpu] = sc;
	}
	return of;
}

/* A schedule's CPU must be the board's (rule cpu-unknown, run with the VMs' CPUs). */
static void check_schedule_cpu_unknown(struct m_system *s, const char *rule)
{
	for (size_t i = 0; i < s->nscheds; i++) {
		struct m_schedule *sc = &s->scheds[i];
		if (!sc->has_cpu || sc->cpu < s->board->ncpus)
			continue;
		struct diag *d = diag_error(sc->at_cpu, rule, "schedule: board '%s' has no cpu %u",
					    s->board->name, sc->cpu);
		diag_hint(d, "the board's cpus are 0 to %zu", s->board->ncpus - 1);
		sc->ignored = true;
	}
}

static void check_schedule_duplicate(struct m_system *s, const char *rule)
{
	const struct m_schedule **first = xcalloc(s->board->ncpus, sizeof *first);
	for (size_t i = 0; i < s->nscheds; i++) {
		struct m_schedule *sc = &s->scheds[i];
		if (sc->ignored || !sc->has_cpu || sc->cpu >= s->board->ncpus)
			continue;
		if (!first[sc->cpu]) {
			first[sc->cpu] = sc;
			continue;
		}
		struct diag *d = diag_error(sc->at_cpu, rule, "a second schedule for cpu %u", sc->cpu);
		diag_note(d, first[sc->cpu]->at_cpu, "the schedule for cpu %u is here", sc->cpu);
		diag_hint(d, "put all of cpu %u's windows in one entry, in the order they run", sc->cpu);
		sc->ignored = true;
	}
	free(first);
}

/* Every window names a VM (by name: did-you-mean) that has a vCPU on the schedule's CPU. */
static void check_schedule_vms(struct m_system *s, const char *rule)
{
	const char **names = xmalloc((s->nvms + 1) * sizeof *names);
	for (size_t v = 0; v < s->nvms; v++)
		names[v] = s->vms[v].name;
	for (size_t i = 0; i < s->nscheds; i++) {
		struct m_schedule *sc = &s->scheds[i];
		for (size_t k = 0; k < sc->nwin; k++) {
			struct m_window *w = &sc->win[k];
			if (!w->vm_name)
				continue;
			w->vm = vm_by_name(s, w->vm_name);
			if (w->vm < 0) {
				struct diag *d = diag_error(w->at_vm, rule, "schedule window: no vm named '%s'",
							    w->vm_name);
				const char *near = closest_word(w->vm_name, names, s->nvms);
				if (near)
					diag_hint(d, "did you mean '%s'?", near);
				else
					diag_hint(d, "a window names a VM; the time the windows leave free of "
						  "the period is idle");
				sc->incomplete = true;
				continue;
			}
			if (sc->ignored || !sc->has_cpu)
				continue;
			const struct m_vm *vm = &s->vms[w->vm];
			size_t c = 0;
			while (c < vm->ncpus && vm->cpus[c].index != sc->cpu)
				c++;
			if (c < vm->ncpus) {
				w->vcpu = (unsigned)c;
				continue;
			}
			struct diag *d = diag_error(w->at_vm, rule, "schedule for cpu %u: vm '%s' has no vcpu "
						    "on cpu %u", sc->cpu, vm->name, sc->cpu);
			diag_note(d, vm->at_cpus.src ? vm->at_cpus : vm->at_name, "vm '%s' cpus declared here",
				  vm->name);
			diag_hint(d, "add %u to the cpus of vm '%s', or give the window to a VM that runs on "
				  "cpu %u", sc->cpu, vm->name, sc->cpu);
			w->vm = -1;
		}
	}
	free(names);
}

static int cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;
	return (a > b) - (a < b);
}

/* The VMs schedule `sc` gives a window (sorted), and whether vm `v` is one of them. */
static int *windowed_vms(const struct m_schedule *sc)
{
	int *vms = xcalloc(sc->nwin + 1, sizeof *vms);
	for (size_t k = 0; k < sc->nwin; k++)
		vms[k] = sc->win[k].vm;
	qsort(vms, sc->nwin, sizeof *vms, cmp_int);
	return vms;
}

static bool has_window(const struct m_schedule *sc, const int *vms, size_t v)
{
	int key = (int)v;
	return bsearch(&key, vms, sc->nwin, sizeof *vms, cmp_int) != NULL;
}

/*
 * CPU ownership. A CPU not in a schedule belongs to the first VM that lists it: a later claim is
 * an error whose note points at the first. A CPU with a schedule is shared by the VMs its windows
 * name, and by no other (schedule-missing-vm). Either way a VM lists a CPU once: it has at most
 * one vCPU on it.
 */
static void check_cpu_conflict(struct m_system *s, const char *rule)
{
	struct owners o = owners_new(s->board->ncpus);
	const struct m_schedule **of = schedules_by_cpu(s);
	int **named = xcalloc(s->board->ncpus, sizeof *named);
	for (size_t c = 0; c < s->board->ncpus; c++)
		named[c] = of[c] ? windowed_vms(of[c]) : NULL;
	const struct m_cpu **mine = xcalloc(s->board->ncpus, sizeof *mine); /* this VM's first entry */
	for (size_t v = 0; v < s->nvms; v++) {
		memset(mine, 0, s->board->ncpus * sizeof *mine);
		for (size_t i = 0; i < s->vms[v].ncpus; i++) {
			struct m_vm *vm = &s->vms[v];
			struct m_cpu *c = &vm->cpus[i];
			if (c->index >= s->board->ncpus)
				continue;
			if (mine[c->index]) {
				struct diag *d = diag_error(c->at, rule, "cpu %u given to vm '%s' is already taken",
							    c->index, vm->name);
				diag_note(d, mine[c->index]->at, "first assigned to vm '%s' here", vm->name);
				diag_hint(d, "a VM has at most one vCPU on a CPU: list cpu %u once", c->index);
				continue;
			}
			mine[c->index] = c;
			const struct m_schedule *sc = of[c->index];
			if (sc) {
				if (sc->incomplete || has_window(sc, named[c->index], v))
					continue;
				struct diag *d = diag_error(c->at, "schedule-missing-vm",
							    "vm '%s' runs on cpu %u, whose schedule gives it no "
							    "window", vm->name, c->index);
				diag_note(d, sc->at_cpu, "the schedule for cpu %u is here", c->index);
				diag_hint(d, "add a window { vm: %s, length: ... } to it, or give vm '%s' "
					  "another cpu", vm->name, vm->name);
				continue;
			}
			if (o.vm[c->index]) {
				struct diag *d = diag_error(c->at, rule, "cpu %u given to vm '%s' is already taken",
							    c->index, vm->name);
				diag_note(d, o.at[c->index], "first assigned to vm '%s' here", o.vm[c->index]);
				diag_hint(d, "give each VM its own cpu, or share cpu %u in time: a schedule "
					  "entry for it with windows for both VMs", c->index);
				continue;
			}
			o.at[c->index] = c->at;
			o.vm[c->index] = vm->name;
		}
	}
	free(mine);
	for (size_t c = 0; c < s->board->ncpus; c++)
		free(named[c]);
	free(named);
	free(of);
	owners_free(&o);
}

/* The windows of a frame fit its period. */
static void check_schedule_overfull(struct m_system *s, const char *rule)
{
	for (size_t i = 0; i < s->nscheds; i++) {
		const struct m_schedule *sc = &s->scheds[i];
		if (sc->ignored || !sc->period || !sc->nwin)
			continue;
		bool lengths = true;
		for (size_t k = 0; k < sc->nwin; k++)
			lengths &= sc->win[k].length != 0;
		if (!lengths)
			continue;
		/* Lengths are below 2^63: the sum saturates rather than wraps. */
		u64 sum = 0;
		size_t past = sc->nwin;
		for (size_t k = 0; k < sc->nwin; k++) {
			sum = sc->win[k].length > UINT64_MAX - sum ? UINT64_MAX : sum + sc->win[k].length;
			if (sum > sc->period && past == sc->nwin)
				past = k;
		}
		if (sum <= sc->period)
			continue;
		char *total = sum == UINT64_MAX ? xstrdup("over 2^64 - 1 ns") : fmt_duration(sum);
		char *period = fmt_duration(sc->period);
		struct diag *d = diag_error(sc->at_period, rule, "schedule for cpu %u: the windows add up to "
					    "%s, more than the period %s", sc->cpu, total, period);
		diag_note(d, sc->win[past].at, "this window ends past the period");
		if (sum <= DURATION_MAX) {
			char *over = fmt_duration(sum - sc->period);
			diag_hint(d, "make the period %s or longer, or shorten the windows by %s", total, over);
			free(over);
		}
		free(total);
		free(period);
	}
}

static u64 gcd(u64 a, u64 b)
{
	while (b) {
		u64 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* A duration that is not a whole number of counter ticks: where, and the nearest that are. */
static void not_whole_ticks(struct m_system *s, const char *rule, struct loc at, const char *what,
			    u64 ns, u64 step)
{
	const struct board *b = s->board;
	char *v = fmt_duration(ns), *st = fmt_duration(step);
	struct diag *d = diag_error(at, rule, "%s %s is not a whole number of ticks of the %llu Hz "
				    "counter of board '%s'", what, v, (unsigned long long)b->counter_hz, b->name);
	u64 down = ns / step * step, up = down <= DURATION_MAX - step ? down + step : 0;
	char *lo = fmt_duration(down), *hi = fmt_duration(up);
	const char *dflt = b->counter_hz_at.src ? "" : b->timebase_hz ? " (the timebase-frequency of the "
			   "board's device tree)" : " (the default counter_hz: the board's board.yaml does not "
			   "state one)";
	if (down && up)
		diag_hint(d, "use %s or %s: multiples of %s are whole ticks%s", lo, hi, st, dflt);
	else
		diag_hint(d, "use %s: multiples of %s are whole ticks%s", down ? lo : hi, st, dflt);
	if (b->counter_hz_at.src)
		diag_note(d, b->counter_hz_at, "the board's counter frequency (%s) is stated here",
			  b->arch == PT_ARCH_RISCV64 ? "the timebase" : "CNTFRQ_EL0");
	free(v);
	free(st);
	free(lo);
	free(hi);
}

/*
 * The hypervisor counts time in ticks of the generic counter: every period and length must be a
 * whole number of them at the board's frequency, i.e. ns * hz / 10^9 an integer, i.e. ns a
 * multiple of 10^9 / gcd(hz, 10^9) (16 ns at 62.5 MHz).
 */
static void check_schedule_tick(struct m_system *s, const char *rule)
{
	u64 step = 1000000000ull / gcd(s->board->counter_hz, 1000000000ull);
	for (size_t i = 0; i < s->nscheds; i++) {
		const struct m_schedule *sc = &s->scheds[i];
		if (sc->period && sc->period % step)
			not_whole_ticks(s, rule, sc->at_period, "schedule period", sc->period, step);
		for (size_t k = 0; k < sc->nwin; k++)
			if (sc->win[k].length && sc->win[k].length % step)
				not_whole_ticks(s, rule, sc->win[k].at_length, "window length",
						sc->win[k].length, step);
	}
}

/* ---- devices and interrupts ----------------------------------------------------------------- */

static void check_devices_known(struct m_system *s, const char *rule)
{
	struct board *b = s->board;
	for (size_t v = 0; v < s->nvms; v++)
		for (size_t i = 0; i < s->vms[v].ndevs; i++) {
			struct m_device *d = &s->vms[v].devs[i];
			d->dev = board_find_device(b, d->ref);
			if (d->dev >= 0)
				continue;
			struct diag *e = diag_error(d->at, rule, "vm '%s': no device '%s' on board '%s'",
						    s->vms[v].name, d->ref, b->name);
			const char *near = board_suggest_device(b, d->ref);
			if (near)
				diag_hint(e, "did you mean '%s'?", near);
			else
				diag_hint(e, "name a node of boards/%s/board.dts by path (/pl031@9010000), label (rtc) or alias",
					  b->name);
		}
}

/*
 * Text that reaches QEMU's command line in run.sh. A device backend is one QEMU option value
 * (driver[,property=value]...) and is passed as one quoted word; the board's qemu facts are
 * words of the command line. Either way only the characters QEMU's option syntax uses are
 * accepted, so nothing in them can mean anything to the shell ($, quotes, ;, newlines...).
 */
static bool qemu_text_ok(const char *t, bool spaces)
{
	const char *extra = spaces ? "_.,=:/+@- " : "_.,=:/+@-";

	if (!plain_char(t[0], spaces ? "-" : ""))
		return false;
	for (; *t; t++)
		if (!plain_char(*t, extra))
			return false;
	return true;
}

static void check_path_chars(struct loc at, const char *what, const char *vm, const char *path);

/*
 * A device's `disk:` or `net:` (rule device-backend): only with `qemu:` (it is that -device's
 * backend), not both; the disk a readable regular file whose path run.sh can carry; net "user".
 */
static void check_device_backend(struct m_system *s, const struct m_vm *vm, const struct m_device *d)
{
	const char *rule = "device-backend";
	struct stat st;

	if ((d->disk || d->net) && !d->qemu) {
		struct diag *e = diag_error(d->disk ? d->at_disk : d->at_net, rule,
					    "vm '%s': device '%s' has a %s backend but no qemu: device for it",
					    vm->name, d->ref, d->disk ? "disk" : "net");
		diag_hint(e, "add qemu: virtio-%s-device", d->disk ? "blk" : "net");
	}
	if (d->disk && d->net)
		diag_error(d->at_net, rule, "vm '%s': device '%s' has both a disk and a net backend",
			   vm->name, d->ref);
	if (d->disk && (stat(d->disk_path, &st) != 0 || !S_ISREG(st.st_mode))) {
		struct diag *e = diag_error(d->at_disk, rule, "vm '%s': disk image '%s' is not a file",
					    vm->name, d->disk);
		diag_hint(e, "create it first, e.g. truncate -s 16M %s (a raw image)", d->disk);
	} else if (d->disk) {
		check_path_chars(d->at_disk, "disk image", vm->name, d->disk_path);
	}
	if (d->net && strcmp(d->net, "user")) {
		struct diag *e = diag_error(d->at_net, rule, "vm '%s': network '%s' is not one run.sh "
					    "can create", vm->name, d->net);
		diag_hint(e, "net: user (QEMU user-mode networking)");
	}
	(void)s;
}

static void check_qemu_text(struct m_system *s, const char *rule)
{
	struct board *b = s->board;
	const struct { const char *key, *value; bool spaces; } facts[] = {
		{ "binary", b->qemu_binary, false }, { "machine", b->qemu_machine, false },
		{ "cpu", b->qemu_cpu, false }, { "extra", b->qemu_extra, true },
	};
	for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++)
		if (facts[i].value && !qemu_text_ok(facts[i].value, facts[i].spaces)) {
			struct diag *d = diag_error((struct loc){ b->facts_src, 0, 0 }, rule,
						    "board '%s': qemu %s '%s' is not plain QEMU command-line text",
						    b->name, facts[i].key, facts[i].value);
			diag_hint(d, "use letters, digits and _ . , = : / + @ -%s only",
				  facts[i].spaces ? " and spaces" : "");
		}
	for (size_t v = 0; v < s->nvms; v++)
		for (size_t i = 0; i < s->vms[v].ndevs; i++) {
			const struct m_device *d = &s->vms[v].devs[i];
			if (d->qemu && !qemu_text_ok(d->qemu, false)) {
				struct diag *e = diag_error(d->at_qemu, rule, "vm '%s': device backend '%s' is "
							    "not one QEMU -device value", s->vms[v].name, d->qemu);
				diag_hint(e, "write driver[,property=value]... with letters, digits and "
					  "_ . , = : / + @ - only, e.g. virtio-net-device,netdev=n0");
			}
		}
}

/* Device backends name files and QEMU words, not the board: checked with or without one. */
static void check_device_backends(struct m_system *s, const char *rule)
{
	(void)rule;
	for (size_t v = 0; v < s->nvms; v++)
		for (size_t i = 0; i < s->vms[v].ndevs; i++)
			check_device_backend(s, &s->vms[v], &s->vms[v].devs[i]);
}

static void check_devices_reserved(struct m_system *s, const char *rule)
{
	struct board *b = s->board;
	const char *console = s->hyp_console ? s->hyp_console : b->console;
	struct loc at = s->hyp_console ? s->at_hyp_console :
			b->console_at.src ? b->console_at : (struct loc){ b->facts_src, 0, 0 };
	if (console) {
		s->hyp_console_dev = board_find_device(b, console);
		if (s->hyp_console_dev < 0) {
			struct diag *d = diag_error(at, "device-unknown", "hypervisor console: no device '%s' on board '%s'",
						    console, b->name);
			const char *near = board_suggest_device(b, console);
			if (near)
				diag_hint(d, "did you mean '%s'?", near);
		} else if (!b->devs[s->hyp_console_dev].reserved &&
			   !(s->console_uart = board_uart_kind(b->fdt, b->devs[s->hyp_console_dev].offset))) {
			const struct board_device *con = &b->devs[s->hyp_console_dev];
			struct diag *d = diag_error(at, "console-device", "hypervisor console %s (compatible \"%s\") is not "
						    "a UART the hypervisor has a driver for", con->path,
						    con->compatible ? con->compatible : "none");
			diag_hint(d, "the hypervisor drives PL011 (arm,pl011, arm,sbsa-uart), Cadence (cdns,uart-r1p12, "
				  "xlnx,xuartps), i.MX (fsl,imx6q-uart, fsl,imx21-uart) and 16550 (ns16550a, ns16550, "
				  "snps,dw-apb-uart) UARTs; on this board: %s", b->console ? b->console : "uart0");
			s->hyp_console_dev = -1;
		} else if (b->devs[s->hyp_console_dev].reserved) {
			diag_error(at, rule, "hypervisor console: %s is the %s, not a UART", b->devs[s->hyp_console_dev].path,
				   b->devs[s->hyp_console_dev].firmware ? "firmware's timer and IPI block (CLINT)"
									: "interrupt controller");
			s->hyp_console_dev = -1;
		} else if (s->console_uart == PT_UART_NS16550) {
			/* The driver reads and writes the registers 1 or 4 bytes wide. */
			const struct board_device *con = &b->devs[s->hyp_console_dev];
			struct uart_params u = board_uart_params(b->fdt, con->offset);
			if ((u.reg_io_width != 1 && u.reg_io_width != 4) || u.reg_shift > 4) {
				struct diag *d = diag_error(at, "console-device", "hypervisor console %s: a 16550 with "
							    "reg-io-width %u and reg-shift %u, which the hypervisor's "
							    "16550 driver does not take", con->path, u.reg_io_width,
							    u.reg_shift);
				diag_hint(d, "it accesses the registers 1 or 4 bytes wide (reg-io-width 1 or 4), at most "
					  "16 bytes apart (reg-shift 0 to 4)");
				s->hyp_console_dev = -1;
			}
		}
	}
	for (size_t v = 0; v < s->nvms; v++)
		for (size_t i = 0; i < s->vms[v].ndevs; i++) {
			struct m_device *d = &s->vms[v].devs[i];
			if (d->dev < 0)
				continue;
			if (b->devs[d->dev].firmware)
				diag_error(d->at, rule, "vm '%s': %s is the firmware's timer and IPI block (CLINT); VMs "
					   "get their timer and IPIs through the hypervisor", s->vms[v].name, b->devs[d->dev].path);
			else if (b->devs[d->dev].reserved)
				diag_error(d->at, rule, "vm '%s': %s is the interrupt controller; the hypervisor emulates it for every VM",
					   s->vms[v].name, b->devs[d->dev].path);
			else if (d->dev == s->hyp_console_dev) {
				struct diag *e = diag_error(d->at, rule, "vm '%s': %s is the hypervisor's console",
							    s->vms[v].name, b->devs[d->dev].path);
				diag_hint(e, "give the VM 'console: vuart' instead: its output is multiplexed on this UART");
			} else
				continue;
			/* Reported: later checks (interrupts, overlaps) must not report the same mistake again. */
			d->dev = -1;
		}
}

static void check_device_conflict(struct m_system *s, const char *rule)
{
	struct owners o = owners_new(s->board->ndevs);
	for (size_t v = 0; v < s->nvms; v++)
		for (size_t i = 0; i < s->vms[v].ndevs; i++) {
			struct m_device *d = &s->vms[v].devs[i];
			if (d->dev < 0)
				continue;
			char *what = xasprintf("device %s", s->board->devs[d->dev].path);
			if (!claim(&o, (size_t)d->dev, d->at, s->vms[v].name, rule, what))
				d->dev = -1; /* reported: not again as an interrupt or memory overlap */
			free(what);
		}
	owners_free(&o);
}

static void check_irq_conflict(struct m_system *s, const char *rule)
{
	enum { MAX_INTID = 1024 };
	struct m_device **first = xcalloc(MAX_INTID, sizeof *first);
	int *owner = xcalloc(MAX_INTID, sizeof *owner);
	for (size_t v = 0; v < s->nvms; v++)
		for (size_t i = 0; i < s->vms[v].ndevs; i++) {
			struct m_device *d = &s->vms[v].devs[i];
			if (d->dev < 0)
				continue;
			const struct board_device *bd = &s->board->devs[d->dev];
			for (size_t k = 0; k < bd->nirqs; k++) {
				unsigned id = bd->irqs[k].intid;
				if (id >= MAX_INTID)
					continue;
				if (bd->irqs[k].percpu) {
					diag_error(d->at, rule, "vm '%s': %s uses per-CPU interrupt %u, which cannot be passed through",
						   s->vms[v].name, bd->path, id);
					continue;
				}
				if (first[id] && first[id] != d &&
				    s->board->devs[first[id]->dev].offset != bd->offset) {
					struct diag *e = diag_error(d->at, rule,
						"interrupt %u of %s (vm '%s') is already owned by vm '%s' through %s", id,
						bd->path, s->vms[v].name, s->vms[owner[id]].name,
						s->board->devs[first[id]->dev].path);
					diag_note(e, first[id]->at, "vm '%s' owns it here", s->vms[owner[id]].name);
					continue;
				}
				first[id] = d;
				owner[id] = (int)v;
			}
		}
	free(first);
	free(owner);
}

/* ---- alignment and RAM ---------------------------------------------------------------------- */

static void misaligned(struct loc at, const char *rule, const char *what, u64 v)
{
	struct diag *d = diag_error(at, rule, "%s 0x%llx is not 4 KiB aligned", what, (unsigned long long)v);
	diag_hint(d, "use 0x%llx or 0x%llx", (unsigned long long)align_down(v, PAGE),
		  (unsigned long long)align_up(v, PAGE));
}

static void check_align(struct m_system *s, const char *rule)
{
	for (size_t v = 0; v < s->nvms; v++)
		for (size_t i = 0; i < s->vms[v].nmem; i++) {
			struct m_mem *m = &s->vms[v].mem[i];
			if (!is_aligned(m->ipa, PAGE))
				misaligned(m->at_base, rule, "memory base", m->ipa);
			if (!is_aligned(m->size, PAGE))
				misaligned(m->at_size, rule, "memory size", m->size);
			if (m->place == PLACE_FIXED && !is_aligned(m->pa, PAGE))
				misaligned(m->at_phys, rule, "memory phys", m->pa);
		}
	for (size_t c = 0; c < s->nchans; c++) {
		struct m_channel *ch = &s->chans[c];
		if (ch->size && !is_aligned(ch->size, PAGE))
			misaligned(ch->at_size, rule, "channel size", ch->size);
		if (ch->has_phys && !is_aligned(ch->pa, PAGE))
			misaligned(ch->at_phys, rule, "channel phys", ch->pa);
		for (size_t e = 0; e < ch->nep; e++)
			if (!is_aligned(ch->ep[e].ipa, PAGE))
				misaligned(ch->ep[e].at_base, rule, "channel window base", ch->ep[e].ipa);
	}
	if (s->hyp_has_size && !is_aligned(s->hyp_size, PAGE))
		misaligned(s->at_hyp_size, rule, "hypervisor memory size", s->hyp_size);
	if (s->hyp_has_phys && !is_aligned(s->hyp_pa, 2ull << 20)) {
		struct diag *d = diag_error(s->at_hyp_phys, rule, "hypervisor phys 0x%llx is not 2 MiB aligned",
					    (unsigned long long)s->hyp_pa);
		diag_hint(d, "the hypervisor maps itself with 2 MiB blocks");
	}
}

static bool in_ram(const struct board *b, u64 base, u64 size)
{
	for (size_t i = 0; i < b->nram; i++)
		if (base >= b->ram[i].base && base + size >= base &&
		    base + size <= b->ram[i].base + b->ram[i].size)
			return true;
	return false;
}

static void outside_ram(struct m_system *s, struct loc at, const char *rule, const char *what, u64 base, u64 size)
{
	char *r = range_str(base, size);
	struct diag *d = diag_error(at, rule, "%s %s is outside the RAM of board '%s'", what, r, s->board->name);
	char *banks = xstrdup("");
	for (size_t i = 0; i < s->board->nram; i++) {
		char *one = range_str(s->board->ram[i].base, s->board->ram[i].size);
		char *joined = xasprintf("%s%s%s", banks, i ? ", " : "", one);
		free(one);
		free(banks);
		banks = joined;
	}
	diag_hint(d, "the board's RAM: %s", banks);
	free(banks);
	free(r);
}

static void check_mem_outside_ram(struct m_system *s, const char *rule)
{
	for (size_t v = 0; v < s->nvms; v++)
		for (size_t i = 0; i < s->vms[v].nmem; i++) {
			struct m_mem *m = &s->vms[v].mem[i];
			if (m->place != PLACE_AUTO && !in_ram(s->board, m->pa, m->size)) {
				char *what = xasprintf("vm '%s' memory (physical)", s->vms[v].name);
				outside_ram(s, m->place == PLACE_FIXED ? m->at_phys : m->at_base, rule, what, m->pa, m->size);
				free(what);
			}
		}
	for (size_t c = 0; c < s->nchans; c++)
		if (s->chans[c].has_phys && !in_ram(s->board, s->chans[c].pa, s->chans[c].size)) {
			char *what = xasprintf("channel '%s'", s->chans[c].name);
			outside_ram(s, s->chans[c].at_phys, rule, what, s->chans[c].pa, s->chans[c].size);
			free(what);
		}
}

/* ---- cache colors --------------------------------------------------------------------------- */

static bool uses_colors(const struct m_system *s)
{
	if (s->nhyp_colors)
		return true;
	for (size_t v = 0; v < s->nvms; v++)
		if (s->vms[v].ncolors)
			return true;
	return false;
}

/* The first color a description gives (a VM's, else the hypervisor's), for notes. */
static struct loc first_color(const struct m_system *s)
{
	for (size_t v = 0; v < s->nvms; v++)
		if (s->vms[v].ncolors)
			return s->vms[v].colors[0].at;
	return s->nhyp_colors ? s->hyp_colors[0].at : s->at_board;
}

static void check_color_geometry(struct m_system *s, const char *rule)
{
	struct board *b = s->board;
	u64 way = b->llc_ways ? b->llc_size / b->llc_ways : 0;
	u64 n = b->page_size ? way / b->page_size : 0;
	b->num_colors = (unsigned)(n > PT_MAX_COLORS ? PT_MAX_COLORS : n);
	if (!uses_colors(s))
		return;
	if (!b->has_llc) {
		/* Every color given is the mistake; one error at the first, the others said in it. */
		size_t given = s->nhyp_colors;
		for (size_t v = 0; v < s->nvms; v++)
			given += s->vms[v].ncolors;
		struct diag *d = diag_error(first_color(s), "color-no-llc", "board '%s' states no last-level "
					    "cache, so it has no cache colors to give (%zu given)", b->name, given);
		diag_note(d, (struct loc){ b->facts_src, 0, 0 }, "its facts have no cache: { size, ways, line }");
		diag_hint(d, "drop the colors (memory is then placed contiguously), or state the LLC's geometry "
			  "in the board's board.yaml if the hardware has one (docs/boards.md)");
		b->num_colors = 0;
		return;
	}
	if (n < 2 || !is_pow2(n) || n > PT_MAX_COLORS) {
		struct diag *d = diag_error(b->llc_at.src ? b->llc_at : s->at_board, rule,
					    "board '%s': cache way size %llu / page size %llu gives %llu colors; coloring needs a power of two from 2 to %d",
					    b->name, (unsigned long long)way, (unsigned long long)b->page_size,
					    (unsigned long long)n, PT_MAX_COLORS);
		diag_note(d, first_color(s), "colors are used here");
		b->num_colors = 0;
	}
}

static void check_colors(struct m_system *s, const char *rule)
{
	unsigned n = s->board->num_colors;
	if (!uses_colors(s) || n < 2)
		return;
	const struct m_color *first[PT_MAX_COLORS] = { 0 };
	const char *owner[PT_MAX_COLORS] = { 0 };
	for (size_t v = 0; v <= s->nvms; v++) {
		bool hyp = v == s->nvms;
		const struct m_color *cs = hyp ? s->hyp_colors : s->vms[v].colors;
		size_t nc = hyp ? s->nhyp_colors : s->vms[v].ncolors;
		const char *name = hyp ? "the hypervisor" : s->vms[v].name;
		for (size_t i = 0; i < nc; i++) {
			const struct m_color *c = &cs[i];
			if (c->color >= n) {
				struct diag *d = diag_error(c->at, "color-range", "color %u: board '%s' has colors 0 to %u",
							    c->color, s->board->name, n - 1);
				diag_hint(d, "the board's LLC gives %u colors (way size / page size)", n);
				continue;
			}
			if (first[c->color]) {
				struct diag *d = diag_error(c->at, rule, "color %u of %s%s%s is already taken", c->color,
							    hyp ? "" : "vm '", name, hyp ? "" : "'");
				diag_note(d, first[c->color]->at, "first given to %s here", owner[c->color]);
				continue;
			}
			first[c->color] = c;
			owner[c->color] = hyp ? "the hypervisor" : xasprintf("vm '%s'", name);
		}
	}
	for (unsigned i = 0; i < n; i++)
		if (owner[i] && strcmp(owner[i], "the hypervisor"))
			free((char *)owner[i]);
	/* Colors and pinned placement exclude each other. */
	for (size_t v = 0; v < s->nvms; v++) {
		struct m_vm *vm = &s->vms[v];
		if (!vm->ncolors)
			continue;
		vm->color_mask &= n == 64 ? ~0ull : ((1ull << n) - 1);
		for (size_t i = 0; i < vm->nmem; i++)
			if (vm->mem[i].place != PLACE_AUTO) {
				struct diag *d = diag_error(vm->mem[i].at_phys, "color-placement",
							    "vm '%s' has colors, so its memory cannot also have a fixed physical place",
							    vm->name);
				diag_note(d, vm->colors[0].at, "colors given here");
				diag_hint(d, "drop 'phys' (colored memory is placed page by page) or drop 'colors'");
			}
	}
}

/* ---- images --------------------------------------------------------------------------------- */

/* The RAM region of `vm` that holds [ipa, ipa + size), or NULL. */
static struct m_mem *ram_holding(struct m_vm *vm, u64 ipa, u64 size)
{
	for (size_t i = 0; i < vm->nmem; i++) {
		struct m_mem *m = &vm->mem[i];
		if (ipa >= m->ipa && ipa - m->ipa <= m->size && size <= m->size - (ipa - m->ipa))
			return m;
	}
	return NULL;
}

#define DTB_MAX (64u << 10) /* room reserved for a generated guest DTB */

/*
 * The smallest RAM region (from its start) that holds what layout_image() puts there: the image
 * at `offset`, the initrd above it, and the DTB at the top — in a 2 MiB block of its own once
 * the region is 8 MiB or more, else in the last DTB_MAX bytes. For hints that then hold.
 */
static u64 region_needed(const struct m_vm *vm, u64 offset)
{
	const struct m_image *im = &vm->image;
	u64 below = align_up(offset + im->mem_size, PAGE) + align_up(im->initrd_size, PAGE);
	u64 need = align_up(below, 1u << 20);
	if (vm->dtb != DTB_NONE) {
		need = align_up(below + DTB_MAX, 1u << 20);
		if (need >= (8u << 20))
			need = align_up(below, 2u << 20) + (2u << 20);
	}
	return need;
}

static void hint_region(struct diag *d, const struct m_vm *vm, const struct m_mem *ram)
{
	char *want = fmt_size(region_needed(vm, vm->image.load - ram->ipa));
	diag_hint(d, "make this region at least %s (image, initrd and device tree)", want);
	free(want);
}

static void layout_image(struct m_system *s, struct m_vm *vm)
{
	struct m_image *im = &vm->image;
	struct m_mem *ram = ram_holding(vm, im->load, 1);
	if (!ram || !ram_holding(vm, im->load, im->mem_size)) {
		char *need = fmt_size(align_up(im->mem_size, PAGE));
		struct diag *d = diag_error(im->at_kernel, "image-too-big",
					    "vm '%s': the image needs %s at guest 0x%llx, which %s", vm->name, need,
					    (unsigned long long)im->load,
					    ram ? "runs past the end of its RAM region" : "is not in the VM's RAM");
		if (ram) {
			char *r = range_str(ram->ipa, ram->size);
			diag_note(d, ram->at, "the RAM region is %s", r);
			free(r);
			hint_region(d, vm, ram);
		}
		free(need);
		return;
	}
	if (im->entry < im->load || im->entry >= im->load + im->file_size) {
		char *r = range_str(im->load, im->file_size);
		diag_error(im->has_entry ? im->at_entry : im->at_kernel, "image-entry",
			   "vm '%s': entry 0x%llx is outside the loaded image %s", vm->name,
			   (unsigned long long)im->entry, r);
		free(r);
	}
	u64 image_end = im->load + im->mem_size;
	u64 ram_end = ram->ipa + ram->size;
	if (vm->dtb != DTB_NONE) {
		/* At the top of the region, in a 2 MiB block of its own when the region is large enough
		 * (Linux maps the DTB with blocks of up to 2 MiB). */
		im->dtb_ipa = ram->size >= (8u << 20) ? align_down(ram_end - (2u << 20), 2u << 20)
						      : ram_end - DTB_MAX;
		if (ram->size < DTB_MAX || im->dtb_ipa < image_end) { /* (small region: dtb_ipa wrapped) */
			struct diag *d = diag_error(im->at_kernel, "image-too-big",
						    "vm '%s': no room for the device tree after the image (image ends at 0x%llx, region at 0x%llx)",
						    vm->name, (unsigned long long)image_end, (unsigned long long)ram_end);
			diag_note(d, ram->at, "the RAM region holding the image");
			hint_region(d, vm, ram);
			return;
		}
	}
	if (im->initrd_size) {
		u64 top = vm->dtb != DTB_NONE ? im->dtb_ipa : ram_end;
		im->initrd_ipa = top >= im->initrd_size ? align_down(top - im->initrd_size, PAGE) : 0;
		if (im->initrd_ipa < align_up(image_end, PAGE)) {
			char *need = fmt_size(align_up(im->initrd_size, PAGE));
			struct diag *d = diag_error(im->at_initrd, "image-too-big",
						    "vm '%s': no room for the %s initrd between the kernel (ends 0x%llx) and 0x%llx",
						    vm->name, need, (unsigned long long)image_end, (unsigned long long)top);
			diag_note(d, ram->at, "the RAM region holding the image");
			hint_region(d, vm, ram);
			free(need);
		}
	}
	(void)s;
}

/*
 * A device tree a user brings (dtb: FILE) is what the guest will believe about its machine, so
 * it must be a well-formed blob and must describe the VM Partita builds: its RAM exactly (the
 * /memory nodes), its vCPUs (as many cpu nodes as it has), and the GIC where its virtual GIC is.
 */
struct fdt_view {
	const void *fdt;
	int ac, sc;   /* the root's #address-cells / #size-cells */
};

static bool fdt_cells(const fdt32_t *p, int cells, u64 *out)
{
	*out = 0;
	if (cells < 1 || cells > 2)
		return false;
	for (int i = 0; i < cells; i++)
		*out = (*out << 32) | fdt32_to_cpu(p[i]);
	return true;
}

static int cmp_range(const void *x, const void *y)
{
	const struct range *a = x, *b = y;
	return a->base < b->base ? -1 : a->base > b->base;
}

/* Sort ranges and merge those that touch; returns how many are left. */
static size_t merge_ranges(struct range *r, size_t n)
{
	size_t m = 0;
	if (n > 1)
		qsort(r, n, sizeof *r, cmp_range);
	for (size_t i = 0; i < n; i++)
		if (m && r[m - 1].base + r[m - 1].size == r[i].base)
			r[m - 1].size += r[i].size;
		else
			r[m++] = r[i];
	return m;
}

/* Every (base, size) of the /memory nodes; -1 when a reg is malformed. */
static long dtb_memory(const struct fdt_view *f, struct range **out)
{
	size_t n = 0, cap = 0;
	struct range *r = NULL;
	int node;
	fdt_for_each_subnode(node, f->fdt, 0) {
		int len;
		const char *type = fdt_getprop(f->fdt, node, "device_type", &len);
		if (!type || len < 7 || strncmp(type, "memory", (size_t)len))
			continue;
		const fdt32_t *reg = fdt_getprop(f->fdt, node, "reg", &len);
		int entry = 4 * (f->ac + f->sc);
		if (!reg || len <= 0 || len % entry) {
			free(r);
			return -1;
		}
		for (int i = 0; i < len / entry; i++) {
			struct range *m = PUSH(r, n, cap);
			fdt_cells(reg + i * (f->ac + f->sc), f->ac, &m->base);
			fdt_cells(reg + i * (f->ac + f->sc) + f->ac, f->sc, &m->size);
		}
	}
	*out = r;
	return (long)n;
}

static void check_user_dtb(struct m_system *s, struct m_vm *vm, const void *fdt, size_t len)
{
	int err = fdt_check_full(fdt, len);
	if (err) {
		struct diag *d = diag_error(vm->at_dtb, "image-format", "vm '%s': '%s' is not a valid "
					    "device tree blob (%s)", vm->name, vm->dtb_file, fdt_strerror(err));
		diag_hint(d, "compile it with dtc -I dts -O dtb, or write 'dtb: auto'");
		return;
	}
	struct fdt_view f = { fdt, 2, 1 };
	const fdt32_t *p;
	int plen;
	if ((p = fdt_getprop(fdt, 0, "#address-cells", &plen)) && plen == 4)
		f.ac = (int)fdt32_to_cpu(*p);
	if ((p = fdt_getprop(fdt, 0, "#size-cells", &plen)) && plen == 4)
		f.sc = (int)fdt32_to_cpu(*p);
	if (f.ac < 1 || f.ac > 2 || f.sc < 1 || f.sc > 2) {
		diag_error(vm->at_dtb, "dtb-mismatch", "vm '%s': '%s' has #address-cells %d and "
			   "#size-cells %d at its root; 1 or 2 each are supported", vm->name, vm->dtb_file,
			   f.ac, f.sc);
		return;
	}

	/* RAM: the same ranges as the VM's memory regions, merged where they touch. */
	struct range *mem = NULL;
	long nmem = dtb_memory(&f, &mem);
	struct range *want = xcalloc(vm->nmem + 1, sizeof *want);
	size_t nwant = 0;
	for (size_t i = 0; i < vm->nmem; i++)
		want[nwant++] = (struct range){ vm->mem[i].ipa, vm->mem[i].size };
	size_t merged = merge_ranges(want, nwant);
	bool same = nmem >= 0;
	if (same) {
		size_t m = merge_ranges(mem, (size_t)nmem);
		same = m == merged;
		for (size_t i = 0; same && i < m; i++)
			same = mem[i].base == want[i].base && mem[i].size == want[i].size;
	}
	if (!same) {
		char *have = nmem > 0 ? range_str(mem[0].base, mem[0].size) : xstrdup("none");
		char *need = range_str(want[0].base, want[0].size);
		struct diag *d = diag_error(vm->at_dtb, "dtb-mismatch", "vm '%s': the memory in '%s' "
					    "(%s%s) is not the VM's RAM (%s%s)", vm->name, vm->dtb_file, have,
					    nmem > 1 ? ", ..." : "", need, merged > 1 ? ", ..." : "");
		diag_note(d, vm->mem[0].at, "the VM's memory is declared here");
		diag_hint(d, "make the /memory nodes' reg match the VM's memory, or write 'dtb: auto'");
		free(have);
		free(need);
	}
	free(mem);
	free(want);

	/* CPUs: one cpu node per vCPU. */
	size_t ncpu = 0;
	int cpus = fdt_path_offset(fdt, "/cpus"), node;
	if (cpus >= 0)
		fdt_for_each_subnode(node, fdt, cpus) {
			const char *type = fdt_getprop(fdt, node, "device_type", &plen);
			ncpu += type && plen >= 4 && !strncmp(type, "cpu", (size_t)plen);
		}
	if (ncpu != vm->ncpus) {
		struct diag *d = diag_error(vm->at_dtb, "dtb-mismatch", "vm '%s': '%s' describes %zu "
					    "cpu%s, the VM has %zu", vm->name, vm->dtb_file, ncpu,
					    ncpu == 1 ? "" : "s", vm->ncpus);
		diag_hint(d, "give /cpus one cpu node per vCPU (reg 0, 1, ...)");
	}

	/* RISC-V: a PLIC where the VM's is (the board's PLIC address). */
	if (s->board->arch == PT_ARCH_RISCV64) {
		int plic = -1;
		for (size_t i = 0; plic < 0 && board_plic_compatibles[i]; i++)
			plic = fdt_node_offset_by_compatible(fdt, -1, board_plic_compatibles[i]);
		const fdt32_t *reg = plic >= 0 ? fdt_getprop(fdt, plic, "reg", &plen) : NULL;
		u64 base = 0;
		if (!reg || plen < 4 * (f.ac + f.sc) || !fdt_cells(reg, f.ac, &base) || base != s->board->plic_base) {
			struct diag *d = diag_error(vm->at_dtb, "dtb-mismatch", "vm '%s': '%s' has no PLIC "
						    "(riscv,plic0, sifive,plic-1.0.0) node at 0x%llx, where the VM's PLIC is",
						    vm->name, vm->dtb_file, (unsigned long long)s->board->plic_base);
			diag_hint(d, "copy the PLIC node of a generated DTB (dtb: auto)");
		}
		return;
	}
	/* The GIC: the VM's virtual GIC sits at the board's GIC addresses: GICv3's distributor and
	 * redistributors, or GICv2's distributor and CPU interface. */
	bool v2 = s->board->gic_version == PT_GIC_V2;
	int gic = -1;
	if (!v2)
		gic = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	for (size_t i = 0; v2 && gic < 0 && board_gicv2_compatibles[i]; i++)
		gic = fdt_node_offset_by_compatible(fdt, -1, board_gicv2_compatibles[i]);
	const fdt32_t *reg = gic >= 0 ? fdt_getprop(fdt, gic, "reg", &plen) : NULL;
	u64 gicd = 0, second = 0, at = v2 ? s->board->gicc_base : s->board->gicr_base;
	bool gic_ok = reg && plen >= 4 * 2 * (f.ac + f.sc) &&
		      fdt_cells(reg, f.ac, &gicd) && fdt_cells(reg + f.ac + f.sc, f.ac, &second) &&
		      gicd == s->board->gicd_base && second == at;
	if (!gic_ok) {
		struct diag *d = diag_error(vm->at_dtb, "dtb-mismatch", "vm '%s': '%s' has no %s "
					    "node with the distributor at 0x%llx and the %s at "
					    "0x%llx, where the VM's GIC is", vm->name, vm->dtb_file,
					    v2 ? "GICv2 (arm,gic-400)" : "arm,gic-v3",
					    (unsigned long long)s->board->gicd_base,
					    v2 ? "CPU interface" : "redistributors", (unsigned long long)at);
		diag_hint(d, "copy the interrupt-controller node of a generated DTB (dtb: auto)");
	}
}

/* Paths that end up in config.c (an assembler string inside a C string) and system.mk (Make
 * prerequisites): only characters none of those languages gives a meaning. */
static void check_path_chars(struct loc at, const char *what, const char *vm, const char *path)
{
	char *real = realpath(path, NULL);
	const char *p = real ? real : path;
	for (const char *c = p; *c; c++)
		if (!plain_char(*c, "/._+,@=~-")) {
			struct diag *d = diag_error(at, "path-chars", "vm '%s': the %s path '%s' has a '%c', "
						    "which the generated Make and C files cannot carry",
						    vm, what, p, *c);
			diag_hint(d, "move or link the file to a path of letters, digits and / . _ + , @ = ~ -");
			break;
		}
	free(real);
}

/*
 * The hypervisor's translation-table pool (hypervisor/arch/aarch64/pt.c), sized here so that a
 * valid system never stops at boot for want of tables. An upper bound of what its EL2 map and
 * every VM's stage 2 can need, as the hypervisor counts it, taking every region as mapped page by
 * page (a level-2 table per 2 MiB slot and a level-1 table per 1 GiB slot it touches), which is
 * what colored memory needs and at least what contiguous memory does. The hypervisor checks the
 * same bound at boot. Below PT_POOL_MIN pages the pool stays at its default.
 */
#define PT_POOL_MIN 256
#define S2_ROOT_PAGES 2

static u64 slots(u64 va, u64 size, u64 unit)
{
	return size ? (align_down(va + size - 1, unit) - align_down(va, unit)) / unit + 1 : 0;
}

/* Tables below the root that a range needs: one per 1 GiB and per 2 MiB slot it touches; with
 * RISC-V's Sv48x4 and Sv57x4 G-stage also one per 512 GiB (and 256 TiB) slot. */
static unsigned extra_levels;

static u64 table_bound(u64 va, u64 size)
{
	u64 n = slots(va, size, 1ull << 30) + slots(va, size, 2ull << 20);
	if (extra_levels >= 1)
		n += slots(va, size, 1ull << 39);
	if (extra_levels >= 2)
		n += slots(va, size, 1ull << 48);
	return n;
}

/*
 * RISC-V (the hypervisor for it is being written; it must count the same way): its own map
 * (HS-mode, satp with the G-stage mode's number of levels) takes a root, the tables of the
 * console page, the PLIC, its own memory and one window table per CPU; each VM's G-stage a
 * 16 KiB root (4 pages: the x4 modes' root) and the tables of its regions. The PLIC and vUART
 * windows of a VM trap and map nothing.
 */
#define GSTAGE_ROOT_PAGES 4

static u64 pool_pages_riscv(const struct m_system *s)
{
	const struct board *b = s->board;
	u64 n = 1 + table_bound(align_down(b->plic_base, PAGE), align_up(b->plic_size, PAGE)) + 2 +
		table_bound(s->hyp_pa, s->hyp_size) + 1 + b->ncpus;
	for (size_t v = 0; v < s->nvms; v++) {
		const struct m_vm *vm = &s->vms[v];
		n += GSTAGE_ROOT_PAGES;
		for (size_t i = 0; i < vm->nmem; i++)
			n += table_bound(vm->mem[i].ipa, vm->mem[i].size);
		for (size_t i = 0; i < vm->ndevs; i++)
			if (vm->devs[i].dev >= 0)
				for (size_t r = 0; r < b->devs[vm->devs[i].dev].nregs; r++) {
					const struct range *g = &b->devs[vm->devs[i].dev].regs[r];
					n += table_bound(align_down(g->base, PAGE),
							 align_up(g->base + g->size, PAGE) - align_down(g->base, PAGE));
				}
		for (size_t c = 0; c < s->nchans; c++)
			for (size_t e = 0; e < s->chans[c].nep; e++)
				if (s->chans[c].ep[e].vm == (int)v)
					n += table_bound(s->chans[c].ep[e].ipa, s->chans[c].size);
	}
	return n < PT_POOL_MIN ? PT_POOL_MIN : n;
}

static u64 pool_pages(const struct m_system *s)
{
	extra_levels = s->board->gstage_mode == PT_GSTAGE_SV57X4 ? 2 : s->board->gstage_mode == PT_GSTAGE_SV48X4;
	if (s->board->arch == PT_ARCH_RISCV64)
		return pool_pages_riscv(s);
	/* EL2: root, two tables each for the console and up to four GIC frames (GICD, GICR; GICv2:
	 * GICD, GICC's two pages, GICH), the hypervisor's own memory, the windows (a level-2 table
	 * and one level-3 table per CPU). */
	u64 n = 1 + 2 * 5 + table_bound(s->hyp_pa, s->hyp_size) + 1 + s->board->ncpus;
	for (size_t v = 0; v < s->nvms; v++) {
		const struct m_vm *vm = &s->vms[v];
		n += S2_ROOT_PAGES + 1;
		for (size_t i = 0; i < vm->nmem; i++)
			n += table_bound(vm->mem[i].ipa, vm->mem[i].size);
		for (size_t i = 0; i < vm->ndevs; i++)
			if (vm->devs[i].dev >= 0)
				for (size_t r = 0; r < s->board->devs[vm->devs[i].dev].nregs; r++) {
					const struct range *g = &s->board->devs[vm->devs[i].dev].regs[r];
					n += table_bound(align_down(g->base, PAGE),
							 align_up(g->base + g->size, PAGE) - align_down(g->base, PAGE));
				}
		for (size_t c = 0; c < s->nchans; c++)
			for (size_t e = 0; e < s->chans[c].nep; e++)
				if (s->chans[c].ep[e].vm == (int)v)
					n += table_bound(s->chans[c].ep[e].ipa, s->chans[c].size);
		/* GICv2: the VM's GICC window, its two pages mapped one by one from GICV. */
		if (s->board->gic_version == PT_GIC_V2)
			n += 2 * table_bound(s->board->gicc_base, GICV_WINDOW);
	}
	return n < PT_POOL_MIN ? PT_POOL_MIN : n;
}

/* The same file (not just the same contents): one device and inode. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static void check_images(struct m_system *s, const char *rule)
{
	(void)rule;
	for (size_t v = 0; v < s->nvms; v++) {
		struct m_vm *vm = &s->vms[v];
		if (!vm->has_image)
			continue;
		/* No memory, or a region that could not be read (reported), leaves the VM's RAM
		 * unknown: where the image goes, whether it fits, what a device tree must describe
		 * cannot be judged without it, only whether the files are there. */
		if (!vm->nmem || vm->mem_incomplete) {
			image_files_present(vm);
			if (vm->dtb == DTB_FILE && !file_exists(vm->dtb_path)) {
				struct diag *d = diag_error(vm->at_dtb, "image-missing", "vm '%s': no device "
							    "tree file '%s'", vm->name, vm->dtb_file);
				diag_hint(d, "write 'dtb: auto' to have one generated");
			}
			continue;
		}
		if (vm->dtb == DTB_FILE && !file_exists(vm->dtb_path)) {
			struct diag *d = diag_error(vm->at_dtb, "image-missing", "vm '%s': no device tree file '%s'",
						    vm->name, vm->dtb_file);
			diag_hint(d, "write 'dtb: auto' to have one generated");
		}
		else if (vm->dtb == DTB_FILE) {
			char *err = NULL;
			size_t len = 0;
			char *blob = read_file(vm->dtb_path, &len, &err);
			if (!blob) {
				diag_error(vm->at_dtb, "image-missing", "vm '%s': device tree: %s", vm->name, err);
			} else if (len > DTB_MAX) {
				char *max = fmt_size(DTB_MAX);
				diag_error(vm->at_dtb, "image-too-big", "vm '%s': device tree '%s' is %zu bytes; at most %s fit the room reserved for it",
					   vm->name, vm->dtb_file, len, max);
				free(max);
			} else {
				/* What it must describe is the board's (its GIC): only with a board. */
				if (s->board)
					check_user_dtb(s, vm, blob, len);
				check_path_chars(vm->at_dtb, "device tree", vm->name, vm->dtb_path);
			}
			free(blob);
			free(err);
		}
		if (image_inspect(s, vm)) {
			layout_image(s, vm);
			check_path_chars(vm->image.at_kernel, "kernel", vm->name, vm->image.kernel_path);
			if (vm->image.initrd_path)
				check_path_chars(vm->image.at_initrd, "initrd", vm->name, vm->image.initrd_path);
		}
	}
}

/* The hypervisor embeds every image, a file several VMs boot only once: its memory grows by
 * their size. Its base size, place and table pool are the board's. */
static void check_hyp_size(struct m_system *s, const char *rule)
{
	(void)rule;
	u64 images = 0;
	for (size_t v = 0; v < s->nvms; v++) {
		struct m_image *im = &s->vms[v].image;
		im->kernel_alias = im->initrd_alias = -1;
		for (size_t w = 0; w < v; w++) {
			struct m_image *o = &s->vms[w].image;
			if (im->kernel_alias < 0 && o->kernel_alias < 0 && o->format == im->format &&
			    im->present && o->present && same_file(im->kernel_path, o->kernel_path))
				im->kernel_alias = (int)w;
			if (im->initrd_alias < 0 && o->initrd_alias < 0 && im->initrd_size &&
			    o->initrd_size && same_file(im->initrd_path, o->initrd_path))
				im->initrd_alias = (int)w;
		}
		if (im->kernel_alias < 0)
			images += align_up(im->file_size, PAGE);
		if (im->initrd_alias < 0)
			images += align_up(im->initrd_size, PAGE);
		if (s->vms[v].dtb != DTB_NONE)
			images += DTB_MAX;
	}
	u64 base = s->hyp_has_size ? s->hyp_size : s->board->hyp_default_size;
	s->hyp_images = images;
	s->hyp_size = align_up(base + images, 2ull << 20);
	/* A larger table pool than the default grows the hypervisor's memory by the difference
	 * (computed twice: the bound depends on the size through the EL2 map of it). */
	for (int pass = 0; pass < 2; pass++) {
		s->pt_pool_pages = pool_pages(s);
		s->hyp_size = align_up(base + images + (s->pt_pool_pages - PT_POOL_MIN) * PAGE, 2ull << 20);
	}
	if (!s->hyp_has_phys)
		s->hyp_pa = s->board->hyp_load;
}

/* ---- channels ------------------------------------------------------------------------------- */

static int vm_by_name(const struct m_system *s, const char *name)
{
	for (size_t v = 0; v < s->nvms; v++)
		if (!strcmp(s->vms[v].name, name))
			return (int)v;
	return -1;
}

static void check_channels(struct m_system *s, const char *rule)
{
	for (size_t c = 0; c < s->nchans; c++) {
		struct m_channel *ch = &s->chans[c];
		for (size_t e = 0; e < ch->nep; e++) {
			struct m_endpoint *ep = &ch->ep[e];
			ep->vm = vm_by_name(s, ep->vm_name);
			if (ep->vm < 0) {
				struct diag *d = diag_error(ep->at_vm, rule, "channel '%s': no vm named '%s'", ch->name,
							    ep->vm_name);
				const char **names = xmalloc((s->nvms + 1) * sizeof *names);
				for (size_t v = 0; v < s->nvms; v++)
					names[v] = s->vms[v].name;
				const char *near = closest_word(ep->vm_name, names, s->nvms);
				if (near)
					diag_hint(d, "did you mean '%s'?", near);
				free(names);
			}
		}
		if (ch->nep == 2 && ch->ep[0].vm >= 0 && ch->ep[0].vm == ch->ep[1].vm) {
			struct diag *d = diag_error(ch->ep[1].at_vm, "channel-endpoints",
						    "channel '%s' joins vm '%s' to itself; a channel joins two distinct VMs",
						    ch->name, ch->ep[1].vm_name);
			diag_note(d, ch->ep[0].at_vm, "first endpoint here");
		}
	}
}

/* ---- guest-physical layout ------------------------------------------------------------------ */

/* A VM's PLIC: priorities, pending bits and enables, then one 4 KiB page per context (vCPU). */
#define PLIC_WINDOW(ncpus) (0x200000ull + 0x1000ull * 2 * (ncpus))   /* M and S contexts per hart */

static void emulated_windows(struct m_system *s, struct m_vm *vm)
{
	struct board *b = s->board;
	vm->gicd_ipa = b->gicd_base;
	vm->plic_ipa = vm->plic_size = 0;
	if (b->arch == PT_ARCH_RISCV64) {
		vm->gicd_ipa = vm->gicd_size = vm->gicr_ipa = vm->gicr_size = vm->gicv_ipa = vm->gicv_size = 0;
		vm->plic_ipa = b->plic_base;
		vm->plic_size = PLIC_WINDOW(vm->ncpus ? vm->ncpus : 1);
	} else if (b->gic_version == PT_GIC_V2) {
		/* The GICv2 distributor is 4 KiB; the DT may give its 64 KiB slot. */
		vm->gicd_size = b->gicd_size > PAGE ? b->gicd_size : PAGE;
		vm->gicr_ipa = vm->gicr_size = 0;
		vm->gicv_ipa = b->gicc_base;
		vm->gicv_size = GICV_WINDOW;
	} else {
		vm->gicd_size = b->gicd_size ? b->gicd_size : 0x10000;
		vm->gicr_ipa = b->gicr_base;
		vm->gicr_size = 0x20000 * (vm->ncpus ? vm->ncpus : 1);
		vm->gicv_ipa = vm->gicv_size = 0;
	}
	vm->vuart_ipa = 0;
	if (vm->console == CONSOLE_VUART && s->hyp_console_dev >= 0)
		vm->vuart_ipa = b->devs[s->hyp_console_dev].regs[0].base;
}

static void report_guest_overlap(const struct span *a, const struct span *b, void *ctx)
{
	const char *rule = ctx;
	/* Point at whichever was declared later; the note points at the other. */
	const struct span *later = b, *earlier = a;
	if (a->at.line > b->at.line || (a->at.line == b->at.line && a->at.col > b->at.col)) {
		later = a;
		earlier = b;
	}
	char *ra = range_str(later->start, later->end - later->start);
	char *rb = range_str(earlier->start, earlier->end - earlier->start);
	struct diag *d = diag_error(later->at, rule, "%s %s overlaps %s %s", later->what, ra, earlier->what, rb);
	diag_note(d, earlier->at, "%s declared here", earlier->what);
	free(ra);
	free(rb);
}

static void check_guest_overlap(struct m_system *s, const char *rule)
{
	for (size_t v = 0; v < s->nvms; v++) {
		struct m_vm *vm = &s->vms[v];
		struct spans sp = { 0 };
		char *what;
		emulated_windows(s, vm);
		for (size_t i = 0; i < vm->nmem; i++) {
			what = xasprintf("vm '%s' memory", vm->name);
			spans_add(&sp, vm->mem[i].ipa, vm->mem[i].size, what, vm->mem[i].at, -1, 0);
			free(what);
		}
		for (size_t i = 0; i < vm->ndevs; i++) {
			struct m_device *d = &vm->devs[i];
			if (d->dev < 0)
				continue;
			const struct board_device *bd = &s->board->devs[d->dev];
			what = xasprintf("vm '%s' device %s", vm->name, bd->path);
			for (size_t r = 0; r < bd->nregs; r++)
				spans_add(&sp, bd->regs[r].base, bd->regs[r].size, what, d->at, -1, 0);
			free(what);
		}
		for (size_t c = 0; c < s->nchans; c++)
			for (size_t e = 0; e < s->chans[c].nep; e++)
				if (s->chans[c].ep[e].vm == (int)v) {
					what = xasprintf("vm '%s' window of channel '%s'", vm->name, s->chans[c].name);
					spans_add(&sp, s->chans[c].ep[e].ipa, s->chans[c].size, what, s->chans[c].ep[e].at_base, -1, 0);
					free(what);
				}
		if (vm->gicd_size) {
			what = xasprintf("vm '%s' emulated GIC distributor", vm->name);
			spans_add(&sp, vm->gicd_ipa, vm->gicd_size, what, vm->at_name, -1, 0);
			free(what);
		}
		if (vm->plic_size) {
			what = xasprintf("vm '%s' emulated PLIC", vm->name);
			spans_add(&sp, vm->plic_ipa, vm->plic_size, what, vm->at_name, -1, 0);
			free(what);
		}
		if (vm->gicr_size) {
			what = xasprintf("vm '%s' emulated GIC redistributors", vm->name);
			spans_add(&sp, vm->gicr_ipa, vm->gicr_size, what, vm->at_name, -1, 0);
			free(what);
		}
		if (vm->gicv_size) {
			what = xasprintf("vm '%s' GIC CPU interface", vm->name);
			spans_add(&sp, vm->gicv_ipa, vm->gicv_size, what, vm->at_name, -1, 0);
			free(what);
		}
		if (vm->vuart_ipa) {
			what = xasprintf("vm '%s' emulated UART", vm->name);
			spans_add(&sp, vm->vuart_ipa, PAGE, what, vm->at_name, -1, 0);
			free(what);
		}
		spans_sweep(&sp, report_guest_overlap, (void *)rule);
		spans_free(&sp);
	}
}

/* ---- DMA ------------------------------------------------------------------------------------ */

static void check_dma(struct m_system *s, const char *rule)
{
	if (s->board->iommu)
		return;
	for (size_t v = 0; v < s->nvms; v++) {
		struct m_vm *vm = &s->vms[v];
		for (size_t i = 0; i < vm->ndevs; i++) {
			struct m_device *d = &vm->devs[i];
			if (d->dev < 0 || !s->board->devs[d->dev].dma)
				continue;
			for (size_t m = 0; m < vm->nmem; m++) {
				if (vm->mem[m].place == PLACE_IDENTITY)
					continue;
				struct diag *e = diag_error(vm->mem[m].at, rule,
							    "vm '%s' owns DMA-capable %s but this memory is not identity-mapped",
							    vm->name, s->board->devs[d->dev].path);
				diag_note(e, d->at, "the device is assigned here");
				diag_hint(e, "board '%s' has no IOMMU: the device sees physical addresses; add 'phys: identity'",
					  s->board->name);
				break;
			}
			break;
		}
	}
}

/* ---- placement and physical overlap --------------------------------------------------------- */

static void check_placement(struct m_system *s, const char *rule)
{
	(void)rule;
	/* The hypervisor's size is known only now (it embeds the images): check it is in RAM. */
	if (!in_ram(s->board, s->hyp_pa, s->hyp_size))
		outside_ram(s, s->hyp_has_phys ? s->at_hyp_phys : s->at_board, "mem-outside-ram",
			    "the hypervisor's memory", s->hyp_pa, s->hyp_size);
	place_all(s);
	/*
	 * Doorbells: on a GIC, the lowest virtual SPIs from 128 up that the VM's own devices do not
	 * use; on a PLIC, the highest sources of the VM's PLIC (riscv,ndev down) that neither its
	 * devices nor its vUART use: clear of the board's own numbering, which starts low.
	 */
	bool plic = s->board->arch == PT_ARCH_RISCV64;
	const struct board_device *con = s->hyp_console_dev >= 0 ? &s->board->devs[s->hyp_console_dev] : NULL;
	for (size_t c = 0; c < s->nchans; c++)
		for (size_t e = 0; e < s->chans[c].nep; e++) {
			struct m_endpoint *ep = &s->chans[c].ep[e];
			if (ep->vm < 0)
				continue;
			struct m_vm *vm = &s->vms[ep->vm];
			unsigned id = plic ? s->board->plic_ndev : 128;
			for (bool busy = true; busy && id > 0; ) {
				busy = plic && vm->vuart_ipa && con && con->nirqs && con->irqs[0].intid == id;
				for (size_t i = 0; i < vm->ndevs && !busy; i++) {
					const struct board_device *bd = vm->devs[i].dev >= 0 ? &s->board->devs[vm->devs[i].dev] : NULL;
					for (size_t k = 0; bd && k < bd->nirqs; k++)
						busy |= bd->irqs[k].intid == id;
				}
				for (size_t c2 = 0; c2 <= c && !busy; c2++)
					for (size_t e2 = 0; e2 < s->chans[c2].nep; e2++)
						if ((c2 < c || e2 < e) && s->chans[c2].ep[e2].vm == ep->vm &&
						    s->chans[c2].ep[e2].doorbell_intid == id)
							busy = true;
				if (busy)
					id += plic ? -1u : 1u;
			}
			ep->doorbell_intid = id;
			if (!id) {
				struct diag *d = diag_error(ep->at_vm, "irq-range", "channel '%s': vm '%s' has no "
							    "interrupt left for its doorbell: its PLIC's %u sources are "
							    "all its devices', its vUART's or other doorbells'", s->chans[c].name,
							    vm->name, s->board->plic_ndev);
				diag_hint(d, "give vm '%s' fewer channels or devices (board '%s': riscv,ndev = %u)",
					  vm->name, s->board->name, s->board->plic_ndev);
			}
		}
}

/* Kinds of physical spans: device pages (one VM's may share a page), the hypervisor's memory, and
 * what a user placed (for hints that name the key to change). */
enum { SPAN_DEVICE = 1, SPAN_HYP, SPAN_FIXED, SPAN_IDENTITY, SPAN_CHANNEL };

struct phys_ctx {
	const struct m_system *s;
	const char *rule;
};

/*
 * Something overlaps the hypervisor's memory. Its place is either the description's
 * hypervisor.memory.phys or, without one, the board's hypervisor.load: the note says which, so
 * that a user who never placed the hypervisor learns where it is and why. The error goes to the
 * user's own declaration (to the later one when both are the user's).
 */
static void report_hyp_overlap(const struct phys_ctx *c, const struct span *hyp, const struct span *other)
{
	const struct m_system *s = c->s;
	const struct board *b = s->board;
	char *rh = range_str(hyp->start, hyp->end - hyp->start);
	char *ro = range_str(other->start, other->end - other->start);
	char *size = fmt_size(hyp->end - hyp->start);
	bool hyp_first = s->hyp_has_phys &&
			 (hyp->at.line > other->at.line ||
			  (hyp->at.line == other->at.line && hyp->at.col > other->at.col));
	struct diag *d;
	if (hyp_first) {
		d = diag_error(hyp->at, c->rule, "the hypervisor's memory %s overlaps %s %s", rh,
			       other->what, ro);
		diag_note(d, other->at, "%s declared here", other->what);
	} else {
		d = diag_error(other->at, c->rule, "%s %s overlaps the hypervisor's memory %s",
			       other->what, ro, rh);
		if (s->hyp_has_phys)
			diag_note(d, s->at_hyp_phys, "the hypervisor's memory (%s with the embedded guest "
				  "images) starts at its hypervisor.memory.phys, here", size);
		else
			diag_note(d, b->hyp_load_at.src ? b->hyp_load_at : s->at_board,
				  "the hypervisor's memory (%s with the embedded guest images) is at "
				  "0x%llx, where board %s loads it by default: the description sets no "
				  "hypervisor.memory.phys", size, (unsigned long long)b->hyp_load, b->name);
	}
	const char *mine = other->kind == SPAN_FIXED ? "the region's phys: address"
			 : other->kind == SPAN_IDENTITY ? "the region (phys: identity places it at "
							  "its base)"
			 : other->kind == SPAN_CHANNEL ? "the channel's phys: address" : NULL;
	if (mine)
		diag_hint(d, "move the hypervisor (hypervisor: memory: phys:, 2 MiB aligned) or %s out "
			  "of %s; or drop phys: to have the %s placed clear of the hypervisor", mine, rh,
			  other->kind == SPAN_CHANNEL ? "channel" : "region");
	else
		diag_hint(d, "move the hypervisor (hypervisor: memory: phys:, 2 MiB aligned) clear of %s",
			  ro);
	free(rh);
	free(ro);
	free(size);
}

static void report_phys_overlap(const struct span *a, const struct span *b, void *ctx)
{
	const struct phys_ctx *c = ctx;
	/* Device pages of one VM may share a page (virtio-mmio slots are 512 bytes). */
	if (a->kind == SPAN_DEVICE && b->kind == SPAN_DEVICE && a->owner == b->owner)
		return;
	if (a->kind == SPAN_HYP || b->kind == SPAN_HYP)
		report_hyp_overlap(c, a->kind == SPAN_HYP ? a : b, a->kind == SPAN_HYP ? b : a);
	else
		report_guest_overlap(a, b, (void *)c->rule);
}

/* Fixed physical placements (the hypervisor's, identity or fixed VM memory, fixed channels)
 * must stay clear of the board's reserved memory; automatic placement does so by itself. */
static void reserved_overlap(struct m_system *s, const char *rule, u64 pa, u64 size,
			     const char *what, struct loc at)
{
	const struct board *b = s->board;
	for (size_t i = 0; i < b->nreserved; i++) {
		const struct range *r = &b->reserved[i];
		if (pa < r->base + r->size && r->base < pa + size) {
			char *mine = range_str(pa, size), *theirs = range_str(r->base, r->size);
			struct diag *d = diag_error(at, rule, "%s %s overlaps the board's reserved memory "
						    "%s %s", what, mine, b->reserved_names[i], theirs);
			diag_hint(d, "place it elsewhere in RAM, or leave out 'phys' to have it placed");
			free(mine);
			free(theirs);
		}
	}
}

/* The hypervisor at the board's default place (hypervisor.load) grows with the images it embeds:
 * into memory the board reserves (OpenSBI's copy of the DT on qemu-riscv64-virt) it must not. */
static void hyp_default_reserved(struct m_system *s, const char *rule)
{
	const struct board *b = s->board;
	for (size_t i = 0; i < b->nreserved; i++) {
		const struct range *r = &b->reserved[i];
		if (s->hyp_pa < r->base + r->size && r->base < s->hyp_pa + s->hyp_size) {
			char *mine = range_str(s->hyp_pa, s->hyp_size), *theirs = range_str(r->base, r->size);
			char *images = fmt_size(s->hyp_images);
			struct diag *d = diag_error(s->at_board, rule, "the hypervisor's memory %s (with %s of embedded "
						    "guest images) overlaps the board's reserved memory %s %s", mine,
						    images, b->reserved_names[i], theirs);
			if (b->hyp_load_at.src)
				diag_note(d, b->hyp_load_at, "board %s loads the hypervisor at 0x%llx by default",
					  b->name, (unsigned long long)b->hyp_load);
			diag_hint(d, "put the hypervisor elsewhere (hypervisor: memory: phys:, 2 MiB aligned, clear of "
				  "%s), or embed smaller images", theirs);
			free(mine);
			free(theirs);
			free(images);
		}
	}
}

static void check_phys_overlap(struct m_system *s, const char *rule)
{
	if (s->hyp_has_phys)
		reserved_overlap(s, rule, s->hyp_pa, s->hyp_size, "the hypervisor's memory", s->at_hyp_phys);
	else
		hyp_default_reserved(s, rule);
	for (size_t v = 0; v < s->nvms; v++)
		for (size_t i = 0; i < s->vms[v].nmem; i++) {
			const struct m_mem *m = &s->vms[v].mem[i];
			if (m->place != PLACE_AUTO && m->placed) {
				char *what = xasprintf("vm '%s' memory", s->vms[v].name);
				reserved_overlap(s, rule, m->pa, m->size, what, m->at_phys);
				free(what);
			}
		}
	for (size_t c = 0; c < s->nchans; c++)
		if (s->chans[c].has_phys) {
			char *what = xasprintf("channel '%s'", s->chans[c].name);
			reserved_overlap(s, rule, s->chans[c].pa, s->chans[c].size, what, s->chans[c].at_phys);
			free(what);
		}

	struct spans sp = { 0 };
	char *what;
	spans_add(&sp, s->hyp_pa, s->hyp_size, "the hypervisor's memory",
		  s->hyp_has_phys ? s->at_hyp_phys : s->at_board, -1, SPAN_HYP);
	if (s->pool_size)
		spans_add(&sp, s->pool_pa, s->pool_size, "the colored memory pool", s->at_board, -1, 0);
	for (size_t v = 0; v < s->nvms; v++) {
		struct m_vm *vm = &s->vms[v];
		for (size_t i = 0; i < vm->nmem; i++) {
			struct m_mem *m = &vm->mem[i];
			if (!m->placed || vm->color_mask)
				continue;
			what = xasprintf("vm '%s' memory (physical)", vm->name);
			spans_add(&sp, m->pa, m->size, what, m->place == PLACE_FIXED ? m->at_phys : m->at, -1,
				  m->place == PLACE_FIXED ? SPAN_FIXED : m->place == PLACE_IDENTITY ? SPAN_IDENTITY : 0);
			free(what);
		}
		for (size_t i = 0; i < vm->ndevs; i++) {
			struct m_device *d = &vm->devs[i];
			if (d->dev < 0)
				continue;
			const struct board_device *bd = &s->board->devs[d->dev];
			what = xasprintf("vm '%s' device %s (its 4 KiB pages)", vm->name, bd->path);
			for (size_t r = 0; r < bd->nregs; r++) {
				u64 lo = align_down(bd->regs[r].base, PAGE);
				u64 hi = align_up(bd->regs[r].base + bd->regs[r].size, PAGE);
				spans_add(&sp, lo, hi - lo, what, d->at, (int)v, SPAN_DEVICE);
			}
			free(what);
		}
	}
	for (size_t c = 0; c < s->nchans; c++)
		if (s->chans[c].placed) {
			what = xasprintf("channel '%s'", s->chans[c].name);
			spans_add(&sp, s->chans[c].pa, s->chans[c].size, what,
				  s->chans[c].has_phys ? s->chans[c].at_phys : s->chans[c].at_name, -1,
				  s->chans[c].has_phys ? SPAN_CHANNEL : 0);
			free(what);
		}
	struct phys_ctx ctx = { s, rule };
	spans_sweep(&sp, report_phys_overlap, &ctx);
	spans_free(&sp);
}

/* The hypervisor's AArch64 stage 2 translates 40-bit guest-physical addresses (S2_IPA_BITS in
 * hypervisor/include/hyp/sysreg.h); it refuses to boot a configuration with a range beyond. A
 * RISC-V board's G-stage mode sets its own (Sv39x4: 41 bits, Sv48x4: 50); without a board, 40. */
#define IPA_BITS 40

static void beyond_ipa(const struct m_system *s, struct loc at, const char *rule, const char *what, u64 ipa,
		       u64 size)
{
	unsigned bits = s->board && s->board->ipa_bits ? s->board->ipa_bits : IPA_BITS;
	if (ipa <= (1ull << bits) && size <= (1ull << bits) - ipa)
		return;
	char *sz = fmt_size(size);
	struct diag *d = diag_error(at, rule, "%s of %s at guest 0x%llx ends beyond the hypervisor's %u-bit guest-physical space",
				    what, sz, (unsigned long long)ipa, bits);
	diag_hint(d, "guest-physical addresses go up to 0x%llx", (unsigned long long)(1ull << bits) - 1);
	free(sz);
}

static void check_limits(struct m_system *s, const char *rule)
{
	/* The board model may describe more CPUs than the hypervisor's static tables hold. */
	if (s->board && s->board->ncpus > PT_MAX_CPUS)
		diag_error(s->at_board, rule, "board '%s' has %zu cpus; the hypervisor supports at most %d",
			   s->board->name, s->board->ncpus, PT_MAX_CPUS);
	if (s->nvms > 255)
		diag_error(s->at_name, rule, "%zu VMs: the hypervisor supports at most 255 (8-bit VMIDs)", s->nvms);
	for (size_t v = 0; v < s->nvms; v++)
		for (size_t i = 0; i < s->vms[v].nmem; i++)
			beyond_ipa(s, s->vms[v].mem[i].at_base, rule, "memory", s->vms[v].mem[i].ipa, s->vms[v].mem[i].size);
	for (size_t c = 0; c < s->nchans; c++)
		for (size_t e = 0; e < s->chans[c].nep; e++)
			beyond_ipa(s, s->chans[c].ep[e].at_base, rule, "channel window", s->chans[c].ep[e].ipa, s->chans[c].size);
}

/*
 * What the hypervisor's scheduler holds (hypervisor/include/hyp/sched.h, hyp/vm.h; checked again
 * at boot by core/cfg.c, which stops on a configuration beyond them): windows per shared CPU,
 * the longest period or window, vCPUs in all (a context each on a shared CPU), and VMs, which the
 * hypervisor still bounds by its CPU count. Without a schedule the last two follow from every
 * CPU having one owner (cpu-conflict).
 */
#define SCHED_MAX_WINDOWS 16
#define SCHED_MAX_NS (1000ull * 1000000000ull)
#define PT_MAX_VCPUS (2 * PT_MAX_CPUS)

static void too_long(struct loc at, const char *rule, const char *what, u64 ns)
{
	if (ns <= SCHED_MAX_NS)
		return;
	char *v = fmt_duration(ns);
	struct diag *d = diag_error(at, rule, "%s %s is longer than the hypervisor's scheduler allows "
				    "(1000s)", what, v);
	diag_hint(d, "a major frame is usually milliseconds long");
	free(v);
}

static void check_schedule_limits(struct m_system *s, const char *rule)
{
	if (!s->nscheds)
		return;
	for (size_t i = 0; i < s->nscheds; i++) {
		const struct m_schedule *sc = &s->scheds[i];
		too_long(sc->at_period, rule, "schedule period", sc->period);
		for (size_t k = 0; k < sc->nwin; k++)
			too_long(sc->win[k].at_length, rule, "window length", sc->win[k].length);
		if (sc->nwin > SCHED_MAX_WINDOWS) {
			struct diag *d = diag_error(sc->win[SCHED_MAX_WINDOWS].at, rule, "the schedule for cpu %u "
						    "has %zu windows; the hypervisor supports at most %d per CPU",
						    sc->cpu, sc->nwin, SCHED_MAX_WINDOWS);
			diag_hint(d, "merge adjacent windows of the same VM, or lengthen the windows and the period");
		}
	}
	if (s->nvms > PT_MAX_CPUS) {
		const struct m_vm *vm = &s->vms[PT_MAX_CPUS];
		struct diag *d = diag_error(vm->at_name.src ? vm->at_name : vm->at, rule, "%zu VMs: the hypervisor "
					    "supports at most %d, time partitioning or not", s->nvms, PT_MAX_CPUS);
		diag_hint(d, "merge VMs, or leave some out");
	}
	size_t n = 0;
	for (size_t v = 0; v < s->nvms; v++)
		for (size_t i = 0; i < s->vms[v].ncpus; i++)
			if (++n == PT_MAX_VCPUS + 1) {
				struct diag *d = diag_error(s->vms[v].cpus[i].at, rule, "more than %d vCPUs in all: "
							    "the hypervisor supports at most %d", PT_MAX_VCPUS,
							    PT_MAX_VCPUS);
				diag_hint(d, "give the VMs fewer cpus");
			}
}

/*
 * Interrupts per VM: the hypervisor's vGIC keeps PT_MAX_VM_SPIS SPIs per VM in a fixed table and
 * would refuse to boot with more. Counted as it counts them: every SPI of the VM's devices, one
 * doorbell per channel end, and its vUART's interrupt.
 */
static void check_spi_limit(struct m_system *s, const char *rule)
{
	for (size_t v = 0; v < s->nvms; v++) {
		const struct m_vm *vm = &s->vms[v];
		size_t devs = 0, bells = 0, vuart = 0;
		for (size_t i = 0; i < vm->ndevs; i++)
			if (vm->devs[i].dev >= 0)
				for (size_t k = 0; k < s->board->devs[vm->devs[i].dev].nirqs; k++)
					devs += !s->board->devs[vm->devs[i].dev].irqs[k].percpu;
		for (size_t c = 0; c < s->nchans; c++)
			for (size_t e = 0; e < s->chans[c].nep; e++)
				bells += s->chans[c].ep[e].vm == (int)v;
		if (vm->vuart_ipa && s->hyp_console_dev >= 0 && s->board->devs[s->hyp_console_dev].nirqs)
			vuart = 1;
		if (devs + bells + vuart > PT_MAX_VM_SPIS) {
			struct diag *d = diag_error(vm->at_name, rule, "vm '%s' owns %zu interrupts (%zu of its "
						    "devices, %zu channel doorbells, %zu of its vUART); the hypervisor "
						    "supports at most %d per VM", vm->name, devs + bells + vuart,
						    devs, bells, vuart, PT_MAX_VM_SPIS);
			diag_hint(d, "give some devices or channels to another VM");
		}
	}
}

/* A VM named in hypervisor: console: (focus, control) must exist; its index, or -1 (reported). */
static int console_vm(struct m_system *s, const char *rule, const char *name, struct loc at,
		      const char *what)
{
	int v = vm_by_name(s, name);

	if (v < 0) {
		struct diag *d = diag_error(at, rule, "hypervisor console %s: no vm named '%s'", what, name);
		const char **names = xmalloc((s->nvms + 1) * sizeof *names);
		for (size_t i = 0; i < s->nvms; i++)
			names[i] = s->vms[i].name;
		const char *near = closest_word(name, names, s->nvms);
		if (near)
			diag_hint(d, "did you mean '%s'?", near);
		free(names);
	}
	return v;
}

/* hypervisor: console: focus names a VM with a vUART; control names VMs; each VM once. */
static void check_console_settings(struct m_system *s, const char *rule)
{
	for (size_t v = 0; v < s->nvms; v++)
		s->vms[v].shell_control = s->console_control == NULL;
	if (s->console_focus) {
		int v = console_vm(s, rule, s->console_focus, s->at_console_focus, "focus");
		if (v >= 0 && s->vms[v].console != CONSOLE_VUART) {
			struct diag *d = diag_error(s->at_console_focus, rule,
						    "hypervisor console focus: vm '%s' has no console to type into",
						    s->console_focus);
			diag_hint(d, "give vm '%s' 'console: vuart', or name a VM that has one", s->console_focus);
			v = -1;
		}
		s->console_focus_vm = v;
	}
	for (size_t i = 0; i < s->nconsole_control; i++) {
		int v = console_vm(s, rule, s->console_control[i], s->at_console_control[i], "control");
		if (v < 0)
			continue;
		if (s->vms[v].shell_control)
			diag_error(s->at_console_control[i], rule,
				   "hypervisor console control: vm '%s' is listed twice", s->console_control[i]);
		s->vms[v].shell_control = true;
	}
}

/*
 * needs_board: the check reads the board model, so it runs only when the board could be loaded.
 * The others read only what the description says (and the files it names), and run whatever
 * happened to the board: an unknown board does not hide a missing kernel or an unaligned base.
 * Every check skips the parts of the model that could not be read (reported already).
 */
static const struct check checks[] = {
	{ "duplicate-name", check_duplicate_names, false },
	{ "limit", check_limits, false },
	{ "limit", check_schedule_limits, false },
	{ "cpu-unknown", check_cpu_unknown, true },
	{ "cpu-unknown", check_schedule_cpu_unknown, true },
	{ "schedule-duplicate", check_schedule_duplicate, true },
	{ "schedule-vm", check_schedule_vms, true },
	{ "cpu-conflict", check_cpu_conflict, true },
	{ "schedule-overfull", check_schedule_overfull, false },
	{ "schedule-tick", check_schedule_tick, true },
	{ "device-unknown", check_devices_known, true },
	{ "device-reserved", check_devices_reserved, true },
	{ "device-conflict", check_device_conflict, true },
	{ "qemu-text", check_qemu_text, true },
	{ "device-backend", check_device_backends, false },
	{ "irq-conflict", check_irq_conflict, true },
	{ "align", check_align, false },
	{ "mem-outside-ram", check_mem_outside_ram, true },
	{ "color-geometry", check_color_geometry, true },
	{ "color-conflict", check_colors, true },
	{ "image-missing", check_images, false },
	{ "image-missing", check_hyp_size, true },
	{ "channel-vm", check_channels, false },
	{ "console-vm", check_console_settings, false },
	{ "guest-overlap", check_guest_overlap, true },
	{ "dma-identity", check_dma, true },
	{ "place-no-room", check_placement, true },
	{ "phys-overlap", check_phys_overlap, true },
	{ "limit", check_spi_limit, true },
};

void checks_run(struct m_system *s)
{
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
		if (s->board || !checks[i].needs_board)
			checks[i].run(s, checks[i].id);
}
