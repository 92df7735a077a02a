/* Server-sent events: live pages (the dispatcher's alarm board) follow the
 * events bus (core/events.h) over one long HTTP response. One hub per
 * process subscribes to the bus once, keeps the last SSE_RING events for
 * clients that reconnect with Last-Event-ID, and fans each event out to the
 * open streams whose scope holds the event's unit. A stream's connection is
 * suspended while it has nothing to send and resumed by the producer, so an
 * idle stream costs no thread and no polling; a comment line every
 * heartbeat interval (15 s, PCCC_SSE_HEARTBEAT_S) keeps proxies from
 * closing it and notices clients that left.
 *
 * The wire format per event: "id: SEQ\nevent: TYPE\ndata: JSON\n\n", SEQ
 * being the bus sequence. A client whose Last-Event-ID is older than the
 * ring (or from another process life) first gets "event: reset" and should
 * reload what it shows. */
#ifndef PCCC_HTTP_SSE_H
#define PCCC_HTTP_SSE_H

struct req;
struct resp;

#define SSE_RING 512
#define SSE_MAX_STREAMS 1000
#define SSE_MAX_PENDING (1024 * 1024) /* bytes queued for a slow client */

/* Started and stopped by the HTTP server (server.c). sse_stop ends every
 * open stream so that shutdown does not wait for them. */
int sse_start(void);
void sse_stop(void);

/* Answers the request with an event stream. units_json: JSON array text of
 * the 2025 commune codes the caller may see (from store_scope_units_json),
 * or NULL for every unit. Events without a unit go to unrestricted
 * streams only. Replays the ring after the request's Last-Event-ID header
 * (or last_id, when >= 0, e.g. from a query parameter). Replies 503 when
 * the hub is stopped or full. */
void sse_reply_stream(struct req *r, struct resp *out, const char *units_json, long long last_id);

/* Open streams (metrics, tests). */
int sse_stream_count(void);
/* The bus sequence of the newest event the hub has seen: a page that
 * loads a snapshot first and then opens the stream with this as
 * last_event_id misses nothing in between. */
long long sse_last_seq(void);

#endif
