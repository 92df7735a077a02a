/* DC-09 TCP reassembler: bytes from a stream go in, whole frames (the
 * bytes between LF and CR) come out. Frames may be split across reads or
 * several may share one read; bytes outside LF…CR (whitespace, NULs,
 * garbage) are skipped; a frame longer than DC09_FRAME_MAX is dropped up to
 * its CR and reported once, so the stream stays in sync. No allocation:
 * the state is one fixed buffer, embeddable in a connection. */
#ifndef PCCC_ALARM_STREAM_H
#define PCCC_ALARM_STREAM_H
#include <stddef.h>

#include "alarm/dc09.h"

enum dc09_stream_result {
	DC09_STREAM_NEED = 0,      /* all input consumed, no frame complete */
	DC09_STREAM_FRAME = 1,     /* *frame and *frame_len hold one frame */
	DC09_STREAM_OVERSIZE = 2,  /* a frame over DC09_FRAME_MAX ended (dropped) */
};

struct dc09_stream {
	int state;      /* outside a frame, inside one, or skipping an oversize one */
	size_t len;
	char buf[DC09_FRAME_MAX];
};

void dc09_stream_init(struct dc09_stream *s);

/* Consumes input from data[0..len) until a frame completes, an oversize
 * frame ends, or the input is used up; *used says how many bytes were
 * consumed (call again with the rest). On DC09_STREAM_FRAME, *frame points
 * into s (borrowed until the next call) and excludes LF and CR. */
int dc09_stream_feed(struct dc09_stream *s, const char *data, size_t len, size_t *used,
		     const char **frame, size_t *frame_len);

/* Nonzero while part of a frame is buffered (for idle/shutdown logging). */
int dc09_stream_pending(const struct dc09_stream *s);

#endif
