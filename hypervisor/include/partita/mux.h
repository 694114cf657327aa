/*
 * The console mux framing (docs/console.md): several byte streams (the hypervisor's, one per VM)
 * over one serial line, in both directions. Freestanding C shared by the hypervisor
 * (hypervisor/lib/mux.c) and the host side (`partita console`, gen/console.c).
 *
 * A frame is FLAG, channel, payload..., FLAG. Channel and payload bytes equal to FLAG or ESC are
 * sent as ESC, byte ^ 0x20. Channel 0 is the hypervisor (its log and its shell), channel k the
 * VM of index k - 1, channel 0xff control messages. Bytes outside frames mean nothing (a reader
 * that starts in the middle of a frame skips to the next FLAG).
 */
#ifndef PARTITA_MUX_H
#define PARTITA_MUX_H

#include <stddef.h>
#include <stdint.h>

#define MUX_FLAG        0x7e
#define MUX_ESC         0x7d
#define MUX_ESC_XOR     0x20
#define MUX_CH_HYP      0x00
#define MUX_CH_CTRL     0xff
#define MUX_MAX_PAYLOAD 256   /* a decoder drops longer frames */
#define MUX_MAX_VMS     254

/*
 * Control messages (channel 0xff), first payload byte:
 *   host -> hypervisor  'H' + "partita-mux 1": hello, preceded on the wire by MUX_PREAMBLE (two
 *                       0xff bytes outside any frame: how a hypervisor still in tagged mode
 *                       tells a client from a person typing). The hypervisor answers with 'N'
 *                       and replays what it still holds of every stream (the last 4 KiB of each).
 *   hypervisor -> host  'N' + for each channel: its number, its name, NUL: the names.
 */
#define MUX_CTRL_HELLO  'H'
#define MUX_CTRL_NAMES  'N'
#define MUX_HELLO_TEXT  "partita-mux 1"
#define MUX_PREAMBLE    "\xff\xff"

/* Bytes one frame of `len` payload bytes takes at most on the wire. */
#define MUX_FRAME_MAX(len) (2 + 2 * (1 + (len)))

/* Encode a frame into out (MUX_FRAME_MAX(len) bytes of room); returns the bytes written. */
size_t mux_encode(uint8_t ch, const uint8_t *payload, size_t len, uint8_t *out);

struct mux_decoder {
	uint8_t state;    /* outside a frame, expecting the channel, or in the payload */
	uint8_t escaped;  /* the previous byte was ESC */
	uint8_t channel;
	uint8_t overflow; /* the payload went past MUX_MAX_PAYLOAD: the frame is dropped */
	uint32_t len;
	uint8_t payload[MUX_MAX_PAYLOAD];
};

enum mux_event {
	MUX_NONE = 0,     /* byte consumed, nothing complete */
	MUX_FRAME,        /* d->channel, d->payload[0..d->len) hold a complete frame */
	MUX_DROPPED,      /* a malformed or oversized frame was thrown away */
};

void mux_decoder_init(struct mux_decoder *d);
enum mux_event mux_decode(struct mux_decoder *d, uint8_t byte);

/* The channel the decoder is reading a payload for, or -1 outside a payload. */
int mux_decoder_channel(const struct mux_decoder *d);

#endif
