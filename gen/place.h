/* Physical placement: choose addresses for everything the user did not pin down. */
#ifndef PARTITA_PLACE_H
#define PARTITA_PLACE_H

#include "model.h"

/* Place the hypervisor, the colored pool, VM memory without `phys`, and channels without `phys`.
 * Deterministic: the same description always gives the same addresses. Reports [place-no-room]
 * and [color-capacity]. */
void place_all(struct m_system *s);

#endif
