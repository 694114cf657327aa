/*
 * The vUART: a PL011 look-alike per VM; its bytes travel through the console multiplexer
 * (core/conmux.c), which owns the VM's output stream and receive ring.
 *
 * Receiving: the VM's bytes wait in its receive ring (core/conmux.c). With the FIFOs enabled
 * (LCR_H.FEN = 1) the ring is the receive FIFO. With them disabled (FEN = 0, the reset value) a
 * PL011 has a 1-byte holding register: the guest sees one byte at a time, the ring's first, and
 * the next one moves in when it reads that (a line that delivers the next byte at once). FR says
 * RXFF while the holding register is full and RXFE while it is empty. Nothing typed is dropped:
 * where a real PL011 would overrun, the bytes wait in the ring.
 *
 * Interrupts: a VM whose device tree gives its vUART an interrupt (the board console's INTID)
 * owns it as a purely virtual level SPI. Its line is MIS != 0, as on a PL011: receive (RX, RT)
 * and transmit (TX), always raised since the transmitter is always empty. RX and RT latch when a
 * byte is received and clear by ICR or by draining the buffer. Received means: into the FIFO
 * (FEN = 1: every byte that arrives); into the holding register (FEN = 0: a byte that arrives
 * while it is empty, or the next one, moved in by a read) -- a byte waiting behind a full
 * holding register is not one the guest can see yet. The line is re-evaluated on every
 * register access (a trap) and on new input.
 *
 * The register file is complete enough for Linux's amba-pl011 / sbsa-uart: the PrimeCell ID
 * registers identify a PL011 r1p5, FR reports an always-empty transmitter, and the configuration
 * registers simply keep what is written to them.
 *
 * A VM whose window is an NS16550A's (PT_EMUL_VUART_NS16550) has core/vuart_16550.c's model
 * instead, over the same receive ring and output stream: vuart_init notes which model each VM
 * has (struct vuart's kind), and the VM's reset and its input go to that model.
 */
#include <hyp/console.h>
#include <hyp/pl011.h>
#include <hyp/virq.h>
#include <hyp/vm.h>

#define LCR_H_FEN BIT(4)

#define INT_RX  BIT(4)
#define INT_TX  BIT(5)
#define INT_RT  BIT(6)
#define INT_ALL 0x7ffu

static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static spinlock_t ris_lock;   /* rx_ris: set by input on any pCPU, cleared by the VM's */

void vuart_vm_reset(struct vm *vm)
{
	struct vuart *u = &vm->vuart;

	if (u->kind == PT_EMUL_VUART_NS16550) {
		vuart_16550_reset(vm);
		return;
	}
	memset(u->regs, 0, sizeof(u->regs));
	u->regs[PL011_CR / 4] = 0x300;      /* TXE | RXE, as after reset */
	u->regs[PL011_IFLS / 4] = 0x12;
	u->rx_ris = conmux_vm_rx_empty(vm) ? 0 : INT_RX | INT_RT;   /* pending input is kept */
}

/*
 * The model each VM has, from its vUART window's kind (cfg_check allowed one kind at most);
 * decided once, here, so that neither a byte of input nor a reset looks for the window again.
 */
void vuart_init(void)
{
	for (unsigned i = 0; i < pt_config.nvms; i++) {
		const struct pt_vm *cfg = &pt_config.vms[i];

		vms[i].vuart.kind = 0;
		for (unsigned e = 0; e < cfg->nemuls; e++)
			if (cfg->emuls[e].kind == PT_EMUL_VUART ||
			    cfg->emuls[e].kind == PT_EMUL_VUART_NS16550)
				vms[i].vuart.kind = cfg->emuls[e].kind;
		vuart_vm_reset(&vms[i]);
	}
	conmux_init();
}

/* The FIFOs are on (LCR_H.FEN): otherwise the 1-byte holding register. */
static bool fifo_on(const struct vuart *u)
{
	return READ_ONCE(u->regs[PL011_LCR_H / 4]) & LCR_H_FEN;
}

static uint32_t mis(const struct vuart *u)
{
	return (u->rx_ris | INT_TX) & u->regs[PL011_IMSC / 4];
}

/* The VM's vUART line may have changed: tell its interrupt controller. */
static void update(struct vm *vm)
{
	virq_vuart_line(vm, mis(&vm->vuart) != 0);
}

/*
 * A byte was added to the VM's ring, under the console's input lock (which guards rx_head and
 * rx_tail: the count is exact here).
 */
void vuart_rx_arrived(struct vm *vm)
{
	struct vuart *u = &vm->vuart;

	if (u->kind == PT_EMUL_VUART_NS16550) {
		vuart_16550_rx_arrived(vm);
		return;
	}
	spin_lock(&ris_lock);
	/* FEN = 0: only the byte that fills the holding register is a reception */
	if (fifo_on(u) || u->rx_head - u->rx_tail == 1)
		u->rx_ris |= INT_RX | INT_RT;
	spin_unlock(&ris_lock);
	update(vm);
}

/*
 * The guest read DR. The emptiness check is under ris_lock, and a byte that arrives is counted
 * before its vuart_rx_arrived takes that lock: a clear here never hides a newer byte.
 */
static int rx_pop(struct vm *vm)
{
	struct vuart *u = &vm->vuart;
	int c = conmux_vm_getc(vm);

	spin_lock(&ris_lock);
	if (conmux_vm_rx_empty(vm))
		u->rx_ris &= ~(INT_RX | INT_RT);   /* drained */
	else if (c >= 0 && !fifo_on(u))
		u->rx_ris |= INT_RX | INT_RT;      /* FEN = 0: the next byte moved in: received */
	spin_unlock(&ris_lock);
	return c;
}

/* Sub-word writes update their byte lanes of the 32-bit register. */
static uint32_t merge(uint32_t old, uint64_t val, uint64_t off, unsigned size)
{
	unsigned shift = 8 * (unsigned)(off & 3);
	uint32_t mask = size >= 4 ? ~0u : ((1u << (8 * size)) - 1) << shift;

	return (old & ~mask) | (((uint32_t)val << shift) & mask);
}

/*
 * PL011 registers are 32 bits wide; 8- and 16-bit accesses reach their byte lanes (the decoder
 * aligned them). 64-bit accesses are not PL011 accesses: the decoder makes them RAZ/WI.
 */
bool vuart_access(struct vcpu *v, uint64_t off, bool write, uint64_t *val, unsigned size)
{
	struct vuart *u = &v->vm->vuart;
	unsigned reg = (unsigned)off & 0xffc;
	int c;

	if (size > 4)
		return false;
	if (write) {
		if (reg == PL011_DR) {
			if ((off & 3) == 0)
				conmux_vm_out(v->vm, (uint8_t)(*val & 0xff));
		} else if (reg == PL011_ICR) {
			spin_lock(&ris_lock);
			u->rx_ris &= ~(merge(0, *val, off, size) & (INT_RX | INT_RT));
			spin_unlock(&ris_lock);
			update(v->vm);
		} else if (reg < sizeof(u->regs) && reg != PL011_FR && reg != PL011_RIS &&
			   reg != PL011_MIS) {
			uint32_t nv = merge(u->regs[reg / 4], *val, off, size);
			u->regs[reg / 4] = nv & (reg == PL011_IMSC ? INT_ALL : ~0u);
			if (reg == PL011_IMSC)
				update(v->vm);
		}
		return true;
	}
	switch (reg) {
	case PL011_DR:
		c = rx_pop(v->vm);
		*val = c < 0 ? 0 : (uint64_t)c;
		update(v->vm);
		break;
	case PL011_FR:
		if (!pt_config.console_intid && conmux_vm_rx_empty(v->vm))
			conmux_poll_input();   /* no receive interrupt on this board: poll */
		if (conmux_vm_rx_empty(v->vm))
			*val = FR_TXFE | FR_RXFE;
		else if (!fifo_on(u) || READ_ONCE(u->rx_head) - READ_ONCE(u->rx_tail) >= VUART_RX)
			*val = FR_TXFE | FR_RXFF;   /* the holding register (FEN = 0), or the ring */
		else
			*val = FR_TXFE;
		break;
	case PL011_RIS:
		*val = READ_ONCE(u->rx_ris) | INT_TX;
		break;
	case PL011_MIS:
		*val = mis(u);
		break;
	default:
		if (reg >= PL011_ID)
			*val = pl011_id[(reg - PL011_ID) / 4];
		else
			*val = reg < sizeof(u->regs) ? u->regs[reg / 4] : 0;
	}
	/* Sub-word reads see their byte lane. */
	*val >>= 8 * (off & 3);
	return true;
}
