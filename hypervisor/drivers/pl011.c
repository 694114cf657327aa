/*
 * The board PL011, polled for output. Firmware (QEMU) leaves it enabled at a usable baud rate, so
 * the hypervisor never programs it: it can print from its first instruction on. Its receive
 * interrupt is turned on only when some guest's vUART can interrupt (core/vuart.c).
 */
#include <hyp/pl011.h>

static inline uint32_t rd(uint64_t base, unsigned off)
{
	return *(volatile uint32_t *)(uintptr_t)(base + off);
}

void pl011_putc(uint64_t base, char c)
{
	while (rd(base, PL011_FR) & FR_TXFF)
		;
	*(volatile uint32_t *)(uintptr_t)(base + PL011_DR) = (uint8_t)c;
}

int pl011_getc(uint64_t base)
{
	if (rd(base, PL011_FR) & FR_RXFE)
		return -1;
	return (int)(rd(base, PL011_DR) & 0xff);
}

void pl011_rx_irq(uint64_t base, bool on)
{
	/* Receive and receive-timeout: any byte, however few, raises the line until read. */
	*(volatile uint32_t *)(uintptr_t)(base + PL011_IMSC) = on ? (1u << 4) | (1u << 6) : 0;
}
