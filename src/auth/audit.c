/* The audit writer (see audit.h): builds an entry from the request or the
 * command line and appends it through the store, which chains it to the
 * previous entry under the database's write lock. The new head (seq and
 * hash) is also logged, so a copy of the chain's end lives outside the
 * table and truncation can be noticed. */
#include "auth/audit.h"

#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "auth/audit_chain.h"
#include "auth/principal.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "http/http.h"
#include "store/auth.h"

static char *fields_text(json_t *fields)
{
	if (!fields)
		return NULL;
	return json_dumps(fields, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

static int append(struct store *st, struct audit_entry *e, int in_tx)
{
	int rc = in_tx ? store_audit_append_tx(st, e) : store_audit_append(st, e);
	if (rc != STORE_OK) {
		log_json(LOG_ERROR, "audit write failed",
			 json_pack("{s:s,s:i}", "action", e->action ? e->action : "", "rc", rc));
		return -1;
	}
	log_json(LOG_INFO, "audit",
		 json_pack("{s:I,s:s,s:s}", "seq", (json_int_t)e->seq, "action", e->action,
			   "hash", e->hash));
	return 0;
}

static int log_request(struct req *r, const char *action, const char *record_type,
		       const char *record_id, json_t *fields, int in_tx)
{
	struct audit_entry e;
	memset(&e, 0, sizeof e);
	char *ftext = fields_text(fields);
	e.ts_ms = clock_now_ms();
	if (r->who) {
		e.actor = r->who->username;
		e.role = roles_id(r->who->role);
		e.unit = r->who->scope.home_unit[0] ? r->who->scope.home_unit : NULL;
	}
	e.action = action;
	e.record_type = record_type;
	e.record_id = record_id;
	e.fields = ftext;
	e.remote_addr = r->remote_addr && *r->remote_addr ? r->remote_addr : NULL;
	e.request_id = r->request_id;
	int rc = append(r->app->store, &e, in_tx);
	free(ftext);
	return rc;
}

int audit_log(struct req *r, const char *action, const char *record_type,
	      const char *record_id, json_t *fields)
{
	return log_request(r, action, record_type, record_id, fields, 0);
}

int audit_log_tx(struct req *r, const char *action, const char *record_type,
		 const char *record_id, json_t *fields)
{
	return log_request(r, action, record_type, record_id, fields, 1);
}

int audit_log_system(struct app *app, const char *actor, const char *action,
		     const char *record_type, const char *record_id, json_t *fields)
{
	struct audit_entry e;
	char who[96];
	memset(&e, 0, sizeof e);
	if (!actor) {
		const struct passwd *pw = getpwuid(getuid());
		snprintf(who, sizeof who, "cli:%s", pw && pw->pw_name ? pw->pw_name : "?");
		actor = who;
	}
	char *ftext = fields_text(fields);
	e.ts_ms = clock_now_ms();
	e.actor = actor;
	e.action = action;
	e.record_type = record_type;
	e.record_id = record_id;
	e.fields = ftext;
	int rc = append(app->store, &e, 0);
	free(ftext);
	return rc;
}

int audit_log_import(struct app *app, const char *kind, const char *path, const void *data,
		     size_t len, size_t rows)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	const char *base = path ? strrchr(path, '/') : NULL;
	base = base ? base + 1 : path;
	char action[64];
	snprintf(action, sizeof action, "import.%s", kind ? kind : "data");
	json_t *f = json_pack("{s:s?,s:I,s:I,s:s}", "file", base, "bytes", (json_int_t)len, "rows",
			      (json_int_t)rows, "sha256", hex);
	int rc = audit_log_system(app, NULL, action, kind, NULL, f);
	json_decref(f);
	return rc;
}
