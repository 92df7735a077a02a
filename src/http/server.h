/* The HTTP server: libmicrohttpd with an epoll thread pool, routing every
 * request through the route table (src/api/routes.c). */
#ifndef PCCC_HTTP_SERVER_H
#define PCCC_HTTP_SERVER_H

struct app;
struct http_server;
struct req;
struct resp;

/* Binds hostport ("127.0.0.1:8080"; port 0 picks a free one) with
 * SO_REUSEADDR and starts serving. On failure prints one clear line to
 * stderr (port in use, bad address) and returns -1. */
int http_server_start(struct app *app, const char *hostport, struct http_server **out);
/* The port actually bound. */
unsigned http_server_port(const struct http_server *s);
/* Stops accepting, lets in-flight requests finish (up to timeout_ms), then
 * stops the threads and frees s. */
void http_server_stop(struct http_server *s, int timeout_ms);

/* Permission check for the request's route (auth fills r->who before):
 * 0 allowed; otherwise the error reply is written to out. */
int http_authorize(struct req *r, struct resp *out);

#endif
