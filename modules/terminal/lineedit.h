/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Line editor of the terminal: bytes in, an edited line out, drawn with a
 * few VT100/ECMA-48 controls (CR, BS, EL, CUF, CUB). Pure logic: output
 * goes through a callback, input is fed one byte at a time, all state is
 * in struct mv_lineedit (no allocation). Not thread-safe: the caller
 * serializes mv_le_feed(), mv_le_redraw() and mv_le_clear().
 *
 * Keys: printable bytes (and bytes >= 0x80, one column each) insert;
 * Backspace/Ctrl-H, Delete, Ctrl-D (EOF on an empty line); Left/Right,
 * Ctrl-B/F; Alt-B/F and Ctrl/Alt-Left/Right by words; Home/End, Ctrl-A/E;
 * Ctrl-U/K/W kill to start / to end / the word before the cursor;
 * Up/Down, Ctrl-P/N browse the history; Tab completes; Ctrl-L clears the
 * screen; Ctrl-C cancels; Enter is CR, LF, CR LF or LF CR.
 */
#ifndef MV_TERMINAL_LINEEDIT_H
#define MV_TERMINAL_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Line buffer size, NUL included: a line holds MV_LE_LINE_MAX - 1 bytes. */
#define MV_LE_LINE_MAX		256
/* Lines the history remembers. */
#define MV_LE_HISTORY		32
/* Distinct completion candidates kept for a listing, and their text. */
#define MV_LE_COMPL_MAX		64
#define MV_LE_COMPL_POOL	2048

typedef void (*mv_le_write_fn)(void *ctx, const char *s, size_t n);
typedef void (*mv_le_add_fn)(void *cctx, const char *candidate);
/*
 * Called on Tab: offer candidates for the word ending at the cursor by
 * calling add(cctx, candidate) for each (the text is copied at once).
 * words[0..nwords-1] are the complete words before it (split on spaces,
 * words[nwords] is NULL), prefix is the partial word, maybe "". Only
 * candidates starting with prefix count; duplicates are merged.
 */
typedef void (*mv_le_complete_fn)(void *ctx, int nwords, char **words,
				  const char *prefix, mv_le_add_fn add,
				  void *cctx);

enum mv_le_event {
	MV_LE_NONE,	/* keep feeding */
	MV_LE_LINE,	/* Enter: mv_le_line() holds the line */
	MV_LE_CANCEL,	/* Ctrl-C: line discarded */
	MV_LE_EOF,	/* Ctrl-D on an empty line */
};

/* Everything below is private to lineedit.c (tests may peek). */
struct mv_lineedit {
	const char *prompt;
	size_t prompt_len;
	mv_le_write_fn write;
	mv_le_complete_fn complete;
	void *ctx;

	/* The line, always NUL-terminated; pos is the cursor (byte index). */
	char buf[MV_LE_LINE_MAX];
	size_t len, pos;
	bool done;		/* an event ended the line, no prompt shown */

	/* Input decoding: escape sequence state, CR LF pairing. */
	uint8_t esc;
	uint8_t nparam;
	bool seq_odd;		/* private or intermediate bytes seen */
	uint16_t param[2];
	char eol;		/* CR or LF that just ended a line */

	/* History ring; hist_pos 0 = editing, n = n-th newest entry shown. */
	char hist[MV_LE_HISTORY][MV_LE_LINE_MAX];
	unsigned int hist_head, hist_nr, hist_pos;
	char saved[MV_LE_LINE_MAX];	/* the line being edited meanwhile */
	size_t saved_len;

	/* Tab completion scratch. */
	char words_buf[MV_LE_LINE_MAX];
	char *words[MV_LE_LINE_MAX / 2 + 1];
	const char *cprefix;
	size_t cprefix_len;
	char pool[MV_LE_COMPL_POOL];
	uint16_t cand[MV_LE_COMPL_MAX];	/* offsets in pool, sorted */
	size_t pool_used, lcp;
	unsigned int ncand, nmatch;
	bool ctrunc;		/* some candidates did not fit */

	/* Output is gathered and written once per call. */
	char out[128];
	size_t out_len;
};

/*
 * Set up; prints nothing. prompt must outlive le; write may not be NULL,
 * complete may (Tab then only rings the bell).
 */
void mv_le_init(struct mv_lineedit *le, const char *prompt,
		mv_le_write_fn write, mv_le_complete_fn complete, void *ctx);
/* Takes effect from the next mv_le_start() or mv_le_redraw(). */
void mv_le_set_prompt(struct mv_lineedit *le, const char *prompt);
/*
 * Start an empty line: print the prompt. Call it after each event; bytes
 * fed before that start the next line themselves. A line still open is
 * dropped and erased.
 */
void mv_le_start(struct mv_lineedit *le);
/*
 * One input byte. LINE, CANCEL and EOF have printed "\r\n" (CANCEL
 * "^C\r\n"), so the cursor is at the start of a fresh row.
 */
enum mv_le_event mv_le_feed(struct mv_lineedit *le, char c);
/* The line: valid after MV_LE_LINE until the next mv_le_start()/feed. */
const char *mv_le_line(const struct mv_lineedit *le);
/*
 * Print prompt + line again on the cursor's row, cursor in place: after
 * something else printed (ending its output with "\r\n").
 */
void mv_le_redraw(struct mv_lineedit *le);
/*
 * Erase prompt + line from the screen, cursor at column 0, so something
 * else can print there; follow with mv_le_redraw().
 */
void mv_le_clear(struct mv_lineedit *le);

#endif
