/*
 * Channel commands: messages over this VM's first channel (its device tree's first
 * `partita,channel` node) with the ptchan library (samples/guests/channel, docs/channels.md),
 * woken by the doorbell interrupt, never by polling (both architectures: the doorbell is rung with
 * chan_notify(), guest.h, and taken by irq.c's or riscv64/irq.c's irq_doorbell()):
 *
 *   chan-echo=N   answer N messages (0: for ever), each upper-cased, then print how many; gives
 *                 up after 120 s without a first message or 5 s without the next
 *   chan-send=N   send N messages of 1..1000 bytes (a pattern that says which), wait for each
 *                 answer and check it is the message upper-cased; print the count and the mean
 *                 round trip in counter ticks
 *   chan-size=S   chan-send's messages are S bytes each from now on (0: back to 1..1000)
 *
 * And a noisy neighbour's tools, for the tests that check a peer cannot slow a VM down:
 *
 *   bell-storm=MS ring the peer's doorbell of the first channel in a loop for MS ms; print
 *                 "bell-storm: N doorbells rung"
 *   bell-dud=MS   the same loop with a channel end that does not exist (refused, posts nothing):
 *                 the storm's own cost, without the storm
 *   bell-listen   enable the first channel's doorbell interrupt (counted) and unmask interrupts
 *   bell-count    print "doorbells: N taken"
 */
#include "fdt.h"
#include "guest.h"
#include "irq.h"
#include "uart.h"
#include "../channel/ptchan.h"

#define MSG_MAX 1000               /* chan-send's sizes cycle through 1..MSG_MAX */

static struct ptchan chan;
static uint32_t fixed_size;
static unsigned chan_index;
static uint8_t msg[PTCHAN_MAX_MSG], reply[PTCHAN_MAX_MSG];

static void ring(void);

/* Open the first channel; 0 when the VM has none. */
static int chan_open(void)
{
	const struct fdt_channel *c = &guest_dt.channels[0];

	if (!guest_dt.nchannels || ptchan_open(&chan, (void *)c->base, c->size, c->endpoint) != 0) {
		puts("chan: no usable channel in the device tree\n");
		return 0;
	}
	chan_index = c->index;
	irq_doorbell(c->intid);
	ring();   /* we (re)opened: a peer waiting on an answer from our previous life may look */
	return 1;
}

static void ring(void)
{
	publish();   /* the message before the doorbell */
	chan_notify(chan_index);
}

/*
 * Wait for a message: sleep until an interrupt (the doorbell) while none is there. Interrupts
 * are masked around the check, so a doorbell between it and the WFI is not lost.
 */
static uint32_t wait_msg(uint64_t timeout_ticks)
{
	uint64_t end = vcount() + timeout_ticks;
	uint32_t len;

	irqs_off();
	while (!(len = ptchan_next_len(&chan)) && vcount() < end) {
		wait_irq();
		irqs_on();
		irqs_off();
	}
	irqs_on();
	return len;
}

static uint8_t upper(uint8_t c)
{
	return c >= 'a' && c <= 'z' ? (uint8_t)(c - 'a' + 'A') : c;
}

static void echo(uint64_t n, uint64_t tpm)
{
	uint64_t served = 0;

	/* The peer may take a while to boot (Linux: some seconds): the first wait is long. */
	while ((n == 0 || served < n) && (n == 0 || wait_msg((served ? 5000 : 120000) * tpm))) {
		if (n == 0 && !wait_msg(~0ull >> 2))
			continue;
		int len = ptchan_recv(&chan, msg, sizeof(msg));
		if (len <= 0)
			continue;
		for (int i = 0; i < len; i++)
			msg[i] = upper(msg[i]);
		while (ptchan_send(&chan, msg, (uint32_t)len) != 0)
			wait_irq();   /* the ring is full: the peer rings when it has read */
		ring();
		served++;
	}
	line("chan-echo: ", served, 0, " messages answered\n");
}

static void send(uint64_t n, uint64_t tpm)
{
	uint64_t ok = 0, start = vcount();

	for (uint64_t k = 0; k < n; k++) {
		uint32_t len = fixed_size ? fixed_size : 1 + (uint32_t)((k * 97) % MSG_MAX);
		for (uint32_t i = 0; i < len; i++)
			msg[i] = (uint8_t)("abcdefghijklmnopqrstuvwxyz0123456789"[(k + i) % 36]);
		while (ptchan_send(&chan, msg, len) != 0)
			wait_irq();
		ring();
		if (wait_msg(5000 * tpm) != len || ptchan_recv(&chan, reply, sizeof(reply)) != (int)len) {
			line("chan-send: no answer to message ", k, 0, "\n");
			break;
		}
		int same = 1;
		for (uint32_t i = 0; i < len; i++)
			same &= reply[i] == upper(msg[i]);
		ok += (uint64_t)same;
	}
	line("chan-send: ", n, 0, " messages");
	if (fixed_size)
		line(" of ", fixed_size, 0, " bytes");
	puts(", ");
	line("", ok, 0, " answers intact");
	if (n)
		line(", round trip ", (vcount() - start) / n, 0, " ticks\n");
	else
		putc('\n');
}

/* Ring channel end `index` in a loop for MS ms: the same traps and pauses whether it exists. */
static void bell_storm(const char *what, uint64_t index, uint64_t ms, uint64_t tpm)
{
	uint64_t now = vcount(), end = now + ms * tpm, step = tpm / 50, next = now + step, n = 0;

	while (now < end) {
		chan_notify(index);
		n++;
		now = vcount();
		/*
		 * QEMU 7.2's round-robin under -icount needs a yield now and then; every 20 us of
		 * virtual time, not every so many rings, so that how long a ring takes here does not
		 * change how the other CPU's time is measured.
		 */
		if (now >= next) {
			relax();
			next = now + step;
		}
	}
	puts(what);
	line(": ", n, 0, " doorbells rung\n");
}

int chan_command(const char *w, const char **a, uint64_t tpm)
{
	if (word_is(w, "bell-storm=", a)) {
		uint64_t ms = number(*a, a);
		if (guest_dt.nchannels)
			bell_storm("bell-storm", guest_dt.channels[0].index, ms, tpm);
		else
			puts("bell-storm: no channel in the device tree\n");
	} else if (word_is(w, "bell-dud=", a)) {
		bell_storm("bell-dud", 0xffff, number(*a, a), tpm);   /* no such end: refused */
	} else if (word_is(w, "bell-listen", a)) {
		if (guest_dt.nchannels) {
			irq_doorbell(guest_dt.channels[0].intid);
			irqs_on();
		}
	} else if (word_is(w, "bell-count", a)) {
		line("doorbells: ", irq_doorbell_count(), 0, " taken\n");
	} else if (word_is(w, "chan-size=", a)) {
		uint64_t sz = number(*a, a);
		fixed_size = sz > PTCHAN_MAX_MSG ? PTCHAN_MAX_MSG : (uint32_t)sz;
	} else if (word_is(w, "chan-echo=", a)) {
		uint64_t n = number(*a, a);
		if (chan_open())
			echo(n, tpm);
	} else if (word_is(w, "chan-send=", a)) {
		uint64_t n = number(*a, a);
		if (chan_open())
			send(n, tpm);
	} else {
		return 0;
	}
	return 1;
}
