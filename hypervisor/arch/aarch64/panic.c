/*
 * The end of the road for hypervisor bugs and impossible configurations: say what happened,
 * dump the registers with the exception syndrome decoded, and switch the machine off (rather than
 * hang: an unattended test run then ends by itself, and nothing keeps running on a hypervisor
 * that lost track of its own state).
 */
#include <arch/cpu.h>
#include <arch/frame.h>
#include <arch/sysreg.h>
#include <hyp/console.h>

static const char *ec_name(unsigned ec)
{
	switch (ec) {
	case EC_UNKNOWN:   return "unknown reason";
	case EC_WFX:       return "WFI/WFE";
	case 0x07:         return "FP/SIMD access";
	case 0x0e:         return "illegal execution state";
	case 0x15:         return "SVC";
	case EC_HVC64:     return "HVC";
	case EC_SMC64:     return "SMC";
	case EC_SYSREG:    return "MSR/MRS/system instruction";
	case EC_IABT_LOW:  return "instruction abort from a lower EL";
	case EC_IABT_CUR:  return "instruction abort at EL2";
	case EC_PC_ALIGN:  return "PC alignment fault";
	case EC_DABT_LOW:  return "data abort from a lower EL";
	case EC_DABT_CUR:  return "data abort at EL2";
	case EC_SP_ALIGN:  return "SP alignment fault";
	case EC_SERROR:    return "SError";
	case 0x3c:         return "BRK";
	default:           return "other";
	}
}

static const char *fsc_name(unsigned fsc)
{
	switch (fsc & 0x3c) {
	case 0x00: return "address size fault";
	case 0x04: return "translation fault";
	case 0x08: return "access flag fault";
	case 0x0c: return "permission fault";
	case 0x10: return "external abort";
	case 0x20: return "alignment fault";
	default:   return "other fault";
	}
}

static void __noreturn stop(void)
{
	printk_unlocked("partita: system halted\n");
	psci_fw_system_off();
}

static unsigned cpu_nr(void)
{
	struct pcpu *c = cpu_here();
	/* TPIDR_EL2 is not set yet very early on the boot CPU. */
	return (c >= pcpus && c < pcpus + PT_MAX_CPUS) ? c->index : 0;
}

void panic(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	__asm__ volatile("msr daifset, #0xf");
	va_start(ap, fmt);
	vsnprintk(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk_unlocked("partita: PANIC on cpu %u: %s\n", cpu_nr(), buf);
	stop();
}

void panic_frame(const char *why, struct frame *f)
{
	uint64_t esr = f->esr, iss = ESR_ISS(esr);
	unsigned ec = ESR_EC(esr);

	printk_unlocked("partita: PANIC on cpu %u: %s\n", cpu_nr(), why);
	printk_unlocked("  ESR 0x%08lx: EC 0x%02x %s, ISS 0x%07lx", esr, ec, ec_name(ec), iss);
	if (ec == EC_DABT_LOW || ec == EC_DABT_CUR || ec == EC_IABT_LOW || ec == EC_IABT_CUR)
		printk_unlocked(" (%s level %u%s)", fsc_name(ISS_FSC(iss)), (unsigned)(iss & 3),
		    ec == EC_DABT_LOW || ec == EC_DABT_CUR ? (iss & ISS_WNR ? ", write" : ", read") : "");
	printk_unlocked("\n  ELR 0x%016lx  SPSR 0x%08lx  FAR 0x%016lx  HPFAR 0x%lx\n", f->elr, f->spsr,
	    sysreg_read(far_el2), sysreg_read(hpfar_el2));
	for (unsigned i = 0; i < 31; i += 2) {
		if (i == 30)
			printk_unlocked("  x30 0x%016lx  SP  0x%016lx\n", f->x[30],
			    (uint64_t)(uintptr_t)f + FRAME_SIZE);
		else
			printk_unlocked("  x%02u 0x%016lx  x%02u 0x%016lx\n", i, f->x[i], i + 1, f->x[i + 1]);
	}
	stop();
}

/* Exceptions taken from EL2 itself. */
void hyp_bad_exception(struct frame *f)
{
	panic_frame("exception taken at EL2", f);
}
