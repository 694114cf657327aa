/*
 * Interrupt-driven commands of the bare-metal guest (irq.c), and its interrupt plumbing. The
 * riscv64 build's riscv64/irq.c has the same interface (not cost(), rtos() or irq_ack_hook):
 * its "intid"s are PLIC sources.
 */
#ifndef BM_IRQ_H
#define BM_IRQ_H

#include <stdint.h>
#include "guest.h"

#define INTID_VTIMER 27
#define SGI_WAKE     4      /* wakes a secondary vCPU's idle loop (run_on); no other effect */

/* Handles one command word; 1 if it was one of ours. *arg as for word_is(). */
int irq_command(const char *w, const char **arg, uint64_t period_ms, uint64_t ticks_per_ms);
void irq_secondary(unsigned cpu);   /* a secondary vCPU joins: vectors, GIC, SGIs on */
void irq_setup(void);               /* vCPU 0: vectors, distributor, its GIC interface, IRQs on */

/*
 * n virtual timer interrupts, one every period_ms, waited for in WFI; prints "tick K" for each
 * when verbose. Returns how many came (n, unless they stopped coming within twice the time).
 */
uint64_t irq_ticks(uint64_t n, uint64_t period_ms, uint64_t tpm, int verbose);
uint64_t irq_strays(void);          /* interrupts no command was waiting for */

void cost(uint64_t n);              /* cost.c: the cost=N command */
uint64_t irq_doorbell_count(void);   /* doorbells taken so far */
void irq_doorbell(unsigned intid);   /* count interrupts of INTID as doorbells, enabled */
void rtos(uint64_t n, uint64_t tpm); /* rtos.c: the rtos=N command */

/* Called with each interrupt just acknowledged (running priority raised), before its EOI. */
extern void (*volatile irq_ack_hook)(unsigned intid);

#endif
