/* A small, bounds-checked reader for the flattened device tree the hypervisor hands us. */
#ifndef BM_FDT_H
#define BM_FDT_H

#include <stdint.h>

#define FDT_MAX_CHANNELS 4
#define FDT_MAX_CPUS     8

/*
 * The riscv64 build also reads what a RISC-V machine describes (FDT_RISCV, from the compiler's
 * __riscv): the harts, the timebase, the PLIC and its contexts, NS16550 UARTs. The AArch64
 * build does not look for them, so that its walk costs what it did.
 */
#if defined(__riscv)
#define FDT_RISCV 1
#endif

/* A `partita,channel` node (docs/schema.md, Channels). */
struct fdt_channel {
	uint64_t base, size;    /* reg: the window */
	unsigned intid;         /* its doorbell (interrupts: SPI + 32; RISC-V: the PLIC source) */
	unsigned index;         /* partita,index: x1 of PT_HVC_CHANNEL_NOTIFY */
	unsigned endpoint;      /* partita,endpoint: 0 or 1 */
};

/* What a device node of interest is. */
enum fdt_kind { FDT_NONE, FDT_PL011, FDT_CADENCE, FDT_GICV3, FDT_GICV2,
		FDT_NS16550, FDT_PLIC, FDT_CPU_INTC, FDT_GOLDFISH_RTC };

/* A device found by its compatible string: its first two reg entries, translated to IPAs. */
struct fdt_dev {
	enum fdt_kind kind;     /* FDT_NONE: not found */
	unsigned nreg;          /* reg entries read (at most 2) */
	uint64_t base[2], size[2];
	unsigned intid;         /* its first interrupt (SPI + 32, PPI + 16), 0 if none or unknown */
#ifdef FDT_RISCV
	/* RISC-V: intid is the PLIC source (one interrupt cell); reg-shift, reg-io-width. */
	unsigned reg_shift, io_width;
#endif
};

struct fdt_info {
	const char *vm_name;    /* /chosen/partita,vm-name, or NULL */
	const char *bootargs;   /* /chosen/bootargs, or NULL */
	unsigned ncpus;         /* cpu@N nodes under /cpus */
	unsigned nchannels;     /* channel@ nodes under /, in order (at most FDT_MAX_CHANNELS) */
	struct fdt_channel channels[FDT_MAX_CHANNELS];
	/*
	 * The hardware, valid only when fdt_read() returned 0: the console UART (the node
	 * /chosen/stdout-path names, directly or through /aliases; else the first enabled arm,pl011
	 * or arm,sbsa-uart; else the first Cadence UART), the interrupt controller (arm,gic-v3: reg
	 * GICD, GICR; arm,gic-400 / arm,cortex-a15-gic / arm,cortex-a7-gic: reg GICD, GICC) and the
	 * PSCI conduit. Addresses are translated through the buses' `ranges`. The riscv64 build
	 * takes an ns16550a / ns16550 (a UART: first of all if none is named) instead of the PL011
	 * and knows no GIC.
	 */
	struct fdt_dev uart, gic;
	int psci_smc;           /* /psci method: 1 "smc", 0 "hvc", -1 not said */
#ifdef FDT_RISCV
	/*
	 * RISC-V, valid when fdt_read() returned 0: the enabled harts (cpu@ nodes under /cpus, in
	 * order; ncpus is their count), the timebase, and the PLIC (riscv,plic0 or
	 * sifive,plic-1.0.0) with each hart's S-mode context: the index, in its
	 * interrupts-extended, of the entry naming that hart's riscv,cpu-intc and cause 9
	 * (supervisor external interrupt). -1: the PLIC has no S context for that hart.
	 */
	unsigned nharts;
	uint32_t hart[FDT_MAX_CPUS];        /* their hart ids (reg) */
	uint8_t hart_sstc[FDT_MAX_CPUS];    /* riscv,isa names Sstc (stimecmp) */
	int plic_ctx[FDT_MAX_CPUS];
	uint64_t timebase;                  /* /cpus timebase-frequency (Hz), 0 if not said */
	unsigned plic_ndev;                 /* riscv,ndev: its sources are 1..ndev */
	struct fdt_dev plic;
	struct fdt_dev rtc;                 /* the first enabled google,goldfish-rtc (QEMU virt's) */
#endif
};

/* 0 on success, -1 if the blob is not a sane FDT (then only some fields may have been set). */
int fdt_read(const void *blob, struct fdt_info *info);

#endif
