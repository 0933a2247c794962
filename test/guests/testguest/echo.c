// SPDX-License-Identifier: GPL-2.0
/*
 * The echo test: the console PL011's receive interrupt (IMSC RX|RT, the
 * SPI of the UART's DT node) brings typed characters; every line (ended
 * by CR or LF; empty ones are skipped, backspace edits) is printed back
 * as "tg: echo: <line>". The line "quit" ends the test; nothing else
 * does, so it goes last in the bootargs.
 *
 * The handler drains the receive FIFO like Linux's amba-pl011 does and
 * leaves RXRIS/RTRIS to drop with the FIFO emptying (no ICR write for
 * them). The test loop reads only what the handler queued, so a line
 * that arrives proves the interrupt path.
 *
 * echo-hold=N: the first key's interrupt is left unserved N times (EOI
 * with the FIFO full, the level line still high) while the test spins
 * with interrupts on and nothing else is typed: only a hypervisor that
 * re-delivers a line still high at EOI gets it to "held N times, then
 * got '<key>'".
 */
#include <string.h>

#include "tg.h"

#define UARTDR		0x00
#define UARTFR		0x18
#define UARTLCR_H	0x2c
#define UARTCR		0x30
#define UARTIMSC	0x38
#define UARTICR		0x44

#define UARTFR_RXFE	(1U << 4)
#define UARTLCR_H_FEN	(1U << 4)
#define UARTLCR_H_WLEN8	(3U << 5)
#define UARTCR_UARTEN	(1U << 0)
#define UARTCR_TXE	(1U << 8)
#define UARTCR_RXE	(1U << 9)
#define UART_INT_RX	(1U << 4)
#define UART_INT_RT	(1U << 6)

#define RX_RING		256
#define LINE_MAX	120

static struct {
	char ring[RX_RING];
	volatile unsigned int head, tail;
	volatile u64 irqs, bytes, lost, empty_irqs, hold;
} rx;

void uart_rx_irq(struct percpu *pc)
{
	u64 base = console_base();
	unsigned int n = 0;

	rx.irqs++;
	if (rx.hold) {
		rx.hold--;
		return;
	}
	while (!(mmio_read32(base + UARTFR) & UARTFR_RXFE) && n < 64) {
		char c = (char)mmio_read32(base + UARTDR);

		n++;
		rx.bytes++;
		if (rx.head - rx.tail < RX_RING) {
			rx.ring[rx.head % RX_RING] = c;
			WRITE_ONCE(rx.head, rx.head + 1);
		} else {
			rx.lost++;
		}
	}
	if (!n)
		rx.empty_irqs++;
}

/*
 * The next typed character, waiting for the interrupt to bring one: in
 * WFI, or spinning when spin is set (a WFI exit would let the hypervisor
 * notice an unserved line without being told at its EOI).
 */
static char next_char(bool spin)
{
	char c;

	irq_disable();
	while (READ_ONCE(rx.head) == rx.tail) {
		if (!spin)
			wfi();
		irq_enable();
		irq_disable();
	}
	c = rx.ring[rx.tail % RX_RING];
	rx.tail++;
	irq_enable();
	return c;
}

void test_echo(void)
{
	struct percpu *pc = this_cpu();
	u64 base = console_base();
	char line[LINE_MAX + 1];
	unsigned int len = 0, lines = 0, i;
	u64 hold = bootarg_u64("echo-hold", 0);

	if (!dt.uart_irq || dt.uart_irq < 32) {
		test_fail("echo", "no SPI for the console UART in the DT");
		return;
	}
	rx.head = rx.tail = 0;
	rx.irqs = rx.bytes = rx.lost = rx.empty_irqs = 0;
	rx.hold = hold;

	/* Like Linux's start-up: FIFOs on, 8 bits, receive enabled. */
	mmio_write32(base + UARTIMSC, 0);
	for (i = 0; i < 64 && !(mmio_read32(base + UARTFR) & UARTFR_RXFE); i++)
		mmio_read32(base + UARTDR);
	mmio_write32(base + UARTICR, 0x7ff);
	mmio_write32(base + UARTLCR_H, UARTLCR_H_WLEN8 | UARTLCR_H_FEN);
	mmio_write32(base + UARTCR, UARTCR_UARTEN | UARTCR_TXE | UARTCR_RXE);
	gic_enable_spi(dt.uart_irq, pc->mpidr);
	mmio_write32(base + UARTIMSC, UART_INT_RX | UART_INT_RT);
	tg_printf("tg: echo ready (irq %u): type lines, quit ends\n",
		  dt.uart_irq);
	if (hold) {
		char c = next_char(true);

		tg_printf("tg: echo: held %lu times, then got '%c'\n", hold,
			  c);
	}

	for (;;) {
		char c = next_char(false);

		if (c == '\r' || c == '\n') {
			if (!len)
				continue;
			line[len] = '\0';
			lines++;
			tg_printf("tg: echo: %s\n", line);
			if (!strcmp(line, "quit"))
				break;
			len = 0;
		} else if (c == 0x7f || c == '\b') {
			if (len)
				len--;
		} else if (c >= 0x20 && c < 0x7f && len < LINE_MAX) {
			line[len++] = c;
		}
	}
	mmio_write32(base + UARTIMSC, 0);
	gic_disable_spi(dt.uart_irq);
	if (rx.lost)
		test_fail("echo", "%lu typed bytes lost (ring full)", rx.lost);
	else
		test_pass("echo", "%u lines %lu bytes %lu irqs (%lu held)",
			  lines, rx.bytes, rx.irqs, hold);
}
