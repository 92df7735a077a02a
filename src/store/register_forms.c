/* Store functions of the printed enforcement documents and the notices
 * (see register_forms.h), written with the portable statement layer. */
#include "store/register_forms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "store/db.h"

static void set_text(json_t *o, const char *k, struct db_stmt *s, int col)
{
	const char *v = db_col_text(s, col);
	json_object_set_new(o, k, v ? json_string(v) : json_null());
}

static void set_json(json_t *o, const char *k, struct db_stmt *s, int col, int array)
{
	const char *v = db_col_text(s, col);
	json_t *j = v ? json_loads(v, JSON_DECODE_ANY, NULL) : NULL;
	if (!j || (array && !json_is_array(j))) {
		json_decref(j);
		j = array ? json_array() : json_null();
	}
	json_object_set_new(o, k, j);
}

/* Vietnam's calendar day (UTC+7) of unix seconds t. */
static void day_of(int64_t t, char out[11])
{
	time_t x = (time_t)(t + 7 * 3600);
	struct tm tm;
	gmtime_r(&x, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int store_form_inspection_get(struct store *st, long long id, json_t **out)
{
	*out = NULL;
	struct db_stmt *s = db_prepare(
	    st, "SELECT id, target_kind, target_id, unit, kind, date, inspector, catalogue_version, "
		"results, compliance, failing_items, notes FROM inspections WHERE id = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, id);
	int rc = db_step(s);
	if (rc != DB_ROW) {
		db_finish(s);
		return rc == DB_DONE ? STORE_NOT_FOUND : STORE_ERROR;
	}
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_col_int(s, 0)));
	set_text(o, "target_kind", s, 1);
	set_text(o, "target_id", s, 2);
	set_text(o, "unit", s, 3);
	set_text(o, "kind", s, 4);
	set_text(o, "date", s, 5);
	set_text(o, "inspector", s, 6);
	set_text(o, "catalogue_version", s, 7);
	set_json(o, "results", s, 8, 1);
	set_text(o, "compliance", s, 9);
	set_json(o, "failing_items", s, 10, 1);
	set_text(o, "notes", s, 11);
	db_finish(s);

	json_t *viol = json_array();
	s = db_prepare(st, "SELECT id, item_code, description, deadline, remediated_on FROM "
			   "violations WHERE inspection_id = $1 ORDER BY id");
	if (!s) {
		json_decref(o);
		json_decref(viol);
		return STORE_ERROR;
	}
	db_bind_int(s, 1, id);
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *v = json_object();
		json_object_set_new(v, "id", json_integer(db_col_int(s, 0)));
		set_text(v, "item_code", s, 1);
		set_text(v, "description", s, 2);
		set_text(v, "deadline", s, 3);
		set_text(v, "remediated_on", s, 4);
		json_array_append_new(viol, v);
	}
	db_finish(s);
	json_object_set_new(o, "violations", viol);
	if (rc < 0) {
		json_decref(o);
		return STORE_ERROR;
	}
	*out = o;
	return STORE_OK;
}

int store_form_penalty_get(struct store *st, long long id, json_t **out)
{
	*out = NULL;
	struct db_stmt *s = db_prepare(
	    st, "SELECT id, facility_id, unit, number, date, amount, legal_basis, violation, paid, "
		"paid_on, deadline, issuer, created_by FROM penalties WHERE id = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, id);
	int rc = db_step(s);
	if (rc != DB_ROW) {
		db_finish(s);
		return rc == DB_DONE ? STORE_NOT_FOUND : STORE_ERROR;
	}
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_col_int(s, 0)));
	set_text(o, "facility_id", s, 1);
	set_text(o, "unit", s, 2);
	set_text(o, "number", s, 3);
	set_text(o, "date", s, 4);
	json_object_set_new(o, "amount", json_integer(db_col_int(s, 5)));
	set_text(o, "legal_basis", s, 6);
	set_text(o, "violation", s, 7);
	json_object_set_new(o, "paid", json_boolean(db_col_int(s, 8) != 0));
	set_text(o, "paid_on", s, 9);
	set_text(o, "deadline", s, 10);
	set_text(o, "issuer", s, 11);
	set_text(o, "created_by", s, 12);
	db_finish(s);
	*out = o;
	return STORE_OK;
}

static int number_find(struct store *st, const char *kind, long long record_id, long long *seq)
{
	struct db_stmt *s =
	    db_prepare(st, "SELECT seq FROM form_numbers WHERE kind = $1 AND record_id = $2");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, kind);
	db_bind_int(s, 2, record_id);
	int rc = db_step(s);
	if (rc == DB_ROW)
		*seq = db_col_int(s, 0);
	db_finish(s);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

static int number_take(struct store *st, const char *kind, long long record_id,
		       const char *unit, int year, long long *seq)
{
	int rc = number_find(st, kind, record_id, seq);
	if (rc != STORE_NOT_FOUND)
		return rc;
	struct db_stmt *s = db_prepare(st, "SELECT COALESCE(MAX(seq), 0) + 1 FROM form_numbers "
					   "WHERE kind = $1 AND unit = $2 AND year = $3");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, kind);
	db_bind_text(s, 2, unit);
	db_bind_int(s, 3, year);
	rc = db_step(s);
	long long next = rc == DB_ROW ? db_col_int(s, 0) : 0;
	db_finish(s);
	if (rc != DB_ROW || next < 1)
		return STORE_ERROR;
	s = db_prepare(st, "INSERT INTO form_numbers (kind, record_id, unit, year, seq, created_at) "
			   "VALUES ($1, $2, $3, $4, $5, $6)");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, kind);
	db_bind_int(s, 2, record_id);
	db_bind_text(s, 3, unit);
	db_bind_int(s, 4, year);
	db_bind_int(s, 5, next);
	db_bind_int(s, 6, clock_now_s());
	rc = db_step(s);
	db_finish(s);
	if (rc != DB_DONE)
		return rc < 0 ? rc : STORE_ERROR;
	*seq = next;
	return STORE_OK;
}

int store_form_number(struct store *st, const char *kind, long long record_id, const char *unit,
		      int year, long long *seq)
{
	*seq = 0;
	if (!kind || !unit || year < 1900 || year > 9999)
		return STORE_INVALID;
	if (number_find(st, kind, record_id, seq) == STORE_OK)
		return STORE_OK;
	/* Two printers racing: the loser's insert conflicts; it retries and
	 * then finds the winner's number or takes the next. */
	for (int attempt = 0; attempt < 3; attempt++) {
		if (db_begin_write(st) != 0)
			return STORE_ERROR;
		int rc = number_take(st, kind, record_id, unit, year, seq);
		if (rc == STORE_OK) {
			if (db_commit(st) == 0)
				return STORE_OK;
			db_rollback(st);
			return STORE_ERROR;
		}
		db_rollback(st);
		if (rc != STORE_CONFLICT)
			return rc;
	}
	return STORE_CONFLICT;
}

/* ---- notices --------------------------------------------------------------------- */

static json_t *candidate(const char *source, long long id, const char *tk, const char *tid,
			 const char *unit, const char *deadline, int open, const char *event_date,
			 long long version, const char *detail)
{
	json_t *o = json_pack("{s:s,s:I,s:s,s:s,s:b,s:I}", "source", source, "id", (json_int_t)id,
			      "target_kind", tk ? tk : "", "target_id", tid ? tid : "", "open",
			      open, "version", (json_int_t)version);
	if (!o)
		return NULL;
	json_object_set_new(o, "unit", unit ? json_string(unit) : json_null());
	json_object_set_new(o, "deadline", deadline ? json_string(deadline) : json_null());
	json_object_set_new(o, "event_date", event_date ? json_string(event_date) : json_null());
	json_object_set_new(o, "detail", detail ? json_string(detail) : json_null());
	return o;
}

int store_notice_candidates(struct store *st, const char *today, const char *from,
			    const char *to, int64_t since_s, int limit, json_t **items)
{
	json_t *arr = json_array();
	int rc;
	*items = NULL;
	if (limit <= 0)
		limit = 1000;

	struct db_stmt *s = db_prepare(
	    st, "SELECT v.id, v.target_kind, v.target_id, v.unit, v.deadline, v.description FROM "
		"violations v WHERE v.remediated_on IS NULL AND v.deadline >= $1 AND v.deadline <= "
		"$2 AND NOT EXISTS (SELECT 1 FROM notices_sent n WHERE n.notice_key = (CASE WHEN "
		"v.deadline < $3 THEN 'deadline_passed' ELSE 'deadline_near' END) || ':violation:' "
		"|| v.id) ORDER BY v.deadline, v.id LIMIT $4");
	if (!s)
		goto fail;
	db_bind_text(s, 1, from);
	db_bind_text(s, 2, to);
	db_bind_text(s, 3, today);
	db_bind_int(s, 4, limit);
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(arr, candidate("violation", db_col_int(s, 0),
						     db_col_text(s, 1), db_col_text(s, 2),
						     db_col_text(s, 3), db_col_text(s, 4), 1, NULL,
						     0, db_col_text(s, 5)));
	db_finish(s);
	if (rc < 0)
		goto fail;

	s = db_prepare(st, "SELECT id, facility_id, unit, deadline, paid, number, date, created_at "
			   "FROM penalties WHERE (paid = 0 AND deadline >= $1 AND deadline <= $2) "
			   "OR created_at >= $3 ORDER BY id LIMIT $4");
	if (!s)
		goto fail;
	db_bind_text(s, 1, from);
	db_bind_text(s, 2, to);
	db_bind_int(s, 3, since_s);
	db_bind_int(s, 4, limit);
	while ((rc = db_step(s)) == DB_ROW) {
		char created[11];
		day_of(db_col_int(s, 7), created);
		json_t *c = candidate("penalty", db_col_int(s, 0), "facility", db_col_text(s, 1),
				      db_col_text(s, 2), db_col_text(s, 3), db_col_int(s, 4) == 0,
				      created, 0, db_col_text(s, 5));
		if (c)
			json_object_set_new(c, "date", db_col_text(s, 6) ? json_string(db_col_text(s, 6))
									  : json_null());
		json_array_append_new(arr, c);
	}
	db_finish(s);
	if (rc < 0)
		goto fail;

	s = db_prepare(st, "SELECT h.id, h.unit, h.updated_at, h.return_reason FROM houses h WHERE "
			   "h.declared_state = 'returned' AND h.updated_at >= $1 AND NOT EXISTS "
			   "(SELECT 1 FROM notices_sent n WHERE n.notice_key = "
			   "'declaration_returned:house:' || h.id || ':' || h.updated_at) ORDER BY "
			   "h.updated_at, h.id LIMIT $2");
	if (!s)
		goto fail;
	db_bind_int(s, 1, since_s);
	db_bind_int(s, 2, limit);
	while ((rc = db_step(s)) == DB_ROW) {
		char day[11];
		day_of(db_col_int(s, 2), day);
		json_array_append_new(arr, candidate("house", 0, "house", db_col_text(s, 0),
						     db_col_text(s, 1), NULL, 1, day,
						     db_col_int(s, 2), db_col_text(s, 3)));
	}
	db_finish(s);
	if (rc < 0)
		goto fail;
	*items = arr;
	return STORE_OK;
fail:
	json_decref(arr);
	return STORE_ERROR;
}

int store_notice_mark(struct store *st, const char *key, const char *target_kind,
		      const char *target_id, int64_t now_s)
{
	struct db_stmt *s = db_prepare(st, "INSERT INTO notices_sent (notice_key, target_kind, "
					   "target_id, sent_at) VALUES ($1, $2, $3, $4)");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, key);
	db_bind_text(s, 2, target_kind);
	db_bind_text(s, 3, target_id);
	db_bind_int(s, 4, now_s);
	int rc = db_step(s);
	db_finish(s);
	if (rc == DB_DONE)
		return STORE_OK;
	return rc == STORE_CONFLICT ? STORE_CONFLICT : STORE_ERROR;
}

int store_notice_sent(struct store *st, const char *key)
{
	struct db_stmt *s = db_prepare(st, "SELECT 1 FROM notices_sent WHERE notice_key = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, key);
	int rc = db_step(s);
	db_finish(s);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : STORE_ERROR;
}

int store_notice_recipients(struct store *st, const char *target_kind, const char *target_id,
			    json_t **out)
{
	json_t *to = json_array();
	json_t *o = NULL;
	int rc = DB_DONE;
	*out = NULL;
	if (target_kind && strcmp(target_kind, "house") == 0) {
		struct db_stmt *s =
		    db_prepare(st, "SELECT address_text FROM houses WHERE id = $1");
		if (!s)
			goto fail;
		db_bind_text(s, 1, target_id);
		rc = db_step(s);
		if (rc == DB_ROW)
			o = json_pack("{s:s?}", "name", db_col_text(s, 0));
		db_finish(s);
		if (rc != DB_ROW)
			goto missing;
		s = db_prepare(st, "SELECT name, phone_mask FROM residents WHERE house_id = $1 AND "
				   "role = 'head' ORDER BY id");
		if (!s)
			goto fail;
		db_bind_text(s, 1, target_id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(to, json_pack("{s:s,s:s?,s:s?}", "role",
							    "household_head", "name",
							    db_col_text(s, 0), "phone_masked",
							    db_col_text(s, 1)));
		db_finish(s);
		if (rc < 0)
			goto fail;
	} else if (target_kind && strcmp(target_kind, "facility") == 0) {
		struct db_stmt *s = db_prepare(
		    st, "SELECT name, legal_rep, contacts FROM facilities WHERE id = $1");
		if (!s)
			goto fail;
		db_bind_text(s, 1, target_id);
		rc = db_step(s);
		if (rc == DB_ROW) {
			o = json_pack("{s:s?}", "name", db_col_text(s, 0));
			if (db_col_text(s, 1))
				json_array_append_new(to, json_pack("{s:s,s:s}", "role",
								    "legal_representative", "name",
								    db_col_text(s, 1)));
			json_t *c = db_col_text(s, 2) ? json_loads(db_col_text(s, 2), 0, NULL) : NULL;
			size_t i;
			json_t *v;
			json_array_foreach(c, i, v) {
				if (!json_is_object(v))
					continue;
				json_t *r = json_deep_copy(v);
				json_object_set_new(r, "role", json_string("contact"));
				json_array_append_new(to, r);
			}
			json_decref(c);
		}
		db_finish(s);
		if (rc != DB_ROW)
			goto missing;
	} else {
		goto missing;
	}
	if (!o)
		goto fail;
	json_object_set_new(o, "to", to);
	*out = o;
	return STORE_OK;
missing:
	json_decref(to);
	json_decref(o);
	return rc < 0 ? STORE_ERROR : STORE_NOT_FOUND;
fail:
	json_decref(to);
	json_decref(o);
	return STORE_ERROR;
}
