/* The DC-09 alarm receiver: TCP and UDP on one port (`--alarm HOST:PORT`),
 * one thread with epoll and a timerfd, non-blocking sockets, idle timeout
 * for TCP, sized for >= 10,000 connections (RLIMIT_NOFILE soft is raised to
 * hard at start).
 *
 * Durability contract: a frame is never ACKed before its events are
 * stored. Each loop round reads what is ready on every socket and decodes
 * all complete frames; a committer thread stores the events of everything
 * decoded since its last commit with ONE store_batch call (group commit
 * across connections and rounds) while the loop goes on reading the next
 * batch (at most one batch in flight); the responses of a batch are sent
 * only after its store_batch returned, in order per connection. Storage
 * lives behind struct alarm_sink.
 *
 * Responses (decided from ANSI/SIA DC-09 and DESIGN.md):
 * - ACK: stored (or duplicate of a stored event), NULL link tests, frames
 *   without events; encrypted ("*ACK") when the frame was encrypted.
 * - NAK (receiver time attached, so the device can retry and resync): bad
 *   CRC, length or grammar, oversize frame, missing/invalid timestamp on an
 *   encrypted frame or one outside −40 s…+20 s, a sink failure (lookup or
 *   store): retrying later can succeed.
 * - DUH (unable to process, retrying the same bytes cannot help): unknown
 *   or missing account, unsupported id token or payload, an encrypted frame
 *   for an account without a key or that does not decrypt with its key
 *   (wrong key), a plain frame for an account that has a key (the device
 *   must encrypt). DUH is never encrypted.
 * Timestamps of plain frames are kept as device time, not checked. */
#ifndef PCCC_ALARM_RX_H
#define PCCC_ALARM_RX_H
#include <stddef.h>
#include <stdint.h>

#include "alarm/event.h"

/* Storage and supervision behind the receiver. lookup_account and heard
 * run on the receiver thread, store_batch on the committer thread (one
 * call at a time, batches in the order their frames arrived; a batch is
 * stored only after the previous call returned); ctx must outlive the
 * receiver. */
struct alarm_sink {
	void *ctx;
	/* Fills *out for the device (receiver and line are the hex digits
	 * after R and L, "" when absent). 0, or -1 when the lookup itself
	 * failed (the frame is NAKed). Required. */
	int (*lookup_account)(void *ctx, const char *receiver, const char *line,
			      const char *account, struct alarm_account *out);
	/* Stores ev[0..n) durably (returns after the commit) and sets each
	 * ev[i].result to STORED, DUPLICATE or FAILED. 0, or -1 when nothing
	 * was stored (every frame of the batch is NAKed). Required. */
	int (*store_batch)(void *ctx, struct alarm_event *ev, size_t n);
	/* Called for each ACKed frame after the commit: refreshes the
	 * supervision timer of device_id, the device lookup_account found
	 * for the frame's (receiver, line, account): devices sharing an
	 * account on other receivers or lines are not refreshed. account is
	 * for logs. is_link_test: NULL frame or a frame without events.
	 * Optional (NULL). */
	void (*heard)(void *ctx, int64_t device_id, const char *account, int64_t now_ms,
		      int is_link_test);
	/* Called on the committer thread after each store_batch, once its
	 * replies are released to the loop: upkeep of the store (e.g.
	 * finishing a WAL checkpoint) off the path of any ACK; the next
	 * batch is stored after it returns. Optional (NULL). */
	void (*after_batch)(void *ctx);
};

struct rx_opts {
	int idle_ms;   /* close a TCP connection silent this long; default 60000 */
	int tick_ms;   /* idle sweep period; default 1000 */
};

struct rx_stats {
	uint64_t frames, acks, naks, duhs, events, batches, conns_open, conns_total;
	/* epochs (200 ms of storing) spent with and without gathering */
	uint64_t epochs_gather, epochs_direct;
};

struct alarm_rx;

/* Binds hostport ("127.0.0.1:9500", "[::]:9500", port 0 picks a free one
 * for both TCP and UDP) and starts the thread. The sink struct is copied.
 * 0, or -1 (logged) when the address is bad or cannot be bound. */
int rx_start(const char *hostport, const struct alarm_sink *sink, struct alarm_rx **out);
int rx_start_opts(const char *hostport, const struct alarm_sink *sink, const struct rx_opts *opts,
		  struct alarm_rx **out);
/* The bound port (TCP and UDP). */
unsigned rx_port(const struct alarm_rx *rx);
/* Counters, readable from any thread. */
void rx_stats_get(const struct alarm_rx *rx, struct rx_stats *out);
/* Graceful stop: the thread finishes the current round (store + replies),
 * closes every socket and exits; then rx is freed. NULL is a no-op. */
void rx_stop(struct alarm_rx *rx);

/* An in-memory sink for tests and benchmarks: accounts added up front,
 * events kept in an array with the retransmission key checked. */
struct alarm_testsink_row {
	struct alarm_event ev;       /* ev.frame is NULL: copied out below */
	char seq[DC09_SEQ_MAX];
	char data[DC09_DATA_MAX];
};

struct alarm_testsink;

struct alarm_testsink *alarm_testsink_new(void);
void alarm_testsink_free(struct alarm_testsink *t);
/* key: text as for dc09_key_parse(DC09_KEY_AUTO), or NULL for a plain device. 0 or -1. */
int alarm_testsink_add(struct alarm_testsink *t, const char *account, const char *key,
		       int64_t device_id);
/* Fills *sink with callbacks bound to t. */
void alarm_testsink_bind(struct alarm_testsink *t, struct alarm_sink *sink);
/* Makes the next n store_batch calls fail (-1). */
void alarm_testsink_fail_stores(struct alarm_testsink *t, int n);
/* Thread-safe reads: stored rows (copy of row i), batch and heard counts. */
size_t alarm_testsink_count(struct alarm_testsink *t);
int alarm_testsink_row_get(struct alarm_testsink *t, size_t i, struct alarm_testsink_row *out);
size_t alarm_testsink_batches(struct alarm_testsink *t);
size_t alarm_testsink_heard(struct alarm_testsink *t, size_t *link_tests);

#endif
