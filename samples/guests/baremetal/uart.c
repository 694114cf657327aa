/*
 * The AArch64 consoles: a PL011 (or SBSA UART: Partita's vUART) or a Cadence UART (uart.h);
 * print.c formats on top of putc(). The riscv64 build has riscv64/uart_16550.c instead.
 */
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

int getc_nowait(void)
{
	if (rx_empty())
		return -1;
	return rx_byte();
}
