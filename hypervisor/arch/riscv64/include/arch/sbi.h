/*
 * The Supervisor Binary Interface (RISC-V SBI 2.0), both ways: what the hypervisor asks of the
 * firmware below it (OpenSBI, in M-mode: sbi_fw.c) and what it answers to its guests' ECALLs
 * (sbi.c). An ECALL: a7 = extension, a6 = function, a0..a5 = arguments; a0 = error, a1 = value.
 */
#ifndef ARCH_SBI_H
#define ARCH_SBI_H

#include <hyp/types.h>

#define SBI_EXT_LEGACY_SET_TIMER   0x00
#define SBI_EXT_LEGACY_PUTCHAR     0x01
#define SBI_EXT_LEGACY_GETCHAR     0x02
#define SBI_EXT_LEGACY_CLEAR_IPI   0x03
#define SBI_EXT_LEGACY_SEND_IPI    0x04
#define SBI_EXT_LEGACY_FENCE_I     0x05
#define SBI_EXT_LEGACY_SFENCE_VMA  0x06
#define SBI_EXT_LEGACY_SFENCE_ASID 0x07
#define SBI_EXT_LEGACY_SHUTDOWN    0x08
#define SBI_EXT_BASE   0x10
#define SBI_EXT_TIME   0x54494d45   /* "TIME" */
#define SBI_EXT_IPI    0x00735049   /* "sPI" */
#define SBI_EXT_RFENCE 0x52464e43   /* "RFNC" */
#define SBI_EXT_HSM    0x0048534d   /* "HSM" */
#define SBI_EXT_SRST   0x53525354   /* "SRST" */
#define SBI_EXT_DBCN   0x4442434e   /* "DBCN" */

#define SBI_SUCCESS             0
#define SBI_ERR_FAILED          (-1)
#define SBI_ERR_NOT_SUPPORTED   (-2)
#define SBI_ERR_INVALID_PARAM   (-3)
#define SBI_ERR_DENIED          (-4)
#define SBI_ERR_INVALID_ADDRESS (-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)
#define SBI_ERR_ALREADY_STARTED (-7)
#define SBI_ERR_ALREADY_STOPPED (-8)

struct sbiret {
	int64_t error;
	int64_t value;
};

static inline struct sbiret sbi_ecall(uint64_t ext, uint64_t fid, uint64_t a0, uint64_t a1,
				      uint64_t a2)
{
	register uint64_t r0 __asm__("a0") = a0;
	register uint64_t r1 __asm__("a1") = a1;
	register uint64_t r2 __asm__("a2") = a2;
	register uint64_t r6 __asm__("a6") = fid;
	register uint64_t r7 __asm__("a7") = ext;

	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
	return (struct sbiret){ (int64_t)r0, (int64_t)r1 };
}

/* sbi_fw.c: the firmware's */
void sbi_fw_check(void);                         /* the extensions the hypervisor needs exist */
int64_t sbi_fw_hart_start(uint64_t hartid, uint64_t entry, uint64_t opaque);
void sbi_fw_send_ipi(uint64_t hartid);           /* SSIP at that hart */
void sbi_fw_set_timer(uint64_t at);              /* without Sstc: STIP at `at` */
void __noreturn sbi_fw_shutdown(void);

/* sbi.c: a guest's ECALL (scause 10) */
struct vcpu;
struct frame;
void sbi_guest_call(struct vcpu *v, struct frame *f);

#endif
