/* What happens to an alarm event after it is durably stored: its class is
 * already known (codes.c); a fire alarm (class alarm, not a restore) from
 * a live device opens an incident at the protected site or joins the one
 * open there; a new incident calls the site's contacts through the
 * notifier; every event but tests and status reports is published on the
 * events bus ("alarm", and "incident" / "device" when those change) for
 * the live board.
 *
 * The receiver thread only pushes jobs (pipeline_push never blocks on I/O);
 * one worker thread drains them in order. The same thread also writes the
 * receiver's own events (communication failure and its restore) and calls
 * a periodic tick (supervision timers live there). pipeline_process runs
 * jobs synchronously, for tests. */
#ifndef PCCC_ALARM_PIPELINE_H
#define PCCC_ALARM_PIPELINE_H
#include <stddef.h>
#include <stdint.h>

#include "alarm/event.h"

struct store;
struct notice_queue;
struct pipeline;

enum pipeline_kind {
	PIPE_EVENT,         /* a stored event (event_id set) */
	PIPE_COMM_FAIL,     /* the device missed its window: record it */
	PIPE_COMM_RESTORE,  /* a failed device was heard again: record it */
};

struct pipeline_job {
	enum pipeline_kind kind;
	int64_t event_id, device_id, at_ms;
	char account[DC09_ACCT_MAX];
	char code[12];
	char zone[ALARM_FIELD_MAX];
	char text[ALARM_TEXT_MAX];
	enum alarm_class cls;
	int restore;
};

/* The protected site of a device, as the device register knows it. */
struct pipeline_site {
	int live;                /* commissioning = live: alarms open incidents */
	char account[DC09_ACCT_MAX];
	char unit[8];
	char facility_id[64];
	char site_name[200];
	char address[300];
	double lat, lon;         /* NAN unknown */
	char *contacts;          /* heap JSON array text [{name, phone}] or NULL */
};

struct pipeline_ops {
	void *ctx;
	/* Fills *out for device_id; 0, or -1 when the device is unknown. */
	int (*site)(void *ctx, int64_t device_id, struct pipeline_site *out);
	/* Called from the worker about every tick_ms (may be NULL). */
	void (*tick)(void *ctx, struct pipeline *p);
};

/* threaded 0: no worker (tests call pipeline_process). */
struct pipeline *pipeline_new(struct store *st, struct notice_queue *nt, const struct pipeline_ops *ops,
			      int threaded, int tick_ms);
void pipeline_push(struct pipeline *p, const struct pipeline_job *jobs, size_t n);
/* Runs jobs now on the calling thread (its own store connection). */
void pipeline_process(struct pipeline *p, const struct pipeline_job *jobs, size_t n);
/* Waits until the queue is empty, at most timeout_ms. 0 / -1. */
int pipeline_flush(struct pipeline *p, int timeout_ms);
/* Processes what is queued, stops the worker, frees. NULL: no-op. */
void pipeline_free(struct pipeline *p);

struct pipeline_stats {
	uint64_t jobs, incidents_opened, incidents_joined, notifications, comm_fail, comm_restore,
		errors;
};
void pipeline_stats_get(struct pipeline *p, struct pipeline_stats *out);

/* A stored alarm_event as a job. */
void pipeline_job_from_event(struct pipeline_job *j, const struct alarm_event *ev, int64_t id);

#endif
