/* Inspections of houses and facilities (POST/GET .../{id}/inspections),
 * fire and explosion history (.../{id}/fires), and the register's public
 * reference catalogue (house types with their templates, condition items,
 * facility categories and systems).
 *
 * An inspection answers condition items of the catalogue that apply to
 * the target's type; each answer gets the item's "required" flag for that
 * type, compliance_evaluate derives the status and failing items, and the
 * store makes the latest inspection the target's compliance. Official
 * inspections (periodic, unannounced) need the inspect capability; a
 * household head or facility owner may record a self-inspection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/conflict.h"
#include "api/photos.h"
#include "api/catalogue.h"
#include "api/register_api.h"
#include "app.h"
#include "auth/audit.h"
#include "auth/principal.h"
#include "auth/roles.h"
#include "core/arena.h"
#include "http/http.h"
#include "register/compliance.h"
#include "register/facility.h"
#include "register/forms.h"
#include "register/house.h"
#include "register/houseid.h"
#include "register/record.h"
#include "store/register.h"

const struct param_spec api_inspection_body[] = {
	{.name = "kind", .type = PARAM_ENUM, .required = 1, .values = "periodic|unannounced|self",
	 .description = "periodic, unannounced or self-inspection"},
	{.name = "date", .type = PARAM_STRING, .required = 1, .max_len = 10,
	 .description = "YYYY-MM-DD, not in the future"},
	{.name = "inspector", .type = PARAM_STRING, .max_len = 200,
	 .description = "default: the caller's name"},
	{.name = "results", .type = PARAM_ARRAY, .required = 1,
	 .description = "[{\"code\",\"result\":\"pass|fail|not_applicable\",\"note\"}]"},
	{.name = "notes", .type = PARAM_STRING, .max_len = 4000},
	{.name = "deadline", .type = PARAM_STRING | PARAM_NULLABLE, .max_len = 10,
	 .description = "remediation deadline for failing items (YYYY-MM-DD)"},
	{.name = "catalogue_version", .type = PARAM_NUMBER | PARAM_NULLABLE, .min = 1,
	 .max = 1000000000,
	 .description = "the published condition catalogue version the checklist was drawn from "
			"(default: the latest published)"},
	{.name = "version", .type = PARAM_NUMBER, .min = 1, .max = 1000000000000000LL,
	 .description = "the target's version the checklist was opened on (or If-Match): 409 "
			"conflict with the current record when it changed since"},
	{0},
};

const struct param_spec api_fire_body[] = {
	{.name = "date", .type = PARAM_STRING, .required = 1, .max_len = 10},
	{.name = "kind", .type = PARAM_ENUM, .values = "fire|explosion"},
	{.name = "deaths", .type = PARAM_NUMBER, .min = 0, .max = 100000},
	{.name = "injuries", .type = PARAM_NUMBER, .min = 0, .max = 100000},
	{.name = "damage_vnd", .type = PARAM_NUMBER | PARAM_NULLABLE, .min = 0, .max = 1e15},
	{.name = "cause", .type = PARAM_STRING, .max_len = 1000},
	{.name = "notes", .type = PARAM_STRING, .max_len = 4000},
	{0},
};

/* Builds the stored inspection from the body for a target of type (and
 * facility category) against the catalogue version of the checklist;
 * replies and returns NULL on a refusal. */
static json_t *inspection_build(struct req *r, struct resp *out, unsigned type,
				const char *category)
{
	json_t *b = r->json;
	const char *kind = json_string_value(json_object_get(b, "kind"));
	const char *date = json_string_value(json_object_get(b, "date"));
	const char *deadline = json_string_value(json_object_get(b, "deadline"));
	json_t *results = json_object_get(b, "results");
	char today[11];
	size_t n = json_array_size(results);

	if (kind && strcmp(kind, "self") != 0 &&
	    (!r->who || !roles_grants(r->who->role, PERM_INSPECT))) {
		http_reply_error(r, out, 403, "forbidden",
				 "Chỉ cán bộ có thẩm quyền được ghi biên bản kiểm tra / Only an "
				 "authorised officer records an official inspection",
				 "kind");
		return NULL;
	}
	rec_today(today);
	if (!date || !rec_date_valid(date) || strcmp(date, today) > 0) {
		api_reg_invalid(r, out, "date", "Ngày kiểm tra không hợp lệ hoặc ở tương lai / "
						"Inspection date invalid or in the future");
		return NULL;
	}
	if (deadline && (!rec_date_valid(deadline) || strcmp(deadline, date) < 0)) {
		api_reg_invalid(r, out, "deadline", "Hạn khắc phục không hợp lệ / Invalid remediation "
						    "deadline");
		return NULL;
	}
	if (n == 0 || n > COMPLIANCE_MAX_ITEMS) {
		api_reg_invalid(r, out, "results", "Cần kết quả của ít nhất một điều kiện / At least "
						   "one condition result is needed");
		return NULL;
	}
	const struct compliance_item_def *defs = NULL;
	size_t ndefs = 0;
	long long cver = 0;
	if (api_catalogue_for_inspection(r, out, &defs, &ndefs, &cver) != 0)
		return NULL;
	struct compliance_item_result *items = arena_zalloc(r->arena, n * sizeof *items);
	const char **failing = arena_zalloc(r->arena, n * sizeof *failing);
	const char **advisory = arena_zalloc(r->arena, n * sizeof *advisory);
	json_t *stored = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *it = json_array_get(results, i);
		const char *code = json_string_value(json_object_get(it, "code"));
		const char *res = json_string_value(json_object_get(it, "result"));
		json_t *note = json_object_get(it, "note");
		enum compliance_result cr;
		const struct compliance_item_def *def = compliance_find(defs, ndefs, code);
		char *field = arena_printf(r->arena, "results[%zu]", i);
		items[i].code = code;
		/* asked of this target in that version; sets required from it */
		if (!json_is_object(it) ||
		    compliance_resolve(defs, ndefs, type, category, &items[i], 1, NULL) != 0) {
			json_decref(stored);
			api_reg_invalid(r, out, field, "Điều kiện không có trong danh mục cho loại này / "
						       "Condition not in the catalogue for this type");
			return NULL;
		}
		if (!res || compliance_result_parse(res, &cr) != 0) {
			json_decref(stored);
			api_reg_invalid(r, out, field, "Kết quả phải là pass, fail hoặc not_applicable / "
						       "Result must be pass, fail or not_applicable");
			return NULL;
		}
		if (note && !json_is_null(note) &&
		    (!json_is_string(note) || strlen(json_string_value(note)) > 2000)) {
			json_decref(stored);
			api_reg_invalid(r, out, field, "Ghi chú không hợp lệ / Invalid note");
			return NULL;
		}
		items[i].code = def->code;
		items[i].result = cr;
		json_t *o = json_pack("{s:s,s:s,s:b,s:s}", "code", def->code, "result", res,
				      "required", items[i].required, "title_vi", def->text_vi);
		if (json_is_string(note))
			json_object_set(o, "note", note);
		json_array_append_new(stored, o);
	}
	struct compliance_inspection insp = {items, n};
	struct compliance_outcome oc;
	if (compliance_evaluate(&insp, &oc, failing, advisory) != 0) {
		json_decref(stored);
		api_reg_invalid(r, out, "results", "Kết quả bị lặp điều kiện / A condition is answered "
						   "twice");
		return NULL;
	}
	json_t *fail_arr = json_array();
	for (size_t i = 0; i < oc.nfailing; i++)
		json_array_append_new(fail_arr, json_string(failing[i]));
	const char *missing[COMPLIANCE_MAX_ITEMS];
	size_t nmiss = compliance_find_missing_for(defs, ndefs, type, category, &insp, missing,
						   COMPLIANCE_MAX_ITEMS);
	json_t *miss = json_array();
	for (size_t i = 0; i < nmiss && i < COMPLIANCE_MAX_ITEMS; i++)
		json_array_append_new(miss, json_string(missing[i]));
	const char *inspector = json_string_value(json_object_get(b, "inspector"));
	json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:s,s:o}", "kind", kind, "date", date, "inspector",
			      inspector ? inspector
			      : r->who && r->who->display_name[0] ? r->who->display_name
			      : r->who				   ? r->who->username
								   : "system",
			      "results", stored, "compliance", compliance_status_id(oc.status),
			      "failing_items", fail_arr);
	json_t *notes = json_object_get(b, "notes");
	if (json_is_string(notes))
		json_object_set(o, "notes", notes);
	if (deadline)
		json_object_set_new(o, "deadline", json_string(deadline));
	json_object_set_new(o, "_missing", miss);
	json_object_set_new(o, "catalogue_version", json_sprintf("%lld", cver));
	return o;
}

/* The version the checklist was based on (If-Match or "version"), checked
 * against target (borrowed); replies 400/409 and returns -1 on a refusal.
 * An offline phone keeps its answers and shows the 409 to the officer. */
static int inspection_version_ok(struct req *r, struct resp *out, json_t *target)
{
	long long want = -1;
	if (api_conflict_expected(r, out, r->json, &want) != 0)
		return -1;
	if (want > 0 && json_integer_value(json_object_get(target, "version")) != want) {
		api_conflict_reply(r, out, want, json_incref(target));
		return -1;
	}
	return 0;
}

static void inspection_add(struct req *r, struct resp *out, const char *kind, const char *id,
			   unsigned type)
{
	json_t *res = NULL;
	json_t *insp = inspection_build(r, out, type, api_catalogue_category(r, kind, id));
	if (!insp)
		return;
	json_t *missing = json_incref(json_object_get(insp, "_missing"));
	json_object_del(insp, "_missing");
	int rc = store_inspection_add(r->app->store, api_reg_scope(r), kind, id, insp, &res);
	if (rc != STORE_OK) {
		json_decref(insp);
		json_decref(missing);
		api_reg_store_error(r, out, rc, kind);
		return;
	}
	char iid[32];
	snprintf(iid, sizeof iid, "%lld", (long long)json_integer_value(json_object_get(res, "id")));
	json_t *a = json_pack("{s:s,s:s,s:s,s:s}", "target_kind", kind, "target_id", id, "kind",
			      json_string_value(json_object_get(insp, "kind")), "compliance",
			      json_string_value(json_object_get(insp, "compliance")));
	audit_log(r, "inspection.create", "inspection", iid, a);
	json_decref(a);
	if (json_array_size(json_object_get(insp, "failing_items")) &&
	    json_object_get(insp, "deadline"))
		api_reg_notify(r, "remediation_deadline", kind, id,
			       json_string_value(json_object_get(insp, "deadline")));
	json_decref(insp);
	json_object_set_new(res, "missing_items", missing);
	json_t *one = json_pack("[O]", res);
	api_photos_attach(r, kind, id, one);
	json_decref(one);
	api_reg_reply(r, out, 201, res);
}

void api_houses_inspection_add(struct req *r, struct resp *out)
{
	char id[HOUSEID_MAX];
	json_t *h = NULL;
	unsigned type;
	if (api_reg_house_id(r, out, id) != 0)
		return;
	int rc = store_house_get(r->app->store, api_reg_scope(r), id, &h);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "house");
		return;
	}
	if (compliance_type_parse(json_string_value(json_object_get(h, "house_type")), &type) != 0)
		type = COMPLIANCE_TYPE_OTHER;
	rc = inspection_version_ok(r, out, h);
	json_decref(h);
	if (rc == 0)
		inspection_add(r, out, "house", id, type);
}

void api_facilities_inspection_add(struct req *r, struct resp *out)
{
	const char *id = req_param(r, "id");
	if (json_object_get(r->json, "version") || req_header(r, "If-Match")) {
		json_t *f = NULL;
		int rc = store_facility_get(r->app->store, api_reg_scope(r), id, &f);
		if (rc != STORE_OK) {
			api_reg_store_error(r, out, rc, "facility");
			return;
		}
		rc = inspection_version_ok(r, out, f);
		json_decref(f);
		if (rc != 0)
			return;
	}
	inspection_add(r, out, "facility", id, COMPLIANCE_TYPE_FACILITY);
}

static void inspection_list(struct req *r, struct resp *out, const char *kind, const char *id)
{
	json_t *items = NULL;
	int rc = store_inspection_list(r->app->store, api_reg_scope(r), kind, id, &items);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, kind);
		return;
	}
	api_photos_attach(r, kind, id, items);
	http_reply_list(r, out, items, NULL);
}

void api_houses_inspection_list(struct req *r, struct resp *out)
{
	char id[HOUSEID_MAX];
	if (api_reg_house_id(r, out, id) == 0)
		inspection_list(r, out, "house", id);
}

void api_facilities_inspection_list(struct req *r, struct resp *out)
{
	inspection_list(r, out, "facility", req_param(r, "id"));
}

/* ---- every inspection in scope (GET /api/v1/inspections) -------------------------- */

#define INSP_DEFAULT_LIMIT 25

const struct param_spec api_inspections_list_params[] = {
	{.name = "unit", .type = PARAM_DIGITS, .max_len = 5, .description = "2025 commune code"},
	{.name = "target_kind", .type = PARAM_ENUM, .values = "house|facility"},
	{.name = "kind", .type = PARAM_ENUM, .values = "periodic|unannounced|self"},
	{.name = "compliance", .type = PARAM_ENUM, .values = "dam_bao|khong_dam_bao"},
	{.name = "failing_item", .type = PARAM_STRING, .max_len = 64,
	 .description = "a condition item code that failed"},
	{.name = "from", .type = PARAM_STRING, .max_len = 10, .description = "YYYY-MM-DD, inclusive"},
	{.name = "to", .type = PARAM_STRING, .max_len = 10, .description = "YYYY-MM-DD, inclusive"},
	{.name = "inspector", .type = PARAM_STRING, .max_len = 200},
	PARAMS_LIST,
	{0},
};

static const struct export_col insp_cols[] = {
	{"date", "Ngày kiểm tra", "Date"},
	{"kind_vi", "Hình thức", "Kind"},
	{"target_kind_vi", "Đối tượng", "Target kind"},
	{"target_id", "Mã nhà / cơ sở", "Target ID"},
	{"target_label", "Địa chỉ / tên cơ sở", "Address / name"},
	{"unit", "Mã xã/phường", "Commune code"},
	{"unit_name", "Xã/phường", "Commune"},
	{"inspector", "Cán bộ kiểm tra", "Inspector"},
	{"compliance_vi", "Kết luận", "Outcome"},
	{"failing_items", "Điều kiện không đạt", "Failing items"},
	{"record_number", "Số biên bản", "Record number"},
	{"id", "Mã lần kiểm tra", "Inspection ID"},
	{0},
};

/* Labels for a row of the list: the kinds in Vietnamese and the printed
 * record's number. */
static void insp_row_labels(json_t *o)
{
	const char *k = forms_inspection_kind_vi(json_string_value(json_object_get(o, "kind")));
	const char *tk = json_string_value(json_object_get(o, "target_kind"));
	json_t *seq = json_object_get(o, "record_seq");
	if (k)
		json_object_set_new(o, "kind_vi", json_string(k));
	if (tk)
		json_object_set_new(o, "target_kind_vi",
				    json_string(strcmp(tk, "house") == 0 ? "Nhà ở" : "Cơ sở"));
	if (json_is_integer(seq)) {
		char num[48];
		forms_inspection_number((long long)json_integer_value(seq), num, sizeof num);
		json_object_set_new(o, "record_number", json_string(num));
	} else {
		json_object_set_new(o, "record_number", json_null());
	}
	json_object_del(o, "record_seq"); /* shown as record_number */
}

void api_inspections_list(struct req *r, struct resp *out)
{
	const char *format = req_param(r, "format");
	int exp = format && strcmp(format, "json") != 0;
	const char *dates[] = {"from", "to"};
	struct inspection_query q = {
		.unit = req_param(r, "unit"),
		.target_kind = req_param(r, "target_kind"),
		.kind = req_param(r, "kind"),
		.compliance = req_param(r, "compliance"),
		.failing_item = req_param(r, "failing_item"),
		.from = req_param(r, "from"),
		.to = req_param(r, "to"),
		.inspector = req_param(r, "inspector"),
	};
	json_t *items = NULL, *o;
	char *next = NULL;
	size_t i;

	for (int k = 0; k < 2; k++) {
		const char *v = req_param(r, dates[k]);
		if (v && !rec_date_valid(v)) {
			http_reply_error(r, out, 400, "invalid_param",
					 "Ngày phải có dạng YYYY-MM-DD / Date must be YYYY-MM-DD",
					 dates[k]);
			return;
		}
	}
	if (q.from && q.to && strcmp(q.from, q.to) > 0) {
		http_reply_error(r, out, 400, "invalid_param",
				 "“Từ ngày” phải trước “đến ngày” / “from” must not be after “to”",
				 "from");
		return;
	}
	if (!exp) {
		q.limit = (int)req_param_int(r, "limit", INSP_DEFAULT_LIMIT);
		q.cursor = req_param(r, "cursor");
	}
	int rc = store_inspection_search(r->app->store, api_reg_scope(r), &q, &items, &next);
	if (rc == STORE_INVALID) {
		http_reply_error(r, out, 400, "invalid_cursor",
				 "Con trỏ phân trang không hợp lệ / Invalid cursor", "cursor");
		return;
	}
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, NULL);
		return;
	}
	json_array_foreach(items, i, o)
		insp_row_labels(o);
	if (exp)
		http_reply_export(r, out, format, "kiem-tra", insp_cols, items);
	else
		http_reply_list(r, out, items, next);
	free(next);
}

/* ---- fires ----------------------------------------------------------------------- */

static void fire_add(struct req *r, struct resp *out, const char *kind, const char *id)
{
	json_t *res = NULL;
	const char *date = json_string_value(json_object_get(r->json, "date"));
	const char *nums[] = {"deaths", "injuries", "damage_vnd"};
	if (!rec_date_valid(date)) {
		api_reg_invalid(r, out, "date", "Ngày phải có dạng YYYY-MM-DD / Date must be "
						"YYYY-MM-DD");
		return;
	}
	for (int i = 0; i < 3; i++) {
		json_t *v = json_object_get(r->json, nums[i]);
		if (v && !json_is_null(v) && !json_is_integer(v)) {
			api_reg_invalid(r, out, nums[i], "Phải là số nguyên / Must be an integer");
			return;
		}
	}
	int rc = store_fire_add(r->app->store, api_reg_scope(r), kind, id, r->json, &res);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, kind);
		return;
	}
	char fid[32];
	snprintf(fid, sizeof fid, "%lld", (long long)json_integer_value(json_object_get(res, "id")));
	json_t *a = json_pack("{s:s,s:s}", "target_kind", kind, "target_id", id);
	audit_log(r, "fire.create", "fire", fid, a);
	json_decref(a);
	api_reg_reply(r, out, 201, res);
}

static void fire_list(struct req *r, struct resp *out, const char *kind, const char *id)
{
	json_t *items = NULL;
	int rc = store_fire_list(r->app->store, api_reg_scope(r), kind, id, &items);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, kind);
		return;
	}
	http_reply_list(r, out, items, NULL);
}

void api_houses_fire_add(struct req *r, struct resp *out)
{
	char id[HOUSEID_MAX];
	if (api_reg_house_id(r, out, id) == 0)
		fire_add(r, out, "house", id);
}

void api_houses_fire_list(struct req *r, struct resp *out)
{
	char id[HOUSEID_MAX];
	if (api_reg_house_id(r, out, id) == 0)
		fire_list(r, out, "house", id);
}

void api_facilities_fire_add(struct req *r, struct resp *out)
{
	fire_add(r, out, "facility", req_param(r, "id"));
}

void api_facilities_fire_list(struct req *r, struct resp *out)
{
	fire_list(r, out, "facility", req_param(r, "id"));
}

/* ---- catalogue ------------------------------------------------------------------- */

void api_register_catalogue(struct req *r, struct resp *out)
{
	long long cver = 0;
	json_t *types = json_array(), *items = api_catalogue_conditions(r, &cver),
	       *cats = json_object();
	static const char *const tids[] = {"tube_house", "detached_house", "mini_apartment",
					   "boarding_house", "home_business", "apartment", "other"};
	for (size_t i = 0; i < sizeof tids / sizeof tids[0]; i++)
		json_array_append_new(types, json_pack("{s:s,s:s,s:o}", "id", tids[i], "name_vi",
						       house_type_vi(tids[i]), "fields",
						       house_template(tids[i])));
	static const char *const schemes[] = {"105/2025", "136/2020"};
	for (int s = 0; s < 2; s++) {
		size_t nc;
		const struct facility_category *c = facility_categories(schemes[s], &nc);
		json_t *arr = json_array();
		for (size_t i = 0; i < nc; i++)
			json_array_append_new(arr, json_pack("{s:s,s:s,s:s}", "id", c[i].id, "name_vi",
							     c[i].vi, "name_en", c[i].en));
		json_object_set_new(cats, schemes[s], arr);
	}
	json_t *body = json_pack("{s:I,s:o,s:o,s:o,s:s}", "version", (json_int_t)cver,
				 "house_types", types, "conditions", items, "facility_categories",
				 cats, "transmitter_deadline", FACILITY_TRANSMITTER_DEADLINE);
	http_reply_json(r, out, 200, body);
}
