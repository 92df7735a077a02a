/* The alarm store (see alarm.h): devices, alarm events and incidents on
 * the portable statement layer. Lists are ordered by id, newest first,
 * with the last id as the cursor; the caller's scope becomes a list of
 * communes (store_scope_units_json) plus, for a facility owner, their own
 * facility. */
#include "store/alarm.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/pii.h"
#include "auth/roles.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "store/db.h"
#include "store/scope.h"

/* ---- helpers ------------------------------------------------------------ */

static char *col_dup(struct db_stmt *s, int i)
{
	return db_col_is_null(s, i) ? NULL : xstrdup(db_col_text(s, i));
}

static json_t *col_str(struct db_stmt *s, int i)
{
	return db_col_is_null(s, i) ? json_null() : json_string(db_col_text(s, i));
}

static json_t *col_real(struct db_stmt *s, int i)
{
	return db_col_is_null(s, i) ? json_null() : json_real(db_col_double(s, i));
}

static json_t *ms_json(int64_t ms)
{
	char t[32];
	if (ms <= 0)
		return json_null();
	clock_format_iso(ms, t, sizeof t);
	return json_string(t);
}

static json_t *col_time(struct db_stmt *s, int i)
{
	return db_col_is_null(s, i) ? json_null() : ms_json(db_col_int(s, i));
}

/* "R1" / "L1" form of stored digits; null when empty. */
static json_t *prefixed(char p, const char *digits)
{
	if (!digits || !digits[0])
		return json_null();
	char t[16];
	snprintf(t, sizeof t, "%c%s", p, digits);
	return json_string(t);
}

static json_t *parse_json_text(const char *text, json_t *def)
{
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	if (!v)
		return def;
	json_decref(def);
	return v;
}

/* Scope → (units JSON or NULL, own facility or NULL). */
static int scope_args(struct store *st, const struct scope *scope, char **units,
		      const char **own_facility)
{
	*units = NULL;
	*own_facility = NULL;
	if (!scope)
		return 0;
	if (store_scope_units_json(st, scope, units) != 0)
		return -1;
	if (!*units)
		return 0;
	if (scope->role == ROLE_FACILITY_OWNER && scope->own_facility_id &&
	    scope->own_facility_id[0])
		*own_facility = scope->own_facility_id;
	return 0;
}

static int cursor_parse(const char *cursor, int64_t *id)
{
	*id = 0;
	if (!cursor || !cursor[0])
		return 0;
	char *end = NULL;
	long long v = strtoll(cursor, &end, 10);
	if (*end || v <= 0)
		return STORE_INVALID;
	*id = v;
	return 0;
}

static char *cursor_make(int64_t id)
{
	return xasprintf("%lld", (long long)id);
}

/* Steps a list statement (limit+1 rows fetched) into items; each row's
 * first column is the id. */
static int list_run(struct db_stmt *s, int limit, json_t *(*row)(struct db_stmt *),
		    json_t **items, char **next)
{
	int rc, count = 0;
	int64_t last = 0;

	*items = json_array();
	*next = NULL;
	while ((rc = db_step(s)) == DB_ROW) {
		if (limit > 0 && count == limit) {
			*next = cursor_make(last);
			break;
		}
		last = db_col_int(s, 0);
		json_array_append_new(*items, row(s));
		count++;
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	return STORE_OK;
}

/* ---- devices ---------------------------------------------------------- */

#define DEVICE_COLS                                                                        \
	"id, account, receiver, line, key, key_kind, facility_id, house_id, site_name, "     \
	"address, unit, lat, lon, contacts, supervision_s, commissioning, state, "           \
	"last_heard_ms, created_ms, key_bits"

/* A key column value sealed by pii_encrypt: "v1:" and at least the
 * base64 of a nonce and a tag (75 characters), so longer than any clear
 * key (64 hex digits at most): a clear key that happens to start with
 * "v1:" is not mistaken for a sealed one. */
static int key_is_sealed(const char *v)
{
	return v && strncmp(v, "v1:", 3) == 0 && strlen(v) > 64;
}

/* AES key size of a clear key written as kind ("hex" or "raw"). */
static int key_bits_of(const char *key, const char *kind)
{
	size_t n = key ? strlen(key) : 0;
	if (!n)
		return 0;
	return (int)(kind && strcmp(kind, "hex") == 0 ? n * 4 : n * 8);
}

void store_device_clear(struct store_device *d)
{
	if (d->key)
		sodium_memzero(d->key, strlen(d->key));
	char **fields[] = {&d->account, &d->receiver, &d->line, &d->key, &d->key_kind,
			   &d->facility_id, &d->house_id, &d->site_name, &d->address, &d->unit,
			   &d->contacts, &d->commissioning, &d->state};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		free(*fields[i]);
		*fields[i] = NULL;
	}
}

/* Reads a row; k NULL leaves a sealed key closed (lists need only
 * has_key and key_bits). */
static void device_read(struct db_stmt *s, const struct pii_keys *k, struct store_device *d)
{
	memset(d, 0, sizeof *d);
	d->id = db_col_int(s, 0);
	d->account = col_dup(s, 1);
	d->receiver = col_dup(s, 2);
	d->line = col_dup(s, 3);
	const char *kv = db_col_is_null(s, 4) ? NULL : db_col_text(s, 4);
	d->has_key = kv && kv[0];
	if (d->has_key && !key_is_sealed(kv)) {
		d->key = xstrdup(kv);  /* clear, from before 013 */
	} else if (d->has_key && (!k || pii_decrypt(k, kv, &d->key) != 0)) {
		d->key = NULL;
		d->key_unreadable = 1;
	}
	d->key_kind = col_dup(s, 5);
	d->facility_id = col_dup(s, 6);
	d->house_id = col_dup(s, 7);
	d->site_name = col_dup(s, 8);
	d->address = col_dup(s, 9);
	d->unit = col_dup(s, 10);
	d->lat = db_col_is_null(s, 11) ? NAN : db_col_double(s, 11);
	d->lon = db_col_is_null(s, 12) ? NAN : db_col_double(s, 12);
	d->contacts = col_dup(s, 13);
	d->supervision_s = db_col_int(s, 14);
	d->commissioning = col_dup(s, 15);
	d->state = col_dup(s, 16);
	d->last_heard_ms = db_col_is_null(s, 17) ? 0 : db_col_int(s, 17);
	d->created_ms = db_col_int(s, 18);
	d->key_bits = db_col_is_null(s, 19) ? key_bits_of(d->key, d->key_kind)
					    : (int)db_col_int(s, 19);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *store_device_json(const struct store_device *d)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(d->id));
	json_object_set_new(o, "account", str_or_null(d->account));
	json_object_set_new(o, "receiver", prefixed('R', d->receiver));
	json_object_set_new(o, "line", prefixed('L', d->line));
	int has = d->has_key || (d->key && d->key[0]);
	json_object_set_new(o, "has_key", json_boolean(has));
	json_object_set_new(o, "key_bits", has && d->key_bits ? json_integer(d->key_bits)
							       : json_null());
	json_object_set_new(o, "key_kind", has ? str_or_null(d->key_kind) : json_null());
	json_object_set_new(o, "facility_id", str_or_null(d->facility_id));
	json_object_set_new(o, "house_id", str_or_null(d->house_id));
	json_object_set_new(o, "site_name", str_or_null(d->site_name));
	json_object_set_new(o, "address", str_or_null(d->address));
	json_object_set_new(o, "unit", str_or_null(d->unit));
	json_object_set_new(o, "lat", real_or_null(d->lat));
	json_object_set_new(o, "lon", real_or_null(d->lon));
	json_object_set_new(o, "contacts", parse_json_text(d->contacts, json_array()));
	json_object_set_new(o, "supervision_s", json_integer(d->supervision_s));
	json_object_set_new(o, "commissioning", str_or_null(d->commissioning));
	json_object_set_new(o, "state", str_or_null(d->state));
	json_object_set_new(o, "last_heard_at", ms_json(d->last_heard_ms));
	json_object_set_new(o, "created_at", ms_json(d->created_ms));
	return o;
}

int store_alarm_durable(struct store *st)
{
	if (strcmp(db_backend(st), "sqlite") != 0)
		return 0; /* PostgreSQL commits are durable (synchronous_commit on) */
	/* Every commit syncs the WAL; checkpoints are left to
	 * store_alarm_checkpoint on another thread, so a commit never waits
	 * for one. */
	/* journal_size_limit: once the log restarts, a WAL file grown
	 * larger (a backlog) is cut back to 64 MiB. */
	return db_exec(st, "PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=0; "
			   "PRAGMA journal_size_limit=67108864") == STORE_OK
		       ? 0
		       : -1;
}

int store_alarm_checkpoint(struct store *st)
{
	int log, done;
	return store_alarm_checkpoint_frames(st, &log, &done);
}

int store_alarm_checkpoint_frames(struct store *st, int *log, int *done)
{
	*log = *done = -1;
	if (strcmp(db_backend(st), "sqlite") != 0)
		return 0;
	/* One row: busy, frames in the log, frames checkpointed. */
	struct db_stmt *s = db_prepare(st, "PRAGMA wal_checkpoint(PASSIVE)");
	if (!s)
		return -1;
	int rc = db_step(s);
	if (rc == DB_ROW) {
		*log = (int)db_col_int(s, 1);
		*done = (int)db_col_int(s, 2);
	}
	db_finish(s);
	return rc < 0 ? -1 : 0;
}

int store_device_each(struct store *st, const struct pii_keys *k, int64_t id,
		      int (*fn)(void *ctx, const struct store_device *d), void *ctx)
{
	struct db_stmt *s = db_prepare(st, "SELECT " DEVICE_COLS " FROM devices"
					   " WHERE ($1 = 0 OR id = $1) ORDER BY id");
	int rc, found = 0;

	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, id);
	while ((rc = db_step(s)) == DB_ROW) {
		struct store_device d;
		device_read(s, k, &d);
		found = 1;
		int stop = fn(ctx, &d);
		store_device_clear(&d);
		if (stop)
			break;
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	return (id && !found) ? STORE_NOT_FOUND : STORE_OK;
}

int store_device_get(struct store *st, const struct pii_keys *k, int64_t id,
		     struct store_device *out)
{
	struct db_stmt *s = db_prepare(st, "SELECT " DEVICE_COLS " FROM devices WHERE id = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, id);
	int rc = db_step(s);
	if (rc == DB_ROW)
		device_read(s, k, out);
	db_finish(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? STORE_OK : STORE_NOT_FOUND;
}

/* The key column's value for d: NULL for a plain device, else d->key
 * sealed with k. -1 when there is a key but no k to seal it with. */
static int device_seal(const struct pii_keys *k, const struct store_device *d, char **sealed)
{
	*sealed = NULL;
	if (!d->key || !d->key[0])
		return 0;
	if (!k || pii_encrypt(k, d->key, sealed) != 0) {
		log_error("alarm store: device key not written: no personal-data key to seal it");
		return -1;
	}
	return 0;
}

/* sealed: from device_seal. */
static void bind_device(struct db_stmt *s, const struct store_device *d, const char *sealed)
{
	db_bind_text(s, 1, d->account);
	db_bind_text(s, 2, d->receiver ? d->receiver : "");
	db_bind_text(s, 3, d->line ? d->line : "");
	db_bind_text(s, 4, sealed);
	db_bind_text(s, 5, sealed ? d->key_kind : NULL);
	db_bind_text(s, 6, d->facility_id);
	db_bind_text(s, 7, d->house_id);
	db_bind_text(s, 8, d->site_name ? d->site_name : "");
	db_bind_text(s, 9, d->address ? d->address : "");
	db_bind_text(s, 10, d->unit);
	db_bind_double(s, 11, d->lat);
	db_bind_double(s, 12, d->lon);
	db_bind_text(s, 13, d->contacts ? d->contacts : "[]");
	db_bind_int(s, 14, d->supervision_s);
	db_bind_text(s, 15, d->commissioning ? d->commissioning : "registered");
	db_bind_text(s, 16, d->state ? d->state : "normal");
}

/* A live transmitter registered for a facility connects it: the register's
 * "transmitter connected" (Decree 105/2025 Art. 27) follows the device, so
 * the list of facilities still to connect shrinks without a second entry. */
static int facility_mark_connected(struct store *st, const struct store_device *d)
{
	if (!d->facility_id || !*d->facility_id || !d->commissioning ||
	    strcmp(d->commissioning, "live") != 0)
		return STORE_OK;
	struct db_stmt *s = db_prepare(st, "UPDATE facilities SET transmitter_connected = 1, "
					   "version = version + 1 WHERE id = $1 AND "
					   "transmitter_connected = 0");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, d->facility_id);
	int rc = db_step(s);
	db_finish(s);
	return rc < 0 ? rc : STORE_OK;
}

int store_device_create(struct store *st, const struct pii_keys *k, const struct store_device *d,
			int64_t now_ms, int64_t *id)
{
	char *sealed = NULL;
	if (device_seal(k, d, &sealed) != 0)
		return STORE_INVALID;
	struct db_stmt *s = db_prepare(
		st, "INSERT INTO devices (account, receiver, line, key, key_kind, facility_id, "
		    "house_id, site_name, address, unit, lat, lon, contacts, supervision_s, "
		    "commissioning, state, created_ms, key_bits) VALUES ($1, $2, $3, $4, $5, $6, "
		    "$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id");
	if (!s) {
		free(sealed);
		return STORE_ERROR;
	}
	bind_device(s, d, sealed);
	db_bind_int(s, 17, now_ms);
	if (sealed)
		db_bind_int(s, 18, key_bits_of(d->key, d->key_kind));
	else
		db_bind_null(s, 18);
	int rc = db_step(s);
	if (rc == DB_ROW)
		*id = db_col_int(s, 0);
	db_finish(s);
	free(sealed);
	if (rc == DB_ROW)
		return facility_mark_connected(st, d);
	return rc < 0 ? rc : STORE_ERROR;
}

int store_device_put(struct store *st, const struct pii_keys *k, const struct store_device *d)
{
	char *sealed = NULL;
	if (device_seal(k, d, &sealed) != 0)
		return STORE_INVALID;
	struct db_stmt *s = db_prepare(
		st, "UPDATE devices SET account = $1, receiver = $2, line = $3, key = $4, "
		    "key_kind = $5, facility_id = $6, house_id = $7, site_name = $8, address = $9, "
		    "unit = $10, lat = $11, lon = $12, contacts = $13, supervision_s = $14, "
		    "commissioning = $15, state = $16, key_bits = $18 WHERE id = $17");
	if (!s) {
		free(sealed);
		return STORE_ERROR;
	}
	bind_device(s, d, sealed);
	db_bind_int(s, 17, d->id);
	if (sealed)
		db_bind_int(s, 18, key_bits_of(d->key, d->key_kind));
	else
		db_bind_null(s, 18);
	int rc = db_step(s);
	db_finish(s);
	free(sealed);
	if (rc < 0)
		return rc;
	if (db_changes(st) == 0)
		return STORE_NOT_FOUND;
	return facility_mark_connected(st, d);
}

struct clear_key {
	int64_t id;
	char *key;
};

static void clear_keys_free(struct clear_key *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sodium_memzero(v[i].key, strlen(v[i].key));
		free(v[i].key);
	}
	free(v);
}

int store_device_keys_seal(struct store *st, const struct pii_keys *k, int *n)
{
	struct clear_key *v = NULL;
	size_t nv = 0, cap = 0;
	int rc, sqlite = strcmp(db_backend(st), "sqlite") == 0;

	if (n)
		*n = 0;
	if (!k)
		return STORE_INVALID;
	struct db_stmt *s = db_prepare(st, "SELECT id, key FROM devices WHERE key IS NOT NULL "
					   "AND key <> '' ORDER BY id");
	if (!s)
		return STORE_ERROR;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *kv = db_col_text(s, 1);
		if (!kv || key_is_sealed(kv))
			continue;
		if (nv == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[nv].id = db_col_int(s, 0);
		v[nv].key = xstrdup(kv);
		nv++;
	}
	db_finish(s);
	if (rc < 0) {
		clear_keys_free(v, nv);
		return rc;
	}
	if (!nv)
		return STORE_OK;
	if (sqlite && db_exec(st, "PRAGMA secure_delete=ON") != STORE_OK)
		log_warn("alarm store: secure_delete not available");
	rc = db_begin_write(st);
	for (size_t i = 0; i < nv && rc == STORE_OK; i++) {
		char *sealed = NULL;
		pii_encrypt(k, v[i].key, &sealed);
		struct db_stmt *u = db_prepare(st, "UPDATE devices SET key = $2 WHERE id = $1 AND "
						   "key = $3");
		if (!u) {
			free(sealed);
			rc = STORE_ERROR;
			break;
		}
		db_bind_int(u, 1, v[i].id);
		db_bind_text(u, 2, sealed);
		db_bind_text(u, 3, v[i].key);
		int r = db_step(u);
		db_finish(u);
		free(sealed);
		if (r < 0)
			rc = r;
	}
	if (rc == STORE_OK)
		rc = db_commit(st);
	else
		db_rollback(st);
	if (sqlite) {
		if (rc == STORE_OK && db_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)") != STORE_OK)
			log_warn("alarm store: WAL checkpoint after sealing device keys failed");
		db_exec(st, "PRAGMA secure_delete=OFF");
	}
	if (rc == STORE_OK && n)
		*n = (int)nv;
	clear_keys_free(v, nv);
	return rc;
}

int store_device_find(struct store *st, const char *account, const char *receiver,
		      const char *line, int64_t *id)
{
	struct db_stmt *s = db_prepare(st, "SELECT id FROM devices WHERE account = $1 AND "
					   "receiver = $2 AND line = $3");
	*id = 0;
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, account);
	db_bind_text(s, 2, receiver ? receiver : "");
	db_bind_text(s, 3, line ? line : "");
	int rc = db_step(s);
	if (rc == DB_ROW)
		*id = db_col_int(s, 0);
	db_finish(s);
	return rc < 0 ? rc : STORE_OK;
}

int store_device_heard(struct store *st, const int64_t *ids, const int64_t *ms, size_t n)
{
	int rc = db_begin_write(st);
	if (rc != STORE_OK)
		return rc;
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		struct db_stmt *s = db_prepare(st, "UPDATE devices SET last_heard_ms = $2 WHERE "
						   "id = $1 AND (last_heard_ms IS NULL OR "
						   "last_heard_ms < $2)");
		if (!s) {
			rc = STORE_ERROR;
			break;
		}
		db_bind_int(s, 1, ids[i]);
		db_bind_int(s, 2, ms[i]);
		int r = db_step(s);
		db_finish(s);
		if (r < 0)
			rc = r;
	}
	if (rc == STORE_OK)
		return db_commit(st);
	db_rollback(st);
	return rc;
}

static json_t *device_row_json(struct db_stmt *s)
{
	struct store_device d;
	device_read(s, NULL, &d);
	json_t *o = store_device_json(&d);
	store_device_clear(&d);
	return o;
}

#define SCOPE_SQL(u, f)                                                                    \
	" ($" #u " IS NULL OR unit IN (SELECT value FROM json_each($" #u "))"                \
	" OR (facility_id IS NOT NULL AND facility_id = $" #f "))"

int store_device_list(struct store *st, const struct device_query *q, json_t **items,
		      char **next)
{
	char *units = NULL;
	const char *own = NULL;
	int64_t cur = 0;
	int rc = cursor_parse(q->cursor, &cur);

	*items = NULL;
	*next = NULL;
	if (rc != 0)
		return rc;
	if (scope_args(st, q->scope, &units, &own) != 0)
		return STORE_ERROR;
	struct db_stmt *s = db_prepare(
		st, "SELECT " DEVICE_COLS " FROM devices WHERE" SCOPE_SQL(1, 2)
		    " AND ($3 IS NULL OR account = $3) AND ($4 IS NULL OR state = $4)"
		    " AND ($5 IS NULL OR commissioning = $5) AND ($6 IS NULL OR unit = $6)"
		    " AND ($7 = 0 OR id < $7) ORDER BY id DESC LIMIT $8");
	if (!s) {
		free(units);
		return STORE_ERROR;
	}
	db_bind_text(s, 1, units);
	db_bind_text(s, 2, own);
	db_bind_text(s, 3, q->account);
	db_bind_text(s, 4, q->state);
	db_bind_text(s, 5, q->commissioning);
	db_bind_text(s, 6, q->unit);
	db_bind_int(s, 7, cur);
	db_bind_int(s, 8, q->limit > 0 ? q->limit + 1 : INT64_MAX); /* no LIMIT -1 on PG */
	rc = list_run(s, q->limit, device_row_json, items, next);
	free(units);
	return rc;
}

/* One row by id, inside the caller's scope: sql binds $1 units, $2 own
 * facility, $3 id. STORE_NOT_FOUND outside the scope. */
static int get_scoped(struct store *st, const struct scope *scope, const char *sql, int64_t id,
		      json_t *(*row)(struct db_stmt *), json_t **out)
{
	char *units = NULL;
	const char *own = NULL;

	*out = NULL;
	if (scope_args(st, scope, &units, &own) != 0)
		return STORE_ERROR;
	struct db_stmt *s = db_prepare(st, sql);
	if (!s) {
		free(units);
		return STORE_ERROR;
	}
	db_bind_text(s, 1, units);
	db_bind_text(s, 2, own);
	db_bind_int(s, 3, id);
	int rc = db_step(s);
	if (rc == DB_ROW)
		*out = row(s);
	db_finish(s);
	free(units);
	if (rc < 0)
		return rc;
	return *out ? STORE_OK : STORE_NOT_FOUND;
}

int store_device_get_json(struct store *st, const struct scope *scope, int64_t id, json_t **out)
{
	return get_scoped(st, scope,
			  "SELECT " DEVICE_COLS " FROM devices WHERE id = $3 AND" SCOPE_SQL(1, 2), id,
			  device_row_json, out);
}

int store_alarm_scope_reaches(struct store *st, const struct scope *scope, const char *unit,
			      const char *facility_id)
{
	char *units = NULL;
	const char *own = NULL;

	if (scope_args(st, scope, &units, &own) != 0)
		return STORE_ERROR;
	struct db_stmt *s = db_prepare(st, "SELECT 1 WHERE $1 IS NULL OR $2 IN (SELECT value "
					   "FROM json_each($1)) OR ($3 IS NOT NULL AND $3 = $4)");
	if (!s) {
		free(units);
		return STORE_ERROR;
	}
	db_bind_text(s, 1, units);
	db_bind_text(s, 2, unit);
	db_bind_text(s, 3, facility_id);
	db_bind_text(s, 4, own);
	int rc = db_step(s);
	db_finish(s);
	free(units);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 1 : 0;
}

/* ---- events ------------------------------------------------------------ */

void store_alarm_key(const struct alarm_event *e, struct buf *b)
{
	char idx[24] = "|0";
	int n = 2;

	/* account|seq|data|index, without a format parse per event. */
	buf_reset(b);
	buf_puts(b, e->account);
	buf_putc(b, '|');
	if (e->frame) {
		buf_puts(b, e->frame->seq);
		buf_putc(b, '|');
		buf_puts(b, e->frame->data);
	} else {
		buf_putc(b, '|');
	}
	if (e->index >= 0 && e->index < 10)
		idx[1] = (char)('0' + e->index);
	else
		n = snprintf(idx, sizeof idx, "|%d", e->index);
	buf_append(b, idx, (size_t)n);
}

static char *xdata_text(const struct dc09_frame *f)
{
	if (!f || f->n_xdata == 0)
		return NULL;
	json_t *o = json_object();
	for (size_t i = 0; i < f->n_xdata && i < DC09_XDATA_MAX; i++) {
		char k[2] = {f->xdata[i].key ? f->xdata[i].key : '_', 0};
		json_object_set_new(o, k, json_string(f->xdata[i].value));
	}
	char *t = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return t;
}

#define EVENT_COLS_N 18      /* columns bound per event */
#define EVENT_CHUNK 16       /* events per INSERT statement */

/* INSERT of k events in one statement (a statement's fixed cost, run and
 * reset, shared by k rows: about 40% less CPU per row than one INSERT
 * per event). RETURNING the key too: the order of RETURNING rows is not
 * promised, so ids are matched to events by key. */
static void event_insert_sql(struct buf *b, size_t k)
{
	buf_reset(b);
	buf_puts(b, "INSERT INTO alarm_events (device_id, unit, facility_id, account, receiver, "
		    "line, seq, dedupe_key, code, class, restore, zone, partition, text, xdata, "
		    "device_time, received_ms, raw) VALUES ");
	for (size_t r = 0; r < k; r++) {
		buf_puts(b, r ? ", (" : "(");
		for (size_t c = 0; c < EVENT_COLS_N; c++)
			buf_printf(b, "%s$%zu", c ? ", " : "", r * EVENT_COLS_N + c + 1);
		buf_putc(b, ')');
	}
	buf_puts(b, " RETURNING id, dedupe_key");
}

/* Binds event e as row r of an event_insert_sql statement. */
static void event_bind(struct db_stmt *s, size_t r, const struct alarm_event *e,
		       const struct store_alarm_site *site, const char *key)
{
	const struct dc09_frame *f = e->frame;
	int b = (int)(r * EVENT_COLS_N);
	char *xd = xdata_text(f);

	if (e->device_id)
		db_bind_int(s, b + 1, e->device_id);
	else
		db_bind_null(s, b + 1);
	db_bind_text(s, b + 2, site ? site->unit : NULL);
	db_bind_text(s, b + 3, site ? site->facility_id : NULL);
	db_bind_text(s, b + 4, e->account);
	db_bind_text(s, b + 5, f ? f->receiver : "");
	db_bind_text(s, b + 6, f ? f->line : "");
	db_bind_text(s, b + 7, f ? f->seq : "");
	db_bind_text(s, b + 8, key);
	db_bind_text(s, b + 9, e->code);
	db_bind_text(s, b + 10, alarm_class_name(e->cls));
	db_bind_int(s, b + 11, e->restore ? 1 : 0);
	db_bind_text(s, b + 12, e->zone[0] ? e->zone : NULL);
	db_bind_text(s, b + 13, e->area[0] ? e->area : NULL);
	db_bind_text(s, b + 14, e->text[0] ? e->text : NULL);
	db_bind_text(s, b + 15, xd);  /* copied by the bind */
	if (f && f->has_time)
		db_bind_int(s, b + 16, f->time_s * 1000);
	else
		db_bind_null(s, b + 16);
	db_bind_int(s, b + 17, e->received_ms);
	db_bind_text(s, b + 18, f ? f->data : NULL);
	free(xd);
}

/* A chunk of at most EVENT_CHUNK events waiting for their INSERT. */
struct event_chunk {
	size_t n;
	size_t idx[EVENT_CHUNK];      /* positions in the batch */
	const char *key[EVENT_CHUNK];
	int64_t *id[EVENT_CHUNK];
	struct buf sql;               /* the statement text for sql_n rows */
	size_t sql_n;
};

/* Inserts the chunk's events in one statement; sets their ids. */
static int chunk_insert(struct store *st, struct event_chunk *c, const struct alarm_event *ev,
			const struct store_alarm_site *site)
{
	size_t matched = 0, next = 0, k = c->n;
	int done[EVENT_CHUNK] = {0};
	int rc;

	if (k == 0)
		return STORE_OK;
	if (c->sql_n != c->n) {
		event_insert_sql(&c->sql, c->n);
		c->sql_n = c->n;
	}
	struct db_stmt *s = db_prepare(st, buf_str(&c->sql));
	if (!s)
		return STORE_ERROR;
	for (size_t r = 0; r < c->n; r++)
		event_bind(s, r, &ev[c->idx[r]], site ? &site[c->idx[r]] : NULL, c->key[r]);
	while ((rc = db_step(s)) == DB_ROW) {
		const char *key = db_col_text(s, 1);
		size_t j = next;
		/* Rows come back in order in practice: try the next first. */
		if (!key || done[j] || strcmp(c->key[j], key) != 0)
			for (j = 0; j < k && (done[j] || !key || strcmp(c->key[j], key) != 0); j++)
				;
		if (j == k)
			break;
		done[j] = 1;
		*c->id[j] = db_col_int(s, 0);
		matched++;
		next = j + 1 < k ? j + 1 : 0;
	}
	db_finish(s);
	c->n = 0;
	if (rc < 0)
		return rc;
	return matched == k ? STORE_OK : STORE_ERROR;
}

static int device_touch(struct store *st, const struct store_device_touch *t)
{
	struct db_stmt *s = db_prepare(
		st, "UPDATE devices SET last_heard_ms = $2, state = COALESCE($3, state), "
		    "commissioning = CASE WHEN $4 = 1 AND commissioning = 'registered' "
		    "THEN 'tested' ELSE commissioning END WHERE id = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, t->device_id);
	db_bind_int(s, 2, t->last_heard_ms);
	db_bind_text(s, 3, t->state);
	db_bind_int(s, 4, t->tested ? 1 : 0);
	int rc = db_step(s);
	db_finish(s);
	return rc < 0 ? rc : STORE_OK;
}

int store_alarm_batch(struct store *st, struct alarm_event *ev, const struct store_alarm_site *site,
		      size_t n, int64_t *ids, const struct store_device_touch *touch, size_t ntouch)
{
	return store_alarm_batch_keys(st, ev, site, NULL, n, ids, touch, ntouch);
}

int store_alarm_batch_keys(struct store *st, struct alarm_event *ev,
			   const struct store_alarm_site *site, const char *const *keys, size_t n,
			   int64_t *ids, const struct store_device_touch *touch, size_t ntouch)
{
	struct buf keybuf = {0};            /* keys made here (keys NULL) */
	size_t keyoff[EVENT_CHUNK];
	struct event_chunk chunk = {0};
	int rc = db_begin_write(st);

	if (rc != STORE_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		ids[i] = 0;
		if (ev[i].result == ALARM_STORE_DUPLICATE)
			continue;
		if (!keys) {
			struct buf one = {0};
			if (chunk.n == 0)
				buf_reset(&keybuf);
			store_alarm_key(&ev[i], &one);
			keyoff[chunk.n] = keybuf.len;
			buf_append(&keybuf, buf_str(&one), one.len + 1);
			buf_free(&one);
		}
		chunk.idx[chunk.n] = i;
		chunk.id[chunk.n] = &ids[i];
		chunk.n++;
		if (chunk.n == EVENT_CHUNK || i + 1 == n) {
			for (size_t r = 0; r < chunk.n; r++)
				chunk.key[r] = keys ? keys[chunk.idx[r]] : keybuf.data + keyoff[r];
			rc = chunk_insert(st, &chunk, ev, site);
			if (rc != STORE_OK)
				goto fail;
		}
	}
	if (chunk.n > 0) {  /* the last events were duplicates */
		for (size_t r = 0; r < chunk.n; r++)
			chunk.key[r] = keys ? keys[chunk.idx[r]] : keybuf.data + keyoff[r];
		rc = chunk_insert(st, &chunk, ev, site);
		if (rc != STORE_OK)
			goto fail;
	}
	for (size_t i = 0; i < n; i++)
		if (ev[i].result != ALARM_STORE_DUPLICATE)
			ev[i].result = ALARM_STORE_STORED;
	for (size_t i = 0; i < ntouch; i++) {
		rc = device_touch(st, &touch[i]);
		if (rc != STORE_OK)
			goto fail;
	}
	rc = db_commit(st);
	if (rc != STORE_OK)
		goto fail;
	buf_free(&keybuf);
	buf_free(&chunk.sql);
	return STORE_OK;
fail:
	db_rollback(st);
	buf_free(&keybuf);
	buf_free(&chunk.sql);
	for (size_t i = 0; i < n; i++) {
		ev[i].result = ALARM_STORE_FAILED;
		ids[i] = 0;
	}
	return rc < 0 ? rc : STORE_ERROR;
}

int store_alarm_synthetic(struct store *st, const struct store_synthetic_event *e, int64_t *id,
			  int *state_changed)
{
	char key[96];
	int rc = db_begin_write(st);

	*id = 0;
	*state_changed = 0;
	if (rc != STORE_OK)
		return rc;
	/* Unique: the receiver's own events never collide with a device's
	 * (device keys start with the account, which has no '!'). */
	snprintf(key, sizeof key, "!%s|%lld|%s|%lld", e->code, (long long)e->device_id,
		 e->restore ? "R" : "N", (long long)e->now_ms);
	struct db_stmt *s = db_prepare(
		st, "INSERT INTO alarm_events (device_id, unit, facility_id, account, seq, "
		    "dedupe_key, code, class, restore, text, received_ms) VALUES ($1, $2, $3, $4, "
		    "'0000', $5, $6, $7, $8, $9, $10) RETURNING id");
	if (!s) {
		rc = STORE_ERROR;
		goto fail;
	}
	db_bind_int(s, 1, e->device_id);
	db_bind_text(s, 2, e->unit);
	db_bind_text(s, 3, e->facility_id);
	db_bind_text(s, 4, e->account);
	db_bind_text(s, 5, key);
	db_bind_text(s, 6, e->code);
	db_bind_text(s, 7, e->cls);
	db_bind_int(s, 8, e->restore ? 1 : 0);
	db_bind_text(s, 9, e->text);
	db_bind_int(s, 10, e->now_ms);
	rc = db_step(s);
	if (rc == DB_ROW)
		*id = db_col_int(s, 0);
	db_finish(s);
	if (rc < 0)
		goto fail;
	if (e->state_to) {
		s = db_prepare(st, "UPDATE devices SET state = $2 WHERE id = $1 AND "
				   "($3 IS NULL OR state = $3)");
		if (!s) {
			rc = STORE_ERROR;
			goto fail;
		}
		db_bind_int(s, 1, e->device_id);
		db_bind_text(s, 2, e->state_to);
		db_bind_text(s, 3, e->state_from);
		rc = db_step(s);
		db_finish(s);
		if (rc < 0)
			goto fail;
		*state_changed = db_changes(st) > 0;
	}
	rc = db_commit(st);
	if (rc != STORE_OK)
		goto fail;
	return STORE_OK;
fail:
	db_rollback(st);
	return rc < 0 ? rc : STORE_ERROR;
}

int store_alarm_recent_keys(struct store *st, int64_t since_ms,
			    void (*fn)(void *ctx, const char *key, int64_t id, int64_t ms), void *ctx)
{
	/* Newest first by id; ids follow arrival, so stop after a run of rows
	 * older than since_ms (a clock step may interleave a few). */
	struct db_stmt *s = db_prepare(st, "SELECT id, dedupe_key, received_ms FROM alarm_events "
					   "ORDER BY id DESC");
	int rc, old_run = 0;

	if (!s)
		return STORE_ERROR;
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t ms = db_col_int(s, 2);
		if (ms < since_ms) {
			if (++old_run >= 10000)
				break;
			continue;
		}
		old_run = 0;
		fn(ctx, db_col_text(s, 1), db_col_int(s, 0), ms);
	}
	db_finish(s);
	return rc < 0 ? rc : STORE_OK;
}

int store_alarm_event_key(struct store *st, int64_t id, struct buf *out)
{
	struct db_stmt *s = db_prepare(st, "SELECT dedupe_key FROM alarm_events WHERE id = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, id);
	int rc = db_step(s);
	if (rc == DB_ROW) {
		buf_reset(out);
		buf_puts(out, db_col_text(s, 0));
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? STORE_OK : STORE_NOT_FOUND;
}

#define EVENT_COLS                                                                         \
	"id, device_id, unit, facility_id, account, receiver, line, seq, code, class, "      \
	"restore, zone, partition, text, xdata, device_time, received_ms"

static json_t *event_row_json(struct db_stmt *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_col_int(s, 0)));
	json_object_set_new(o, "device_id",
			    db_col_is_null(s, 1) ? json_null() : json_integer(db_col_int(s, 1)));
	json_object_set_new(o, "unit", col_str(s, 2));
	json_object_set_new(o, "facility_id", col_str(s, 3));
	json_object_set_new(o, "account", col_str(s, 4));
	json_object_set_new(o, "receiver", prefixed('R', db_col_text(s, 5)));
	json_object_set_new(o, "line", prefixed('L', db_col_text(s, 6)));
	json_object_set_new(o, "seq", col_str(s, 7));
	json_object_set_new(o, "code", col_str(s, 8));
	json_object_set_new(o, "class", col_str(s, 9));
	json_object_set_new(o, "restore", json_boolean(db_col_int(s, 10) != 0));
	json_object_set_new(o, "zone", col_str(s, 11));
	json_object_set_new(o, "partition", col_str(s, 12));
	json_object_set_new(o, "text", col_str(s, 13));
	json_object_set_new(o, "xdata",
			    parse_json_text(db_col_is_null(s, 14) ? NULL : db_col_text(s, 14),
					    json_object()));
	json_object_set_new(o, "device_time", col_time(s, 15));
	json_object_set_new(o, "received_at", col_time(s, 16));
	return o;
}

int store_alarm_event_list(struct store *st, const struct alarm_event_query *q, json_t **items,
			   char **next)
{
	char *units = NULL;
	const char *own = NULL;
	int64_t cur = 0;
	int rc = cursor_parse(q->cursor, &cur);

	*items = NULL;
	*next = NULL;
	if (rc != 0)
		return rc;
	if (scope_args(st, q->scope, &units, &own) != 0)
		return STORE_ERROR;
	struct db_stmt *s = db_prepare(
		st, "SELECT " EVENT_COLS " FROM alarm_events WHERE" SCOPE_SQL(1, 2)
		    " AND ($3 IS NULL OR device_id IN (SELECT id FROM devices WHERE account = $3))"
		    " AND ($4 = 0 OR device_id = $4)"
		    " AND ($5 IS NULL OR class = $5) AND ($6 = 0 OR id < $6)"
		    " ORDER BY id DESC LIMIT $7");
	if (!s) {
		free(units);
		return STORE_ERROR;
	}
	db_bind_text(s, 1, units);
	db_bind_text(s, 2, own);
	db_bind_text(s, 3, q->account);
	db_bind_int(s, 4, q->device_id);
	db_bind_text(s, 5, q->cls);
	db_bind_int(s, 6, cur);
	db_bind_int(s, 7, q->limit > 0 ? q->limit + 1 : INT64_MAX); /* no LIMIT -1 on PG */
	rc = list_run(s, q->limit, event_row_json, items, next);
	free(units);
	return rc;
}

/* ---- incidents -------------------------------------------------------- */

int store_incident_touch(struct store *st, const struct store_incident_site *site,
			 int64_t event_id, int64_t now_ms, int64_t *incident_id, int *opened)
{
	int rc = db_begin_write(st);
	int64_t id = 0;

	*incident_id = 0;
	*opened = 0;
	if (rc != STORE_OK)
		return rc;
	struct db_stmt *s = db_prepare(st, "SELECT id FROM incidents WHERE site_key = $1 AND "
					   "state NOT IN ('false_alarm', 'closed') "
					   "ORDER BY id DESC LIMIT 1");
	if (!s) {
		rc = STORE_ERROR;
		goto fail;
	}
	db_bind_text(s, 1, site->site_key);
	rc = db_step(s);
	if (rc == DB_ROW)
		id = db_col_int(s, 0);
	db_finish(s);
	if (rc < 0)
		goto fail;
	if (id) {
		s = db_prepare(st, "UPDATE incidents SET last_event_ms = $2, "
				   "event_count = event_count + 1 WHERE id = $1");
		if (!s) {
			rc = STORE_ERROR;
			goto fail;
		}
		db_bind_int(s, 1, id);
		db_bind_int(s, 2, now_ms);
		rc = db_step(s);
		db_finish(s);
	} else {
		s = db_prepare(st, "INSERT INTO incidents (unit, device_id, facility_id, site_key, "
				   "site_name, address, lat, lon, opened_ms, state, first_event_id, "
				   "last_event_ms, event_count) VALUES ($1, $2, $3, $4, $5, $6, $7, "
				   "$8, $9, 'open', $10, $9, 1) RETURNING id");
		if (!s) {
			rc = STORE_ERROR;
			goto fail;
		}
		db_bind_text(s, 1, site->unit);
		db_bind_int(s, 2, site->device_id);
		db_bind_text(s, 3, site->facility_id);
		db_bind_text(s, 4, site->site_key);
		db_bind_text(s, 5, site->site_name ? site->site_name : "");
		db_bind_text(s, 6, site->address ? site->address : "");
		db_bind_double(s, 7, site->lat);
		db_bind_double(s, 8, site->lon);
		db_bind_int(s, 9, now_ms);
		if (event_id)
			db_bind_int(s, 10, event_id);
		else
			db_bind_null(s, 10);
		rc = db_step(s);
		if (rc == DB_ROW)
			id = db_col_int(s, 0);
		db_finish(s);
		*opened = 1;
	}
	if (rc < 0)
		goto fail;
	rc = db_commit(st);
	if (rc != STORE_OK)
		goto fail;
	*incident_id = id;
	return STORE_OK;
fail:
	db_rollback(st);
	*opened = 0;
	return rc < 0 ? rc : STORE_ERROR;
}

#define INCIDENT_COLS                                                                      \
	"id, unit, device_id, facility_id, site_name, address, lat, lon, opened_ms, state, "  \
	"first_event_id, last_event_ms, event_count, closed_ms"

static json_t *incident_row_json(struct db_stmt *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_col_int(s, 0)));
	json_object_set_new(o, "unit", col_str(s, 1));
	json_object_set_new(o, "device_id",
			    db_col_is_null(s, 2) ? json_null() : json_integer(db_col_int(s, 2)));
	json_object_set_new(o, "facility_id", col_str(s, 3));
	json_object_set_new(o, "site_name", col_str(s, 4));
	json_object_set_new(o, "address", col_str(s, 5));
	json_object_set_new(o, "lat", col_real(s, 6));
	json_object_set_new(o, "lon", col_real(s, 7));
	json_object_set_new(o, "opened_at", col_time(s, 8));
	json_object_set_new(o, "state", col_str(s, 9));
	json_object_set_new(o, "first_event_id",
			    db_col_is_null(s, 10) ? json_null() : json_integer(db_col_int(s, 10)));
	json_object_set_new(o, "last_event_at", col_time(s, 11));
	json_object_set_new(o, "event_count", json_integer(db_col_int(s, 12)));
	json_object_set_new(o, "closed_at", col_time(s, 13));
	return o;
}

int store_incident_list(struct store *st, const struct incident_query *q, json_t **items,
			char **next)
{
	char *units = NULL;
	const char *own = NULL;
	int64_t cur = 0;
	int rc = cursor_parse(q->cursor, &cur);

	*items = NULL;
	*next = NULL;
	if (rc != 0)
		return rc;
	if (scope_args(st, q->scope, &units, &own) != 0)
		return STORE_ERROR;
	struct db_stmt *s = db_prepare(
		st, "SELECT " INCIDENT_COLS " FROM incidents WHERE" SCOPE_SQL(1, 2)
		    " AND ($3 IS NULL OR state = $3) AND ($4 IS NULL OR unit = $4)"
		    " AND ($5 = 0 OR id < $5) ORDER BY id DESC LIMIT $6");
	if (!s) {
		free(units);
		return STORE_ERROR;
	}
	db_bind_text(s, 1, units);
	db_bind_text(s, 2, own);
	db_bind_text(s, 3, q->state);
	db_bind_text(s, 4, q->unit);
	db_bind_int(s, 5, cur);
	db_bind_int(s, 6, q->limit > 0 ? q->limit + 1 : INT64_MAX); /* no LIMIT -1 on PG */
	rc = list_run(s, q->limit, incident_row_json, items, next);
	free(units);
	return rc;
}

int store_incident_get(struct store *st, const struct scope *scope, int64_t id, json_t **out)
{
	return get_scoped(st, scope,
			  "SELECT " INCIDENT_COLS " FROM incidents WHERE id = $3 AND" SCOPE_SQL(1, 2),
			  id, incident_row_json, out);
}
