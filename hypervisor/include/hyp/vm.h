/*
 * VMs and vCPUs: the run-time state behind each pt_vm of the configuration.
 *
 * Static partitioning: every vCPU is pinned to its pCPU for the lifetime of the system, so a
 * vCPU's general-purpose registers live in the trap frame at the top of its pCPU's stack and its
 * EL1 system registers simply stay in the hardware. A pCPU shared by several vCPUs (a time
 * partitioning schedule, hyp/sched.h) moves them into the vCPU's context when it switches. A vCPU changes state only under its VM's lock;
 * a pCPU that must notice a change made by another pCPU is kicked with an SGI.
 */
#ifndef HYP_VM_H
#define HYP_VM_H

#include <partita/config.h>
#include <hyp/frame.h>
#include <hyp/spinlock.h>
#include <hyp/types.h>
#include <hyp/vgic.h>

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

struct vuart {
	uint32_t regs[0x50 / 4];       /* programmable registers (CR, IMSC, LCR_H, ...) */
	uint32_t rx_head, rx_tail;     /* received bytes (under the console's input lock) */
	uint32_t rx_ris;               /* latched receive interrupts (RXRIS, RTRIS) */
	uint32_t slot;                 /* its interrupt's vGIC slot; 0: it has none */
	uint8_t rx[VUART_RX];
};
_Static_assert(__builtin_offsetof(struct vuart, regs) + sizeof(((struct vuart *)0)->regs) + 8 <=
	       __builtin_offsetof(struct vuart, rx), "guest-indexed regs[] layout (hyp/vgic.h)");

/*
 * What the hypervisor says about a VM's misbehaviour, by kind. Each kind prints its first
 * LOG_LIMIT lines; the rest are only counted and summed up in one line when the VM stops or
 * restarts, so no guest can flood the console (or hold its lock) by misbehaving in a loop.
 */
enum log_kind {
	LOG_CALL,       /* unknown HVC/SMC function */
	LOG_PSCI,       /* refused PSCI request */
	LOG_VGIC,       /* foreign INTID, SGI or route */
	LOG_SYSREG,     /* trapped system register or instruction */
	LOG_MMIO,       /* malformed access to an emulated device */
	LOG_LIFECYCLE,  /* restarts and resets: counted over the VM's whole life */
	LOG_KINDS
};
#define LOG_LIMIT 4

struct vm;
struct vcpu_ctx;

struct vcpu {
	struct vm *vm;
	uint32_t index;        /* virtual CPU number = Aff0 of its virtual MPIDR */
	uint32_t pcpu;
	uint32_t state;        /* enum vcpu_state, under vm->lock */
	uint32_t running;      /* its pCPU is in (or about to enter) the guest, under vm->lock */
	uint32_t held;         /* switched out on a shared pCPU, its state held there (v->ctx) until
				  it resumes or that pCPU reaps it (core/sched.c), under vm->lock */
	uint64_t entry, context;  /* where VCPU_ON_PENDING starts, and its x0 */
	uint32_t emul_hint;    /* index of the emulated window it last accessed (core/emul.c) */
	uint64_t kicks;        /* kick SGIs that took it out of the guest (the shell's info): what
				  other pCPUs cost it, which vgic_post keeps to what it asked for */
	struct vcpu_ctx *ctx;  /* on a shared pCPU: its state while switched out (hyp/sched.h) */
	struct vgic_cpu vgic;
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
	uint64_t vttbr;
	struct vcpu *vcpus;    /* cfg->ncpus entries */
	struct vuart vuart;
	struct con_stream out;          /* what its vUART printed (core/conmux.c) */
	struct vgic vgic;
	uint64_t cntvoff;      /* CNTVOFF_EL2: virtual time starts at 0 when the VM boots */
	uint32_t boots;        /* how often it was started (PT_HVC_VM_BOOTS), under lock */
	uint32_t faults;       /* faults it took (the shell's info) */
	uint64_t irqs;         /* interrupts made pending by the slow paths (the fast path counts
				  per pCPU: pcpu.direct_irqs) */
	uint32_t log_count[LOG_KINDS];   /* under lock */
};

extern struct vm vms[PT_MAX_CPUS];
#define PT_MAX_VCPUS (2 * PT_MAX_CPUS)   /* with time partitioning a pCPU runs several */

/* The slot view of hyp/vgic.h, inline: the list-register paths ask it for every interrupt. */
static inline uint32_t vgic_slot_intid(const struct vm *vm, unsigned slot)
{
	return slot < VGIC_PRIV ? slot : vm->vgic.spi[slot - VGIC_PRIV].intid;
}

static inline uint8_t vgic_slot_prio(const struct vcpu *v, unsigned slot)
{
	return slot < VGIC_PRIV ? v->vgic.prio[slot] : v->vm->vgic.spi[slot - VGIC_PRIV].prio;
}

static inline bool vgic_slot_enabled(const struct vcpu *v, unsigned slot)
{
	if (slot < VGIC_PRIV)
		return (v->vgic.enabled >> slot) & 1;
	return v->vm->vgic.spi[slot - VGIC_PRIV].enabled && (v->vm->vgic.ctlr & 2);
}

/*
 * Before every ERET (vcpu_after_trap): fill the list registers by priority. The common way back
 * to the guest has nothing waiting in software and no refill request to drop: two loads.
 */
static inline void vgic_flush(struct vcpu *v)
{
	if (READ_ONCE(v->vgic.pending) || v->vgic.hcr != VGIC_HCR_IDLE)
		vgic_flush_lrs(v);
}

/* core/vm.c */
void vms_init(void);
void vcpu_kick(struct vcpu *v);
void vm_kick_all(struct vm *vm);   /* every pCPU of the VM but this one */
struct vcpu *vm_vcpu_by_mpidr(struct vm *vm, uint64_t vmpidr);
void boot_vcpu0(struct vm *vm);    /* under vm->lock: vCPU 0 starts at the image's entry */
/*
 * Stop every vCPU of `vm` and put it into `to` (VM_HALTED or VM_OFF). A VM that is resetting
 * stays down once the reset is done instead. Any other state: nothing to do.
 */
void vm_stop(struct vm *vm, enum vm_state to);
void vm_check_all_down(void);
bool vm_ipa_is_ram(const struct vm *vm, uint64_t ipa, uint64_t size);
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

/* The end of every trap: back to the guest, or away from it for good if it was stopped. */
static inline void vcpu_after_trap(struct vcpu *v)
{
	if (READ_ONCE(v->state) != VCPU_ON)
		vcpu_leave(v);
	vgic_flush(v);
}

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

/*
 * core/fault.c: vm_fault applies the VM's on_fault policy; messages complete "vm 'x' vcpu N: ".
 * vm_log is for what a guest cannot repeat at will; anything it can is vm_note, rate limited.
 */
void vm_fault(struct vcpu *v, const char *fmt, ...) __printf(2, 3);
void vm_log(struct vcpu *v, const char *fmt, ...) __printf(2, 3);
void vm_note(struct vcpu *v, enum log_kind kind, const char *fmt, ...) __printf(3, 4);
void vm_log_summary(struct vm *vm, bool final);  /* "N more ... suppressed"; final: VM is down */

/* core/emul.c: a stage-2 data abort; the faulting IPA; a stage-1 walk outside stage 2. */
void emul_data_abort(struct vcpu *v, struct frame *f, uint64_t esr);
uint64_t fault_ipa(void);
void stage1_walk_fault(struct vcpu *v, struct frame *f, const char *access);

/* core/conmux.c: the hypervisor's own device interrupts (console input, its idle timer), true
 * if `intid` was one (the drivers only report numbers; core decides whose they are). */
bool hyp_device_irq(uint32_t intid);

/* core/vuart.c */
bool vuart_access(struct vcpu *v, uint64_t off, bool write, uint64_t *val, unsigned size);
void vuart_vm_reset(struct vm *vm);   /* registers as after reset; pending input is kept */
void vuart_rx_arrived(struct vm *vm); /* input for it: the receive interrupt latches */

/* arch/aarch64/psci.c: HVC #0 / SMC from a guest; sets the return registers. */
void psci_guest_call(struct vcpu *v, struct frame *f, bool smc);

/* arch/aarch64/inject.c: an UNDEFINED instruction exception at the guest's own EL1 vector. */
void inject_undef(struct vcpu *v, struct frame *f);

/* arch/aarch64/vcpu_arch.c */
void __noreturn vcpu_arch_enter(struct vcpu *v, uint64_t entry, uint64_t x0);

#endif
