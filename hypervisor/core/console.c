/*
 * printk, and the raw output of the panic path.
 *
 * Messages are formatted into a buffer on the caller's stack first and then handed to the console
 * multiplexer (core/conmux.c) in one go, so no lock is held while formatting and lines from
 * different pCPUs never mix. '\n' goes out as "\r\n" because QEMU's -nographic terminal is in
 * raw mode.
 */
#include <partita/config.h>
#include <hyp/console.h>
#include <hyp/uart.h>
#include <hyp/spinlock.h>

void console_write_unlocked(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

void console_write(const char *s, size_t n)
{
	conmux_hyp_out(s, n, true);
}

int console_getc(void)
{
	return uart_getc();
}

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, uint64_t v, unsigned base, bool neg, unsigned width, char pad)
{
	char tmp[24];
	unsigned n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	while (width > n) {
		put(o, pad);
		width--;
	}
	while (n)
		put(o, tmp[--n]);
}

int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		char pad = ' ';
		unsigned width = 0, lng = 0, left_width = 0;
		size_t start = o.len;

		if (*++fmt == '-')   /* left-justified: padded after the conversion (below) */
			left_width = 1, fmt++;
		if (*fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned)(*fmt++ - '0');
		if (left_width)
			left_width = width, width = 0;
		while (*fmt == 'l')
			lng++, fmt++;

		uint64_t u;
		int64_t d;
		switch (*fmt) {
		case 'd':
			d = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			put_num(&o, d < 0 ? -(uint64_t)d : (uint64_t)d, 10, d < 0, width, pad);
			break;
		case 'u':
		case 'x':
			u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			put_num(&o, u, *fmt == 'u' ? 10 : 16, false, width, pad);
			break;
		case 'p':
			put(&o, '0'), put(&o, 'x');
			put_num(&o, (uintptr_t)va_arg(ap, void *), 16, false, width, pad);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			s = s ? s : "(null)";
			for (size_t n = strlen(s); n < width; n++)
				put(&o, ' ');
			for (; *s; s++)
				put(&o, *s);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default: /* unknown conversion: show it rather than guess */
			put(&o, '%');
			if (!*fmt)
				goto done;
			put(&o, *fmt);
		}
		while (o.len - start < left_width)
			put(&o, ' ');
	}
done:
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintk(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintk(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* printk for the panic path: no lock (its holder may be the CPU that crashed), not logged. */
void printk_unlocked(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintk(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write_unlocked(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void printk(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintk(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}
