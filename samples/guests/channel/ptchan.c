/*
 * ptchan: messages over a Partita channel window (ptchan.h, docs/channels.md). Freestanding: no
 * library calls, byte copies only (a window may be mapped where unaligned accesses fault).
 *
 * Everything read from the window is the peer's to write and may be garbage: lengths and indexes
 * are checked before use, and a copy never leaves the ring.
 */
#include "ptchan.h"

uint32_t ptchan_ring_size(size_t size)
{
	uint32_t r = PTCHAN_MIN_RING;

	if (size < PTCHAN_HEADER + 2 * (size_t)PTCHAN_MIN_RING)
		return 0;
	while ((size_t)r * 4 <= size - PTCHAN_HEADER && r < (1u << 30))
		r *= 2;
	return r;
}

int ptchan_open(struct ptchan *c, void *window, size_t size, unsigned end)
{
	uint8_t *w = window;
	uint32_t ring = ptchan_ring_size(size);

	if (!ring || end > 1)
		return -1;
	_Static_assert(sizeof(struct ptchan_header) <= PTCHAN_HEADER, "header size");
	c->hdr = window;
	c->end = end;
	c->ring_size = ring;
	c->tx = &c->hdr->ring[end];
	c->rx = &c->hdr->ring[1 - end];
	c->tx_data = w + PTCHAN_HEADER + (size_t)end * ring;
	c->rx_data = w + PTCHAN_HEADER + (size_t)(1 - end) * ring;
	/* Both endpoints write the same values: no order needed between them. */
	c->hdr->magic = PTCHAN_MAGIC;
	c->hdr->version = PTCHAN_VERSION;
	c->hdr->ring_size = ring;
	/*
	 * Reopening: what was sent to our previous life is dropped (we own the tail of the ring we
	 * read); what we had sent stays readable (the peer owns that tail). Then we say so.
	 */
	PTCHAN_STORE_RELEASE(&c->rx->tail, PTCHAN_LOAD_ACQUIRE(&c->rx->head));
	PTCHAN_STORE_RELEASE(&c->hdr->generation[end], c->hdr->generation[end] + 1);
	c->peer_generation = 0;
	return 0;
}

uint32_t ptchan_tx_space(struct ptchan *c)
{
	uint32_t used = c->tx->head - PTCHAN_LOAD_ACQUIRE(&c->tx->tail);

	return used > c->ring_size ? 0 : c->ring_size - used;   /* a wild tail: no room */
}

static void copy_in(uint8_t *ring, uint32_t size, uint32_t at, const uint8_t *src, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		ring[(at + i) & (size - 1)] = src[i];
}

static void copy_out(const uint8_t *ring, uint32_t size, uint32_t at, uint8_t *dst, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		dst[i] = ring[(at + i) & (size - 1)];
}

/* Messages take their length field plus their bytes, rounded up to 4. */
static uint32_t footprint(uint32_t len)
{
	return PTCHAN_LEN_SIZE + ((len + 3) & ~3u);
}

int ptchan_send(struct ptchan *c, const void *msg, uint32_t len)
{
	uint32_t head = c->tx->head, need = footprint(len);
	uint8_t lenb[4] = { (uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16), (uint8_t)(len >> 24) };

	if (!len || len > PTCHAN_MAX_MSG || need > c->ring_size || ptchan_tx_space(c) < need)
		return -1;
	copy_in(c->tx_data, c->ring_size, head, lenb, 4);
	copy_in(c->tx_data, c->ring_size, head + 4, msg, len);
	PTCHAN_STORE_RELEASE(&c->tx->head, head + need);
	return 0;
}

/* The next message's length, or -2 for a length the ring cannot hold, -1 for none waiting. */
static int64_t peek_len(struct ptchan *c, uint32_t *avail)
{
	uint32_t tail = c->rx->tail, head = PTCHAN_LOAD_ACQUIRE(&c->rx->head), len;
	uint8_t b[4];

	*avail = head - tail;
	if (*avail == 0)
		return -1;
	if (*avail > c->ring_size || *avail < PTCHAN_LEN_SIZE)
		return -2;
	copy_out(c->rx_data, c->ring_size, tail, b, 4);
	len = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	if (!len || len > PTCHAN_MAX_MSG || footprint(len) > *avail)
		return -2;
	return len;
}

uint32_t ptchan_next_len(struct ptchan *c)
{
	uint32_t avail;
	int64_t len = peek_len(c, &avail);

	return len < 0 ? 0 : (uint32_t)len;
}

int ptchan_recv(struct ptchan *c, void *buf, uint32_t size)
{
	uint32_t avail, tail = c->rx->tail;
	int64_t len = peek_len(c, &avail);

	if (len == -1)
		return 0;
	if (len == -2) {
		/* Garbage from the peer: drop everything it published, stay usable. */
		PTCHAN_STORE_RELEASE(&c->rx->tail, PTCHAN_LOAD_ACQUIRE(&c->rx->head));
		return -1;
	}
	if ((uint32_t)len > size)
		return -1;
	copy_out(c->rx_data, c->ring_size, tail + 4, buf, (uint32_t)len);
	PTCHAN_STORE_RELEASE(&c->rx->tail, tail + footprint((uint32_t)len));
	return (int)len;
}

int ptchan_peer_reset(struct ptchan *c)
{
	uint32_t g = PTCHAN_LOAD_ACQUIRE(&c->hdr->generation[1 - c->end]);

	if (g == c->peer_generation)
		return 0;
	c->peer_generation = g;
	return 1;
}
