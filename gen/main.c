/*
 * partita: the command-line tool.
 *
 *   partita check SYSTEM.yaml        validate a system description against its board
 *   partita gen SYSTEM.yaml -o DIR   validate, then write the hypervisor config, guest DTBs,
 *                                    the QEMU launch script and the memory map into DIR
 *   partita rules                    list every rule id
 *
 * The pipeline: read.c (YAML → model) → checks.c (rules, placement) → emit*.c (artifacts).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks.h"
#include "board_import.h"
#include "console.h"
#include "emit.h"
#include "model.h"

#ifndef PARTITA_VERSION
#define PARTITA_VERSION "0.1.0"
#endif
#ifndef PARTITA_BOARDS_DIR
#define PARTITA_BOARDS_DIR "boards"
#endif
#ifndef PARTITA_TEMPLATES_DIR
#define PARTITA_TEMPLATES_DIR "templates"
#endif

static void usage(FILE *f)
{
	fputs("usage: partita check SYSTEM.yaml [--board-dir DIR] [--diagnostics=text|json]\n"
	      "       partita gen SYSTEM.yaml -o DIR [--board-dir DIR] [--templates-dir DIR]\n"
	      "                   [--diagnostics=text|json]\n"
	      "       partita rules\n"
	      "       partita console SOCKET [-d DIR] [--tcp PORT] [--wait SECONDS]\n"
	      "       partita board import DTB -o DIR\n"
	      "       partita --help | --version\n"
	      "\n"
	      "Validate a Partita system description against its board model and generate the\n"
	      "hypervisor configuration, guest device trees, QEMU launch script and memory map.\n"
	      "\n"
	      "options:\n"
	      "  -o, --output DIR        where gen writes its files (created if missing)\n"
	      "      --board-dir DIR     look up boards in DIR instead of " PARTITA_BOARDS_DIR "\n"
	      "      --templates-dir DIR use the m4 templates in DIR instead of " PARTITA_TEMPLATES_DIR "\n"
	      "      --diagnostics=FMT   text (default) or json (one JSON object per line)\n"
	      "  -h, --help              show this help\n"
	      "  -V, --version           show the version\n"
	      "\n"
	      "exit status: 0 valid, 1 invalid description, 2 usage or I/O error\n"
	      "documentation: docs/partita.md, man partita\n", f);
}

int main(int argc, char **argv)
{
	/* The mux console client and the board importer have their own arguments. */
	if (argc >= 2 && !strcmp(argv[1], "console"))
		return console_main(argc - 2, argv + 2);
	if (argc >= 3 && !strcmp(argv[1], "board") && !strcmp(argv[2], "import"))
		return board_import_main(argc - 3, argv + 3);
	enum { OPT_BOARD_DIR = 256, OPT_DIAG, OPT_TEMPLATES };
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "version", no_argument, 0, 'V' },
		{ "output", required_argument, 0, 'o' },
		{ "board-dir", required_argument, 0, OPT_BOARD_DIR },
		{ "templates-dir", required_argument, 0, OPT_TEMPLATES },
		{ "diagnostics", required_argument, 0, OPT_DIAG },
		{ 0, 0, 0, 0 },
	};
	const char *board_dir = getenv("PARTITA_BOARD_DIR") ? getenv("PARTITA_BOARD_DIR") : PARTITA_BOARDS_DIR;
	const char *templates = getenv("PARTITA_TEMPLATES_DIR") ? getenv("PARTITA_TEMPLATES_DIR") : PARTITA_TEMPLATES_DIR;
	const char *out = NULL;
	enum diag_format format = DIAG_TEXT;
	int c;
	while ((c = getopt_long(argc, argv, "hVo:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("partita %s\n", PARTITA_VERSION);
			return 0;
		case 'o':
			out = optarg;
			break;
		case OPT_BOARD_DIR:
			board_dir = optarg;
			break;
		case OPT_TEMPLATES:
			templates = optarg;
			break;
		case OPT_DIAG:
			if (!strcmp(optarg, "json"))
				format = DIAG_JSON;
			else if (!strcmp(optarg, "text"))
				format = DIAG_TEXT;
			else {
				fprintf(stderr, "partita: --diagnostics takes 'text' or 'json', not '%s'\n", optarg);
				return 2;
			}
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[optind++];
	if (!strcmp(cmd, "rules")) {
		if (optind != argc) {
			fprintf(stderr, "partita: rules takes no argument\n");
			return 2;
		}
		for (size_t i = 0; i < nrules; i++)
			printf("%-20s %s\n", rules[i].id, rules[i].summary);
		return 0;
	}
	bool gen = !strcmp(cmd, "gen");
	if ((!gen && strcmp(cmd, "check")) || optind != argc - 1) {
		if (gen || !strcmp(cmd, "check"))
			fprintf(stderr, "partita: %s takes exactly one system description\n", cmd);
		else
			fprintf(stderr, "partita: unknown command '%s' (try --help)\n", cmd);
		return 2;
	}
	if (!gen && out) {
		fprintf(stderr, "partita: -o is for gen; check writes nothing\n");
		return 2;
	}
	if (gen && !out) {
		fprintf(stderr, "partita: gen needs an output folder: -o DIR\n");
		return 2;
	}
	const char *path = argv[optind];
	struct stat st;
	FILE *probe = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? fopen(path, "r") : NULL;
	if (!probe) {
		fprintf(stderr, "partita: cannot read '%s': %s\n", path,
			stat(path, &st) == 0 ? "not a regular file" : strerror(errno));
		return 2;
	}
	fclose(probe);
	struct m_system *s = model_read(path, board_dir);
	if (!s) {
		diag_flush(format);
		return 1;
	}
	checks_run(s);
	int status = 0;
	if (diag_count()) {
		diag_flush(format);
		status = 1;
	} else if (gen) {
		char *err = NULL;
		if (!emit_all(s, out, templates, &err)) {
			fprintf(stderr, "partita: %s\n", err);
			free(err);
			status = 2;
		}
		if (diag_count()) {
			diag_flush(format);
			status = 1;
		}
	}
	model_free(s);
	return status;
}
