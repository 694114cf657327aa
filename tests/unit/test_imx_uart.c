/*
 * The i.MX UART console driver (hypervisor/drivers/imx_uart.c) against a register file in host
 * memory: the offsets and bits it uses are the i.MX reference manual's (the layout Linux's
 * drivers/tty/serial/imx.c uses), it leaves UCR2.SRST at 1 (0 would reset the UART and lose the
 * baud rate the boot loader set), it keeps the other control bits, and its receive
 * interrupt is UCR4.DREN alone. No QEMU machine here models the i.MX UART, so this is all that
 * runs of it before a board does. Linked into test_unit (tests/unit/test.sh).
 */
#include <stdint.h>
#include <string.h>

#include "../../hypervisor/include/partita/config.h"
#include "../../hypervisor/include/hyp/uart.h"
#include "check.h"
#include "test_imx_uart.h"

static int failures;

/* The UART's 4 KiB of registers, 32 bits each. */
static volatile uint32_t regs[0x1000 / 4];

const struct pt_config pt_config = { .console_pa = (uint64_t)(uintptr_t)regs };

#define R(off) regs[(off) / 4]
enum { URXD = 0x00, UTXD = 0x40, UCR1 = 0x80, UCR2 = 0x84, UCR4 = 0x8c, USR2 = 0x98, UTS = 0xb4 };

int test_imx_uart(void)
{
	/* As U-Boot leaves it: running (SRST 1), 8 bits (WS), RTS ignored (IRTS), transmitter on but
	 * receiver off; the FIFO-threshold interrupt on, the data-ready one off. */
	R(UCR1) = 1u << 9;             /* RRDYEN, UARTEN off */
	R(UCR2) = (1u << 14) | (1u << 5) | (1u << 2) | 1u;
	R(UCR4) = 0;
	R(UTS) = 0;                    /* transmit FIFO not full */

	uart_putc('P');
	CHECK(R(UTXD) == 'P', "imx uart: a byte goes to UTXD (0x40)");
	CHECK(R(UCR2) == ((1u << 14) | (1u << 5) | (1u << 2) | (1u << 1) | 1u),
	      "imx uart: first use enables RX and TX in UCR2, keeping SRST at 1 and the other bits (0x%x)",
	      (unsigned)R(UCR2));
	CHECK((R(UCR1) & 1u) && (R(UCR1) & (1u << 9)), "imx uart: and sets UCR1.UARTEN, nothing else (0x%x)",
	      (unsigned)R(UCR1));

	R(UCR2) = (1u << 14) | (1u << 5);  /* someone cleared the enables: not re-checked on every byte */
	uart_putc('\n');
	CHECK(R(UTXD) == '\n' && R(UCR2) == ((1u << 14) | (1u << 5)),
	      "imx uart: later bytes do not touch UCR2");
	R(UCR2) = (1u << 14) | (1u << 5) | (1u << 2) | (1u << 1) | 1u;

	R(USR2) = 0;
	R(URXD) = (1u << 15) | 'x';
	CHECK(uart_getc() == -1, "imx uart: no byte while USR2.RDR is 0 (URXD is not read)");
	R(USR2) = 1u;
	CHECK(uart_getc() == 'x', "imx uart: with USR2.RDR, the byte of URXD (CHARRDY set)");
	R(URXD) = (1u << 15) | (1u << 14) | (1u << 12) | 0xfe;  /* a framing error rides along */
	CHECK(uart_getc() == 0xfe, "imx uart: a byte with error flags is still delivered, as 0..255");
	R(URXD) = 'y';
	CHECK(uart_getc() == -1, "imx uart: URXD without CHARRDY is no byte");

	uart_rx_irq(true);
	CHECK((R(UCR4) & 1u) && !(R(UCR1) & (1u << 9)) && (R(UCR1) & 1u),
	      "imx uart: receive interrupt on = UCR4.DREN, UCR1.RRDYEN off, the UART still enabled");
	R(UCR4) |= 1u << 3;            /* TCEN: another enable, kept */
	uart_rx_irq(false);
	CHECK(!(R(UCR4) & 1u) && (R(UCR4) & (1u << 3)) && !(R(UCR1) & (1u << 9)),
	      "imx uart: receive interrupt off clears DREN only");
	CHECK((R(UCR2) & 1u), "imx uart: UCR2.SRST is still 1 (running) after all of it");
	return failures;
}
