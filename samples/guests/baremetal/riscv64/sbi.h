/*
 * The Supervisor Binary Interface (RISC-V SBI specification v2.0): what the riscv64 guest asks of
 * the firmware below it (OpenSBI natively) or of the hypervisor (under Partita, where the guest
 * runs in VS-mode and its ECALLs go to HS-mode). An ECALL with a7 = extension, a6 = function,
 * a0..a5 = arguments; a0 = error (0: success), a1 = value.
 */
#ifndef BM_RISCV64_SBI_H
#define BM_RISCV64_SBI_H

#include <stdint.h>

#define SBI_EXT_LEGACY_PUTCHAR  0x01
#define SBI_EXT_LEGACY_GETCHAR  0x02
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_BASE   0x10
#define SBI_EXT_TIME   0x54494d45   /* "TIME" */
#define SBI_EXT_IPI    0x00735049   /* "sPI" */
#define SBI_EXT_HSM    0x0048534d   /* "HSM" */
#define SBI_EXT_SRST   0x53525354   /* "SRST" */
#define SBI_EXT_DBCN   0x4442434e   /* "DBCN" (SBI 2.0) */

#define SBI_BASE_SPEC_VERSION   0
#define SBI_BASE_IMPL_ID        1
#define SBI_BASE_PROBE          3
#define SBI_HSM_START           0
#define SBI_HSM_STOP            1
#define SBI_HSM_STATUS          2
#define SBI_HSM_STARTED         0   /* hart states */
#define SBI_HSM_STOPPED         1
#define SBI_SRST_SHUTDOWN       0
#define SBI_SRST_COLD_REBOOT    1
#define SBI_DBCN_WRITE_BYTE     2

#define SBI_ERR_NOT_SUPPORTED   (-2)

/*
 * Partita's vendor extension: the RISC-V counterparts of its AArch64 hypercalls, with the numbers
 * hypervisor/include/partita/config.h defines (PT_SBI_EXT, PT_SBI_*; repeated here, the guest
 * being built on its own). In the SBI's firmware-specific range 0x0A000000..0x0AFFFFFF, "PTA" in
 * its low bytes; the function IDs are the AArch64 calls' low bits. Natively (OpenSBI) the
 * extension does not exist: SBI_ERR_NOT_SUPPORTED.
 */
#define PT_SBI_EXT              0x0a505441
#define PT_SBI_CHANNEL_NOTIFY   1   /* a0 = channel end: PT_HVC_CHANNEL_NOTIFY (0xc6000001) */
#define PT_SBI_VM_BOOTS         2   /* value = this VM's boot count: PT_HVC_VM_BOOTS (0xc6000002) */

struct sbiret {
	int64_t error, value;
};

static inline struct sbiret sbi_call(uint64_t ext, uint64_t fid, uint64_t a0, uint64_t a1,
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

/* The calls the guest makes (sbi.c). Errors are SBI's (negative), 0 is success. */
int sbi_probe(uint64_t ext);                  /* the extension exists (Base: probe_extension) */
int64_t sbi_set_timer(uint64_t when);         /* TIME, else the legacy call (EID 0) */
int64_t sbi_send_ipi(uint64_t hart);          /* IPI to one hart */
int64_t sbi_hart_start(uint64_t hart, uint64_t entry, uint64_t opaque);
int64_t sbi_hart_stop(void);
int64_t sbi_hart_status(uint64_t hart);       /* SBI_HSM_* state, or an error */
int64_t sbi_system_reset(uint32_t type);      /* SRST, then the legacy shutdown: returns if both fail */

#endif
