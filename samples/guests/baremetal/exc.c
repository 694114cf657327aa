/*
 * Synchronous exceptions at EL1: the attack commands provoke some on purpose (an IMPLEMENTATION
 * DEFINED register the hypervisor makes UNDEFINED, a debug event that must not happen) and
 * install a hook to take them; anything else is unexpected. An unexpected exception is printed
 * and the VM powered off, so that a test fails at once instead of waiting for its timeout.
 */
#include "exc.h"
#include "guest.h"
#include "uart.h"

extern char el1_vectors[];
int (*volatile sync_hook)(struct exc_frame *f);

void exc_install(void)
{
	SYSREG_WRITE(vbar_el1, el1_vectors);
	ISB();
}

void unexpected_exception(void)
{
	line("unexpected exception, ESR ", SYSREG_READ(esr_el1), 1, "");
	line(" ELR ", SYSREG_READ(elr_el1), 1, "");
	line(" FAR ", SYSREG_READ(far_el1), 1, "\n");
	power_off();
}

void sync_dispatch(struct exc_frame *f)
{
	int (*hook)(struct exc_frame *) = sync_hook;

	if (hook && hook(f))
		return;
	unexpected_exception();
}
