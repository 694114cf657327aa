/*
 * The board PL011, polled for output. Firmware (QEMU) leaves it enabled at a usable baud rate, so
 * the hypervisor never programs it: it can print from its first instruction on. Its receive
 * interrupt is turned on only when some guest's vUART can interrupt (core/vuart.c).
 */
#include <partita/config.h>
#include <hyp/pl011.h>
#include <hyp/uart.h>

static inline uint32_t rd(uint64_t base, unsigned off)
{
	return *(volatile uint32_t *)(uintptr_t)(base + off);
}

void uart_putc(char c)
{
	uint64_t base = pt_config.console_pa;

	while (rd(base, PL011_FR) & FR_TXFF)
		;
	*(volatile uint32_t *)(uintptr_t)(base + PL011_DR) = (uint8_t)c;
}

int uart_getc(void)
{
	uint64_t base = pt_config.console_pa;

	if (rd(base, PL011_FR) & FR_RXFE)
		return -1;
	return (int)(rd(base, PL011_DR) & 0xff);
}

void uart_rx_irq(bool on)
{
	uint64_t base = pt_config.console_pa;

	/* Receive and receive-timeout: any byte, however few, raises the line until read. */
	*(volatile uint32_t *)(uintptr_t)(base + PL011_IMSC) = on ? (1u << 4) | (1u << 6) : 0;
}
