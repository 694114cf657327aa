/*
 * The board model: what the hardware is (the board's device tree, read with libfdt) and the few
 * facts a device tree cannot state (boards/NAME/board.yaml: cache geometry, where the hypervisor
 * is loaded, which devices do DMA, how QEMU runs the board).
 *
 * Two architectures, told apart by the DT's CPUs: AArch64 (a GICv2 or GICv3, the generic timer)
 * and RISC-V 64 (harts with the H extension, a PLIC). What the checks and emitters need of a
 * device's interrupts is the same for both (struct board_irq): a number in the interrupt
 * controller's own space (GIC INTID, PLIC source), a trigger, the DT's specifier as written, and
 * whether it is private to each CPU (a GIC PPI), which no VM may be given.
 */
#ifndef PARTITA_BOARD_H
#define PARTITA_BOARD_H

#include <stdbool.h>

#include "diag.h"
#include "util.h"

struct range {
	u64 base;
	u64 size;
};

struct board_irq {
	unsigned intid;      /* the interrupt controller's number for it: GIC INTID (SPI n: 32 + n),
	                      * or PLIC source (1 to riscv,ndev) */
	unsigned trigger;    /* enum pt_irq_trigger */
	unsigned cells[3];   /* the specifier as the board DT writes it */
	unsigned ncells;     /* its cells: 3 (GIC), 1 or 2 (PLIC) */
	bool percpu;         /* private to each CPU (a GIC PPI): never passed through */
};

struct board_device {
	char *path;          /* full DT path */
	char *label;         /* first label, or NULL */
	char *compatible;    /* first compatible string, or NULL */
	int offset;          /* node offset in the board FDT */
	struct range *regs;  /* MMIO ranges (CPU physical addresses) */
	size_t nregs;
	struct board_irq *irqs;
	size_t nirqs;
	bool dma;            /* can master the bus (board facts) */
	bool reserved;       /* the hypervisor's own (the interrupt controller, the firmware's CLINT):
	                      * never passed through */
	bool firmware;       /* reserved as the firmware's (a RISC-V CLINT: M-mode timer and IPIs) */
};

struct board_cpu {
	char *path;
	u64 hwid;            /* its DT reg: the MPIDR affinity (AArch64) or the hart id (RISC-V) */
	unsigned plic_ctx;   /* RISC-V: the PLIC context of its S-mode external interrupt */
	bool has_plic_ctx;
};

struct board {
	char *name;
	char *dir;
	struct source *facts_src;  /* board.yaml, for locating errors in it */
	char *dts_path;            /* the DTS board.yaml names (board_load), NULL otherwise */
	void *fdt;                 /* compiled board.dts (with __symbols__); checked by board_read_dtb */
	size_t fdt_size;

	struct board_cpu *cpus;
	size_t ncpus;
	struct range *ram;         /* the memory nodes' reg entries, except those of size 0 */
	size_t nram;
	/* The first memory node whose reg states only size-0 banks, or NULL: a DT the board's
	 * firmware completes at boot (the Raspberry Pi's writes the RAM it finds into /memory). A
	 * board with no other RAM is refused, saying so, unless `ram_from_firmware` (board import:
	 * the DT is what the firmware starts from, and board.yaml gets a TODO instead). */
	char *ram_unsized;
	bool ram_from_firmware;
	struct board_device *devs;
	size_t ndevs;

	/* The architecture (enum pt_arch), from the DT's CPUs: RISC-V when they have riscv,isa. */
	unsigned arch;
	/* RISC-V: the harts. Only those that can run the hypervisor are cpus[] (rv64, the H
	 * extension, an MMU, not disabled); every one of them has the same ISA and MMU type, which
	 * the guest DTs advertise (riscv_isa without h: guest_isa). */
	char *riscv_isa, *guest_isa, *mmu_type;
	unsigned riscv_ext;        /* PT_RISCV_EXT_* */
	unsigned gstage_mode;      /* enum pt_gstage_mode from mmu-type */
	unsigned ipa_bits;         /* guest-physical address width: 40 (AArch64), 41/50/59 (RISC-V) */
	/* RISC-V: the PLIC (riscv,plic0, sifive,plic-1.0.0), its registers (CPU addresses), its
	 * sources 1 to plic_ndev, #interrupt-cells 1 or 2 (a trigger cell). */
	int plic_offset;           /* -1: none */
	u64 plic_base, plic_size;
	unsigned plic_ndev;
	int plic_icells;
	/* RISC-V: the DT's /cpus timebase-frequency (0: none): the counter_hz of the board. */
	u64 timebase_hz;

	/* Physical memory the board's firmware or other bus masters keep for themselves (a secure
	 * monitor, a TEE, a co-processor's carve-out): nothing may be placed there, nor given to a
	 * VM or the hypervisor. From the DT's memory reservation block (`/memreserve/` in a DTS) and
	 * every enabled child of /reserved-memory with a `reg` (static carve-outs, `no-map` or not;
	 * dynamic ones, `size` without `reg`, reserve nothing: see read_reserved in board.c). Each
	 * range is non-empty and does not wrap; they may overlap each other and need not lie in RAM.
	 * reserved_names[i] names reserved[i] for messages: the node's path
	 * ("/reserved-memory/optee@7e000000") or "/memreserve/ BASE SIZE" (in hex, as the DTS has it). */
	struct range *reserved;
	char **reserved_names;
	size_t nreserved;

	/* The interrupt controller: a GICv3 (arm,gic-v3: distributor and redistributors) or a GICv2
	 * with the virtualization extensions (arm,gic-400, arm,cortex-a15-gic, arm,cortex-a7-gic:
	 * distributor, CPU interface, virtual interface control GICH and virtual CPU interface GICV).
	 * Every frame is a CPU physical address (translated through the ranges of the GIC's buses). */
	unsigned gic_version;      /* enum pt_gic_version (2 or 3); 0 while none was found */
	u64 gicd_base, gicd_size;
	u64 gicr_base, gicr_size;  /* v3: the whole redistributor region; 0 on v2 */
	u64 gicc_base, gicc_size;  /* v2: GICC, GICH, GICV; 0 on v3 */
	u64 gich_base, gich_size;
	u64 gicv_base, gicv_size;
	u64 gic_page1;             /* v2: offset of the second 4 KiB page of GICC and GICV: 0x1000, or
	                            * 0x10000 when each page is aliased over 64 KiB (a GICC of 128 KiB) */
	unsigned maint_intid, vtimer_intid, ptimer_intid, htimer_intid;
	int gic_offset;

	/* Facts. */
	u64 llc_size, llc_ways, llc_line, page_size;
	bool has_llc;              /* board.yaml states the cache: without it, no colors */
	unsigned num_colors;       /* llc way size / page size */
	u64 hyp_load;              /* where QEMU puts the hypervisor ELF */
	struct loc hyp_load_at;    /* where board.yaml states it (src NULL: nowhere) */
	u64 hyp_default_size;
	char *console;             /* default hypervisor console (device reference) */
	bool iommu;
	bool has_qemu;             /* a qemu: section: run.sh can boot the board on QEMU */
	char *qemu_binary, *qemu_machine, *qemu_cpu, *qemu_extra;
	char *qemu_bios;           /* the firmware QEMU runs first (-bios): RISC-V's OpenSBI */
	unsigned qemu_smp;
	u64 qemu_memory;
	/* The generic timer's frequency, what the firmware writes to CNTFRQ_EL0 and the hypervisor
	 * reads there at boot (it refuses a configuration made for another): schedule lengths are
	 * whole ticks of it. counter_hz_at: where board.yaml states it (src NULL: the default). */
	u64 counter_hz;
	struct loc counter_hz_at;
	struct loc llc_at;         /* where the LLC geometry is stated */
	struct loc console_at;     /* where hypervisor.console is stated (errors about the default) */
};

/* Load boards/NAME from `boards_dir`. Reports problems (with `at` the `board:` value) and returns
 * NULL when the board is unknown or broken. */
/* The counter frequency a board.yaml without `counter_hz` has: QEMU's generic timer (virt,
 * xlnx-zcu102; its Cortex-A57 and A53 models). */
#define BOARD_DEFAULT_COUNTER_HZ 62500000ull
/* At most 1 GHz: Armv8.6 fixes the counter at 1 GHz, earlier cores run it slower. */
#define BOARD_MAX_COUNTER_HZ 1000000000ull

struct board *board_load(const char *boards_dir, const char *name, struct loc at);
void board_free(struct board *b);

/* The device-tree half of board_load, for a blob compiled already (the DTB fuzz target; boards
 * imported from vendor DTBs): checks the blob whole (fdt_check_full, version 17, its memory
 * reservation block) and every cell count and property length it reads, then reads the CPUs, RAM,
 * reserved memory, GIC, timer and devices into `b` (which keeps a copy of the blob in b->fdt).
 * Malformed contents are reported [board-invalid] at `at` (board_load: the dts key of
 * board.yaml), a missing CPU, memory, GIC or timer at `whole` (board.yaml as a whole). Returns
 * false when anything was reported. */
bool board_read_dtb(struct board *b, const void *blob, size_t size, struct loc at, struct loc whole);

/* Is DT node `node` compatible with `compat`? */
bool board_is_compatible(const void *fdt, int node, const char *compat);

/* Compatibles Partita knows, NULL-terminated: GICv2s with virtualization extensions; PLICs; the
 * UARTs the hypervisor has a driver for (PL011, Cadence, i.MX and the 16550 family:
 * hypervisor/drivers/NAME_uart.c). */
extern const char *const board_gicv2_compatibles[];
extern const char *const board_plic_compatibles[];
extern const char *const board_pl011_compatibles[];
extern const char *const board_cadence_compatibles[];
extern const char *const board_imx_compatibles[];
extern const char *const board_ns16550_compatibles[];
/* The hypervisor driver for a UART node: enum pt_uart_kind, or 0 when it has none. */
unsigned board_uart_kind(const void *fdt, int node);

/* A 16550's register layout and line, from its DT node: reg-shift (default 0), reg-io-width
 * (default 1), clock-frequency (default 0: unknown) and current-speed (default 115200). */
struct uart_params {
	unsigned reg_shift, reg_io_width, clock_hz, baud;
};
struct uart_params board_uart_params(const void *fdt, int node);

/* Words for messages: "AArch64" / "RISC-V", the interrupt controller ("GICv3", "PLIC"). */
const char *board_arch_name(const struct board *b);
const char *board_irqchip_name(const struct board *b);

/* The DTS text of a DTB file (dtc -I dtb -O dts, sandboxed as for compiling), or NULL with *err. */
char *board_decompile(const char *dtb, char **err);

/* A device by reference: a DT path (/pl011@9000000), a label (uart0, or &uart0) or an alias
 * (serial0). Returns the index in b->devs, or -1. */
int board_find_device(const struct board *b, const char *ref);
/* Names of devices that a user could mean by a mistyped reference (for hints). */
const char *board_suggest_device(const struct board *b, const char *ref);

#endif
