/* The store's statement layer: portable SQL written once, run by either
 * backend. Store functions of each concern (src/store/auth.c,
 * src/store/register.c, src/store/alarm.c ...) prepare SQL with $1, $2...
 * placeholders, bind values, step through rows and read columns; the
 * backend (sqlite.c now, pg.c later) caches prepared statements per
 * connection and per thread. Handlers never include this file: only
 * src/store does.
 *
 * Usage:
 *	struct db_stmt *s = db_prepare(st, "select name from units where code = $1");
 *	if (!s) return STORE_ERROR;
 *	db_bind_text(s, 1, code);
 *	int rc = db_step(s);            // DB_ROW, DB_DONE, or < 0
 *	if (rc == DB_ROW) name = xstrdup(db_col_text(s, 0));
 *	db_finish(s);                   // always: resets and returns to the cache
 */
#ifndef PCCC_STORE_DB_H
#define PCCC_STORE_DB_H
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct db_stmt;

enum db_step_rc {
	DB_ROW = 1,
	DB_DONE = 0,
	/* negative: enum store_err (STORE_ERROR, STORE_CONFLICT for a unique
	 * or primary key violation, STORE_INVALID for a check/foreign key) */
};

/* NULL on a SQL error (logged). The statement belongs to this thread's
 * connection; finish it before the function returns. */
struct db_stmt *db_prepare(struct store *st, const char *sql);
void db_bind_text(struct db_stmt *s, int idx, const char *v);   /* NULL → SQL NULL */
void db_bind_blob(struct db_stmt *s, int idx, const void *p, size_t n);
void db_bind_int(struct db_stmt *s, int idx, int64_t v);
void db_bind_double(struct db_stmt *s, int idx, double v);
void db_bind_null(struct db_stmt *s, int idx);
int db_step(struct db_stmt *s);
/* Columns of the current row, 0-based. Text is borrowed until the next
 * step or finish; NULL for SQL NULL. */
int db_col_count(struct db_stmt *s);
const char *db_col_name(struct db_stmt *s, int col);
int db_col_is_null(struct db_stmt *s, int col);
const char *db_col_text(struct db_stmt *s, int col);
const void *db_col_blob(struct db_stmt *s, int col, size_t *n);
int64_t db_col_int(struct db_stmt *s, int col);
double db_col_double(struct db_stmt *s, int col);
void db_finish(struct db_stmt *s);

/* Runs SQL without results (may hold several statements, no parameters). */
int db_exec(struct store *st, const char *sql);
/* Transactions on this thread's connection. begin_write takes the write
 * lock at once (SQLite BEGIN IMMEDIATE). Nested begins are an error. */
int db_begin(struct store *st);
int db_begin_write(struct store *st);
int db_commit(struct store *st);
int db_rollback(struct store *st);
/* Rows changed by the last statement on this thread's connection. */
int64_t db_changes(struct store *st);
/* "sqlite" or "postgres": for the rare backend-specific statement. */
const char *db_backend(struct store *st);

#endif
