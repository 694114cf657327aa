/*
 * The hypervisor console: the board PL011, shared by the hypervisor's own messages (which start
 * with "partita: ") and the VMs' multiplexed vUART output (which starts with "[vm] ").
 * Every call prints whole lines atomically with respect to other pCPUs.
 */
#ifndef HYP_CONSOLE_H
#define HYP_CONSOLE_H

#include <hyp/types.h>

void printk(const char *fmt, ...) __printf(1, 2);
int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap);
int snprintk(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Write raw bytes to the console under the console lock (used by the vUART multiplexer). */
void console_write(const char *s, size_t n);
/* Unlocked output for the panic path, where the lock holder may be the one that crashed. */
void console_write_unlocked(const char *s, size_t n);
/* A received byte, or -1. */
int console_getc(void);

#endif
