/*
 * rxhold=N: the PL011's receive side with its FIFOs disabled (LCR_H.FEN = 0), where the UART
 * has a 1-byte holding register (PL011 TRM: UARTFR.RXFF/RXFE, UARTRIS.RXRIS). For
 * tests/boot/console-rxhold.yaml: N bytes are typed before this runs; it checks, printing what
 * it sees:
 *
 *   rxhold: fen=0: rxff=1 rxfe=0        a byte waits: the holding register is full
 *   rxhold: icr: rxris=0                ICR clears the receive interrupt though it is still full
 *   rxhold: read X: rxris=1 rxff=1      reading it moves the next byte in: received again
 *   rxhold: fen=1: rxff=0 rxfe=0        with the FIFOs on, a few bytes do not fill them
 *   rxhold: read Y: rxris=0             and a read that leaves bytes raises nothing new
 *   rxhold: fen=0: rest REST, then rxff=0 rxfe=1 rxris=0   the others, one at a time, in order
 *
 * rxfull: with the FIFOs on, wait (30 s at most) until FR.RXFF says the receive FIFO is full
 * (under Partita: the VM's receive ring; input for it then waits in the UART), then say
 * "rxfull: full". For tests/boot/console-focus.yaml, which needs input held up at a known point.
 *
 * Only main.c's command table refers to this file (one line there), so it is a header of
 * static functions: the guest's Makefile needs no change.
 */
#ifndef BM_RXHOLD_H
#define BM_RXHOLD_H

#include <stdint.h>
#include "guest.h"
#include "uart.h"

#define RXH_DR      0x00
#define RXH_FR      0x18
#define RXH_LCR_H   0x2c
#define RXH_RIS     0x3c
#define RXH_ICR     0x44
#define RXH_RXFE    (1u << 4)
#define RXH_RXFF    (1u << 6)
#define RXH_RXRIS   (1u << 4)
#define RXH_RTRIS   (1u << 6)
#define RXH_WLEN8   (3u << 5)
#define RXH_FEN     (1u << 4)

static inline volatile uint32_t *rxh_reg(unsigned off)
{
	return (volatile uint32_t *)(uart_base + off);
}

static inline unsigned rxh_bit(unsigned off, uint32_t bit)
{
	return (*rxh_reg(off) & bit) ? 1 : 0;
}

static inline int rxfull_command(void)
{
	uint64_t end = vcount() + 30000 * ticks_per_ms;

	*rxh_reg(RXH_LCR_H) = RXH_WLEN8 | RXH_FEN;
	while (!rxh_bit(RXH_FR, RXH_RXFF) && vcount() < end)
		relax();
	puts(rxh_bit(RXH_FR, RXH_RXFF) ? "rxfull: full\n" : "rxfull: not full after 30 s\n");
	return 1;
}

static inline int rxhold_command(const char *w, const char **a)
{
	char rest[64];
	unsigned n = 0;

	if (word_is(w, "rxfull", a))
		return rxfull_command();
	if (!word_is(w, "rxhold=", a))
		return 0;
	uint64_t want = number(*a, a);
	if (uart_cadence) {
		puts("rxhold: not a PL011\n");
		return 1;
	}
	*rxh_reg(RXH_LCR_H) = RXH_WLEN8;   /* 8 bits, FIFOs off */
	/* The typed bytes: the first, then time for the others to reach the hypervisor's ring. */
	uint64_t end = vcount() + 5000 * ticks_per_ms;
	while (rxh_bit(RXH_FR, RXH_RXFE) && vcount() < end)
		relax();
	delay_ms(200);

	line("rxhold: fen=0: rxff=", rxh_bit(RXH_FR, RXH_RXFF), 0, "");
	line(" rxfe=", rxh_bit(RXH_FR, RXH_RXFE), 0, "\n");
	*rxh_reg(RXH_ICR) = RXH_RXRIS | RXH_RTRIS;
	line("rxhold: icr: rxris=", rxh_bit(RXH_RIS, RXH_RXRIS), 0, "\n");
	puts("rxhold: read ");
	putc((char)(*rxh_reg(RXH_DR) & 0xff));
	line(": rxris=", rxh_bit(RXH_RIS, RXH_RXRIS), 0, "");
	line(" rxff=", rxh_bit(RXH_FR, RXH_RXFF), 0, "\n");

	*rxh_reg(RXH_LCR_H) = RXH_WLEN8 | RXH_FEN;
	line("rxhold: fen=1: rxff=", rxh_bit(RXH_FR, RXH_RXFF), 0, "");
	line(" rxfe=", rxh_bit(RXH_FR, RXH_RXFE), 0, "\n");
	*rxh_reg(RXH_ICR) = RXH_RXRIS | RXH_RTRIS;
	puts("rxhold: read ");
	putc((char)(*rxh_reg(RXH_DR) & 0xff));
	line(": rxris=", rxh_bit(RXH_RIS, RXH_RXRIS), 0, "\n");

	*rxh_reg(RXH_LCR_H) = RXH_WLEN8;
	while (!rxh_bit(RXH_FR, RXH_RXFE) && n + 1 < sizeof(rest) && n + 2 < want)
		rest[n++] = (char)(*rxh_reg(RXH_DR) & 0xff);
	rest[n] = 0;
	puts("rxhold: fen=0: rest ");
	puts(rest);
	line(", then rxff=", rxh_bit(RXH_FR, RXH_RXFF), 0, "");
	line(" rxfe=", rxh_bit(RXH_FR, RXH_RXFE), 0, "");
	line(" rxris=", rxh_bit(RXH_RIS, RXH_RXRIS), 0, "\n");
	return 1;
}

#endif
