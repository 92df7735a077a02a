/* The console's static files, compiled into the binary (core/builtin.h):
 * "/" is web/index.html, "/x" is web/x. Strong ETags from the build,
 * If-None-Match answered with 304; vendored libraries are cached for a
 * day, the console's own files are revalidated on every load. */
#include <string.h>

#include "core/builtin.h"
#include "http/http.h"
#include "http/static.h"

static const char *mime_of(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {".html", "text/html; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".mjs", "text/javascript; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".json", "application/json; charset=utf-8"},
	    {".webmanifest", "application/manifest+json"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".jpg", "image/jpeg"},
	    {".ico", "image/x-icon"},
	    {".woff2", "font/woff2"},
	    {".txt", "text/plain; charset=utf-8"},
	    {".mp3", "audio/mpeg"},
	    {".wav", "audio/wav"},
	};
	const char *dot = strrchr(path, '.');
	if (dot)
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (strcmp(dot, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

void http_static_serve(struct req *r, struct resp *out)
{
	const char *path = r->path;
	if (strstr(path, "..") || strlen(path) > 200) {
		http_reply_error(r, out, 404, "not_found", "Không tìm thấy / Not found", NULL);
		return;
	}
	char *key = strcmp(path, "/") == 0 ? arena_strdup(r->arena, "web/index.html")
					    : arena_printf(r->arena, "web%s", path);
	const struct builtin_file *f = builtin_find(key);
	if (!f) {
		http_reply_error(r, out, 404, "not_found", "Không tìm thấy / Not found", NULL);
		return;
	}
	http_resp_header(r, out, "ETag", f->etag);
	http_resp_header(r, out, "Cache-Control", strncmp(key, "web/vendor/", 11) == 0
						      ? "public, max-age=86400"
						      : "no-cache");
	const char *inm = req_header(r, "If-None-Match");
	if (inm && strstr(inm, f->etag)) {
		http_reply_raw(r, out, 304, NULL, "", 0);
		return;
	}
	http_reply_raw(r, out, 200, mime_of(key), (const char *)f->data, f->len);
}
