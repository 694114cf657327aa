/*
 * The riscv64 guest's console (../uart.h): an NS16550A (QEMU virt's, a VM's vUART: THR/RBR at
 * register 0, LSR at 5, registers reg-shift apart, accessed reg-io-width wide), or, when the
 * device tree names no UART the guest knows, the SBI's console: DBCN (SBI 2.0), else the legacy
 * console_putchar/getchar calls (riscv64/plat.c chooses).
 */
#include "../uart.h"
#include "rvplat.h"

#define RBR       0          /* read */
#define THR       0          /* write */
#define LSR       5
#define LSR_DR    (1u << 0)  /* data ready */
#define LSR_THRE  (1u << 5)  /* transmit holding register empty */

uint64_t first_char_ticks;

static uint32_t rd(unsigned reg)
{
	uint64_t a = uart_base + ((uint64_t)reg << uart_shift);

	return uart_width == 4 ? *(volatile uint32_t *)a : *(volatile uint8_t *)a;
}

static void wr(unsigned reg, uint32_t v)
{
	uint64_t a = uart_base + ((uint64_t)reg << uart_shift);

	if (uart_width == 4)
		*(volatile uint32_t *)a = v;
	else
		*(volatile uint8_t *)a = (uint8_t)v;
}

void uart_setup(void)
{
	/* The firmware (or the hypervisor's vUART) has set the line up: nothing to do. */
}

void putc(char c)
{
	if (!first_char_ticks)
		first_char_ticks = CSR_READ(time);
	switch (console_kind) {
	case CON_16550:
		while (!(rd(LSR) & LSR_THRE))
			;
		wr(THR, (uint8_t)c);
		break;
	case CON_SBI_DBCN:
		sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, (uint8_t)c, 0, 0);
		break;
	case CON_SBI_LEGACY:
		sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (uint8_t)c, 0, 0);
		break;
	}
}

int getc_nowait(void)
{
	static volatile uint8_t byte;   /* DBCN reads into memory: a physical address, MMU off */
	struct sbiret r;

	switch (console_kind) {
	case CON_16550:
		return rd(LSR) & LSR_DR ? (int)(rd(RBR) & 0xff) : -1;
	case CON_SBI_DBCN:
		r = sbi_call(SBI_EXT_DBCN, 1, 1, (uint64_t)&byte, 0);
		return !r.error && r.value == 1 ? byte : -1;
	case CON_SBI_LEGACY:
		r = sbi_call(SBI_EXT_LEGACY_GETCHAR, 0, 0, 0, 0);
		return r.error >= 0 && r.error < 256 ? (int)r.error : -1;   /* legacy: in a0 */
	}
	return -1;
}

/* For riscv64/irq.c's rxirq=: the receive interrupt (IER.ERBFI) on or off. */
void uart_rx_irq(int on)
{
	if (console_kind == CON_16550)
		wr(1, on ? 1 : 0);
}
