/*
 * The few libc routines a freestanding C compiler may call on its own. Word-at-a-time where
 * both pointers allow it: image loading copies guest kernels with these.
 */
#include <hyp/types.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
		for (; n >= 16; n -= 16, d += 16, s += 16) {
			((uint64_t *)d)[0] = ((const uint64_t *)s)[0];
			((uint64_t *)d)[1] = ((const uint64_t *)s)[1];
		}
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	/* Zeroing 16 bytes a round (one store pair on AArch64) where the pointer allows it. */
	if (c == 0 && ((uintptr_t)d & 15) == 0)
		for (; n >= 16; n -= 16, d += 16) {
			((uint64_t *)d)[0] = 0;
			((uint64_t *)d)[1] = 0;
		}
	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}
