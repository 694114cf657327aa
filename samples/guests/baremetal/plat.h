/*
 * Where the guest's devices are: its console UART, its GIC and its PSCI conduit. Each has a
 * build-time default (QEMU virt's, which is also where Partita puts a VM's on that board; the
 * native builds of other boards set their own, see the Makefile) and is taken from the device
 * tree when there is one. Printing works before (with the defaults), so the caller discovers
 * first and prints after.
 */
#ifndef BM_PLAT_H
#define BM_PLAT_H

#include <stdint.h>

struct fdt_info;

/*
 * Take what a device tree fdt_read() accepted says (dt NULL: keep the defaults); anything
 * missing or not plausible keeps its default. Then enables the UART if it needs that.
 */
void plat_setup(const struct fdt_info *dt);
/* One "platform: ..." line: the `platform` command (nothing else prints it). */
void plat_print(void);

#endif
