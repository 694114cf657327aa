/*
 * RISC-V control and status registers as HS-mode uses them (the privileged architecture 1.12
 * with the H extension, and Sstc). CSRs are named by number where this binutils does not know
 * the name; the accessors take either.
 */
#ifndef ARCH_CSR_H
#define ARCH_CSR_H

#define CSR_SSTATUS    0x100
#define CSR_SIE        0x104
#define CSR_STVEC      0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG    0x10a
#define CSR_SSCRATCH   0x140
#define CSR_SEPC       0x141
#define CSR_SCAUSE     0x142
#define CSR_STVAL      0x143
#define CSR_SIP        0x144
#define CSR_STIMECMP   0x14d
#define CSR_SATP       0x180

#define CSR_VSSTATUS   0x200
#define CSR_VSIE       0x204
#define CSR_VSTVEC     0x205
#define CSR_VSSCRATCH  0x240
#define CSR_VSEPC      0x241
#define CSR_VSCAUSE    0x242
#define CSR_VSTVAL     0x243
#define CSR_VSIP       0x244
#define CSR_VSTIMECMP  0x24d
#define CSR_VSATP      0x280

#define CSR_HSTATUS    0x600
#define CSR_HEDELEG    0x602
#define CSR_HIDELEG    0x603
#define CSR_HIE        0x604
#define CSR_HTIMEDELTA 0x605
#define CSR_HCOUNTEREN 0x606
#define CSR_HGEIE      0x607
#define CSR_HENVCFG    0x60a
#define CSR_HTVAL      0x643
#define CSR_HIP        0x644
#define CSR_HVIP       0x645
#define CSR_HTINST     0x64a
#define CSR_HGATP      0x680

/* sstatus */
#define SSTATUS_SIE    (1ul << 1)
#define SSTATUS_SPIE   (1ul << 5)
#define SSTATUS_SPP    (1ul << 8)
#define SSTATUS_FS     (3ul << 13)
#define SSTATUS_FS_INITIAL (1ul << 13)
#define SSTATUS_FS_DIRTY   (3ul << 13)
#define SSTATUS_SUM    (1ul << 18)
#define SSTATUS_MXR    (1ul << 19)

/* hstatus */
#define HSTATUS_GVA    (1ul << 6)
#define HSTATUS_SPV    (1ul << 7)
#define HSTATUS_SPVP   (1ul << 8)
#define HSTATUS_VSXL   (3ul << 32)

/* Interrupts (sip/sie bit numbers; scause with its top bit set) */
#define IRQ_SSI        1
#define IRQ_VSSI       2
#define IRQ_STI        5
#define IRQ_VSTI       6
#define IRQ_SEI        9
#define IRQ_VSEI       10
#define IP_VS_ALL      ((1ul << IRQ_VSSI) | (1ul << IRQ_VSTI) | (1ul << IRQ_VSEI))

/* Exceptions (scause) */
#define EXC_INST_MISALIGNED   0
#define EXC_INST_ACCESS       1
#define EXC_ILLEGAL_INST      2
#define EXC_BREAKPOINT        3
#define EXC_LOAD_MISALIGNED   4
#define EXC_LOAD_ACCESS       5
#define EXC_STORE_MISALIGNED  6
#define EXC_STORE_ACCESS      7
#define EXC_ECALL_U           8
#define EXC_ECALL_VS          10
#define EXC_INST_PAGE_FAULT   12
#define EXC_LOAD_PAGE_FAULT   13
#define EXC_STORE_PAGE_FAULT  15
#define EXC_INST_GUEST_PF     20
#define EXC_LOAD_GUEST_PF     21
#define EXC_VIRTUAL_INST      22
#define EXC_STORE_GUEST_PF    23
#define SCAUSE_IRQ            (1ul << 63)

/* henvcfg */
#define HENVCFG_STCE   (1ul << 63)   /* Sstc: vstimecmp is the guest's */

/* hcounteren: what a guest may read without a trap */
#define HCOUNTEREN_TM  (1ul << 1)

/* satp / hgatp */
#define SATP_SV39      (8ul << 60)
#define HGATP_MODE_SHIFT 60
#define HGATP_VMID_SHIFT 44
#define HGATP_VMID_MASK  0x3ffful

#ifndef __ASSEMBLER__
#include <hyp/types.h>

#define __csr_str(x) #x
#define csr_str(x) __csr_str(x)

#define csr_read(csr) ({ uint64_t __v; \
	__asm__ volatile("csrr %0, " csr_str(csr) : "=r"(__v) : : "memory"); __v; })
#define csr_write(csr, val) ({ uint64_t __v = (uint64_t)(val); \
	__asm__ volatile("csrw " csr_str(csr) ", %0" : : "rK"(__v) : "memory"); })
#define csr_set(csr, val) ({ uint64_t __v = (uint64_t)(val); \
	__asm__ volatile("csrs " csr_str(csr) ", %0" : : "rK"(__v) : "memory"); })
#define csr_clear(csr, val) ({ uint64_t __v = (uint64_t)(val); \
	__asm__ volatile("csrc " csr_str(csr) ", %0" : : "rK"(__v) : "memory"); })
#define csr_swap(csr, val) ({ uint64_t __v = (uint64_t)(val); \
	__asm__ volatile("csrrw %0, " csr_str(csr) ", %1" : "=r"(__v) : "rK"(__v) : "memory"); __v; })

static inline void fence(void) { __asm__ volatile("fence rw, rw" : : : "memory"); }
static inline void fence_i(void) { __asm__ volatile("fence.i" : : : "memory"); }
static inline void cpu_pause(void) { __asm__ volatile(".insn i 0x0f, 0, x0, x0, 0x010"); }
static inline void hfence_gvma_all(void) { __asm__ volatile("hfence.gvma zero, zero" : : : "memory"); }
static inline void hfence_vvma_all(void) { __asm__ volatile("hfence.vvma zero, zero" : : : "memory"); }
static inline void sfence_vma_page(uint64_t va)
{
	__asm__ volatile("sfence.vma %0, zero" : : "r"(va) : "memory");
}
static inline void sfence_vma_all(void) { __asm__ volatile("sfence.vma zero, zero" : : : "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" : : : "memory"); }
#endif

#endif
