/* /api/v1/units*: administrative units of both schemes (public, read
 * only). Handlers validate nothing themselves (the route table declares
 * every parameter) and call the store. GET /api/v1/units/{code} is the
 * hottest read, so its rendered JSON is cached per (scheme, code); the
 * cache is dropped whenever store_units_generation changes (any units
 * write, here or in another process). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/log.h"
#include "http/http.h"
#include "store/store.h"

#define UNITS_DEFAULT_LIMIT 50
#define UCACHE_BUCKETS 8192   /* power of two */
#define UCACHE_MAX 65536      /* entries; more: start again */

#define UNIT_CODE_PARAM                                                                 \
	{.name = "code", .in = PARAM_IN_PATH, .type = PARAM_DIGITS, .required = 1,        \
	 .max_len = 5, .description = "unit code, leading zeros kept (\"01\", \"00364\")"}
#define UNIT_SCHEME_PARAM                                                               \
	{.name = "scheme", .type = PARAM_ENUM, .values = "2025|legacy",                     \
	 .description = "2025 (default) or legacy (before 1/7/2025)"}

const struct param_spec api_units_list_params[] = {
	{.name = "q", .type = PARAM_STRING, .max_len = 100,
	 .description = "search words, diacritics optional (\"dong da\")"},
	{.name = "scheme", .type = PARAM_ENUM, .values = "2025|legacy",
	 .description = "2025 or legacy; both when absent (2025 first)"},
	{.name = "level", .type = PARAM_ENUM, .values = "province|district|commune",
	 .description = "province, district (legacy only) or commune"},
	{.name = "parent", .type = PARAM_DIGITS, .max_len = 5,
	 .description = "only units directly below this code"},
	PARAMS_LIST,
	{0},
};

const struct param_spec api_units_get_params[] = {
	UNIT_CODE_PARAM,
	UNIT_SCHEME_PARAM,
	{0},
};

const struct param_spec api_units_children_params[] = {
	UNIT_CODE_PARAM,
	UNIT_SCHEME_PARAM,
	PARAMS_LIST,
	{0},
};

const struct param_spec api_units_successors_params[] = {
	{.name = "code", .in = PARAM_IN_PATH, .type = PARAM_DIGITS, .required = 1,
	 .max_len = 5, .description = "code of a legacy unit"},
	{0},
};

static const struct export_col unit_cols[] = {
	{"code", "Mã", "Code"},
	{"scheme", "Hệ thống", "Scheme"},
	{"level", "Cấp", "Level"},
	{"type", "Loại", "Type"},
	{"name", "Tên", "Name"},
	{"parent", "Mã đơn vị cấp trên", "Parent code"},
	{"lat", "Vĩ độ", "Latitude"},
	{"lon", "Kinh độ", "Longitude"},
	{"area_km2", "Diện tích (km²)", "Area (km²)"},
	{"population", "Dân số", "Population"},
	{"successors", "Đơn vị mới (2025)", "Successors (2025)"},
	{0},
};

static void reply_not_found(struct req *r, struct resp *out)
{
	http_reply_error(r, out, 404, "not_found",
			 "Không tìm thấy đơn vị hành chính / Administrative unit not found", "code");
}

static void reply_store_error(struct req *r, struct resp *out, int rc)
{
	if (rc == STORE_INVALID) {
		http_reply_error(r, out, 400, "invalid_cursor",
				 "Con trỏ phân trang không hợp lệ / Invalid cursor", "cursor");
		return;
	}
	http_reply_error(r, out, 500, "internal", "Lỗi máy chủ / Server error", NULL);
}

/* ---- the rendered-unit cache ----------------------------------------- */

struct ucache_entry {
	struct ucache_entry *next;
	uint64_t hash;
	size_t len;
	char *json;
	char key[32];          /* "scheme:code" */
};

static struct {
	pthread_mutex_t lock;
	const struct store *st;
	uint64_t gen;
	size_t count;
	struct ucache_entry *buckets[UCACHE_BUCKETS];
} ucache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static uint64_t ucache_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Called with the lock held. */
static void ucache_flush(void)
{
	for (size_t i = 0; i < UCACHE_BUCKETS; i++) {
		struct ucache_entry *e = ucache.buckets[i];
		while (e) {
			struct ucache_entry *next = e->next;
			free(e->json);
			free(e);
			e = next;
		}
		ucache.buckets[i] = NULL;
	}
	ucache.count = 0;
}

/* Called with the lock held: drops everything when the store or its
 * generation changed. */
static void ucache_sync(const struct store *st, uint64_t gen)
{
	if (ucache.st != st || ucache.gen != gen) {
		ucache_flush();
		ucache.st = st;
		ucache.gen = gen;
	}
}

/* Copies the cached JSON for key into the arena; NULL on a miss. */
static char *ucache_get(struct arena *a, const struct store *st, uint64_t gen, const char *key,
			size_t *len)
{
	uint64_t h = ucache_hash(key);
	char *copy = NULL;

	pthread_mutex_lock(&ucache.lock);
	ucache_sync(st, gen);
	for (struct ucache_entry *e = ucache.buckets[h & (UCACHE_BUCKETS - 1)]; e; e = e->next) {
		if (e->hash == h && strcmp(e->key, key) == 0) {
			copy = arena_alloc(a, e->len + 1);
			memcpy(copy, e->json, e->len + 1);
			*len = e->len;
			break;
		}
	}
	pthread_mutex_unlock(&ucache.lock);
	return copy;
}

static void ucache_put(const struct store *st, uint64_t gen, const char *key, const char *json,
		       size_t len)
{
	uint64_t h = ucache_hash(key);
	struct ucache_entry *e = xcalloc(1, sizeof *e);

	e->hash = h;
	e->len = len;
	e->json = xstrndup(json, len);
	snprintf(e->key, sizeof e->key, "%s", key);
	pthread_mutex_lock(&ucache.lock);
	if (ucache.st != st || ucache.gen != gen) {
		/* Written meanwhile (or another store): do not cache. */
		pthread_mutex_unlock(&ucache.lock);
		free(e->json);
		free(e);
		return;
	}
	if (ucache.count >= UCACHE_MAX)
		ucache_flush();
	struct ucache_entry **b = &ucache.buckets[h & (UCACHE_BUCKETS - 1)];
	for (struct ucache_entry *x = *b; x; x = x->next) {
		if (x->hash == h && strcmp(x->key, key) == 0) {
			pthread_mutex_unlock(&ucache.lock); /* another thread was first */
			free(e->json);
			free(e);
			return;
		}
	}
	e->next = *b;
	*b = e;
	ucache.count++;
	pthread_mutex_unlock(&ucache.lock);
}

/* ---- handlers ----------------------------------------------------------- */

static const char *scheme_of(struct req *r)
{
	const char *s = req_param(r, "scheme");
	return s ? s : "2025";
}

static int is_export(const char *format)
{
	return format && strcmp(format, "json") != 0;
}

static void reply_units(struct req *r, struct resp *out, struct unit_query *q)
{
	const char *format = req_param(r, "format");
	json_t *items = NULL;
	char *next = NULL;

	if (is_export(format)) {
		q->limit = 0; /* the whole filtered set */
		q->cursor = NULL;
	} else {
		q->limit = (int)req_param_int(r, "limit", UNITS_DEFAULT_LIMIT);
		q->cursor = req_param(r, "cursor");
	}
	int rc = store_unit_list(r->app->store, q, &items, &next);
	if (rc != STORE_OK) {
		reply_store_error(r, out, rc);
		return;
	}
	if (is_export(format)) {
		http_reply_export(r, out, format, "don-vi-hanh-chinh", unit_cols, items);
	} else {
		http_reply_list(r, out, items, next);
	}
	free(next);
}

void api_units_list(struct req *r, struct resp *out)
{
	struct unit_query q = {
		.q = req_param(r, "q"),
		.scheme = req_param(r, "scheme"),
		.level = req_param(r, "level"),
		.parent = req_param(r, "parent"),
	};
	reply_units(r, out, &q);
}

void api_units_get(struct req *r, struct resp *out)
{
	struct store *st = r->app->store;
	const char *scheme = scheme_of(r);
	const char *code = req_param(r, "code");
	char key[32];
	size_t len = 0;

	if (!code) {
		reply_not_found(r, out);
		return;
	}
	snprintf(key, sizeof key, "%s:%s", scheme, code);
	uint64_t gen = store_units_generation(st); /* before the read: see ucache_put */
	char *body = ucache_get(r->arena, st, gen, key, &len);
	if (!body) {
		json_t *u = NULL;
		int rc = store_unit_get(st, scheme, code, &u);
		if (rc == STORE_NOT_FOUND) {
			reply_not_found(r, out);
			return;
		}
		if (rc != STORE_OK) {
			reply_store_error(r, out, rc);
			return;
		}
		char *s = json_dumps(u, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
		json_decref(u);
		if (!s) {
			reply_store_error(r, out, STORE_ERROR);
			return;
		}
		len = strlen(s);
		ucache_put(st, gen, key, s, len);
		body = arena_strndup(r->arena, s, len);
		free(s);
	}
	http_reply_raw(r, out, 200, "application/json; charset=utf-8", body, len);
}

void api_units_children(struct req *r, struct resp *out)
{
	const char *scheme = scheme_of(r);
	const char *code = req_param(r, "code");
	json_t *u = NULL;

	int rc = code ? store_unit_get(r->app->store, scheme, code, &u) : STORE_NOT_FOUND;
	if (rc == STORE_NOT_FOUND) {
		reply_not_found(r, out);
		return;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, out, rc);
		return;
	}
	json_decref(u);
	struct unit_query q = {.scheme = scheme, .parent = code};
	reply_units(r, out, &q);
}

void api_units_successors(struct req *r, struct resp *out)
{
	const char *code = req_param(r, "code");
	json_t *items = NULL;

	int rc = store_unit_successors(r->app->store, code, &items);
	if (rc == STORE_NOT_FOUND) {
		http_reply_error(r, out, 404, "not_found",
				 "Không tìm thấy đơn vị hành chính cũ / Legacy administrative unit "
				 "not found",
				 "code");
		return;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, out, rc);
		return;
	}
	http_reply_list(r, out, items, NULL);
}
