/* The alarm pipeline (see pipeline.h): a job FIFO drained by one worker
 * thread in batches; incidents and synthetic events through the store,
 * calls through the notifier, news on the events bus. */
#include "alarm/pipeline.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/notify.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/events.h"
#include "core/log.h"
#include "store/alarm.h"

#define PIPE_COMM_CODE "COMM_FAIL"

struct pipeline {
	struct store *st;
	struct notice_queue *nt;
	struct pipeline_ops ops;
	int tick_ms;
	int threaded, stop, busy;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond, idle;
	struct pipeline_job *q;      /* pending jobs */
	size_t nq, capq;
	atomic_ullong jobs, opened, joined, notified, comm_fail, comm_restore, errors;
};

/* snprintf(dst, cap, "%s", src) without the format parse (one per field
 * of every stored event). */
static void copy_str(char *dst, size_t cap, const char *src, size_t src_cap)
{
	size_t n = strnlen(src, src_cap < cap ? src_cap : cap - 1);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void pipeline_job_from_event(struct pipeline_job *j, const struct alarm_event *ev, int64_t id)
{
	memset(j, 0, sizeof *j);
	j->kind = PIPE_EVENT;
	j->event_id = id;
	j->device_id = ev->device_id;
	j->at_ms = ev->received_ms;
	copy_str(j->account, sizeof j->account, ev->account, sizeof ev->account);
	copy_str(j->code, sizeof j->code, ev->code, sizeof ev->code);
	copy_str(j->zone, sizeof j->zone, ev->zone, sizeof ev->zone);
	copy_str(j->text, sizeof j->text, ev->text, sizeof ev->text);
	j->cls = ev->cls;
	j->restore = ev->restore;
}

static json_t *nullable(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *iso(int64_t ms)
{
	char t[32];
	clock_format_iso(ms, t, sizeof t);
	return json_string(t);
}

static json_t *site_json(const struct pipeline_site *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "facility_id", nullable(s->facility_id));
	json_object_set_new(o, "name", json_string(s->site_name));
	json_object_set_new(o, "address", json_string(s->address));
	json_object_set_new(o, "lat", real_or_null(s->lat));
	json_object_set_new(o, "lon", real_or_null(s->lon));
	json_t *c = s->contacts ? json_loads(s->contacts, 0, NULL) : NULL;
	json_object_set_new(o, "contacts", json_is_array(c) ? c : json_array());
	if (c && !json_is_array(c))
		json_decref(c);
	return o;
}

static const char *code_meaning(const struct pipeline_job *j, int vi)
{
	const struct alarm_code *c = NULL;
	int restore = 0;

	if (j->kind != PIPE_EVENT)
		return vi ? "Mất liên lạc với thiết bị truyền tin" : "Communication failure";
	if (j->code[0] >= '0' && j->code[0] <= '9')
		c = alarm_code_by_cid(atoi(j->code));
	else
		c = alarm_code_by_sia(j->code, &restore);
	if (!c)
		return vi ? "Mã không xác định" : "Unknown code";
	return vi ? c->vi : c->en;
}

static void publish_device(const struct pipeline_job *j, const struct pipeline_site *s,
			   const char *state)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:o}", "id", (json_int_t)j->device_id, "account",
			      j->account, "state", state, "at", iso(j->at_ms));
	events_publish("device", s->unit, o);
}

/* Calls every contact of the site about incident id. */
static void notify_contacts(struct pipeline *p, const struct pipeline_job *j,
			    const struct pipeline_site *s, int64_t incident_id)
{
	json_t *contacts = s->contacts ? json_loads(s->contacts, 0, NULL) : NULL;
	size_t i;
	json_t *c;

	if (!p->nt || !json_is_array(contacts)) {
		json_decref(contacts);
		return;
	}
	json_array_foreach(contacts, i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		const char *phone = json_string_value(json_object_get(c, "phone"));
		if (!phone)
			continue;
		char *vi = xasprintf("Báo cháy tại %s, %s: %s (mã %s). Vui lòng kiểm tra ngay.",
				     s->site_name, s->address, code_meaning(j, 1), j->code);
		char *en = xasprintf("Fire alarm at %s, %s: %s (code %s). Please check now.",
				     s->site_name, s->address, code_meaning(j, 0), j->code);
		json_t *msg = json_pack("{s:s,s:I,s:I,s:o,s:s,s:s,s:s,s:s,s:{s:o,s:s},s:s,s:s,s:o}",
					"kind", "alarm_call", "incident_id", (json_int_t)incident_id,
					"device_id", (json_int_t)j->device_id, "unit",
					nullable(s->unit), "site_name", s->site_name, "address",
					s->address, "account", j->account, "code", j->code,
					"contact", "name", nullable(name), "phone", phone, "message_vi",
					vi, "message_en", en, "at", iso(j->at_ms));
		free(vi);
		free(en);
		if (msg) {
			notice_send(p->nt, msg);
			atomic_fetch_add(&p->notified, 1);
		}
	}
	json_decref(contacts);
}

static void run_event(struct pipeline *p, const struct pipeline_job *j, struct pipeline_site *s)
{
	int64_t incident = 0;
	int opened = 0;

	if (j->cls == ALARM_CLASS_ALARM && !j->restore && s->live) {
		char key[96];
		if (s->facility_id[0])
			snprintf(key, sizeof key, "f:%s", s->facility_id);
		else
			snprintf(key, sizeof key, "d:%lld", (long long)j->device_id);
		struct store_incident_site is = {
		    .site_key = key,
		    .unit = s->unit[0] ? s->unit : NULL,
		    .facility_id = s->facility_id[0] ? s->facility_id : NULL,
		    .site_name = s->site_name,
		    .address = s->address,
		    .device_id = j->device_id,
		    .lat = s->lat,
		    .lon = s->lon,
		};
		if (store_incident_touch(p->st, &is, j->event_id, j->at_ms, &incident, &opened) !=
		    STORE_OK) {
			atomic_fetch_add(&p->errors, 1);
			log_error("alarm pipeline: cannot open incident for event %lld",
				  (long long)j->event_id);
		} else {
			atomic_fetch_add(opened ? &p->opened : &p->joined, 1);
			if (opened)
				notify_contacts(p, j, s, incident);
			json_t *o = json_pack("{s:I,s:s,s:I,s:o,s:o,s:b}", "id", (json_int_t)incident,
					      "state", "open", "device_id", (json_int_t)j->device_id,
					      "site", site_json(s), "at", iso(j->at_ms), "new", opened);
			events_publish("incident", s->unit, o);
		}
	}
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(j->event_id));
	json_object_set_new(o, "device_id", json_integer(j->device_id));
	json_object_set_new(o, "account", json_string(j->account));
	json_object_set_new(o, "code", json_string(j->code));
	json_object_set_new(o, "class", json_string(alarm_class_name(j->cls)));
	json_object_set_new(o, "restore", json_boolean(j->restore));
	json_object_set_new(o, "zone", nullable(j->zone));
	json_object_set_new(o, "text", nullable(j->text));
	json_object_set_new(o, "meaning_vi", json_string(code_meaning(j, 1)));
	json_object_set_new(o, "meaning_en", json_string(code_meaning(j, 0)));
	json_object_set_new(o, "received_at", iso(j->at_ms));
	json_object_set_new(o, "received_ms", json_integer(j->at_ms));
	json_object_set_new(o, "unit", nullable(s->unit));
	json_object_set_new(o, "site", site_json(s));
	json_object_set_new(o, "incident_id", incident ? json_integer(incident) : json_null());
	events_publish("alarm", s->unit, o);
	if (!j->restore && (j->cls == ALARM_CLASS_ALARM || j->cls == ALARM_CLASS_TROUBLE))
		publish_device(j, s, j->cls == ALARM_CLASS_ALARM ? "alarm" : "trouble");
	else if (j->restore && (j->cls == ALARM_CLASS_ALARM || j->cls == ALARM_CLASS_TROUBLE))
		publish_device(j, s, "normal");
}

/* Communication failure or its restore: a synthetic event of class
 * trouble, stored, then published like any event. */
static void run_comm(struct pipeline *p, const struct pipeline_job *j, struct pipeline_site *s)
{
	int restore = j->kind == PIPE_COMM_RESTORE;
	struct store_synthetic_event e = {
	    .device_id = j->device_id,
	    .account = s->account,
	    .unit = s->unit[0] ? s->unit : NULL,
	    .facility_id = s->facility_id[0] ? s->facility_id : NULL,
	    .code = PIPE_COMM_CODE,
	    .cls = "trouble",
	    .text = restore ? "Khôi phục liên lạc / Communication restored"
			    : "Mất liên lạc / Communication failure",
	    .restore = restore,
	    .now_ms = j->at_ms,
	    .state_to = restore ? "normal" : "comm_fail",
	    .state_from = restore ? "comm_fail" : NULL,
	};
	int64_t id = 0;
	int changed = 0;
	if (store_alarm_synthetic(p->st, &e, &id, &changed) != STORE_OK) {
		atomic_fetch_add(&p->errors, 1);
		log_error("alarm pipeline: cannot record communication %s of device %lld",
			  restore ? "restore" : "failure", (long long)j->device_id);
		return;
	}
	atomic_fetch_add(restore ? &p->comm_restore : &p->comm_fail, 1);
	log_json(restore ? LOG_INFO : LOG_WARN,
		 restore ? "alarm device communication restored" : "alarm device communication failure",
		 json_pack("{s:I,s:s}", "device_id", (json_int_t)j->device_id, "account", s->account));
	struct pipeline_job ev = *j;
	ev.kind = PIPE_EVENT;
	ev.event_id = id;
	ev.cls = ALARM_CLASS_TROUBLE;
	ev.restore = restore;
	snprintf(ev.account, sizeof ev.account, "%s", s->account);
	snprintf(ev.code, sizeof ev.code, "%s", PIPE_COMM_CODE);
	snprintf(ev.text, sizeof ev.text, "%s", restore ? "Communication restored"
							 : "Communication failure");
	run_event(p, &ev, s);
	if (changed)
		publish_device(&ev, s, restore ? "normal" : "comm_fail");
}

void pipeline_process(struct pipeline *p, const struct pipeline_job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct pipeline_job *j = &jobs[i];
		struct pipeline_site s;
		atomic_fetch_add(&p->jobs, 1);
		/* Tests and status reports (most of the traffic) are stored and
		 * listed, but neither open incidents nor go to the live board. */
		if (j->kind == PIPE_EVENT &&
		    (j->cls == ALARM_CLASS_TEST || j->cls == ALARM_CLASS_STATUS))
			continue;
		memset(&s, 0, sizeof s);
		s.lat = s.lon = NAN;
		if (!p->ops.site || p->ops.site(p->ops.ctx, j->device_id, &s) != 0)
			snprintf(s.account, sizeof s.account, "%s", j->account);
		if (j->kind == PIPE_EVENT)
			run_event(p, j, &s);
		else
			run_comm(p, j, &s);
		free(s.contacts);
	}
}

static void *pipeline_main(void *arg)
{
	struct pipeline *p = arg;
	struct pipeline_job *batch = NULL;
	size_t cap = 0;
	int64_t next_tick = clock_mono_ms() + p->tick_ms;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		if (p->nq == 0 && !p->stop) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			long add = p->tick_ms > 0 ? p->tick_ms : 1000;
			ts.tv_sec += add / 1000;
			ts.tv_nsec += (add % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&p->cond, &p->lock, &ts);
		}
		size_t n = p->nq;
		if (n > cap) {
			cap = n;
			batch = xrealloc(batch, cap * sizeof *batch);
		}
		if (n)
			memcpy(batch, p->q, n * sizeof *batch);
		p->nq = 0;
		int stop = p->stop;
		p->busy = n > 0;
		pthread_mutex_unlock(&p->lock);
		if (n)
			pipeline_process(p, batch, n);
		int64_t now = clock_mono_ms();
		if (p->ops.tick && (now >= next_tick || stop)) {
			p->ops.tick(p->ops.ctx, p);
			next_tick = now + p->tick_ms;
		}
		pthread_mutex_lock(&p->lock);
		p->busy = 0;
		if (p->nq == 0)
			pthread_cond_broadcast(&p->idle);
		if (stop && p->nq == 0)
			break;
	}
	pthread_mutex_unlock(&p->lock);
	free(batch);
	return NULL;
}

struct pipeline *pipeline_new(struct store *st, struct notice_queue *nt, const struct pipeline_ops *ops,
			      int threaded, int tick_ms)
{
	struct pipeline *p = xcalloc(1, sizeof *p);
	p->st = st;
	p->nt = nt;
	if (ops)
		p->ops = *ops;
	p->tick_ms = tick_ms > 0 ? tick_ms : 1000;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	pthread_cond_init(&p->idle, NULL);
	p->threaded = threaded;
	if (threaded && pthread_create(&p->thread, NULL, pipeline_main, p) != 0) {
		log_error("alarm pipeline: cannot start thread");
		abort();
	}
	return p;
}

void pipeline_push(struct pipeline *p, const struct pipeline_job *jobs, size_t n)
{
	if (n == 0)
		return;
	if (!p->threaded) {
		pipeline_process(p, jobs, n);
		return;
	}
	pthread_mutex_lock(&p->lock);
	if (p->nq + n > p->capq) {
		size_t c = p->capq ? p->capq : 256;
		while (c < p->nq + n)
			c *= 2;
		p->q = xrealloc(p->q, c * sizeof *p->q);
		p->capq = c;
	}
	memcpy(p->q + p->nq, jobs, n * sizeof *jobs);
	p->nq += n;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

int pipeline_flush(struct pipeline *p, int timeout_ms)
{
	int64_t end = clock_mono_ms() + timeout_ms;
	int rc = 0;

	if (!p->threaded)
		return 0;
	pthread_mutex_lock(&p->lock);
	while ((p->nq || p->busy) && rc == 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 20 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->idle, &p->lock, &ts);
		if (clock_mono_ms() > end)
			rc = -1;
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

void pipeline_free(struct pipeline *p)
{
	if (!p)
		return;
	if (p->threaded) {
		pthread_mutex_lock(&p->lock);
		p->stop = 1;
		pthread_cond_signal(&p->cond);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
	}
	pthread_cond_destroy(&p->cond);
	pthread_cond_destroy(&p->idle);
	pthread_mutex_destroy(&p->lock);
	free(p->q);
	free(p);
}

void pipeline_stats_get(struct pipeline *p, struct pipeline_stats *out)
{
	out->jobs = atomic_load(&p->jobs);
	out->incidents_opened = atomic_load(&p->opened);
	out->incidents_joined = atomic_load(&p->joined);
	out->notifications = atomic_load(&p->notified);
	out->comm_fail = atomic_load(&p->comm_fail);
	out->comm_restore = atomic_load(&p->comm_restore);
	out->errors = atomic_load(&p->errors);
}
