#include "uart.h"

#define UART_BASE 0x09000000ul
#define UART_DR   0x00
#define UART_FR   0x18
#define FR_RXFE   (1u << 4)
#define FR_TXFF   (1u << 5)

uint64_t first_char_ticks;

static inline volatile uint32_t *reg(unsigned off)
{
	return (volatile uint32_t *)(UART_BASE + off);
}

void putc(char c)
{
	if (!first_char_ticks)
		__asm__ volatile("mrs %0, cntpct_el0" : "=r"(first_char_ticks));
	while (*reg(UART_FR) & FR_TXFF)
		;
	*reg(UART_DR) = (uint8_t)c;
}

void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

void put_dec(int64_t v)
{
	char buf[24];
	int n = 0;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do {
		buf[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		putc('-');
	while (n)
		putc(buf[--n]);
}

void put_hex(uint64_t v)
{
	int shift = 60;

	puts("0x");
	while (shift > 0 && !((v >> shift) & 0xf))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

int getc(void)
{
	/* Polling the (v)UART: under Partita input reaches its receive ring by interrupt. */
	while (*reg(UART_FR) & FR_RXFE)
		;
	return (int)(*reg(UART_DR) & 0xff);
}

int getc_nowait(void)
{
	if (*reg(UART_FR) & FR_RXFE)
		return -1;
	return (int)(*reg(UART_DR) & 0xff);
}

void getline(char *buf, unsigned size)
{
	unsigned n = 0;

	for (;;) {
		int c = getc();
		if (c == '\r' || c == '\n') {
			if (n)
				break;
			continue;   /* skip the LF of a CR LF, and empty lines */
		}
		if (n + 1 < size)
			buf[n++] = (char)c;
	}
	buf[n] = 0;
}
