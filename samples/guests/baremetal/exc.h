/* Synchronous exceptions the guest takes on purpose (vectors.S, exc.c). */
#ifndef BM_EXC_H
#define BM_EXC_H

#include <stdint.h>

#define EC_UNKNOWN    0x00   /* UNDEFINED instruction, as the hypervisor injects it */
#define EC_SVC32      0x11
#define EC_BKPT_CUR   0x31   /* breakpoint, from the current EL */
#define EC_STEP_CUR   0x33
#define EC_WATCH_CUR  0x35
#define ESR_EC(esr)   (((esr) >> 26) & 0x3f)

struct exc_frame {
	uint64_t x[31];
	uint64_t elr, spsr, esr, far;
};

/*
 * Set by a command that expects synchronous exceptions at EL1: returns 1 if it handled this one
 * (after adjusting f->elr as needed), 0 to treat it as unexpected. One hook for all vCPUs.
 */
extern int (*volatile sync_hook)(struct exc_frame *f);

/* Run code at EL0 until its first synchronous exception; see vectors.S. Returns ESR_EL1. */
uint64_t el0_call(uint64_t pc, uint64_t spsr, uint64_t x0, uint64_t regs[17]);

/* Point VBAR_EL1 at our vectors (idempotent). */
void exc_install(void);

#endif
