/* What a handler sees: the request (validated parameters, body, caller)
 * and the response it fills in. The server (server.c) owns both; every
 * allocation made for a request comes from req->arena and is freed after
 * the response is sent. Handlers never see libmicrohttpd or a database
 * handle: they read req, call store_* functions and fill resp. */
#ifndef PCCC_HTTP_HTTP_H
#define PCCC_HTTP_HTTP_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/arena.h"
#include "http/route.h"

struct app;        /* main.c: store, config, shared state */
struct principal;  /* auth: the signed-in caller, NULL when anonymous */

#define HTTP_MAX_PARAMS 16
#define HTTP_MAX_HEADERS 12

struct req {
	struct arena *arena;
	struct app *app;
	const struct route *route;
	const char *method;
	const char *path;          /* URL path, percent-decoded, no query */
	const char *request_id;
	const char *remote_addr;   /* textual IP */
	/* Values of every declared parameter, index-aligned with
	 * route->params; NULL when absent. Path parameters ({code}) are in
	 * the same array, declared with PARAM_IN_PATH. */
	const char *params[HTTP_MAX_PARAMS];
	const char *body;          /* raw body, NUL-terminated, or NULL */
	size_t body_len;
	json_t *json;              /* parsed JSON body (object) when the route
	                            * declares ROUTE_JSON_BODY; freed with the
	                            * arena */
	struct principal *who;
	void *conn;                /* server-private */
};

struct resp {
	int status;
	const char *content_type;  /* default application/json; charset=utf-8 */
	const char *body;          /* owned by req->arena or static */
	size_t len;
	const char *filename;      /* set → Content-Disposition: attachment */
	const char *hdr_name[HTTP_MAX_HEADERS];
	const char *hdr_value[HTTP_MAX_HEADERS];
	int nhdr;
	int no_cache;              /* set → Cache-Control: no-store */
	/* A streamed body (server-sent events, src/http/sse.c): when
	 * stream_read is set the server answers with it instead of body.
	 * stream_read follows libmicrohttpd's content-reader contract (bytes
	 * written, 0 for "nothing now", -1 end, -2 error); stream_free runs
	 * once, when the response is done or could not be queued. */
	ssize_t (*stream_read)(void *ctx, uint64_t pos, char *buf, size_t max);
	void *stream_ctx;
	void (*stream_free)(void *ctx);
};

/* Declared parameter value by name, NULL when absent. Asking for an
 * undeclared name is a programming error (logged, returns NULL). */
const char *req_param(const struct req *r, const char *name);
/* Parameter as integer, or def when absent (the router has validated it). */
long long req_param_int(const struct req *r, const char *name, long long def);
/* A request header (borrowed for the request's life), NULL when absent. */
const char *req_header(const struct req *r, const char *name);

/* Responses. All copy what they need into the request arena. */
void http_reply_json(struct req *r, struct resp *out, int status, json_t *body_take);
void http_reply_error(struct req *r, struct resp *out, int status, const char *code,
		      const char *message, const char *field);
void http_reply_raw(struct req *r, struct resp *out, int status, const char *ctype,
		    const char *body, size_t len);
void http_resp_header(struct req *r, struct resp *out, const char *name, const char *value);

/* Lists: {"items":[...],"next_cursor":...}. items_take is a JSON array;
 * next_cursor NULL on the last page. */
void http_reply_list(struct req *r, struct resp *out, json_t *items_take, const char *next_cursor);

/* Column of an exported list: JSON key of each item and its header. */
struct export_col {
	const char *key;
	const char *header_vi;
	const char *header_en;
};
/* Replies with the whole set as CSV (UTF-8 with BOM, Vietnamese headers) or
 * XLSX, by format ("csv"|"xlsx"); name is the download's base name. */
void http_reply_export(struct req *r, struct resp *out, const char *format, const char *name,
		       const struct export_col *cols, json_t *items_take);

#endif
