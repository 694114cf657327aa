#include "guest.h"
#include "uart.h"

#define UART_DR   0x00
#define UART_FR   0x18
#define FR_RXFE   (1u << 4)
#define FR_TXFF   (1u << 5)
#define CDNS_CR   0x00        /* Cadence UART (uart_cadence) */
#define CDNS_SR   0x2c
#define CDNS_FIFO 0x30
#define SR_TXFULL (1u << 4)
#define SR_RXEMPTY (1u << 1)

uint64_t first_char_ticks;

static inline volatile uint32_t *reg(unsigned off)
{
	return (volatile uint32_t *)(uart_base + off);
}

void uart_setup(void)
{
	if (uart_cadence)
		*reg(CDNS_CR) = 0x14;   /* TXEN, RXEN (TXDIS, RXDIS off) */
}

static int rx_empty(void)
{
	return uart_cadence ? *reg(CDNS_SR) & SR_RXEMPTY : *reg(UART_FR) & FR_RXFE;
}

static int rx_byte(void)
{
	return (int)(*reg(uart_cadence ? CDNS_FIFO : UART_DR) & 0xff);
}

void putc(char c)
{
	if (!first_char_ticks)
		__asm__ volatile("mrs %0, cntpct_el0" : "=r"(first_char_ticks));
	if (uart_cadence) {
		while (*reg(CDNS_SR) & SR_TXFULL)
			;
		*reg(CDNS_FIFO) = (uint8_t)c;
		return;
	}
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
	while (rx_empty())
		relax();   /* QEMU 7.2 under -icount: a spin without YIELD starves the other CPUs */
	return rx_byte();
}

int getc_nowait(void)
{
	if (rx_empty())
		return -1;
	return rx_byte();
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
