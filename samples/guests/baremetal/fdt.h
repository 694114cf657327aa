/* A small, bounds-checked reader for the flattened device tree the hypervisor hands us. */
#ifndef BM_FDT_H
#define BM_FDT_H

#include <stdint.h>

struct fdt_info {
	const char *vm_name;    /* /chosen/partita,vm-name, or NULL */
	const char *bootargs;   /* /chosen/bootargs, or NULL */
	unsigned ncpus;         /* cpu@N nodes under /cpus */
};

/* 0 on success, -1 if the blob is not a sane FDT (fields then stay as they were). */
int fdt_read(const void *blob, struct fdt_info *info);

#endif
