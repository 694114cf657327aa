/*
 * Console mux framing: encoder and decoder (hyp/include/partita/mux.h). Freestanding: the
 * hypervisor and the host tool compile this same file.
 */
#include <partita/mux.h>

enum { OUTSIDE, CHANNEL, PAYLOAD };

static size_t put(uint8_t *out, size_t n, uint8_t b)
{
	if (b == MUX_FLAG || b == MUX_ESC) {
		out[n++] = MUX_ESC;
		b ^= MUX_ESC_XOR;
	}
	out[n++] = b;
	return n;
}

size_t mux_encode(uint8_t ch, const uint8_t *payload, size_t len, uint8_t *out)
{
	size_t n = 0;

	out[n++] = MUX_FLAG;
	n = put(out, n, ch);
	for (size_t i = 0; i < len; i++)
		n = put(out, n, payload[i]);
	out[n++] = MUX_FLAG;
	return n;
}

void mux_decoder_init(struct mux_decoder *d)
{
	d->state = OUTSIDE;
	d->escaped = 0;
	d->channel = 0;
	d->overflow = 0;
	d->len = 0;
}

int mux_decoder_channel(const struct mux_decoder *d)
{
	return d->state == PAYLOAD ? d->channel : -1;
}

enum mux_event mux_decode(struct mux_decoder *d, uint8_t b)
{
	if (b == MUX_FLAG) {
		enum mux_event ev = MUX_NONE;

		if (d->state == PAYLOAD)
			ev = d->overflow || d->escaped ? MUX_DROPPED : MUX_FRAME;
		/*
		 * A FLAG ends a frame, or opens one. A FLAG where the channel should be is the
		 * start of the next frame (the previous FLAG closed one we joined half-way).
		 */
		d->state = d->state == OUTSIDE || d->state == CHANNEL ? CHANNEL : OUTSIDE;
		d->escaped = 0;
		d->overflow = 0;
		if (ev != MUX_FRAME)
			d->len = 0;
		return ev;
	}
	if (d->state == OUTSIDE)
		return MUX_NONE;   /* noise between frames, or the tail of a frame we joined late */
	if (b == MUX_ESC && !d->escaped) {
		d->escaped = 1;
		return MUX_NONE;
	}
	if (d->escaped) {
		b ^= MUX_ESC_XOR;
		d->escaped = 0;
	}
	if (d->state == CHANNEL) {
		d->channel = b;
		d->len = 0;
		d->state = PAYLOAD;
		return MUX_NONE;
	}
	if (d->len < MUX_MAX_PAYLOAD)
		d->payload[d->len++] = b;
	else
		d->overflow = 1;
	return MUX_NONE;
}
