/*
 * Fuzz target `dtb`: the board device-tree reader (board_read_dtb: fdt_check_full, the cell counts,
 * every property length; CPUs, RAM, reserved memory, GIC, timer, devices) on a compiled blob, and
 * device lookups by label, alias and path. A blob that reads as a board then replaces the real
 * board under a fixed system description (two VMs with devices, colors, a channel, generated
 * DTBs; for a GICv2 board one on boards/zcu102, whose devices a ZynqMP DT names), which goes
 * through the checks and, if it passes them, the emitters that need no m4: what the rest of the
 * tool does with an untrusted board.
 *
 * Seeds: the compiled DTBs of boards/ and tests/fixtures/boards (tests/fuzz/seeds.sh);
 * dictionary: dtb.dict.
 */
#include "harness.h"

#include "../../gen/checks.h"
#include "../../gen/emitters.h"
#include "../../gen/model.h"

static const char description[] =
	"system: fuzz\n"
	"board: qemu-aarch64-virt\n"
	"hypervisor: { console: uart0 }\n"
	"vms:\n"
	"  - name: a\n"
	"    cpus: [0]\n"
	"    memory: [{ base: 0x48000000, size: 16M, phys: identity }]\n"
	"    image: { kernel: ../images/tiny.bin }\n"
	"    dtb: auto\n"
	"    devices: [virtio0, { node: virtio31, qemu: virtio-rng-device }, \"&rtc\", gpio0, /virtio_mmio@a000400]\n"
	"  - name: b\n"
	"    cpus: [1, 2]\n"
	"    colors: [0, 1, 2, 3]\n"
	"    memory: [{ base: 0x40000000, size: 16M }]\n"
	"    image: { kernel: ../images/linux.Image, format: linux, bootargs: quiet }\n"
	"    dtb: auto\n"
	"    on_fault: restart\n"
	"channels:\n"
	"  - name: link\n"
	"    size: 64K\n"
	"    endpoints: [{ vm: a, base: 0x50000000 }, { vm: b, base: 0x50000000 }]\n";

/* GICv2 boards: the ZCU102's devices (a Cadence UART with clock providers, the RTC), its GIC's
 * CPU interface in every VM. */
static const char description_v2[] =
	"system: fuzz2\n"
	"board: zcu102\n"
	"hypervisor: { console: uart0 }\n"
	"vms:\n"
	"  - name: a\n"
	"    cpus: [0]\n"
	"    memory: [{ base: 0x20000000, size: 16M, phys: identity }]\n"
	"    image: { kernel: ../images/tiny.bin }\n"
	"    dtb: auto\n"
	"    devices: [uart1, \"&rtc\", can1, /axi/gpio@ff0a0000]\n"
	"  - name: b\n"
	"    cpus: [1, 2]\n"
	"    colors: [0, 1, 2, 3]\n"
	"    memory: [{ base: 0x40000000, size: 16M }]\n"
	"    image: { kernel: ../images/linux.Image, format: linux, bootargs: quiet }\n"
	"    dtb: auto\n"
	"    on_fault: restart\n"
	"channels:\n"
	"  - name: link\n"
	"    size: 64K\n"
	"    endpoints: [{ vm: a, base: 0x50000000 }, { vm: b, base: 0x50000000 }]\n";

static char *system_path, *system_v2_path, *boards_dir, *stage, *out;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_scratch("dtb");
	fz_mkdir("sys");
	fz_mkdir("stage");
	fz_mkdir("out");
	fz_symlink(PARTITA_TOP "/tests/fixtures/images", "images");
	system_path = fz_path("sys/system.yaml");
	fz_write(system_path, description, sizeof description - 1);
	system_v2_path = fz_path("sys/system-v2.yaml");
	fz_write(system_v2_path, description_v2, sizeof description_v2 - 1);
	boards_dir = xstrdup(PARTITA_TOP "/boards");
	stage = fz_path("stage");
	out = fz_path("out");
	return 0;
}

/* board.yaml's facts, from the real board the description loaded, onto the fuzzed board. */
static void adopt_facts(struct board *to, const struct board *from)
{
	to->dir = xstrdup(from->dir);
	to->llc_size = from->llc_size;
	to->llc_ways = from->llc_ways;
	to->llc_line = from->llc_line;
	to->page_size = from->page_size;
	to->hyp_load = from->hyp_load;
	to->hyp_default_size = from->hyp_default_size;
	to->console = xstrdup(from->console);
	to->iommu = from->iommu;
	to->qemu_binary = xstrdup(from->qemu_binary);
	to->qemu_machine = xstrdup(from->qemu_machine);
	to->qemu_cpu = from->qemu_cpu ? xstrdup(from->qemu_cpu) : NULL; /* zcu102: none */
	to->has_qemu = from->has_qemu;
	to->qemu_extra = xstrdup(from->qemu_extra);
	to->qemu_smp = (unsigned)to->ncpus;
	for (size_t d = 0; d < to->ndevs; d++)
		to->devs[d].dma = to->devs[d].compatible && !strcmp(to->devs[d].compatible, "virtio,mmio");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct board *b = xcalloc(1, sizeof *b);
	b->name = xstrdup("fuzz");
	b->gic_offset = -1;
	if (board_read_dtb(b, data, size, (struct loc){ 0 }, (struct loc){ 0 })) {
		static const char *const refs[] = { "uart0", "&rtc", "serial0", "rtc0", "/pl011@9000000",
						    "/pl011@9000000/", "virtio31", "gic", "its", "nosuch", "/",
						    "uart1", "/axi/serial@ff000000" };
		for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++)
			if (board_find_device(b, refs[i]) < 0)
				board_suggest_device(b, refs[i]);
		struct m_system *s = model_read(b->gic_version == 2 ? system_v2_path : system_path, boards_dir);
		if (s && s->board) {
			adopt_facts(b, s->board);
			board_free(s->board);
			s->board = b;
			b = NULL;
			checks_run(s);
			if (diag_count() == 0) {
				struct emit_ctx ctx = { .s = s, .stage = stage, .out = out,
							.templates = PARTITA_TOP "/templates" };
				char *err = NULL;
				if (emit_images(&ctx, &err) && emit_dtbs(&ctx, &err))
					emit_memmap(&ctx, &err);
				free(err);
				fz_empty(stage);
			}
		}
		model_free(s);
	}
	board_free(b);
	fz_flush(size & 1 ? DIAG_JSON : DIAG_TEXT);
	return 0;
}
