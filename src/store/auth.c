/* Accounts, sessions and the audit trail on the portable statement layer
 * (see auth.h). Every SQL text here runs on SQLite and PostgreSQL: ids are
 * max + 1 inside a write transaction, booleans are 0/1 integers, times are
 * integer milliseconds. */
#include "store/auth.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/pii.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/fold.h"
#include "core/log.h"
#include "store/db.h"

#define NO_LIMIT 1000000000000LL
#define AUDIT_PAGE 1000

/* The subtree of the unit in parameter $N, for account rows "a". */
#define SUBTREE(n)                                                                          \
	"(a.home_unit = $" n " or (length($" n ") = 2 and exists (select 1 from units u "    \
	"where u.scheme = '2025' and u.code = a.home_unit and u.parent = $" n ")))"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void store_account_free(struct account *a)
{
	if (!a)
		return;
	free(a->username);
	free(a->display_name);
	free(a->home_unit);
	free(a->password_hash);
	for (size_t i = 0; i < a->ncovered; i++)
		free(a->covered[i]);
	free(a->covered);
	free(a->house_id);
	free(a->facility_id);
	memset(a, 0, sizeof *a);
}

static int load_covered(struct store *st, long long id, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *s = db_prepare(
	    st, "select commune from account_communes where account_id = $1 order by commune");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, id);
	size_t cap = 0;
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		(*out)[(*n)++] = xstrdup(db_col_text(s, 0));
	}
	db_finish(s);
	return rc == DB_DONE ? STORE_OK : STORE_ERROR;
}

#define ACCOUNT_COLS                                                                        \
	"id, username, display_name, role, coalesce(home_unit, ''), password_hash, "         \
	"must_change_password, disabled, house_id, facility_id, created_ms, updated_ms"

static int account_load(struct store *st, struct db_stmt *s, struct account *out)
{
	memset(out, 0, sizeof *out);
	int rc = db_step(s);
	if (rc == DB_DONE) {
		db_finish(s);
		return STORE_NOT_FOUND;
	}
	if (rc != DB_ROW) {
		db_finish(s);
		return STORE_ERROR;
	}
	out->id = db_col_int(s, 0);
	out->username = xstrdup(db_col_text(s, 1));
	out->display_name = xstrdup(db_col_text(s, 2) ? db_col_text(s, 2) : "");
	if (roles_parse(db_col_text(s, 3), &out->role) != 0)
		out->role = ROLE_CITIZEN;
	out->home_unit = xstrdup(db_col_text(s, 4) ? db_col_text(s, 4) : "");
	out->password_hash = dup_or_null(db_col_text(s, 5));
	out->must_change_password = (int)db_col_int(s, 6);
	out->disabled = (int)db_col_int(s, 7);
	out->house_id = dup_or_null(db_col_text(s, 8));
	out->facility_id = dup_or_null(db_col_text(s, 9));
	out->created_ms = db_col_int(s, 10);
	out->updated_ms = db_col_int(s, 11);
	db_finish(s);
	if (load_covered(st, out->id, &out->covered, &out->ncovered) != STORE_OK) {
		store_account_free(out);
		return STORE_ERROR;
	}
	return STORE_OK;
}

int store_account_by_username(struct store *st, const char *username, struct account *out)
{
	struct db_stmt *s = db_prepare(st, "select " ACCOUNT_COLS " from accounts where username = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, username);
	return account_load(st, s, out);
}

int store_account_by_id(struct store *st, long long id, struct account *out)
{
	struct db_stmt *s = db_prepare(st, "select " ACCOUNT_COLS " from accounts where id = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, id);
	return account_load(st, s, out);
}

/* Runs a prepared statement that returns no rows; store code. */
static int run(struct db_stmt *s)
{
	int rc = db_step(s);
	db_finish(s);
	return rc >= 0 ? STORE_OK : rc;
}

static char *name_folded(const char *username, const char *display_name)
{
	char *joined = xasprintf("%s %s", username ? username : "", display_name ? display_name : "");
	char *f = fold_dup(joined);
	free(joined);
	return f;
}

static int set_covered(struct store *st, long long id, const char *const *covered, size_t n)
{
	struct db_stmt *s = db_prepare(st, "delete from account_communes where account_id = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, id);
	int rc = run(s);
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		s = db_prepare(st, "insert into account_communes (account_id, commune) values ($1, $2) "
				   "on conflict do nothing");
		if (!s)
			return STORE_ERROR;
		db_bind_int(s, 1, id);
		db_bind_text(s, 2, covered[i]);
		rc = run(s);
	}
	return rc;
}

/* Inside a write transaction. */
static int create_tx(struct store *st, const struct account_new *a, long long *id)
{
	int64_t now = clock_now_ms();
	char *folded = name_folded(a->username, a->display_name);
	struct db_stmt *s = db_prepare(
	    st, "insert into accounts (id, username, display_name, name_folded, role, home_unit, "
		"password_hash, must_change_password, disabled, created_ms, updated_ms, house_id, "
		"facility_id) select coalesce(max(id), 0) + 1, $1, $2, $3, $4, $5, $6, $7, 0, $8, "
		"$8, $9, $10 from accounts");
	if (!s) {
		free(folded);
		return STORE_ERROR;
	}
	db_bind_text(s, 1, a->username);
	db_bind_text(s, 2, a->display_name ? a->display_name : "");
	db_bind_text(s, 3, folded);
	db_bind_text(s, 4, roles_id(a->role));
	db_bind_text(s, 5, a->home_unit && *a->home_unit ? a->home_unit : NULL);
	db_bind_text(s, 6, a->password_hash);
	db_bind_int(s, 7, a->must_change_password ? 1 : 0);
	db_bind_int(s, 8, now);
	db_bind_text(s, 9, a->house_id);
	db_bind_text(s, 10, a->facility_id);
	int rc = run(s);
	free(folded);
	if (rc != STORE_OK)
		return rc;
	s = db_prepare(st, "select id from accounts where username = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, a->username);
	rc = db_step(s);
	if (rc == DB_ROW)
		*id = db_col_int(s, 0);
	db_finish(s);
	if (rc != DB_ROW)
		return STORE_ERROR;
	return set_covered(st, *id, a->covered, a->ncovered);
}

int store_accounts_create_many(struct store *st, const struct account_new *a, size_t n,
			       long long *ids)
{
	if (db_begin_write(st) != STORE_OK)
		return STORE_ERROR;
	int rc = STORE_OK;
	for (size_t i = 0; rc == STORE_OK && i < n; i++)
		rc = create_tx(st, &a[i], &ids[i]);
	if (rc != STORE_OK) {
		db_rollback(st);
		return rc;
	}
	return db_commit(st);
}

int store_account_create(struct store *st, const struct account_new *a, long long *id)
{
	return store_accounts_create_many(st, a, 1, id);
}

int store_account_update(struct store *st, long long id, const struct account_patch *p)
{
	struct account cur;
	if (db_begin_write(st) != STORE_OK)
		return STORE_ERROR;
	int rc = store_account_by_id(st, id, &cur);
	if (rc != STORE_OK)
		goto fail;
	const char *dn = p->display_name ? p->display_name : cur.display_name;
	const char *unit = p->home_unit ? p->home_unit : cur.home_unit;
	enum role role = p->set_role ? p->role : cur.role;
	char *folded = name_folded(cur.username, dn);
	struct db_stmt *s = db_prepare(st, "update accounts set display_name = $2, name_folded = $3, "
					   "role = $4, home_unit = $5, updated_ms = $6 where id = $1");
	if (!s) {
		free(folded);
		rc = STORE_ERROR;
		goto fail;
	}
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, dn);
	db_bind_text(s, 3, folded);
	db_bind_text(s, 4, roles_id(role));
	db_bind_text(s, 5, *unit ? unit : NULL);
	db_bind_int(s, 6, clock_now_ms());
	rc = run(s);
	free(folded);
	if (rc == STORE_OK && p->set_covered)
		rc = set_covered(st, id, p->covered, p->ncovered);
	store_account_free(&cur);
	if (rc != STORE_OK)
		goto fail;
	return db_commit(st);
fail:
	db_rollback(st);
	return rc;
}

static int update_one(struct store *st, const char *sql, long long id, const char *text,
		      int64_t num)
{
	struct db_stmt *s = db_prepare(st, sql);
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, text);
	db_bind_int(s, 3, num);
	db_bind_int(s, 4, clock_now_ms());
	int rc = run(s);
	if (rc == STORE_OK && db_changes(st) == 0)
		return STORE_NOT_FOUND;
	return rc;
}

int store_account_set_password(struct store *st, long long id, const char *hash, int must_change)
{
	return update_one(st, "update accounts set password_hash = $2, must_change_password = $3, "
			      "updated_ms = $4 where id = $1",
			  id, hash, must_change ? 1 : 0);
}

int store_account_set_disabled(struct store *st, long long id, int disabled)
{
	return update_one(st, "update accounts set disabled = $3, updated_ms = $4 where id = $1",
			  id, NULL, disabled ? 1 : 0);
}

int store_account_set_links(struct store *st, long long id, const char *house_id,
			    const char *facility_id, const char *home_unit)
{
	struct db_stmt *s = db_prepare(
	    st, "update accounts set house_id = coalesce($2, house_id), facility_id = "
		"coalesce($3, facility_id), home_unit = case when $4 is null then home_unit when "
		"$4 = '' then null else $4 end, updated_ms = $5 where id = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, house_id);
	db_bind_text(s, 3, facility_id);
	db_bind_text(s, 4, home_unit);
	db_bind_int(s, 5, clock_now_ms());
	int rc = run(s);
	if (rc == STORE_OK && db_changes(st) == 0)
		return STORE_NOT_FOUND;
	return rc;
}

int store_account_upsert_citizen(struct store *st, const struct pii_keys *k, const char *cccd,
				 const char *name, const char *phone, long long *account_id)
{
	char norm[PII_CCCD_BUF], bidx[PII_INDEX_BUF], pbidx[PII_INDEX_BUF] = "";
	char *cccd_enc = NULL, *phone_enc = NULL;
	int rc = STORE_INVALID;

	if (!k || pii_cccd_normalize(cccd ? cccd : "", norm) != 0 ||
	    pii_blind_index(k, PII_KIND_CCCD, norm, bidx) != 0)
		return STORE_INVALID;
	if (phone && *phone) {
		char pn[PII_PHONE_BUF];
		if (pii_phone_normalize(phone, pn) == 0 &&
		    pii_blind_index(k, PII_KIND_PHONE, pn, pbidx) == 0)
			pii_encrypt(k, pn, &phone_enc);
	}
	if (pii_encrypt(k, norm, &cccd_enc) != 0)
		goto fail;
	if (db_begin_write(st) != STORE_OK) {
		rc = STORE_ERROR;
		goto fail;
	}
	struct db_stmt *s = db_prepare(st, "select id from accounts where cccd_bidx = $1");
	if (!s) {
		rc = STORE_ERROR;
		goto fail_tx;
	}
	db_bind_text(s, 1, bidx);
	int step = db_step(s);
	long long id = step == DB_ROW ? db_col_int(s, 0) : 0;
	db_finish(s);
	if (step < 0) {
		rc = STORE_ERROR;
		goto fail_tx;
	}
	if (!id) {
		char mask[PII_MASK_BUF];
		pii_mask_cccd(norm, mask);
		rc = STORE_CONFLICT;
		for (int i = 0; i < 100 && rc == STORE_CONFLICT; i++) {
			char *uname = i ? xasprintf("vneid:%s-%d", mask, i + 1)
					: xasprintf("vneid:%s", mask);
			struct account_new a = {.username = uname,
						.display_name = name ? name : "",
						.role = ROLE_CITIZEN};
			rc = create_tx(st, &a, &id);
			free(uname);
		}
		if (rc != STORE_OK)
			goto fail_tx;
	}
	s = db_prepare(st, "update accounts set display_name = coalesce($2, display_name), "
			   "cccd_enc = $3, cccd_bidx = $4, phone_enc = coalesce($5, phone_enc), "
			   "phone_bidx = coalesce($6, phone_bidx), updated_ms = $7 where id = $1");
	if (!s) {
		rc = STORE_ERROR;
		goto fail_tx;
	}
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, name && *name ? name : NULL);
	db_bind_text(s, 3, cccd_enc);
	db_bind_text(s, 4, bidx);
	db_bind_text(s, 5, phone_enc);
	db_bind_text(s, 6, pbidx[0] ? pbidx : NULL);
	db_bind_int(s, 7, clock_now_ms());
	rc = run(s);
	if (rc == STORE_OK && name && *name) {
		struct account cur;
		rc = store_account_by_id(st, id, &cur);
		if (rc == STORE_OK) {
			char *folded = name_folded(cur.username, name);
			store_account_free(&cur);
			s = db_prepare(st, "update accounts set name_folded = $2 where id = $1");
			if (s) {
				db_bind_int(s, 1, id);
				db_bind_text(s, 2, folded);
				rc = run(s);
			} else {
				rc = STORE_ERROR;
			}
			free(folded);
		}
	}
	if (rc != STORE_OK)
		goto fail_tx;
	rc = db_commit(st);
	if (rc == STORE_OK)
		*account_id = id;
	free(cccd_enc);
	free(phone_enc);
	sodium_memzero(norm, sizeof norm);
	return rc;
fail_tx:
	db_rollback(st);
fail:
	free(cccd_enc);
	free(phone_enc);
	sodium_memzero(norm, sizeof norm);
	return rc;
}

/* ---- units ------------------------------------------------------------ */

int store_auth_unit_kind(struct store *st, const char *code, int *is_commune)
{
	if (!code || !*code)
		return STORE_NOT_FOUND;
	struct db_stmt *s =
	    db_prepare(st, "select level from units where scheme = '2025' and code = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, code);
	int rc = db_step(s);
	if (rc == DB_ROW)
		*is_commune = strcmp(db_col_text(s, 0), "commune") == 0;
	db_finish(s);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

int store_auth_unit_province(struct store *st, const char *code, char out[4])
{
	out[0] = '\0';
	if (!code || !*code)
		return STORE_OK;
	if (roles_unit_is_province(code)) {
		snprintf(out, 4, "%s", code);
		return STORE_OK;
	}
	struct db_stmt *s =
	    db_prepare(st, "select parent from units where scheme = '2025' and code = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, code);
	int rc = db_step(s);
	if (rc == DB_ROW && db_col_text(s, 0))
		snprintf(out, 4, "%.2s", db_col_text(s, 0));
	db_finish(s);
	return rc >= 0 ? STORE_OK : STORE_ERROR;
}

int store_auth_unit_in_subtree(struct store *st, const char *scope_unit, const char *unit)
{
	if (!scope_unit || !*scope_unit)
		return 1;
	if (!unit || !*unit)
		return 0;
	if (strcmp(scope_unit, unit) == 0)
		return 1;
	if (!roles_unit_is_province(scope_unit))
		return 0;
	char prov[4];
	if (store_auth_unit_province(st, unit, prov) != STORE_OK)
		return 0;
	return strcmp(prov, scope_unit) == 0;
}

/* ---- account lists ------------------------------------------------------ */

static json_t *account_row_json(struct store *st, struct db_stmt *s)
{
	char created[32], updated[32];
	clock_format_iso(db_col_int(s, 7), created, sizeof created);
	clock_format_iso(db_col_int(s, 8), updated, sizeof updated);
	long long id = db_col_int(s, 0);
	(void)st;
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:[],s:b,s:b,s:s,s:s}", "id", (json_int_t)id,
			 "username", db_col_text(s, 1), "display_name",
			 db_col_text(s, 2) ? db_col_text(s, 2) : "", "role", db_col_text(s, 3),
			 "unit", db_col_text(s, 4) ? json_string(db_col_text(s, 4)) : json_null(),
			 "covered_communes", "must_change_password", (int)db_col_int(s, 5),
			 "disabled", (int)db_col_int(s, 6), "created_at", created, "updated_at",
			 updated);
}

static int fill_covered(struct store *st, json_t *items)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		char **c = NULL;
		size_t n = 0;
		if (load_covered(st, (long long)json_integer_value(json_object_get(it, "id")), &c,
				 &n) != STORE_OK)
			return STORE_ERROR;
		json_t *arr = json_object_get(it, "covered_communes");
		for (size_t k = 0; k < n; k++) {
			json_array_append_new(arr, json_string(c[k]));
			free(c[k]);
		}
		free(c);
	}
	return STORE_OK;
}

#define LIST_COLS                                                                           \
	"a.id, a.username, a.display_name, a.role, a.home_unit, a.must_change_password, "     \
	"a.disabled, a.created_ms, a.updated_ms"

static int parse_cursor_id(const char *c, long long *out)
{
	if (!c || !*c || strlen(c) > 18)
		return -1;
	for (const char *p = c; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	*out = strtoll(c, NULL, 10);
	return 0;
}

static char *like_pattern(const char *q)
{
	if (!q || !*q)
		return NULL;
	char *f = fold_dup(q);
	struct buf b = {0};
	buf_putc(&b, '%');
	for (const char *p = f; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	buf_putc(&b, '%');
	free(f);
	return buf_take(&b);
}

int store_account_list(struct store *st, const struct account_query *q, json_t **items,
		       char **next_cursor)
{
	long long after = 0;
	*items = NULL;
	*next_cursor = NULL;
	if (q->cursor && parse_cursor_id(q->cursor, &after) != 0)
		return STORE_INVALID;
	struct db_stmt *s = db_prepare(
	    st, "select " LIST_COLS " from accounts a where ($1 = '' or " SUBTREE("1") ") and "
		"($2 is null or " SUBTREE("2") ") and ($3 is null or a.role = $3) and "
		"($4 is null or a.name_folded like $4 escape '\\') and a.id > $5 "
		"order by a.id limit $6");
	if (!s)
		return STORE_ERROR;
	char *pat = like_pattern(q->q);
	long long limit = q->limit > 0 ? q->limit : NO_LIMIT;
	db_bind_text(s, 1, q->scope_unit ? q->scope_unit : "");
	db_bind_text(s, 2, q->unit);
	db_bind_text(s, 3, q->role);
	db_bind_text(s, 4, pat);
	db_bind_int(s, 5, after);
	db_bind_int(s, 6, q->limit > 0 ? limit + 1 : limit);
	json_t *arr = json_array();
	int rc;
	long long n = 0, last = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (q->limit > 0 && n == limit) {
			*next_cursor = xasprintf("%lld", last);
			break;
		}
		last = db_col_int(s, 0);
		json_array_append_new(arr, account_row_json(st, s));
		n++;
	}
	db_finish(s);
	free(pat);
	if (rc < 0 || fill_covered(st, arr) != STORE_OK) {
		json_decref(arr);
		free(*next_cursor);
		*next_cursor = NULL;
		return STORE_ERROR;
	}
	*items = arr;
	return STORE_OK;
}

int store_account_json(struct store *st, long long id, const char *scope_unit, json_t **out)
{
	*out = NULL;
	struct db_stmt *s = db_prepare(st, "select " LIST_COLS " from accounts a where a.id = $2 "
					   "and ($1 = '' or " SUBTREE("1") ")");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, scope_unit ? scope_unit : "");
	db_bind_int(s, 2, id);
	int rc = db_step(s);
	json_t *o = rc == DB_ROW ? account_row_json(st, s) : NULL;
	db_finish(s);
	if (rc == DB_DONE)
		return STORE_NOT_FOUND;
	if (rc != DB_ROW)
		return STORE_ERROR;
	json_t *arr = json_pack("[o]", o);
	rc = fill_covered(st, arr);
	if (rc == STORE_OK)
		*out = json_incref(o);
	json_decref(arr);
	return rc;
}

/* ---- sessions --------------------------------------------------------- */

int store_session_create(struct store *st, const struct session_row *r, const char *remote,
			 const char *user_agent)
{
	struct db_stmt *s = db_prepare(
	    st, "insert into sessions (token_hash, account_id, created_ms, last_seen_ms, "
		"expires_ms, remote, user_agent, csrf_secret, method) values ($1, $2, $3, $4, $5, "
		"$6, $7, $8, $9)");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, r->token_hash);
	db_bind_int(s, 2, r->account_id);
	db_bind_int(s, 3, r->created_ms);
	db_bind_int(s, 4, r->last_seen_ms);
	db_bind_int(s, 5, r->expires_ms);
	db_bind_text(s, 6, remote);
	db_bind_text(s, 7, user_agent);
	db_bind_text(s, 8, r->csrf_secret);
	db_bind_text(s, 9, r->method[0] ? r->method : "password");
	return run(s);
}

int store_session_get(struct store *st, const char *token_hash, struct session_row *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *s = db_prepare(st, "select account_id, created_ms, last_seen_ms, expires_ms, "
					   "csrf_secret, method from sessions where token_hash = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, token_hash);
	int rc = db_step(s);
	if (rc == DB_ROW) {
		snprintf(out->token_hash, sizeof out->token_hash, "%s", token_hash);
		out->account_id = db_col_int(s, 0);
		out->created_ms = db_col_int(s, 1);
		out->last_seen_ms = db_col_int(s, 2);
		out->expires_ms = db_col_int(s, 3);
		snprintf(out->csrf_secret, sizeof out->csrf_secret, "%s",
			 db_col_text(s, 4) ? db_col_text(s, 4) : "");
		snprintf(out->method, sizeof out->method, "%s",
			 db_col_text(s, 5) ? db_col_text(s, 5) : "");
	}
	db_finish(s);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

int store_session_touch(struct store *st, const char *token_hash, int64_t last_seen_ms)
{
	struct db_stmt *s = db_prepare(st, "update sessions set last_seen_ms = $2 where "
					   "token_hash = $1 and last_seen_ms < $2");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, token_hash);
	db_bind_int(s, 2, last_seen_ms);
	return run(s);
}

int store_session_delete(struct store *st, const char *token_hash)
{
	struct db_stmt *s = db_prepare(st, "delete from sessions where token_hash = $1");
	if (!s)
		return STORE_ERROR;
	db_bind_text(s, 1, token_hash);
	return run(s);
}

int store_sessions_delete_account(struct store *st, long long account_id, const char *keep_hash,
				  long long *n)
{
	struct db_stmt *s = db_prepare(st, "delete from sessions where account_id = $1 and "
					   "($2 is null or token_hash <> $2)");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, account_id);
	db_bind_text(s, 2, keep_hash);
	int rc = run(s);
	if (n)
		*n = rc == STORE_OK ? (long long)db_changes(st) : 0;
	return rc;
}

int store_sessions_prune(struct store *st, int64_t now_ms)
{
	struct db_stmt *s = db_prepare(st, "delete from sessions where expires_ms <= $1");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, now_ms);
	return run(s);
}

/* ---- audit ------------------------------------------------------------ */

int store_audit_append_tx(struct store *st, struct audit_entry *e)
{
	if (strcmp(db_backend(st), "postgres") == 0 &&
	    db_exec(st, "lock table audit in share row exclusive mode") != STORE_OK)
		return STORE_ERROR;
	struct db_stmt *s = db_prepare(st, "select seq, hash from audit order by seq desc limit 1");
	if (!s)
		return STORE_ERROR;
	char prev[AUDIT_HASH_BUF] = AUDIT_GENESIS_HASH;
	int64_t seq = 0;
	int rc = db_step(s);
	if (rc == DB_ROW) {
		seq = db_col_int(s, 0);
		snprintf(prev, sizeof prev, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
	}
	db_finish(s);
	if (rc < 0)
		return STORE_ERROR;
	e->seq = seq + 1;
	if (audit_entry_seal(e, prev) != 0) {
		log_error("audit: the last entry's hash is malformed (seq %lld)", (long long)seq);
		return STORE_ERROR;
	}
	s = db_prepare(st, "insert into audit (seq, ts_ms, actor, role, unit, action, record_type, "
			   "record_id, fields, remote, request_id, prev_hash, hash) values ($1, $2, "
			   "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, e->seq);
	db_bind_int(s, 2, e->ts_ms);
	db_bind_text(s, 3, e->actor);
	db_bind_text(s, 4, e->role);
	db_bind_text(s, 5, e->unit);
	db_bind_text(s, 6, e->action);
	db_bind_text(s, 7, e->record_type);
	db_bind_text(s, 8, e->record_id);
	db_bind_text(s, 9, e->fields);
	db_bind_text(s, 10, e->remote_addr);
	db_bind_text(s, 11, e->request_id);
	db_bind_text(s, 12, e->prev_hash);
	db_bind_text(s, 13, e->hash);
	return run(s);
}

int store_audit_append(struct store *st, struct audit_entry *e)
{
	for (int attempt = 0; attempt < 5; attempt++) {
		if (db_begin_write(st) != STORE_OK)
			return STORE_ERROR;
		int rc = store_audit_append_tx(st, e);
		if (rc == STORE_OK)
			return db_commit(st);
		db_rollback(st);
		if (rc != STORE_CONFLICT) /* conflict: another writer took seq; again */
			return rc;
	}
	return STORE_ERROR;
}

#define AUDIT_COLS                                                                          \
	"seq, ts_ms, actor, role, unit, action, record_type, record_id, fields, remote, "     \
	"request_id, prev_hash, hash"

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

int store_audit_list(struct store *st, const struct audit_query *q, json_t **items,
		     char **next_cursor)
{
	long long before = NO_LIMIT * 1000;
	*items = NULL;
	*next_cursor = NULL;
	if (q->cursor && parse_cursor_id(q->cursor, &before) != 0)
		return STORE_INVALID;
	struct db_stmt *s = db_prepare(
	    st, "select " AUDIT_COLS " from audit where seq < $1 and ($2 is null or actor = $2) "
		"and ($3 is null or action = $3) and ($4 is null or record_type = $4) and "
		"($5 = 0 or ts_ms >= $5) and ($6 = 0 or ts_ms <= $6) order by seq desc limit $7");
	if (!s)
		return STORE_ERROR;
	long long limit = q->limit > 0 ? q->limit : NO_LIMIT;
	db_bind_int(s, 1, before);
	db_bind_text(s, 2, q->actor);
	db_bind_text(s, 3, q->action);
	db_bind_text(s, 4, q->record_type);
	db_bind_int(s, 5, q->from_ms);
	db_bind_int(s, 6, q->to_ms);
	db_bind_int(s, 7, q->limit > 0 ? limit + 1 : limit);
	json_t *arr = json_array();
	int rc;
	long long n = 0, last = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (q->limit > 0 && n == limit) {
			*next_cursor = xasprintf("%lld", last);
			break;
		}
		last = db_col_int(s, 0);
		char ts[32];
		clock_format_iso(db_col_int(s, 1), ts, sizeof ts);
		const char *ftext = db_col_text(s, 8);
		json_t *fields = ftext ? json_loads(ftext, JSON_DECODE_ANY, NULL) : NULL;
		if (ftext && !fields)
			fields = json_string(ftext);
		json_t *o = json_object();
		json_object_set_new(o, "seq", json_integer(last));
		json_object_set_new(o, "ts", json_string(ts));
		json_object_set_new(o, "actor", text_or_null(db_col_text(s, 2)));
		json_object_set_new(o, "role", text_or_null(db_col_text(s, 3)));
		json_object_set_new(o, "unit", text_or_null(db_col_text(s, 4)));
		json_object_set_new(o, "action", text_or_null(db_col_text(s, 5)));
		json_object_set_new(o, "record_type", text_or_null(db_col_text(s, 6)));
		json_object_set_new(o, "record_id", text_or_null(db_col_text(s, 7)));
		json_object_set_new(o, "fields", fields ? fields : json_null());
		json_object_set_new(o, "remote", text_or_null(db_col_text(s, 9)));
		json_object_set_new(o, "request_id", text_or_null(db_col_text(s, 10)));
		json_object_set_new(o, "hash", text_or_null(db_col_text(s, 12)));
		json_array_append_new(arr, o);
		n++;
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(arr);
		free(*next_cursor);
		*next_cursor = NULL;
		return STORE_ERROR;
	}
	*items = arr;
	return STORE_OK;
}

static char *col_dup(struct db_stmt *s, int c)
{
	return dup_or_null(db_col_text(s, c));
}

int store_audit_walk(struct store *st,
		     int (*fn)(void *arg, const struct audit_entry *e, size_t n), void *arg)
{
	int64_t after = -1;
	struct audit_entry *page = xcalloc(AUDIT_PAGE, sizeof *page);
	int result = STORE_OK;
	for (;;) {
		struct db_stmt *s = db_prepare(st, "select " AUDIT_COLS " from audit where seq > $1 "
						   "order by seq limit $2");
		if (!s) {
			result = STORE_ERROR;
			break;
		}
		db_bind_int(s, 1, after);
		db_bind_int(s, 2, AUDIT_PAGE);
		size_t n = 0;
		int rc = DB_DONE;
		while (n < AUDIT_PAGE && (rc = db_step(s)) == DB_ROW) {
			struct audit_entry *e = &page[n++];
			e->seq = db_col_int(s, 0);
			e->ts_ms = db_col_int(s, 1);
			e->actor = col_dup(s, 2);
			e->role = col_dup(s, 3);
			e->unit = col_dup(s, 4);
			e->action = col_dup(s, 5);
			e->record_type = col_dup(s, 6);
			e->record_id = col_dup(s, 7);
			e->fields = col_dup(s, 8);
			e->remote_addr = col_dup(s, 9);
			e->request_id = col_dup(s, 10);
			snprintf(e->prev_hash, sizeof e->prev_hash, "%s",
				 db_col_text(s, 11) ? db_col_text(s, 11) : "");
			snprintf(e->hash, sizeof e->hash, "%s",
				 db_col_text(s, 12) ? db_col_text(s, 12) : "");
		}
		if (n < AUDIT_PAGE && rc != DB_DONE)
			result = STORE_ERROR;
		db_finish(s);
		if (n && result == STORE_OK) {
			after = page[n - 1].seq;
			int r = fn(arg, page, n);
			if (r != 0)
				result = r;
		}
		for (size_t i = 0; i < n; i++) {
			struct audit_entry *e = &page[i];
			free((void *)(uintptr_t)e->actor);
			free((void *)(uintptr_t)e->role);
			free((void *)(uintptr_t)e->unit);
			free((void *)(uintptr_t)e->action);
			free((void *)(uintptr_t)e->record_type);
			free((void *)(uintptr_t)e->record_id);
			free((void *)(uintptr_t)e->fields);
			free((void *)(uintptr_t)e->remote_addr);
			free((void *)(uintptr_t)e->request_id);
			memset(e, 0, sizeof *e);
		}
		if (result != STORE_OK || n < AUDIT_PAGE)
			break;
	}
	free(page);
	return result;
}
