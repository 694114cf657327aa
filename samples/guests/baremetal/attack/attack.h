/*
 * The attack commands (attack.c dispatches them): what a hostile guest tries against the
 * hypervisor and, through it, against another VM. Each prints what it saw; tests/attack/ checks.
 */
#ifndef BM_ATTACK_H
#define BM_ATTACK_H

#include <stdint.h>

/* One command word; 1 if it was an attack. *arg as for word_is(). */
int attack_command(const char *w, const char **arg, uint64_t period_ms, uint64_t tpm);

/* The emulated windows every VM has, where its device tree says (plat.c). */
#include "gic.h"
#include "uart.h"
#define GICD_WINDOW   gicd_base
#define GICD_SIZE     gicd_size     /* 64 KiB (GICv3), or as the device tree says */
#define GICR_WINDOW   gicr_base     /* GICv3 only */
#define GICR_FRAME    0x20000ul     /* per vCPU */
#define VUART_WINDOW  uart_base
#define VUART_SIZE    0x1000ul

/* The GICR attacks on a GICv2 (no redistributors): say so and what they would check. */
int atk_no_gicr(const char *who, const char *what);

/* Each takes the text after its '=' (or the word's end) and prints its findings. */
void atk_gicr_prio(const char *arg);
void atk_gicr_prio_2vcpu(const char *arg);
void atk_sgi_garbage(const char *arg);
void atk_sgi_storm(const char *arg);
void atk_sweep(const char *arg);
void atk_cm_window(const char *arg);
void atk_excl_window(const char *arg);
void atk_pmu(const char *arg);
void atk_debug(const char *arg);
void atk_actlr(const char *arg);
void atk_impdef(const char *arg);
void atk_setway(const char *arg);
void atk_tlbi_flood(const char *arg);
void atk_wfx_storm(const char *arg);
void atk_restart_regs(const char *arg);
void atk_restart_irq(const char *arg);
void atk_restart_vgic(const char *arg);
void atk_hvc_garbage(const char *arg);
void atk_psci_race(const char *arg);
void atk_log_flood(const char *arg);
void atk_forge(const char *arg);
void atk_t32_il(const char *arg);
void atk_vbar_garbage(const char *arg);
void atk_s1ptw(const char *arg);

/* Loads and stores of exactly one size, as one instruction each (atk_sweep.c). */
uint64_t mmio_read(uint64_t addr, unsigned size);
void mmio_write(uint64_t addr, unsigned size, uint64_t val);

#endif
