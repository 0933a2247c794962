// SPDX-License-Identifier: GPL-2.0
/*
 * A small vsnprintf: %d %i %u %x %X %o %p %s %c %%, with flags '-', '0',
 * width, precision for strings, and the h/hh/l/ll/z/t length modifiers.
 */
#include <mv/log.h>
#include <string.h>

struct outbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_padded(struct outbuf *o, const char *s, size_t n, int width,
		       bool left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left && pad == '0' && n && (*s == '-')) {
		out_char(o, *s++);
		n--;
	}
	if (!left)
		while (fill-- > 0)
			out_char(o, pad);
	while (n--)
		out_char(o, *s++);
	if (left)
		while (fill-- > 0)
			out_char(o, ' ');
}

static size_t format_number(char *tmp, unsigned long long v, unsigned base,
			    bool upper, bool negative)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char rev[24];
	size_t n = 0, i = 0;

	do {
		rev[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (negative)
		tmp[i++] = '-';
	while (n)
		tmp[i++] = rev[--n];
	return i;
}

int mv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool left = false, upper = false, negative = false;
		char pad = ' ', tmp[26];
		int width = 0, precision = -1, longness = 0;
		unsigned long long v;
		unsigned base = 10;
		const char *s;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			precision = 0;
			if (*fmt == '*') {
				precision = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				precision = precision * 10 + (*fmt++ - '0');
		}
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z' || *fmt == 't')
				longness++;
			else if (*fmt != 'h')
				break;
		}
		switch (*fmt) {
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			out_padded(&o, tmp, 1, width, left, ' ');
			continue;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			out_padded(&o, s,
				   precision >= 0 ? strnlen(s, precision)
						  : strlen(s),
				   width, left, ' ');
			continue;
		case '%':
			out_char(&o, '%');
			continue;
		case 'p':
			v = (uintptr_t)va_arg(ap, void *);
			tmp[0] = '0';
			tmp[1] = 'x';
			out_padded(&o, tmp,
				   2 + format_number(tmp + 2, v, 16, false,
						     false),
				   width, left, ' ');
			continue;
		case 'd':
		case 'i': {
			long long sv = longness ? va_arg(ap, long long)
						: va_arg(ap, int);

			negative = sv < 0;
			v = negative ? 0 - (unsigned long long)sv
				     : (unsigned long long)sv;
			break;
		}
		case 'X':
			upper = true;
			/* fall through */
		case 'x':
			base = 16;
			/* fall through */
		case 'u':
		case 'o':
			if (*fmt == 'o')
				base = 8;
			v = longness ? va_arg(ap, unsigned long long)
				     : va_arg(ap, unsigned int);
			break;
		default:
			out_char(&o, '%');
			if (*fmt)
				out_char(&o, *fmt);
			else
				fmt--;
			continue;
		}
		out_padded(&o, tmp, format_number(tmp, v, base, upper, negative),
			   width, left, left ? ' ' : pad);
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int mv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = mv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
