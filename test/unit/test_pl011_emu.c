// SPDX-License-Identifier: GPL-2.0
/*
 * The pl011-emu module (modules/emulators/pl011-emu/pl011_emu.c, included)
 * on the real register model, with the vserial port and the interrupt
 * line stood in for. Single-threaded: the lock-free reads of FR, RIS, MIS
 * and IMSC see writes and typed bytes at once, invalid accesses fail,
 * reset drops typed bytes. Concurrent: two vCPU threads and a typist, as
 * on SMP: one vCPU reads its own IMSC writes back, the other polls FR and
 * drains DR, and every typed byte arrives once and in order while every
 * lock-free read returns a value the register could have.
 */
#include "../../modules/emulators/pl011-emu/pl011_emu.c"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "mv_test.h"

/* --- Stand-ins for the nucleus and the vserial module --------------- */

static void (*port_input)(void *ctx, char c);
static void *port_ctx;
static int port_dummy;
static unsigned long port_out;
static int line_level, line_sets;

void *mv_zalloc(size_t size)
{
	return calloc(1, size);
}

void mv_free(void *p)
{
	free(p);
}

const char *mv_dt_string(const struct mv_dt_node *n, const char *prop)
{
	(void)n;
	(void)prop;
	return NULL;
}

struct mv_vserial *mv_vserial_create(const char *guest, const char *device,
				     void (*input)(void *ctx, char c),
				     void *ctx)
{
	(void)guest;
	(void)device;
	port_input = input;
	port_ctx = ctx;
	return (struct mv_vserial *)&port_dummy;
}

void mv_vserial_destroy(struct mv_vserial *port)
{
	(void)port;
	port_input = NULL;
}

void mv_vserial_output(struct mv_vserial *port, const char *buf, size_t n)
{
	(void)port;
	(void)buf;
	__atomic_fetch_add(&port_out, n, __ATOMIC_RELAXED);
}

void mv_emu_irq_set(struct mv_emu *emu, bool level)
{
	(void)emu;
	__atomic_store_n(&line_level, level, __ATOMIC_RELAXED);
	__atomic_fetch_add(&line_sets, 1, __ATOMIC_RELAXED);
}

/* --- Helpers --------------------------------------------------------- */

static struct mv_emu emu;

static void setup(void)
{
	memset(&emu, 0, sizeof(emu));
	emu.guest_name = "g";
	emu.name = "uart@9000000";
	emu.base = 0x9000000;
	emu.size = 0x1000;
	emu.irq = 33;
	port_out = 0;
	line_level = 0;
	line_sets = 0;
	CHECK_EQ(pl011_ops.probe(&emu, NULL), 0);
	CHECK(port_input);
}

static void teardown(void)
{
	pl011_ops.remove(&emu);
}

static uint32_t rd(uint64_t off)
{
	uint64_t v = 0xdeadbeef;

	CHECK_EQ(pl011_ops.read(&emu, off, 4, &v), 0);
	return (uint32_t)v;
}

static void wr(uint64_t off, uint32_t v)
{
	CHECK_EQ(pl011_ops.write(&emu, off, 4, v), 0);
}

static void type(char c)
{
	port_input(port_ctx, c);
}

/* --- Single-threaded -------------------------------------------------- */

static void test_fast_reads(void)
{
	uint64_t v = 0x1234;

	CHECK_EQ(rd(PL011_FR), PL011_FR_TXFE | PL011_FR_RXFE);
	CHECK_EQ(rd(PL011_IMSC), 0);
	wr(PL011_IMSC, PL011_INT_TX | PL011_INT_RX);
	CHECK_EQ(rd(PL011_IMSC), PL011_INT_TX | PL011_INT_RX);
	CHECK_EQ(rd(PL011_RIS), 0);
	wr(PL011_DR, 'x');			/* raises TXRIS */
	CHECK_EQ(port_out, 1);
	CHECK_EQ(rd(PL011_RIS), PL011_INT_TX);
	CHECK_EQ(rd(PL011_MIS), PL011_INT_TX);
	CHECK_EQ(line_level, 1);
	wr(PL011_IMSC, PL011_INT_RX);
	CHECK_EQ(rd(PL011_MIS), 0);
	CHECK_EQ(line_level, 0);
	/* Narrow reads from the snapshot. */
	CHECK_EQ(pl011_ops.read(&emu, PL011_FR, 1, &v), 0);
	CHECK_EQ(v, PL011_FR_TXFE | PL011_FR_RXFE);
	CHECK_EQ(pl011_ops.read(&emu, PL011_IMSC + 2, 2, &v), 0);
	CHECK_EQ(v, 0);
	/* Invalid: faulted (the lock-free path leaves them alone). */
	CHECK_EQ(pl011_ops.read(&emu, PL011_FR, 8, &v), -MV_EINVAL);
	CHECK_EQ(pl011_ops.read(&emu, PL011_FR + 1, 2, &v), -MV_EINVAL);
	CHECK_EQ(pl011_ops.read(&emu, PL011_MIS, 3, &v), -MV_EINVAL);
	/* Registers outside the snapshot still read through the lock. */
	CHECK_EQ(rd(PL011_CR), PL011_CR_TXE | PL011_CR_RXE);
	CHECK_EQ(rd(PL011_PERIPH_ID0), 0x11);
}

static void test_typed_bytes(void)
{
	wr(PL011_LCR_H, PL011_LCR_H_FEN);
	wr(PL011_IMSC, PL011_INT_RX);
	/* Typed while the guest listens: the line goes up at once... */
	type('a');
	CHECK_EQ(line_level, 1);
	/* ...and FR, not answered by the stale snapshot, sees the byte. */
	CHECK_EQ(rd(PL011_FR) & PL011_FR_RXFE, 0);
	CHECK_EQ(rd(PL011_RIS), PL011_INT_RX | PL011_INT_RT);
	type('b');
	CHECK_EQ(rd(PL011_MIS), PL011_INT_RX);
	CHECK_EQ(rd(PL011_DR), 'a');
	CHECK_EQ(rd(PL011_DR), 'b');
	CHECK_EQ(rd(PL011_FR), PL011_FR_TXFE | PL011_FR_RXFE);
	CHECK_EQ(rd(PL011_RIS), 0);
	CHECK_EQ(line_level, 0);
	/* Seventeen bytes: the FIFO is full, one waits in the backlog. */
	for (int i = 0; i < PL011_FIFO_DEPTH + 1; i++)
		type((char)('A' + i));
	CHECK_EQ(rd(PL011_FR), PL011_FR_TXFE | PL011_FR_RXFF);
	for (int i = 0; i < PL011_FIFO_DEPTH + 1; i++)
		CHECK_EQ(rd(PL011_DR), 'A' + i);
	CHECK_EQ(rd(PL011_FR) & PL011_FR_RXFE, PL011_FR_RXFE);
	/* Reset drops what was typed; the snapshot says so too. */
	type('z');
	pl011_ops.reset(&emu);
	CHECK_EQ(rd(PL011_FR), PL011_FR_TXFE | PL011_FR_RXFE);
	CHECK_EQ(rd(PL011_IMSC), 0);
	CHECK_EQ(rd(PL011_DR), 0);
}

/* --- Concurrent ------------------------------------------------------- */

#define TYPED 20000
#define IMSC_A (PL011_INT_RX | PL011_INT_TX)
#define IMSC_B (PL011_INT_RX | PL011_INT_OE)

static int stop, typed_done;
static unsigned long reader_bad, writer_bad, received, drained_bad;

/* A guest's polling loop: FR, and DR while RXFE is clear. */
static void *reader(void *arg)
{
	time_t deadline = time(NULL) + 60;
	uint8_t next = 0;

	(void)arg;
	while (received < TYPED && time(NULL) < deadline) {
		uint64_t fr = 0, imsc = 0, mis = 0, dr = 0;

		if (pl011_ops.read(&emu, PL011_FR, 4, &fr) ||
		    pl011_ops.read(&emu, PL011_IMSC, 4, &imsc) ||
		    pl011_ops.read(&emu, PL011_MIS, 2, &mis)) {
			reader_bad++;
			continue;
		}
		if (!(fr & PL011_FR_TXFE) ||
		    (fr & ~(uint64_t)(PL011_FR_TXFE | PL011_FR_RXFE |
				      PL011_FR_RXFF)) ||
		    (imsc != 0 && imsc != IMSC_A && imsc != IMSC_B) ||
		    (mis & ~(uint64_t)(IMSC_A | IMSC_B)))
			reader_bad++;
		if (fr & PL011_FR_RXFE)
			continue;
		/* Only this thread pops: RXFE clear means a byte is there. */
		if (pl011_ops.read(&emu, PL011_DR, 4, &dr) || dr != next)
			drained_bad++;
		next = (uint8_t)(dr + 1);
		received++;
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* The other vCPU: writes IMSC and must read back what it wrote. */
static void *writer(void *arg)
{
	uint32_t want = IMSC_A;

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		uint64_t v = 0;

		want = want == IMSC_A ? IMSC_B : IMSC_A;
		if (pl011_ops.write(&emu, PL011_IMSC, 4, want) ||
		    pl011_ops.read(&emu, PL011_IMSC, 4, &v) || v != want)
			writer_bad++;
		if (pl011_ops.read(&emu, PL011_RIS, 4, &v) ||
		    (v & ~(uint64_t)PL011_INT_ALL))
			writer_bad++;
	}
	return NULL;
}

/* The terminal thread, never ahead of the backlog's room. */
static void *typist(void *arg)
{
	struct pl011_dev *d = emu.priv;

	(void)arg;
	for (unsigned int i = 0; i < TYPED; i++) {
		while (d->in_head - __atomic_load_n(&d->in_tail,
						    __ATOMIC_ACQUIRE) >=
		       BACKLOG - 1) {
			if (__atomic_load_n(&stop, __ATOMIC_ACQUIRE))
				return NULL;
			sched_yield();
		}
		type((char)i);
		if (i % 64 == 0)
			sched_yield();
	}
	__atomic_store_n(&typed_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void test_concurrent(void)
{
	struct pl011_dev *d = emu.priv;
	pthread_t r, w, t;

	wr(PL011_LCR_H, PL011_LCR_H_FEN);
	wr(PL011_IMSC, IMSC_A);
	stop = typed_done = 0;
	reader_bad = writer_bad = received = drained_bad = 0;
	CHECK_EQ(pthread_create(&t, NULL, typist, NULL), 0);
	CHECK_EQ(pthread_create(&w, NULL, writer, NULL), 0);
	CHECK_EQ(pthread_create(&r, NULL, reader, NULL), 0);
	pthread_join(r, NULL);
	pthread_join(w, NULL);
	pthread_join(t, NULL);
	CHECK_EQ(typed_done, 1);
	CHECK_EQ(received, TYPED);
	CHECK_EQ(drained_bad, 0);
	CHECK_EQ(reader_bad, 0);
	CHECK_EQ(writer_bad, 0);
	CHECK_EQ(d->dropped, 0);
	CHECK_EQ(rd(PL011_FR), PL011_FR_TXFE | PL011_FR_RXFE);
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_fast_reads, setup);
	teardown();
	RUN_TEST(test_typed_bytes, setup);
	teardown();
	RUN_TEST(test_concurrent, setup);
	teardown();
	return mv_test_summary();
}
