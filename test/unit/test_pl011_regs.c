// SPDX-License-Identifier: GPL-2.0
/*
 * PL011 register model: modules/emulators/pl011-emu/pl011_regs.c. Reset
 * values, ID registers, transmit to the callback, the receive FIFO, FR,
 * the interrupt registers and line for TX and RX as Linux's amba-pl011
 * driver uses them, loopback, narrow accesses and invalid ones, and the
 * snapshot that lock-free reads are answered from.
 */
#include "../../modules/emulators/pl011-emu/pl011_regs.h"

#include "mv_test.h"

static struct pl011_regs uart;
static char sent[4096];
static size_t nsent;
static void *sent_ctx;

static void tx(void *ctx, uint8_t c)
{
	sent_ctx = ctx;
	if (nsent < sizeof(sent))
		sent[nsent++] = (char)c;
}

static void setup(void)
{
	memset(&uart, 0xa5, sizeof(uart));	/* init must set everything */
	nsent = 0;
	sent_ctx = NULL;
	pl011_regs_init(&uart, tx, &uart);
}

static uint32_t rd(uint64_t off)
{
	uint32_t v = 0xdeadbeef;

	CHECK(pl011_regs_read(&uart, off, 4, &v));
	return v;
}

static uint32_t rdw(uint64_t off, unsigned int width)
{
	uint32_t v = 0xdeadbeef;

	CHECK(pl011_regs_read(&uart, off, width, &v));
	return v;
}

static void wr(uint64_t off, uint32_t v)
{
	CHECK(pl011_regs_write(&uart, off, 4, v));
}

static void wrw(uint64_t off, unsigned int width, uint32_t v)
{
	CHECK(pl011_regs_write(&uart, off, width, v));
}

static void enable_fifo(void)
{
	wr(PL011_LCR_H, PL011_LCR_H_FEN | 0x60);	/* 8 bits, FIFOs */
}

static void test_reset_values(void)
{
	CHECK_EQ(rd(PL011_DR), 0);
	CHECK_EQ(rd(PL011_RSR), 0);
	CHECK_EQ(rd(PL011_FR), PL011_FR_TXFE | PL011_FR_RXFE);
	CHECK_EQ(rd(PL011_ILPR), 0);
	CHECK_EQ(rd(PL011_IBRD), 0);
	CHECK_EQ(rd(PL011_FBRD), 0);
	CHECK_EQ(rd(PL011_LCR_H), 0);
	CHECK_EQ(rd(PL011_CR), 0x300);
	CHECK_EQ(rd(PL011_IFLS), 0x12);
	CHECK_EQ(rd(PL011_IMSC), 0);
	CHECK_EQ(rd(PL011_RIS), 0);
	CHECK_EQ(rd(PL011_MIS), 0);
	CHECK_EQ(rd(PL011_ICR), 0);
	CHECK_EQ(rd(PL011_DMACR), 0);
	CHECK(!pl011_irq_level(&uart));
	CHECK_EQ(nsent, 0);
}

static void test_reset_restores(void)
{
	enable_fifo();
	wr(PL011_IBRD, 0x27);
	wr(PL011_FBRD, 0x4);
	wr(PL011_ILPR, 0x12);
	wr(PL011_CR, 0x301);
	wr(PL011_IFLS, 0x3f);
	wr(PL011_IMSC, PL011_INT_ALL);
	wr(PL011_DMACR, 7);
	wr(PL011_DR, 'x');
	for (int i = 0; i < 20; i++)
		pl011_rx_push(&uart, (uint8_t)i);	/* with overrun */
	CHECK(pl011_irq_level(&uart));
	CHECK_EQ(nsent, 1);
	nsent = 0;
	pl011_regs_reset(&uart);
	test_reset_values();
	CHECK_EQ(pl011_rx_room(&uart), 1);
	CHECK(sent_ctx == &uart);		/* the callback survives reset */
	wr(PL011_DR, 'y');
	CHECK_EQ(nsent, 1);
}

static void test_id_registers(void)
{
	static const uint8_t id[8] = { 0x11, 0x10, 0x14, 0x00,
				       0x0d, 0xf0, 0x05, 0xb1 };

	for (int i = 0; i < 8; i++) {
		CHECK_EQ(rd(0xfe0 + 4 * i), id[i]);
		CHECK_EQ(rdw(0xfe0 + 4 * i, 1), id[i]);
		CHECK_EQ(rdw(0xfe0 + 4 * i, 2), id[i]);
		CHECK_EQ(rdw(0xfe0 + 4 * i + 1, 1), 0);
	}
	/* Read-only. */
	wr(0xfe0, 0);
	wr(0xff0, 0);
	CHECK_EQ(rd(0xfe0), 0x11);
	CHECK_EQ(rd(0xff0), 0x0d);
}

static void test_tx_to_callback(void)
{
	const char *msg = "Hello, guest\r\n";

	for (const char *p = msg; *p; p++) {
		CHECK(rd(PL011_FR) & PL011_FR_TXFE);
		CHECK(!(rd(PL011_FR) & (PL011_FR_TXFF | PL011_FR_BUSY)));
		wr(PL011_DR, (uint8_t)*p | 0xf00);	/* upper bits ignored */
	}
	CHECK_EQ(nsent, strlen(msg));
	CHECK(!memcmp(sent, msg, nsent));
	CHECK(sent_ctx == &uart);
	/* Narrow writes of DR transmit too; a write of its upper byte not. */
	wrw(PL011_DR, 1, 'a');
	wrw(PL011_DR, 2, 'b');
	wrw(PL011_DR + 1, 1, 'c');
	wrw(PL011_DR + 2, 2, 'd');
	CHECK_EQ(nsent, strlen(msg) + 2);
	CHECK_EQ(sent[nsent - 2], 'a');
	CHECK_EQ(sent[nsent - 1], 'b');
	/* All 256 byte values pass unchanged. */
	nsent = 0;
	for (int c = 0; c < 256; c++)
		wr(PL011_DR, (uint32_t)c);
	CHECK_EQ(nsent, 256);
	for (int c = 0; c < 256; c++)
		CHECK_EQ((uint8_t)sent[c], c);
	/* Transmission does not depend on UARTEN (bare-metal code on QEMU). */
	CHECK_EQ(rd(PL011_CR) & PL011_CR_UARTEN, 0);
}

static void test_tx_interrupt(void)
{
	/* Nothing sent yet: no TX interrupt, even with TX enabled. */
	wr(PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE);
	CHECK_EQ(rd(PL011_RIS) & PL011_INT_TX, 0);
	wr(PL011_DR, 'a');
	CHECK_EQ(rd(PL011_RIS), PL011_INT_TX);
	CHECK_EQ(rd(PL011_MIS), 0);
	CHECK(!pl011_irq_level(&uart));
	/* Linux: write what fits, then unmask TXIM to be told for more. */
	wr(PL011_IMSC, PL011_INT_RX | PL011_INT_RT | PL011_INT_TX);
	CHECK_EQ(rd(PL011_MIS), PL011_INT_TX);
	CHECK(pl011_irq_level(&uart));
	/* Interrupt handler: ack TX, write a batch, TX is raised again. */
	wr(PL011_ICR, PL011_INT_TX);
	CHECK_EQ(rd(PL011_RIS), 0);
	CHECK(!pl011_irq_level(&uart));
	for (int i = 0; i < 8; i++)
		wr(PL011_DR, 'b');
	CHECK_EQ(rd(PL011_MIS), PL011_INT_TX);
	CHECK(pl011_irq_level(&uart));
	/* Nothing left: mask TXIM; the line drops though TXRIS stays. */
	wr(PL011_IMSC, PL011_INT_RX | PL011_INT_RT);
	CHECK(!pl011_irq_level(&uart));
	CHECK_EQ(rd(PL011_RIS), PL011_INT_TX);
	CHECK_EQ(rd(PL011_MIS), 0);
	CHECK_EQ(nsent, 9);
	/* Reads of ICR are zero, writes of RIS and MIS do nothing. */
	wr(PL011_RIS, 0);
	wr(PL011_MIS, 0);
	CHECK_EQ(rd(PL011_RIS), PL011_INT_TX);
	CHECK_EQ(rd(PL011_ICR), 0);
}

static void test_rx_fifo(void)
{
	enable_fifo();
	CHECK_EQ(pl011_rx_room(&uart), PL011_FIFO_DEPTH);
	for (int i = 0; i < PL011_FIFO_DEPTH; i++) {
		CHECK_EQ(rd(PL011_FR) & PL011_FR_RXFF, 0);
		CHECK(pl011_rx_push(&uart, (uint8_t)('A' + i)));
		CHECK_EQ(rd(PL011_FR) & PL011_FR_RXFE, 0);
		CHECK_EQ(pl011_rx_room(&uart), PL011_FIFO_DEPTH - 1 - i);
	}
	CHECK(rd(PL011_FR) & PL011_FR_RXFF);
	CHECK(rd(PL011_FR) & PL011_FR_TXFE);
	/* Overrun: the byte is lost, OE is reported. */
	CHECK(!pl011_rx_push(&uart, 'z'));
	CHECK_EQ(rd(PL011_RSR), PL011_RSR_OE);
	CHECK(rd(PL011_RIS) & PL011_INT_OE);
	wr(PL011_RSR, 0);			/* ECR */
	CHECK_EQ(rd(PL011_RSR), 0);
	wr(PL011_ICR, PL011_INT_OE);
	CHECK_EQ(rd(PL011_RIS) & PL011_INT_OE, 0);
	/* Drain in order; reading the upper byte of DR does not pop. */
	CHECK_EQ(rdw(PL011_DR + 1, 1), 0);
	for (int i = 0; i < PL011_FIFO_DEPTH; i++) {
		CHECK_EQ(rd(PL011_FR) & PL011_FR_RXFE, 0);
		CHECK_EQ(rd(PL011_DR), (uint32_t)('A' + i));
		CHECK_EQ(rd(PL011_FR) & PL011_FR_RXFF, 0);
	}
	CHECK(rd(PL011_FR) & PL011_FR_RXFE);
	CHECK_EQ(rd(PL011_DR), 0);		/* empty: reads zero */
	/* Wrap around the FIFO storage many times, with byte reads. */
	for (int round = 0; round < 100; round++) {
		int n = 1 + round % PL011_FIFO_DEPTH;

		for (int i = 0; i < n; i++)
			CHECK(pl011_rx_push(&uart, (uint8_t)(round + i)));
		for (int i = 0; i < n; i++)
			CHECK_EQ(rdw(PL011_DR, 1), (uint8_t)(round + i));
	}
	CHECK(rd(PL011_FR) & PL011_FR_RXFE);
}

static void test_rx_without_fifo(void)
{
	/* FEN clear (the reset state): a one-byte holding register. */
	CHECK_EQ(pl011_rx_room(&uart), 1);
	CHECK(pl011_rx_push(&uart, 'x'));
	CHECK_EQ(pl011_rx_room(&uart), 0);
	CHECK(rd(PL011_FR) & PL011_FR_RXFF);
	CHECK(!pl011_rx_push(&uart, 'y'));
	CHECK_EQ(rd(PL011_RSR), PL011_RSR_OE);
	CHECK_EQ(rd(PL011_DR), 'x');
	CHECK(rd(PL011_FR) & PL011_FR_RXFE);
	/* Turning the FIFO on and off keeps what was received. */
	enable_fifo();
	CHECK(pl011_rx_push(&uart, '1'));
	CHECK(pl011_rx_push(&uart, '2'));
	CHECK(pl011_rx_push(&uart, '3'));
	wr(PL011_LCR_H, 0x60);
	CHECK_EQ(pl011_rx_room(&uart), 0);
	CHECK(rd(PL011_FR) & PL011_FR_RXFF);
	CHECK_EQ(rd(PL011_DR), '1');
	CHECK_EQ(rd(PL011_DR), '2');
	CHECK_EQ(rd(PL011_DR), '3');
	CHECK_EQ(pl011_rx_room(&uart), 1);
}

static void test_rx_interrupt(void)
{
	enable_fifo();
	wr(PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE);
	wr(PL011_IMSC, PL011_INT_RX | PL011_INT_RT);
	CHECK(!pl011_irq_level(&uart));
	/* One byte is enough, whatever the IFLS trigger level. */
	CHECK(pl011_rx_push(&uart, 'k'));
	CHECK_EQ(rd(PL011_RIS), PL011_INT_RX | PL011_INT_RT);
	CHECK_EQ(rd(PL011_MIS), PL011_INT_RX | PL011_INT_RT);
	CHECK(pl011_irq_level(&uart));
	/* Linux's handler: ack RX and RT, read until RXFE. */
	wr(PL011_ICR, PL011_INT_RX | PL011_INT_RT | PL011_INT_TX);
	CHECK(!pl011_irq_level(&uart));
	CHECK_EQ(rd(PL011_DR), 'k');
	CHECK(!pl011_irq_level(&uart));
	CHECK_EQ(rd(PL011_RIS), 0);
	/* Data left behind after a read raises it again. */
	CHECK(pl011_rx_push(&uart, 'a'));
	CHECK(pl011_rx_push(&uart, 'b'));
	wr(PL011_ICR, PL011_INT_ALL);
	CHECK(!pl011_irq_level(&uart));
	CHECK_EQ(rd(PL011_DR), 'a');
	CHECK(pl011_irq_level(&uart));
	CHECK_EQ(rd(PL011_DR), 'b');
	CHECK(!pl011_irq_level(&uart));
	/* Only RT unmasked works too; masked: no line, RIS still shows. */
	wr(PL011_IMSC, PL011_INT_RT);
	CHECK(pl011_rx_push(&uart, 'c'));
	CHECK_EQ(rd(PL011_MIS), PL011_INT_RT);
	CHECK(pl011_irq_level(&uart));
	wr(PL011_IMSC, 0);
	CHECK(!pl011_irq_level(&uart));
	CHECK_EQ(rd(PL011_RIS), PL011_INT_RX | PL011_INT_RT);
	CHECK_EQ(rd(PL011_MIS), 0);
	/* Overrun interrupt. */
	wr(PL011_IMSC, PL011_INT_OE);
	while (pl011_rx_room(&uart))
		pl011_rx_push(&uart, '.');
	CHECK(!pl011_irq_level(&uart));
	pl011_rx_push(&uart, '!');
	CHECK_EQ(rd(PL011_MIS), PL011_INT_OE);
	CHECK(pl011_irq_level(&uart));
	wr(PL011_ICR, PL011_INT_OE);
	CHECK(!pl011_irq_level(&uart));
}

static void test_loopback(void)
{
	enable_fifo();
	wr(PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE |
	   PL011_CR_LBE);
	wr(PL011_IMSC, PL011_INT_RX);
	wr(PL011_DR, 'L');
	CHECK_EQ(nsent, 0);
	CHECK(pl011_irq_level(&uart));
	CHECK_EQ(rd(PL011_RIS), PL011_INT_RX | PL011_INT_RT | PL011_INT_TX);
	CHECK_EQ(rd(PL011_DR), 'L');
	wr(PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE);
	wr(PL011_DR, 'M');
	CHECK_EQ(nsent, 1);
	CHECK(rd(PL011_FR) & PL011_FR_RXFE);
}

static void test_storage_registers(void)
{
	static const struct {
		uint32_t off, valid;
	} regs[] = {
		{ PL011_ILPR, 0xff }, { PL011_IBRD, 0xffff },
		{ PL011_FBRD, 0x3f }, { PL011_LCR_H, 0xff },
		{ PL011_CR, 0xff87 }, { PL011_IFLS, 0x3f },
		{ PL011_IMSC, 0x7ff }, { PL011_DMACR, 0x7 },
	};

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		wr(regs[i].off, 0xffffffff);
		CHECK_EQ(rd(regs[i].off), regs[i].valid);
		wr(regs[i].off, 0);
		CHECK_EQ(rd(regs[i].off), 0);
	}
	/* A narrow write changes only its bytes. */
	wr(PL011_CR, 0x0301);
	wrw(PL011_CR + 1, 1, 0x01);
	CHECK_EQ(rd(PL011_CR), 0x0101);
	CHECK_EQ(rdw(PL011_CR + 1, 1), 0x01);
	CHECK_EQ(rdw(PL011_CR, 2), 0x0101);
	wr(PL011_IBRD, 0x1234);
	wrw(PL011_IBRD, 1, 0x56);
	CHECK_EQ(rd(PL011_IBRD), 0x1256);
	wrw(PL011_IBRD + 2, 2, 0xffff);		/* beyond its 16 bits */
	CHECK_EQ(rd(PL011_IBRD), 0x1256);
	/* ICR bits above the first byte (the error interrupts). */
	wr(PL011_IMSC, PL011_INT_OE);
	enable_fifo();
	while (pl011_rx_push(&uart, 0))
		;
	CHECK(rd(PL011_RIS) & PL011_INT_OE);
	wrw(PL011_ICR + 1, 1, PL011_INT_OE >> 8);
	CHECK_EQ(rd(PL011_RIS) & PL011_INT_OE, 0);
	/* FR is read-only. */
	wr(PL011_FR, 0xffffffff);
	CHECK(rd(PL011_FR) & PL011_FR_RXFF);
	CHECK_EQ(rd(PL011_FR) & PL011_FR_TXFF, 0);
}

static void test_bad_accesses(void)
{
	uint32_t v = 0x1234;

	/* Widths other than 1, 2, 4. */
	CHECK(!pl011_regs_read(&uart, PL011_DR, 8, &v));
	CHECK(!pl011_regs_write(&uart, PL011_DR, 8, 'x'));
	CHECK(!pl011_regs_read(&uart, PL011_FR, 3, &v));
	CHECK(!pl011_regs_read(&uart, PL011_FR, 0, &v));
	CHECK(!pl011_regs_write(&uart, PL011_CR, 16, 0));
	/* Misaligned. */
	CHECK(!pl011_regs_read(&uart, PL011_FR + 2, 4, &v));
	CHECK(!pl011_regs_read(&uart, PL011_FR + 1, 2, &v));
	CHECK(!pl011_regs_write(&uart, PL011_DR + 1, 2, 'x'));
	CHECK(!pl011_regs_write(&uart, PL011_DR + 2, 4, 'x'));
	/* Outside the 4 KiB block. */
	CHECK(!pl011_regs_read(&uart, 0x1000, 4, &v));
	CHECK(!pl011_regs_read(&uart, 0xfff, 2, &v));
	CHECK(!pl011_regs_write(&uart, 0x1000, 1, 0));
	CHECK(!pl011_regs_read(&uart, ~0ull - 3, 4, &v));
	CHECK(!pl011_regs_write(&uart, 1ull << 32, 4, 0));
	CHECK_EQ(v, 0x1234);			/* untouched on failure */
	CHECK_EQ(nsent, 0);
	CHECK_EQ(rd(PL011_CR), 0x300);
	/* Reserved offsets read as zero and ignore writes. */
	for (uint32_t off = 0x008; off < 0x018; off += 4)
		CHECK_EQ(rd(off), 0);
	for (uint32_t off = 0x04c; off < 0xfe0; off += 4) {
		wr(off, 0xffffffff);
		CHECK_EQ(rd(off), 0);
	}
	CHECK_EQ(rd(0x01c), 0);
	test_reset_values();
}

/* Random accesses against a plain model of the FIFO and the flags. */
static void test_random(void)
{
	uint8_t model[PL011_FIFO_DEPTH];
	unsigned int count = 0;

	enable_fifo();
	wr(PL011_IMSC, PL011_INT_RX | PL011_INT_TX);
	for (int i = 0; i < 200000; i++) {
		uint32_t fr;

		switch (mv_test_rand_below(4)) {
		case 0: {
			uint8_t c = (uint8_t)mv_test_rand();
			bool ok = pl011_rx_push(&uart, c);

			CHECK_EQ(ok, count < PL011_FIFO_DEPTH);
			if (ok)
				model[count++] = c;
			break;
		}
		case 1:
			CHECK_EQ(rd(PL011_DR), count ? model[0] : 0);
			if (count)
				memmove(model, model + 1, --count);
			break;
		case 2:
			wr(PL011_ICR, (uint32_t)mv_test_rand() & PL011_INT_ALL);
			break;
		default:
			wr(PL011_DR, 'T');
			break;
		}
		fr = rd(PL011_FR);
		CHECK_EQ(!!(fr & PL011_FR_RXFE), count == 0);
		CHECK_EQ(!!(fr & PL011_FR_RXFF), count == PL011_FIFO_DEPTH);
		CHECK_EQ(pl011_rx_room(&uart), PL011_FIFO_DEPTH - count);
		CHECK_EQ(pl011_irq_level(&uart), rd(PL011_MIS) != 0);
		CHECK_EQ(rd(PL011_MIS), rd(PL011_RIS) & rd(PL011_IMSC));
		if (!count)
			CHECK_EQ(rd(PL011_RIS) & (PL011_INT_RX | PL011_INT_RT),
				 0);
	}
}

/*
 * Every read a snapshot answers, over every offset and width, is what the
 * register model returns in the state the snapshot was taken from; FR,
 * RIS, MIS and IMSC are always answered (valid accesses), DR never.
 */
static void check_snapshot(void)
{
	static const unsigned int widths[] = { 0, 1, 2, 3, 4, 8 };
	uint32_t snap = pl011_regs_snapshot(&uart);

	for (uint64_t off = 0; off < PL011_REGS_SIZE + 8; off++) {
		uint64_t reg = off & ~3ull;
		bool mine = reg == PL011_FR || reg == PL011_RIS ||
			    reg == PL011_MIS || reg == PL011_IMSC;

		for (unsigned int i = 0; i < MV_ARRAY_SIZE(widths); i++) {
			unsigned int w = widths[i];
			uint32_t v = 0x1234, want = 0x5678;
			bool ok = pl011_snapshot_read(snap, off, w, &v);

			if (!ok) {
				CHECK_EQ(v, 0x1234);
				CHECK(!mine || !pl011_regs_read(&uart, off, w,
								&want));
				continue;
			}
			CHECK(mine);
			CHECK(pl011_regs_read(&uart, off, w, &want));
			CHECK_EQ(v, want);
		}
	}
}

static void test_snapshot(void)
{
	check_snapshot();
	enable_fifo();
	check_snapshot();
	for (int i = 0; i < 2000; i++) {
		switch (mv_test_rand_below(6)) {
		case 0:
			pl011_rx_push(&uart, (uint8_t)mv_test_rand());
			break;
		case 1:
			rd(PL011_DR);
			break;
		case 2:
			wr(PL011_ICR, (uint32_t)mv_test_rand());
			break;
		case 3:
			wr(PL011_IMSC, (uint32_t)mv_test_rand());
			break;
		case 4:
			wr(PL011_LCR_H, (uint32_t)mv_test_rand() &
					PL011_LCR_H_FEN);
			break;
		default:
			wr(PL011_DR, 'S');
			break;
		}
		if (i % 50 == 0)
			check_snapshot();
		else
			CHECK_EQ(pl011_regs_snapshot(&uart) & 0xff, rd(PL011_FR));
	}
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_reset_values, setup);
	RUN_TEST(test_reset_restores, setup);
	RUN_TEST(test_id_registers, setup);
	RUN_TEST(test_tx_to_callback, setup);
	RUN_TEST(test_tx_interrupt, setup);
	RUN_TEST(test_rx_fifo, setup);
	RUN_TEST(test_rx_without_fifo, setup);
	RUN_TEST(test_rx_interrupt, setup);
	RUN_TEST(test_loopback, setup);
	RUN_TEST(test_storage_registers, setup);
	RUN_TEST(test_bad_accesses, setup);
	RUN_TEST(test_random, setup);
	RUN_TEST(test_snapshot, setup);
	return mv_test_summary();
}
