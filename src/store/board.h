/* The live alarm board's store: incidents as the dispatcher's board shows
 * them (with the site's contacts, acknowledgement and escalation), the
 * workflow steps taken on them (sql/005_alarm_workflow.sql), and the
 * escalation pass. Written once on the statement layer (store/db.h).
 *
 * Board incident JSON: {"id","unit","unit_name","site_name","address",
 * "lat","lon","facility_id","device_id","account","contacts":[{"name",
 * "phone"}],"state","opened_ms","opened_at","last_event_ms",
 * "last_event_at","event_count","acked_ms","acked_by","escalated_ms",
 * "escalation_level"} (null where unknown). */
#ifndef PCCC_STORE_BOARD_H
#define PCCC_STORE_BOARD_H
#include <jansson.h>
#include <stdint.h>

#include "alarm/escalate.h"
#include "store/store.h"

struct scope;

struct board_query {
	const struct scope *scope;  /* NULL: everything (internal use) */
	const char *state;          /* one state, "active" (open, verifying,
	                             * confirmed, dispatched; the default) or
	                             * "all" */
	const char *unit;           /* one commune, NULL any */
	int limit;                  /* <= 0: 500 */
};
/* Newest activity first. *items a JSON array. */
int store_board_list(struct store *st, const struct board_query *q, json_t **items);
/* One incident if the scope reaches it, STORE_NOT_FOUND otherwise. */
int store_board_get(struct store *st, const struct scope *scope, int64_t id, json_t **out);

/* A dispatcher's step. Strings borrowed; NULL when absent. */
struct board_step {
	enum board_step_kind kind;
	int64_t at_ms;
	int64_t actor_id;           /* 0 for the system */
	const char *actor, *actor_name;
	const char *contact, *phone, *result;  /* call (phone stored masked) */
	const char *outcome;        /* verify */
	const char *note;
};
/* In one write transaction: checks the scope (STORE_NOT_FOUND) and the
 * workflow (board_next_state: STORE_CONFLICT, *state_out = the current
 * state for the message), records the step, moves the incident. *out:
 * the incident after the step (board JSON, caller decrefs); *state_out
 * a static string or NULL. */
int store_board_step(struct store *st, const struct scope *scope, int64_t id,
		     const struct board_step *step, json_t **out, const char **state_out);

/* The incident's steps, oldest first: [{"id","kind","at_ms","at","actor",
 * "actor_name","contact","phone","result","outcome","note","state_from",
 * "state_to"}]. STORE_NOT_FOUND outside the scope. */
int store_board_timeline(struct store *st, const struct scope *scope, int64_t id, json_t **items);

/* Escalation pass: every open, unacknowledged incident whose due level
 * (escalate_level_due) is above its current one gets the new level and an
 * "escalation" step. *escalated: [{"incident" (board JSON), "level"}]. */
int store_board_escalate(struct store *st, int64_t now_ms, int64_t after_ms, json_t **escalated);

/* Device states at a glance within the scope: {"normal":n,"alarm":n,
 * "trouble":n,"comm_fail":n,"total":n}. */
int store_board_device_counts(struct store *st, const struct scope *scope, json_t **out);

/* The same counts limited to commune unit (NULL: the whole scope), and
 * the devices needing attention there (state alarm, trouble or
 * comm_fail; alarm first, then the longest silent; at most limit):
 * [{"id","account","receiver","line","site_name","address","unit",
 * "unit_name","state","last_heard_ms","lat","lon"}]. */
int store_board_devices(struct store *st, const struct scope *scope, const char *unit, int limit,
			json_t **counts, json_t **attention);

#endif
