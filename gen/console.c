/*
 * partita console SOCKET [-d DIR] [--tcp PORT]: the host side of the hypervisor's mux console
 * (docs/console.md). It connects to the board UART (QEMU's serial port on a unix socket), says
 * hello, and gives every stream its own pseudo-terminal: DIR/hypervisor and DIR/<vm>, stable
 * symlinks to /dev/pts/N, for screen, picocom, minicom or socat. With --tcp PORT, channel k is
 * also served on 127.0.0.1:PORT+k (like the Freescale hypervisor's mux_server). What is typed on
 * a VM's terminal goes to that VM only.
 *
 * Attaching. A terminal program that opens a serial line throws away what is waiting on it:
 * picocom sets its line settings with tcsetattr(TCSAFLUSH), screen calls tcflush(TCIOFLUSH),
 * both right after open(). So nothing is written into a pty that nobody has open: each channel
 * keeps its recent output in a ring of its own, and when a program opens the terminal it gets
 * the replay (the last REPLAY_SHOW bytes, from the start of a line), then the output as it
 * comes. An open is seen as the master's POLLHUP going away (the kernel raises it while no slave
 * file is open), checked every ATTACH_POLL_MS; the master runs in packet mode (TIOCPKT), so a
 * flush of the terminal's input shows up as a TIOCPKT_FLUSHREAD status, and a flush in the
 * first GRACE_MS after the replay was written (the client's own opening flush, when it came
 * later than we looked) gets the replay written again. When the last program closes the
 * terminal, what it left unread is flushed, so the next one gets the replay once.
 *
 * A terminal that reads too slowly loses the oldest bytes beyond REPLAY_RING (counted, said at
 * the end); no terminal ever holds up the others. The client ends when the serial side closes
 * (QEMU exited), removing its symlinks; closing a pty master throws away what its reader has not
 * read yet, often a VM's last words just before the machine went off, so the open terminals get
 * up to DRAIN_MS to read theirs first.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../hypervisor/include/partita/mux.h"
#include "console.h"

#define MAX_CH         (MUX_MAX_VMS + 1)
#define MAX_TCP        4       /* clients per channel */
#define REPLAY_RING    65536   /* terminal bytes kept per channel: replay, slow reader backlog */
#define REPLAY_SHOW    4096    /* an attaching terminal's replay: as much as the hypervisor keeps */
#define ATTACH_POLL_MS 50      /* how often a terminal nobody has open is looked at */
#define GRACE_MS       500     /* a flush this soon after the replay is the client's opening one */
#define DRAIN_MS       1000    /* at the end: how long open terminals get to read what they got */

struct channel {
	bool used;
	char name[64];
	int master;               /* the pty, in packet mode; no slave of ours stays open */
	char pts[128];            /* the slave's path */
	char link[4096];
	int listen_fd;
	int tcp[MAX_TCP];
	bool last_cr;             /* the previous output byte was CR (for LF -> CRLF) */
	uint8_t *ring;            /* REPLAY_RING bytes as the terminal shows them */
	uint64_t head;            /* bytes ever put in the ring */
	bool attached;            /* a program has the terminal open */
	uint64_t sent;            /* attached: ring bytes written into the pty so far */
	uint64_t replay_from;     /* attached: where its replay started */
	uint64_t attached_ms;     /* attached: when its replay was written */
	unsigned long dropped;    /* bytes an attached terminal read too slowly to get */
};

static struct channel ch[MAX_CH];
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int connect_unix(const char *path, int seconds)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "partita console: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(a.sun_path, path);
	for (int tries = 0; tries < seconds * 10 && !stop; tries++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			return fd;
		close(fd);
		struct timespec t = { 0, 100 * 1000 * 1000 };
		nanosleep(&t, NULL);
	}
	fprintf(stderr, "partita console: cannot connect to %s: %s\n", path, strerror(errno));
	return -1;
}

static bool write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		c += w;
		n -= (size_t)w;
	}
	return true;
}

static bool send_frame(int sock, unsigned channel, const uint8_t *p, size_t n)
{
	uint8_t out[MUX_FRAME_MAX(64)];

	while (n) {
		size_t k = n < 64 ? n : 64;
		if (!write_all(sock, out, mux_encode((uint8_t)channel, p, k, out)))
			return false;
		p += k;
		n -= k;
	}
	return true;
}

/* A name usable as a file name: anything else becomes '_'. */
static void safe_name(const char *in, char *out, size_t size)
{
	size_t n = 0;

	for (; *in && n + 1 < size; in++)
		out[n++] = (*in >= 'a' && *in <= 'z') || (*in >= 'A' && *in <= 'Z') ||
			   (*in >= '0' && *in <= '9') || *in == '-' || *in == '_' || *in == '.' ? *in : '_';
	if (!n || (n == 1 && out[0] == '.') || (n == 2 && out[0] == '.' && out[1] == '.'))
		out[n++] = '_';
	out[n] = '\0';
}

static int tcp_listen(unsigned port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, MAX_TCP) < 0) {
		fprintf(stderr, "partita console: port %u: %s\n", port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/*
 * Raw line settings on the slave: no echo of what we feed in (it would come back as typed
 * input), no line editing, bytes as they are. Whoever opens the terminal next finds them (the
 * kernel keeps a pty's settings while its master is open), and picocom or screen set their own.
 */
static void slave_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
}

/*
 * Open the slave ourselves for a moment: raw settings, and its input queue (what we wrote and
 * nobody read) emptied. Closing it again leaves the master in POLLHUP: nobody has it open.
 */
static void slave_reset(struct channel *c)
{
	int fd = open(c->pts, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return;
	slave_raw(fd);
	tcflush(fd, TCIFLUSH);
	close(fd);
}

static bool open_channel(unsigned k, const char *name, const char *dir, int tcp_base)
{
	struct channel *c = &ch[k];
	char tmp[4200], safe[64];
	int one = 1;

	if (c->used)
		return true;   /* a replayed name list: the terminal is there already */
	c->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (c->master < 0)
		return false;
	if (grantpt(c->master) < 0 || unlockpt(c->master) < 0) {
		close(c->master);
		return false;
	}
	const char *pts = ptsname(c->master);
	if (!pts || strlen(pts) >= sizeof(c->pts) || ioctl(c->master, TIOCPKT, &one) < 0 ||
	    !(c->ring = malloc(REPLAY_RING))) {
		close(c->master);
		return false;
	}
	snprintf(c->pts, sizeof(c->pts), "%s", pts);
	/* A master whose slave was never opened does not report POLLHUP: open it once. */
	slave_reset(c);
	c->used = true;
	snprintf(c->name, sizeof(c->name), "%s", name);
	safe_name(name, safe, sizeof(safe));
	snprintf(c->link, sizeof(c->link), "%s/%s", dir, safe);
	snprintf(tmp, sizeof(tmp), "%s.tmp%d", c->link, (int)getpid());
	unlink(tmp);
	if (symlink(c->pts, tmp) < 0 || rename(tmp, c->link) < 0) {
		fprintf(stderr, "partita console: %s: %s\n", c->link, strerror(errno));
		unlink(tmp);
		c->link[0] = '\0';
	}
	c->listen_fd = -1;
	for (int i = 0; i < MAX_TCP; i++)
		c->tcp[i] = -1;
	if (tcp_base > 0)
		c->listen_fd = tcp_listen((unsigned)tcp_base + k);
	if (tcp_base > 0 && c->listen_fd >= 0)
		fprintf(stderr, "partita console: %-12s %s (%s), tcp 127.0.0.1:%u\n", name, c->link, c->pts,
			(unsigned)tcp_base + k);
	else
		fprintf(stderr, "partita console: %-12s %s (%s)\n", name, c->link, c->pts);
	return true;
}

static void names_frame(const struct mux_decoder *d, const char *dir, int tcp_base)
{
	size_t i = 1;

	while (i < d->len) {
		unsigned k = d->payload[i++];
		size_t start = i;
		while (i < d->len && d->payload[i])
			i++;
		if (i >= d->len)
			break;   /* a name without its NUL: malformed, ignore the rest */
		char name[64];
		size_t n = i - start < sizeof(name) - 1 ? i - start : sizeof(name) - 1;
		memcpy(name, &d->payload[start], n);
		name[n] = '\0';
		i++;
		if (k < MAX_CH && !open_channel(k, name, dir, tcp_base))
			fprintf(stderr, "partita console: no pseudo-terminal for %s: %s\n", name,
				strerror(errno));
	}
}

/* Where an attaching terminal's replay starts: the last REPLAY_SHOW bytes, from a line start. */
static uint64_t replay_start(const struct channel *c)
{
	uint64_t from = c->head > REPLAY_SHOW ? c->head - REPLAY_SHOW : 0, at;

	if (!from)
		return 0;
	for (at = from; at < c->head; at++)
		if (c->ring[at % REPLAY_RING] == '\n')
			return at + 1;
	return from;   /* one line longer than the replay: its tail */
}

/* Write the ring into the pty as far as the pty takes it; POLLOUT brings the rest. */
static void pty_push(struct channel *c)
{
	if (c->head - c->sent > REPLAY_RING) {   /* the terminal fell behind the ring */
		c->dropped += c->head - REPLAY_RING - c->sent;
		c->sent = c->head - REPLAY_RING;
	}
	while (c->sent < c->head) {
		size_t at = c->sent % REPLAY_RING, n = REPLAY_RING - at;
		if (n > c->head - c->sent)
			n = c->head - c->sent;
		ssize_t w = write(c->master, c->ring + at, n);
		if (w <= 0)
			return;   /* full (EAGAIN), or just closed: the poll loop sees which */
		c->sent += (uint64_t)w;
	}
}

/* Output of channel k: into its ring (LF as CRLF, as a serial console shows it), to its terminal
 * if one is attached, and to its TCP clients. */
static void deliver(unsigned k, const uint8_t *p, size_t n)
{
	struct channel *c = &ch[k];
	uint8_t out[2 * MUX_MAX_PAYLOAD];
	size_t m = 0;

	if (!c->used)
		return;
	for (size_t i = 0; i < n && m + 2 <= sizeof(out); i++) {
		if (p[i] == '\n' && !c->last_cr)
			out[m++] = '\r';
		out[m++] = p[i];
		c->last_cr = p[i] == '\r';
	}
	for (size_t i = 0; i < m; i++)
		c->ring[c->head++ % REPLAY_RING] = out[i];
	if (c->attached)
		pty_push(c);
	for (int i = 0; i < MAX_TCP; i++)
		if (c->tcp[i] >= 0 && !write_all(c->tcp[i], out, m)) {
			close(c->tcp[i]);
			c->tcp[i] = -1;
		}
}

/*
 * Read what the terminal's side has for us: typed bytes go to channel k's VM (or the shell);
 * status bytes (packet mode) say what the terminal did. A flush of its input right after the
 * replay was written threw the replay away: it is written again. Returns false when nothing
 * more is there (or the slave is gone: EIO) and on a send error (*failed).
 */
static bool pty_read(unsigned k, int sock, bool *failed)
{
	struct channel *c = &ch[k];
	uint8_t buf[4096];
	ssize_t r = read(c->master, buf, sizeof(buf));

	if (r <= 0)
		return false;
	if (buf[0] == TIOCPKT_DATA) {
		if (r > 1 && !send_frame(sock, k, buf + 1, (size_t)r - 1))
			*failed = true;
		return !*failed;
	}
	if ((buf[0] & TIOCPKT_FLUSHREAD) && c->attached && now_ms() - c->attached_ms < GRACE_MS) {
		c->sent = c->replay_from;
		pty_push(c);
	}
	return true;
}

/* A program opened channel k's terminal: what it typed before we looked, then the replay. */
static void attach(unsigned k, int sock, bool *failed)
{
	struct channel *c = &ch[k];

	while (pty_read(k, sock, failed))   /* statuses so far (its opening flush) are history */
		;
	c->attached = true;
	c->attached_ms = now_ms();
	c->replay_from = c->sent = replay_start(c);
	pty_push(c);
}

/* The last program closed channel k's terminal: nothing it left unread stays for the next one. */
static void detach(unsigned k, int sock, bool *failed)
{
	struct channel *c = &ch[k];

	c->attached = false;
	while (pty_read(k, sock, failed))   /* what it typed just before it closed */
		;
	slave_reset(c);
}

/*
 * Every ATTACH_POLL_MS: a terminal nobody had open may have been opened (its master's POLLHUP
 * went away). One that was opened, written to and closed again in between (`printf x >
 * console/vm`) left only input: that is read here too. A master in POLLHUP cannot wait in
 * poll() (it would return at once), hence the look at intervals.
 */
static void look_at_detached(int sock, bool *failed)
{
	for (unsigned k = 0; k < MAX_CH && !*failed; k++) {
		struct channel *c = &ch[k];
		struct pollfd p = { c->master, 0, 0 };

		if (!c->used || c->attached)
			continue;
		if (poll(&p, 1, 0) == 1 && (p.revents & POLLHUP)) {
			while (pty_read(k, sock, failed))
				;
			continue;
		}
		attach(k, sock, failed);
	}
}

/* A TCP client of channel k gets the replay first, as a terminal does. */
static void tcp_accept(struct channel *c)
{
	int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	int s;

	if (fd < 0)
		return;
	for (s = 0; s < MAX_TCP && c->tcp[s] >= 0; s++)
		;
	if (s == MAX_TCP) {
		close(fd);
		return;
	}
	for (uint64_t at = replay_start(c); at < c->head;) {
		size_t i = at % REPLAY_RING, n = REPLAY_RING - i;
		if (n > c->head - at)
			n = c->head - at;
		if (!write_all(fd, c->ring + i, n)) {
			close(fd);
			return;
		}
		at += n;
	}
	c->tcp[s] = fd;
}

/*
 * The serial side ended: wait (DRAIN_MS for all of them) until each open terminal has read what
 * it was sent, as its slave's input queue (FIONREAD, through a slave file of our own) tells.
 */
static void drain_terminals(void)
{
	uint64_t end = now_ms() + DRAIN_MS;

	for (unsigned k = 0; k < MAX_CH; k++) {
		struct channel *c = &ch[k];
		struct pollfd p = { c->used ? c->master : -1, 0, 0 };
		int fd, unread;

		if (!c->used || !c->attached || (poll(&p, 1, 0) == 1 && (p.revents & POLLHUP)))
			continue;   /* nobody has it open (any more) */
		if ((fd = open(c->pts, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0)
			continue;
		/* Empty twice, 10 ms apart: bytes just written reach the queue a moment later. */
		for (int empty = 0; empty < 2 && now_ms() < end;) {
			struct timespec t = { 0, 10 * 1000 * 1000 };

			pty_push(c);
			if (c->sent == c->head && ioctl(fd, FIONREAD, &unread) == 0 && unread == 0)
				empty++;
			else
				empty = 0;
			nanosleep(&t, NULL);
		}
		close(fd);
	}
}

static void cleanup(void)
{
	for (unsigned k = 0; k < MAX_CH; k++) {
		struct channel *c = &ch[k];
		if (!c->used)
			continue;
		if (c->link[0])
			unlink(c->link);
		if (c->dropped)
			fprintf(stderr, "partita console: %s: %lu bytes dropped (read too slowly)\n", c->name,
				c->dropped);
		free(c->ring);
	}
}

int console_main(int argc, char **argv)
{
	const char *sock_path = NULL, *dir = ".";
	int tcp_base = 0, wait_s = 10;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-d") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--tcp") && i + 1 < argc)
			tcp_base = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--wait") && i + 1 < argc)
			wait_s = atoi(argv[++i]);
		else if (argv[i][0] != '-' && !sock_path)
			sock_path = argv[i];
		else {
			fprintf(stderr, "usage: partita console SOCKET [-d DIR] [--tcp PORT] [--wait SECONDS]\n");
			return 2;
		}
	}
	if (!sock_path) {
		fprintf(stderr, "usage: partita console SOCKET [-d DIR] [--tcp PORT] [--wait SECONDS]\n");
		return 2;
	}
	if (tcp_base < 0 || tcp_base > 65535 - MAX_CH) {
		fprintf(stderr, "partita console: --tcp %d: not a port number\n", tcp_base);
		return 2;
	}
	mkdir(dir, 0755);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);

	int sock = connect_unix(sock_path, wait_s);
	if (sock < 0)
		return 1;
	static const uint8_t hello[] = "H" MUX_HELLO_TEXT;
	if (!write_all(sock, MUX_PREAMBLE, 2) || !send_frame(sock, MUX_CH_CTRL, hello, sizeof(hello) - 1))
		return 1;

	struct mux_decoder dec;
	mux_decoder_init(&dec);
	bool failed = false;
	uint64_t looked = 0;
	while (!stop && !failed) {
		struct pollfd p[1 + MAX_CH * (2 + MAX_TCP)];
		int who[1 + MAX_CH * (2 + MAX_TCP)];   /* channel * 16 + slot (0 pty, 1 listen, 2.. tcp) */
		nfds_t n = 0;
		bool detached = false;

		p[n] = (struct pollfd){ sock, POLLIN, 0 };
		who[n++] = -1;
		for (unsigned k = 0; k < MAX_CH; k++) {
			if (!ch[k].used)
				continue;
			if (ch[k].attached) {
				short ev = POLLIN | (ch[k].sent != ch[k].head ? POLLOUT : 0);
				p[n] = (struct pollfd){ ch[k].master, ev, 0 };
				who[n++] = (int)k * 16;
			} else {
				detached = true;   /* looked at every ATTACH_POLL_MS instead */
			}
			if (ch[k].listen_fd >= 0) {
				p[n] = (struct pollfd){ ch[k].listen_fd, POLLIN, 0 };
				who[n++] = (int)k * 16 + 1;
			}
			for (int i = 0; i < MAX_TCP; i++)
				if (ch[k].tcp[i] >= 0) {
					p[n] = (struct pollfd){ ch[k].tcp[i], POLLIN, 0 };
					who[n++] = (int)k * 16 + 2 + i;
				}
		}
		if (poll(p, n, detached ? ATTACH_POLL_MS : 500) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (nfds_t i = 0; i < n && !failed; i++) {
			uint8_t buf[4096];
			ssize_t r;

			if (!p[i].revents)
				continue;
			if (who[i] < 0) {
				r = read(sock, buf, sizeof(buf));
				if (r <= 0) {
					stop = 1;   /* the serial side is gone: QEMU ended */
					break;
				}
				for (ssize_t j = 0; j < r; j++) {
					int chan = mux_decoder_channel(&dec);
					uint32_t before = dec.len;
					enum mux_event ev = mux_decode(&dec, buf[j]);
					if (ev == MUX_FRAME && dec.channel == MUX_CH_CTRL) {
						if (dec.len && dec.payload[0] == MUX_CTRL_NAMES)
							names_frame(&dec, dir, tcp_base);
					} else if (chan >= 0 && chan != MUX_CH_CTRL && dec.len == before + 1) {
						/* data: at once, byte by byte (an echo must not wait) */
						deliver((unsigned)chan, &dec.payload[dec.len - 1], 1);
						dec.len--;
					}
				}
				continue;
			}
			unsigned k = (unsigned)who[i] / 16, slot = (unsigned)who[i] % 16;
			struct channel *c = &ch[k];
			if (slot == 0) {
				if (p[i].revents & POLLIN)
					pty_read(k, sock, &failed);
				if (p[i].revents & (POLLHUP | POLLERR))
					detach(k, sock, &failed);   /* its last program closed it */
				else if (p[i].revents & POLLOUT)
					pty_push(c);
				continue;
			}
			if (slot == 1) {
				tcp_accept(c);
				continue;
			}
			int fd = c->tcp[slot - 2];
			r = read(fd, buf, sizeof(buf));
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
				close(fd);
				c->tcp[slot - 2] = -1;
			} else if (r > 0 && !send_frame(sock, k, buf, (size_t)r)) {
				failed = true;
			}
		}
		if (now_ms() - looked >= ATTACH_POLL_MS) {
			look_at_detached(sock, &failed);
			looked = now_ms();
		}
	}
	int status = failed ? 1 : 0;
	if (!failed)
		drain_terminals();
	cleanup();
	return status;
}
