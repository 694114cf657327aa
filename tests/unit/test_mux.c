/*
 * The console mux framing (hypervisor/lib/mux.c), both ends: what the encoder writes the decoder
 * reads back, whatever the bytes; a reader that joins mid-frame (a client killed and started
 * again) resynchronises at the next frame; malformed and oversized frames are dropped; random
 * noise never makes the decoder overflow. Linked into test_unit (tests/unit/test.sh).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../../hypervisor/include/partita/mux.h"
#include "check.h"
#include "test_mux.h"

static int failures;

/* Feed bytes; collect the frames decoded (channel, payload) into out; returns how many. */
struct got { uint8_t ch; uint32_t len; uint8_t data[MUX_MAX_PAYLOAD]; };

static int feed(struct mux_decoder *d, const uint8_t *p, size_t n, struct got *out, int max,
		int *dropped)
{
	int k = 0;

	for (size_t i = 0; i < n; i++) {
		enum mux_event ev = mux_decode(d, p[i]);
		if (ev == MUX_FRAME && k < max) {
			out[k].ch = d->channel;
			out[k].len = d->len;
			memcpy(out[k].data, d->payload, d->len);
			k++;
		} else if (ev == MUX_DROPPED && dropped) {
			(*dropped)++;
		}
		if (d->len > MUX_MAX_PAYLOAD)
			return -1;
	}
	return k;
}

static unsigned long rng = 12345;
static uint8_t rnd(void)
{
	rng = rng * 6364136223846793005ul + 1442695040888963407ul;
	return (uint8_t)(rng >> 33);
}

int test_mux(void)
{
	struct mux_decoder d;
	struct got got[8];
	uint8_t buf[4 * MUX_FRAME_MAX(MUX_MAX_PAYLOAD)], payload[256];
	size_t n;
	int k, dropped;

	/* Every byte value, FLAG and ESC included, on every channel value, comes back. */
	for (unsigned i = 0; i < 256; i++)
		payload[i] = (uint8_t)i;
	bool all = true;
	for (unsigned ch = 0; ch < 256; ch++) {
		mux_decoder_init(&d);
		n = mux_encode((uint8_t)ch, payload, 200, buf);
		all &= n <= MUX_FRAME_MAX(200);
		k = feed(&d, buf, n, got, 8, NULL);
		all &= k == 1 && got[0].ch == ch && got[0].len == 200 && !memcmp(got[0].data, payload, 200);
	}
	CHECK(all, "mux: 200 bytes of every value round-trip on each of the 256 channels");

	/* Only the frame delimiters are FLAG bytes on the wire. */
	n = mux_encode(MUX_FLAG, payload, 256, buf);
	size_t flags = 0;
	for (size_t i = 0; i < n; i++)
		flags += buf[i] == MUX_FLAG;
	CHECK(flags == 2 && buf[0] == MUX_FLAG && buf[n - 1] == MUX_FLAG,
	      "mux: FLAG appears only at both ends of a frame (saw %zu)", flags);

	/* Noise before a frame, then two frames back to back. */
	mux_decoder_init(&d);
	n = 0;
	memcpy(buf, "login: \x7d\x20garbage", 17);
	n = 17;
	n += mux_encode(1, (const uint8_t *)"hello", 5, buf + n);
	n += mux_encode(2, (const uint8_t *)"\x7e\x7d", 2, buf + n);
	k = feed(&d, buf, n, got, 8, NULL);
	CHECK(k == 2 && got[0].ch == 1 && got[0].len == 5 && !memcmp(got[0].data, "hello", 5) &&
	      got[1].ch == 2 && got[1].len == 2 && got[1].data[0] == 0x7e && got[1].data[1] == 0x7d,
	      "mux: noise before a frame is skipped; back-to-back frames both decode");

	/* Joined mid-frame (a client that reconnects): every split point of a three-frame stream. */
	uint8_t stream[3 * MUX_FRAME_MAX(40)];
	size_t sn = 0;
	for (int f = 0; f < 3; f++)
		sn += mux_encode((uint8_t)(f + 1), payload + 60 + f, 40, stream + sn);
	bool resync = true;
	for (size_t cut = 0; cut < sn; cut++) {
		mux_decoder_init(&d);
		k = feed(&d, stream + cut, sn - cut, got, 8, NULL);
		/* Frames that start at or after the cut all arrive intact, and nothing else does. */
		int whole = 0;
		size_t at = 0;
		for (int f = 0; f < 3; f++) {
			size_t len = mux_encode((uint8_t)(f + 1), payload + 60 + f, 40, buf);
			if (at >= cut)
				whole++;
			at += len;
		}
		bool ok = k == whole;
		for (int i = 0; ok && i < k; i++) {
			int f = 3 - whole + i;
			ok = got[i].ch == f + 1 && got[i].len == 40 && !memcmp(got[i].data, payload + 60 + f, 40);
		}
		resync &= ok;
	}
	CHECK(resync, "mux: joined at any of %zu byte positions, the next whole frames decode intact", sn);

	/* A frame longer than the limit is dropped whole; the next one is fine. */
	mux_decoder_init(&d);
	uint8_t big[MUX_MAX_PAYLOAD + 10];
	memset(big, 'a', sizeof(big));
	n = mux_encode(3, big, sizeof(big), buf);
	n += mux_encode(3, (const uint8_t *)"ok", 2, buf + n);
	dropped = 0;
	k = feed(&d, buf, n, got, 8, &dropped);
	CHECK(k == 1 && dropped == 1 && got[0].len == 2, "mux: an oversized frame is dropped, the next decodes");

	/* ESC right before the closing FLAG: malformed, dropped. */
	mux_decoder_init(&d);
	const uint8_t bad[] = { MUX_FLAG, 5, 'x', MUX_ESC, MUX_FLAG };
	dropped = 0;
	k = feed(&d, bad, sizeof(bad), got, 8, &dropped);
	CHECK(k == 0 && dropped == 1, "mux: ESC before FLAG drops the frame");

	/* An empty frame (FLAG FLAG) is the start of the next, not a frame. */
	mux_decoder_init(&d);
	const uint8_t empty[] = { MUX_FLAG, MUX_FLAG, 7, 'z', MUX_FLAG };
	k = feed(&d, empty, sizeof(empty), got, 8, NULL);
	CHECK(k == 1 && got[0].ch == 7 && got[0].len == 1, "mux: FLAG FLAG opens the next frame");

	/* The decoder's channel view: payload only. */
	mux_decoder_init(&d);
	mux_decode(&d, MUX_FLAG);
	int before = mux_decoder_channel(&d);
	mux_decode(&d, 9);
	CHECK(before == -1 && mux_decoder_channel(&d) == 9, "mux: the channel shows once the payload starts");

	/* A million random bytes, half of them FLAG/ESC-rich: no overflow, no frame over the limit. */
	mux_decoder_init(&d);
	bool sane = true;
	for (int i = 0; i < 1000000; i++) {
		uint8_t b = rnd();
		if (b < 16)
			b = MUX_FLAG;
		else if (b < 32)
			b = MUX_ESC;
		enum mux_event ev = mux_decode(&d, b);
		sane &= d.len <= MUX_MAX_PAYLOAD && (ev != MUX_FRAME || d.len <= MUX_MAX_PAYLOAD);
	}
	CHECK(sane, "mux: a million random bytes never overflow the decoder");
	return failures;
}
