/* Small helpers the whole tool uses: allocation that cannot fail silently, files, paths, numbers. */
#ifndef PARTITA_UTIL_H
#define PARTITA_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t u64;

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* Grow *items (of *cap elements of `size` bytes) so that it holds at least `need` elements. */
void grow(void *items, size_t *cap, size_t need, size_t size);
#define PUSH(arr, n, cap) (grow(&(arr), &(cap), (n) + 1, sizeof *(arr)), &(arr)[(n)++])

/* A growing text buffer. */
struct strbuf {
	char *p;
	size_t len, cap;
};
void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Whole-file read (NUL-terminated); NULL with *err set (malloc'd) on failure. Only regular
 * files of at most INPUT_FILE_MAX bytes are read: a FIFO, a device or a huge file is an error. */
#define INPUT_FILE_MAX (512ull << 20)
char *read_file(const char *path, size_t *len, char **err);
/* The size of an input file read_file would accept, without reading it. */
bool input_file_size(const char *path, u64 *size, char **err);
bool file_exists(const char *path);
void chmod_x(const char *path); /* add execute permission where there is read permission */

/* Write `len` bytes to `path` through a temporary file in the same folder and a rename, so a
 * reader never sees a half-written file and a failure leaves the old file intact. */
bool write_file_atomic(const char *path, const void *data, size_t len, char **err);
/* mkdir -p. */
bool mkdir_p(const char *path, char **err);

char *path_dirname(const char *path);
/* `rel` relative to folder `dir`, unless it is absolute. */
char *path_join(const char *dir, const char *rel);

/* Integers: decimal, 0x hex, 0b binary, '_' separators; sizes also take K/M/G/T (binary). */
bool parse_u64(const char *s, u64 *out);
bool parse_size(const char *s, u64 *out);
/* A size written with a fraction ("1.5M"), which parse_size refuses: SIZE_FRACTION_WHOLE with
 * *bytes set when it is a whole number of bytes (1.5M: 1572864, i.e. 1536K), SIZE_FRACTION_PART
 * when it is not (1.3K), SIZE_FRACTION_NONE when `s` is no decimal fraction with an optional
 * K/M/G/T suffix, or too large. For hints. */
enum size_fraction { SIZE_FRACTION_NONE, SIZE_FRACTION_WHOLE, SIZE_FRACTION_PART };
enum size_fraction parse_size_fraction(const char *s, u64 *bytes);
/* Human form of a size: "64M", "4K", "0x1234" when not a round unit. */
char *fmt_size(u64 size);

/* Durations (time partitioning): a decimal integer ('_' may separate digits) and a unit, ns, us,
 * ms or s, in nanoseconds, at most DURATION_MAX. */
#define DURATION_MAX ((u64)INT64_MAX)
enum duration_error {
	DURATION_OK,
	DURATION_SYNTAX,   /* no leading digit: a sign, a word, a hex number */
	DURATION_FRACTION, /* 1.5ms */
	DURATION_NO_UNIT,  /* 10 */
	DURATION_UNIT,     /* 10min, 4 ms, 4MS */
	DURATION_RANGE,    /* above DURATION_MAX ns */
};
enum duration_error parse_duration(const char *s, u64 *ns);
/* Human form of a duration in the largest unit that states it exactly: "4ms", "1500us", "16ns". */
char *fmt_duration(u64 ns);

/* A letter, a digit, or one of `extra`: the characters generated files may carry verbatim. */
static inline bool plain_char(char c, const char *extra)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr(extra, c));
}

static inline u64 align_up(u64 v, u64 a) { return (v + a - 1) & ~(a - 1); }
static inline u64 align_down(u64 v, u64 a) { return v & ~(a - 1); }
static inline bool is_aligned(u64 v, u64 a) { return (v & (a - 1)) == 0; }
static inline bool is_pow2(u64 v) { return v && !(v & (v - 1)); }

/* Levenshtein distance, for "did you mean" hints. */
size_t edit_distance(const char *a, const char *b);
/* The candidate closest to `word`, or NULL when none is close enough to be a plausible typo. */
const char *closest_word(const char *word, const char *const *candidates, size_t n);

#endif
