/* libFuzzer target for the DC-09 TCP reassembler: the first byte seeds
 * chunk sizes, the rest is fed in those chunks. The frames and oversize
 * reports must be the same as when the whole input is fed at once, every
 * frame must fit DC09_FRAME_MAX and hold no CR or LF, and every call must
 * consume input. Each frame is then parsed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alarm/dc09.h"
#include "alarm/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A running digest of what came out. */
struct trace {
	uint64_t h;
	size_t frames, oversize;
};

static void mix(struct trace *t, const char *p, size_t n, unsigned tag)
{
	t->h = (t->h ^ tag) * 1099511628211ULL;
	for (size_t i = 0; i < n; i++)
		t->h = (t->h ^ (unsigned char)p[i]) * 1099511628211ULL;
}

static void run(const char *in, size_t len, unsigned seed, struct trace *t)
{
	static struct dc09_stream s;
	static struct dc09_frame f;
	size_t off = 0;
	unsigned x = seed * 2654435761u + 1;

	dc09_stream_init(&s);
	memset(t, 0, sizeof *t);
	t->h = 14695981039346656037ULL;
	while (off < len) {
		size_t chunk = len - off;
		if (seed) {
			x = x * 1103515245u + 12345u;
			chunk = 1 + (x >> 16) % (seed % 64 + 1);
			if (chunk > len - off)
				chunk = len - off;
		}
		size_t end = off + chunk;
		while (off < end) {
			size_t used = 0, fl = 0;
			const char *fr = NULL;
			int r = dc09_stream_feed(&s, in + off, end - off, &used, &fr, &fl);
			if (used == 0 || used > end - off)
				abort();
			off += used;
			if (r == DC09_STREAM_FRAME) {
				if (fl > DC09_FRAME_MAX || memchr(fr, '\r', fl) || memchr(fr, '\n', fl))
					abort();
				mix(t, fr, fl, 1);
				t->frames++;
				dc09_frame_parse(fr, fl, &f);
			} else if (r == DC09_STREAM_OVERSIZE) {
				mix(t, "", 0, 2);
				t->oversize++;
			} else if (off != end) {
				abort();
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace whole, chunked;

	if (size < 1)
		return 0;
	run((const char *)data + 1, size - 1, 0, &whole);
	run((const char *)data + 1, size - 1, data[0] | 1u, &chunked);
	if (whole.h != chunked.h || whole.frames != chunked.frames ||
	    whole.oversize != chunked.oversize)
		abort();
	return 0;
}
