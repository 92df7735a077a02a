/* The DC-09 receiver loop (see rx.h). One thread owns every socket; a
 * committer thread makes batches durable. A round: epoll_wait; read what
 * is ready (accept, one read per TCP connection, a burst of UDP datagrams)
 * and cut it into frames (items) appended to the open unit; decide each
 * frame (parse, account lookup, decryption, time window, payload decode).
 * A frame that stores nothing (NAK, DUH, link test) is answered at once
 * when its connection has no earlier frame waiting; every other frame
 * stays in the open unit. When the committer is idle the open unit goes
 * to it (one store_batch for all its events), and the loop goes on
 * reading and deciding into the other unit: while a commit and its fsync
 * run, the next batch grows (group commit), at most one unit in flight.
 * When the committer signals (eventfd), the loop sends that unit's replies
 * in order (ACK only for what was stored). Last, close what ended and
 * sweep idle connections. A connection with frames in a unit (inflight)
 * is never freed nor swept, so items can point at it safely; replies of
 * one connection leave in the order of its frames. */
#include "alarm/rx.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "alarm/stream.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"

#define RX_EPOLL_MAX 256
#define RX_ACCEPT_MAX 256      /* accepts per round */
#define RX_UDP_BURST 64        /* datagrams per round */
#define RX_READ_MAX 16384      /* bytes read per connection per round */
#define RX_OUT_MAX 65536       /* unsent bytes before a connection is dropped */
#define RX_REPLY_MAX 256
#define RX_UDP_BUF (DC09_FRAME_MAX + 64)
#define RX_GATHER_MAX_US 1000  /* longest wait for returning senders */
#define RX_EPOCH_US 200000     /* gathering on or off: measured this long */
#define RX_PROBE_EVERY 20      /* epochs between two tries of the other mode */
#define RX_GATHER_GAIN 1.05    /* gathering must store this much more */
#define RX_OPEN_MAX 16384      /* frames waiting in the open unit before
				* the loop stops reading and waits */

enum rx_reply { REPLY_NONE, REPLY_ACK, REPLY_NAK, REPLY_DUH, REPLY_STORE };

struct rx_conn {
	int fd;
	int eof;            /* peer closed its side: close once replies are out */
	int dead;           /* error: close at the end of the round */
	int dirty;          /* on this round's touched list */
	int parked;         /* taken out of epoll (ended, replies pending) */
	size_t inflight;    /* frames in a unit, not yet answered */
	uint32_t ev_mask;   /* events registered with epoll */
	int64_t last_ms;    /* monotonic time of the last byte read */
	struct rx_conn *prev, *next;  /* idle list, least recently active first */
	struct buf out;
	char peer[64];
	struct dc09_stream stream;
};

/* One frame of the round, from a connection or a datagram. */
struct rx_item {
	struct rx_conn *conn;             /* NULL: UDP */
	struct sockaddr_storage addr;     /* UDP sender */
	socklen_t addrlen;
	int err;                          /* dc09 error before decoding, 0 none */
	enum rx_reply reply;
	const char *why;                  /* reason logged with NAK / DUH */
	int link_test;
	int64_t rx_ms;                    /* wall clock when decided */
	size_t ev_first, ev_n;
	char account[DC09_ACCT_MAX];
	struct alarm_account acct;
	struct dc09_frame frame;
};

/* Frames waiting for one store_batch, and their events. */
struct rx_unit {
	struct rx_item *items;
	size_t n_items, cap_items;
	struct alarm_event *events;
	size_t n_events, cap_events;
	int rc;                           /* store_batch's return */
	int64_t commit_us;                /* how long store_batch took */
};

struct alarm_rx {
	int ep, tcp, udp, tfd, efd, cfd, spare_fd;
	unsigned port;
	pthread_t thread, committer;
	int committer_started;
	struct alarm_sink sink;
	struct rx_opts opts;
	struct rx_conn *idle_head, *idle_tail;
	struct rx_unit units[2];
	struct rx_unit *open;             /* frames of this and later rounds */
	struct rx_unit *busy;             /* at the committer; NULL: idle */
	size_t round_first;               /* first item of open read this round */
	/* Gathering: after a commit, its senders usually answer within a
	 * round trip; the open unit waits for them (until it holds
	 * gather_target frames, or gather_until) so they share the next
	 * commit instead of each commit carrying half of them. */
	size_t gather_target;
	int64_t gather_until;             /* monotonic us; 0: not gathering */
	/* Gathering pays when commits are the bottleneck (fewer syncs for
	 * the same events); it costs when the loop's own work is (sending
	 * replies and reading frames then no longer overlaps a commit: the
	 * two halves of the senders take turns) and it adds its wait to
	 * every ACK under light or paced load. Which one holds depends on
	 * the disk and the CPUs, so the loop measures: events stored per
	 * second in epochs of RX_EPOCH_US, the other mode tried every
	 * RX_PROBE_EVERY epochs, gathering kept only when it stores
	 * RX_GATHER_GAIN times more (ties: lower latency, no gathering). */
	int gather_mode;
	int64_t epoch_start;              /* monotonic us */
	uint64_t epoch_events;
	double mode_rate[2];              /* events/s measured per mode; < 0 not yet */
	int epochs_since_probe;
	/* loop ↔ committer */
	pthread_mutex_t qlock;
	pthread_cond_t qcond;             /* a job or stop for the committer */
	pthread_cond_t dcond;             /* the job is done */
	struct rx_unit *job;
	int job_done, cstop;
	struct rx_conn **touched;
	size_t n_touched, cap_touched;
	char udp_bufs[RX_UDP_BURST][RX_UDP_BUF];
	/* stats */
	atomic_ullong frames, acks, naks, duhs, nevents, batches, conns_open, conns_total;
	atomic_ullong epochs[2];          /* by gather_mode */
};

/* ---- connections ---- */

static void idle_unlink(struct alarm_rx *rx, struct rx_conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		rx->idle_head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		rx->idle_tail = c->prev;
	c->prev = c->next = NULL;
}

static void idle_append(struct alarm_rx *rx, struct rx_conn *c)
{
	c->prev = rx->idle_tail;
	c->next = NULL;
	if (rx->idle_tail)
		rx->idle_tail->next = c;
	else
		rx->idle_head = c;
	rx->idle_tail = c;
}

static void conn_touch(struct alarm_rx *rx, struct rx_conn *c)
{
	if (c->dirty)
		return;
	c->dirty = 1;
	if (rx->n_touched == rx->cap_touched) {
		rx->cap_touched = rx->cap_touched ? rx->cap_touched * 2 : 64;
		rx->touched = xrealloc(rx->touched, rx->cap_touched * sizeof *rx->touched);
	}
	rx->touched[rx->n_touched++] = c;
}

static void conn_close(struct alarm_rx *rx, struct rx_conn *c)
{
	idle_unlink(rx, c);
	atomic_fetch_sub(&rx->conns_open, 1);
	if (!c->parked)
		epoll_ctl(rx->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	buf_free(&c->out);
	free(c);
}

/* Takes a connection out of epoll: it ended (or failed) and waits only
 * for the replies of frames still in a unit. Hang-ups would otherwise be
 * reported again on every round. */
static void conn_park(struct alarm_rx *rx, struct rx_conn *c)
{
	if (c->parked)
		return;
	epoll_ctl(rx->ep, EPOLL_CTL_DEL, c->fd, NULL);
	c->parked = 1;
	c->ev_mask = 0;
}

/* Reads until EOF, writes while output waits. */
static void conn_set_events(struct alarm_rx *rx, struct rx_conn *c)
{
	uint32_t want = (c->eof ? 0 : EPOLLIN) | (c->out.len ? EPOLLOUT : 0);
	struct epoll_event ev = {.events = want, .data.ptr = c};

	if (want == 0) {
		conn_park(rx, c);
		return;
	}
	if (want == c->ev_mask && !c->parked)
		return;
	if (epoll_ctl(rx->ep, c->parked ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c->fd, &ev) != 0)
		c->dead = 1;
	c->parked = 0;
	c->ev_mask = want;
}

/* Writes what is queued; registers for EPOLLOUT when the socket is full. */
static void conn_flush(struct alarm_rx *rx, struct rx_conn *c)
{
	while (c->out.len > 0 && !c->dead) {
		ssize_t w = send(c->fd, c->out.data, c->out.len, MSG_NOSIGNAL);
		if (w > 0) {
			buf_consume(&c->out, (size_t)w);
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			break;
		} else {
			c->dead = 1;
		}
	}
	if (!c->dead)
		conn_set_events(rx, c);
}

static void accept_ready(struct alarm_rx *rx)
{
	for (int i = 0; i < RX_ACCEPT_MAX; i++) {
		struct sockaddr_storage sa;
		socklen_t sl = sizeof sa;
		int fd = accept4(rx->tcp, (struct sockaddr *)&sa, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if ((errno == EMFILE || errno == ENFILE) && rx->spare_fd >= 0) {
				/* Out of descriptors: accept and drop one so the
				 * listener does not stay readable forever. */
				close(rx->spare_fd);
				int f = accept(rx->tcp, NULL, NULL);
				if (f >= 0)
					close(f);
				rx->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
				log_warn("alarm rx: out of file descriptors, connection refused");
			}
			return;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		struct rx_conn *c = xcalloc(1, sizeof *c);
		c->fd = fd;
		c->ev_mask = EPOLLIN;
		c->last_ms = clock_mono_ms();
		dc09_stream_init(&c->stream);
		char host[48] = "?", serv[8] = "?";
		getnameinfo((struct sockaddr *)&sa, sl, host, sizeof host, serv, sizeof serv,
			    NI_NUMERICHOST | NI_NUMERICSERV);
		snprintf(c->peer, sizeof c->peer, "tcp:%s:%s", host, serv);
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		if (epoll_ctl(rx->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			close(fd);
			free(c);
			continue;
		}
		idle_append(rx, c);
		atomic_fetch_add(&rx->conns_open, 1);
		atomic_fetch_add(&rx->conns_total, 1);
	}
}

/* ---- items ---- */

/* A new frame in the open unit. The array may move: events point at
 * their frames only once the unit is handed over (unit_submit). */
static struct rx_item *item_new(struct alarm_rx *rx)
{
	struct rx_unit *u = rx->open;

	if (u->n_items == u->cap_items) {
		u->cap_items = u->cap_items ? u->cap_items * 2 : 64;
		u->items = xrealloc(u->items, u->cap_items * sizeof *u->items);
	}
	struct rx_item *it = &u->items[u->n_items++];
	it->conn = NULL;
	it->addrlen = 0;
	it->err = 0;
	it->reply = REPLY_NONE;
	it->why = NULL;
	it->link_test = 0;
	it->ev_first = it->ev_n = 0;
	it->account[0] = '\0';
	return it;
}

static void item_parse(struct rx_item *it, const char *p, size_t n)
{
	it->err = dc09_frame_parse(p, n, &it->frame);
	if (it->err)
		it->why = dc09_err_name(it->err);
}

static void conn_read(struct alarm_rx *rx, struct rx_conn *c)
{
	char data[RX_READ_MAX];
	ssize_t r = recv(c->fd, data, sizeof data, 0);

	conn_touch(rx, c);
	if (r < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			c->dead = 1;
		return;
	}
	if (r == 0) {
		c->eof = 1;
		return;
	}
	c->last_ms = clock_mono_ms();
	idle_unlink(rx, c);
	idle_append(rx, c);
	size_t off = 0;
	while (off < (size_t)r) {
		size_t used = 0, fl = 0;
		const char *fr = NULL;
		int res = dc09_stream_feed(&c->stream, data + off, (size_t)r - off, &used, &fr, &fl);
		off += used;
		if (res == DC09_STREAM_FRAME) {
			struct rx_item *it = item_new(rx);
			it->conn = c;
			item_parse(it, fr, fl);
		} else if (res == DC09_STREAM_OVERSIZE) {
			struct rx_item *it = item_new(rx);
			it->conn = c;
			memset(&it->frame, 0, sizeof it->frame);
			it->err = DC09_ERR_TOO_LONG;
			it->why = dc09_err_name(it->err);
		}
	}
}

static void udp_read(struct alarm_rx *rx)
{
	char (*bufs)[RX_UDP_BUF] = rx->udp_bufs;
	struct mmsghdr msgs[RX_UDP_BURST];
	struct iovec iov[RX_UDP_BURST];
	struct sockaddr_storage addrs[RX_UDP_BURST];

	for (int i = 0; i < RX_UDP_BURST; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = RX_UDP_BUF;
		memset(&msgs[i], 0, sizeof msgs[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &addrs[i];
		msgs[i].msg_hdr.msg_namelen = sizeof addrs[i];
	}
	int n = recvmmsg(rx->udp, msgs, RX_UDP_BURST, MSG_DONTWAIT, NULL);
	for (int i = 0; i < n; i++) {
		const char *p = bufs[i];
		const char *e = p + msgs[i].msg_len;
		struct rx_item *it = item_new(rx);
		memcpy(&it->addr, &addrs[i], sizeof it->addr);
		it->addrlen = msgs[i].msg_hdr.msg_namelen;
		/* One frame per datagram; tolerate NULs and spaces around it. */
		while (e > p && (e[-1] == '\0' || e[-1] == ' ' || e[-1] == '\n'))
			e--;
		while (p < e && (*p == '\0' || *p == ' ' || *p == '\r'))
			p++;
		if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
			memset(&it->frame, 0, sizeof it->frame);
			it->err = DC09_ERR_TOO_LONG;
			it->why = dc09_err_name(it->err);
		} else {
			item_parse(it, p, (size_t)(e - p));
		}
	}
}

/* ---- deciding ---- */

static void events_reserve(struct rx_unit *u, size_t more)
{
	if (u->n_events + more <= u->cap_events)
		return;
	size_t cap = u->cap_events ? u->cap_events : 256;
	while (cap < u->n_events + more)
		cap *= 2;
	u->events = xrealloc(u->events, cap * sizeof *u->events);
	u->cap_events = cap;
}

static int reply_set(struct rx_item *it, enum rx_reply r, const char *why)
{
	it->reply = r;
	it->why = why;
	return 0;
}

/* Everything short of storing: sets it->reply, or REPLY_STORE with its
 * events appended to the open unit's events. */
static int item_decide(struct alarm_rx *rx, struct rx_item *it, int64_t now_ms)
{
	struct dc09_frame *f = &it->frame;
	const char *rest;
	int is_null, rc;

	if (it->err)
		return reply_set(it, REPLY_NAK, it->why);
	is_null = strcmp(f->id, "NULL") == 0;
	if (!is_null && strcmp(f->id, "SIA-DCS") != 0 && strcmp(f->id, "ADM-CID") != 0)
		return reply_set(it, REPLY_DUH, "unsupported_id");
	if (f->acct_mark == '#')
		memcpy(it->account, f->account, sizeof it->account);
	else if (!f->encrypted && alarm_data_account(f->data, it->account, &rest) != 0)
		return reply_set(it, REPLY_DUH, "bad_account");
	if (!it->account[0])
		return reply_set(it, REPLY_DUH, "no_account");
	memset(&it->acct, 0, sizeof it->acct);
	if (rx->sink.lookup_account(rx->sink.ctx, f->receiver, f->line, it->account, &it->acct) != 0)
		return reply_set(it, REPLY_NAK, "lookup_failed");
	if (!it->acct.known)
		return reply_set(it, REPLY_DUH, "unknown_account");
	if (f->encrypted) {
		if (it->acct.key.len == 0)
			return reply_set(it, REPLY_DUH, "no_key");
		rc = dc09_frame_decrypt(f, &it->acct.key);
		if (rc == DC09_ERR_TIME)
			return reply_set(it, REPLY_NAK, "bad_timestamp");
		if (rc != 0)
			return reply_set(it, REPLY_DUH, "undecryptable");
		if (dc09_time_check(f->time_s, now_ms) != 0)
			return reply_set(it, REPLY_NAK, "timestamp_window");
	} else if (it->acct.key.len > 0) {
		return reply_set(it, REPLY_DUH, "encryption_required");
	}
	if (is_null) {
		it->link_test = 1;
		return reply_set(it, REPLY_ACK, NULL);
	}
	struct rx_unit *u = rx->open;
	events_reserve(u, ALARM_FRAME_EVENTS_MAX);
	size_t n = 0;
	struct alarm_event *ev = u->events + u->n_events;
	if (alarm_payload_decode(f, ev, ALARM_FRAME_EVENTS_MAX, &n) != 0)
		return reply_set(it, REPLY_DUH, "unsupported_payload");
	if (n == 0) {
		it->link_test = 1;
		return reply_set(it, REPLY_ACK, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		ev[i].device_id = it->acct.device_id;
		ev[i].received_ms = now_ms;
		ev[i].result = ALARM_STORE_PENDING;
		if (!ev[i].account[0])
			memcpy(ev[i].account, it->account, sizeof ev[i].account);
	}
	it->ev_first = u->n_events;
	it->ev_n = n;
	u->n_events += n;
	return reply_set(it, REPLY_STORE, NULL);
}

static void item_log(const struct rx_item *it, const char *reply)
{
	json_t *o = json_object();
	json_object_set_new(o, "reply", json_string(reply));
	json_object_set_new(o, "reason", json_string(it->why ? it->why : ""));
	char peer[64] = "udp";
	if (!it->conn) {
		char host[48] = "?", serv[8] = "?";
		getnameinfo((const struct sockaddr *)&it->addr, it->addrlen, host, sizeof host, serv,
			    sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV);
		snprintf(peer, sizeof peer, "udp:%s:%s", host, serv);
	}
	json_object_set_new(o, "peer", json_string(it->conn ? it->conn->peer : peer));
	if (it->account[0])
		json_object_set_new(o, "account", json_string(it->account));
	if (it->frame.seq[0])
		json_object_set_new(o, "seq", json_string(it->frame.seq));
	log_json(LOG_WARN, "alarm rx: frame refused", o);
}

static void item_send(struct alarm_rx *rx, struct rx_item *it, int64_t now_ms)
{
	char out[RX_REPLY_MAX];
	size_t len = 0;
	int rc = -1;

	switch (it->reply) {
	case REPLY_ACK:
		rc = dc09_ack_encode(&it->frame, &it->acct.key, now_ms, out, sizeof out, &len);
		atomic_fetch_add(&rx->acks, 1);
		break;
	case REPLY_DUH:
		rc = dc09_duh_encode(&it->frame, out, sizeof out, &len);
		atomic_fetch_add(&rx->duhs, 1);
		item_log(it, "DUH");
		break;
	default:
		rc = dc09_nak_encode(now_ms, out, sizeof out, &len);
		atomic_fetch_add(&rx->naks, 1);
		item_log(it, "NAK");
		break;
	}
	if (rc != 0) {
		log_error("alarm rx: cannot encode reply: %s", dc09_err_name(rc));
		return;
	}
	if (it->conn) {
		struct rx_conn *c = it->conn;
		if (c->dead)
			return;
		if (c->out.len + len > RX_OUT_MAX) {
			c->dead = 1;
			return;
		}
		buf_append(&c->out, out, len);
		conn_touch(rx, c);
	} else {
		sendto(rx->udp, out, len, MSG_DONTWAIT, (struct sockaddr *)&it->addr, it->addrlen);
	}
}

/* The reply of one frame, once it is final; refreshes supervision. */
static void item_answer(struct alarm_rx *rx, struct rx_item *it, int64_t now_ms)
{
	if (it->reply == REPLY_ACK && rx->sink.heard)
		rx->sink.heard(rx->sink.ctx, it->acct.device_id, it->account, it->rx_ms,
			       it->link_test);
	item_send(rx, it, now_ms);
}

/* Decides the frames read this round. Those that store nothing are
 * answered now when their connection has nothing waiting (UDP never
 * waits: datagrams carry no order); the others stay in the open unit
 * (compacted), counted in their connection's inflight. */
static void round_process(struct alarm_rx *rx)
{
	struct rx_unit *u = rx->open;
	int64_t now_ms = clock_now_ms();
	size_t w = rx->round_first;

	if (u->n_items == rx->round_first)
		return;
	atomic_fetch_add(&rx->frames, u->n_items - rx->round_first);
	for (size_t i = rx->round_first; i < u->n_items; i++) {
		struct rx_item *it = &u->items[i];
		it->rx_ms = now_ms;
		item_decide(rx, it, now_ms);
		if (it->reply != REPLY_STORE && (!it->conn || it->conn->inflight == 0)) {
			item_answer(rx, it, now_ms);
			continue;
		}
		if (it->conn)
			it->conn->inflight++;
		if (w != i)
			u->items[w] = *it;
		w++;
	}
	u->n_items = w;
	rx->round_first = w;
}

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Counts a commit's events in the epoch; at its end, records the mode's
 * rate and picks the mode of the next epoch (see gather_mode). */
static void gather_mode_update(struct alarm_rx *rx, size_t events)
{
	int64_t now = mono_us();
	int m = rx->gather_mode;

	if (rx->epoch_start == 0 || now - rx->epoch_start > 5 * RX_EPOCH_US) {
		/* First commit, or after an idle spell: a new epoch (the rate
		 * of one spanning the pause would not measure the mode). */
		rx->epoch_start = now;
		rx->epoch_events = 0;
	}
	rx->epoch_events += events;
	if (now - rx->epoch_start < RX_EPOCH_US)
		return;
	double rate = (double)rx->epoch_events * 1e6 / (double)(now - rx->epoch_start);
	/* Averaged with the mode's earlier epochs: one noisy epoch (another
	 * process on the CPUs) does not flip the choice. */
	rx->mode_rate[m] = rx->mode_rate[m] < 0 ? rate : (rx->mode_rate[m] + rate) / 2;
	atomic_fetch_add(&rx->epochs[m], 1);
	rx->epoch_start = now;
	rx->epoch_events = 0;
	if (rx->mode_rate[!m] < 0 || ++rx->epochs_since_probe >= RX_PROBE_EVERY) {
		rx->epochs_since_probe = 0;
		rx->gather_mode = !m;
		return;
	}
	rx->gather_mode = rx->mode_rate[1] > rx->mode_rate[0] * RX_GATHER_GAIN;
}

/* Sends the replies of a unit whose store_batch returned (rc), in order. */
static void unit_complete(struct alarm_rx *rx, struct rx_unit *u)
{
	int64_t now_ms = clock_now_ms();

	if (u->n_events > 0) {
		gather_mode_update(rx, u->n_events);
		atomic_fetch_add(&rx->batches, 1);
		if (u->rc != 0)
			log_error("alarm rx: storing %zu events failed", u->n_events);
		else
			atomic_fetch_add(&rx->nevents, u->n_events);
	}
	for (size_t i = 0; i < u->n_items; i++) {
		struct rx_item *it = &u->items[i];
		if (it->reply == REPLY_STORE) {
			int ok = u->rc == 0;
			for (size_t k = 0; k < it->ev_n && ok; k++) {
				enum alarm_store_result r = u->events[it->ev_first + k].result;
				ok = r == ALARM_STORE_STORED || r == ALARM_STORE_DUPLICATE;
			}
			reply_set(it, ok ? REPLY_ACK : REPLY_NAK, ok ? NULL : "store_failed");
		}
		item_answer(rx, it, now_ms);
		if (it->conn) {
			it->conn->inflight--;
			conn_touch(rx, it->conn);
		}
	}
	u->n_items = 0;
	u->n_events = 0;
	u->rc = 0;
}

/* Hands the open unit to the committer (which must be idle) and opens
 * the other one. A unit without events needs no commit: answered now.
 * While gathering, waits for the target or the deadline (force: not). */
static void unit_submit(struct alarm_rx *rx, int force)
{
	struct rx_unit *u = rx->open;

	if (rx->gather_until && mono_us() >= rx->gather_until)
		rx->gather_until = 0;
	if (u->n_items == 0)
		return;
	if (rx->gather_until && !force && u->n_items < rx->gather_target &&
	    mono_us() < rx->gather_until)
		return;
	rx->gather_until = 0;
	if (u->n_events == 0) {
		unit_complete(rx, u);
		rx->round_first = 0;
		return;
	}
	/* The items array no longer moves: point the events at their frames. */
	for (size_t i = 0; i < u->n_items; i++)
		for (size_t k = 0; k < u->items[i].ev_n; k++)
			u->events[u->items[i].ev_first + k].frame = &u->items[i].frame;
	rx->busy = u;
	rx->open = u == &rx->units[0] ? &rx->units[1] : &rx->units[0];
	rx->round_first = 0;
	pthread_mutex_lock(&rx->qlock);
	rx->job = u;
	rx->job_done = 0;
	pthread_cond_signal(&rx->qcond);
	pthread_mutex_unlock(&rx->qlock);
}

/* The busy unit, if its commit returned (wait: block until it does):
 * answered; then the open unit goes to the committer. Every item of the
 * open unit must have been decided (round_process). */
static void unit_collect(struct alarm_rx *rx, int wait)
{
	if (rx->busy) {
		pthread_mutex_lock(&rx->qlock);
		while (wait && !rx->job_done)
			pthread_cond_wait(&rx->dcond, &rx->qlock);
		int done = rx->job_done;
		pthread_mutex_unlock(&rx->qlock);
		if (!done)
			return;
		struct rx_unit *u = rx->busy;
		size_t answered = u->n_items;
		int64_t gather = u->commit_us / 2;
		rx->busy = NULL;
		unit_complete(rx, u);
		if (gather > RX_GATHER_MAX_US)
			gather = RX_GATHER_MAX_US;
		if (rx->gather_mode && answered > 1 && gather > 0) {
			rx->gather_target = rx->open->n_items + answered;
			rx->gather_until = mono_us() + gather;
		}
	}
	unit_submit(rx, wait);
}

static void *committer_main(void *arg)
{
	struct alarm_rx *rx = arg;
	uint64_t one = 1;

	pthread_mutex_lock(&rx->qlock);
	for (;;) {
		while (!rx->job && !rx->cstop)
			pthread_cond_wait(&rx->qcond, &rx->qlock);
		if (!rx->job)
			break;
		struct rx_unit *u = rx->job;
		pthread_mutex_unlock(&rx->qlock);
		/* Durable when it returns: only then may the loop ACK. */
		int64_t t0 = mono_us();
		u->rc = rx->sink.store_batch(rx->sink.ctx, u->events, u->n_events);
		u->commit_us = mono_us() - t0;
		pthread_mutex_lock(&rx->qlock);
		rx->job = NULL;
		rx->job_done = 1;
		pthread_cond_signal(&rx->dcond);
		if (write(rx->cfd, &one, sizeof one) != sizeof one)
			log_error("alarm rx: cannot signal a commit: %s", strerror(errno));
		if (rx->sink.after_batch) {
			pthread_mutex_unlock(&rx->qlock);
			rx->sink.after_batch(rx->sink.ctx);
			pthread_mutex_lock(&rx->qlock);
		}
	}
	pthread_mutex_unlock(&rx->qlock);
	return NULL;
}

/* Writes replies and closes connections that ended. */
static void round_finish(struct alarm_rx *rx)
{
	for (size_t i = 0; i < rx->n_touched; i++) {
		struct rx_conn *c = rx->touched[i];
		c->dirty = 0;
		conn_flush(rx, c);
		if (!c->dead && !(c->eof && c->out.len == 0))
			continue;
		if (c->inflight == 0)
			conn_close(rx, c);
		else
			conn_park(rx, c);
	}
	rx->n_touched = 0;
}

static void idle_sweep(struct alarm_rx *rx)
{
	int64_t now = clock_mono_ms();
	while (rx->idle_head && rx->idle_head->last_ms + rx->opts.idle_ms <= now) {
		struct rx_conn *c = rx->idle_head;
		if (c->inflight > 0) {
			/* Waiting for its replies: not idle. */
			c->last_ms = now;
			idle_unlink(rx, c);
			idle_append(rx, c);
			continue;
		}
		if (dc09_stream_pending(&c->stream))
			log_info("alarm rx: %s idle with a partial frame, closed", c->peer);
		conn_close(rx, c);
	}
}

static void *rx_main(void *arg)
{
	struct alarm_rx *rx = arg;
	struct epoll_event evs[RX_EPOLL_MAX];
	int stop = 0;

	while (!stop) {
		int sweep = 0;
		/* Gathering: wake up at the deadline at the latest. */
		struct timespec tmo, *tp = NULL;
		if (rx->gather_until && !rx->busy && rx->open->n_items > 0) {
			int64_t left = rx->gather_until - mono_us();
			if (left < 0)
				left = 0;
			tmo.tv_sec = left / 1000000;
			tmo.tv_nsec = (long)(left % 1000000) * 1000;
			tp = &tmo;
		}
		int n = epoll_pwait2(rx->ep, evs, RX_EPOLL_MAX, tp, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("alarm rx: epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			uint64_t v;
			if (p == &rx->efd) {
				if (read(rx->efd, &v, sizeof v) < 0)
					v = 0;
				stop = 1;
			} else if (p == &rx->cfd) {
				if (read(rx->cfd, &v, sizeof v) < 0)
					v = 0;
			} else if (p == &rx->tfd) {
				if (read(rx->tfd, &v, sizeof v) < 0)
					v = 0;
				sweep = 1;
			} else if (p == &rx->tcp) {
				accept_ready(rx);
			} else if (p == &rx->udp) {
				udp_read(rx);
			} else {
				struct rx_conn *c = p;
				if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
					conn_read(rx, c);
				if (evs[i].events & EPOLLOUT)
					conn_touch(rx, c);
			}
		}
		round_process(rx);
		/* Answers the committed unit, hands over the open one. A full
		 * open unit waits for the commit (backpressure). */
		unit_collect(rx, rx->open->n_items >= RX_OPEN_MAX);
		round_finish(rx);
		if (sweep)
			idle_sweep(rx);
	}
	/* Stopping: what was read is stored and answered first. */
	round_process(rx);
	while (rx->busy || rx->open->n_items)
		unit_collect(rx, 1);
	round_finish(rx);
	while (rx->idle_head)
		conn_close(rx, rx->idle_head);
	return NULL;
}

/* ---- start / stop ---- */

static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			log_warn("alarm rx: cannot raise RLIMIT_NOFILE: %s", strerror(errno));
	}
}

static int bind_socket(const struct addrinfo *ai, int type, unsigned port)
{
	struct sockaddr_storage sa;
	int one = 1;
	int fd = socket(ai->ai_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memcpy(&sa, ai->ai_addr, ai->ai_addrlen);
	if (sa.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&sa)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)&sa)->sin_port = htons((uint16_t)port);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, ai->ai_addrlen) != 0)
		goto fail;
	if (type == SOCK_STREAM && listen(fd, SOMAXCONN) != 0)
		goto fail;
	if (type == SOCK_DGRAM) {
		int sz = 4 << 20;
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static unsigned bound_port(int fd)
{
	struct sockaddr_storage sa;
	socklen_t sl = sizeof sa;
	if (getsockname(fd, (struct sockaddr *)&sa, &sl) != 0)
		return 0;
	if (sa.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
	return ntohs(((struct sockaddr_in *)&sa)->sin_port);
}

/* TCP and UDP on the same port; port 0 tries a few free ports. */
static int bind_both(struct alarm_rx *rx, const char *hostport)
{
	char host[256];
	unsigned port;
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *ai = NULL;

	if (config_split_hostport(hostport, host, sizeof host, &port) != 0) {
		log_error("alarm rx: bad address '%s' (want HOST:PORT)", hostport);
		return -1;
	}
	int gai = getaddrinfo(host, NULL, &hints, &ai);
	if (gai != 0) {
		log_error("alarm rx: cannot resolve '%s': %s", host, gai_strerror(gai));
		return -1;
	}
	for (int attempt = 0; attempt < (port ? 1 : 20); attempt++) {
		rx->tcp = bind_socket(ai, SOCK_STREAM, port);
		if (rx->tcp < 0)
			break;
		rx->port = bound_port(rx->tcp);
		rx->udp = bind_socket(ai, SOCK_DGRAM, rx->port);
		if (rx->udp >= 0) {
			freeaddrinfo(ai);
			return 0;
		}
		close(rx->tcp);
		rx->tcp = -1;
	}
	log_error("alarm rx: cannot bind %s (TCP and UDP): %s", hostport, strerror(errno));
	freeaddrinfo(ai);
	return -1;
}

static int ep_add(int ep, int fd, void *tag)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = tag};
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static void rx_free(struct alarm_rx *rx)
{
	int fds[] = {rx->ep, rx->tcp, rx->udp, rx->tfd, rx->efd, rx->cfd, rx->spare_fd};
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (rx->committer_started) {
		pthread_mutex_lock(&rx->qlock);
		rx->cstop = 1;
		pthread_cond_signal(&rx->qcond);
		pthread_mutex_unlock(&rx->qlock);
		pthread_join(rx->committer, NULL);
	}
	pthread_mutex_destroy(&rx->qlock);
	pthread_cond_destroy(&rx->qcond);
	pthread_cond_destroy(&rx->dcond);
	for (int i = 0; i < 2; i++) {
		free(rx->units[i].items);
		free(rx->units[i].events);
	}
	free(rx->touched);
	free(rx);
}

int rx_start_opts(const char *hostport, const struct alarm_sink *sink, const struct rx_opts *opts,
		  struct alarm_rx **out)
{
	struct alarm_rx *rx = xcalloc(1, sizeof *rx);

	rx->ep = rx->tcp = rx->udp = rx->tfd = rx->efd = rx->cfd = rx->spare_fd = -1;
	rx->open = &rx->units[0];
	rx->gather_mode = 1;
	rx->mode_rate[0] = rx->mode_rate[1] = -1;
	pthread_mutex_init(&rx->qlock, NULL);
	pthread_cond_init(&rx->qcond, NULL);
	pthread_cond_init(&rx->dcond, NULL);
	rx->sink = *sink;
	rx->opts.idle_ms = opts && opts->idle_ms > 0 ? opts->idle_ms : 60000;
	rx->opts.tick_ms = opts && opts->tick_ms > 0 ? opts->tick_ms : 1000;
	if (!sink->lookup_account || !sink->store_batch) {
		log_error("alarm rx: sink without lookup_account or store_batch");
		goto fail;
	}
	raise_nofile();
	if (bind_both(rx, hostport) != 0)
		goto fail;
	rx->ep = epoll_create1(EPOLL_CLOEXEC);
	rx->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	rx->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	rx->cfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	rx->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (rx->ep < 0 || rx->tfd < 0 || rx->efd < 0 || rx->cfd < 0)
		goto fail;
	struct itimerspec its = {0};
	its.it_interval.tv_sec = rx->opts.tick_ms / 1000;
	its.it_interval.tv_nsec = (long)(rx->opts.tick_ms % 1000) * 1000000L;
	its.it_value = its.it_interval;
	if (timerfd_settime(rx->tfd, 0, &its, NULL) != 0)
		goto fail;
	if (ep_add(rx->ep, rx->tcp, &rx->tcp) || ep_add(rx->ep, rx->udp, &rx->udp) ||
	    ep_add(rx->ep, rx->tfd, &rx->tfd) || ep_add(rx->ep, rx->efd, &rx->efd) ||
	    ep_add(rx->ep, rx->cfd, &rx->cfd))
		goto fail;
	if (pthread_create(&rx->committer, NULL, committer_main, rx) != 0)
		goto fail;
	rx->committer_started = 1;
	pthread_setname_np(rx->committer, "alarm-commit");
	if (pthread_create(&rx->thread, NULL, rx_main, rx) != 0)
		goto fail;
	pthread_setname_np(rx->thread, "alarm-rx");
	log_info("alarm rx: listening on %s (TCP+UDP port %u)", hostport, rx->port);
	*out = rx;
	return 0;
fail:
	rx_free(rx);
	return -1;
}

int rx_start(const char *hostport, const struct alarm_sink *sink, struct alarm_rx **out)
{
	return rx_start_opts(hostport, sink, NULL, out);
}

unsigned rx_port(const struct alarm_rx *rx)
{
	return rx->port;
}

void rx_stats_get(const struct alarm_rx *rx, struct rx_stats *out)
{
	out->frames = atomic_load(&rx->frames);
	out->acks = atomic_load(&rx->acks);
	out->naks = atomic_load(&rx->naks);
	out->duhs = atomic_load(&rx->duhs);
	out->events = atomic_load(&rx->nevents);
	out->batches = atomic_load(&rx->batches);
	out->conns_open = atomic_load(&rx->conns_open);
	out->conns_total = atomic_load(&rx->conns_total);
	out->epochs_gather = atomic_load(&rx->epochs[1]);
	out->epochs_direct = atomic_load(&rx->epochs[0]);
}

void rx_stop(struct alarm_rx *rx)
{
	uint64_t one = 1;

	if (!rx)
		return;
	if (write(rx->efd, &one, sizeof one) != sizeof one)
		log_error("alarm rx: cannot signal stop: %s", strerror(errno));
	pthread_join(rx->thread, NULL);
	rx_free(rx);
	log_info("alarm rx: stopped");
}
