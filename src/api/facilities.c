/* /api/v1/facilities*: facilities under fire-safety management — list and
 * search (transmitter filters for Art. 27, CSV/XLSX export), create, read,
 * patch, bulk import (all rows or none); enforcement: penalty decisions,
 * suspensions and their lifting, and the overdue list per unit. Scope,
 * audit and error shapes as in houses.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/conflict.h"
#include "api/register_api.h"
#include "app.h"
#include "auth/audit.h"
#include "auth/principal.h"
#include "core/arena.h"
#include "http/http.h"
#include "register/facility.h"
#include "register/importer.h"
#include "store/register.h"
#include "store/register_enforcement.h"

#define FAC_DEFAULT_LIMIT 50

#define FAC_ID_PARAM                                                                    \
	{.name = "id", .in = PARAM_IN_PATH, .type = PARAM_STRING, .required = 1,          \
	 .max_len = 40, .description = "facility id (\"CS0000001\")"}

const struct param_spec api_facilities_list_params[] = {
	{.name = "q", .type = PARAM_STRING, .max_len = 200,
	 .description = "name, address or legal representative words (diacritics optional)"},
	{.name = "unit", .type = PARAM_DIGITS, .max_len = 5, .description = "2025 commune code"},
	{.name = "category", .type = PARAM_STRING, .max_len = 40, .description = "category id"},
	{.name = "compliance", .type = PARAM_ENUM, .values = "chua_kiem_tra|dam_bao|khong_dam_bao"},
	{.name = "failing_item", .type = PARAM_STRING, .max_len = 32},
	{.name = "status", .type = PARAM_ENUM,
	 .values = "operating|temporarily_suspended|suspended"},
	{.name = "must_connect", .type = PARAM_INT, .min = 0, .max = 1,
	 .description = "1: must connect a fire alarm transmitter by 1/7/2027 (Art. 27)"},
	{.name = "connected", .type = PARAM_INT, .min = 0, .max = 1,
	 .description = "transmitter connected (1) or not (0)"},
	{.name = "overdue", .type = PARAM_INT, .min = 0, .max = 1,
	 .description = "1: overdue remediation or unpaid penalty"},
	PARAMS_LIST,
	{0},
};

const struct param_spec api_facility_id_params[] = {
	FAC_ID_PARAM,
	{0},
};

const struct param_spec api_suspension_lift_params[] = {
	FAC_ID_PARAM,
	{.name = "sid", .in = PARAM_IN_PATH, .type = PARAM_DIGITS, .required = 1, .max_len = 18,
	 .description = "suspension id"},
	{0},
};

const struct param_spec api_penalty_body[] = {
	{.name = "number", .type = PARAM_STRING, .required = 1, .max_len = 60,
	 .description = "decision number (số quyết định)"},
	{.name = "date", .type = PARAM_STRING, .required = 1, .max_len = 10,
	 .description = "YYYY-MM-DD"},
	{.name = "amount", .type = PARAM_NUMBER, .required = 1, .min = 0, .max = 1e12,
	 .description = "fine in đồng"},
	{.name = "legal_basis", .type = PARAM_STRING, .required = 1, .max_len = 500,
	 .description = "e.g. \"Điểm a khoản 2 Điều 10 Nghị định 106/2025/NĐ-CP\""},
	{.name = "violation", .type = PARAM_STRING, .max_len = 2000},
	{.name = "deadline", .type = PARAM_STRING | PARAM_NULLABLE, .max_len = 10},
	{.name = "issuer", .type = PARAM_STRING, .max_len = 200},
	{.name = "paid", .type = PARAM_BOOL},
	{.name = "paid_on", .type = PARAM_STRING | PARAM_NULLABLE, .max_len = 10},
	{0},
};

const struct param_spec api_suspension_body[] = {
	{.name = "kind", .type = PARAM_ENUM, .required = 1, .values = "temporary|suspension",
	 .description = "temporary suspension (tạm đình chỉ) or suspension (đình chỉ)"},
	{.name = "number", .type = PARAM_STRING, .required = 1, .max_len = 60},
	{.name = "date", .type = PARAM_STRING, .required = 1, .max_len = 10},
	{.name = "from_date", .type = PARAM_STRING, .required = 1, .max_len = 10},
	{.name = "to_date", .type = PARAM_STRING | PARAM_NULLABLE, .max_len = 10},
	{.name = "reason", .type = PARAM_STRING, .required = 1, .max_len = 2000},
	{0},
};

const struct param_spec api_suspension_lift_body[] = {
	{.name = "lifted_on", .type = PARAM_STRING, .required = 1, .max_len = 10},
	{0},
};

const struct param_spec api_overdue_params[] = {
	{.name = "unit", .type = PARAM_DIGITS, .max_len = 5, .description = "2025 commune code"},
	PARAMS_LIST,
	{0},
};

static const struct export_col fac_cols[] = {
	{"id", "Mã cơ sở", "Facility ID"},
	{"unit", "Mã xã/phường", "Commune code"},
	{"name", "Tên cơ sở", "Name"},
	{"category_vi", "Loại cơ sở", "Category"},
	{"category_scheme", "Văn bản phân loại", "Category scheme"},
	{"address", "Địa chỉ", "Address"},
	{"legal_rep", "Người đại diện theo pháp luật", "Legal representative"},
	{"house_id", "Mã định danh nhà", "House ID"},
	{"floors", "Số tầng", "Floors"},
	{"height_m", "Chiều cao (m)", "Height (m)"},
	{"volume_m3", "Khối tích (m³)", "Volume (m³)"},
	{"floor_area", "Diện tích sàn (m²)", "Floor area (m²)"},
	{"occupants", "Số người thường xuyên", "Occupants"},
	{"authority", "Cơ quan quản lý", "Authority"},
	{"must_connect_transmitter", "Phải kết nối truyền tin", "Must connect transmitter"},
	{"transmitter_connected", "Đã kết nối truyền tin", "Transmitter connected"},
	{"status", "Tình trạng hoạt động", "Status"},
	{"compliance_vi", "Đánh giá an toàn PCCC", "Compliance"},
	{"failing_items", "Điều kiện không đạt", "Failing items"},
	{"last_inspection_at", "Ngày kiểm tra gần nhất", "Last inspection"},
	{0},
};

static const struct export_col overdue_cols[] = {
	{"kind", "Loại", "Kind"},
	{"target_kind", "Đối tượng", "Target kind"},
	{"target_id", "Mã đối tượng", "Target ID"},
	{"unit", "Mã xã/phường", "Commune code"},
	{"deadline", "Hạn", "Deadline"},
	{"description", "Nội dung", "Description"},
	{"reference", "Số/mã", "Reference"},
	{0},
};

static int is_export(const char *format)
{
	return format && strcmp(format, "json") != 0;
}

static const char *username(struct req *r)
{
	return r->who ? r->who->username : "system";
}

void api_facilities_list(struct req *r, struct resp *out)
{
	const char *format = req_param(r, "format");
	struct facility_query q = {
		.q = req_param(r, "q"),
		.unit = req_param(r, "unit"),
		.category = req_param(r, "category"),
		.compliance = req_param(r, "compliance"),
		.failing_item = req_param(r, "failing_item"),
		.status = req_param(r, "status"),
		.must_connect = (int)req_param_int(r, "must_connect", -1),
		.connected = (int)req_param_int(r, "connected", -1),
		.overdue = (int)req_param_int(r, "overdue", 0),
	};
	json_t *items = NULL;
	char *next = NULL;
	if (!is_export(format)) {
		q.limit = (int)req_param_int(r, "limit", FAC_DEFAULT_LIMIT);
		q.cursor = req_param(r, "cursor");
	}
	int rc = store_facility_list(r->app->store, api_reg_scope(r), &q, &items, &next);
	if (rc == STORE_INVALID) {
		http_reply_error(r, out, 400, "invalid_cursor",
				 "Con trỏ phân trang không hợp lệ / Invalid cursor", "cursor");
		return;
	}
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "facility");
		return;
	}
	if (is_export(format))
		http_reply_export(r, out, format, "danh-sach-co-so", fac_cols, items);
	else
		http_reply_list(r, out, items, next);
	free(next);
}

void api_facilities_get(struct req *r, struct resp *out)
{
	json_t *f = NULL;
	char today[11];
	int rc = store_facility_get(r->app->store, api_reg_scope(r), req_param(r, "id"), &f);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "facility");
		return;
	}
	/* The card's enforcement history: penalties, suspensions, open
	 * violations with their remediation deadlines. */
	rec_today(today);
	rc = store_facility_enforcement(r->app->store, json_string_value(json_object_get(f, "id")),
					today, f);
	if (rc != STORE_OK) {
		json_decref(f);
		api_reg_store_error(r, out, rc, "facility");
		return;
	}
	api_reg_reply(r, out, 200, f);
}

void api_facilities_create(struct req *r, struct resp *out)
{
	struct rec_error e = {0};
	json_t *f = NULL, *body = json_deep_copy(r->json);
	if (facility_check(body, 1, &e) != 0) {
		json_decref(body);
		api_reg_invalid(r, out, e.field, e.message);
		return;
	}
	int rc = store_facility_create(r->app->store, api_reg_scope(r), body, &f);
	json_decref(body);
	if (rc == STORE_INVALID) {
		http_reply_error(r, out, 400, "invalid_reference",
				 "Mã xã/phường hoặc mã định danh nhà không tồn tại / Unknown commune "
				 "or house",
				 "unit");
		return;
	}
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "facility");
		return;
	}
	json_t *a = json_pack("{s:s,s:s}", "unit", json_string_value(json_object_get(f, "unit")),
			      "category", json_string_value(json_object_get(f, "category")));
	audit_log(r, "facility.create", "facility", json_string_value(json_object_get(f, "id")), a);
	json_decref(a);
	api_reg_reply(r, out, 201, f);
}

void api_facilities_update(struct req *r, struct resp *out)
{
	struct rec_error e = {0};
	json_t *cur = NULL, *f = NULL, *m = NULL;
	const char *id = req_param(r, "id");
	long long want = -1;
	json_t *patch = json_deep_copy(r->json);
	if (api_conflict_expected(r, out, patch, &want) != 0)
		goto done;
	if (facility_check(patch, 0, &e) != 0) {
		api_reg_invalid(r, out, e.field, e.message);
		goto done;
	}
	int rc = store_facility_get(r->app->store, api_reg_scope(r), id, &cur);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "facility");
		goto done;
	}
	if (want > 0 && json_integer_value(json_object_get(cur, "version")) != want) {
		api_conflict_reply(r, out, want, json_incref(cur));
		goto done;
	}
	m = api_reg_merge(cur, patch, facility_fields);
	if (facility_check_rules(m, &e) != 0) {
		api_reg_invalid(r, out, e.field, e.message);
		goto done;
	}
	rc = store_facility_update_if(r->app->store, api_reg_scope(r), id, m, want, &f);
	if (rc == STORE_CONFLICT && want > 0 &&
	    store_facility_get(r->app->store, api_reg_scope(r), id, &f) == STORE_OK) {
		api_conflict_reply(r, out, want, f); /* changed in between */
		goto done;
	}
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "facility");
		goto done;
	}
	json_t *keys = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(patch, k, v)
		json_array_append_new(keys, json_string(k));
	json_t *a = json_pack("{s:o}", "fields", keys);
	audit_log(r, "facility.update", "facility", id, a);
	json_decref(a);
	api_reg_reply(r, out, 200, f);
done:
	json_decref(patch);
	json_decref(cur);
	json_decref(m);
}

static const char *cat_label(const char *id)
{
	const char *vi = facility_category_vi(id);
	return vi ? vi : facility_system_vi(id);
}

void api_facilities_import(struct req *r, struct resp *out)
{
	struct sheet sh;
	char err[256];
	json_t *rows = NULL, *errors = NULL;
	struct import_spec spec = {facility_fields, facility_check, cat_label, NULL};
	if (!r->body || !r->body_len) {
		http_reply_error(r, out, 400, "empty_file", "Tệp rỗng / The file is empty", NULL);
		return;
	}
	if (sheet_read(r->body, r->body_len, &sh, err, sizeof err) != 0) {
		http_reply_error(r, out, 400, "unreadable_file", err, NULL);
		return;
	}
	int prc = import_sheet(&sh, &spec, &rows, &errors);
	sheet_free(&sh);
	if (prc != 0) {
		api_reg_import_rejected(r, out, errors);
		return;
	}
	json_decref(errors);
	errors = json_array();
	size_t n = json_array_size(rows);
	int rc = store_facilities_import(r->app->store, api_reg_scope(r), rows, errors);
	json_decref(rows);
	if (rc != STORE_OK) {
		if (rc == STORE_ERROR) {
			json_decref(errors);
			api_reg_store_error(r, out, rc, NULL);
		} else {
			api_reg_import_rejected(r, out, errors);
		}
		return;
	}
	json_t *a = json_pack("{s:i,s:i}", "rows", (json_int_t)n, "bytes", (json_int_t)r->body_len);
	audit_log(r, "import.facilities", "facility", NULL, a);
	json_decref(a);
	api_reg_reply(r, out, 200, json_pack("{s:i,s:o}", "imported", (json_int_t)n, "ids", errors));
}

/* ---- enforcement ----------------------------------------------------------------- */

static int check_date(struct req *r, struct resp *out, const char *key, int required)
{
	json_t *v = json_object_get(r->json, key);
	if (!v || json_is_null(v)) {
		if (!required)
			return 0;
	} else if (json_is_string(v) && rec_date_valid(json_string_value(v))) {
		return 0;
	}
	api_reg_invalid(r, out, key, "Ngày phải có dạng YYYY-MM-DD / Date must be YYYY-MM-DD");
	return -1;
}

void api_facilities_penalty_add(struct req *r, struct resp *out)
{
	const char *id = req_param(r, "id");
	json_t *p = NULL;
	json_t *amount = json_object_get(r->json, "amount");
	if (check_date(r, out, "date", 1) || check_date(r, out, "deadline", 0) ||
	    check_date(r, out, "paid_on", 0))
		return;
	if (!json_is_integer(amount)) {
		api_reg_invalid(r, out, "amount", "Số tiền phải là số nguyên đồng / Amount must be "
						  "whole đồng");
		return;
	}
	int rc = store_penalty_add(r->app->store, api_reg_scope(r), id, r->json, username(r), &p);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "facility");
		return;
	}
	json_t *a = json_pack("{s:s,s:I}", "facility_id", id, "amount",
			      (json_int_t)json_integer_value(amount));
	char pid[32];
	snprintf(pid, sizeof pid, "%lld", (long long)json_integer_value(json_object_get(p, "id")));
	audit_log(r, "penalty.create", "penalty", pid, a);
	json_decref(a);
	api_reg_notify(r, "penalty_recorded", "facility", id,
		       json_string_value(json_object_get(p, "number")));
	api_reg_reply(r, out, 201, p);
}

void api_facilities_suspension_add(struct req *r, struct resp *out)
{
	const char *id = req_param(r, "id");
	json_t *s = NULL;
	if (check_date(r, out, "date", 1) || check_date(r, out, "from_date", 1) ||
	    check_date(r, out, "to_date", 0))
		return;
	int rc = store_suspension_add(r->app->store, api_reg_scope(r), id, r->json, username(r), &s);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "facility");
		return;
	}
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)json_integer_value(json_object_get(s, "id")));
	json_t *a = json_pack("{s:s,s:s}", "facility_id", id, "kind",
			      json_string_value(json_object_get(s, "kind")));
	audit_log(r, "suspension.create", "suspension", sid, a);
	json_decref(a);
	api_reg_notify(r, "suspension_recorded", "facility", id,
		       json_string_value(json_object_get(s, "number")));
	api_reg_reply(r, out, 201, s);
}

void api_facilities_suspension_lift(struct req *r, struct resp *out)
{
	const char *id = req_param(r, "id");
	long long sid = req_param_int(r, "sid", 0);
	json_t *s = NULL;
	if (check_date(r, out, "lifted_on", 1))
		return;
	int rc = store_suspension_lift(r->app->store, api_reg_scope(r), id, sid,
				       json_string_value(json_object_get(r->json, "lifted_on")), &s);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "facility");
		return;
	}
	char sids[32];
	snprintf(sids, sizeof sids, "%lld", sid);
	json_t *a = json_pack("{s:s}", "facility_id", id);
	audit_log(r, "suspension.lift", "suspension", sids, a);
	json_decref(a);
	api_reg_reply(r, out, 200, s);
}

void api_enforcement_overdue(struct req *r, struct resp *out)
{
	char today[11];
	json_t *items = NULL;
	const char *format = req_param(r, "format");
	rec_today(today);
	int rc = store_enforcement_overdue(r->app->store, api_reg_scope(r), req_param(r, "unit"),
					   today, &items);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, NULL);
		return;
	}
	if (is_export(format))
		http_reply_export(r, out, format, "qua-han", overdue_cols, items);
	else
		http_reply_list(r, out, items, NULL);
}
