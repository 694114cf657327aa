/*
 * The channel message library (samples/guests/channel/ptchan.c), both endpoints in one process on
 * one window: messages of every size arrive whole and in order across many ring wraps, a full
 * ring refuses instead of overwriting, a reopened endpoint drops what was sent to its previous
 * life and the peer notices, and a hostile peer's garbage (wild indexes, lengths) is refused
 * without reading or writing outside the window.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../../samples/guests/channel/ptchan.h"
#include "check.h"
#include "test_ptchan.h"

static int failures;

static unsigned long rng = 777;
static uint32_t rnd(void)
{
	rng = rng * 6364136223846793005ul + 1442695040888963407ul;
	return (uint32_t)(rng >> 33);
}

int test_ptchan(void)
{
	size_t size = 16384;
	/* Guard bytes on both sides of the window: nothing may touch them. */
	uint8_t *mem = malloc(size + 2 * 4096), *win = mem + 4096;
	struct ptchan a, b;
	uint8_t msg[PTCHAN_MAX_MSG], got[PTCHAN_MAX_MSG];
	int n;

	memset(mem, 0xa5, size + 2 * 4096);
	memset(win, 0, size);
	CHECK(ptchan_ring_size(4096) == 1024 && ptchan_ring_size(16384) == 4096 &&
	      ptchan_ring_size(600) == 0, "ptchan: ring sizes for 4 KiB, 16 KiB and too small windows");
	CHECK(ptchan_open(&a, win, size, 0) == 0 && ptchan_open(&b, win, size, 1) == 0 &&
	      ptchan_open(&b, win, size, 2) == -1, "ptchan: endpoints 0 and 1 open, 2 does not");
	ptchan_open(&b, win, size, 1);

	CHECK(ptchan_recv(&b, got, sizeof(got)) == 0, "ptchan: nothing to receive at first");
	CHECK(ptchan_send(&a, "hello", 5) == 0 && ptchan_next_len(&b) == 5 &&
	      ptchan_recv(&b, got, sizeof(got)) == 5 && !memcmp(got, "hello", 5),
	      "ptchan: a message from 0 reaches 1");
	CHECK(ptchan_send(&b, "", 0) == -1 && ptchan_recv(&a, got, sizeof(got)) == 0,
	      "ptchan: an empty message is refused (0 from recv means none waits)");

	/* Many messages of random sizes, interleaved, both ways: whole and in order. */
	bool ok = true;
	uint32_t sent = 0, recvd = 0, seq_tx = 0, seq_rx = 0;
	for (int round = 0; round < 20000 && ok; round++) {
		if (rnd() % 2) {
			uint32_t len = 4 + rnd() % 600;
			for (uint32_t i = 0; i < len; i++)
				msg[i] = (uint8_t)(seq_tx * 7 + i);
			memcpy(msg, &seq_tx, 4);
			if (ptchan_send(&a, msg, len) == 0)
				seq_tx++, sent++;
		} else {
			n = ptchan_recv(&b, got, sizeof(got));
			if (n > 0) {
				uint32_t s;
				memcpy(&s, got, 4);
				ok = s == seq_rx;
				for (int i = 4; ok && i < n; i++)
					ok = got[i] == (uint8_t)(s * 7 + (uint32_t)i);
				seq_rx++, recvd++;
			}
		}
	}
	while ((n = ptchan_recv(&b, got, sizeof(got))) > 0)
		recvd++;
	CHECK(ok && sent == recvd && sent > 5000, "ptchan: %u random-size messages, whole and in order", sent);

	/* A full ring refuses; nothing is overwritten. */
	memset(msg, 'z', 500);
	int k = 0;
	while (ptchan_send(&a, msg, 500) == 0)
		k++;
	CHECK(k == 4096 / 504 && ptchan_tx_space(&a) < 504, "ptchan: a full ring refuses (%d messages fit)", k);
	CHECK(ptchan_send(&a, msg, PTCHAN_MAX_MSG + 1) == -1, "ptchan: a message over the maximum is refused");
	CHECK(ptchan_recv(&b, got, 100) == -1 && ptchan_next_len(&b) == 500 &&
	      ptchan_recv(&b, got, sizeof(got)) == 500, "ptchan: a buffer too small leaves the message");

	/* Reopen: endpoint 1 restarts; what 0 sent to its previous life is gone, 0 sees the reset. */
	(void)ptchan_peer_reset(&a);
	ptchan_open(&b, win, size, 1);
	CHECK(ptchan_recv(&b, got, sizeof(got)) == 0, "ptchan: a reopened endpoint starts empty");
	CHECK(ptchan_peer_reset(&a) == 1 && ptchan_peer_reset(&a) == 0, "ptchan: the peer notices once");
	CHECK(ptchan_send(&a, "again", 5) == 0 && ptchan_recv(&b, got, sizeof(got)) == 5,
	      "ptchan: and the channel works after it");

	/* Hostile peer: a length bigger than the ring, then a head far past the tail. */
	struct ptchan_header *h = (struct ptchan_header *)win;
	uint8_t *ring0 = win + PTCHAN_HEADER;
	uint32_t t = h->ring[0].tail;
	ring0[t & 4095] = 0xff; ring0[(t + 1) & 4095] = 0xff; ring0[(t + 2) & 4095] = 0; ring0[(t + 3) & 4095] = 0;
	h->ring[0].head = t + 8;
	CHECK(ptchan_recv(&b, got, sizeof(got)) == -1 && ptchan_recv(&b, got, sizeof(got)) == 0,
	      "ptchan: a length the ring cannot hold is refused, the ring emptied");
	h->ring[0].head = h->ring[0].tail + 0x80000000u;
	CHECK(ptchan_recv(&b, got, sizeof(got)) == -1 && ptchan_recv(&b, got, sizeof(got)) == 0,
	      "ptchan: a wild head is refused, the ring emptied");
	h->ring[1].tail = h->ring[1].head + 12345;
	CHECK(ptchan_tx_space(&b) == 0 && ptchan_send(&b, "x", 1) == -1,
	      "ptchan: a wild tail from the peer means no room, not an overwrite");
	/* Random garbage in the whole header, many times: no access outside the window. */
	bool guards = true;
	for (int i = 0; i < 2000; i++) {
		for (size_t j = 0; j < sizeof(*h); j += 4)
			((uint32_t *)h)[j / 4] = rnd() % 3 ? rnd() : rnd() % 64;
		ptchan_open(&b, win, size, 1);
		h->ring[0].head = rnd();
		while (ptchan_recv(&b, got, sizeof(got)) > 0)
			;
		(void)ptchan_send(&b, msg, rnd() % 700);
	}
	for (size_t j = 0; j < 4096; j++)
		guards &= mem[j] == 0xa5 && mem[4096 + size + j] == 0xa5;
	CHECK(guards, "ptchan: 2000 garbage headers: nothing outside the window is touched");
	free(mem);
	return failures;
}
