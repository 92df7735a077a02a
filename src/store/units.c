/* Administrative units in the database, written once on the statement
 * layer (store/db.h) for every backend: get one unit with its successors,
 * the searchable list in the order of store_unit_key, the 2025 successors of
 * a legacy commune, and the seed/import writes that bump the units version
 * readers compare (store_units_generation in store.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/fold.h"
#include "store/db.h"
#include "store/store_impl.h"

#define UNIT_COLS \
	"scheme, code, name, type, level, parent, lat, lon, area_km2, population"
#define UNIT_MAX_WORDS 8       /* search words used from a query */

static json_t *col_str(struct db_stmt *s, int i)
{
	const char *v = db_col_text(s, i);
	return v ? json_string(v) : json_null();
}

static json_t *col_num(struct db_stmt *s, int i, int integer)
{
	if (db_col_is_null(s, i))
		return json_null();
	return integer ? json_integer(db_col_int(s, i)) : json_real(db_col_double(s, i));
}

static json_t *unit_json(struct db_stmt *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "code", col_str(s, 1));
	json_object_set_new(o, "scheme", col_str(s, 0));
	json_object_set_new(o, "name", col_str(s, 2));
	json_object_set_new(o, "type", col_str(s, 3));
	json_object_set_new(o, "level", col_str(s, 4));
	json_object_set_new(o, "parent", col_str(s, 5));
	json_object_set_new(o, "lat", col_num(s, 6, 0));
	json_object_set_new(o, "lon", col_num(s, 7, 0));
	json_object_set_new(o, "area_km2", col_num(s, 8, 0));
	json_object_set_new(o, "population", col_num(s, 9, 1));
	return o;
}

static int unit_attach(struct store *st, json_t *o)
{
	const char *scheme = json_string_value(json_object_get(o, "scheme"));
	const char *level = json_string_value(json_object_get(o, "level"));
	const char *code = json_string_value(json_object_get(o, "code"));

	if (!scheme || strcmp(scheme, "legacy") != 0)
		return STORE_OK;
	struct db_stmt *s = db_prepare(st, "SELECT s.new_code, u.name FROM unit_successors s "
					   "LEFT JOIN units u ON u.scheme = '2025' AND u.code = s.new_code "
					   "WHERE s.legacy_code = $1 ORDER BY s.new_code");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, code);
	json_t *arr = json_array();
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *e = json_object();
		json_object_set_new(e, "code", col_str(s, 0));
		json_object_set_new(e, "name", col_str(s, 1));
		json_array_append_new(arr, e);
	}
	db_finish(s);
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc < 0 ? rc : STORE_ERROR;
	}
	if ((level && strcmp(level, "commune") == 0) || json_array_size(arr) > 0)
		json_object_set_new(o, "successors", arr);
	else
		json_decref(arr);
	return STORE_OK;
}

int store_units_db_get(struct store *st, const char *scheme, const char *code, json_t **out)
{
	struct db_stmt *s = db_prepare(st, "SELECT " UNIT_COLS " FROM units "
					   "WHERE scheme = $1 AND code = $2");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, scheme);
	db_bind_text(s, 2, code);
	int rc = db_step(s);
	json_t *o = rc == DB_ROW ? unit_json(s) : NULL;
	db_finish(s);
	if (rc == DB_DONE)
		return STORE_NOT_FOUND;
	if (rc != DB_ROW)
		return rc < 0 ? rc : STORE_ERROR;
	if ((rc = unit_attach(st, o)) != STORE_OK) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return STORE_OK;
}

struct unit_arg {
	int is_int;
	long long i;
	const char *s;
};

#define UNIT_MAX_ARGS (2 * UNIT_MAX_WORDS + 12)

static int arg_text(struct buf *sql, struct unit_arg *args, int *n, const char *s)
{
	args[*n].is_int = 0;
	args[*n].s = s;
	(*n)++;
	buf_printf(sql, "$%d", *n);
	return *n;
}

static void arg_int(struct buf *sql, struct unit_arg *args, int *n, long long v)
{
	args[*n].is_int = 1;
	args[*n].i = v;
	(*n)++;
	buf_printf(sql, "$%d", *n);
}

/* Order and cursor: store_unit_key (2025 first, best match, folded name,
 * code). Every word must start a word of the folded name; the plain
 * "%w%" test comes first, several times cheaper than "% w%". Folded text
 * has no LIKE wildcards ([a-z0-9 ] only). */
int store_units_db_list(struct store *st, const struct unit_query *q, json_t **items, char **next)
{
	struct buf sql = {0}, match = {0};
	struct unit_arg args[UNIT_MAX_ARGS];
	char *words[2 * UNIT_MAX_WORDS] = {0}, *folded = NULL, *qprefix = NULL;
	struct store_unit_key key = {0};
	int nargs = 0, nwords = 0, rc = STORE_ERROR, qa = 0;
	json_t *arr = NULL;

	if (q->cursor && *q->cursor && store_cursor_decode(q->cursor, &key) != 0)
		return STORE_INVALID;
	if (q->q) {
		folded = fold_dup(q->q);
		if (!*folded) {
			free(folded);
			folded = NULL;
		}
	}
	const char *scheme_ord = "CASE WHEN scheme = '2025' THEN 0 ELSE 1 END";
	if (folded) {
		qprefix = xasprintf("%s%%", folded);
		struct buf tmp = {0};
		qa = arg_text(&tmp, args, &nargs, folded);
		arg_text(&tmp, args, &nargs, qprefix);
		buf_free(&tmp);
		buf_printf(&match, "CASE WHEN name_core = $%d OR name_folded = $%d THEN 0 "
				   "WHEN name_core LIKE $%d OR name_folded LIKE $%d THEN 1 "
				   "ELSE 2 END", qa, qa, qa + 1, qa + 1);
	} else {
		buf_puts(&match, "0");
	}
	buf_printf(&sql, "SELECT " UNIT_COLS ", %s, %s, name_core FROM units WHERE 1 = 1",
		   scheme_ord, buf_str(&match));
	if (q->scheme) {
		buf_puts(&sql, " AND scheme = ");
		arg_text(&sql, args, &nargs, q->scheme);
	}
	if (q->parent) {
		buf_puts(&sql, " AND parent = ");
		arg_text(&sql, args, &nargs, q->parent);
	}
	if (q->level) {
		buf_puts(&sql, " AND level = ");
		arg_text(&sql, args, &nargs, q->level);
	}
	if (folded) {
		char *save = NULL;
		char *copy = xstrdup(folded);
		for (char *w = strtok_r(copy, " ", &save); w && nwords < UNIT_MAX_WORDS;
		     w = strtok_r(NULL, " ", &save)) {
			words[2 * nwords] = xasprintf("%%%s%%", w);
			words[2 * nwords + 1] = xasprintf("%% %s%%", w);
			buf_puts(&sql, " AND name_folded LIKE ");
			arg_text(&sql, args, &nargs, words[2 * nwords]);
			buf_puts(&sql, " AND (' ' || name_folded) LIKE ");
			arg_text(&sql, args, &nargs, words[2 * nwords + 1]);
			nwords++;
		}
		free(copy);
	}
	if (key.code) {
		buf_printf(&sql, " AND (%s, %s, name_core, code) > (", scheme_ord, buf_str(&match));
		arg_int(&sql, args, &nargs, key.scheme_ord);
		buf_puts(&sql, ", ");
		arg_int(&sql, args, &nargs, key.match_ord);
		buf_puts(&sql, ", ");
		arg_text(&sql, args, &nargs, key.name_core);
		buf_puts(&sql, ", ");
		arg_text(&sql, args, &nargs, key.code);
		buf_puts(&sql, ")");
	}
	buf_puts(&sql, " ORDER BY 11, 12, 13, 2");
	if (q->limit > 0) {
		buf_puts(&sql, " LIMIT ");
		arg_int(&sql, args, &nargs, (long long)q->limit + 1);
	}

	struct db_stmt *s = db_prepare(st, buf_str(&sql));
	if (!s)
		goto fail;
	for (int i = 0; i < nargs; i++) {
		if (args[i].is_int)
			db_bind_int(s, i + 1, args[i].i);
		else
			db_bind_text(s, i + 1, args[i].s);
	}
	arr = json_array();
	int step;
	size_t count = 0;
	struct store_unit_key last = {0};
	while ((step = db_step(s)) == DB_ROW) {
		if (q->limit > 0 && count == (size_t)q->limit) {
			*next = store_cursor_encode(&last);
			break;
		}
		json_array_append_new(arr, unit_json(s));
		last.scheme_ord = (int)db_col_int(s, 10);
		last.match_ord = (int)db_col_int(s, 11);
		free(last.name_core);
		free(last.code);
		last.name_core = xstrdup(db_col_text(s, 12) ? db_col_text(s, 12) : "");
		last.code = xstrdup(db_col_text(s, 1) ? db_col_text(s, 1) : "");
		count++;
	}
	db_finish(s);
	free(last.name_core);
	free(last.code);
	if (step != DB_ROW && step != DB_DONE) {
		rc = step;
		goto fail;
	}
	for (size_t i = 0; i < json_array_size(arr); i++)
		if ((rc = unit_attach(st, json_array_get(arr, i))) != STORE_OK)
			goto fail;
	*items = arr;
	arr = NULL;
	rc = STORE_OK;
fail:
	if (rc != STORE_OK) {
		free(*next);
		*next = NULL;
	}
	json_decref(arr);
	buf_free(&sql);
	buf_free(&match);
	for (int i = 0; i < 2 * nwords; i++)
		free(words[i]);
	free(folded);
	free(qprefix);
	free(key.name_core);
	free(key.code);
	return rc;
}

int store_units_db_successors(struct store *st, const char *legacy_code, json_t **items)
{
	struct db_stmt *s = db_prepare(st, "SELECT 1 FROM units WHERE scheme = 'legacy' AND code = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, legacy_code);
	int rc = db_step(s);
	db_finish(s);
	if (rc == DB_DONE)
		return STORE_NOT_FOUND;
	if (rc != DB_ROW)
		return rc < 0 ? rc : STORE_ERROR;
	s = db_prepare(st, "SELECT " UNIT_COLS " FROM units WHERE scheme = '2025' AND code IN "
			   "(SELECT new_code FROM unit_successors WHERE legacy_code = $1) "
			   "ORDER BY name_core, code");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, legacy_code);
	json_t *arr = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(arr, unit_json(s));
	db_finish(s);
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc < 0 ? rc : STORE_ERROR;
	}
	*items = arr;
	return STORE_OK;
}

int store_units_db_count(struct store *st, long long *n)
{
	struct db_stmt *s = db_prepare(st, "SELECT COUNT(*) FROM units");
	if (!s)
		return STORE_ERROR;
	int rc = db_step(s);
	*n = rc == DB_ROW ? db_col_int(s, 0) : 0;
	db_finish(s);
	return rc == DB_ROW ? STORE_OK : rc < 0 ? rc : STORE_ERROR;
}

/* An absent coordinate or area (NAN in a unit row) is SQL NULL. */
static void bind_real(struct db_stmt *s, int idx, double v)
{
	if (isfinite(v))
		db_bind_double(s, idx, v);
	else
		db_bind_null(s, idx);
}

static int step_done(struct db_stmt *s)
{
	int rc = db_step(s);
	db_finish(s);
	return rc == DB_DONE || rc == DB_ROW ? STORE_OK : rc;
}

static int units_put(struct store *st, const struct unit_row *rows, size_t n)
{
	static const char sql[] =
		"INSERT INTO units (scheme, code, name, name_folded, name_core, type, level, "
		"parent, lat, lon, area_km2, population) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
		"ON CONFLICT (scheme, code) DO UPDATE SET name = excluded.name, "
		"name_folded = excluded.name_folded, name_core = excluded.name_core, "
		"type = excluded.type, level = excluded.level, parent = excluded.parent, "
		"lat = COALESCE(excluded.lat, units.lat), lon = COALESCE(excluded.lon, units.lon), "
		"area_km2 = COALESCE(excluded.area_km2, units.area_km2), "
		"population = COALESCE(excluded.population, units.population)";
	struct buf folded = {0};
	int rc = STORE_OK;

	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		const struct unit_row *r = &rows[i];
		struct db_stmt *s = db_prepare(st, sql);
		if (!s) {
			rc = STORE_ERROR;
			break;
		}
		buf_reset(&folded);
		fold_text(r->name, strlen(r->name), &folded);
		char *core = store_unit_name_core(r->name, r->type);
		db_bind_text(s, 1, r->scheme);
		db_bind_text(s, 2, r->code);
		db_bind_text(s, 3, r->name);
		db_bind_text(s, 4, buf_str(&folded));
		db_bind_text(s, 5, core);
		db_bind_text(s, 6, r->type);
		db_bind_text(s, 7, r->level);
		db_bind_text(s, 8, r->parent && *r->parent ? r->parent : NULL);
		bind_real(s, 9, r->lat);
		bind_real(s, 10, r->lon);
		bind_real(s, 11, r->area_km2);
		if (r->population >= 0)
			db_bind_int(s, 12, r->population);
		else
			db_bind_null(s, 12);
		rc = step_done(s);
		free(core);
	}
	buf_free(&folded);
	if (rc != STORE_OK)
		return rc;
	struct db_stmt *s = db_prepare(st, "INSERT INTO meta (key, value) VALUES ($1, '1') "
					   "ON CONFLICT (key) DO UPDATE SET "
					   "value = CAST(CAST(meta.value AS BIGINT) + 1 AS TEXT)");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, STORE_META_UNITS_VERSION);
	return step_done(s);
}

/* Commits when rc is STORE_OK, else rolls back; returns the outcome (a
 * foreign key checked at commit answers STORE_INVALID, and the backend
 * has rolled back). */
static int tx_end(struct store *st, int rc)
{
	if (rc == STORE_OK)
		return db_commit(st);
	db_rollback(st);
	return rc;
}

int store_units_db_upsert(struct store *st, const struct unit_row *rows, size_t n)
{
	if (db_begin_write(st) != 0)
		return STORE_ERROR;
	return tx_end(st, units_put(st, rows, n));
}

int store_units_db_seed(struct store *st, const struct unit_row *rows, size_t n,
			 const struct store_succ *succ, size_t nsucc, const char *version)
{
	if (db_begin_write(st) != 0)
		return STORE_ERROR;
	int rc = units_put(st, rows, n);
	if (rc == STORE_OK)
		rc = db_exec(st, "DELETE FROM unit_successors") == 0 ? STORE_OK : STORE_ERROR;
	for (size_t i = 0; i < nsucc && rc == STORE_OK; i++) {
		struct db_stmt *s = db_prepare(st, "INSERT INTO unit_successors (legacy_code, new_code) "
						   "VALUES ($1, $2) ON CONFLICT DO NOTHING");
		if (!s) {
			rc = STORE_ERROR;
			break;
		}
		db_bind_text(s, 1, succ[i].legacy_code);
		db_bind_text(s, 2, succ[i].new_code);
		rc = step_done(s);
	}
	if (rc == STORE_OK) {
		struct db_stmt *s = db_prepare(st, "INSERT INTO meta (key, value) VALUES ($1, $2) "
						   "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
		if (!s)
			return tx_end(st, STORE_ERROR);
		db_bind_text(s, 1, STORE_META_UNITS_SEED);
		db_bind_text(s, 2, version);
		rc = step_done(s);
	}
	return tx_end(st, rc);
}

