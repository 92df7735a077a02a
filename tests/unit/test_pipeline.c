/* Unit tests for the alarm pipeline (alarm/pipeline.c) on a real SQLite
 * store in a temporary directory, with the notifier (core/notify.c) and
 * the events bus observed, plus the receiver's retransmission memory
 * (alarm/dedupe.c) and the store's batch write (store/alarm.c): incidents
 * open and join per site, contacts are called once per incident, devices
 * not live open nothing, tests and status reports stay off the board,
 * communication failure and restore are recorded with the device state,
 * a duplicate is never inserted, and dedupe forgets after its window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "alarm/dedupe.h"
#include "core/notify.h"
#include "alarm/pipeline.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/events.h"
#include "store/alarm.h"
#include "store/db.h"

#define T0 1764000000000LL

struct fix {
	char dir[64];
	char path[96];
	struct store *st;
	struct notice_queue *nt;
	struct pipeline *pl;
	int sub;
	int64_t dev_live, dev_new;
	/* observed */
	int n_alarm, n_incident, n_device, n_calls;
	char last_device_state[16];
};

static struct fix *F;

static void on_event(void *ctx, const char *type, const char *unit, const char *data,
		     long long seq)
{
	struct fix *f = ctx;
	(void)unit;
	(void)seq;
	if (strcmp(type, "alarm") == 0)
		f->n_alarm++;
	else if (strcmp(type, "incident") == 0)
		f->n_incident++;
	else if (strcmp(type, "device") == 0) {
		f->n_device++;
		json_t *o = json_loads(data, 0, NULL);
		snprintf(f->last_device_state, sizeof f->last_device_state, "%s",
			 json_string_value(json_object_get(o, "state")));
		json_decref(o);
	}
}

static int capture_send(void *ctx, const json_t *msg)
{
	struct fix *f = ctx;
	if (strcmp(json_string_value(json_object_get(msg, "kind")), "alarm_call") == 0)
		f->n_calls++;
	return 0;
}

static int site_of(void *ctx, int64_t id, struct pipeline_site *out)
{
	struct fix *f = ctx;
	if (id != f->dev_live && id != f->dev_new)
		return -1;
	out->live = id == f->dev_live;
	snprintf(out->account, sizeof out->account, "%s", id == f->dev_live ? "1234" : "9999");
	snprintf(out->unit, sizeof out->unit, "00364");
	snprintf(out->facility_id, sizeof out->facility_id, "%s", id == f->dev_live ? "FAC-1" : "");
	snprintf(out->site_name, sizeof out->site_name, "Chung cư 282 Khương Đình");
	snprintf(out->address, sizeof out->address, "282 Khương Đình");
	out->contacts = strdup("[{\"name\":\"An\",\"phone\":\"0912345678\"},"
			       "{\"name\":\"Bình\",\"phone\":\"0987654321\"}]");
	return 0;
}

static int64_t make_device(struct store *st, const char *account, const char *comm)
{
	struct store_device d;
	int64_t id = 0;
	memset(&d, 0, sizeof d);
	d.account = (char *)(uintptr_t)account;
	d.unit = (char *)(uintptr_t)"00364";
	d.supervision_s = 90;
	d.commissioning = (char *)(uintptr_t)comm;
	assert_int_equal(store_device_create(st, NULL, &d, T0, &id), STORE_OK);
	return id;
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/pccc-test-pipeline-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	if (store_open(f->path, &f->st) != STORE_OK || store_migrate(f->st, NULL) != STORE_OK)
		return -1;
	f->dev_live = make_device(f->st, "1234", "live");
	f->dev_new = make_device(f->st, "9999", "registered");
	f->nt = notice_queue_new("alarm notify", NULL);
	struct notice_channel b = {.name = "capture", .ctx = f, .send = capture_send};
	notice_queue_add(f->nt, &b);
	struct pipeline_ops ops = {.ctx = f, .site = site_of};
	f->pl = pipeline_new(f->st, f->nt, &ops, 0, 1000);
	f->sub = events_subscribe(on_event, f);
	F = f;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	char cmd[128];
	events_unsubscribe(f->sub);
	pipeline_free(f->pl);
	notice_queue_free(f->nt);
	store_close(f->st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static struct pipeline_job job(int64_t dev, const char *code, enum alarm_class c, int restore,
			       int64_t event_id)
{
	struct pipeline_job j;
	memset(&j, 0, sizeof j);
	j.kind = PIPE_EVENT;
	j.device_id = dev;
	j.event_id = event_id;
	j.at_ms = T0;
	snprintf(j.account, sizeof j.account, "1234");
	snprintf(j.code, sizeof j.code, "%s", code);
	j.cls = c;
	j.restore = restore;
	return j;
}

static int64_t count(struct store *st, const char *sql)
{
	struct db_stmt *s = db_prepare(st, sql);
	int64_t n = -1;
	if (s && db_step(s) == DB_ROW)
		n = db_col_int(s, 0);
	db_finish(s);
	return n;
}

static void test_alarm_opens_and_joins_incident(void **state)
{
	struct fix *f = *state;
	struct pipeline_job j[2] = {job(f->dev_live, "FA", ALARM_CLASS_ALARM, 0, 1),
				    job(f->dev_live, "FA", ALARM_CLASS_ALARM, 0, 2)};
	pipeline_process(f->pl, j, 2);
	assert_int_equal(notice_flush(f->nt, 5000), 0);
	assert_int_equal(count(f->st, "select count(*) from incidents"), 1);
	assert_int_equal(count(f->st, "select event_count from incidents"), 2);
	assert_int_equal(count(f->st, "select count(*) from incidents where site_key='f:FAC-1' "
				      "and state='open' and unit='00364'"),
			 1);
	assert_int_equal(f->n_calls, 2); /* two contacts, called once */
	assert_int_equal(f->n_alarm, 2);
	assert_int_equal(f->n_incident, 2);
	assert_string_equal(f->last_device_state, "alarm");
	struct pipeline_stats ps;
	pipeline_stats_get(f->pl, &ps);
	assert_int_equal(ps.incidents_opened, 1);
	assert_int_equal(ps.incidents_joined, 1);
	/* Closed: the next alarm opens a new incident. */
	assert_int_equal(db_exec(f->st, "update incidents set state='closed'"), STORE_OK);
	pipeline_process(f->pl, j, 1);
	assert_int_equal(count(f->st, "select count(*) from incidents"), 2);
}

static void test_not_live_restore_and_tests(void **state)
{
	struct fix *f = *state;
	struct pipeline_job j[4] = {
	    job(f->dev_new, "FA", ALARM_CLASS_ALARM, 0, 3),     /* not live */
	    job(f->dev_live, "FH", ALARM_CLASS_ALARM, 1, 4),    /* restore */
	    job(f->dev_live, "RP", ALARM_CLASS_TEST, 0, 5),     /* test */
	    job(f->dev_live, "ZZ", ALARM_CLASS_STATUS, 0, 6),   /* unknown code */
	};
	pipeline_process(f->pl, j, 4);
	notice_flush(f->nt, 5000);
	assert_int_equal(count(f->st, "select count(*) from incidents"), 0);
	assert_int_equal(f->n_calls, 0);
	assert_int_equal(f->n_alarm, 2); /* the test and the status are not on the board */
	assert_string_equal(f->last_device_state, "normal");
}

static void test_comm_fail_and_restore(void **state)
{
	struct fix *f = *state;
	struct pipeline_job j;
	memset(&j, 0, sizeof j);
	j.kind = PIPE_COMM_FAIL;
	j.device_id = f->dev_live;
	j.at_ms = T0;
	pipeline_process(f->pl, &j, 1);
	assert_int_equal(count(f->st, "select count(*) from alarm_events where code='COMM_FAIL' "
				      "and class='trouble' and restore=0 and account='1234'"),
			 1);
	assert_int_equal(count(f->st, "select count(*) from devices where state='comm_fail'"), 1);
	assert_string_equal(f->last_device_state, "comm_fail");
	j.kind = PIPE_COMM_RESTORE;
	j.at_ms = T0 + 1000;
	pipeline_process(f->pl, &j, 1);
	assert_int_equal(count(f->st, "select count(*) from alarm_events where code='COMM_FAIL' "
				      "and restore=1"),
			 1);
	assert_int_equal(count(f->st, "select count(*) from devices where state='comm_fail'"), 0);
	assert_string_equal(f->last_device_state, "normal");
	struct pipeline_stats ps;
	pipeline_stats_get(f->pl, &ps);
	assert_int_equal(ps.comm_fail, 1);
	assert_int_equal(ps.comm_restore, 1);
	/* A restore while the device is in alarm leaves the alarm state. */
	assert_int_equal(db_exec(f->st, "update devices set state='alarm'"), STORE_OK);
	pipeline_process(f->pl, &j, 1);
	assert_int_equal(count(f->st, "select count(*) from devices where state='alarm'"), 2);
}

static void test_batch_skips_duplicates(void **state)
{
	struct fix *f = *state;
	struct dc09_frame fr;
	struct alarm_event ev[3];
	int64_t ids[3];
	struct buf k1 = {0}, k2 = {0};

	memset(&fr, 0, sizeof fr);
	snprintf(fr.seq, sizeof fr.seq, "0007");
	snprintf(fr.line, sizeof fr.line, "1");
	snprintf(fr.data, sizeof fr.data, "#1234|NFA129");
	memset(ev, 0, sizeof ev);
	for (int i = 0; i < 3; i++) {
		ev[i].frame = &fr;
		ev[i].device_id = f->dev_live;
		ev[i].received_ms = T0;
		ev[i].index = i;
		snprintf(ev[i].account, sizeof ev[i].account, "1234");
		snprintf(ev[i].code, sizeof ev[i].code, "FA");
	}
	ev[1].result = ALARM_STORE_DUPLICATE;
	struct store_device_touch t = {.device_id = f->dev_live, .state = "alarm",
				       .last_heard_ms = T0};
	assert_int_equal(store_alarm_batch(f->st, ev, NULL, 3, ids, &t, 1), STORE_OK);
	assert_int_equal(ev[0].result, ALARM_STORE_STORED);
	assert_int_equal(ev[1].result, ALARM_STORE_DUPLICATE);
	assert_int_equal(ids[1], 0);
	assert_true(ids[2] > ids[0]);
	assert_int_equal(count(f->st, "select count(*) from alarm_events"), 2);
	assert_int_equal(count(f->st, "select count(*) from devices where state='alarm' and "
				      "last_heard_ms is not null"),
			 1);
	store_alarm_key(&ev[2], &k1);
	assert_string_equal(buf_str(&k1), "1234|0007|#1234|NFA129|2");
	assert_int_equal(store_alarm_event_key(f->st, ids[2], &k2), STORE_OK);
	assert_string_equal(buf_str(&k1), buf_str(&k2));
	buf_free(&k1);
	buf_free(&k2);
}

static void test_dedupe_window(void **state)
{
	(void)state;
	struct dedupe *d = dedupe_new(600000);
	uint64_t h = dedupe_hash("1234|0001|#1234|NFA1|0");
	size_t pos = 0;
	int64_t id, ms;

	assert_int_not_equal(h, dedupe_hash("1234|0001|#1234|NFA1|1"));
	dedupe_add(d, h, -1, T0);
	dedupe_set_id(d, h, -1, 42);
	assert_int_equal(dedupe_next(d, h, T0 + 600000, &pos, &id, &ms), 1);
	assert_int_equal(id, 42);
	assert_int_equal(dedupe_next(d, h, T0 + 600000, &pos, &id, &ms), 0);
	pos = 0;
	assert_int_equal(dedupe_next(d, h, T0 + 600001, &pos, &id, &ms), 0); /* too old */
	/* Many keys, a removal, a prune: what remains is found. */
	for (int i = 0; i < 5000; i++) {
		char k[32];
		snprintf(k, sizeof k, "k%d", i);
		dedupe_add(d, dedupe_hash(k), i + 100, T0 + i * 1000);
	}
	dedupe_remove(d, dedupe_hash("k10"), 110);
	dedupe_prune(d, T0 + 4000 * 1000); /* keeps ms >= now - 600 s */
	for (int i = 0; i < 5000; i++) {
		char k[32];
		snprintf(k, sizeof k, "k%d", i);
		pos = 0;
		int found = dedupe_next(d, dedupe_hash(k), T0 + 4000 * 1000, &pos, &id, &ms);
		assert_int_equal(found, i >= 3400 && i != 10);
		if (found)
			assert_int_equal(id, i + 100);
	}
	assert_int_equal(dedupe_count(d), 1600);
	dedupe_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alarm_opens_and_joins_incident, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_live_restore_and_tests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_comm_fail_and_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_skips_duplicates, setup, teardown),
		cmocka_unit_test(test_dedupe_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
