/* The SQLite backend of the store (struct store_ops, see store_impl.h).
 *
 * Connections: the HTTP server calls the store from several threads, so
 * each thread gets its own sqlite3 connection, opened lazily on its first
 * call and kept in thread-local storage (a pthread key per store). A
 * registry on the store lists every connection so store_close closes them
 * all; a thread that exits first closes its own. Every connection runs in
 * WAL mode with foreign_keys=ON, busy_timeout=5000 and synchronous=NORMAL,
 * and keeps its own cache of prepared statements keyed by SQL text.
 *
 * SQL is written with PostgreSQL's $1, $2… placeholders; since SQLite reads
 * "$N" as a named parameter numbered by first appearance, sq_stmt rewrites
 * $N to ?N before preparing. Write transactions start with BEGIN IMMEDIATE
 * so two writers wait for each other (busy_timeout) instead of failing.
 *
 * The end of the file implements store/db.h (the statement layer other
 * store files use) on the same connections and statement cache. */
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/fold.h"
#include "core/log.h"
#include "store/db.h"
#include "store/store_impl.h"

#define SQ_STMT_SLOTS 512   /* per connection; a power of two */
#define SQ_STMT_MAX 384     /* more distinct statements: cache flushed */

/* A statement as store/db.h hands it out: the cached sqlite3_stmt behind
 * the common header that names the ops (store_impl.h). */
struct sq_handle {
	struct db_stmt base;
	sqlite3_stmt *stmt;
};

struct sq_slot {
	char *sql;             /* as given (with $N) */
	uint64_t hash;
	sqlite3_stmt *stmt;
	struct sq_handle h;    /* db.h's view of stmt */
};

static const struct db_ops sq_db_ops;

struct sq_conn {
	sqlite3 *db;
	struct sq_impl *owner;
	struct sq_conn *next;  /* registry */
	struct sq_slot slots[SQ_STMT_SLOTS];
	int nslots;
	struct sq_slot *last;  /* the slot sq_slot_get found last */
};

struct sq_impl {
	char *path;
	pthread_key_t key;
	pthread_mutex_t lock;  /* guards conns */
	struct sq_conn *conns;
};

/* ---- connections ----------------------------------------------------- */

static void sq_conn_flush(struct sq_conn *c)
{
	for (int i = 0; i < SQ_STMT_SLOTS; i++) {
		if (c->slots[i].stmt)
			sqlite3_finalize(c->slots[i].stmt);
		free(c->slots[i].sql);
		c->slots[i].sql = NULL;
		c->slots[i].stmt = NULL;
		c->slots[i].h.stmt = NULL;
	}
	c->nslots = 0;
	c->last = NULL;
}

static void sq_conn_free(struct sq_conn *c)
{
	sq_conn_flush(c);
	if (sqlite3_close(c->db) != SQLITE_OK)
		log_error("sqlite: close: %s", sqlite3_errmsg(c->db));
	free(c);
}

/* Thread exit: the thread's connection leaves the registry and closes. */
static void sq_conn_destroy(void *arg)
{
	struct sq_conn *c = arg;
	struct sq_impl *im = c->owner;

	pthread_mutex_lock(&im->lock);
	for (struct sq_conn **pp = &im->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	pthread_mutex_unlock(&im->lock);
	sq_conn_free(c);
}

static int sq_exec(struct sq_conn *c, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(c->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_error("sqlite: %s: %s", sql, err ? err : sqlite3_errmsg(c->db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

static struct sq_conn *sq_conn_open(struct sq_impl *im)
{
	struct sq_conn *c = xcalloc(1, sizeof *c);
	int rc = sqlite3_open_v2(im->path, &c->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		log_error("sqlite: open %s: %s", im->path,
			  c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, 5000);
	/* temp_store: a statement that may have to undo itself inside a
	 * transaction (foreign keys, upserts) keeps a statement journal,
	 * which spills to a temporary file past 64 KiB — about one row of
	 * residents with its indexes. On file, a population import wrote
	 * 18 times per row (3.6 million pwrite calls for 200,000 rows). */
	if (sq_exec(c, "PRAGMA journal_mode=WAL") != 0 ||
	    sq_exec(c, "PRAGMA foreign_keys=ON") != 0 ||
	    sq_exec(c, "PRAGMA synchronous=NORMAL") != 0 ||
	    sq_exec(c, "PRAGMA temp_store=MEMORY") != 0)
		goto fail;
	c->owner = im;
	return c;
fail:
	sqlite3_close(c->db);
	free(c);
	return NULL;
}

/* The calling thread's connection, opened on first use; NULL on failure. */
static struct sq_conn *sq_conn_get(struct sq_impl *im)
{
	struct sq_conn *c = pthread_getspecific(im->key);
	if (c)
		return c;
	c = sq_conn_open(im);
	if (!c)
		return NULL;
	pthread_mutex_lock(&im->lock);
	c->next = im->conns;
	im->conns = c;
	pthread_mutex_unlock(&im->lock);
	pthread_setspecific(im->key, c);
	return c;
}

/* SQLite's memory statistics take a global mutex on every allocation
 * (about 4% of the alarm committer's time); pccc never reads them. Must run
 * before SQLite initialises, so once, before the first open. */
static void sq_global_init(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sq_open(const char *path, void **out)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sq_global_init);
	struct sq_impl *im = xcalloc(1, sizeof *im);

	im->path = xstrdup(path);
	pthread_mutex_init(&im->lock, NULL);
	if (pthread_key_create(&im->key, sq_conn_destroy) != 0) {
		log_error("sqlite: pthread_key_create failed");
		goto fail_key;
	}
	if (!sq_conn_get(im)) /* fail now, not on the first request */
		goto fail;
	*out = im;
	return 0;
fail:
	pthread_key_delete(im->key);
fail_key:
	pthread_mutex_destroy(&im->lock);
	free(im->path);
	free(im);
	return -1;
}

/* Only when no other thread uses the store any more. */
static void sq_close(void *arg)
{
	struct sq_impl *im = arg;

	pthread_key_delete(im->key); /* no destructor runs after this */
	pthread_mutex_lock(&im->lock);
	struct sq_conn *c = im->conns;
	im->conns = NULL;
	pthread_mutex_unlock(&im->lock);
	while (c) {
		struct sq_conn *next = c->next;
		sq_conn_free(c);
		c = next;
	}
	pthread_mutex_destroy(&im->lock);
	free(im->path);
	free(im);
}

/* ---- statements ------------------------------------------------------ */

/* $N → ?N outside string literals, quoted identifiers and comments. */
static char *sq_rewrite(const char *sql)
{
	struct buf b = {0};
	char quote = 0;

	for (const char *p = sql; *p; p++) {
		char ch = *p;
		if (quote) {
			if (ch == quote)
				quote = 0;
		} else if (ch == '\'' || ch == '"') {
			quote = ch;
		} else if (ch == '-' && p[1] == '-') {
			while (p[1] && p[1] != '\n')
				buf_putc(&b, *p++);
		} else if (ch == '$' && p[1] >= '0' && p[1] <= '9') {
			ch = '?';
		}
		buf_putc(&b, ch);
	}
	return buf_take(&b);
}

static uint64_t sq_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The cache slot of a prepared statement for sql on c, reset and unbound;
 * borrowed from the connection's cache (the caller resets it after use).
 * NULL on error. */
static struct sq_slot *sq_slot_get(struct sq_conn *c, const char *sql)
{
	/* the same statement again (a bulk write's row after row): its
	 * text compared, without hashing it (long INSERTs hash slowly) */
	if (c->last && c->last->sql && strcmp(c->last->sql, sql) == 0) {
		sqlite3_reset(c->last->stmt);
		sqlite3_clear_bindings(c->last->stmt);
		return c->last;
	}
	uint64_t h = sq_hash(sql);
	size_t i = (size_t)h & (SQ_STMT_SLOTS - 1);

	for (;;) {
		struct sq_slot *s = &c->slots[i];
		if (!s->sql)
			break;
		if (s->hash == h && strcmp(s->sql, sql) == 0) {
			sqlite3_reset(s->stmt);
			sqlite3_clear_bindings(s->stmt);
			c->last = s;
			return s;
		}
		i = (i + 1) & (SQ_STMT_SLOTS - 1);
	}
	char *text = sq_rewrite(sql);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(c->db, text, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	free(text);
	if (rc != SQLITE_OK) {
		log_error("sqlite: prepare: %s: %s", sqlite3_errmsg(c->db), sql);
		return NULL;
	}
	if (c->nslots >= SQ_STMT_MAX) {
		sq_conn_flush(c);
		i = (size_t)h & (SQ_STMT_SLOTS - 1);
	}
	c->slots[i].sql = xstrdup(sql);
	c->slots[i].hash = h;
	c->slots[i].stmt = st;
	c->slots[i].h.base.ops = &sq_db_ops;
	c->slots[i].h.stmt = st;
	c->nslots++;
	return &c->slots[i];
}

/* The prepared statement of sq_slot_get, or NULL on error. */
static sqlite3_stmt *sq_stmt(struct sq_conn *c, const char *sql)
{
	struct sq_slot *slot = sq_slot_get(c, sql);
	return slot ? slot->stmt : NULL;
}

static int sq_err(struct sq_conn *c, int rc, const char *what)
{
	int base = rc & 0xff;
	if (base == SQLITE_CONSTRAINT) {
		if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE)
			return STORE_CONFLICT;
		return STORE_INVALID;
	}
	log_error("sqlite: %s: %s", what, sqlite3_errmsg(c->db));
	return STORE_ERROR;
}

static void sq_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static void sq_bind_real(sqlite3_stmt *s, int i, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

/* Runs a statement that returns no rows; STORE_* code. */
static int sq_run(struct sq_conn *c, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return STORE_OK;
	return sq_err(c, rc, what);
}

static int sq_begin(struct sq_conn *c)
{
	return sq_exec(c, "BEGIN IMMEDIATE") == 0 ? STORE_OK : STORE_ERROR;
}

/* Commits, or rolls back when rc is an error or the commit fails (a
 * deferred foreign key is checked here). */
static int sq_end(struct sq_conn *c, int rc)
{
	if (rc == STORE_OK) {
		int r = sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
		if (r == SQLITE_OK)
			return STORE_OK;
		rc = sq_err(c, sqlite3_extended_errcode(c->db), "commit");
	}
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

#define SQ_CONN(im, c)                                                                   \
	struct sq_conn *c = sq_conn_get(im);                                             \
	if (!c)                                                                          \
		return STORE_ERROR

/* ---- migrations and meta -------------------------------------------- */

static int sq_migrate(void *arg, const struct store_migration *list, size_t n, int *applied)
{
	SQ_CONN(arg, c);
	int rc;

	if (sq_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
		       "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
		       "applied_at BIGINT NOT NULL)") != 0)
		return STORE_ERROR;
	for (size_t i = 0; i < n; i++) {
		if ((rc = sq_begin(c)) != STORE_OK)
			return rc;
		sqlite3_stmt *s = sq_stmt(c, "SELECT 1 FROM schema_migrations WHERE version = $1");
		if (!s) {
			rc = STORE_ERROR;
			goto end;
		}
		sqlite3_bind_int(s, 1, list[i].version);
		int step = sqlite3_step(s);
		sqlite3_reset(s);
		if (step == SQLITE_ROW) {
			sq_end(c, STORE_OK);
			continue;
		}
		if (step != SQLITE_DONE) {
			rc = sq_err(c, step, "migrate");
			goto end;
		}
		char *err = NULL;
		if (sqlite3_exec(c->db, list[i].sql, NULL, NULL, &err) != SQLITE_OK) {
			log_error("sqlite: migration %s: %s", list[i].name, err ? err : "?");
			sqlite3_free(err);
			rc = STORE_ERROR;
			goto end;
		}
		s = sq_stmt(c, "INSERT INTO schema_migrations (version, name, applied_at) "
			       "VALUES ($1, $2, $3)");
		if (!s) {
			rc = STORE_ERROR;
			goto end;
		}
		sqlite3_bind_int(s, 1, list[i].version);
		sq_bind_text(s, 2, list[i].name);
		sqlite3_bind_int64(s, 3, clock_now_s());
		rc = sq_run(c, s, "migrate");
end:
		if ((rc = sq_end(c, rc)) != STORE_OK)
			return rc;
		if (applied)
			(*applied)++;
		log_info("store: applied migration %s", list[i].name);
	}
	return STORE_OK;
}

static int sq_meta_get(void *arg, const char *key, char **out)
{
	SQ_CONN(arg, c);
	sqlite3_stmt *s = sq_stmt(c, "SELECT value FROM meta WHERE key = $1");

	*out = NULL;
	if (!s)
		return STORE_ERROR;
	sq_bind_text(s, 1, key);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_err(c, rc, "meta_get");
}

static int sq_meta_put(struct sq_conn *c, const char *key, const char *value)
{
	sqlite3_stmt *s = sq_stmt(c, "INSERT INTO meta (key, value) VALUES ($1, $2) "
				     "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	if (!s)
		return STORE_ERROR;
	sq_bind_text(s, 1, key);
	sq_bind_text(s, 2, value);
	return sq_run(c, s, "meta_set");
}

static int sq_meta_set(void *arg, const char *key, const char *value)
{
	SQ_CONN(arg, c);
	return sq_meta_put(c, key, value);
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.db = &sq_db_ops,
	.open = sq_open,
	.close = sq_close,
	.migrate = sq_migrate,
	.meta_get = sq_meta_get,
	.meta_set = sq_meta_set,
};

/* ---- the statement layer (store/db.h) on SQLite --------------------------
 * A struct db_stmt is the handle in the connection's cache slot of the
 * sqlite3_stmt (src/store/db.c dispatches here through sq_db_ops). */

static struct sq_impl *db_impl(struct store *st)
{
	if (st->ops != &store_sqlite_ops) {
		log_error("db: store backend %s has no statement layer", st->ops->name);
		return NULL;
	}
	return st->impl;
}

static struct sq_conn *db_conn(struct store *st)
{
	struct sq_impl *im = db_impl(st);
	return im ? sq_conn_get(im) : NULL;
}

static sqlite3_stmt *db_raw(struct db_stmt *s)
{
	return ((struct sq_handle *)(void *)s)->stmt;
}

static struct db_stmt *sqdb_prepare(struct store *st, const char *sql)
{
	struct sq_conn *c = db_conn(st);
	struct sq_slot *slot = c ? sq_slot_get(c, sql) : NULL;
	return slot ? &slot->h.base : NULL;
}

static void sqdb_bind_text(struct db_stmt *s, int idx, const char *v)
{
	sq_bind_text(db_raw(s), idx, v);
}

static void sqdb_bind_blob(struct db_stmt *s, int idx, const void *p, size_t n)
{
	if (p)
		sqlite3_bind_blob64(db_raw(s), idx, p, n, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(db_raw(s), idx);
}

static void sqdb_bind_int(struct db_stmt *s, int idx, int64_t v)
{
	sqlite3_bind_int64(db_raw(s), idx, v);
}

static void sqdb_bind_double(struct db_stmt *s, int idx, double v)
{
	sq_bind_real(db_raw(s), idx, v);
}

static void sqdb_bind_null(struct db_stmt *s, int idx)
{
	sqlite3_bind_null(db_raw(s), idx);
}

static int db_err(sqlite3 *db, int rc, const char *what)
{
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE
			       ? STORE_CONFLICT
			       : STORE_INVALID;
	log_error("sqlite: %s: %s", what, sqlite3_errmsg(db));
	return STORE_ERROR;
}

static int sqdb_step(struct db_stmt *s)
{
	int rc = sqlite3_step(db_raw(s));
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return db_err(sqlite3_db_handle(db_raw(s)), rc, sqlite3_sql(db_raw(s)));
}

static int sqdb_col_count(struct db_stmt *s)
{
	return sqlite3_column_count(db_raw(s));
}

static const char *sqdb_col_name(struct db_stmt *s, int col)
{
	return sqlite3_column_name(db_raw(s), col);
}

static int sqdb_col_is_null(struct db_stmt *s, int col)
{
	return sqlite3_column_type(db_raw(s), col) == SQLITE_NULL;
}

static const char *sqdb_col_text(struct db_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(db_raw(s), col);
}

static const void *sqdb_col_blob(struct db_stmt *s, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(db_raw(s), col);
	*n = (size_t)sqlite3_column_bytes(db_raw(s), col);
	return p;
}

static int64_t sqdb_col_int(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(db_raw(s), col);
}

static double sqdb_col_double(struct db_stmt *s, int col)
{
	return sqlite3_column_double(db_raw(s), col);
}

static void sqdb_finish(struct db_stmt *s)
{
	if (s) {
		sqlite3_reset(db_raw(s));
		sqlite3_clear_bindings(db_raw(s));
	}
}

static int sqdb_exec(struct store *st, const char *sql)
{
	struct sq_conn *c = db_conn(st);
	if (!c)
		return STORE_ERROR;
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? STORE_OK : db_err(c->db, sqlite3_extended_errcode(c->db), sql);
}

static int sqdb_begin(struct store *st)
{
	return sqdb_exec(st, "BEGIN");
}

static int sqdb_begin_write(struct store *st)
{
	return sqdb_exec(st, "BEGIN IMMEDIATE");
}

static int sqdb_commit(struct store *st)
{
	struct sq_conn *c = db_conn(st);
	if (!c)
		return STORE_ERROR;
	return sq_end(c, STORE_OK); /* rolls back when the commit fails */
}

static int sqdb_rollback(struct store *st)
{
	struct sq_conn *c = db_conn(st);
	if (!c)
		return STORE_ERROR;
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return STORE_OK;
}

static int64_t sqdb_changes(struct store *st)
{
	struct sq_conn *c = db_conn(st);
	return c ? sqlite3_changes64(c->db) : 0;
}

static const struct db_ops sq_db_ops = {
	.prepare = sqdb_prepare,
	.bind_text = sqdb_bind_text,
	.bind_blob = sqdb_bind_blob,
	.bind_int = sqdb_bind_int,
	.bind_double = sqdb_bind_double,
	.bind_null = sqdb_bind_null,
	.step = sqdb_step,
	.col_count = sqdb_col_count,
	.col_name = sqdb_col_name,
	.col_is_null = sqdb_col_is_null,
	.col_text = sqdb_col_text,
	.col_blob = sqdb_col_blob,
	.col_int = sqdb_col_int,
	.col_double = sqdb_col_double,
	.finish = sqdb_finish,
	.exec = sqdb_exec,
	.begin = sqdb_begin,
	.begin_write = sqdb_begin_write,
	.commit = sqdb_commit,
	.rollback = sqdb_rollback,
	.changes = sqdb_changes,
};
