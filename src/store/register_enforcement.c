/* A facility's enforcement history (penalty decisions, suspensions, open
 * violations with their remediation deadlines) for its card, and marking
 * a penalty paid (see register_enforcement.h). Portable SQL through
 * store/db.h; the scope check reuses store_facility_get. */
#include "store/register_enforcement.h"

#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/register.h"

static void put_text(json_t *o, const char *k, struct db_stmt *s, int col)
{
	const char *v = db_col_text(s, col);
	json_object_set_new(o, k, v ? json_string(v) : json_null());
}

static void put_int(json_t *o, const char *k, struct db_stmt *s, int col)
{
	json_object_set_new(o, k, db_col_is_null(s, col) ? json_null()
							: json_integer(db_col_int(s, col)));
}

#define PENALTY_COLS                                                                    \
	"id, number, date, amount, legal_basis, violation, deadline, issuer, paid, paid_on, " \
	"facility_id"

static json_t *penalty_row(struct db_stmt *s, const char *today)
{
	(void)today;
	json_t *o = json_object();
	put_int(o, "id", s, 0);
	put_text(o, "number", s, 1);
	put_text(o, "date", s, 2);
	put_int(o, "amount", s, 3);
	put_text(o, "legal_basis", s, 4);
	put_text(o, "violation", s, 5);
	put_text(o, "deadline", s, 6);
	put_text(o, "issuer", s, 7);
	json_object_set_new(o, "paid", json_boolean(db_col_int(s, 8) != 0));
	put_text(o, "paid_on", s, 9);
	return o;
}

static json_t *suspension_row(struct db_stmt *s, const char *today)
{
	(void)today;
	json_t *o = json_object();
	put_int(o, "id", s, 0);
	put_text(o, "kind", s, 1);
	put_text(o, "number", s, 2);
	put_text(o, "date", s, 3);
	put_text(o, "from_date", s, 4);
	put_text(o, "to_date", s, 5);
	put_text(o, "reason", s, 6);
	put_text(o, "lifted_on", s, 7);
	json_object_set_new(o, "active", json_boolean(db_col_is_null(s, 7)));
	return o;
}

static json_t *violation_row(struct db_stmt *s, const char *today)
{
	json_t *o = json_object();
	put_int(o, "id", s, 0);
	put_int(o, "inspection_id", s, 1);
	put_text(o, "item_code", s, 2);
	put_text(o, "description", s, 3);
	put_text(o, "found_on", s, 4);
	put_text(o, "deadline", s, 5);
	const char *d = db_col_text(s, 5);
	json_object_set_new(o, "overdue", json_boolean(d && today && strcmp(d, today) < 0));
	return o;
}

/* Runs sql (one text parameter: the facility id) and collects rows. */
static int collect(struct store *st, const char *sql, const char *facility_id,
		   json_t *(*row)(struct db_stmt *, const char *), const char *today, json_t **out)
{
	json_t *arr = NULL;
	struct db_stmt *s = db_prepare(st, sql);
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, facility_id);
	arr = json_array();
	int rc;
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(arr, row(s, today));
	db_finish(s);
	if (rc != DB_DONE)
		goto fail;
	*out = arr;
	return STORE_OK;
fail:
	json_decref(arr);
	return rc < 0 ? rc : STORE_ERROR;
}

int store_facility_enforcement(struct store *st, const char *facility_id, const char *today,
			       json_t *f)
{
	json_t *pen = NULL, *sus = NULL, *vio = NULL;
	int rc = collect(st, "SELECT " PENALTY_COLS " FROM penalties WHERE facility_id = $1 "
			     "ORDER BY date DESC, id DESC",
			 facility_id, penalty_row, NULL, &pen);
	if (rc != STORE_OK)
		goto fail;
	rc = collect(st, "SELECT id, kind, number, date, from_date, to_date, reason, lifted_on "
			 "FROM suspensions WHERE facility_id = $1 ORDER BY date DESC, id DESC",
		     facility_id, suspension_row, NULL, &sus);
	if (rc != STORE_OK)
		goto fail;
	rc = collect(st, "SELECT id, inspection_id, item_code, description, found_on, deadline "
			 "FROM violations WHERE target_kind = 'facility' AND target_id = $1 AND "
			 "remediated_on IS NULL ORDER BY deadline IS NULL, deadline, id",
		     facility_id, violation_row, today, &vio);
	if (rc != STORE_OK)
		goto fail;
	json_object_set_new(f, "penalties", pen);
	json_object_set_new(f, "suspensions", sus);
	json_object_set_new(f, "violations", vio);
	return STORE_OK;
fail:
	json_decref(pen);
	json_decref(sus);
	json_decref(vio);
	return rc;
}

static int penalty_read(struct store *st, long long id, json_t **out)
{
	struct db_stmt *s = db_prepare(st, "SELECT " PENALTY_COLS " FROM penalties WHERE id = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, id);
	int rc = db_step(s);
	if (rc == DB_ROW) {
		*out = penalty_row(s, NULL);
		put_text(*out, "facility_id", s, 10);
	}
	db_finish(s);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOT_FOUND : rc;
}

int store_penalty_set_paid(struct store *st, const struct scope *sc, long long id, int paid,
			   const char *paid_on, json_t **out)
{
	json_t *p = NULL, *fac = NULL;
	*out = NULL;
	int rc = db_begin_write(st);
	if (rc != STORE_OK)
		return rc;
	if ((rc = penalty_read(st, id, &p)) != STORE_OK)
		goto fail;
	rc = store_facility_get(st, sc, json_string_value(json_object_get(p, "facility_id")), &fac);
	json_decref(fac);
	if (rc != STORE_OK)
		goto fail;
	const char *date = json_string_value(json_object_get(p, "date"));
	if (paid && (!paid_on || (date && strcmp(paid_on, date) < 0))) {
		rc = STORE_INVALID;
		goto fail;
	}
	struct db_stmt *s = db_prepare(st, "UPDATE penalties SET paid = $2, paid_on = $3 "
					   "WHERE id = $1");
	if (!s) {
		rc = STORE_ERROR;
		goto fail;
	}
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, paid ? 1 : 0);
	db_bind_text(s, 3, paid ? paid_on : NULL);
	rc = db_step(s);
	db_finish(s);
	if (rc != DB_DONE) {
		rc = rc < 0 ? rc : STORE_ERROR;
		goto fail;
	}
	if ((rc = db_commit(st)) != STORE_OK) {
		json_decref(p);
		return rc;
	}
	json_decref(p);
	return penalty_read(st, id, out);
fail:
	db_rollback(st);
	json_decref(p);
	return rc;
}
