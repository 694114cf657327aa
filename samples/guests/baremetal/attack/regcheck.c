/* Register checks with a report of what differs (regcheck.h). */
#include "guest.h"
#include "regcheck.h"
#include "uart.h"

static const char *check_tag;
static unsigned checked, dirty;

void check_begin(const char *tag)
{
	check_tag = tag;
	checked = dirty = 0;
}

void check_reg(const char *prefix, const char *name, uint64_t value, uint64_t expected)
{
	checked++;
	if (value == expected)
		return;
	dirty++;
	puts(check_tag);
	puts(": dirty ");
	puts(prefix);
	puts(name);
	line(" = ", value, 1, "");
	line(" (expected ", expected, 1, ")\n");
}

void check_end(void)
{
	puts(check_tag);
	line(": ", checked, 0, " registers checked, ");
	line("", dirty, 0, " dirty");
}
