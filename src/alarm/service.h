/* The alarm receiving service of a serving process: the DC-09 receiver on
 * --alarm, wired to the store (devices, durable events) and to the
 * pipeline (classification, incidents, notifications, live board), with
 * device supervision.
 *
 * Threads: the receiver thread (rx.c) looks accounts up in an in-memory
 * device table (a rwlock guards it; API writes refresh it through
 * alarm_service_device_changed); its committer thread stores each batch
 * of events in one durable transaction on its own connection while the
 * receiver reads the next batch; one pipeline thread does the
 * rest and runs the supervision timer; one notifier thread calls people.
 *
 * Environment: PCCC_NOTIFY_WEBHOOK (URL): the webhook notifier backend. */
#ifndef PCCC_ALARM_SERVICE_H
#define PCCC_ALARM_SERVICE_H
#include <stdint.h>

struct app;

/* Binds cfg.alarm (TCP and UDP) and logs "alarm listening" {"port"}.
 * 0 / -1 (clear line printed). */
int alarm_service_start(struct app *app);
void alarm_service_stop(struct app *app);

/* A device was created or changed in the store: reload it into the
 * receiver's table (no-op when the service is not running). */
void alarm_service_device_changed(struct app *app, int64_t id);

/* When the receiver last heard device id (ms, the injectable clock), as it
 * knows it now: the store has it only after the next flush (every few
 * seconds). 0 when unknown or the service is not running. */
int64_t alarm_service_last_heard(struct app *app, int64_t id);

#endif
