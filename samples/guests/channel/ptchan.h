/*
 * ptchan: messages over a Partita channel window (docs/channels.md). Freestanding C: the bare-metal
 * sample guest, a Linux driver and an RTOS compile this same header and ptchan.c.
 *
 * A channel window is shared by two VMs; each is one endpoint (its device tree node's
 * `partita,endpoint`: 0 or 1). The window holds a header and two rings, one per direction; each
 * ring has one producer and one consumer, so no lock is shared between the VMs. A message is up
 * to PTCHAN_MAX_MSG bytes, delivered whole, in order, or not at all.
 *
 * Memory ordering (PTCHAN_LOAD_ACQUIRE / PTCHAN_STORE_RELEASE, overridable): the producer writes
 * a message and then publishes the ring's head with a store-release; the consumer reads the head
 * with a load-acquire, copies the message out, and publishes the tail with a store-release. The
 * window must be mapped Normal, write-back cacheable and Inner Shareable in both VMs (Partita's
 * stage 2 maps it so; the guest's own mapping must agree).
 */
#ifndef PTCHAN_H
#define PTCHAN_H

#ifdef __KERNEL__
#include <linux/types.h>   /* a Linux module: no C library headers */
#else
#include <stddef.h>
#include <stdint.h>
#endif

#ifndef PTCHAN_LOAD_ACQUIRE
#define PTCHAN_LOAD_ACQUIRE(p)     __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define PTCHAN_STORE_RELEASE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#endif

#define PTCHAN_MAGIC    0x48435450u   /* "PTCH", little endian */
#define PTCHAN_VERSION  1u
#define PTCHAN_HEADER   512u          /* bytes before the rings */
#define PTCHAN_MIN_RING 256u
#define PTCHAN_MAX_MSG  4096u
#define PTCHAN_LEN_SIZE 4u            /* each message: a 32-bit length, then the bytes */

/* In the window. Indexes count bytes ever written/read (free-running, modulo 2^32). */
struct ptchan_ring_idx {
	uint32_t head;                   /* written by the producer only */
	uint32_t pad0[15];               /* head and tail in separate 64-byte lines */
	uint32_t tail;                   /* written by the consumer only */
	uint32_t pad1[15];
};

struct ptchan_header {
	uint32_t magic, version;
	uint32_t ring_size;              /* bytes of each ring's data, a power of two */
	uint32_t pad;
	uint32_t generation[2];          /* bumped by an endpoint each time it (re)opens */
	uint32_t reserved[10];
	struct ptchan_ring_idx ring[2];  /* ring[e]: written by endpoint e, read by 1 - e */
};

/* An endpoint's view: private to the VM. */
struct ptchan {
	struct ptchan_header *hdr;
	uint8_t *tx_data, *rx_data;
	struct ptchan_ring_idx *tx, *rx;
	uint32_t ring_size;
	unsigned end;                    /* 0 or 1 */
	uint32_t peer_generation;        /* as last seen (ptchan_peer_reset) */
};

/* The data size of each ring for a window of `size` bytes; 0 if the window is too small. */
uint32_t ptchan_ring_size(size_t size);

/*
 * Open endpoint `end` of the window at `window` (`size` bytes, as the device tree says). The
 * window starts zeroed (the hypervisor zeroes it at boot); an endpoint that opens again (its VM
 * restarted) drops what was sent to its previous life and tells the peer by its generation.
 * Returns 0, or -1 for a window too small or an endpoint not 0 or 1.
 */
int ptchan_open(struct ptchan *c, void *window, size_t size, unsigned end);

/* Send a message of 1..PTCHAN_MAX_MSG bytes: 0, or -1 when it does not fit now (ring full: try
 * after a doorbell) or ever (empty, too long, or more than the ring holds). */
int ptchan_send(struct ptchan *c, const void *msg, uint32_t len);

/*
 * Receive the next message into buf (size bytes): its length, 0 when none waits, or -1 when the
 * next one is longer than size (it stays: ptchan_next_len says how long) or malformed (a length
 * the ring cannot hold: the peer is broken or hostile; the ring is emptied).
 */
int ptchan_recv(struct ptchan *c, void *buf, uint32_t size);
uint32_t ptchan_next_len(struct ptchan *c);   /* 0 when none waits */

/* Free bytes in the ring this endpoint sends on. */
uint32_t ptchan_tx_space(struct ptchan *c);

/* Has the peer (re)opened since the last call? (The first call after it opened says yes.) */
int ptchan_peer_reset(struct ptchan *c);

#endif
