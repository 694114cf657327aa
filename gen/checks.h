/*
 * The validation rules. Like dtc's checks.c: a table of small named checks, each with a stable
 * rule id that appears in every diagnostic it produces and in docs/rules.md.
 */
#ifndef PARTITA_CHECKS_H
#define PARTITA_CHECKS_H

#include "model.h"

struct rule {
	const char *id;
	const char *summary;
};

/* Every rule id Partita can report, in documentation order. */
extern const struct rule rules[];
extern const size_t nrules;

/* Run every check (and the placement they imply) over a model that model_read returned. */
void checks_run(struct m_system *s);

#endif
