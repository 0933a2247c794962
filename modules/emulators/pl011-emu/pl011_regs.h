/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Register model of an ARM PrimeCell PL011 UART (r1p4, 16-byte FIFOs), as
 * a guest sees it. No module or nucleus dependency: the pl011-emu module
 * wraps it with locking, the vserial port and the interrupt line, and the
 * host unit test (test/unit/test_pl011_regs.c) drives it directly.
 *
 * Transmission is instant: a byte written to DR reaches the tx callback
 * at once, so the TX FIFO is always empty and never full.
 */
#ifndef PL011_REGS_H
#define PL011_REGS_H

#include <stdbool.h>
#include <stdint.h>

/* Register offsets. */
#define PL011_DR	0x000
#define PL011_RSR	0x004	/* write: ECR */
#define PL011_FR	0x018
#define PL011_ILPR	0x020
#define PL011_IBRD	0x024
#define PL011_FBRD	0x028
#define PL011_LCR_H	0x02c
#define PL011_CR	0x030
#define PL011_IFLS	0x034
#define PL011_IMSC	0x038
#define PL011_RIS	0x03c
#define PL011_MIS	0x040
#define PL011_ICR	0x044
#define PL011_DMACR	0x048
#define PL011_PERIPH_ID0 0xfe0	/* ..0xfec, then cell ID 0xff0..0xffc */
#define PL011_REGS_SIZE	0x1000

/* FR */
#define PL011_FR_BUSY	(1u << 3)
#define PL011_FR_RXFE	(1u << 4)
#define PL011_FR_TXFF	(1u << 5)
#define PL011_FR_RXFF	(1u << 6)
#define PL011_FR_TXFE	(1u << 7)

/* RSR/ECR */
#define PL011_RSR_OE	(1u << 3)

/* LCR_H */
#define PL011_LCR_H_FEN	(1u << 4)

/* CR */
#define PL011_CR_UARTEN	(1u << 0)
#define PL011_CR_LBE	(1u << 7)
#define PL011_CR_TXE	(1u << 8)
#define PL011_CR_RXE	(1u << 9)

/* Interrupt bits of IMSC, RIS, MIS and ICR. */
#define PL011_INT_RX	(1u << 4)
#define PL011_INT_TX	(1u << 5)
#define PL011_INT_RT	(1u << 6)
#define PL011_INT_OE	(1u << 10)
#define PL011_INT_ALL	0x7ffu

#define PL011_FIFO_DEPTH 16

struct pl011_regs {
	/* Where DR writes go (not called in loopback mode). */
	void (*tx)(void *ctx, uint8_t c);
	void *tx_ctx;

	uint8_t rx_fifo[PL011_FIFO_DEPTH];
	unsigned int rx_head, rx_count;	/* head: oldest byte */
	uint32_t rsr, ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
};

/* Set the tx callback and put the registers in their power-on state. */
void pl011_regs_init(struct pl011_regs *s, void (*tx)(void *ctx, uint8_t c),
		     void *tx_ctx);
void pl011_regs_reset(struct pl011_regs *s);

/*
 * A guest access: width 1, 2 or 4 at an offset aligned to it, below
 * PL011_REGS_SIZE. false: the access is invalid (the caller faults it);
 * reserved offsets read as zero and ignore writes.
 */
bool pl011_regs_read(struct pl011_regs *s, uint64_t offset, unsigned int width,
		     uint32_t *val);
bool pl011_regs_write(struct pl011_regs *s, uint64_t offset,
		      unsigned int width, uint32_t val);

/* Bytes the receive FIFO takes before it is full (1 deep without FEN). */
unsigned int pl011_rx_room(const struct pl011_regs *s);
/* A received byte; false if the FIFO was full (overrun: byte lost). */
bool pl011_rx_push(struct pl011_regs *s, uint8_t c);

/*
 * The registers a lock-free reader may be answered from, packed in 32
 * bits: FR (bits 0-7; BUSY and TXFF are always clear), RIS (8-18) and
 * IMSC (19-29), which also give MIS. Reading any of them changes nothing.
 */
#define PL011_SNAP_RIS_SHIFT	8
#define PL011_SNAP_IMSC_SHIFT	19
uint32_t pl011_regs_snapshot(const struct pl011_regs *s);

/*
 * A read answered from a snapshot: what pl011_regs_read() returns for
 * the state it was taken from. false: not one of its registers, or an
 * invalid access (pl011_regs_read() then decides).
 */
static inline bool pl011_snapshot_read(uint32_t snap, uint64_t offset,
				       unsigned int width, uint32_t *val)
{
	uint32_t ris = (snap >> PL011_SNAP_RIS_SHIFT) & PL011_INT_ALL;
	uint32_t imsc = (snap >> PL011_SNAP_IMSC_SHIFT) & PL011_INT_ALL;
	uint32_t v;

	if ((width != 1 && width != 2 && width != 4) || (offset & (width - 1)))
		return false;
	switch (offset & ~3ull) {
	case PL011_FR:
		v = snap & 0xff;
		break;
	case PL011_RIS:
		v = ris;
		break;
	case PL011_MIS:
		v = ris & imsc;
		break;
	case PL011_IMSC:
		v = imsc;
		break;
	default:
		return false;
	}
	*val = (v >> (offset & 3) * 8) & (0xffffffffu >> (32 - 8 * width));
	return true;
}

/* The combined interrupt line UARTINTR. */
static inline bool pl011_irq_level(const struct pl011_regs *s)
{
	return (s->ris & s->imsc) != 0;
}

#endif
