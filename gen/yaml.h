/*
 * The YAML layer: load a file with libyaml's document API and read typed values out of it,
 * reporting every problem at the line and column it comes from.
 */
#ifndef PARTITA_YAML_H
#define PARTITA_YAML_H

#include <stdbool.h>
#include <yaml.h>

#include "diag.h"
#include "util.h"

struct ydoc {
	yaml_document_t doc;
	struct source *src;
	bool loaded;
};

/* Parse a source. On a syntax error, reports it [yaml-syntax] and returns false. */
bool ydoc_load(struct ydoc *y, struct source *src);
void ydoc_free(struct ydoc *y);
yaml_node_t *ydoc_root(struct ydoc *y);

struct loc yloc(const struct ydoc *y, const yaml_node_t *n);

/* The allowed keys of a mapping, and which of them are required. */
struct ykeys {
	const char *what;              /* "vm", "memory region", ... for messages */
	const char *const *keys;       /* NULL-terminated */
	const char *const *required;   /* NULL-terminated, may be NULL */
};

/* A mapping checked against its keys: unknown keys [schema-unknown-key] (with a suggestion),
 * duplicate keys [yaml-duplicate-key], missing required keys [schema-missing-key] located at
 * the mapping. Returns false (and reports [schema-type]) if `n` is not a mapping. */
bool ymap_check(struct ydoc *y, yaml_node_t *n, const struct ykeys *k);
/* The value under `key` in mapping `n`, or NULL. */
yaml_node_t *ymap_get(struct ydoc *y, yaml_node_t *n, const char *key);

/* Sequence access: count and item i. */
size_t yseq_len(yaml_node_t *n);
yaml_node_t *yseq_at(struct ydoc *y, yaml_node_t *n, size_t i);

bool yis_scalar(const yaml_node_t *n);
bool yis_seq(const yaml_node_t *n);
bool yis_map(const yaml_node_t *n);
const char *yscalar(const yaml_node_t *n);

/* Typed reads; each reports its own error and returns false. `what` names the value. */
bool yexpect_seq(struct ydoc *y, yaml_node_t *n, const char *what);
bool yread_str(struct ydoc *y, yaml_node_t *n, const char *what, const char **out);
bool yread_u64(struct ydoc *y, yaml_node_t *n, const char *what, u64 *out);
#define SIZE_MAX_ANY (1ull << 48)   /* the largest size yread_size accepts */
/* A size: integer with optional K/M/G suffix; 0 is rejected [schema-zero-size], and so is
 * anything above SIZE_MAX_ANY [schema-size]. */
bool yread_size(struct ydoc *y, yaml_node_t *n, const char *what, u64 *out);
/* A duration (parse_duration) in nanoseconds, not 0 and at most DURATION_MAX [schema-duration]. */
bool yread_duration(struct ydoc *y, yaml_node_t *n, const char *what, u64 *out);
/* One of `choices` (NULL-terminated); returns the index or -1 [schema-enum]. */
int yread_enum(struct ydoc *y, yaml_node_t *n, const char *what, const char *const *choices);
/* A name matching [a-z0-9_-]+ [schema-name]. */
bool yread_name(struct ydoc *y, yaml_node_t *n, const char *what, const char **out);

#endif
