/*
 * A VM's way back to a fresh boot: after a fault (on_fault: restart), its own PSCI SYSTEM_RESET,
 * or the shell's start and restart.
 *
 *   LEAVING  every vCPU is marked off; those in the guest leave at their next trap, those
 *            switched out on a shared pCPU are reaped there (core/sched.c). The last one to go
 *            moves the VM on. Nobody waits for anybody.
 *   SCRUB    all of its RAM is zeroed, then
 *   LOAD     its pristine images are copied in, each a small chunk at a time, by whichever of
 *            the VM's own pCPUs is idle in the VM's time: a dedicated pCPU of the VM in its idle
 *            loop, a shared pCPU only inside the VM's windows, stopping before the window ends
 *            (it knows how long a chunk takes it). No other VM ever pays for the reset, however
 *            large the VM and whichever vCPU triggered it.
 *   WAIT     a restart after a fault backs off (config.h: PT_RESTART_DELAY_NS); then
 *   BOOTING  its interrupt controller and vUART are reset and vCPU 0 is made runnable.
 *
 * A stop while resetting lets the reset finish, then the VM stays down (vm->after_reset).
 */
#include <hyp/arch.h>
#include <hyp/console.h>
#include <hyp/cpu.h>
#include <hyp/sched.h>
#include <hyp/timer.h>
#include <hyp/virq.h>
#include <hyp/vm.h>

/*
 * The pieces: 64 KiB of zeroing (arch_mem_zero: DC ZVA on AArch64) or 16 KiB of copying take a
 * few microseconds each, so a shared pCPU's estimate of the next one is never far off and a
 * window's end is kept to within a fraction of that.
 */
#define SCRUB_CHUNK (64 * 1024)
#define LOAD_CHUNK  (16 * 1024)

/* Under vm->lock: the VM becomes RESETTING, waiting for its vCPUs; how many it waits for. */
static uint32_t begin(struct vm *vm, uint64_t delay)
{
	vm->state = VM_RESETTING;
	vm->phase = RESET_LEAVING;
	vm->after_reset = VM_RUNNING;
	vm->boot_delay = delay;
	vm->stopping = vm_stop_vcpus(vm);
	return vm->stopping;
}

void vm_reset(struct vm *vm, uint64_t delay_ticks)
{
	uint32_t waiting;

	spin_lock(&vm->lock);
	if (vm->state != VM_RUNNING) {
		spin_unlock(&vm->lock);
		return;
	}
	waiting = begin(vm, delay_ticks);
	spin_unlock(&vm->lock);
	virq_vm_quiesce(vm);
	vm_kick_all(vm);
	vm_log_summary(vm, false);
	if (!waiting)   /* every vCPU was off already (or is a caller's that left meanwhile) */
		vm_reset_left(vm);
}

bool vm_start(struct vm *vm)
{
	bool ok;
	uint32_t waiting = 0;

	spin_lock(&vm->lock);
	ok = vm->state == VM_OFF || vm->state == VM_HALTED;
	if (ok) {
		waiting = begin(vm, 0);
		vm->restarts = 0;
	}
	spin_unlock(&vm->lock);
	if (ok && !waiting)
		vm_reset_left(vm);
	return ok;
}

bool vm_restart_now(struct vm *vm)
{
	bool ok;

	spin_lock(&vm->lock);
	ok = vm->state == VM_RESETTING;
	if (ok) {
		vm->after_reset = VM_RUNNING;
		vm->boot_delay = 0;
		vm->restarts = 0;
		if (vm->phase == RESET_WAIT)
			vm->boot_at = timer_now();
	}
	spin_unlock(&vm->lock);
	if (ok)
		vm_kick_all(vm);   /* a pCPU sleeping until boot_at looks again */
	return ok;
}

/* Under vm->lock: start a chunked phase over `total` bytes. */
static void phase_begin(struct vm *vm, enum reset_phase phase, uint64_t total)
{
	vm->phase = phase;
	vm->work_next = 0;
	vm->work_done = 0;
	vm->work_total = total;
}

void vm_reset_left(struct vm *vm)
{
	spin_lock(&vm->lock);
	phase_begin(vm, RESET_SCRUB, image_ram_bytes(vm->cfg));
	spin_unlock(&vm->lock);
	/* Idle pCPUs of the VM wake up and take chunks (this one does when it is back idle). */
	vm_kick_all(vm);
}

/* Boot it; or, if it was stopped while resetting, leave it down. */
static void boot(struct vm *vm)
{
	uint32_t to;

	virq_vm_reset(vm);
	vuart_vm_reset(vm);
	spin_lock(&vm->lock);
	to = vm->after_reset;
	vm->state = to;
	vm->phase = RESET_LEAVING;
	if (to == VM_RUNNING)
		boot_vcpu0(vm);
	spin_unlock(&vm->lock);
	if (to == VM_RUNNING) {
		arch_vcpu_kick(&vm->vcpus[0]);
	} else {
		printk("partita: vm '%s': reset done — it stays %s\n", vm->cfg->name,
		       to == VM_HALTED ? "halted" : "off");
		conmux_vm_stopped(vm);
		vm_check_all_down();
	}
}

/* The images are in: boot it now, or after its back-off. */
static void loaded(struct vm *vm)
{
	bool now;

	image_sync_icache();
	spin_lock(&vm->lock);
	now = vm->after_reset != VM_RUNNING || !vm->boot_delay;
	vm->phase = now ? RESET_BOOTING : RESET_WAIT;
	vm->boot_at = timer_now() + vm->boot_delay;
	spin_unlock(&vm->lock);
	if (now)
		boot(vm);
}

/* The last chunk of a phase is done: on to the next one. */
static void phase_done(struct vm *vm, uint32_t phase)
{
	uint64_t blobs;

	if (phase == RESET_LOAD) {
		loaded(vm);
		return;
	}
	blobs = image_blob_bytes(vm->cfg);
	spin_lock(&vm->lock);
	phase_begin(vm, RESET_LOAD, blobs);
	spin_unlock(&vm->lock);
	if (!blobs)
		loaded(vm);
	else
		vm_kick_all(vm);   /* those that found nothing left to claim went back to sleep */
}

/*
 * An idle pCPU of the VM, in the VM's time (until: the end of its window on a shared pCPU, 0 on
 * a dedicated one, which still comes up for air every millisecond or so to take its interrupts).
 * Chunks are claimed under the VM lock and worked on outside it; two pCPUs never touch the same
 * bytes, and LOAD starts only once every SCRUB chunk is done. True when it stopped for time with
 * work left that this pCPU could take now (its idle loop must not sleep).
 */
bool vm_reset_step(struct vm *vm, uint64_t until)
{
	struct pcpu *c = this_cpu();

	if (!until)
		until = timer_now() + timer_freq() / 1000;
	for (;;) {
		uint64_t off, len, t0, took, chunk, *est;
		uint32_t phase;
		bool last;

		spin_lock(&vm->lock);
		if (vm->state != VM_RESETTING) {
			spin_unlock(&vm->lock);
			return false;
		}
		phase = vm->phase;
		if (phase == RESET_WAIT) {
			bool due = timer_now() >= vm->boot_at;
			uint64_t at = vm->boot_at;

			if (due)
				vm->phase = RESET_BOOTING;
			spin_unlock(&vm->lock);
			if (due)
				boot(vm);
			else
				timer_arm_wake(at);   /* cleared again before any guest runs here */
			return false;
		}
		if ((phase != RESET_SCRUB && phase != RESET_LOAD) || vm->work_next >= vm->work_total) {
			spin_unlock(&vm->lock);
			return false;
		}
		est = &c->chunk_ticks[phase == RESET_LOAD];
		if (timer_now() + *est >= until) {
			spin_unlock(&vm->lock);
			/* An estimate once inflated (the host descheduled us mid-chunk) must not keep
			 * a short window from ever taking a chunk: it decays a little each time it says
			 * no, and the next chunk measured puts it right again. */
			*est -= *est / 16;
			return !sched_window_end();   /* dedicated: on after a look at interrupts */
		}
		chunk = phase == RESET_LOAD ? LOAD_CHUNK : SCRUB_CHUNK;
		off = vm->work_next;
		len = vm->work_total - off < chunk ? vm->work_total - off : chunk;
		vm->work_next = off + len;
		spin_unlock(&vm->lock);

		t0 = timer_now();
		if (phase == RESET_SCRUB)
			image_scrub_range(vm->cfg, off, len);
		else
			image_load_range(vm->cfg, off, len);
		took = timer_now() - t0;
		if (took > *est)
			*est = took;

		spin_lock(&vm->lock);
		vm->work_done += len;
		last = vm->work_done == vm->work_total;
		spin_unlock(&vm->lock);
		if (last)
			phase_done(vm, phase);
	}
}
