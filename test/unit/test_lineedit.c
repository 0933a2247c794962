// SPDX-License-Identifier: GPL-2.0
/*
 * Terminal line editor: modules/terminal/lineedit.c. Every byte it writes
 * goes through a small VT100 model of the cursor's row, which refuses any
 * control the editor is not meant to use; after every byte fed, the row
 * must show exactly prompt + line, nothing after it, with the cursor at
 * the editor's position.
 */
#include "../../modules/terminal/lineedit.h"

#include "mv_test.h"

#define COLS	4096
#define PROMPT	"mv> "
#define CTX	((void *)0x1234)

/* Keys as terminals send them. */
#define LEFT	"\x1b[D"
#define RIGHT	"\x1b[C"
#define UP	"\x1b[A"
#define DOWN	"\x1b[B"
#define HOME	"\x1b[H"
#define END	"\x1b[F"
#define DEL	"\x1b[3~"
#define BS	"\x7f"
#define TAB	"\t"
#define C(x)	((char)((x) & 0x1f))	/* Ctrl-x */

/* ---- VT100 model: one row, the row above, a cursor ---- */

struct screen {
	char row[COLS];		/* 0: never written or erased */
	char prev[COLS];
	size_t col, extent;	/* extent: cells of row ever written */
	unsigned int rows, bells, writes;
	int st;			/* 0 text, 1 after ESC, 2 in ESC [ */
	char seq[16];
	size_t seq_len;
	char err[160];		/* first protocol violation */
};

static struct screen scr;
static char raw[1 << 16];	/* output since raw_reset() */
static size_t raw_len;
static struct mv_lineedit le;
static unsigned int nev[4];
static uint64_t seed;

static void scr_error(const char *what, unsigned char c)
{
	if (!scr.err[0])
		snprintf(scr.err, sizeof(scr.err),
			 "terminal: %s (byte 0x%02x, col %zu)", what, c,
			 scr.col);
}

static void scr_new_row(void)
{
	memcpy(scr.prev, scr.row, sizeof(scr.row));
	memset(scr.row, 0, sizeof(scr.row));
	scr.extent = 0;
	scr.rows++;
}

static void scr_csi(unsigned char final)
{
	size_t n = 0;
	bool has_n = scr.seq_len > 0;

	for (size_t i = 0; i < scr.seq_len; i++) {
		if (scr.seq[i] < '0' || scr.seq[i] > '9') {
			scr_error("parameter not a number", final);
			return;
		}
		n = n * 10 + (size_t)(scr.seq[i] - '0');
	}
	switch (final) {
	case 'K':	/* erase to end of line */
		if (has_n)
			scr_error("ESC [ n K", final);
		else if (scr.col < COLS)
			memset(scr.row + scr.col, 0, COLS - scr.col);
		break;
	case 'C':	/* editor must give an explicit n >= 1 */
		if (!n || scr.col + n >= COLS)
			scr_error("bad cursor right", final);
		else
			scr.col += n;
		break;
	case 'D':
		if (!n || n > scr.col)
			scr_error("bad cursor left", final);
		else
			scr.col -= n;
		break;
	case 'H':	/* home: only as the first half of a clear */
		if (has_n)
			scr_error("ESC [ n H", final);
		scr.col = 0;
		break;
	case 'J':
		if (n != 2)
			scr_error("ESC [ n J other than 2", final);
		memset(scr.row, 0, sizeof(scr.row));
		memset(scr.prev, 0, sizeof(scr.prev));
		scr.extent = 0;
		break;
	default:
		scr_error("unexpected control sequence", final);
	}
}

static void scr_put(unsigned char c)
{
	if (scr.st == 1) {
		if (c == '[') {
			scr.st = 2;
			scr.seq_len = 0;
		} else {
			scr_error("ESC not followed by [", c);
			scr.st = 0;
		}
		return;
	}
	if (scr.st == 2) {
		if ((c >= '0' && c <= '9') || c == ';') {
			if (scr.seq_len == sizeof(scr.seq))
				scr_error("long control sequence", c);
			else
				scr.seq[scr.seq_len++] = (char)c;
			return;
		}
		scr.st = 0;
		scr_csi(c);
		return;
	}
	switch (c) {
	case '\r':
		scr.col = 0;
		return;
	case '\n':	/* a real LF keeps the column */
		scr_new_row();
		return;
	case '\b':
		if (!scr.col)
			scr_error("backspace at column 0", c);
		else
			scr.col--;
		return;
	case '\a':
		scr.bells++;
		return;
	case 0x1b:
		scr.st = 1;
		return;
	}
	if (c < 0x20 || c == 0x7f) {
		scr_error("unexpected control byte", c);
		return;
	}
	if (scr.col >= COLS - 1) {
		scr_error("past the right margin", c);
		return;
	}
	scr.row[scr.col++] = (char)c;
	if (scr.col > scr.extent)
		scr.extent = scr.col;
}

static void term_write(void *ctx, const char *s, size_t n)
{
	if (ctx != CTX)
		scr_error("write callback got the wrong ctx", 0);
	if (!n)
		scr_error("empty write", 0);
	scr.writes++;
	for (size_t i = 0; i < n; i++) {
		scr_put((unsigned char)s[i]);
		if (raw_len < sizeof(raw) - 1)
			raw[raw_len++] = s[i];
	}
	raw[raw_len] = '\0';
}

static void raw_reset(void)
{
	raw_len = 0;
	raw[0] = '\0';
}

/* Some other part of the system prints. */
static void other_output(const char *s)
{
	term_write(CTX, s, strlen(s));
}

/* The row as a string: the written cells, which must be contiguous. */
static const char *row_str(const char *row)
{
	static char s[COLS + 1];
	size_t n = 0;

	while (n < COLS && row[n])
		n++;
	memcpy(s, row, n);
	s[n] = '\0';
	return s;
}

/* NULL if the screen shows what the editor holds, else what differs. */
static const char *screen_mismatch(void)
{
	static char m[COLS + 256];
	const char *line = mv_le_line(&le);
	char want[COLS];
	size_t wlen = 0, wcol = 0, n;

	if (scr.err[0])
		return scr.err;
	if (scr.st)
		return "editor stopped inside a control sequence";
	if (le.len > MV_LE_LINE_MAX - 1 || le.pos > le.len ||
	    strlen(line) != le.len)
		return "editor state out of bounds";
	if (!le.done) {
		wlen = le.prompt_len + le.len;
		memcpy(want, le.prompt, le.prompt_len);
		memcpy(want + le.prompt_len, line, le.len);
		wcol = le.prompt_len + le.pos;
	}
	n = wlen > scr.extent ? wlen : scr.extent;
	for (size_t i = 0; i < n; i++) {
		char w = i < wlen ? want[i] : 0;

		if (scr.row[i] != w) {
			snprintf(m, sizeof(m),
				 "row col %zu is 0x%02x, want 0x%02x: "
				 "row \"%s\", line \"%s\"", i,
				 (unsigned char)scr.row[i], (unsigned char)w,
				 row_str(scr.row), line);
			return m;
		}
	}
	if (scr.col != wcol) {
		snprintf(m, sizeof(m), "cursor at col %zu, want %zu (\"%s\")",
			 scr.col, wcol, line);
		return m;
	}
	return NULL;
}

/* Last bytes fed, to show what led to a failure. */
static unsigned char hist_keys[96];
static size_t hist_keys_n;

static void dump_keys(void)
{
	size_t n = hist_keys_n < sizeof(hist_keys) ? hist_keys_n :
		   sizeof(hist_keys);

	fprintf(stderr, "last %zu bytes fed:", n);
	for (size_t i = hist_keys_n - n; i < hist_keys_n; i++)
		fprintf(stderr, " %02x",
			hist_keys[i % sizeof(hist_keys)]);
	fprintf(stderr, "\n");
}

#define CHECK_SCREEN()							\
	do {								\
		const char *m_ = screen_mismatch();			\
		if (m_) {						\
			dump_keys();					\
			mv_test_fail(__FILE__, __LINE__, m_);		\
		}							\
	} while (0)

static enum mv_le_event feed_byte(char c)
{
	enum mv_le_event ev = mv_le_feed(&le, c);
	const char *m;

	hist_keys[hist_keys_n++ % sizeof(hist_keys)] = (unsigned char)c;
	CHECK(ev >= MV_LE_NONE && ev <= MV_LE_EOF);
	nev[ev]++;
	m = screen_mismatch();
	if (m) {
		dump_keys();
		mv_test_fail(__FILE__, __LINE__, m);
	}
	/* Every event leaves the cursor at the start of a fresh row. */
	if (ev != MV_LE_NONE)
		CHECK(le.done && scr.col == 0 && !scr.extent);
	return ev;
}

/* Feed n bytes, checking the screen after each; the last event seen. */
static enum mv_le_event feedn(const char *s, size_t n)
{
	enum mv_le_event last = MV_LE_NONE, ev;

	for (size_t i = 0; i < n; i++) {
		ev = feed_byte(s[i]);
		if (ev != MV_LE_NONE)
			last = ev;
	}
	return last;
}

static enum mv_le_event feed(const char *s)
{
	return feedn(s, strlen(s));
}

static void start(void)
{
	mv_le_start(&le);
	CHECK_SCREEN();
}

static void check_line(const char *want, size_t pos, const char *file,
		       int line)
{
	char m[700];

	if (strcmp(mv_le_line(&le), want) || le.pos != pos) {
		snprintf(m, sizeof(m), "line \"%s\" pos %zu, want \"%s\" "
			 "pos %zu", mv_le_line(&le), le.pos, want, pos);
		mv_test_fail(file, line, m);
	}
}

#define CHECK_LINE(want, pos) check_line(want, pos, __FILE__, __LINE__)
#define CHECK_STR(a, b)							\
	do {								\
		const char *a_ = (a), *b_ = (b);			\
		if (strcmp(a_, b_)) {					\
			char m_[COLS + 64];				\
			snprintf(m_, sizeof(m_), "\"%.2000s\" != \"%.2000s\"", \
				 a_, b_);				\
			mv_test_fail(__FILE__, __LINE__, m_);		\
		}							\
	} while (0)

/* ---- completion callback ---- */

static const char *const *cands;
static size_t ncands;
static unsigned int ncalls;
static int got_nwords;
static char got_words[MV_LE_LINE_MAX][MV_LE_LINE_MAX];
static char got_prefix[MV_LE_LINE_MAX];
static bool got_bad_args;

#define SET_CANDS(...)							\
	do {								\
		static const char *const c_[] = { __VA_ARGS__ };	\
		cands = c_;						\
		ncands = MV_ARRAY_SIZE(c_);				\
	} while (0)

static void complete_cb(void *ctx, int nwords, char **words,
			const char *prefix, mv_le_add_fn add, void *cctx)
{
	ncalls++;
	if (ctx != CTX || nwords < 0 || words[nwords] ||
	    strlen(prefix) >= MV_LE_LINE_MAX)
		got_bad_args = true;
	got_nwords = nwords;
	for (int i = 0; i < nwords && i < MV_LE_LINE_MAX; i++) {
		if (!*words[i] || strchr(words[i], ' ') ||
		    strlen(words[i]) >= MV_LE_LINE_MAX)
			got_bad_args = true;
		else
			strcpy(got_words[i], words[i]);
	}
	strcpy(got_prefix, prefix);
	for (size_t i = 0; i < ncands; i++)
		add(cctx, cands[i]);
}

static void setup(void)
{
	memset(&scr, 0, sizeof(scr));
	raw_reset();
	memset(nev, 0, sizeof(nev));
	hist_keys_n = 0;
	cands = NULL;
	ncands = 0;
	ncalls = 0;
	got_nwords = -1;
	got_prefix[0] = '\0';
	got_bad_args = false;
	memset(&le, 0xa5, sizeof(le));	/* init must set it all */
	mv_le_init(&le, PROMPT, term_write, complete_cb, CTX);
	mv_le_start(&le);
}

/* ---- explicit cases ---- */

static void test_init_start(void)
{
	CHECK_SCREEN();
	CHECK_STR(raw, PROMPT);
	CHECK_LINE("", 0);

	/* init prints nothing; a byte before start opens the line. */
	memset(&scr, 0, sizeof(scr));
	raw_reset();
	mv_le_init(&le, "> ", term_write, NULL, CTX);
	CHECK_EQ(raw_len, 0);
	mv_le_redraw(&le);	/* nothing open: nothing to draw */
	mv_le_clear(&le);
	CHECK_EQ(raw_len, 0);
	CHECK_EQ(feed("a"), MV_LE_NONE);
	CHECK_STR(raw, "> a");
	CHECK_LINE("a", 1);
}

static void test_insert(void)
{
	raw_reset();
	feed("hello");
	CHECK_LINE("hello", 5);
	/* Typing at the end costs one byte, one write each. */
	CHECK_STR(raw, "hello");
	CHECK_EQ(scr.writes, 6);
	feed(LEFT LEFT);
	feed("X");
	CHECK_LINE("helXlo", 4);
	feed(HOME "<");
	CHECK_LINE("<helXlo", 1);
	feed(END ">");
	CHECK_LINE("<helXlo>", 8);
	CHECK_EQ(scr.bells, 0);
}

static void test_high_bytes_and_controls(void)
{
	static const char ignored[] = {
		0x00, 0x07, 0x0f, 0x11, 0x12, 0x13, 0x14, 0x16, 0x18, 0x19,
		0x1a, 0x1c, 0x1d, 0x1e, 0x1f,
	};

	feed("caf\xc3\xa9 \xff\x80");
	CHECK_LINE("caf\xc3\xa9 \xff\x80", 8);
	feed(LEFT LEFT LEFT);
	raw_reset();
	feedn(ignored, sizeof(ignored));
	CHECK_EQ(raw_len, 0);
	CHECK_LINE("caf\xc3\xa9 \xff\x80", 5);
	CHECK_EQ(nev[MV_LE_LINE] + nev[MV_LE_CANCEL] + nev[MV_LE_EOF], 0);
}

static void test_backspace(void)
{
	feed("abcdef");
	feed(BS);
	CHECK_LINE("abcde", 5);
	feed("\b");
	CHECK_LINE("abcd", 4);
	feed(LEFT LEFT BS);
	CHECK_LINE("acd", 1);
	feed("\b");
	CHECK_LINE("cd", 0);
	raw_reset();
	feed(BS "\b");		/* at the start: nothing */
	CHECK_LINE("cd", 0);
	CHECK_EQ(raw_len, 0);
	feed(END BS BS BS);
	CHECK_LINE("", 0);
}

static void test_delete(void)
{
	feed("abcdef" HOME DEL);
	CHECK_LINE("bcdef", 0);
	feed(RIGHT RIGHT DEL);
	CHECK_LINE("bcef", 2);
	raw_reset();
	feed(END DEL);
	CHECK_LINE("bcef", 4);
	feed(LEFT DEL);
	CHECK_LINE("bce", 3);
	feed(HOME DEL DEL DEL DEL);
	CHECK_LINE("", 0);
}

static void test_left_right(void)
{
	static const char *const left[] = { LEFT, "\x1bOD", "\x02" };
	static const char *const right[] = { RIGHT, "\x1bOC", "\x06" };

	feed("abcd");
	for (size_t i = 0; i < MV_ARRAY_SIZE(left); i++) {
		feed(END);
		feed(left[i]);
		CHECK_LINE("abcd", 3);
		feed(left[i]);
		feed(left[i]);
		feed(left[i]);
		CHECK_LINE("abcd", 0);
		raw_reset();
		feed(left[i]);		/* at the start: nothing */
		CHECK_LINE("abcd", 0);
		CHECK_EQ(raw_len, 0);
	}
	for (size_t i = 0; i < MV_ARRAY_SIZE(right); i++) {
		feed(HOME);
		feed(right[i]);
		CHECK_LINE("abcd", 1);
		feed(right[i]);
		feed(right[i]);
		feed(right[i]);
		CHECK_LINE("abcd", 4);
		raw_reset();
		feed(right[i]);
		CHECK_LINE("abcd", 4);
		CHECK_EQ(raw_len, 0);
	}
}

static void test_home_end(void)
{
	static const char *const home[] = {
		"\x01", HOME, "\x1b[1~", "\x1b[7~", "\x1bOH",
	};
	static const char *const end[] = {
		"\x05", END, "\x1b[4~", "\x1b[8~", "\x1bOF",
	};
	char s[40];

	/* Long enough that moves use ESC [ n C / D. */
	for (int i = 0; i < 30; i++)
		s[i] = (char)('a' + i % 26);
	s[30] = '\0';
	feed(s);
	for (size_t i = 0; i < MV_ARRAY_SIZE(home); i++) {
		feed(LEFT LEFT);
		feed(home[i]);
		CHECK_LINE(s, 0);
		feed(end[i]);
		CHECK_LINE(s, 30);
		feed(home[i]);
		feed(RIGHT);
		feed(end[i]);
		CHECK_LINE(s, 30);
	}
	/* Ctrl/Alt/Shift-modified Home and End are still Home and End. */
	feed("\x1b[1;5H");
	CHECK_LINE(s, 0);
	feed("\x1b[1;2F");
	CHECK_LINE(s, 30);
}

static void test_kill(void)
{
	feed("hello world" HOME);
	for (int i = 0; i < 6; i++)
		feed(RIGHT);
	CHECK_LINE("hello world", 6);
	feed("\x15");			/* Ctrl-U */
	CHECK_LINE("world", 0);
	feed("\x15");
	CHECK_LINE("world", 0);
	feed(END "\x15");
	CHECK_LINE("", 0);

	feed("hello world" HOME RIGHT RIGHT RIGHT RIGHT RIGHT);
	feed("\x0b");			/* Ctrl-K */
	CHECK_LINE("hello", 5);
	feed("\x0b");
	CHECK_LINE("hello", 5);
	feed(HOME "\x0b");
	CHECK_LINE("", 0);

	/* Ctrl-W: spaces, then non-spaces before the cursor. */
	feed("foo  bar baz  ");
	feed("\x17");
	CHECK_LINE("foo  bar ", 9);
	feed("\x17");
	CHECK_LINE("foo  ", 5);
	feed("\x17");
	CHECK_LINE("", 0);
	feed("\x17");
	CHECK_LINE("", 0);
	feed("foo bar" LEFT LEFT "\x17");
	CHECK_LINE("foo ar", 4);
	feed("\x17");
	CHECK_LINE("ar", 0);
	feed(END "\x15" "  x" HOME RIGHT "\x17");
	CHECK_LINE(" x", 0);
	CHECK_EQ(scr.bells, 0);
}

static void test_word_moves(void)
{
	static const char *const wleft[] = {
		"\x1b" "b", "\x1b[1;5D", "\x1b[1;3D",
	};
	static const char *const wright[] = {
		"\x1b" "f", "\x1b[1;5C", "\x1b[1;3C",
	};

	feed("foo  bar baz");
	for (size_t i = 0; i < MV_ARRAY_SIZE(wleft); i++) {
		feed(END);
		feed(wleft[i]);
		CHECK_LINE("foo  bar baz", 9);
		feed(wleft[i]);
		CHECK_LINE("foo  bar baz", 5);
		feed(wleft[i]);
		feed(wleft[i]);
		CHECK_LINE("foo  bar baz", 0);
		feed(wright[i]);
		CHECK_LINE("foo  bar baz", 3);
		feed(wright[i]);
		CHECK_LINE("foo  bar baz", 8);
		feed(wright[i]);
		feed(wright[i]);
		CHECK_LINE("foo  bar baz", 12);
	}
	/* Shift-Left is a plain Left. */
	feed("\x1b[1;2D");
	CHECK_LINE("foo  bar baz", 11);
}

static void enter_lines(const char *const *lines, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		feed(lines[i]);
		CHECK_EQ(feed("\r"), MV_LE_LINE);
		CHECK_STR(mv_le_line(&le), lines[i]);
		start();
	}
}

static void test_enter(void)
{
	feed("hello" LEFT LEFT);
	raw_reset();
	CHECK_EQ(feed("\r"), MV_LE_LINE);
	CHECK_STR(raw, "\r\n");
	CHECK_STR(mv_le_line(&le), "hello");
	CHECK_STR(row_str(scr.prev), PROMPT "hello");
	/* The line stays readable until the next line starts. */
	CHECK_STR(mv_le_line(&le), "hello");
	start();
	CHECK_LINE("", 0);
	CHECK_EQ(feed("\r"), MV_LE_LINE);
	CHECK_STR(mv_le_line(&le), "");
}

static void test_crlf(void)
{
	/* CR LF, LF CR: one Enter each, even with a start in between. */
	CHECK_EQ(feed("a\r"), MV_LE_LINE);
	start();
	CHECK_EQ(feed("\n"), MV_LE_NONE);
	CHECK_EQ(feed("b\n"), MV_LE_LINE);
	start();
	CHECK_EQ(feed("\r"), MV_LE_NONE);
	CHECK_EQ(nev[MV_LE_LINE], 2);

	/* Without starting: the pair still ends one line. */
	CHECK_EQ(feed("c\r\nd\n\r"), MV_LE_LINE);
	CHECK_EQ(nev[MV_LE_LINE], 4);
	CHECK_STR(mv_le_line(&le), "d");
	CHECK_STR(row_str(scr.prev), PROMPT "d");

	/* Same byte twice: two Enters. */
	start();
	feed("y\r\r");
	CHECK_EQ(nev[MV_LE_LINE], 6);
	start();
	feed("y\n\n");
	CHECK_EQ(nev[MV_LE_LINE], 8);
	/* CR LF CR LF: two; LF CR LF: two. */
	start();
	feed("y\r\n\r\n");
	CHECK_EQ(nev[MV_LE_LINE], 10);
	start();
	feed("y\n\r\n");
	CHECK_EQ(nev[MV_LE_LINE], 12);
	/* The pair outlives the start: "\n" then start then "\r". */
	start();
	CHECK_EQ(feed("\r"), MV_LE_NONE);
	CHECK_EQ(nev[MV_LE_LINE], 12);
	/* Anything between CR and LF breaks the pair. */
	start();
	feed("\rx\n");
	CHECK_EQ(nev[MV_LE_LINE], 14);
	CHECK_STR(mv_le_line(&le), "x");
	/* Keypad Enter (application mode). */
	start();
	CHECK_EQ(feed("k\x1bOM"), MV_LE_LINE);
	CHECK_STR(mv_le_line(&le), "k");
}

static void test_history(void)
{
	static const char *const lines[] = {
		"one", "two", "   ", "two", "", "three",
	};

	enter_lines(lines, MV_ARRAY_SIZE(lines));
	CHECK_EQ(le.hist_nr, 3);	/* blank and repeated lines not kept */

	feed("dr");
	feed(UP);
	CHECK_LINE("three", 5);
	feed("\x1bOA");
	CHECK_LINE("two", 3);
	feed("\x10");			/* Ctrl-P */
	CHECK_LINE("one", 3);
	raw_reset();
	feed(UP);			/* oldest: stays */
	CHECK_LINE("one", 3);
	CHECK_EQ(raw_len, 0);
	feed(DOWN);
	CHECK_LINE("two", 3);
	feed("\x1bOB");
	CHECK_LINE("three", 5);
	feed("\x0e");			/* Ctrl-N: back to the draft */
	CHECK_LINE("dr", 2);
	feed(DOWN);
	CHECK_LINE("dr", 2);

	/* An edited entry is entered as a new line. */
	feed(UP "!");
	CHECK_LINE("three!", 6);
	CHECK_EQ(feed("\r"), MV_LE_LINE);
	CHECK_STR(mv_le_line(&le), "three!");
	start();
	feed(UP);
	CHECK_LINE("three!", 6);
	feed(UP);
	CHECK_LINE("three", 5);
	/* Entering a recalled line that is the newest adds nothing. */
	feed(DOWN);
	CHECK_EQ(feed("\r"), MV_LE_LINE);
	CHECK_EQ(le.hist_nr, 4);
	start();
	/* Browse from a cursor in the middle; Down restores it whole. */
	feed("abc" LEFT UP DOWN);
	CHECK_LINE("abc", 3);
	/* Ctrl-C and Ctrl-D don't add to history. */
	feed("\x03");
	start();
	feed(UP);
	CHECK_LINE("three!", 6);
}

static void test_history_ring(void)
{
	char s[32];

	for (int i = 0; i < 40; i++) {
		snprintf(s, sizeof(s), "line %d", i);
		feed(s);
		CHECK_EQ(feed("\r\n"), MV_LE_LINE);
		start();
	}
	CHECK_EQ(le.hist_nr, MV_LE_HISTORY);
	for (int i = 39; i >= 40 - MV_LE_HISTORY; i--) {
		feed(UP);
		snprintf(s, sizeof(s), "line %d", i);
		CHECK_LINE(s, strlen(s));
	}
	feed(UP UP);
	CHECK_LINE("line 8", 6);
	for (int i = 0; i < MV_LE_HISTORY; i++)
		feed(DOWN);
	CHECK_LINE("", 0);
}

static void test_ctrl_c(void)
{
	feed("abc" LEFT);
	raw_reset();
	CHECK_EQ(feed("\x03"), MV_LE_CANCEL);
	CHECK_STR(raw, "^C\r\n");
	CHECK_STR(mv_le_line(&le), "");
	CHECK_STR(row_str(scr.prev), PROMPT "ab^C");
	start();
	feed(UP);
	CHECK_LINE("", 0);
	CHECK_EQ(le.hist_nr, 0);
}

static void test_ctrl_d(void)
{
	feed("abc" HOME "\x04");
	CHECK_LINE("bc", 0);
	feed(END "\x04");
	CHECK_LINE("bc", 2);
	CHECK_EQ(nev[MV_LE_EOF], 0);
	feed(HOME "\x04\x04");
	CHECK_LINE("", 0);
	raw_reset();
	CHECK_EQ(feed("\x04"), MV_LE_EOF);
	CHECK_STR(raw, "\r\n");
	start();
	CHECK_EQ(feed("\x04"), MV_LE_EOF);
}

static void test_ctrl_l(void)
{
	feed("some text" LEFT LEFT LEFT);
	raw_reset();
	feed("\x0c");
	CHECK(!strncmp(raw, "\x1b[H\x1b[2J\r" PROMPT "some text",
		       strlen("\x1b[H\x1b[2J\r" PROMPT "some text")));
	CHECK_LINE("some text", 6);
	CHECK_STR(row_str(scr.prev), "");
	feed("X");
	CHECK_LINE("some tXext", 7);
}

static void test_redraw_clear(void)
{
	feed("status" LEFT LEFT);
	/* A message printed over the prompt's row, then a redraw. */
	other_output("\r\nguest0: started\r\n");
	mv_le_redraw(&le);
	CHECK_SCREEN();
	CHECK_LINE("status", 4);
	/* A message printed where the prompt was. */
	other_output("\r\nlong long long long message, no newline");
	mv_le_redraw(&le);
	CHECK_SCREEN();
	/* Clear, print, redraw. */
	mv_le_clear(&le);
	CHECK_EQ(scr.col, 0);
	CHECK_STR(row_str(scr.row), "");
	other_output("log line\r\n");
	CHECK_STR(row_str(scr.prev), "log line");
	mv_le_redraw(&le);
	CHECK_SCREEN();
	feed("!");
	CHECK_LINE("stat!us", 5);
}

static void test_set_prompt(void)
{
	feed("x\r");
	mv_le_set_prompt(&le, "guest0 $ ");
	start();
	CHECK_STR(row_str(scr.row), "guest0 $ ");
	feed("ls" HOME);
	mv_le_set_prompt(&le, "");
	mv_le_redraw(&le);
	CHECK_SCREEN();
	CHECK_EQ(scr.col, 0);
}

static void test_overflow(void)
{
	char s[300];

	memset(s, 'x', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	feed(s);
	CHECK_EQ(le.len, MV_LE_LINE_MAX - 1);
	CHECK_EQ(scr.bells, sizeof(s) - 1 - (MV_LE_LINE_MAX - 1));
	/* Full in the middle too. */
	feed(HOME "y");
	CHECK_EQ(le.pos, 0);
	CHECK(mv_le_line(&le)[0] == 'x');
	feed(DEL "y");
	CHECK_EQ(le.pos, 1);
	CHECK_EQ(le.len, MV_LE_LINE_MAX - 1);
	CHECK(mv_le_line(&le)[0] == 'y');
	CHECK(!strncmp(mv_le_line(&le) + 1, s, MV_LE_LINE_MAX - 2));
	/* A full line is entered as is and recalled as is. */
	CHECK_EQ(feed("\r"), MV_LE_LINE);
	CHECK_EQ(strlen(mv_le_line(&le)), MV_LE_LINE_MAX - 1);
	start();
	feed(UP);
	CHECK_EQ(le.len, MV_LE_LINE_MAX - 1);
	CHECK_SCREEN();
}

static void test_escape_garbage(void)
{
	static const char *const junk[] = {
		"\x1b[?1;2c", "\x1b[99999999999999999999Z", "\x1b[200~",
		"\x1b[201~", "\x1bx", "\x1b ", "\x1b[1;5;9;9X",
		"\x1b[>0;95;0c", "\x1bOz", "\x1b[ q", "\x1b[2~", "\x1b[5~",
		"\x1b[6~", "\x1b[Z", "\x1b[E", "\x1b[M", "\x1bOP",
		"\x1b[15~", "\x1b[24;80R", "\x1b\x1b[Q", "\x1b[1;5:3D",
		"\x1b[?25h", "\x1bO~", "\x1b[0~", "\x1b[9999~",
		"\x1b[3$~", "\x1b[65539~", "\x1b[65537~",
	};
	char big[4000];
	size_t n = 0;

	feed("hello" HOME RIGHT RIGHT);
	raw_reset();
	for (size_t i = 0; i < MV_ARRAY_SIZE(junk); i++) {
		feed(junk[i]);
		CHECK_LINE("hello", 2);
	}
	CHECK_EQ(raw_len, 0);

	/* Endless parameters: bounded state, then the final byte. */
	big[n++] = 0x1b;
	big[n++] = '[';
	for (; n < sizeof(big) - 2; n++)
		big[n] = n % 7 ? (char)('0' + n % 10) : ';';
	big[n++] = 'Z';
	feedn(big, n);
	CHECK_LINE("hello", 2);

	/* A control byte cuts a sequence short and does its job. */
	feed("\x1b[1\x01");
	CHECK_LINE("hello", 0);
	feed("\x1b\x05");
	CHECK_LINE("hello", 5);
	feed("\x1bO" BS);
	CHECK_LINE("hell", 4);
	/* ESC restarts a sequence. */
	feed("\x1b[1" LEFT);
	CHECK_LINE("hell", 3);
	feed("\x1bO\x1bOD");
	CHECK_LINE("hell", 2);
	feed("\x1b\x1b[C");
	CHECK_LINE("hell", 3);
	/* A high byte ends the sequence and is typed. */
	feed("\x1b[\xc3");
	CHECK_LINE("hel\xc3l", 4);
	/* Enter still works after a lone ESC or an unfinished sequence. */
	CHECK_EQ(feed("\x1b[12\r"), MV_LE_LINE);
	CHECK_STR(mv_le_line(&le), "hel\xc3l");
	start();
	CHECK_EQ(feed("\x1b\r"), MV_LE_LINE);
	CHECK_EQ(scr.bells, 0);
}

static void test_restart_open_line(void)
{
	feed("abandoned" LEFT);
	start();
	CHECK_LINE("", 0);
	CHECK_STR(row_str(scr.row), PROMPT);
	feed(UP);
	CHECK_LINE("", 0);
}

static void test_complete_single(void)
{
	SET_CANDS("help", "halt", "show");
	feed("sh");
	raw_reset();
	feed(TAB);
	CHECK_EQ(ncalls, 1);
	CHECK(!got_bad_args);
	CHECK_EQ(got_nwords, 0);
	CHECK_STR(got_prefix, "sh");
	CHECK_LINE("show ", 5);
	CHECK_STR(raw, "ow ");

	/* Next word: words before, empty prefix, nothing matches twice. */
	SET_CANDS("guest0", "guest1");
	feed(TAB);
	CHECK_EQ(got_nwords, 1);
	CHECK_STR(got_words[0], "show");
	CHECK_STR(got_prefix, "");
	CHECK_LINE("show guest", 10);
	feed("1" TAB);
	CHECK_LINE("show guest1 ", 12);

	/* The word typed in full: just the space. */
	feed(HOME "\x0b" "halt");
	SET_CANDS("halt");
	feed(TAB);
	CHECK_LINE("halt ", 5);
}

static void test_complete_common(void)
{
	SET_CANDS("guest-stop", "guest-start", "guest-list", "help");
	feed("g");
	feed(TAB);
	CHECK_LINE("guest-", 6);
	CHECK_EQ(scr.bells, 0);
	/* Nothing more to insert: list, sorted, then the prompt again. */
	raw_reset();
	feed(TAB);
	CHECK_STR(row_str(scr.prev), "guest-list  guest-start  guest-stop");
	CHECK_LINE("guest-", 6);
	CHECK(!strncmp(raw, "\r\nguest-list  guest-start  guest-stop\r\n",
		       39));
	feed("st" TAB);
	CHECK_LINE("guest-st", 8);
	feed(TAB);
	CHECK_STR(row_str(scr.prev), "guest-start  guest-stop");
	feed("o" TAB);
	CHECK_LINE("guest-stop ", 11);

	/* A candidate that is a prefix of another. */
	SET_CANDS("module", "modules");
	feed("\x15" "m" TAB);
	CHECK_LINE("module", 6);
	feed(TAB);
	CHECK_STR(row_str(scr.prev), "module  modules");
	CHECK_LINE("module", 6);
}

static void test_complete_none(void)
{
	SET_CANDS("help");
	feed("x");
	raw_reset();
	feed(TAB);
	CHECK_EQ(scr.bells, 1);
	CHECK_STR(raw, "\a");
	CHECK_LINE("x", 1);
	/* No candidates at all. */
	cands = NULL;
	ncands = 0;
	feed(TAB);
	CHECK_EQ(scr.bells, 2);
	/* Empty, NULL and over-long candidates don't count. */
	{
		static char longc[MV_LE_LINE_MAX + 10];

		memset(longc, 'x', sizeof(longc) - 1);
		SET_CANDS("", NULL, longc);
		feed(TAB);
		CHECK_EQ(scr.bells, 3);
	}
	/* No callback: bell. */
	mv_le_init(&le, PROMPT, term_write, NULL, CTX);
	memset(&scr, 0, sizeof(scr));
	start();
	feed("he" TAB);
	CHECK_EQ(scr.bells, 1);
	CHECK_LINE("he", 2);
	CHECK_EQ(ncalls, 3);
}

static void test_complete_filter_dedupe(void)
{
	SET_CANDS("show", "help", "show", "shutdown", "show", "shell");
	feed("sho" TAB);
	CHECK_LINE("show ", 5);
	feed("\x15" "sh" TAB);
	CHECK_LINE("sh", 2);
	CHECK_STR(row_str(scr.prev), "shell  show  shutdown");
	/* Empty prefix: everything, once. */
	feed("\x15" TAB);
	CHECK_STR(row_str(scr.prev), "help  shell  show  shutdown");
	CHECK_LINE("", 0);
}

static void test_complete_words(void)
{
	SET_CANDS("gx");
	feed("  guest   start g" TAB);
	CHECK_EQ(got_nwords, 2);
	CHECK_STR(got_words[0], "guest");
	CHECK_STR(got_words[1], "start");
	CHECK_STR(got_prefix, "g");
	CHECK_LINE("  guest   start gx ", 19);

	/* Cursor mid-word: only what is before it counts. */
	feed("\x15" "guest sta foo" HOME);
	for (int i = 0; i < 9; i++)
		feed(RIGHT);
	SET_CANDS("start", "stop");
	feed(TAB);
	CHECK_EQ(got_nwords, 1);
	CHECK_STR(got_words[0], "guest");
	CHECK_STR(got_prefix, "sta");
	/* A space already follows: step over it instead of adding one. */
	CHECK_LINE("guest start foo", 12);

	/* Mid-word with text glued after the cursor. */
	feed(END "\x15" "ab" HOME RIGHT);
	SET_CANDS("abc");
	feed(TAB);
	CHECK_STR(got_prefix, "a");
	CHECK_LINE("abc b", 4);

	/* Many words. */
	feed(END "\x15");
	for (int i = 0; i < 100; i++)
		feed("w ");
	feed(TAB);
	CHECK_EQ(got_nwords, 100);
	CHECK(!got_bad_args);
	CHECK_STR(got_words[99], "w");
}

static void test_complete_many(void)
{
	static char names[100][8];
	static const char *ptrs[100];
	const char *row;

	for (int i = 0; i < 100; i++) {
		snprintf(names[i], sizeof(names[i]), "c%03d", 99 - i);
		ptrs[i] = names[i];
	}
	cands = ptrs;
	ncands = 100;
	feed("c" TAB);
	CHECK_LINE("c0", 2);
	feed(TAB);
	row = row_str(scr.prev);
	/* Listed: the first MV_LE_COMPL_MAX kept, sorted, then "...". */
	CHECK(!strncmp(row, "c036  c037  c038", 16));
	CHECK_EQ(strlen(row), MV_LE_COMPL_MAX * 6 - 2 + 5);
	CHECK(!strcmp(row + strlen(row) - 5, "  ..."));
	CHECK_LINE("c0", 2);

	/* The text pool fills up before the count does. */
	{
		static char longn[40][120];
		static const char *lp[40];

		for (int i = 0; i < 40; i++) {
			memset(longn[i], 'L', 100);
			longn[i][100] = (char)('0' + i / 10);
			longn[i][101] = (char)('0' + i % 10);
			lp[i] = longn[i];
		}
		cands = lp;
		ncands = 40;
		feed("\x15" "L" TAB);
		CHECK_EQ(le.len, 100);
		feed(TAB);
		row = row_str(scr.prev);
		CHECK(!strcmp(row + strlen(row) - 5, "  ..."));
		/* 103 bytes each with the NUL: 19 fit. */
		CHECK_EQ(strlen(row), (MV_LE_COMPL_POOL / 103) * 104 - 2 + 5);
	}
	/* Many duplicates of one: still a single completion. */
	for (int i = 0; i < 100; i++)
		ptrs[i] = "same";
	cands = ptrs;
	feed("\x15" "s" TAB);
	CHECK_LINE("same ", 5);
}

static void test_complete_overflow(void)
{
	char s[MV_LE_LINE_MAX];

	memset(s, 'a', MV_LE_LINE_MAX - 5);
	s[MV_LE_LINE_MAX - 5] = '\0';
	feed(s);
	feed(" he");			/* 254 bytes */
	SET_CANDS("help");
	feed(TAB);			/* "lp " does not fit */
	CHECK_EQ(scr.bells, 1);
	CHECK_EQ(le.len, MV_LE_LINE_MAX - 2);
	SET_CANDS("hexa", "hexb");
	feed(TAB);			/* "x" fits */
	CHECK_EQ(le.len, MV_LE_LINE_MAX - 1);
	CHECK_EQ(scr.bells, 1);
	SET_CANDS("hexxxa", "hexxxb");
	feed(BS TAB);			/* "xxx" does not */
	CHECK_EQ(scr.bells, 2);
	CHECK_EQ(le.len, MV_LE_LINE_MAX - 2);
}

/* ---- random sequences ---- */

static const char *const rkeys[] = {
	BS, "\b", DEL, LEFT, "\x1bOD", "\x02", RIGHT, "\x1bOC", "\x06",
	"\x01", "\x05", HOME, END, "\x1b[1~", "\x1b[4~", "\x1b[7~",
	"\x1b[8~", "\x1bOH", "\x1bOF", "\x15", "\x0b", "\x17", UP, DOWN,
	"\x1bOA", "\x1bOB", "\x10", "\x0e", "\r", "\n", "\r\n", "\n\r",
	"\x03", "\x04", "\x0c", TAB, TAB, TAB, "\x1b" "b", "\x1b" "f",
	"\x1b[1;5D", "\x1b[1;5C", "\x1b[1;3D", "\x1b[?1;2c", "\x1b[200~",
	"\x1b", "\x1b[", "\x1bO", "\x1b[12", "\x1b[1;", "\x1bx", "\x1b[Z",
	"\x1b[24;80R", " ", "  ", "h", "g", "s", "gu", "guest ", "mod",
	"\xc3\xa9", "\x1bOM",
};

static void random_complete(void *ctx, int nwords, char **words,
			    const char *prefix, mv_le_add_fn add, void *cctx)
{
	static const char *const words0[] = {
		"help", "halt", "history", "show", "shutdown", "guest",
		"guest-start", "guest-stop", "module", "modules", "x",
		"help", "s",
	};
	static const char *const words1[] = {
		"guest0", "guest1", "guest10", "start", "stop", "status",
	};

	(void)ctx;
	(void)prefix;
	if (words[nwords] || nwords < 0)
		got_bad_args = true;
	ncalls++;
	add(cctx, NULL);
	if (nwords == 0) {
		for (size_t i = 0; i < MV_ARRAY_SIZE(words0); i++)
			add(cctx, words0[i]);
	} else if (nwords < 3) {
		for (size_t i = 0; i < MV_ARRAY_SIZE(words1); i++)
			add(cctx, words1[i]);
	}
}

static void random_key(char *k, size_t *n)
{
	uint64_t r = mv_test_rand_below(100);

	*n = 0;
	if (r < 45) {
		k[(*n)++] = (char)(0x20 + mv_test_rand_below(0x5f));
	} else if (r < 88) {
		const char *s = rkeys[mv_test_rand_below(MV_ARRAY_SIZE(rkeys))];

		*n = strlen(s);
		memcpy(k, s, *n);
	} else if (r < 97) {
		k[(*n)++] = (char)mv_test_rand_below(256);
	} else {
		/* A burst, to reach a full line now and then. */
		size_t len = 20 + mv_test_rand_below(200);

		for (size_t i = 0; i < len; i++)
			k[(*n)++] = mv_test_rand_below(5) ?
				    (char)('a' + mv_test_rand_below(3)) : ' ';
	}
}

static void test_random(void)
{
	unsigned long keys = 0, full = 0, lists = 0;
	char k[256];
	size_t n;

	mv_test_rng = seed;
	for (unsigned int seq = 0; seq < 5000; seq++) {
		size_t nkeys = 1 + mv_test_rand_below(80);

		if (seq % 500 == 0) {
			/* Fresh editor now and then; history kept otherwise. */
			memset(&scr, 0, sizeof(scr));
			mv_le_init(&le, seq % 1000 ? "" : PROMPT, term_write,
				   random_complete, CTX);
			start();
		}
		for (size_t i = 0; i < nkeys; i++) {
			unsigned int rows = scr.rows;

			random_key(k, &n);
			if (feedn(k, n) != MV_LE_NONE &&
			    mv_test_rand_below(2)) {
				start();
			}
			keys++;
			if (le.len == MV_LE_LINE_MAX - 1)
				full++;
			if (!le.done && scr.rows > rows + 1)
				lists++;
			switch (mv_test_rand_below(60)) {
			case 0:
				mv_le_redraw(&le);
				CHECK_SCREEN();
				break;
			case 1:
				mv_le_clear(&le);
				other_output("log: something\r\n");
				mv_le_redraw(&le);
				CHECK_SCREEN();
				break;
			}
		}
		/* Scroll raw back so it doesn't fill. */
		raw_reset();
	}
	CHECK(!got_bad_args);
	/* The mix really reached the corners. */
	CHECK_GE(nev[MV_LE_LINE], 1000);
	CHECK_GE(nev[MV_LE_CANCEL], 100);
	CHECK_GE(nev[MV_LE_EOF], 100);
	CHECK_GE(full, 100);
	CHECK_GE(lists, 100);
	CHECK_GE(ncalls, 1000);
	CHECK_GE(le.hist_nr, MV_LE_HISTORY / 2);
	fprintf(stderr, "random: %lu keys, %u lines, %lu at full length, "
		"%lu listings\n", keys, nev[MV_LE_LINE], full, lists);
}

/* Pure byte noise: anything goes, the screen must still agree. */
static void test_random_bytes(void)
{
	mv_test_rng = seed ^ 0x5a5a5a5a;
	SET_CANDS("alpha", "alps", "beta", "b");
	for (unsigned int i = 0; i < 200000; i++) {
		char c = (char)mv_test_rand_below(256);

		/* Fewer Enters and Ctrl-C so lines get long. */
		if ((c == '\r' || c == '\n' || c == 3 || c == 4) &&
		    mv_test_rand_below(8))
			c = 'z';
		if (feed_byte(c) != MV_LE_NONE && (i & 1))
			start();
		if (raw_len > sizeof(raw) / 2)
			raw_reset();
	}
	CHECK(!got_bad_args);
}

int main(void)
{
	unsigned int failed;

	mv_test_init();
	seed = mv_test_rng;
	RUN_TEST(test_init_start, setup);
	RUN_TEST(test_insert, setup);
	RUN_TEST(test_high_bytes_and_controls, setup);
	RUN_TEST(test_backspace, setup);
	RUN_TEST(test_delete, setup);
	RUN_TEST(test_left_right, setup);
	RUN_TEST(test_home_end, setup);
	RUN_TEST(test_kill, setup);
	RUN_TEST(test_word_moves, setup);
	RUN_TEST(test_enter, setup);
	RUN_TEST(test_crlf, setup);
	RUN_TEST(test_history, setup);
	RUN_TEST(test_history_ring, setup);
	RUN_TEST(test_ctrl_c, setup);
	RUN_TEST(test_ctrl_d, setup);
	RUN_TEST(test_ctrl_l, setup);
	RUN_TEST(test_redraw_clear, setup);
	RUN_TEST(test_set_prompt, setup);
	RUN_TEST(test_overflow, setup);
	RUN_TEST(test_escape_garbage, setup);
	RUN_TEST(test_restart_open_line, setup);
	RUN_TEST(test_complete_single, setup);
	RUN_TEST(test_complete_common, setup);
	RUN_TEST(test_complete_none, setup);
	RUN_TEST(test_complete_filter_dedupe, setup);
	RUN_TEST(test_complete_words, setup);
	RUN_TEST(test_complete_many, setup);
	RUN_TEST(test_complete_overflow, setup);
	failed = mv_test_failed;
	RUN_TEST(test_random, setup);
	RUN_TEST(test_random_bytes, setup);
	if (mv_test_failed != failed)
		fprintf(stderr, "random test failed, seed %" PRIu64
			" (replay: MV_TEST_SEED=%" PRIu64 ")\n", seed, seed);
	return mv_test_summary();
}
