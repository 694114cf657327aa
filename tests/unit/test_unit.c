/*
 * Unit tests for the generator's building blocks: number and size parsing, the overlap engine,
 * typo suggestions, atomic writes and YAML locations. Prints "ok - ..." / "not ok - ..." lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../gen/diag.h"
#include "../../gen/overlap.h"
#include "../../gen/util.h"
#include "../../gen/yaml.h"
#include "check.h"
#include "test_imx_uart.h"
#include "test_mux.h"
#include "test_ns16550_uart.h"
#include "test_ptchan.h"
#include "test_vuart_16550.h"

static int failures;

static void test_integers(void)
{
	u64 v;
	CHECK(parse_u64("0", &v) && v == 0, "parse_u64 0");
	CHECK(parse_u64("4096", &v) && v == 4096, "parse_u64 decimal");
	CHECK(parse_u64("0x40000000", &v) && v == 0x40000000, "parse_u64 hex");
	CHECK(parse_u64("0X4_0000", &v) && v == 0x40000, "parse_u64 hex with separators");
	CHECK(parse_u64("0b101", &v) && v == 5, "parse_u64 binary");
	CHECK(parse_u64("0xffffffffffffffff", &v) && v == UINT64_MAX, "parse_u64 maximum");
	CHECK(!parse_u64("0x1_0000_0000_0000_0000", &v), "parse_u64 rejects overflow");
	CHECK(!parse_u64("18446744073709551616", &v), "parse_u64 rejects decimal overflow");
	CHECK(!parse_u64("", &v), "parse_u64 rejects empty");
	CHECK(!parse_u64("0x", &v), "parse_u64 rejects bare 0x");
	CHECK(!parse_u64("12ab", &v), "parse_u64 rejects trailing garbage");
	CHECK(!parse_u64("-1", &v), "parse_u64 rejects negative");
	CHECK(!parse_u64("_1", &v), "parse_u64 rejects leading separator");
	CHECK(!parse_u64("0b102", &v), "parse_u64 rejects a non-binary digit");
}

static void test_sizes(void)
{
	u64 v;
	CHECK(parse_size("64M", &v) && v == 64ull << 20, "parse_size 64M");
	CHECK(parse_size("4K", &v) && v == 4096, "parse_size 4K");
	CHECK(parse_size("2G", &v) && v == 2ull << 30, "parse_size 2G");
	CHECK(parse_size("1T", &v) && v == 1ull << 40, "parse_size 1T");
	CHECK(parse_size("16KiB", &v) && v == 16384, "parse_size KiB");
	CHECK(parse_size("0x1000", &v) && v == 4096, "parse_size hex without suffix");
	CHECK(parse_size("0x10M", &v) && v == 16ull << 20, "parse_size hex with suffix");
	CHECK(!parse_size("64X", &v), "parse_size rejects unknown suffix");
	CHECK(!parse_size("M", &v), "parse_size rejects suffix alone");
	CHECK(!parse_size("64MM", &v), "parse_size rejects double suffix");
	CHECK(!parse_size("99999999999999G", &v), "parse_size rejects overflow through the suffix");
	char *s = fmt_size(64ull << 20);
	CHECK(!strcmp(s, "64M"), "fmt_size 64M (got %s)", s);
	free(s);
	s = fmt_size(4096 + 512);
	CHECK(!strcmp(s, "0x1200"), "fmt_size of an odd size is hex (got %s)", s);
	free(s);
	s = fmt_size(3ull << 30);
	CHECK(!strcmp(s, "3G"), "fmt_size 3G (got %s)", s);
	free(s);
}

static void test_durations(void)
{
	u64 v = 7;
	CHECK(parse_duration("4ms", &v) == DURATION_OK && v == 4000000, "parse_duration 4ms");
	CHECK(parse_duration("500us", &v) == DURATION_OK && v == 500000, "parse_duration 500us");
	CHECK(parse_duration("16ns", &v) == DURATION_OK && v == 16, "parse_duration 16ns");
	CHECK(parse_duration("2s", &v) == DURATION_OK && v == 2000000000, "parse_duration 2s");
	CHECK(parse_duration("1_000us", &v) == DURATION_OK && v == 1000000, "parse_duration with separators");
	CHECK(parse_duration("0ms", &v) == DURATION_OK && v == 0, "parse_duration 0 (the reader rejects it)");
	CHECK(parse_duration("9223372036854775807ns", &v) == DURATION_OK && v == DURATION_MAX,
	      "parse_duration 2^63 - 1 ns");
	CHECK(parse_duration("9223372036854775808ns", &v) == DURATION_RANGE, "parse_duration rejects 2^63 ns");
	CHECK(parse_duration("9223372037s", &v) == DURATION_RANGE, "parse_duration rejects overflow through the unit");
	CHECK(parse_duration("184467440737095516160000s", &v) == DURATION_RANGE,
	      "parse_duration rejects a number beyond 64 bits");
	CHECK(parse_duration("10", &v) == DURATION_NO_UNIT, "parse_duration rejects no unit");
	CHECK(parse_duration("1.5ms", &v) == DURATION_FRACTION, "parse_duration rejects a fraction");
	CHECK(parse_duration("10min", &v) == DURATION_UNIT, "parse_duration rejects an unknown unit");
	CHECK(parse_duration("4 ms", &v) == DURATION_UNIT, "parse_duration rejects a space");
	CHECK(parse_duration("4MS", &v) == DURATION_UNIT, "parse_duration rejects upper case");
	CHECK(parse_duration("4msx", &v) == DURATION_UNIT, "parse_duration rejects trailing text");
	CHECK(parse_duration("-4ms", &v) == DURATION_SYNTAX, "parse_duration rejects a sign");
	CHECK(parse_duration("ms", &v) == DURATION_SYNTAX, "parse_duration rejects a unit alone");
	CHECK(parse_duration("_4ms", &v) == DURATION_SYNTAX, "parse_duration rejects a leading separator");
	CHECK(parse_duration("", &v) == DURATION_SYNTAX, "parse_duration rejects empty");
	static const struct { u64 ns; const char *text; } f[] = {
		{ 4000000, "4ms" }, { 1500000, "1500us" }, { 16, "16ns" }, { 0, "0ns" },
		{ 3000000000ull, "3s" }, { DURATION_MAX, "9223372036854775807ns" },
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		char *s = fmt_duration(f[i].ns);
		CHECK(!strcmp(s, f[i].text), "fmt_duration %s (got %s)", f[i].text, s);
		free(s);
	}
}

static void test_align(void)
{
	CHECK(align_up(1, 4096) == 4096 && align_up(4096, 4096) == 4096, "align_up");
	CHECK(align_down(8191, 4096) == 4096, "align_down");
	CHECK(is_pow2(16) && !is_pow2(12) && !is_pow2(0), "is_pow2");
}

static void test_suggestions(void)
{
	static const char *const keys[] = { "name", "cpus", "memory", "colors", "image", "devices" };
	CHECK(edit_distance("memroy", "memory") == 2, "edit distance of a transposition");
	CHECK(edit_distance("", "abc") == 3 && edit_distance("abc", "abc") == 0, "edit distance edges");
	const char *m = closest_word("memroy", keys, 6);
	CHECK(m && !strcmp(m, "memory"), "closest_word memroy -> memory");
	m = closest_word("cpu", keys, 6);
	CHECK(m && !strcmp(m, "cpus"), "closest_word cpu -> cpus");
	CHECK(closest_word("bananas", keys, 6) == NULL, "closest_word gives nothing for an unrelated word");
}

struct found {
	int n;
	u64 a[16], b[16];
};

static void collect(const struct span *a, const struct span *b, void *ctx)
{
	struct found *f = ctx;
	if (f->n < 16) {
		f->a[f->n] = a->start;
		f->b[f->n] = b->start;
	}
	f->n++;
}

static void test_overlap(void)
{
	struct loc at = { 0 };
	struct spans s = { 0 };
	struct found f = { 0 };
	spans_add(&s, 0x1000, 0x1000, "a", at, -1, 0);
	spans_add(&s, 0x2000, 0x1000, "b", at, -1, 0); /* touching, not overlapping */
	spans_add(&s, 0x4000, 0x1000, "c", at, -1, 0);
	spans_sweep(&s, collect, &f);
	CHECK(f.n == 0, "touching ranges do not overlap");
	spans_free(&s);

	memset(&f, 0, sizeof f);
	spans_add(&s, 0x4000, 0x1000, "late", at, -1, 0);
	spans_add(&s, 0x1000, 0x10000, "big", at, -1, 0);
	spans_add(&s, 0x20000, 0x1000, "far", at, -1, 0);
	spans_add(&s, 0x8000, 0x100, "inside", at, -1, 0);
	spans_sweep(&s, collect, &f);
	CHECK(f.n == 2, "two ranges inside a big one are both reported (got %d)", f.n);
	CHECK(f.a[0] == 0x1000 && f.b[0] == 0x4000 && f.a[1] == 0x1000 && f.b[1] == 0x8000,
	      "each is reported against the range reaching furthest");
	spans_free(&s);

	memset(&f, 0, sizeof f);
	spans_add(&s, 0, 0, "empty", at, -1, 0);
	CHECK(s.n == 0, "empty ranges are ignored");
	spans_add(&s, UINT64_MAX - 0xfff, 0x2000, "wraps", at, -1, 0);
	CHECK(s.n == 1 && s.v[0].end == UINT64_MAX, "a range past the top of the address space is clamped");
	spans_free(&s);

	/* Many ranges: a chain where each overlaps the next. */
	memset(&f, 0, sizeof f);
	for (int i = 0; i < 10000; i++)
		spans_add(&s, (u64)i * 0x1000, 0x1800, "chain", at, -1, 0);
	spans_sweep(&s, collect, &f);
	CHECK(f.n == 9999, "a chain of 10000 overlapping ranges gives 9999 reports (got %d)", f.n);
	spans_free(&s);
}

static void test_atomic_write(void)
{
	char dir[] = "/tmp/partita-unit-XXXXXX";
	CHECK(mkdtemp(dir) != NULL, "temporary folder");
	char *path = xasprintf("%s/out.txt", dir);
	char *err = NULL;
	CHECK(write_file_atomic(path, "first", 5, &err), "atomic write creates a file");
	CHECK(write_file_atomic(path, "second", 6, &err), "atomic write replaces a file");
	size_t len;
	char *text = read_file(path, &len, &err);
	CHECK(text && len == 6 && !memcmp(text, "second", 6), "the file holds the last write");
	free(text);
	char *bad = xasprintf("%s/missing/out.txt", dir);
	CHECK(!write_file_atomic(bad, "x", 1, &err) && err, "a write into a missing folder fails with a message");
	free(err);
	unlink(path);
	rmdir(dir);
	free(path);
	free(bad);
}

static void test_yaml_locations(void)
{
	struct source *src = source_from_string("t.yaml", "a: 1\nlist:\n  - x\n  - { k: 0x10 }\n");
	struct ydoc y;
	CHECK(ydoc_load(&y, src), "YAML loads");
	yaml_node_t *root = ydoc_root(&y);
	yaml_node_t *list = ymap_get(&y, root, "list");
	CHECK(yseq_len(list) == 2, "list has two items");
	yaml_node_t *item = yseq_at(&y, list, 1);
	struct loc l = yloc(&y, ymap_get(&y, item, "k"));
	CHECK(l.line == 4 && l.col == 10, "value location is line 4 col 10 (got %d:%d)", l.line, l.col);
	u64 v = 0;
	CHECK(yread_u64(&y, ymap_get(&y, item, "k"), "k", &v) && v == 16, "typed read of a hex value");
	CHECK(diag_count() == 0, "no diagnostics so far");
	CHECK(!yread_size(&y, ymap_get(&y, root, "a"), "a", &v) || v == 1, "size read of a plain number");
	ydoc_free(&y);
	source_free(src);

	src = source_from_string("bad.yaml", "a: [1, 2\nb: 3\n");
	CHECK(!ydoc_load(&y, src) && diag_count() == 1, "a syntax error is one diagnostic");
	diag_reset();
	source_free(src);
}

int main(void)
{
	test_integers();
	test_sizes();
	test_durations();
	test_align();
	test_suggestions();
	test_overlap();
	test_atomic_write();
	test_yaml_locations();
	failures += test_mux();
	failures += test_ptchan();
	failures += test_imx_uart();
	failures += test_ns16550_uart();
	failures += test_vuart_16550();
	return failures ? 1 : 0;
}
