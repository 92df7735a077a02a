/* Store functions of the versioned catalogue of safety condition items
 * (see register_catalogue.h): versions and their items in the tables of
 * sql/011_condition_catalogue.sql, drafts copied from the latest published
 * version, item writes refused on published versions, publishing checked
 * by compliance_catalogue_publishable inside the write transaction. */
#include "store/register_catalogue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "store/db.h"

#define ITEM_COLS                                                                          \
	"code, title_vi, title_en, legal_basis, applies, required, categories, position, " \
	"active"

/* Space-separated ids → JSON array of strings. */
static json_t *words_json(const char *list)
{
	json_t *a = json_array();
	const char *p = list;
	while (p && *p) {
		size_t n = 0;
		while (*p == ' ')
			p++;
		while (p[n] && p[n] != ' ')
			n++;
		if (n)
			json_array_append_new(a, json_stringn(p, n));
		p += n;
	}
	return a;
}

static void set_time(json_t *o, const char *k, struct db_stmt *s, int col)
{
	char iso[40];
	if (db_col_is_null(s, col)) {
		json_object_set_new(o, k, json_null());
		return;
	}
	clock_format_iso(db_col_int(s, col) * 1000, iso, sizeof iso);
	json_object_set_new(o, k, json_string(iso));
}

static void set_text(json_t *o, const char *k, struct db_stmt *s, int col)
{
	const char *v = db_col_text(s, col);
	json_object_set_new(o, k, v ? json_string(v) : json_null());
}

json_t *store_catalogue_item_json(const struct compliance_item_def *d)
{
	char a[200], r[200];
	compliance_types_format(d->applies, a, sizeof a);
	compliance_types_format(d->required & d->applies, r, sizeof r);
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:i,s:b}", "code", d->code, "title_vi",
			 d->text_vi ? d->text_vi : "", "title_en", d->text_en ? d->text_en : "",
			 "legal_basis", d->legal_basis ? d->legal_basis : "", "applies",
			 words_json(a), "required", words_json(r), "categories",
			 words_json(d->categories), "position", d->position, "active",
			 !d->inactive);
}

/* The item of the current row (ITEM_COLS order). */
static json_t *item_row(struct db_stmt *s)
{
	struct compliance_item_def d = {
		.code = db_col_text(s, 0),
		.text_vi = db_col_text(s, 1),
		.text_en = db_col_text(s, 2),
		.legal_basis = db_col_text(s, 3),
		.categories = db_col_text(s, 6),
		.position = (int)db_col_int(s, 7),
		.inactive = db_col_int(s, 8) == 0,
	};
	/* Stored lists were checked on the way in; an unknown id is dropped. */
	if (compliance_types_parse(db_col_text(s, 4), &d.applies) != 0)
		d.applies = 0;
	if (compliance_types_parse(db_col_text(s, 5), &d.required) != 0)
		d.required = 0;
	if (!d.code)
		return NULL;
	return store_catalogue_item_json(&d);
}

static int version_row(struct store *st, long long number, json_t **out)
{
	struct db_stmt *s;
	if (number > 0) {
		s = db_prepare(st, "SELECT number, published, created_at, created_by, note, "
				   "published_at, published_by FROM condition_catalogue_versions "
				   "WHERE number = $1");
		if (s)
			db_bind_int(s, 1, number);
	} else {
		s = db_prepare(st, "SELECT number, published, created_at, created_by, note, "
				   "published_at, published_by FROM condition_catalogue_versions "
				   "WHERE published = 1 ORDER BY number DESC LIMIT 1");
	}
	if (!s)
		return STORE_ERROR;
	int rc = db_step(s);
	if (rc == DB_ROW) {
		json_t *o = json_object();
		json_object_set_new(o, "version", json_integer(db_col_int(s, 0)));
		json_object_set_new(o, "published", json_boolean(db_col_int(s, 1) != 0));
		set_time(o, "created_at", s, 2);
		set_text(o, "created_by", s, 3);
		set_text(o, "note", s, 4);
		set_time(o, "published_at", s, 5);
		set_text(o, "published_by", s, 6);
		*out = o;
	}
	db_finish(s);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOT_FOUND : rc;
}

static int items_of(struct store *st, long long number, json_t **items)
{
	struct db_stmt *s = db_prepare(st, "SELECT " ITEM_COLS " FROM condition_catalogue_items "
					   "WHERE version = $1 ORDER BY position, code");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, number);
	json_t *arr = json_array();
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *it = item_row(s);
		if (it)
			json_array_append_new(arr, it);
	}
	db_finish(s);
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc;
	}
	*items = arr;
	return STORE_OK;
}

int store_catalogue_get(struct store *st, long long number, json_t **out)
{
	json_t *v = NULL, *items = NULL;
	*out = NULL;
	if (number < 0)
		return STORE_NOT_FOUND;
	int rc = version_row(st, number, &v);
	if (rc != STORE_OK)
		return rc;
	rc = items_of(st, json_integer_value(json_object_get(v, "version")), &items);
	if (rc != STORE_OK) {
		json_decref(v);
		return rc;
	}
	json_object_set_new(v, "items", items);
	*out = v;
	return STORE_OK;
}

int store_catalogue_versions(struct store *st, json_t **items)
{
	*items = NULL;
	struct db_stmt *s = db_prepare(
	    st, "SELECT v.number, v.published, v.created_at, v.created_by, v.note, "
		"v.published_at, v.published_by, "
		"(SELECT COUNT(*) FROM condition_catalogue_items i WHERE i.version = v.number), "
		"(SELECT COUNT(*) FROM condition_catalogue_items i WHERE i.version = v.number "
		"AND i.active = 1) FROM condition_catalogue_versions v ORDER BY v.number DESC");
	if (!s)
		return STORE_ERROR;
	json_t *arr = json_array();
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *o = json_object();
		json_object_set_new(o, "version", json_integer(db_col_int(s, 0)));
		json_object_set_new(o, "published", json_boolean(db_col_int(s, 1) != 0));
		set_time(o, "created_at", s, 2);
		set_text(o, "created_by", s, 3);
		set_text(o, "note", s, 4);
		set_time(o, "published_at", s, 5);
		set_text(o, "published_by", s, 6);
		json_object_set_new(o, "items", json_integer(db_col_int(s, 7)));
		json_object_set_new(o, "active", json_integer(db_col_int(s, 8)));
		json_array_append_new(arr, o);
	}
	db_finish(s);
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc;
	}
	*items = arr;
	return STORE_OK;
}

static int exec_done(struct db_stmt *s)
{
	if (!s)
		return STORE_ERROR;
	int rc = db_step(s);
	db_finish(s);
	return rc == DB_DONE || rc == DB_ROW ? STORE_OK : rc;
}

/* One integer from a query with one optional integer parameter; *found 0
 * when no row. */
static int scalar(struct store *st, const char *sql, long long arg, int has_arg, long long *v,
		  int *found)
{
	struct db_stmt *s = db_prepare(st, sql);
	if (!s)
		return STORE_ERROR;
	if (has_arg)
		db_bind_int(s, 1, arg);
	int rc = db_step(s);
	*found = rc == DB_ROW && !db_col_is_null(s, 0);
	*v = *found ? db_col_int(s, 0) : 0;
	db_finish(s);
	return rc < 0 ? rc : STORE_OK;
}

static int tx_finish(struct store *st, int rc)
{
	if (rc == STORE_OK) {
		if (db_commit(st) != 0)
			return STORE_ERROR;
		return STORE_OK;
	}
	db_rollback(st);
	return rc;
}

int store_catalogue_draft_create(struct store *st, const char *by, const char *note,
				 json_t **out)
{
	long long draft = 0, base = 0, next = 0;
	int found, rc;

	*out = NULL;
	if (db_begin_write(st) != 0)
		return STORE_ERROR;
	rc = scalar(st, "SELECT number FROM condition_catalogue_versions WHERE published = 0 "
			"ORDER BY number LIMIT 1",
		    0, 0, &draft, &found);
	if (rc != STORE_OK)
		goto done;
	if (found) {
		rc = STORE_CONFLICT;
		goto done;
	}
	rc = scalar(st, "SELECT MAX(number) FROM condition_catalogue_versions WHERE published = 1",
		    0, 0, &base, &found);
	if (rc != STORE_OK)
		goto done;
	rc = scalar(st, "SELECT MAX(number) FROM condition_catalogue_versions", 0, 0, &next,
		    &found);
	if (rc != STORE_OK)
		goto done;
	next++;
	struct db_stmt *s = db_prepare(st, "INSERT INTO condition_catalogue_versions (number, "
					   "created_at, created_by, note, published) VALUES "
					   "($1, $2, $3, $4, 0)");
	if (s) {
		db_bind_int(s, 1, next);
		db_bind_int(s, 2, clock_now_s());
		db_bind_text(s, 3, by ? by : "system");
		db_bind_text(s, 4, note && *note ? note : NULL);
	}
	if ((rc = exec_done(s)) != STORE_OK)
		goto done;
	if (base > 0) {
		s = db_prepare(st, "INSERT INTO condition_catalogue_items (version, " ITEM_COLS ") "
				   "SELECT CAST($1 AS INTEGER), " ITEM_COLS " FROM condition_catalogue_items "
				   "WHERE version = $2");
		if (s) {
			db_bind_int(s, 1, next);
			db_bind_int(s, 2, base);
		}
		if ((rc = exec_done(s)) != STORE_OK)
			goto done;
	}
	rc = STORE_OK;
done:
	rc = tx_finish(st, rc);
	if (rc == STORE_CONFLICT)
		*out = json_pack("{s:I}", "version", (json_int_t)draft);
	else if (rc == STORE_OK)
		rc = store_catalogue_get(st, next, out);
	return rc;
}

/* STORE_OK when number is an unpublished version. */
static int draft_check(struct store *st, long long number)
{
	long long pub;
	int found;
	int rc = scalar(st, "SELECT published FROM condition_catalogue_versions WHERE number = $1",
			number, 1, &pub, &found);
	if (rc != STORE_OK)
		return rc;
	if (!found)
		return STORE_NOT_FOUND;
	return pub ? STORE_CATALOGUE_PUBLISHED : STORE_OK;
}

int store_catalogue_item_put(struct store *st, long long number,
			     const struct compliance_item_def *d, int create)
{
	char a[200], r[200];
	int found, rc;

	if (!d || !d->code)
		return STORE_INVALID;
	compliance_types_format(d->applies, a, sizeof a);
	compliance_types_format(d->required & d->applies, r, sizeof r);
	if (db_begin_write(st) != 0)
		return STORE_ERROR;
	if ((rc = draft_check(st, number)) != STORE_OK)
		goto done;
	struct db_stmt *s = db_prepare(st, "SELECT 1 FROM condition_catalogue_items WHERE "
					   "version = $1 AND code = $2");
	if (!s) {
		rc = STORE_ERROR;
		goto done;
	}
	db_bind_int(s, 1, number);
	db_bind_text(s, 2, d->code);
	rc = db_step(s);
	db_finish(s);
	if (rc < 0)
		goto done;
	found = rc == DB_ROW;
	if (create && found) {
		rc = STORE_CONFLICT;
		goto done;
	}
	if (!create && !found) {
		rc = STORE_NOT_FOUND;
		goto done;
	}
	if (create)
		s = db_prepare(st, "INSERT INTO condition_catalogue_items (version, " ITEM_COLS
				   ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
	else
		s = db_prepare(st, "UPDATE condition_catalogue_items SET title_vi = $3, "
				   "title_en = $4, legal_basis = $5, applies = $6, required = $7, "
				   "categories = $8, position = $9, active = $10 "
				   "WHERE version = $1 AND code = $2");
	if (s) {
		db_bind_int(s, 1, number);
		db_bind_text(s, 2, d->code);
		db_bind_text(s, 3, d->text_vi ? d->text_vi : "");
		db_bind_text(s, 4, d->text_en ? d->text_en : "");
		db_bind_text(s, 5, d->legal_basis ? d->legal_basis : "");
		db_bind_text(s, 6, a);
		db_bind_text(s, 7, r);
		db_bind_text(s, 8, d->categories ? d->categories : "");
		db_bind_int(s, 9, d->position);
		db_bind_int(s, 10, d->inactive ? 0 : 1);
	}
	rc = exec_done(s);
done:
	return tx_finish(st, rc);
}

int store_catalogue_publish(struct store *st, long long number, const char *by,
			    struct compliance_publish_error *err,
			    char bad_code[COMPLIANCE_CODE_MAX + 1])
{
	json_t *items = NULL, *cat = NULL;
	struct compliance_item_def *defs = NULL;
	size_t n = 0;
	int rc;

	if (bad_code)
		bad_code[0] = '\0';
	if (err)
		memset(err, 0, sizeof *err);
	if (db_begin_write(st) != 0)
		return STORE_ERROR;
	if ((rc = draft_check(st, number)) != STORE_OK)
		goto done;
	if ((rc = items_of(st, number, &items)) != STORE_OK)
		goto done;
	cat = json_pack("{s:o}", "items", items);
	if (store_catalogue_defs(cat, &defs, &n) != 0) {
		rc = STORE_ERROR;
		goto done;
	}
	struct compliance_publish_error e;
	if (compliance_catalogue_publishable(defs, n, &e) != 0) {
		if (bad_code && e.code)
			snprintf(bad_code, COMPLIANCE_CODE_MAX + 1, "%s", e.code);
		e.code = NULL;
		if (err)
			*err = e;
		rc = STORE_INVALID;
		goto done;
	}
	struct db_stmt *s = db_prepare(st, "UPDATE condition_catalogue_versions SET published = 1, "
					   "published_at = $2, published_by = $3 WHERE number = $1 "
					   "AND published = 0");
	if (s) {
		db_bind_int(s, 1, number);
		db_bind_int(s, 2, clock_now_s());
		db_bind_text(s, 3, by ? by : "system");
	}
	rc = exec_done(s);
done:
	free(defs);
	json_decref(cat);
	return tx_finish(st, rc);
}

/* Bits of a JSON array of type ids; -1 for anything else. */
static int types_of(const json_t *arr, unsigned *out)
{
	size_t i;
	json_t *v;
	*out = 0;
	if (!json_is_array(arr))
		return -1;
	json_array_foreach(arr, i, v) {
		unsigned t;
		if (compliance_type_parse(json_string_value(v), &t) != 0)
			return -1;
		*out |= t;
	}
	return 0;
}

int store_catalogue_defs(const json_t *cat, struct compliance_item_def **defs, size_t *n)
{
	const json_t *items = json_object_get(cat, "items");
	size_t count = json_array_size(items), strbytes = 0, i;
	json_t *it;

	*defs = NULL;
	*n = 0;
	if (!json_is_array(items))
		return -1;
	json_array_foreach(items, i, it) {
		size_t j;
		json_t *c;
		json_array_foreach(json_object_get(it, "categories"), j, c)
			strbytes += json_string_length(c) + 1;
		strbytes += 1;
	}
	struct compliance_item_def *d = xcalloc(1, count * sizeof *d + strbytes + 1);
	char *sp = (char *)(d + count);
	json_array_foreach(items, i, it) {
		struct compliance_item_def *x = &d[i];
		x->code = json_string_value(json_object_get(it, "code"));
		x->text_vi = json_string_value(json_object_get(it, "title_vi"));
		x->text_en = json_string_value(json_object_get(it, "title_en"));
		x->legal_basis = json_string_value(json_object_get(it, "legal_basis"));
		x->position = (int)json_integer_value(json_object_get(it, "position"));
		x->inactive = !json_is_true(json_object_get(it, "active"));
		if (!x->code || types_of(json_object_get(it, "applies"), &x->applies) != 0 ||
		    types_of(json_object_get(it, "required"), &x->required) != 0)
			goto fail;
		x->categories = sp;
		size_t j;
		json_t *c;
		json_array_foreach(json_object_get(it, "categories"), j, c) {
			const char *cs = json_string_value(c);
			if (!cs)
				goto fail;
			if (sp != x->categories)
				*sp++ = ' ';
			memcpy(sp, cs, strlen(cs));
			sp += strlen(cs);
		}
		*sp++ = '\0';
	}
	*defs = d;
	*n = count;
	return 0;
fail:
	free(d);
	return -1;
}
