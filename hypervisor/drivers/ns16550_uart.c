/*
 * The 8250/16550 family (ns16550a, ns16550, snps,dw-apb-uart, and the 16550-compatible UARTs of
 * TI's K3 (ti,am654-uart) and NVIDIA's Tegra SoCs), polled for output: QEMU's RISC-V virt board
 * (ns16550a at 0x10000000) and many Arm SoCs. Amlogic's UART is not one of these.
 *
 * Layout. Register n is at console_pa + (n << console_reg_shift), accessed console_reg_io_width
 * bytes wide (the DT's reg-shift and reg-io-width: 0/1 for QEMU's, 2/4 for the DesignWare and TI
 * ones; a width of 2 is taken as 16-bit, anything else but 4 as 8-bit). Only the low 8 bits of a
 * register mean anything.
 *
 * First use (whichever of the three calls comes first, on the boot CPU, from the first
 * instruction on; no allocation, a few static flags): wait (bounded) for the transmitter to
 * drain what the boot loader left in it; with console_clock_hz set, program 8N1 and the divisor
 * clock / (16 * console_baud), rounded, writing DLL/DLM only when they differ from what is
 * there; with console_clock_hz 0 keep the boot loader's divisor and line settings (only DLAB
 * and a break are cleared); then FIFOs on with the receive trigger at 1 byte (no FIFO reset:
 * bytes typed early stay), DTR, RTS and OUT2 up and loopback off, and every interrupt off
 * (IER = 0, which also clears the DesignWare's PTIME so that LSR.THRE means "FIFO empty").
 *
 * The receive interrupt is IER.ERBFI alone: "data available" at the 1-byte trigger, and the
 * character timeout for a UART whose trigger 00 means more (TI's: 8): a level that stays up
 * while a byte waits and falls once RBR has been read empty. The driver owns IER: uart_rx_irq
 * writes all of it.
 *
 * DesignWare busy-detect quirk (snps,dw-apb-uart synthesised without UART_16550_COMPATIBLE):
 * LCR, DLL and DLM writes are ignored while the UART is busy (shifting a character, or holding
 * received ones), and the attempt raises a "busy detect" interrupt (IIR = 0x7) that only a read
 * of USR (register 0x1f) clears. Every write to those three is read back; on a mismatch the
 * driver reads USR, drops the receive FIFO (it keeps the UART busy; what is in it was typed
 * before the hypervisor ran), waits (bounded) for USR.BUSY to fall and tries again, WRITE_TRIES
 * times at most, as Linux's dw8250_check_lcr does (also ignoring stick parity on the compare).
 * A divisor that cannot be written is left as the boot loader set it. A DLAB that cannot be
 * cleared would turn THR/IER into DLL/DLM: then nothing is written there, and each later call
 * first tries one more LCR write (a few accesses, no wait). A plain 16550 never fails the
 * read-back nor reports IIR 0x7, so nothing beyond its 8 registers is touched on one (USR, at
 * 0x1f << shift <= 0x7c, is in the page the hypervisor maps for the UART all the same).
 *
 * Waits. Input never waits. Output waits for LSR.THRE, as the other drivers wait for room in
 * their FIFO, but not forever (unlike pl011_uart.c, whose QEMU model cannot stall): a 16550's
 * transmitter can stop for good (a clock the boot loader gated, DesignWare auto flow control
 * with CTS never asserted, a wrong divisor), and uart_putc runs under the console lock that
 * every pCPU's output takes, so a wedged UART would stop the machine, not just the console.
 * After NS16550_TX_POLLS reads of LSR without THRE (a long time: dozens of characters at any
 * usual baud rate, well beyond a transient stall such as QEMU's model holding THRE while its
 * chardev cannot take a byte, which loses nothing) the byte is dropped and the transmitter
 * counted as stuck: later bytes look once and are dropped until THRE shows again, when waiting
 * resumes.
 *
 * Errors. A received byte is delivered whatever LSR says about it (parity, framing, break), as
 * pl011_uart.c and imx_uart.c deliver theirs; only reading RBR whenever LSR.DR is set, so that
 * input never wedges. Dropping bad bytes is not done because it cannot be done reliably here:
 * LSR's error bits are cleared by any read of LSR, and the output side reads LSR for THRE
 * without the input lock, so they may be gone by the time uart_getc looks; and a baud-rate
 * mismatch shows as visible junk rather than as a dead keyboard. Overrun needs nothing (the LSR
 * read clears it).
 *
 * Missing UART. A UART that reads 0xff everywhere is absent (Linux's "LSR safety check": no
 * real LSR has every error bit and DR at once): uart_getc returns -1, uart_putc returns at once.
 * One that reads 0 never shows THRE: uart_putc drops bytes after one bounded wait, as above.
 *
 * TI K3 (ti,am654-uart): the receive timeout can be signalled after the FIFO was drained, and
 * only a read of RBR clears it (Linux's 8250_omap UART_RX_TIMEOUT_QUIRK). When uart_getc finds
 * nothing it looks at IIR and clears such a timeout with a dummy read of RBR (and a DesignWare
 * busy-detect with a read of USR), so that a level-triggered console interrupt cannot storm;
 * the hypervisor reads until -1 on each interrupt, so the clear comes when it is needed. TI's
 * fuller workaround (erratum i2310, through its EFR2 and TO_H/TO_L registers) is not done. The
 * dummy read of an empty RBR happens only on a UART that reported a timeout with nothing in
 * its FIFO, which a DesignWare UART does not (with PSLVERR_RESP_EN, such a read is a bus error
 * there).
 *
 * MMIO: plain volatile loads and stores of the register's width, nothing architecture-specific.
 * Accesses to one device stay in program order without barriers: volatile keeps the compiler
 * from reordering them, Arm's Device-nGnRE and nGnRnE (MMU off) memory does not reorder accesses
 * to one peripheral, and RISC-V platforms put their UARTs in strongly ordered I/O regions (QEMU's
 * virt does); no DMA is involved, so no ordering against normal memory is needed either.
 *
 * Concurrency: output (con_lock) and input (input_lock) run concurrently on different pCPUs;
 * after the first use only uart_rx_irq writes a register other than THR (IER), and the
 * stuck-DLAB retry is idempotent.
 *
 * Untested on hardware; tests/unit/test_ns16550_uart.c runs it against a register model.
 */
#include <partita/config.h>
#include <hyp/uart.h>

/* Registers, in units of (1 << console_reg_shift) bytes. */
#define NS_RBR      0       /* read, DLAB 0: receive buffer */
#define NS_THR      0       /* write, DLAB 0: transmit holding */
#define NS_DLL      0       /* DLAB 1: divisor latch, low */
#define NS_IER      1       /* DLAB 0: interrupt enable */
#define NS_DLM      1       /* DLAB 1: divisor latch, high */
#define NS_IIR      2       /* read: interrupt identification */
#define NS_FCR      2       /* write: FIFO control */
#define NS_LCR      3
#define NS_MCR      4
#define NS_LSR      5
#define NS_DW_USR   0x1f    /* DesignWare: UART status; reading it clears busy-detect */

#define IER_ERBFI   0x01u   /* received data available (and the character timeout) */
#define IIR_ID      0x0fu
#define IIR_BUSY    0x07u   /* DesignWare busy detect */
#define IIR_RX_TO   0x0cu   /* character timeout */
#define FCR_FIFO_EN 0x01u   /* receive trigger (bits 7:6) 00: 1 byte */
#define FCR_RX_RST  0x02u
#define LCR_8N1     0x03u
#define LCR_SPAR    0x20u   /* stick parity: some DesignWare UARTs do not read it back */
#define LCR_SBC     0x40u   /* send break */
#define LCR_DLAB    0x80u   /* offsets 0 and 1 are the divisor latch */
#define LCR_CMP     (0xffu & ~LCR_SPAR)   /* the bits an LCR write is checked by */
#define MCR_DTR     0x01u
#define MCR_RTS     0x02u
#define MCR_OUT2    0x08u   /* gates the interrupt line on PC-style boards; harmless elsewhere */
#define MCR_LOOP    0x10u
#define LSR_DR      0x01u
#define LSR_THRE    0x20u   /* transmit holding register (FIFO) empty */
#define LSR_TEMT    0x40u   /* and the shift register too */
#define LSR_ABSENT  0xffu   /* what a missing UART reads as */
#define USR_BUSY    0x01u

#define BAUD_DEFAULT 115200u
#define WRITE_TRIES  32          /* per LCR/DLL/DLM write at first use */
#define BUSY_POLLS   (1u << 16)  /* USR reads waiting for idle between two tries */
/* LSR reads before a byte is given up: at 25-250 ns a read, 0.1-1 s, dozens of characters even
 * at 9600 baud. */
#define NS16550_TX_POLLS (1u << 22)

enum { ST_UNINIT, ST_READY, ST_DLAB_STUCK };

static uint8_t state;      /* ST_*: READ_ONCE/WRITE_ONCE, the input and output sides share it */
static uint8_t lcr_run;    /* LCR as it must be for THR/RBR/IER to be reachable (no DLAB) */
static bool tx_stuck;      /* the last wait for THRE timed out: look once, do not wait */
static bool rx_on;         /* what uart_rx_irq asked for, applied when IER is reachable */

#ifdef NS16550_MODEL
/* The unit tests (tests/unit/test_ns16550_uart.c) put a model of the UART behind the bus. */
uint32_t ns16550_model_read(uintptr_t addr, unsigned width);
void ns16550_model_write(uintptr_t addr, unsigned width, uint32_t val);
#define mmio_read  ns16550_model_read
#define mmio_write ns16550_model_write
#else
static inline uint32_t mmio_read(uintptr_t addr, unsigned width)
{
	if (width == 4)
		return *(volatile uint32_t *)addr;
	if (width == 2)
		return *(volatile uint16_t *)addr;
	return *(volatile uint8_t *)addr;
}

static inline void mmio_write(uintptr_t addr, unsigned width, uint32_t val)
{
	if (width == 4)
		*(volatile uint32_t *)addr = val;
	else if (width == 2)
		*(volatile uint16_t *)addr = (uint16_t)val;
	else
		*(volatile uint8_t *)addr = (uint8_t)val;
}
#endif

static inline uintptr_t reg_addr(unsigned reg)
{
	return (uintptr_t)(pt_config.console_pa + ((uint64_t)reg << pt_config.console_reg_shift));
}

static inline unsigned io_width(void)
{
	unsigned w = pt_config.console_reg_io_width;
	return w == 4 || w == 2 ? w : 1;
}

static uint32_t rd(unsigned reg)
{
	return mmio_read(reg_addr(reg), io_width()) & 0xff;
}

static void wr(unsigned reg, uint32_t val)
{
	mmio_write(reg_addr(reg), io_width(), val & 0xff);
}

/* Wait for LSR to show `bits`, at most `polls` reads; false when it never did. */
static bool wait_lsr(uint32_t bits, uint32_t polls)
{
	while (polls--)
		if ((rd(NS_LSR) & bits) == bits)
			return true;
	return false;
}

/*
 * Write LCR, DLL or DLM and read it back (through `cmp`), at most `tries` times, past the
 * DesignWare busy quirk (header comment). True when the write took.
 */
static bool write_checked(unsigned reg, uint32_t val, uint32_t cmp, unsigned tries)
{
	for (;;) {
		wr(reg, val);
		if (((rd(reg) ^ val) & cmp) == 0)
			return true;
		(void)rd(NS_DW_USR);   /* clears the busy-detect interrupt the lost write raised */
		if (--tries == 0)
			return false;
		wr(NS_FCR, FCR_FIFO_EN | FCR_RX_RST);   /* received bytes keep it busy */
		for (uint32_t i = 0; i < BUSY_POLLS && (rd(NS_DW_USR) & USR_BUSY); i++)
			;
	}
}

static uint32_t divisor(void)
{
	uint64_t baud = pt_config.console_baud ? pt_config.console_baud : BAUD_DEFAULT;
	uint64_t div = (pt_config.console_clock_hz + 8 * baud) / (16 * baud);

	if (div == 0)
		div = 1;           /* the clock is too slow for the baud rate: as fast as it goes */
	if (div > 0xffff)
		div = 0xffff;
	return (uint32_t)div;
}

/* Offsets 0 and 1 are THR/RBR and IER again: the rest of the setup, and the receive interrupt. */
static void setup(void)
{
	wr(NS_IER, rx_on ? IER_ERBFI : 0);
	wr(NS_FCR, FCR_FIFO_EN);
	wr(NS_MCR, (rd(NS_MCR) & ~MCR_LOOP) | MCR_DTR | MCR_RTS | MCR_OUT2);
	/* A busy-detect left pending (by the boot loader's LCR writes) would hold the line up. */
	if ((rd(NS_IIR) & IIR_ID) == IIR_BUSY)
		(void)rd(NS_DW_USR);
	WRITE_ONCE(state, ST_READY);
}

static void init(void)
{
	uint32_t lcr;

	if (rd(NS_LSR) == LSR_ABSENT) {
		lcr_run = LCR_8N1;
		WRITE_ONCE(state, ST_READY);   /* nothing there: every call looks at LSR first */
		return;
	}
	/* What the boot loader printed last goes out at its own settings. */
	if (!wait_lsr(LSR_TEMT, NS16550_TX_POLLS))
		tx_stuck = true;
	lcr = rd(NS_LCR);
	if (pt_config.console_clock_hz) {
		uint32_t div = divisor();

		lcr_run = LCR_8N1;
		if (write_checked(NS_LCR, LCR_DLAB | LCR_8N1, LCR_CMP, WRITE_TRIES) &&
		    (rd(NS_DLL) | rd(NS_DLM) << 8) != div) {
			write_checked(NS_DLL, div & 0xff, 0xff, WRITE_TRIES);
			write_checked(NS_DLM, div >> 8, 0xff, WRITE_TRIES);
		}
		write_checked(NS_LCR, lcr_run, LCR_CMP, WRITE_TRIES);
	} else {
		lcr_run = (uint8_t)(lcr & ~(LCR_DLAB | LCR_SBC));
		if (lcr != lcr_run)
			write_checked(NS_LCR, lcr_run, LCR_CMP, WRITE_TRIES);
	}
	if (rd(NS_LCR) & LCR_DLAB)
		WRITE_ONCE(state, ST_DLAB_STUCK);
	else
		setup();
}

/* Ready to use: first use sets it up; a stuck DLAB gets one more (bounded) try. */
static bool usable(void)
{
	uint8_t st = READ_ONCE(state);

	if (st == ST_UNINIT) {
		init();
		st = READ_ONCE(state);
	} else if (st == ST_DLAB_STUCK) {
		write_checked(NS_LCR, lcr_run, LCR_CMP, 1);   /* cheap: this may be every byte */
		if (!(rd(NS_LCR) & LCR_DLAB))
			setup();
		st = READ_ONCE(state);
	}
	return st == ST_READY;
}

void uart_putc(char c)
{
	uint32_t polls, lsr;

	if (!usable())
		return;
	polls = tx_stuck ? 1 : NS16550_TX_POLLS;   /* after usable(): first use may find it stuck */
	for (;;) {
		lsr = rd(NS_LSR);
		if (lsr == LSR_ABSENT)
			return;
		if (lsr & LSR_THRE)
			break;
		if (--polls == 0) {
			tx_stuck = true;
			return;
		}
	}
	tx_stuck = false;
	wr(NS_THR, (uint8_t)c);
}

int uart_getc(void)
{
	uint32_t lsr;

	if (!usable())
		return -1;
	lsr = rd(NS_LSR);
	if (lsr == LSR_ABSENT)
		return -1;
	if (lsr & LSR_DR)
		return (int)rd(NS_RBR);   /* whatever its error bits: see the header comment */
	/* Nothing: clear what could hold the interrupt line up with nothing to read. */
	switch (rd(NS_IIR) & IIR_ID) {
	case IIR_RX_TO:
		if (!(rd(NS_LSR) & LSR_DR))
			(void)rd(NS_RBR);    /* TI K3: a timeout with nothing received */
		break;
	case IIR_BUSY:
		(void)rd(NS_DW_USR);
		break;
	}
	return -1;
}

void uart_rx_irq(bool on)
{
	rx_on = on;
	if (usable())
		wr(NS_IER, on ? IER_ERBFI : 0);
}
