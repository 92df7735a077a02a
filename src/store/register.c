/* The register's store (see register.h): houses, residents, facilities,
 * inspections and enforcement, written once with the statement layer.
 *
 * Scope: single records are read with their commune and province and
 * checked with scope_allows_house / scope_allows_facility (a miss is
 * STORE_NOT_FOUND); lists add "unit IN (SELECT value FROM json_each($n))"
 * from store_scope_units_json, or the caller's own house/facility id.
 *
 * Addresses: address_folded = the words of fold_text(address line + the
 * commune's 2025 name + the names of the legacy communes and districts it
 * came from), each word once; the names cached per commune. On SQLite an
 * FTS5 external-content index over it (keyed by houses.serial) is created
 * on first use with its triggers, and houses_terms lists the words of each
 * commune (see "search words and terms"); other backends search with LIKE
 * per word.
 *
 * IDs: houses get houseid_make(serial) with serials from register_seq;
 * facilities "CS" + 7 digits; other records integer ids from register_seq.
 * Writes run in one transaction each; imports in one for all rows (or in
 * the caller's bulk transaction, see store_register_begin_bulk). */
#include "store/register.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/pii.h"
#include "auth/roles.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/fold.h"
#include "core/log.h"
#include "register/compliance.h"
#include "register/facility.h"
#include "register/house.h"
#include "register/houseid.h"
#include "store/db.h"
#include "store/scope.h"

static _Thread_local int in_bulk;
/* 1 while this thread's write transaction has the FTS insert trigger
 * dropped: house_insert then fills houses_fts itself (see fts_pause). */
static _Thread_local int fts_paused;

/* ---- small helpers ------------------------------------------------------ */

struct qb {
	struct buf sql;
	struct {
		int is_int;
		long long i;
		const char *s;
	} a[48];
	int n;
	int page_limit; /* > 0: qb_prepare adds LIMIT page_limit + 1 */
	char small[4][16]; /* copies of short values (qb_small) */
	int nsmall;
};

static void qb_text(struct qb *q, const char *s)
{
	q->a[q->n].is_int = 0;
	q->a[q->n].s = s;
	q->n++;
	buf_printf(&q->sql, "$%d", q->n);
}

/* qb_text of a short value the caller does not keep (a commune code). */
static void qb_small(struct qb *q, const char *s)
{
	char *d = q->small[q->nsmall++];
	snprintf(d, sizeof q->small[0], "%s", s);
	qb_text(q, d);
}

static void qb_int(struct qb *q, long long v)
{
	q->a[q->n].is_int = 1;
	q->a[q->n].i = v;
	q->n++;
	buf_printf(&q->sql, "$%d", q->n);
}

static struct db_stmt *qb_prepare(struct store *st, struct qb *q)
{
	if (q->page_limit > 0) {
		/* one row more than the page: its presence means a next page */
		buf_puts(&q->sql, " LIMIT ");
		qb_int(q, q->page_limit + 1);
		q->page_limit = 0;
	}
	struct db_stmt *s = db_prepare(st, buf_str(&q->sql));
	if (!s)
		return NULL;
	for (int i = 0; i < q->n; i++) {
		if (q->a[i].is_int)
			db_bind_int(s, i + 1, q->a[i].i);
		else
			db_bind_text(s, i + 1, q->a[i].s);
	}
	return s;
}

static int tx_begin(struct store *st)
{
	return in_bulk ? STORE_OK : db_begin_write(st);
}

static int tx_end(struct store *st, int rc)
{
	if (in_bulk)
		return rc;
	if (rc == STORE_OK)
		return db_commit(st);
	db_rollback(st);
	return rc;
}

static int register_sqlite_extras(struct store *st);
static int terms_fill(struct store *st);
static int fts_pause(struct store *st);
static int fts_resume(struct store *st, int ok);

/* SQLite: a large page cache while a bulk write runs (houses are keyed by
 * scrambled IDs, so their inserts touch pages all over the B-trees), the
 * default again after. Only this thread's connection. */
static void bulk_cache_rows(struct store *st, int on, size_t rows)
{
	if (in_bulk || strcmp(db_backend(st), "sqlite") != 0)
		return;
	/* ~2 KiB of cache per imported house (row, indexes and address
	 * index pages stay in memory until the commit), 64 MiB to 1 GiB */
	long long kib = (long long)rows * 2;
	kib = kib < 65536 ? 65536 : kib > 1048576 ? 1048576 : kib;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size = -%lld", on ? kib : 2000LL);
	db_exec(st, sql);
}

static void bulk_cache(struct store *st, int on)
{
	bulk_cache_rows(st, on, 131072);
}

int store_register_begin_bulk(struct store *st)
{
	bulk_cache(st, 1);
	int rc = register_sqlite_extras(st);
	if (rc == STORE_OK)
		rc = db_begin_write(st);
	if (rc == STORE_OK && (rc = fts_pause(st)) != STORE_OK)
		db_rollback(st);
	if (rc == STORE_OK)
		in_bulk = 1;
	return rc;
}

int store_register_end_bulk(struct store *st, int ok)
{
	int rc = STORE_OK;
	in_bulk = 0;
	if (ok && fts_resume(st, 1) != STORE_OK) {
		ok = 0;
		rc = STORE_ERROR;
	}
	fts_paused = 0;
	if (ok)
		rc = db_commit(st);
	else
		db_rollback(st);
	bulk_cache(st, 0);
	return rc;
}

int store_register_count(struct store *st, const char *table, long long *n)
{
	const char *sql = strcmp(table, "houses") == 0	       ? "SELECT count(*) FROM houses"
			  : strcmp(table, "facilities") == 0 ? "SELECT count(*) FROM facilities"
							     : "SELECT count(*) FROM residents";
	struct db_stmt *s = db_prepare(st, sql);
	if (!s)
		return STORE_ERROR;
	int rc = db_step(s);
	*n = rc == DB_ROW ? db_col_int(s, 0) : 0;
	db_finish(s);
	return rc == DB_ROW ? STORE_OK : STORE_ERROR;
}

/* Takes n values of counter name; *first is the first. In a transaction. */
static int seq_take(struct store *st, const char *name, long long n, long long *first)
{
	struct db_stmt *s = db_prepare(st, "INSERT INTO register_seq (name, value) VALUES ($1, 0) "
					   "ON CONFLICT (name) DO NOTHING");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, name);
	int rc = db_step(s);
	db_finish(s);
	if (rc < 0)
		return rc;
	s = db_prepare(st, "UPDATE register_seq SET value = value + $2 WHERE name = $1 "
			   "RETURNING value");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, name);
	db_bind_int(s, 2, n);
	rc = db_step(s);
	if (rc == DB_ROW)
		*first = db_col_int(s, 0) - n + 1;
	db_finish(s);
	return rc == DB_ROW ? STORE_OK : rc < 0 ? rc : STORE_ERROR;
}

static const char *json_str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ---- communes: province and folded search names (cached) ------------------ */

struct unit_cache_entry {
	const struct store *st;
	char unit[8];
	char province[4];
	char *names;       /* folded names: 2025 + legacy commune + legacy district */
	char *name;        /* the 2025 name, as written */
};

#define UNIT_CACHE 4096
#define UNIT_PROBE 16
static struct unit_cache_entry unit_cache[UNIT_CACHE];
static pthread_mutex_t unit_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned unit_hash(const char *u)
{
	unsigned h = 2166136261u;
	for (; *u; u++)
		h = (h ^ (unsigned char)*u) * 16777619u;
	return h % UNIT_CACHE;
}

/* Province, folded search names and 2025 name of a commune. The strings
 * are copied into the out buffers/heap. STORE_NOT_FOUND: not a 2025 commune. */
static int unit_info(struct store *st, const char *unit, char province[4], char **names,
		     char **name)
{
	unsigned h = unit_hash(unit);
	pthread_mutex_lock(&unit_cache_lock);
	/* linear probing over UNIT_PROBE slots: two communes whose hashes
	 * collide must not evict each other on every row of an import */
	for (unsigned p = 0; p < UNIT_PROBE; p++) {
		struct unit_cache_entry *e = &unit_cache[(h + p) % UNIT_CACHE];
		if (!e->st)
			break;
		if (e->st == st && strcmp(e->unit, unit) == 0) {
			memcpy(province, e->province, 4);
			if (names)
				*names = xstrdup(e->names);
			if (name)
				*name = xstrdup(e->name);
			pthread_mutex_unlock(&unit_cache_lock);
			return STORE_OK;
		}
	}
	pthread_mutex_unlock(&unit_cache_lock);

	struct db_stmt *s = db_prepare(st, "SELECT parent, name FROM units WHERE scheme = '2025' "
					   "AND level = 'commune' AND code = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, unit);
	int rc = db_step(s);
	if (rc != DB_ROW) {
		db_finish(s);
		return rc == DB_DONE ? STORE_NOT_FOUND : rc;
	}
	char prov[4] = "";
	snprintf(prov, sizeof prov, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
	char *uname = xstrdup(db_col_text(s, 1));
	db_finish(s);

	struct buf b = {0};
	fold_text(uname, strlen(uname), &b);
	/* IN (subquery) rather than a join: SQLite otherwise scans every
	 * legacy unit for each commune */
	s = db_prepare(st, "SELECT l.name, d.name FROM units l "
			   "LEFT JOIN units d ON d.scheme = 'legacy' AND d.code = l.parent "
			   "WHERE l.scheme = 'legacy' AND l.code IN (SELECT legacy_code FROM "
			   "unit_successors WHERE new_code = $1) ORDER BY l.code");
	if (!s) {
		buf_free(&b);
		free(uname);
		return STORE_ERROR;
	}
	db_bind_text(s, 1, unit);
	while ((rc = db_step(s)) == DB_ROW) {
		for (int c = 0; c < 2; c++) {
			const char *n = db_col_text(s, c);
			if (!n)
				continue;
			char *f = fold_dup(n);
			if (!strstr(buf_str(&b), f)) {
				buf_putc(&b, ' ');
				buf_puts(&b, f);
			}
			free(f);
		}
	}
	db_finish(s);
	if (rc != DB_DONE) {
		buf_free(&b);
		free(uname);
		return rc;
	}
	char *folded = buf_take(&b);
	pthread_mutex_lock(&unit_cache_lock);
	struct unit_cache_entry *e = &unit_cache[h];
	for (unsigned p = 0; p < UNIT_PROBE; p++) {
		struct unit_cache_entry *c = &unit_cache[(h + p) % UNIT_CACHE];
		if (!c->st || (c->st == st && strcmp(c->unit, unit) == 0)) {
			e = c;
			break;
		}
	}
	free(e->names);
	free(e->name);
	e->st = st;
	snprintf(e->unit, sizeof e->unit, "%s", unit);
	memcpy(e->province, prov, 4);
	e->names = xstrdup(folded);
	e->name = xstrdup(uname);
	pthread_mutex_unlock(&unit_cache_lock);
	memcpy(province, prov, 4);
	if (names)
		*names = folded;
	else
		free(folded);
	if (name)
		*name = uname;
	else
		free(uname);
	return STORE_OK;
}

/* ---- SQLite extras: the FTS5 address index -------------------------------- */

/* houses_fts indexes two columns of houses: the folded address and the
 * commune code, so a search within a few communes is narrowed inside the
 * index ("address_folded : (...) AND unit : (...)") instead of row by
 * row. FTS_VERSION_MARK identifies this layout in sqlite_master: an
 * older single-column index is dropped and rebuilt at first use. */
#define FTS_VERSION_MARK "address_folded, unit,"
#define FTS_TRIGGER_AI                                                                     \
	"CREATE TRIGGER IF NOT EXISTS houses_fts_ai AFTER INSERT ON houses BEGIN"           \
	" INSERT INTO houses_fts (rowid, address_folded, unit)"                            \
	" VALUES (new.serial, new.address_folded, new.unit); END"

/* houses_terms: see "search words and terms" below. */
#define TERMS_TABLE                                                                         \
	"CREATE TABLE IF NOT EXISTS houses_terms (term TEXT NOT NULL, unit TEXT NOT NULL,"  \
	" PRIMARY KEY (term, unit)) WITHOUT ROWID"

static const struct store *fts_ready_for;
static pthread_mutex_t fts_lock = PTHREAD_MUTEX_INITIALIZER;

static int is_sqlite(struct store *st)
{
	return strcmp(db_backend(st), "sqlite") == 0;
}

/* Creates houses_fts and its triggers when missing (rebuilding it from
 * the houses already there). Idempotent; cheap after the first call. */
static int register_sqlite_extras(struct store *st)
{
	if (!is_sqlite(st))
		return STORE_OK;
	pthread_mutex_lock(&fts_lock);
	if (fts_ready_for == st) {
		pthread_mutex_unlock(&fts_lock);
		return STORE_OK;
	}
	int rc = STORE_OK;
	struct db_stmt *s = db_prepare(st, "SELECT 1 FROM sqlite_master WHERE name = 'houses_fts'");
	if (!s) {
		rc = STORE_ERROR;
		goto out;
	}
	int exists = db_step(s) == DB_ROW;
	db_finish(s);
	if (exists) {
		s = db_prepare(st, "SELECT 1 FROM sqlite_master WHERE name = 'houses_fts' AND "
				   "instr(sql, '" FTS_VERSION_MARK "') > 0");
		if (!s) {
			rc = STORE_ERROR;
			goto out;
		}
		int current = db_step(s) == DB_ROW;
		db_finish(s);
		if (!current) {
			log_info("store: rebuilding the address search index (houses_fts)");
			rc = db_exec(st, "BEGIN IMMEDIATE;"
					 "DROP TRIGGER IF EXISTS houses_fts_ai;"
					 "DROP TRIGGER IF EXISTS houses_fts_ad;"
					 "DROP TRIGGER IF EXISTS houses_fts_au;"
					 "DROP TABLE houses_fts;"
					 "COMMIT;");
			if (rc != STORE_OK) {
				db_rollback(st);
				goto out;
			}
			exists = 0;
		}
	}
	if (!exists) {
		rc = db_exec(st,
			     "BEGIN IMMEDIATE;"
			     "CREATE VIRTUAL TABLE IF NOT EXISTS houses_fts USING fts5("
			     " " FTS_VERSION_MARK " content='houses', content_rowid='serial',"
			     " tokenize='unicode61 remove_diacritics 0');"
			     FTS_TRIGGER_AI ";"
			     "CREATE TRIGGER IF NOT EXISTS houses_fts_ad AFTER DELETE ON houses BEGIN"
			     " INSERT INTO houses_fts (houses_fts, rowid, address_folded, unit)"
			     " VALUES ('delete', old.serial, old.address_folded, old.unit); END;"
			     "CREATE TRIGGER IF NOT EXISTS houses_fts_au AFTER UPDATE OF"
			     " address_folded, unit ON houses BEGIN"
			     " INSERT INTO houses_fts (houses_fts, rowid, address_folded, unit)"
			     " VALUES ('delete', old.serial, old.address_folded, old.unit);"
			     " INSERT INTO houses_fts (rowid, address_folded, unit)"
			     " VALUES (new.serial, new.address_folded, new.unit); END;"
			     "INSERT INTO houses_fts (houses_fts) VALUES ('rebuild');"
			     "COMMIT;");
		if (rc != STORE_OK)
			db_rollback(st);
	}
	if (rc == STORE_OK) {
		s = db_prepare(st, "SELECT 1 FROM sqlite_master WHERE name = 'houses_terms'");
		if (!s) {
			rc = STORE_ERROR;
			goto out;
		}
		int have_terms = db_step(s) == DB_ROW;
		db_finish(s);
		if (!have_terms) {
			rc = db_exec(st, "BEGIN IMMEDIATE;" TERMS_TABLE ";");
			if (rc == STORE_OK)
				rc = terms_fill(st);
			if (rc == STORE_OK)
				rc = db_commit(st);
			else
				db_rollback(st);
		}
	}
out:
	if (rc == STORE_OK)
		fts_ready_for = st;
	pthread_mutex_unlock(&fts_lock);
	return rc;
}

/* Bulk writes, in the writer's transaction: an INSERT that fires a trigger
 * into the FTS5 table makes SQLite keep a statement journal (a copy of
 * every page the statement touches, written to a temporary file) for each
 * row, which cost ~20 page writes a row. With the insert trigger dropped,
 * house_insert writes the row and its index entry as two single-row
 * statements that need none; fts_resume puts the trigger back before the
 * commit (a rollback restores it anyway). */
static int fts_pause(struct store *st)
{
	if (!is_sqlite(st) || fts_paused)
		return STORE_OK;
	int rc = db_exec(st, "DROP TRIGGER IF EXISTS houses_fts_ai");
	if (rc == STORE_OK)
		fts_paused = 1;
	return rc;
}

static int fts_resume(struct store *st, int ok)
{
	if (!fts_paused)
		return STORE_OK;
	fts_paused = 0;
	return ok ? db_exec(st, FTS_TRIGGER_AI) : STORE_OK;
}

static int fts_insert(struct store *st, long long serial, const char *folded, const char *unit)
{
	struct db_stmt *s = db_prepare(st, "INSERT INTO houses_fts (rowid, address_folded, unit) "
					   "VALUES ($1, $2, $3)");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, serial);
	db_bind_text(s, 2, folded);
	db_bind_text(s, 3, unit);
	int rc = db_step(s);
	db_finish(s);
	return rc == DB_DONE ? STORE_OK : rc < 0 ? rc : STORE_ERROR;
}

/* ---- search words and terms -------------------------------------------------- */

/* Folded text (core/fold.h) is words of letters and digits separated by
 * single spaces, exactly the tokens FTS5's unicode61 tokenizer sees. The
 * search text of a house is the set of its words: each word once. */
static int word_in(const char *hay, size_t hlen, const char *w, size_t n)
{
	const char *p = hay, *end = hay + hlen;
	while (p < end) {
		const char *s = p;
		while (p < end && *p != ' ')
			p++;
		if ((size_t)(p - s) == n && *s == *w && memcmp(s, w, n) == 0)
			return 1;
		p++;
	}
	return 0;
}

/* The next word of folded text from *p: returns its start with its length
 * in *n (0 past the last word) and moves *p to its end. */
static const char *word_next(const char **p, size_t *n)
{
	const char *s = *p;
	while (*s == ' ')
		s++;
	const char *e = s;
	while (*e && *e != ' ')
		e++;
	*n = (size_t)(e - s);
	*p = e;
	return s;
}

/* Appends the words of folded text to b, leaving out those the first
 * `seen` bytes of b hold (all of b when seen is (size_t)-1). */
static void words_append_seen(struct buf *b, const char *text, size_t seen)
{
	const char *p = text;
	for (;;) {
		size_t n;
		const char *s = word_next(&p, &n);
		if (!n)
			break;
		if (!b->len || !word_in(b->data, seen < b->len ? seen : b->len, s, n)) {
			if (b->len)
				buf_putc(b, ' ');
			buf_append(b, s, n);
		}
	}
}

static void words_append(struct buf *b, const char *text)
{
	words_append_seen(b, text, (size_t)-1);
}

/* houses_terms (SQLite, beside houses_fts): every (word, commune) pair the
 * search texts hold. A search reads it to turn the prefix of its last word
 * into the few whole words it stands for (FTS5 would otherwise merge the
 * doclists of all those words city-wide before returning a row), and, in
 * one commune, to answer at once when a word occurs in none of its houses
 * and to leave out words every house of the commune has (its names). Kept
 * by every write of houses in this file; words are never removed (a word
 * left over costs one empty doclist). */

/* A set of "unit word" keys (open addressing). */
struct termset {
	char **keys;
	size_t n, cap;
};

static uint64_t term_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static void termset_put(struct termset *t, const char *key, size_t n)
{
	if ((t->n + 1) * 2 > t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 1024;
		char **nk = xcalloc(ncap, sizeof *nk);
		for (size_t i = 0; i < t->cap; i++) {
			if (!t->keys[i])
				continue;
			size_t j = term_hash(t->keys[i], strlen(t->keys[i])) & (ncap - 1);
			while (nk[j])
				j = (j + 1) & (ncap - 1);
			nk[j] = t->keys[i];
		}
		free(t->keys);
		t->keys = nk;
		t->cap = ncap;
	}
	size_t j = term_hash(key, n) & (t->cap - 1);
	while (t->keys[j]) {
		if (strncmp(t->keys[j], key, n) == 0 && t->keys[j][n] == '\0')
			return;
		j = (j + 1) & (t->cap - 1);
	}
	t->keys[j] = xstrndup(key, n);
	t->n++;
}

/* Adds the words of a folded search text of a house of unit. */
static void termset_add_text(struct termset *t, const char *unit, const char *folded)
{
	char key[256];
	size_t ul = strlen(unit);
	const char *p = folded;
	if (ul > 16)
		return;
	memcpy(key, unit, ul);
	key[ul] = ' ';
	for (;;) {
		size_t n;
		const char *s = word_next(&p, &n);
		if (!n)
			break;
		if (ul + 1 + n < sizeof key) {
			memcpy(key + ul + 1, s, n);
			termset_put(t, key, ul + 1 + n);
		} else {
			char *k = xasprintf("%s %.*s", unit, (int)n, s);
			termset_put(t, k, strlen(k));
			free(k);
		}
	}
}

static void termset_free(struct termset *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->keys[i]);
	free(t->keys);
	memset(t, 0, sizeof *t);
}

/* Writes the set into houses_terms (SQLite only), in one statement over
 * a JSON array of its "unit word" keys. In a transaction. */
static int termset_flush(struct store *st, struct termset *t)
{
	if (!is_sqlite(st) || !t->n)
		return STORE_OK;
	json_t *a = json_array();
	for (size_t i = 0; i < t->cap; i++)
		if (t->keys[i])
			json_array_append_new(a, json_string(t->keys[i]));
	char *text = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	struct db_stmt *s = text ? db_prepare(st, "INSERT INTO houses_terms (term, unit) "
						  "SELECT substr(value, instr(value, ' ') + 1), "
						  "substr(value, 1, instr(value, ' ') - 1) "
						  "FROM json_each($1) WHERE true ORDER BY 1, 2 "
						  "ON CONFLICT DO NOTHING")
				 : NULL;
	if (!s) {
		free(text);
		return STORE_ERROR;
	}
	db_bind_text(s, 1, text);
	int rc = db_step(s);
	db_finish(s);
	free(text);
	return rc == DB_DONE ? STORE_OK : rc < 0 ? rc : STORE_ERROR;
}

/* The words of one house's search text (create, update). */
static int terms_put_text(struct store *st, const char *unit, const char *folded)
{
	struct termset t = {0};
	termset_add_text(&t, unit, folded);
	int rc = termset_flush(st, &t);
	termset_free(&t);
	return rc;
}

/* Fills houses_terms from the houses already there (first use). */
static int terms_fill(struct store *st)
{
	struct termset t = {0};
	struct db_stmt *s = db_prepare(st, "SELECT unit, address_folded FROM houses");
	int rc;
	if (!s)
		return STORE_ERROR;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *u = db_col_text(s, 0), *f = db_col_text(s, 1);
		if (u && f)
			termset_add_text(&t, u, f);
	}
	db_finish(s);
	rc = rc == DB_DONE ? termset_flush(st, &t) : rc < 0 ? rc : STORE_ERROR;
	termset_free(&t);
	return rc;
}

/* ---- rows → JSON ------------------------------------------------------------ */

enum colk { CK_TEXT, CK_INT, CK_REAL, CK_BOOL, CK_JSON, CK_TIME, CK_HIDE };

static const struct {
	const char *name;
	enum colk k;
} extra_cols[] = {
	{"serial", CK_HIDE},       {"address_folded", CK_HIDE}, {"name_folded", CK_HIDE},
	{"search_words", CK_HIDE}, /* PostgreSQL: the search's words (pg.c) */
	{"version", CK_INT},
	{"cccd_enc", CK_HIDE},     {"cccd_bidx", CK_HIDE},      {"phone_enc", CK_HIDE},
	{"phone_bidx", CK_HIDE},   {"created_at", CK_TIME},     {"updated_at", CK_TIME},
	{"failing_items", CK_JSON}, {"results", CK_JSON},       {"paid", CK_BOOL},
	{"amount", CK_INT},        {"deaths", CK_INT},          {"injuries", CK_INT},
	{"damage_vnd", CK_INT},    {"inspection_id", CK_INT},   {"household_id", CK_INT},
	{"birth_year", CK_INT},    {"lat", CK_REAL},            {"lon", CK_REAL},
	{"record_seq", CK_INT},    {"record_year", CK_INT},
};

static enum colk col_kind(const char *name, const struct rec_field *defs, int int_id)
{
	if (int_id && strcmp(name, "id") == 0)
		return CK_INT;
	for (size_t i = 0; i < sizeof extra_cols / sizeof extra_cols[0]; i++)
		if (strcmp(extra_cols[i].name, name) == 0)
			return extra_cols[i].k;
	const struct rec_field *f = defs ? rec_find(defs, name) : NULL;
	if (!f)
		return CK_TEXT;
	switch (f->kind) {
	case REC_INT:
		return CK_INT;
	case REC_REAL:
		return CK_REAL;
	case REC_BOOL:
		return CK_BOOL;
	case REC_PHONES:
	case REC_LIST:
	case REC_DOC:
		return CK_JSON;
	default:
		return CK_TEXT;
	}
}

static json_t *row_json(struct db_stmt *s, const struct rec_field *defs, int int_id)
{
	json_t *o = json_object();
	int n = db_col_count(s);
	for (int i = 0; i < n; i++) {
		const char *name = db_col_name(s, i);
		enum colk k = col_kind(name, defs, int_id);
		json_t *v;
		if (k == CK_HIDE)
			continue;
		if (db_col_is_null(s, i)) {
			v = json_null();
		} else {
			switch (k) {
			case CK_INT:
				v = json_integer(db_col_int(s, i));
				break;
			case CK_REAL:
				v = json_real(db_col_double(s, i));
				break;
			case CK_BOOL:
				v = json_boolean(db_col_int(s, i) != 0);
				break;
			case CK_JSON:
				v = json_loads(db_col_text(s, i), JSON_DECODE_ANY, NULL);
				if (!v)
					v = json_null();
				break;
			case CK_TIME: {
				char iso[40];
				clock_format_iso(db_col_int(s, i) * 1000, iso, sizeof iso);
				v = json_string(iso);
				break;
			}
			default:
				v = json_string(db_col_text(s, i));
				if (!v)
					v = json_null();
			}
		}
		json_object_set_new(o, name, v);
	}
	return o;
}

/* Labels the API adds to a house or facility. */
/* compliance_vi next to compliance (houses, facilities, inspections). */
static void decorate_compliance(json_t *o)
{
	enum compliance_status cs;
	const char *c = json_str(o, "compliance");
	if (c && compliance_status_parse(c, &cs) == 0)
		json_object_set_new(o, "compliance_vi", json_string(compliance_status_vi(cs)));
}

static void decorate(json_t *o, int house)
{
	decorate_compliance(o);
	if (house) {
		char disp[HOUSEID_MAX];
		const char *id = json_str(o, "id");
		if (id && houseid_format_display(id, disp) == HOUSEID_OK)
			json_object_set_new(o, "id_display", json_string(disp));
		const char *t = json_str(o, "house_type");
		const char *vi = t ? house_type_vi(t) : NULL;
		if (vi)
			json_object_set_new(o, "house_type_vi", json_string(vi));
	} else {
		const char *vi = facility_category_vi(json_str(o, "category"));
		if (vi)
			json_object_set_new(o, "category_vi", json_string(vi));
	}
}

/* A field's value as the database takes it: NULL, an integer (booleans
 * 0/1), a real, or text (*tofree: JSON text of lists and documents). */
enum field_val { FV_NULL, FV_INT, FV_REAL, FV_TEXT };

static enum field_val field_value(const struct rec_field *f, json_t *v, int64_t *i, double *d,
				  const char **t, char **tofree)
{
	*tofree = NULL;
	if (!v || json_is_null(v))
		return FV_NULL;
	switch (f->kind) {
	case REC_BOOL:
		*i = json_is_true(v);
		return FV_INT;
	case REC_INT:
		*i = json_integer_value(v);
		return FV_INT;
	case REC_REAL:
		*d = json_number_value(v);
		return FV_REAL;
	case REC_PHONES:
	case REC_LIST:
	case REC_DOC:
		*t = *tofree = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		return FV_TEXT;
	default:
		*t = json_string_value(v);
		return FV_TEXT;
	}
}

/* Binds a JSON value as field f's column. */
static void bind_field(struct db_stmt *s, int idx, const struct rec_field *f, json_t *v)
{
	int64_t i = 0;
	double d = 0;
	const char *t = NULL;
	char *tofree;
	switch (field_value(f, v, &i, &d, &t, &tofree)) {
	case FV_NULL:
		db_bind_null(s, idx);
		break;
	case FV_INT:
		db_bind_int(s, idx, i);
		break;
	case FV_REAL:
		db_bind_double(s, idx, d);
		break;
	case FV_TEXT:
		db_bind_text(s, idx, t);
		break;
	}
	free(tofree);
}

/* bind_field for a row of a bulk copy. */
static void copy_field(struct db_copy *c, const struct rec_field *f, json_t *v)
{
	int64_t i = 0;
	double d = 0;
	const char *t = NULL;
	char *tofree;
	switch (field_value(f, v, &i, &d, &t, &tofree)) {
	case FV_NULL:
		db_copy_null(c);
		break;
	case FV_INT:
		db_copy_int(c, i);
		break;
	case FV_REAL:
		db_copy_double(c, d);
		break;
	case FV_TEXT:
		db_copy_text(c, t);
		break;
	}
	free(tofree);
}

/* ---- scope ----------------------------------------------------------------- */

static int scope_units(struct store *st, const struct scope *sc, char **units)
{
	*units = NULL;
	if (!sc)
		return STORE_OK;
	return store_scope_units_json(st, sc, units) == 0 ? STORE_OK : STORE_ERROR;
}

/* " AND (col IN (SELECT value FROM json_each($u)) OR idcol = $own)". */
static void qb_scope(struct qb *q, const struct scope *sc, const char *units, const char *unit_col,
		     const char *id_col, const char *own)
{
	if (!sc || !units)
		return;
	/* one commune (a commune officer): an equality the planner can
	 * match to an index, rather than a set it cannot see into */
	json_t *a = json_loads(units, 0, NULL);
	const char *one = json_array_size(a) == 1 ? json_string_value(json_array_get(a, 0)) : NULL;
	if (one && strlen(one) < sizeof q->small[0] &&
	    q->nsmall < (int)(sizeof q->small / sizeof q->small[0])) {
		buf_printf(&q->sql, " AND (%s = ", unit_col);
		qb_small(q, one);
	} else {
		buf_printf(&q->sql, " AND (%s IN (SELECT value FROM json_each(", unit_col);
		qb_text(q, units);
		buf_puts(&q->sql, "))");
	}
	json_decref(a);
	if (own && id_col) {
		buf_printf(&q->sql, " OR %s = ", id_col);
		qb_text(q, own);
	}
	buf_puts(&q->sql, ")");
}

static int unit_in_scope(struct store *st, const struct scope *sc, const char *unit,
			 const char *province)
{
	(void)st;
	if (!sc)
		return 1;
	return scope_allows_unit(sc, unit, province);
}

/* ---- houses ---------------------------------------------------------------- */

static char *house_insert_sql, *house_update_sql, *house_copy_cols;
static pthread_once_t house_sql_once = PTHREAD_ONCE_INIT;

static void house_sql_init(void)
{
	struct buf a = {0}, b = {0}, u = {0}, c = {0};
	int n = 6;
	buf_puts(&c, "id, serial, province, address_folded, created_at, updated_at");
	buf_puts(&a, "INSERT INTO houses (id, serial, province, address_folded, created_at, "
		     "updated_at");
	buf_puts(&b, "VALUES ($1, $2, $3, $4, $5, $6");
	buf_puts(&u, "UPDATE houses SET province = $2, address_folded = $3, updated_at = $4, "
		     "version = version + 1");
	int un = 4;
	for (const struct rec_field *f = house_fields; f->key; f++) {
		buf_printf(&a, ", %s", f->key);
		buf_printf(&c, ", %s", f->key);
		buf_printf(&b, ", $%d", ++n);
		buf_printf(&u, ", %s = $%d", f->key, ++un);
	}
	buf_puts(&a, ") ");
	buf_puts(&b, ")");
	buf_puts(&a, buf_str(&b));
	buf_puts(&u, " WHERE id = $1");
	house_insert_sql = buf_take(&a);
	house_update_sql = buf_take(&u);
	house_copy_cols = buf_take(&c);
	buf_free(&b);
}

/* Sets address_text (composed when absent) and returns the folded search
 * text (heap): the words of the address, then those of the commune's
 * names it lacks. names_once: names holds each word once (an import's
 * commune table), so only the address part is searched for them. *hlen
 * (may be NULL) receives the length of the address part. */
static char *house_address_ex(json_t *h, const char *unit_name, const char *names,
			      int names_once, size_t *hlen)
{
	/* a composed address line holds the number, alley and street */
	int composed = !json_is_string(json_object_get(h, "address_text"));
	if (composed) {
		char *line = house_address_line(json_str(h, "house_number"), json_str(h, "alley"),
						json_str(h, "street"), unit_name);
		json_object_set_new(h, "address_text", json_string(line));
		free(line);
	}
	struct buf b = {0}, f = {0};
	const char *addr = json_str(h, "address_text");
	fold_text(addr, strlen(addr), &f);
	words_append(&b, buf_str(&f));
	const char *extra[] = {json_str(h, "alley"), json_str(h, "street"),
			       json_str(h, "house_number")};
	for (int i = 0; i < 3 && !composed; i++) {
		if (!extra[i])
			continue;
		buf_reset(&f);
		fold_text(extra[i], strlen(extra[i]), &f);
		words_append(&b, buf_str(&f));
	}
	if (hlen)
		*hlen = b.len;
	words_append_seen(&b, names, names_once ? b.len : (size_t)-1);
	buf_free(&f);
	if (!b.len)
		buf_append(&b, "", 0);
	return buf_take(&b);
}

static char *house_address(json_t *h, const char *unit_name, const char *names)
{
	return house_address_ex(h, unit_name, names, 0, NULL);
}

/* Inserts one checked house; id_in optional. In a transaction. *id_out
 * receives the canonical ID. err (may be NULL) gets a message. */
static int house_insert(struct store *st, const struct scope *sc, const char *units_unused,
			json_t *h, long long serial, char id_out[HOUSEID_MAX], const char **why)
{
	char province[4], id[HOUSEID_MAX];
	char *names = NULL, *uname = NULL, *folded = NULL;
	const char *unit = json_str(h, "unit");
	const char *given = json_str(h, "id");
	uint64_t ser;
	int rc;

	(void)units_unused;
	pthread_once(&house_sql_once, house_sql_init);
	rc = unit_info(st, unit, province, &names, &uname);
	if (rc == STORE_NOT_FOUND) {
		*why = "Mã xã/phường không tồn tại trong danh mục 2025 / not a 2025 commune code";
		return STORE_INVALID;
	}
	if (rc != STORE_OK)
		return rc;
	if (!unit_in_scope(st, sc, unit, province)) {
		*why = "Xã/phường ngoài phạm vi quản lý của bạn / commune outside your scope";
		rc = STORE_FORBIDDEN;
		goto done;
	}
	if (given) {
		if (houseid_normalize(given, id) != HOUSEID_OK || houseid_serial(id, &ser) != 0) {
			*why = "Mã định danh nhà không hợp lệ / invalid house ID";
			rc = STORE_INVALID;
			goto done;
		}
	} else {
		ser = (uint64_t)serial;
		if (houseid_make(ser, id) != 0) {
			rc = STORE_ERROR;
			goto done;
		}
	}
	json_object_del(h, "id");
	folded = house_address(h, uname, names);
	struct db_stmt *s = db_prepare(st, house_insert_sql);
	if (!s) {
		rc = STORE_ERROR;
		goto done;
	}
	int64_t now = clock_now_s();
	db_bind_text(s, 1, id);
	db_bind_int(s, 2, (int64_t)ser);
	db_bind_text(s, 3, province);
	db_bind_text(s, 4, folded);
	db_bind_int(s, 5, now);
	db_bind_int(s, 6, now);
	int n = 6;
	for (const struct rec_field *f = house_fields; f->key; f++)
		bind_field(s, ++n, f, json_object_get(h, f->key));
	rc = db_step(s);
	db_finish(s);
	if (rc == DB_DONE && fts_paused)
		rc = fts_insert(st, (long long)ser, folded, unit) == STORE_OK ? DB_DONE : STORE_ERROR;
	if (rc == DB_DONE)
		rc = terms_put_text(st, unit, folded) == STORE_OK ? DB_DONE : STORE_ERROR;
	if (rc == DB_DONE) {
		rc = STORE_OK;
		memcpy(id_out, id, HOUSEID_MAX);
	} else if (rc == STORE_CONFLICT) {
		*why = "Mã định danh nhà đã tồn tại / house ID already registered";
	} else if (rc == DB_ROW) {
		rc = STORE_ERROR;
	}
done:
	free(names);
	free(uname);
	free(folded);
	return rc;
}

#define HOUSE_SELECT "SELECT * FROM houses h"

static int house_fetch(struct store *st, const char *id, json_t **out)
{
	struct db_stmt *s = db_prepare(st, HOUSE_SELECT " WHERE id = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, id);
	int rc = db_step(s);
	if (rc == DB_ROW)
		*out = row_json(s, house_fields, 0);
	db_finish(s);
	if (rc == DB_ROW) {
		decorate(*out, 1);
		return STORE_OK;
	}
	return rc == DB_DONE ? STORE_NOT_FOUND : rc;
}

static int house_visible(const struct scope *sc, json_t *h)
{
	if (!sc)
		return 1;
	return scope_allows_house(sc, json_str(h, "id"), json_str(h, "unit"), json_str(h, "province"));
}

int store_house_get(struct store *st, const struct scope *sc, const char *id, json_t **out)
{
	json_t *h = NULL;
	*out = NULL;
	int rc = house_fetch(st, id, &h);
	if (rc != STORE_OK)
		return rc;
	if (!house_visible(sc, h)) {
		json_decref(h);
		return STORE_NOT_FOUND;
	}
	*out = h;
	return STORE_OK;
}

int store_house_create(struct store *st, const struct scope *sc, json_t *body, json_t **out)
{
	char id[HOUSEID_MAX];
	const char *why = NULL;
	long long serial = 0;
	json_t *h = json_deep_copy(body);
	*out = NULL;
	if (register_sqlite_extras(st) != STORE_OK) {
		json_decref(h);
		return STORE_ERROR;
	}
	int rc = tx_begin(st);
	if (rc != STORE_OK) {
		json_decref(h);
		return rc;
	}
	if (!json_object_get(h, "id"))
		rc = seq_take(st, "house", 1, &serial);
	if (rc == STORE_OK)
		rc = house_insert(st, sc, NULL, h, serial, id, &why);
	rc = tx_end(st, rc);
	json_decref(h);
	if (rc != STORE_OK)
		return rc;
	return house_fetch(st, id, out);
}

int store_house_update(struct store *st, const struct scope *sc, const char *id, json_t *merged,
		       json_t **out)
{
	return store_house_update_if(st, sc, id, merged, -1, out);
}

int store_house_update_if(struct store *st, const struct scope *sc, const char *id,
			  json_t *merged, long long expect_version, json_t **out)
{
	json_t *cur = NULL, *h = NULL;
	char province[4];
	char *names = NULL, *uname = NULL, *folded = NULL;
	int rc;

	*out = NULL;
	pthread_once(&house_sql_once, house_sql_init);
	if ((rc = register_sqlite_extras(st)) != STORE_OK)
		return rc;
	if ((rc = tx_begin(st)) != STORE_OK)
		return rc;
	rc = store_house_get(st, sc, id, &cur);
	if (rc != STORE_OK)
		goto done;
	if (expect_version >= 0 &&
	    json_integer_value(json_object_get(cur, "version")) != expect_version) {
		rc = STORE_CONFLICT;
		goto done;
	}
	h = json_deep_copy(merged);
	rc = unit_info(st, json_str(h, "unit"), province, &names, &uname);
	if (rc == STORE_NOT_FOUND)
		rc = STORE_INVALID;
	if (rc != STORE_OK)
		goto done;
	if (!unit_in_scope(st, sc, json_str(h, "unit"), province) &&
	    strcmp(json_str(h, "unit"), json_str(cur, "unit")) != 0) {
		rc = STORE_FORBIDDEN;
		goto done;
	}
	folded = house_address(h, uname, names);
	struct db_stmt *s = db_prepare(st, house_update_sql);
	if (!s) {
		rc = STORE_ERROR;
		goto done;
	}
	db_bind_text(s, 1, id);
	db_bind_text(s, 2, province);
	db_bind_text(s, 3, folded);
	db_bind_int(s, 4, clock_now_s());
	int n = 4;
	for (const struct rec_field *f = house_fields; f->key; f++)
		bind_field(s, ++n, f, json_object_get(h, f->key));
	rc = db_step(s);
	db_finish(s);
	rc = rc == DB_DONE ? STORE_OK : rc < 0 ? rc : STORE_ERROR;
	if (rc == STORE_OK)
		rc = terms_put_text(st, json_str(h, "unit"), folded);
done:
	rc = tx_end(st, rc);
	json_decref(cur);
	json_decref(h);
	free(names);
	free(uname);
	free(folded);
	if (rc != STORE_OK)
		return rc;
	return house_fetch(st, id, out);
}

int store_house_set_state(struct store *st, const struct scope *sc, const char *id,
			  const char *from, const char *state, const char *reason, const char *by,
			  json_t **out)
{
	json_t *cur = NULL;
	int rc = store_house_get(st, sc, id, &cur);
	*out = NULL;
	if (rc != STORE_OK)
		return rc;
	json_decref(cur);
	struct db_stmt *s = db_prepare(
	    st, "UPDATE houses SET declared_state = $3, return_reason = $4, "
		"declared_by = CASE WHEN $3 = 'declared' THEN $5 ELSE declared_by END, "
		"updated_at = $6, version = version + 1 WHERE id = $1 AND declared_state = $2");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, id);
	db_bind_text(s, 2, from);
	db_bind_text(s, 3, state);
	db_bind_text(s, 4, reason);
	db_bind_text(s, 5, by);
	db_bind_int(s, 6, clock_now_s());
	rc = db_step(s);
	db_finish(s);
	if (rc < 0)
		return rc;
	if (db_changes(st) != 1)
		return STORE_CONFLICT;
	return house_fetch(st, id, out);
}

static void import_fail(json_t *report, json_t *row, const char *column, const char *why)
{
	/* the report of a failed all-or-nothing import holds only the error */
	if (json_array_size(report) && json_is_string(json_array_get(report, 0)))
		json_array_clear(report);
	json_t *e = json_object();
	json_t *rn = json_object_get(row, "_row");
	json_object_set_new(e, "row", rn ? json_incref(rn) : json_null());
	json_object_set_new(e, "column", column ? json_string(column) : json_null());
	json_object_set_new(e, "message", json_string(why ? why : "Lỗi ghi dữ liệu / write error"));
	json_array_append_new(report, e);
}

/* ---- bulk import helpers (SQLite) -------------------------------------------- */

/* The largest rowid of houses (0 when empty): rows inserted after it get
 * larger rowids, so they can be indexed afterwards in one statement. */
static int houses_max_rowid(struct store *st, long long *out)
{
	struct db_stmt *s = db_prepare(st, "SELECT coalesce(max(rowid), 0) FROM houses");
	if (!s)
		return STORE_ERROR;
	int rc = db_step(s);
	*out = rc == DB_ROW ? db_col_int(s, 0) : 0;
	db_finish(s);
	return rc == DB_ROW ? STORE_OK : rc < 0 ? rc : STORE_ERROR;
}

/* Indexes the houses inserted after rowid `after` in houses_fts. */
static int fts_fill_after(struct store *st, long long after)
{
	struct db_stmt *s = db_prepare(st, "INSERT INTO houses_fts (rowid, address_folded, unit) "
					   "SELECT serial, address_folded, unit FROM houses "
					   "WHERE rowid > $1");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, after);
	int rc = db_step(s);
	db_finish(s);
	return rc == DB_DONE ? STORE_OK : rc < 0 ? rc : STORE_ERROR;
}

/* 1 when houses holds fewer than n rows (reads at most n index entries). */
static int houses_fewer_than(struct store *st, long long n)
{
	struct db_stmt *s = db_prepare(st, "SELECT count(*) FROM (SELECT 1 FROM houses LIMIT $1) x");
	if (!s)
		return 0;
	db_bind_int(s, 1, n);
	int rc = db_step(s);
	long long have = rc == DB_ROW ? db_col_int(s, 0) : n;
	db_finish(s);
	return have < n;
}

struct saved_indexes {
	char **sql;
	int n;
};

/* Drops the secondary indexes of houses (not the ones behind its PRIMARY
 * KEY and UNIQUE constraints), keeping their CREATE statements: building
 * an index once by sorting is much cheaper than growing it row by row
 * when most of the table is new. In the writer's transaction. */
static int houses_indexes_drop(struct store *st, struct saved_indexes *si)
{
	/* partial indexes stay: an imported house matches none of them
	 * (houses_returned), so keeping one costs nothing per row, and
	 * rebuilding it would scan the whole table */
	/* on PostgreSQL the same, less the indexes behind constraints */
	struct db_stmt *s = db_prepare(
		st, is_sqlite(st)
			    ? "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
			      "tbl_name = 'houses' AND sql IS NOT NULL AND upper(sql) NOT LIKE "
			      "'% WHERE %' ORDER BY name"
			    : "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
			      "current_schema() AND tablename = 'houses' AND upper(indexdef) NOT "
			      "LIKE '% WHERE %' AND indexname NOT IN (SELECT conname FROM "
			      "pg_constraint WHERE conrelid = 'houses'::regclass) ORDER BY indexname");
	char **names = NULL;
	int rc;
	memset(si, 0, sizeof *si);
	if (!s)
		return STORE_ERROR;
	while ((rc = db_step(s)) == DB_ROW) {
		si->sql = xrealloc(si->sql, (size_t)(si->n + 1) * sizeof *si->sql);
		names = xrealloc(names, (size_t)(si->n + 1) * sizeof *names);
		names[si->n] = xstrdup(db_col_text(s, 0));
		si->sql[si->n++] = xstrdup(db_col_text(s, 1));
	}
	db_finish(s);
	rc = rc == DB_DONE ? STORE_OK : rc < 0 ? rc : STORE_ERROR;
	for (int i = 0; rc == STORE_OK && i < si->n; i++) {
		char *sql = xasprintf("DROP INDEX \"%s\"", names[i]);
		rc = db_exec(st, sql);
		free(sql);
	}
	for (int i = 0; i < si->n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* Recreates them (when ok) and frees the list. */
static int houses_indexes_restore(struct store *st, struct saved_indexes *si, int ok)
{
	int rc = STORE_OK;
	/* PostgreSQL sorts an index in maintenance_work_mem (64 MB by
	 * default): the trigram index of 200,000 addresses builds in 4-5 s
	 * with 256 MB, in several times that with the default */
	if (ok && si->n && !is_sqlite(st))
		rc = db_exec(st, "SET LOCAL maintenance_work_mem = '256MB'");
	for (int i = 0; i < si->n; i++) {
		if (ok && rc == STORE_OK)
			rc = db_exec(st, si->sql[i]);
		free(si->sql[i]);
	}
	free(si->sql);
	memset(si, 0, sizeof *si);
	return rc;
}

/* Communes seen by one import: looked up once each. */
struct import_unit {
	char unit[8];
	char province[4];
	char *names, *name;
	int status;              /* STORE_OK, or unit_info's error */
};

#define IMPORT_UNIT_HASH 1024 /* > the communes of any province */

struct import_units {
	struct import_unit *u;
	size_t n, cap;
	int slot[IMPORT_UNIT_HASH]; /* 1 + index into u, 0 empty */
};

static struct import_unit *import_unit_get(struct store *st, struct import_units *iu,
					   const char *unit, struct termset *terms)
{
	unsigned h = unit_hash(unit) % IMPORT_UNIT_HASH, probes = 0;
	for (; iu->slot[h] && probes < IMPORT_UNIT_HASH; h = (h + 1) % IMPORT_UNIT_HASH, probes++)
		if (strcmp(iu->u[iu->slot[h] - 1].unit, unit) == 0)
			return &iu->u[iu->slot[h] - 1];
	if (iu->n == iu->cap) {
		iu->cap = iu->cap ? iu->cap * 2 : 64;
		iu->u = xrealloc(iu->u, iu->cap * sizeof *iu->u);
	}
	struct import_unit *e = &iu->u[iu->n++];
	if (probes < IMPORT_UNIT_HASH) /* a full table: found by no one, looked up again */
		iu->slot[h] = (int)iu->n;
	memset(e, 0, sizeof *e);
	snprintf(e->unit, sizeof e->unit, "%s", unit);
	if (strlen(unit) >= sizeof e->unit)
		e->status = STORE_NOT_FOUND;
	else
		e->status = unit_info(st, unit, e->province, &e->names, &e->name);
	if (e->status == STORE_OK) {
		struct buf b = {0};
		words_append(&b, e->names);
		buf_append(&b, "", 0);
		free(e->names);
		e->names = buf_take(&b);
		if (terms)
			termset_add_text(terms, e->unit, e->names);
	}
	return e;
}

static void import_units_free(struct import_units *iu)
{
	for (size_t i = 0; i < iu->n; i++) {
		free(iu->u[i].names);
		free(iu->u[i].name);
	}
	free(iu->u);
}

/* One row ready to insert. */
struct house_prep {
	json_t *h;
	char id[HOUSEID_MAX];
	char province[4];
	uint64_t serial;
	char *folded;
	json_t **vals;           /* NULL, or the values of house_fields in order */
	int need_serial;         /* no ID given: serial and id still to take */
	int status;              /* store_houses_import_prepare: the row's outcome */
	const char *why;
};

/* Checks the commune, scope and ID of row h and composes its address:
 * house_insert's work before the INSERT. serial < 0: a row without ID
 * is left with need_serial set (its serial is taken by the writer). */
static int house_prepare(struct store *st, const struct scope *sc, struct import_units *iu,
			 struct termset *terms, json_t *h, long long serial, struct house_prep *p,
			 const char **why)
{
	const char *unit = json_str(h, "unit");
	const char *given = json_str(h, "id");
	struct import_unit *u = import_unit_get(st, iu, unit ? unit : "", terms);
	memset(p, 0, sizeof *p);
	if (u->status == STORE_NOT_FOUND) {
		*why = "Mã xã/phường không tồn tại trong danh mục 2025 / not a 2025 commune code";
		return STORE_INVALID;
	}
	if (u->status != STORE_OK)
		return u->status;
	if (!unit_in_scope(st, sc, unit, u->province)) {
		*why = "Xã/phường ngoài phạm vi quản lý của bạn / commune outside your scope";
		return STORE_FORBIDDEN;
	}
	if (given) {
		if (houseid_normalize(given, p->id) != HOUSEID_OK ||
		    houseid_serial(p->id, &p->serial) != 0) {
			*why = "Mã định danh nhà không hợp lệ / invalid house ID";
			return STORE_INVALID;
		}
	} else if (serial < 0) {
		p->need_serial = 1;
	} else {
		p->serial = (uint64_t)serial;
		if (houseid_make(p->serial, p->id) != 0)
			return STORE_ERROR;
	}
	memcpy(p->province, u->province, 4);
	p->h = h;
	size_t hlen = 0;
	p->folded = house_address_ex(h, u->name, u->names, 1, &hlen);
	if (terms) {
		/* the address's own words; the names went in with the commune */
		char c = p->folded[hlen];
		p->folded[hlen] = '\0';
		termset_add_text(terms, u->unit, p->folded);
		p->folded[hlen] = c;
	}
	return STORE_OK;
}

/* Inserts a prepared row. (Multi-row INSERTs were tried: fewer
 * instructions, but slower on the clock at 50k-200k rows.) */
static int house_put(struct store *st, const struct house_prep *p, int64_t now)
{
	struct db_stmt *s = db_prepare(st, house_insert_sql);
	int k = 0;
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, ++k, p->id);
	db_bind_int(s, ++k, (int64_t)p->serial);
	db_bind_text(s, ++k, p->province);
	db_bind_text(s, ++k, p->folded);
	db_bind_int(s, ++k, now);
	db_bind_int(s, ++k, now);
	int j = 0;
	for (const struct rec_field *f = house_fields; f->key; f++, j++)
		bind_field(s, ++k, f, p->vals ? p->vals[j] : json_object_get(p->h, f->key));
	int rc = db_step(s);
	db_finish(s);
	return rc == DB_DONE ? STORE_OK : rc == DB_ROW ? STORE_ERROR : rc;
}

/* house_put as a row of a bulk copy (the outcome comes at its end). */
static int house_copy(struct db_copy *c, const struct house_prep *p, int64_t now)
{
	db_copy_text(c, p->id);
	db_copy_int(c, (int64_t)p->serial);
	db_copy_text(c, p->province);
	db_copy_text(c, p->folded);
	db_copy_int(c, now);
	db_copy_int(c, now);
	int j = 0;
	for (const struct rec_field *f = house_fields; f->key; f++, j++)
		copy_field(c, f, p->vals ? p->vals[j] : json_object_get(p->h, f->key));
	return db_copy_row_end(c);
}

/* The rows of one part of an import, written by part_put: on PostgreSQL
 * into one COPY (a prepared INSERT there is a round trip and a savepoint
 * per row: about 5,000 rows/s), on SQLite one INSERT each. The part keeps
 * each row's ID to name the row a duplicate key of the copy is in. */
struct part_writer {
	struct houses_import *hi;
	struct db_copy *copy;
	json_t **rows;
	char (*ids)[HOUSEID_MAX];
	size_t n;
};

static const char house_id_taken[] = "Mã định danh nhà đã tồn tại / house ID already registered";

/* An import in progress (store_houses_import_begin .. _end). */
struct houses_import {
	struct store *st;
	const struct scope *sc;
	struct saved_indexes si;
	struct import_units iu;
	struct termset terms;
	long long before;
	int sqlite, dropped, failed;
	int64_t now;
};

/* All rows or none. The rows go in one by one (no trigger: see
 * fts_pause), each commune is looked up once, the address index is
 * filled from the new rows in one INSERT ... SELECT at the end, and when
 * the table held fewer rows than the import brings, the secondary indexes
 * are dropped first and rebuilt after — all inside the one transaction. */
int store_houses_import_begin(struct store *st, const struct scope *sc, size_t expected,
			      struct houses_import **out)
{
	struct houses_import *hi = xcalloc(1, sizeof *hi);
	int rc;

	*out = NULL;
	hi->st = st;
	hi->sc = sc;
	hi->sqlite = is_sqlite(st);
	hi->now = clock_now_s();
	if ((rc = register_sqlite_extras(st)) != STORE_OK) {
		free(hi);
		return rc;
	}
	pthread_once(&house_sql_once, house_sql_init);
	bulk_cache_rows(st, 1, expected);
	if ((rc = tx_begin(st)) != STORE_OK) {
		bulk_cache(st, 0);
		free(hi);
		return rc;
	}
	if (hi->sqlite && !in_bulk)
		rc = fts_pause(st);
	if (hi->sqlite && rc == STORE_OK)
		rc = houses_max_rowid(st, &hi->before);
	if (rc == STORE_OK && !in_bulk && expected >= 1000 &&
	    houses_fewer_than(st, (long long)expected)) {
		rc = houses_indexes_drop(st, &hi->si);
		hi->dropped = 1;
	}
	if (rc != STORE_OK) {
		hi->failed = 1;
		store_houses_import_end(hi, 0);
		return rc;
	}
	*out = hi;
	return STORE_OK;
}

static int part_begin(struct houses_import *hi, struct part_writer *w, size_t n)
{
	memset(w, 0, sizeof *w);
	w->hi = hi;
	if (hi->sqlite || n == 0)
		return STORE_OK;
	w->copy = db_copy_begin(hi->st, "houses", house_copy_cols);
	if (!w->copy)
		return STORE_ERROR;
	w->rows = xcalloc(n, sizeof *w->rows);
	w->ids = xcalloc(n, sizeof *w->ids);
	return STORE_OK;
}

/* Writes row p (its ID into report when given). */
static int part_put(struct part_writer *w, const struct house_prep *p, json_t *report)
{
	int rc;
	if (w->copy) {
		w->rows[w->n] = p->h;
		memcpy(w->ids[w->n++], p->id, HOUSEID_MAX);
		rc = house_copy(w->copy, p, w->hi->now);
	} else {
		rc = house_put(w->hi->st, p, w->hi->now);
	}
	if (rc != STORE_OK) {
		if (report)
			import_fail(report, p->h, rc == STORE_CONFLICT ? "id" : "unit",
				    rc == STORE_CONFLICT ? house_id_taken : NULL);
	} else if (report) {
		json_array_append_new(report, json_string(p->id));
	}
	return rc;
}

/* The row of the part a copy's duplicate key "(id)=(X)" or "(serial)=(N)"
 * names: the first row with an ID already stored (before the import, or
 * by an earlier part), else the second of two rows with one ID. */
static json_t *part_conflict_row(struct part_writer *w, const char *key)
{
	char want[HOUSEID_MAX] = "";
	size_t klen = strlen(key);
	if (strncmp(key, "(id)=(", 6) == 0 && klen > 7 && klen - 7 < sizeof want)
		snprintf(want, sizeof want, "%.*s", (int)(klen - 7), key + 6);
	else if (strncmp(key, "(serial)=(", 10) == 0 &&
		 houseid_make((uint64_t)strtoull(key + 10, NULL, 10), want) != 0)
		return NULL;
	long first = -1, second = -1;
	for (size_t i = 0; i < w->n && second < 0; i++) {
		if (strcmp(w->ids[i], want) != 0)
			continue;
		if (first < 0)
			first = (long)i;
		else
			second = (long)i;
	}
	if (first < 0)
		return NULL;
	if (second < 0)
		return w->rows[first];
	/* the failed copy undid only itself: the transaction still reads */
	struct db_stmt *s = db_prepare(w->hi->st, "SELECT 1 FROM houses WHERE id = $1");
	int stored = 0;
	if (s) {
		db_bind_text(s, 1, want);
		stored = db_step(s) == DB_ROW;
		db_finish(s);
	}
	return w->rows[stored ? first : second];
}

/* Ends the part's copy (ok 0: cancels it); a row refused names its row in
 * report. */
static int part_end(struct part_writer *w, int ok, json_t *report)
{
	int rc = ok ? STORE_OK : STORE_ERROR;
	if (w->copy) {
		char key[96];
		rc = db_copy_end(w->copy, ok, key, sizeof key);
		if (ok && rc != STORE_OK && report)
			import_fail(report, rc == STORE_CONFLICT ? part_conflict_row(w, key) : NULL,
				    rc == STORE_CONFLICT ? "id" : "unit",
				    rc == STORE_CONFLICT ? house_id_taken : NULL);
	}
	free(w->rows);
	free(w->ids);
	memset(w, 0, sizeof *w);
	return rc;
}

/* A part's rows prepared by the checking thread. */
struct houses_prepared {
	struct house_prep *p;
	json_t **vals;           /* n rows of nfields values */
	size_t n, need;
};

/* The rows are all prepared (their communes looked up) before the first
 * is written: on PostgreSQL no other statement may run while the part's
 * copy is open. */
int store_houses_import_add(struct houses_import *hi, json_t *rows, json_t *ids)
{
	struct houses_prepared *pp;
	if (hi->failed)
		return STORE_ERROR;
	store_houses_import_prepare(hi, rows, &pp);
	int rc = store_houses_import_add_prepared(hi, pp, ids);
	store_houses_prepared_free(pp);
	return rc;
}


int store_houses_import_prepare(struct houses_import *hi, json_t *rows,
				struct houses_prepared **out)
{
	struct houses_prepared *pp = xcalloc(1, sizeof *pp);
	size_t n = json_array_size(rows);

	size_t nf = 0;
	while (house_fields[nf].key)
		nf++;
	pp->p = xcalloc(n ? n : 1, sizeof *pp->p);
	pp->vals = xcalloc(n ? n * nf : 1, sizeof *pp->vals);
	pp->n = n;
	for (size_t i = 0; i < n; i++) {
		struct house_prep *p = &pp->p[i];
		json_t *h = json_array_get(rows, i);
		const char *why = NULL;
		int rc = house_prepare(hi->st, hi->sc, &hi->iu, hi->sqlite ? &hi->terms : NULL, h,
				       -1, p, &why);
		p->h = h;
		p->status = rc;
		p->why = why;
		/* looked up here, not by the writer (after house_prepare:
		 * it may set address_text) */
		p->vals = pp->vals + i * nf;
		for (size_t j = 0; j < nf; j++)
			p->vals[j] = json_object_get(h, house_fields[j].key);
		pp->need += p->need_serial;
		if (rc != STORE_OK) {
			/* the writer stops at this row: the rest is not needed */
			pp->n = i + 1;
			break;
		}
	}
	*out = pp;
	return STORE_OK;
}

void store_houses_prepared_free(struct houses_prepared *pp)
{
	if (!pp)
		return;
	for (size_t i = 0; i < pp->n; i++)
		free(pp->p[i].folded);
	free(pp->p);
	free(pp->vals);
	free(pp);
}

int store_houses_import_add_prepared(struct houses_import *hi, struct houses_prepared *pp,
				     json_t *ids)
{
	struct store *st = hi->st;
	struct part_writer w;
	long long serial = 0;
	int rc = STORE_OK;

	if (hi->failed)
		return STORE_ERROR;
	if (pp->need)
		rc = seq_take(st, "house", (long long)pp->need, &serial);
	if (rc == STORE_OK)
		rc = part_begin(hi, &w, pp->n);
	if (rc != STORE_OK) {
		hi->failed = 1;
		return rc;
	}
	for (size_t i = 0; rc == STORE_OK && i < pp->n; i++) {
		struct house_prep *p = &pp->p[i];
		if (p->status != STORE_OK) {
			rc = p->status;
			if (ids)
				import_fail(ids, p->h, "unit", p->why);
			break;
		}
		if (p->need_serial) {
			p->serial = (uint64_t)serial++;
			if (houseid_make(p->serial, p->id) != 0) {
				rc = STORE_ERROR;
				break;
			}
		}
		rc = part_put(&w, p, ids);
	}
	int r2 = part_end(&w, rc == STORE_OK, ids);
	if (rc == STORE_OK)
		rc = r2;
	if (rc != STORE_OK)
		hi->failed = 1;
	return rc;
}

int store_houses_import_end(struct houses_import *hi, int ok)
{
	struct store *st = hi->st;
	int rc = ok && !hi->failed ? STORE_OK : STORE_ERROR;

	if (hi->sqlite && rc == STORE_OK)
		rc = fts_fill_after(st, hi->before);
	if (hi->sqlite && rc == STORE_OK)
		rc = termset_flush(st, &hi->terms);
	if (hi->dropped) {
		int r2 = houses_indexes_restore(st, &hi->si, rc == STORE_OK);
		if (rc == STORE_OK)
			rc = r2;
	}
	if (hi->sqlite && !in_bulk) {
		int r2 = fts_resume(st, rc == STORE_OK);
		if (rc == STORE_OK)
			rc = r2;
	}
	rc = tx_end(st, rc);
	bulk_cache(st, 0);
	import_units_free(&hi->iu);
	termset_free(&hi->terms);
	free(hi);
	return rc;
}

int store_houses_import(struct store *st, const struct scope *sc, json_t *rows, json_t *ids)
{
	struct houses_import *hi;
	int rc = store_houses_import_begin(st, sc, json_array_size(rows), &hi);
	if (rc != STORE_OK)
		return rc;
	rc = store_houses_import_add(hi, rows, ids);
	int r2 = store_houses_import_end(hi, rc == STORE_OK);
	return rc != STORE_OK ? rc : r2;
}

/* Appends "tok" to m as an FTS5 string (quotes doubled). */
static void fts_quote(struct buf *m, const char *tok)
{
	buf_putc(m, '"');
	for (const char *p = tok; *p; p++) {
		if (*p == '"')
			buf_putc(m, '"');
		buf_putc(m, *p);
	}
	buf_putc(m, '"');
}

static int fts_word_ok(const char *w)
{
	for (const unsigned char *p = (const unsigned char *)w; *p; p++)
		if (*p >= 0x80 || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z'))
			return 1;
	return 0;
}

/* The words of houses_terms that start with w (or equal it, exact), in
 * unit when given: at most max + 1 of them into *out (heap strings). */
static int terms_lookup(struct store *st, const char *w, int exact, const char *unit, int max,
			char ***out, int *n)
{
	char hi[80];
	size_t len = strlen(w);
	*out = NULL;
	*n = 0;
	if (len + 1 >= sizeof hi)
		return STORE_INVALID;
	/* the words after every word that starts with w: w with its last
	 * byte raised (bytes compare as memcmp, folded text is never 0xFF) */
	memcpy(hi, w, len + 1);
	hi[len - 1] = (char)((unsigned char)hi[len - 1] + 1);
	struct qb q = {0};
	buf_puts(&q.sql, "SELECT DISTINCT term FROM houses_terms WHERE ");
	if (exact) {
		buf_puts(&q.sql, "term = ");
		qb_text(&q, w);
	} else {
		buf_puts(&q.sql, "term >= ");
		qb_text(&q, w);
		buf_puts(&q.sql, " AND term < ");
		qb_text(&q, hi);
	}
	if (unit) {
		buf_puts(&q.sql, " AND unit = ");
		qb_text(&q, unit);
	}
	buf_puts(&q.sql, " ORDER BY term LIMIT ");
	qb_int(&q, max + 1);
	struct db_stmt *s = qb_prepare(st, &q);
	buf_free(&q.sql);
	if (!s)
		return STORE_ERROR;
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		*out = xrealloc(*out, (size_t)(*n + 1) * sizeof **out);
		(*out)[(*n)++] = xstrdup(db_col_text(s, 0));
	}
	db_finish(s);
	return rc == DB_DONE ? STORE_OK : rc < 0 ? rc : STORE_ERROR;
}

static void terms_free(char **t, int n)
{
	for (int i = 0; i < n; i++)
		free(t[i]);
	free(t);
}

/* 1 when a word of the folded names equals w (or starts with it, prefix). */
static int names_have(const char *names, const char *w, int prefix)
{
	size_t n = strlen(w);
	for (const char *p = names; *p;) {
		size_t l;
		const char *s = word_next(&p, &l);
		if (l && (prefix ? l >= n : l == n) && memcmp(s, w, n) == 0)
			return 1;
	}
	return 0;
}

/* The FTS5 query of a search (into *out), or 1 when no house can match.
 * Every word of the folded text must be in the address column, the last
 * one also as a prefix (search as you type). FTS5 answers a prefix by
 * merging the doclists of every word it starts, city-wide, before the
 * first row ("ma"* is "ma", "mai", "mach"... ~50 ms at a million houses);
 * the prefix is therefore spelled out as the whole words it stands for
 * (from houses_terms), which FTS5 walks lazily, newest house first,
 * stopping at the page's end. A prefix of many words ("3" is 3, 30..39,
 * 300..399) makes every step seek each of them; when other words or the
 * commune drive the match, such a prefix is left to *post instead: the
 * caller keeps the rows whose search text has a word starting with it
 * (instr(' ' || address_folded, *post)), again row by row as they come.
 *
 * When the list is bound to one commune or a few (the unit filter, or a
 * scope of at most FTS_MAX_UNITS communes and no own record) those
 * communes go in the unit column: the index then narrows the rows itself.
 * Bound to one commune, a word none of its houses has ends the search at
 * once, and the words of the commune's own names (which all its houses
 * have: "phuong khuong dinh" in Khương Đình) are left out. */
#define FTS_MAX_UNITS 16

/* The communes a house list is bound to, when they are few: the unit
 * filter, or a scope of at most FTS_MAX_UNITS communes and no own record
 * (a JSON array, the caller's). NULL: not bound, or bound to too many. */
static json_t *bound_units(const struct scope *sc, const char *units, const char *unit)
{
	if (unit)
		return json_pack("[s]", unit);
	if (!sc || !units || sc->own_house_id || sc->own_facility_id)
		return NULL;
	json_t *a = json_loads(units, 0, NULL);
	if (json_array_size(a) < 1 || json_array_size(a) > FTS_MAX_UNITS) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* Its one commune, or NULL. */
static const char *bound_one(const json_t *bound)
{
	return json_array_size(bound) == 1 ? json_string_value(json_array_get(bound, 0)) : NULL;
}
#define FTS_OR_TERMS 8
#define FTS_MAX_TERMS 256
static int fts_query(struct store *st, const char *text, const json_t *bound, char **out,
		     char **post)
{
	struct buf m = {0}, ws = {0};
	char *folded = fold_dup(text), *save = NULL, *words[8], *names = NULL;
	char province[4];
	const char *one = bound_one(bound);
	const json_t *a = one ? NULL : bound;
	int nw = 0, kept = 0, rc = 0;

	*out = NULL;
	*post = NULL;
	for (char *w = strtok_r(folded, " ", &save); w && nw < 8; w = strtok_r(NULL, " ", &save))
		if (fts_word_ok(w))
			words[nw++] = w;
	if (!nw)
		goto done;
	if (one && unit_info(st, one, province, &names, NULL) != STORE_OK)
		names = NULL;
	for (int i = 0; i < nw; i++) {
		int last = i == nw - 1;
		char **t = NULL;
		int nt = 0;
		if (one && names && names_have(names, words[i], last))
			continue; /* every house of the commune has it */
		if (one || last) {
			if (terms_lookup(st, words[i], !last, one, FTS_MAX_TERMS, &t, &nt) != STORE_OK) {
				t = NULL;
				nt = -1; /* unknown: plain FTS5 */
			}
			if (one && nt == 0) {
				rc = 1;
				goto done;
			}
		}
		if (last && nt > FTS_OR_TERMS && (kept || one || a)) {
			*post = xasprintf(" %s", words[i]);
			terms_free(t, nt);
			break;
		}
		if (kept++)
			buf_puts(&ws, " AND ");
		if (!last || nt <= 0 || nt > FTS_MAX_TERMS) {
			fts_quote(&ws, words[i]);
			if (last)
				buf_putc(&ws, '*');
		} else {
			buf_putc(&ws, '(');
			for (int k = 0; k < nt; k++) {
				if (k)
					buf_puts(&ws, " OR ");
				fts_quote(&ws, t[k]);
			}
			buf_putc(&ws, ')');
		}
		terms_free(t, nt);
	}
	if (kept) {
		buf_puts(&m, "address_folded : (");
		buf_puts(&m, buf_str(&ws));
		buf_putc(&m, ')');
	}
	if (one) {
		buf_puts(&m, kept ? " AND unit : " : "unit : ");
		fts_quote(&m, one);
	} else if (a) {
		size_t i;
		json_t *u;
		buf_puts(&m, " AND unit : (");
		json_array_foreach(a, i, u) {
			if (i)
				buf_puts(&m, " OR ");
			fts_quote(&m, json_is_string(u) ? json_string_value(u) : "");
		}
		buf_putc(&m, ')');
	}
	if (m.len)
		*out = buf_take(&m);
	if (!*out) {
		free(*post);
		*post = NULL;
	}
done:
	buf_free(&m);
	buf_free(&ws);
	free(names);
	free(folded);
	return rc;
}

/* PostgreSQL's form of the same search: the words as a tsquery over
 * houses.search_words, to_tsvector('simple', address_folded || ' u' ||
 * unit) stored and GIN-indexed (pg.c): every word whole, the last a
 * prefix ("dang & tien & do:*"). Folded text is words of [a-z0-9] between
 * single spaces, which the 'simple' parser takes one for one; anything
 * else is left out of the query so that it always parses.
 *
 * As on SQLite (fts_query): bound to one commune (the unit filter, or a
 * commune officer's scope), the words of the commune's own names are left
 * out — all its houses have them, and the planner, taking the words as
 * independent, would expect a few rows and sort thousands — and the
 * commune's houses are walked newest first (index unit, serial); "" when
 * no other word is left. Bound to a few communes (at most FTS_MAX_UNITS,
 * no own record), their words "u<code>" are asked for too, so that the
 * index narrows the rows itself. A last word of one or two characters
 * after other words or communes ("nguyen trai 6": 6, 60..69, 600..699 ...)
 * would make the index union every word it starts; it goes to *post
 * instead, which the caller checks on the rows the rest finds. NULL when
 * the text has no word. */
#define PG_TSV "h.search_words"
#define PG_POST_MAX 2
#define PG_WINDOW 10000      /* newest houses of the city */
#define PG_WINDOW_UNIT 2000  /* of one commune (its rows are all on topic) */
static char *pg_tsquery(struct store *st, const char *text, const json_t *bound, char **post)
{
	char *folded = fold_dup(text), *save = NULL, *names = NULL;
	char province[4];
	struct buf m = {0}, u = {0};
	size_t before_last = 0, last_len = 0;
	int n = 0, any = 0;
	const char *one = bound_one(bound);

	*post = NULL;
	if (one && unit_info(st, one, province, &names, NULL) != STORE_OK)
		names = NULL;
	char *words[8];
	int nw = 0;
	for (char *w = strtok_r(folded, " ", &save); w && nw < 8; w = strtok_r(NULL, " ", &save)) {
		char *o = w;
		for (const char *p = w; *p; p++)
			if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
				*o++ = *p;
		*o = '\0';
		if (*w)
			words[nw++] = w;
	}
	for (int i = 0; i < nw; i++) {
		any = 1;
		if (names && names_have(names, words[i], i == nw - 1))
			continue; /* every house of the commune has it */
		size_t at = m.len;
		if (n)
			buf_puts(&m, " & ");
		before_last = at;
		last_len = strlen(words[i]);
		buf_puts(&m, words[i]);
		n++;
	}
	/* a few communes, as words of digits only ("u00364") */
	size_t i, k = 0;
	json_t *c;
	if (!one)
		json_array_foreach(bound, i, c) {
			const char *code = json_string_value(c);
			if (!code || !*code || strspn(code, "0123456789") != strlen(code))
				continue;
			buf_printf(&u, "%su%s", k++ ? " | " : "", code);
		}
	if (n && (n > 1 || k || one) && last_len <= PG_POST_MAX) {
		*post = xasprintf(" %s", m.data + m.len - last_len);
		m.len = before_last;
		m.data[before_last] = '\0';
	} else if (n) {
		buf_puts(&m, ":*");
	}
	if (k)
		buf_printf(&m, "%s(%s)", m.len ? " & " : "", buf_str(&u));
	buf_free(&u);
	free(names);
	free(folded);
	if (!any) {
		buf_free(&m);
		return NULL;
	}
	return buf_take(&m);
}

/* Lists houses. A text search on SQLite with no explicit sort walks the
 * FTS5 index newest house first (rowid = serial, descending) and stops at
 * the page's end, so its cost follows the page, not the number of matches
 * (cursor "n<serial>"); an explicit sort takes the matches as a set. On
 * PostgreSQL the same words match through pg_tsquery, in the same order. */
int store_house_list(struct store *st, const struct scope *sc, const struct house_query *q,
		     json_t **items, char **next)
{
	struct qb b = {0};
	char *units = NULL, *match = NULL, *post = NULL;
	char today[11];
	int fts = is_sqlite(st) && q->q;
	const char *sort = q->sort ? q->sort : "id";
	char sortc = sort[0] == 'a' ? 'a' : sort[0] == 'u' ? 'u' : 'i';
	char *fi = NULL, *tsq = NULL;
	int rc, serial_col = -1;
	json_t *arr = NULL, *bound = NULL;

	*items = NULL;
	*next = NULL;
	if ((rc = scope_units(st, sc, &units)) != STORE_OK)
		return rc;
	bound = q->q ? bound_units(sc, units, q->unit) : NULL;
	if (fts && register_sqlite_extras(st) == STORE_OK &&
	    fts_query(st, q->q, bound, &match, &post) == 1) {
		/* no house in the list's commune has one of the words */
		*items = json_array();
		rc = STORE_OK;
		goto done;
	}
	if (q->q && !fts)
		tsq = pg_tsquery(st, q->q, bound, &post);
	if ((match || tsq) && !q->sort)
		sortc = 'n';
	if (q->cursor && *q->cursor && (q->cursor[0] != sortc || strlen(q->cursor) < 2)) {
		rc = STORE_INVALID;
		goto done;
	}
	if ((rc = register_sqlite_extras(st)) != STORE_OK)
		goto done;
	/* PostgreSQL, newest first: the planner takes the words as
	 * independent, but an address's are not ("hoang quoc viet": 777
	 * rows expected, 21,020 found and sorted, 0.8 s at a million
	 * houses). So the newest PG_WINDOW houses (PG_WINDOW_UNIT of the
	 * commune, when the search is bound to one) are searched first; a
	 * full page there is the answer (anything outside is older), else
	 * the whole table. */
	int window = tsq && *tsq && sortc == 'n' && q->limit > 0;
	const char *wunit = bound_one(bound);
again:
	buf_free(&b.sql);
	memset(&b, 0, sizeof b);
	free(fi);
	fi = NULL;
	if (sortc == 'n' && match) {
		buf_puts(&b.sql, "SELECT h.* FROM houses_fts f JOIN houses h ON h.serial = f.rowid "
				 "WHERE houses_fts MATCH ");
		qb_text(&b, match);
	} else if (window) {
		buf_puts(&b.sql, "SELECT * FROM (SELECT * FROM houses WHERE 1 = 1");
		if (wunit) {
			buf_puts(&b.sql, " AND unit = ");
			qb_text(&b, wunit);
		}
		const char *c0 = q->cursor && *q->cursor ? q->cursor + 1 : NULL;
		if (c0) {
			buf_puts(&b.sql, " AND serial < ");
			qb_int(&b, strtoll(c0, NULL, 10));
		}
		buf_printf(&b.sql, " ORDER BY serial DESC LIMIT %d) h WHERE 1 = 1",
			   wunit ? PG_WINDOW_UNIT : PG_WINDOW);
	} else {
		buf_puts(&b.sql, HOUSE_SELECT " WHERE 1 = 1");
	}
	qb_scope(&b, sc, units, "h.unit", "h.id", sc ? sc->own_house_id : NULL);
	if (q->unit) {
		buf_puts(&b.sql, " AND h.unit = ");
		qb_text(&b, q->unit);
	}
	if (q->type) {
		buf_puts(&b.sql, " AND h.house_type = ");
		qb_text(&b, q->type);
	}
	if (q->compliance) {
		buf_puts(&b.sql, " AND h.compliance = ");
		qb_text(&b, q->compliance);
	}
	if (q->state) {
		buf_puts(&b.sql, " AND h.declared_state = ");
		qb_text(&b, q->state);
	}
	if (q->failing_item) {
		fi = xasprintf("%%\"%s\"%%", q->failing_item);
		buf_puts(&b.sql, " AND h.failing_items LIKE ");
		qb_text(&b, fi);
	}
	if (q->overdue) {
		rec_today(today);
		buf_puts(&b.sql, " AND EXISTS (SELECT 1 FROM violations v WHERE v.target_kind = "
				 "'house' AND v.target_id = h.id AND v.remediated_on IS NULL AND "
				 "v.deadline < ");
		qb_text(&b, today);
		buf_puts(&b.sql, ")");
	}
	if (tsq && *tsq) {
		buf_puts(&b.sql, " AND " PG_TSV " @@ to_tsquery('simple', ");
		qb_text(&b, tsq);
		buf_puts(&b.sql, ")");
	} else if (match && sortc != 'n') {
		buf_puts(&b.sql, " AND h.serial IN (SELECT rowid FROM houses_fts WHERE "
				 "houses_fts MATCH ");
		qb_text(&b, match);
		buf_puts(&b.sql, ")");
	}
	if ((match || tsq) && post) {
		buf_puts(&b.sql, tsq ? " AND strpos(' ' || h.address_folded, "
				     : " AND instr(' ' || h.address_folded, ");
		qb_text(&b, post);
		buf_puts(&b.sql, ") > 0");
	}
	const char *cid = q->cursor && *q->cursor ? q->cursor + 1 : NULL;
	if (sortc == 'n') {
		if (cid) {
			char *end;
			long long cs = strtoll(cid, &end, 10);
			if (*end || cs <= 0) {
				rc = STORE_INVALID;
				goto done;
			}
			buf_puts(&b.sql, match ? " AND f.rowid < " : " AND h.serial < ");
			qb_int(&b, cs);
		}
		buf_puts(&b.sql, match ? " ORDER BY f.rowid DESC" : " ORDER BY h.serial DESC");
	} else if (sortc == 'i') {
		if (cid) {
			buf_puts(&b.sql, " AND h.id > ");
			qb_text(&b, cid);
		}
		buf_puts(&b.sql, " ORDER BY h.id");
	} else if (sortc == 'a') {
		if (cid) {
			buf_puts(&b.sql, " AND (h.address_text, h.id) > ((SELECT address_text FROM "
					 "houses WHERE id = ");
			qb_text(&b, cid);
			buf_puts(&b.sql, "), ");
			qb_text(&b, cid);
			buf_puts(&b.sql, ")");
		}
		buf_puts(&b.sql, " ORDER BY h.address_text, h.id");
	} else {
		if (cid) {
			buf_puts(&b.sql, " AND (h.updated_at, h.id) < ((SELECT updated_at FROM "
					 "houses WHERE id = ");
			qb_text(&b, cid);
			buf_puts(&b.sql, "), ");
			qb_text(&b, cid);
			buf_puts(&b.sql, ")");
		}
		buf_puts(&b.sql, " ORDER BY h.updated_at DESC, h.id DESC");
	}
	b.page_limit = q->limit;
	struct db_stmt *s = qb_prepare(st, &b);
	if (!s) {
		rc = STORE_ERROR;
		goto done;
	}
	for (int c = 0; c < db_col_count(s); c++)
		if (strcmp(db_col_name(s, c), "serial") == 0)
			serial_col = c;
	arr = json_array();
	int count = 0;
	long long last_serial = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (q->limit > 0 && count == q->limit) {
			if (sortc == 'n')
				*next = xasprintf("n%lld", last_serial);
			else
				*next = xasprintf("%c%s",
						  sortc, json_str(json_array_get(arr, (size_t)count - 1), "id"));
			break;
		}
		if (serial_col >= 0)
			last_serial = db_col_int(s, serial_col);
		json_t *h = row_json(s, house_fields, 0);
		decorate(h, 1);
		json_array_append_new(arr, h);
		count++;
	}
	db_finish(s);
	if (rc < 0)
		goto done;
	if (window && !*next) {
		/* not a full page among the newest: the whole table */
		json_decref(arr);
		arr = NULL;
		window = 0;
		goto again;
	}
	rc = STORE_OK;
	*items = arr;
	arr = NULL;
done:
	json_decref(arr);
	json_decref(bound);
	buf_free(&b.sql);
	free(units);
	free(match);
	free(post);
	free(fi);
	free(tsq);
	return rc;
}

/* ---- residents ---------------------------------------------------------------- */

struct hh_cache {
	char house[HOUSEID_MAX];
	char code[32];
	long long id;
	/* ids of new households taken ahead (an import: next .. end - 1).
	 * One counter row updated once per household in one transaction is
	 * a chain of row versions PostgreSQL walks on every update. */
	long long next, end;
};

static int household_id(struct store *st, const char *house_id, const char *code,
			struct hh_cache *cache, long long *out)
{
	if (cache && strcmp(cache->house, house_id) == 0 && strcmp(cache->code, code) == 0) {
		*out = cache->id;
		return STORE_OK;
	}
	struct db_stmt *s = db_prepare(st, "SELECT id FROM households WHERE house_id = $1 AND "
					   "code = $2");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, house_id);
	db_bind_text(s, 2, code);
	int rc = db_step(s);
	if (rc == DB_ROW)
		*out = db_col_int(s, 0);
	db_finish(s);
	if (rc == DB_DONE) {
		if (cache && cache->next < cache->end)
			*out = cache->next++;
		else if ((rc = seq_take(st, "household", 1, out)) != STORE_OK)
			return rc;
		s = db_prepare(st, "INSERT INTO households (id, house_id, code, created_at) VALUES "
				   "($1, $2, $3, $4)");
		if (!s)
			return STORE_ERROR;
		db_bind_int(s, 1, *out);
		db_bind_text(s, 2, house_id);
		db_bind_text(s, 3, code);
		db_bind_int(s, 4, clock_now_s());
		rc = db_step(s);
		db_finish(s);
		if (rc != DB_DONE)
			return rc < 0 ? rc : STORE_ERROR;
	} else if (rc != DB_ROW) {
		return rc;
	}
	if (cache) {
		snprintf(cache->house, sizeof cache->house, "%s", house_id);
		snprintf(cache->code, sizeof cache->code, "%s", code);
		cache->id = *out;
	}
	return STORE_OK;
}

/* Upserts one resident (by CCCD). In a transaction. id: the new row's id
 * (an import takes its rows' ids at once), or 0 to take one here. */
static int resident_put(struct store *st, const struct pii_keys *k, const char *house_id,
			json_t *in, struct hh_cache *cache, long long id, long long *rid)
{
	char cccd[PII_CCCD_BUF], bidx[PII_INDEX_BUF], mask[PII_MASK_BUF];
	char pbidx[PII_INDEX_BUF], pmask[PII_MASK_BUF], phone[PII_PHONE_BUF];
	char *cenc = NULL, *penc = NULL;
	const char *ph = json_str(in, "phone");
	const char *hh = json_str(in, "household");
	long long hid;
	int rc;

	if (pii_cccd_normalize(json_str(in, "cccd"), cccd) != 0)
		return STORE_INVALID;
	if (ph && pii_phone_normalize(ph, phone) != 0)
		return STORE_INVALID;
	if ((rc = household_id(st, house_id, hh && *hh ? hh : "1", cache, &hid)) != STORE_OK)
		return rc;
	if (!id && (rc = seq_take(st, "resident", 1, &id)) != STORE_OK)
		return rc;
	pii_blind_index(k, PII_KIND_CCCD, cccd, bidx);
	pii_mask_cccd(cccd, mask);
	if (pii_encrypt(k, cccd, &cenc) != 0)
		return STORE_ERROR;
	if (ph) {
		pii_blind_index(k, PII_KIND_PHONE, phone, pbidx);
		pii_mask_phone(phone, pmask);
		if (pii_encrypt(k, phone, &penc) != 0) {
			free(cenc);
			return STORE_ERROR;
		}
	}
	struct db_stmt *s = db_prepare(
	    st, "INSERT INTO residents (id, household_id, house_id, name, role, cccd_enc, "
		"cccd_bidx, cccd_mask, phone_enc, phone_bidx, phone_mask, birth_year, created_at) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
		"ON CONFLICT (cccd_bidx) DO UPDATE SET household_id = excluded.household_id, "
		"house_id = excluded.house_id, name = excluded.name, role = excluded.role, "
		"phone_enc = COALESCE(excluded.phone_enc, residents.phone_enc), "
		"phone_bidx = COALESCE(excluded.phone_bidx, residents.phone_bidx), "
		"phone_mask = COALESCE(excluded.phone_mask, residents.phone_mask), "
		"birth_year = COALESCE(excluded.birth_year, residents.birth_year) "
		"RETURNING id");
	if (!s) {
		rc = STORE_ERROR;
		goto done;
	}
	const char *role = json_str(in, "role");
	json_t *by = json_object_get(in, "birth_year");
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, hid);
	db_bind_text(s, 3, house_id);
	db_bind_text(s, 4, json_str(in, "name"));
	db_bind_text(s, 5, role ? role : "member");
	db_bind_text(s, 6, cenc);
	db_bind_text(s, 7, bidx);
	db_bind_text(s, 8, mask);
	db_bind_text(s, 9, penc);
	db_bind_text(s, 10, ph ? pbidx : NULL);
	db_bind_text(s, 11, ph ? pmask : NULL);
	if (json_is_integer(by))
		db_bind_int(s, 12, json_integer_value(by));
	else
		db_bind_null(s, 12);
	db_bind_int(s, 13, clock_now_s());
	rc = db_step(s);
	if (rc == DB_ROW && rid)
		*rid = db_col_int(s, 0);
	db_finish(s);
	rc = rc == DB_ROW ? STORE_OK : rc < 0 ? rc : STORE_ERROR;
done:
	free(cenc);
	free(penc);
	return rc;
}

#define RESIDENT_SELECT                                                                      \
	"SELECT r.id, r.house_id, h.code AS household, r.name, r.role, r.cccd_mask, "        \
	"r.phone_mask, r.birth_year FROM residents r JOIN households h ON h.id = "           \
	"r.household_id"

int store_resident_add(struct store *st, const struct scope *sc, const struct pii_keys *k,
		       const char *house_id, json_t *in, json_t **out)
{
	json_t *h = NULL;
	long long rid = 0;
	*out = NULL;
	int rc = tx_begin(st);
	if (rc != STORE_OK)
		return rc;
	rc = store_house_get(st, sc, house_id, &h);
	json_decref(h);
	if (rc == STORE_OK)
		rc = resident_put(st, k, house_id, in, NULL, 0, &rid);
	rc = tx_end(st, rc);
	if (rc != STORE_OK)
		return rc;
	struct db_stmt *s = db_prepare(st, RESIDENT_SELECT " WHERE r.id = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, rid);
	rc = db_step(s);
	if (rc == DB_ROW)
		*out = row_json(s, NULL, 1);
	db_finish(s);
	return rc == DB_ROW ? STORE_OK : STORE_ERROR;
}

int store_resident_list(struct store *st, const struct scope *sc, const char *house_id,
			json_t **items)
{
	json_t *h = NULL;
	*items = NULL;
	int rc = store_house_get(st, sc, house_id, &h);
	json_decref(h);
	if (rc != STORE_OK)
		return rc;
	struct db_stmt *s = db_prepare(st, RESIDENT_SELECT " WHERE r.house_id = $1 "
						       "ORDER BY h.code, r.role, r.id");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, house_id);
	json_t *arr = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(arr, row_json(s, NULL, 1));
	db_finish(s);
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc;
	}
	*items = arr;
	return STORE_OK;
}

int store_residents_import(struct store *st, const struct scope *sc, const struct pii_keys *k,
			   json_t *rows, json_t *rejected, size_t *imported)
{
	size_t i;
	json_t *row;
	struct hh_cache cache = {0};
	char last_house[HOUSEID_MAX] = "";
	int rc;

	*imported = 0;
	/* residents are keyed by blind indexes (random): without the larger
	 * cache a big import writes and reads back pages all through */
	bulk_cache_rows(st, 1, json_array_size(rows));
	if ((rc = tx_begin(st)) != STORE_OK) {
		bulk_cache(st, 0);
		return rc;
	}
	/* the ids of every row at once (a rejected or updated row leaves a
	 * gap): one statement instead of two per row */
	long long next_id = 0;
	if (json_array_size(rows))
		rc = seq_take(st, "resident", (long long)json_array_size(rows), &next_id);
	/* as many households as rows at most (unused ids are gaps) */
	if (rc == STORE_OK && json_array_size(rows) &&
	    (rc = seq_take(st, "household", (long long)json_array_size(rows), &cache.next)) ==
		STORE_OK)
		cache.end = cache.next + (long long)json_array_size(rows);
	/* SQLite: foreign keys checked at the commit, not by each statement
	 * (which then needs no statement journal); every row's house was
	 * looked up and its household made before it goes in. A statement
	 * that fails ends the import (PostgreSQL: no savepoint each). */
	if (rc == STORE_OK && is_sqlite(st) && !in_bulk)
		rc = db_exec(st, "PRAGMA defer_foreign_keys = ON");
	db_no_savepoints(st);
	json_array_foreach(rows, i, row) {
		if (rc != STORE_OK)
			break;
		char id[HOUSEID_MAX];
		const char *hid = json_str(row, "house_id");
		if (!hid || houseid_normalize(hid, id) != HOUSEID_OK) {
			import_fail(rejected, row, "house_id",
				    "Mã định danh nhà không hợp lệ / invalid house ID");
			continue;
		}
		if (strcmp(id, last_house) != 0) {
			struct db_stmt *s = db_prepare(st, "SELECT unit, province FROM houses "
							   "WHERE id = $1");
			if (!s) {
				rc = STORE_ERROR;
				break;
			}
			db_bind_text(s, 1, id);
			int x = db_step(s);
			if (x == DB_ROW && sc &&
			    !scope_allows_house(sc, id, db_col_text(s, 0), db_col_text(s, 1)))
				x = DB_DONE; /* outside scope: as if absent */
			db_finish(s);
			if (x < 0) {
				rc = x;
				break;
			}
			if (x != DB_ROW) {
				import_fail(rejected, row, "house_id",
					    "Không có nhà mang mã định danh này / no house with this ID");
				continue;
			}
			memcpy(last_house, id, sizeof id);
		}
		rc = resident_put(st, k, id, row, &cache, next_id++, NULL);
		if (rc == STORE_INVALID) {
			import_fail(rejected, row, "cccd", "Số định danh cá nhân hoặc số điện thoại "
							   "không hợp lệ / invalid ID or phone number");
			rc = STORE_OK;
			continue;
		}
		if (rc != STORE_OK)
			break;
		(*imported)++;
	}
	rc = tx_end(st, rc);
	bulk_cache(st, 0);
	return rc;
}

/* ---- facilities -------------------------------------------------------------- */

static char *fac_insert_sql, *fac_update_sql;
static pthread_once_t fac_sql_once = PTHREAD_ONCE_INIT;

static void fac_sql_init(void)
{
	struct buf a = {0}, b = {0}, u = {0};
	int n = 5, un = 4;
	buf_puts(&a, "INSERT INTO facilities (id, name_folded, province, created_at, updated_at");
	buf_puts(&b, "VALUES ($1, $2, $3, $4, $5");
	buf_puts(&u, "UPDATE facilities SET name_folded = $2, province = $3, updated_at = $4, "
		     "version = version + 1");
	for (const struct rec_field *f = facility_fields; f->key; f++) {
		buf_printf(&a, ", %s", f->key);
		buf_printf(&b, ", $%d", ++n);
		buf_printf(&u, ", %s = $%d", f->key, ++un);
	}
	buf_puts(&a, ") ");
	buf_puts(&b, ")");
	buf_puts(&a, buf_str(&b));
	buf_puts(&u, " WHERE id = $1");
	fac_insert_sql = buf_take(&a);
	fac_update_sql = buf_take(&u);
	buf_free(&b);
}

static void fac_defaults(json_t *f)
{
	if (!json_is_string(json_object_get(f, "category_scheme")))
		json_object_set_new(f, "category_scheme", json_string("105/2025"));
	if (!json_is_string(json_object_get(f, "authority")))
		json_object_set_new(f, "authority", json_string("commune"));
	if (!json_is_array(json_object_get(f, "systems")))
		json_object_set_new(f, "systems", json_array());
	if (!json_is_array(json_object_get(f, "contacts")))
		json_object_set_new(f, "contacts", json_array());
	if (!json_is_string(json_object_get(f, "status")))
		json_object_set_new(f, "status", json_string("operating"));
	if (!json_is_boolean(json_object_get(f, "transmitter_connected")))
		json_object_set_new(f, "transmitter_connected", json_false());
	if (!json_is_boolean(json_object_get(f, "must_connect_transmitter")))
		json_object_set_new(f, "must_connect_transmitter",
				    json_boolean(facility_must_connect(
					json_str(f, "category_scheme"), json_str(f, "category"),
					json_object_get(f, "systems"))));
}

static char *fac_folded(json_t *f)
{
	struct buf b = {0};
	const char *parts[] = {json_str(f, "name"), json_str(f, "address"), json_str(f, "legal_rep")};
	for (int i = 0; i < 3; i++)
		if (parts[i]) {
			if (b.len)
				buf_putc(&b, ' ');
			fold_text(parts[i], strlen(parts[i]), &b);
		}
	if (!b.len)
		buf_puts(&b, "");
	return buf_take(&b);
}

static int fac_house_ok(struct store *st, json_t *f)
{
	const char *hid = json_str(f, "house_id");
	if (!hid)
		return STORE_OK;
	struct db_stmt *s = db_prepare(st, "SELECT 1 FROM houses WHERE id = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, hid);
	int rc = db_step(s);
	db_finish(s);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_INVALID : rc;
}

static int fac_insert(struct store *st, const struct scope *sc, json_t *f, long long num,
		      char id_out[40], const char **why)
{
	char province[4];
	int rc;

	pthread_once(&fac_sql_once, fac_sql_init);
	rc = unit_info(st, json_str(f, "unit"), province, NULL, NULL);
	if (rc == STORE_NOT_FOUND) {
		*why = "Mã xã/phường không tồn tại trong danh mục 2025 / not a 2025 commune code";
		return STORE_INVALID;
	}
	if (rc != STORE_OK)
		return rc;
	if (!unit_in_scope(st, sc, json_str(f, "unit"), province)) {
		*why = "Xã/phường ngoài phạm vi quản lý của bạn / commune outside your scope";
		return STORE_FORBIDDEN;
	}
	if ((rc = fac_house_ok(st, f)) != STORE_OK) {
		*why = "Không có nhà mang mã định danh này / no house with this ID";
		return rc;
	}
	fac_defaults(f);
	snprintf(id_out, 40, "CS%07lld", num);
	char *folded = fac_folded(f);
	struct db_stmt *s = db_prepare(st, fac_insert_sql);
	if (!s) {
		free(folded);
		return STORE_ERROR;
	}
	int64_t now = clock_now_s();
	db_bind_text(s, 1, id_out);
	db_bind_text(s, 2, folded);
	db_bind_text(s, 3, province);
	db_bind_int(s, 4, now);
	db_bind_int(s, 5, now);
	int n = 5;
	for (const struct rec_field *d = facility_fields; d->key; d++)
		bind_field(s, ++n, d, json_object_get(f, d->key));
	rc = db_step(s);
	db_finish(s);
	free(folded);
	return rc == DB_DONE ? STORE_OK : rc < 0 ? rc : STORE_ERROR;
}

static int fac_fetch(struct store *st, const char *id, json_t **out)
{
	struct db_stmt *s = db_prepare(st, "SELECT * FROM facilities WHERE id = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, id);
	int rc = db_step(s);
	if (rc == DB_ROW)
		*out = row_json(s, facility_fields, 0);
	db_finish(s);
	if (rc == DB_ROW) {
		decorate(*out, 0);
		return STORE_OK;
	}
	return rc == DB_DONE ? STORE_NOT_FOUND : rc;
}

int store_facility_get(struct store *st, const struct scope *sc, const char *id, json_t **out)
{
	json_t *f = NULL;
	*out = NULL;
	int rc = fac_fetch(st, id, &f);
	if (rc != STORE_OK)
		return rc;
	if (sc && !scope_allows_facility(sc, id, json_str(f, "unit"), json_str(f, "province"))) {
		json_decref(f);
		return STORE_NOT_FOUND;
	}
	*out = f;
	return STORE_OK;
}

int store_facility_create(struct store *st, const struct scope *sc, json_t *body, json_t **out)
{
	char id[40];
	const char *why = NULL;
	long long num = 0;
	json_t *f = json_deep_copy(body);
	*out = NULL;
	int rc = tx_begin(st);
	if (rc == STORE_OK) {
		rc = seq_take(st, "facility", 1, &num);
		if (rc == STORE_OK)
			rc = fac_insert(st, sc, f, num, id, &why);
		rc = tx_end(st, rc);
	}
	json_decref(f);
	if (rc != STORE_OK)
		return rc;
	return fac_fetch(st, id, out);
}

int store_facility_update(struct store *st, const struct scope *sc, const char *id,
			  json_t *merged, json_t **out)
{
	return store_facility_update_if(st, sc, id, merged, -1, out);
}

int store_facility_update_if(struct store *st, const struct scope *sc, const char *id,
			     json_t *merged, long long expect_version, json_t **out)
{
	json_t *cur = NULL, *f = NULL;
	char province[4];
	int rc;

	*out = NULL;
	pthread_once(&fac_sql_once, fac_sql_init);
	if ((rc = tx_begin(st)) != STORE_OK)
		return rc;
	if ((rc = store_facility_get(st, sc, id, &cur)) != STORE_OK)
		goto done;
	if (expect_version >= 0 &&
	    json_integer_value(json_object_get(cur, "version")) != expect_version) {
		rc = STORE_CONFLICT;
		goto done;
	}
	f = json_deep_copy(merged);
	rc = unit_info(st, json_str(f, "unit"), province, NULL, NULL);
	if (rc == STORE_NOT_FOUND)
		rc = STORE_INVALID;
	if (rc != STORE_OK)
		goto done;
	if (!unit_in_scope(st, sc, json_str(f, "unit"), province) &&
	    strcmp(json_str(f, "unit"), json_str(cur, "unit")) != 0) {
		rc = STORE_FORBIDDEN;
		goto done;
	}
	if ((rc = fac_house_ok(st, f)) != STORE_OK)
		goto done;
	fac_defaults(f);
	char *folded = fac_folded(f);
	struct db_stmt *s = db_prepare(st, fac_update_sql);
	if (!s) {
		free(folded);
		rc = STORE_ERROR;
		goto done;
	}
	db_bind_text(s, 1, id);
	db_bind_text(s, 2, folded);
	db_bind_text(s, 3, province);
	db_bind_int(s, 4, clock_now_s());
	int n = 4;
	for (const struct rec_field *d = facility_fields; d->key; d++)
		bind_field(s, ++n, d, json_object_get(f, d->key));
	rc = db_step(s);
	db_finish(s);
	free(folded);
	rc = rc == DB_DONE ? STORE_OK : rc < 0 ? rc : STORE_ERROR;
done:
	rc = tx_end(st, rc);
	json_decref(cur);
	json_decref(f);
	if (rc != STORE_OK)
		return rc;
	return fac_fetch(st, id, out);
}

int store_facilities_import(struct store *st, const struct scope *sc, json_t *rows, json_t *ids)
{
	size_t n = json_array_size(rows), i;
	long long num = 0;
	int rc = tx_begin(st);
	if (rc != STORE_OK)
		return rc;
	if (n)
		rc = seq_take(st, "facility", (long long)n, &num);
	for (i = 0; rc == STORE_OK && i < n; i++) {
		json_t *f = json_array_get(rows, i);
		json_t *rn = json_incref(json_object_get(f, "_row"));
		char id[40];
		const char *why = NULL;
		json_object_del(f, "_row");
		rc = fac_insert(st, sc, f, num + (long long)i, id, &why);
		if (rn)
			json_object_set_new(f, "_row", rn);
		if (rc != STORE_OK) {
			if (ids)
				import_fail(ids, f, json_object_get(f, "house_id") && why &&
							    strstr(why, "nhà") ? "house_id" : "unit",
					    why);
			break;
		}
		if (ids)
			json_array_append_new(ids, json_string(id));
	}
	return tx_end(st, rc);
}

/* Reads the rows of a list statement s (prepared with page_limit = limit)
 * into *items with row(s); with limit > 0 and one row more than that,
 * *next gets cursor(last item of the page). Finishes s. */
static int page_rows(struct db_stmt *s, int limit, json_t *(*row)(struct db_stmt *),
		     char *(*cursor)(json_t *last), json_t **items, char **next)
{
	json_t *arr = json_array();
	int rc, count = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (limit > 0 && count == limit) {
			*next = cursor(json_array_get(arr, (size_t)count - 1));
			break;
		}
		json_array_append_new(arr, row(s));
		count++;
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(arr);
		free(*next);
		*next = NULL;
		return rc;
	}
	*items = arr;
	return STORE_OK;
}

static json_t *facility_row(struct db_stmt *s)
{
	json_t *f = row_json(s, facility_fields, 0);
	decorate(f, 0);
	return f;
}

static char *facility_cursor(json_t *last)
{
	return xasprintf("f%s", json_str(last, "id"));
}

int store_facility_list(struct store *st, const struct scope *sc, const struct facility_query *q,
			json_t **items, char **next)
{
	struct qb b = {0};
	char *units = NULL, *fi = NULL, *likes[8] = {0}, *folded = NULL;
	char today[11];
	int nlikes = 0, rc;

	*items = NULL;
	*next = NULL;
	if (q->cursor && *q->cursor && (q->cursor[0] != 'f' || strlen(q->cursor) < 2))
		return STORE_INVALID;
	if ((rc = scope_units(st, sc, &units)) != STORE_OK)
		return rc;
	buf_puts(&b.sql, "SELECT * FROM facilities f WHERE 1 = 1");
	qb_scope(&b, sc, units, "f.unit", "f.id", sc ? sc->own_facility_id : NULL);
	if (q->unit) {
		buf_puts(&b.sql, " AND f.unit = ");
		qb_text(&b, q->unit);
	}
	if (q->category) {
		buf_puts(&b.sql, " AND f.category = ");
		qb_text(&b, q->category);
	}
	if (q->compliance) {
		buf_puts(&b.sql, " AND f.compliance = ");
		qb_text(&b, q->compliance);
	}
	if (q->status) {
		buf_puts(&b.sql, " AND f.status = ");
		qb_text(&b, q->status);
	}
	if (q->must_connect >= 0) {
		buf_puts(&b.sql, " AND f.must_connect_transmitter = ");
		qb_int(&b, q->must_connect);
	}
	if (q->connected >= 0) {
		buf_puts(&b.sql, " AND f.transmitter_connected = ");
		qb_int(&b, q->connected);
	}
	if (q->failing_item) {
		fi = xasprintf("%%\"%s\"%%", q->failing_item);
		buf_puts(&b.sql, " AND f.failing_items LIKE ");
		qb_text(&b, fi);
	}
	if (q->overdue) {
		rec_today(today);
		buf_puts(&b.sql, " AND (EXISTS (SELECT 1 FROM violations v WHERE v.target_kind = "
				 "'facility' AND v.target_id = f.id AND v.remediated_on IS NULL AND "
				 "v.deadline < ");
		qb_text(&b, today);
		buf_puts(&b.sql, ") OR EXISTS (SELECT 1 FROM penalties p WHERE p.facility_id = f.id "
				 "AND p.paid = 0 AND p.deadline < ");
		qb_text(&b, today);
		buf_puts(&b.sql, "))");
	}
	if (q->q) {
		folded = fold_dup(q->q);
		char *save = NULL;
		for (char *w = strtok_r(folded, " ", &save); w && nlikes < 8;
		     w = strtok_r(NULL, " ", &save)) {
			likes[nlikes] = xasprintf("%%%s%%", w);
			buf_puts(&b.sql, " AND f.name_folded LIKE ");
			qb_text(&b, likes[nlikes++]);
		}
	}
	if (q->cursor && *q->cursor) {
		buf_puts(&b.sql, " AND f.id > ");
		qb_text(&b, q->cursor + 1);
	}
	buf_puts(&b.sql, " ORDER BY f.id");
	b.page_limit = q->limit;
	struct db_stmt *s = qb_prepare(st, &b);
	rc = s ? page_rows(s, q->limit, facility_row, facility_cursor, items, next) : STORE_ERROR;
	buf_free(&b.sql);
	free(units);
	free(fi);
	free(folded);
	for (int i = 0; i < nlikes; i++)
		free(likes[i]);
	return rc;
}

/* ---- inspections ------------------------------------------------------------- */

/* The target's unit (copied) after a scope check. */
static int target_get(struct store *st, const struct scope *sc, const char *kind, const char *id,
		      char unit[8])
{
	json_t *t = NULL;
	int rc = strcmp(kind, "house") == 0 ? store_house_get(st, sc, id, &t)
					    : store_facility_get(st, sc, id, &t);
	if (rc == STORE_OK)
		snprintf(unit, 8, "%s", json_str(t, "unit") ? json_str(t, "unit") : "");
	json_decref(t);
	return rc;
}

static int exec_simple(struct db_stmt *s)
{
	if (!s)
		return STORE_ERROR;
	int rc = db_step(s);
	db_finish(s);
	return rc == DB_DONE || rc == DB_ROW ? STORE_OK : rc;
}

static int inspection_fetch(struct store *st, long long id, json_t **out)
{
	struct db_stmt *s = db_prepare(st, "SELECT * FROM inspections WHERE id = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, id);
	int rc = db_step(s);
	if (rc == DB_ROW)
		*out = row_json(s, NULL, 1);
	db_finish(s);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOT_FOUND : rc;
}

int store_inspection_add(struct store *st, const struct scope *sc, const char *target_kind,
			 const char *target_id, json_t *insp, json_t **out)
{
	char unit[8];
	long long id = 0;
	char *results = NULL, *failing = NULL;
	const char *table = strcmp(target_kind, "house") == 0 ? "houses" : "facilities";
	int rc;

	*out = NULL;
	if ((rc = tx_begin(st)) != STORE_OK)
		return rc;
	if ((rc = target_get(st, sc, target_kind, target_id, unit)) != STORE_OK)
		goto done;
	if ((rc = seq_take(st, "inspection", 1, &id)) != STORE_OK)
		goto done;
	results = json_dumps(json_object_get(insp, "results"), JSON_COMPACT);
	failing = json_dumps(json_object_get(insp, "failing_items"), JSON_COMPACT);
	const char *date = json_str(insp, "date");
	struct db_stmt *s = db_prepare(
	    st, "INSERT INTO inspections (id, target_kind, target_id, unit, kind, date, inspector, "
		"catalogue_version, results, compliance, failing_items, notes, created_at) VALUES "
		"($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)");
	if (!s) {
		rc = STORE_ERROR;
		goto done;
	}
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, target_kind);
	db_bind_text(s, 3, target_id);
	db_bind_text(s, 4, unit);
	db_bind_text(s, 5, json_str(insp, "kind"));
	db_bind_text(s, 6, date);
	db_bind_text(s, 7, json_str(insp, "inspector"));
	/* the catalogue version the checklist came from (API: a DB version;
	 * demo and generator: the built-in catalogue, version 1) */
	db_bind_text(s, 8, json_str(insp, "catalogue_version") ? json_str(insp, "catalogue_version")
							       : COMPLIANCE_CATALOGUE_VERSION);
	db_bind_text(s, 9, results);
	db_bind_text(s, 10, json_str(insp, "compliance"));
	db_bind_text(s, 11, failing);
	db_bind_text(s, 12, json_str(insp, "notes"));
	db_bind_int(s, 13, clock_now_s());
	if ((rc = exec_simple(s)) != STORE_OK)
		goto done;

	/* The latest inspection decides the target's compliance. */
	s = db_prepare(st, "SELECT id FROM inspections WHERE target_kind = $1 AND target_id = $2 "
			   "ORDER BY date DESC, id DESC LIMIT 1");
	if (!s) {
		rc = STORE_ERROR;
		goto done;
	}
	db_bind_text(s, 1, target_kind);
	db_bind_text(s, 2, target_id);
	rc = db_step(s);
	long long latest = rc == DB_ROW ? db_col_int(s, 0) : 0;
	db_finish(s);
	if (rc < 0)
		goto done;
	if (latest == id) {
		char *sql = xasprintf("UPDATE %s SET compliance = $2, failing_items = $3, "
				      "last_inspection_at = $4, updated_at = $5, "
				      "version = version + 1 WHERE id = $1",
				      table);
		s = db_prepare(st, sql);
		free(sql);
		if (s) {
			db_bind_text(s, 1, target_id);
			db_bind_text(s, 2, json_str(insp, "compliance"));
			db_bind_text(s, 3, failing);
			db_bind_text(s, 4, date);
			db_bind_int(s, 5, clock_now_s());
		}
		if ((rc = exec_simple(s)) != STORE_OK)
			goto done;
	}
	/* Violations: failing required items open one (unless open already);
	 * passing or not-applicable items close the open ones. */
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(insp, "results"), i, it) {
		const char *code = json_str(it, "code"), *res = json_str(it, "result");
		if (!code || !res)
			continue;
		if (strcmp(res, "fail") == 0 && json_is_true(json_object_get(it, "required"))) {
			s = db_prepare(st, "SELECT 1 FROM violations WHERE target_kind = $1 AND "
					   "target_id = $2 AND item_code = $3 AND remediated_on IS NULL");
			if (!s) {
				rc = STORE_ERROR;
				goto done;
			}
			db_bind_text(s, 1, target_kind);
			db_bind_text(s, 2, target_id);
			db_bind_text(s, 3, code);
			rc = db_step(s);
			db_finish(s);
			if (rc < 0)
				goto done;
			if (rc == DB_ROW)
				continue;
			long long vid;
			if ((rc = seq_take(st, "violation", 1, &vid)) != STORE_OK)
				goto done;
			const struct compliance_item_def *def = compliance_catalogue_find(code);
			const char *note = json_str(it, "note");
			s = db_prepare(st, "INSERT INTO violations (id, target_kind, target_id, unit, "
					   "inspection_id, item_code, description, found_on, deadline, "
					   "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
			if (s) {
				db_bind_int(s, 1, vid);
				db_bind_text(s, 2, target_kind);
				db_bind_text(s, 3, target_id);
				db_bind_text(s, 4, unit);
				db_bind_int(s, 5, id);
				db_bind_text(s, 6, code);
				db_bind_text(s, 7, note			     ? note
						   : json_str(it, "title_vi") ? json_str(it, "title_vi")
						   : def		      ? def->text_vi
									      : code);
				db_bind_text(s, 8, date);
				db_bind_text(s, 9, json_str(insp, "deadline"));
				db_bind_int(s, 10, clock_now_s());
			}
			if ((rc = exec_simple(s)) != STORE_OK)
				goto done;
		} else if (strcmp(res, "fail") != 0) {
			s = db_prepare(st, "UPDATE violations SET remediated_on = $4 WHERE "
					   "target_kind = $1 AND target_id = $2 AND item_code = $3 AND "
					   "remediated_on IS NULL AND found_on <= $4");
			if (s) {
				db_bind_text(s, 1, target_kind);
				db_bind_text(s, 2, target_id);
				db_bind_text(s, 3, code);
				db_bind_text(s, 4, date);
			}
			if ((rc = exec_simple(s)) != STORE_OK)
				goto done;
		}
	}
	rc = STORE_OK;
done:
	rc = tx_end(st, rc);
	free(results);
	free(failing);
	if (rc != STORE_OK)
		return rc;
	return inspection_fetch(st, id, out);
}

static int list_simple(struct store *st, const char *sql, const char *a, const char *b2,
		       json_t **items)
{
	struct db_stmt *s = db_prepare(st, sql);
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, a);
	if (b2)
		db_bind_text(s, 2, b2);
	json_t *arr = json_array();
	int rc;
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(arr, row_json(s, NULL, 1));
	db_finish(s);
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc;
	}
	*items = arr;
	return STORE_OK;
}

int store_inspection_list(struct store *st, const struct scope *sc, const char *target_kind,
			  const char *target_id, json_t **items)
{
	char unit[8];
	*items = NULL;
	int rc = target_get(st, sc, target_kind, target_id, unit);
	if (rc != STORE_OK)
		return rc;
	return list_simple(st, "SELECT * FROM inspections WHERE target_kind = $1 AND "
			       "target_id = $2 ORDER BY date DESC, id DESC",
			   target_kind, target_id, items);
}

static size_t strchr_count(const char *s, char c)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

/* "d2026-11-20_42" → date and id; 0, or -1 when malformed. */
static int insp_cursor_parse(const char *c, char date[11], long long *id)
{
	char *end;
	if (!c || c[0] != 'd' || strlen(c) < 13 || strlen(c) > 40 || c[11] != '_')
		return -1;
	memcpy(date, c + 1, 10);
	date[10] = '\0';
	if (!rec_date_valid(date) || c[12] < '1' || c[12] > '9')
		return -1;
	*id = strtoll(c + 12, &end, 10);
	return *end || *id <= 0 ? -1 : 0;
}

static json_t *insp_row(struct db_stmt *s)
{
	json_t *o = row_json(s, NULL, 1);
	decorate_compliance(o);
	return o;
}

static char *insp_cursor(json_t *last)
{
	return xasprintf("d%s_%lld", json_str(last, "date"),
			 (long long)json_integer_value(json_object_get(last, "id")));
}

int store_inspection_search(struct store *st, const struct scope *sc,
			    const struct inspection_query *q, json_t **items, char **next)
{
	struct qb b = {0};
	char *units = NULL, *fi = NULL, cdate[11];
	long long cid = 0;
	int rc;

	*items = NULL;
	*next = NULL;
	if (q->cursor && *q->cursor && insp_cursor_parse(q->cursor, cdate, &cid) != 0)
		return STORE_INVALID;
	if ((rc = scope_units(st, sc, &units)) != STORE_OK)
		return rc;
	/* the page of inspections first (newest first, on inspections_date),
	 * then the labels of its rows only */
	buf_puts(&b.sql, "SELECT i.id, i.target_kind, i.target_id, i.unit, u.name AS unit_name, "
			 "i.kind, i.date, i.inspector, i.catalogue_version, i.compliance, "
			 "i.failing_items, i.notes, "
			 "coalesce(h.address_text, f.name) AS target_label, "
			 "CASE WHEN f.id IS NOT NULL THEN f.address END AS target_address, "
			 "n.seq AS record_seq, n.year AS record_year "
			 "FROM (SELECT * FROM inspections i WHERE 1 = 1");
	if (sc && units) {
		/* a scope of many communes (a city): SQLite would read them all
		 * through inspections_unit and sort; "+" makes it walk
		 * inspections_date instead and stop at the page's end */
		int many = is_sqlite(st) && !q->unit && strchr_count(units, ',') >= FTS_MAX_UNITS;
		buf_puts(&b.sql, many ? " AND (+i.unit IN (SELECT value FROM json_each("
				      : " AND (i.unit IN (SELECT value FROM json_each(");
		qb_text(&b, units);
		buf_puts(&b.sql, "))");
		if (sc->own_house_id) {
			buf_puts(&b.sql, " OR (i.target_kind = 'house' AND i.target_id = ");
			qb_text(&b, sc->own_house_id);
			buf_puts(&b.sql, ")");
		}
		if (sc->own_facility_id) {
			buf_puts(&b.sql, " OR (i.target_kind = 'facility' AND i.target_id = ");
			qb_text(&b, sc->own_facility_id);
			buf_puts(&b.sql, ")");
		}
		buf_puts(&b.sql, ")");
	}
	const struct {
		const char *col, *val;
	} eq[] = {{"i.unit", q->unit},		   {"i.target_kind", q->target_kind},
		  {"i.kind", q->kind},		   {"i.compliance", q->compliance},
		  {"i.inspector", q->inspector}};
	for (size_t k = 0; k < sizeof eq / sizeof eq[0]; k++) {
		if (!eq[k].val)
			continue;
		buf_printf(&b.sql, " AND %s = ", eq[k].col);
		qb_text(&b, eq[k].val);
	}
	if (q->from) {
		buf_puts(&b.sql, " AND i.date >= ");
		qb_text(&b, q->from);
	}
	if (q->to) {
		buf_puts(&b.sql, " AND i.date <= ");
		qb_text(&b, q->to);
	}
	if (q->failing_item) {
		fi = xasprintf("%%\"%s\"%%", q->failing_item);
		buf_puts(&b.sql, " AND i.failing_items LIKE ");
		qb_text(&b, fi);
	}
	if (cid) {
		/* a row value: one range of inspections_date (an OR of two
		 * ranges would read and sort everything before the cursor) */
		buf_puts(&b.sql, " AND (i.date, i.id) < (");
		qb_text(&b, cdate);
		buf_puts(&b.sql, ", ");
		qb_int(&b, cid);
		buf_puts(&b.sql, ")");
	}
	buf_puts(&b.sql, " ORDER BY i.date DESC, i.id DESC");
	if (q->limit > 0) {
		/* one row more than the page: its presence means a next page */
		buf_puts(&b.sql, " LIMIT ");
		qb_int(&b, q->limit + 1);
	}
	buf_puts(&b.sql, ") i "
			 "LEFT JOIN houses h ON i.target_kind = 'house' AND h.id = i.target_id "
			 "LEFT JOIN facilities f ON i.target_kind = 'facility' AND f.id = i.target_id "
			 "LEFT JOIN units u ON u.scheme = '2025' AND u.code = i.unit "
			 "LEFT JOIN form_numbers n ON n.kind = 'inspection' AND n.record_id = i.id "
			 "ORDER BY i.date DESC, i.id DESC");
	struct db_stmt *s = qb_prepare(st, &b);
	rc = s ? page_rows(s, q->limit, insp_row, insp_cursor, items, next) : STORE_ERROR;
	buf_free(&b.sql);
	free(units);
	free(fi);
	return rc;
}

/* ---- enforcement --------------------------------------------------------------- */

static int fetch_by_id(struct store *st, const char *sql, long long id, json_t **out)
{
	struct db_stmt *s = db_prepare(st, sql);
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, id);
	int rc = db_step(s);
	if (rc == DB_ROW)
		*out = row_json(s, NULL, 1);
	db_finish(s);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOT_FOUND : rc;
}

static void bind_opt_text(struct db_stmt *s, int idx, json_t *o, const char *k)
{
	db_bind_text(s, idx, json_str(o, k));
}

int store_penalty_add(struct store *st, const struct scope *sc, const char *facility_id,
		      json_t *p, const char *by, json_t **out)
{
	char unit[8];
	long long id = 0;
	*out = NULL;
	int rc = tx_begin(st);
	if (rc != STORE_OK)
		return rc;
	if ((rc = target_get(st, sc, "facility", facility_id, unit)) != STORE_OK)
		goto done;
	if ((rc = seq_take(st, "penalty", 1, &id)) != STORE_OK)
		goto done;
	struct db_stmt *s = db_prepare(
	    st, "INSERT INTO penalties (id, facility_id, unit, number, date, amount, legal_basis, "
		"violation, paid, paid_on, deadline, issuer, created_by, created_at) VALUES ($1, $2, "
		"$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)");
	if (s) {
		db_bind_int(s, 1, id);
		db_bind_text(s, 2, facility_id);
		db_bind_text(s, 3, unit);
		bind_opt_text(s, 4, p, "number");
		bind_opt_text(s, 5, p, "date");
		db_bind_int(s, 6, json_integer_value(json_object_get(p, "amount")));
		bind_opt_text(s, 7, p, "legal_basis");
		bind_opt_text(s, 8, p, "violation");
		db_bind_int(s, 9, json_is_true(json_object_get(p, "paid")));
		bind_opt_text(s, 10, p, "paid_on");
		bind_opt_text(s, 11, p, "deadline");
		bind_opt_text(s, 12, p, "issuer");
		db_bind_text(s, 13, by);
		db_bind_int(s, 14, clock_now_s());
	}
	rc = exec_simple(s);
done:
	rc = tx_end(st, rc);
	if (rc != STORE_OK)
		return rc;
	return fetch_by_id(st, "SELECT * FROM penalties WHERE id = $1", id, out);
}

static int fac_set_status(struct store *st, const char *facility_id, const char *status)
{
	struct db_stmt *s = db_prepare(st, "UPDATE facilities SET status = $2, updated_at = $3, "
					   "version = version + 1 WHERE id = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, facility_id);
	db_bind_text(s, 2, status);
	db_bind_int(s, 3, clock_now_s());
	return exec_simple(s);
}

int store_suspension_add(struct store *st, const struct scope *sc, const char *facility_id,
			 json_t *sp, const char *by, json_t **out)
{
	char unit[8];
	long long id = 0;
	*out = NULL;
	int rc = tx_begin(st);
	if (rc != STORE_OK)
		return rc;
	if ((rc = target_get(st, sc, "facility", facility_id, unit)) != STORE_OK)
		goto done;
	if ((rc = seq_take(st, "suspension", 1, &id)) != STORE_OK)
		goto done;
	struct db_stmt *s = db_prepare(
	    st, "INSERT INTO suspensions (id, facility_id, unit, kind, number, date, from_date, "
		"to_date, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
		"$10, $11)");
	if (s) {
		db_bind_int(s, 1, id);
		db_bind_text(s, 2, facility_id);
		db_bind_text(s, 3, unit);
		bind_opt_text(s, 4, sp, "kind");
		bind_opt_text(s, 5, sp, "number");
		bind_opt_text(s, 6, sp, "date");
		bind_opt_text(s, 7, sp, "from_date");
		bind_opt_text(s, 8, sp, "to_date");
		bind_opt_text(s, 9, sp, "reason");
		db_bind_text(s, 10, by);
		db_bind_int(s, 11, clock_now_s());
	}
	if ((rc = exec_simple(s)) != STORE_OK)
		goto done;
	rc = fac_set_status(st, facility_id,
			    strcmp(json_str(sp, "kind"), "temporary") == 0 ? "temporarily_suspended"
									  : "suspended");
done:
	rc = tx_end(st, rc);
	if (rc != STORE_OK)
		return rc;
	return fetch_by_id(st, "SELECT * FROM suspensions WHERE id = $1", id, out);
}

int store_suspension_lift(struct store *st, const struct scope *sc, const char *facility_id,
			  long long suspension_id, const char *lifted_on, json_t **out)
{
	char unit[8];
	*out = NULL;
	int rc = tx_begin(st);
	if (rc != STORE_OK)
		return rc;
	if ((rc = target_get(st, sc, "facility", facility_id, unit)) != STORE_OK)
		goto done;
	struct db_stmt *s = db_prepare(st, "UPDATE suspensions SET lifted_on = $3 WHERE id = $1 "
					   "AND facility_id = $2 AND lifted_on IS NULL");
	if (s) {
		db_bind_int(s, 1, suspension_id);
		db_bind_text(s, 2, facility_id);
		db_bind_text(s, 3, lifted_on);
	}
	if ((rc = exec_simple(s)) != STORE_OK)
		goto done;
	if (db_changes(st) != 1) {
		rc = STORE_NOT_FOUND;
		goto done;
	}
	/* Still suspended by another open decision? */
	s = db_prepare(st, "SELECT kind FROM suspensions WHERE facility_id = $1 AND lifted_on IS "
			   "NULL ORDER BY CASE kind WHEN 'suspension' THEN 0 ELSE 1 END LIMIT 1");
	if (!s) {
		rc = STORE_ERROR;
		goto done;
	}
	db_bind_text(s, 1, facility_id);
	rc = db_step(s);
	char kind[16] = "";
	if (rc == DB_ROW)
		snprintf(kind, sizeof kind, "%s", db_col_text(s, 0));
	db_finish(s);
	if (rc < 0)
		goto done;
	rc = fac_set_status(st, facility_id,
			    !kind[0] ? "operating"
			    : strcmp(kind, "temporary") == 0 ? "temporarily_suspended"
							      : "suspended");
done:
	rc = tx_end(st, rc);
	if (rc != STORE_OK)
		return rc;
	return fetch_by_id(st, "SELECT * FROM suspensions WHERE id = $1", suspension_id, out);
}

int store_enforcement_overdue(struct store *st, const struct scope *sc, const char *unit,
			      const char *today, json_t **items)
{
	struct qb b = {0};
	char *units = NULL;
	int rc;
	*items = NULL;
	if ((rc = scope_units(st, sc, &units)) != STORE_OK)
		return rc;
	const char *own_h = sc ? sc->own_house_id : NULL, *own_f = sc ? sc->own_facility_id : NULL;
	buf_puts(&b.sql, "SELECT * FROM (SELECT 'violation' AS kind, v.id AS ref_id, v.target_kind, "
			 "v.target_id, v.unit, v.deadline, v.description, v.item_code AS reference "
			 "FROM violations v WHERE v.remediated_on IS NULL AND v.deadline IS NOT NULL "
			 "AND v.deadline < ");
	qb_text(&b, today);
	if (sc && units) {
		buf_puts(&b.sql, " AND (v.unit IN (SELECT value FROM json_each(");
		qb_text(&b, units);
		buf_puts(&b.sql, "))");
		if (own_h) {
			buf_puts(&b.sql, " OR (v.target_kind = 'house' AND v.target_id = ");
			qb_text(&b, own_h);
			buf_puts(&b.sql, ")");
		}
		if (own_f) {
			buf_puts(&b.sql, " OR (v.target_kind = 'facility' AND v.target_id = ");
			qb_text(&b, own_f);
			buf_puts(&b.sql, ")");
		}
		buf_puts(&b.sql, ")");
	}
	buf_puts(&b.sql, " UNION ALL SELECT 'penalty', p.id, 'facility', p.facility_id, p.unit, "
			 "p.deadline, p.violation, p.number FROM penalties p WHERE p.paid = 0 AND "
			 "p.deadline IS NOT NULL AND p.deadline < ");
	qb_text(&b, today);
	qb_scope(&b, sc, units, "p.unit", "p.facility_id", own_f);
	buf_puts(&b.sql, ") x WHERE 1 = 1");
	if (unit) {
		buf_puts(&b.sql, " AND x.unit = ");
		qb_text(&b, unit);
	}
	buf_puts(&b.sql, " ORDER BY x.deadline, x.kind, x.ref_id LIMIT 10000");
	struct db_stmt *s = qb_prepare(st, &b);
	json_t *arr = json_array();
	if (!s) {
		rc = STORE_ERROR;
		goto done;
	}
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *o = row_json(s, NULL, 0);
		json_object_set_new(o, "id", json_sprintf("%s-%lld", json_str(o, "kind"),
							   (long long)db_col_int(s, 1)));
		json_object_set_new(o, "ref_id", json_integer(db_col_int(s, 1)));
		json_array_append_new(arr, o);
	}
	db_finish(s);
	if (rc == DB_DONE) {
		rc = STORE_OK;
		*items = arr;
		arr = NULL;
	}
done:
	json_decref(arr);
	buf_free(&b.sql);
	free(units);
	return rc;
}

/* ---- fires ---------------------------------------------------------------------- */

int store_fire_add(struct store *st, const struct scope *sc, const char *target_kind,
		   const char *target_id, json_t *fire, json_t **out)
{
	char unit[8];
	long long id = 0;
	*out = NULL;
	int rc = tx_begin(st);
	if (rc != STORE_OK)
		return rc;
	if ((rc = target_get(st, sc, target_kind, target_id, unit)) != STORE_OK)
		goto done;
	if ((rc = seq_take(st, "fire", 1, &id)) != STORE_OK)
		goto done;
	struct db_stmt *s = db_prepare(
	    st, "INSERT INTO fire_history (id, target_kind, target_id, unit, date, kind, deaths, "
		"injuries, damage_vnd, cause, notes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
		"$8, $9, $10, $11, $12)");
	if (s) {
		json_t *dmg = json_object_get(fire, "damage_vnd");
		db_bind_int(s, 1, id);
		db_bind_text(s, 2, target_kind);
		db_bind_text(s, 3, target_id);
		db_bind_text(s, 4, unit);
		bind_opt_text(s, 5, fire, "date");
		db_bind_text(s, 6, json_str(fire, "kind") ? json_str(fire, "kind") : "fire");
		db_bind_int(s, 7, json_integer_value(json_object_get(fire, "deaths")));
		db_bind_int(s, 8, json_integer_value(json_object_get(fire, "injuries")));
		if (json_is_integer(dmg))
			db_bind_int(s, 9, json_integer_value(dmg));
		else
			db_bind_null(s, 9);
		bind_opt_text(s, 10, fire, "cause");
		bind_opt_text(s, 11, fire, "notes");
		db_bind_int(s, 12, clock_now_s());
	}
	rc = exec_simple(s);
done:
	rc = tx_end(st, rc);
	if (rc != STORE_OK)
		return rc;
	return fetch_by_id(st, "SELECT * FROM fire_history WHERE id = $1", id, out);
}

int store_fire_list(struct store *st, const struct scope *sc, const char *target_kind,
		    const char *target_id, json_t **items)
{
	char unit[8];
	*items = NULL;
	int rc = target_get(st, sc, target_kind, target_id, unit);
	if (rc != STORE_OK)
		return rc;
	return list_simple(st, "SELECT * FROM fire_history WHERE target_kind = $1 AND "
			       "target_id = $2 ORDER BY date DESC, id DESC",
			   target_kind, target_id, items);
}
