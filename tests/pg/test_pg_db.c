/* The statement layer of store/db.h on PostgreSQL (src/store/pg.c), against
 * the throwaway cluster of tests/pg/run.sh (PCCC_PG_URL: an empty database;
 * run.sh builds and runs this file). Checks the type rules of parameters
 * and columns, the mapping of constraint errors, a failed statement inside
 * a transaction undoing only itself, transactions, db_changes, json_each
 * over a text array, column names before the first step, serialised
 * writers on two threads, the statement cache flush keeping a statement
 * in use, and bulk rows by db_copy (escapes, NULLs, numbers, a duplicate
 * key named and undoing only the copy, a cancelled copy, and no copy on
 * SQLite), and a transaction without statement savepoints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <cmocka.h>

#include "store/db.h"
#include "store/store.h"

static struct store *st;

static int setup(void **state)
{
	(void)state;
	const char *url = getenv("PCCC_PG_URL");
	if (!url || store_open(url, &st) != STORE_OK)
		return -1;
	if (store_migrate(st, NULL) != STORE_OK)
		return -1;
	return db_exec(st, "CREATE TABLE t (k BIGINT PRIMARY KEY, d DOUBLE PRECISION, s TEXT, "
			   "b BYTEA, c INTEGER CHECK (c > 0))");
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	return 0;
}

static int run1(const char *sql, int64_t k, int c)
{
	struct db_stmt *s = db_prepare(st, sql);
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, k);
	db_bind_int(s, 2, c);
	int rc = db_step(s);
	db_finish(s);
	return rc;
}

static int64_t count_rows(void)
{
	struct db_stmt *s = db_prepare(st, "SELECT count(*) FROM t");
	int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
	db_finish(s);
	return n;
}

static void test_backend(void **state)
{
	(void)state;
	assert_string_equal(db_backend(st), "postgres");
	assert_string_equal(store_backend_name(st), "postgres");
}

static void test_types_round_trip(void **state)
{
	(void)state;
	static const unsigned char blob[] = {0, 1, 2, 0xff, 0, 'x'};
	struct db_stmt *s = db_prepare(st, "INSERT INTO t (k, d, s, b, c) VALUES ($1, $2, $3, $4, $5)");
	assert_non_null(s);
	db_bind_int(s, 1, 5000000000LL);
	db_bind_double(s, 2, 21.0285);
	db_bind_text(s, 3, "Phường Đống Đa");
	db_bind_blob(s, 4, blob, sizeof blob);
	db_bind_int(s, 5, 7);
	assert_int_equal(db_step(s), DB_DONE);
	db_finish(s);
	assert_int_equal(db_changes(st), 1);

	s = db_prepare(st, "SELECT k, d, s, b, c > 5, NULL, k * 2 FROM t WHERE ($1 = 0 OR k = $1)");
	db_bind_int(s, 1, 5000000000LL);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 5000000000LL);
	assert_true(db_col_double(s, 1) > 21.0284 && db_col_double(s, 1) < 21.0286);
	assert_string_equal(db_col_text(s, 2), "Phường Đống Đa");
	size_t n = 0;
	const unsigned char *b = db_col_blob(s, 3, &n);
	assert_int_equal(n, sizeof blob);
	assert_memory_equal(b, blob, sizeof blob);
	assert_int_equal(db_col_int(s, 4), 1);          /* boolean reads 1 */
	assert_string_equal(db_col_text(s, 4), "1");
	assert_true(db_col_is_null(s, 5));
	assert_null(db_col_text(s, 5));
	assert_int_equal(db_col_int(s, 6), 10000000000LL);
	assert_int_equal(db_step(s), DB_DONE);
	db_finish(s);
	/* NULL blob and non-finite double are NULL */
	s = db_prepare(st, "SELECT $1::bytea IS NULL, $2::float8 IS NULL");
	db_bind_blob(s, 1, NULL, 0);
	db_bind_double(s, 2, 1.0 / 0.0);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 1);
	assert_int_equal(db_col_int(s, 1), 1);
	db_finish(s);
}

static void test_parameter_inference(void **state)
{
	(void)state;
	/* a parameter with no context ($1 IS NULL first) is taken as text */
	struct db_stmt *s = db_prepare(st, "SELECT count(*) FROM t WHERE ($1 IS NULL OR s = $1)");
	db_bind_text(s, 1, NULL);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), count_rows());
	db_finish(s);
	s = db_prepare(st, "SELECT count(*) FROM t WHERE ($1 IS NULL OR s = $1)");
	db_bind_text(s, 1, "nothing like this");
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 0);
	db_finish(s);
	/* an integer compared with text, as SQLite allows */
	s = db_prepare(st, "SELECT count(*) FROM units WHERE code = $1");
	db_bind_int(s, 1, 364);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 0);
	db_finish(s);
	/* json_each over a text array (scope filters) */
	s = db_prepare(st, "SELECT count(*) FROM t WHERE "
			   "($1 IS NULL OR s IN (SELECT value FROM json_each($1)))");
	db_bind_text(s, 1, "[\"Phường Đống Đa\",\"nope\"]");
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 1);
	db_finish(s);
	s = db_prepare(st, "SELECT count(*) FROM t WHERE "
			   "($1 IS NULL OR s IN (SELECT value FROM json_each($1)))");
	db_bind_text(s, 1, "[]");
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 0);
	db_finish(s);
	/* a syntax error is an error, not a crash */
	s = db_prepare(st, "SELEKT nonsense");
	assert_non_null(s);
	assert_int_equal(db_step(s), STORE_ERROR);
	db_finish(s);
}

static void test_columns_before_step(void **state)
{
	(void)state;
	struct db_stmt *s = db_prepare(st, "SELECT k, s AS label FROM t WHERE k = $1");
	db_bind_int(s, 1, 1);
	assert_int_equal(db_col_count(s), 2);
	assert_string_equal(db_col_name(s, 1), "label");
	assert_int_equal(db_step(s), DB_DONE);
	db_finish(s);
}

static void test_constraint_errors(void **state)
{
	(void)state;
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 1, 1), DB_DONE);
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 1, 1), STORE_CONFLICT);
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 2, -1), STORE_INVALID);
	assert_int_equal(run1("INSERT INTO account_communes (account_id, commune) VALUES ($1, "
			      "CAST($2 AS TEXT))", 987654, 1),
			 STORE_INVALID); /* foreign key */
}

static void test_failed_statement_undoes_only_itself(void **state)
{
	(void)state;
	int64_t before = count_rows();
	assert_int_equal(db_begin_write(st), STORE_OK);
	assert_int_equal(db_begin(st), STORE_ERROR); /* nested */
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 100, 1), DB_DONE);
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 100, 1), STORE_CONFLICT);
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 101, 0), STORE_INVALID);
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 102, 1), DB_DONE);
	assert_int_equal(run1("UPDATE t SET c = c + $2 WHERE k >= $1 AND k < 200", 100, 1), DB_DONE);
	assert_int_equal(db_changes(st), 2);
	assert_int_equal(db_commit(st), STORE_OK);
	assert_int_equal(count_rows(), before + 2);
	/* rollback discards */
	assert_int_equal(db_begin_write(st), STORE_OK);
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 103, 1), DB_DONE);
	assert_int_equal(db_rollback(st), STORE_OK);
	assert_int_equal(count_rows(), before + 2);
	/* a transaction a failed read broke cannot commit, and ends */
	assert_int_equal(db_begin(st), STORE_OK);
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 104, 1), DB_DONE);
	struct db_stmt *s = db_prepare(st, "SELECT 1 / (k - k) FROM t");
	assert_true(db_step(s) < 0);
	db_finish(s);
	assert_int_equal(db_commit(st), STORE_ERROR);
	assert_int_equal(count_rows(), before + 2);
	assert_int_equal(db_begin(st), STORE_OK);
	assert_int_equal(db_commit(st), STORE_OK);
}

static void test_audit_append_only(void **state)
{
	(void)state;
	assert_int_equal(db_exec(st, "INSERT INTO audit (seq, ts_ms, action, prev_hash, hash) "
				     "VALUES (1, 0, 'test', 'x', 'y')"), STORE_OK);
	assert_int_equal(db_exec(st, "UPDATE audit SET action = 'z'"), STORE_ERROR);
	assert_int_equal(db_exec(st, "DELETE FROM audit"), STORE_ERROR);
}

#define WRITES 40

static void *writer(void *arg)
{
	int *fails = arg;
	for (int i = 0; i < WRITES; i++) {
		if (db_begin_write(st) != STORE_OK) {
			(*fails)++;
			continue;
		}
		struct db_stmt *s = db_prepare(st, "SELECT coalesce(max(k), 0) + 1 FROM t");
		int64_t k = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
		db_finish(s);
		int rc = run1("INSERT INTO t (k, c) VALUES ($1, $2)", k, 1);
		if (rc != DB_DONE || db_commit(st) != STORE_OK) {
			db_rollback(st);
			(*fails)++;
		}
	}
	return NULL;
}

static void test_writers_serialised(void **state)
{
	(void)state;
	pthread_t th[2];
	int fails[2] = {0, 0};
	int64_t before = count_rows();
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, writer, &fails[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(fails[0] + fails[1], 0);
	assert_int_equal(count_rows(), before + 2 * WRITES);
}

static void test_cache_flush_keeps_statement_in_use(void **state)
{
	(void)state;
	struct db_stmt *held = db_prepare(st, "SELECT k FROM t ORDER BY k");
	assert_int_equal(db_step(held), DB_ROW);
	int64_t first = db_col_int(held, 0);
	char sql[64];
	for (int i = 0; i < 1700; i++) {
		snprintf(sql, sizeof sql, "SELECT $1 + %d", i);
		struct db_stmt *s = db_prepare(st, sql);
		assert_non_null(s);
		db_bind_int(s, 1, 1);
		assert_int_equal(db_step(s), DB_ROW);
		assert_int_equal(db_col_int(s, 0), i + 1);
		db_finish(s);
	}
	int n = 1;
	int64_t last = first;
	while (db_step(held) == DB_ROW) {
		assert_true(db_col_int(held, 0) > last);
		last = db_col_int(held, 0);
		n++;
	}
	db_finish(held);
	assert_int_equal(n, count_rows());
}

static void test_copy(void **state)
{
	(void)state;
	static const char *const texts[] = {"tab\there", "line\nbreak\r\nCRLF", "back\\slash",
					    "\\.", "\\N", "Phường Đống Đa", ""};
	int n = (int)(sizeof texts / sizeof *texts);
	char key[96];
	int64_t before = count_rows();

	assert_null(db_copy_begin(st, "t", "k, s")); /* outside a transaction */
	assert_int_equal(db_begin_write(st), STORE_OK);
	struct db_copy *c = db_copy_begin(st, "t", "k, d, s, c");
	assert_non_null(c);
	for (int i = 0; i < n; i++) {
		db_copy_int(c, 7000 + i);
		db_copy_double(c, i == 0 ? 21.028511 : -1e-300);
		db_copy_text(c, texts[i]);
		if (i == 1)
			db_copy_null(c);
		else
			db_copy_int(c, i + 1);
		assert_int_equal(db_copy_row_end(c), STORE_OK);
	}
	db_copy_int(c, 7100);
	db_copy_null(c);
	db_copy_text(c, NULL);
	db_copy_int(c, 1);
	assert_int_equal(db_copy_row_end(c), STORE_OK);
	assert_int_equal(db_copy_end(c, 1, key, sizeof key), STORE_OK);
	assert_string_equal(key, "");
	assert_int_equal(db_changes(st), n + 1);
	/* a duplicate key fails the copy alone, naming the key */
	c = db_copy_begin(st, "t", "k, c");
	for (int64_t k = 7200; k < 7203; k++) {
		db_copy_int(c, k == 7202 ? 7003 : k);
		db_copy_int(c, 1);
		db_copy_row_end(c);
	}
	assert_int_equal(db_copy_end(c, 1, key, sizeof key), STORE_CONFLICT);
	assert_string_equal(key, "(k)=(7003)");
	/* a check refused; a cancelled copy */
	c = db_copy_begin(st, "t", "k, c");
	db_copy_int(c, 7300);
	db_copy_int(c, -5);
	db_copy_row_end(c);
	assert_int_equal(db_copy_end(c, 1, key, sizeof key), STORE_INVALID);
	c = db_copy_begin(st, "t", "k, c");
	db_copy_int(c, 7301);
	db_copy_int(c, 1);
	db_copy_row_end(c);
	assert_int_equal(db_copy_end(c, 0, key, sizeof key), STORE_ERROR);
	assert_int_equal(db_copy_end(NULL, 1, key, sizeof key), STORE_ERROR);
	/* the transaction goes on and commits the first copy only */
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 7400, 1), DB_DONE);
	assert_int_equal(db_commit(st), STORE_OK);
	assert_int_equal(count_rows(), before + n + 2);

	struct db_stmt *s = db_prepare(st, "SELECT k, d, s, c FROM t WHERE k >= 7000 AND k < 7200 "
					   "ORDER BY k");
	for (int i = 0; i < n; i++) {
		assert_int_equal(db_step(s), DB_ROW);
		assert_int_equal(db_col_int(s, 0), 7000 + i);
		if (i == 0)
			assert_true(db_col_double(s, 1) == 21.028511);
		else
			assert_true(db_col_double(s, 1) == -1e-300);
		assert_string_equal(db_col_text(s, 2), texts[i]);
		assert_int_equal(db_col_is_null(s, 3), i == 1);
	}
	assert_int_equal(db_step(s), DB_ROW);
	assert_true(db_col_is_null(s, 1) && db_col_is_null(s, 2));
	assert_int_equal(db_step(s), DB_DONE);
	db_finish(s);

	/* SQLite has no bulk path: its INSERT costs no round trip */
	struct store *lite;
	char dir[] = "/tmp/pccc-copy-XXXXXX", url[64];
	assert_non_null(mkdtemp(dir));
	snprintf(url, sizeof url, "%s/x.db", dir);
	assert_int_equal(store_open(url, &lite), STORE_OK);
	assert_int_equal(db_begin_write(lite), STORE_OK);
	assert_null(db_copy_begin(lite, "t", "k"));
	db_rollback(lite);
	store_close(lite);
	unlink(url);
	rmdir(dir);
}

static void test_no_savepoints(void **state)
{
	(void)state;
	int64_t before = count_rows();
	/* without statement savepoints a failed statement fails the whole
	 * transaction */
	assert_int_equal(db_begin_write(st), STORE_OK);
	db_no_savepoints(st);
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 8000, 1), DB_DONE);
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 8000, 1), STORE_CONFLICT);
	assert_true(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 8001, 1) < 0);
	assert_int_equal(db_commit(st), STORE_ERROR);
	assert_int_equal(count_rows(), before);
	/* the next transaction has them again */
	assert_int_equal(db_begin_write(st), STORE_OK);
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 8000, 1), DB_DONE);
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 8000, 1), STORE_CONFLICT);
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 8001, 1), DB_DONE);
	assert_int_equal(db_commit(st), STORE_OK);
	assert_int_equal(count_rows(), before + 2);
	/* outside a transaction it is nothing */
	db_no_savepoints(st);
	assert_int_equal(db_begin_write(st), STORE_OK);
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 8001, 1), STORE_CONFLICT);
	assert_int_equal(run1("INSERT INTO t (k, c) VALUES ($1, $2)", 8002, 1), DB_DONE);
	assert_int_equal(db_commit(st), STORE_OK);
	assert_int_equal(count_rows(), before + 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backend),
		cmocka_unit_test(test_types_round_trip),
		cmocka_unit_test(test_parameter_inference),
		cmocka_unit_test(test_columns_before_step),
		cmocka_unit_test(test_constraint_errors),
		cmocka_unit_test(test_failed_statement_undoes_only_itself),
		cmocka_unit_test(test_audit_append_only),
		cmocka_unit_test(test_writers_serialised),
		cmocka_unit_test(test_cache_flush_keeps_statement_in_use),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_no_savepoints),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
