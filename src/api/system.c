/* System endpoints (see system.h): GET /healthz, GET /metrics (Prometheus
 * text; loopback callers only unless --metrics-public 1), GET
 * /api/v1/openapi.json (generated once from the route table), GET
 * /config.json (what the console needs to know: map tiles, version). */
#include "api/system.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "core/buf.h"
#include "http/http.h"
#include "http/metrics.h"
#include "http/openapi.h"
#include "version.h"

void api_healthz(struct req *r, struct resp *out)
{
	static const char body[] = "{\"status\":\"ok\"}";
	http_reply_raw(r, out, 200, "application/json; charset=utf-8", body, sizeof body - 1);
	out->no_cache = 1;
}

static int is_loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
	       strncmp(addr, "::ffff:127.", 11) == 0;
}

void api_metrics(struct req *r, struct resp *out)
{
	if (!r->app->cfg.metrics_public && !is_loopback(r->remote_addr)) {
		http_reply_error(r, out, 403, "forbidden",
				 "Chỉ truy cập từ máy cục bộ / Loopback callers only", NULL);
		return;
	}
	struct buf b = {0};
	metrics_render(&b);
	out->len = b.len;
	char *s = buf_take(&b);
	arena_defer(r->arena, free, s);
	http_reply_raw(r, out, 200, "text/plain; version=0.0.4; charset=utf-8", s, out->len);
	out->no_cache = 1;
}

static pthread_once_t openapi_once = PTHREAD_ONCE_INIT;
static char *openapi_text;

static void openapi_render(void)
{
	json_t *doc = openapi_build(api_routes, PCCC_VERSION);
	openapi_text = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(doc);
}

void api_openapi(struct req *r, struct resp *out)
{
	pthread_once(&openapi_once, openapi_render);
	if (!openapi_text) {
		http_reply_error(r, out, 500, "internal", "Lỗi máy chủ / Server error", NULL);
		return;
	}
	http_reply_raw(r, out, 200, "application/json; charset=utf-8", openapi_text,
		       strlen(openapi_text));
}

void api_console_config(struct req *r, struct resp *out)
{
	const struct config *c = &r->app->cfg;
	json_t *o = json_pack("{s:s,s:s,s:s}", "tile_url", c->tile_url ? c->tile_url : "",
			      "tile_attribution", c->tile_attribution ? c->tile_attribution : "",
			      "version", PCCC_VERSION);
	http_reply_json(r, out, 200, o);
	out->no_cache = 1;
}
