/*
 * Basic types and helpers for the freestanding hypervisor. Only compiler-provided headers are
 * used (<stdint.h>, <stddef.h>, <stdbool.h>, <stdarg.h> are part of a freestanding C
 * implementation).
 */
#ifndef HYP_TYPES_H
#define HYP_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)     (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)    (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a)  ((x) & ~((uint64_t)(a) - 1))
#define IS_ALIGNED(x, a)  (((x) & ((uint64_t)(a) - 1)) == 0)
#define BIT(n)            (1ull << (n))

/* The translation granule of every arch the hypervisor runs on (config.h's PT_PAGE_SIZE). */
#define PAGE_SIZE         4096ull
#define PAGE_SHIFT        12

#define __noreturn        __attribute__((noreturn))
#define __aligned(n)      __attribute__((aligned(n)))
#define __section(s)      __attribute__((section(s)))
#define __printf(a, b)    __attribute__((format(printf, a, b)))

#define likely(x)         __builtin_expect(!!(x), 1)
#define unlikely(x)       __builtin_expect(!!(x), 0)

#define READ_ONCE(x)      (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)  (*(volatile __typeof__(x) *)&(x) = (v))

/* core/lib.c: the compiler may emit calls to these even in freestanding code. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif
