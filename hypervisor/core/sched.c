/*
 * Time partitioning: a pCPU shared by several vCPUs runs them in the fixed cyclic schedule of
 * pt_config.schedules (docs/scheduling.md). The major frame repeats for ever; window w of a frame
 * starting at counter value S covers [S + end[w-1], S + end[w]) and belongs to one vCPU; what the
 * windows leave of the period is idle. Window boundaries are absolute counter values, so a late
 * switch never shifts the schedule: windows are neither shortened nor lengthened by a guest
 * (only entered late by the few hundred instructions a switch takes).
 *
 * The hypervisor timer (core/timer.c) fires at each boundary. A shared pCPU takes its
 * interrupts the arch's way for shared pCPUs (arch_cpu_shared; on AArch64 hyp_vectors_shared,
 * whose IRQ entry saves the whole frame): when the window ends, the arch reports it
 * (sched_preempt), the running vCPU's state goes into its context (arch_vcpu_save) and the pCPU
 * returns to its idle loop, which resumes (or first enters) the next window's vCPU, or sleeps
 * through an idle stretch or a window whose vCPU is off.
 *
 * Interrupts for a vCPU that is switched out wait: a passed-through SPI is made pending in its
 * set (its physical line stays active, so it cannot interrupt the running window again); SGIs
 * and doorbells are posted to its set by their senders; its virtual timer's state is restored
 * with it and fires at once if it fell due meanwhile.
 *
 * Nothing here runs on a dedicated pCPU.
 */
#include <hyp/arch.h>
#include <hyp/console.h>
#include <hyp/cpu.h>
#include <hyp/sched.h>
#include <hyp/timer.h>
#include <hyp/vm.h>

struct sched_cpu {
	const struct pt_schedule *cfg;
	struct vcpu *vcpu[SCHED_MAX_WINDOWS];
	uint64_t end[SCHED_MAX_WINDOWS + 1];   /* counter ticks from the frame start; [n] = period */
	uint64_t frame_start;
	uint64_t deadline;                      /* absolute end of the current window */
	uint64_t switches;
	/* Window start -> the window's vCPU back in the guest, [0] switching from a running vCPU
	 * (save and restore), [1] resuming from the idle loop (restore only). */
	uint64_t resumes[2], lat_min[2], lat_max[2], lat_sum[2];
	bool from_guest;                        /* the current window began with a switch-out */
	unsigned win;                           /* current window; nwindows: the idle rest */
};

/* Filled by sched_init() for the shared pCPUs only: not zeroed at boot (.noinit). */
static struct sched_cpu sched_cpus[PT_MAX_CPUS] __section(".noinit.sched");

static uint64_t ns_to_ticks(uint64_t ns)
{
	return timer_ns_to_ticks(ns, pt_config.counter_hz);   /* ns <= SCHED_MAX_NS */
}

void sched_init(void)
{
	for (unsigned s = 0; s < pt_config.nschedules; s++) {
		const struct pt_schedule *cfg = &pt_config.schedules[s];
		struct sched_cpu *sc = &sched_cpus[cfg->cpu];
		uint64_t t = 0;

		sc->cfg = cfg;
		for (unsigned w = 0; w < cfg->nwindows; w++) {
			struct vcpu *v = &vms[cfg->windows[w].vm].vcpus[cfg->windows[w].vcpu];

			sc->vcpu[w] = v;
			t += ns_to_ticks(cfg->windows[w].length_ns);
			sc->end[w] = t;
			if (!v->ctx) {
				arch_vcpu_ctx_init(v);
				v->saved = 0;
			}
		}
		sc->end[cfg->nwindows] = ns_to_ticks(cfg->period_ns);
		sc->switches = 0;
		for (unsigned k = 0; k < 2; k++) {
			sc->resumes[k] = sc->lat_sum[k] = sc->lat_max[k] = 0;
			sc->lat_min[k] = ~0ull;
		}
		sc->from_guest = false;
		pcpus[cfg->cpu].sched = sc;
		pcpus[cfg->cpu].vcpu = sc->vcpu[0];
	}
}

/* Window `win` of the frame begun at frame_start is current: its vCPU, its deadline. */
static void enter_window(struct pcpu *c, struct sched_cpu *sc)
{
	sc->deadline = sc->frame_start + sc->end[sc->win];
	timer_arm_sched(c, sc->deadline);
}

void sched_cpu_start(void)
{
	struct pcpu *c = this_cpu();
	struct sched_cpu *sc = c->sched;

	if (!sc)
		return;
	arch_cpu_shared();
	sc->frame_start = timer_now();
	sc->win = 0;
	c->vcpu = sc->vcpu[0];
	enter_window(c, sc);
}

/*
 * Move to the window the counter is in now (normally the next one; several if the pCPU was
 * held up for longer than a window, which only skips them: the schedule never shifts).
 */
bool sched_timer(struct pcpu *c)
{
	struct sched_cpu *sc = c->sched;
	unsigned n = sc->cfg->nwindows;
	uint64_t now = timer_now();

	if (now < sc->deadline)
		return false;   /* the console's deadline, not ours */
	while (now >= sc->deadline) {
		if (++sc->win > n || (sc->win == n && sc->end[n] == sc->end[n - 1])) {
			sc->win = 0;
			sc->frame_start += sc->end[n];
		}
		sc->deadline = sc->frame_start + sc->end[sc->win];
	}
	timer_arm_sched(c, sc->deadline);
	sc->switches++;
	return true;
}

static struct vcpu *window_vcpu(const struct sched_cpu *sc)
{
	return sc->win < sc->cfg->nwindows ? sc->vcpu[sc->win] : NULL;
}

void sched_idle_timer(struct pcpu *c)
{
	if (c->sched && sched_timer(c)) {
		c->vcpu = window_vcpu(c->sched);
		c->sched->from_guest = false;
	}
}

/*
 * The running vCPU `v` reached the end of its window (f: its frame, complete). Switch it out
 * unless the new window is its own again; a vCPU asked to stop meanwhile leaves instead.
 */
void sched_preempt(struct pcpu *c, struct vcpu *v, struct frame *f)
{
	struct vm *vm = v->vm;
	struct vcpu *next = window_vcpu(c->sched);

	if (next == v)
		return;
	spin_lock(&vm->lock);
	if (v->state != VCPU_ON) {
		spin_unlock(&vm->lock);
		c->vcpu = next;
		vcpu_leave(v);
	}
	v->running = 0;
	v->held = 1;   /* from here its state is this pCPU's to resume, or to reap */
	spin_unlock(&vm->lock);
	arch_vcpu_save(v, f);
	v->saved = 1;
	c->vcpu = next;
	c->sched->from_guest = true;
	arch_stack_reset(vcpu_idle);
}

bool sched_resume_ok(struct vcpu *v)
{
	return v->saved && v->state == VCPU_ON && !v->running;
}

void sched_resume(struct pcpu *c, struct vcpu *v)
{
	struct sched_cpu *sc = c->sched;
	uint64_t start, lat;
	unsigned k;

	if (!sc)
		panic("resume of vm '%s' vcpu %u on a pCPU without a schedule", v->vm->cfg->name,
		      v->index);
	arch_vcpu_restore(v);   /* and what was posted to it while it was out */
	v->saved = 0;
	/* How late the window's vCPU is back in the guest: the switch's cost, for make bench. */
	start = sc->frame_start + (sc->win ? sc->end[sc->win - 1] : 0);
	lat = timer_now() - start;
	k = sc->from_guest ? 0 : 1;
	sc->from_guest = false;
	sc->resumes[k]++;
	sc->lat_sum[k] += lat;
	sc->lat_min[k] = lat < sc->lat_min[k] ? lat : sc->lat_min[k];
	sc->lat_max[k] = lat > sc->lat_max[k] ? lat : sc->lat_max[k];
	arch_vcpu_resume(v);
}

void sched_report(void)
{
	for (unsigned c = 0; c < PT_MAX_CPUS && c < pt_config.ncpus; c++) {
		const struct sched_cpu *sc = pcpus[c].sched;

		if (!sc)
			continue;
		printk("partita: cpu %u: %lu window starts\n", c, sc->switches);
		for (unsigned k = 0; k < 2; k++)
			if (sc->resumes[k])
				printk("partita: cpu %u: %lu %s, back in the guest %lu..%lu ticks after "
				       "the window start (mean %lu)\n", c, sc->resumes[k],
				       k ? "resumes from idle" : "switches", sc->lat_min[k],
				       sc->lat_max[k], sc->lat_sum[k] / sc->resumes[k]);
	}
}

void sched_discard(struct vcpu *v)
{
	if (v->saved) {
		arch_vcpu_discard(v);
		v->saved = 0;
	}
}

uint64_t sched_switches(unsigned cpu)
{
	return cpu < PT_MAX_CPUS && pcpus[cpu].sched ? pcpus[cpu].sched->switches : 0;
}

/*
 * The idle loop of a shared pCPU: a vCPU switched out here whose VM stopped or restarted
 * meanwhile will never resume. End what its saved state holds (list registers with physical
 * interrupts, passed-through SPIs waiting active in its set) and tell its VM it is gone, so
 * that the VM's reset can go on. Each window's vCPU is looked at, whichever window is current.
 */
void sched_reap(struct pcpu *c)
{
	struct sched_cpu *sc = c->sched;

	if (!sc)
		return;
	for (unsigned w = 0; w < sc->cfg->nwindows; w++) {
		struct vcpu *v = sc->vcpu[w];
		bool gone;

		spin_lock(&v->vm->lock);
		gone = v->held && v->state == VCPU_OFF;
		spin_unlock(&v->vm->lock);
		if (!gone)
			continue;
		arch_vcpu_stop(v);   /* its pending interrupts (nothing of it is in the hardware) */
		sched_discard(v);    /* what its saved state holds */
		vm_vcpu_gone(v);
	}
}

uint64_t sched_window_end(void)
{
	struct sched_cpu *sc = this_cpu()->sched;

	return sc ? sc->deadline : 0;
}
