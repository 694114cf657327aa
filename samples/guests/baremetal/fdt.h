/* A small, bounds-checked reader for the flattened device tree the hypervisor hands us. */
#ifndef BM_FDT_H
#define BM_FDT_H

#include <stdint.h>

#define FDT_MAX_CHANNELS 4

/* A `partita,channel` node (docs/schema.md, Channels). */
struct fdt_channel {
	uint64_t base, size;    /* reg: the window */
	unsigned intid;         /* its doorbell (interrupts: SPI + 32) */
	unsigned index;         /* partita,index: x1 of PT_HVC_CHANNEL_NOTIFY */
	unsigned endpoint;      /* partita,endpoint: 0 or 1 */
};

struct fdt_info {
	const char *vm_name;    /* /chosen/partita,vm-name, or NULL */
	const char *bootargs;   /* /chosen/bootargs, or NULL */
	unsigned ncpus;         /* cpu@N nodes under /cpus */
	unsigned nchannels;     /* channel@ nodes under /, in order (at most FDT_MAX_CHANNELS) */
	struct fdt_channel channels[FDT_MAX_CHANNELS];
};

/* 0 on success, -1 if the blob is not a sane FDT (fields then stay as they were). */
int fdt_read(const void *blob, struct fdt_info *info);

#endif
