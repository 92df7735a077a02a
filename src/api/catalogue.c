/* Handlers of the versioned catalogue of safety condition items (see
 * catalogue.h). Reading: any signed-in caller sees published versions and
 * the checklist of a house type or facility category; drafts only a holder
 * of units.admin. Writing (units.admin): a draft is opened as a copy of
 * the latest published version, its items are added, edited or
 * deactivated (never deleted: inspections keep their codes), and it is
 * published when compliance_catalogue_publishable agrees. A published
 * version is immutable: writes to it answer 409. Every write is audited. */
#include "api/catalogue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/register_api.h"
#include "app.h"
#include "auth/audit.h"
#include "auth/principal.h"
#include "auth/roles.h"
#include "core/arena.h"
#include "http/http.h"
#include "register/compliance.h"
#include "register/facility.h"
#include "store/register.h"
#include "store/register_catalogue.h"

#define TYPE_VALUES                                                                  \
	"tube_house|detached_house|mini_apartment|boarding_house|home_business|apartment|" \
	"other|facility"

const struct param_spec api_catalogue_get_params[] = {
	{.name = "version", .type = PARAM_INT, .min = 1, .max = 1000000000,
	 .description = "a version number (default: the latest published; drafts: units.admin)"},
	{.name = "house_type", .type = PARAM_ENUM, .values = TYPE_VALUES,
	 .description = "only the active items asked of this house type (or facility)"},
	{.name = "category", .type = PARAM_STRING, .max_len = 64,
	 .description = "only the active items asked of facilities of this category"},
	{0},
};

const struct param_spec api_catalogue_version_params[] = {
	{.name = "n", .in = PARAM_IN_PATH, .type = PARAM_DIGITS, .required = 1, .max_len = 9,
	 .description = "version number"},
	{0},
};

const struct param_spec api_catalogue_item_params[] = {
	{.name = "n", .in = PARAM_IN_PATH, .type = PARAM_DIGITS, .required = 1, .max_len = 9,
	 .description = "version number (a draft)"},
	{.name = "code", .in = PARAM_IN_PATH, .type = PARAM_STRING, .required = 1, .max_len = 64,
	 .description = "item code"},
	{0},
};

const struct param_spec api_catalogue_draft_body[] = {
	{.name = "note", .type = PARAM_STRING | PARAM_NULLABLE, .max_len = 1000,
	 .description = "what the new version changes"},
	{0},
};

#define ITEM_FIELDS                                                                          \
	{.name = "title_vi", .type = PARAM_STRING, .max_len = COMPLIANCE_TITLE_MAX},         \
	    {.name = "title_en", .type = PARAM_STRING, .max_len = COMPLIANCE_TITLE_MAX},     \
	    {.name = "legal_basis", .type = PARAM_STRING, .max_len = COMPLIANCE_LEGAL_MAX},  \
	    {.name = "applies", .type = PARAM_ARRAY,                                         \
	     .description = "house types and/or \"facility\" the item is asked of"},         \
	    {.name = "required", .type = PARAM_ARRAY,                                        \
	     .description = "the subset of applies where a fail makes khong_dam_bao"},       \
	    {.name = "categories", .type = PARAM_ARRAY,                                      \
	     .description = "facility categories (empty: every category)"},                 \
	    {.name = "position", .type = PARAM_NUMBER, .min = 0,                             \
	     .max = COMPLIANCE_POSITION_MAX, .description = "display order"},                \
	{                                                                                    \
		.name = "active", .type = PARAM_BOOL,                                        \
		.description = "false: kept for history, no longer asked"                    \
	}

const struct param_spec api_catalogue_item_add_body[] = {
	{.name = "code", .type = PARAM_STRING, .required = 1, .max_len = 64,
	 .description = "stable code: A-Z, 0-9, _ (at most 32)"},
	ITEM_FIELDS,
	{0},
};

const struct param_spec api_catalogue_item_update_body[] = {
	ITEM_FIELDS,
	{0},
};

static const char *username(struct req *r)
{
	return r->who && r->who->username[0] ? r->who->username : "system";
}

static int is_admin(struct req *r)
{
	return r->who && roles_grants(r->who->role, PERM_UNITS_ADMIN);
}

static void reply_store(struct req *r, struct resp *out, int rc, long long n)
{
	switch (rc) {
	case STORE_NOT_FOUND:
		http_reply_error(r, out, 404, "not_found",
				 "Không tìm thấy phiên bản hoặc điều kiện / Version or item not found",
				 NULL);
		return;
	case STORE_CATALOGUE_PUBLISHED:
		http_reply_error(r, out, 409, "catalogue_published",
				 arena_printf(r->arena,
					      "Phiên bản %lld đã công bố, không được sửa; hãy tạo "
					      "bản nháp mới / Version %lld is published and cannot "
					      "be changed; open a new draft",
					      n, n),
				 "version");
		return;
	default:
		http_reply_error(r, out, 500, "internal",
				 "Lỗi máy chủ, vui lòng thử lại / Server error, please retry", NULL);
	}
}

static long long path_version(struct req *r)
{
	const char *v = req_param(r, "n");
	long long n = v ? strtoll(v, NULL, 10) : 0;
	return n > 0 ? n : -1;
}

/* The items of cat that apply to type/category, each with required_here. */
static json_t *filter_items(json_t *cat, unsigned type, const char *category)
{
	struct compliance_item_def *defs = NULL;
	size_t n = 0;
	json_t *keep = json_array();
	if (store_catalogue_defs(cat, &defs, &n) != 0)
		return keep;
	json_t *items = json_object_get(cat, "items");
	for (size_t i = 0; i < n; i++) {
		if (!compliance_item_applies(&defs[i], type, category))
			continue;
		json_t *it = json_copy(json_array_get(items, i));
		json_object_set_new(it, "required_here",
				    json_boolean(compliance_item_required(&defs[i], type)));
		json_array_append_new(keep, it);
	}
	free(defs);
	return keep;
}

void api_catalogue_get(struct req *r, struct resp *out)
{
	json_t *cat = NULL;
	long long n = req_param_int(r, "version", 0);
	const char *ht = req_param(r, "house_type");
	const char *category = req_param(r, "category");
	unsigned type = 0;

	if (category && !facility_category_vi(category)) {
		http_reply_error(r, out, 400, "invalid_field",
				 "Loại cơ sở không có trong danh mục / Unknown facility category",
				 "category");
		return;
	}
	if (ht && compliance_type_parse(ht, &type) != 0)
		type = 0;
	if (category && !ht)
		type = COMPLIANCE_TYPE_FACILITY;
	if (category && type != COMPLIANCE_TYPE_FACILITY) {
		http_reply_error(r, out, 400, "invalid_field",
				 "Loại cơ sở chỉ dùng với house_type=facility / A category goes "
				 "with house_type=facility",
				 "category");
		return;
	}
	int rc = store_catalogue_get(r->app->store, n, &cat);
	if (rc == STORE_OK && !json_is_true(json_object_get(cat, "published")) && !is_admin(r))
		rc = STORE_NOT_FOUND; /* drafts are for the catalogue's keepers */
	if (rc != STORE_OK) {
		json_decref(cat);
		if (rc == STORE_NOT_FOUND)
			http_reply_error(r, out, 404, "not_found",
					 "Không tìm thấy phiên bản danh mục / Catalogue version not "
					 "found",
					 "version");
		else
			reply_store(r, out, rc, n);
		return;
	}
	if (type) {
		json_t *keep = filter_items(cat, type, category);
		json_object_set_new(cat, "items", keep);
		json_object_set_new(cat, "house_type", json_string(compliance_type_id(type)));
		if (category)
			json_object_set_new(cat, "category", json_string(category));
	}
	http_reply_json(r, out, 200, cat);
}

void api_catalogue_versions(struct req *r, struct resp *out)
{
	json_t *items = NULL;
	int rc = store_catalogue_versions(r->app->store, &items);
	if (rc != STORE_OK) {
		reply_store(r, out, rc, 0);
		return;
	}
	http_reply_list(r, out, items, NULL);
}

static void audit(struct req *r, const char *action, long long n, json_t *fields)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", n);
	audit_log(r, action, "condition_catalogue", id, fields);
}

void api_catalogue_draft_create(struct req *r, struct resp *out)
{
	json_t *res = NULL;
	const char *note = json_string_value(json_object_get(r->json, "note"));
	int rc = store_catalogue_draft_create(r->app->store, username(r), note, &res);
	if (rc == STORE_CONFLICT) {
		long long d = json_integer_value(json_object_get(res, "version"));
		json_decref(res);
		http_reply_error(r, out, 409, "draft_open",
				 arena_printf(r->arena,
					      "Đang có bản nháp số %lld; hãy sửa hoặc công bố bản "
					      "nháp đó / Draft %lld is open; edit or publish it",
					      d, d),
				 "version");
		return;
	}
	if (rc != STORE_OK) {
		reply_store(r, out, rc, 0);
		return;
	}
	long long n = json_integer_value(json_object_get(res, "version"));
	json_t *f = json_pack("{s:I,s:I}", "version", (json_int_t)n, "items",
			      (json_int_t)json_array_size(json_object_get(res, "items")));
	if (note)
		json_object_set_new(f, "note", json_string(note));
	audit(r, "catalogue.draft_create", n, f);
	json_decref(f);
	http_reply_json(r, out, 201, res);
}

/* The array of type ids at key of body into *bits; replies 400 and returns
 * -1 when an element is not a known type id. */
static int body_types(struct req *r, struct resp *out, const char *key, unsigned *bits)
{
	json_t *arr = json_object_get(r->json, key);
	size_t i;
	json_t *v;
	*bits = 0;
	json_array_foreach(arr, i, v) {
		unsigned t;
		if (compliance_type_parse(json_string_value(v), &t) != 0) {
			http_reply_error(r, out, 400, "invalid_field",
					 "Loại nhà hoặc cơ sở không hợp lệ (tube_house, "
					 "detached_house, mini_apartment, boarding_house, "
					 "home_business, apartment, other, facility) / Unknown house "
					 "type",
					 key);
			return -1;
		}
		*bits |= t;
	}
	return 0;
}

/* Copies the body's item fields onto item (an item JSON as the store
 * shows it); replies and returns -1 on a malformed field. */
static int item_merge(struct req *r, struct resp *out, json_t *item)
{
	static const char *const texts[] = {"title_vi", "title_en", "legal_basis"};
	static const char *const lists[] = {"applies", "required"};
	json_t *b = r->json;

	for (size_t i = 0; i < 3; i++) {
		json_t *v = json_object_get(b, texts[i]);
		if (json_is_string(v))
			json_object_set(item, texts[i], v);
	}
	for (size_t i = 0; i < 2; i++) {
		unsigned bits;
		if (!json_object_get(b, lists[i]))
			continue;
		if (body_types(r, out, lists[i], &bits) != 0)
			return -1;
		json_t *arr = json_array();
		for (unsigned t = 1; t <= COMPLIANCE_TYPE_FACILITY; t <<= 1)
			if (bits & t)
				json_array_append_new(arr, json_string(compliance_type_id(t)));
		json_object_set_new(item, lists[i], arr);
	}
	json_t *cats = json_object_get(b, "categories");
	if (cats) {
		size_t i;
		json_t *v;
		json_array_foreach(cats, i, v) {
			if (!json_is_string(v) || !facility_category_vi(json_string_value(v))) {
				http_reply_error(r, out, 400, "invalid_field",
						 "Loại cơ sở không có trong danh mục / Unknown facility "
						 "category",
						 "categories");
				return -1;
			}
		}
		json_object_set(item, "categories", cats);
	}
	json_t *pos = json_object_get(b, "position");
	if (pos) {
		if (!json_is_integer(pos)) {
			http_reply_error(r, out, 400, "invalid_field",
					 "Thứ tự phải là số nguyên / Order must be an integer",
					 "position");
			return -1;
		}
		json_object_set(item, "position", pos);
	}
	json_t *act = json_object_get(b, "active");
	if (json_is_boolean(act))
		json_object_set(item, "active", act);
	return 0;
}

/* Checks and writes item into draft n; replies in every case. */
static void item_write(struct req *r, struct resp *out, long long n, json_t *item, int create)
{
	struct compliance_item_def *defs = NULL;
	size_t nd = 0;
	struct compliance_error e;
	json_t *wrap = json_pack("{s:[O]}", "items", item);

	if (store_catalogue_defs(wrap, &defs, &nd) != 0 || nd != 1) {
		free(defs);
		json_decref(wrap);
		http_reply_error(r, out, 400, "invalid_field",
				 "Điều kiện không hợp lệ / Invalid item", NULL);
		return;
	}
	if (compliance_item_validate(&defs[0], &e) != 0) {
		free(defs);
		json_decref(wrap);
		http_reply_error(r, out, 400, "invalid_field", e.message, e.field);
		return;
	}
	int rc = store_catalogue_item_put(r->app->store, n, &defs[0], create);
	if (rc == STORE_CONFLICT) {
		http_reply_error(r, out, 409, "conflict",
				 "Mã điều kiện đã có trong phiên bản này; hãy sửa điều kiện đó / The "
				 "code is in this version already; edit that item",
				 "code");
	} else if (rc != STORE_OK) {
		reply_store(r, out, rc, n);
	} else {
		json_t *f = json_object();
		json_object_set_new(f, "code", json_string(defs[0].code));
		json_object_set_new(f, "version", json_integer(n));
		json_t *changed = json_array();
		const char *k;
		json_t *v;
		json_object_foreach(r->json, k, v) json_array_append_new(changed, json_string(k));
		json_object_set_new(f, "fields", changed);
		json_object_set_new(f, "active", json_boolean(!defs[0].inactive));
		audit(r, create ? "catalogue.item_add" : "catalogue.item_update", n, f);
		json_decref(f);
		http_reply_json(r, out, create ? 201 : 200, store_catalogue_item_json(&defs[0]));
	}
	free(defs);
	json_decref(wrap);
}

/* The version n for a write: replies 404 / 409 and returns NULL unless it
 * is a draft. */
static json_t *draft_get(struct req *r, struct resp *out, long long n)
{
	json_t *cat = NULL;
	int rc = n > 0 ? store_catalogue_get(r->app->store, n, &cat) : STORE_NOT_FOUND;
	if (rc == STORE_OK && json_is_true(json_object_get(cat, "published")))
		rc = STORE_CATALOGUE_PUBLISHED;
	if (rc != STORE_OK) {
		json_decref(cat);
		reply_store(r, out, rc, n);
		return NULL;
	}
	return cat;
}

void api_catalogue_item_add(struct req *r, struct resp *out)
{
	long long n = path_version(r);
	json_t *cat = draft_get(r, out, n);
	if (!cat)
		return;
	const char *code = json_string_value(json_object_get(r->json, "code"));
	if (!compliance_code_valid(code)) {
		json_decref(cat);
		http_reply_error(r, out, 400, "invalid_field",
				 "Mã điều kiện gồm 1–32 ký tự A–Z, 0–9 hoặc _ / The code is 1–32 "
				 "characters A–Z, 0–9 or _",
				 "code");
		return;
	}
	long long last = 0;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(cat, "items"), i, it) {
		long long p = json_integer_value(json_object_get(it, "position"));
		if (p > last)
			last = p;
	}
	if (last + 10 > COMPLIANCE_POSITION_MAX)
		last = COMPLIANCE_POSITION_MAX - 10;
	json_t *item = json_pack("{s:s,s:s,s:s,s:s,s:[],s:[],s:[],s:I,s:b}", "code", code,
				 "title_vi", "", "title_en", "", "legal_basis", "", "applies",
				 "required", "categories", "position", (json_int_t)(last + 10),
				 "active", 1);
	if (item_merge(r, out, item) == 0)
		item_write(r, out, n, item, 1);
	json_decref(item);
	json_decref(cat);
}

void api_catalogue_item_update(struct req *r, struct resp *out)
{
	long long n = path_version(r);
	const char *code = req_param(r, "code");
	json_t *cat = draft_get(r, out, n);
	if (!cat)
		return;
	json_t *item = NULL;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(cat, "items"), i, it) {
		const char *c = json_string_value(json_object_get(it, "code"));
		if (c && code && strcmp(c, code) == 0)
			item = json_deep_copy(it);
	}
	json_decref(cat);
	if (!item) {
		http_reply_error(r, out, 404, "not_found",
				 "Không có điều kiện này trong bản nháp / No such item in the draft",
				 "code");
		return;
	}
	if (item_merge(r, out, item) == 0)
		item_write(r, out, n, item, 0);
	json_decref(item);
}

void api_catalogue_publish(struct req *r, struct resp *out)
{
	long long n = path_version(r);
	struct compliance_publish_error e;
	char code[COMPLIANCE_CODE_MAX + 1];
	int rc = n > 0 ? store_catalogue_publish(r->app->store, n, username(r), &e, code)
		       : STORE_NOT_FOUND;
	if (rc == STORE_INVALID) {
		const char *msg = e.err.message ? e.err.message : "Bản nháp chưa hợp lệ / Invalid draft";
		const char *field = e.err.field ? e.err.field : "items";
		if (code[0]) {
			msg = arena_printf(r->arena, "Điều kiện %s: %s", code, msg);
			field = arena_printf(r->arena, "items[%s].%s", code, field);
		} else if (e.type) {
			msg = arena_printf(r->arena, "%s (thiếu: %s / missing: %s)", msg,
					   compliance_type_vi(e.type), compliance_type_id(e.type));
		}
		http_reply_error(r, out, 422, "catalogue_incomplete", msg, field);
		return;
	}
	if (rc != STORE_OK) {
		reply_store(r, out, rc, n);
		return;
	}
	json_t *cat = NULL;
	rc = store_catalogue_get(r->app->store, n, &cat);
	if (rc != STORE_OK) {
		reply_store(r, out, rc, n);
		return;
	}
	json_t *f = json_pack("{s:I,s:I}", "version", (json_int_t)n, "items",
			      (json_int_t)json_array_size(json_object_get(cat, "items")));
	audit(r, "catalogue.publish", n, f);
	json_decref(f);
	http_reply_json(r, out, 200, cat);
}

static void defer_json(void *p)
{
	json_decref(p);
}

int api_catalogue_for_inspection(struct req *r, struct resp *out,
				 const struct compliance_item_def **defs, size_t *n,
				 long long *version)
{
	json_t *v = json_object_get(r->json, "catalogue_version");
	json_t *cat = NULL;
	struct compliance_item_def *d = NULL;
	long long num = 0;

	*defs = NULL;
	*n = 0;
	*version = 0;
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			http_reply_error(r, out, 400, "invalid_field",
					 "Phiên bản danh mục không hợp lệ / Invalid catalogue version",
					 "catalogue_version");
			return -1;
		}
		num = json_integer_value(v);
	}
	int rc = store_catalogue_get(r->app->store, num, &cat);
	if (rc == STORE_OK && !json_is_true(json_object_get(cat, "published")))
		rc = STORE_NOT_FOUND;
	if (rc == STORE_NOT_FOUND) {
		json_decref(cat);
		http_reply_error(r, out, 400, "invalid_field",
				 "Phiên bản danh mục chưa công bố hoặc không có / Catalogue version "
				 "not published or unknown",
				 "catalogue_version");
		return -1;
	}
	if (rc != STORE_OK || store_catalogue_defs(cat, &d, n) != 0) {
		json_decref(cat);
		reply_store(r, out, rc == STORE_OK ? STORE_ERROR : rc, num);
		return -1;
	}
	/* Both live as long as the request. */
	arena_defer(r->arena, defer_json, cat);
	arena_defer(r->arena, free, d);
	*defs = d;
	*version = json_integer_value(json_object_get(cat, "version"));
	return 0;
}

const char *api_catalogue_category(struct req *r, const char *kind, const char *id)
{
	json_t *f = NULL;
	const char *c = NULL;
	if (!kind || strcmp(kind, "facility") != 0 || !id)
		return NULL;
	if (store_facility_get(r->app->store, api_reg_scope(r), id, &f) == STORE_OK) {
		const char *v = json_string_value(json_object_get(f, "category"));
		c = v ? arena_strdup(r->arena, v) : NULL;
	}
	json_decref(f);
	return c;
}

json_t *api_catalogue_conditions(struct req *r, long long *version)
{
	json_t *cat = NULL, *out = json_array();
	struct compliance_item_def *defs = NULL;
	size_t n = 0;

	*version = 0;
	if (store_catalogue_get(r->app->store, 0, &cat) != STORE_OK ||
	    store_catalogue_defs(cat, &defs, &n) != 0) {
		json_decref(cat);
		return out;
	}
	*version = json_integer_value(json_object_get(cat, "version"));
	json_t *items = json_object_get(cat, "items");
	for (size_t i = 0; i < n; i++) {
		if (defs[i].inactive)
			continue;
		json_t *src = json_array_get(items, i);
		json_t *o = json_pack("{s:s,s:s,s:s,s:O,s:O,s:O,s:s,s:i}", "code", defs[i].code,
				      "text_vi", defs[i].text_vi ? defs[i].text_vi : "", "text_en",
				      defs[i].text_en && *defs[i].text_en ? defs[i].text_en
									  : defs[i].text_vi,
				      "applies", json_object_get(src, "applies"), "required",
				      json_object_get(src, "required"), "categories",
				      json_object_get(src, "categories"), "legal_basis",
				      defs[i].legal_basis ? defs[i].legal_basis : "", "position",
				      defs[i].position);
		if (o)
			json_array_append_new(out, o);
	}
	free(defs);
	json_decref(cat);
	return out;
}
