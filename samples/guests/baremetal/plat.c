/* The guest's devices: build-time defaults, then the device tree's word (plat.h). */
#include "fdt.h"
#include "gic.h"
#include "guest.h"
#include "plat.h"
#include "uart.h"

/* Defaults: QEMU virt with a GICv3; a native build for another board overrides them (-D). */
#ifndef BM_GICV2
#define BM_GICV2        0
#endif
#ifndef BM_GICD
#define BM_GICD         0x08000000ul
#endif
#ifndef BM_GICD_SIZE
#define BM_GICD_SIZE    0x10000ul
#endif
#ifndef BM_GICR
#define BM_GICR         0x080a0000ul
#endif
#ifndef BM_GICC
#define BM_GICC         0x08010000ul
#endif
#ifndef BM_GICC_DIR
#define BM_GICC_DIR     0x1000ul
#endif
#ifndef BM_UART
#define BM_UART         0x09000000ul
#endif
#ifndef BM_UART_CADENCE
#define BM_UART_CADENCE 0
#endif
#ifndef BM_UART_INTID
#define BM_UART_INTID   33
#endif
#ifndef BM_PSCI_SMC
#define BM_PSCI_SMC     0
#endif

uint8_t gic_v2 = BM_GICV2;
uint64_t gicd_base = BM_GICD, gicd_size = BM_GICD_SIZE, gicr_base = BM_GICR;
uint64_t gicc_base = BM_GICC, gicc_dir_off = BM_GICC_DIR;
uint64_t uart_base = BM_UART;
uint8_t uart_cadence = BM_UART_CADENCE;
unsigned uart_intid = BM_UART_INTID;
uint8_t psci_smc = BM_PSCI_SMC;

extern char _start[], __image_end[];

/* A device window we may use: aligned, nonzero, below 2^48, clear of this image and its stacks. */
static int plausible(uint64_t base, uint64_t align)
{
	return base && !(base & (align - 1)) && base < (1ull << 48) &&
	       (base + 0x1000 <= (uint64_t)_start || base >= (uint64_t)__image_end);
}

void plat_setup(const struct fdt_info *dt)
{
	const struct fdt_dev *g, *u;

	if (dt) {
		g = &dt->gic;
		u = &dt->uart;
		if (g->kind == FDT_GICV3 && g->nreg >= 2 && plausible(g->base[0], 0x1000) &&
		    plausible(g->base[1], 0x1000)) {
			gic_v2 = 0;
			gicd_base = g->base[0];
			gicd_size = g->size[0] >= 0x10000 ? 0x10000 : 0x1000;
			gicr_base = g->base[1];
		} else if (g->kind == FDT_GICV2 && g->nreg >= 2 && plausible(g->base[0], 0x1000) &&
			   plausible(g->base[1], 0x1000)) {
			gic_v2 = 1;
			gicd_base = g->base[0];
			gicd_size = g->size[0] >= 0x10000 ? 0x10000 : 0x1000;
			gicc_base = g->base[1];
			/* A CPU interface whose 4 KiB pages are each repeated over 64 KiB: 128 KiB. */
			gicc_dir_off = g->size[1] >= 0x20000 ? 0x10000 : 0x1000;
		}
		if ((u->kind == FDT_PL011 || u->kind == FDT_CADENCE) && u->nreg &&
		    plausible(u->base[0], 4)) {
			uart_base = u->base[0];
			uart_cadence = u->kind == FDT_CADENCE;
			if (u->intid)
				uart_intid = u->intid;
		}
		if (dt->psci_smc >= 0)
			psci_smc = (uint8_t)dt->psci_smc;
	}
	uart_setup();
}

void plat_print(void)
{
	if (gic_v2) {
		line("platform: gicv2 gicd ", gicd_base, 1, "");
		line(" gicc ", gicc_base, 1, "");
		line(" (dir +", gicc_dir_off, 1, ")");
	} else {
		line("platform: gicv3 gicd ", gicd_base, 1, "");
		line(" gicr ", gicr_base, 1, "");
	}
	line(", uart ", uart_base, 1, uart_cadence ? " cadence" : " pl011");
	line(" intid ", uart_intid, 0, psci_smc ? ", psci smc\n" : ", psci hvc\n");
}
