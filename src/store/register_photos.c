/* Store functions of inspection photos (see register_photos.h), written
 * once with the portable statement layer. Ids are taken inside the write
 * transaction (largest + 1); the unique key (inspection, item, sha256)
 * makes a re-sent photo find its first row instead of adding one. */
#include "store/register_photos.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "store/db.h"

#define PHOTO_COLS                                                                            \
	"id, inspection_id, item_code, sha256, content_type, bytes, created_by, created_at"

static json_t *photo_row(struct db_stmt *s)
{
	char iso[40];
	const char *by = db_col_text(s, 6);
	clock_format_iso(db_col_int(s, 7) * 1000, iso, sizeof iso);
	json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:I,s:s}", "id", (json_int_t)db_col_int(s, 0),
			      "inspection_id", (json_int_t)db_col_int(s, 1), "item",
			      db_col_text(s, 2) ? db_col_text(s, 2) : "", "sha256",
			      db_col_text(s, 3) ? db_col_text(s, 3) : "", "content_type",
			      db_col_text(s, 4) ? db_col_text(s, 4) : "", "bytes",
			      (json_int_t)db_col_int(s, 5), "created_at", iso);
	json_object_set_new(o, "created_by", by ? json_string(by) : json_null());
	return o;
}

/* The row of (inspection, item, sha256): STORE_OK, STORE_NOT_FOUND or an
 * error. */
static int photo_find(struct store *st, long long inspection_id, const char *item_code,
		      const char *sha256, json_t **out)
{
	struct db_stmt *s = db_prepare(st, "SELECT " PHOTO_COLS " FROM inspection_photos WHERE "
					   "inspection_id = $1 AND item_code = $2 AND sha256 = $3");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, inspection_id);
	db_bind_text(s, 2, item_code);
	db_bind_text(s, 3, sha256);
	int rc = db_step(s);
	if (rc == DB_ROW)
		*out = photo_row(s);
	db_finish(s);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOT_FOUND : rc;
}

static int photo_insert(struct store *st, long long inspection_id, const char *item_code,
			const char *sha256, const char *content_type, long long bytes,
			const char *created_by)
{
	struct db_stmt *s = db_prepare(st, "SELECT COALESCE(MAX(id), 0) + 1 FROM inspection_photos");
	if (!s)
		return STORE_ERROR;
	int rc = db_step(s);
	long long id = rc == DB_ROW ? (long long)db_col_int(s, 0) : 0;
	db_finish(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : STORE_ERROR;
	s = db_prepare(st, "INSERT INTO inspection_photos (" PHOTO_COLS
			   ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, inspection_id);
	db_bind_text(s, 3, item_code);
	db_bind_text(s, 4, sha256);
	db_bind_text(s, 5, content_type);
	db_bind_int(s, 6, bytes);
	db_bind_text(s, 7, created_by);
	db_bind_int(s, 8, clock_now_s());
	rc = db_step(s);
	db_finish(s);
	return rc == DB_DONE ? STORE_OK : rc < 0 ? rc : STORE_ERROR;
}

int store_photo_add(struct store *st, long long inspection_id, const char *item_code,
		    const char *sha256, const char *content_type, long long bytes,
		    const char *created_by, json_t **out, int *created)
{
	*out = NULL;
	*created = 0;
	int rc = db_begin_write(st);
	if (rc != STORE_OK)
		return rc;
	rc = photo_find(st, inspection_id, item_code, sha256, out);
	if (rc == STORE_NOT_FOUND) {
		rc = photo_insert(st, inspection_id, item_code, sha256, content_type, bytes,
				  created_by);
		if (rc == STORE_OK) {
			*created = 1;
			rc = photo_find(st, inspection_id, item_code, sha256, out);
		}
	}
	if (rc == STORE_OK) {
		rc = db_commit(st);
		if (rc == STORE_OK)
			return STORE_OK;
	} else {
		db_rollback(st);
	}
	json_decref(*out);
	*out = NULL;
	/* Sent twice at once on a backend that does not serialise writers:
	 * the other request's row is the answer. */
	if (rc == STORE_CONFLICT && photo_find(st, inspection_id, item_code, sha256, out) == STORE_OK) {
		*created = 0;
		return STORE_OK;
	}
	*created = 0;
	return rc;
}

static int photo_query(struct db_stmt *s, json_t **items)
{
	json_t *arr = json_array();
	int rc;
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(arr, photo_row(s));
	db_finish(s);
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc < 0 ? rc : STORE_ERROR;
	}
	*items = arr;
	return STORE_OK;
}

int store_photo_list(struct store *st, long long inspection_id, json_t **items)
{
	*items = NULL;
	struct db_stmt *s = db_prepare(st, "SELECT " PHOTO_COLS " FROM inspection_photos WHERE "
					   "inspection_id = $1 ORDER BY id");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, inspection_id);
	return photo_query(s, items);
}

int store_photo_get(struct store *st, long long inspection_id, long long photo_id, json_t **out)
{
	*out = NULL;
	struct db_stmt *s = db_prepare(st, "SELECT " PHOTO_COLS " FROM inspection_photos WHERE "
					   "id = $1 AND inspection_id = $2");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, photo_id);
	db_bind_int(s, 2, inspection_id);
	int rc = db_step(s);
	if (rc == DB_ROW)
		*out = photo_row(s);
	db_finish(s);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOT_FOUND : rc;
}

int store_photo_list_target(struct store *st, const char *target_kind, const char *target_id,
			    json_t **items)
{
	*items = NULL;
	struct db_stmt *s = db_prepare(
	    st, "SELECT p.id, p.inspection_id, p.item_code, p.sha256, p.content_type, p.bytes, "
		"p.created_by, p.created_at FROM inspection_photos p JOIN inspections i ON "
		"i.id = p.inspection_id WHERE i.target_kind = $1 AND i.target_id = $2 ORDER BY "
		"p.inspection_id, p.id");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, target_kind);
	db_bind_text(s, 2, target_id);
	return photo_query(s, items);
}

int store_photo_delete(struct store *st, long long inspection_id, long long photo_id,
		       json_t **out, long long *others)
{
	*out = NULL;
	*others = 0;
	int rc = db_begin_write(st);
	if (rc != STORE_OK)
		return rc;
	rc = store_photo_get(st, inspection_id, photo_id, out);
	if (rc == STORE_OK) {
		struct db_stmt *s = db_prepare(st, "DELETE FROM inspection_photos WHERE id = $1");
		if (!s) {
			rc = STORE_ERROR;
		} else {
			db_bind_int(s, 1, photo_id);
			int r = db_step(s);
			db_finish(s);
			rc = r == DB_DONE ? STORE_OK : r < 0 ? r : STORE_ERROR;
		}
	}
	if (rc == STORE_OK) {
		struct db_stmt *s =
		    db_prepare(st, "SELECT count(*) FROM inspection_photos WHERE sha256 = $1");
		if (!s) {
			rc = STORE_ERROR;
		} else {
			db_bind_text(s, 1, json_string_value(json_object_get(*out, "sha256")));
			int r = db_step(s);
			*others = r == DB_ROW ? db_col_int(s, 0) : 0;
			db_finish(s);
			rc = r == DB_ROW ? STORE_OK : r < 0 ? r : STORE_ERROR;
		}
	}
	if (rc == STORE_OK && (rc = db_commit(st)) == STORE_OK)
		return STORE_OK;
	if (rc != STORE_OK)
		db_rollback(st);
	json_decref(*out);
	*out = NULL;
	return rc;
}
