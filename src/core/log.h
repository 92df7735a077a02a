/* Structured logs: one JSON object per line on stderr,
 * {"ts","level","msg", ...fields, "request_id"}. The request id of the
 * current thread (set by the HTTP server around each request) is added
 * automatically. */
#ifndef PCCC_CORE_LOG_H
#define PCCC_CORE_LOG_H
#include <jansson.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level lvl);
/* Takes ownership of fields (may be NULL). */
void log_json(enum log_level lvl, const char *msg, json_t *fields);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* Thread-local request id (borrowed pointer; NULL clears). */
void log_set_request_id(const char *id);

#endif
