/* DC-09 TCP reassembler (see stream.h). A three-state machine: OUT skips
 * everything up to an LF; IN collects bytes up to the CR (an LF there
 * restarts the frame: the partial one before it was cut off); SKIP drops an
 * oversize frame up to its CR and then reports it. */
#include "alarm/stream.h"

#include <string.h>

enum { ST_OUT, ST_IN, ST_SKIP };

void dc09_stream_init(struct dc09_stream *s)
{
	s->state = ST_OUT;
	s->len = 0;
}

int dc09_stream_pending(const struct dc09_stream *s)
{
	return s->state != ST_OUT;
}

int dc09_stream_feed(struct dc09_stream *s, const char *data, size_t len, size_t *used,
		     const char **frame, size_t *frame_len)
{
	size_t i = 0;

	while (i < len) {
		if (s->state == ST_OUT) {
			const char *lf = memchr(data + i, '\n', len - i);
			if (!lf) {
				i = len;
				break;
			}
			i = (size_t)(lf - data) + 1;
			s->state = ST_IN;
			s->len = 0;
			continue;
		}
		/* IN or SKIP: look for the end of the frame (CR) or a new LF. */
		size_t j = i;
		while (j < len && data[j] != '\r' && data[j] != '\n')
			j++;
		if (s->state == ST_IN) {
			size_t n = j - i;
			if (s->len + n > sizeof s->buf) {
				s->state = ST_SKIP;
			} else {
				memcpy(s->buf + s->len, data + i, n);
				s->len += n;
			}
		}
		i = j;
		if (j == len)
			break;
		i = j + 1;
		if (data[j] == '\n') {
			/* A new frame starts: drop the unfinished one (an
			 * oversize one is still reported). */
			int was_skip = s->state == ST_SKIP;
			s->state = ST_IN;
			s->len = 0;
			if (was_skip) {
				*used = i;
				return DC09_STREAM_OVERSIZE;
			}
			continue;
		}
		/* CR */
		int st = s->state;
		s->state = ST_OUT;
		*used = i;
		if (st == ST_SKIP)
			return DC09_STREAM_OVERSIZE;
		*frame = s->buf;
		*frame_len = s->len;
		return DC09_STREAM_FRAME;
	}
	*used = i;
	return DC09_STREAM_NEED;
}
