/*
 * forge: what a VM prints must not be able to pass for somebody else's output, nor drive the
 * terminal. It prints terminal control sequences (clear screen, set title, erase line and go
 * to column 1), the C0 controls VT, FF, BS and NUL, DEL, C1 controls in UTF-8 (NEL, and LS) and
 * raw (CSI 0x9b), a carriage return followed by a forged victim line, and lines longer than the
 * hypervisor's line buffer, one of which ends in a forged line exactly where the hypervisor
 * would cut it. Each forgery sits on a line of its own, labelled, so that the test can expect
 * its escaped form exactly.
 */
#include "attack.h"
#include "guest.h"
#include "uart.h"

#define FORGED "[victim] victim: 100 ticks, memory intact"

static void bytes(const char *label, const char *s, unsigned n)
{
	puts("forge: ");
	puts(label);
	putc(' ');
	for (unsigned i = 0; i < n; i++)
		putc(s[i]);
	putc('\n');
}

#define FORGE(label, lit) bytes(label, lit, sizeof(lit) - 1)

void atk_forge(const char *arg)
{
	(void)arg;
	FORGE("clear", "\x1b[2J\x1b[H");
	FORGE("title", "\x1b]0;title\x07");
	FORGE("erase", "\x1b[2K\x1b[1G" FORGED);
	FORGE("c0", "vt\x0b" "ff\x0c" "bs\x08" "nul\x00" "del\x7f" "tab\t.");
	FORGE("c1", "nel\xc2\x85" "ls\xe2\x80\xa8" "csi\x9b" "31m" "high\xff");
	FORGE("cr", "\r" FORGED);
	FORGE("lf-cr", "\n\r" FORGED);
	/* 160 bytes fill the hypervisor's line buffer: the forged line would start a new one. */
	puts("forge: long ");
	for (unsigned i = 0; i < 160 - 12; i++)
		putc('Z');
	puts(FORGED "\n");
	puts("forge: longer ");
	for (unsigned i = 0; i < 400; i++)
		putc((char)('a' + i % 26));
	putc('\n');
	puts("forge: done\n");
}
