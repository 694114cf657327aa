/*
 * The hypervisor console's UART (pt_config.console_pa), polled for output. One driver is built
 * in, chosen from the board (hypervisor/Makefile: PARTITA_UART): drivers/pl011_uart.c,
 * drivers/cdns_uart.c or drivers/imx_uart.c (untested on hardware). Firmware leaves the UART at a
 * usable baud rate; the hypervisor never programs it beyond enabling its transmitter and receiver, so it prints from its first
 * instruction on.
 */
#ifndef HYP_UART_H
#define HYP_UART_H

#include <hyp/types.h>

void uart_putc(char c);        /* waits while the transmit FIFO is full */
int uart_getc(void);           /* a received byte, or -1 when there is none */
void uart_rx_irq(bool on);     /* the receive interrupt (pt_config.console_intid) */

#endif
