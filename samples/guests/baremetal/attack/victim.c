/*
 * victim=N: the VM the attack tests try to harm, from another VM.
 *
 * It fills 1 MiB of its RAM with a pattern derived from each word's address, takes N virtual
 * timer interrupts (riscv64: its hart's timer) at the current `period` (waiting in WFI, so that
 * it costs no simulated time), then checks every word. Its memory and its interrupts are what
 * another VM must not be able to touch; that it still runs at all says the hypervisor does. One
 * summary line, exactly
 *
 *   victim: N ticks, memory intact
 *
 * when all is well (a short tick count or "memory CORRUPTED" otherwise), and one with the
 * details: how long the ticks took, interrupts that were not its own, words that differ.
 */
#include "guest.h"
#include "irq.h"
#include "uart.h"
#include "victim.h"

#ifdef __riscv
/* The riscv64 build (the guest's image is where its RAM starts, or near): 8 MiB past it. */
extern char _start[];
#define VICTIM_BASE ((uint64_t)_start + 0x800000ul)
#else
#define VICTIM_BASE 0x40800000ul
#endif
#define VICTIM_SIZE (1ul << 20)

/* xorshift64 of the address: every word different, nothing a stray write of a constant fixes. */
static uint64_t pattern(uint64_t addr)
{
	uint64_t x = addr ^ 0x9e3779b97f4a7c15ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

static void victim(uint64_t n, uint64_t period, uint64_t tpm)
{
	volatile uint64_t *m = (volatile uint64_t *)VICTIM_BASE;
	uint64_t words = VICTIM_SIZE / 8, sum = 0, sum2 = 0, differ = 0, got, start;

	for (uint64_t i = 0; i < words; i++) {
		uint64_t v = pattern(VICTIM_BASE + 8 * i);
		m[i] = v;
		sum += v;
	}
	start = vcount();
	got = irq_ticks(n, period, tpm, 0);
	line("victim: ", got, 0, " ticks in ");
	line("", (vcount() - start) / tpm, 0, " ms, ");
	line("", irq_strays(), 0, " stray interrupts, ");
	for (uint64_t i = 0; i < words; i++) {
		uint64_t v = m[i];
		sum2 += v;
		if (v != pattern(VICTIM_BASE + 8 * i))
			differ++;
	}
	line("", differ, 0, " words differ\n");
	line("victim: ", got, 0, differ || sum != sum2 ? " ticks, memory CORRUPTED\n"
						      : " ticks, memory intact\n");
}

int victim_command(const char *w, const char **a, uint64_t period, uint64_t tpm)
{
	if (!word_is(w, "victim=", a))
		return 0;
	victim(number(*a, a), period, tpm);
	return 1;
}
