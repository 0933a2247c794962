// SPDX-License-Identifier: GPL-2.0
/*
 * Boot console and log. The console is the one device the nucleus drives
 * itself, because every later failure must be printable: a polled PL011
 * transmitter, nothing more. Full UART drivers belong in modules.
 */
#include <mv/arch.h>
#include <mv/console.h>
#include <mv/devtree.h>
#include <mv/errno.h>
#include <mv/log.h>
#include <mv/mmu.h>
#include <mv/nucleus.h>
#include <mv/sched.h>
#include <modvisor/command.h>
#include <mv/smp.h>
#include <mv/spinlock.h>
#include <mv/time.h>
#include <libfdt.h>
#include <string.h>

#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_CR 0x30
#define PL011_IMSC 0x38
#define PL011_ICR 0x44
#define PL011_FR_RXFE (1 << 4)
#define PL011_FR_TXFF (1 << 5)
#define PL011_CR_UARTEN (1 << 0)
#define PL011_CR_TXE (1 << 8)
#define PL011_CR_RXE (1 << 9)
#define PL011_INT_RX (1 << 4)
#define PL011_INT_RT (1 << 6)
#define INPUT_RING 256

static volatile u32 *uart_base;
static int uart_irq = -1;
/* Received bytes, filled by the interrupt handler, drained by readers. */
static struct {
	char buf[INPUT_RING];
	unsigned int head, tail;	/* head: next write; tail: next read */
	unsigned int dropped;
	struct mv_spinlock lock;
	struct mv_waitq readers;
} input = { .lock = MV_SPINLOCK_INIT };
static char console_name[64];
static struct mv_spinlock console_lock = MV_SPINLOCK_INIT;
/* Set when the system is going down: a stopped CPU may hold the lock. */
static bool console_emergency;

void mv_console_emergency(void)
{
	MV_WRITE_ONCE(console_emergency, true);
}

static void pl011_putc(char c)
{
	while (uart_base[PL011_FR / 4] & PL011_FR_TXFF)
		mv_arch_poll_hint();
	uart_base[PL011_DR / 4] = (u8)c;
}

void mv_console_write(const char *s, size_t n)
{
	if (!uart_base)
		return;
	for (; n; n--, s++) {
		if (*s == '\n')
			pl011_putc('\r');
		pl011_putc(*s);
	}
}

const char *mv_console_name(void)
{
	return console_name;
}

void mv_console_use_fallback(void)
{
#ifdef MV_FALLBACK_UART
	uart_base = (volatile u32 *)(uintptr_t)MV_FALLBACK_UART;
	mv_snprintf(console_name, sizeof(console_name),
		    "fallback pl011@%lx", (unsigned long)MV_FALLBACK_UART);
#endif
}

int mv_console_init(const void *fdt)
{
	const char *path;
	int node, len;
	u64 addr, size;

	path = mv_dt_stdout_path(fdt, &len);
	if (!path) {
		mv_console_use_fallback();
		mv_log(MV_LOG_ERR,
		       "console: the DTB has no /chosen/stdout-path: cannot "
		       "tell which UART is the console\n");
		return -MV_ENOENT;
	}
	node = fdt_path_offset_namelen(fdt, path, len);
	if (node < 0) {
		mv_console_use_fallback();
		mv_log(MV_LOG_ERR,
		       "console: /chosen/stdout-path names '%.*s', which is "
		       "not in the DTB (%s)\n", len, path, fdt_strerror(node));
		return -MV_ENOENT;
	}
	if (fdt_node_check_compatible(fdt, node, "arm,pl011") != 0) {
		mv_console_use_fallback();
		mv_log(MV_LOG_ERR,
		       "console: stdout-path '%.*s' is not an arm,pl011 UART; "
		       "the nucleus console supports only PL011\n", len, path);
		return -MV_ENODEV;
	}
	if (mv_dt_reg(fdt, node, 0, &addr, &size) < 0 || size < 0x1000) {
		mv_console_use_fallback();
		mv_log(MV_LOG_ERR, "console: '%.*s' has no usable reg\n",
		       len, path);
		return -MV_EINVAL;
	}
	uart_base = mv_ioremap(addr, 0x1000);
	if (!uart_base)
		return -MV_ENOMEM;
	uart_irq = mv_arch_irq_from_dt(fdt, node, 0);
	mv_snprintf(console_name, sizeof(console_name), "%.*s", len, path);
	return 0;
}

static void uart_interrupt(void *arg)
{
	bool got = false;

	(void)arg;
	mv_spin_lock(&input.lock);
	/*
	 * Acknowledge first, then drain: a byte that arrives during the drain
	 * raises the interrupt again instead of being stranded in the FIFO.
	 */
	uart_base[PL011_ICR / 4] = PL011_INT_RX | PL011_INT_RT;
	while (!(uart_base[PL011_FR / 4] & PL011_FR_RXFE)) {
		char c = (char)uart_base[PL011_DR / 4];

		if (input.head - input.tail < INPUT_RING) {
			input.buf[input.head++ % INPUT_RING] = c;
			got = true;
		} else {
			input.dropped++;
		}
	}
	mv_spin_unlock(&input.lock);
	if (got)
		mv_waitq_wake_all(&input.readers);
}

int mv_console_enable_input(void)
{
	int err;

	mv_waitq_init(&input.readers);
	if (!uart_base || uart_irq < 0) {
		mv_log(MV_LOG_WARN, "console: no interrupt for %s; no input\n",
		       console_name);
		return -MV_ENODEV;
	}
	err = mv_arch_irq_request(uart_irq, uart_interrupt, NULL);
	if (err) {
		mv_log(MV_LOG_ERR, "console: cannot take interrupt %d: %d\n",
		       uart_irq, err);
		return err;
	}
	uart_base[PL011_CR / 4] |= PL011_CR_UARTEN | PL011_CR_TXE |
				   PL011_CR_RXE;
	uart_base[PL011_IMSC / 4] |= PL011_INT_RX | PL011_INT_RT;
	return 0;
}

static bool input_pending(void)
{
	return MV_READ_ONCE(input.head) != MV_READ_ONCE(input.tail);
}

int mv_console_getc(void)
{
	unsigned long flags;
	char c;

	mv_wait_event(&input.readers, input_pending());
	flags = mv_spin_lock_irqsave(&input.lock);
	c = input.buf[input.tail++ % INPUT_RING];
	mv_spin_unlock_irqrestore(&input.lock, flags);
	return (u8)c;
}

int mv_printf(const char *fmt, ...)
{
	char buf[512];
	unsigned long flags;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = mv_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	flags = mv_spin_lock_irqsave(&console_lock);
	mv_console_write(buf, n);
	mv_spin_unlock_irqrestore(&console_lock, flags);
	return n;
}

void mv_console_write_raw(const char *s, size_t n)
{
	unsigned long flags = mv_spin_lock_irqsave(&console_lock);

	for (; n; n--, s++)
		pl011_putc(*s);
	mv_spin_unlock_irqrestore(&console_lock, flags);
}

static const char *const level_tag[] = {
	[MV_LOG_ERR] = "error: ",
	[MV_LOG_WARN] = "warning: ",
	[MV_LOG_INFO] = "",
	[MV_LOG_DEBUG] = "debug: ",
};

static unsigned long log_errors;

unsigned long mv_log_errors(void)
{
	return __atomic_load_n(&log_errors, __ATOMIC_RELAXED);
}

static void log_line(enum mv_log_level level, const char *fmt, va_list ap)
{
	char line[320];
	unsigned long flags;
	u64 us = mv_time_ready() ? mv_time_ns() / 1000 : 0;
	int n;

	n = mv_snprintf(line, sizeof(line), "[%4lu.%06lu] %s",
			(unsigned long)(us / 1000000),
			(unsigned long)(us % 1000000), level_tag[level]);
	n += mv_vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	flags = mv_arch_irq_save();
	if (MV_READ_ONCE(console_emergency)) {
		bool locked = false;

		for (unsigned int i = 0; i < 1000000 && !locked; i++)
			locked = mv_spin_trylock(&console_lock);
		mv_console_write(line, n);
		if (locked)
			mv_spin_unlock(&console_lock);
	} else {
		mv_spin_lock(&console_lock);
		mv_console_write(line, n);
		mv_spin_unlock(&console_lock);
	}
	mv_arch_irq_restore(flags);
}

void mv_log(enum mv_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > MV_LOG_INFO && !mv_log_debug)
		return;
	if (level == MV_LOG_ERR)
		__atomic_fetch_add(&log_errors, 1, __ATOMIC_RELAXED);
	va_start(ap, fmt);
	log_line(level, fmt, ap);
	va_end(ap);
}

void mv_panic(const char *fmt, ...)
{
	va_list ap;

	mv_arch_irq_disable();
	mv_smp_stop_others();
	va_start(ap, fmt);
	log_line(MV_LOG_ERR, fmt, ap);
	va_end(ap);
	mv_log(MV_LOG_ERR, "nucleus: halted\n");
	mv_arch_halt();
}
