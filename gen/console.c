/*
 * partita console SOCKET [-d DIR] [--tcp PORT]: the host side of the hypervisor's mux console
 * (docs/console.md). It connects to the board UART (QEMU's serial port on a unix socket), says
 * hello, and gives every stream its own pseudo-terminal: DIR/hypervisor and DIR/<vm>, stable
 * symlinks to /dev/pts/N, for screen, picocom, minicom or socat. With --tcp PORT, channel k is
 * also served on 127.0.0.1:PORT+k (like the Freescale hypervisor's mux_server). What is typed on
 * a VM's terminal goes to that VM only.
 *
 * A terminal nobody has open keeps what arrives (up to the kernel's pty buffer; beyond it new
 * output for that terminal is dropped and counted) and never holds up the others. The client
 * ends when the serial side closes (QEMU exited), removing its symlinks.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../hypervisor/include/partita/mux.h"
#include "console.h"

#define MAX_CH     (MUX_MAX_VMS + 1)
#define MAX_TCP    4   /* clients per channel */

struct channel {
	bool used;
	char name[64];
	int master, slave;        /* the pty; slave kept open so output waits for a reader */
	char link[4096];
	int listen_fd;
	int tcp[MAX_TCP];
	bool last_cr;             /* the previous output byte was CR (for LF -> CRLF) */
	unsigned long dropped;
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

static bool open_channel(unsigned k, const char *name, const char *dir, int tcp_base)
{
	struct channel *c = &ch[k];
	struct termios t;
	char tmp[4200], safe[64];

	if (c->used)
		return true;   /* a replayed name list: the terminal is there already */
	c->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (c->master < 0 || grantpt(c->master) < 0 || unlockpt(c->master) < 0)
		return false;
	const char *pts = ptsname(c->master);
	if (!pts || (c->slave = open(pts, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return false;
	/* Raw: no echo of what we feed in, no line editing, bytes as they are. */
	if (tcgetattr(c->slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(c->slave, TCSANOW, &t);
	}
	c->used = true;
	snprintf(c->name, sizeof(c->name), "%s", name);
	safe_name(name, safe, sizeof(safe));
	snprintf(c->link, sizeof(c->link), "%s/%s", dir, safe);
	snprintf(tmp, sizeof(tmp), "%s.tmp%d", c->link, (int)getpid());
	unlink(tmp);
	if (symlink(pts, tmp) < 0 || rename(tmp, c->link) < 0) {
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
		fprintf(stderr, "partita console: %-12s %s (%s), tcp 127.0.0.1:%u\n", name, c->link, pts,
			(unsigned)tcp_base + k);
	else
		fprintf(stderr, "partita console: %-12s %s (%s)\n", name, c->link, pts);
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

/* Output of channel k: to its terminal (LF as CRLF, as a serial console shows it) and TCP. */
static void deliver(unsigned k, const uint8_t *p, size_t n)
{
	struct channel *c = &ch[k];
	uint8_t out[2 * MUX_MAX_PAYLOAD];
	size_t m = 0;

	if (!c->used)
		return;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' && !c->last_cr)
			out[m++] = '\r';
		out[m++] = p[i];
		c->last_cr = p[i] == '\r';
	}
	ssize_t w = write(c->master, out, m);
	if (w < (ssize_t)m)
		c->dropped += m - (w > 0 ? (size_t)w : 0);   /* nobody reads it and the buffer is full */
	for (int i = 0; i < MAX_TCP; i++)
		if (c->tcp[i] >= 0 && !write_all(c->tcp[i], out, m)) {
			close(c->tcp[i]);
			c->tcp[i] = -1;
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
			fprintf(stderr, "partita console: %s: %lu bytes dropped (nobody read them)\n",
				c->name, c->dropped);
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
	int status = 0;
	while (!stop) {
		struct pollfd p[1 + MAX_CH * (2 + MAX_TCP)];
		int who[1 + MAX_CH * (2 + MAX_TCP)];   /* channel * 16 + slot (0 pty, 1 listen, 2.. tcp) */
		nfds_t n = 0;

		p[n] = (struct pollfd){ sock, POLLIN, 0 };
		who[n++] = -1;
		for (unsigned k = 0; k < MAX_CH; k++) {
			if (!ch[k].used)
				continue;
			p[n] = (struct pollfd){ ch[k].master, POLLIN, 0 };
			who[n++] = (int)k * 16;
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
		if (poll(p, n, 500) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (nfds_t i = 0; i < n; i++) {
			uint8_t buf[4096];
			ssize_t r;

			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
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
			if (slot == 1) {
				int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);
				int s;
				for (s = 0; fd >= 0 && s < MAX_TCP && c->tcp[s] >= 0; s++)
					;
				if (fd >= 0 && s < MAX_TCP)
					c->tcp[s] = fd;
				else if (fd >= 0)
					close(fd);
				continue;
			}
			int fd = slot == 0 ? c->master : c->tcp[slot - 2];
			r = read(fd, buf, sizeof(buf));
			if (r <= 0) {
				if (slot >= 2 && (r == 0 || errno != EAGAIN)) {
					close(fd);
					c->tcp[slot - 2] = -1;
				}
				continue;
			}
			if (!send_frame(sock, k, buf, (size_t)r)) {
				status = 1;
				stop = 1;
				break;
			}
		}
	}
	cleanup();
	return status;
}
