/* Command-line and environment configuration (see config.h). */
#include "core/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

struct flag {
	const char *name;
	const char *env;
	size_t off;      /* offset of a char * member, or of an int for is_int */
	int is_int;
};

#define F(member) offsetof(struct config, member)
static const struct flag flags[] = {
	{"db", "PCCC_DB", F(db), 0},
	{"http", "PCCC_HTTP", F(http), 0},
	{"alarm", "PCCC_ALARM", F(alarm), 0},
	{"data", "PCCC_DATA", F(data), 0},
	{"tile-url", "PCCC_TILE_URL", F(tile_url), 0},
	{"tile-attribution", "PCCC_TILE_ATTRIBUTION", F(tile_attribution), 0},
	{"metrics-public", "PCCC_METRICS_PUBLIC", F(metrics_public), 1},
	{"threads", "PCCC_THREADS", F(threads), 1},
	{"http-timeout", "PCCC_HTTP_TIMEOUT", F(http_timeout), 1},
};
#undef F

static void config_set(struct config *c, const struct flag *f, const char *v)
{
	char *base = (char *)c;
	if (f->is_int) {
		*(int *)(void *)(base + f->off) = atoi(v);
	} else {
		char **slot = (char **)(void *)(base + f->off);
		free(*slot);
		*slot = xstrdup(v);
	}
}

int config_parse(struct config *c, int argc, char **argv, int first)
{
	memset(c, 0, sizeof *c);
	c->http = xstrdup("127.0.0.1:8080");
	c->alarm = xstrdup("127.0.0.1:9500");
	c->data = xstrdup("data");
	c->tile_url = xstrdup("");
	c->tile_attribution = xstrdup("");
	c->threads = 2;
	c->http_timeout = 30;
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		const char *v = getenv(flags[i].env);
		if (v && *v)
			config_set(c, &flags[i], v);
	}
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "pccc: tham số không hợp lệ / unexpected argument: %s\n", a);
			return -1;
		}
		a += 2;
		const char *eq = strchr(a, '=');
		size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
		const struct flag *f = NULL;
		for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++)
			if (strlen(flags[k].name) == nlen && strncmp(flags[k].name, a, nlen) == 0)
				f = &flags[k];
		if (!f) {
			fprintf(stderr, "pccc: cờ không rõ / unknown flag: %s\n", argv[i]);
			return -1;
		}
		const char *v;
		if (eq) {
			v = eq + 1;
		} else if (i + 1 < argc) {
			v = argv[++i];
		} else {
			fprintf(stderr, "pccc: thiếu giá trị cho / missing value for --%s\n", f->name);
			return -1;
		}
		config_set(c, f, v);
	}
	if (c->threads < 1)
		c->threads = 1;
	if (c->threads > 64)
		c->threads = 64;
	if (c->http_timeout < 1)
		c->http_timeout = 1;
	if (!c->db || !*c->db) {
		free(c->db);
		c->db = xasprintf("%s/pccc.db", c->data);
	}
	return 0;
}

void config_free(struct config *c)
{
	free(c->db);
	free(c->http);
	free(c->alarm);
	free(c->data);
	free(c->tile_url);
	free(c->tile_attribution);
	memset(c, 0, sizeof *c);
}

int config_split_hostport(const char *s, char *host, unsigned hostlen, unsigned *port)
{
	const char *colon;
	const char *h = s;
	size_t hl;
	if (*s == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':')
			return -1;
		h = s + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= hostlen)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || p < 0 || p > 65535)
		return -1;
	*port = (unsigned)p;
	return 0;
}
