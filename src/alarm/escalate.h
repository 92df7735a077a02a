/* The dispatcher's verification workflow and its escalation, as pure rules
 * plus one background job.
 *
 * Workflow (incident states of sql/003_alarm.sql):
 *	open --ack--> verifying --verify(false_alarm)--> false_alarm
 *	                        --verify(confirmed)----> confirmed --dispatch--> dispatched
 * "call" (a contact of the site was called) is recorded in verifying,
 * confirmed and dispatched, and changes no state.
 *
 * Escalation: an incident still open (nobody acknowledged it) after
 * PCCC_ESCALATE_S seconds (default 60) is escalated: level 1 after one
 * period, level 2 after two, ... up to ESCALATE_MAX_LEVEL. Each new level
 * is a step in the incident's timeline, marks the incident on the board,
 * and is published on the events bus as an "escalation" event. The job
 * reads the injectable clock, so tests drive it with escalate_run_once. */
#ifndef PCCC_ALARM_ESCALATE_H
#define PCCC_ALARM_ESCALATE_H
#include <stdint.h>

struct app;
struct store;

#define ESCALATE_DEFAULT_S 60
#define ESCALATE_MAX_LEVEL 5

enum board_step_kind {
	BOARD_STEP_ACK,
	BOARD_STEP_CALL,
	BOARD_STEP_VERIFY,
	BOARD_STEP_DISPATCH,
	BOARD_STEP_ESCALATION,
};

/* "ack", "call", "verify", "dispatch", "escalation"; NULL out of range. */
const char *board_step_id(enum board_step_kind k);

/* The state after step kind on an incident in state (outcome: the verify
 * outcome "false_alarm" | "confirmed", ignored otherwise) into *next (a
 * static string). 0 if the step is allowed, -1 if not (unknown state,
 * wrong order, bad outcome; *next = NULL). */
int board_next_state(const char *state, enum board_step_kind kind, const char *outcome,
		     const char **next);

/* The static spelling of a known incident state, NULL otherwise. */
const char *board_state_name(const char *state);

/* The escalation level due for an incident opened at opened_ms and still
 * unacknowledged at now_ms, with a period of after_ms: 0 before one
 * period, then 1, 2, ... capped at ESCALATE_MAX_LEVEL. 0 when after_ms
 * <= 0 (escalation disabled). */
int escalate_level_due(int64_t opened_ms, int64_t now_ms, int64_t after_ms);

/* Period from PCCC_ESCALATE_S (seconds, 1..86400; 0 disables), default
 * ESCALATE_DEFAULT_S; milliseconds. */
int64_t escalate_period_ms(void);

/* One pass: escalates every due incident (store), publishes one
 * "escalation" event per new level. *n receives how many (may be NULL).
 * 0 / -1. */
int escalate_run_once(struct store *st, int64_t now_ms, int64_t after_ms, int *n);

/* The background job: a pass every second while serving. */
int escalate_start(struct app *app);
void escalate_stop(void);

#endif
