/*
 * The vUART: a PL011 look-alike per VM; its bytes travel through the console multiplexer
 * (core/conmux.c), which owns the VM's output stream and receive ring.
 *
 * Interrupts: a VM whose device tree gives its vUART an interrupt (the board console's INTID)
 * owns it as a purely virtual level SPI. Its line is MIS != 0, as on a PL011: receive (RX, RT)
 * latched when bytes arrive and cleared by ICR or by draining the buffer, and transmit (TX),
 * always raised since the transmitter is always empty. The line is re-evaluated on every
 * register access (a trap) and on new input.
 *
 * The register file is complete enough for Linux's amba-pl011 / sbsa-uart: the PrimeCell ID
 * registers identify a PL011 r1p5, FR reports an always-empty transmitter, and the configuration
 * registers simply keep what is written to them.
 */
#include <hyp/console.h>
#include <hyp/cpu.h>
#include <hyp/gic.h>
#include <hyp/pl011.h>
#include <hyp/vgic.h>
#include <hyp/vm.h>

#define INT_RX  BIT(4)
#define INT_TX  BIT(5)
#define INT_RT  BIT(6)
#define INT_ALL 0x7ffu

static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static spinlock_t ris_lock;   /* rx_ris: set by input on any pCPU, cleared by the VM's */

void vuart_vm_reset(struct vm *vm)
{
	struct vuart *u = &vm->vuart;

	memset(u->regs, 0, sizeof(u->regs));
	u->regs[PL011_CR / 4] = 0x300;      /* TXE | RXE, as after reset */
	u->regs[PL011_IFLS / 4] = 0x12;
	u->rx_ris = conmux_vm_rx_empty(vm) ? 0 : INT_RX | INT_RT;   /* pending input is kept */
}

void vuart_init(void)
{
	for (unsigned i = 0; i < pt_config.nvms; i++)
		vuart_vm_reset(&vms[i]);
	conmux_init();
}

static uint32_t mis(const struct vuart *u)
{
	return (u->rx_ris | INT_TX) & u->regs[PL011_IMSC / 4];
}

/* The VM's vUART line may have changed: tell its vGIC. */
static void update(struct vm *vm)
{
	if (vm->vuart.slot)
		vgic_set_level(vm, vm->vuart.slot, mis(&vm->vuart) != 0);
}

void vuart_rx_arrived(struct vm *vm)
{
	spin_lock(&ris_lock);
	vm->vuart.rx_ris |= INT_RX | INT_RT;
	spin_unlock(&ris_lock);
	update(vm);
}

static int rx_pop(struct vm *vm)
{
	int c = conmux_vm_getc(vm);

	if (conmux_vm_rx_empty(vm)) {
		spin_lock(&ris_lock);
		if (conmux_vm_rx_empty(vm))
			vm->vuart.rx_ris &= ~(INT_RX | INT_RT);   /* drained */
		spin_unlock(&ris_lock);
	}
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
		*val = FR_TXFE | (conmux_vm_rx_empty(v->vm) ? FR_RXFE : 0);
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
