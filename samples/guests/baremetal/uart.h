/* Console output on the PL011 at 0x09000000 (Partita's vUART), and tiny formatting helpers. */
#ifndef BM_UART_H
#define BM_UART_H

#include <stdint.h>

extern uint64_t first_char_ticks;   /* counter value just before the first character */

void putc(char c);
void puts(const char *s);            /* no newline added */
void put_dec(int64_t v);
void put_hex(uint64_t v);
int getc(void);                      /* waits for a byte */
int getc_nowait(void);               /* a byte, or -1 when none is there */
void getline(char *buf, unsigned size);  /* up to CR or LF, NUL-terminated, no echo */

#endif
