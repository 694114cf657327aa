/*
 * The static configuration of a Partita system.
 *
 * This header is the contract between the two halves of Partita: `partita gen` fills these
 * structures (config.c, produced from templates/config.c.m4) and the hypervisor reads them at boot.
 * It is included by host C (the generator, for the enum values) and by the freestanding
 * hypervisor (AArch64; RISC-V 64 from version 7 on: pt_config.arch says which a configuration is
 * for), so it uses nothing but <stdint.h>.
 *
 * Everything here is const: the hypervisor never writes its configuration, and it allocates nothing
 * the configuration does not already account for.
 */
#ifndef PARTITA_CONFIG_H
#define PARTITA_CONFIG_H

#include <stdint.h>

/* Bumped whenever a structure below changes shape; config.c records the version it was made for. */
#define PT_CONFIG_VERSION 7

/* Upper bounds the hypervisor sizes its static tables with. The generator rejects larger systems. */
#define PT_MAX_CPUS   8   /* physical CPUs on a board */
#define PT_MAX_COLORS 64  /* cache colors (bitmap width) */
#define PT_MAX_VM_SPIS 32 /* interrupts one VM may own (GIC SPIs, PLIC sources): its devices',
                          * its doorbells, its vUART's */

/* What backs a guest-physical range. */
enum pt_region_kind {
	PT_REGION_RAM     = 1, /* normal memory, private to the VM */
	PT_REGION_CHANNEL = 2, /* normal memory shared with exactly one other VM */
	PT_REGION_DEVICE  = 3, /* passed-through MMIO: Device-nGnRE, execute-never */
	PT_REGION_GICV    = 4, /* GICv2 boards: the VM's GICC window, 8 KiB at `ipa` (pa, span and
	                        * colors unused): the hypervisor maps the hardware's virtual CPU
	                        * interface there, page 0 from gicv_pa, page 1 from gicv_pa + gic_page1 */
};

/* Windows the hypervisor emulates: accesses trap (stage-2 unmapped) and are handled at EL2. */
enum pt_emul_kind {
	PT_EMUL_GICD  = 1, /* distributor: GICv3's, or GICv2's when pt_config.gic_version is 2 */
	PT_EMUL_GICR  = 2, /* GICv3 redistributors, one 128 KiB frame pair per vCPU */
	PT_EMUL_VUART = 3, /* PL011-compatible UART page multiplexed on the hypervisor console
	                    * (AArch64 VMs, whatever the physical console UART) */
	PT_EMUL_PLIC  = 4, /* RISC-V: the VM's PLIC (riscv,plic0 layout: priorities at +0, pending at
	                    * +0x1000, context c's enables at +0x2000 + 0x80 * c, its threshold and
	                    * claim/complete at +0x200000 + 0x1000 * c). Two contexts per vCPU, as on
	                    * QEMU's virt board: 2v is vCPU v's M-mode one (there, never raised) and
	                    * 2v + 1 its S-mode external interrupt; sources 1 to pt_config.plic_ndev,
	                    * as on the board */
	PT_EMUL_VUART_NS16550 = 5, /* RISC-V: an NS16550A-compatible UART page (registers 1 byte
	                    * apart, reg-shift 0), multiplexed on the hypervisor console like
	                    * PT_EMUL_VUART */
};

/* The architecture a configuration is for (pt_config.arch): the board's CPUs. */
enum pt_arch {
	PT_ARCH_AARCH64 = 1, /* EL2; a GICv2 or GICv3 */
	PT_ARCH_RISCV64 = 2, /* HS-mode (the H extension), started by SBI firmware (OpenSBI); a PLIC */
};

/* The board's interrupt controller (pt_config.irqchip). The GIC values equal gic_version's. */
enum pt_irqchip {
	PT_IRQCHIP_GICV2 = 2,
	PT_IRQCHIP_GICV3 = 3,
	PT_IRQCHIP_PLIC  = 4, /* riscv,plic0 / sifive,plic-1.0.0: plic_pa, plic_ndev, plic_context */
};

/* RISC-V G-stage translation (pt_config.gstage_mode): the hgatp.MODE value, from the harts'
 * mmu-type (riscv,sv39: Sv39x4, riscv,sv48: Sv48x4, riscv,sv57: Sv57x4). */
enum pt_gstage_mode {
	PT_GSTAGE_SV39X4 = 8,  /* 41-bit guest-physical addresses, 3 levels, 16 KiB root */
	PT_GSTAGE_SV48X4 = 9,  /* 50-bit, 4 levels */
	PT_GSTAGE_SV57X4 = 10, /* 59-bit, 5 levels */
};

/* RISC-V extensions of the harts (pt_config.riscv_ext, a bitmap), from their riscv,isa. */
#define PT_RISCV_EXT_SSTC (1u << 0) /* stimecmp/vstimecmp. The guest DTs advertise the harts' ISA
                                     * without h, Sstc included: the hypervisor enables
                                     * henvcfg.STCE for VMs (or must emulate stimecmp) */

/* The board's interrupt controller; a VM is shown the same version. */
enum pt_gic_version {
	PT_GIC_V2 = 2, /* GIC-400 and alike: GICD, GICC, GICH, GICV frames (arm,gic-400, arm,cortex-a15-gic) */
	PT_GIC_V3 = 3, /* GICD and redistributors, system-register CPU interface (arm,gic-v3) */
};

/* The hypervisor console's UART, which selects its driver (hypervisor/drivers/). */
enum pt_uart_kind {
	PT_UART_PL011   = 1, /* arm,pl011 / arm,sbsa-uart */
	PT_UART_CADENCE = 2, /* cdns,uart-r1p12 / xlnx,xuartps (Zynq, ZynqMP) */
	PT_UART_IMX     = 3, /* fsl,imx6q-uart / fsl,imx8mm-uart and the other i.MX 8M (NXP i.MX) */
	PT_UART_NS16550 = 4, /* the 8250/16550 family (ns16550a, ns16550, snps,dw-apb-uart, ...): its
	                      * register layout from console_reg_shift and console_reg_io_width */
};

enum pt_fault_policy {
	PT_FAULT_HALT    = 0, /* print one line, park every vCPU of the VM */
	PT_FAULT_RESTART = 1, /* reload the pristine image and boot the VM again */
};

/*
 * The restart budget of `on_fault: restart` when the description gives none: a VM may restart
 * 5 times within 10 s (counted from the first of them); the 6th fault in that time halts it.
 * Restarts back off: the first within the window boots at once, the k-th (k >= 2) waits
 * PT_RESTART_DELAY_NS << (k - 2), at most PT_RESTART_DELAY_MAX_NS, before the VM boots again.
 */
#define PT_RESTART_MAX_DEFAULT     5u
#define PT_RESTART_WITHIN_DEFAULT  (10ull * 1000 * 1000 * 1000)
#define PT_RESTART_DELAY_NS        (10ull * 1000 * 1000)          /* 10 ms */
#define PT_RESTART_DELAY_MAX_NS    (1000ull * 1000 * 1000)        /* 1 s */
#define PT_RESTART_MAX_LIMIT       1000u                          /* the generator's bound */
#define PT_RESTART_WITHIN_MAX_NS   (3600ull * 1000 * 1000 * 1000) /* 1 h */

enum pt_image_format {
	PT_IMAGE_RAW   = 0, /* flat binary loaded at load_ipa, entered at entry */
	PT_IMAGE_ELF   = 1, /* converted to a flat binary by the build; same as RAW at run time */
	PT_IMAGE_LINUX = 2, /* arm64 or RISC-V Image: loaded at load_ipa (RAM base + text_offset),
	                     * entry = load */
};

/* Interrupt trigger, as the board's device tree states it. */
enum pt_irq_trigger {
	PT_IRQ_LEVEL = 0,
	PT_IRQ_EDGE  = 1,
};

/*
 * One guest-physical range and what backs it.
 *
 * Contiguous (colors == 0): IPA [ipa, ipa + size) maps to PA [pa, pa + size).
 * Colored (colors != 0): page i of the range maps to the i-th page at or above `pa` whose color
 *   ((address / PT_PAGE_SIZE) % pt_config.num_colors) is set in `colors`. The generator has
 *   checked that those pages exist below `pa + span` and belong to nobody else.
 */
struct pt_region {
	uint64_t ipa;
	uint64_t pa;
	uint64_t size;   /* bytes the guest sees; multiple of 4 KiB */
	uint64_t span;   /* physical bytes the region occupies (== size unless colored) */
	uint64_t colors; /* bitmap of cache colors; 0 = physically contiguous */
	uint32_t kind;   /* enum pt_region_kind */
	uint32_t channel;/* PT_REGION_CHANNEL: index into pt_config.channels */
};

/* An emulated window in a VM's guest-physical space. */
struct pt_emul {
	uint64_t ipa;
	uint64_t size;
	uint32_t kind;   /* enum pt_emul_kind */
};

/* A physical interrupt passed through to a VM (taken from the board DT, never retyped). */
struct pt_irq {
	uint32_t intid;  /* GIC INTID (SPI n is INTID 32 + n); PLIC boards: the source number, the
	                  * same in the VM's PLIC */
	uint32_t trigger;/* enum pt_irq_trigger */
};

/* A blob embedded in the hypervisor image, to be copied into guest RAM at `ipa`. */
struct pt_blob {
	const uint8_t *start; /* NULL when absent */
	const uint8_t *end;
	uint64_t ipa;
};

struct pt_image {
	uint32_t format;  /* enum pt_image_format */
	uint64_t entry;   /* IPA of the first instruction of vCPU 0 */
	struct pt_blob kernel;
	struct pt_blob dtb;    /* x0 at entry = dtb.ipa, or 0 when there is no DTB (RISC-V: a0 = the
	                        * vCPU's index, its hart id in the VM; a1 = dtb.ipa) */
	struct pt_blob initrd;
};

/*
 * One end of an inter-VM channel as a VM sees it: the shared window (also listed among the VM's
 * regions) and the virtual SPI that rings when the peer notifies.
 */
struct pt_channel_end {
	uint32_t channel;      /* index into pt_config.channels */
	uint32_t peer_vm;      /* index into pt_config.vms */
	uint64_t ipa;          /* window base in this VM */
	uint32_t doorbell_intid; /* virtual SPI injected into this VM when the peer notifies (PLIC:
	                          * a source of the VM's PLIC no device of the VM uses) */
};

struct pt_channel {
	const char *name;
	uint64_t pa;
	uint64_t size;
	uint32_t vm[2];        /* the two endpoint VMs (indexes into pt_config.vms) */
};

struct pt_vm {
	const char *name;
	uint32_t id;           /* VMID; 1-based, 0 is never used for a guest */
	uint32_t ncpus;
	const uint8_t *cpus;   /* cpus[v] = physical CPU index running vCPU v */
	uint32_t nregions;
	const struct pt_region *regions;   /* sorted by ipa */
	uint32_t nemuls;
	const struct pt_emul *emuls;
	uint32_t nirqs;
	const struct pt_irq *irqs;         /* sorted by intid */
	uint32_t nchannels;
	const struct pt_channel_end *channels;
	struct pt_image image;
	uint32_t on_fault;     /* enum pt_fault_policy */
	uint32_t restart_max;  /* PT_FAULT_RESTART: restarts allowed within restart_within_ns before
	                        * the VM is halted instead (>= 1; PT_RESTART_MAX_DEFAULT unless set) */
	uint64_t restart_within_ns;   /* the sliding window those restarts are counted in */
	uint32_t console;      /* 1 when the VM has a vUART (its PT_EMUL_VUART window) */
	uint32_t vuart_intid;  /* the SPI (PLIC: source) the vUART raises, as the VM's DTB states it;
	                        * 0 = none */
	uint32_t shell_control;/* 1 when the hypervisor shell may stop, start and restart it */
};

/*
 * Time partitioning: a physical CPU shared by several VMs runs their vCPUs in a fixed cyclic
 * schedule, the major frame `period` repeated for ever, window after window from the frame's
 * start. Time in the frame after the last window (period - sum of lengths) is idle. Lengths are
 * in nanoseconds; the generator checked that each is a whole number of counter ticks at
 * pt_config.counter_hz and that each window's VM owns the CPU.
 */
struct pt_window {
	uint32_t vm;           /* index into pt_config.vms */
	uint32_t vcpu;         /* that VM's vCPU pinned to this CPU */
	uint64_t length_ns;
};

struct pt_schedule {
	uint32_t cpu;          /* physical CPU index */
	uint32_t nwindows;     /* >= 1 */
	uint64_t period_ns;    /* >= the sum of the window lengths */
	const struct pt_window *windows;
};

struct pt_config {
	uint32_t version;      /* PT_CONFIG_VERSION */
	const char *system;    /* the system's name */

	/* The board. */
	uint32_t ncpus;        /* physical CPUs present */
	const uint64_t *cpu_mpidr;   /* MPIDR affinity of each physical CPU (the DT cpu reg); AArch64
	                              * only, 0 on RISC-V (cpu_hwid below has both) */
	uint64_t console_pa;   /* the hypervisor's UART */
	uint32_t console_uart; /* enum pt_uart_kind */
	uint32_t console_reg_shift;    /* PT_UART_NS16550: register n at console_pa + (n << shift) */
	uint32_t console_reg_io_width; /* PT_UART_NS16550: access width in bytes, 1 or 4 */
	uint32_t console_clock_hz;     /* its input clock (DT clock-frequency); 0: leave the divisor
	                                * as firmware set it */
	uint32_t console_baud;         /* DT current-speed, or 115200 */
	uint32_t gic_version;  /* enum pt_gic_version; 0 on RISC-V (irqchip below) */
	uint64_t gicd_pa;      /* physical distributor */
	uint64_t gicr_pa;      /* GICv3: physical redistributors, 128 KiB apart, in cpu index order */
	uint64_t gicc_pa;      /* GICv2: physical CPU interface (its first 4 KiB page) */
	uint64_t gich_pa;      /* GICv2: virtual interface control (GICH) */
	uint64_t gicv_pa;      /* GICv2: virtual CPU interface (GICV), what VMs see as their GICC */
	uint64_t gic_page1;    /* GICv2: offset of the second 4 KiB page of GICC and GICV: 0x1000,
	                        * or 0x10000 where each page is aliased over 64 KiB (ZynqMP) */
	uint32_t maint_intid;  /* GIC maintenance interrupt (PPI) */
	uint32_t htimer_intid; /* EL2 physical timer (PPI): the console's idle flush */
	uint32_t console_intid;/* the console UART's interrupt (SPI; PLIC: source); 0 = none, input
	                        * is polled */
	uint32_t console_focus;/* VM whose vUART starts with the console input; >= nvms: the first */
	uint32_t shell;        /* 1: the hypervisor shell is there (hypervisor: console: shell:) */
	uint32_t vtimer_intid; /* EL1 virtual timer (PPI) */
	uint32_t num_colors;   /* cache colors of the LLC (1 when coloring is unused) */

	/* The hypervisor's own memory. */
	uint64_t hyp_pa;
	uint64_t hyp_size;
	uint64_t hyp_colors;   /* colors reserved for the hypervisor (bitmap) */

	uint32_t nvms;
	const struct pt_vm *vms;
	uint32_t nchannels;
	const struct pt_channel *channels;

	/* Shared CPUs (`schedule:` in the description); a CPU not listed runs at most one vCPU. */
	uint64_t counter_hz;   /* the board's counter frequency the schedule was checked against
	                        * (RISC-V: the DT's timebase-frequency, the time CSR's rate) */
	uint32_t nschedules;
	const struct pt_schedule *schedules;

	/* Version 7: the architecture, and what a RISC-V hypervisor needs. On AArch64 the gic_* and
	 * cpu_mpidr fields above stay what they were; on RISC-V they are 0. */
	uint32_t arch;         /* enum pt_arch */
	uint32_t irqchip;      /* enum pt_irqchip (on AArch64 equal to gic_version) */
	const uint64_t *cpu_hwid;    /* per physical CPU: its DT cpu reg: the MPIDR affinity
	                              * (AArch64: the same array as cpu_mpidr) or the hart id (RISC-V:
	                              * what SBI HSM hart_start takes, and a0 at the firmware's entry) */
	uint32_t ipa_bits;     /* guest-physical address width every VM range was checked against:
	                        * 40 on AArch64 (stage 2), 41/50/59 with Sv39x4/Sv48x4/Sv57x4 */
	uint32_t gstage_mode;  /* RISC-V: enum pt_gstage_mode (hgatp.MODE); 0 on AArch64 */
	uint64_t plic_pa;      /* RISC-V: the physical PLIC */
	uint64_t plic_size;    /* its register window (the DT's reg size) */
	uint32_t plic_ndev;    /* its sources are 1 to plic_ndev (riscv,ndev); each VM's PLIC has as
	                        * many, the passed-through ones at their board numbers */
	const uint32_t *plic_context; /* per physical CPU: the PLIC context of its S-mode external
	                        * interrupt (the hypervisor's, in HS-mode: from the DT's
	                        * interrupts-extended, <cpu-intc 9>) */
	uint32_t riscv_ext;    /* RISC-V: PT_RISCV_EXT_* every hart has */
};

#define PT_PAGE_SIZE 4096u

/* Hypercall numbers (HVC #0, function id in x0) beyond PSCI, Partita's own range. */
#define PT_HVC_CHANNEL_NOTIFY 0xC6000001u /* x1 = channel end index within the calling VM */
#define PT_HVC_VM_BOOTS       0xC6000002u /* returns how often this VM was started (1, 2, ...) */

/*
 * The same calls on RISC-V: an SBI extension of Partita's own (ECALL, a7 = PT_SBI_EXT, a6 = the
 * function, a0 = its argument; a0 = SBI error, a1 = value), in the SBI's firmware-specific
 * range 0x0A000000..0x0AFFFFFF ("PTA" in the low bytes). Function ids are the low bits of the
 * AArch64 calls'.
 */
#define PT_SBI_EXT            0x0A505441u
#define PT_SBI_CHANNEL_NOTIFY 1u          /* a0 = channel end index within the calling VM */
#define PT_SBI_VM_BOOTS       2u          /* value = how often this VM was started */

extern const struct pt_config pt_config;

#endif /* PARTITA_CONFIG_H */
