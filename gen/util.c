#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void out_of_memory(void)
{
	fputs("partita: out of memory\n", stderr);
	exit(2);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

char *xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		out_of_memory();
	char *s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	size_t n = strlen(s);
	grow(&b->p, &b->cap, b->len + n + 1, 1);
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
	free(s);
}

void grow(void *items, size_t *cap, size_t need, size_t size)
{
	void **p = items;
	if (need <= *cap)
		return;
	size_t n = *cap ? *cap : 4;
	while (n < need)
		n *= 2;
	*p = xrealloc(*p, n * size);
	*cap = n;
}

/*
 * Input files come from users and from elsewhere: only regular files are read (a FIFO would
 * block, /dev/zero never ends), opened without blocking, and never more than INPUT_FILE_MAX
 * bytes. The size fstat reports is what is read, so a file growing meanwhile cannot run away.
 */
static int open_input(const char *path, struct stat *st, char **err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*err = xasprintf("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		*err = xasprintf("'%s' is not a regular file", path);
		close(fd);
		return -1;
	}
	if ((u64)st->st_size > INPUT_FILE_MAX) {
		char *max = fmt_size(INPUT_FILE_MAX);
		*err = xasprintf("'%s' is larger than %s, the most an input file may be", path, max);
		free(max);
		close(fd);
		return -1;
	}
	return fd;
}

bool input_file_size(const char *path, u64 *size, char **err)
{
	struct stat st;
	int fd = open_input(path, &st, err);
	if (fd < 0)
		return false;
	close(fd);
	*size = (u64)st.st_size;
	return true;
}

char *read_file(const char *path, size_t *len, char **err)
{
	struct stat st;
	int fd = open_input(path, &st, err);
	if (fd < 0)
		return NULL;
	size_t want = (size_t)st.st_size, n = 0;
	char *buf = xmalloc(want + 1);
	while (n < want) {
		ssize_t got = read(fd, buf + n, want - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			*err = xasprintf("cannot read '%s': %s", path, strerror(errno));
			close(fd);
			free(buf);
			return NULL;
		}
		if (got == 0)
			break;   /* shrank meanwhile: take what is there */
		n += (size_t)got;
	}
	close(fd);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

bool file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void chmod_x(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0)
		chmod(path, st.st_mode | ((st.st_mode & 0444) >> 2));
}

bool write_file_atomic(const char *path, const void *data, size_t len, char **err)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		*err = xasprintf("cannot create '%s': %s", tmp, strerror(errno));
		free(tmp);
		return false;
	}
	bool ok = fwrite(data, 1, len, f) == len;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) != 0) {
		*err = xasprintf("cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return false;
	}
	free(tmp);
	return true;
}

char *path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xasprintf("%.*s", (int)(slash - path), path);
}

char *path_join(const char *dir, const char *rel)
{
	if (rel[0] == '/' || !strcmp(dir, "."))
		return xstrdup(rel);
	return xasprintf("%s/%s", dir, rel);
}

static bool parse_digits(const char *s, unsigned base, u64 *out, const char **end)
{
	u64 v = 0;
	bool any = false;
	for (; *s; s++) {
		unsigned d;
		if (*s == '_' && any)
			continue;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			break;
		if (d >= base)
			break;
		if (v > (UINT64_MAX - d) / base)
			return false; /* overflow */
		v = v * base + d;
		any = true;
	}
	*end = s;
	*out = v;
	return any;
}

static bool parse_number_prefix(const char *s, u64 *out, const char **end)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_digits(s + 2, 16, out, end);
	if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		return parse_digits(s + 2, 2, out, end);
	return parse_digits(s, 10, out, end);
}

bool parse_u64(const char *s, u64 *out)
{
	const char *end;
	return parse_number_prefix(s, out, &end) && *end == 0;
}

bool parse_size(const char *s, u64 *out)
{
	const char *end;
	u64 v;
	if (!parse_number_prefix(s, &v, &end))
		return false;
	unsigned shift = 0;
	switch (*end) {
	case 0: break;
	case 'K': case 'k': shift = 10; break;
	case 'M': case 'm': shift = 20; break;
	case 'G': case 'g': shift = 30; break;
	case 'T': case 't': shift = 40; break;
	default: return false;
	}
	if (*end) {
		end++;
		if (*end == 'i')
			end++;
		if (*end == 'B')
			end++;
		if (*end)
			return false;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

enum size_fraction parse_size_fraction(const char *s, u64 *bytes)
{
	/* number = whole + frac / 10^k, bytes = number * 2^shift: kept exact in integers as
	 * (whole * 10^k + frac) * 2^shift / (5^k * 2^k), so at most 19 digits in all. */
	u64 num = 0, five = 1;
	unsigned k = 0, digits = 0, shift = 0;
	bool point = false;
	for (; (*s >= '0' && *s <= '9') || (*s == '.' && !point); s++) {
		if (*s == '.') {
			point = true;
			continue;
		}
		if (++digits > 19)
			return SIZE_FRACTION_NONE;
		num = num * 10 + (u64)(*s - '0');
		if (point) {
			k++;
			five *= 5;
		}
	}
	if (!point || !k || digits == k)   /* "64", "1.", ".5" */
		return SIZE_FRACTION_NONE;
	switch (*s) {
	case 0: break;
	case 'K': case 'k': shift = 10; break;
	case 'M': case 'm': shift = 20; break;
	case 'G': case 'g': shift = 30; break;
	case 'T': case 't': shift = 40; break;
	default: return SIZE_FRACTION_NONE;
	}
	if (*s) {
		s++;
		if (*s == 'i')
			s++;
		if (*s == 'B')
			s++;
		if (*s)
			return SIZE_FRACTION_NONE;
	}
	if (num % five)
		return SIZE_FRACTION_PART;
	u64 m = num / five;
	if (shift >= k) {
		if (m > (UINT64_MAX >> (shift - k)))
			return SIZE_FRACTION_NONE;
		*bytes = m << (shift - k);
	} else {
		if (m & ((1ull << (k - shift)) - 1))
			return SIZE_FRACTION_PART;
		*bytes = m >> (k - shift);
	}
	return SIZE_FRACTION_WHOLE;
}

char *fmt_size(u64 size)
{
	static const char units[] = "KMGT";
	if (size == 0)
		return xstrdup("0");
	for (int i = 3; i >= 0; i--) {
		u64 unit = (u64)1 << (10 * (i + 1));
		if (size % unit == 0)
			return xasprintf("%llu%c", (unsigned long long)(size / unit), units[i]);
	}
	return xasprintf("0x%llx", (unsigned long long)size);
}

enum duration_error parse_duration(const char *s, u64 *ns)
{
	static const struct { const char *unit; u64 ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
	};
	u64 v = 0;
	bool any = false, big = false;

	for (; *s; s++) {
		if (*s == '_' && any)
			continue;
		if (*s < '0' || *s > '9')
			break;
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			big = true; /* keep reading: the unit may still be malformed */
		else
			v = v * 10 + d;
		any = true;
	}
	if (!any)
		return DURATION_SYNTAX;
	if (*s == '.' && s[1] >= '0' && s[1] <= '9')
		return DURATION_FRACTION;
	if (!*s)
		return DURATION_NO_UNIT;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (!strcmp(s, units[i].unit)) {
			if (big || v > DURATION_MAX / units[i].ns)
				return DURATION_RANGE;
			*ns = v * units[i].ns;
			return DURATION_OK;
		}
	return DURATION_UNIT;
}

char *fmt_duration(u64 ns)
{
	if (ns && ns % 1000000000 == 0)
		return xasprintf("%llus", (unsigned long long)(ns / 1000000000));
	if (ns && ns % 1000000 == 0)
		return xasprintf("%llums", (unsigned long long)(ns / 1000000));
	if (ns && ns % 1000 == 0)
		return xasprintf("%lluus", (unsigned long long)(ns / 1000));
	return xasprintf("%lluns", (unsigned long long)ns);
}

size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = xmalloc((lb + 1) * sizeof *row);
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	size_t d = row[lb];
	free(row);
	return d;
}

const char *closest_word(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, candidates[i]);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	/* A typo changes a few letters; beyond a third of the word it is another word. */
	size_t limit = strlen(word) / 3 + 1;
	return best && best_d <= limit ? best : NULL;
}

bool mkdir_p(const char *path, char **err)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		mkdir(p, 0777);
		*s = '/';
	}
	bool ok = mkdir(p, 0777) == 0 || errno == EEXIST;
	if (!ok)
		*err = xasprintf("cannot create folder '%s': %s", path, strerror(errno));
	free(p);
	return ok;
}
