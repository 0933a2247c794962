// SPDX-License-Identifier: GPL-2.0
/*
 * PL011 register model (see pl011_regs.h). Interrupt behaviour, chosen
 * for what guests written against QEMU's PL011 and Linux's amba-pl011
 * driver expect rather than for bit-exact timing:
 *
 * - TX: the FIFO drains instantly, so it always sits below the trigger
 *   level. TXRIS is raised by every DR write (the level "passed through"
 *   the trigger) and cleared only by ICR, so a driver that writes a batch
 *   and then waits for TXIS is woken at once, and one that masks TXIM
 *   when it has nothing left to send gets no more interrupts.
 * - RX: any data in the FIFO raises RXRIS whatever IFLS says (as QEMU),
 *   and RTRIS too: with no line timing, the receive timeout has always
 *   elapsed. Both are re-evaluated whenever the FIFO changes and drop
 *   when it empties; ICR clears them until the next change.
 * - Changing FEN keeps the received bytes (QEMU flushes them).
 */
#include "pl011_regs.h"

#include <stddef.h>

static const uint8_t pl011_id[8] = {
	0x11, 0x10, 0x14, 0x00,		/* peripheral: PL011 r1, ARM */
	0x0d, 0xf0, 0x05, 0xb1,		/* PrimeCell */
};

void pl011_regs_reset(struct pl011_regs *s)
{
	s->rx_head = 0;
	s->rx_count = 0;
	s->rsr = 0;
	s->ilpr = 0;
	s->ibrd = 0;
	s->fbrd = 0;
	s->lcr_h = 0;
	s->cr = PL011_CR_TXE | PL011_CR_RXE;
	s->ifls = 0x12;			/* both trigger levels at 1/2 */
	s->imsc = 0;
	s->ris = 0;
	s->dmacr = 0;
}

void pl011_regs_init(struct pl011_regs *s, void (*tx)(void *ctx, uint8_t c),
		     void *tx_ctx)
{
	s->tx = tx;
	s->tx_ctx = tx_ctx;
	pl011_regs_reset(s);
}

static unsigned int rx_depth(const struct pl011_regs *s)
{
	/* Without FEN the FIFO is a one-byte holding register. */
	return (s->lcr_h & PL011_LCR_H_FEN) ? PL011_FIFO_DEPTH : 1;
}

unsigned int pl011_rx_room(const struct pl011_regs *s)
{
	unsigned int depth = rx_depth(s);

	return s->rx_count >= depth ? 0 : depth - s->rx_count;
}

static void rx_changed(struct pl011_regs *s)
{
	if (s->rx_count)
		s->ris |= PL011_INT_RX | PL011_INT_RT;
	else
		s->ris &= ~(PL011_INT_RX | PL011_INT_RT);
}

bool pl011_rx_push(struct pl011_regs *s, uint8_t c)
{
	if (!pl011_rx_room(s)) {
		s->rsr |= PL011_RSR_OE;
		s->ris |= PL011_INT_OE;
		return false;
	}
	s->rx_fifo[(s->rx_head + s->rx_count) % PL011_FIFO_DEPTH] = c;
	s->rx_count++;
	rx_changed(s);
	return true;
}

static uint32_t rx_pop(struct pl011_regs *s)
{
	uint8_t c;

	if (!s->rx_count)
		return 0;
	c = s->rx_fifo[s->rx_head];
	s->rx_head = (s->rx_head + 1) % PL011_FIFO_DEPTH;
	s->rx_count--;
	rx_changed(s);
	return c;
}

static uint32_t flags(const struct pl011_regs *s)
{
	uint32_t fr = PL011_FR_TXFE;

	if (!s->rx_count)
		fr |= PL011_FR_RXFE;
	if (s->rx_count >= rx_depth(s))
		fr |= PL011_FR_RXFF;
	return fr;
}

uint32_t pl011_regs_snapshot(const struct pl011_regs *s)
{
	return flags(s) | s->ris << PL011_SNAP_RIS_SHIFT |
	       s->imsc << PL011_SNAP_IMSC_SHIFT;
}

static void transmit(struct pl011_regs *s, uint8_t c)
{
	/* Loopback feeds the receiver instead of the line. */
	if (s->cr & PL011_CR_LBE)
		pl011_rx_push(s, c);
	else if (s->tx)
		s->tx(s->tx_ctx, c);
	s->ris |= PL011_INT_TX;
}

static bool valid_access(uint64_t offset, unsigned int width)
{
	if (width != 1 && width != 2 && width != 4)
		return false;
	return offset < PL011_REGS_SIZE && !(offset & (width - 1));
}

static uint32_t width_mask(unsigned int width)
{
	return width == 4 ? 0xffffffffu : (1u << (width * 8)) - 1;
}

/* pop: the access covers DR's data byte, so it consumes it. */
static uint32_t read_reg(struct pl011_regs *s, unsigned int reg, bool pop)
{
	switch (reg) {
	case PL011_DR:
		return pop ? rx_pop(s) : 0;
	case PL011_RSR:
		return s->rsr;
	case PL011_FR:
		return flags(s);
	case PL011_ILPR:
		return s->ilpr;
	case PL011_IBRD:
		return s->ibrd;
	case PL011_FBRD:
		return s->fbrd;
	case PL011_LCR_H:
		return s->lcr_h;
	case PL011_CR:
		return s->cr;
	case PL011_IFLS:
		return s->ifls;
	case PL011_IMSC:
		return s->imsc;
	case PL011_RIS:
		return s->ris;
	case PL011_MIS:
		return s->ris & s->imsc;
	case PL011_DMACR:
		return s->dmacr;
	}
	if (reg >= PL011_PERIPH_ID0)
		return pl011_id[(reg - PL011_PERIPH_ID0) / 4];
	return 0;		/* ICR (write-only) and reserved */
}

bool pl011_regs_read(struct pl011_regs *s, uint64_t offset, unsigned int width,
		     uint32_t *val)
{
	unsigned int shift = (offset & 3) * 8;

	if (!valid_access(offset, width))
		return false;
	*val = (read_reg(s, offset & ~3u, shift == 0) >> shift) &
	       width_mask(width);
	return true;
}

/* A narrow write changes only its own bytes of a storage register. */
static uint32_t merge(uint32_t old, uint32_t bits, uint32_t mask,
		      uint32_t valid)
{
	return ((old & ~mask) | (bits & mask)) & valid;
}

bool pl011_regs_write(struct pl011_regs *s, uint64_t offset,
		      unsigned int width, uint32_t val)
{
	unsigned int shift = (offset & 3) * 8;
	uint32_t mask, bits;

	if (!valid_access(offset, width))
		return false;
	mask = width_mask(width) << shift;
	bits = (val << shift) & mask;
	switch (offset & ~3u) {
	case PL011_DR:
		if (shift == 0)
			transmit(s, (uint8_t)val);
		break;
	case PL011_RSR:			/* ECR: any write clears */
		s->rsr = 0;
		break;
	case PL011_ILPR:
		s->ilpr = merge(s->ilpr, bits, mask, 0xff);
		break;
	case PL011_IBRD:
		s->ibrd = merge(s->ibrd, bits, mask, 0xffff);
		break;
	case PL011_FBRD:
		s->fbrd = merge(s->fbrd, bits, mask, 0x3f);
		break;
	case PL011_LCR_H:
		s->lcr_h = merge(s->lcr_h, bits, mask, 0xff);
		break;
	case PL011_CR:
		s->cr = merge(s->cr, bits, mask, 0xff87);
		break;
	case PL011_IFLS:
		s->ifls = merge(s->ifls, bits, mask, 0x3f);
		break;
	case PL011_IMSC:
		s->imsc = merge(s->imsc, bits, mask, PL011_INT_ALL);
		break;
	case PL011_ICR:
		s->ris &= ~(bits & PL011_INT_ALL);
		break;
	case PL011_DMACR:
		s->dmacr = merge(s->dmacr, bits, mask, 0x7);
		break;
	default:			/* FR, RIS, MIS, IDs, reserved */
		break;
	}
	return true;
}
