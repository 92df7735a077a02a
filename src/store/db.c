/* The statement layer of store/db.h as one set of functions over both
 * backends: a store-level call goes to the store's backend (store_ops.db),
 * a statement call to the backend that prepared the statement (every
 * backend's statement starts with a struct db_stmt naming its ops). The
 * backends themselves are in sqlite.c and pg.c. */
#include "store/db.h"

#include "core/log.h"
#include "store/store_impl.h"

static const struct db_ops *db_ops_of(struct store *st)
{
	if (!st || !st->ops->db) {
		log_error("db: store backend %s has no statement layer",
			  st ? st->ops->name : "(none)");
		return NULL;
	}
	return st->ops->db;
}

struct db_stmt *db_prepare(struct store *st, const char *sql)
{
	const struct db_ops *o = db_ops_of(st);
	return o ? o->prepare(st, sql) : NULL;
}

void db_bind_text(struct db_stmt *s, int idx, const char *v)
{
	s->ops->bind_text(s, idx, v);
}

void db_bind_blob(struct db_stmt *s, int idx, const void *p, size_t n)
{
	s->ops->bind_blob(s, idx, p, n);
}

void db_bind_int(struct db_stmt *s, int idx, int64_t v)
{
	s->ops->bind_int(s, idx, v);
}

void db_bind_double(struct db_stmt *s, int idx, double v)
{
	s->ops->bind_double(s, idx, v);
}

void db_bind_null(struct db_stmt *s, int idx)
{
	s->ops->bind_null(s, idx);
}

int db_step(struct db_stmt *s)
{
	return s->ops->step(s);
}

int db_col_count(struct db_stmt *s)
{
	return s->ops->col_count(s);
}

const char *db_col_name(struct db_stmt *s, int col)
{
	return s->ops->col_name(s, col);
}

int db_col_is_null(struct db_stmt *s, int col)
{
	return s->ops->col_is_null(s, col);
}

const char *db_col_text(struct db_stmt *s, int col)
{
	return s->ops->col_text(s, col);
}

const void *db_col_blob(struct db_stmt *s, int col, size_t *n)
{
	return s->ops->col_blob(s, col, n);
}

int64_t db_col_int(struct db_stmt *s, int col)
{
	return s->ops->col_int(s, col);
}

double db_col_double(struct db_stmt *s, int col)
{
	return s->ops->col_double(s, col);
}

void db_finish(struct db_stmt *s)
{
	if (s)
		s->ops->finish(s);
}

int db_exec(struct store *st, const char *sql)
{
	const struct db_ops *o = db_ops_of(st);
	return o ? o->exec(st, sql) : STORE_ERROR;
}

int db_begin(struct store *st)
{
	const struct db_ops *o = db_ops_of(st);
	return o ? o->begin(st) : STORE_ERROR;
}

int db_begin_write(struct store *st)
{
	const struct db_ops *o = db_ops_of(st);
	return o ? o->begin_write(st) : STORE_ERROR;
}

int db_commit(struct store *st)
{
	const struct db_ops *o = db_ops_of(st);
	return o ? o->commit(st) : STORE_ERROR;
}

int db_rollback(struct store *st)
{
	const struct db_ops *o = db_ops_of(st);
	return o ? o->rollback(st) : STORE_ERROR;
}

int64_t db_changes(struct store *st)
{
	const struct db_ops *o = db_ops_of(st);
	return o ? o->changes(st) : 0;
}

const char *db_backend(struct store *st)
{
	return st->ops->name;
}
