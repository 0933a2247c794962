/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parts of a vserial port that need no nucleus: the output ring
 * buffer, the assembly of output into log lines, and the terminal's
 * escape sequence. Host unit test: test/unit/test_vserial.c.
 */
#ifndef VSERIAL_CORE_H
#define VSERIAL_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- ring buffer of the last VS_RING_SIZE bytes of output ---- */

#define VS_RING_SIZE (16 * 1024)

/*
 * One writer at a time (the caller serializes them); any number of
 * readers, without a lock: a reader copies and then drops whatever a
 * concurrent writer may have overwritten meanwhile (seqlock-like).
 */
struct vs_ring {
	uint64_t written;	/* bytes ever written (published last) */
	uint64_t claimed;	/* end of the write in progress (first) */
	char data[VS_RING_SIZE];
};

void vs_ring_write(struct vs_ring *r, const char *buf, size_t n);
/*
 * Copy the newest bytes, at most max, into out, oldest first; returns how
 * many. *start (if not NULL) gets the stream position of out[0].
 */
size_t vs_ring_read_tail(const struct vs_ring *r, char *out, size_t max,
			 uint64_t *start);
static inline uint64_t vs_ring_written(const struct vs_ring *r)
{
	return __atomic_load_n(&r->written, __ATOMIC_ACQUIRE);
}

/* ---- output to log lines ---- */

/* Longer partial lines are logged in pieces of this many bytes. */
#define VS_LINE_MAX 256

struct vs_line {
	size_t len;
	bool done;		/* buf holds a complete line */
	bool split;		/* the last line ended for length, not '\n' */
	uint8_t esc;		/* inside an ANSI escape sequence (state) */
	char buf[VS_LINE_MAX + 1];
};

void vs_line_reset(struct vs_line *l);
/*
 * Feed one byte. true: a line is complete; it is in l->buf (NUL-terminated,
 * l->len bytes) until the next call. '\r' is dropped, backspace erases,
 * other control characters and ANSI escape sequences (colours...) are
 * left out: the log is plain text, one line per message.
 */
bool vs_line_feed(struct vs_line *l, char c);

/* ---- the bound terminal's escape: Ctrl-] then q ---- */

#define VS_ESCAPE_CHAR	0x1d	/* Ctrl-] */
#define VS_DETACH	(-1)

struct vs_escape {
	bool armed;		/* Ctrl-] seen */
};

/*
 * Feed one byte the user typed. Returns VS_DETACH for Ctrl-] q, else the
 * number of bytes (0..2) put into out for the guest: Ctrl-] Ctrl-] sends
 * one Ctrl-], Ctrl-] x sends both.
 */
int vs_escape_feed(struct vs_escape *e, char c, char out[2]);

#endif
