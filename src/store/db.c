/* The statement layer of store/db.h as one set of functions over both
 * backends: a store-level call goes to the store's backend (store_ops.db),
 * a statement call to the backend that prepared the statement (every
 * backend's statement starts with a struct db_stmt naming its ops). The
 * backends themselves are in sqlite.c and pg.c. */
#include "store/db.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/alloc.h"
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

void db_no_savepoints(struct store *st)
{
	const struct db_ops *o = db_ops_of(st);
	if (o && o->no_savepoints)
		o->no_savepoints(st);
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

/* ---- bulk rows (COPY) ----------------------------------------------------- */

#define COPY_BLOCK (256 * 1024)

struct db_copy {
	const struct db_ops *o;
	void *h;
	struct buf b;
	int cols;        /* values given in the current row */
	int rc;          /* the first send error */
};

struct db_copy *db_copy_begin(struct store *st, const char *table, const char *cols)
{
	const struct db_ops *o = db_ops_of(st);
	if (!o || !o->copy_begin)
		return NULL;
	char *sql = xasprintf("COPY %s (%s) FROM STDIN", table, cols);
	void *h = o->copy_begin(st, sql);
	free(sql);
	if (!h)
		return NULL;
	struct db_copy *c = xcalloc(1, sizeof *c);
	c->o = o;
	c->h = h;
	buf_reserve(&c->b, COPY_BLOCK + 4096);
	return c;
}

static void copy_sep(struct db_copy *c)
{
	if (c->cols++)
		buf_putc(&c->b, '\t');
}

void db_copy_text(struct db_copy *c, const char *v)
{
	if (!v) {
		db_copy_null(c);
		return;
	}
	copy_sep(c);
	/* text format: backslash, tab, newline and carriage return escaped */
	const char *run = v;
	for (const char *p = v; *p; p++) {
		const char *esc = *p == '\\' ? "\\\\" : *p == '\t' ? "\\t" : *p == '\n' ? "\\n"
				: *p == '\r' ? "\\r" : NULL;
		if (!esc)
			continue;
		buf_append(&c->b, run, (size_t)(p - run));
		buf_puts(&c->b, esc);
		run = p + 1;
	}
	buf_puts(&c->b, run);
}

void db_copy_int(struct db_copy *c, int64_t v)
{
	copy_sep(c);
	buf_printf(&c->b, "%" PRId64, v);
}

void db_copy_double(struct db_copy *c, double v)
{
	copy_sep(c);
	buf_printf(&c->b, "%.17g", v);
}

void db_copy_null(struct db_copy *c)
{
	copy_sep(c);
	buf_puts(&c->b, "\\N");
}

static int copy_flush(struct db_copy *c)
{
	if (c->rc == STORE_OK && c->b.len)
		c->rc = c->o->copy_put(c->h, c->b.data, c->b.len);
	buf_reset(&c->b);
	return c->rc;
}

int db_copy_row_end(struct db_copy *c)
{
	buf_putc(&c->b, '\n');
	c->cols = 0;
	if (c->b.len >= COPY_BLOCK)
		return copy_flush(c);
	return c->rc;
}

int db_copy_end(struct db_copy *c, int ok, char *key, size_t keylen)
{
	if (keylen)
		key[0] = '\0';
	if (!c)
		return STORE_ERROR;
	if (ok)
		copy_flush(c);
	int rc = c->o->copy_end(c->h, ok && c->rc == STORE_OK, key, keylen);
	if (rc == STORE_OK && c->rc != STORE_OK)
		rc = c->rc;
	buf_free(&c->b);
	free(c);
	return rc;
}
