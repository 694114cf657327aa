/*
 * The vUART: a PL011 look-alike per VM, multiplexed onto the hypervisor console.
 *
 * Output is line-buffered per vCPU and printed as "[vm] line", so lines from different VMs (and
 * from different vCPUs of one VM) never mix. Input goes to one VM at a time, the one with the
 * focus; Ctrl-] moves the focus to the next VM that has a console. The board UART's receive
 * interrupt (taken by the hypervisor on the boot pCPU) moves input into the focused VM's buffer
 * at once; a guest reading FR or DR polls it too.
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

#define CTRL_RIGHT_BRACKET 0x1d
#define INT_RX  BIT(4)
#define INT_TX  BIT(5)
#define INT_RT  BIT(6)
#define INT_ALL 0x7ffu

static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static spinlock_t input_lock;
static int focus = -1;
static uint32_t console_intid;   /* the board UART's receive interrupt, when some VM needs it */

static int next_console(int from)
{
	for (unsigned n = 1; n <= pt_config.nvms; n++) {
		unsigned i = (unsigned)(from + (int)n) % pt_config.nvms;
		if (pt_config.vms[i].console)
			return (int)i;
	}
	return -1;
}

void vuart_vm_reset(struct vm *vm)
{
	struct vuart *u = &vm->vuart;

	memset(u->regs, 0, sizeof(u->regs));
	u->regs[PL011_CR / 4] = 0x300;      /* TXE | RXE, as after reset */
	u->regs[PL011_IFLS / 4] = 0x12;
	u->rx_ris = u->rx_head != u->rx_tail ? INT_RX | INT_RT : 0;
}

void vuart_init(void)
{
	focus = next_console(-1);
	for (unsigned i = 0; i < pt_config.nvms; i++) {
		vuart_vm_reset(&vms[i]);
		if (vms[i].vuart.slot)
			console_intid = vgic_slot_intid(&vms[i], vms[i].vuart.slot);
	}
	/*
	 * Input interrupts: only worth having when a guest can be interrupted by its vUART. The
	 * vUARTs raise the board console's INTID, so that is the one we program here.
	 */
	if (console_intid) {
		gic_spi_config(console_intid, false);
		gic_spi_route(console_intid, this_cpu()->index);
		gic_set_enable(console_intid, 0, true);
		pl011_rx_irq(pt_config.console_pa, true);
	}
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

/* Move whatever the board UART received into the focused VM's receive buffer. */
static void poll_input(void)
{
	int c, moved = -1, got = -1;

	spin_lock(&input_lock);
	while ((c = console_getc()) >= 0) {
		if (c == CTRL_RIGHT_BRACKET) {
			moved = focus = next_console(focus);
			continue;
		}
		if (focus < 0)
			continue;
		struct vuart *u = &vms[focus].vuart;
		if (u->rx_head - u->rx_tail < VUART_RX) {   /* full: drop, like a FIFO overrun */
			u->rx[u->rx_head++ % VUART_RX] = (uint8_t)c;
			u->rx_ris |= INT_RX | INT_RT;
			got = focus;
		}
	}
	spin_unlock(&input_lock);
	if (moved >= 0)
		printk("partita: console input -> vm '%s'\n", pt_config.vms[moved].name);
	if (got >= 0)
		update(&vms[got]);
}

bool hyp_device_irq(uint32_t intid)
{
	if (!console_intid || intid != console_intid)
		return false;
	poll_input();   /* reads the board UART empty, which lowers its line */
	return true;
}

static int rx_pop(struct vuart *u)
{
	int c = -1;

	spin_lock(&input_lock);
	if (u->rx_head != u->rx_tail)
		c = u->rx[u->rx_tail++ % VUART_RX];
	if (u->rx_head == u->rx_tail)
		u->rx_ris &= ~(INT_RX | INT_RT);   /* drained */
	spin_unlock(&input_lock);
	return c;
}

void vuart_flush(struct vcpu *v)
{
	struct vuart_line *l = &v->out;
	char buf[VUART_LINE + 48];
	size_t n;

	if (!l->len)
		return;
	n = (size_t)snprintk(buf, sizeof(buf), "[%s] ", v->vm->cfg->name);
	if (n > sizeof(buf) - VUART_LINE - 1)
		n = sizeof(buf) - VUART_LINE - 1;
	memcpy(buf + n, l->buf, l->len);
	n += l->len;
	buf[n++] = '\n';
	l->len = 0;
	console_write(buf, n);
}

static void put(struct vcpu *v, char c)
{
	struct vuart_line *l = &v->out;

	if (c == '\n') {
		if (!l->len)
			l->buf[l->len++] = ' ';   /* keep empty lines visible and tagged */
		vuart_flush(v);
		return;
	}
	if (c == '\r')
		return;
	l->buf[l->len++] = c;
	if (l->len == VUART_LINE)
		vuart_flush(v);
}

bool vuart_access(struct vcpu *v, uint64_t off, bool write, uint64_t *val, unsigned size)
{
	struct vuart *u = &v->vm->vuart;
	unsigned reg = (unsigned)off & 0xffc;
	int c;

	(void)size;
	if (write) {
		if (reg == PL011_DR) {
			put(v, (char)(*val & 0xff));
		} else if (reg == PL011_ICR) {
			spin_lock(&input_lock);
			u->rx_ris &= ~((uint32_t)*val & (INT_RX | INT_RT));
			spin_unlock(&input_lock);
			update(v->vm);
		} else if (reg < sizeof(u->regs) && reg != PL011_FR && reg != PL011_RIS &&
			   reg != PL011_MIS) {
			u->regs[reg / 4] = (uint32_t)*val & (reg == PL011_IMSC ? INT_ALL : ~0u);
			if (reg == PL011_IMSC)
				update(v->vm);
		}
		return true;
	}
	switch (reg) {
	case PL011_DR:
		poll_input();
		c = rx_pop(u);
		*val = c < 0 ? 0 : (uint64_t)c;
		update(v->vm);
		break;
	case PL011_FR:
		poll_input();
		*val = FR_TXFE | (u->rx_head == u->rx_tail ? FR_RXFE : 0);
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
