/* The alarm receiving service of a serving process: the DC-09 receiver on
 * --alarm, wired to the store (devices, durable events) and to the
 * pipeline (classification, incidents, notifications, live board). */
#ifndef PCCC_ALARM_SERVICE_H
#define PCCC_ALARM_SERVICE_H

struct app;

/* Binds cfg.alarm (TCP and UDP). 0 / -1 (clear line printed). */
int alarm_service_start(struct app *app);
void alarm_service_stop(struct app *app);

#endif
