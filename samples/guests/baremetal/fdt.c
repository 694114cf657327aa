/*
 * Flattened device tree reader (devicetree specification v0.4, chapter 5).
 *
 * The blob comes from outside this program, so every offset and length is checked against the
 * blob's own totalsize and block sizes before use, and strings count only if NUL-terminated inside
 * their block. Values are big-endian and may be unaligned with respect to 8 bytes: read bytewise
 * (we run with the MMU off, where unaligned accesses fault).
 */
#include "fdt.h"

#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9
#define MAX_SIZE       (1u << 20)

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int starts_with(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

/* Length of the NUL-terminated string at p, or -1 if it runs past `end`. */
static long bounded_strlen(const uint8_t *p, const uint8_t *end)
{
	for (const uint8_t *q = p; q < end; q++)
		if (!*q)
			return q - p;
	return -1;
}

int fdt_read(const void *blob, struct fdt_info *info)
{
	const uint8_t *b = blob;

	if (!b || be32(b) != FDT_MAGIC)
		return -1;
	uint32_t total = be32(b + 4), off_struct = be32(b + 8), off_strings = be32(b + 12);
	uint32_t size_strings = be32(b + 32), size_struct = be32(b + 36);
	if (total < 40 || total > MAX_SIZE || off_struct > total || size_struct > total - off_struct ||
	    off_strings > total || size_strings > total - off_strings || (off_struct & 3))
		return -1;

	const uint8_t *p = b + off_struct, *end = p + size_struct;
	const uint8_t *strings = b + off_strings, *strings_end = strings + size_strings;
	int depth = 0;
	enum { OTHER, CHOSEN, CPUS, CHANNEL } in = OTHER;   /* the depth-1 node we are inside */

	while (p + 4 <= end) {
		uint32_t tok = be32(p);
		p += 4;
		switch (tok) {
		case FDT_BEGIN_NODE: {
			long n = bounded_strlen(p, end);
			if (n < 0)
				return -1;
			const char *name = (const char *)p;
			depth++;
			if (depth == 2) {
				in = streq(name, "chosen") ? CHOSEN : streq(name, "cpus") ? CPUS :
				     starts_with(name, "channel@") ? CHANNEL : OTHER;
				if (in == CHANNEL && info->nchannels < FDT_MAX_CHANNELS)
					info->nchannels++;
				else if (in == CHANNEL)
					in = OTHER;
			}
			else if (depth == 3 && in == CPUS && starts_with(name, "cpu@"))
				info->ncpus++;
			p += (n + 1 + 3) & ~3ul;
			break;
		}
		case FDT_END_NODE:
			if (--depth < 0)
				return -1;
			break;
		case FDT_PROP: {
			if (p + 8 > end)
				return -1;
			uint32_t len = be32(p), nameoff = be32(p + 4);
			const uint8_t *val = p + 8;
			if (len > (uint32_t)(end - val) || nameoff >= size_strings)
				return -1;
			const char *pname = (const char *)strings + nameoff;
			if (bounded_strlen(strings + nameoff, strings_end) < 0)
				return -1;
			/* A string property counts only if it ends inside its own value. */
			int is_str = len > 0 && val[len - 1] == 0;
			if (depth == 2 && in == CHOSEN && is_str) {
				if (streq(pname, "partita,vm-name"))
					info->vm_name = (const char *)val;
				else if (streq(pname, "bootargs"))
					info->bootargs = (const char *)val;
			}
			if (depth == 2 && in == CHANNEL) {
				/* reg: two address and two size cells (Partita's device trees). */
				struct fdt_channel *c = &info->channels[info->nchannels - 1];
				if (streq(pname, "reg") && len == 16) {
					c->base = (uint64_t)be32(val) << 32 | be32(val + 4);
					c->size = (uint64_t)be32(val + 8) << 32 | be32(val + 12);
				} else if (streq(pname, "interrupts") && len == 12) {
					c->intid = be32(val + 4) + 32;
				} else if (streq(pname, "partita,index") && len == 4) {
					c->index = be32(val);
				} else if (streq(pname, "partita,endpoint") && len == 4) {
					c->endpoint = be32(val);
				}
			}
			p = val + ((len + 3) & ~3u);
			break;
		}
		case FDT_NOP:
			break;
		case FDT_END:
			return depth == 0 ? 0 : -1;
		default:
			return -1;
		}
	}
	return -1;
}
