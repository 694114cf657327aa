/*
 * The NS16550A vUART model (hypervisor/core/vuart_16550.c), driven through its access function
 * and through core's dispatch (hyp/emul.h's emul_mmio, its THR fast path and RAZ/WI), with the
 * console multiplexer and the interrupt controller stubbed here: conmux_vm_out collects what the
 * guest prints, the VM's receive ring is the real struct vuart's (filled as conmux.c's rx_push
 * does, then vuart_16550_rx_arrived), conmux_poll_input stands for a board without a console
 * interrupt, and virq_vuart_line records the line's level after every access.
 *
 * What a 16550 driver relies on (the 16550A datasheet's behaviour; what Linux's 8250 driver
 * checks at startup): DLAB switching offsets 0 and 1 to the divisor latch, read-back of SCR,
 * LCR, MCR and IER (their unimplemented bits 0), IIR's FIFO bits and priorities, the THRE
 * interrupt's rule, LSR, receiving in order; anything but a single-byte access to the eight
 * registers is refused, and a sweep of garbage over the whole 4 KiB window never crashes or
 * writes outside the model's registers (run under ASan/UBSan by tests/unit/test.sh).
 *
 * The model is compiled into this file (#include), its pt_config this file's `cfg`: test_unit
 * links the i.MX driver's test, which defines pt_config. Linked into test_unit.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../hypervisor/include/partita/config.h"
#include "check.h"
#include "test_vuart_16550.h"

static struct pt_config cfg;   /* what the model reads as pt_config */

#define pt_config cfg
#include "../../hypervisor/core/vuart_16550.c"
#undef pt_config

static int failures;

/* --- the stubs: what core/conmux.c and the interrupt controller do for the model --- */

static char out[64];             /* what the guest printed since the last out_reset() */
static unsigned out_n, out_total;
static int line = -1;            /* the level last set by virq_vuart_line; -1: never */
static unsigned line_calls, polls;
static const char *board_input;  /* conmux_poll_input "reads" these from the board UART */
static unsigned razwi, foreign;  /* emul_mmio's out-of-line ends, counted */

void conmux_vm_out(struct vm *vm, uint8_t c)
{
	(void)vm;
	if (out_n < sizeof(out) - 1)
		out[out_n++] = (char)c;
	out_total++;
}

/* Into the VM's ring as conmux.c's rx_push does (under its input lock, then the latch). */
static void type(struct vm *vm, const char *s)
{
	for (; *s; s++) {
		struct vuart *u = &vm->vuart;
		if (u->rx_head - u->rx_tail >= VUART_RX)
			return;
		u->rx[u->rx_head++ % VUART_RX] = (uint8_t)*s;
		vuart_16550_rx_arrived(vm);
	}
}

static struct vm *the_vm;

void conmux_poll_input(void)
{
	polls++;
	if (board_input) {
		type(the_vm, board_input);
		board_input = NULL;
	}
}

int conmux_vm_getc(struct vm *vm)
{
	struct vuart *u = &vm->vuart;

	return u->rx_head != u->rx_tail ? u->rx[u->rx_tail++ % VUART_RX] : -1;
}

bool conmux_vm_rx_empty(struct vm *vm)
{
	return vm->vuart.rx_head == vm->vuart.rx_tail;
}

void virq_vuart_line(struct vm *vm, bool high)
{
	(void)vm;
	line = high;
	line_calls++;
}

/* A held lock: nothing here runs concurrently, so one of the model's locks was never released. */
void arch_spin_wait(spinlock_t *l)
{
	(void)l;
	printf("not ok - vuart 16550: a lock was taken twice (never released)\n");
	exit(1);
}

/* emul_mmio's other ends: core/emul.c's RAZ/WI, the PL011 model, the interrupt controller. */
enum emul_result emul_razwi(struct vcpu *v, const struct pt_emul *w, struct emul_access *a)
{
	(void)v, (void)w;
	razwi++;
	a->val = 0;
	return EMUL_RAZWI;
}

bool vuart_access(struct vcpu *v, uint64_t off, bool write, uint64_t *val, unsigned size)
{
	(void)v, (void)off, (void)write, (void)val, (void)size;
	foreign++;
	return true;
}

bool virq_mmio(struct vcpu *v, uint32_t kind, uint64_t off, bool write, uint64_t *val,
	       unsigned size)
{
	(void)v, (void)kind, (void)off, (void)write, (void)val, (void)size;
	foreign++;
	return true;
}

/* --- the guest's side --- */

static struct vcpu *vc;

static void out_reset(void)
{
	memset(out, 0, sizeof(out));
	out_n = 0;
}

static uint64_t rd(unsigned off)
{
	uint64_t v = 0xdeadbeef;

	if (!vuart_16550_access(vc, off, false, &v, 1))
		return ~0ull;
	return v;
}

static bool wr(unsigned off, uint8_t b)
{
	uint64_t v = b;

	return vuart_16550_access(vc, off, true, &v, 1);
}

/* A fresh VM of the given model, its vCPU, and the stubs' state. */
static struct vm *fresh(uint32_t console_intid)
{
	static const struct pt_emul emuls[] = {
		{ .ipa = 0x0c000000, .size = 0x400000, .kind = PT_EMUL_PLIC },
		{ .ipa = 0x10000000, .size = 0x1000, .kind = PT_EMUL_VUART_NS16550 },
	};
	static struct pt_vm vmcfg = { .name = "t", .emuls = emuls, .nemuls = 2, .console = 1 };

	free(the_vm);
	free(vc);
	/* On the heap, exactly as large as they are: ASan sees any access beyond them. */
	the_vm = calloc(1, sizeof(*the_vm));
	vc = calloc(1, sizeof(*vc));
	if (!the_vm || !vc)
		exit(1);
	the_vm->cfg = &vmcfg;
	the_vm->vuart.kind = PT_EMUL_VUART_NS16550;
	vc->vm = the_vm;
	cfg.console_intid = console_intid;
	vuart_16550_reset(the_vm);
	out_reset();
	line = -1;
	line_calls = polls = razwi = foreign = 0;
	board_input = NULL;
	return the_vm;
}

/* The line as the model would set it now (without reading IIR, which has side effects). */
static int line_now(void)
{
	return !(iir(&the_vm->vuart) & IIR_NONE);
}

static void test_registers(void)
{
	fresh(33);
	CHECK(rd(LCR) == 0 && rd(IER) == 0 && rd(MCR) == 0 && rd(SCR) == 0 && rd(IIR) == 0x01,
	      "vuart 16550: after reset LCR, IER, MCR, SCR are 0 and IIR is 0x01 (no FIFOs, nothing pending)");
	CHECK(rd(LSR) == 0x60, "vuart 16550: LSR is THRE|TEMT with nothing received (0x%llx)",
	      (unsigned long long)rd(LSR));
	CHECK(rd(MSR) == 0xb0, "vuart 16550: MSR reads DCD, DSR, CTS and no change");

	CHECK(wr(LCR, 0x83), "vuart 16550: LCR write");
	CHECK(rd(RBR) == DIVISOR_RESET && rd(IER) == 0, "vuart 16550: the divisor after reset is 12 (DLL 12, DLM 0)");
	unsigned calls = line_calls;
	wr(0, 0x34);
	wr(1, 0x12);
	CHECK(out_n == 0 && line_calls == calls,
	      "vuart 16550: a DLL write prints nothing, a DLM write enables no interrupt");
	CHECK(rd(0) == 0x34 && rd(1) == 0x12 && rd(LCR) == 0x83,
	      "vuart 16550: with DLAB, offsets 0 and 1 are DLL and DLM, read back");
	wr(LCR, 0x03);
	CHECK(rd(1) == 0 && rd(LCR) == 0x03, "vuart 16550: DLAB clear: offset 1 is IER again (0)");
	wr(THR, 'x');
	CHECK(out_n == 1 && out[0] == 'x', "vuart 16550: DLAB clear: offset 0 is THR, printed");
	wr(IER, 0x01);
	wr(LCR, 0x80);
	CHECK(rd(0) == 0x34 && rd(1) == 0x12, "vuart 16550: the divisor latch kept its value meanwhile");
	wr(LCR, 0x00);
	CHECK(rd(IER) == 0x01, "vuart 16550: and IER kept its own");

	wr(SCR, 0xa5);
	CHECK(rd(SCR) == 0xa5, "vuart 16550: SCR reads back 0xa5");
	wr(SCR, 0x5a);
	CHECK(rd(SCR) == 0x5a, "vuart 16550: SCR reads back 0x5a");
	wr(LCR, 0x5b);
	CHECK(rd(LCR) == 0x5b, "vuart 16550: LCR reads back all 8 bits (0x5b)");
	wr(LCR, 0x03);
	wr(MCR, 0xff);
	CHECK(rd(MCR) == 0x1f, "vuart 16550: MCR reads back DTR, RTS, OUT1, OUT2, LOOP; bits 7:5 read 0 (0x%llx)",
	      (unsigned long long)rd(MCR));
	wr(MCR, 0x0b);
	CHECK(rd(MCR) == 0x0b, "vuart 16550: MCR reads back 0x0b");
	wr(IER, 0xf0);
	CHECK(rd(IER) == 0, "vuart 16550: IER bits 7:4 are not implemented on a 16550A (0xf0 reads 0)");
	wr(IER, 0xff);
	CHECK(rd(IER) == 0x0f, "vuart 16550: IER 0xff reads 0x0f");
	wr(IER, 0);
	wr(LSR, 0x00);
	wr(MSR, 0x00);
	CHECK(rd(LSR) == 0x60 && rd(MSR) == 0xb0, "vuart 16550: writes to LSR and MSR change nothing");

	CHECK(rd(IIR) == 0x01, "vuart 16550: IIR is 0x01 with the FIFOs off and nothing pending");
	wr(FCR, 0x01);
	CHECK(rd(IIR) == 0xc1, "vuart 16550: after FCR=1 IIR is 0xc1 (FIFOs enabled, no interrupt)");
	wr(FCR, 0xc7);
	CHECK(rd(IIR) == 0xc1, "vuart 16550: FCR 0xc7 (FIFOs on, both reset, trigger 14): IIR 0xc1");
	wr(FCR, 0x00);
	CHECK(rd(IIR) == 0x01, "vuart 16550: FCR=0 turns the FIFO bits off again");
	CHECK(line == 0, "vuart 16550: the line is low with IER 0 (after IER 0xff had raised it: THRE)");
}

static void test_receive(void)
{
	struct vm *vm = fresh(33);

	wr(FCR, 0x01);
	CHECK(rd(LSR) == 0x60 && polls == 0,
	      "vuart 16550: LSR with nothing received, and no polling with a console interrupt");
	type(vm, "abc");
	CHECK(rd(LSR) == 0x61, "vuart 16550: LSR.DR with bytes in the ring (0x61)");
	CHECK(line == 0 && rd(IIR) == 0xc1, "vuart 16550: received data with ERBFI clear: no interrupt, line low");
	wr(IER, 0x01);
	CHECK(line == 1, "vuart 16550: ERBFI set with data waiting: the line goes high");
	CHECK(rd(IIR) == 0xc4, "vuart 16550: IIR reports received data available (0xc4)");
	CHECK(rd(IIR) == 0xc4 && line == 1, "vuart 16550: reading IIR does not clear it");
	CHECK(rd(RBR) == 'a', "vuart 16550: RBR gives the first byte");
	CHECK(rd(LSR) == 0x61 && line == 1 && rd(IIR) == 0xc4, "vuart 16550: two left: DR, line still high");
	CHECK(rd(RBR) == 'b' && rd(RBR) == 'c', "vuart 16550: then the others, in order");
	CHECK(rd(LSR) == 0x60, "vuart 16550: LSR.DR clears when the ring is drained");
	CHECK(line == 0 && rd(IIR) == 0xc1, "vuart 16550: drained: the line goes low, IIR 0xc1");
	CHECK(rd(RBR) == 0, "vuart 16550: RBR with nothing received reads 0");

	type(vm, "d");
	CHECK(line == 1 && rd(IIR) == 0xc4, "vuart 16550: a byte arriving raises the line (ERBFI set)");
	wr(IER, 0x00);
	CHECK(line == 0 && rd(IIR) == 0xc1 && rd(LSR) == 0x61,
	      "vuart 16550: ERBFI cleared: the line goes low, the byte still waits (DR)");
	wr(IER, 0x01);
	CHECK(line == 1, "vuart 16550: ERBFI set again: high again");
	wr(LCR, 0x80);
	CHECK(rd(0) == DIVISOR_RESET && rd(LSR) == 0x61 && line == 1,
	      "vuart 16550: with DLAB, offset 0 reads DLL and takes no byte");
	wr(LCR, 0x03);
	wr(FCR, 0x07);
	CHECK(rd(LSR) == 0x61, "vuart 16550: an FCR receive-FIFO reset keeps what was typed");
	CHECK(rd(RBR) == 'd' && line == 0, "vuart 16550: read, the line drops");

	type(vm, "ef");
	vuart_16550_reset(vm);
	CHECK(rd(IER) == 0 && rd(LSR) == 0x61 && vm->vuart.rx_ris,
	      "vuart 16550: a reset keeps pending input (latched; IER 0)");
	wr(IER, 0x01);
	CHECK(line == 1 && rd(IIR) == 0x04, "vuart 16550: after the reset the guest gets it (IIR 0x04, FIFOs off)");
	CHECK(rd(RBR) == 'e' && rd(RBR) == 'f' && line == 0, "vuart 16550: e, f, then low");

	/* A board without a console interrupt: LSR polls the board UART while the ring is empty. */
	vm = fresh(0);
	board_input = "g";
	CHECK(rd(LSR) == 0x61 && polls == 1, "vuart 16550: no console interrupt: LSR polls the input (DR)");
	CHECK(rd(LSR) == 0x61 && polls == 1, "vuart 16550: and does not while a byte waits");
	CHECK(rd(RBR) == 'g' && rd(LSR) == 0x60 && polls == 2, "vuart 16550: polls again once drained");
}

static void test_thre(void)
{
	fresh(33);
	wr(FCR, 0x01);
	wr(THR, 'a');
	CHECK(line != 1 && rd(IIR) == 0xc1, "vuart 16550: a THR write with ETBEI clear: no interrupt");
	wr(IER, 0x02);
	CHECK(line == 1, "vuart 16550: ETBEI 0 -> 1 with THR empty: the line goes high");
	CHECK(rd(IIR) == 0xc2, "vuart 16550: IIR reports THR empty (0xc2)");
	CHECK(line == 0, "vuart 16550: reading IIR that reported it cleared it: line low");
	CHECK(rd(IIR) == 0xc1, "vuart 16550: IIR 0xc1 now");
	wr(IER, 0x02);
	CHECK(line == 0 && rd(IIR) == 0xc1, "vuart 16550: rewriting IER with ETBEI still set is no 0 -> 1: nothing");
	wr(IER, 0x03);
	CHECK(line == 0 && rd(IIR) == 0xc1, "vuart 16550: nor is adding ERBFI to it");
	wr(THR, 'b');
	CHECK(line == 1 && rd(LSR) == 0x60, "vuart 16550: a THR write sets it again (the transmitter empties at once)");
	wr(THR, 'c');
	CHECK(line == 1, "vuart 16550: and another keeps it");
	CHECK(rd(IIR) == 0xc2 && line == 0, "vuart 16550: one IIR read clears it");
	wr(IER, 0x01);
	wr(IER, 0x03);
	CHECK(line == 1 && rd(IIR) == 0xc2 && line == 0, "vuart 16550: ETBEI 1 -> 0 -> 1 sets it again; IIR clears");

	/* Priorities: received data before THR empty, and reading IIR then leaves THRE pending. */
	wr(THR, 'd');
	type(the_vm, "x");
	CHECK(rd(IIR) == 0xc4 && line == 1, "vuart 16550: data and THRE pending: IIR reports data first (0xc4)");
	CHECK(rd(RBR) == 'x', "vuart 16550: the byte");
	CHECK(line == 1 && rd(IIR) == 0xc2, "vuart 16550: THRE was not cleared by the IIR read that reported data");
	CHECK(line == 0 && rd(IIR) == 0xc1, "vuart 16550: now it is");
	wr(THR, 'e');
	wr(IER, 0x00);
	CHECK(line == 0 && rd(IIR) == 0xc1, "vuart 16550: ETBEI cleared with THRE latched: line low, IIR 0xc1");
	CHECK(!strcmp(out, "abcde"), "vuart 16550: every THR byte printed, in order (%s)", out);

	/* Linux's 8250 at startup (serial8250_do_startup): UART_BUG_THRE and UART_BUG_TXEN. */
	uint64_t iir1, iir2, lsr1, iir3;
	wr(IER, 0x02);                 /* serial_port_out_sync(port, UART_IER, UART_IER_THRI) */
	iir1 = rd(IIR);
	wr(IER, 0x00);
	wr(IER, 0x02);
	iir2 = rd(IIR);
	wr(IER, 0x00);
	CHECK(!(iir1 & 1) && !(iir2 & 1), "vuart 16550: Linux's THRE re-assertion test passes (IIR 0x%llx, 0x%llx: no UART_BUG_THRE)",
	      (unsigned long long)iir1, (unsigned long long)iir2);
	wr(IER, 0x02);                 /* "a quick test to see if we receive an interrupt" */
	lsr1 = rd(LSR);
	iir3 = rd(IIR);
	wr(IER, 0x00);
	CHECK((lsr1 & 0x40) && !(iir3 & 1), "vuart 16550: Linux's TX-enable test passes (no UART_BUG_TXEN)");
	CHECK(line == 0, "vuart 16550: line low after it");
}

static void test_refused(void)
{
	uint64_t v;
	bool all = true;

	fresh(33);
	for (unsigned size = 2; size <= 8; size *= 2)
		for (unsigned off = 0; off < 8; off += size) {
			v = 0x41;
			all &= !vuart_16550_access(vc, off, true, &v, size);
			v = 0x12345678;
			all &= !vuart_16550_access(vc, off, false, &v, size);
		}
	CHECK(all && out_n == 0, "vuart 16550: 2-, 4- and 8-byte accesses are refused (reg-shift 0), nothing printed");
	all = true;
	for (unsigned off = 8; off < 0x1000; off++) {
		v = 0x42;
		all &= !vuart_16550_access(vc, off, true, &v, 1);
		all &= !vuart_16550_access(vc, off, false, &v, 1);
	}
	CHECK(all && out_n == 0, "vuart 16550: single bytes at 8..0xfff are refused");
	CHECK(rd(LCR) == 0 && rd(IER) == 0 && rd(SCR) == 0, "vuart 16550: and changed no register");
}

/* Through core's dispatch, as the arch's trap handler calls it. */
static enum emul_result mmio(uint64_t off, bool write, uint64_t val, unsigned size, uint64_t *got)
{
	struct emul_access a = { .ipa = 0x10000000 + off, .val = val, .size = size, .write = write };
	enum emul_result r = emul_mmio(vc, &a);

	if (got)
		*got = a.val;
	return r;
}

static void test_dispatch(void)
{
	uint64_t v;

	fresh(33);
	CHECK(mmio(0, true, 'h', 1, NULL) == EMUL_DONE && out_n == 1 && out[0] == 'h',
	      "vuart 16550: emul_mmio: a byte stored to THR is printed (fast path)");
	CHECK(mmio(0, true, 0x4142, 2, NULL) == EMUL_RAZWI && out_n == 1 && razwi == 1,
	      "vuart 16550: emul_mmio: a 2-byte store at 0 is no register access (RAZ/WI), not printed");
	CHECK(mmio(0, true, 0x41, 8, NULL) == EMUL_RAZWI && out_n == 1,
	      "vuart 16550: emul_mmio: an 8-byte one neither");
	CHECK(mmio(4, false, 0, 4, &v) == EMUL_RAZWI && v == 0, "vuart 16550: emul_mmio: a 4-byte read reads 0");
	CHECK(mmio(0x800, false, 0, 1, &v) == EMUL_RAZWI && v == 0, "vuart 16550: emul_mmio: offset 0x800 reads 0");
	CHECK(mmio(1, false, 0, 2, &v) == EMUL_RAZWI, "vuart 16550: emul_mmio: a misaligned access is RAZ/WI");
	CHECK(mmio(0xffe, true, 0, 2, NULL) == EMUL_RAZWI, "vuart 16550: emul_mmio: a 2-byte one at the window's end too");
	CHECK(mmio(0x1000, false, 0, 1, &v) == EMUL_NONE, "vuart 16550: emul_mmio: past the window: no window");
	mmio(IER, true, 0x02, 1, NULL);
	CHECK(line == 1 && mmio(IIR, false, 0, 1, &v) == EMUL_DONE && v == 0x02 && line == 0,
	      "vuart 16550: emul_mmio: IER, IIR through the dispatch (THRE set, reported, cleared)");
	CHECK(mmio(0, true, 'i', 1, NULL) == EMUL_DONE && line == 1 && out_n == 2,
	      "vuart 16550: emul_mmio: the fast path sets THRE again with ETBEI");
	mmio(LCR, true, 0x80, 1, NULL);
	CHECK(mmio(0, true, 0x07, 1, NULL) == EMUL_DONE && out_n == 2 && mmio(0, false, 0, 1, &v) == EMUL_DONE &&
	      v == 0x07, "vuart 16550: emul_mmio: with DLAB a byte stored at 0 goes to DLL, not out");
	CHECK(foreign == 0, "vuart 16550: emul_mmio: the PL011 model and the interrupt controller never called");
	/* The PLIC window of the same VM still goes to the interrupt controller. */
	struct emul_access a = { .ipa = 0x0c000004, .size = 4 };
	CHECK(emul_mmio(vc, &a) == EMUL_DONE && foreign == 1, "vuart 16550: emul_mmio: the PLIC window is the controller's");
}

/* xorshift64: the sweep is the same on every run. */
static uint64_t rnd(void)
{
	static uint64_t x = 0x9e3779b97f4a7c15ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

static void test_sweep(void)
{
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	struct vm *vm = fresh(0);
	struct vm *before = malloc(sizeof(*vm));
	unsigned wrong_result = 0, wide_value = 0, line_wrong = 0;
	bool same = true;

	if (!before)
		exit(1);
	type(vm, "0123456789");
	memcpy(before, vm, sizeof(*vm));
	for (unsigned pass = 0; pass < 4; pass++)
		for (unsigned off = 0; off < 0x1000; off++)
			for (unsigned s = 0; s < 4; s++) {
				unsigned size = sizes[s];
				bool reg = size == 1 && off < 8;
				uint64_t v = rnd();
				bool write = pass & 1;

				if (pass >= 2) {   /* keep some input flowing and the registers moving */
					if ((v & 0xff) == 0)
						type(vm, "z");
					write = v >> 63;
				}
				if (vuart_16550_access(vc, off, write, &v, size) != reg)
					wrong_result++;
				if (reg && !write && v > 0xff)
					wide_value++;
				if (line_calls && line != line_now())
					line_wrong++;
			}
	/* Then random accesses, mostly at the registers, with input arriving now and then. */
	for (unsigned i = 0; i < 200000; i++) {
		uint64_t r = rnd(), v = rnd();
		unsigned off = (unsigned)((r & 0xf ? (r >> 8) % 16 : (r >> 8) % 0x1000));
		unsigned size = sizes[(r >> 16) & 3];
		bool reg = size == 1 && off < 8, write = (r >> 20) & 1;

		if (((r >> 24) & 0x3ff) == 0)
			type(vm, "yz");
		if (vuart_16550_access(vc, off, write, &v, size) != reg)
			wrong_result++;
		if (reg && !write && v > 0xff)
			wide_value++;
		if (line_calls && line != line_now())
			line_wrong++;
	}
	CHECK(!wrong_result, "vuart 16550: sweep: a register access exactly for 1 byte at 0..7 (%u wrong)",
	      wrong_result);
	CHECK(!wide_value, "vuart 16550: sweep: a register reads at most 8 bits (%u wider)", wide_value);
	CHECK(!line_wrong, "vuart 16550: sweep: the line always what IIR says (%u times not)", line_wrong);
	/* Outside the model's registers, its latch and the ring's read index, nothing changed. */
	struct vuart *a = &vm->vuart, *b = &before->vuart;
	same &= !memcmp((char *)vm, (char *)before, offsetof(struct vm, vuart));
	same &= !memcmp((char *)vm + offsetof(struct vm, vuart) + sizeof(struct vuart),
			(char *)before + offsetof(struct vm, vuart) + sizeof(struct vuart),
			sizeof(*vm) - offsetof(struct vm, vuart) - sizeof(struct vuart));
	same &= !memcmp(&a->regs[V16550_NREGS], &b->regs[V16550_NREGS],
			sizeof(a->regs) - V16550_NREGS * sizeof(a->regs[0]));
	same &= a->kind == b->kind;
	CHECK(same, "vuart 16550: sweep: nothing written outside the 16550's registers in struct vm");
	for (unsigned i = 0; i < V16550_NREGS; i++)
		same &= a->regs[i] <= 0xff;
	CHECK(same, "vuart 16550: sweep: every register holds a byte");
	CHECK(out_total > 0 && polls > 0, "vuart 16550: sweep: it printed (%u bytes) and polled (%u times)",
	      out_total, polls);
	free(before);
}

int test_vuart_16550(void)
{
	test_registers();
	test_receive();
	test_thre();
	test_refused();
	test_dispatch();
	test_sweep();
	free(the_vm);
	free(vc);
	return failures;
}
