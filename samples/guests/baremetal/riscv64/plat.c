/*
 * The riscv64 guest's devices and harts: build-time defaults (QEMU virt's: NS16550A at
 * 0x10000000, PLIC source 10; PLIC at 0x0c000000 with contexts M, S per hart; a 10 MHz
 * timebase; harts 0..n-1), then the device tree's word (../plat.h, rvplat.h).
 */
#include "../fdt.h"
#include "../plat.h"
#include "../uart.h"
#include "rvplat.h"

#ifndef BM_UART
#define BM_UART         0x10000000ul
#endif
#ifndef BM_UART_IRQ
#define BM_UART_IRQ     10
#endif
#ifndef BM_PLIC
#define BM_PLIC         0x0c000000ul
#endif
#ifndef BM_PLIC_NDEV
#define BM_PLIC_NDEV    96
#endif
#ifndef BM_TIMEBASE
#define BM_TIMEBASE     10000000ul
#endif

uint64_t uart_base = BM_UART;
unsigned uart_intid = BM_UART_IRQ;
unsigned uart_shift, uart_width = 1;
unsigned console_kind = CON_16550;
uint64_t plic_base = BM_PLIC;
unsigned plic_ndev = BM_PLIC_NDEV;
int plic_ctx[MAX_CPUS];
uint32_t cpu_hart[MAX_CPUS];
unsigned boot_cpu;
uint8_t timer_sstc;
uint64_t timebase_hz = BM_TIMEBASE;
uint64_t rtc_base;      /* a goldfish RTC: only where the device tree lists one */
unsigned rtc_source;

extern char _start[], __image_end[];

/* A device window we may use: aligned, nonzero, below 2^56, clear of this image and its stacks. */
static int plausible(uint64_t base, uint64_t align)
{
	return base && !(base & (align - 1)) && base < (1ull << 56) &&
	       (base + 0x1000 <= (uint64_t)_start || base >= (uint64_t)__image_end);
}

int cpu_of_hart(uint64_t hart)
{
	for (unsigned c = 0; c < MAX_CPUS; c++)
		if (cpu_hart[c] == hart)
			return (int)c;
	return -1;
}

void plat_setup(const struct fdt_info *dt)
{
	const struct fdt_dev *u = dt ? &dt->uart : 0, *p = dt ? &dt->plic : 0;
	unsigned sstc = 1;

	for (unsigned c = 0; c < MAX_CPUS; c++) {
		cpu_hart[c] = c;
		plic_ctx[c] = (int)(2 * c + 1);   /* QEMU virt: M then S context per hart */
	}
	timer_sstc = 0;   /* without a device tree: SBI set_timer, which any SBI has */
	if (dt) {
		for (unsigned c = 0; c < dt->nharts && c < MAX_CPUS; c++) {
			cpu_hart[c] = dt->hart[c];
			plic_ctx[c] = (int)(2 * dt->hart[c] + 1);
			sstc &= dt->hart_sstc[c];
		}
		timer_sstc = (uint8_t)(dt->nharts && sstc);
		if (dt->timebase >= 1000 && dt->timebase < (1ull << 40))
			timebase_hz = dt->timebase;
		if (p->kind == FDT_PLIC && p->nreg && plausible(p->base[0], 0x1000)) {
			plic_base = p->base[0];
			if (dt->plic_ndev && dt->plic_ndev < 1024)
				plic_ndev = dt->plic_ndev;
			for (unsigned c = 0; c < dt->nharts && c < MAX_CPUS; c++)
				plic_ctx[c] = dt->plic_ctx[c];
		}
		if (dt->rtc.kind == FDT_GOLDFISH_RTC && dt->rtc.nreg && plausible(dt->rtc.base[0], 0x1000)) {
			rtc_base = dt->rtc.base[0];
			rtc_source = dt->rtc.intid;
		}
		if (u->kind == FDT_NS16550 && u->nreg && plausible(u->base[0], 1)) {
			uart_base = u->base[0];
			uart_shift = u->reg_shift < 4 ? u->reg_shift : 0;
			uart_width = u->io_width == 4 ? 4 : 1;
			if (u->intid)
				uart_intid = u->intid;
		} else if (u->kind == FDT_NONE) {
			/* No UART we know: the SBI's console, where there is one. */
			console_kind = sbi_probe(SBI_EXT_DBCN) ? CON_SBI_DBCN :
				       sbi_probe(SBI_EXT_LEGACY_PUTCHAR) ? CON_SBI_LEGACY : CON_NONE;
		}
	}
	ticks_per_ms = timebase_hz / 1000;
	uart_setup();
}

/* The SBI implementation IDs the spec lists first (a switch, not a table of pointers: Makefile). */
static const char *impl_name(int64_t id)
{
	switch (id) {
	case 0: return " bbl";
	case 1: return " opensbi";
	case 2: return " xvisor";
	case 3: return " kvm";
	case 4: return " rustsbi";
	case 5: return " diosix";
	case 6: return " coffer";
	case 7: return " xen";
	default: return "";
	}
}

void plat_print(void)
{
	struct sbiret v = sbi_call(SBI_EXT_BASE, SBI_BASE_SPEC_VERSION, 0, 0, 0);
	struct sbiret id = sbi_call(SBI_EXT_BASE, SBI_BASE_IMPL_ID, 0, 0, 0);
	int ctx = plic_ctx[my_cpu()];

	line("platform: plic ", plic_base, 1, "");
	if (ctx >= 0)
		line(" context ", (uint64_t)ctx, 0, "");
	else
		puts(" no context");
	if (console_kind == CON_16550) {
		line(", uart ", uart_base, 1, " ns16550a");
		if (uart_shift || uart_width != 1) {
			line(" shift ", uart_shift, 0, "");
			line(" width ", uart_width, 0, "");
		}
		line(" irq ", uart_intid, 0, "");
	} else {
		puts(console_kind == CON_SBI_DBCN ? ", uart sbi-dbcn" :
		     console_kind == CON_SBI_LEGACY ? ", uart sbi-legacy" : ", uart none");
	}
	line(", sbi ", (uint64_t)v.value >> 24 & 0x7f, 0, ".");
	line("", (uint64_t)v.value & 0xffffff, 0, "");
	line(" impl ", (uint64_t)id.value, 0, impl_name(id.value));
	line(", timer ", timebase_hz, 0, timer_sstc ? " Hz sstc\n" : " Hz sbi\n");
}
