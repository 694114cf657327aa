/*
 * The unit tests' one assertion: prints "ok - ..." or "not ok - ..." and counts failures in the
 * including file's `failures`. Evaluates `cond` once: some conditions have side effects.
 */
#ifndef UNIT_CHECK_H
#define UNIT_CHECK_H

#include <stdio.h>

#define CHECK(cond, ...)                                          \
	do {                                                      \
		int ok_ = (cond);                                 \
		printf("%s - ", ok_ ? "ok" : "not ok");           \
		printf(__VA_ARGS__);                              \
		printf("\n");                                     \
		failures += !ok_;                                 \
	} while (0)

#endif
