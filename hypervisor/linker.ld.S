/*
 * Partita's hypervisor image, linked (and loaded, by QEMU's ELF loader) at PARTITA_HYP_BASE.
 * Preprocessed with -DHYP_BASE=... -DHYP_SIZE=... from the system's system.mk, and the
 * architecture's linker name and entry symbol (arch/$(PARTITA_ARCH)/arch.mk).
 *
 * The guest images config.c embeds go to .rodata.guest_images. Stacks and the translation-table
 * pool go to .noinit after .bss: they occupy memory but are neither in the file nor zeroed.
 */
OUTPUT_ARCH(LD_ARCH)
ENTRY(LD_ENTRY)

SECTIONS
{
	. = HYP_BASE;
	__hyp_start = .;

	.text : {
		KEEP(*(.text.boot))
		*(.text.vectors)
		*(.text .text.*)
	}
	. = ALIGN(4096);
	.rodata : {
		*(.rodata .rodata.*)
	}
	. = ALIGN(4096);
	.data : {
		*(.data .data.*)
	}
	.bss (NOLOAD) : ALIGN(16) {
		__bss_start = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(16);
		__bss_end = .;
	}
	.noinit (NOLOAD) : ALIGN(4096) {
		*(.noinit.ptpool)
		*(.noinit.*)
	}
	__hyp_end = .;

	/DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}

ASSERT(__hyp_end - __hyp_start <= HYP_SIZE,
       "hypervisor image + bss + stacks + table pool exceed PARTITA_HYP_SIZE")
