/*
 * The vUART: a PL011 look-alike per VM, multiplexed onto the hypervisor console.
 *
 * Output is line-buffered per vCPU and printed as "[vm] line", so lines from different VMs (and
 * from different vCPUs of one VM) never mix. Input goes to one VM at a time, the one with the
 * focus; Ctrl-] moves the focus to the next VM that has a console. Without virtual interrupts yet,
 * the board UART is polled whenever a guest looks at its FR or DR.
 *
 * The register file is complete enough for Linux's amba-pl011 / sbsa-uart in polled mode: the
 * PrimeCell ID registers identify a PL011 r1p5, FR reports an always-empty transmitter, and the
 * configuration registers simply keep what is written to them.
 */
#include <hyp/console.h>
#include <hyp/pl011.h>
#include <hyp/vm.h>

#define CTRL_RIGHT_BRACKET 0x1d

static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static spinlock_t input_lock;
static int focus = -1;

static int next_console(int from)
{
	for (unsigned n = 1; n <= pt_config.nvms; n++) {
		unsigned i = (unsigned)(from + (int)n) % pt_config.nvms;
		if (pt_config.vms[i].console)
			return (int)i;
	}
	return -1;
}

void vuart_init(void)
{
	focus = next_console(-1);
	for (unsigned i = 0; i < pt_config.nvms; i++) {
		vms[i].vuart.regs[PL011_CR / 4] = 0x300;      /* TXE | RXE, as after reset */
		vms[i].vuart.regs[PL011_IFLS / 4] = 0x12;
	}
}

/* Move whatever the board UART received into the focused VM's receive buffer. */
static void poll_input(void)
{
	int c, moved = -1;

	spin_lock(&input_lock);
	while ((c = console_getc()) >= 0) {
		if (c == CTRL_RIGHT_BRACKET) {
			moved = focus = next_console(focus);
			continue;
		}
		if (focus < 0)
			continue;
		struct vuart *u = &vms[focus].vuart;
		if (u->rx_head - u->rx_tail < VUART_RX)   /* full: drop, like a real FIFO overrun */
			u->rx[u->rx_head++ % VUART_RX] = (uint8_t)c;
	}
	spin_unlock(&input_lock);
	if (moved >= 0)
		printk("partita: console input -> vm '%s'\n", pt_config.vms[moved].name);
}

static int rx_pop(struct vuart *u)
{
	int c = -1;

	spin_lock(&input_lock);
	if (u->rx_head != u->rx_tail)
		c = u->rx[u->rx_tail++ % VUART_RX];
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
		if (reg == PL011_DR)
			put(v, (char)(*val & 0xff));
		else if (reg < sizeof(u->regs) && reg != PL011_FR && reg != PL011_RIS &&
			 reg != PL011_MIS && reg != PL011_ICR)
			u->regs[reg / 4] = (uint32_t)*val;
		return true;
	}
	switch (reg) {
	case PL011_DR:
		poll_input();
		c = rx_pop(u);
		*val = c < 0 ? 0 : (uint64_t)c;
		break;
	case PL011_FR:
		poll_input();
		*val = FR_TXFE | (u->rx_head == u->rx_tail ? FR_RXFE : 0);
		break;
	case PL011_RIS:
	case PL011_MIS:
		*val = 0;     /* no interrupt lines yet */
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
