/*
 * The console: a PL011 (or SBSA UART: Partita's vUART) or a Cadence UART (the ZCU102's), where the
 * device tree says (plat.c), else at the build's default (QEMU virt's PL011 at 0x09000000): uart.c;
 * in the riscv64 build an NS16550A or the SBI's console (riscv64/uart_16550.c). And tiny
 * formatting helpers on top of putc() and getc_nowait() (print.c).
 */
#ifndef BM_UART_H
#define BM_UART_H

#include <stdint.h>

extern uint64_t first_char_ticks;   /* counter value just before the first character */
extern uint64_t uart_base;          /* plat.c */
extern uint8_t uart_cadence;        /* 1: a Cadence UART, 0: a PL011 (AArch64) */
extern unsigned uart_intid;         /* its interrupt */

void uart_setup(void);               /* once the UART is known: enable it if it needs that */

void putc(char c);
void puts(const char *s);            /* no newline added */
void put_dec(int64_t v);
void put_hex(uint64_t v);
int getc(void);                      /* waits for a byte */
int getc_nowait(void);               /* a byte, or -1 when none is there */
void getline(char *buf, unsigned size);  /* up to CR or LF, NUL-terminated, no echo */

#endif
