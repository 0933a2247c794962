// SPDX-License-Identifier: GPL-2.0
/*
 * Terminal line editor (see lineedit.h).
 *
 * Screen invariant: while a line is open, the cursor's row shows exactly
 * prompt + line, nothing after it, and the cursor is at column
 * prompt_len + pos. Each edit keeps it by rewriting only the tail from
 * the first changed byte, then "erase to end of line" if the line got
 * shorter and "cursor left" back to pos: little traffic on a slow UART,
 * and only controls every VT100 descendant knows. Lines wider than the
 * terminal are not handled (no width is known here).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lineedit.h"

#define LINE_LEN_MAX	(MV_LE_LINE_MAX - 1)
#define PARAM_MAX	9999

enum { ESC_NONE, ESC_ESC, ESC_CSI, ESC_SS3 };

enum key {
	K_NONE,
	K_LEFT, K_RIGHT, K_WORD_LEFT, K_WORD_RIGHT, K_HOME, K_END,
	K_UP, K_DOWN,
	K_BACKSPACE, K_DELETE, K_CTRL_D, K_KILL_START, K_KILL_END,
	K_KILL_WORD,
	K_ENTER, K_CANCEL, K_CLEAR, K_TAB,
};

/* ---- output ---- */

static void le_flush(struct mv_lineedit *le)
{
	if (le->out_len)
		le->write(le->ctx, le->out, le->out_len);
	le->out_len = 0;
}

static void le_emit(struct mv_lineedit *le, const char *s, size_t n)
{
	while (n) {
		size_t room = sizeof(le->out) - le->out_len;
		size_t chunk = n < room ? n : room;

		if (!room) {
			le_flush(le);
			continue;
		}
		memcpy(le->out + le->out_len, s, chunk);
		le->out_len += chunk;
		s += chunk;
		n -= chunk;
	}
}

static void le_puts(struct mv_lineedit *le, const char *s)
{
	le_emit(le, s, strlen(s));
}

static void le_bell(struct mv_lineedit *le)
{
	le_emit(le, "\a", 1);
}

/* ESC [ n final, n in decimal. */
static void le_csi_n(struct mv_lineedit *le, size_t n, char final)
{
	char s[32];
	size_t i = sizeof(s);

	s[--i] = final;
	do {
		s[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	s[--i] = '[';
	s[--i] = '\x1b';
	le_emit(le, s + i, sizeof(s) - i);
}

static void le_left(struct mv_lineedit *le, size_t n)
{
	if (n == 1)
		le_emit(le, "\b", 1);
	else if (n)
		le_csi_n(le, n, 'D');
}

/*
 * Cursor from line index from to line index to. buf[from..to) must be
 * what the screen shows there: a short way right is to print it again.
 */
static void le_move(struct mv_lineedit *le, size_t from, size_t to)
{
	if (to < from)
		le_left(le, from - to);
	else if (to - from <= 3)
		le_emit(le, le->buf + from, to - from);
	else
		le_csi_n(le, to - from, 'C');
}

/*
 * After an edit: the screen is right up to line index from, the cursor is
 * at line index cur and old_len bytes of line are shown. Rewrite the
 * tail, erase what is left of the old one, put the cursor at pos.
 */
static void le_refresh(struct mv_lineedit *le, size_t from, size_t cur,
		       size_t old_len)
{
	le_move(le, cur, from);
	le_emit(le, le->buf + from, le->len - from);
	if (le->len < old_len)
		le_puts(le, "\x1b[K");
	le_left(le, le->len - le->pos);
}

static void le_draw(struct mv_lineedit *le)
{
	le_emit(le, "\r", 1);
	le_emit(le, le->prompt, le->prompt_len);
	le_emit(le, le->buf, le->len);
	le_puts(le, "\x1b[K");
	le_left(le, le->len - le->pos);
}

/* ---- editing ---- */

static bool le_insert(struct mv_lineedit *le, const char *s, size_t n)
{
	size_t at = le->pos;

	if (n > LINE_LEN_MAX - le->len) {
		le_bell(le);
		return false;
	}
	memmove(le->buf + at + n, le->buf + at, le->len - at + 1);
	memcpy(le->buf + at, s, n);
	le->len += n;
	le->pos += n;
	le_refresh(le, at, at, le->len - n);
	return true;
}

/* Delete [a, b); the cursor is at a or b and ends at a. */
static void le_delete(struct mv_lineedit *le, size_t a, size_t b)
{
	size_t cur = le->pos, old_len = le->len;

	if (a >= b)
		return;
	memmove(le->buf + a, le->buf + b, le->len - b + 1);
	le->len -= b - a;
	le->pos = a;
	le_refresh(le, a, cur, old_len);
}

/* Replace the whole line (history); only the differing tail is drawn. */
static void le_set_line(struct mv_lineedit *le, const char *s, size_t n)
{
	size_t cur = le->pos, old_len = le->len, same = 0;

	while (same < n && same < le->len && le->buf[same] == s[same])
		same++;
	memcpy(le->buf, s, n);
	le->buf[n] = '\0';
	le->len = n;
	le->pos = n;
	le_refresh(le, same, cur, old_len);
}

static void le_goto(struct mv_lineedit *le, size_t to)
{
	le_move(le, le->pos, to);
	le->pos = to;
}

/* Start of the word before the cursor: spaces, then non-spaces (bash). */
static size_t le_word_left(const struct mv_lineedit *le)
{
	size_t p = le->pos;

	while (p && le->buf[p - 1] == ' ')
		p--;
	while (p && le->buf[p - 1] != ' ')
		p--;
	return p;
}

static size_t le_word_right(const struct mv_lineedit *le)
{
	size_t p = le->pos;

	while (p < le->len && le->buf[p] == ' ')
		p++;
	while (p < le->len && le->buf[p] != ' ')
		p++;
	return p;
}

/* ---- history ---- */

/* i-th newest entry, 0 = newest. */
static const char *le_hist(const struct mv_lineedit *le, unsigned int i)
{
	return le->hist[(le->hist_head + MV_LE_HISTORY - 1 - i) %
			MV_LE_HISTORY];
}

static void le_hist_add(struct mv_lineedit *le)
{
	size_t i = 0;

	while (le->buf[i] == ' ')
		i++;
	if (!le->buf[i])
		return;		/* blank: nothing worth recalling */
	if (le->hist_nr && !strcmp(le_hist(le, 0), le->buf))
		return;
	memcpy(le->hist[le->hist_head], le->buf, le->len + 1);
	le->hist_head = (le->hist_head + 1) % MV_LE_HISTORY;
	if (le->hist_nr < MV_LE_HISTORY)
		le->hist_nr++;
}

static void le_hist_show(struct mv_lineedit *le)
{
	const char *s;

	if (!le->hist_pos) {
		le_set_line(le, le->saved, le->saved_len);
		return;
	}
	s = le_hist(le, le->hist_pos - 1);
	le_set_line(le, s, strlen(s));
}

static void le_hist_up(struct mv_lineedit *le)
{
	if (le->hist_pos == le->hist_nr)
		return;
	if (!le->hist_pos) {
		memcpy(le->saved, le->buf, le->len + 1);
		le->saved_len = le->len;
	}
	le->hist_pos++;
	le_hist_show(le);
}

static void le_hist_down(struct mv_lineedit *le)
{
	if (!le->hist_pos)
		return;
	le->hist_pos--;
	le_hist_show(le);
}

/* ---- completion ---- */

static void le_add(void *cctx, const char *c)
{
	struct mv_lineedit *le = cctx;
	const char *first = le->pool;
	size_t n, lo = 0, hi = le->ncand, i;

	if (!c || !*c || strncmp(c, le->cprefix, le->cprefix_len))
		return;
	n = strlen(c);
	if (n > LINE_LEN_MAX)
		return;		/* could never fit the line anyway */

	/* Binary search of the sorted candidates: merge duplicates. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int d = strcmp(c, le->pool + le->cand[mid]);

		if (!d)
			return;
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}

	/* The first match is always kept at pool offset 0: the lcp base. */
	if (!le->nmatch) {
		le->lcp = n;
	} else {
		for (i = 0; i < le->lcp && first[i] == c[i]; i++)
			;
		le->lcp = i;
	}
	le->nmatch++;

	if (le->ncand == MV_LE_COMPL_MAX ||
	    n + 1 > sizeof(le->pool) - le->pool_used) {
		le->ctrunc = true;
		return;
	}
	memmove(le->cand + lo + 1, le->cand + lo,
		(le->ncand - lo) * sizeof(le->cand[0]));
	le->cand[lo] = (uint16_t)le->pool_used;
	memcpy(le->pool + le->pool_used, c, n + 1);
	le->pool_used += n + 1;
	le->ncand++;
}

static void le_list(struct mv_lineedit *le)
{
	le_emit(le, "\r\n", 2);
	for (unsigned int i = 0; i < le->ncand; i++) {
		if (i)
			le_emit(le, "  ", 2);
		le_puts(le, le->pool + le->cand[i]);
	}
	if (le->ctrunc)
		le_emit(le, "  ...", 5);
	le_emit(le, "\r\n", 2);
	le_draw(le);
}

static void le_complete(struct mv_lineedit *le)
{
	char *wb = le->words_buf;
	size_t start = le->pos, i = 0, plen;
	int nwords = 0;

	if (!le->complete) {
		le_bell(le);
		return;
	}

	/*
	 * Split a copy of the line up to the cursor. Whatever precedes the
	 * partial word ends with a space, so every word found there ends
	 * before start and can be cut in place.
	 */
	memcpy(wb, le->buf, le->pos);
	wb[le->pos] = '\0';
	while (start && wb[start - 1] != ' ')
		start--;
	while (i < start) {
		if (wb[i] == ' ') {
			i++;
			continue;
		}
		le->words[nwords++] = wb + i;
		while (wb[i] != ' ')
			i++;
		wb[i++] = '\0';
	}
	le->words[nwords] = NULL;

	le->cprefix = wb + start;
	le->cprefix_len = plen = le->pos - start;
	le->pool_used = 0;
	le->ncand = 0;
	le->nmatch = 0;
	le->lcp = 0;
	le->ctrunc = false;
	le->complete(le->ctx, nwords, le->words, le->cprefix, le_add, le);

	if (!le->nmatch) {
		le_bell(le);
	} else if (le->ncand == 1 && !le->ctrunc) {
		/* The word is complete: end it, or step over the space. */
		const char *c = le->pool + le->cand[0];
		size_t n = strlen(c) - plen;
		bool space = le->buf[le->pos] == ' ';

		memcpy(wb, c + plen, n);
		if (!space)
			wb[n++] = ' ';
		if (n && !le_insert(le, wb, n))
			return;
		if (space)
			le_goto(le, le->pos + 1);
	} else if (le->lcp > plen) {
		memcpy(wb, le->pool + plen, le->lcp - plen);
		le_insert(le, wb, le->lcp - plen);
	} else {
		le_list(le);
	}
}

/* ---- input ---- */

static enum mv_le_event le_end(struct mv_lineedit *le, enum mv_le_event ev,
			       const char *echo)
{
	le_puts(le, echo);
	le->hist_pos = 0;
	le->done = true;
	return ev;
}

static enum mv_le_event le_key(struct mv_lineedit *le, enum key key)
{
	switch (key) {
	case K_NONE:
		break;
	case K_LEFT:
		if (le->pos)
			le_goto(le, le->pos - 1);
		break;
	case K_RIGHT:
		if (le->pos < le->len)
			le_goto(le, le->pos + 1);
		break;
	case K_WORD_LEFT:
		le_goto(le, le_word_left(le));
		break;
	case K_WORD_RIGHT:
		le_goto(le, le_word_right(le));
		break;
	case K_HOME:
		le_goto(le, 0);
		break;
	case K_END:
		le_goto(le, le->len);
		break;
	case K_UP:
		le_hist_up(le);
		break;
	case K_DOWN:
		le_hist_down(le);
		break;
	case K_BACKSPACE:
		if (le->pos)
			le_delete(le, le->pos - 1, le->pos);
		break;
	case K_CTRL_D:
		if (!le->len)
			return le_end(le, MV_LE_EOF, "\r\n");
		/* fall through */
	case K_DELETE:
		if (le->pos < le->len)
			le_delete(le, le->pos, le->pos + 1);
		break;
	case K_KILL_START:
		le_delete(le, 0, le->pos);
		break;
	case K_KILL_END:
		le_delete(le, le->pos, le->len);
		break;
	case K_KILL_WORD:
		le_delete(le, le_word_left(le), le->pos);
		break;
	case K_ENTER:
		le_hist_add(le);
		return le_end(le, MV_LE_LINE, "\r\n");
	case K_CANCEL:
		le->len = le->pos = 0;
		le->buf[0] = '\0';
		return le_end(le, MV_LE_CANCEL, "^C\r\n");
	case K_CLEAR:
		le_puts(le, "\x1b[H\x1b[2J");
		le_draw(le);
		break;
	case K_TAB:
		le_complete(le);
		break;
	}
	return MV_LE_NONE;
}

/* The final byte of ESC [ ... or ESC O ... names the key. */
static enum key le_seq_key(const struct mv_lineedit *le, bool ss3, char final)
{
	/* Second parameter: 1 + modifier bits (shift 1, alt 2, ctrl 4). */
	unsigned int mod = le->nparam ? le->param[1] : 0;
	bool word = mod >= 2 && mod <= 16 && ((mod - 1) & 6);

	switch (final) {
	case 'A':
		return K_UP;
	case 'B':
		return K_DOWN;
	case 'C':
		return word ? K_WORD_RIGHT : K_RIGHT;
	case 'D':
		return word ? K_WORD_LEFT : K_LEFT;
	case 'H':
		return K_HOME;
	case 'F':
		return K_END;
	case 'M':
		return ss3 ? K_ENTER : K_NONE;	/* keypad Enter */
	case '~':
		if (ss3)
			return K_NONE;
		switch (le->param[0]) {
		case 1:
		case 7:
			return K_HOME;
		case 4:
		case 8:
			return K_END;
		case 3:
			return K_DELETE;
		}
		return K_NONE;
	}
	return K_NONE;
}

/*
 * A byte 0x20..0x7e inside ESC [ or ESC O: parameters (clamped, so the
 * state stays bounded however long the garbage), then one final byte
 * that ends the sequence, known or not.
 */
static enum mv_le_event le_seq_byte(struct mv_lineedit *le, unsigned char c)
{
	bool ss3 = le->esc == ESC_SS3;

	if (c >= '0' && c <= '9') {
		if (le->nparam < 2) {
			unsigned int p = le->param[le->nparam] * 10u +
					 (c - '0');

			le->param[le->nparam] =
				(uint16_t)(p > PARAM_MAX ? PARAM_MAX : p);
		}
		return MV_LE_NONE;
	}
	if (c == ';') {
		if (le->nparam < 2)
			le->nparam++;
		return MV_LE_NONE;
	}
	if (c < 0x40) {
		/* Private markers, intermediates: no key of ours. */
		le->seq_odd = true;
		return MV_LE_NONE;
	}
	le->esc = ESC_NONE;
	if (le->seq_odd)
		return MV_LE_NONE;
	return le_key(le, le_seq_key(le, ss3, (char)c));
}

static void le_seq_start(struct mv_lineedit *le, uint8_t kind)
{
	le->esc = kind;
	le->nparam = 0;
	le->param[0] = le->param[1] = 0;
	le->seq_odd = false;
}

static enum mv_le_event le_input(struct mv_lineedit *le, unsigned char c)
{
	char ch = (char)c;

	switch (le->esc) {
	case ESC_ESC:
		le->esc = ESC_NONE;
		if (c == '[') {
			le_seq_start(le, ESC_CSI);
			return MV_LE_NONE;
		}
		if (c == 'O') {
			le_seq_start(le, ESC_SS3);
			return MV_LE_NONE;
		}
		if (c == 'b')
			return le_key(le, K_WORD_LEFT);
		if (c == 'f')
			return le_key(le, K_WORD_RIGHT);
		if (c >= 0x20 && c < 0x7f)
			return MV_LE_NONE;	/* Alt-<key> we don't know */
		break;	/* no sequence after all: take the byte as is */
	case ESC_CSI:
	case ESC_SS3:
		if (c >= 0x20 && c < 0x7f)
			return le_seq_byte(le, c);
		le->esc = ESC_NONE;	/* malformed: drop it */
		break;
	}

	switch (c) {
	case 0x1b:
		le->esc = ESC_ESC;
		return MV_LE_NONE;
	case '\r':
	case '\n':
		le->eol = ch;
		return le_key(le, K_ENTER);
	case 0x01:
		return le_key(le, K_HOME);
	case 0x02:
		return le_key(le, K_LEFT);
	case 0x03:
		return le_key(le, K_CANCEL);
	case 0x04:
		return le_key(le, K_CTRL_D);
	case 0x05:
		return le_key(le, K_END);
	case 0x06:
		return le_key(le, K_RIGHT);
	case 0x08:
	case 0x7f:
		return le_key(le, K_BACKSPACE);
	case 0x09:
		return le_key(le, K_TAB);
	case 0x0b:
		return le_key(le, K_KILL_END);
	case 0x0c:
		return le_key(le, K_CLEAR);
	case 0x0e:
		return le_key(le, K_DOWN);
	case 0x10:
		return le_key(le, K_UP);
	case 0x15:
		return le_key(le, K_KILL_START);
	case 0x17:
		return le_key(le, K_KILL_WORD);
	}
	if (c < 0x20)
		return MV_LE_NONE;
	le_insert(le, &ch, 1);
	return MV_LE_NONE;
}

/* ---- API ---- */

void mv_le_init(struct mv_lineedit *le, const char *prompt,
		mv_le_write_fn write, mv_le_complete_fn complete, void *ctx)
{
	memset(le, 0, sizeof(*le));
	le->prompt = prompt;
	le->prompt_len = strlen(prompt);
	le->write = write;
	le->complete = complete;
	le->ctx = ctx;
	le->done = true;
}

void mv_le_set_prompt(struct mv_lineedit *le, const char *prompt)
{
	le->prompt = prompt;
	le->prompt_len = strlen(prompt);
}

static void le_start(struct mv_lineedit *le)
{
	/* A line still open is dropped, from the screen too. */
	if (!le->done)
		le_emit(le, "\r\x1b[K", 4);
	/* le->eol survives: the LF of a CR LF may come after this. */
	le->len = le->pos = 0;
	le->buf[0] = '\0';
	le->hist_pos = 0;
	le->esc = ESC_NONE;
	le->done = false;
	le_emit(le, le->prompt, le->prompt_len);
}

void mv_le_start(struct mv_lineedit *le)
{
	le_start(le);
	le_flush(le);
}

enum mv_le_event mv_le_feed(struct mv_lineedit *le, char c)
{
	char eol = le->eol;
	enum mv_le_event ev;

	le->eol = 0;
	/* The second half of a CR LF or LF CR pair ends no other line. */
	if (eol && (c == '\r' || c == '\n') && c != eol)
		return MV_LE_NONE;
	if (le->done)
		le_start(le);
	ev = le_input(le, (unsigned char)c);
	le_flush(le);
	return ev;
}

const char *mv_le_line(const struct mv_lineedit *le)
{
	return le->buf;
}

void mv_le_redraw(struct mv_lineedit *le)
{
	if (le->done)
		return;
	le_draw(le);
	le_flush(le);
}

void mv_le_clear(struct mv_lineedit *le)
{
	if (le->done)
		return;
	le_emit(le, "\r\x1b[K", 4);
	le_flush(le);
}
