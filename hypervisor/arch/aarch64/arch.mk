# AArch64 (EL2), included by hypervisor/Makefile when ARCH is aarch64 (the default).
#
# The board's GIC generation, named by system.mk (PARTITA_IRQCHIP, or PARTITA_GIC as before),
# picks arch/aarch64/gicv2/ or gicv3/: the physical GIC, its list registers (vgic_hw.h, included
# from that directory) and the IRQ vector's acknowledge and fast path.

CROSS_COMPILE ?= aarch64-linux-gnu-

GIC := $(or $(PARTITA_IRQCHIP),$(PARTITA_GIC),gicv3)
GIC_DIR := $(ARCH_DIR)/$(GIC)
ifeq ($(wildcard $(GIC_DIR)/gic.c),)
$(error PARTITA_IRQCHIP=$(GIC): no such GIC driver (arch/aarch64/gicv2, arch/aarch64/gicv3))
endif

ARCH_SRCS := $(wildcard $(ARCH_DIR)/*.c $(ARCH_DIR)/*.S $(ARCH_DIR)/vgic/*.c \
	       $(GIC_DIR)/*.c $(GIC_DIR)/*.S)
# General registers only (FP/SIMD is the guests'; fpsimd.S saves and resets it); no unaligned
# accesses (device memory); atomics inline (no libgcc: -mno-outline-atomics keeps the spinlock's
# exchange a load-acquire/store-exclusive pair instead of a call).
ARCH_CFLAGS := -mgeneral-regs-only -mstrict-align -mcmodel=small -mno-outline-atomics \
	       -I$(ARCH_DIR)/include -I$(GIC_DIR)
ARCH_LD := aarch64
ARCH_ENTRY := _start
