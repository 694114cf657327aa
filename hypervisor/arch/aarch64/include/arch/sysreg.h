/*
 * AArch64 system register access, barriers and the architectural constants the hypervisor
 * programs.
 */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#include <hyp/types.h>

#define sysreg_read(r) ({ uint64_t __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define sysreg_write(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)))

#define isb()       __asm__ volatile("isb" : : : "memory")
#define dsb(opt)    __asm__ volatile("dsb " #opt : : : "memory")
#define wfi()       __asm__ volatile("wfi" : : : "memory")
#define barrier()   __asm__ volatile("" : : : "memory")

/* HCR_EL2: what EL1 may do on its own and what traps to us. */
#define HCR_VM    BIT(0)   /* stage-2 translation on */
#define HCR_SWIO  BIT(1)   /* set/way invalidate becomes clean+invalidate */
#define HCR_FMO   BIT(3)   /* physical FIQ, IRQ, SError go to EL2 ... */
#define HCR_IMO   BIT(4)
#define HCR_AMO   BIT(5)   /* ... and EL1 sees only the virtual ones */
#define HCR_BSU_IS (1ull << 10)
#define HCR_TSC   BIT(19)  /* SMC traps: PSCI via SMC is emulated like HVC */
#define HCR_TIDCP BIT(20)  /* IMPLEMENTATION DEFINED registers trap (UNDEFINED for the guest) */
#define HCR_TACR  BIT(21)  /* ACTLR_EL1 traps (RAZ/WI) */
#define HCR_TSW   BIT(22)  /* set/way cache maintenance traps (made safe) */
#define HCR_RW    BIT(31)  /* EL1 is AArch64 */
/*
 * No HCR_EL2.FB: every vCPU is pinned to its own pCPU, so a guest's local TLB and I-cache
 * maintenance has nothing to reach on other pCPUs; broadcasting it would let one VM slow
 * every other one down (docs/security.md).
 */
#define HCR_GUEST (HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_BSU_IS | HCR_TSC | \
		   HCR_TIDCP | HCR_TACR | HCR_TSW | HCR_RW)

/*
 * MDCR_EL2: the PMU and the debug registers are shared hardware a guest would otherwise program
 * with EL2 included (a cycle counter that measures the hypervisor's work for other VMs). All
 * their accesses trap (TPM, TPMCR, TDA, TDOSA, TDRA) and read as zero (sysreg_trap.c). HPMN
 * keeps its reset value; HPMD (PMUv3p1) is added where the PMU has it.
 */
#define MDCR_TPMCR BIT(5)
#define MDCR_TPM   BIT(6)
#define MDCR_TDA   BIT(9)
#define MDCR_TDOSA BIT(10)
#define MDCR_TDRA  BIT(11)
#define MDCR_HPMD  BIT(17)
#define MDCR_HPMN_MASK 0x1full
#define MDCR_GUEST (MDCR_TPMCR | MDCR_TPM | MDCR_TDA | MDCR_TDOSA | MDCR_TDRA)

/*
 * VTCR_EL2: 40-bit IPA (T0SZ 24), walk starts at level 1 with two concatenated tables (SL0 1),
 * 4 KiB granule, inner-shareable write-back walks, 40-bit PA. Every QEMU CPU model we use has at
 * least 40 PA bits.
 */
#define VTCR_VALUE 0x80023558ull
#define S2_IPA_BITS 40

/* EL2 stage 1: 39-bit VA (T0SZ 25, start at level 1), same walk attributes, 40-bit PA. */
#define TCR_EL2_VALUE ((1ull << 31) | (1ull << 23) | (2ull << 16) | (3ull << 12) | \
		       (1ull << 10) | (1ull << 8) | 25ull)
#define S1_VA_BITS 39
/* MAIR_EL2: index 0 normal write-back, index 1 Device-nGnRE. */
#define MAIR_EL2_VALUE 0x04ffull
#define SCTLR_EL2_RES1 0x30c50830ull
#define SCTLR_M   BIT(0)
#define SCTLR_C   BIT(2)
#define SCTLR_SA  BIT(3)
#define SCTLR_I   BIT(12)

/* SCTLR_EL1 as the Linux boot protocol wants it: RES1 bits only, MMU and caches off. */
#define SCTLR_EL1_RESET 0x30d00800ull
/* SPSR for a fresh vCPU: EL1h, DAIF masked. */
#define SPSR_EL1H_MASKED 0x3c5ull
/*
 * CPTR_EL2: RES1 bits (TZ among them: SVE traps), trace registers trapped (TTA, like the debug
 * registers: a guest has no trace unit). FP/SIMD belongs to the guest and is reset on each
 * start (fpsimd.S); EL2 never uses it.
 */
#define CPTR_EL2_VALUE (0x33ffull | BIT(20))
/*
 * CNTHCTL_EL2: EL1 may read the physical counter (EL1PCTEN) but not use the physical timer
 * (EL1PCEN = 0: its registers trap, see arch/aarch64/sysreg_trap.c).
 */
#define CNTHCTL_EL2_VALUE 0x1ull

/* ESR_ELx */
#define ESR_EC(esr)      (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr)     ((esr) & 0x1ffffff)
#define EC_UNKNOWN       0x00
#define EC_WFX           0x01
#define EC_HVC64         0x16
#define EC_SMC64         0x17
#define EC_SYSREG        0x18
/* EC 0x18 with IL, ISS Op0 3, Op2 5, Op1 0, CRn 12, CRm 11, write: MSR ICC_SGI1R_EL1, Xt. */
#define ESR_SGI1R_WRITE      ((0x18ull << 26) | (1ull << 25) | (3u << 20) | (5u << 17) | \
			      (0u << 14) | (12u << 10) | (11u << 1))
#define ESR_SGI1R_WRITE_MASK ((0x3full << 26) | (1ull << 25) | 0x3ffc1fu)
#define EC_IABT_LOW      0x20
#define EC_IABT_CUR      0x21
#define EC_PC_ALIGN      0x22
#define EC_DABT_LOW      0x24
#define EC_DABT_CUR      0x25
#define EC_SP_ALIGN      0x26
#define EC_SERROR        0x2f

/* Data abort ISS */
#define ISS_ISV          BIT(24)
#define ISS_SAS(iss)     (((iss) >> 22) & 3)
#define ISS_SSE          BIT(21)
#define ISS_SRT(iss)     (((iss) >> 16) & 0x1f)
#define ISS_SF           BIT(15)
#define ISS_CM           BIT(8)
#define ESR_IL           BIT(25)   /* 32-bit instruction (0: a 16-bit T32 one) */
#define ISS_S1PTW        BIT(7)
#define ISS_WNR          BIT(6)
#define ISS_FSC(iss)     ((iss) & 0x3f)
#define FSC_IS_TRANSLATION(fsc) (((fsc) & 0x3c) == 0x04)

#endif
