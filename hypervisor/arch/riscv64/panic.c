/*
 * The end of the road for hypervisor bugs and impossible configurations: say what happened,
 * dump the registers with the trap decoded, and switch the machine off (an unattended run then
 * ends by itself). hyp_trap is where every trap taken in HS-mode lands: the one kind expected
 * (a guest-memory read that faulted, guest_mem.c) resumes at its fixup; anything else is a bug.
 */
#include <arch/cpu.h>
#include <arch/csr.h>
#include <arch/frame.h>
#include <arch/sbi.h>
#include <hyp/console.h>

static unsigned cpu_nr(void)
{
	struct pcpu *c = cpu_here();
	/* tp is not set yet very early on the boot hart. */
	return (c >= pcpus && c < pcpus + PT_MAX_CPUS) ? c->index : 0;
}

static void __noreturn stop(void)
{
	printk_unlocked("partita: system halted\n");
	sbi_fw_shutdown();
}

void panic(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintk(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk_unlocked("partita: PANIC on cpu %u: %s\n", cpu_nr(), buf);
	stop();
}

static const char *cause_name(uint64_t cause)
{
	static const char *const exc[24] = {
		"instruction address misaligned", "instruction access fault", "illegal instruction",
		"breakpoint", "load address misaligned", "load access fault",
		"store address misaligned", "store access fault", "ecall from U", "ecall from HS",
		"ecall from VS", "ecall from M", "instruction page fault", "load page fault", 0,
		"store page fault", 0, 0, 0, 0, "instruction guest-page fault",
		"load guest-page fault", "virtual instruction", "store guest-page fault",
	};

	if (cause & SCAUSE_IRQ)
		return "interrupt";
	return cause < 24 && exc[cause] ? exc[cause] : "other";
}

void panic_frame(const char *why, struct frame *f)
{
	printk_unlocked("partita: PANIC on cpu %u: %s\n", cpu_nr(), why);
	printk_unlocked("  scause 0x%lx (%s)  stval 0x%lx  htval 0x%lx  htinst 0x%lx\n", f->scause,
	    cause_name(f->scause), f->stval, f->htval, f->htinst);
	printk_unlocked("  sepc 0x%016lx  sstatus 0x%lx  hstatus 0x%lx\n", f->sepc, f->sstatus, f->hstatus);
	for (unsigned i = 0; i < 32; i += 2)
		printk_unlocked("  x%02u 0x%016lx  x%02u 0x%016lx\n", i, i ? f->x[i] : 0, i + 1, f->x[i + 1]);
	stop();
}

/* A trap taken in HS-mode (trap.S). */
void hyp_trap(struct frame *f)
{
	struct pcpu *c = cpu_here();

	if (c >= pcpus && c < pcpus + PT_MAX_CPUS && pcpu_arch(c)->fixup &&
	    !(f->scause & SCAUSE_IRQ)) {
		pcpu_arch(c)->fixup_cause = f->scause;
		f->sepc = pcpu_arch(c)->fixup;
		pcpu_arch(c)->fixup = 0;
		return;
	}
	panic_frame("trap taken in HS-mode", f);
}
