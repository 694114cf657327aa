/*
 * Configuration sanity checks at boot. The generator has validated the system already; these
 * catch a hypervisor built against a mismatched config.c and anything that would make the
 * static tables overflow, before we act on it.
 */
#include <hyp/arch.h>
#include <hyp/cpu.h>
#include <hyp/sched.h>
#include <hyp/timer.h>
#include <hyp/vm.h>

extern char __hyp_start[], __hyp_end[];   /* linker.ld.S */

void cfg_check(void)
{
	const struct pt_config *c = &pt_config;
	uint64_t start = (uint64_t)(uintptr_t)__hyp_start, end = (uint64_t)(uintptr_t)__hyp_end;
	uint32_t used = 0, shared = 0, nvcpus = 0;

	if (c->version != PT_CONFIG_VERSION)
		panic("config.c is for configuration version %u, this hypervisor reads version %u",
		      c->version, PT_CONFIG_VERSION);
	/* system.mk (link address, ASSERTed size) and config.c must describe the same memory. */
	if (start != c->hyp_pa || end - start > c->hyp_size)
		panic("hypervisor occupies [0x%lx, 0x%lx) but the configuration gives it "
		      "[0x%lx, 0x%lx)", start, end, c->hyp_pa, c->hyp_pa + c->hyp_size);
	if (c->ncpus == 0 || c->ncpus > PT_MAX_CPUS)
		panic("board has %u CPUs, the hypervisor supports 1..%u", c->ncpus, PT_MAX_CPUS);
	if (c->nvms == 0 || c->nvms > PT_MAX_CPUS)
		panic("%u VMs configured; need 1..%u (one pCPU each at least)", c->nvms, PT_MAX_CPUS);
	arch_cfg_check();   /* the interrupt controller this build drives, what stage 2 can map */

	if (c->nschedules > PT_MAX_CPUS)
		panic("%u schedules; at most one per CPU", c->nschedules);
	for (unsigned s = 0; s < c->nschedules; s++) {
		const struct pt_schedule *sc = &c->schedules[s];
		uint64_t sum = 0;

		if (sc->cpu >= c->ncpus || (shared & (1u << sc->cpu)))
			panic("schedule %u is for cpu %u: not a CPU of the board, or scheduled twice", s,
			      sc->cpu);
		if (sc->nwindows == 0 || sc->nwindows > SCHED_MAX_WINDOWS)
			panic("schedule of cpu %u has %u windows (1..%u)", sc->cpu, sc->nwindows,
			      SCHED_MAX_WINDOWS);
		for (unsigned w = 0; w < sc->nwindows; w++) {
			const struct pt_window *win = &sc->windows[w];
			if (win->vm >= c->nvms || win->vcpu >= c->vms[win->vm].ncpus ||
			    c->vms[win->vm].cpus[win->vcpu] != sc->cpu || win->length_ns == 0 ||
			    win->length_ns > SCHED_MAX_NS)
				panic("schedule of cpu %u: window %u is not a vCPU of cpu %u or has a bad "
				      "length", sc->cpu, w, sc->cpu);
			sum += win->length_ns;
		}
		if (sum > sc->period_ns || sc->period_ns > SCHED_MAX_NS)
			panic("schedule of cpu %u: windows of %lu ns in a period of %lu ns", sc->cpu, sum,
			      sc->period_ns);
		shared |= 1u << sc->cpu;
	}
	if (c->nschedules && c->counter_hz != timer_freq())
		panic("the schedule assumes a %lu Hz counter, the CPU's counts at %lu Hz",
		      c->counter_hz, timer_freq());
	for (unsigned i = 0; i < c->nvms; i++) {
		const struct pt_vm *vm = &c->vms[i];
		unsigned pl011 = 0, ns16550 = 0;

		if (vm->ncpus == 0)
			panic("vm '%s' has no CPU", vm->name);
		if (vm->on_fault == PT_FAULT_RESTART &&
		    (vm->restart_max == 0 || vm->restart_max > PT_RESTART_MAX_LIMIT ||
		     vm->restart_within_ns == 0 || vm->restart_within_ns > PT_RESTART_WITHIN_MAX_NS))
			panic("vm '%s': restart budget of %u in %lu ns (1..%u in at most %lu ns)", vm->name,
			      vm->restart_max, vm->restart_within_ns, PT_RESTART_MAX_LIMIT,
			      (uint64_t)PT_RESTART_WITHIN_MAX_NS);
		if (vm->id == 0 || vm->id > 0xff)
			panic("vm '%s' has VMID %u; must be 1..255", vm->name, vm->id);
		for (unsigned v = 0; v < vm->ncpus; v++) {
			unsigned p = vm->cpus[v];
			if (p >= c->ncpus)
				panic("vm '%s' vcpu %u is on cpu %u, the board has %u", vm->name, v, p,
				      c->ncpus);
			if ((used & (1u << p)) && !(shared & (1u << p)))
				panic("cpu %u is given to more than one vCPU (vm '%s')", p, vm->name);
			used |= 1u << p;
			if (++nvcpus > PT_MAX_VCPUS)
				panic("more than %u vCPUs", PT_MAX_VCPUS);
		}
		for (unsigned r = 0; r < vm->nregions; r++) {
			const struct pt_region *g = &vm->regions[r];
			if (!IS_ALIGNED(g->ipa | g->pa | g->size, PAGE_SIZE) || g->size == 0 ||
			    g->ipa + g->size < g->ipa)
				panic("vm '%s' region at IPA 0x%lx is not page aligned or too large",
				      vm->name, g->ipa);
		}
		/* One vUART model per VM (struct vuart's kind): a PL011 or a 16550, never both. */
		for (unsigned e = 0; e < vm->nemuls; e++) {
			pl011 += vm->emuls[e].kind == PT_EMUL_VUART;
			ns16550 += vm->emuls[e].kind == PT_EMUL_VUART_NS16550;
		}
		if (pl011 && ns16550)
			panic("vm '%s' has both a PL011 and a 16550 vUART window", vm->name);
		if (vm->console && pl011 + ns16550 != 1)
			panic("vm '%s' has a console but %u vUART windows", vm->name, pl011 + ns16550);
	}
}
