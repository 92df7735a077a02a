/* Unit tests for the receiver's durable write path on a real SQLite store
 * in a temporary directory: store_alarm_batch / store_alarm_batch_keys
 * insert several events per statement, and every event still gets the id
 * of its own row (more events than one statement takes, duplicates in
 * between and at the end, keys given or made); the retransmission key is
 * formatted as before; a checkpoint reports the WAL's frames, and once it
 * copied them all the next commit starts the WAL over instead of growing
 * it; the retransmission memory skips the pass over its table when
 * nothing expired and still forgets what did; a stored event becomes a
 * pipeline job with its fields copied; under steady load the receiver
 * measures both group-commit modes (gathering returning senders or not)
 * and calls the sink's after_batch once per stored batch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "alarm/dedupe.h"
#include "alarm/pipeline.h"
#include "alarm/rx.h"
#include "core/buf.h"
#include "core/log.h"
#include "store/alarm.h"
#include "store/db.h"

#define T0 1764000000000LL
#define N_EV 45 /* three statements: 16 + 16 + the rest */

struct fix {
	char dir[64];
	char path[96];
	struct store *st;
	struct dc09_frame fr[N_EV];
	struct alarm_event ev[N_EV];
	int64_t ids[N_EV];
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	log_set_level(LOG_ERROR);
	snprintf(f->dir, sizeof f->dir, "/tmp/pccc-test-alarm-batch-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	if (store_open(f->path, &f->st) != STORE_OK || store_migrate(f->st, NULL) != STORE_OK)
		return -1;
	if (store_alarm_durable(f->st) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	char cmd[128];
	store_close(f->st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* N_EV events, each from its own frame (seq i, zone i): distinct keys. */
static void make_events(struct fix *f, int seq0)
{
	memset(f->fr, 0, sizeof f->fr);
	memset(f->ev, 0, sizeof f->ev);
	for (int i = 0; i < N_EV; i++) {
		struct dc09_frame *fr = &f->fr[i];
		struct alarm_event *e = &f->ev[i];
		snprintf(fr->seq, sizeof fr->seq, "%04u", (unsigned)(seq0 + i) % 10000u);
		snprintf(fr->line, sizeof fr->line, "1");
		snprintf(fr->data, sizeof fr->data, "#%X|1602 00 %03u", 0x1000 + i, (unsigned)i % 1000u);
		e->frame = fr;
		e->received_ms = T0 + i;
		snprintf(e->account, sizeof e->account, "%X", 0x1000 + i);
		snprintf(e->code, sizeof e->code, "602");
		snprintf(e->zone, sizeof e->zone, "%03u", (unsigned)i % 1000u);
		e->cls = ALARM_CLASS_TEST;
	}
}

static int64_t count(struct store *st, const char *sql)
{
	struct db_stmt *s = db_prepare(st, sql);
	assert_non_null(s);
	assert_int_equal(db_step(s), DB_ROW);
	int64_t n = db_col_int(s, 0);
	db_finish(s);
	return n;
}

/* Row ids[i] holds event i (its key, zone and receive time); duplicates
 * have no row. */
static void check_rows(struct fix *f, const int *dup)
{
	struct buf k = {0};
	for (int i = 0; i < N_EV; i++) {
		if (dup[i]) {
			assert_int_equal(f->ev[i].result, ALARM_STORE_DUPLICATE);
			assert_int_equal(f->ids[i], 0);
			continue;
		}
		assert_int_equal(f->ev[i].result, ALARM_STORE_STORED);
		assert_true(f->ids[i] > 0);
		struct db_stmt *s = db_prepare(
			f->st, "SELECT dedupe_key, zone, received_ms, seq FROM alarm_events WHERE id = $1");
		assert_non_null(s);
		db_bind_int(s, 1, f->ids[i]);
		assert_int_equal(db_step(s), DB_ROW);
		store_alarm_key(&f->ev[i], &k);
		assert_string_equal(db_col_text(s, 0), buf_str(&k));
		assert_string_equal(db_col_text(s, 1), f->ev[i].zone);
		assert_int_equal(db_col_int(s, 2), T0 + i);
		assert_string_equal(db_col_text(s, 3), f->fr[i].seq);
		db_finish(s);
		for (int j = 0; j < i; j++)
			assert_true(dup[j] || f->ids[j] != f->ids[i]);
	}
	buf_free(&k);
}

static void test_batch_many_events_own_ids(void **state)
{
	struct fix *f = *state;
	int dup[N_EV] = {0};
	int stored = 0;

	make_events(f, 0);
	dup[3] = dup[16] = dup[17] = dup[30] = dup[N_EV - 1] = 1;
	for (int i = 0; i < N_EV; i++) {
		if (dup[i])
			f->ev[i].result = ALARM_STORE_DUPLICATE;
		else
			stored++;
	}
	assert_int_equal(store_alarm_batch(f->st, f->ev, NULL, N_EV, f->ids, NULL, 0), STORE_OK);
	check_rows(f, dup);
	assert_int_equal(count(f->st, "select count(*) from alarm_events"), stored);
}

static void test_batch_keys_given(void **state)
{
	struct fix *f = *state;
	int dup[N_EV] = {0};
	struct buf kb[N_EV];
	const char *keys[N_EV];
	struct store_alarm_site site[N_EV];

	make_events(f, 100);
	dup[0] = 1;
	f->ev[0].result = ALARM_STORE_DUPLICATE;
	for (int i = 0; i < N_EV; i++) {
		memset(&kb[i], 0, sizeof kb[i]);
		store_alarm_key(&f->ev[i], &kb[i]);
		keys[i] = buf_str(&kb[i]);
		site[i].unit = i % 2 ? "00364" : NULL;
		site[i].facility_id = NULL;
	}
	assert_int_equal(
		store_alarm_batch_keys(f->st, f->ev, site, keys, N_EV, f->ids, NULL, 0), STORE_OK);
	check_rows(f, dup);
	assert_int_equal(count(f->st, "select count(*) from alarm_events where unit = '00364'"),
			 N_EV / 2);
	/* A batch of duplicates only stores nothing and succeeds. */
	for (int i = 0; i < N_EV; i++)
		f->ev[i].result = ALARM_STORE_DUPLICATE;
	assert_int_equal(
		store_alarm_batch_keys(f->st, f->ev, site, keys, N_EV, f->ids, NULL, 0), STORE_OK);
	assert_int_equal(count(f->st, "select count(*) from alarm_events"), N_EV - 1);
	for (int i = 0; i < N_EV; i++)
		buf_free(&kb[i]);
}

static void test_key_format(void **state)
{
	(void)state;
	struct dc09_frame fr;
	struct alarm_event e;
	struct buf k = {0};

	memset(&fr, 0, sizeof fr);
	memset(&e, 0, sizeof e);
	snprintf(fr.seq, sizeof fr.seq, "0042");
	snprintf(fr.data, sizeof fr.data, "#ABC|NFA129");
	snprintf(e.account, sizeof e.account, "ABC");
	e.frame = &fr;
	e.index = 3;
	store_alarm_key(&e, &k);
	assert_string_equal(buf_str(&k), "ABC|0042|#ABC|NFA129|3");
	e.index = 12;
	store_alarm_key(&e, &k);
	assert_string_equal(buf_str(&k), "ABC|0042|#ABC|NFA129|12");
	e.frame = NULL;
	e.index = 0;
	store_alarm_key(&e, &k);
	assert_string_equal(buf_str(&k), "ABC|||0");
	buf_free(&k);
}

static off_t wal_size(struct fix *f)
{
	char p[128];
	struct stat sb;
	snprintf(p, sizeof p, "%s-wal", f->path);
	return stat(p, &sb) == 0 ? sb.st_size : -1;
}

static void test_checkpoint_restarts_wal(void **state)
{
	struct fix *f = *state;
	int log = -1, done = -1;

	for (int round = 0; round < 4; round++) {
		make_events(f, 1000 + round * N_EV);
		assert_int_equal(store_alarm_batch(f->st, f->ev, NULL, N_EV, f->ids, NULL, 0),
				 STORE_OK);
	}
	assert_int_equal(store_alarm_checkpoint_frames(f->st, &log, &done), 0);
	assert_true(log > 4);
	assert_int_equal(done, log);
	off_t size = wal_size(f);
	assert_true(size > 0);
	/* Everything copied: the next commit writes the WAL from its start. */
	make_events(f, 2000);
	assert_int_equal(store_alarm_batch(f->st, f->ev, NULL, 1, f->ids, NULL, 0), STORE_OK);
	assert_int_equal(store_alarm_checkpoint_frames(f->st, &log, &done), 0);
	assert_true(log > 0 && log < 4);
	assert_int_equal(done, log);
	assert_int_equal(wal_size(f), size); /* reused, not grown */
	assert_int_equal(count(f->st, "select count(*) from alarm_events"), 4 * N_EV + 1);
}

static void test_dedupe_prune_only_expired(void **state)
{
	(void)state;
	struct dedupe *d = dedupe_new(600000);
	size_t pos = 0;
	int64_t id, ms;

	for (int i = 0; i < 3000; i++) {
		char k[32];
		snprintf(k, sizeof k, "k%d", i);
		dedupe_add(d, dedupe_hash(k), i + 1, T0 + i * 100);
	}
	/* Nothing is older than the window: all kept. */
	dedupe_prune(d, T0 + 600000);
	assert_int_equal(dedupe_count(d), 3000);
	/* The oldest removed, then the window passes the next ones. */
	dedupe_remove(d, dedupe_hash("k0"), 1);
	dedupe_prune(d, T0 + 600000 + 1000); /* keeps ms >= T0 + 1000: k10.. */
	assert_int_equal(dedupe_count(d), 2990);
	assert_int_equal(dedupe_next(d, dedupe_hash("k9"), T0 + 601000, &pos, &id, &ms), 0);
	pos = 0;
	assert_int_equal(dedupe_next(d, dedupe_hash("k10"), T0 + 601000, &pos, &id, &ms), 1);
	assert_int_equal(id, 11);
	/* Later additions after a full prune are pruned in turn. */
	dedupe_prune(d, T0 + 10000000);
	assert_int_equal(dedupe_count(d), 0);
	dedupe_add(d, dedupe_hash("late"), 7, T0 + 10000000);
	dedupe_prune(d, T0 + 10000000 + 600001);
	assert_int_equal(dedupe_count(d), 0);
	dedupe_free(d);
}

static void test_job_from_event(void **state)
{
	(void)state;
	struct alarm_event e;
	struct pipeline_job j;

	memset(&e, 0, sizeof e);
	memset(&j, 0x55, sizeof j);
	snprintf(e.account, sizeof e.account, "FFFFFFFFFFFFFFFF");
	snprintf(e.code, sizeof e.code, "FA");
	snprintf(e.zone, sizeof e.zone, "12345678");
	memset(e.text, 'x', sizeof e.text - 1);
	e.device_id = 9;
	e.received_ms = T0;
	e.cls = ALARM_CLASS_ALARM;
	e.restore = 1;
	pipeline_job_from_event(&j, &e, 77);
	assert_int_equal(j.kind, PIPE_EVENT);
	assert_int_equal(j.event_id, 77);
	assert_int_equal(j.device_id, 9);
	assert_int_equal(j.at_ms, T0);
	assert_string_equal(j.account, "FFFFFFFFFFFFFFFF");
	assert_string_equal(j.code, "FA");
	assert_string_equal(j.zone, "12345678");
	assert_int_equal(strlen(j.text), sizeof e.text - 1);
	assert_int_equal(j.cls, ALARM_CLASS_ALARM);
	assert_int_equal(j.restore, 1);
}

/* ---- the receiver's group-commit modes ---- */

#define V_CID "87CD0037\"ADM-CID\"9876R579BDFL789ABC#12345A[#12345A|1110 00 129]"

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct counting_sink {
	struct alarm_sink inner;
	atomic_int after, stores;
};

static int cs_lookup(void *ctx, const char *r, const char *l, const char *a,
		     struct alarm_account *out)
{
	struct counting_sink *c = ctx;
	return c->inner.lookup_account(c->inner.ctx, r, l, a, out);
}

static int cs_store(void *ctx, struct alarm_event *ev, size_t n)
{
	struct counting_sink *c = ctx;
	c->stores++;  /* committer thread, as after */
	return c->inner.store_batch(c->inner.ctx, ev, n);
}

static void cs_after(void *ctx)
{
	struct counting_sink *c = ctx;
	c->after++;
}

static void test_rx_measures_both_modes(void **state)
{
	(void)state;
	struct alarm_testsink *t = alarm_testsink_new();
	struct counting_sink cs;
	struct alarm_sink sink = {0};
	struct alarm_rx *rx = NULL;
	struct rx_stats st;
	char reply[512];
	static const char frame[] = "\n" V_CID "\r";

	log_set_level(LOG_ERROR);
	assert_int_equal(alarm_testsink_add(t, "12345A", NULL, 1), 0);
	memset(&cs, 0, sizeof cs);
	alarm_testsink_bind(t, &cs.inner);
	sink.ctx = &cs;
	sink.lookup_account = cs_lookup;
	sink.store_batch = cs_store;
	sink.after_batch = cs_after;
	assert_int_equal(rx_start("127.0.0.1:0", &sink, &rx), 0);

	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)rx_port(rx));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	struct timeval tv = {5, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	/* Closed loop, one frame at a time, for two epochs and a half
	 * (bounded in frames too). */
	int64_t end = mono_ms() + 550;
	int n = 0;
	while (mono_ms() < end && n < 1000000) {
		assert_int_equal(send(fd, frame, sizeof frame - 1, MSG_NOSIGNAL),
				 (ssize_t)(sizeof frame - 1));
		size_t got = 0;
		while (got == 0 || reply[got - 1] != '\r') {
			ssize_t r = recv(fd, reply + got, sizeof reply - 1 - got, 0);
			assert_true(r > 0);
			got += (size_t)r;
		}
		reply[got] = '\0';
		assert_non_null(strstr(reply, "\"ACK\"9876"));
		n++;
	}
	close(fd);
	/* Replies leave after the commit, after_batch runs after that:
	 * wait for the last one. */
	for (int i = 0; i < 100 && atomic_load(&cs.after) < atomic_load(&cs.stores); i++)
		usleep(10000);
	rx_stats_get(rx, &st);
	rx_stop(rx);
	assert_true(n > 10);
	assert_int_equal(st.events, (uint64_t)n);
	/* The first epoch gathers, the next one tries without. */
	assert_true(st.epochs_gather >= 1);
	assert_true(st.epochs_direct >= 1);
	assert_int_equal(atomic_load(&cs.after), atomic_load(&cs.stores));
	assert_int_equal(atomic_load(&cs.stores), (int)st.batches);
	alarm_testsink_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_batch_many_events_own_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_keys_given, setup, teardown),
		cmocka_unit_test(test_key_format),
		cmocka_unit_test_setup_teardown(test_checkpoint_restarts_wal, setup, teardown),
		cmocka_unit_test(test_dedupe_prune_only_expired),
		cmocka_unit_test(test_job_from_event),
		cmocka_unit_test(test_rx_measures_both_modes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
