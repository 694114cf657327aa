/* The emitters: turn a validated model into the artifacts `partita gen` writes. */
#ifndef PARTITA_EMIT_H
#define PARTITA_EMIT_H

#include "model.h"

/* Write every artifact into `out`. All files are first written to a staging folder and then
 * renamed into place, so a failure leaves the previous outputs intact. */
bool emit_all(struct m_system *s, const char *out, const char *templates_dir, char **err);

#endif
