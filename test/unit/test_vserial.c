// SPDX-License-Identifier: GPL-2.0
/*
 * vserial core: modules/vio/vserial/vserial_core.c. The output ring
 * (tails, wrap-around, and a lock-free reader racing a writer thread: a
 * reader may get less, never wrong bytes), line assembly for the log, and
 * the bound terminal's Ctrl-] escape.
 */
#include "../../modules/vio/vserial/vserial_core.h"

#include "mv_test.h"

#include <pthread.h>
#include <time.h>

static struct vs_ring ring;
static char out[2 * VS_RING_SIZE];

static void setup(void)
{
	memset(&ring, 0, sizeof(ring));
}

/* The byte at stream position pos in the patterned tests. */
static char pattern(uint64_t pos)
{
	return (char)(pos % 251);
}

static void write_pattern(uint64_t *pos, size_t n)
{
	static char buf[3 * VS_RING_SIZE];

	for (size_t i = 0; i < n; i++)
		buf[i] = pattern(*pos + i);
	vs_ring_write(&ring, buf, n);
	*pos += n;
}

static void test_ring_empty(void)
{
	uint64_t start = 99;

	CHECK_EQ(vs_ring_read_tail(&ring, out, 100, &start), 0);
	CHECK_EQ(start, 0);
	CHECK_EQ(vs_ring_written(&ring), 0);
	vs_ring_write(&ring, "", 0);
	CHECK_EQ(vs_ring_read_tail(&ring, out, 100, NULL), 0);
}

static void test_ring_tail(void)
{
	uint64_t start;
	size_t n;

	vs_ring_write(&ring, "hello ", 6);
	vs_ring_write(&ring, "world\r\n", 7);
	CHECK_EQ(vs_ring_written(&ring), 13);
	n = vs_ring_read_tail(&ring, out, sizeof(out), &start);
	CHECK_EQ(n, 13);
	CHECK_EQ(start, 0);
	CHECK(!memcmp(out, "hello world\r\n", 13));
	n = vs_ring_read_tail(&ring, out, 7, &start);
	CHECK_EQ(n, 7);
	CHECK_EQ(start, 6);
	CHECK(!memcmp(out, "world\r\n", 7));
	CHECK_EQ(vs_ring_read_tail(&ring, out, 0, &start), 0);
	CHECK_EQ(start, 13);
}

static void test_ring_wrap(void)
{
	uint64_t pos = 0, start;
	size_t n;

	/* Many writes of odd sizes across the end of the storage. */
	for (int i = 0; i < 5000; i++) {
		write_pattern(&pos, 1 + mv_test_rand_below(97));
		n = vs_ring_read_tail(&ring, out, 1 + mv_test_rand_below(
					      VS_RING_SIZE + 50), &start);
		CHECK_EQ(start + n, pos);
		for (size_t k = 0; k < n; k++)
			CHECK_EQ(out[k], pattern(start + k));
	}
	CHECK_EQ(vs_ring_written(&ring), pos);
	/* Everything the ring keeps: exactly its size. */
	n = vs_ring_read_tail(&ring, out, sizeof(out), &start);
	CHECK_EQ(n, VS_RING_SIZE);
	CHECK_EQ(start, pos - VS_RING_SIZE);
	/* One write bigger than the ring keeps its newest bytes. */
	write_pattern(&pos, 2 * VS_RING_SIZE + 123);
	n = vs_ring_read_tail(&ring, out, sizeof(out), &start);
	CHECK_EQ(n, VS_RING_SIZE);
	CHECK_EQ(start, pos - VS_RING_SIZE);
	for (size_t k = 0; k < n; k++)
		CHECK_EQ(out[k], pattern(start + k));
}

static volatile int writer_stop;

static void *writer_thread(void *arg)
{
	uint64_t pos = 0, seed = 12345;

	(void)arg;
	while (!writer_stop) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		write_pattern(&pos, 1 + (seed >> 33) % 3000);
	}
	return NULL;
}

static void test_ring_concurrent_reader(void)
{
	static char got[VS_RING_SIZE];
	pthread_t t;
	uint64_t start, reads = 0, bytes = 0;

	writer_stop = 0;
	CHECK_EQ(pthread_create(&t, NULL, writer_thread, NULL), 0);
	/*
	 * Enough reads, over enough laps of the writer around the ring, and
	 * some that got data (on a busy host every read may meet the writer
	 * for a while: a read that does returns nothing, by design).
	 */
	time_t give_up = time(NULL) + 10;

	for (int i = 0; i < 20000 || vs_ring_written(&ring) < 64 * VS_RING_SIZE ||
			(!bytes && time(NULL) < give_up);
	     i++) {
		size_t max = 1 + mv_test_rand_below(VS_RING_SIZE);
		size_t n = vs_ring_read_tail(&ring, got, max, &start);

		CHECK_LE(n, max);
		for (size_t k = 0; k < n; k++) {
			if (got[k] != pattern(start + k)) {
				writer_stop = 1;
				pthread_join(t, NULL);
				CHECK_EQ(got[k], pattern(start + k));
			}
		}
		reads++;
		bytes += n;
	}
	writer_stop = 1;
	pthread_join(t, NULL);
	fprintf(stderr, "  %lu reads, %lu bytes checked, %lu written\n",
		(unsigned long)reads, (unsigned long)bytes,
		(unsigned long)vs_ring_written(&ring));
	CHECK(bytes > 0);
}

/* ---- lines ---- */

static struct vs_line line;
static char lines[64][VS_LINE_MAX + 1];
static unsigned int nlines;

static void feed(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (vs_line_feed(&line, s[i])) {
			CHECK_LT(nlines, 64);
			CHECK_EQ(strlen(line.buf), line.len);
			CHECK_LE(line.len, VS_LINE_MAX);
			memcpy(lines[nlines++], line.buf, line.len + 1);
		}
	}
}

static void feeds(const char *s)
{
	feed(s, strlen(s));
}

static void line_setup(void)
{
	memset(&line, 0x5a, sizeof(line));
	vs_line_reset(&line);
	nlines = 0;
}

static void test_line_basic(void)
{
	feeds("Booting Linux\r\n");
	CHECK_EQ(nlines, 1);
	CHECK(!strcmp(lines[0], "Booting Linux"));
	feeds("no newline yet");
	CHECK_EQ(nlines, 1);
	feeds(" ... done\nnext\n\n");
	CHECK_EQ(nlines, 4);
	CHECK(!strcmp(lines[1], "no newline yet ... done"));
	CHECK(!strcmp(lines[2], "next"));
	CHECK(!strcmp(lines[3], ""));
	/* Bare \r in the middle (a progress line) is dropped too. */
	feeds("50%\r100%\r\n");
	CHECK(!strcmp(lines[4], "50%100%"));
}

static void test_line_long(void)
{
	char text[VS_LINE_MAX * 3];

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + i % 26);
	/* Exactly the limit, then its newline: one line, no empty one. */
	feed(text, VS_LINE_MAX);
	CHECK_EQ(nlines, 1);
	CHECK_EQ(strlen(lines[0]), VS_LINE_MAX);
	CHECK(!memcmp(lines[0], text, VS_LINE_MAX));
	feeds("\r\n");
	CHECK_EQ(nlines, 1);
	feeds("after\n");
	CHECK_EQ(nlines, 2);
	CHECK(!strcmp(lines[1], "after"));
	/* 2.5 times the limit: two full pieces and the rest. */
	feed(text, VS_LINE_MAX * 5 / 2);
	CHECK_EQ(nlines, 4);
	feeds("\n");
	CHECK_EQ(nlines, 5);
	CHECK(!memcmp(lines[2], text, VS_LINE_MAX));
	CHECK(!memcmp(lines[3], text + VS_LINE_MAX, VS_LINE_MAX));
	CHECK_EQ(strlen(lines[4]), VS_LINE_MAX / 2);
	CHECK(!memcmp(lines[4], text + 2 * VS_LINE_MAX, VS_LINE_MAX / 2));
	/* After a split, an empty line still counts once text came. */
	feed(text, VS_LINE_MAX);
	feeds("x\n\n");
	CHECK_EQ(nlines, 8);
	CHECK(!strcmp(lines[6], "x"));
	CHECK(!strcmp(lines[7], ""));
}

static void test_line_controls(void)
{
	/* systemd's colours, a title sequence, a bell, backspaces. */
	feeds("[\x1b[0;32m  OK  \x1b[0m] Started\x07 x\bY\n");
	feeds("\x1b]0;root@guest: ~\x07root@guest:~# ls\n");
	feeds("\x1b]2;title\x1b\\tab\there\n");
	feeds("\x1b" "7saved\x1b" "8\n");
	feeds("del\x7f\x01\x02ok\n");
	feeds("\b\b\bstart\n");
	CHECK_EQ(nlines, 6);
	CHECK(!strcmp(lines[0], "[  OK  ] Started Y"));
	CHECK(!strcmp(lines[1], "root@guest:~# ls"));
	CHECK(!strcmp(lines[2], "tab\there"));
	CHECK(!strcmp(lines[3], "saved"));
	CHECK(!strcmp(lines[4], "delok"));
	CHECK(!strcmp(lines[5], "start"));
	/* A sequence cut by a newline does not swallow the next line. */
	feeds("bad \x1b[12\nnext\n");
	feeds("bad \x1b]title\nnext2\n");
	CHECK_EQ(nlines, 10);
	CHECK(!strcmp(lines[6], "bad "));
	CHECK(!strcmp(lines[7], "next"));
	CHECK(!strcmp(lines[8], "bad "));
	CHECK(!strcmp(lines[9], "next2"));
	/* UTF-8 passes. */
	feeds("caf\xc3\xa9\n");
	CHECK(!strcmp(lines[10], "caf\xc3\xa9"));
}

static void test_line_reset(void)
{
	feeds("partial");
	vs_line_reset(&line);
	feeds("whole\n");
	CHECK_EQ(nlines, 1);
	CHECK(!strcmp(lines[0], "whole"));
	feeds("\x1b[");
	vs_line_reset(&line);
	feeds("1m\n");
	CHECK(!strcmp(lines[1], "1m"));
}

/* Random bytes: lines are bounded, NUL-terminated, printable. */
static void test_line_random(void)
{
	for (int i = 0; i < 300000; i++) {
		char c = (char)mv_test_rand_below(256);

		if (mv_test_rand_below(4) == 0)
			c = "\n\r\x1b[]\b\x07"[mv_test_rand_below(7)];
		if (vs_line_feed(&line, c)) {
			CHECK_LE(line.len, VS_LINE_MAX);
			CHECK_EQ(strlen(line.buf), line.len);
			for (size_t k = 0; k < line.len; k++) {
				unsigned char b = (unsigned char)line.buf[k];

				CHECK(b == '\t' || (b >= 0x20 && b != 0x7f));
			}
		}
	}
}

/* ---- escape ---- */

static struct vs_escape esc;
static char sent[64];
static size_t nsent;

static int type(char c)
{
	char o[2] = { 0, 0 };
	int n = vs_escape_feed(&esc, c, o);

	CHECK(n == VS_DETACH || (n >= 0 && n <= 2));
	for (int i = 0; i < n; i++)
		sent[nsent++] = o[i];
	return n;
}

static void esc_setup(void)
{
	memset(&esc, 0, sizeof(esc));
	nsent = 0;
}

static void test_escape(void)
{
	CHECK_EQ(type('l'), 1);
	CHECK_EQ(type('s'), 1);
	CHECK_EQ(type('q'), 1);			/* q alone is just q */
	CHECK_EQ(type('\r'), 1);
	CHECK_EQ(type(0x03), 1);		/* Ctrl-C goes to the guest */
	CHECK_EQ(nsent, 5);
	CHECK(!memcmp(sent, "lsq\r\x03", 5));
	/* Ctrl-] Ctrl-]: one Ctrl-] for the guest. */
	CHECK_EQ(type(VS_ESCAPE_CHAR), 0);
	CHECK_EQ(type(VS_ESCAPE_CHAR), 1);
	CHECK_EQ(sent[nsent - 1], VS_ESCAPE_CHAR);
	/* Ctrl-] x: both. */
	CHECK_EQ(type(VS_ESCAPE_CHAR), 0);
	CHECK_EQ(type('x'), 2);
	CHECK_EQ(sent[nsent - 2], VS_ESCAPE_CHAR);
	CHECK_EQ(sent[nsent - 1], 'x');
	CHECK_EQ(type('y'), 1);			/* disarmed again */
	/* Ctrl-] Q (capital) is not the escape. */
	CHECK_EQ(type(VS_ESCAPE_CHAR), 0);
	CHECK_EQ(type('Q'), 2);
	/* Ctrl-] q: detach. */
	CHECK_EQ(type(VS_ESCAPE_CHAR), 0);
	CHECK_EQ(type('q'), VS_DETACH);
	CHECK_EQ(nsent, 11);
	/* The state starts over afterwards. */
	CHECK_EQ(type('q'), 1);
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_ring_empty, setup);
	RUN_TEST(test_ring_tail, setup);
	RUN_TEST(test_ring_wrap, setup);
	RUN_TEST(test_ring_concurrent_reader, setup);
	RUN_TEST(test_line_basic, line_setup);
	RUN_TEST(test_line_long, line_setup);
	RUN_TEST(test_line_controls, line_setup);
	RUN_TEST(test_line_reset, line_setup);
	RUN_TEST(test_line_random, line_setup);
	RUN_TEST(test_escape, esc_setup);
	return mv_test_summary();
}
