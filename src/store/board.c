/* The live alarm board's store (see board.h): incidents of sql/003_alarm
 * joined with their device (contacts), their commune's name and their
 * workflow row of sql/005_alarm_workflow; the workflow steps; the
 * escalation pass. Scope restrictions are the JSON commune list of
 * store/scope.h, bound as one parameter. */
#include "store/board.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/pii.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "store/db.h"
#include "store/scope.h"

#define BOARD_COLS                                                                           \
	"i.id, i.unit, u.name, i.site_name, i.address, i.lat, i.lon, i.facility_id, "         \
	"i.device_id, d.account, d.contacts, i.state, i.opened_ms, i.last_event_ms, "          \
	"i.event_count, b.acked_ms, b.acked_by, b.escalated_ms, b.escalation_level"
#define BOARD_FROM                                                                           \
	" FROM incidents i LEFT JOIN devices d ON d.id = i.device_id"                         \
	" LEFT JOIN units u ON u.scheme = '2025' AND u.code = i.unit"                         \
	" LEFT JOIN incident_board b ON b.incident_id = i.id"
#define BOARD_SCOPE(n) " ($" #n " IS NULL OR i.unit IN (SELECT value FROM json_each($" #n ")))"

static json_t *col_str(struct db_stmt *s, int c)
{
	return db_col_is_null(s, c) ? json_null() : json_string(db_col_text(s, c));
}

static json_t *col_int(struct db_stmt *s, int c)
{
	return db_col_is_null(s, c) ? json_null() : json_integer(db_col_int(s, c));
}

static json_t *col_real(struct db_stmt *s, int c)
{
	if (db_col_is_null(s, c))
		return json_null();
	double v = db_col_double(s, c);
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *col_time(struct db_stmt *s, int c)
{
	if (db_col_is_null(s, c))
		return json_null();
	char iso[40];
	clock_format_iso(db_col_int(s, c), iso, sizeof iso);
	return json_string(iso);
}

static json_t *board_row(struct db_stmt *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_col_int(s, 0)));
	json_object_set_new(o, "unit", col_str(s, 1));
	json_object_set_new(o, "unit_name", col_str(s, 2));
	json_object_set_new(o, "site_name", col_str(s, 3));
	json_object_set_new(o, "address", col_str(s, 4));
	json_object_set_new(o, "lat", col_real(s, 5));
	json_object_set_new(o, "lon", col_real(s, 6));
	json_object_set_new(o, "facility_id", col_str(s, 7));
	json_object_set_new(o, "device_id", col_int(s, 8));
	json_object_set_new(o, "account", col_str(s, 9));
	json_t *contacts = NULL;
	const char *ct = db_col_text(s, 10);
	if (ct)
		contacts = json_loads(ct, 0, NULL);
	if (!json_is_array(contacts)) {
		json_decref(contacts);
		contacts = json_array();
	}
	json_object_set_new(o, "contacts", contacts);
	json_object_set_new(o, "state", col_str(s, 11));
	json_object_set_new(o, "opened_ms", col_int(s, 12));
	json_object_set_new(o, "opened_at", col_time(s, 12));
	json_object_set_new(o, "last_event_ms", col_int(s, 13));
	json_object_set_new(o, "last_event_at", col_time(s, 13));
	json_object_set_new(o, "event_count", col_int(s, 14));
	json_object_set_new(o, "acked_ms", col_int(s, 15));
	json_object_set_new(o, "acked_by", col_str(s, 16));
	json_object_set_new(o, "escalated_ms", col_int(s, 17));
	json_object_set_new(o, "escalation_level",
			    json_integer(db_col_is_null(s, 18) ? 0 : db_col_int(s, 18)));
	return o;
}

static int scope_units(struct store *st, const struct scope *scope, char **units)
{
	*units = NULL;
	if (!scope)
		return 0;
	return store_scope_units_json(st, scope, units) == 0 ? 0 : STORE_ERROR;
}

int store_board_list(struct store *st, const struct board_query *q, json_t **items)
{
	*items = NULL;
	char *units = NULL;
	if (scope_units(st, q->scope, &units) != 0)
		return STORE_ERROR;
	const char *state = q->state && *q->state ? q->state : "active";
	struct db_stmt *s = db_prepare(
	    st, "SELECT " BOARD_COLS BOARD_FROM " WHERE" BOARD_SCOPE(1)
		" AND ($2 IS NULL OR i.unit = $2)"
		" AND ($3 = 'all' OR ($3 = 'active' AND i.state IN"
		" ('open', 'verifying', 'confirmed', 'dispatched')) OR i.state = $3)"
		" ORDER BY i.last_event_ms DESC, i.id DESC LIMIT $4");
	if (!s) {
		free(units);
		return STORE_ERROR;
	}
	db_bind_text(s, 1, units);
	db_bind_text(s, 2, q->unit);
	db_bind_text(s, 3, state);
	db_bind_int(s, 4, q->limit > 0 && q->limit <= 500 ? q->limit : 500);
	json_t *arr = json_array();
	int rc;
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(arr, board_row(s));
	db_finish(s);
	free(units);
	if (rc != DB_DONE) {
		json_decref(arr);
		return STORE_ERROR;
	}
	*items = arr;
	return STORE_OK;
}

/* units: JSON scope text or NULL (all). */
static int board_get_units(struct store *st, const char *units, int64_t id, json_t **out)
{
	*out = NULL;
	struct db_stmt *s =
	    db_prepare(st, "SELECT " BOARD_COLS BOARD_FROM " WHERE i.id = $2 AND" BOARD_SCOPE(1));
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, units);
	db_bind_int(s, 2, id);
	int rc = db_step(s);
	if (rc == DB_ROW)
		*out = board_row(s);
	db_finish(s);
	if (rc < 0)
		return STORE_ERROR;
	return *out ? STORE_OK : STORE_NOT_FOUND;
}

int store_board_get(struct store *st, const struct scope *scope, int64_t id, json_t **out)
{
	char *units = NULL;
	if (scope_units(st, scope, &units) != 0)
		return STORE_ERROR;
	int rc = board_get_units(st, units, id, out);
	free(units);
	return rc;
}

static int insert_step(struct store *st, int64_t id, const struct board_step *step,
		       const char *from, const char *to)
{
	char masked[PII_MASK_BUF] = "";
	const char *phone = NULL;
	if (step->phone && *step->phone) {
		pii_mask_phone(step->phone, masked);
		phone = masked;
	}
	struct db_stmt *s = db_prepare(
	    st, "INSERT INTO incident_steps (incident_id, kind, at_ms, actor_id, actor, actor_name,"
		" contact, phone, result, outcome, note, state_from, state_to)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, board_step_id(step->kind));
	db_bind_int(s, 3, step->at_ms);
	if (step->actor_id)
		db_bind_int(s, 4, step->actor_id);
	else
		db_bind_null(s, 4);
	db_bind_text(s, 5, step->actor ? step->actor : "");
	db_bind_text(s, 6, step->actor_name ? step->actor_name : "");
	db_bind_text(s, 7, step->contact);
	db_bind_text(s, 8, phone);
	db_bind_text(s, 9, step->result);
	db_bind_text(s, 10, step->outcome);
	db_bind_text(s, 11, step->note);
	db_bind_text(s, 12, from);
	db_bind_text(s, 13, to);
	int rc = db_step(s);
	db_finish(s);
	return rc == DB_DONE ? STORE_OK : (rc < 0 ? rc : STORE_ERROR);
}

static int run1(struct store *st, const char *sql, int64_t a, const char *b, int64_t c)
{
	struct db_stmt *s = db_prepare(st, sql);
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, a);
	db_bind_text(s, 2, b);
	db_bind_int(s, 3, c);
	int rc = db_step(s);
	db_finish(s);
	return rc == DB_DONE ? STORE_OK : STORE_ERROR;
}

int store_board_step(struct store *st, const struct scope *scope, int64_t id,
		     const struct board_step *step, json_t **out, const char **state_out)
{
	*out = NULL;
	*state_out = NULL;
	char *units = NULL;
	if (scope_units(st, scope, &units) != 0)
		return STORE_ERROR;
	if (db_begin_write(st) != 0) {
		free(units);
		return STORE_ERROR;
	}
	int rc = STORE_ERROR;
	char state[16] = "";
	struct db_stmt *s = db_prepare(st, "SELECT i.state FROM incidents i WHERE i.id = $2 AND"
					   BOARD_SCOPE(1));
	if (!s)
		goto fail;
	db_bind_text(s, 1, units);
	db_bind_int(s, 2, id);
	int step_rc = db_step(s);
	if (step_rc == DB_ROW && db_col_text(s, 0))
		snprintf(state, sizeof state, "%s", db_col_text(s, 0));
	db_finish(s);
	if (step_rc < 0)
		goto fail;
	if (step_rc != DB_ROW) {
		rc = STORE_NOT_FOUND;
		goto fail;
	}
	const char *next = NULL;
	if (board_next_state(state, step->kind, step->outcome, &next) != 0) {
		*state_out = board_state_name(state);
		rc = STORE_CONFLICT;
		goto fail;
	}
	if (insert_step(st, id, step, state, next) != 0)
		goto fail;
	if (strcmp(next, state) != 0) {
		if (run1(st, "UPDATE incidents SET state = $2,"
			      " closed_ms = CASE WHEN $2 = 'false_alarm' THEN $3 ELSE closed_ms END"
			      " WHERE id = $1",
			 id, next, step->at_ms) != 0)
			goto fail;
	}
	if (step->kind == BOARD_STEP_ACK) {
		struct db_stmt *u = db_prepare(
		    st, "INSERT INTO incident_board (incident_id, acked_ms, acked_by)"
			" VALUES ($1, $2, $3) ON CONFLICT (incident_id) DO UPDATE"
			" SET acked_ms = excluded.acked_ms, acked_by = excluded.acked_by");
		if (!u)
			goto fail;
		db_bind_int(u, 1, id);
		db_bind_int(u, 2, step->at_ms);
		db_bind_text(u, 3, step->actor ? step->actor : "");
		int urc = db_step(u);
		db_finish(u);
		if (urc != DB_DONE)
			goto fail;
	}
	if (db_commit(st) != 0) {
		rc = STORE_ERROR;
		goto fail_nocommit;
	}
	rc = board_get_units(st, NULL, id, out);
	free(units);
	return rc;
fail:
	db_rollback(st);
fail_nocommit:
	free(units);
	return rc;
}

int store_board_timeline(struct store *st, const struct scope *scope, int64_t id, json_t **items)
{
	*items = NULL;
	json_t *inc = NULL;
	int rc = store_board_get(st, scope, id, &inc);
	json_decref(inc);
	if (rc != STORE_OK)
		return rc;
	struct db_stmt *s = db_prepare(
	    st, "SELECT id, kind, at_ms, actor, actor_name, contact, phone, result, outcome, note,"
		" state_from, state_to FROM incident_steps WHERE incident_id = $1 ORDER BY at_ms, id");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, id);
	json_t *arr = json_array();
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(db_col_int(s, 0)));
		json_object_set_new(o, "kind", col_str(s, 1));
		json_object_set_new(o, "at_ms", col_int(s, 2));
		json_object_set_new(o, "at", col_time(s, 2));
		json_object_set_new(o, "actor", col_str(s, 3));
		json_object_set_new(o, "actor_name", col_str(s, 4));
		json_object_set_new(o, "contact", col_str(s, 5));
		json_object_set_new(o, "phone", col_str(s, 6));
		json_object_set_new(o, "result", col_str(s, 7));
		json_object_set_new(o, "outcome", col_str(s, 8));
		json_object_set_new(o, "note", col_str(s, 9));
		json_object_set_new(o, "state_from", col_str(s, 10));
		json_object_set_new(o, "state_to", col_str(s, 11));
		json_array_append_new(arr, o);
	}
	db_finish(s);
	if (rc != DB_DONE) {
		json_decref(arr);
		return STORE_ERROR;
	}
	*items = arr;
	return STORE_OK;
}

struct due {
	int64_t id;
	int level;
};

int store_board_escalate(struct store *st, int64_t now_ms, int64_t after_ms, json_t **escalated)
{
	*escalated = json_array();
	if (after_ms <= 0)
		return STORE_OK;
	/* Cheap read first: most passes find nothing. */
	struct db_stmt *s = db_prepare(
	    st, "SELECT i.id, i.opened_ms, COALESCE(b.escalation_level, 0) FROM incidents i"
		" LEFT JOIN incident_board b ON b.incident_id = i.id"
		" WHERE i.state = 'open' AND b.acked_ms IS NULL AND i.opened_ms <= $1"
		" ORDER BY i.id LIMIT 1000");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, now_ms - after_ms);
	struct due *due = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		int lvl = escalate_level_due(db_col_int(s, 1), now_ms, after_ms);
		if (lvl <= db_col_int(s, 2))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			due = xrealloc(due, cap * sizeof *due);
		}
		due[n].id = db_col_int(s, 0);
		due[n].level = lvl;
		n++;
	}
	db_finish(s);
	if (rc != DB_DONE) {
		free(due);
		return STORE_ERROR;
	}
	for (size_t i = 0; i < n; i++) {
		if (db_begin_write(st) != 0)
			goto fail;
		/* re-check inside the transaction: a dispatcher may have just
		 * acknowledged it */
		struct db_stmt *c = db_prepare(
		    st, "SELECT COALESCE(b.escalation_level, 0) FROM incidents i"
			" LEFT JOIN incident_board b ON b.incident_id = i.id"
			" WHERE i.id = $1 AND i.state = 'open' AND b.acked_ms IS NULL");
		if (!c) {
			db_rollback(st);
			goto fail;
		}
		db_bind_int(c, 1, due[i].id);
		int crc = db_step(c);
		int64_t cur = crc == DB_ROW ? db_col_int(c, 0) : -1;
		db_finish(c);
		if (crc < 0) {
			db_rollback(st);
			goto fail;
		}
		if (cur < 0 || cur >= due[i].level) {
			db_rollback(st);
			continue;
		}
		char lvl[8];
		snprintf(lvl, sizeof lvl, "%d", due[i].level);
		struct board_step step = {.kind = BOARD_STEP_ESCALATION, .at_ms = now_ms,
					  .actor = "system", .actor_name = "Hệ thống / System",
					  .outcome = lvl};
		if (insert_step(st, due[i].id, &step, "open", "open") != 0 ||
		    run1(st, "INSERT INTO incident_board (incident_id, escalated_ms, escalation_level)"
			     " VALUES ($1, $3, CAST($2 AS INTEGER)) ON CONFLICT (incident_id) DO UPDATE"
			     " SET escalated_ms = excluded.escalated_ms,"
			     " escalation_level = excluded.escalation_level",
			 due[i].id, lvl, now_ms) != 0) {
			db_rollback(st);
			goto fail;
		}
		if (db_commit(st) != 0)
			goto fail;
		json_t *inc = NULL;
		if (board_get_units(st, NULL, due[i].id, &inc) == STORE_OK)
			json_array_append_new(*escalated, json_pack("{s:o,s:i}", "incident", inc,
								    "level", due[i].level));
	}
	free(due);
	return STORE_OK;
fail:
	free(due);
	return STORE_ERROR;
}

static json_t *prefixed_or_null(struct db_stmt *s, int c, char p)
{
	const char *v = db_col_is_null(s, c) ? NULL : db_col_text(s, c);
	if (!v || !v[0])
		return json_null();
	char t[16];
	snprintf(t, sizeof t, "%c%s", p, v);
	return json_string(t);
}

static int device_attention(struct store *st, const char *units, const char *unit, int limit,
			    json_t **out)
{
	*out = NULL;
	struct db_stmt *s = db_prepare(
	    st, "SELECT d.id, d.account, d.receiver, d.line, d.site_name, d.address, d.unit,"
		" u.name, d.state, d.last_heard_ms, d.lat, d.lon FROM devices d"
		" LEFT JOIN units u ON u.scheme = '2025' AND u.code = d.unit"
		" WHERE d.state IN ('alarm', 'trouble', 'comm_fail')"
		" AND ($1 IS NULL OR d.unit IN (SELECT value FROM json_each($1)))"
		" AND ($2 IS NULL OR d.unit = $2)"
		" ORDER BY CASE d.state WHEN 'alarm' THEN 0 WHEN 'comm_fail' THEN 1 ELSE 2 END,"
		" COALESCE(d.last_heard_ms, 0), d.id LIMIT $3");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, units);
	db_bind_text(s, 2, unit);
	db_bind_int(s, 3, limit > 0 ? limit : 50);
	json_t *arr = json_array();
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(db_col_int(s, 0)));
		json_object_set_new(o, "account", col_str(s, 1));
		json_object_set_new(o, "receiver", prefixed_or_null(s, 2, 'R'));
		json_object_set_new(o, "line", prefixed_or_null(s, 3, 'L'));
		json_object_set_new(o, "site_name", col_str(s, 4));
		json_object_set_new(o, "address", col_str(s, 5));
		json_object_set_new(o, "unit", col_str(s, 6));
		json_object_set_new(o, "unit_name", col_str(s, 7));
		json_object_set_new(o, "state", col_str(s, 8));
		json_object_set_new(o, "last_heard_ms", col_int(s, 9));
		json_object_set_new(o, "lat", col_real(s, 10));
		json_object_set_new(o, "lon", col_real(s, 11));
		json_array_append_new(arr, o);
	}
	db_finish(s);
	if (rc != DB_DONE) {
		json_decref(arr);
		return STORE_ERROR;
	}
	*out = arr;
	return STORE_OK;
}

static int device_counts(struct store *st, const char *units, const char *unit, json_t **out)
{
	*out = NULL;
	struct db_stmt *s = db_prepare(
	    st, "SELECT d.state, COUNT(*) FROM devices d WHERE"
		" ($1 IS NULL OR d.unit IN (SELECT value FROM json_each($1)))"
		" AND ($2 IS NULL OR d.unit = $2) GROUP BY d.state");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, units);
	db_bind_text(s, 2, unit);
	json_t *o = json_pack("{s:i,s:i,s:i,s:i,s:i}", "normal", 0, "alarm", 0, "trouble", 0,
			      "comm_fail", 0, "total", 0);
	int64_t total = 0;
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *k = db_col_text(s, 0);
		int64_t v = db_col_int(s, 1);
		total += v;
		if (k && json_object_get(o, k))
			json_object_set_new(o, k, json_integer(v));
	}
	db_finish(s);
	if (rc != DB_DONE) {
		json_decref(o);
		return STORE_ERROR;
	}
	json_object_set_new(o, "total", json_integer(total));
	*out = o;
	return STORE_OK;
}

int store_board_device_counts(struct store *st, const struct scope *scope, json_t **out)
{
	*out = NULL;
	char *units = NULL;
	if (scope_units(st, scope, &units) != 0)
		return STORE_ERROR;
	int rc = device_counts(st, units, NULL, out);
	free(units);
	return rc;
}

int store_board_devices(struct store *st, const struct scope *scope, const char *unit, int limit,
			json_t **counts, json_t **attention)
{
	*counts = *attention = NULL;
	char *units = NULL;
	if (scope_units(st, scope, &units) != 0)
		return STORE_ERROR;
	int rc = device_counts(st, units, unit, counts);
	if (rc == STORE_OK)
		rc = device_attention(st, units, unit, limit, attention);
	if (rc != STORE_OK) {
		json_decref(*counts);
		*counts = NULL;
	}
	free(units);
	return rc;
}
