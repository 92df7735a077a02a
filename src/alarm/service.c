/* The alarm service (see service.h): the receiver's sink (device table,
 * durable batches), supervision (supervise.c, ticked by the pipeline
 * thread), the pipeline and the notifier, started and stopped with the
 * serving process. */
#include "alarm/service.h"

#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alarm/dedupe.h"
#include "core/notify.h"
#include "alarm/pipeline.h"
#include "alarm/rx.h"
#include "alarm/supervise.h"
#include "app.h"
#include "auth/service.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "store/alarm.h"

#define DEV_BUCKETS 65536          /* power of two */
#define SV_TICK_MS 250
#define HEARD_FLUSH_MS 5000
#define DEDUPE_PRUNE_MS 10000
#define CKPT_PERIOD_MS 50
#define WAL_RESTART_FRAMES 2048    /* 8 MiB of 4 KiB pages */

enum commissioning { COMM_REGISTERED, COMM_TESTED, COMM_LIVE };

struct dev {
	struct dev *next_acct, *next_id;
	int64_t id;
	char account[DC09_ACCT_MAX];
	char receiver[DC09_RCVR_MAX];
	char line[DC09_LINE_MAX];
	struct dc09_key key;
	int key_bad;                   /* a key is set but unusable */
	char unit[8];
	char facility_id[64];
	char *site_name, *address, *contacts;
	double lat, lon;
	int64_t supervision_s;
	int commissioning;
	_Atomic int64_t last_heard_ms;
	atomic_int dirty;
};

struct batch_site {
	char unit[8];
	char facility[64];
};

struct alarm_state {
	struct app *app;
	struct alarm_rx *rx;
	struct supervise *sv;
	struct pipeline *pl;
	struct notice_queue *nt;
	pthread_rwlock_t lock;         /* the device table */
	struct dev *by_acct[DEV_BUCKETS];
	struct dev *by_id[DEV_BUCKETS];
	size_t ndev;
	int durable;                   /* committer thread's connection set up */
	struct dedupe *dd;             /* keys of the last 10 minutes (committer) */
	int64_t dd_pruned_ms;
	_Atomic int64_t store_ns;      /* time spent storing (stats) */
	struct buf key, key2;
	struct buf keys;               /* this batch's keys, NUL-separated */
	size_t *key_off;
	const char **key_ptr;
	/* committer thread scratch (sink_store) */
	uint64_t *hashes;
	struct batch_site *bsites;
	struct store_alarm_site *sites;
	int64_t *ids;
	struct store_device_touch *touch;
	struct pipeline_job *jobs;
	size_t cap;
	/* devices heard by link tests, waiting for the periodic flush */
	pthread_mutex_t heard_lock;
	int64_t *heard_ids;
	size_t nheard, capheard;
	int64_t heard_flushed_ms;
	/* WAL checkpoints (see ckpt_main) */
	pthread_t ckpt_thread;
	int ckpt_started, ckpt_stop;
	pthread_mutex_t ckpt_lock;
	pthread_cond_t ckpt_cond;
	atomic_int ckpt_running;
	atomic_int wal_log, wal_done;  /* frames, as the last checkpoint saw them */
};

/* ---- the device table ---- */

static size_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)(*s >= 'a' && *s <= 'f' ? *s - 32 : *s)) * 1099511628211ULL;
	return (size_t)h & (DEV_BUCKETS - 1);
}

static size_t hash_id(int64_t id)
{
	return (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ULL) >> 40) & (DEV_BUCKETS - 1);
}

static void dev_free(struct dev *d)
{
	if (!d)
		return;
	sodium_memzero(&d->key, sizeof d->key);
	free(d->site_name);
	free(d->address);
	free(d->contacts);
	free(d);
}

static int commissioning_of(const char *s)
{
	if (s && strcmp(s, "live") == 0)
		return COMM_LIVE;
	if (s && strcmp(s, "tested") == 0)
		return COMM_TESTED;
	return COMM_REGISTERED;
}

static struct dev *dev_from_row(const struct store_device *r)
{
	struct dev *d = xcalloc(1, sizeof *d);
	d->id = r->id;
	snprintf(d->account, sizeof d->account, "%s", r->account ? r->account : "");
	snprintf(d->receiver, sizeof d->receiver, "%s", r->receiver ? r->receiver : "");
	snprintf(d->line, sizeof d->line, "%s", r->line ? r->line : "");
	if (r->key_unreadable) {
		d->key_bad = 1;
		log_warn("alarm: device %lld has a key that does not open with the personal-data "
			 "key file", (long long)r->id);
	} else if (r->key && r->key[0]) {
		enum dc09_key_form form = DC09_KEY_AUTO;
		if (r->key_kind && strcmp(r->key_kind, "hex") == 0)
			form = DC09_KEY_HEX;
		else if (r->key_kind && strcmp(r->key_kind, "raw") == 0)
			form = DC09_KEY_RAW;
		if (dc09_key_parse(r->key, form, &d->key) != 0) {
			d->key_bad = 1;
			log_warn("alarm: device %lld has an unusable key", (long long)r->id);
		}
	}
	snprintf(d->unit, sizeof d->unit, "%s", r->unit ? r->unit : "");
	snprintf(d->facility_id, sizeof d->facility_id, "%s", r->facility_id ? r->facility_id : "");
	d->site_name = xstrdup(r->site_name ? r->site_name : "");
	d->address = xstrdup(r->address ? r->address : "");
	d->contacts = xstrdup(r->contacts ? r->contacts : "[]");
	d->lat = r->lat;
	d->lon = r->lon;
	d->supervision_s = r->supervision_s > 0 ? r->supervision_s : 90;
	d->commissioning = commissioning_of(r->commissioning);
	atomic_store(&d->last_heard_ms, r->last_heard_ms);
	return d;
}

/* Called with the write lock held. */
static struct dev *dev_unlink(struct alarm_state *a, int64_t id)
{
	struct dev **pp = &a->by_id[hash_id(id)];
	struct dev *d = NULL;
	for (; *pp; pp = &(*pp)->next_id) {
		if ((*pp)->id == id) {
			d = *pp;
			*pp = d->next_id;
			break;
		}
	}
	if (!d)
		return NULL;
	for (pp = &a->by_acct[hash_str(d->account)]; *pp; pp = &(*pp)->next_acct) {
		if (*pp == d) {
			*pp = d->next_acct;
			break;
		}
	}
	a->ndev--;
	return d;
}

static void dev_link(struct alarm_state *a, struct dev *d)
{
	size_t h = hash_str(d->account);
	d->next_acct = a->by_acct[h];
	a->by_acct[h] = d;
	h = hash_id(d->id);
	d->next_id = a->by_id[h];
	a->by_id[h] = d;
	a->ndev++;
}

static struct dev *dev_by_id(struct alarm_state *a, int64_t id)
{
	for (struct dev *d = a->by_id[hash_id(id)]; d; d = d->next_id)
		if (d->id == id)
			return d;
	return NULL;
}

static int hex_eq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* How well a device's receiver or line (dv, "" = any) fits the frame's
 * (fv, NULL or "" = not sent): 2 the same, 1 the device takes any, 0 the
 * frame did not say, -1 a different one. */
static int rl_fit(const char *dv, const char *fv)
{
	int fe = !fv || !fv[0];
	if (!dv[0])
		return fe ? 2 : 1;
	if (fe)
		return 0;
	return hex_eq(dv, fv) ? 2 : -1;
}

/* The device for a frame's (receiver, line, account): each device is
 * registered on its own (account, receiver, line), so the best fit wins
 * (the line counts more than the receiver: DC-09 always sends it), and
 * among equal fits the oldest device; NULL when none fits. */
static struct dev *dev_by_account(struct alarm_state *a, const char *receiver, const char *line,
				  const char *account)
{
	struct dev *best = NULL;
	int best_score = -1;
	for (struct dev *d = a->by_acct[hash_str(account)]; d; d = d->next_acct) {
		if (!hex_eq(d->account, account))
			continue;
		int r = rl_fit(d->receiver, receiver), l = rl_fit(d->line, line);
		if (r < 0 || l < 0)
			continue;
		int score = 3 * l + r;
		if (score > best_score || (score == best_score && d->id < best->id)) {
			best = d;
			best_score = score;
		}
	}
	return best;
}

static void supervise_device(struct alarm_state *a, const struct dev *d, int64_t now_ms)
{
	/* Devices not yet installed (registered, never heard) are not
	 * supervised: they would only raise false failures. */
	if (d->commissioning == COMM_REGISTERED && atomic_load(&d->last_heard_ms) == 0)
		return;
	supervise_set(a->sv, d->id, d->supervision_s * 1000, now_ms);
}

static void load_key(void *ctx, const char *key, int64_t id, int64_t ms)
{
	struct alarm_state *a = ctx;
	dedupe_add(a->dd, dedupe_hash(key), id, ms);
}

static int load_one(void *ctx, const struct store_device *r)
{
	struct alarm_state *a = ctx;
	struct dev *d = dev_from_row(r);
	dev_link(a, d);
	supervise_device(a, d, clock_now_ms());
	return 0;
}

void alarm_service_device_changed(struct app *app, int64_t id)
{
	struct alarm_state *a = app ? app->alarm : NULL;
	struct store_device r;

	if (!a)
		return;
	int rc = store_device_get(app->store, auth_pii_keys(app), id, &r);
	pthread_rwlock_wrlock(&a->lock);
	dev_free(dev_unlink(a, id));
	if (rc == STORE_OK) {
		struct dev *d = dev_from_row(&r);
		dev_link(a, d);
		/* Under the lock: another change may free d once it is released. */
		supervise_device(a, d, clock_now_ms());
	} else {
		supervise_remove(a->sv, id);
	}
	pthread_rwlock_unlock(&a->lock);
	if (rc == STORE_OK)
		store_device_clear(&r);
}

int64_t alarm_service_last_heard(struct app *app, int64_t id)
{
	struct alarm_state *a = app ? app->alarm : NULL;
	int64_t ms = 0;
	if (!a)
		return 0;
	pthread_rwlock_rdlock(&a->lock);
	struct dev *d = dev_by_id(a, id);
	if (d)
		ms = atomic_load(&d->last_heard_ms);
	pthread_rwlock_unlock(&a->lock);
	return ms;
}

/* ---- the sink ----
 * sink_lookup and sink_heard run on the receiver thread; sink_store on
 * the receiver's committer thread, one batch at a time in arrival order,
 * so the retransmission memory (dedupe) needs no lock and a batch sees
 * every key of the batches before it already stored (or removed, when
 * that commit failed and its frames were NAKed): an event retransmitted
 * while its first copy is being committed is checked after that commit
 * and found a duplicate. */

static int sink_lookup(void *ctx, const char *receiver, const char *line, const char *account,
		       struct alarm_account *out)
{
	struct alarm_state *a = ctx;

	memset(out, 0, sizeof *out);
	pthread_rwlock_rdlock(&a->lock);
	struct dev *d = dev_by_account(a, receiver, line, account);
	if (d && !d->key_bad) {
		out->known = 1;
		out->device_id = d->id;
		out->key = d->key;
	}
	pthread_rwlock_unlock(&a->lock);
	return 0;
}

static void scratch_reserve(struct alarm_state *a, size_t n)
{
	if (n <= a->cap)
		return;
	size_t c = a->cap ? a->cap : 256;
	while (c < n)
		c *= 2;
	a->bsites = xrealloc(a->bsites, c * sizeof *a->bsites);
	a->sites = xrealloc(a->sites, c * sizeof *a->sites);
	a->ids = xrealloc(a->ids, c * sizeof *a->ids);
	a->touch = xrealloc(a->touch, c * sizeof *a->touch);
	a->jobs = xrealloc(a->jobs, c * sizeof *a->jobs);
	a->hashes = xrealloc(a->hashes, c * sizeof *a->hashes);
	a->key_off = xrealloc(a->key_off, c * sizeof *a->key_off);
	a->key_ptr = xrealloc(a->key_ptr, c * sizeof *a->key_ptr);
	a->cap = c;
}

/* The touch of device id in this batch (added on first use). Batches are
 * a few hundred events: a backwards scan finds recent devices at once. */
static struct store_device_touch *touch_of(struct alarm_state *a, size_t *nt, int64_t id,
					   int64_t now_ms)
{
	for (size_t i = *nt; i-- > 0;)
		if (a->touch[i].device_id == id)
			return &a->touch[i];
	struct store_device_touch *t = &a->touch[(*nt)++];
	memset(t, 0, sizeof *t);
	t->device_id = id;
	t->last_heard_ms = now_ms;
	return t;
}

/* Marks ev[i] DUPLICATE when its key was stored within the window (or
 * appears earlier in this batch); else records it as pending -(i+1). */
static void dedupe_check(struct alarm_state *a, struct alarm_event *ev, size_t i)
{
	size_t pos = 0;
	int64_t id, ms;

	store_alarm_key(&ev[i], &a->key);
	a->key_off[i] = a->keys.len;
	buf_append(&a->keys, buf_str(&a->key), a->key.len + 1);
	uint64_t h = dedupe_hash(buf_str(&a->key));
	a->hashes[i] = h;
	while (dedupe_next(a->dd, h, ev[i].received_ms, &pos, &id, &ms)) {
		int same;
		if (id < 0) {
			same = strcmp(buf_str(&a->key), a->keys.data + a->key_off[-id - 1]) == 0;
		} else {
			same = store_alarm_event_key(a->app->store, id, &a->key2) == STORE_OK &&
			       strcmp(buf_str(&a->key), buf_str(&a->key2)) == 0;
		}
		if (same) {
			ev[i].result = ALARM_STORE_DUPLICATE;
			return;
		}
	}
	ev[i].result = ALARM_STORE_PENDING;
	dedupe_add(a->dd, h, -(int64_t)i - 1, ev[i].received_ms);
}

static int sink_store(void *ctx, struct alarm_event *ev, size_t n)
{
	struct alarm_state *a = ctx;
	struct store *st = a->app->store;
	size_t nt = 0, nj = 0;
	int64_t now_ms = n ? ev[0].received_ms : clock_now_ms();

	if (!a->durable) {
		if (store_alarm_durable(st) != 0)
			return -1;
		a->durable = 1;
	}
	scratch_reserve(a, n);
	pthread_rwlock_rdlock(&a->lock);
	for (size_t i = 0; i < n; i++) {
		struct dev *d = dev_by_id(a, ev[i].device_id);
		struct batch_site *bs = &a->bsites[i];
		bs->unit[0] = bs->facility[0] = '\0';
		if (d) {
			memcpy(bs->unit, d->unit, sizeof bs->unit);
			memcpy(bs->facility, d->facility_id, sizeof bs->facility);
		}
		a->sites[i].unit = bs->unit[0] ? bs->unit : NULL;
		a->sites[i].facility_id = bs->facility[0] ? bs->facility : NULL;
		/* Devices are touched only when their state or commissioning
		 * changes; last-heard times go through the periodic flush. */
		enum alarm_class c = ev[i].cls;
		int tested = c == ALARM_CLASS_TEST && d && d->commissioning == COMM_REGISTERED;
		int stateful = c == ALARM_CLASS_ALARM || c == ALARM_CLASS_TROUBLE;
		if (!ev[i].device_id || (!tested && !stateful))
			continue;
		struct store_device_touch *t = touch_of(a, &nt, ev[i].device_id, now_ms);
		if (c == ALARM_CLASS_ALARM && !ev[i].restore)
			t->state = "alarm";
		else if (c == ALARM_CLASS_TROUBLE && !ev[i].restore &&
			 !(t->state && strcmp(t->state, "alarm") == 0))
			t->state = "trouble";
		else if (stateful && ev[i].restore)
			t->state = "normal";
		if (tested)
			t->tested = 1;
	}
	pthread_rwlock_unlock(&a->lock);

	if (now_ms - a->dd_pruned_ms >= DEDUPE_PRUNE_MS) {
		dedupe_prune(a->dd, now_ms);
		a->dd_pruned_ms = now_ms;
	}
	buf_reset(&a->keys);
	for (size_t i = 0; i < n; i++)
		dedupe_check(a, ev, i);
	for (size_t i = 0; i < n; i++)
		a->key_ptr[i] = a->keys.data + a->key_off[i];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = store_alarm_batch_keys(st, ev, a->sites, a->key_ptr, n, a->ids, a->touch, nt);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	atomic_fetch_add(&a->store_ns, (t1.tv_sec - t0.tv_sec) * 1000000000LL +
					   (t1.tv_nsec - t0.tv_nsec));
	for (size_t i = 0; i < n; i++) {
		if (ev[i].result == ALARM_STORE_DUPLICATE)
			continue;
		if (rc == STORE_OK)
			dedupe_set_id(a->dd, a->hashes[i], -(int64_t)i - 1, a->ids[i]);
		else
			dedupe_remove(a->dd, a->hashes[i], -(int64_t)i - 1);
	}
	if (rc != STORE_OK)
		return -1;
	for (size_t i = 0; i < nt; i++) {
		if (!a->touch[i].tested)
			continue;
		pthread_rwlock_wrlock(&a->lock);
		struct dev *d = dev_by_id(a, a->touch[i].device_id);
		if (d && d->commissioning == COMM_REGISTERED) {
			d->commissioning = COMM_TESTED;
			log_json(LOG_INFO, "alarm device tested",
				 json_pack("{s:I,s:s}", "device_id", (json_int_t)d->id, "account",
					   d->account));
		}
		pthread_rwlock_unlock(&a->lock);
	}
	for (size_t i = 0; i < n; i++)
		if (ev[i].result == ALARM_STORE_STORED)
			pipeline_job_from_event(&a->jobs[nj++], &ev[i], a->ids[i]);
	pipeline_push(a->pl, a->jobs, nj);
	return 0;
}

/* The device the frame's lookup found (by account, receiver and line):
 * never another device sharing the account. */
static void sink_heard(void *ctx, int64_t device_id, const char *account, int64_t now_ms,
		       int is_link_test)
{
	struct alarm_state *a = ctx;
	int64_t id = 0;
	int64_t window = 0;

	(void)is_link_test;
	if (device_id <= 0)
		return;
	pthread_rwlock_rdlock(&a->lock);
	struct dev *d = dev_by_id(a, device_id);
	if (d) {
		id = d->id;
		window = d->supervision_s * 1000;
		atomic_store(&d->last_heard_ms, now_ms);
		if (atomic_exchange(&d->dirty, 1) == 0) {
			pthread_mutex_lock(&a->heard_lock);
			if (a->nheard == a->capheard) {
				a->capheard = a->capheard ? a->capheard * 2 : 1024;
				a->heard_ids = xrealloc(a->heard_ids,
							a->capheard * sizeof *a->heard_ids);
			}
			a->heard_ids[a->nheard++] = id;
			pthread_mutex_unlock(&a->heard_lock);
		}
	}
	pthread_rwlock_unlock(&a->lock);
	if (!id)
		return;
	int r = supervise_heard(a->sv, id, now_ms);
	if (r < 0) {
		supervise_set(a->sv, id, window, now_ms);
	} else if (r == 1) {
		struct pipeline_job j;
		memset(&j, 0, sizeof j);
		j.kind = PIPE_COMM_RESTORE;
		j.device_id = id;
		j.at_ms = now_ms;
		snprintf(j.account, sizeof j.account, "%s", account);
		pipeline_push(a->pl, &j, 1);
	}
}

/* ---- pipeline side ---- */

static int site_of(void *ctx, int64_t device_id, struct pipeline_site *out)
{
	struct alarm_state *a = ctx;
	int rc = -1;

	pthread_rwlock_rdlock(&a->lock);
	struct dev *d = dev_by_id(a, device_id);
	if (d) {
		out->live = d->commissioning == COMM_LIVE;
		snprintf(out->account, sizeof out->account, "%s", d->account);
		snprintf(out->unit, sizeof out->unit, "%s", d->unit);
		snprintf(out->facility_id, sizeof out->facility_id, "%s", d->facility_id);
		snprintf(out->site_name, sizeof out->site_name, "%s", d->site_name);
		snprintf(out->address, sizeof out->address, "%s", d->address);
		out->lat = d->lat;
		out->lon = d->lon;
		out->contacts = xstrdup(d->contacts);
		rc = 0;
	}
	pthread_rwlock_unlock(&a->lock);
	return rc;
}

static void heard_flush(struct alarm_state *a)
{
	pthread_mutex_lock(&a->heard_lock);
	int64_t *ids = a->heard_ids;
	size_t n = a->nheard;
	a->heard_ids = NULL;
	a->nheard = a->capheard = 0;
	pthread_mutex_unlock(&a->heard_lock);
	if (!n)
		return;
	int64_t *ms = xmalloc(n * sizeof *ms);
	pthread_rwlock_rdlock(&a->lock);
	for (size_t i = 0; i < n; i++) {
		struct dev *d = dev_by_id(a, ids[i]);
		ms[i] = d ? atomic_load(&d->last_heard_ms) : 0;
		if (d)
			atomic_store(&d->dirty, 0);
	}
	pthread_rwlock_unlock(&a->lock);
	if (store_device_heard(a->app->store, ids, ms, n) != STORE_OK)
		log_warn("alarm: cannot record last-heard times of %zu devices", n);
	free(ms);
	free(ids);
}

static void tick(void *ctx, struct pipeline *p)
{
	struct alarm_state *a = ctx;
	int64_t now = clock_now_ms();
	int64_t failed[256];
	size_t k;

	do {
		k = supervise_expire(a->sv, now, failed, 256);
		for (size_t i = 0; i < k; i++) {
			struct pipeline_job j;
			memset(&j, 0, sizeof j);
			j.kind = PIPE_COMM_FAIL;
			j.device_id = failed[i];
			j.at_ms = now;
			pipeline_process(p, &j, 1);
		}
	} while (k == 256);
	if (now - a->heard_flushed_ms >= HEARD_FLUSH_MS) {
		a->heard_flushed_ms = now;
		heard_flush(a);
	}
}

/* ---- WAL checkpoints ----
 * The committer's connection never checkpoints in a commit. A thread of
 * its own copies the WAL into the database every CKPT_PERIOD_MS
 * (PASSIVE: it never blocks a commit). Under steady load that alone never
 * lets the WAL start over, since a commit always lands while a pass runs:
 * the file grows without end, every sync extends it, and the passes that
 * finally catch up flush tens of MB at once while the committer's syncs
 * queue behind them (ACK p99 > 100 ms at 10,000 events/s). So once the
 * WAL holds WAL_RESTART_FRAMES and the last pass caught up with what it
 * saw, the committer copies the few frames written since, right after a
 * batch (sink_after_batch: its replies are already out); with nothing
 * left in the WAL the next commit rewrites the file from its start. */

static void *ckpt_main(void *arg)
{
	struct alarm_state *a = arg;
	int failing = 0;

	pthread_mutex_lock(&a->ckpt_lock);
	while (!a->ckpt_stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += CKPT_PERIOD_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&a->ckpt_cond, &a->ckpt_lock, &ts);
		if (a->ckpt_stop)
			break;
		pthread_mutex_unlock(&a->ckpt_lock);
		int log, done;
		atomic_store(&a->ckpt_running, 1);
		int rc = store_alarm_checkpoint_frames(a->app->store, &log, &done);
		atomic_store(&a->ckpt_running, 0);
		if (rc == 0) {
			atomic_store(&a->wal_done, done);
			atomic_store(&a->wal_log, log);
			failing = 0;
		} else if (!failing) {
			log_warn("alarm: WAL checkpoint failed");  /* once, not every pass */
			failing = 1;
		}
		pthread_mutex_lock(&a->ckpt_lock);
	}
	pthread_mutex_unlock(&a->ckpt_lock);
	return NULL;
}

/* Committer thread, between batches (see above). */
static void sink_after_batch(void *ctx)
{
	struct alarm_state *a = ctx;
	int log = atomic_load(&a->wal_log), done = atomic_load(&a->wal_done);
	int l, d;

	if (log < WAL_RESTART_FRAMES || done < log || atomic_load(&a->ckpt_running))
		return;
	/* Whatever the outcome, wait for the next pass's figures. */
	atomic_store(&a->wal_log, 0);
	if (store_alarm_checkpoint_frames(a->app->store, &l, &d) != 0)
		log_warn("alarm: WAL checkpoint failed");
}

static void ckpt_halt(struct alarm_state *a)
{
	if (!a->ckpt_started)
		return;
	pthread_mutex_lock(&a->ckpt_lock);
	a->ckpt_stop = 1;
	pthread_cond_signal(&a->ckpt_cond);
	pthread_mutex_unlock(&a->ckpt_lock);
	pthread_join(a->ckpt_thread, NULL);
	a->ckpt_started = 0;
}

/* ---- start / stop ---- */

static void state_free(struct alarm_state *a)
{
	for (size_t i = 0; i < DEV_BUCKETS; i++) {
		struct dev *d = a->by_id[i];
		while (d) {
			struct dev *next = d->next_id;
			dev_free(d);
			d = next;
		}
	}
	supervise_free(a->sv);
	dedupe_free(a->dd);
	buf_free(&a->key);
	buf_free(&a->key2);
	buf_free(&a->keys);
	free(a->key_off);
	free(a->key_ptr);
	free(a->hashes);
	pthread_rwlock_destroy(&a->lock);
	pthread_mutex_destroy(&a->heard_lock);
	pthread_mutex_destroy(&a->ckpt_lock);
	pthread_cond_destroy(&a->ckpt_cond);
	free(a->bsites);
	free(a->sites);
	free(a->ids);
	free(a->touch);
	free(a->jobs);
	free(a->heard_ids);
	free(a);
}

/* Seals the device keys an earlier version stored in clear (see
 * store_device_keys_seal); runs at every start, alarm receiver or not. */
static int seal_clear_keys(struct app *app)
{
	const struct pii_keys *k = auth_pii_keys(app);
	int n = 0;

	if (!k)
		return 0;
	if (store_device_keys_seal(app->store, k, &n) != STORE_OK) {
		fprintf(stderr, "pccc: không mã hoá được khoá thiết bị báo cháy / cannot encrypt the "
				"alarm device keys\n");
		return -1;
	}
	if (n)
		log_json(LOG_INFO, "alarm device keys sealed",
			 json_pack("{s:i}", "devices", n));
	return 0;
}

int alarm_service_start(struct app *app)
{
	struct alarm_state *a;

	if (seal_clear_keys(app) != 0)
		return -1;
	if (!app->cfg.alarm || !app->cfg.alarm[0] || strcmp(app->cfg.alarm, "off") == 0)
		return 0;
	a = xcalloc(1, sizeof *a);
	a->app = app;
	pthread_rwlock_init(&a->lock, NULL);
	pthread_mutex_init(&a->heard_lock, NULL);
	pthread_mutex_init(&a->ckpt_lock, NULL);
	pthread_cond_init(&a->ckpt_cond, NULL);
	a->sv = supervise_new();
	a->heard_flushed_ms = clock_now_ms();
	if (store_device_each(app->store, auth_pii_keys(app), 0, load_one, a) != STORE_OK) {
		fprintf(stderr, "pccc: không đọc được danh sách thiết bị báo cháy / cannot load alarm "
				"devices\n");
		state_free(a);
		return -1;
	}
	a->dd = dedupe_new(STORE_ALARM_DEDUPE_MS);
	a->dd_pruned_ms = clock_now_ms();
	if (store_alarm_recent_keys(app->store, a->dd_pruned_ms - STORE_ALARM_DEDUPE_MS, load_key,
				    a) != STORE_OK) {
		fprintf(stderr, "pccc: không đọc được các sự kiện báo cháy gần đây / cannot load "
				"recent alarm events\n");
		state_free(a);
		return -1;
	}
	if (pthread_create(&a->ckpt_thread, NULL, ckpt_main, a) != 0) {
		fprintf(stderr, "pccc: không khởi động được luồng ghi đĩa của bộ nhận báo cháy / "
				"cannot start the alarm checkpoint thread\n");
		state_free(a);
		return -1;
	}
	a->ckpt_started = 1;
	pthread_setname_np(a->ckpt_thread, "alarm-ckpt");
	a->nt = notice_queue_new("alarm notify", getenv("PCCC_NOTIFY_WEBHOOK"));
	struct pipeline_ops ops = {.ctx = a, .site = site_of, .tick = tick};
	a->pl = pipeline_new(app->store, a->nt, &ops, 1, SV_TICK_MS);
	struct alarm_sink sink = {.ctx = a,
				  .lookup_account = sink_lookup,
				  .store_batch = sink_store,
				  .heard = sink_heard,
				  .after_batch = sink_after_batch};
	app->alarm = a;
	if (rx_start(app->cfg.alarm, &sink, &a->rx) != 0) {
		fprintf(stderr, "pccc: không mở được cổng nhận báo cháy / cannot listen for alarms on "
				"%s\n",
			app->cfg.alarm);
		app->alarm = NULL;
		ckpt_halt(a);
		pipeline_free(a->pl);
		notice_queue_free(a->nt);
		state_free(a);
		return -1;
	}
	log_json(LOG_INFO, "alarm listening",
		 json_pack("{s:s,s:i,s:I}", "address", app->cfg.alarm, "port", (int)rx_port(a->rx),
			   "devices", (json_int_t)a->ndev));
	return 0;
}

void alarm_service_stop(struct app *app)
{
	struct alarm_state *a = app->alarm;
	if (!a)
		return;
	struct rx_stats rs;
	rx_stats_get(a->rx, &rs);
	log_json(LOG_INFO, "alarm stopping",
		 json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "store_ms",
			   (json_int_t)(atomic_load(&a->store_ns) / 1000000), "frames", (json_int_t)rs.frames, "acks",
			   (json_int_t)rs.acks, "naks", (json_int_t)rs.naks, "duhs",
			   (json_int_t)rs.duhs, "events", (json_int_t)rs.events, "batches",
			   (json_int_t)rs.batches, "connections", (json_int_t)rs.conns_total,
			   "epochs_gather", (json_int_t)rs.epochs_gather, "epochs_direct",
			   (json_int_t)rs.epochs_direct));
	rx_stop(a->rx);            /* last round stored and answered */
	ckpt_halt(a);
	pipeline_free(a->pl);      /* drains the queue */
	heard_flush(a);
	notice_queue_free(a->nt);
	app->alarm = NULL;
	state_free(a);
}
