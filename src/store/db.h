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
/* For the rest of this thread's transaction, statements get no savepoint
 * each (PostgreSQL): a failed one then fails the transaction. For bulk
 * writes that stop at their first error: a savepoint is a subtransaction,
 * and past 64 of them in one transaction every snapshot check slows
 * down (a population import ran at 383 rows/s). Nothing on SQLite. */
void db_no_savepoints(struct store *st);
/* Rows changed by the last statement on this thread's connection. */
int64_t db_changes(struct store *st);

/* Bulk rows into one table, inside the current transaction: PostgreSQL's
 * COPY ... FROM STDIN in text format, sent in blocks of about 256 KiB —
 * no round trip and no savepoint per row, as a prepared INSERT has there.
 * NULL when the backend has no such path (SQLite, whose INSERT costs no
 * round trip) or the copy could not start. cols: "a, b, c"; each row
 * gives its values in that order, then db_copy_row_end.
 *	struct db_copy *c = db_copy_begin(st, "houses", "id, serial");
 *	db_copy_text(c, id); db_copy_int(c, serial); db_copy_row_end(c);
 *	rc = db_copy_end(c, 1, key, sizeof key);
 */
struct db_copy;
struct db_copy *db_copy_begin(struct store *st, const char *table, const char *cols);
void db_copy_text(struct db_copy *c, const char *v);   /* NULL → SQL NULL */
void db_copy_int(struct db_copy *c, int64_t v);
void db_copy_double(struct db_copy *c, double v);
void db_copy_null(struct db_copy *c);
/* STORE_OK, or the error of an earlier send (the copy is then failed). */
int db_copy_row_end(struct db_copy *c);
/* Sends the rest and ends the copy (ok 0: cancels it; the transaction is
 * then in error). STORE_OK when every row went in; else the store error of
 * the rows: STORE_CONFLICT for a duplicate key, with its "(column)=(value)"
 * from the server in key (may be empty), STORE_INVALID for a value or
 * check refused. Frees c (NULL: STORE_ERROR). */
int db_copy_end(struct db_copy *c, int ok, char *key, size_t keylen);

/* "sqlite" or "postgres": for the rare backend-specific statement. */
const char *db_backend(struct store *st);

#endif
