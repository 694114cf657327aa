/*
 * VMs and vCPUs: the run-time state behind each pt_vm of the configuration.
 *
 * Static partitioning: every vCPU is pinned to its pCPU for the lifetime of the system, so while
 * it runs its registers simply stay in the hardware (and its general-purpose ones in the arch's
 * trap frame at the top of its pCPU's stack while it traps). A pCPU shared by several vCPUs (a
 * time partitioning schedule, hyp/sched.h) moves them into the vCPU's context when it switches.
 * A vCPU changes state only under its VM's lock; a pCPU that must notice a change made by
 * another pCPU is kicked (arch_vcpu_kick: an SGI on AArch64).
 */
#ifndef HYP_VM_H
#define HYP_VM_H

#include <partita/config.h>
#include <hyp/spinlock.h>
#include <hyp/types.h>

enum vcpu_state {
	VCPU_OFF = 0,        /* parked in the hypervisor (never started, CPU_OFF, VM stopped) */
	VCPU_ON_PENDING,     /* CPU_ON accepted; its pCPU has not entered the guest yet */
	VCPU_ON,
};

enum vm_state {
	VM_RUNNING = 0,
	VM_RESETTING,        /* on its way to a fresh boot (enum reset_phase says where) */
	VM_HALTED,           /* stopped after a fault; stays down */
	VM_OFF,              /* powered off by the guest */
};

/*
 * A RESETTING VM's way back (core/vm_reset.c). Every step runs on the VM's own pCPUs, in its
 * own time: on a dedicated pCPU in its idle loop, on a shared pCPU only in the VM's windows.
 */
enum reset_phase {
	RESET_LEAVING = 0,   /* vCPUs still in the guest, or holding state on a shared pCPU */
	RESET_SCRUB,         /* zeroing its RAM, a chunk at a time */
	RESET_LOAD,          /* copying its images in, a chunk at a time */
	RESET_WAIT,          /* backing off until boot_at (a restart after a fault) */
	RESET_BOOTING,       /* one pCPU is booting it */
};

#define VUART_RX   4096   /* a VM's receive ring (core/conmux.c) */
#define CON_STREAM 4096   /* a VM's (and the hypervisor's) output stream */

/* A console output stream: written at head, printed up to sent; the ring keeps the last bytes. */
struct con_stream {
	uint32_t head, sent;           /* bytes ever written / printed */
	uint64_t last;                 /* counter at the last write (tagged mode: idle lines) */
	uint8_t esc, esc_len;          /* tagged mode: inside an escape sequence (core/conmux.c) */
	uint8_t ring[CON_STREAM];
};

/*
 * A VM's vUART, one of two models chosen by its emulated window's kind (`kind`): a PL011
 * (PT_EMUL_VUART, core/vuart.c) or an NS16550A (PT_EMUL_VUART_NS16550, core/vuart_16550.c).
 */
struct vuart {
	uint32_t regs[0x50 / 4];       /* programmable registers: the PL011's by offset (CR, IMSC,
					  LCR_H, ...), or the 16550's at the V16550_* indices */
	uint32_t rx_head, rx_tail;     /* received bytes (under the console's input lock) */
	uint32_t rx_ris;               /* latched receive interrupts (PL011: RXRIS, RTRIS; 16550:
					  received data available) */
	uint32_t kind;                 /* its window's pt_emul_kind, set once at boot (vuart_init)
					  so that no byte has to look for it; 0: the VM has none */
	uint8_t rx[VUART_RX];
};
_Static_assert(__builtin_offsetof(struct vuart, regs) + sizeof(((struct vuart *)0)->regs) + 8 <=
	       __builtin_offsetof(struct vuart, rx), "guest-indexed regs[] layout (arch/vgic.h)");

/*
 * The 16550 model's state in regs[] (core/vuart_16550.c), named here because hyp/emul.h's THR
 * fast path reads LCR.DLAB, IER.ETBEI and the THRE interrupt's latch. The registers a guest
 * reads back hold its byte; FCR only its FIFO enable bit (the rest of FCR is actions).
 */
enum {
	V16550_IER, V16550_LCR, V16550_MCR, V16550_SCR, V16550_DLL, V16550_DLM, V16550_FCR,
	V16550_THRI,       /* the THRE interrupt is latched (under the model's lock) */
	V16550_NREGS
};
#define V16550_LCR_DLAB  0x80u   /* divisor latch access: offsets 0 and 1 are DLL and DLM */
#define V16550_IER_ETBEI 0x02u   /* the THRE interrupt is enabled */

/*
 * What the hypervisor says about a VM's misbehaviour, by kind. Each kind prints its first
 * LOG_LIMIT lines; the rest are only counted and summed up in one line when the VM stops or
 * restarts, so no guest can flood the console (or hold its lock) by misbehaving in a loop.
 */
enum log_kind {
	LOG_CALL,       /* unknown HVC/SMC function */
	LOG_PSCI,       /* refused PSCI request */
	LOG_VIRQ,       /* interrupt controller: a foreign interrupt, SGI or route */
	LOG_SYSREG,     /* trapped system register or instruction */
	LOG_MMIO,       /* malformed access to an emulated device */
	LOG_LIFECYCLE,  /* restarts and resets: counted over the VM's whole life */
	LOG_KINDS
};
#define LOG_LIMIT 4

/*
 * The arch's share of each vCPU and VM: its virtual interrupt controller's state (hyp/virq.h;
 * the vGIC's on AArch64). Opaque here and laid out by arch/$(ARCH)/, which checks at compile
 * time that it fits; inside the structures, so that the arch reaches it at a constant offset, as
 * fast as a member of its own. Raise a size when an arch needs more.
 */
#define VCPU_ARCH_BYTES 56
#define VM_ARCH_BYTES   2840

struct vm;
struct vcpu_ctx;   /* the arch's: a switched-out vCPU's registers (arch_vcpu_save) */

struct vcpu {
	struct vm *vm;
	uint32_t index;        /* virtual CPU number (Aff0 of its virtual MPIDR on AArch64) */
	uint32_t pcpu;
	uint32_t state;        /* enum vcpu_state, under vm->lock */
	uint32_t running;      /* its pCPU is in (or about to enter) the guest, under vm->lock */
	uint32_t held;         /* switched out on a shared pCPU, its state held there (v->ctx) until
				  it resumes or that pCPU reaps it (core/sched.c), under vm->lock */
	uint32_t saved;        /* v->ctx holds its registers (core/sched.c), on its pCPU only */
	uint64_t entry, context;  /* where VCPU_ON_PENDING starts, and its argument (x0) */
	uint32_t emul_hint;    /* index of the emulated window it last accessed (core/emul.c) */
	uint64_t kicks;        /* kicks that took it out of the guest (the shell's info): what
				  other pCPUs cost it, which virq_post keeps to what it asked for */
	struct vcpu_ctx *ctx;  /* on a shared pCPU: its state while switched out (core/sched.c) */
	unsigned char arch[VCPU_ARCH_BYTES] __aligned(8);
};

struct vm {
	const struct pt_vm *cfg;
	uint32_t index;        /* in pt_config.vms */
	uint32_t state;        /* enum vm_state, under lock */
	uint32_t stopping;     /* RESET_LEAVING: vCPUs still to leave (or to be reaped) */
	uint32_t phase;        /* enum reset_phase while RESETTING, under lock */
	uint32_t after_reset;  /* VM_RUNNING: boot when the reset is done; VM_OFF: stopped meanwhile */
	uint64_t work_next, work_done, work_total;   /* SCRUB/LOAD: bytes claimed, done, in all */
	uint64_t boot_delay;   /* ticks to wait after LOAD (the restart back-off) */
	uint64_t boot_at;      /* RESET_WAIT: the counter value it boots at */
	uint32_t restarts;     /* fault restarts since restart_since (the on_fault budget) */
	uint64_t restart_since;
	spinlock_t lock;
	uint64_t stage2;       /* its translation's root, as the arch's register takes it (VTTBR_EL2) */
	struct vcpu *vcpus;    /* cfg->ncpus entries */
	struct vuart vuart;
	struct con_stream out;          /* what its vUART printed (core/conmux.c) */
	unsigned char arch[VM_ARCH_BYTES] __aligned(8);
	uint64_t time_offset;  /* the counter when the hypervisor started (its first boot) or when it
				  restarted: its virtual time starts at 0 then
				  (CNTVOFF_EL2 on AArch64) */
	uint32_t boots;        /* how often it was started (PT_HVC_VM_BOOTS), under lock */
	uint32_t faults;       /* faults it took (the shell's info) */
	uint64_t irqs;         /* interrupts made pending by the slow paths (the arch's fast path
				  counts per pCPU: arch_cpu_irqs) */
	uint32_t log_count[LOG_KINDS];   /* under lock */
};

extern struct vm vms[PT_MAX_CPUS];
#define PT_MAX_VCPUS (2 * PT_MAX_CPUS)   /* with time partitioning a pCPU runs several */

/* core/vm.c */
void vms_init(void);
void vm_kick_all(struct vm *vm);   /* every pCPU of the VM but this one */
struct vcpu *vm_vcpu(struct vm *vm, uint64_t index);   /* NULL: the VM has no such vCPU */
void boot_vcpu0(struct vm *vm);    /* under vm->lock: vCPU 0 starts at the image's entry */
/*
 * Stop every vCPU of `vm` and put it into `to` (VM_HALTED or VM_OFF). A VM that is resetting
 * stays down once the reset is done instead. Any other state: nothing to do.
 */
void vm_stop(struct vm *vm, enum vm_state to);
void vm_check_all_down(void);
/* [ipa, ipa+size) is the VM's memory: RAM or a channel window (data a guest may hand us) */
bool vm_ipa_is_ram(const struct vm *vm, uint64_t ipa, uint64_t size);
/* ... and where it may run code: its RAM only (channel windows are never executable) */
bool vm_ipa_is_code(const struct vm *vm, uint64_t ipa, uint64_t size);
/* Under vm->lock: mark every vCPU off; how many must still leave the guest or be reaped. */
uint32_t vm_stop_vcpus(struct vm *vm);

/* core/vm_reset.c: the way back to a fresh boot, in the VM's own time (enum reset_phase). */
void vm_reset(struct vm *vm, uint64_t delay_ticks);   /* RUNNING: reboot it (after a delay) */
bool vm_start(struct vm *vm);   /* OFF or HALTED: boot it again; false in any other state */
bool vm_restart_now(struct vm *vm);   /* RESETTING: forget a pending stop and any back-off */
void vm_vcpu_gone(struct vcpu *v);    /* v left the guest for good (core/vcpu.c) */
void vm_reset_left(struct vm *vm);    /* the last vCPU is gone: on to the scrub */
bool vm_reset_step(struct vm *vm, uint64_t until);   /* idle pCPU of the VM: do some; true: more */

/* core/vcpu.c */
void __noreturn vcpu_idle(void);
void __noreturn vcpu_leave(struct vcpu *v);   /* the vCPU was stopped: park this pCPU */
/*
 * A guest's requests for its own vCPUs (PSCI CPU_ON and CPU_OFF on AArch64): t starts at entry
 * with arg, if its VM is running and t is off (VCPU_ON_DENIED, VCPU_ON_ALREADY otherwise); v
 * goes off, leaving the guest at the end of its trap.
 */
enum vcpu_on_result { VCPU_ON_STARTED, VCPU_ON_DENIED, VCPU_ON_ALREADY };
enum vcpu_on_result vcpu_power_on(struct vcpu *t, uint64_t entry, uint64_t arg);
void vcpu_power_off(struct vcpu *v);

/* core/image.c */
void image_check(const struct pt_vm *vm);
void image_load(const struct pt_vm *vm);
/* The VM's RAM and its images as one run of bytes each, zeroed / copied a piece at a time. */
uint64_t image_ram_bytes(const struct pt_vm *vm);
uint64_t image_blob_bytes(const struct pt_vm *vm);
void image_scrub_range(const struct pt_vm *vm, uint64_t off, uint64_t len);
void image_load_range(const struct pt_vm *vm, uint64_t off, uint64_t len);
void image_sync_icache(void);
void image_zero_channels(const struct pt_vm *vm, unsigned vm_index);   /* at boot, once */
/* Between buf and the VM's RAM or channel memory at ipa (a guest's request naming its memory). */
bool image_vm_copy(const struct pt_vm *vm, uint64_t ipa, uint8_t *buf, uint64_t len, bool to_vm);
/* Colored memory: the PA of page `i` of region `r` (page i at or above r->pa with a set color). */
uint64_t region_page_pa(const struct pt_region *r, uint64_t i);

/*
 * core/fault.c: vm_fault applies the VM's on_fault policy; messages complete "vm 'x' vcpu N: ".
 * vm_log is for what a guest cannot repeat at will; anything it can is vm_note, rate limited.
 */
void vm_fault(struct vcpu *v, const char *fmt, ...) __printf(2, 3);
void vm_log(struct vcpu *v, const char *fmt, ...) __printf(2, 3);
void vm_note(struct vcpu *v, enum log_kind kind, const char *fmt, ...) __printf(3, 4);
void vm_log_summary(struct vm *vm, bool final);  /* "N more ... suppressed"; final: VM is down */

/*
 * What a guest's call into the hypervisor returns to it: done, or a bad argument. The values are
 * the SMC Calling Convention's (INVALID_PARAMETERS), which AArch64 returns to the guest as they
 * are; an arch whose guests' calls use others (RISC-V's SBI) maps them.
 */
#define CALL_OK      0
#define CALL_INVALID (-2)

/* core/channel.c: the guest rang the doorbell of its channel end `end` (PT_HVC_CHANNEL_NOTIFY):
 * CALL_OK, or CALL_INVALID when it has no such end. */
int64_t channel_notify(struct vcpu *v, uint64_t end);

/* core/conmux.c: a device interrupt the arch took that is not a guest's: true if it was the
 * hypervisor's own (its console's input; the drivers only report numbers, core decides whose). */
bool hyp_device_irq(uint32_t intid);

/* core/vuart.c: the PL011 model, and for either model the VM's reset and its input */
bool vuart_access(struct vcpu *v, uint64_t off, bool write, uint64_t *val, unsigned size);
void vuart_vm_reset(struct vm *vm);   /* registers as after reset; pending input is kept */
void vuart_rx_arrived(struct vm *vm); /* input for it: the receive interrupt latches */

/* core/vuart_16550.c: the NS16550A model (vuart_vm_reset and vuart_rx_arrived call its own) */
bool vuart_16550_access(struct vcpu *v, uint64_t off, bool write, uint64_t *val, unsigned size);
void vuart_16550_reset(struct vm *vm);
void vuart_16550_rx_arrived(struct vm *vm);
void vuart_16550_thr_empty(struct vm *vm);   /* a THR write with the THRE interrupt enabled */

#endif
