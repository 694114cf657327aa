/*
 * The board PL011, polled. Firmware (QEMU) leaves it enabled at a usable baud rate, so the
 * hypervisor never programs it: it can print from its first instruction on.
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
