/*
 * The riscv64 guest's devices and harts (riscv64/plat.c behind ../plat.h): build-time defaults
 * (QEMU virt's), then the device tree's word. Set once on the boot hart before anything prints.
 */
#ifndef BM_RISCV64_RVPLAT_H
#define BM_RISCV64_RVPLAT_H

#include <stdint.h>
#include "../guest.h"

/* The console (uart_16550.c): an NS16550A, else the SBI's console, else none. */
enum { CON_16550, CON_SBI_DBCN, CON_SBI_LEGACY, CON_NONE };
extern unsigned console_kind;
extern unsigned uart_shift, uart_width;   /* reg-shift, reg-io-width (1 or 4) */

/* The PLIC (plic.c) and this VM's harts. */
extern uint64_t plic_base;
extern unsigned plic_ndev;                 /* sources 1..plic_ndev */
extern int plic_ctx[MAX_CPUS];             /* each CPU's S-mode context, -1: none */
extern uint32_t cpu_hart[MAX_CPUS];        /* CPU number -> hart id */
extern unsigned boot_cpu;                  /* the CPU that entered at _start */
extern uint8_t timer_sstc;                 /* stimecmp (Sstc) rather than SBI set_timer */
extern uint64_t timebase_hz;
extern uint64_t rtc_base;                  /* goldfish RTC (rtc-alarm), 0: none */
extern unsigned rtc_source;                /* its PLIC source */

/* The CPU number of a hart id, -1 if it is none of ours. */
int cpu_of_hart(uint64_t hart);

#endif
