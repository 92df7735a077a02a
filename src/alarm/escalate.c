/* Workflow rules and escalation of unacknowledged alarms (see escalate.h).
 * The rules are pure; the job is one thread that runs a pass every second
 * of real time and reads the injectable clock for what "now" is. */
#include "alarm/escalate.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "core/clock.h"
#include "core/events.h"
#include "core/log.h"
#include "store/board.h"

static const char *const step_ids[] = {"ack", "call", "verify", "dispatch", "escalation"};
static const char *const states[] = {"open",        "verifying",  "confirmed",
				     "false_alarm", "dispatched", "closed"};

const char *board_step_id(enum board_step_kind k)
{
	if ((unsigned)k >= sizeof step_ids / sizeof step_ids[0])
		return NULL;
	return step_ids[k];
}

const char *board_state_name(const char *state)
{
	for (size_t i = 0; state && i < sizeof states / sizeof states[0]; i++)
		if (strcmp(states[i], state) == 0)
			return states[i];
	return NULL;
}

static int is(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

int board_next_state(const char *state, enum board_step_kind kind, const char *outcome,
		     const char **next)
{
	*next = NULL;
	const char *s = board_state_name(state);
	if (!s)
		return -1;
	switch (kind) {
	case BOARD_STEP_ACK:
		if (is(s, "open"))
			*next = "verifying";
		break;
	case BOARD_STEP_CALL:
		if (is(s, "verifying") || is(s, "confirmed") || is(s, "dispatched"))
			*next = s;
		break;
	case BOARD_STEP_VERIFY:
		if (is(s, "verifying") && is(outcome, "false_alarm"))
			*next = "false_alarm";
		else if (is(s, "verifying") && is(outcome, "confirmed"))
			*next = "confirmed";
		break;
	case BOARD_STEP_DISPATCH:
		if (is(s, "confirmed"))
			*next = "dispatched";
		break;
	case BOARD_STEP_ESCALATION:
		if (is(s, "open"))
			*next = s;
		break;
	}
	return *next ? 0 : -1;
}

int escalate_level_due(int64_t opened_ms, int64_t now_ms, int64_t after_ms)
{
	if (after_ms <= 0 || now_ms < opened_ms)
		return 0;
	int64_t lvl = (now_ms - opened_ms) / after_ms;
	return lvl > ESCALATE_MAX_LEVEL ? ESCALATE_MAX_LEVEL : (int)lvl;
}

int64_t escalate_period_ms(void)
{
	const char *v = getenv("PCCC_ESCALATE_S");
	if (!v || !*v)
		return (int64_t)ESCALATE_DEFAULT_S * 1000;
	char *end = NULL;
	long s = strtol(v, &end, 10);
	if (!end || *end || s < 0 || s > 86400) {
		log_json(LOG_WARN, "PCCC_ESCALATE_S ignored (want 0..86400 seconds)",
			 json_pack("{s:s}", "value", v));
		return (int64_t)ESCALATE_DEFAULT_S * 1000;
	}
	return (int64_t)s * 1000;
}

int escalate_run_once(struct store *st, int64_t now_ms, int64_t after_ms, int *n)
{
	if (n)
		*n = 0;
	json_t *list = NULL;
	if (store_board_escalate(st, now_ms, after_ms, &list) != STORE_OK) {
		json_decref(list);
		return -1;
	}
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		json_t *inc = json_object_get(e, "incident");
		const char *unit = json_string_value(json_object_get(inc, "unit"));
		log_json(LOG_WARN, "alarm escalated",
			 json_pack("{s:O,s:O}", "incident", json_object_get(inc, "id"), "escalation_level",
				   json_object_get(e, "level")));
		events_publish("escalation", unit, json_incref(e));
	}
	if (n)
		*n = (int)json_array_size(list);
	json_decref(list);
	return 0;
}

/* ---- the job ------------------------------------------------------------ */

static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_cond;
static pthread_t job_thread;
static int job_running;
static struct store *job_store;
static int64_t job_after_ms;

static void *job_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&job_lock);
	while (job_running) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&job_cond, &job_lock, &ts);
		if (!job_running)
			break;
		pthread_mutex_unlock(&job_lock);
		if (escalate_run_once(job_store, clock_now_ms(), job_after_ms, NULL) != 0)
			log_error("escalation pass failed");
		pthread_mutex_lock(&job_lock);
	}
	pthread_mutex_unlock(&job_lock);
	return NULL;
}

int escalate_start(struct app *app)
{
	pthread_mutex_lock(&job_lock);
	if (job_running || !app || !app->store) {
		pthread_mutex_unlock(&job_lock);
		return 0;
	}
	job_store = app->store;
	job_after_ms = escalate_period_ms();
	if (job_after_ms <= 0) {
		pthread_mutex_unlock(&job_lock);
		return 0;
	}
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&job_cond, &ca);
	pthread_condattr_destroy(&ca);
	job_running = 1;
	if (pthread_create(&job_thread, NULL, job_main, NULL) != 0) {
		job_running = 0;
		pthread_cond_destroy(&job_cond);
		pthread_mutex_unlock(&job_lock);
		log_error("cannot start the escalation job");
		return -1;
	}
	pthread_mutex_unlock(&job_lock);
	return 0;
}

void escalate_stop(void)
{
	pthread_mutex_lock(&job_lock);
	if (!job_running) {
		pthread_mutex_unlock(&job_lock);
		return;
	}
	job_running = 0;
	pthread_cond_broadcast(&job_cond);
	pthread_mutex_unlock(&job_lock);
	pthread_join(job_thread, NULL);
	pthread_cond_destroy(&job_cond);
	job_store = NULL;
}
