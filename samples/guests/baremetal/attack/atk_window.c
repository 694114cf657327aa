/*
 * Instructions on emulated windows that are not plain loads and stores.
 *
 * cm-window: cache maintenance by VA (DC CIVAC, CVAC, IVAC) on the GICD and vUART windows must
 * have no effect and let the VM go on; a load-acquire and a store-release are single-register
 * accesses the syndrome describes, so they are emulated; prefetches never fault. Last, a load
 * pair on the GICD: the syndrome cannot describe it (ISV = 0) and the hypervisor does not
 * decode guest instructions, so the VM is halted with its data-abort line.
 *
 * excl-window: a load-exclusive on the vUART has no syndrome either: halted the same way.
 */
#include "attack.h"
#include "guest.h"
#include "uart.h"

#define UART_FR 0x18

void atk_cm_window(const char *arg)
{
	uint64_t fr, lo, hi;

	(void)arg;
	__asm__ volatile("dc civac, %0" : : "r"(GICD_WINDOW) : "memory");
	__asm__ volatile("dc cvac, %0" : : "r"(GICD_WINDOW + 0x100) : "memory");
	__asm__ volatile("dc ivac, %0" : : "r"(GICD_WINDOW + 0x400) : "memory");
	__asm__ volatile("dc civac, %0" : : "r"(VUART_WINDOW) : "memory");
	__asm__ volatile("dc ivac, %0" : : "r"(VUART_WINDOW) : "memory");
	__asm__ volatile("dsb sy" ::: "memory");
	puts("cm-window: dc civac/cvac/ivac on GICD and vUART done\n");
	__asm__ volatile("ldar %w0, [%1]" : "=r"(fr) : "r"(VUART_WINDOW + UART_FR) : "memory");
	line("cm-window: ldar FR -> ", fr, 1, "\n");
	puts("cm-window: stlr DR [");
	__asm__ volatile("stlr %w0, [%1]" : : "r"((uint64_t)'S'), "r"(VUART_WINDOW) : "memory");
	puts("]\n");
	__asm__ volatile("prfm pldl1keep, [%0]; prfm pstl1strm, [%1]; prfm pldl2keep, [%2]"
			 : : "r"(GICD_WINDOW), "r"(VUART_WINDOW), "r"(gic_v2 ? gicc_base : GICR_WINDOW)
			 : "memory");
	puts("cm-window: prfm done\n");
	line("cm-window: ldp at ", GICD_WINDOW, 1, "\n");
	__asm__ volatile("ldp %0, %1, [%2]" : "=r"(lo), "=r"(hi) : "r"(GICD_WINDOW) : "memory");
	line("cm-window: ldp -> ", lo | hi, 1, " (the VM should have been halted)\n");
}

void atk_excl_window(const char *arg)
{
	uint64_t v;

	(void)arg;
	line("excl-window: ldxr at ", VUART_WINDOW + UART_FR, 1, "\n");
	__asm__ volatile("ldxr %w0, [%1]" : "=r"(v) : "r"(VUART_WINDOW + UART_FR) : "memory");
	line("excl-window: ldxr -> ", v, 1, " (the VM should have been halted)\n");
}
