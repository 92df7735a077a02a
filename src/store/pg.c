/* The PostgreSQL backend of the store (struct store_ops, see store_impl.h)
 * and of the statement layer of store/db.h, on libpq.
 *
 * Connections: like sqlite.c, each thread that calls the store gets its own
 * libpq connection, opened on its first call and kept in thread-local
 * storage (a pthread key per store); a registry lets store_close close them
 * all, a thread that exits first closes its own. A connection whose server
 * went away is reset once before a statement (not inside a transaction).
 *
 * Statements: the SQL the store writes is PostgreSQL's already ($1, $2...
 * pass through). Each connection caches one statement object per SQL text
 * (as SQLite's cache does, so db_prepare of the same text returns the same
 * object). The server-side prepared statement is made at the first step,
 * when the bound values are known: integers are declared bigint, doubles
 * double precision, blobs bytea (sent in binary), text and NULL left for
 * the server to infer from the SQL. When the server cannot infer a type
 * ("could not determine data type of parameter $N") that parameter is
 * declared text; when a declared bigint/double meets an operator it does
 * not fit (text = bigint) the numbers are left to inference too. Values
 * are sent as text (bytea as binary), results read in text form, so a
 * column reads the same way whatever its declared type; booleans read as
 * 1/0 and bytea decoded, as SQLite would give them.
 *
 * SQLite semantics kept on purpose:
 *  - a failed statement inside a transaction undoes only itself (SQLite's
 *    statement journal): every write inside a transaction runs after a
 *    SAVEPOINT, rolled back to on failure, so the caller may go on (import
 *    rejects, retry of a taken username);
 *  - db_begin_write serialises writers (SQLite's BEGIN IMMEDIATE): it takes
 *    one transaction-level advisory lock, so the store's "max + 1" ids and
 *    the audit chain stay correct, across several nodes too.
 *
 * Migrations are the same embedded sql/NNN_*.sql files, adapted as they
 * are run (pg_migration_text): lines between "-- begin sqlite" and
 * "-- end sqlite" are left out, lines between "-- begin postgres" and
 * "-- end postgres" are run without their leading "-- ", and SQLite's
 * rowid alias "INTEGER PRIMARY KEY" becomes an identity column. Before
 * them, pg_compat installs json_each(text) (SQLite's json_each over an
 * array, which the scope filters use); after them, the words of the
 * house address search (houses.search_words: to_tsvector('simple',
 * address_folded || ' u' || unit), and its GIN index: the same words, the
 * last a prefix, that SQLite's FTS5 index answers).
 *
 * Text sorts in the database's collation; create it with LC_COLLATE "C"
 * (tests/pg/run.sh does) to get SQLite's byte order in every list. */
#include <errno.h>
#include <libpq-fe.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/fold.h"
#include "core/log.h"
#include "store/db.h"
#include "store/store_impl.h"

#define PG_SLOTS 2048          /* statement cache per connection; power of two */
#define PG_STMT_MAX 1536       /* more distinct statements: cache flushed */
#define PG_MAX_PARAMS 4096
#define PG_WRITE_LOCK 7051823  /* advisory lock key of db_begin_write */

/* PostgreSQL type oids (catalog/pg_type.h is not in libpq-dev). */
#define PG_OID_BOOL 16
#define PG_OID_BYTEA 17
#define PG_OID_INT8 20
#define PG_OID_TEXT 25
#define PG_OID_FLOAT8 701

struct pg_conn;

/* One server-side prepared statement of a statement, for one signature of
 * bound types. */
struct pg_prep {
	char *sig;             /* from the bindings: i d b u per parameter */
	char name[24];
	unsigned epoch;        /* the connection's epoch when prepared */
	PGresult *desc;        /* column description, on demand */
	struct pg_prep *next;
};

struct pg_stmt {
	struct db_stmt base;
	struct pg_conn *c;
	char *sql;
	uint64_t hash;
	int nparams;
	char **vals;
	int *lens;
	int *fmts;
	char *sig;             /* nparams chars + NUL: i d b u */
	struct pg_prep *preps;
	struct pg_prep *cur;   /* the one the last step or describe used */
	PGresult *res;
	int row, nrows;
	int done;
	int in_use;            /* between db_prepare and db_finish */
	char **dec;            /* decoded bytea of the current row */
	int ndec;
};

struct pg_impl;

struct pg_conn {
	PGconn *db;
	struct pg_impl *owner;
	struct pg_conn *next;  /* registry */
	struct pg_stmt *slots[PG_SLOTS];
	int nslots;
	unsigned counter;      /* prepared statement names */
	unsigned epoch;        /* bumped when server-side statements are gone */
	int sp;                /* statement savepoint: 0 none, 1 just set, 2 behind */
	int no_sp;             /* db_no_savepoints: none until the transaction ends */
	int64_t changes;
};

struct pg_impl {
	char *url;
	pthread_key_t key;
	pthread_mutex_t lock;  /* guards conns */
	struct pg_conn *conns;
	struct store shim;     /* {ops, impl} for the db layer inside store_ops */
};

static const struct db_ops pg_db_ops;

/* ---- connections ----------------------------------------------------- */

static void pg_notice(void *arg, const char *message)
{
	(void)arg;
	size_t n = strlen(message);
	while (n && message[n - 1] == '\n')
		n--;
	log_debug("postgres: %.*s", (int)n, message);
}

static void pg_stmt_clear(struct pg_stmt *s)
{
	for (int i = 0; i < s->ndec; i++)
		free(s->dec[i]);
	free(s->dec);
	s->dec = NULL;
	s->ndec = 0;
	if (s->res)
		PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	s->nrows = 0;
	s->done = 0;
}

static void pg_stmt_unbind(struct pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		free(s->vals[i]);
		s->vals[i] = NULL;
		s->lens[i] = 0;
		s->fmts[i] = 0;
		s->sig[i] = 'u';
	}
}

static void pg_stmt_free(struct pg_stmt *s)
{
	pg_stmt_clear(s);
	pg_stmt_unbind(s);
	while (s->preps) {
		struct pg_prep *p = s->preps;
		s->preps = p->next;
		if (p->desc)
			PQclear(p->desc);
		free(p->sig);
		free(p);
	}
	free(s->vals);
	free(s->lens);
	free(s->fmts);
	free(s->sig);
	free(s->sql);
	free(s);
}

static void pg_conn_free(struct pg_conn *c)
{
	for (int i = 0; i < PG_SLOTS; i++)
		if (c->slots[i])
			pg_stmt_free(c->slots[i]);
	PQfinish(c->db);
	free(c);
}

static void pg_conn_destroy(void *arg)
{
	struct pg_conn *c = arg;
	struct pg_impl *im = c->owner;

	pthread_mutex_lock(&im->lock);
	for (struct pg_conn **pp = &im->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	pthread_mutex_unlock(&im->lock);
	pg_conn_free(c);
}

static const char *pg_state(const PGresult *res)
{
	const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return st ? st : "";
}

/* enum store_err of a failed result (logged unless a constraint refused). */
static int pg_err(struct pg_conn *c, const PGresult *res, const char *what)
{
	const char *st = pg_state(res);
	if (strcmp(st, "23505") == 0 || strcmp(st, "23P01") == 0)
		return STORE_CONFLICT;
	if (strcmp(st, "23503") == 0 || strcmp(st, "23514") == 0 || strcmp(st, "23502") == 0)
		return STORE_INVALID;
	const char *msg = res ? PQresultErrorMessage(res) : "";
	if (!msg || !*msg)
		msg = PQerrorMessage(c->db);
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		n--;
	if (strncmp(st, "22", 2) == 0) { /* data exception: a value refused */
		log_warn("postgres: %s: %.*s", what, (int)n, msg);
		return STORE_INVALID;
	}
	log_error("postgres: %s: [%s] %.*s", what, st, (int)n, msg);
	return STORE_ERROR;
}

/* Runs SQL without parameters (may hold several statements). */
static int pg_run(struct pg_conn *c, const char *sql)
{
	PGresult *res = PQexec(c->db, sql);
	ExecStatusType t = PQresultStatus(res);
	int rc = STORE_OK;
	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK && t != PGRES_EMPTY_QUERY)
		rc = pg_err(c, res, sql);
	PQclear(res);
	return rc;
}

static struct pg_conn *pg_conn_open(struct pg_impl *im)
{
	static const char *const keys[] = {"dbname", "client_encoding", "application_name",
					   "connect_timeout", NULL};
	const char *vals[] = {im->url, "UTF8", "pccc", "10", NULL};
	struct pg_conn *c = xcalloc(1, sizeof *c);

	c->db = PQconnectdbParams(keys, vals, 1);
	if (!c->db || PQstatus(c->db) != CONNECTION_OK) {
		const char *msg = c->db ? PQerrorMessage(c->db) : "out of memory";
		size_t n = strlen(msg);
		while (n && msg[n - 1] == '\n')
			n--;
		log_error("postgres: connect: %.*s", (int)n, msg);
		goto fail;
	}
	PQsetNoticeProcessor(c->db, pg_notice, NULL);
	/* plan_cache_mode: every execution of a prepared statement is
	 * planned with its values. After five runs PostgreSQL may keep one
	 * generic plan, and for the lists' searches one plan does not fit
	 * every value: a house search whose words match a whole commune
	 * took 230 ms on a generic plan instead of 16 ms. Planning these
	 * statements costs well under a millisecond. */
	if (pg_run(c, "SET TIME ZONE 'UTC'; SET plan_cache_mode = force_custom_plan") !=
	    STORE_OK)
		goto fail;
	c->owner = im;
	return c;
fail:
	PQfinish(c->db);
	free(c);
	return NULL;
}

static struct pg_conn *pg_conn_get(struct pg_impl *im)
{
	struct pg_conn *c = pthread_getspecific(im->key);
	if (c)
		return c;
	c = pg_conn_open(im);
	if (!c)
		return NULL;
	pthread_mutex_lock(&im->lock);
	c->next = im->conns;
	im->conns = c;
	pthread_mutex_unlock(&im->lock);
	pthread_setspecific(im->key, c);
	return c;
}

static int pg_open(const char *url, void **out)
{
	struct pg_impl *im = xcalloc(1, sizeof *im);

	im->url = xstrdup(url);
	im->shim.ops = &store_pg_ops;
	im->shim.impl = im;
	pthread_mutex_init(&im->lock, NULL);
	if (pthread_key_create(&im->key, pg_conn_destroy) != 0) {
		log_error("postgres: pthread_key_create failed");
		goto fail_key;
	}
	if (!pg_conn_get(im))
		goto fail;
	*out = im;
	return 0;
fail:
	pthread_key_delete(im->key);
fail_key:
	pthread_mutex_destroy(&im->lock);
	free(im->url);
	free(im);
	return -1;
}

static void pg_close(void *arg)
{
	struct pg_impl *im = arg;

	pthread_key_delete(im->key);
	pthread_mutex_lock(&im->lock);
	struct pg_conn *c = im->conns;
	im->conns = NULL;
	pthread_mutex_unlock(&im->lock);
	while (c) {
		struct pg_conn *next = c->next;
		pg_conn_free(c);
		c = next;
	}
	pthread_mutex_destroy(&im->lock);
	free(im->url);
	free(im);
}

/* A connection the server dropped is reset, outside transactions only;
 * its prepared statements are gone with it. */
static int pg_conn_alive(struct pg_conn *c)
{
	if (PQstatus(c->db) == CONNECTION_OK)
		return 0;
	PQreset(c->db);
	if (PQstatus(c->db) != CONNECTION_OK) {
		log_error("postgres: connection lost and not restored");
		return -1;
	}
	log_warn("postgres: connection restored");
	PQsetNoticeProcessor(c->db, pg_notice, NULL);
	c->epoch++;
	c->sp = 0;
	return pg_run(c, "SET TIME ZONE 'UTC'") == STORE_OK ? 0 : -1;
}

/* ---- statements ------------------------------------------------------ */

static uint64_t pg_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The largest $N outside string literals, quoted identifiers and comments. */
static int pg_count_params(const char *sql)
{
	char quote = 0;
	int max = 0;

	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '-' && p[1] == '-') {
			while (p[1] && p[1] != '\n')
				p++;
		} else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
			long v = strtol(p + 1, NULL, 10);
			if (v > max)
				max = v > PG_MAX_PARAMS ? PG_MAX_PARAMS + 1 : (int)v;
		}
	}
	return max;
}

static int pg_stmt_busy(const struct pg_stmt *s)
{
	return s->in_use;
}

static void pg_slot_put(struct pg_conn *c, struct pg_stmt *s)
{
	size_t i = (size_t)s->hash & (PG_SLOTS - 1);
	while (c->slots[i])
		i = (i + 1) & (PG_SLOTS - 1);
	c->slots[i] = s;
	c->nslots++;
}

/* Drops every cached statement not in use, here and on the server. */
static void pg_cache_flush(struct pg_conn *c)
{
	struct pg_stmt *keep[PG_SLOTS];
	int nkeep = 0;

	if (PQtransactionStatus(c->db) == PQTRANS_INERROR)
		return; /* the server refuses DEALLOCATE now; later */
	if (pg_run(c, "DEALLOCATE ALL") != STORE_OK)
		return;
	c->epoch++;
	for (int i = 0; i < PG_SLOTS; i++) {
		struct pg_stmt *s = c->slots[i];
		c->slots[i] = NULL;
		if (!s)
			continue;
		if (pg_stmt_busy(s))
			keep[nkeep++] = s;
		else
			pg_stmt_free(s);
	}
	c->nslots = 0;
	for (int i = 0; i < nkeep; i++)
		pg_slot_put(c, keep[i]);
}

/* The connection's statement object for sql, reset and unbound. */
static struct pg_stmt *pg_stmt_get(struct pg_conn *c, const char *sql)
{
	uint64_t h = pg_hash(sql);
	size_t i = (size_t)h & (PG_SLOTS - 1);

	for (struct pg_stmt *s; (s = c->slots[i]); i = (i + 1) & (PG_SLOTS - 1)) {
		if (s->hash == h && strcmp(s->sql, sql) == 0) {
			pg_stmt_clear(s);
			pg_stmt_unbind(s);
			s->in_use = 1;
			return s;
		}
	}
	int n = pg_count_params(sql);
	if (n > PG_MAX_PARAMS) {
		log_error("postgres: too many parameters: %.200s", sql);
		return NULL;
	}
	if (c->nslots >= PG_STMT_MAX)
		pg_cache_flush(c);
	if (c->nslots >= PG_SLOTS - 1) {
		log_error("postgres: statement cache full");
		return NULL;
	}
	struct pg_stmt *s = xcalloc(1, sizeof *s);
	s->base.ops = &pg_db_ops;
	s->c = c;
	s->sql = xstrdup(sql);
	s->hash = h;
	s->nparams = n;
	s->vals = xcalloc((size_t)n + 1, sizeof *s->vals);
	s->lens = xcalloc((size_t)n + 1, sizeof *s->lens);
	s->fmts = xcalloc((size_t)n + 1, sizeof *s->fmts);
	s->sig = xcalloc((size_t)n + 1, 1);
	memset(s->sig, 'u', (size_t)n);
	s->row = -1;
	s->in_use = 1;
	pg_slot_put(c, s);
	return s;
}

static Oid pg_sig_oid(char t)
{
	switch (t) {
	case 'i': return PG_OID_INT8;
	case 'd': return PG_OID_FLOAT8;
	case 'b': return PG_OID_BYTEA;
	case 't': return PG_OID_TEXT;
	default: return 0;
	}
}

/* Which parameter "could not determine data type of parameter $N" names
 * (42P18 indeterminate, or 42P08 ambiguous). */
static int pg_indeterminate(const PGresult *res)
{
	const char *m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *d = m ? strrchr(m, '$') : NULL;
	return d ? atoi(d + 1) : 0;
}

/* The server-side statement for the current bindings, prepared on first
 * use (see the top of the file for the type rules). NULL on error. */
static struct pg_prep *pg_prep_get(struct pg_stmt *s, int *rc)
{
	struct pg_conn *c = s->c;
	struct pg_prep *p;

	for (p = s->preps; p; p = p->next)
		if (strcmp(p->sig, s->sig) == 0)
			break;
	if (p && p->epoch == c->epoch)
		return p;
	if (!p) {
		p = xcalloc(1, sizeof *p);
		p->sig = xstrdup(s->sig);
		p->next = s->preps;
		s->preps = p;
	}
	if (p->desc)
		PQclear(p->desc);
	p->desc = NULL;
	snprintf(p->name, sizeof p->name, "pccc_%u", ++c->counter);

	char *eff = xstrdup(s->sig);
	Oid *types = xcalloc((size_t)s->nparams + 1, sizeof *types);
	int in_tx = PQtransactionStatus(c->db) == PQTRANS_INTRANS;
	int ok = 0, numbers_free = 0;
	PGresult *res = NULL;

	if (in_tx && pg_run(c, "SAVEPOINT pccc_prep") != STORE_OK)
		goto done;
	for (int attempt = 0; attempt <= s->nparams + 2; attempt++) {
		for (int i = 0; i < s->nparams; i++)
			types[i] = pg_sig_oid(eff[i]);
		res = PQprepare(c->db, p->name, s->sql, s->nparams, types);
		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			ok = 1;
			break;
		}
		if (in_tx && pg_run(c, "ROLLBACK TO SAVEPOINT pccc_prep") != STORE_OK)
			break;
		const char *st = pg_state(res);
		int n = strcmp(st, "42P18") == 0 || strcmp(st, "42P08") == 0 ? pg_indeterminate(res)
										 : 0;
		if (n >= 1 && n <= s->nparams && eff[n - 1] == 'u') {
			eff[n - 1] = 't';
		} else if (!numbers_free && (strcmp(st, "42883") == 0 || strcmp(st, "42804") == 0 ||
					     strcmp(st, "42725") == 0)) {
			numbers_free = 1;
			for (int i = 0; i < s->nparams; i++)
				if (eff[i] == 'i' || eff[i] == 'd')
					eff[i] = 'u';
		} else {
			break;
		}
		PQclear(res);
		res = NULL;
	}
	if (ok && in_tx && pg_run(c, "RELEASE SAVEPOINT pccc_prep") != STORE_OK)
		ok = 0;
done:
	if (!ok) {
		*rc = res ? pg_err(c, res, s->sql) : STORE_ERROR;
		if (*rc != STORE_ERROR) /* a constraint cannot fail a prepare */
			*rc = STORE_ERROR;
	}
	PQclear(res);
	free(eff);
	free(types);
	if (!ok) {
		p->name[0] = '\0';
		return NULL;
	}
	p->epoch = c->epoch;
	return p;
}

/* 1 for a statement that may write (anything but SELECT / VALUES). */
static int pg_is_write(const char *sql)
{
	while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '(')
		sql++;
	return strncasecmp(sql, "select", 6) != 0 && strncasecmp(sql, "values", 6) != 0;
}

/* Before a write inside a transaction: a savepoint right behind it. */
static int pg_sp_set(struct pg_conn *c)
{
	PGTransactionStatusType t = PQtransactionStatus(c->db);
	if (t == PQTRANS_IDLE)
		c->sp = 0;
	if (t == PQTRANS_IDLE)
		c->no_sp = 0;
	if (t != PQTRANS_INTRANS || c->no_sp)
		return STORE_OK;
	if (c->sp == 1)
		return STORE_OK;
	int rc = pg_run(c, c->sp ? "RELEASE SAVEPOINT pccc_stmt; SAVEPOINT pccc_stmt"
				 : "SAVEPOINT pccc_stmt");
	c->sp = rc == STORE_OK ? 1 : 0;
	return rc;
}

static int pg_execute(struct pg_stmt *s)
{
	struct pg_conn *c = s->c;
	int rc = STORE_ERROR;

	if (PQtransactionStatus(c->db) == PQTRANS_IDLE || PQstatus(c->db) != CONNECTION_OK) {
		c->sp = 0;
		if (pg_conn_alive(c) != 0)
			return STORE_ERROR;
	}
	struct pg_prep *p = pg_prep_get(s, &rc);
	if (!p)
		return rc;
	s->cur = p;
	int write = pg_is_write(s->sql);
	if (write && pg_sp_set(c) != STORE_OK)
		return STORE_ERROR;
	PGresult *res = PQexecPrepared(c->db, p->name, s->nparams,
				       (const char *const *)s->vals, s->lens, s->fmts, 0);
	ExecStatusType t = PQresultStatus(res);
	if (t == PGRES_TUPLES_OK || t == PGRES_COMMAND_OK) {
		s->res = res;
		s->nrows = t == PGRES_TUPLES_OK ? PQntuples(res) : 0;
		const char *status = PQcmdStatus(res);
		if (write || strncmp(status, "SELECT", 6) != 0)
			c->changes = strtoll(PQcmdTuples(res), NULL, 10);
		if (write && c->sp)
			c->sp = 2;
		return STORE_OK;
	}
	rc = pg_err(c, res, s->sql);
	PQclear(res);
	if (write && c->sp && PQtransactionStatus(c->db) == PQTRANS_INERROR) {
		if (pg_run(c, "ROLLBACK TO SAVEPOINT pccc_stmt") == STORE_OK)
			c->sp = 1;
		else
			c->sp = 0;
	}
	return rc;
}

static struct pg_stmt *pg_raw(struct db_stmt *s)
{
	return (struct pg_stmt *)(void *)s;
}

static int pg_idx(struct pg_stmt *s, int idx)
{
	if (idx < 1 || idx > s->nparams) {
		log_error("postgres: bind index %d out of range (%d): %.200s", idx, s->nparams,
			  s->sql);
		return -1;
	}
	return idx - 1;
}

static void pg_set(struct pg_stmt *s, int idx, char *v, int len, int fmt, char sig)
{
	int i = pg_idx(s, idx);
	if (i < 0) {
		free(v);
		return;
	}
	free(s->vals[i]);
	s->vals[i] = v;
	s->lens[i] = len;
	s->fmts[i] = fmt;
	s->sig[i] = sig;
}

static void pgdb_bind_text(struct db_stmt *d, int idx, const char *v)
{
	pg_set(pg_raw(d), idx, v ? xstrdup(v) : NULL, 0, 0, 'u');
}

static void pgdb_bind_blob(struct db_stmt *d, int idx, const void *p, size_t n)
{
	if (!p || n > INT32_MAX) {
		pg_set(pg_raw(d), idx, NULL, 0, 0, 'u');
		return;
	}
	char *v = xmalloc(n ? n : 1);
	memcpy(v, p, n);
	pg_set(pg_raw(d), idx, v, (int)n, 1, 'b');
}

static void pgdb_bind_int(struct db_stmt *d, int idx, int64_t v)
{
	pg_set(pg_raw(d), idx, xasprintf("%lld", (long long)v), 0, 0, 'i');
}

static void pgdb_bind_double(struct db_stmt *d, int idx, double v)
{
	if (!isfinite(v))
		pg_set(pg_raw(d), idx, NULL, 0, 0, 'u');
	else
		pg_set(pg_raw(d), idx, xasprintf("%.17g", v), 0, 0, 'd');
}

static void pgdb_bind_null(struct db_stmt *d, int idx)
{
	pg_set(pg_raw(d), idx, NULL, 0, 0, 'u');
}

static int pgdb_step(struct db_stmt *d)
{
	struct pg_stmt *s = pg_raw(d);

	if (s->done)
		return DB_DONE;
	if (!s->res) {
		int rc = pg_execute(s);
		if (rc != STORE_OK) {
			s->done = 1;
			return rc;
		}
	}
	for (int i = 0; i < s->ndec; i++)
		free(s->dec[i]);
	s->ndec = 0;
	s->row++;
	if (s->row >= s->nrows) {
		s->done = 1;
		return DB_DONE;
	}
	return DB_ROW;
}

/* The result (after a step) or the description (before) of the columns. */
static const PGresult *pg_cols(struct pg_stmt *s)
{
	if (s->res)
		return s->res;
	int rc;
	struct pg_prep *p = pg_prep_get(s, &rc);
	if (!p)
		return NULL;
	if (!p->desc) {
		PGresult *res = PQdescribePrepared(s->c->db, p->name);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			pg_err(s->c, res, "describe");
			PQclear(res);
			return NULL;
		}
		p->desc = res;
	}
	return p->desc;
}

static int pgdb_col_count(struct db_stmt *d)
{
	const PGresult *r = pg_cols(pg_raw(d));
	return r ? PQnfields(r) : 0;
}

static const char *pgdb_col_name(struct db_stmt *d, int col)
{
	const PGresult *r = pg_cols(pg_raw(d));
	return r && col >= 0 && col < PQnfields(r) ? PQfname(r, col) : NULL;
}

/* 1 when the current row has column col. */
static int pg_has(struct pg_stmt *s, int col)
{
	return s->res && s->row >= 0 && s->row < s->nrows && col >= 0 && col < PQnfields(s->res);
}

static int pgdb_col_is_null(struct db_stmt *d, int col)
{
	struct pg_stmt *s = pg_raw(d);
	return !pg_has(s, col) || PQgetisnull(s->res, s->row, col);
}

/* A bytea value of the current row decoded (freed at the next step). */
static const unsigned char *pg_bytea(struct pg_stmt *s, int col, size_t *n)
{
	size_t len = 0;
	unsigned char *v = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, col),
					   &len);
	*n = 0;
	if (!v)
		return NULL;
	/* a copy with a NUL after it, so a text read of a blob is a string */
	char *t = xmalloc(len + 1);
	memcpy(t, v, len);
	t[len] = '\0';
	PQfreemem(v);
	s->dec = xrealloc(s->dec, ((size_t)s->ndec + 1) * sizeof *s->dec);
	s->dec[s->ndec++] = t;
	*n = len;
	return (const unsigned char *)t;
}

static const char *pgdb_col_text(struct db_stmt *d, int col)
{
	struct pg_stmt *s = pg_raw(d);
	if (!pg_has(s, col) || PQgetisnull(s->res, s->row, col))
		return NULL;
	const char *v = PQgetvalue(s->res, s->row, col);
	switch (PQftype(s->res, col)) {
	case PG_OID_BOOL:
		return v[0] == 't' ? "1" : "0";
	case PG_OID_BYTEA: {
		size_t n;
		return (const char *)pg_bytea(s, col, &n);
	}
	default:
		return v;
	}
}

static const void *pgdb_col_blob(struct db_stmt *d, int col, size_t *n)
{
	struct pg_stmt *s = pg_raw(d);
	*n = 0;
	if (!pg_has(s, col) || PQgetisnull(s->res, s->row, col))
		return NULL;
	if (PQftype(s->res, col) == PG_OID_BYTEA)
		return pg_bytea(s, col, n);
	*n = (size_t)PQgetlength(s->res, s->row, col);
	return PQgetvalue(s->res, s->row, col);
}

static int64_t pgdb_col_int(struct db_stmt *d, int col)
{
	struct pg_stmt *s = pg_raw(d);
	if (!pg_has(s, col) || PQgetisnull(s->res, s->row, col))
		return 0;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (PQftype(s->res, col) == PG_OID_BOOL)
		return v[0] == 't';
	char *end;
	errno = 0;
	long long x = strtoll(v, &end, 10);
	if (*end == '.' || *end == 'e' || *end == 'E' || errno == ERANGE) {
		double f = strtod(v, NULL);
		if (!isfinite(f))
			return 0;
		return f >= 9.2e18 ? INT64_MAX : f <= -9.2e18 ? INT64_MIN : (int64_t)f;
	}
	return x;
}

static double pgdb_col_double(struct db_stmt *d, int col)
{
	struct pg_stmt *s = pg_raw(d);
	if (!pg_has(s, col) || PQgetisnull(s->res, s->row, col))
		return 0;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (PQftype(s->res, col) == PG_OID_BOOL)
		return v[0] == 't';
	return strtod(v, NULL);
}

static void pgdb_finish(struct db_stmt *d)
{
	struct pg_stmt *s = pg_raw(d);
	pg_stmt_clear(s);
	pg_stmt_unbind(s);
	s->in_use = 0;
}

static struct pg_conn *pg_db_conn(struct store *st)
{
	if (st->ops != &store_pg_ops) {
		log_error("db: store backend %s is not postgres", st->ops->name);
		return NULL;
	}
	return pg_conn_get(st->impl);
}

static struct db_stmt *pgdb_prepare(struct store *st, const char *sql)
{
	struct pg_conn *c = pg_db_conn(st);
	struct pg_stmt *s = c ? pg_stmt_get(c, sql) : NULL;
	return s ? &s->base : NULL;
}

static int pgdb_exec(struct store *st, const char *sql)
{
	struct pg_conn *c = pg_db_conn(st);
	if (!c)
		return STORE_ERROR;
	if (PQtransactionStatus(c->db) == PQTRANS_IDLE && pg_conn_alive(c) != 0)
		return STORE_ERROR;
	int rc = pg_run(c, sql);
	if (c->sp)
		c->sp = 2;
	if (PQtransactionStatus(c->db) == PQTRANS_IDLE)
		c->sp = 0;
	return rc;
}

static int pg_begin(struct pg_conn *c, int write)
{
	if (PQtransactionStatus(c->db) != PQTRANS_IDLE || PQstatus(c->db) != CONNECTION_OK) {
		if (PQstatus(c->db) == CONNECTION_OK) {
			log_error("postgres: begin inside a transaction");
			return STORE_ERROR;
		}
		if (pg_conn_alive(c) != 0)
			return STORE_ERROR;
	}
	c->sp = 0;
	c->no_sp = 0;
	char sql[80] = "BEGIN";
	if (write)
		snprintf(sql, sizeof sql, "BEGIN; SELECT pg_advisory_xact_lock(%d)", PG_WRITE_LOCK);
	int rc = pg_run(c, sql);
	if (rc != STORE_OK && PQtransactionStatus(c->db) != PQTRANS_IDLE)
		pg_run(c, "ROLLBACK");
	return rc;
}

/* Commits; a transaction in error (or a commit the server refuses: a
 * deferred foreign key) is rolled back and reported. */
static int pg_end(struct pg_conn *c, int rc)
{
	PGTransactionStatusType t = PQtransactionStatus(c->db);
	c->sp = 0;
	if (t == PQTRANS_IDLE)
		return rc == STORE_OK ? STORE_ERROR : rc; /* nothing to commit */
	if (rc == STORE_OK && t == PQTRANS_INTRANS) {
		PGresult *res = PQexec(c->db, "COMMIT");
		int ok = PQresultStatus(res) == PGRES_COMMAND_OK &&
			 strcmp(PQcmdStatus(res), "COMMIT") == 0;
		if (!ok)
			rc = PQresultStatus(res) == PGRES_COMMAND_OK ? STORE_ERROR
								     : pg_err(c, res, "commit");
		PQclear(res);
		if (ok)
			return STORE_OK;
	} else if (rc == STORE_OK) {
		log_error("postgres: commit of a failed transaction");
		rc = STORE_ERROR;
	}
	if (PQtransactionStatus(c->db) != PQTRANS_IDLE)
		pg_run(c, "ROLLBACK");
	return rc;
}

static int pgdb_begin(struct store *st)
{
	struct pg_conn *c = pg_db_conn(st);
	return c ? pg_begin(c, 0) : STORE_ERROR;
}

static int pgdb_begin_write(struct store *st)
{
	struct pg_conn *c = pg_db_conn(st);
	return c ? pg_begin(c, 1) : STORE_ERROR;
}

static int pgdb_commit(struct store *st)
{
	struct pg_conn *c = pg_db_conn(st);
	return c ? pg_end(c, STORE_OK) : STORE_ERROR;
}

static int pgdb_rollback(struct store *st)
{
	struct pg_conn *c = pg_db_conn(st);
	if (!c)
		return STORE_ERROR;
	c->sp = 0;
	if (PQtransactionStatus(c->db) != PQTRANS_IDLE)
		pg_run(c, "ROLLBACK");
	return STORE_OK;
}

static void pgdb_no_savepoints(struct store *st)
{
	struct pg_conn *c = pg_db_conn(st);
	if (c && PQtransactionStatus(c->db) == PQTRANS_INTRANS)
		c->no_sp = 1;
}

static int64_t pgdb_changes(struct store *st)
{
	struct pg_conn *c = pg_db_conn(st);
	return c ? c->changes : 0;
}

/* db_copy_*: COPY ... FROM STDIN behind a savepoint, like any write (a
 * failed copy undoes only itself). The handle is the connection. */
static void *pgdb_copy_begin(struct store *st, const char *sql)
{
	struct pg_conn *c = pg_db_conn(st);
	if (!c)
		return NULL;
	if (PQtransactionStatus(c->db) != PQTRANS_INTRANS) {
		log_error("postgres: copy outside a transaction");
		return NULL;
	}
	if (pg_sp_set(c) != STORE_OK)
		return NULL;
	PGresult *res = PQexec(c->db, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		pg_err(c, res, sql);
		PQclear(res);
		if (c->sp && PQtransactionStatus(c->db) == PQTRANS_INERROR)
			c->sp = pg_run(c, "ROLLBACK TO SAVEPOINT pccc_stmt") == STORE_OK;
		return NULL;
	}
	PQclear(res);
	return c;
}

static int pgdb_copy_put(void *h, const char *data, size_t n)
{
	struct pg_conn *c = h;
	if (n > INT_MAX || PQputCopyData(c->db, data, (int)n) != 1) {
		log_error("postgres: copy: %s", PQerrorMessage(c->db));
		return STORE_ERROR;
	}
	return STORE_OK;
}

/* "(col)=(value)" of a duplicate key's detail ("Key (id)=(X) already
 * exists."), or "". */
static void pg_dup_key(const PGresult *res, char *key, size_t keylen)
{
	const char *d = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *a = d ? strchr(d, '(') : NULL;
	const char *b = a ? strstr(a, ") already exists") : NULL;
	if (b && keylen)
		snprintf(key, keylen, "%.*s", (int)(b + 1 - a), a);
}

static int pgdb_copy_end(void *h, int ok, char *key, size_t keylen)
{
	struct pg_conn *c = h;
	int rc = STORE_OK;
	PGresult *res;

	if (PQputCopyEnd(c->db, ok ? NULL : "pccc: copy cancelled") != 1) {
		log_error("postgres: copy end: %s", PQerrorMessage(c->db));
		rc = STORE_ERROR;
	}
	while ((res = PQgetResult(c->db)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == STORE_OK) {
			if (ok) {
				rc = pg_err(c, res, "copy");
				if (rc == STORE_CONFLICT)
					pg_dup_key(res, key, keylen);
			} else {
				rc = STORE_ERROR;
			}
		} else if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			c->changes = strtoll(PQcmdTuples(res), NULL, 10);
		}
		PQclear(res);
	}
	if (!ok && rc == STORE_OK)
		rc = STORE_ERROR;
	if (rc != STORE_OK && c->sp && PQtransactionStatus(c->db) == PQTRANS_INERROR)
		c->sp = pg_run(c, "ROLLBACK TO SAVEPOINT pccc_stmt") == STORE_OK;
	else if (rc == STORE_OK && c->sp)
		c->sp = 2;
	return rc;
}

static const struct db_ops pg_db_ops = {
	.prepare = pgdb_prepare,
	.bind_text = pgdb_bind_text,
	.bind_blob = pgdb_bind_blob,
	.bind_int = pgdb_bind_int,
	.bind_double = pgdb_bind_double,
	.bind_null = pgdb_bind_null,
	.step = pgdb_step,
	.col_count = pgdb_col_count,
	.col_name = pgdb_col_name,
	.col_is_null = pgdb_col_is_null,
	.col_text = pgdb_col_text,
	.col_blob = pgdb_col_blob,
	.col_int = pgdb_col_int,
	.col_double = pgdb_col_double,
	.finish = pgdb_finish,
	.exec = pgdb_exec,
	.begin = pgdb_begin,
	.begin_write = pgdb_begin_write,
	.commit = pgdb_commit,
	.rollback = pgdb_rollback,
	.changes = pgdb_changes,
	.no_savepoints = pgdb_no_savepoints,
	.copy_begin = pgdb_copy_begin,
	.copy_put = pgdb_copy_put,
	.copy_end = pgdb_copy_end,
};

/* ---- migrations and meta -------------------------------------------- */

/* SQLite's json_each over an array, as the scope filters use it
 * ("unit IN (SELECT value FROM json_each($n))"); the built-in json_each
 * takes json objects, this one text holding an array. */
static const char pg_compat_sql[] =
	"CREATE OR REPLACE FUNCTION json_each(text) RETURNS TABLE (value text)"
	" LANGUAGE sql IMMUTABLE PARALLEL SAFE AS"
	" $$ SELECT json_array_elements_text($1::json) $$";

/* The address search's words (store_house_list: those of the folded
 * address, as FTS5 has them on SQLite, and "u" + the commune code) in a
 * stored column, so that a search walking the newest houses first tests
 * each row without parsing its address again, and their GIN index; the
 * houses of a commune newest first (unit, serial) for a search bound to
 * it. The
 * trigram index of earlier versions goes (it answered substring LIKEs, no
 * longer asked, and cost an import 4 s per 200,000 houses to build). */
static const char pg_extras_sql[] =
	"ALTER TABLE houses ADD COLUMN IF NOT EXISTS search_words tsvector GENERATED ALWAYS AS"
	" (to_tsvector('simple', address_folded || ' u' || unit)) STORED;"
	"CREATE INDEX IF NOT EXISTS houses_search_words ON houses USING gin (search_words);"
	"CREATE INDEX IF NOT EXISTS houses_unit_serial ON houses (unit, serial);"
	"ALTER TABLE houses DROP COLUMN IF EXISTS address_words;"
	"DROP INDEX IF EXISTS houses_address_trgm";

/* The migration text as PostgreSQL runs it (see the top of the file). */
static char *pg_migration_text(const char *sql)
{
	struct buf b = {0};
	int block = 0; /* 1 inside "begin sqlite", 2 inside "begin postgres" */
	const char *line = sql;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *p = line;
		while (p < line + len && (*p == ' ' || *p == '\t'))
			p++;
		size_t rest = len - (size_t)(p - line);
		if (rest >= 15 && strncmp(p, "-- begin sqlite", 15) == 0) {
			block = 1;
		} else if (rest >= 17 && strncmp(p, "-- begin postgres", 17) == 0) {
			block = 2;
		} else if (rest >= 6 && strncmp(p, "-- end", 6) == 0 && block) {
			block = 0;
		} else if (block == 2) {
			if (rest >= 3 && strncmp(p, "-- ", 3) == 0)
				buf_append(&b, p + 3, rest - 3);
			else if (rest >= 2 && strncmp(p, "--", 2) == 0)
				buf_append(&b, p + 2, rest - 2);
			else
				buf_append(&b, line, len);
			buf_putc(&b, '\n');
		} else if (block == 0) {
			/* SQLite's rowid alias: an identity column here */
			const char *k = "INTEGER PRIMARY KEY";
			const char *hit = NULL;
			for (const char *q = line; q + 19 <= line + len; q++) {
				if (strncmp(q, "--", 2) == 0)
					break;
				if (strncmp(q, k, 19) == 0) {
					hit = q;
					break;
				}
			}
			if (hit) {
				buf_append(&b, line, (size_t)(hit - line));
				buf_puts(&b, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
				buf_append(&b, hit + 19, len - (size_t)(hit + 19 - line));
			} else {
				buf_append(&b, line, len);
			}
			buf_putc(&b, '\n');
		}
		line = nl ? nl + 1 : line + len;
	}
	return buf_take(&b);
}

static int pg_migrate(void *arg, const struct store_migration *list, size_t n, int *applied)
{
	struct pg_impl *im = arg;
	struct store *st = &im->shim;
	struct pg_conn *c = pg_conn_get(im);
	int rc;

	if (!c)
		return STORE_ERROR;
	/* one migrating process at a time (several nodes may start at once) */
	if ((rc = pg_begin(c, 1)) != STORE_OK)
		return rc;
	rc = pg_run(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
		       "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
		       "applied_at BIGINT NOT NULL)");
	if (rc == STORE_OK)
		rc = pg_run(c, pg_compat_sql);
	if ((rc = pg_end(c, rc)) != STORE_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = pg_begin(c, 1)) != STORE_OK)
			return rc;
		struct db_stmt *s = db_prepare(st, "SELECT 1 FROM schema_migrations WHERE version = $1");
		if (!s) {
			pg_end(c, STORE_ERROR);
			return STORE_ERROR;
		}
		db_bind_int(s, 1, list[i].version);
		int step = db_step(s);
		db_finish(s);
		if (step == DB_ROW) {
			pg_end(c, STORE_OK);
			continue;
		}
		if (step != DB_DONE) {
			pg_end(c, STORE_ERROR);
			return STORE_ERROR;
		}
		char *text = pg_migration_text(list[i].sql);
		PGresult *res = PQexec(c->db, text);
		free(text);
		if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK &&
		    PQresultStatus(res) != PGRES_EMPTY_QUERY) {
			const char *msg = PQresultErrorMessage(res);
			log_error("postgres: migration %s: %s", list[i].name, msg ? msg : "?");
			PQclear(res);
			pg_end(c, STORE_ERROR);
			return STORE_ERROR;
		}
		PQclear(res);
		s = db_prepare(st, "INSERT INTO schema_migrations (version, name, applied_at) "
				   "VALUES ($1, $2, $3)");
		if (!s) {
			pg_end(c, STORE_ERROR);
			return STORE_ERROR;
		}
		db_bind_int(s, 1, list[i].version);
		db_bind_text(s, 2, list[i].name);
		db_bind_int(s, 3, clock_now_s());
		step = db_step(s);
		db_finish(s);
		if ((rc = pg_end(c, step == DB_DONE ? STORE_OK : step < 0 ? step : STORE_ERROR)) !=
		    STORE_OK)
			return rc;
		if (applied)
			(*applied)++;
		log_info("store: applied migration %s", list[i].name);
	}
	if (pg_run(c, pg_extras_sql) != STORE_OK)
		log_warn("postgres: no index for the address search (it scans instead)");
	if (PQtransactionStatus(c->db) != PQTRANS_IDLE)
		pg_run(c, "ROLLBACK");
	return STORE_OK;
}

static int pg_meta_get(void *arg, const char *key, char **out)
{
	struct store *st = &((struct pg_impl *)arg)->shim;
	struct db_stmt *s = db_prepare(st, "SELECT value FROM meta WHERE key = $1");

	*out = NULL;
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, key);
	int rc = db_step(s);
	if (rc == DB_ROW && db_col_text(s, 0))
		*out = xstrdup(db_col_text(s, 0));
	db_finish(s);
	return rc == DB_ROW || rc == DB_DONE ? STORE_OK : rc;
}

static int pg_meta_put(struct store *st, const char *key, const char *value)
{
	struct db_stmt *s = db_prepare(st, "INSERT INTO meta (key, value) VALUES ($1, $2) "
					   "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, key);
	db_bind_text(s, 2, value);
	int rc = db_step(s);
	db_finish(s);
	return rc == DB_DONE ? STORE_OK : rc < 0 ? rc : STORE_ERROR;
}

static int pg_meta_set(void *arg, const char *key, const char *value)
{
	return pg_meta_put(&((struct pg_impl *)arg)->shim, key, value);
}

const struct store_ops store_pg_ops = {
	.name = "postgres",
	.db = &pg_db_ops,
	.open = pg_open,
	.close = pg_close,
	.migrate = pg_migrate,
	.meta_get = pg_meta_get,
	.meta_set = pg_meta_set,
};
