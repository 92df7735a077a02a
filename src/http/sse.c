/* Server-sent events hub (see sse.h). One mutex guards the ring, the list
 * of streams and every stream's pending bytes. Lock order: libmicrohttpd's
 * response mutex (held while it calls stream_read) → hub lock → MHD's
 * internal connection lock (taken by MHD_suspend/resume_connection); the
 * bus lock is held around on_event, and the hub never publishes, so no
 * cycle. A stream is freed only by MHD's free callback, after it is
 * unlinked under the lock, so the producer never touches a freed one. */
#include "http/sse.h"

#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/events.h"
#include "core/log.h"
#include "http/http.h"

struct sse_stream {
	struct sse_stream *prev, *next;
	struct MHD_Connection *conn;
	struct buf out;          /* pending bytes, from off */
	size_t off;
	char **units;            /* sorted commune codes; NULL with all */
	size_t nunits;
	int all;
	int suspended;
	int closing;             /* end after the pending bytes */
	int64_t last_write_ms;   /* monotonic, for heartbeats */
};

struct ring_ev {
	long long seq;
	char *type;
	char *unit;
	char *data;
};

static pthread_mutex_t hub_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hub_cond;
static struct sse_stream *streams;
static int nstreams;
static struct ring_ev ring[SSE_RING];
static long long last_seq;       /* newest seq in the ring */
static int running;
static int sub_id = -1;
static pthread_t ticker;
static int64_t heartbeat_ms = 15000;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int stream_allows(const struct sse_stream *st, const char *unit)
{
	if (st->all)
		return 1;
	if (!unit || !*unit || !st->nunits)
		return 0;
	return bsearch(&unit, st->units, st->nunits, sizeof *st->units, cmp_str) != NULL;
}

static void stream_wake(struct sse_stream *st)
{
	if (st->suspended) {
		st->suspended = 0;
		MHD_resume_connection(st->conn);
	}
}

static void stream_put_event(struct sse_stream *st, long long seq, const char *type,
			     const char *data)
{
	if (st->closing)
		return;
	if (st->out.len - st->off > SSE_MAX_PENDING) {
		/* a client this far behind is gone or stuck: end its stream,
		 * it reconnects with Last-Event-ID and gets a reset */
		log_json(LOG_WARN, "sse: slow client dropped", NULL);
		st->closing = 1;
		buf_reset(&st->out);
		st->off = 0;
		return;
	}
	buf_printf(&st->out, "id: %lld\nevent: %s\ndata: %s\n\n", seq, type, data);
}

/* The bus subscriber: runs in the publisher's thread under the bus lock. */
static void on_event(void *ctx, const char *type, const char *unit, const char *data, long long seq)
{
	(void)ctx;
	if (!type || !data)
		return;
	pthread_mutex_lock(&hub_lock);
	if (!running) {
		pthread_mutex_unlock(&hub_lock);
		return;
	}
	struct ring_ev *e = &ring[seq % SSE_RING];
	free(e->type);
	free(e->unit);
	free(e->data);
	e->seq = seq;
	e->type = xstrdup(type);
	e->unit = unit ? xstrdup(unit) : NULL;
	e->data = xstrdup(data);
	last_seq = seq;
	for (struct sse_stream *st = streams; st; st = st->next) {
		if (!stream_allows(st, unit))
			continue;
		stream_put_event(st, seq, type, data);
		stream_wake(st);
	}
	pthread_mutex_unlock(&hub_lock);
}

static void *ticker_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&hub_lock);
	while (running) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&hub_cond, &hub_lock, &ts);
		if (!running)
			break;
		int64_t now = clock_mono_ms();
		for (struct sse_stream *st = streams; st; st = st->next) {
			if (st->closing || now - st->last_write_ms < heartbeat_ms)
				continue;
			if (st->out.len == st->off)
				buf_puts(&st->out, ": heartbeat\n\n");
			st->last_write_ms = now;
			stream_wake(st);
		}
	}
	pthread_mutex_unlock(&hub_lock);
	return NULL;
}

int sse_start(void)
{
	pthread_mutex_lock(&hub_lock);
	if (running) {
		pthread_mutex_unlock(&hub_lock);
		return 0;
	}
	const char *hb = getenv("PCCC_SSE_HEARTBEAT_S");
	long v = hb ? strtol(hb, NULL, 10) : 0;
	heartbeat_ms = (v >= 1 && v <= 3600) ? v * 1000 : 15000;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&hub_cond, &ca);
	pthread_condattr_destroy(&ca);
	running = 1;
	pthread_mutex_unlock(&hub_lock);
	sub_id = events_subscribe(on_event, NULL);
	if (sub_id < 0 || pthread_create(&ticker, NULL, ticker_main, NULL) != 0) {
		log_error("sse: cannot start the events hub");
		pthread_mutex_lock(&hub_lock);
		running = 0;
		pthread_mutex_unlock(&hub_lock);
		if (sub_id > 0)
			events_unsubscribe(sub_id);
		sub_id = -1;
		return -1;
	}
	return 0;
}

void sse_stop(void)
{
	pthread_mutex_lock(&hub_lock);
	if (!running) {
		pthread_mutex_unlock(&hub_lock);
		return;
	}
	running = 0;
	for (struct sse_stream *st = streams; st; st = st->next) {
		st->closing = 1;
		stream_wake(st);
	}
	pthread_cond_broadcast(&hub_cond);
	pthread_mutex_unlock(&hub_lock);
	events_unsubscribe(sub_id);
	sub_id = -1;
	pthread_join(ticker, NULL);
	pthread_mutex_lock(&hub_lock);
	for (int i = 0; i < SSE_RING; i++) {
		free(ring[i].type);
		free(ring[i].unit);
		free(ring[i].data);
		memset(&ring[i], 0, sizeof ring[i]);
	}
	last_seq = 0;
	pthread_mutex_unlock(&hub_lock);
	pthread_cond_destroy(&hub_cond);
}

int sse_stream_count(void)
{
	pthread_mutex_lock(&hub_lock);
	int n = nstreams;
	pthread_mutex_unlock(&hub_lock);
	return n;
}

long long sse_last_seq(void)
{
	pthread_mutex_lock(&hub_lock);
	long long v = last_seq;
	pthread_mutex_unlock(&hub_lock);
	return v;
}

static ssize_t stream_read(void *ctx, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct sse_stream *st = ctx;
	pthread_mutex_lock(&hub_lock);
	size_t pending = st->out.len - st->off;
	if (pending == 0) {
		if (st->closing) {
			pthread_mutex_unlock(&hub_lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		st->suspended = 1;
		MHD_suspend_connection(st->conn);
		pthread_mutex_unlock(&hub_lock);
		return 0;
	}
	size_t n = pending < max ? pending : max;
	memcpy(buf, st->out.data + st->off, n);
	st->off += n;
	if (st->off == st->out.len) {
		buf_reset(&st->out);
		st->off = 0;
	} else if (st->off > 65536) {
		buf_consume(&st->out, st->off);
		st->off = 0;
	}
	st->last_write_ms = clock_mono_ms();
	pthread_mutex_unlock(&hub_lock);
	return (ssize_t)n;
}

static void stream_free(void *ctx)
{
	struct sse_stream *st = ctx;
	pthread_mutex_lock(&hub_lock);
	if (st->prev)
		st->prev->next = st->next;
	else if (streams == st)
		streams = st->next;
	if (st->next)
		st->next->prev = st->prev;
	nstreams--;
	pthread_mutex_unlock(&hub_lock);
	for (size_t i = 0; i < st->nunits; i++)
		free(st->units[i]);
	free(st->units);
	buf_free(&st->out);
	free(st);
}

static int stream_set_units(struct sse_stream *st, const char *units_json)
{
	if (!units_json) {
		st->all = 1;
		return 0;
	}
	json_t *arr = json_loads(units_json, 0, NULL);
	if (!json_is_array(arr)) {
		json_decref(arr);
		return -1;
	}
	size_t n = json_array_size(arr);
	st->units = xcalloc(n ? n : 1, sizeof *st->units);
	for (size_t i = 0; i < n; i++) {
		const char *u = json_string_value(json_array_get(arr, i));
		if (u)
			st->units[st->nunits++] = xstrdup(u);
	}
	json_decref(arr);
	qsort(st->units, st->nunits, sizeof *st->units, cmp_str);
	return 0;
}

/* Queues the ring's events after last (caller holds the lock). */
static void stream_replay(struct sse_stream *st, long long last)
{
	if (last < 0)
		return;
	long long oldest = last_seq - SSE_RING + 1;
	if (oldest < 1)
		oldest = 1;
	if (last > last_seq || last + 1 < oldest) {
		buf_printf(&st->out, "id: %lld\nevent: reset\ndata: {}\n\n", last_seq);
		return;
	}
	for (long long s = last + 1; s <= last_seq; s++) {
		const struct ring_ev *e = &ring[s % SSE_RING];
		if (e->seq != s || !e->type)
			continue;
		if (stream_allows(st, e->unit))
			stream_put_event(st, e->seq, e->type, e->data);
	}
}

void sse_reply_stream(struct req *r, struct resp *out, const char *units_json, long long last_id)
{
	const char *h = req_header(r, "Last-Event-ID");
	if (h && *h) {
		char *end = NULL;
		errno = 0;
		long long v = strtoll(h, &end, 10);
		if (errno == 0 && end && *end == '\0' && v >= 0)
			last_id = v;
	}
	struct sse_stream *st = xcalloc(1, sizeof *st);
	st->conn = (struct MHD_Connection *)r->conn;
	if (stream_set_units(st, units_json) != 0) {
		free(st);
		http_reply_error(r, out, 500, "internal", "Lỗi máy chủ / Server error", NULL);
		return;
	}
	pthread_mutex_lock(&hub_lock);
	if (!running || nstreams >= SSE_MAX_STREAMS) {
		pthread_mutex_unlock(&hub_lock);
		for (size_t i = 0; i < st->nunits; i++)
			free(st->units[i]);
		free(st->units);
		free(st);
		http_reply_error(r, out, 503, "unavailable",
				 "Kênh trực tiếp đang bận, thử lại sau / Live stream unavailable, retry later",
				 NULL);
		return;
	}
	buf_puts(&st->out, "retry: 2000\n: pccc\n\n");
	stream_replay(st, last_id);
	st->last_write_ms = clock_mono_ms();
	st->next = streams;
	if (streams)
		streams->prev = st;
	streams = st;
	nstreams++;
	pthread_mutex_unlock(&hub_lock);

	out->status = 200;
	out->content_type = "text/event-stream; charset=utf-8";
	out->body = NULL;
	out->len = 0;
	out->no_cache = 1;
	http_resp_header(r, out, "X-Accel-Buffering", "no");
	out->stream_read = stream_read;
	out->stream_ctx = st;
	out->stream_free = stream_free;
}
