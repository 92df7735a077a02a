/* If-Match / "version" handling for changes of houses and facilities
 * (see conflict.h). The comparison itself happens in the store, inside
 * the write transaction (store_house_update_if, store_facility_update_if),
 * so two changes based on the same version cannot both pass. */
#include "api/conflict.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "http/http.h"

static int parse_digits(const char *p, size_t n, long long *out)
{
	long long v = 0;
	if (n == 0 || n > 15)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	if (v < 1)
		return -1;
	*out = v;
	return 0;
}

int conflict_parse_if_match(const char *value, long long *version)
{
	if (!value)
		return -1;
	const char *p = value;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 1 && *p == '*') {
		*version = -1;
		return 0;
	}
	if (n >= 2 && p[0] == 'W' && p[1] == '/') {
		p += 2;
		n -= 2;
	}
	if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
		p++;
		n -= 2;
	}
	return parse_digits(p, n, version);
}

int api_conflict_expected(struct req *r, struct resp *out, json_t *body, long long *version)
{
	long long h = -1, b = -1;
	const char *im = req_header(r, "If-Match");
	*version = -1;
	if (im && conflict_parse_if_match(im, &h) != 0) {
		http_reply_error(r, out, 400, "invalid_if_match",
				 "If-Match phải là một phiên bản, ví dụ \"7\" / If-Match must be one "
				 "version, e.g. \"7\"",
				 "If-Match");
		return -1;
	}
	json_t *v = body ? json_object_get(body, "version") : NULL;
	if (v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			http_reply_error(r, out, 400, "invalid_field",
					 "Phiên bản phải là số nguyên dương / version must be a "
					 "positive integer",
					 "version");
			return -1;
		}
		b = json_integer_value(v);
		json_object_del(body, "version");
	}
	if (h > 0 && b > 0 && h != b) {
		http_reply_error(r, out, 400, "invalid_field",
				 "If-Match và trường version không khớp nhau / If-Match and the "
				 "version field disagree",
				 "version");
		return -1;
	}
	*version = h > 0 ? h : b;
	return 0;
}

void api_conflict_reply(struct req *r, struct resp *out, long long expected, json_t *current)
{
	json_int_t now = json_integer_value(json_object_get(current, "version"));
	char *msg = arena_printf(
	    r->arena,
	    "Hồ sơ đã được người khác thay đổi (bạn sửa từ phiên bản %lld, hiện tại là phiên "
	    "bản %lld); thay đổi của bạn chưa được lưu / The record was changed by someone "
	    "else (your change is based on version %lld, it is now version %lld); nothing was "
	    "saved",
	    expected, (long long)now, expected, (long long)now);
	json_t *body = json_pack("{s:{s:s,s:s,s:s,s:I,s:I,s:o}}", "error", "code", "conflict",
				 "message", msg, "field", "version", "your_version",
				 (json_int_t)expected, "current_version", now, "current",
				 current ? current : json_null());
	api_conflict_etag(r, out, current);
	out->no_cache = 1;
	http_reply_json(r, out, 409, body);
}

void api_conflict_etag(struct req *r, struct resp *out, const json_t *record)
{
	json_t *v = record ? json_object_get(record, "version") : NULL;
	if (!json_is_integer(v))
		return;
	char tag[32];
	snprintf(tag, sizeof tag, "\"%lld\"", (long long)json_integer_value(v));
	http_resp_header(r, out, "ETag", tag);
}
