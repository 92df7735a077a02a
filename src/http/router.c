/* Route matching and declared-parameter validation (see router.h). A
 * parameter the route does not declare never reaches a handler: it is
 * refused with 400 and the parameter's name. */
#include "http/router.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "http/http.h"

size_t router_count(const struct route *table)
{
	size_t n = 0;
	while (table[n].method)
		n++;
	return n;
}

static int param_index(const struct route *rt, const char *name, enum param_in in)
{
	if (!rt->params)
		return -1;
	for (int i = 0; rt->params[i].name && i < HTTP_MAX_PARAMS; i++)
		if (rt->params[i].in == in && strcmp(rt->params[i].name, name) == 0)
			return i;
	return -1;
}

/* Matches pattern against path segment by segment; on success stores path
 * parameter values in r (when r is non-NULL). */
static int pattern_match(const struct route *rt, const char *path, struct req *r)
{
	const char *p = rt->pattern, *s = path;
	if (rt->flags & ROUTE_PREFIX)
		return strncmp(path, p, strlen(p)) == 0;
	while (*p && *s) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			if (!pe)
				return 0;
			size_t seglen = strcspn(s, "/");
			if (seglen == 0)
				return 0;
			if (r) {
				char name[64];
				size_t nl = (size_t)(pe - p - 1);
				if (nl >= sizeof name)
					return 0;
				memcpy(name, p + 1, nl);
				name[nl] = '\0';
				int i = param_index(rt, name, PARAM_IN_PATH);
				if (i >= 0)
					r->params[i] = arena_strndup(r->arena, s, seglen);
			}
			p = pe + 1;
			s += seglen;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

int router_match(const struct route *table, const char *method, const char *path,
		 struct req *r, int *idx, char *allow, size_t allowlen)
{
	int path_found = 0;
	if (allow && allowlen)
		allow[0] = '\0';
	const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
	/* Exact patterns first, then prefix routes (static files). */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; table[i].method; i++) {
			const struct route *rt = &table[i];
			if (!!(rt->flags & ROUTE_PREFIX) != pass)
				continue;
			if (!pattern_match(rt, path, NULL))
				continue;
			if (strcmp(rt->method, m) == 0) {
				if (r)
					pattern_match(rt, path, r);
				*idx = i;
				return ROUTER_FOUND;
			}
			if (pass == 0) {
				path_found = 1;
				if (allow && allowlen && !strstr(allow, rt->method)) {
					size_t l = strlen(allow);
					snprintf(allow + l, allowlen - l, "%s%s", l ? ", " : "",
						 rt->method);
				}
			}
		}
		if (path_found)
			return ROUTER_NO_METHOD;
	}
	return ROUTER_NO_PATH;
}

static int set_err(struct router_err *err, int status, const char *code, const char *msg,
		   const char *field)
{
	err->status = status;
	err->code = code;
	err->message = msg;
	err->field = field;
	return -1;
}

static int utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned c = u[i];
		size_t k;
		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return 0;
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0 && c >= 0xC2)
			k = 1;
		else if ((c & 0xF0) == 0xE0)
			k = 2;
		else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
			k = 3;
		else
			return 0;
		for (size_t j = 1; j <= k; j++)
			if (i + j >= n || (u[i + j] & 0xC0) != 0x80)
				return 0;
		i += k + 1;
	}
	return 1;
}

static int parse_ll(const char *v, long long *out)
{
	if (!*v)
		return -1;
	const char *s = v;
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return -1;
	for (const char *q = s; *q; q++)
		if (*q < '0' || *q > '9')
			return -1;
	errno = 0;
	char *end;
	long long x = strtoll(v, &end, 10);
	if (errno || *end)
		return -1;
	*out = x;
	return 0;
}

static int enum_has(const char *values, const char *v)
{
	size_t vl = strlen(v);
	const char *p = values;
	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t l = bar ? (size_t)(bar - p) : strlen(p);
		if (l == vl && strncmp(p, v, l) == 0)
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

int router_check_value(const struct param_spec *p, const char *v, struct router_err *err)
{
	size_t len = strlen(v);
	size_t max = p->max_len ? (size_t)p->max_len : 256;
	switch (p->type & 0xff) {
	case PARAM_STRING:
		if (len > max)
			return set_err(err, 400, "invalid_parameter",
				       "Giá trị quá dài / Value too long", p->name);
		if (!utf8_valid(v, len))
			return set_err(err, 400, "invalid_parameter",
				       "Giá trị không phải văn bản UTF-8 hợp lệ / Value is not valid UTF-8 text",
				       p->name);
		return 0;
	case PARAM_INT: {
		long long x;
		if (parse_ll(v, &x) != 0)
			return set_err(err, 400, "invalid_parameter",
				       "Giá trị phải là số nguyên / Value must be an integer", p->name);
		if (x < p->min || (!p->clamp && p->max > p->min && x > p->max))
			return set_err(err, 400, "invalid_parameter",
				       "Giá trị ngoài khoảng cho phép / Value out of range", p->name);
		return 0;
	}
	case PARAM_ENUM:
		if (!enum_has(p->values, v))
			return set_err(err, 400, "invalid_parameter",
				       "Giá trị không thuộc danh sách cho phép / Value not allowed", p->name);
		return 0;
	case PARAM_DIGITS:
		if (len == 0 || len > max)
			return set_err(err, 400, "invalid_parameter",
				       "Độ dài mã không hợp lệ / Invalid code length", p->name);
		for (size_t i = 0; i < len; i++)
			if (v[i] < '0' || v[i] > '9')
				return set_err(err, 400, "invalid_parameter",
					       "Mã chỉ gồm chữ số / Code must be digits", p->name);
		return 0;
	case PARAM_CURSOR:
		if (len == 0 || len > max)
			return set_err(err, 400, "invalid_parameter",
				       "Con trỏ trang không hợp lệ / Invalid cursor", p->name);
		for (size_t i = 0; i < len; i++) {
			char c = v[i];
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			      (c >= '0' && c <= '9') || c == '-' || c == '_'))
				return set_err(err, 400, "invalid_parameter",
					       "Con trỏ trang không hợp lệ / Invalid cursor", p->name);
		}
		return 0;
	default:
		return set_err(err, 400, "invalid_parameter",
			       "Tham số không hợp lệ / Invalid parameter", p->name);
	}
}

int router_take_query(struct req *r, const char *name, const char *value, struct router_err *err)
{
	int i = param_index(r->route, name, PARAM_IN_QUERY);
	if (i < 0)
		return set_err(err, 400, "unknown_parameter",
			       "Tham số không được hỗ trợ / Unsupported parameter",
			       arena_strdup(r->arena, name));
	if (r->params[i])
		return set_err(err, 400, "duplicate_parameter",
			       "Tham số bị lặp lại / Parameter given more than once",
			       r->route->params[i].name);
	const char *v = value ? value : "";
	if (router_check_value(&r->route->params[i], v, err) != 0)
		return -1;
	r->params[i] = arena_strdup(r->arena, v);
	return 0;
}

int router_finish_params(struct req *r, struct router_err *err)
{
	const struct route *rt = r->route;
	if (!rt->params)
		return 0;
	for (int i = 0; rt->params[i].name && i < HTTP_MAX_PARAMS; i++) {
		const struct param_spec *p = &rt->params[i];
		if (p->in == PARAM_IN_PATH && r->params[i] &&
		    router_check_value(p, r->params[i], err) != 0)
			return -1;
		if (!r->params[i]) {
			if (p->required)
				return set_err(err, 400, "missing_parameter",
					       "Thiếu tham số bắt buộc / Required parameter missing",
					       p->name);
			continue;
		}
		if ((p->type & 0xff) == PARAM_INT && p->clamp && p->max > p->min) {
			long long x = strtoll(r->params[i], NULL, 10);
			if (x > p->max)
				r->params[i] = arena_printf(r->arena, "%lld", p->max);
		}
	}
	return 0;
}

static int body_check_field(const struct param_spec *p, json_t *v, struct router_err *err)
{
	if (json_is_null(v)) {
		if (p->type & PARAM_NULLABLE)
			return 0;
		if (p->required)
			return set_err(err, 400, "missing_field",
				       "Thiếu trường bắt buộc / Required field missing", p->name);
		return 0;
	}
	switch (p->type & 0xff) {
	case PARAM_STRING:
	case PARAM_ENUM:
	case PARAM_DIGITS:
	case PARAM_CURSOR:
		if (!json_is_string(v))
			return set_err(err, 400, "invalid_field",
				       "Trường phải là chuỗi / Field must be a string", p->name);
		return router_check_value(p, json_string_value(v), err);
	case PARAM_INT:
		if (!json_is_integer(v))
			return set_err(err, 400, "invalid_field",
				       "Trường phải là số nguyên / Field must be an integer", p->name);
		if (json_integer_value(v) < p->min ||
		    (p->max > p->min && json_integer_value(v) > p->max))
			return set_err(err, 400, "invalid_field",
				       "Giá trị ngoài khoảng cho phép / Value out of range", p->name);
		return 0;
	case PARAM_NUMBER:
		if (!json_is_number(v))
			return set_err(err, 400, "invalid_field",
				       "Trường phải là số / Field must be a number", p->name);
		if (p->max > p->min &&
		    (json_number_value(v) < (double)p->min || json_number_value(v) > (double)p->max))
			return set_err(err, 400, "invalid_field",
				       "Giá trị ngoài khoảng cho phép / Value out of range", p->name);
		return 0;
	case PARAM_BOOL:
		if (!json_is_boolean(v))
			return set_err(err, 400, "invalid_field",
				       "Trường phải là true/false / Field must be a boolean", p->name);
		return 0;
	case PARAM_OBJECT:
		if (!json_is_object(v))
			return set_err(err, 400, "invalid_field",
				       "Trường phải là đối tượng / Field must be an object", p->name);
		return 0;
	case PARAM_ARRAY:
		if (!json_is_array(v))
			return set_err(err, 400, "invalid_field",
				       "Trường phải là mảng / Field must be an array", p->name);
		return 0;
	}
	return set_err(err, 400, "invalid_field", "Trường không hợp lệ / Invalid field", p->name);
}

int router_parse_body(const struct param_spec *spec, const char *body, size_t len, json_t **out,
		      struct router_err *err, struct arena *a)
{
	*out = NULL;
	if (!body || len == 0)
		return set_err(err, 400, "invalid_json",
			       "Thiếu nội dung JSON / Request body (JSON) is missing", NULL);
	json_error_t je;
	json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return set_err(err, 400, "invalid_json",
			       "Nội dung không phải JSON hợp lệ / Body is not valid JSON", NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		return set_err(err, 400, "invalid_json",
			       "Nội dung phải là một đối tượng JSON / Body must be a JSON object", NULL);
	}
	if (spec) {
		const char *key;
		json_t *v;
		json_object_foreach(j, key, v) {
			const struct param_spec *p = NULL;
			for (int i = 0; spec[i].name; i++)
				if (strcmp(spec[i].name, key) == 0)
					p = &spec[i];
			if (!p) {
				char *name = arena_strndup(a, key, 64);
				json_decref(j);
				return set_err(err, 400, "unknown_field",
					       "Trường không được hỗ trợ / Unsupported field", name);
			}
			if (body_check_field(p, v, err) != 0) {
				json_decref(j);
				return -1;
			}
		}
		for (int i = 0; spec[i].name; i++)
			if (spec[i].required && !json_object_get(j, spec[i].name)) {
				json_decref(j);
				return set_err(err, 400, "missing_field",
					       "Thiếu trường bắt buộc / Required field missing",
					       spec[i].name);
			}
	}
	*out = j;
	return 0;
}
