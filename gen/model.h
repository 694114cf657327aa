/*
 * The system model: what the user's YAML says, with every value's place in the file, plus what
 * the generator derives from it (physical placement, load addresses, emulated windows). The
 * checks read it, the emitters turn it into artifacts.
 */
#ifndef PARTITA_MODEL_H
#define PARTITA_MODEL_H

#include <stdbool.h>

#include "board.h"
#include "diag.h"
#include "util.h"

enum placement { PLACE_AUTO, PLACE_FIXED, PLACE_IDENTITY };

struct m_mem {
	u64 ipa, size;
	enum placement place;
	u64 pa;           /* fixed/identity: as given; auto: chosen by place.c */
	u64 span;         /* physical bytes occupied (colored: the stretch of the pool it uses) */
	bool placed;
	struct loc at, at_base, at_size, at_phys;
};

struct m_cpu {
	unsigned index;
	struct loc at;
};

struct m_color {
	unsigned color;
	struct loc at;
};

struct m_device {
	const char *ref;
	const char *qemu; /* optional: the QEMU -device that backs this slot (virtio-mmio) */
	const char *disk; /* optional: a raw disk image file run.sh gives that -device (as written) */
	char *disk_path;  /* resolved against the YAML file's folder */
	const char *net;  /* optional: "user", QEMU user-mode networking for that -device */
	int dev;          /* index in board->devs, -1 when unknown */
	struct loc at, at_qemu, at_disk, at_net;
};

enum image_format { IMG_RAW, IMG_ELF, IMG_LINUX };
enum dtb_mode { DTB_AUTO, DTB_NONE, DTB_FILE };
enum console_kind { CONSOLE_VUART, CONSOLE_NONE };
enum fault_policy { FAULT_HALT, FAULT_RESTART };

struct m_image {
	const char *kernel;   /* as written */
	char *kernel_path;    /* resolved against the YAML file's folder */
	const char *initrd;
	char *initrd_path;
	const char *bootargs;
	enum image_format format;
	u64 entry, load;
	bool has_entry, has_load;
	struct loc at, at_kernel, at_initrd, at_entry, at_load, at_format, at_bootargs;

	/* Derived from the files. */
	bool present;         /* kernel file read successfully */
	u64 file_size;        /* bytes to copy */
	u64 mem_size;         /* bytes the image occupies once running (linux: image_size) */
	u64 initrd_size;
	u64 dtb_ipa, initrd_ipa;
	unsigned char *flat;  /* ELF: the loadable segments flattened; NULL otherwise */
	u64 flat_size;
	/* An earlier VM with the very same kernel (initrd) file and format: the hypervisor image
	 * embeds that one once and both VMs load from it. -1: none. */
	int kernel_alias, initrd_alias;
};

struct m_vm {
	const char *name;
	unsigned index;
	struct loc at, at_name;
	struct m_cpu *cpus;
	size_t ncpus, capcpus;
	struct loc at_cpus;
	struct m_mem *mem;
	size_t nmem, capmem;
	bool mem_incomplete;   /* a region could not be read (reported): the VM's RAM is unknown */
	struct m_color *colors;
	size_t ncolors, capcolors;
	u64 color_mask;
	struct m_device *devs;
	size_t ndevs, capdevs;
	struct m_image image;
	bool has_image;
	enum dtb_mode dtb;
	const char *dtb_file;
	char *dtb_path;
	struct loc at_dtb;
	enum console_kind console;
	bool shell_control;    /* the hypervisor shell may stop, start and restart it */
	enum fault_policy on_fault;
	/* The restart budget (on_fault: { restart: { max, within } }): at most restart_max restarts
	 * within restart_within ns, then the VM is halted. config.h's defaults unless given; halt
	 * VMs carry the defaults too, so the hypervisor never sees a budget of 0. */
	unsigned restart_max;
	u64 restart_within;
	struct loc at_on_fault;

	/* Derived: emulated windows (guest-physical); gicr_* on GICv3 boards only. */
	u64 gicd_ipa, gicd_size, gicr_ipa, gicr_size, vuart_ipa;
	/* GICv2 boards: the VM's GICC, where the hypervisor maps the hardware's virtual CPU
	 * interface (GICV): at the board's GICC address, 8 KiB. 0 on GICv3 boards. */
	u64 gicv_ipa, gicv_size;
	/* RISC-V boards: the VM's PLIC, emulated, at the board's PLIC address: its registers up to
	 * the last context it has (one per vCPU). 0 on AArch64 boards, where gicd_* is the GIC's. */
	u64 plic_ipa, plic_size;
};

struct m_endpoint {
	const char *vm_name;
	int vm;            /* index, -1 unknown */
	u64 ipa;
	struct loc at, at_vm, at_base;
	unsigned doorbell_intid;
};

struct m_channel {
	const char *name;
	u64 size;
	u64 pa;
	bool has_phys, placed;
	struct loc at, at_name, at_size, at_phys;
	struct m_endpoint ep[2];
	size_t nep;
};

/*
 * Time partitioning (`schedule:`): a physical CPU shared by several VMs runs their vCPUs window
 * after window in a major frame of `period`, repeated for ever. Durations are in nanoseconds.
 */
struct m_window {
	const char *vm_name;  /* NULL when unreadable (reported) */
	int vm;               /* index, -1 until resolved by the checks */
	unsigned vcpu;        /* that VM's vCPU on the schedule's CPU (resolved by the checks) */
	u64 length;           /* 0 when unreadable (reported) */
	struct loc at, at_vm, at_length;
};

struct m_schedule {
	unsigned cpu;
	bool has_cpu;         /* the cpu was readable */
	u64 period;           /* 0 when unreadable (reported) */
	struct m_window *win;
	size_t nwin, capwin;
	/* Which VMs it names is not known: its windows are missing, or one of them could not be
	 * read or names no VM (reported). schedule-missing-vm skips it. */
	bool incomplete;
	/* Not the schedule of its CPU (an unknown CPU, or a second entry for one: reported). */
	bool ignored;
	struct loc at, at_cpu, at_period, at_windows;
};

struct ydoc;

struct m_system {
	struct source *src;
	struct ydoc *doc;   /* the parsed YAML; model strings point into it */
	char *dir;         /* folder of the YAML file: relative paths start here */
	const char *name;
	const char *board_name;
	struct loc at_board, at_name;
	struct board *board;

	/* hypervisor: */
	const char *hyp_console;
	int hyp_console_dev;
	unsigned console_uart;           /* its driver: enum pt_uart_kind, set with hyp_console_dev */
	struct loc at_hyp_console;
	/* hypervisor: console: { mode, focus, shell, control } (docs/console.md) */
	enum console_mode { CONSOLE_TAGGED, CONSOLE_MUX } console_mode;
	const char *console_focus;       /* VM that starts with the input; NULL: the first */
	int console_focus_vm;            /* its index, resolved by the checks; -1: none given */
	bool shell;                      /* the hypervisor shell (default on) */
	const char **console_control;    /* VMs the shell may stop/start/restart; NULL: all */
	struct loc *at_console_control;
	size_t nconsole_control;
	struct loc at_console_focus;
	u64 hyp_size, hyp_pa, hyp_images; /* hyp_size includes the embedded images */
	u64 pt_pool_pages;  /* the hypervisor's translation-table pool this system needs (pages) */
	bool hyp_has_phys, hyp_has_size;
	struct loc at_hyp, at_hyp_mem, at_hyp_size, at_hyp_phys;
	struct m_color *hyp_colors;
	size_t nhyp_colors, caphyp_colors;
	u64 hyp_color_mask;

	struct m_vm *vms;
	size_t nvms, capvms;
	struct m_channel *chans;
	size_t nchans, capchans;
	struct m_schedule *scheds;
	size_t nscheds, capscheds;

	/* Colored pool (one physically contiguous stretch shared by all colored memory). */
	u64 pool_pa, pool_size;
};

/* Read a system description. Returns NULL only when the file cannot be read or parsed at all;
 * every other problem is reported and the model is returned as far as it could be read. */
struct m_system *model_read(const char *path, const char *boards_dir);
void model_free(struct m_system *s);

#endif
