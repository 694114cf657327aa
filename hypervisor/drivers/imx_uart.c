/*
 * The NXP i.MX UART (fsl,imx6q-uart and the i.MX 8M's, which share its register layout; the
 * "i.MX21-style" UART of the i.MX reference manuals), polled for output.
 *
 * Firmware (U-Boot on the board) sets the baud rate and leaves the UART's clocks on; the
 * hypervisor cannot turn a gated clock on (that is the SoC's clock controller's job), so a UART
 * the boot loader did not use prints nothing. On its first use the driver only makes sure the
 * UART, its transmitter and its receiver are enabled, so it can print from its first instruction
 * on. The receive interrupt is "receive data ready" (UCR4.DREN): a level that stays up while the
 * receive FIFO holds a byte, however few, and falls when it has been read empty, as the PL011's
 * receive + receive-timeout pair does; the FIFO-threshold interrupt (UCR1.RRDYEN) is kept off so
 * that no firmware's threshold decides when a byte is seen.
 *
 * Untested on hardware: no QEMU machine in this project models an i.MX 8M (docs/boards.md).
 */
#include <partita/config.h>
#include <hyp/uart.h>

/* Registers, 32 bits wide, the upper 16 bits unused. */
#define IMX_URXD     0x00   /* receive: data and its status, pops the FIFO */
#define IMX_UTXD     0x40   /* transmit */
#define IMX_UCR1     0x80
#define IMX_UCR2     0x84
#define IMX_UCR4     0x8c
#define IMX_USR2     0x98
#define IMX_UTS      0xb4   /* test register: FIFO states */

#define URXD_CHARRDY (1u << 15) /* the data bits hold a received byte */
#define UCR1_UARTEN  (1u << 0)
#define UCR1_RRDYEN  (1u << 9)  /* receive FIFO at its threshold: interrupt */
#define UCR2_SRST    (1u << 0)  /* software reset, active low: 1 = running */
#define UCR2_RXEN    (1u << 1)
#define UCR2_TXEN    (1u << 2)
#define UCR4_DREN    (1u << 0)  /* receive data ready: interrupt */
#define USR2_RDR     (1u << 0)  /* at least one byte in the receive FIFO */
#define UTS_TXFULL   (1u << 4)

static bool enabled;

static inline volatile uint32_t *reg(unsigned off)
{
	return (volatile uint32_t *)(uintptr_t)(pt_config.console_pa + off);
}

static void enable(void)
{
	/* Never write SRST as 0 (that resets the UART, baud rate and all): keep what is there and
	 * add the enables. */
	*reg(IMX_UCR2) = *reg(IMX_UCR2) | UCR2_SRST | UCR2_RXEN | UCR2_TXEN;
	*reg(IMX_UCR1) = *reg(IMX_UCR1) | UCR1_UARTEN;
	enabled = true;
}

void uart_putc(char c)
{
	if (!enabled)
		enable();
	while (*reg(IMX_UTS) & UTS_TXFULL)
		;
	*reg(IMX_UTXD) = (uint8_t)c;
}

int uart_getc(void)
{
	if (!enabled)
		enable();
	if (!(*reg(IMX_USR2) & USR2_RDR))
		return -1;
	uint32_t rx = *reg(IMX_URXD);
	/* Error flags (parity, framing, break, overrun) ride along with the byte: the byte is
	 * delivered as the PL011 driver delivers it. */
	if (!(rx & URXD_CHARRDY))
		return -1;
	return (int)(rx & 0xff);
}

void uart_rx_irq(bool on)
{
	if (!enabled)
		enable();
	*reg(IMX_UCR1) = *reg(IMX_UCR1) & ~UCR1_RRDYEN;
	if (on)
		*reg(IMX_UCR4) = *reg(IMX_UCR4) | UCR4_DREN;
	else
		*reg(IMX_UCR4) = *reg(IMX_UCR4) & ~UCR4_DREN;
}
