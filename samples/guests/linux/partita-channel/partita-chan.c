/*
 * partita-chan DEVICE N [SIZE]: the Linux side of the channel test and benchmark, for the sample
 * initramfs. Sends N messages on DEVICE (/dev/partita/<channel>, the partita-channel driver),
 * each answered by the peer (the bare-metal VM's chan-echo: upper-cased), checks every answer and
 * prints one line:
 *
 *   partita-chan: N messages, K answers intact, round trip T ns, M.MMM MB/s
 *
 * SIZE fixes the message size (1..PTCHAN_MAX_MSG, 4096); without it sizes cycle through 1..1000.
 * Blocking read() waits for the doorbell: no polling loop. A reset of the channel by the peer (its
 * VM restarted) ends the run and is counted.
 *
 * partita-chan DEVICE wait-reset: block until the peer resets the channel, say so, exit 0.
 * partita-chan DEVICE abuse: hostile calls the driver must refuse, sending nothing: empty and
 *   oversized messages, a bad user pointer, an unknown ioctl, mmap at an offset or past the
 *   window, a non-blocking read with nothing there. Prints how many were refused as expected.
 *
 * A command line it cannot honour (no such subcommand, N or SIZE not a number, a SIZE the channel
 * cannot carry) is refused with the reason and the usage on stderr, exit status 2, before the
 * device is opened: a test must not pass having sent something else than it asked for.
 *
 * Freestanding (raw Linux system calls, no C library): the build has no arm64 libc to link.
 * Defining PARTITA_CHAN_PARSE_ONLY leaves only the command-line parsing, which is plain C: the
 * host unit test (tests/gen/partita-chan.sh) includes this file so.
 */
#include "../../channel/ptchan.h"   /* PTCHAN_MAX_MSG: what one message may carry */

/* ---- the command line (pure, host-tested) ------------------------------------------------- */

#define MAX_MESSAGES 1000000000ul   /* N: a billion round trips is hours; more is a typo */
/* The messages below and the usage state the maximum as a number. */
_Static_assert(PTCHAN_MAX_MSG == 4096, "partita-chan's messages say 4096 bytes");

enum cmd_kind { CMD_SEND, CMD_WAIT_RESET, CMD_ABUSE };

struct cmd {
	enum cmd_kind kind;
	unsigned long n;      /* CMD_SEND: messages to send */
	unsigned long size;   /* CMD_SEND: bytes each, or 0: sizes cycle through 1..1000 */
};

static const char usage_text[] =
	"usage: partita-chan DEVICE N [SIZE]   send N messages (1..1000000000) and check the answers;\n"
	"                                      SIZE bytes each (1..4096), else sizes 1..1000 in turn\n"
	"       partita-chan DEVICE wait-reset  wait until the peer resets the channel\n"
	"       partita-chan DEVICE abuse       make the calls the driver must refuse\n";

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* A decimal number of digits only (no sign, no suffix) up to `max`, or 0 (refused). */
static int decimal(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		unsigned long d = (unsigned long)(*s - '0');
		if (v > (max - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*out = v;
	return 1;
}

/* Why the command line is refused, composed here (no C library): the reason, then the usage. */
static char why[256];
static unsigned long why_len;

static const char *say(const char *a, const char *b, const char *c)
{
	const char *part[3] = { a, b, c };
	why_len = 0;
	for (int i = 0; i < 3; i++)
		for (const char *p = part[i]; p && *p && why_len < sizeof(why) - 1; p++)
			why[why_len++] = *p;
	why[why_len] = 0;
	return why;
}

/*
 * Parse argv into *c. NULL when it is usable; otherwise what is wrong with it ("" when there is
 * nothing to say but the usage).
 */
static const char *parse(int argc, char **argv, struct cmd *c)
{
	c->kind = CMD_SEND;
	c->n = c->size = 0;
	if (argc < 3)
		return "";
	const char *w = argv[2];
	if (same(w, "wait-reset") || same(w, "abuse")) {
		c->kind = same(w, "abuse") ? CMD_ABUSE : CMD_WAIT_RESET;
		return argc == 3 ? 0 : say("partita-chan: ", w, " takes no more arguments");
	}
	if (argc > 4)
		return "partita-chan: too many arguments";
	if (!decimal(w, MAX_MESSAGES, &c->n) || c->n == 0)
		return say("partita-chan: '", w, "' is not a subcommand (wait-reset, abuse) nor a number "
			   "of messages N (1..1000000000)");
	if (argc == 4) {
		const char *z = argv[3];
		unsigned long size;
		if (!decimal(z, ~0ul, &size))
			return say("partita-chan: SIZE '", z, "' is not a number of bytes (1..4096)");
		if (size == 0)
			return "partita-chan: SIZE 0: a message holds 1 to 4096 bytes";
		if (size > PTCHAN_MAX_MSG)
			return say("partita-chan: SIZE ", z, " is over the maximum message size, 4096 bytes "
				   "(PTCHAN_MAX_MSG)");
		c->size = size;
	}
	return 0;
}

#ifndef PARTITA_CHAN_PARSE_ONLY

/* ---- the tool ------------------------------------------------------------------------------ */

#define SYS_fcntl         25
#define SYS_ioctl         29
#define SYS_openat        56
#define SYS_mmap          222
#define F_SETFL           4
#define O_NONBLOCK        04000
#define EFAULT            14
#define EAGAIN            11
#define EINVAL            22
#define ENOTTY            25
#define EMSGSIZE          90
#define SYS_close         57
#define SYS_read          63
#define SYS_write         64
#define SYS_exit          93
#define SYS_clock_gettime 113
#define AT_FDCWD          (-100)
#define O_RDWR            2
#define CLOCK_MONOTONIC   1
#define ECONNRESET        104

static long sys(long n, long a, long b, long c, long d)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
	return x0;
}

static long sys6(long n, const long *a)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a[0];
	register long x1 __asm__("x1") = a[1];
	register long x2 __asm__("x2") = a[2];
	register long x3 __asm__("x3") = a[3];
	register long x4 __asm__("x4") = a[4];
	register long x5 __asm__("x5") = a[5];
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	return x0;
}

static size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static void out(const char *s)
{
	sys(SYS_write, 1, (long)s, (long)slen(s), 0);
}

static void err(const char *s)
{
	sys(SYS_write, 2, (long)s, (long)slen(s), 0);
}

static void out_num(unsigned long v)
{
	char b[24];
	int n = 23;
	b[n] = 0;
	do {
		b[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out(b + n);
}

static unsigned long now_ns(void)
{
	long ts[2];
	sys(SYS_clock_gettime, CLOCK_MONOTONIC, (long)ts, 0, 0);
	return (unsigned long)ts[0] * 1000000000ul + (unsigned long)ts[1];
}

static unsigned char msg[PTCHAN_MAX_MSG], reply[PTCHAN_MAX_MSG];

static int run(int argc, char **argv)
{
	struct cmd c;
	const char *bad = parse(argc, argv, &c);
	if (bad) {
		if (*bad) {
			err(bad);
			err("\n");
		}
		err(usage_text);
		return 2;
	}
	long fd = sys(SYS_openat, AT_FDCWD, (long)argv[1], O_RDWR, 0);
	if (fd < 0) {
		out("partita-chan: cannot open ");
		out(argv[1]);
		out("\n");
		return 1;
	}
	if (c.kind == CMD_ABUSE) {
		enum { FD = -1000 };   /* stands for the device's descriptor */
		static const struct { long nr, arg[6], want; const char *what; } t[] = {
			{ SYS_write, { FD, (long)msg, 0 }, -EMSGSIZE, "empty message" },
			{ SYS_write, { FD, (long)msg, PTCHAN_MAX_MSG + 1 }, -EMSGSIZE, "4097-byte message" },
			{ SYS_write, { FD, 8, 16 }, -EFAULT, "message from address 8" },
			{ SYS_ioctl, { FD, 0x5099 }, -ENOTTY, "unknown ioctl" },   /* _IO('P', 1) is notify */
			{ SYS_mmap, { 0, 4096, 3, 1, FD, 4096 }, -EINVAL, "mmap at an offset" },
			{ SYS_mmap, { 0, 1l << 30, 3, 1, FD, 0 }, -EINVAL, "mmap of 1 GiB" },
			{ SYS_read, { FD, (long)reply, sizeof(reply) }, -EAGAIN, "non-blocking read of nothing" },
		};
		unsigned good = 0, n = sizeof(t) / sizeof(t[0]);
		sys(SYS_fcntl, fd, F_SETFL, O_RDWR | O_NONBLOCK, 0);
		for (unsigned i = 0; i < n; i++) {
			long a[6];
			for (int k = 0; k < 6; k++)
				a[k] = t[i].arg[k] == FD ? fd : t[i].arg[k];
			if (sys6(t[i].nr, a) == t[i].want) {
				good++;
			} else {
				out("partita-chan: abuse: ");
				out(t[i].what);
				out(" was not refused as it should be\n");
			}
		}
		out("partita-chan: abuse: ");
		out_num(good);
		out(" of ");
		out_num(n);
		out(" refused as they should be\n");
		return good == n ? 0 : 1;
	}
	if (c.kind == CMD_WAIT_RESET) {
		long got;
		while ((got = sys(SYS_read, fd, (long)reply, sizeof(reply), 0)) > 0)
			;   /* answers of a previous run: not ours */
		out(got == -ECONNRESET ? "partita-chan: the peer reset the channel\n"
				       : "partita-chan: read failed\n");
		return got == -ECONNRESET ? 0 : 1;
	}
	unsigned long n = c.n, fixed = c.size, ok = 0, bytes = 0;
	unsigned long resets = 0;
	unsigned long t0 = now_ns();
	for (unsigned long k = 0; k < n; k++) {
		size_t len = fixed ? fixed : 1 + (k * 97) % 1000;
		for (size_t i = 0; i < len; i++)
			msg[i] = (unsigned char)("abcdefghijklmnopqrstuvwxyz0123456789"[(k + i) % 36]);
		if (sys(SYS_write, fd, (long)msg, (long)len, 0) != (long)len) {
			out("partita-chan: write failed\n");
			break;
		}
		long got = sys(SYS_read, fd, (long)reply, sizeof(reply), 0);
		if (got == -ECONNRESET) {
			/* The peer restarted: this message may be lost with its old life. */
			out("partita-chan: channel reset by the peer at message ");
			out_num(k);
			out("\n");
			resets++;
			break;
		}
		if (got != (long)len) {
			out("partita-chan: no answer of the right length\n");
			break;
		}
		int same = 1;
		for (size_t i = 0; i < len; i++) {
			unsigned char c = msg[i];
			same &= reply[i] == (c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
		}
		ok += (unsigned long)same;
		bytes += 2 * len;
	}
	unsigned long dt = now_ns() - t0;
	out("partita-chan: ");
	out_num(n);
	out(" messages, ");
	out_num(ok);
	out(" answers intact, ");
	out_num(resets);
	out(" resets, round trip ");
	out_num(n ? dt / n : 0);
	out(" ns, ");
	unsigned long kbs = dt ? bytes * 1000000ul / dt : 0;   /* bytes/ms = kB/s... as MB/s x1000 */
	out_num(kbs / 1000);
	out(".");
	out_num(kbs % 1000 / 100);
	out_num(kbs % 100 / 10);
	out_num(kbs % 10);
	out(" MB/s\n");
	sys(SYS_close, fd, 0, 0, 0);
	return ok == n ? 0 : 1;
}

/* Entry: the kernel puts argc, argv... on the stack. */
__attribute__((used)) static void start_c(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	sys(SYS_exit, run(argc, argv), 0, 0, 0);
	for (;;)
		;
}

__asm__(".text\n.global _start\n_start:\n\tmov x0, sp\n\tbl start_c\n");

#endif /* PARTITA_CHAN_PARSE_ONLY */
