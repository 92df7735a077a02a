/* The alarm store: transmitters (devices), the events they send, and the
 * minimal incidents alarms open (tables of sql/003_alarm.sql). Written
 * once on the statement layer (store/db.h), so it runs on either backend.
 *
 * The receiver writes through store_alarm_batch: one transaction per
 * batch, every event inserted with ON CONFLICT (dedupe_key) DO NOTHING,
 * devices touched in the same transaction; it returns after the commit.
 * The thread that calls it should first call store_alarm_durable so its
 * own connection syncs every commit (SQLite synchronous=FULL): an event is
 * on disk before its ACK leaves.
 *
 * Reads for the API take the caller's scope (auth/roles.h) and return
 * JSON shaped as the API shows it. Keys are never returned: only has_key. */
#ifndef PCCC_STORE_ALARM_H
#define PCCC_STORE_ALARM_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "alarm/event.h"
#include "store/store.h"

struct scope;

#define STORE_ALARM_DEDUPE_MS (10 * 60 * 1000)  /* retransmission window */

/* A device row. Strings are heap copies (store_device_clear frees them);
 * NULL where SQL NULL. lat/lon NAN when unknown; last_heard_ms 0 never. */
struct store_device {
	int64_t id;
	char *account, *receiver, *line;   /* receiver/line: hex digits, "" none */
	char *key, *key_kind;              /* key in clear (see below); "hex" | "raw" */
	int key_bits;                      /* AES key size 128/192/256; 0 none */
	int has_key;                       /* read: the row has a key */
	int key_unreadable;                /* read: it has one that did not open */
	char *facility_id, *house_id, *site_name, *address, *unit;
	double lat, lon;
	char *contacts;                    /* JSON array text */
	int64_t supervision_s;
	char *commissioning, *state;
	int64_t last_heard_ms, created_ms;
};

/* Device keys at rest: the key column holds the key sealed with the
 * personal-data keys (auth/pii.h pii_encrypt, "v1:..."), never in clear.
 * Writes (create, put) seal d->key (NULL or "" for a plain device) and
 * refuse a key without k (STORE_INVALID); reads (each, get) open it into
 * d->key: with k NULL, or a value that does not open (another key file),
 * d->key is NULL and key_unreadable 1. A clear key left by a version
 * before 013 is read as it is (store_device_keys_seal seals those). */
struct pii_keys;

/* Frees the strings (the key wiped first). */
void store_device_clear(struct store_device *d);
/* Device JSON as the API shows it: never the key, only "has_key",
 * "key_bits" and "key_kind". */
json_t *store_device_json(const struct store_device *d);

/* Sets this thread's connection to sync every commit and not to run
 * checkpoints itself. 0 / -1. */
int store_alarm_durable(struct store *st);
/* A passive WAL checkpoint on this thread's connection (SQLite; a no-op
 * elsewhere): call it periodically from a thread other than the
 * receiver's. 0 / -1. */
int store_alarm_checkpoint(struct store *st);
/* The same, telling how many frames the WAL holds (*log) and how many of
 * them are now in the database (*done); both -1 when not known (another
 * backend). When *done == *log the next commit starts the WAL over
 * (rewriting the file from its start instead of growing it). 0 / -1. */
int store_alarm_checkpoint_frames(struct store *st, int *log, int *done);

/* Calls fn for every device (id 0) or the one device id. fn returns 0 to
 * go on. STORE_NOT_FOUND when id was given and is absent. */
int store_device_each(struct store *st, const struct pii_keys *k, int64_t id,
		      int (*fn)(void *ctx, const struct store_device *d), void *ctx);
/* Reads one device into *out (caller clears). */
int store_device_get(struct store *st, const struct pii_keys *k, int64_t id,
		     struct store_device *out);
/* Inserts d (id and created_ms ignored: now); *id gets the new id.
 * STORE_CONFLICT when (account, receiver, line) is taken. */
int store_device_create(struct store *st, const struct pii_keys *k, const struct store_device *d,
			int64_t now_ms, int64_t *id);
/* Writes every editable column of d (by d->id). */
int store_device_put(struct store *st, const struct pii_keys *k, const struct store_device *d);
/* Seals every key still stored in clear (rows written before 013), in one
 * transaction; on SQLite with secure_delete on and a truncating WAL
 * checkpoint after, so the clear text does not linger in free space or
 * the WAL. *n (may be NULL): how many were sealed. */
int store_device_keys_seal(struct store *st, const struct pii_keys *k, int *n);
/* The device by account/receiver/line, 0 when absent (*id = 0). */
int store_device_find(struct store *st, const char *account, const char *receiver,
		      const char *line, int64_t *id);

/* Records when devices were last heard (link tests do not go through
 * store_alarm_batch): one transaction; a time never moves backwards. */
int store_device_heard(struct store *st, const int64_t *ids, const int64_t *ms, size_t n);

struct device_query {
	const struct scope *scope;  /* NULL: everything (internal use) */
	const char *account;
	const char *state;
	const char *commissioning;
	const char *unit;
	int limit;                  /* <= 0: no limit */
	const char *cursor;
};
int store_device_list(struct store *st, const struct device_query *q, json_t **items,
		      char **next);
/* One device if the scope reaches it, STORE_NOT_FOUND otherwise. */
int store_device_get_json(struct store *st, const struct scope *scope, int64_t id, json_t **out);

/* 1 when the scope reaches a record of commune unit (NULL: none) and
 * facility facility_id (NULL: none), 0 when not, < 0 on error. */
int store_alarm_scope_reaches(struct store *st, const struct scope *scope, const char *unit,
			      const char *facility_id);

/* ---- events -------------------------------------------------------------- */

/* What the receiver knows of an event's device, parallel to the events. */
struct store_alarm_site {
	const char *unit, *facility_id;
};

/* A device touched by a batch. state: new state, or NULL to keep it;
 * tested: move commissioning registered → tested. */
struct store_device_touch {
	int64_t device_id;
	const char *state;
	int tested;
	int64_t last_heard_ms;
};

/* One transaction: inserts every event of ev[0..n) whose result is not
 * already DUPLICATE (the caller's retransmission check, see
 * alarm/dedupe.h) and sets it STORED with ids[i] = the new row id (0 for
 * duplicates), applies touches; returns after the commit. On failure
 * nothing is stored, every result is FAILED, and the return is negative. */
int store_alarm_batch(struct store *st, struct alarm_event *ev, const struct store_alarm_site *site,
		      size_t n, int64_t *ids, const struct store_device_touch *touch, size_t ntouch);
/* The same with each event's key already made (keys[i], see
 * store_alarm_key), so the receiver does not format it twice. */
int store_alarm_batch_keys(struct store *st, struct alarm_event *ev,
			   const struct store_alarm_site *site, const char *const *keys, size_t n,
			   int64_t *ids, const struct store_device_touch *touch, size_t ntouch);

/* The retransmission key of an event: account|seq|bracketed data|index. */
struct buf;
void store_alarm_key(const struct alarm_event *e, struct buf *out);
/* Calls fn for the events received at or after since_ms (newest first). */
int store_alarm_recent_keys(struct store *st, int64_t since_ms,
			    void (*fn)(void *ctx, const char *key, int64_t id, int64_t ms), void *ctx);
/* The stored key of event id into out. STORE_NOT_FOUND when absent. */
int store_alarm_event_key(struct store *st, int64_t id, struct buf *out);

/* A synthetic event of the receiver itself (communication failure and its
 * restore): inserted with a unique key; when state_to is set the device
 * moves to it (only from state_from when that is set). *id new row. */
struct store_synthetic_event {
	int64_t device_id;
	const char *account, *unit, *facility_id;
	const char *code, *cls, *text;
	int restore;
	int64_t now_ms;
	const char *state_to, *state_from;
};
int store_alarm_synthetic(struct store *st, const struct store_synthetic_event *e, int64_t *id,
			  int *state_changed);

struct alarm_event_query {
	const struct scope *scope;  /* NULL: everything */
	const char *account;
	int64_t device_id;          /* 0 any */
	const char *cls;
	int limit;
	const char *cursor;
};
int store_alarm_event_list(struct store *st, const struct alarm_event_query *q, json_t **items,
			   char **next);

/* ---- incidents ----------------------------------------------------------- */

struct store_incident_site {
	const char *site_key;        /* "f:<facility>" or "d:<device id>" */
	const char *unit, *facility_id, *site_name, *address;
	int64_t device_id;
	double lat, lon;
};
/* Joins the open incident at the site (not false_alarm / closed), or opens
 * one. *incident_id; *opened = 1 when it is new. One transaction. */
int store_incident_touch(struct store *st, const struct store_incident_site *s, int64_t event_id,
			 int64_t now_ms, int64_t *incident_id, int *opened);

struct incident_query {
	const struct scope *scope;
	const char *state;
	const char *unit;
	int limit;
	const char *cursor;
};
int store_incident_list(struct store *st, const struct incident_query *q, json_t **items,
			char **next);
int store_incident_get(struct store *st, const struct scope *scope, int64_t id, json_t **out);

#endif
