/*
 * What one boot of a VM leaves behind must not reach its next boot (the riscv64 counterpart of
 * attack/atk_reset.c's restart-regs):
 *
 *   fresh          checks that this boot started clean. It must be the first command: nothing
 *                  may have touched the registers it reads. What the boot hart found at entry
 *                  (start.S's entry_state[]): every general register but a0/a1 zero; sstatus
 *                  with only FS = Initial (and UXL = 64-bit, read-only); sie, sip, stvec,
 *                  sscratch, sepc, scause, stval, satp zero; the time below 10 ms (a VM's time
 *                  starts at 0 at each boot). And now: senvcfg zero, stimecmp
 *                  "never" (all ones; with Sstc), f0..f31 and fcsr zero, its PLIC source (the
 *                  vUART's, and the RTC's where it has it) at priority 0 and disabled in its
 *                  context, the threshold 0, nothing
 *                  to claim, the vUART's IER, MCR and SCR zero, and restart-dirty's RAM page zero.
 *                  Prints "fresh: dirty NAME = VALUE (expected EXPECTED)" for each one that is
 *                  not, then "fresh: N registers checked, K dirty, boot B". Last "fresh:
 *                  scounteren X": the hart's scounteren (no VS copy exists), which is what the
 *                  firmware left at the first boot and must be the same at every boot.
 *   restart-dirty  plants non-zero values in all of those (interrupts masked: the RTC's alarm
 *                  interrupt, where the VM has the RTC, pending, claimed and never completed,
 *                  the device's line left high; the vUART's
 *                  transmitter interrupt enabled, prioritised, enabled in its context and
 *                  claimed, never completed; an IPI pending; satp on an identity-mapping Sv39
 *                  table), fills a RAM page, then writes outside its RAM ("restart-dirty: writing
 *                  to ADDR"): with on_fault: restart the VM restarts, and `fresh` on its next
 *                  boot must find everything reset.
 */
#include "../guest.h"
#include "../attack/regcheck.h"
#include "../uart.h"
#include "plic.h"
#include "rvplat.h"
#include "trap.h"

#define SSTATUS_FS       (3ul << 13)
#define SSTATUS_FS_INIT  (1ul << 13)
#define SSTATUS_UXL64    (2ul << 32)
#define UART_IER         1
#define UART_MCR         4
#define UART_SCR         7
#define DIRTY_OFFSET     0x1000000ul   /* 16 MiB past the image: RAM no command uses */
#define OUTSIDE_RAM_RV   0x90000000ul   /* no test VM has memory there */

extern uint64_t entry_state[11];   /* start.S */
extern char _start[];
void rv_fp_save(uint64_t *buf);    /* fpregs.S: f0..f31, fcsr */
void rv_fp_load(const uint64_t *buf);

static uint64_t sv39_root[512] __attribute__((aligned(4096)));

static volatile uint8_t *uart_reg(unsigned r)
{
	return (volatile uint8_t *)(uart_base + ((uint64_t)r << uart_shift));
}

static volatile uint64_t *dirty_page(void)
{
	return (volatile uint64_t *)((uint64_t)_start + DIRTY_OFFSET);
}

static void fp_on(void)
{
	if (!(CSR_READ(sstatus) & SSTATUS_FS))
		CSR_SET(sstatus, SSTATUS_FS_INIT);
}

static void fresh(void)
{
	static uint64_t fp[33];
	char fname[4];
	int ctx = plic_ctx[my_cpu()];
	volatile uint64_t *page = dirty_page();
	uint64_t ram = 0, t = entry_state[10];
	int64_t boots = vm_boots();

	check_begin("fresh");
	check_reg("", "general registers at entry (OR)", entry_state[0], 0);
	/* (no table of names: the image may hold no absolute address, Makefile) */
	check_reg("", "sstatus at entry", entry_state[1], SSTATUS_FS_INIT | SSTATUS_UXL64);
	check_reg("", "sie at entry", entry_state[2], 0);
	check_reg("", "sip at entry", entry_state[3], 0);
	check_reg("", "stvec at entry", entry_state[4], 0);
	check_reg("", "sscratch at entry", entry_state[5], 0);
	check_reg("", "sepc at entry", entry_state[6], 0);
	check_reg("", "scause at entry", entry_state[7], 0);
	check_reg("", "stval at entry", entry_state[8], 0);
	check_reg("", "satp at entry", entry_state[9], 0);
	check_reg("", "time at entry (ticks, if 10 ms or more)", t < 10 * ticks_per_ms ? 0 : t, 0);
	check_reg("", "senvcfg", CSR_READ(0x10a), 0);
	if (timer_sstc)
		check_reg("", "stimecmp", CSR_READ(0x14d), ~0ul);
	fp_on();
	rv_fp_save(fp);
	for (unsigned i = 0, k; i < 32; i++) {   /* "f0".."f31" */
		k = 0;
		fname[k++] = 'f';
		if (i >= 10)
			fname[k++] = (char)('0' + i / 10);
		fname[k++] = (char)('0' + i % 10);
		fname[k] = 0;
		check_reg("", fname, fp[i], 0);
	}
	check_reg("", "fcsr", fp[32], 0);
	check_reg("", "plic priority of the vuart's source", plic_priority_of(uart_intid), 0);
	check_reg("", "plic enable word of the vuart's source", plic_enable_word(ctx, uart_intid), 0);
	if (rtc_base && rtc_source) {
		check_reg("", "plic priority of the rtc's source", plic_priority_of(rtc_source), 0);
		check_reg("", "plic enable word of the rtc's source",
			  plic_enable_word(ctx, rtc_source), 0);
	}
	check_reg("", "plic threshold", plic_threshold_of(ctx), 0);
	check_reg("", "plic claim", plic_claim(ctx), 0);
	if (console_kind == CON_16550) {
		check_reg("", "uart ier", *uart_reg(UART_IER), 0);
		check_reg("", "uart mcr", *uart_reg(UART_MCR), 0);
		check_reg("", "uart scr", *uart_reg(UART_SCR), 0);
	}
	for (unsigned i = 0; i < 512; i++)
		ram |= page[i];
	check_reg("", "ram page", ram, 0);
	check_end();
	line(", boot ", (uint64_t)boots, 0, "\n");
	/* Not a VS register: the hart's own, whose value at boot the firmware chose (OpenSBI: 7). */
	line("fresh: scounteren ", CSR_READ(0x106), 1, "\n");
}

static void dirty(void)
{
	static uint64_t fp[33];
	volatile uint64_t *page = dirty_page();
	uint64_t base = (uint64_t)_start & ~0x3ffffffful;   /* the RAM's gigabyte */
	int ctx = plic_ctx[my_cpu()];

	if (vm_boots() >= 2) {
		puts("restart-dirty: not on boot 1, skipped\n");
		return;
	}
	irqs_off();
	/* A passed-through source (the RTC's, if the VM has it): its alarm's interrupt pending,
	 * claimed, never completed, the device's line left high. */
	if (rtc_base && rtc_source) {
		volatile uint32_t *rtc = (volatile uint32_t *)rtc_base;
		uint64_t now = rtc[0], end;
		now |= (uint64_t)rtc[1] << 32;
		now += 1000000;   /* 1 ms of its time */
		plic_priority(rtc_source, 6);
		plic_enable(ctx, rtc_source, 1);
		rtc[3] = (uint32_t)(now >> 32);   /* ALARM_HIGH, then ALARM_LOW arms it */
		rtc[2] = (uint32_t)now;
		rtc[4] = 1;                       /* IRQ_ENABLED */
		for (end = vcount() + 1000 * ticks_per_ms; vcount() < end &&
		     !(*(volatile uint32_t *)(plic_base + 0x1000 + 4 * (rtc_source / 32)) &
		       1u << rtc_source % 32);)
			nap();   /* interrupts stay masked: sleep_until() keeps SIE as it is */
		line("restart-dirty: claimed source ", plic_claim(ctx), 0, "\n");
	}
	/* vUART and PLIC: its transmitter interrupt pending, taken (claimed), never completed. */
	*uart_reg(UART_IER) = 0x0f;
	*uart_reg(UART_MCR) = 0x1f;
	*uart_reg(UART_SCR) = 0xa5;
	plic_priority(uart_intid, 5);
	plic_enable(ctx, uart_intid, 1);
	plic_threshold(ctx, 2);
	line("restart-dirty: claimed source ", plic_claim(ctx), 0, "\n");
	/* RAM */
	for (unsigned i = 0; i < 512; i++)
		page[i] = 0x5a5a5a5a5a5a5a5aull ^ i;
	/* FP */
	fp_on();
	for (unsigned i = 0; i < 32; i++)
		fp[i] = 0x4000000000000000ull | (uint64_t)(i + 1) << 32 | (i * 0x01010101u);
	fp[32] = 0x3f;   /* frm RTZ, every exception flag */
	rv_fp_load(fp);
	/* CSRs */
	CSR_WRITE(sscratch, 0x5c5c5c5c5c5c5c5cul);
	CSR_WRITE(sepc, base + 0x1234);
	CSR_WRITE(scause, 0x8000000000000009ul);
	CSR_WRITE(stval, 0xdeadbeefcafef00dul);
	CSR_WRITE(sie, SIE_SSIE | SIE_STIE | SIE_SEIE);
	CSR_SET(sip, SIE_SSIE);   /* an IPI to itself, pending */
	CSR_WRITE(0x106, CSR_READ(0x106) ^ 5);   /* scounteren: CY and IR flipped */
	CSR_WRITE(0x10a, 1);      /* senvcfg.FIOM */
	if (timer_sstc)
		CSR_WRITE(0x14d, 0x123456789abcdeful);   /* stimecmp, far ahead */
	/* Sv39: 1 GiB identity pages for the devices' gigabyte (0) and the RAM's, A and D set. */
	sv39_root[0] = 0x0ul >> 12 << 10 | 0xc7;            /* V R W A D */
	sv39_root[base >> 30] = base >> 12 << 10 | 0xcf;    /* V R W X A D */
	__asm__ volatile("sfence.vma" ::: "memory");
	CSR_WRITE(satp, 8ul << 60 | (uint64_t)sv39_root >> 12);
	__asm__ volatile("sfence.vma" ::: "memory");
	CSR_WRITE(stvec, base + 0x2001);   /* vectored, somewhere: no trap is taken from here on */
	line("restart-dirty: satp ", CSR_READ(satp), 1, "");
	line(" scounteren ", CSR_READ(0x106), 1, "");
	line(" senvcfg ", CSR_READ(0x10a), 1, "\n");
	line("restart-dirty: writing to ", OUTSIDE_RAM_RV, 1, "\n");
	*(volatile uint32_t *)OUTSIDE_RAM_RV = 0xdeadbeef;
	puts("restart-dirty: still running after the fault!\n");
}

int rv_reset_command(const char *w, const char **a)
{
	if (word_is(w, "fresh", a))
		fresh();
	else if (word_is(w, "restart-dirty", a))
		dirty();
	else
		return 0;
	return 1;
}
