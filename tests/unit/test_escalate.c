/* Tests for the live board's workflow rules and escalation
 * (src/alarm/escalate.c) and its store (src/store/board.c): allowed and
 * refused steps, escalation levels, the escalation pass on a real SQLite
 * store driven by the fake clock (no sleeping) with the events it
 * publishes, acknowledgement stopping escalation, recorded steps with
 * times and actors, masked phone numbers, and the scope of a commune
 * officer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alarm/escalate.h"
#include "auth/roles.h"
#include "core/clock.h"
#include "core/events.h"
#include "store/board.h"
#include "store/db.h"
#include "store/store.h"

#define T0 1764000000000LL /* 2025-11-24T16:00:00Z */

struct fixture {
	char dir[64];
	char path[96];
	struct store *st;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/pccc_escalate_XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	if (store_open(f->path, &f->st) != 0 || store_migrate(f->st, NULL) != 0)
		return -1;
	clock_set_fake(T0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->st);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	clock_set_real();
	free(f);
	return 0;
}

static int64_t add_incident(struct store *st, const char *unit, int64_t opened_ms)
{
	struct db_stmt *s = db_prepare(
	    st, "INSERT INTO incidents (unit, site_key, site_name, address, opened_ms, last_event_ms)"
		" VALUES ($1, 'd:1', 'Tòa nhà A', '1 Phố Huế', $2, $2) RETURNING id");
	assert_non_null(s);
	db_bind_text(s, 1, unit);
	db_bind_int(s, 2, opened_ms);
	assert_int_equal(db_step(s), DB_ROW);
	int64_t id = db_col_int(s, 0);
	db_finish(s);
	return id;
}

/* ---- pure rules ---------------------------------------------------------- */

static void test_next_state(void **state)
{
	(void)state;
	const char *n = NULL;
	assert_int_equal(board_next_state("open", BOARD_STEP_ACK, NULL, &n), 0);
	assert_string_equal(n, "verifying");
	assert_int_equal(board_next_state("verifying", BOARD_STEP_ACK, NULL, &n), -1);
	assert_null(n);
	assert_int_equal(board_next_state("open", BOARD_STEP_CALL, NULL, &n), -1);
	assert_int_equal(board_next_state("verifying", BOARD_STEP_CALL, NULL, &n), 0);
	assert_string_equal(n, "verifying");
	assert_int_equal(board_next_state("verifying", BOARD_STEP_VERIFY, "confirmed", &n), 0);
	assert_string_equal(n, "confirmed");
	assert_int_equal(board_next_state("verifying", BOARD_STEP_VERIFY, "false_alarm", &n), 0);
	assert_string_equal(n, "false_alarm");
	assert_int_equal(board_next_state("verifying", BOARD_STEP_VERIFY, "maybe", &n), -1);
	assert_int_equal(board_next_state("verifying", BOARD_STEP_VERIFY, NULL, &n), -1);
	assert_int_equal(board_next_state("open", BOARD_STEP_VERIFY, "confirmed", &n), -1);
	assert_int_equal(board_next_state("verifying", BOARD_STEP_DISPATCH, NULL, &n), -1);
	assert_int_equal(board_next_state("confirmed", BOARD_STEP_DISPATCH, NULL, &n), 0);
	assert_string_equal(n, "dispatched");
	assert_int_equal(board_next_state("dispatched", BOARD_STEP_DISPATCH, NULL, &n), -1);
	assert_int_equal(board_next_state("false_alarm", BOARD_STEP_CALL, NULL, &n), -1);
	assert_int_equal(board_next_state("closed", BOARD_STEP_ACK, NULL, &n), -1);
	assert_int_equal(board_next_state("bogus", BOARD_STEP_ACK, NULL, &n), -1);
	assert_int_equal(board_next_state(NULL, BOARD_STEP_ACK, NULL, &n), -1);
	assert_int_equal(board_next_state("open", (enum board_step_kind)99, NULL, &n), -1);
	assert_int_equal(board_next_state("open", BOARD_STEP_ESCALATION, NULL, &n), 0);
	assert_string_equal(board_step_id(BOARD_STEP_DISPATCH), "dispatch");
	assert_null(board_step_id((enum board_step_kind)42));
	assert_string_equal(board_state_name("confirmed"), "confirmed");
	assert_null(board_state_name("Confirmed"));
}

static void test_level_due(void **state)
{
	(void)state;
	assert_int_equal(escalate_level_due(T0, T0, 60000), 0);
	assert_int_equal(escalate_level_due(T0, T0 + 59999, 60000), 0);
	assert_int_equal(escalate_level_due(T0, T0 + 60000, 60000), 1);
	assert_int_equal(escalate_level_due(T0, T0 + 125000, 60000), 2);
	assert_int_equal(escalate_level_due(T0, T0 + 3600000, 60000), ESCALATE_MAX_LEVEL);
	assert_int_equal(escalate_level_due(T0, T0 - 5, 60000), 0);    /* clock behind */
	assert_int_equal(escalate_level_due(T0, T0 + 999999, 0), 0);   /* disabled */
}

static void test_period_env(void **state)
{
	(void)state;
	unsetenv("PCCC_ESCALATE_S");
	assert_int_equal(escalate_period_ms(), ESCALATE_DEFAULT_S * 1000);
	setenv("PCCC_ESCALATE_S", "2", 1);
	assert_int_equal(escalate_period_ms(), 2000);
	setenv("PCCC_ESCALATE_S", "0", 1);
	assert_int_equal(escalate_period_ms(), 0);
	setenv("PCCC_ESCALATE_S", "-3", 1);
	assert_int_equal(escalate_period_ms(), ESCALATE_DEFAULT_S * 1000);
	setenv("PCCC_ESCALATE_S", "12abc", 1);
	assert_int_equal(escalate_period_ms(), ESCALATE_DEFAULT_S * 1000);
	unsetenv("PCCC_ESCALATE_S");
}

/* ---- escalation pass ----------------------------------------------------- */

struct seen {
	int n;
	char type[8][16];
	char unit[8][8];
	char data[8][1024];
};

static void on_event(void *ctx, const char *type, const char *unit, const char *data, long long seq)
{
	(void)seq;
	struct seen *s = ctx;
	if (s->n >= 8)
		return;
	snprintf(s->type[s->n], sizeof s->type[0], "%s", type);
	snprintf(s->unit[s->n], sizeof s->unit[0], "%s", unit ? unit : "");
	snprintf(s->data[s->n], sizeof s->data[0], "%s", data);
	s->n++;
}

static void test_escalation_pass(void **state)
{
	struct fixture *f = *state;
	struct seen seen = {0};
	int sub = events_subscribe(on_event, &seen);
	assert_true(sub > 0);
	int64_t a = add_incident(f->st, "00364", T0);
	int64_t b = add_incident(f->st, "00367", T0 + 30000);
	int n = -1;

	/* nothing due yet */
	clock_set_fake(T0 + 59999);
	assert_int_equal(escalate_run_once(f->st, clock_now_ms(), 60000, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(seen.n, 0);

	/* a is due, b not */
	clock_advance_ms(1);
	assert_int_equal(escalate_run_once(f->st, clock_now_ms(), 60000, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.type[0], "escalation");
	assert_string_equal(seen.unit[0], "00364");
	json_t *ev = json_loads(seen.data[0], 0, NULL);
	assert_non_null(ev);
	assert_int_equal(json_integer_value(json_object_get(ev, "level")), 1);
	json_t *inc = json_object_get(ev, "incident");
	assert_int_equal(json_integer_value(json_object_get(inc, "id")), a);
	assert_int_equal(json_integer_value(json_object_get(inc, "escalation_level")), 1);
	assert_int_equal(json_integer_value(json_object_get(inc, "escalated_ms")), T0 + 60000);
	assert_string_equal(json_string_value(json_object_get(inc, "state")), "open");
	json_decref(ev);

	/* the same pass again escalates nothing new */
	assert_int_equal(escalate_run_once(f->st, clock_now_ms(), 60000, &n), 0);
	assert_int_equal(n, 0);

	/* b gets acknowledged before its period: never escalated */
	struct board_step ack = {.kind = BOARD_STEP_ACK, .at_ms = clock_now_ms(), .actor_id = 7,
				 .actor = "demo.dieudo", .actor_name = "Điều độ viên"};
	json_t *out = NULL;
	const char *st = NULL;
	assert_int_equal(store_board_step(f->st, NULL, b, &ack, &out, &st), STORE_OK);
	assert_string_equal(json_string_value(json_object_get(out, "state")), "verifying");
	assert_int_equal(json_integer_value(json_object_get(out, "acked_ms")), T0 + 60000);
	json_decref(out);

	/* two periods for a: level 2 */
	clock_set_fake(T0 + 120000);
	assert_int_equal(escalate_run_once(f->st, clock_now_ms(), 60000, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(seen.n, 2);
	ev = json_loads(seen.data[1], 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(ev, "level")), 2);
	json_decref(ev);

	/* the timeline of a holds both escalations, by the system */
	json_t *tl = NULL;
	assert_int_equal(store_board_timeline(f->st, NULL, a, &tl), STORE_OK);
	assert_int_equal(json_array_size(tl), 2);
	json_t *s0 = json_array_get(tl, 0);
	assert_string_equal(json_string_value(json_object_get(s0, "kind")), "escalation");
	assert_string_equal(json_string_value(json_object_get(s0, "actor")), "system");
	assert_string_equal(json_string_value(json_object_get(s0, "outcome")), "1");
	assert_int_equal(json_integer_value(json_object_get(s0, "at_ms")), T0 + 60000);
	json_decref(tl);

	/* disabled escalation does nothing */
	clock_set_fake(T0 + 10 * 60000);
	assert_int_equal(escalate_run_once(f->st, clock_now_ms(), 0, &n), 0);
	assert_int_equal(n, 0);
	events_unsubscribe(sub);
}

static void test_workflow_steps(void **state)
{
	struct fixture *f = *state;
	int64_t id = add_incident(f->st, "00364", T0);
	json_t *out = NULL;
	const char *cur = NULL;
	struct board_step call = {.kind = BOARD_STEP_CALL, .at_ms = T0 + 1000, .actor = "d1",
				  .contact = "Nguyễn Văn A", .phone = "0912345678",
				  .result = "answered"};
	/* calling before acknowledging is refused, with the current state */
	assert_int_equal(store_board_step(f->st, NULL, id, &call, &out, &cur), STORE_CONFLICT);
	assert_null(out);
	assert_string_equal(cur, "open");

	struct board_step steps[] = {
	    {.kind = BOARD_STEP_ACK, .at_ms = T0 + 2000, .actor = "d1", .actor_name = "Điều độ 1"},
	    {.kind = BOARD_STEP_CALL, .at_ms = T0 + 3000, .actor = "d1", .contact = "Nguyễn Văn A",
	     .phone = "0912345678", .result = "answered", .note = "Có khói ở tầng 3"},
	    {.kind = BOARD_STEP_VERIFY, .at_ms = T0 + 4000, .actor = "d1", .outcome = "confirmed"},
	    {.kind = BOARD_STEP_DISPATCH, .at_ms = T0 + 5000, .actor = "d2", .note = "Đội 1"},
	};
	const char *want[] = {"verifying", "verifying", "confirmed", "dispatched"};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(store_board_step(f->st, NULL, id, &steps[i], &out, &cur), STORE_OK);
		assert_string_equal(json_string_value(json_object_get(out, "state")), want[i]);
		json_decref(out);
	}
	/* dispatching twice is refused */
	assert_int_equal(store_board_step(f->st, NULL, id, &steps[3], &out, &cur), STORE_CONFLICT);
	assert_string_equal(cur, "dispatched");

	json_t *tl = NULL;
	assert_int_equal(store_board_timeline(f->st, NULL, id, &tl), STORE_OK);
	assert_int_equal(json_array_size(tl), 4);
	const char *kinds[] = {"ack", "call", "verify", "dispatch"};
	for (size_t i = 0; i < 4; i++) {
		json_t *s = json_array_get(tl, i);
		assert_string_equal(json_string_value(json_object_get(s, "kind")), kinds[i]);
		assert_int_equal(json_integer_value(json_object_get(s, "at_ms")), T0 + 2000 + 1000 * (int64_t)i);
		assert_non_null(json_string_value(json_object_get(s, "at")));
	}
	json_t *c = json_array_get(tl, 1);
	assert_string_equal(json_string_value(json_object_get(c, "contact")), "Nguyễn Văn A");
	/* the phone is stored masked, never whole */
	const char *ph = json_string_value(json_object_get(c, "phone"));
	assert_non_null(ph);
	assert_null(strstr(ph, "2345"));
	assert_string_equal(json_string_value(json_object_get(c, "result")), "answered");
	assert_string_equal(json_string_value(json_object_get(json_array_get(tl, 2), "state_to")),
			    "confirmed");
	assert_string_equal(json_string_value(json_object_get(json_array_get(tl, 3), "actor")), "d2");
	json_decref(tl);

	/* an unknown incident */
	assert_int_equal(store_board_step(f->st, NULL, id + 100, &steps[0], &out, &cur),
			 STORE_NOT_FOUND);
	assert_int_equal(store_board_timeline(f->st, NULL, id + 100, &tl), STORE_NOT_FOUND);

	/* a false alarm leaves the active board */
	int64_t id2 = add_incident(f->st, "00364", T0 + 10);
	struct board_step ack = {.kind = BOARD_STEP_ACK, .at_ms = T0 + 20, .actor = "d1"};
	struct board_step no = {.kind = BOARD_STEP_VERIFY, .at_ms = T0 + 30, .actor = "d1",
				.outcome = "false_alarm"};
	assert_int_equal(store_board_step(f->st, NULL, id2, &ack, &out, &cur), STORE_OK);
	json_decref(out);
	assert_int_equal(store_board_step(f->st, NULL, id2, &no, &out, &cur), STORE_OK);
	json_decref(out);
	json_t *items = NULL;
	struct board_query q = {0};
	assert_int_equal(store_board_list(f->st, &q, &items), STORE_OK);
	assert_int_equal(json_array_size(items), 1); /* only the dispatched one */
	json_decref(items);
	q.state = "false_alarm";
	assert_int_equal(store_board_list(f->st, &q, &items), STORE_OK);
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), id2);
	json_decref(items);
}

static void test_scope(void **state)
{
	struct fixture *f = *state;
	int64_t mine = add_incident(f->st, "00364", T0);
	int64_t other = add_incident(f->st, "00367", T0);
	struct scope sc = {.role = ROLE_COMMUNE_OFFICER, .home_unit = "00364"};
	json_t *items = NULL, *out = NULL;
	struct board_query q = {.scope = &sc, .state = "all"};
	assert_int_equal(store_board_list(f->st, &q, &items), STORE_OK);
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), mine);
	json_decref(items);
	assert_int_equal(store_board_get(f->st, &sc, other, &out), STORE_NOT_FOUND);
	assert_int_equal(store_board_get(f->st, &sc, mine, &out), STORE_OK);
	json_decref(out);
	const char *cur = NULL;
	struct board_step ack = {.kind = BOARD_STEP_ACK, .at_ms = T0, .actor = "x"};
	assert_int_equal(store_board_step(f->st, &sc, other, &ack, &out, &cur), STORE_NOT_FOUND);
	/* an auditor reaches no unit */
	struct scope au = {.role = ROLE_AUDITOR};
	q.scope = &au;
	assert_int_equal(store_board_list(f->st, &q, &items), STORE_OK);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
	json_t *counts = NULL;
	assert_int_equal(store_board_device_counts(f->st, &sc, &counts), STORE_OK);
	assert_int_equal(json_integer_value(json_object_get(counts, "total")), 0);
	json_decref(counts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_next_state),
	    cmocka_unit_test(test_level_due),
	    cmocka_unit_test(test_period_env),
	    cmocka_unit_test_setup_teardown(test_escalation_pass, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_workflow_steps, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
