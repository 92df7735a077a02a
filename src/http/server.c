/* libmicrohttpd front end (see server.h). Each request gets an arena, a
 * request id, and a context kept in *con_cls: the first call of the access
 * handler only sets it up (queueing on the first call makes MHD close
 * keep-alive connections), upload calls collect the body within the
 * route's limit, and the last call routes, validates and answers. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "auth/principal.h"
#include "auth/roles.h"
#include "auth/service.h"
#include "http/http.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/sse.h"

#define DEFAULT_MAX_BODY (1024 * 1024)

struct http_server {
	struct MHD_Daemon *d;
	struct app *app;
	int fd;
	unsigned port;
	char *csp;
	atomic_int active;
};

struct conn_ctx {
	struct req r;
	struct resp out;
	struct buf body;
	int route_idx;
	int match;
	int too_large;
	size_t max_body;
	struct timespec t0;
	char rid[24];
	char allow[64];
	char addr[INET6_ADDRSTRLEN];
	struct router_err qerr;
	int qerr_set;
	int streaming;  /* answered with a stream: not counted in active */
};

static atomic_ullong req_counter;
static unsigned boot_tag;

static int64_t elapsed_us(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (int64_t)(t1.tv_sec - t0->tv_sec) * 1000000 + (t1.tv_nsec - t0->tv_nsec) / 1000;
}

const char *req_header(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_HEADER_KIND, name);
}

int http_authorize(struct req *r, struct resp *out)
{
	if (r->route->perm == PERM_PUBLIC)
		return 0;
	if (!r->who) {
		http_reply_error(r, out, 401, "unauthenticated",
				 "Cần đăng nhập / Sign-in required", NULL);
		return -1;
	}
	if (r->route->perm != PERM_SELF && !roles_grants(r->who->role, (enum capability)r->route->perm)) {
		http_reply_error(r, out, 403, "forbidden",
				 "Vai trò của bạn không có quyền này / Your role does not allow this", NULL);
		return -1;
	}
	return 0;
}

static enum MHD_Result query_cb(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	(void)kind;
	struct conn_ctx *c = cls;
	if (c->qerr_set)
		return MHD_NO;
	if (router_take_query(&c->r, key, value, &c->qerr) != 0) {
		c->qerr_set = 1;
		return MHD_NO;
	}
	return MHD_YES;
}

static void add_security_headers(struct http_server *s, struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy", s->csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy",
				"geolocation=(self), camera=(self), microphone=(self), payment=()");
}

static void dispatch(struct http_server *s, struct conn_ctx *c)
{
	struct req *r = &c->r;
	struct resp *out = &c->out;
	if (c->match == ROUTER_NO_PATH) {
		http_reply_error(r, out, 404, "not_found",
				 "Không tìm thấy / Not found", NULL);
		return;
	}
	if (c->match == ROUTER_NO_METHOD) {
		http_reply_error(r, out, 405, "method_not_allowed",
				 "Phương thức không được hỗ trợ / Method not allowed", NULL);
		http_resp_header(r, out, "Allow", c->allow);
		return;
	}
	if (c->too_large) {
		http_reply_error(r, out, 413, "payload_too_large",
				 "Nội dung gửi lên quá lớn / Request body too large", NULL);
		return;
	}
	if (auth_identify(r, out) != 0)
		return;
	if (http_authorize(r, out) != 0)
		return;
	MHD_get_connection_values((struct MHD_Connection *)r->conn, MHD_GET_ARGUMENT_KIND, query_cb, c);
	if (c->qerr_set || router_finish_params(r, &c->qerr) != 0) {
		http_reply_error(r, out, c->qerr.status, c->qerr.code, c->qerr.message, c->qerr.field);
		return;
	}
	if (c->body.len)
		buf_putc(&c->body, '\0'), c->body.len--;
	r->body = c->body.len ? c->body.data : NULL;
	r->body_len = c->body.len;
	if (r->route->flags & ROUTE_JSON_BODY) {
		const char *ct = req_header(r, "Content-Type");
		if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
			http_reply_error(r, out, 415, "unsupported_media_type",
					 "Nội dung phải là application/json / Body must be application/json",
					 NULL);
			return;
		}
		struct router_err e;
		if (router_parse_body(r->route->body, r->body, r->body_len, &r->json, &e, r->arena) != 0) {
			http_reply_error(r, out, e.status, e.code, e.message, e.field);
			return;
		}
		arena_defer(r->arena, (void (*)(void *))json_decref, r->json);
	}
	r->route->handler(r, out);
	if (out->status == 0) {
		log_error("handler for %s %s set no status", r->route->method, r->route->pattern);
		http_reply_error(r, out, 500, "internal", "Lỗi máy chủ / Server error", NULL);
	}
	(void)s;
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *conn, const char *url,
				 const char *method, const char *version, const char *upload_data,
				 size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct http_server *s = cls;
	struct conn_ctx *c = *con_cls;
	if (!c) {
		c = xcalloc(1, sizeof *c);
		clock_gettime(CLOCK_MONOTONIC, &c->t0);
		c->r.arena = arena_new();
		c->r.app = s->app;
		c->r.conn = conn;
		c->r.method = arena_strdup(c->r.arena, method);
		c->r.path = arena_strdup(c->r.arena, url);
		snprintf(c->rid, sizeof c->rid, "%08x%012llx", boot_tag,
			 (unsigned long long)atomic_fetch_add(&req_counter, 1) + 1);
		c->r.request_id = c->rid;
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr) {
			const struct sockaddr *sa = ci->client_addr;
			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
					  c->addr, sizeof c->addr);
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6,
					  &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
					  c->addr, sizeof c->addr);
		}
		c->r.remote_addr = c->addr;
		c->route_idx = -1;
		c->match = router_match(api_routes, method, url, &c->r, &c->route_idx, c->allow,
					sizeof c->allow);
		if (c->match == ROUTER_FOUND) {
			c->r.route = &api_routes[c->route_idx];
			c->max_body = c->r.route->max_body ? c->r.route->max_body : DEFAULT_MAX_BODY;
		} else {
			c->max_body = 0;
		}
		atomic_fetch_add(&s->active, 1);
		*con_cls = c;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!c->too_large && c->body.len + *upload_data_size <= c->max_body)
			buf_append(&c->body, upload_data, *upload_data_size);
		else {
			c->too_large = 1;
			buf_free(&c->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}

	log_set_request_id(c->rid);
	dispatch(s, c);
	struct resp *out = &c->out;
	struct MHD_Response *resp;
	if (out->stream_read) {
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, out->stream_read,
							 out->stream_ctx, out->stream_free);
		if (!resp)
			out->stream_free(out->stream_ctx);
		else if (!c->streaming) {
			/* a stream lives until the client leaves: shutdown ends
			 * it (sse_stop) rather than waiting for it */
			c->streaming = 1;
			atomic_fetch_sub(&s->active, 1);
		}
	} else {
		resp = MHD_create_response_from_buffer(out->len, (void *)(uintptr_t)out->body,
						       MHD_RESPMEM_MUST_COPY);
	}
	if (!resp) {
		log_set_request_id(NULL);
		return MHD_NO;
	}
	add_security_headers(s, resp);
	MHD_add_response_header(resp, "X-Request-Id", c->rid);
	if (out->content_type)
		MHD_add_response_header(resp, "Content-Type", out->content_type);
	if (out->filename) {
		char cd[300];
		snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", out->filename);
		MHD_add_response_header(resp, "Content-Disposition", cd);
	}
	int has_cache = 0;
	for (int i = 0; i < out->nhdr; i++) {
		MHD_add_response_header(resp, out->hdr_name[i], out->hdr_value[i]);
		if (strcasecmp(out->hdr_name[i], "Cache-Control") == 0)
			has_cache = 1;
	}
	if (!has_cache)
		MHD_add_response_header(resp, "Cache-Control", out->no_cache ? "no-store" : "no-cache");
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)out->status, resp);
	MHD_destroy_response(resp);

	int64_t us = elapsed_us(&c->t0);
	metrics_observe(c->route_idx, out->status, us);
	json_t *f = json_pack("{s:s,s:s,s:i,s:f,s:s}", "method", c->r.method, "path", c->r.path,
			      "status", out->status, "ms", (double)us / 1000.0, "remote", c->addr);
	log_json(out->status >= 500 ? LOG_ERROR : LOG_DEBUG, "request", f);
	log_set_request_id(NULL);
	return ret;
}

static void completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	(void)toe;
	struct http_server *s = cls;
	struct conn_ctx *c = *con_cls;
	if (!c)
		return;
	buf_free(&c->body);
	arena_free(c->r.arena);
	int streaming = c->streaming;
	free(c);
	*con_cls = NULL;
	if (!streaming)
		atomic_fetch_sub(&s->active, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t l = strlen(msg);
	while (l && (msg[l - 1] == '\n' || msg[l - 1] == '\r'))
		msg[--l] = '\0';
	log_json(LOG_DEBUG, "libmicrohttpd", json_pack("{s:s}", "detail", msg));
}

static char *build_csp(const char *tile_url)
{
	char host[256] = "";
	if (tile_url && (strncmp(tile_url, "https://", 8) == 0 || strncmp(tile_url, "http://", 7) == 0)) {
		const char *p = strstr(tile_url, "://") + 3;
		size_t n = strcspn(p, "/");
		size_t scheme = (size_t)(p - tile_url);
		if (n + scheme < sizeof host) {
			memcpy(host, tile_url, scheme + n);
			host[scheme + n] = '\0';
			/* {s} subdomain templates: allow the parent domain's subdomains */
			char *brace = strstr(host, "{s}.");
			if (brace) {
				memmove(brace + 1, brace + 3, strlen(brace + 3) + 1);
				brace[0] = '*';
			}
		}
	}
	return xasprintf("default-src 'self'; script-src 'self'; style-src 'self'; "
			 "img-src 'self' data: blob:%s%s; connect-src 'self'; font-src 'self'; "
			 "media-src 'self' blob:; object-src 'none'; frame-ancestors 'none'; "
			 "base-uri 'none'; form-action 'self'",
			 host[0] ? " " : "", host);
}

static int bind_listen(const char *hostport, unsigned *port_out)
{
	char host[256];
	unsigned port;
	if (config_split_hostport(hostport, host, sizeof host, &port) != 0) {
		fprintf(stderr, "pccc: địa chỉ không hợp lệ / invalid address (want HOST:PORT): %s\n", hostport);
		return -1;
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	char ps[8];
	snprintf(ps, sizeof ps, "%u", port);
	int gai = getaddrinfo(host, ps, &hints, &ai);
	if (gai != 0 || !ai) {
		fprintf(stderr, "pccc: không phân giải được địa chỉ / cannot resolve %s: %s\n", host,
			gai_strerror(gai));
		return -1;
	}
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
		int e = errno;
		if (e == EADDRINUSE)
			fprintf(stderr, "pccc: cổng HTTP đang được dùng / HTTP port already in use: %s\n",
				hostport);
		else
			fprintf(stderr, "pccc: không mở được cổng HTTP / cannot listen on %s: %s\n",
				hostport, strerror(e));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	*port_out = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						   : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

int http_server_start(struct app *app, const char *hostport, struct http_server **out)
{
	struct http_server *s = xcalloc(1, sizeof *s);
	s->app = app;
	s->fd = bind_listen(hostport, &s->port);
	if (s->fd < 0) {
		free(s);
		return -1;
	}
	if (!boot_tag) {
		unsigned char rnd[4];
		FILE *f = fopen("/dev/urandom", "rb");
		if (f && fread(rnd, 1, 4, f) == 4)
			boot_tag = (unsigned)rnd[0] << 24 | (unsigned)rnd[1] << 16 | rnd[2] << 8 | rnd[3];
		if (f)
			fclose(f);
		boot_tag |= 1;
	}
	s->csp = build_csp(app->cfg.tile_url);
	metrics_init(api_routes);
	unsigned threads = app->cfg.threads > 0 ? (unsigned)app->cfg.threads : 2;
	s->d = MHD_start_daemon(
	    MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, NULL,
	    NULL, access_cb, s, MHD_OPTION_LISTEN_SOCKET, s->fd, MHD_OPTION_THREAD_POOL_SIZE,
	    threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)app->cfg.http_timeout, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)4000, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)0,
	    MHD_OPTION_NOTIFY_COMPLETED, completed_cb, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
	    MHD_OPTION_END);
	if (!s->d) {
		fprintf(stderr, "pccc: không khởi động được máy chủ HTTP / cannot start HTTP server on %s\n",
			hostport);
		close(s->fd);
		free(s->csp);
		free(s);
		return -1;
	}
	sse_start();
	*out = s;
	return 0;
}

unsigned http_server_port(const struct http_server *s)
{
	return s->port;
}

void http_server_stop(struct http_server *s, int timeout_ms)
{
	if (!s)
		return;
	sse_stop();
	int fd = MHD_quiesce_daemon(s->d);
	/* In-flight requests finish; idle keep-alive connections are closed
	 * by MHD_stop_daemon below. */
	for (int waited = 0; waited < timeout_ms && atomic_load(&s->active) > 0; waited += 10) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(s->d);
	if (fd >= 0)
		close(fd);
	metrics_free();
	free(s->csp);
	free(s);
}
