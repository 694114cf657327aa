#include "yaml.h"

#include <stdlib.h>
#include <string.h>

struct loc yloc(const struct ydoc *y, const yaml_node_t *n)
{
	struct loc l = { y->src, 0, 0 };
	if (n) {
		l.line = (int)n->start_mark.line + 1;
		l.col = (int)n->start_mark.column + 1;
	}
	return l;
}

/*
 * A first pass over the parser's events for what the document API would hide or misread:
 *  - aliases (*name): the loaded document shares the anchored node, and everything that walks
 *    it follows the alias again at each use, so a few kilobytes of nested aliases expand to
 *    millions of values ("billion laughs"). A system description has no use for them;
 *  - NUL characters in a value (a "\0" escape): C strings would silently cut the value there.
 * Returns false when either was found (each reported); syntax errors are left to the loader.
 */
static bool prescan(struct source *src)
{
	yaml_parser_t p;
	yaml_event_t e;
	bool ok = true, done = false;

	if (!yaml_parser_initialize(&p))
		return true;   /* the loader reports it */
	yaml_parser_set_input_string(&p, (const unsigned char *)src->text, src->len);
	while (!done && yaml_parser_parse(&p, &e)) {
		struct loc at = { src, (int)e.start_mark.line + 1, (int)e.start_mark.column + 1 };
		if (e.type == YAML_ALIAS_EVENT) {
			struct diag *d = diag_error(at, "yaml-alias", "YAML alias '*%s': aliases are not "
						    "supported in a system description",
						    (const char *)e.data.alias.anchor);
			diag_hint(d, "write the value out where it is used");
			ok = false;
		} else if (e.type == YAML_SCALAR_EVENT &&
			   memchr(e.data.scalar.value, 0, e.data.scalar.length)) {
			diag_error(at, "yaml-syntax", "a NUL character in a value");
			ok = false;
		}
		done = e.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	return ok;
}

/*
 * The column (1-based) of the first tab in the indentation of line `line` of `src`, up to column
 * `col`, or 0. libyaml reports a tab there as "found character that cannot start any token",
 * which says nothing of tabs: an editor's tab is the likeliest cause of a syntax error.
 */
static int indent_tab(const struct source *src, int line, int col)
{
	const char *p = src->text, *end = src->text + src->len;
	for (int l = 1; l < line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return 0;
		p = nl + 1;
	}
	/* Indentation is spaces and tabs: ASCII, so a byte is a column here. */
	for (int c = 1; p < end && (*p == ' ' || *p == '\t') && c <= col; p++, c++)
		if (*p == '\t')
			return c;
	return 0;
}

bool ydoc_load(struct ydoc *y, struct source *src)
{
	yaml_parser_t p;
	memset(y, 0, sizeof *y);
	y->src = src;
	if (!yaml_parser_initialize(&p)) {
		diag_error((struct loc){ src, 0, 0 }, "yaml-syntax", "cannot initialise the YAML parser");
		return false;
	}
	/* Aliases start with '*', NULs need a '\\' escape: most descriptions have neither and need
	 * no second pass over their events. */
	bool suspect = memchr(src->text, '*', src->len) || memchr(src->text, '\\', src->len);
	if (suspect && !prescan(src)) {
		yaml_parser_delete(&p);
		return false;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)src->text, src->len);
	if (!yaml_parser_load(&p, &y->doc)) {
		struct loc at = { src, (int)p.problem_mark.line + 1, (int)p.problem_mark.column + 1 };
		int tab = indent_tab(src, at.line, at.col);
		if (tab) {
			at.col = tab;
			struct diag *d = diag_error(at, "yaml-syntax", "a tab character in the indentation: "
						    "YAML indents with spaces only");
			diag_hint(d, "replace the tab with spaces, lining the line up with the keys "
				  "around it (an editor's 'indent with spaces' setting keeps tabs out)");
		} else {
			struct diag *d = diag_error(at, "yaml-syntax", "%s%s%s",
						    p.problem ? p.problem : "syntax error",
						    p.context ? " " : "", p.context ? p.context : "");
			if (p.context)
				diag_note(d, (struct loc){ src, (int)p.context_mark.line + 1,
							   (int)p.context_mark.column + 1 },
					  "%s", p.context);
		}
		/* libyaml 0.2.5 leaves the partly built document's node stack allocated on error. */
		yaml_document_delete(&y->doc);
		yaml_parser_delete(&p);
		return false;
	}
	y->loaded = true;
	/* A system description is one document: a second one after `---` would be silently lost. */
	yaml_document_t next;
	if (yaml_parser_load(&p, &next)) {
		yaml_node_t *root = yaml_document_get_root_node(&next);
		if (root) {
			struct loc at = { src, (int)root->start_mark.line + 1, (int)root->start_mark.column + 1 };
			struct diag *d = diag_error(at, "yaml-syntax", "a second YAML document; a system description is one document");
			diag_hint(d, "remove the '---' and what follows, or put it in its own file");
		}
		yaml_document_delete(&next);
	} else
		yaml_document_delete(&next);
	yaml_parser_delete(&p);
	return true;
}

void ydoc_free(struct ydoc *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
	y->loaded = false;
}

yaml_node_t *ydoc_root(struct ydoc *y)
{
	return yaml_document_get_root_node(&y->doc);
}

bool yis_scalar(const yaml_node_t *n) { return n && n->type == YAML_SCALAR_NODE; }
bool yis_seq(const yaml_node_t *n) { return n && n->type == YAML_SEQUENCE_NODE; }
bool yis_map(const yaml_node_t *n) { return n && n->type == YAML_MAPPING_NODE; }

const char *yscalar(const yaml_node_t *n)
{
	return yis_scalar(n) ? (const char *)n->data.scalar.value : NULL;
}

static const char *kind_name(const yaml_node_t *n)
{
	if (!n)
		return "nothing";
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return n->data.scalar.length ? "a scalar" : "an empty value";
	case YAML_SEQUENCE_NODE: return "a list";
	case YAML_MAPPING_NODE: return "a mapping";
	default: return "nothing";
	}
}

/* "a, b, c" in a buffer that lives until the next call (used for hints only). */
static const char *join_words(const char *const *words, size_t n)
{
	static char buf[512];
	buf[0] = 0;
	for (size_t i = 0; i < n; i++) {
		strncat(buf, i ? ", " : "", sizeof buf - strlen(buf) - 1);
		strncat(buf, words[i], sizeof buf - strlen(buf) - 1);
	}
	return buf;
}

static bool type_error(struct ydoc *y, yaml_node_t *n, const char *what, const char *want)
{
	diag_error(yloc(y, n), "schema-type", "%s must be %s, not %s", what, want, kind_name(n));
	return false;
}

static size_t count_keys(const char *const *keys)
{
	size_t n = 0;
	while (keys && keys[n])
		n++;
	return n;
}

bool ymap_check(struct ydoc *y, yaml_node_t *n, const struct ykeys *k)
{
	if (!yis_map(n))
		return type_error(y, n, k->what, "a mapping");
	size_t nkeys = count_keys(k->keys);
	yaml_node_pair_t *start = n->data.mapping.pairs.start, *top = n->data.mapping.pairs.top;
	for (yaml_node_pair_t *p = start; p < top; p++) {
		yaml_node_t *key = yaml_document_get_node(&y->doc, p->key);
		const char *name = yscalar(key);
		if (!name) {
			type_error(y, key, "a key", "a plain name");
			continue;
		}
		bool known = false;
		for (size_t i = 0; i < nkeys; i++)
			known |= !strcmp(name, k->keys[i]);
		if (!known) {
			struct diag *d = diag_error(yloc(y, key), "schema-unknown-key", "unknown key '%s' in %s",
						    name, k->what);
			const char *near = closest_word(name, k->keys, nkeys);
			if (near)
				diag_hint(d, "did you mean '%s'?", near);
			else
				diag_hint(d, "%s takes: %s", k->what, join_words(k->keys, nkeys));
		}
		for (yaml_node_pair_t *q = start; q < p; q++) {
			const char *prev = yscalar(yaml_document_get_node(&y->doc, q->key));
			if (prev && !strcmp(prev, name)) {
				struct diag *d = diag_error(yloc(y, key), "yaml-duplicate-key",
							    "duplicate key '%s' in %s", name, k->what);
				diag_note(d, yloc(y, yaml_document_get_node(&y->doc, q->key)),
					  "'%s' first given here", name);
				break;
			}
		}
	}
	for (const char *const *r = k->required; r && *r; r++) {
		if (!ymap_get(y, n, *r))
			diag_error(yloc(y, n), "schema-missing-key", "%s needs the key '%s'", k->what, *r);
	}
	return true;
}

yaml_node_t *ymap_get(struct ydoc *y, yaml_node_t *n, const char *key)
{
	if (!yis_map(n))
		return NULL;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const char *name = yscalar(yaml_document_get_node(&y->doc, p->key));
		if (name && !strcmp(name, key))
			return yaml_document_get_node(&y->doc, p->value);
	}
	return NULL;
}

size_t yseq_len(yaml_node_t *n)
{
	if (!yis_seq(n))
		return 0;
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

yaml_node_t *yseq_at(struct ydoc *y, yaml_node_t *n, size_t i)
{
	return yaml_document_get_node(&y->doc, n->data.sequence.items.start[i]);
}

bool yexpect_seq(struct ydoc *y, yaml_node_t *n, const char *what)
{
	return yis_seq(n) ? true : type_error(y, n, what, "a list");
}

bool yread_str(struct ydoc *y, yaml_node_t *n, const char *what, const char **out)
{
	if (!yis_scalar(n) || n->data.scalar.length == 0)
		return type_error(y, n, what, "a string");
	*out = yscalar(n);
	return true;
}

bool yread_u64(struct ydoc *y, yaml_node_t *n, const char *what, u64 *out)
{
	const char *s = NULL;
	if (!yread_str(y, n, what, &s))
		return false;
	if (!parse_u64(s, out)) {
		struct diag *d = diag_error(yloc(y, n), "schema-integer", "%s: '%s' is not an integer", what, s);
		diag_hint(d, "write a decimal, 0x hexadecimal or 0b binary number");
		return false;
	}
	return true;
}

bool yread_size(struct ydoc *y, yaml_node_t *n, const char *what, u64 *out)
{
	const char *s = NULL;
	if (!yread_str(y, n, what, &s))
		return false;
	if (!parse_size(s, out)) {
		struct diag *d = diag_error(yloc(y, n), "schema-size", "%s: '%s' is not a size", what, s);
		static const char *const form = "a size is a whole number with an optional K, M, G or "
						"T suffix (powers of 1024: 64M), or hexadecimal (0x4000000)";
		u64 bytes = 0;
		switch (parse_size_fraction(s, &bytes)) {
		case SIZE_FRACTION_WHOLE: {
			/* The largest unit that states it whole: 1.5M is 1536K, 0.5K is 512. */
			char *whole = bytes % 1024 ? xasprintf("%llu", (unsigned long long)bytes)
						   : fmt_size(bytes);
			diag_hint(d, "write %s for %s: %s", whole, s, form);
			free(whole);
			break;
		}
		case SIZE_FRACTION_PART:
			diag_hint(d, "%s is not a whole number of bytes: %s", s, form);
			break;
		case SIZE_FRACTION_NONE:
			diag_hint(d, "write a number with an optional K, M, G or T suffix (powers of 1024: "
				  "64M), or a hexadecimal number (0x4000000)");
			break;
		}
		return false;
	}
	if (*out == 0) {
		diag_error(yloc(y, n), "schema-zero-size", "%s must not be 0", what);
		return false;
	}
	/*
	 * No memory is larger than a 48-bit physical address space. Capping every size here keeps
	 * all later sums and products (placement, color pools) far from wrapping around.
	 */
	if (*out > SIZE_MAX_ANY) {
		struct diag *d = diag_error(yloc(y, n), "schema-size", "%s: '%s' is larger than any "
					    "physical address space (256T)", what, s);
		diag_hint(d, "sizes go up to 256T (2^48 bytes)");
		return false;
	}
	return true;
}

bool yread_duration(struct ydoc *y, yaml_node_t *n, const char *what, u64 *out)
{
	const char *s = NULL;
	struct diag *d = NULL;
	if (!yread_str(y, n, what, &s))
		return false;
	switch (parse_duration(s, out)) {
	case DURATION_OK:
		if (*out)
			return true;
		diag_error(yloc(y, n), "schema-duration", "%s must not be 0", what);
		return false;
	case DURATION_FRACTION:
		d = diag_error(yloc(y, n), "schema-duration", "%s: '%s' has a fraction", what, s);
		diag_hint(d, "durations are integers: use a smaller unit (1500us, not 1.5ms)");
		return false;
	case DURATION_NO_UNIT:
		d = diag_error(yloc(y, n), "schema-duration", "%s: '%s' has no unit", what, s);
		diag_hint(d, "add one of the units ns, us, ms or s: %sms, %sus...", s, s);
		return false;
	case DURATION_RANGE:
		d = diag_error(yloc(y, n), "schema-duration", "%s: '%s' is longer than 2^63 - 1 ns "
			       "(about 292 years)", what, s);
		diag_hint(d, "durations go up to 9223372036854775807ns (9223372036s)");
		return false;
	case DURATION_UNIT:
	case DURATION_SYNTAX:
		break;
	}
	d = diag_error(yloc(y, n), "schema-duration", "%s: '%s' is not a duration", what, s);
	diag_hint(d, "write a decimal integer and a unit, ns, us, ms or s, with no space: 4ms, 500us");
	return false;
}

int yread_enum(struct ydoc *y, yaml_node_t *n, const char *what, const char *const *choices)
{
	const char *s = NULL;
	if (!yread_str(y, n, what, &s))
		return -1;
	size_t nc = count_keys(choices);
	for (size_t i = 0; i < nc; i++)
		if (!strcmp(s, choices[i]))
			return (int)i;
	struct diag *d = diag_error(yloc(y, n), "schema-enum", "%s: '%s' is not one of the choices", what, s);
	const char *near = closest_word(s, choices, nc);
	if (near)
		diag_hint(d, "did you mean '%s'?", near);
	else
		diag_hint(d, "choose one of: %s", join_words(choices, nc));
	return -1;
}

bool yread_name(struct ydoc *y, yaml_node_t *n, const char *what, const char **out)
{
	if (!yread_str(y, n, what, out))
		return false;
	for (const char *p = *out; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')) {
			struct diag *d = diag_error(yloc(y, n), "schema-name",
						    "%s '%s' may only use a-z, 0-9, '_' and '-'", what, *out);
			diag_hint(d, "names become file names, C strings and DT properties: use lower case letters, digits, '_' and '-'");
			return false;
		}
	}
	return true;
}
