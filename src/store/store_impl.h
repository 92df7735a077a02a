/* Private to src/store: the backend interface behind store.h (a struct of
 * function pointers, like OpenSMTPD's struct table_backend) and the helpers
 * every backend shares (migration list, unit cursors, seed rows). Nothing
 * outside src/store includes this file. */
#ifndef PCCC_STORE_STORE_IMPL_H
#define PCCC_STORE_STORE_IMPL_H
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

#include "store/store.h"

/* One embedded migration, sql/NNN_name.sql. */
struct store_migration {
	int version;       /* NNN */
	const char *name;  /* "NNN_name" (borrowed from the builtin table) */
	const char *sql;   /* script text, NUL-terminated */
};

/* A legacy unit → 2025 unit pair from the seed. */
struct store_succ {
	const char *legacy_code, *new_code;
};

/* Key of the unit list order (2025 first, best match, folded name, code),
 * carried in an opaque cursor. */
struct store_unit_key {
	int scheme_ord;    /* 0 = 2025, 1 = legacy */
	int match_ord;     /* 0 exact, 1 prefix, 2 other (0 without q) */
	char *name_core;   /* folded name without its type prefix */
	char *code;
};

/* The statement layer of store/db.h, per backend. Every backend's statement
 * object starts with a struct db_stmt naming its ops, so src/store/db.c
 * dispatches both store-level calls (through store_ops.db) and statement
 * calls (through the statement) to the backend that made it. */
struct db_stmt {
	const struct db_ops *ops;
};

struct db_ops {
	struct db_stmt *(*prepare)(struct store *st, const char *sql);
	void (*bind_text)(struct db_stmt *s, int idx, const char *v);
	void (*bind_blob)(struct db_stmt *s, int idx, const void *p, size_t n);
	void (*bind_int)(struct db_stmt *s, int idx, int64_t v);
	void (*bind_double)(struct db_stmt *s, int idx, double v);
	void (*bind_null)(struct db_stmt *s, int idx);
	int (*step)(struct db_stmt *s);
	int (*col_count)(struct db_stmt *s);
	const char *(*col_name)(struct db_stmt *s, int col);
	int (*col_is_null)(struct db_stmt *s, int col);
	const char *(*col_text)(struct db_stmt *s, int col);
	const void *(*col_blob)(struct db_stmt *s, int col, size_t *n);
	int64_t (*col_int)(struct db_stmt *s, int col);
	double (*col_double)(struct db_stmt *s, int col);
	void (*finish)(struct db_stmt *s);
	int (*exec)(struct store *st, const char *sql);
	int (*begin)(struct store *st);
	int (*begin_write)(struct store *st);
	int (*commit)(struct store *st);
	int (*rollback)(struct store *st);
	int64_t (*changes)(struct store *st);
	void (*no_savepoints)(struct store *st); /* NULL: nothing to do */
	/* db_copy_* (NULL when the backend has no bulk path): starts
	 * sql (a COPY ... FROM STDIN), sends text-format rows, ends it */
	void *(*copy_begin)(struct store *st, const char *sql);
	int (*copy_put)(void *h, const char *data, size_t n);
	int (*copy_end)(void *h, int ok, char *key, size_t keylen);
};

struct store_ops {
	const char *name;
	const struct db_ops *db;   /* the statement layer on this backend */
	int (*open)(const char *url, void **impl);
	void (*close)(void *impl);
	/* Applies each migration not yet recorded, each in one transaction;
	 * list is sorted by version. */
	int (*migrate)(void *impl, const struct store_migration *list, size_t n, int *applied);
	int (*meta_get)(void *impl, const char *key, char **out);
	int (*meta_set)(void *impl, const char *key, const char *value);
};

/* Units on the statement layer, one implementation for every backend
 * (src/store/units.c); store.c's store_unit_* check arguments and call
 * these. */
int store_units_db_get(struct store *st, const char *scheme, const char *code, json_t **out);
int store_units_db_list(struct store *st, const struct unit_query *q, json_t **items,
			char **next);
int store_units_db_successors(struct store *st, const char *legacy_code, json_t **items);
/* Rows in the units table. */
int store_units_db_count(struct store *st, long long *n);
/* One transaction: upserts rows, replaces all successor pairs, stores
 * version under meta "units_seed_version", bumps "units_version". */
int store_units_db_seed(struct store *st, const struct unit_row *rows, size_t n,
			const struct store_succ *succ, size_t nsucc, const char *version);
/* One transaction, all or nothing; bumps "units_version". */
int store_units_db_upsert(struct store *st, const struct unit_row *rows, size_t n);

struct store {
	const struct store_ops *ops;
	void *impl;
	/* Units generation (see store_units_generation). */
	_Atomic uint64_t units_gen;
	_Atomic int64_t units_checked_ms;
	char units_version[32];       /* last seen meta units_version */
	pthread_mutex_t units_lock;   /* guards units_version */
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/* Cursors: the key as an opaque [A-Za-z0-9_-] string (heap), and back.
 * decode returns -1 for anything that is not a cursor this store wrote;
 * on success the caller frees key->name_core and key->code. */
char *store_cursor_encode(const struct store_unit_key *key);
int store_cursor_decode(const char *cursor, struct store_unit_key *key);

/* Folded name without its type prefix ("Quận Đống Đa", "Quận" → "dong da"). */
char *store_unit_name_core(const char *name, const char *type);
/* Checks one unit row for imports and the seed; -1 when refused. */
int store_unit_row_check(const struct unit_row *r);

/* The meta key bumped on every units write, and the seed version key. */
#define STORE_META_UNITS_VERSION "units_version"
#define STORE_META_UNITS_SEED "units_seed_version"

#endif
