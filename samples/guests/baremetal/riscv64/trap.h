/* The riscv64 guest's traps and timer (start.S's trap_entry, irq.c). */
#ifndef BM_RISCV64_TRAP_H
#define BM_RISCV64_TRAP_H

#include <stdint.h>

#define SCAUSE_IRQ          (1ul << 63)
#define EXC_ILLEGAL         2
#define EXC_VIRTUAL_INSN    22   /* from VS-mode, for HS-mode: a guest never sees it */

struct trap_frame {
	uint64_t x[32];          /* x[0] unused; x[2] is sp as it was */
	uint64_t sepc, sstatus, scause, stval;
};

/*
 * Set by a command that expects synchronous exceptions: returns 1 if it handled this one (after
 * moving f->sepc on as needed), 0 to treat it as unexpected (printed, then power off).
 */
extern int (*volatile trap_hook)(struct trap_frame *f);

void timer_set(uint64_t when);                 /* this hart's timer; ~0: off */
void sleep_until(uint64_t when);               /* in WFI, woken by the timer (delay_ms) */
void ipi_send(unsigned cpu, unsigned msg);     /* IPI_* bits, then an SBI IPI */
void uart_rx_irq(int on);                      /* uart_16550.c: the receive interrupt */
int rv_attack_command(const char *w, const char **arg);   /* attack.c */
int rv_reset_command(const char *w, const char **arg);    /* atk_reset.c */
int rv_sbi_command(const char *w, const char **arg);      /* atk_sbi.c */
int rv_plic_command(const char *w, const char **arg);     /* atk_plic.c */
int rv_regs_command(const char *w, const char **arg);     /* regs.c */
int rv_mmu_command(const char *w, const char **arg);      /* atk_mmu.c */
extern volatile uint64_t ipi_count[];                     /* IPIs taken, per CPU (irq.c) */
int rv_cost_command(const char *w, const char **arg);     /* cost.c */

#define IPI_WAKE   1u
#define IPI_PING   2u
#define IPI_PONG   4u

#endif
