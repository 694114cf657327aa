/*
 * The 8250/16550 console driver (hypervisor/drivers/ns16550_uart.c) against a model of the UART
 * on the host, for each register layout it must honour (reg-shift 0 / 8-bit like QEMU's
 * ns16550a, 2 / 32-bit like the DesignWare and TI UARTs, and 1 / 16-bit): the registers it
 * programs on first use (divisor only with a clock, FIFOs, IER, MCR), output waiting for
 * LSR.THRE and giving up on a transmitter that never drains, input, the receive interrupt, the
 * DesignWare busy-detect quirk (LCR/DLL/DLM writes ignored while busy, until USR is read), the
 * AM654 empty-FIFO timeout, and UARTs that read 0xff (missing) or 0 (dead) everywhere.
 *
 * The model (16550A behaviour, from the datasheet rather than from the driver's constants) checks
 * every access: at base + (n << shift), exactly width bytes wide, a value of at most 8 bits,
 * nothing beyond the 8 standard registers unless it is a DesignWare UART (USR at 0x1f); a call
 * that makes more than ACCESS_LIMIT accesses is a hang: "not ok" and exit.
 *
 * The driver is compiled into this file (#include), with NS16550_MODEL sending its two MMIO
 * accessors to the model, its uart_* renamed and its pt_config this file's `cfg`: test_unit
 * links the i.MX driver too, whose uart_* and pt_config would clash. Linked into test_unit
 * (tests/unit/test.sh).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../hypervisor/include/partita/config.h"
#include "check.h"
#include "test_ns16550_uart.h"

static struct pt_config cfg;   /* what the driver reads as pt_config */

#define pt_config   cfg
#define uart_putc   ns16550_putc
#define uart_getc   ns16550_getc
#define uart_rx_irq ns16550_rx_irq
#define NS16550_MODEL 1
#include "../../hypervisor/drivers/ns16550_uart.c"
#undef pt_config
#undef uart_putc
#undef uart_getc
#undef uart_rx_irq

static int failures;

#define BASE         ((uintptr_t)0x10000000)
#define ACCESS_LIMIT (4ul * NS16550_TX_POLLS)

static struct model {
	unsigned shift, width;
	bool dw;                /* DesignWare: USR at 0x1f; LCR/DLL/DLM writes ignored while busy */
	int busy;               /* DesignWare: USR reads until idle (the first read counts); < 0: never */
	bool busy_on_dlab;      /* becomes busy for good once DLAB is set */
	bool busy_irq;          /* busy detect pending: IIR reads 0x7 until USR is read */
	bool rx_timeout;        /* a character timeout pending (with the FIFO empty: TI K3's quirk) */
	bool garbage;           /* every read returns garbage_val, writes go nowhere */
	uint32_t garbage_val;
	unsigned thre_delay;    /* after a THR write, LSR reads that show the transmitter busy */
	unsigned thre_wait;
	uint8_t lcr, ier, mcr, dll, dlm, fcr, scr;
	uint8_t rx[16], rx_lsr[16];   /* the receive FIFO, and the error bits of each byte */
	unsigned rx_n;
	char tx[16];
	unsigned tx_n;
	unsigned long accesses; /* since the last call through the wrappers below */
	unsigned lsr_reads, rbr_reads, usr_reads, lcr_writes, lcr_rejected, dl_writes, thr_early;
	unsigned bad;           /* wrong address, width or value */
	unsigned beyond;        /* a register beyond the 8 of a 16550 (USR on a plain one) */
} m;

static const char *tag;         /* "ns16550 uart [shift S, width W]" */
static unsigned lay_shift, lay_width;

/* The register an access is to, or -1. */
static int decode(uintptr_t addr, unsigned width)
{
	if (++m.accesses > ACCESS_LIMIT) {
		printf("not ok - %s: a call did not return (%lu register accesses)\n", tag, m.accesses);
		exit(1);
	}
	if (addr < BASE || width != m.width || ((addr - BASE) & ((1u << m.shift) - 1))) {
		m.bad++;
		return -1;
	}
	unsigned reg = (unsigned)((addr - BASE) >> m.shift);
	if (reg > 7 && !(m.dw && reg == 0x1f)) {
		m.beyond++;
		return -1;
	}
	return (int)reg;
}

static uint8_t rx_pop(void)
{
	if (!m.rx_n)
		return 0;
	uint8_t c = m.rx[0];
	memmove(m.rx, m.rx + 1, --m.rx_n);
	memmove(m.rx_lsr, m.rx_lsr + 1, m.rx_n);
	return c;
}

static void rx_push(uint8_t c, uint8_t lsr_err)
{
	m.rx_lsr[m.rx_n] = lsr_err;
	m.rx[m.rx_n++] = c;
}

uint32_t ns16550_model_read(uintptr_t addr, unsigned width)
{
	int reg = decode(addr, width);
	bool dlab = m.lcr & 0x80;
	uint32_t v;

	if (m.garbage)
		return m.garbage_val;
	switch (reg) {
	case 0:
		if (dlab)
			return m.dll;
		m.rbr_reads++;
		m.rx_timeout = false;
		return rx_pop();
	case 1:
		return dlab ? m.dlm : m.ier;
	case 2:
		if (m.dw && m.busy_irq)
			v = 0x07;
		else if (m.rx_timeout)
			v = 0x0c;
		else if ((m.ier & 1) && m.rx_n)
			v = 0x04;
		else
			v = 0x01;
		return v | (m.fcr & 1 ? 0xc0 : 0);
	case 3:
		return m.lcr;
	case 4:
		return m.mcr;
	case 5:
		m.lsr_reads++;
		v = m.rx_n ? 0x01 | m.rx_lsr[0] : 0;
		if (m.thre_wait)
			m.thre_wait--;
		else
			v |= 0x60;   /* THRE, TEMT */
		return v;
	case 6:
		return 0xb0;         /* MSR: DCD, DSR, CTS */
	case 7:
		return m.scr;
	case 0x1f:
		m.usr_reads++;
		m.busy_irq = false;
		if (m.busy > 0)
			m.busy--;
		return m.busy != 0;
	}
	return 0;
}

void ns16550_model_write(uintptr_t addr, unsigned width, uint32_t v)
{
	int reg = decode(addr, width);
	bool dlab = m.lcr & 0x80, busy = m.dw && m.busy != 0;

	if (v > 0xff)
		m.bad++;
	if (reg < 0 || m.garbage)
		return;
	switch (reg) {
	case 0:
	case 1:
		if (dlab) {
			if (!busy) {
				*(reg ? &m.dlm : &m.dll) = (uint8_t)v;
				m.dl_writes++;
			}
		} else if (reg) {
			m.ier = (uint8_t)v;
		} else {
			if (m.thre_wait)
				m.thr_early++;
			if (m.tx_n < sizeof m.tx)
				m.tx[m.tx_n++] = (char)v;
			m.thre_wait = m.thre_delay;
		}
		break;
	case 2:
		m.fcr = (uint8_t)v;
		if (v & 2)
			m.rx_n = 0;
		break;
	case 3:
		m.lcr_writes++;
		if (busy) {
			m.lcr_rejected++;
			m.busy_irq = true;
		} else {
			m.lcr = (uint8_t)v;
			if ((v & 0x80) && m.busy_on_dlab)
				m.busy = -1;
		}
		break;
	case 4:
		m.mcr = (uint8_t)v;
		break;
	case 7:
		m.scr = (uint8_t)v;
		break;
	}
}

/* A fresh UART as a boot loader leaves it (8N1 at 9600 baud from 1.8432 MHz) and a fresh driver. */
static void start(uint32_t clock_hz, uint32_t baud)
{
	memset(&m, 0, sizeof m);
	m.shift = lay_shift;
	m.width = lay_width;
	m.lcr = 0x03;
	m.dll = 12;
	m.mcr = 0x03;
	memset(&cfg, 0, sizeof cfg);
	cfg.console_pa = BASE;
	cfg.console_uart = PT_UART_NS16550;
	cfg.console_reg_shift = lay_shift;
	cfg.console_reg_io_width = lay_width;
	cfg.console_clock_hz = clock_hz;
	cfg.console_baud = baud;
	state = ST_UNINIT;   /* the driver's statics */
	lcr_run = 0;
	tx_stuck = false;
	rx_on = false;
}

/* The driver's calls; m.accesses is then what the call cost. */
static void putc_(char c)  { m.accesses = 0; ns16550_putc(c); }
static int getc_(void)     { m.accesses = 0; return ns16550_getc(); }
static void rx_irq_(bool on) { m.accesses = 0; ns16550_rx_irq(on); }

static bool sent(const char *s)
{
	return m.tx_n == strlen(s) && !memcmp(m.tx, s, m.tx_n);
}

static void test_init(void)
{
	start(3686400, 115200);
	m.ier = 0x8f;   /* the boot loader's interrupts on, DesignWare PTIME too */
	m.mcr = 0x10;   /* loopback */
	putc_('A');
	CHECK(m.dll == 2 && m.dlm == 0 && m.dl_writes == 2,
	      "%s: first use with a 3.6864 MHz clock at 115200 baud writes divisor 2 to DLL/DLM (%u/%u)",
	      tag, m.dll, m.dlm);
	CHECK(m.lcr == 0x03, "%s: LCR ends 8N1, DLAB clear (0x%x)", tag, m.lcr);
	CHECK(m.fcr == 0x01, "%s: FCR: FIFOs on, receive trigger 1 byte, no FIFO reset (0x%x)", tag, m.fcr);
	CHECK(m.ier == 0, "%s: IER 0 until uart_rx_irq (0x%x)", tag, m.ier);
	CHECK(m.mcr == 0x0b, "%s: MCR: DTR, RTS, OUT2, loopback off (0x%x)", tag, m.mcr);
	CHECK(sent("A"), "%s: the byte goes to THR, nothing else does", tag);
	CHECK(!m.bad && !m.beyond && !m.usr_reads,
	      "%s: every access at base + (n << shift), width bytes, 8-bit values; no USR on a 16550",
	      tag);

	static const struct { uint32_t clock, baud, div; const char *what; } d[] = {
		{ 24000000, 300, 5000, "24 MHz at 300: DLM too" },
		{ 48000000, 115200, 26, "48 MHz (TI K3) at 115200: 26.04" },
		{ 11000000, 115200, 6, "11 MHz at 115200: 5.97 rounds up" },
		{ 50000000, 115200, 27, "50 MHz at 115200: 27.13 rounds down" },
		{ 1000000, 115200, 1, "1 MHz at 115200: 0.54, at least 1" },
		{ 1843200, 0, 1, "baud 0 is 115200" },
		{ 4000000000u, 1, 0xffff, "4 GHz at 1 baud: at most 0xffff" },
	};
	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
		start(d[i].clock, d[i].baud);
		putc_('x');
		unsigned div = m.dll | (unsigned)m.dlm << 8;
		CHECK(div == d[i].div && m.lcr == 0x03 && sent("x"), "%s: divisor, %s (%u)", tag,
		      d[i].what, div);
	}

	start(1843200, 115200);
	m.dll = 1;
	putc_('x');
	CHECK(m.dl_writes == 0 && m.dll == 1 && m.lcr == 0x03 && sent("x"),
	      "%s: the divisor already there is not written again", tag);

	start(0, 115200);
	m.lcr = 0x1b;   /* 8E1 */
	m.dll = 0x34;
	m.dlm = 0x12;
	putc_('x');
	CHECK(m.dll == 0x34 && m.dlm == 0x12 && !m.dl_writes && !m.lcr_writes && m.lcr == 0x1b,
	      "%s: clock 0: the boot loader's divisor and line settings are left alone", tag);
	CHECK(m.fcr == 0x01 && m.ier == 0 && sent("x"), "%s: clock 0: FIFOs on all the same", tag);

	start(0, 115200);
	m.lcr = 0xdb;   /* DLAB and break left set */
	putc_('x');
	CHECK(m.lcr == 0x1b && m.dll == 12 && !m.dl_writes && sent("x"),
	      "%s: clock 0: a DLAB (and break) left set is cleared, so the byte reaches THR, not DLL",
	      tag);
}

static void test_io(void)
{
	start(0, 115200);
	putc_('x');
	m.thre_delay = 5;
	putc_('y');
	unsigned before = m.lsr_reads;
	putc_('z');
	CHECK(sent("xyz") && !m.thr_early && m.lsr_reads - before == 6,
	      "%s: uart_putc polls LSR until THRE (5 busy reads, then ready) before writing THR (%u reads)",
	      tag, m.lsr_reads - before);

	start(0, 115200);
	CHECK(getc_() == -1 && !m.rbr_reads, "%s: uart_getc: -1 while LSR.DR is clear, RBR not read", tag);
	rx_push('q', 0);
	CHECK(getc_() == 'q' && m.rx_n == 0, "%s: uart_getc: with LSR.DR, the byte of RBR", tag);
	rx_push(0xfe, 0);
	CHECK(getc_() == 0xfe, "%s: a byte comes back as 0..255", tag);
	rx_push('a', 0);
	rx_push('b', 0);
	int a = getc_(), b = getc_(), c = getc_();
	CHECK(a == 'a' && b == 'b' && c == -1, "%s: bytes in order, then -1", tag);
	rx_push('p', 0x04);   /* parity error */
	rx_push('f', 0x08);   /* framing error */
	rx_push(0, 0x10);     /* break */
	rx_push('o', 0x02);   /* overrun */
	rx_push('n', 0);
	int r[6];
	for (int i = 0; i < 6; i++)
		r[i] = getc_();
	CHECK(r[0] == 'p' && r[1] == 'f' && r[2] == 0 && r[3] == 'o' && r[4] == 'n' && r[5] == -1,
	      "%s: bytes with LSR errors are delivered and popped: input never wedges", tag);

	start(0, 115200);
	m.ier = 0x8f;
	rx_irq_(true);
	CHECK(m.ier == 0x01, "%s: uart_rx_irq(true), also as first use: IER = ERBFI alone (0x%x)", tag, m.ier);
	rx_irq_(false);
	CHECK(m.ier == 0, "%s: uart_rx_irq(false): IER 0", tag);
	rx_irq_(true);
	CHECK(m.ier == 0x01 && m.lcr == 0x03 && m.tx_n == 0, "%s: and on again, nothing else touched", tag);

	start(0, 115200);
	(void)getc_();
	m.rx_timeout = true;
	unsigned rbr = m.rbr_reads;
	CHECK(getc_() == -1 && !m.rx_timeout && m.rbr_reads == rbr + 1,
	      "%s: a receive timeout with the FIFO empty (TI K3 / AM654) is cleared by a dummy RBR read", tag);
	rx_push('t', 0);
	m.rx_timeout = true;
	CHECK(getc_() == 't' && getc_() == -1, "%s: a timeout with a byte: the byte", tag);
	CHECK(!m.bad && !m.beyond, "%s: input and interrupt accesses well-formed", tag);
}

static void test_designware(void)
{
	start(3686400, 115200);
	m.dw = true;
	putc_('A');
	CHECK(m.dll == 2 && !m.usr_reads && !m.lcr_rejected,
	      "%s: DesignWare, idle: divisor programmed, USR never read", tag);

	/* 1: the busy-detect read alone frees it; 40: more reads than WRITE_TRIES, as a character
	 * still being shifted out would take: the driver waits on USR.BUSY between tries. */
	static const int needs[] = { 1, 3, 40 };
	for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++) {
		int need = needs[i];
		start(3686400, 115200);
		m.dw = true;
		m.busy = need;   /* busy until USR has been read `need` times */
		putc_('A');
		CHECK(m.dll == 2 && m.lcr == 0x03 && m.lcr_rejected >= 1 && m.usr_reads >= (unsigned)need &&
		      m.lcr_rejected <= 2 && !m.busy_irq && sent("A") && !m.bad,
		      "%s: DesignWare busy until %d USR read(s): LCR write retried, divisor programmed, "
		      "busy-detect cleared (%u rejected, %u USR reads)", tag, need, m.lcr_rejected, m.usr_reads);
	}

	start(3686400, 115200);
	m.dw = true;
	m.busy = -1;
	putc_('A');
	CHECK(m.lcr_writes <= 2 * WRITE_TRIES && m.dll == 12 && !m.dl_writes && m.lcr == 0x03 && sent("A"),
	      "%s: DesignWare busy for good: gives up after %u LCR writes, keeps the boot loader's "
	      "divisor, still prints", tag, m.lcr_writes);

	start(0, 115200);
	m.dw = true;
	(void)getc_();
	m.busy_irq = true;
	CHECK(getc_() == -1 && !m.busy_irq, "%s: a pending busy-detect (IIR 0x7) is cleared by uart_getc (USR)", tag);

	start(3686400, 115200);
	m.dw = true;
	m.busy_on_dlab = true;   /* DLAB is set, then nothing more is accepted */
	putc_('A');
	CHECK((m.lcr & 0x80) && m.tx_n == 0 && m.dll == 12 && m.dlm == 0,
	      "%s: DesignWare, DLAB stuck: uart_putc writes nothing (THR would be DLL)", tag);
	unsigned rbr = m.rbr_reads;
	CHECK(getc_() == -1 && m.rbr_reads == rbr, "%s: DLAB stuck: uart_getc returns -1", tag);
	CHECK(m.accesses < 16, "%s: DLAB stuck: a later call retries LCR once, cheaply (%lu accesses)", tag,
	      m.accesses);
	rx_irq_(true);
	CHECK(m.dlm == 0 && m.dll == 12, "%s: DLAB stuck: uart_rx_irq does not write IER's value into DLM", tag);
	m.busy = 0;
	m.busy_on_dlab = false;
	putc_('B');
	CHECK(m.lcr == 0x03 && m.ier == 0x01 && sent("B") && m.fcr == 0x01,
	      "%s: DLAB stuck, then idle: the next call clears it, applies the receive interrupt, prints", tag);
}

static void test_dead(void)
{
	start(3686400, 115200);
	m.garbage = true;
	m.garbage_val = lay_width == 4 ? 0xffffffffu : lay_width == 2 ? 0xffff : 0xff;
	putc_('A');
	CHECK(m.accesses < 16, "%s: a UART reading 0xff everywhere (missing): uart_putc returns at once (%lu)",
	      tag, m.accesses);
	int a = getc_(), b = getc_();
	CHECK(a == -1 && b == -1 && m.accesses < 16,
	      "%s: missing UART: uart_getc returns -1, not 0xff, at once", tag);
	rx_irq_(true);
	CHECK(m.accesses < 16, "%s: missing UART: uart_rx_irq returns", tag);

	start(0, 115200);
	m.garbage = true;   /* reads 0: THRE never comes */
	putc_('A');
	CHECK(m.accesses <= NS16550_TX_POLLS + 32,
	      "%s: a UART reading 0 (dead): first use waits at most NS16550_TX_POLLS (%lu accesses)", tag,
	      m.accesses);
	putc_('B');
	CHECK(m.accesses <= 2, "%s: dead UART: later bytes look once and are dropped", tag);
	CHECK(getc_() == -1 && m.accesses < 8, "%s: dead UART: uart_getc returns -1", tag);
	m.garbage = false;
	putc_('C');
	m.thre_delay = 3;
	putc_('D');
	putc_('E');
	CHECK(sent("CDE") && !m.thr_early, "%s: once THRE shows, bytes go out and waiting resumes", tag);

	start(0, 115200);
	putc_('1');
	m.thre_delay = ~0u;   /* the transmitter stops after the next byte */
	putc_('2');
	putc_('3');
	CHECK(sent("12") && m.accesses >= NS16550_TX_POLLS && m.accesses <= NS16550_TX_POLLS + 4,
	      "%s: a transmitter that stalls: uart_putc gives the byte up after NS16550_TX_POLLS LSR reads",
	      tag);
	putc_('4');
	CHECK(sent("12") && m.accesses <= 2, "%s: stalled: the next byte looks once and is dropped", tag);
	m.thre_wait = m.thre_delay = 0;
	putc_('5');
	CHECK(sent("125"), "%s: and the transmitter back: printing resumes", tag);
}

int test_ns16550_uart(void)
{
	static const unsigned layouts[][2] = { { 0, 1 }, { 2, 4 }, { 1, 2 } };
	char name[64];

	for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
		lay_shift = layouts[i][0];
		lay_width = layouts[i][1];
		snprintf(name, sizeof name, "ns16550 uart [shift %u, width %u]", lay_shift, lay_width);
		tag = name;
		test_init();
		test_io();
		test_designware();
		test_dead();
	}
	return failures;
}
