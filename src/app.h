/* The application's long-lived state, owned by main(): configuration, the
 * store, and the services started by `serve`. Handlers reach it through
 * req->app. */
#ifndef PCCC_APP_H
#define PCCC_APP_H
#include "core/config.h"

struct store;
struct http_server;
struct auth_state;
struct alarm_state;

struct app {
	struct config cfg;
	struct store *store;
	struct http_server *http;
	struct auth_state *auth;    /* src/auth/service.c: keys, throttle */
	struct alarm_state *alarm;  /* src/alarm/service.c: receiver, pipeline */
	long long started_ms;
	char *db_shown;             /* cfg.db with any password masked, for logs */
};

#endif
