# RISC-V 64 (HS-mode, the H extension), included by hypervisor/Makefile when ARCH is riscv64.
#
# The board's interrupt controller is a PLIC (PARTITA_IRQCHIP := plic): plic.c drives it and
# vplic.c gives each VM its own. The hypervisor is built without F and D (the FP registers are
# the guests'; fp.S saves and resets them) and without compressed instructions in its entry
# code only; the assembler is told about the H extension (hfence, hlv) and the CSRs it uses.

CROSS_COMPILE ?= riscv64-linux-gnu-

ifneq ($(or $(PARTITA_IRQCHIP),plic),plic)
$(error PARTITA_IRQCHIP=$(PARTITA_IRQCHIP): the riscv64 hypervisor drives a PLIC)
endif

ARCH_SRCS := $(wildcard $(ARCH_DIR)/*.c $(ARCH_DIR)/*.S)
# medany: the image is linked at 0x80200000, out of medlow's reach; -mno-riscv-attribute and
# the assembler's own -march let inline assembly use H-extension instructions and fp.S the FP
# registers while the compiler itself emits neither.
ARCH_CFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -mstrict-align \
	       -mno-riscv-attribute -Wa,-march=rv64gch_zicsr_zifencei -I$(ARCH_DIR)/include
ARCH_LD := riscv
ARCH_ENTRY := _start
