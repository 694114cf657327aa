/*
 * The vUART as an NS16550A (a VM with a PT_EMUL_VUART_NS16550 window: its device tree says
 * "ns16550a", reg-shift 0, reg-io-width 1): what a guest's 8250/16550 driver drives -- Linux's
 * 8250 (a fixed PORT_16550A, no autoconfig), U-Boot's ns16550, a bare-metal polled loop. Like
 * the PL011 model (core/vuart.c) its bytes travel through the console multiplexer
 * (core/conmux.c), which owns the VM's output stream and receive ring.
 *
 * Registers, a byte apart: RBR/THR (DLL with LCR.DLAB) at 0, IER (DLM with DLAB) at 1, IIR on
 * read / FCR on write at 2, LCR 3, MCR 4, LSR 5, MSR 6, SCR 7. Only single-byte accesses to
 * those eight are register accesses: anything wider, or at 8..0xfff, is answered false, and
 * core makes it read as zero and write nothing, logged (hyp/emul.h).
 *
 * Transmitting: a THR write is printed at once, so the transmitter is always empty: LSR.THRE and
 * LSR.TEMT are always set, and nothing is ever lost or waited for.
 *
 * Receiving: the VM's bytes wait in its receive ring, which stands for the receive FIFO (with
 * FCR's FIFO enable or without it: without, a 16550 has a 1-byte holding register, and the next
 * byte moves in as the guest reads one, as it does here). LSR.DR is set while the ring holds a
 * byte; reading RBR takes the first. Nothing typed is dropped: where a real 16550 would overrun
 * the bytes wait in the ring (so LSR never reports an error), and FCR's FIFO resets leave them
 * there too -- a guest that resets its FIFOs while starting up still gets what was typed.
 *
 * Interrupts: a VM whose device tree gives its vUART an interrupt owns it as a purely virtual
 * level line, high while IIR identifies an interrupt. In a 16550's priority order:
 *   - receiver line status (0x6): never, there are no line errors;
 *   - received data available (0x4): IER.ERBFI and rx_ris, the receive latch, set when a byte
 *     arrives and cleared when a read of RBR drains the ring (the same locking as vuart.c's:
 *     a clear never hides a newer byte). It is reported at once, as 0x4 rather than the
 *     character timeout (0xc) a FIFO below its trigger level would give after 4 character
 *     times: drivers handle both alike, reading RBR while LSR.DR;
 *   - transmitter holding register empty (0x2): IER.ETBEI and the THRE latch, which is set
 *     when ETBEI goes from 0 to 1 and again after every THR write (the transmitter empties at
 *     once), and cleared by a THR write and by a read of IIR that reports it -- the real
 *     16550's rule, which Linux's 8250 probes for at startup (UART_BUG_THRE, UART_BUG_TXEN);
 *   - modem status (0x0): never, the modem lines do not change.
 * With the FIFOs enabled IIR's bits 7:6 read 11, as on a 16550A. The line is not gated by
 * MCR.OUT2 (some PC boards gate the 16550's output with it; QEMU's 16550 and SoC UARTs do not).
 * The line is re-evaluated on every access that can change it, on every IIR read, and on input.
 *
 * Not modelled: MCR's loopback (bit 4 is kept and read back, but bytes written are printed, not
 * looped back, and MSR does not follow MCR); MSR reads DCD, DSR and CTS asserted and never a
 * change; the divisor, LCR's framing and the FIFO trigger level are kept for the guest to read
 * back and have no effect. After reset the divisor is 12 (9600 baud from the classic 1.8432 MHz
 * crystal, as QEMU's 16550 has it: a real one's is undefined, and a driver that derives the
 * baud rate from a zero divisor would divide by zero); everything else is 0, as on a 16550.
 */
#include <hyp/console.h>
#include <hyp/emul.h>
#include <hyp/virq.h>
#include <hyp/vm.h>

/* Register offsets (reg-shift 0); RBR and IIR are read, THR and FCR written, at the same one. */
enum { RBR = 0, THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7,
       NREG = 8 };

#define IER_ERBFI     0x01u    /* received data available */
#define IER_MASK      0x0fu    /* a 16550A's four enables; bits 7:4 read 0 */
#define IIR_NONE      0x01u    /* no interrupt pending */
#define IIR_THRI      0x02u    /* transmitter holding register empty */
#define IIR_RDI       0x04u    /* received data available */
#define IIR_ID        0x0fu
#define IIR_FIFOS     0xc0u    /* the FIFOs are enabled (16550A) */
#define FCR_FIFO_EN   0x01u
#define MCR_MASK      0x1fu    /* DTR, RTS, OUT1, OUT2, LOOP; bits 7:5 read 0 */
#define LSR_DR        0x01u
#define LSR_THRE      0x20u
#define LSR_TEMT      0x40u
#define MSR_LINES     0xb0u    /* DCD, DSR, CTS asserted; no delta bits */
#define DIVISOR_RESET 12u

_Static_assert(V16550_NREGS <= ARRAY_SIZE(((struct vuart *)0)->regs), "struct vuart's regs[]");

/* rx_ris and regs[V16550_THRI]: set by input on any pCPU and by the VM's vCPUs, cleared by these */
static spinlock_t ris_lock;

/* What IIR identifies now: the highest-priority interrupt pending, or IIR_NONE. */
static uint32_t iir(const struct vuart *u)
{
	uint32_t ier = READ_ONCE(u->regs[V16550_IER]);
	uint32_t fifos = READ_ONCE(u->regs[V16550_FCR]) & FCR_FIFO_EN ? IIR_FIFOS : 0;

	if ((ier & IER_ERBFI) && READ_ONCE(u->rx_ris))
		return fifos | IIR_RDI;
	if ((ier & V16550_IER_ETBEI) && READ_ONCE(u->regs[V16550_THRI]))
		return fifos | IIR_THRI;
	return fifos | IIR_NONE;
}

/* The VM's vUART line may have changed: tell its interrupt controller. */
static void update(struct vm *vm)
{
	virq_vuart_line(vm, !(iir(&vm->vuart) & IIR_NONE));
}

void vuart_16550_reset(struct vm *vm)
{
	struct vuart *u = &vm->vuart;

	memset(u->regs, 0, sizeof(u->regs));
	u->regs[V16550_DLL] = DIVISOR_RESET;
	/* Pending input is kept; under the lock, so that a byte arriving meanwhile stays latched.
	 * The line needs no update: IER is 0, and the interrupt controller is reset too. */
	spin_lock(&ris_lock);
	u->rx_ris = !conmux_vm_rx_empty(vm);
	spin_unlock(&ris_lock);
}

/*
 * A byte was added to the VM's ring, under the console's input lock (which every pop takes too:
 * the ring is not empty here).
 */
void vuart_16550_rx_arrived(struct vm *vm)
{
	spin_lock(&ris_lock);
	vm->vuart.rx_ris = 1;
	spin_unlock(&ris_lock);
	update(vm);
}

/*
 * The guest read RBR. The emptiness check is under ris_lock, and a byte that arrives is counted
 * before its vuart_16550_rx_arrived takes that lock: a clear here never hides a newer byte. An
 * empty ring reads 0.
 */
static uint8_t rx_pop(struct vm *vm)
{
	int c = conmux_vm_getc(vm);

	spin_lock(&ris_lock);
	if (conmux_vm_rx_empty(vm))
		vm->vuart.rx_ris = 0;   /* drained */
	spin_unlock(&ris_lock);
	update(vm);
	return c < 0 ? 0 : (uint8_t)c;
}

/* hyp/emul.h's vuart_16550_thr: a THR write with ETBEI set found the THRE latch clear. */
void vuart_16550_thr_empty(struct vm *vm)
{
	struct vuart *u = &vm->vuart;

	spin_lock(&ris_lock);
	if (u->regs[V16550_IER] & V16550_IER_ETBEI)
		WRITE_ONCE(u->regs[V16550_THRI], 1);
	spin_unlock(&ris_lock);
	update(vm);
}

static void ier_write(struct vm *vm, uint8_t b)
{
	struct vuart *u = &vm->vuart;

	spin_lock(&ris_lock);
	/* ETBEI from 0 to 1 with THR empty (it always is): a THRE interrupt */
	if ((b & V16550_IER_ETBEI) && !(u->regs[V16550_IER] & V16550_IER_ETBEI))
		WRITE_ONCE(u->regs[V16550_THRI], 1);
	WRITE_ONCE(u->regs[V16550_IER], b & IER_MASK);
	spin_unlock(&ris_lock);
	update(vm);
}

/*
 * Reading IIR acknowledges a THRE interrupt it reports. The line is re-evaluated even when
 * nothing changed: a guest's interrupt handler reads IIR first, so a level that went stale in
 * a race between pCPUs is put right there.
 */
static uint8_t iir_read(struct vm *vm)
{
	struct vuart *u = &vm->vuart;
	uint32_t id;

	spin_lock(&ris_lock);
	id = iir(u);
	if ((id & IIR_ID) == IIR_THRI)
		WRITE_ONCE(u->regs[V16550_THRI], 0);
	spin_unlock(&ris_lock);
	update(vm);
	return (uint8_t)id;
}

static uint8_t lsr(struct vm *vm)
{
	if (!pt_config.console_intid && conmux_vm_rx_empty(vm))
		conmux_poll_input();   /* no receive interrupt on this board: poll */
	return (conmux_vm_rx_empty(vm) ? 0 : LSR_DR) | LSR_THRE | LSR_TEMT;
}

/* hyp/emul.h validated the access: aligned, inside the 4 KiB window. */
bool vuart_16550_access(struct vcpu *v, uint64_t off, bool write, uint64_t *val, unsigned size)
{
	struct vm *vm = v->vm;
	struct vuart *u = &vm->vuart;
	bool dlab;

	if (size != 1 || off >= NREG)
		return false;   /* reg-shift 0: a register is one byte, and there are eight */
	dlab = READ_ONCE(u->regs[V16550_LCR]) & V16550_LCR_DLAB;
	if (write) {
		uint8_t b = (uint8_t)*val;

		switch (off) {
		case THR:
			if (dlab)
				WRITE_ONCE(u->regs[V16550_DLL], b);
			else
				vuart_16550_thr(vm, b);
			break;
		case IER:
			if (dlab)
				WRITE_ONCE(u->regs[V16550_DLM], b);
			else
				ier_write(vm, b);
			break;
		case FCR:   /* only FIFO enable is state; its resets keep the ring (above) */
			WRITE_ONCE(u->regs[V16550_FCR], b & FCR_FIFO_EN);
			break;
		case LCR:
			WRITE_ONCE(u->regs[V16550_LCR], b);
			break;
		case MCR:
			WRITE_ONCE(u->regs[V16550_MCR], b & MCR_MASK);
			break;
		case SCR:
			WRITE_ONCE(u->regs[V16550_SCR], b);
			break;
		default:    /* LSR and MSR are read-only (a 16550's factory-test writes: ignored) */
			break;
		}
		return true;
	}
	switch (off) {
	case RBR:
		*val = dlab ? READ_ONCE(u->regs[V16550_DLL]) : rx_pop(vm);
		break;
	case IER:
		*val = READ_ONCE(u->regs[dlab ? V16550_DLM : V16550_IER]);
		break;
	case IIR:
		*val = iir_read(vm);
		break;
	case LCR:
		*val = READ_ONCE(u->regs[V16550_LCR]);
		break;
	case MCR:
		*val = READ_ONCE(u->regs[V16550_MCR]);
		break;
	case LSR:
		*val = lsr(vm);
		break;
	case MSR:
		*val = MSR_LINES;
		break;
	default:
		*val = READ_ONCE(u->regs[V16550_SCR]);
		break;
	}
	return true;
}
