/*
 * The RISC-V half of guest.h (included from there): the riscv64 guest runs in S-mode (natively,
 * after OpenSBI) or VS-mode (under a hypervisor: the same to it), MMU off (satp = 0), and asks
 * the SBI for time, IPIs, harts and power (sbi.h).
 */
#ifndef BM_RISCV64_ARCH_H
#define BM_RISCV64_ARCH_H

#include <stdint.h>
#include "sbi.h"

#define VM_BOOTS_CALL       "PT_SBI_VM_BOOTS"   /* its name, for messages */

#define SSTATUS_SIE   (1ul << 1)
#define SIE_SSIE      (1ul << 1)   /* sie/sip bits: software (IPIs), timer, external */
#define SIE_STIE      (1ul << 5)
#define SIE_SEIE      (1ul << 9)
#define CSR_STIMECMP  0x14d        /* Sstc */

#define CSR_READ(c) \
	({ uint64_t __v; __asm__ volatile("csrr %0, " #c : "=r"(__v) :: "memory"); __v; })
#define CSR_WRITE(c, v) __asm__ volatile("csrw " #c ", %0" : : "r"((uint64_t)(v)) : "memory")
#define CSR_SET(c, v) __asm__ volatile("csrs " #c ", %0" : : "r"((uint64_t)(v)) : "memory")
#define CSR_CLEAR(c, v) __asm__ volatile("csrc " #c ", %0" : : "r"((uint64_t)(v)) : "memory")

void secondary_start(void);   /* SBI HSM hart_start entry: a0 = hart id, a1 = our CPU number */

/* Ring the doorbell of channel end k (docs/channels.md): Partita's vendor SBI call (sbi.h). */
static inline int64_t chan_notify(uint64_t k)
{
	return sbi_call(PT_SBI_EXT, PT_SBI_CHANNEL_NOTIFY, k, 0, 0).error;
}
/* Order memory accesses before a doorbell (the peer may run on another hart). */
static inline void publish(void) { __asm__ volatile("fence rw, rw" ::: "memory"); }

/*
 * Two ways to wait. relax(): the body of a busy loop that measures time (share=, bell-storm=):
 * Zihintpause's PAUSE, a hint (a FENCE encoding: a no-op where the extension is missing).
 * nap(): a wait for another hart or a device (cpu_up, cpu_off=, console input): a WFI of at
 * most 10 us, woken by this hart's timer (irq.c). Measured on QEMU 7.2 under -icount: PAUSE,
 * unlike AArch64's YIELD, does not hand QEMU's only thread to the next CPU, so a hart that polls
 * with it starves the hart it waits for (a second hart started with HSM hart_start said "cpu 1
 * up" only after the boot hart's 1-second wait had run out: 13 s on the host); a WFI hands the
 * thread over at once.
 */
static inline void relax(void) { __asm__ volatile(".4byte 0x0100000f" ::: "memory"); }
void nap(void);
static inline void irqs_on(void)  { __asm__ volatile("csrsi sstatus, 2" ::: "memory"); }
static inline void irqs_off(void) { __asm__ volatile("csrci sstatus, 2" ::: "memory"); }
static inline void wait_irq(void) { __asm__ volatile("wfi" ::: "memory"); }

#endif
