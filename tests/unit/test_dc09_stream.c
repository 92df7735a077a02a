/* Tests for alarm/stream.c, the DC-09 TCP reassembler: a frame split at
 * every byte, several frames in one read, garbage/whitespace/NULs around
 * frames, oversize frames (ended by CR or by the next LF) reported once
 * without losing the frame after them, the exact size limit, and a frame
 * cut off by a new LF. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "alarm/stream.h"

#define F1 "CE110032\"SIA-DCS\"9876R579BDFL789ABC#12345A[#12345A|NFA129]"
#define F2 "96ED0016\"SIA-DCS\"0001L0#1234[]"

/* What came out of the stream, as "F:<frame>" and "O" lines. */
struct got {
	char log[8192];
	int frames, oversize;
};

static void feed(struct dc09_stream *s, const char *data, size_t len, struct got *g)
{
	size_t off = 0;
	while (off < len) {
		size_t used = 0, fl = 0;
		const char *fr = NULL;
		int r = dc09_stream_feed(s, data + off, len - off, &used, &fr, &fl);
		assert_true(used <= len - off);
		off += used;
		if (r == DC09_STREAM_FRAME) {
			size_t n = strlen(g->log);
			assert_true(n + fl + 4 < sizeof g->log);
			memcpy(g->log + n, "F:", 2);
			memcpy(g->log + n + 2, fr, fl);
			g->log[n + 2 + fl] = '\n';
			g->log[n + 3 + fl] = '\0';
			g->frames++;
		} else if (r == DC09_STREAM_OVERSIZE) {
			strcat(g->log, "O\n");
			g->oversize++;
		} else {
			assert_int_equal(r, DC09_STREAM_NEED);
			assert_int_equal(off, len);
		}
	}
}

static void test_one_frame(void **state)
{
	struct dc09_stream s;
	struct got g = {0};

	(void)state;
	dc09_stream_init(&s);
	feed(&s, "\n" F1 "\r", strlen(F1) + 2, &g);
	assert_string_equal(g.log, "F:" F1 "\n");
	assert_false(dc09_stream_pending(&s));
}

static void test_split_everywhere(void **state)
{
	const char *in = "\n" F1 "\r";
	size_t len = strlen(in);

	(void)state;
	for (size_t cut = 0; cut <= len; cut++) {
		for (size_t cut2 = cut; cut2 <= len; cut2++) {
			struct dc09_stream s;
			struct got g = {0};
			dc09_stream_init(&s);
			feed(&s, in, cut, &g);
			feed(&s, in + cut, cut2 - cut, &g);
			feed(&s, in + cut2, len - cut2, &g);
			assert_string_equal(g.log, "F:" F1 "\n");
		}
	}
	/* Byte by byte. */
	struct dc09_stream s;
	struct got g = {0};
	dc09_stream_init(&s);
	for (size_t i = 0; i < len; i++) {
		feed(&s, in + i, 1, &g);
		if (i + 1 < len)
			assert_true(dc09_stream_pending(&s));
	}
	assert_int_equal(g.frames, 1);
}

static void test_coalesced_and_garbage(void **state)
{
	struct dc09_stream s;
	struct got g = {0};
	const char in[] = "  \0\0junk\r\n" F1 "\r\0\0\0 \t\n" F2 "\r\n" F1 "\r\0";

	(void)state;
	dc09_stream_init(&s);
	feed(&s, in, sizeof in - 1, &g);
	assert_string_equal(g.log, "F:" F1 "\nF:" F2 "\nF:" F1 "\n");
	assert_false(dc09_stream_pending(&s));
}

static void test_oversize_then_frame(void **state)
{
	static char in[4 * DC09_FRAME_MAX];
	struct dc09_stream s;
	struct got g = {0};
	size_t n = 0;

	(void)state;
	in[n++] = '\n';
	memset(in + n, 'A', 1500);
	n += 1500;
	in[n++] = '\r';
	memcpy(in + n, "\n" F2 "\r", strlen(F2) + 2);
	n += strlen(F2) + 2;
	dc09_stream_init(&s);
	/* In chunks of 100 to cross the limit inside a chunk. */
	for (size_t off = 0; off < n; off += 100)
		feed(&s, in + off, n - off < 100 ? n - off : 100, &g);
	assert_string_equal(g.log, "O\nF:" F2 "\n");

	/* Oversize ended by the next LF instead of a CR. */
	memset(&g, 0, sizeof g);
	n = 0;
	in[n++] = '\n';
	memset(in + n, 'B', 2000);
	n += 2000;
	memcpy(in + n, "\n" F1 "\r", strlen(F1) + 2);
	n += strlen(F1) + 2;
	dc09_stream_init(&s);
	feed(&s, in, n, &g);
	assert_string_equal(g.log, "O\nF:" F1 "\n");
}

static void test_size_limit_exact(void **state)
{
	static char in[DC09_FRAME_MAX + 8];
	struct dc09_stream s;
	struct got g = {0};

	(void)state;
	in[0] = '\n';
	memset(in + 1, 'C', DC09_FRAME_MAX);
	in[DC09_FRAME_MAX + 1] = '\r';
	dc09_stream_init(&s);
	size_t used = 0, fl = 0;
	const char *fr = NULL;
	assert_int_equal(dc09_stream_feed(&s, in, DC09_FRAME_MAX + 2, &used, &fr, &fl),
			 DC09_STREAM_FRAME);
	assert_int_equal(fl, DC09_FRAME_MAX);
	assert_int_equal(used, DC09_FRAME_MAX + 2);

	/* One more byte is oversize. */
	static char in2[DC09_FRAME_MAX + 8];
	in2[0] = '\n';
	memset(in2 + 1, 'C', DC09_FRAME_MAX + 1);
	in2[DC09_FRAME_MAX + 2] = '\r';
	dc09_stream_init(&s);
	feed(&s, in2, DC09_FRAME_MAX + 3, &g);
	assert_int_equal(g.oversize, 1);
	assert_int_equal(g.frames, 0);
}

static void test_cut_frame_and_empty(void **state)
{
	struct dc09_stream s;
	struct got g = {0};
	const char in[] = "\n96ED0016\"SIA-D\n" F2 "\r\n\r";

	(void)state;
	dc09_stream_init(&s);
	feed(&s, in, sizeof in - 1, &g);
	/* The cut-off start is dropped; an empty LF CR is a (bad) frame. */
	assert_string_equal(g.log, "F:" F2 "\nF:\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_frame),
		cmocka_unit_test(test_split_everywhere),
		cmocka_unit_test(test_coalesced_and_garbage),
		cmocka_unit_test(test_oversize_then_frame),
		cmocka_unit_test(test_size_limit_exact),
		cmocka_unit_test(test_cut_frame_and_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
