/* Writing the audit trail: every action of a person (each write, each
 * sign-in, each full read of personal data) is one entry with who, role,
 * unit, what, which record, which fields, when, from where and the request
 * id, hash-chained to the previous entry (audit_chain.h, store/auth.h).
 *
 * Usage in a handler, after the write succeeded:
 *	json_t *f = json_pack("{s:s}", "status", "verified");
 *	audit_log(r, "house.update", "house", id, f);
 *	json_decref(f);
 * fields is borrowed (may be NULL) and stored as compact JSON with sorted
 * keys. Put names of changed fields and non-personal values in it, never
 * ID numbers or phone numbers in clear.
 *
 * Every function returns 0, or -1 when the entry could not be written
 * (logged; a write whose audit entry fails should be reported as a server
 * error by the caller if it can still be undone — audit_log_tx does that
 * for you by sharing the caller's transaction). */
#ifndef PCCC_AUTH_AUDIT_H
#define PCCC_AUTH_AUDIT_H
#include <jansson.h>
#include <stddef.h>

struct req;
struct app;

/* One entry for the request's caller (r->who; NULL: anonymous, e.g. a
 * failed sign-in — put the name tried in fields), with r->remote_addr and
 * r->request_id. Runs its own write transaction: call it after your own
 * transaction has committed, not inside it. */
int audit_log(struct req *r, const char *action, const char *record_type,
	      const char *record_id, json_t *fields);
/* The same inside a write transaction the caller holds (db_begin_write),
 * so the record and its audit entry commit or roll back together. */
int audit_log_tx(struct req *r, const char *action, const char *record_type,
		 const char *record_id, json_t *fields);
/* An entry for a command-line action: actor (NULL: "cli:" + the OS user
 * name), no role, unit or address. */
int audit_log_system(struct app *app, const char *actor, const char *action,
		     const char *record_type, const char *record_id, json_t *fields);
/* A bulk import: one entry "import.KIND" with the file's name, size, row
 * count and SHA-256. */
int audit_log_import(struct app *app, const char *kind, const char *path, const void *data,
		     size_t len, size_t rows);

#endif
