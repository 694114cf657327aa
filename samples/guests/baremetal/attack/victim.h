/* The victim of the attack tests (victim.c). */
#ifndef BM_VICTIM_H
#define BM_VICTIM_H

#include <stdint.h>

/* victim=N; 1 if w was it. *arg as for word_is(). */
int victim_command(const char *w, const char **arg, uint64_t period_ms, uint64_t tpm);

#endif
