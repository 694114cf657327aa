/*
 * mmio-alias: device accesses from code the VM runs with its MMU on, at virtual addresses that
 * are not the guest-physical ones. The hypervisor must take the address from the fault (htval)
 * and the instruction from the guest's own translation of the PC (HLVX: an execute-only page
 * too), never read the PC as a guest-physical address. With an Sv39 table of 1 GiB pages:
 * identity for the devices' gigabyte and the RAM's, the RAM again at VA 0x100000000 (read,
 * write, execute) and at VA 0x180000000 (execute only), the devices again at VA 0x140000000. A
 * probe (a 32-bit lbu and a 16-bit c.lw, two loads from device registers it is handed) runs at
 * one of the three code addresses, reading the vUART's LSR and the PLIC priority of the
 * vUART's source (set to 3 first) through the device alias, with interrupts masked and the MMU
 * off again after each:
 *
 *   mmio-alias     at its own address and at the read-write-execute alias: "mmio-alias:
 *                  identity lsr 0x60 priority 3, alias rwx lsr 0x60 priority 3", "mmio-alias: done"
 *   mmio-alias-x   at the execute-only alias: "mmio-alias: x-only lsr 0x60 priority 3" (a
 *                  separate word: a hypervisor that cannot read the instruction there halts the
 *                  VM, and what follows on the command line never runs)
 *
 * amo-window (below): a load-reserved from the vUART, which must be the VM's fault.
 */
#include "../guest.h"
#include "../uart.h"
#include "plic.h"
#include "rvplat.h"
#include "trap.h"

#define ALIAS_RWX  0x100000000ul   /* gigapage 4 */
#define ALIAS_DEV  0x140000000ul   /* gigapage 5 */
#define ALIAS_X    0x180000000ul   /* gigapage 6 */

/* probe(byte register, word register): the byte << 32 | the word. No data of its own. */
uint64_t rv_alias_probe(uint64_t byte_reg, uint64_t word_reg);
__asm__(".text\n"
	".balign 4\n"
	".global rv_alias_probe\n"
	"rv_alias_probe:\n"
	"	lbu	t0, 0(a0)\n"
	"	c.lw	a2, 0(a1)\n"
	"	slli	t0, t0, 32\n"
	"	slli	a2, a2, 32\n"
	"	srli	a2, a2, 32\n"
	"	or	a0, t0, a2\n"
	"	ret\n");

extern char _start[];
static uint64_t root[512] __attribute__((aligned(4096)));

static void say(const char *what, uint64_t r)
{
	puts(what);
	line(" lsr ", r >> 32, 1, "");
	line(" priority ", r & 0xffffffff, 0, "");
}

/* Run the probe at VA `at` (0: where it is) with the table above; interrupts masked. */
static uint64_t probe_at(uint64_t at, uint64_t lsr, uint64_t prio)
{
	uint64_t base = (uint64_t)_start & ~0x3ffffffful, sie = CSR_READ(sstatus) & SSTATUS_SIE, r;
	uint64_t (*probe)(uint64_t, uint64_t) = rv_alias_probe;

	irqs_off();
	root[0] = 0xc7;                                  /* devices: V R W A D */
	root[base >> 30] = base >> 12 << 10 | 0xcf;      /* RAM: V R W X A D */
	root[ALIAS_RWX >> 30] = base >> 12 << 10 | 0xcf;
	root[ALIAS_DEV >> 30] = 0xc7;
	root[ALIAS_X >> 30] = base >> 12 << 10 | 0x49;  /* V X A */
	__asm__ volatile("sfence.vma" ::: "memory");
	CSR_WRITE(satp, 8ul << 60 | (uint64_t)root >> 12);
	__asm__ volatile("sfence.vma" ::: "memory");
	if (at)
		r = ((uint64_t (*)(uint64_t, uint64_t))((uint64_t)probe - base + at))
			(lsr + ALIAS_DEV, prio + ALIAS_DEV);
	else
		r = probe(lsr, prio);
	CSR_WRITE(satp, 0);
	__asm__ volatile("sfence.vma" ::: "memory");
	if (sie)
		irqs_on();
	return r;
}

static void mmio_alias(int x_only)
{
	uint64_t lsr = uart_base + (5ul << uart_shift), prio = plic_base + 4ul * uart_intid;

	if (console_kind != CON_16550 || uart_base >= 0x40000000ul || plic_base >= 0x40000000ul) {
		puts("mmio-alias: needs an NS16550A and a PLIC in the first gigabyte\n");
		return;
	}
	plic_priority(uart_intid, 3);
	if (x_only) {
		say("mmio-alias: x-only", probe_at(ALIAS_X, lsr, prio));
		putc('\n');
		return;
	}
	say("mmio-alias: identity", probe_at(0, lsr, prio));
	say(", alias rwx", probe_at(ALIAS_RWX, lsr, prio));
	puts("\nmmio-alias: done\n");
}

/*
 * amo-window: a load-reserved (LR.W) from the vUART's receive register, an access the hypervisor
 * must not emulate as a plain load (it is no single integer load or store): the VM's fault.
 * Prints "amo-window: lr.w at ADDR", then (were it emulated) "amo-window: lr.w -> VALUE".
 */
static void amo_window(void)
{
	uint64_t v = 0;

	line("amo-window: lr.w at ", uart_base, 1, "\n");
	__asm__ volatile("lr.w %0, (%1)" : "=r"(v) : "r"(uart_base) : "memory");
	line("amo-window: lr.w -> ", v, 1, "\n");
}

int rv_mmu_command(const char *w, const char **a)
{
	if (word_is(w, "amo-window", a)) {
		amo_window();
		return 1;
	}
	if (word_is(w, "mmio-alias", a))
		mmio_alias(0);
	else if (word_is(w, "mmio-alias-x", a))
		mmio_alias(1);
	else
		return 0;
	return 1;
}
