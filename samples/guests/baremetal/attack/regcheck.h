/*
 * Checking many registers against expected values (regcheck.c), for the restart attacks: every
 * mismatch is printed as "TAG: dirty NAME = VALUE (expected EXPECTED)", and a summary line
 * "TAG: N registers checked, K dirty" ends the check.
 */
#ifndef BM_REGCHECK_H
#define BM_REGCHECK_H

#include <stdint.h>

void check_begin(const char *tag);
/* One register; its name is `prefix` followed by `name` (prefix may be ""). */
void check_reg(const char *prefix, const char *name, uint64_t value, uint64_t expected);
/* Prints the summary, without the newline: the caller may add to the line. */
void check_end(void);

#endif
