/* Interrupt-driven commands of the bare-metal guest (irq.c). */
#ifndef BM_IRQ_H
#define BM_IRQ_H

#include <stdint.h>

/* Handles one command word; 1 if it was one of ours. *arg as for word_is(). */
int irq_command(const char *w, const char **arg, uint64_t period_ms, uint64_t ticks_per_ms);
void irq_secondary(unsigned cpu);   /* a secondary vCPU joins: vectors, GIC, SGIs on */

/* main.c */
int word_is(const char *w, const char *key, const char **arg);
uint64_t number(const char *s, const char **end);
void line(const char *a, uint64_t n, int hex, const char *b);
int64_t hvc_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);

/*
 * Busy-wait body. A hint on hardware; under QEMU's single-threaded TCG (which -icount implies)
 * it hands the host thread to the next CPU, where a plain spin would hold it for a whole time
 * slice (100 ms of virtual time) and starve the CPU it is waiting for.
 */
static inline void relax(void) { __asm__ volatile("yield" ::: "memory"); }

#endif
