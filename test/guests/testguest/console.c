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

int tg_printf(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	int n, i;

	va_start(ap, fmt);
	n = mv_vsnprintf(buf, sizeof(buf), fmt, ap);
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

	mv_snprintf(buf, size, "%s%lu.%02lu", hundredths < 0 ? "-" : "",
		    a / 100, a % 100);
}
