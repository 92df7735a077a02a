/* Events bus, in-process fan-out (see events.h). */
#include "core/events.h"

#include <pthread.h>
#include <stdlib.h>

#define EVENTS_MAX_SUBS 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	events_fn fn;
	void *ctx;
} subs[EVENTS_MAX_SUBS];
static long long seq;

void events_publish(const char *type, const char *unit, json_t *data_take)
{
	char *text = json_dumps(data_take, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(data_take);
	if (!text)
		return;
	pthread_mutex_lock(&lock);
	long long s = ++seq;
	for (int i = 0; i < EVENTS_MAX_SUBS; i++)
		if (subs[i].fn)
			subs[i].fn(subs[i].ctx, type, unit, text, s);
	pthread_mutex_unlock(&lock);
	free(text);
}

int events_subscribe(events_fn fn, void *ctx)
{
	pthread_mutex_lock(&lock);
	for (int i = 0; i < EVENTS_MAX_SUBS; i++) {
		if (!subs[i].fn) {
			subs[i].fn = fn;
			subs[i].ctx = ctx;
			pthread_mutex_unlock(&lock);
			return i + 1;
		}
	}
	pthread_mutex_unlock(&lock);
	return -1;
}

void events_unsubscribe(int id)
{
	if (id < 1 || id > EVENTS_MAX_SUBS)
		return;
	pthread_mutex_lock(&lock);
	subs[id - 1].fn = NULL;
	subs[id - 1].ctx = NULL;
	pthread_mutex_unlock(&lock);
}
