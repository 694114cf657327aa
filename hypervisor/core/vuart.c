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

/*
 * Console hygiene: a VM's bytes reach the terminal as printable ASCII, TAB and LF only. Anything
 * else (ESC and the other C0 controls, DEL, every byte >= 0x80 such as C1 NEL/CSI or the start of
 * U+2028) is shown as \xHH, so no VM can move the cursor, rewrite or forge a line that reads as
 * another VM's, or drive the user's terminal. CR is dropped (we end lines ourselves).
 */
static void put(struct vcpu *v, uint8_t c)
{
	static const char hex[] = "0123456789abcdef";
	struct vuart_line *l = &v->out;

	if (c == '\n') {
		if (!l->len)
			l->buf[l->len++] = ' ';   /* keep empty lines visible and tagged */
		vuart_flush(v);
		return;
	}
	if (c == '\r')
		return;
	if ((c >= 0x20 && c < 0x7f) || c == '\t') {
		l->buf[l->len++] = (char)c;
	} else {
		l->buf[l->len++] = '\\';
		l->buf[l->len++] = 'x';
		l->buf[l->len++] = hex[c >> 4];
		l->buf[l->len++] = hex[c & 0xf];
	}
	if (l->len > VUART_LINE - 4)   /* room for one more escaped byte, or flush */
		vuart_flush(v);
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
				put(v, (uint8_t)(*val & 0xff));
		} else if (reg == PL011_ICR) {
			spin_lock(&input_lock);
			u->rx_ris &= ~(merge(0, *val, off, size) & (INT_RX | INT_RT));
			spin_unlock(&input_lock);
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
