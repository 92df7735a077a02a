/* JSON-lines logger on stderr (see log.h). */
#include "core/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/clock.h"

static enum log_level min_level = LOG_INFO;
static _Thread_local const char *cur_request_id;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level lvl)
{
	min_level = lvl;
}

void log_set_request_id(const char *id)
{
	cur_request_id = id;
}

void log_json(enum log_level lvl, const char *msg, json_t *fields)
{
	if (lvl < min_level) {
		json_decref(fields);
		return;
	}
	char ts[40];
	clock_format_iso(clock_now_ms(), ts, sizeof ts);
	json_t *o = json_object();
	json_object_set_new(o, "ts", json_string(ts));
	json_object_set_new(o, "level", json_string(level_names[lvl]));
	json_object_set_new(o, "msg", json_string(msg ? msg : ""));
	if (fields) {
		json_object_update(o, fields);
		json_decref(fields);
	}
	if (cur_request_id && !json_object_get(o, "request_id"))
		json_object_set_new(o, "request_id", json_string(cur_request_id));
	char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!line)
		return;
	pthread_mutex_lock(&log_lock);
	fputs(line, stderr);
	fputc('\n', stderr);
	pthread_mutex_unlock(&log_lock);
	free(line);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	if (lvl < min_level)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_json(lvl, msg, NULL);
}
