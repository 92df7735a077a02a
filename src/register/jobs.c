/* The register's deadline and notice job (see jobs.h): one thread waking
 * every period, one pass reading candidates from the store, deciding with
 * the pure rules, and queueing each new notice once. */
#include "register/jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/notify.h"
#include "register/forms.h"
#include "register/notify_rules.h"
#include "store/register_forms.h"

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void today_of(int64_t now_s, char out[11])
{
	time_t t = (time_t)(now_s + 7 * 3600);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Queues notice n about s, after marking it sent. 1 queued, 0 already
 * sent, -1 on a store error. */
static int notice_emit(struct store *st, struct notice_queue *q, const struct reg_notice *n,
		       const struct reg_notice_source *s, int64_t now_s)
{
	int rc = store_notice_mark(st, n->key, s->target_kind, s->target_id, now_s);
	if (rc == STORE_CONFLICT)
		return 0;
	if (rc != STORE_OK)
		return -1;
	json_t *who = NULL;
	const char *name = NULL;
	if (store_notice_recipients(st, s->target_kind, s->target_id, &who) == STORE_OK)
		name = jstr(who, "name");
	json_t *to = json_incref(json_object_get(who, "to"));
	json_t *msg = reg_notice_message(n, s, name, to);
	json_decref(who);
	if (!msg)
		return -1;
	notice_send(q, msg);
	return 1;
}

int register_jobs_run_once(struct store *st, struct notice_queue *q,
			   const struct reg_notice_policy *p, int64_t now_s, int *sent)
{
	char today[11], from[11], to[11];
	long d;
	json_t *items = NULL, *c;
	size_t i;
	int count = 0, rc = 0;

	if (sent)
		*sent = 0;
	today_of(now_s, today);
	if (reg_date_days(today, &d) != 0)
		return -1;
	reg_date_from_days(d - p->passed_days, from, sizeof from);
	reg_date_from_days(d + p->near_days, to, sizeof to);
	if (store_notice_candidates(st, today, from, to, now_s - (int64_t)p->recent_days * 86400,
				    1000, &items) != STORE_OK)
		return -1;
	json_array_foreach(items, i, c) {
		struct reg_notice due[2];
		char detail[200], ds[16];
		struct reg_notice_source s = {
		    .source = jstr(c, "source"),
		    .id = json_integer_value(json_object_get(c, "id")),
		    .target_kind = jstr(c, "target_kind"),
		    .target_id = jstr(c, "target_id"),
		    .deadline = jstr(c, "deadline"),
		    .open = json_is_true(json_object_get(c, "open")),
		    .event_date = jstr(c, "event_date"),
		    .version = json_integer_value(json_object_get(c, "version")),
		    .detail = jstr(c, "detail"),
		};
		if (s.source && strcmp(s.source, "penalty") == 0 && jstr(c, "date")) {
			forms_date_short(jstr(c, "date"), ds, sizeof ds);
			snprintf(detail, sizeof detail, "%.120s ngày %s", s.detail ? s.detail : "",
				 ds);
			s.detail = detail;
		}
		size_t n = reg_notice_due(p, today, &s, due, 2);
		for (size_t k = 0; k < n; k++) {
			int e = notice_emit(st, q, &due[k], &s, now_s);
			if (e < 0)
				rc = -1;
			else
				count += e;
		}
	}
	json_decref(items);
	if (sent)
		*sent = count;
	return rc;
}

/* ---- the thread ---- */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	int running, stop;
	int64_t period_s;
	struct store *store;
	struct notice_queue *queue;
	struct reg_notice_policy policy;
} job = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

static long env_long(const char *name, long def, long lo, long hi)
{
	const char *v = getenv(name);
	char *end;
	if (!v || !*v)
		return def;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (errno || *end || x < lo || x > hi) {
		log_warn("register jobs: %s out of range, using %ld", name, def);
		return def;
	}
	return x;
}

static void *job_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&job.lock);
	while (!job.stop) {
		pthread_mutex_unlock(&job.lock);
		int sent = 0;
		if (register_jobs_run_once(job.store, job.queue, &job.policy, clock_now_s(),
					   &sent) != 0)
			log_warn("register jobs: pass failed");
		else if (sent)
			log_json(LOG_INFO, "register notices queued", json_pack("{s:i}", "count", sent));
		pthread_mutex_lock(&job.lock);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += job.period_s;
		while (!job.stop)
			if (pthread_cond_timedwait(&job.cond, &job.lock, &ts) == ETIMEDOUT)
				break;
	}
	pthread_mutex_unlock(&job.lock);
	return NULL;
}

int register_jobs_start(struct app *app)
{
	pthread_mutex_lock(&job.lock);
	if (job.running) {
		pthread_mutex_unlock(&job.lock);
		return 0;
	}
	job.period_s = env_long("PCCC_REGISTER_JOBS_S", REGISTER_JOBS_DEFAULT_S, 0, 86400);
	if (job.period_s == 0) {
		pthread_mutex_unlock(&job.lock);
		log_info("register jobs: off (PCCC_REGISTER_JOBS_S=0)");
		return 0;
	}
	struct reg_notice_policy p = REG_NOTICE_POLICY_DEFAULT;
	p.near_days = (int)env_long("PCCC_NOTIFY_NEAR_DAYS", p.near_days, 0, 365);
	job.policy = p;
	job.store = app->store;
	const char *hook = getenv("PCCC_REGISTER_NOTIFY_WEBHOOK");
	if (!hook || !*hook)
		hook = getenv("PCCC_NOTIFY_WEBHOOK");
	job.queue = notice_queue_new("register notify", hook);
	job.stop = 0;
	if (pthread_create(&job.thread, NULL, job_main, NULL) != 0) {
		notice_queue_free(job.queue);
		job.queue = NULL;
		pthread_mutex_unlock(&job.lock);
		log_error("register jobs: cannot start thread");
		return -1;
	}
	job.running = 1;
	pthread_mutex_unlock(&job.lock);
	log_json(LOG_INFO, "register jobs started",
		 json_pack("{s:I,s:i,s:b}", "period_s", (json_int_t)job.period_s, "near_days",
			   p.near_days, "webhook", hook && *hook));
	return 0;
}

void register_jobs_stop(void)
{
	pthread_mutex_lock(&job.lock);
	if (!job.running) {
		pthread_mutex_unlock(&job.lock);
		return;
	}
	job.stop = 1;
	pthread_cond_broadcast(&job.cond);
	pthread_mutex_unlock(&job.lock);
	pthread_join(job.thread, NULL);
	notice_queue_free(job.queue);
	pthread_mutex_lock(&job.lock);
	job.queue = NULL;
	job.store = NULL;
	job.running = 0;
	pthread_mutex_unlock(&job.lock);
}
