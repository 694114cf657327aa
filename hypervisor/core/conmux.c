/*
 * The console multiplexer: one board UART shared by the hypervisor and every VM with a vUART.
 *
 * Output. Each VM has one byte stream (struct con_stream in its struct vm, whatever vCPU wrote),
 * the hypervisor another (its messages and its shell). A byte goes out as soon as it is written,
 * in one of two modes:
 *
 *  - tagged (the default): plain text for a terminal. A line starts with "[vm] " (nothing for
 *    the hypervisor, whose lines say "partita: "); while one stream's line is open, the others
 *    wait until it ends or has been idle for CON_IDLE_MS, and then that line is ended and
 *    theirs start on a fresh one, so lines never mix and a prompt shows at once. A waiting
 *    stream is picked up by the next write or by the hypervisor timer armed for the moment
 *    the open line turns idle. Lines are never cut by length. Console hygiene (docs/security.md):
 *    a VM's non-printable bytes are shown as \xHH, CR is dropped. When VM output or a
 *    hypervisor message ends the shell's line early (the user is typing in it), the line is
 *    printed again below it, prompt and all, once the console is quiet (view_*).
 *  - mux (docs/console.md): every stream's bytes in frames of its channel (hypervisor/lib/mux.c),
 *    unchanged, for `partita console` on the host (or any client) to split into one terminal
 *    per VM. The hypervisor starts in tagged mode and switches when a client says hello; each
 *    hello (a client that reconnects) replays the last CON_STREAM bytes of every stream.
 *
 * Input. Tagged mode: bytes go to the VM with the input focus (or to the hypervisor shell);
 * Ctrl-] moves the focus on, counting from the focus the user has seen announced (focus_key).
 * Mux mode: each frame's bytes go to its channel. Every VM has a receive ring of VUART_RX bytes;
 * when the ring the next byte is for is full, the hypervisor stops reading the board UART and
 * masks its receive interrupt: the bytes wait in the UART and on the host side (QEMU stops
 * reading its input), and nothing is lost. A VM reading its vUART makes room and input resumes;
 * for a VM that is off or halted nothing waits: what does not fit its ring is dropped
 * (must_wait), so that it cannot hold up the others' input.
 *
 * Locks: con_lock serialises output (the streams, the UART's transmitter, the tagged-mode line
 * state); input_lock the input side (focus, receive rings, decoder, shell line). Output never
 * takes input_lock; input may print.
 */
#include <partita/mux.h>
#include <hyp/arch.h>
#include <hyp/console.h>
#include <hyp/timer.h>
#include <hyp/uart.h>
#include <hyp/vm.h>

#define CTRL_RIGHT_BRACKET 0x1d
#define CON_IDLE_MS        20
#define FOCUS_NONE         (-1)
#define FOCUS_SETTLE_MS    500   /* nobody reacts to an announcement faster (focus_key) */
#define MUX_CHUNK          64
#define VIEW_MAX           128   /* the shell's prompt and line (9 + SHELL_LINE) fit */

enum con_mode { MODE_TAGGED, MODE_MUX };

static spinlock_t con_lock, input_lock;
static enum con_mode mode;
static struct con_stream hyp_stream;
static int open_line = -1;      /* tagged: the stream whose line is open; -1: none */
static uint64_t idle_ticks, settle_ticks;

/*
 * Tagged mode, under con_lock: the hypervisor's open line as the terminal shows it, so that it
 * can be put back when other output ended it early. In practice that line is the shell's prompt
 * and what is typed after it, echoed as printable bytes and "\b \b" for a backspace. Only the
 * hypervisor's own bytes go in here.
 */
struct line_view {
	char text[VIEW_MAX];
	unsigned len, cur;              /* columns written; the cursor's column */
	bool wide;                      /* it outgrew text[]: it is not put back */
};
static struct line_view view, view_kept;
static bool view_cut;           /* ended early for other output: put back before going on */
static uint64_t vm_shown;       /* counter when a VM's byte was last printed */

/* Input side, under input_lock. */
static int focus = FOCUS_NONE;  /* a VM index, pt_config.nvms for the shell, or FOCUS_NONE */
static int moved_from = FOCUS_NONE;   /* the focus an automatic move left (focus_key) */
static uint64_t moved_at;       /* when it moved */
static bool input_stalled;      /* the next byte has nowhere to go: UART left unread */
static struct mux_decoder dec;
static unsigned hello_pos;      /* tagged: bytes of a client's hello matched (and held) so far */
/*
 * What a client sends to say hello: MUX_PREAMBLE (two 0xff bytes, which no keyboard sends and a
 * frame decoder skips as noise between frames), then the hello frame, exactly (no byte in it
 * needs escaping).
 */
static const uint8_t hello_seq[] = { 0xff, 0xff, MUX_FLAG, MUX_CH_CTRL, MUX_CTRL_HELLO, 'p', 'a', 'r',
				 't', 'i', 't', 'a', '-', 'm', 'u', 'x', ' ', '1', MUX_FLAG };

static unsigned nstreams(void) { return 1 + pt_config.nvms; }

static struct con_stream *stream(unsigned s)
{
	return s == 0 ? &hyp_stream : &vms[s - 1].out;
}

/* ---- output ------------------------------------------------------------------------------- */

static void raw(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		uart_putc(s[i]);
}

static void raw_str(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

enum { ESC_NONE, ESC_SEEN, ESC_CSI };
#define CSI_MAX 32

/*
 * Does the keyboard go to the shell? Read without input_lock (output never takes it): it only
 * decides whether the shell's line is shown again, and a focus change announces itself anyway.
 */
static bool shell_focused(void)
{
	return pt_config.shell && READ_ONCE(focus) == (int)pt_config.nvms;
}

/* One byte of the hypervisor's stream went to the terminal: follow it on the line view. */
static void view_put(uint8_t c)
{
	if (c == '\n') {
		view.len = view.cur = 0;
		view.wide = false;
	} else if (c == '\r') {
		view.cur = 0;
	} else if (c == '\b') {
		if (view.cur)
			view.cur--;
	} else if (view.cur < VIEW_MAX) {
		view.text[view.cur++] = (char)c;
		if (view.cur > view.len)
			view.len = view.cur;
	} else {
		view.wide = true;
	}
}

/*
 * The hypervisor's open line has just been ended early ("\r\n" is out). It is put back later
 * if it is the shell's and the shell has the keyboard; any other is simply over.
 */
static void view_end(void)
{
	view_cut = shell_focused() && view.len && !view.wide;
	if (!view_cut)
		view_put('\n');
}

/*
 * Print the cut line again on a fresh line: its text without the blanks right of the cursor
 * (erased characters), then the cursor back where it was. The line is the hypervisor's again.
 */
static void view_redraw(void)
{
	unsigned len = view.len;

	while (len > view.cur && view.text[len - 1] == ' ')
		len--;
	raw(view.text, len);
	for (unsigned i = view.cur; i < len; i++)
		uart_putc('\b');
	view.len = len;
	view_cut = false;
	open_line = 0;
}

/* Tagged mode: print one byte of stream s (tag first at a line's start, hygiene for VMs). */
static void show(unsigned s, uint8_t c)
{
	static const char hex[] = "0123456789abcdef";

	if (open_line < 0) {
		if (s) {
			raw_str("[");
			raw_str(pt_config.vms[s - 1].name);
			raw_str("] ");
		} else if (view_cut) {
			view_redraw();   /* the shell's line first, then what is typed into it */
		}
		open_line = (int)s;
	}
	if (s)
		vm_shown = timer_now();
	else
		view_put(c);
	if (c == '\n') {
		raw("\r\n", 2);
		open_line = -1;
	} else if (!s || (c >= 0x20 && c < 0x7f) || c == '\t') {
		uart_putc((char)c);
	} else {
		char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 0xf] };
		raw(esc, 4);
	}
}

/*
 * Tagged mode: one byte of stream s, which may now print. A VM's CR, XON and XOFF are dropped.
 * Its control sequences (ESC [ ... final byte: cursor moves, colours, the cursor position query
 * a shell sends) would act on the shared terminal: they are dropped whole. Any other ESC is
 * shown as \x1b, like every other control byte.
 */
static void tagged_byte(unsigned s, uint8_t c)
{
	struct con_stream *st = stream(s);

	if (!s) {
		show(s, c);
		return;
	}
	if (st->esc == ESC_SEEN) {
		st->esc = ESC_NONE;
		if (c == '[') {
			st->esc = ESC_CSI;
			st->esc_len = 0;
			return;
		}
		show(s, 0x1b);
	} else if (st->esc == ESC_CSI) {
		if (c >= 0x40 && c <= 0x7e) {
			st->esc = ESC_NONE;   /* the final byte */
			return;
		}
		if (c >= 0x20 && c < 0x40 && ++st->esc_len < CSI_MAX)
			return;               /* parameters and intermediates */
		st->esc = ESC_NONE;           /* not a well-formed CSI: show what follows */
	}
	if (c == 0x1b) {
		st->esc = ESC_SEEN;
		return;
	}
	/* CR: we end lines ourselves. XON/XOFF: the VM's flow control of its own (virtual) link,
	 * which Linux's tty sends when a paste fills its buffer: nothing for the terminal. */
	if (c == '\r' || c == 0x11 || c == 0x13)
		return;
	show(s, c);
}

static void tagged_pump(bool force)
{
	uint64_t now = timer_now();
	bool waiting = false;
	unsigned n = nstreams(), first = open_line >= 0 ? (unsigned)open_line : 0;

	for (unsigned k = 0; k < n; k++) {
		unsigned s = (first + k) % n;
		struct con_stream *st = stream(s);

		while (st->sent != st->head) {
			if (open_line >= 0 && (unsigned)open_line != s) {
				if (!force && now - stream((unsigned)open_line)->last < idle_ticks) {
					waiting = true;
					break;
				}
				raw("\r\n", 2);   /* the idle line ends here; it goes on tagged */
				if (open_line == 0)
					view_end();
				open_line = -1;
			}
			tagged_byte(s, st->ring[st->sent++ % CON_STREAM]);
		}
	}
	if (waiting) {
		timer_arm(stream((unsigned)open_line)->last + idle_ticks);
	} else if (view_cut && open_line < 0 && !force) {
		/* The shell's line comes back once the VMs have been quiet for a moment, so that a
		 * burst of their lines is not interleaved with copies of it. (Not in a forced pump:
		 * a message is about to follow, and the pump(false) after it decides.) */
		now = timer_now();
		if (now - vm_shown >= idle_ticks)
			view_redraw();
		else
			timer_arm(vm_shown + idle_ticks);
	}
}

static void mux_frame(unsigned ch, const uint8_t *p, size_t len)
{
	uint8_t out[MUX_FRAME_MAX(MUX_CHUNK)];

	raw((const char *)out, mux_encode((uint8_t)ch, p, len, out));
}

/* Mux mode: stream s from byte `from` (at least head - CON_STREAM) to its head, in frames. */
static void mux_send(unsigned s, uint32_t from)
{
	struct con_stream *st = stream(s);
	uint8_t chunk[MUX_CHUNK];

	while (from != st->head) {
		size_t n = 0;
		while (n < MUX_CHUNK && from != st->head)
			chunk[n++] = st->ring[from++ % CON_STREAM];
		mux_frame(s, chunk, n);
	}
	st->sent = st->head;
}

static void pump(bool force)
{
	if (mode == MODE_MUX) {
		for (unsigned s = 0; s < nstreams(); s++)
			if (stream(s)->sent != stream(s)->head)
				mux_send(s, stream(s)->sent);
	} else {
		tagged_pump(force);
	}
}

/*
 * Append to a stream under con_lock; a full ring is printed at once, whoever's line is open. The
 * caller stamps st->last when it has written what it had (a forced pump does not look at it).
 */
static void stream_put(struct con_stream *st, uint8_t c)
{
	if (st->head - st->sent >= CON_STREAM)
		pump(true);
	st->ring[st->head++ % CON_STREAM] = c;
}

void conmux_vm_out(struct vm *vm, uint8_t c)
{
	uint64_t now = timer_now();   /* when the VM wrote it (st->last) */
	struct con_stream *st = &vm->out;
	int s = (int)vm->index + 1;

	spin_lock(&con_lock);
	if (mode == MODE_TAGGED && (open_line == s || open_line < 0) && st->sent == st->head) {
		/* The usual case: the console is this VM's and nothing of its waits. Print now. */
		st->ring[st->head++ % CON_STREAM] = c;
		st->sent = st->head;
		st->last = now;
		if (open_line == s && c >= 0x20 && c < 0x7f && st->esc == ESC_NONE) {
			uart_putc((char)c);   /* mid-line, printable */
			vm_shown = now;
		} else
			tagged_byte((unsigned)s, c);
		if (c == '\n')
			pump(false);   /* a line ended: whoever waited for it goes now */
	} else {
		stream_put(st, c);
		st->last = now;
		pump(false);
	}
	spin_unlock(&con_lock);
}

/* The hypervisor's own text: printk (events, also kept for the shell's `log`) and the shell. */
static char log_ring[2048];
static uint32_t log_head;

void conmux_hyp_out(const char *s, size_t n, bool log)
{
	bool resume = false;

	spin_lock(&con_lock);
	/*
	 * A hypervisor message reports an event: what the VMs wrote before it goes out first,
	 * even if a line has to be ended early ("vm 'x' off" after x's last words, not before).
	 * In tagged mode it goes on a line of its own, below the shell's line if that is open,
	 * and the shell's line comes back after it.
	 */
	if (log) {
		pump(true);
		if (mode == MODE_TAGGED) {
			if (open_line == 0) {
				raw("\r\n", 2);
				view_end();
				open_line = -1;
			}
			resume = view_cut;
			view_kept = view;
			view_cut = false;   /* after the message, not before it */
		}
	}
	for (size_t i = 0; i < n; i++) {
		stream_put(&hyp_stream, (uint8_t)s[i]);
		if (log)
			log_ring[log_head++ % sizeof(log_ring)] = s[i];
	}
	hyp_stream.last = timer_now();   /* once: the message went in as one write */
	pump(false);
	/* Everything else was printed before it: the message is out whole, its line ended. */
	if (resume && open_line < 0 && shell_focused()) {
		view = view_kept;
		view_redraw();
	}
	spin_unlock(&con_lock);
}

size_t conmux_log_copy(char *buf, size_t size)
{
	size_t n = 0;
	uint32_t from;

	spin_lock(&con_lock);
	from = log_head > sizeof(log_ring) ? log_head - (uint32_t)sizeof(log_ring) : 0;
	if (from) {   /* the ring wrapped: start at the first whole line */
		while (from != log_head && log_ring[from % sizeof(log_ring)] != '\n')
			from++;
		if (from != log_head)
			from++;
	}
	for (; from != log_head && n + 1 < size; from++)
		buf[n++] = log_ring[from % sizeof(log_ring)];
	spin_unlock(&con_lock);
	buf[n] = '\0';
	return n;
}

/* The idle timer fired: a stream waits behind a line that went quiet. */
static void idle_timer(void)
{
	timer_disarm();
	spin_lock(&con_lock);
	pump(false);
	spin_unlock(&con_lock);
}

/* ---- input -------------------------------------------------------------------------------- */

static int focus_after(int from)
{
	int n = (int)pt_config.nvms + (pt_config.shell ? 1 : 0);

	for (int k = 1; k <= n; k++) {
		int f = (from + k + n) % n;   /* from may be FOCUS_NONE */
		if (f == (int)pt_config.nvms)
			return f;   /* the shell */
		if (pt_config.vms[f].console && READ_ONCE(vms[f].state) != VM_HALTED &&
		    READ_ONCE(vms[f].state) != VM_OFF)
			return f;
	}
	return FOCUS_NONE;
}

/* core/shell.c: the prompt and the line typed so far, under input_lock (hyp/console.h has the
 * shell's other entry points). */
void shell_redraw(void);

/* Under input_lock (or at boot): focus changes and their announcements keep one order. */
static void set_focus(int f)
{
	WRITE_ONCE(focus, f);
}

static void say_focus(void)
{
	if (focus == FOCUS_NONE)
		printk("partita: console input -> nobody (no VM with a console is running)\n");
	else if (focus == (int)pt_config.nvms) {
		printk("partita: console input -> hypervisor shell (type help; Ctrl-] moves on)\n");
		shell_redraw();   /* a line left half-typed there is shown again */
	}
	else
		printk("partita: console input -> vm '%s'\n", pt_config.vms[focus].name);
}

/*
 * Ctrl-]: the focus moves on from the one the user saw announced. An automatic move (the VM with
 * the focus stopped) less than FOCUS_SETTLE_MS ago cannot have been seen yet: a key pressed at
 * that moment was meant for the focus before it, and moving on from that one lands where the
 * automatic move went (said again), not one step further, which would send what is typed next
 * to the wrong place. The next Ctrl-] counts normally.
 */
static void focus_key(void)
{
	int from = focus;

	if (moved_from != FOCUS_NONE && timer_now() - moved_at < settle_ticks)
		from = moved_from;
	moved_from = FOCUS_NONE;
	set_focus(focus_after(from));
	say_focus();   /* now, before anything typed after it is echoed */
}

/* Where the next received byte goes: a VM index, or -1 for the shell or nowhere in particular. */
static int input_dest(void)
{
	if (mode == MODE_MUX) {
		int ch = mux_decoder_channel(&dec);
		return ch >= 1 && ch <= (int)pt_config.nvms ? ch - 1 : -1;
	}
	return focus >= 0 && focus < (int)pt_config.nvms ? focus : -1;
}

static bool rx_room(const struct vm *vm)
{
	return vm->vuart.rx_head - vm->vuart.rx_tail < VUART_RX;
}

/*
 * Input for VM d must wait in the UART: its ring is full and it will read it (running, or
 * restarting). A VM that is off or halted reads nothing: waiting for it would hold up the other
 * VMs' input (mux mode, head-of-line) until someone starts it, so what does not fit is dropped.
 */
static bool must_wait(int d)
{
	uint32_t state;

	if (d < 0 || !pt_config.vms[d].console || rx_room(&vms[d]))
		return false;
	state = READ_ONCE(vms[d].state);
	return state == VM_RUNNING || state == VM_RESETTING;
}

static void rx_push(int vm_index, uint8_t c)
{
	struct vm *vm = &vms[vm_index];

	if (!pt_config.vms[vm_index].console || !rx_room(vm))
		return;
	vm->vuart.rx[vm->vuart.rx_head++ % VUART_RX] = c;
	vuart_rx_arrived(vm);
}

static void tagged_input(uint8_t c)
{
	if (c == CTRL_RIGHT_BRACKET) {
		focus_key();
		return;
	}
	if (focus == (int)pt_config.nvms)
		shell_input(c);
	else if (focus >= 0)
		rx_push(focus, c);
}

static void mux_frame_in(bool *hello)
{
	if (dec.channel == MUX_CH_CTRL) {
		if (dec.len >= 1 && dec.payload[0] == MUX_CTRL_HELLO)
			*hello = true;
		return;
	}
	/* Payload bytes were delivered as they came (mux_byte); nothing left to do. */
}

static void mux_byte(uint8_t c, bool *hello)
{
	int before = mux_decoder_channel(&dec);
	uint32_t len = dec.len;

	if (mux_decode(&dec, c) == MUX_FRAME) {
		mux_frame_in(hello);
		return;
	}
	/* A payload byte of a data channel goes on at once (typed keys must not wait for FLAG). */
	if (before >= 0 && mux_decoder_channel(&dec) == before && dec.len == len + 1 &&
	    before != MUX_CH_CTRL) {
		uint8_t b = dec.payload[dec.len - 1];
		dec.len--;   /* consumed: keeps long interactive frames from overflowing */
		if (before == MUX_CH_HYP)
			shell_input(b);
		else if (before <= (int)pt_config.nvms)
			rx_push(before - 1, b);
	}
}

/* Bytes held as a possible hello that turned out not to be one go where typing goes. */
static void release_held(void)
{
	unsigned held = hello_pos;

	hello_pos = 0;
	for (unsigned i = 0; i < held; i++)
		tagged_input(hello_seq[i]);
}

static void input_byte(uint8_t c, bool *hello)
{
	if (mode == MODE_MUX) {
		mux_byte(c, hello);
		return;
	}
	/*
	 * Tagged: a mux client's hello switches modes. Bytes that begin like it (0xff, never
	 * typed) are held until one does not match, then delivered after all.
	 */
	if (hello_pos || c == hello_seq[0]) {
		if (c == hello_seq[hello_pos]) {
			if (++hello_pos == sizeof(hello_seq)) {
				hello_pos = 0;
				*hello = true;
			}
			return;
		}
		release_held();
		if (c == hello_seq[0]) {
			input_byte(c, hello);
			return;
		}
	}
	tagged_input(c);
}

/* Names for the client, then everything each stream still holds. Under con_lock. */
static void mux_hello(void)
{
	uint8_t names[MUX_MAX_PAYLOAD];
	size_t n = 0;

	names[n++] = MUX_CTRL_NAMES;
	for (unsigned s = 0; s < nstreams(); s++) {
		const char *name = s ? pt_config.vms[s - 1].name : "hypervisor";
		size_t len = strlen(name);
		if (n + 2 + len > sizeof(names)) {
			mux_frame(MUX_CH_CTRL, names, n);
			n = 1;
		}
		names[n++] = (uint8_t)s;
		memcpy(&names[n], name, len + 1);
		n += len + 1;
	}
	mux_frame(MUX_CH_CTRL, names, n);
	for (unsigned s = 0; s < nstreams(); s++) {
		struct con_stream *st = stream(s);
		mux_send(s, st->head > CON_STREAM ? st->head - CON_STREAM : 0);
	}
}

void conmux_poll_input(void)
{
	bool hello = false;
	char command[SHELL_LINE];
	bool stalled, have_command;
	int c;

	spin_lock(&input_lock);
	for (;;) {
		if (must_wait(input_dest()))
			break;   /* leave it in the UART: backpressure */
		if ((c = console_getc()) < 0)
			break;
		input_byte((uint8_t)c, &hello);
		if (hello || shell_pending())
			break;   /* switch modes, or run the command, before reading on */
	}
	if (hello && mode == MODE_TAGGED) {
		mode = MODE_MUX;
		mux_decoder_init(&dec);
	}
	have_command = shell_take(command, sizeof(command));
	stalled = must_wait(input_dest());
	if (stalled != input_stalled) {
		input_stalled = stalled;
		uart_rx_irq(!stalled);
	}
	spin_unlock(&input_lock);

	if (hello) {
		spin_lock(&con_lock);
		open_line = -1;
		mux_hello();
		spin_unlock(&con_lock);
		if (pt_config.shell) {
			spin_lock(&input_lock);
			shell_redraw();
			spin_unlock(&input_lock);
		}
		conmux_poll_input();   /* what came after the hello, framed */
	}
	if (have_command) {
		shell_execute(command);   /* outside input_lock: it may stop VMs, which moves focus */
		conmux_poll_input();      /* and what was typed after it */
	}
}

int conmux_vm_getc(struct vm *vm)
{
	struct vuart *u = &vm->vuart;
	int c = -1;
	bool resume;

	spin_lock(&input_lock);
	if (u->rx_head != u->rx_tail)
		c = u->rx[u->rx_tail++ % VUART_RX];
	resume = input_stalled;
	spin_unlock(&input_lock);
	if (resume)
		conmux_poll_input();   /* room again: take what waits in the UART */
	return c;
}

bool conmux_vm_rx_empty(struct vm *vm)
{
	return READ_ONCE(vm->vuart.rx_head) == READ_ONCE(vm->vuart.rx_tail);
}

void conmux_vm_stopped(struct vm *vm)
{
	bool any_up = false, stalled;

	for (unsigned i = 0; i < pt_config.nvms; i++)
		if (READ_ONCE(vms[i].state) == VM_RUNNING || READ_ONCE(vms[i].state) == VM_RESETTING)
			any_up = true;
	if (!any_up)
		return;   /* the machine is about to switch itself off: nothing to type into */
	/*
	 * Only the VM that has the focus moves it, and it says so under input_lock: a Ctrl-] is
	 * handled wholly before or wholly after, and the announcements come in the order of the
	 * moves. A Ctrl-] that comes soon after counts from here (focus_key).
	 */
	spin_lock(&input_lock);
	if (focus == (int)vm->index) {
		moved_from = focus;
		moved_at = timer_now();
		set_focus(focus_after(focus));
		say_focus();
	}
	stalled = input_stalled;
	spin_unlock(&input_lock);
	/*
	 * Input may have waited for this VM's full ring: now it goes to the new focus (tagged) or,
	 * for this VM, is dropped (mux). Nobody else would look: this VM will never read again.
	 */
	if (stalled)
		conmux_poll_input();
}

void conmux_timer(void)
{
	idle_timer();
}

bool hyp_device_irq(uint32_t intid)
{
	if (pt_config.console_intid && intid == pt_config.console_intid) {
		conmux_poll_input();   /* reads the board UART (or masks it), which lowers its line */
		return true;
	}
	return false;
}

void conmux_init(void)
{
	idle_ticks = timer_freq() / 1000 * CON_IDLE_MS;
	settle_ticks = timer_freq() / 1000 * FOCUS_SETTLE_MS;
	mux_decoder_init(&dec);
	set_focus(pt_config.console_focus < pt_config.nvms ? (int)pt_config.console_focus
							    : focus_after(FOCUS_NONE));
	if (focus == (int)pt_config.nvms && !pt_config.shell)
		set_focus(FOCUS_NONE);
	if (pt_config.console_intid) {
		arch_irq_hyp(pt_config.console_intid);
		uart_rx_irq(true);
	}
	if (focus != FOCUS_NONE)
		say_focus();
}
