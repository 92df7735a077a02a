/* The in-process events bus: parts publish what happened (a new alarm, a
 * device state change, an incident update) and live pages (server-sent
 * events) and notifiers subscribe. Across nodes sharing PostgreSQL the bus
 * will ride on LISTEN/NOTIFY; in one process it is a fan-out. */
#ifndef PCCC_CORE_EVENTS_H
#define PCCC_CORE_EVENTS_H
#include <jansson.h>

/* type: "alarm", "device", "incident", ...; unit: the 2025 commune code
 * of the record (subscribers filter by scope); data is taken. Never
 * blocks the publisher for long. */
void events_publish(const char *type, const char *unit, json_t *data_take);

typedef void (*events_fn)(void *ctx, const char *type, const char *unit, const char *data_json,
			  long long seq);
/* Returns a subscription id (> 0) or -1. */
int events_subscribe(events_fn fn, void *ctx);
void events_unsubscribe(int id);

#endif
