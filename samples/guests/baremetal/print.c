/* Printing and line input on top of the console driver's putc() and getc_nowait() (uart.h). */
#include "guest.h"
#include "uart.h"

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
	int c;

	/* Polling the (v)UART: under Partita input reaches its receive ring by interrupt. */
	while ((c = getc_nowait()) < 0)
		nap();   /* QEMU 7.2 under -icount: a spin without one starves the other CPUs */
	return c;
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
