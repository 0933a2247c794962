// SPDX-License-Identifier: GPL-2.0
/* vserial ring buffer, line assembly and escape sequence (vserial_core.h). */
#include "vserial_core.h"

#include <string.h>

void vs_ring_write(struct vs_ring *r, const char *buf, size_t n)
{
	uint64_t pos = r->written;	/* only the writer changes it */
	uint64_t end = pos + n;

	/* Only the newest VS_RING_SIZE bytes can be kept anyway. */
	if (n > VS_RING_SIZE) {
		buf += n - VS_RING_SIZE;
		pos += n - VS_RING_SIZE;
		n = VS_RING_SIZE;
	}
	/*
	 * Announce the bytes about to be overwritten before touching them: a
	 * reader that sees a new byte then sees this claim too (the fences
	 * pair up) and drops what it copied from that region.
	 */
	__atomic_store_n(&r->claimed, end, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (size_t i = 0; i < n; i++)
		__atomic_store_n(&r->data[(pos + i) % VS_RING_SIZE], buf[i],
				 __ATOMIC_RELAXED);
	__atomic_store_n(&r->written, end, __ATOMIC_RELEASE);
}

size_t vs_ring_read_tail(const struct vs_ring *r, char *out, size_t max,
			 uint64_t *start)
{
	uint64_t written = __atomic_load_n(&r->written, __ATOMIC_ACQUIRE);
	uint64_t n, from, claimed;

	if (max > VS_RING_SIZE)
		max = VS_RING_SIZE;
	n = written < max ? written : max;
	from = written - n;
	for (uint64_t i = 0; i < n; i++)
		out[i] = __atomic_load_n(&r->data[(from + i) % VS_RING_SIZE],
					 __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	claimed = __atomic_load_n(&r->claimed, __ATOMIC_RELAXED);
	/* Positions below claimed - size may hold newer bytes now. */
	if (claimed > VS_RING_SIZE && claimed - VS_RING_SIZE > from) {
		uint64_t lost = claimed - VS_RING_SIZE - from;

		if (lost > n)
			lost = n;
		memmove(out, out + lost, n - lost);
		n -= lost;
		from += lost;
	}
	if (start)
		*start = from;
	return n;
}

enum {
	ESC_NONE,
	ESC_START,		/* after ESC */
	ESC_CSI,		/* ESC [ parameters, up to a final byte */
	ESC_STRING,		/* ESC ] text, up to BEL or ESC \ */
	ESC_STRING_ESC,		/* ESC inside the string */
};

void vs_line_reset(struct vs_line *l)
{
	l->len = 0;
	l->done = false;
	l->split = false;
	l->esc = ESC_NONE;
	l->buf[0] = '\0';
}

/* Swallow escape sequences; false: c is not part of one (any more). */
static bool in_escape(struct vs_line *l, unsigned char c)
{
	switch (l->esc) {
	case ESC_START:
		l->esc = c == '[' ? ESC_CSI : c == ']' ? ESC_STRING : ESC_NONE;
		return true;
	case ESC_CSI:
		if (c < 0x20)		/* malformed: give the byte back */
			break;
		if (c >= 0x40 && c <= 0x7e)
			l->esc = ESC_NONE;
		return true;
	case ESC_STRING:
		if (c == '\n')
			break;
		if (c == 0x07)
			l->esc = ESC_NONE;
		else if (c == 0x1b)
			l->esc = ESC_STRING_ESC;
		return true;
	case ESC_STRING_ESC:
		l->esc = ESC_NONE;
		return true;
	default:
		return false;
	}
	l->esc = ESC_NONE;
	return false;
}

static bool line_done(struct vs_line *l, bool split)
{
	l->buf[l->len] = '\0';
	l->done = true;
	l->split = split;
	return true;
}

bool vs_line_feed(struct vs_line *l, char ch)
{
	unsigned char c = (unsigned char)ch;

	if (l->done) {
		l->len = 0;
		l->done = false;
	}
	if (in_escape(l, c))
		return false;
	switch (c) {
	case '\n':
		/* The end of a line already logged in pieces. */
		if (l->split && !l->len) {
			l->split = false;
			return false;
		}
		return line_done(l, false);
	case '\r':
		return false;
	case '\b':
		if (l->len)
			l->len--;
		return false;
	case 0x1b:
		l->esc = ESC_START;
		return false;
	case '\t':
		break;
	default:
		if (c < 0x20 || c == 0x7f)
			return false;
	}
	l->split = false;
	l->buf[l->len++] = (char)c;
	if (l->len == VS_LINE_MAX)
		return line_done(l, true);
	return false;
}

int vs_escape_feed(struct vs_escape *e, char c, char out[2])
{
	if (!e->armed) {
		if (c == VS_ESCAPE_CHAR) {
			e->armed = true;
			return 0;
		}
		out[0] = c;
		return 1;
	}
	e->armed = false;
	if (c == 'q')
		return VS_DETACH;
	out[0] = VS_ESCAPE_CHAR;
	if (c == VS_ESCAPE_CHAR)
		return 1;
	out[1] = c;
	return 2;
}
