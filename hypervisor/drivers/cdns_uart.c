/*
 * The Cadence UART (cdns,uart-r1p12; Xilinx Zynq and ZynqMP's "xuartps"), polled for output.
 *
 * Firmware (FSBL/U-Boot on a board, QEMU's reset state) sets the baud rate; the hypervisor only
 * makes sure the transmitter and receiver are enabled, on its first use of the UART, so it can
 * print from its first instruction on. The receive interrupt is the FIFO trigger at one byte
 * plus the receive timeout; the interrupt status bits are sticky (write 1 to clear), so they are
 * cleared each time the FIFO is found empty.
 */
#include <partita/config.h>
#include <hyp/uart.h>

#define CDNS_CR      0x00
#define CDNS_IER     0x08
#define CDNS_IDR     0x0c
#define CDNS_ISR     0x14
#define CDNS_RXTOUT  0x1c
#define CDNS_RXWM    0x20
#define CDNS_SR      0x2c
#define CDNS_FIFO    0x30

#define CR_RXEN      (1u << 2)
#define CR_RXDIS     (1u << 3)
#define CR_TXEN      (1u << 4)
#define CR_TXDIS     (1u << 5)
#define SR_RXEMPTY   (1u << 1)
#define SR_TXFULL    (1u << 4)
#define INT_RXTRIG   (1u << 0)
#define INT_TOUT     (1u << 8)

static bool enabled;

static inline volatile uint32_t *reg(unsigned off)
{
	return (volatile uint32_t *)(uintptr_t)(pt_config.console_pa + off);
}

static void enable(void)
{
	uint32_t cr = *reg(CDNS_CR);

	/* Clear the disable bits and set the enables; the software resets (bits 0, 1) stay 0. */
	*reg(CDNS_CR) = (cr & ~(CR_RXDIS | CR_TXDIS | 3u)) | CR_RXEN | CR_TXEN;
	enabled = true;
}

void uart_putc(char c)
{
	if (!enabled)
		enable();
	while (*reg(CDNS_SR) & SR_TXFULL)
		;
	*reg(CDNS_FIFO) = (uint8_t)c;
}

int uart_getc(void)
{
	if (!enabled)
		enable();
	if (*reg(CDNS_SR) & SR_RXEMPTY) {
		/* Drained: clear the sticky status, then look again for a byte that raced it. */
		*reg(CDNS_ISR) = INT_RXTRIG | INT_TOUT;
		if (*reg(CDNS_SR) & SR_RXEMPTY)
			return -1;
	}
	return (int)(*reg(CDNS_FIFO) & 0xff);
}

void uart_rx_irq(bool on)
{
	if (!enabled)
		enable();
	if (on) {
		*reg(CDNS_RXWM) = 1;      /* trigger at one byte */
		*reg(CDNS_RXTOUT) = 8;    /* and on a pause, for bytes below a larger trigger */
		*reg(CDNS_ISR) = INT_RXTRIG | INT_TOUT;
		*reg(CDNS_IER) = INT_RXTRIG | INT_TOUT;
	} else {
		*reg(CDNS_IDR) = INT_RXTRIG | INT_TOUT;
	}
}
