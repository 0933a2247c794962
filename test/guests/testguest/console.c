// SPDX-License-Identifier: GPL-2.0
/*
 * PL011 output (polled on UARTFR.TXFF) and a small printf. Lines from
 * different CPUs are kept whole by a lock that the owning CPU may take
 * again (an exception report in the middle of a line).
 */
#include "tg.h"

#define UARTDR		0x00
#define UARTFR		0x18
#define UARTFR_TXFF	(1U << 5)

u64 tg_uart_base = TG_DEFAULT_UART;
static int console_owner = -1;
static unsigned int console_depth;

void console_init(u64 base)
{
	tg_uart_base = base;
	clean_dcache_range(&tg_uart_base, sizeof(tg_uart_base));
}

u64 console_base(void)
{
	return tg_uart_base;
}

void tg_putc_raw(char c)
{
	unsigned int spins = 0;

	/* Bounded: a stuck TXFF must not hang the guest forever. */
	while ((mmio_read32(tg_uart_base + UARTFR) & UARTFR_TXFF) &&
	       ++spins < 10000000)
		;
	mmio_write32(tg_uart_base + UARTDR, (u8)c);
}

static int my_cpu(void)
{
	u64 t = read_sysreg(tpidr_el1);

	return t ? (int)((struct percpu *)t)->idx : 0;
}

static void console_lock(void)
{
	int me = my_cpu(), expected;

	if (__atomic_load_n(&console_owner, __ATOMIC_ACQUIRE) == me) {
		console_depth++;
		return;
	}
	for (;;) {
		expected = -1;
		if (__atomic_compare_exchange_n(&console_owner, &expected, me,
						false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			break;
		cpu_relax();
	}
	console_depth = 1;
}

static void console_unlock(void)
{
	if (--console_depth == 0)
		__atomic_store_n(&console_owner, -1, __ATOMIC_RELEASE);
}

struct outbuf {
	char *buf;
	size_t size, len;
};

static void out_c(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_num(struct outbuf *o, u64 v, unsigned int base, bool neg,
		    int width, char pad)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	while (width-- > n)
		out_c(o, pad);
	while (n)
		out_c(o, tmp[--n]);
}

/* %[0][width][l|ll|z]{d,u,x,s,c,p} and %% */
int tg_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { .buf = buf, .size = size, .len = 0 };

	for (; *fmt; fmt++) {
		int width = 0, longs = 0;
		char pad = ' ';
		const char *s;
		u64 v;
		s64 sv;

		if (*fmt != '%') {
			out_c(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		while (*fmt == 'l' || *fmt == 'z') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
			sv = longs ? va_arg(ap, s64) : va_arg(ap, int);
			out_num(&o, sv < 0 ? -(u64)sv : (u64)sv, 10, sv < 0,
				width, pad);
			break;
		case 'u':
		case 'x':
			v = longs ? va_arg(ap, u64) : va_arg(ap, unsigned int);
			out_num(&o, v, *fmt == 'u' ? 10 : 16, false, width, pad);
			break;
		case 'p':
			out_c(&o, '0');
			out_c(&o, 'x');
			out_num(&o, (u64)va_arg(ap, void *), 16, false, width,
				pad);
			break;
		case 'c':
			out_c(&o, (char)va_arg(ap, int));
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			while (*s)
				out_c(&o, *s++);
			break;
		case '%':
			out_c(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			out_c(&o, '%');
			out_c(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int tg_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = tg_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int tg_printf(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	int n, i;

	va_start(ap, fmt);
	n = tg_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_lock();
	for (i = 0; buf[i]; i++) {
		if (buf[i] == '\n')
			tg_putc_raw('\r');
		tg_putc_raw(buf[i]);
	}
	console_unlock();
	return n;
}

/* hundredths -> "12.34" / "-0.05" */
void fmt_fixed2(char *buf, size_t size, s64 hundredths)
{
	u64 a = hundredths < 0 ? -(u64)hundredths : (u64)hundredths;

	tg_snprintf(buf, size, "%s%lu.%02lu", hundredths < 0 ? "-" : "",
		    a / 100, a % 100);
}
