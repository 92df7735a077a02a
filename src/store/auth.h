/* The store of accounts, sessions and the audit trail (tables of
 * sql/002_auth.sql), written once on the portable statement layer
 * (store/db.h). Handlers reach accounts through these functions only; the
 * scope of an admin (their home unit's subtree) is an argument of every
 * account read, so no handler can forget it.
 *
 * Account JSON (what admins see; never personal data):
 *   {"id","username","display_name","role","unit","covered_communes":[..],
 *    "must_change_password","disabled","created_at","updated_at"}
 * unit is the 2025 home unit code or null. */
#ifndef PCCC_STORE_AUTH_H
#define PCCC_STORE_AUTH_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/audit_chain.h"
#include "auth/roles.h"
#include "store/store.h"

struct pii_keys;

/* One account as the sign-in and session code needs it (heap strings). */
struct account {
	long long id;
	char *username;
	char *display_name;
	enum role role;
	char *home_unit;          /* "" when none */
	char *password_hash;      /* NULL: no password sign-in */
	int must_change_password;
	int disabled;
	char **covered;           /* fire team's communes */
	size_t ncovered;
	char *house_id;           /* NULL when none */
	char *facility_id;        /* NULL when none */
	int64_t created_ms, updated_ms;
};
void store_account_free(struct account *a);

/* STORE_NOT_FOUND when there is no such account. username is compared
 * as stored (lowercase). */
int store_account_by_username(struct store *st, const char *username, struct account *out);
int store_account_by_id(struct store *st, long long id, struct account *out);

/* A new account. Strings borrowed; home_unit NULL or "" for none. */
struct account_new {
	const char *username;
	const char *display_name;
	enum role role;
	const char *home_unit;
	const char *password_hash;
	int must_change_password;
	const char *const *covered;
	size_t ncovered;
	const char *house_id;
	const char *facility_id;
};
/* Creates one account in its own transaction. STORE_CONFLICT when the
 * username is taken. */
int store_account_create(struct store *st, const struct account_new *a, long long *id);
/* Creates n accounts in one transaction, all or nothing; ids[i] receives
 * each id. STORE_CONFLICT (nothing written) when a username is taken. */
int store_accounts_create_many(struct store *st, const struct account_new *a, size_t n,
			       long long *ids);

/* A change by an admin: NULL / 0 members are left as they are. */
struct account_patch {
	const char *display_name;
	int set_role;
	enum role role;
	const char *home_unit;          /* "" clears */
	int set_covered;
	const char *const *covered;
	size_t ncovered;
};
int store_account_update(struct store *st, long long id, const struct account_patch *p);
int store_account_set_password(struct store *st, long long id, const char *hash, int must_change);
int store_account_set_disabled(struct store *st, long long id, int disabled);
/* Links a citizen to a house / an owner to a facility (NULL leaves as is)
 * and sets the home unit (NULL leaves it). */
int store_account_set_links(struct store *st, long long id, const char *house_id,
			    const char *facility_id, const char *home_unit);

/* Finds a citizen account by the CCCD's blind index, or creates one
 * (username "vneid:" + masked CCCD, plus a number if taken; role citizen;
 * no home unit until a house is linked with store_account_set_links; no
 * password). Name and phone refresh on every call (phone encrypted; NULL
 * phone leaves it). A disabled account stays disabled (the caller checks).
 * STORE_INVALID for a malformed CCCD. */
int store_account_upsert_citizen(struct store *st, const struct pii_keys *k, const char *cccd,
				 const char *name, const char *phone, long long *account_id);

/* ---- units (reading the units table for scopes) ----------------------- */
/* 1 when unit (2025) lies in the subtree of scope_unit ("" = everything:
 * a system-wide admin), 0 otherwise. */
int store_auth_unit_in_subtree(struct store *st, const char *scope_unit, const char *unit);
/* 0 and *is_commune (1 commune, 0 province) when code is a 2025 unit;
 * STORE_NOT_FOUND otherwise. */
int store_auth_unit_kind(struct store *st, const char *code, int *is_commune);
/* The 2-digit province of a 2025 unit ("01" for "00364" and for "01");
 * out = "" when unknown. */
int store_auth_unit_province(struct store *st, const char *code, char out[4]);

/* ---- account lists for admins ---------------------------------------- */
struct account_query {
	const char *scope_unit;   /* the admin's home unit; "" = all */
	const char *unit;         /* only accounts of this unit's subtree */
	const char *role;
	const char *q;            /* words in username or display name */
	int limit;                /* <= 0: all (exports) */
	const char *cursor;
};
/* STORE_INVALID for a bad cursor. */
int store_account_list(struct store *st, const struct account_query *q, json_t **items,
		       char **next_cursor);
/* The account JSON when it lies in scope_unit's subtree, STORE_NOT_FOUND
 * otherwise (also when it does not exist). */
int store_account_json(struct store *st, long long id, const char *scope_unit, json_t **out);

/* ---- sessions ---------------------------------------------------------- */
struct session_row {
	char token_hash[65];
	long long account_id;
	int64_t created_ms, last_seen_ms, expires_ms;
	char csrf_secret[65];
	char method[16];
};
int store_session_create(struct store *st, const struct session_row *s, const char *remote,
			 const char *user_agent);
/* STORE_NOT_FOUND when absent. */
int store_session_get(struct store *st, const char *token_hash, struct session_row *out);
int store_session_touch(struct store *st, const char *token_hash, int64_t last_seen_ms);
int store_session_delete(struct store *st, const char *token_hash);
/* Deletes every session of the account except keep_hash (NULL: all);
 * *n (may be NULL) receives how many. */
int store_sessions_delete_account(struct store *st, long long account_id, const char *keep_hash,
				  long long *n);
/* Deletes sessions whose absolute expiry has passed. */
int store_sessions_prune(struct store *st, int64_t now_ms);

/* ---- audit trail ----------------------------------------------------- */
/* Appends e: sets e->seq, e->prev_hash and e->hash from the last entry.
 * Runs its own write transaction (the database's write lock keeps the
 * chain from forking, across processes too). */
int store_audit_append(struct store *st, struct audit_entry *e);
/* The same inside a write transaction the caller already holds
 * (db_begin_write), so a record and its audit entry commit together. */
int store_audit_append_tx(struct store *st, struct audit_entry *e);

struct audit_query {
	const char *actor, *action, *record_type;
	int64_t from_ms, to_ms;   /* 0 = open */
	int limit;                /* <= 0: all */
	const char *cursor;
};
/* Newest first. Items: {"seq","ts","actor","role","unit","action",
 * "record_type","record_id","fields","remote","request_id","hash"}. */
int store_audit_list(struct store *st, const struct audit_query *q, json_t **items,
		     char **next_cursor);
/* Calls fn for pages of entries in seq order (strings valid during the
 * call); fn returns 0 to go on, non-zero to stop (that value is
 * returned). */
int store_audit_walk(struct store *st,
		     int (*fn)(void *arg, const struct audit_entry *e, size_t n), void *arg);

#endif
