/*
 * partita-chan's command line (samples/guests/linux/partita-channel/partita-chan.c), on the host:
 * the tool is freestanding arm64 Linux code, but its parser is plain C, compiled here alone
 * (PARTITA_CHAN_PARSE_ONLY). What it must refuse it refuses with a reason, sizes over the
 * channel's maximum message first of all (it once sent 4096 bytes when asked for 5000 and
 * reported success). Prints "ok - ..." / "not ok - ..." lines; run by tests/gen/partita-chan.sh.
 */
#include <stdio.h>
#include <string.h>

#define PARTITA_CHAN_PARSE_ONLY
#include "../../samples/guests/linux/partita-channel/partita-chan.c"

static int failures;

/* Parse "DEVICE ARGS..." (split at spaces); want NULL (accepted) or a substring of the reason. */
static void check(const char *line, const char *want, enum cmd_kind kind, unsigned long n,
		  unsigned long size)
{
	char buf[256], *argv[8] = { "partita-chan" };
	int argc = 1;
	snprintf(buf, sizeof buf, "%s", line);
	for (char *t = strtok(buf, " "); t && argc < 7; t = strtok(NULL, " "))
		argv[argc++] = t;
	struct cmd c;
	const char *got = parse(argc, argv, &c);
	int ok = want ? got && strstr(got, want) != NULL
		      : !got && c.kind == kind && c.n == n && c.size == size;
	printf("%s - partita-chan %s: %s%s%s\n", ok ? "ok" : "not ok", line,
	       want ? "refused: " : "accepted", want ? want : "", !ok && got ? " (got: " : "");
	if (!ok && got)
		printf("#   %s)\n", got);
	failures += !ok;
}

int main(void)
{
	/* Sizes: 1..PTCHAN_MAX_MSG, nothing else. */
	check("/dev/partita/pipe 1 5000", "SIZE 5000 is over the maximum message size, 4096 bytes", 0, 0, 0);
	check("/dev/partita/pipe 1 4097", "SIZE 4097 is over the maximum message size", 0, 0, 0);
	check("/dev/partita/pipe 1 99999999999999999999999", "is not a number of bytes", 0, 0, 0);
	check("/dev/partita/pipe 1 0", "SIZE 0: a message holds 1 to 4096 bytes", 0, 0, 0);
	check("/dev/partita/pipe 1 64x", "SIZE '64x' is not a number of bytes", 0, 0, 0);
	check("/dev/partita/pipe 1 -1", "SIZE '-1' is not a number of bytes", 0, 0, 0);
	check("/dev/partita/pipe 100 4096", NULL, CMD_SEND, 100, 4096);
	check("/dev/partita/pipe 200 64", NULL, CMD_SEND, 200, 64);
	check("/dev/partita/pipe 3 1", NULL, CMD_SEND, 3, 1);
	check("/dev/partita/pipe 1000", NULL, CMD_SEND, 1000, 0);
	/* N: a positive count. */
	check("/dev/partita/pipe 0", "is not a subcommand (wait-reset, abuse) nor a number of messages", 0, 0, 0);
	check("/dev/partita/pipe 12abc", "'12abc' is not a subcommand", 0, 0, 0);
	check("/dev/partita/pipe 1000000000", NULL, CMD_SEND, 1000000000, 0);
	check("/dev/partita/pipe 1000000001", "is not a subcommand", 0, 0, 0);
	check("/dev/partita/pipe 18446744073709551617", "is not a subcommand", 0, 0, 0);
	/* Subcommands: exactly those words, and nothing after them. */
	check("/dev/partita/pipe abuse", NULL, CMD_ABUSE, 0, 0);
	check("/dev/partita/pipe wait-reset", NULL, CMD_WAIT_RESET, 0, 0);
	check("/dev/partita/pipe abuse 3", "abuse takes no more arguments", 0, 0, 0);
	check("/dev/partita/pipe wait", "'wait' is not a subcommand", 0, 0, 0);
	check("/dev/partita/pipe abused", "'abused' is not a subcommand", 0, 0, 0);
	check("/dev/partita/pipe 1 2 3", "too many arguments", 0, 0, 0);
	check("/dev/partita/pipe", "", 0, 0, 0);
	/* The usage names every form. */
	int usage = strstr(usage_text, "partita-chan DEVICE N [SIZE]") && strstr(usage_text, "(1..4096)") &&
		    strstr(usage_text, "partita-chan DEVICE wait-reset") &&
		    strstr(usage_text, "partita-chan DEVICE abuse");
	printf("%s - partita-chan's usage lists N [SIZE] (1..4096), wait-reset and abuse\n",
	       usage ? "ok" : "not ok");
	failures += !usage;
	return failures != 0;
}
