/* Run-time configuration: flags override environment (PCCC_DB, PCCC_HTTP,
 * PCCC_ALARM, PCCC_DATA, ...), environment overrides defaults. */
#ifndef PCCC_CORE_CONFIG_H
#define PCCC_CORE_CONFIG_H

struct config {
	char *db;          /* path or postgres URL; default DATA/pccc.db */
	char *http;        /* HOST:PORT, default 127.0.0.1:8080 */
	char *alarm;       /* HOST:PORT, default 127.0.0.1:9500 (DC-09 TCP+UDP) */
	char *data;        /* directory, default ./data */
	char *tile_url;    /* map tiles for the console; "" = none */
	char *tile_attribution; /* credit line shown under the map */
	int metrics_public;/* 0: /metrics answers loopback callers only */
	int threads;       /* HTTP worker threads */
	int http_timeout;  /* seconds an idle or slow connection is kept */
};

/* Parses argv[first..argc) ("--db X" and "--db=X"), after the env and
 * defaults. Unknown flags: prints one line naming it, returns -1. */
int config_parse(struct config *c, int argc, char **argv, int first);
void config_free(struct config *c);
/* Splits "HOST:PORT" ("[::1]:80" too). 0 on success. */
int config_split_hostport(const char *s, char *host, unsigned hostlen, unsigned *port);

#endif
