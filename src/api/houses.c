/* /api/v1/houses*: the house register — list and search (with CSV/XLSX
 * export), create, read, patch, the door label (QR PNG and a print page),
 * the household head's declaration and the officer's verification or
 * return, residents (personal data encrypted, shown masked), and bulk
 * imports of houses (CSV/XLSX, all rows or none) and of population data.
 * Also the helpers the register's three API files share.
 *
 * Every handler: parameters were validated by the router; a mistyped house
 * ID is 400 invalid_house_id before any lookup; a house outside the
 * caller's scope is 404; every write is audited (audit_log) after it
 * committed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/conflict.h"
#include "api/register_api.h"
#include "app.h"
#include "auth/audit.h"
#include "auth/pii.h"
#include "auth/principal.h"
#include "auth/service.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "http/http.h"
#include "register/house.h"
#include "register/houseid.h"
#include "register/importer.h"
#include "register/qr.h"
#include "store/register.h"

#define HOUSES_DEFAULT_LIMIT 50

#define HOUSE_ID_PARAM                                                                  \
	{.name = "id", .in = PARAM_IN_PATH, .type = PARAM_STRING, .required = 1,          \
	 .max_len = 32,                                                                   \
	 .description = "digital house ID (\"7K3MQ9X2BD\" or \"7K3M-Q9X-2BD\")"}

const struct param_spec api_houses_list_params[] = {
	{.name = "q", .type = PARAM_STRING, .max_len = 200,
	 .description = "address words, diacritics optional; legacy ward/district names too"},
	{.name = "unit", .type = PARAM_DIGITS, .max_len = 5, .description = "2025 commune code"},
	{.name = "type", .type = PARAM_ENUM, .values = HOUSE_TYPES, .description = "house type"},
	{.name = "compliance", .type = PARAM_ENUM, .values = "chua_kiem_tra|dam_bao|khong_dam_bao",
	 .description = "compliance from the latest inspection"},
	{.name = "failing_item", .type = PARAM_STRING, .max_len = 32,
	 .description = "houses failing this condition item (catalogue code)"},
	{.name = "state", .type = PARAM_ENUM, .values = "draft|declared|verified|returned",
	 .description = "declaration state"},
	{.name = "overdue", .type = PARAM_INT, .min = 0, .max = 1,
	 .description = "1: open violations past their remediation deadline"},
	{.name = "sort", .type = PARAM_ENUM, .values = "id|address|updated",
	 .description = "order: id (default), address, updated (newest first)"},
	PARAMS_LIST,
	{0},
};

const struct param_spec api_house_id_params[] = {
	HOUSE_ID_PARAM,
	{0},
};

const struct param_spec api_houses_return_body[] = {
	{.name = "reason", .type = PARAM_STRING, .required = 1, .max_len = 1000,
	 .description = "why the declaration is returned (the citizen sees it)"},
	{0},
};

const struct param_spec api_residents_add_body[] = {
	{.name = "cccd", .type = PARAM_STRING, .required = 1, .max_len = 20,
	 .description = "personal ID number (12 digits), stored encrypted"},
	{.name = "name", .type = PARAM_STRING, .required = 1, .max_len = 200},
	{.name = "phone", .type = PARAM_STRING | PARAM_NULLABLE, .max_len = 20},
	{.name = "role", .type = PARAM_ENUM, .values = "head|member"},
	{.name = "birth_year", .type = PARAM_NUMBER | PARAM_NULLABLE, .min = 1900, .max = 2100},
	{.name = "household", .type = PARAM_STRING, .max_len = 30,
	 .description = "household code (số hộ); default \"1\""},
	{0},
};

static const struct export_col house_cols[] = {
	{"id", "Mã định danh nhà", "House ID"},
	{"unit", "Mã xã/phường", "Commune code"},
	{"address_text", "Địa chỉ", "Address"},
	{"house_number", "Số nhà", "House number"},
	{"alley", "Ngõ/ngách/hẻm", "Alley"},
	{"street", "Đường/phố", "Street"},
	{"house_type_vi", "Loại nhà", "House type"},
	{"floors", "Số tầng", "Floors"},
	{"basement", "Số tầng hầm", "Basement floors"},
	{"floor_area", "Diện tích sàn (m²)", "Floor area (m²)"},
	{"year_built", "Năm xây dựng", "Year built"},
	{"exits", "Số lối thoát nạn", "Exits"},
	{"second_escape", "Có lối thoát nạn thứ hai", "Second escape route"},
	{"barred_windows", "Có chuồng cọp", "Barred windows"},
	{"escape_hatch", "Chuồng cọp có ô thoát nạn", "Escape hatch"},
	{"alley_min_width_m", "Chiều rộng ngõ hẹp nhất (m)", "Narrowest alley (m)"},
	{"truck_distance_m", "Khoảng cách tới điểm đỗ xe chữa cháy (m)", "Truck distance (m)"},
	{"extinguishers", "Số bình chữa cháy", "Extinguishers"},
	{"detectors", "Số đầu báo cháy", "Detectors"},
	{"escape_ladders", "Số thang thoát nạn", "Escape ladders"},
	{"occupants", "Số người ở", "Occupants"},
	{"declared_state", "Trạng thái kê khai", "Declaration state"},
	{"compliance_vi", "Đánh giá an toàn PCCC", "Compliance"},
	{"failing_items", "Điều kiện không đạt", "Failing items"},
	{"last_inspection_at", "Ngày kiểm tra gần nhất", "Last inspection"},
	{"lat", "Vĩ độ", "Latitude"},
	{"lon", "Kinh độ", "Longitude"},
	{0},
};

/* ---- shared helpers ----------------------------------------------------------- */

static const struct scope nobody = {.role = ROLE_AUDITOR};

const struct scope *api_reg_scope(struct req *r)
{
	return r->who ? &r->who->scope : &nobody;
}

void api_reg_store_error(struct req *r, struct resp *out, int rc, const char *what)
{
	switch (rc) {
	case STORE_NOT_FOUND:
		if (what && strcmp(what, "facility") == 0)
			http_reply_error(r, out, 404, "not_found",
					 "Không tìm thấy cơ sở / Facility not found", "id");
		else if (what && strcmp(what, "house") == 0)
			http_reply_error(r, out, 404, "not_found",
					 "Không tìm thấy nhà / House not found", "id");
		else
			http_reply_error(r, out, 404, "not_found",
					 "Không tìm thấy / Not found", NULL);
		return;
	case STORE_FORBIDDEN:
		http_reply_error(r, out, 403, "unit_outside_scope",
				 "Xã/phường ngoài phạm vi quản lý của bạn / Commune outside your scope",
				 "unit");
		return;
	case STORE_CONFLICT:
		http_reply_error(r, out, 409, "conflict",
				 "Bản ghi đã tồn tại hoặc đã thay đổi / Record exists or changed", NULL);
		return;
	case STORE_INVALID:
		http_reply_error(r, out, 400, "invalid_reference",
				 "Mã xã/phường, mã nhà hoặc con trỏ không hợp lệ / Invalid commune, "
				 "house or cursor",
				 NULL);
		return;
	default:
		http_reply_error(r, out, 500, "internal", "Lỗi máy chủ / Server error", NULL);
	}
}

int api_reg_house_id(struct req *r, struct resp *out, char *id)
{
	int rc = houseid_normalize(req_param(r, "id"), id);
	if (rc != HOUSEID_OK) {
		char *msg = arena_printf(r->arena, "Mã định danh nhà không hợp lệ: %s / Invalid "
						    "house ID: %s",
					  houseid_error_vi(rc), houseid_error_en(rc));
		http_reply_error(r, out, 400, "invalid_house_id", msg, "id");
		return -1;
	}
	return 0;
}

json_t *api_reg_merge(json_t *current, json_t *patch, const void *defs_v)
{
	const struct rec_field *defs = defs_v;
	json_t *m = json_object();
	for (const struct rec_field *f = defs; f->key; f++) {
		json_t *v = json_object_get(patch, f->key);
		if (!v)
			v = json_object_get(current, f->key);
		if (v && !json_is_null(v))
			json_object_set(m, f->key, v);
	}
	return m;
}

void api_reg_reply(struct req *r, struct resp *out, int status, json_t *take)
{
	out->no_cache = 1;
	api_conflict_etag(r, out, take);
	http_reply_json(r, out, status, take);
}

void api_reg_invalid(struct req *r, struct resp *out, const char *field, const char *message)
{
	http_reply_error(r, out, 400, "invalid_field", message, field && *field ? field : NULL);
}

void api_reg_import_rejected(struct req *r, struct resp *out, json_t *errors)
{
	json_t *body = json_pack("{s:{s:s,s:s,s:n,s:o}}", "error", "code", "import_rejected",
				 "message",
				 "Tệp có lỗi, không nhập dòng nào / The file has errors, nothing was "
				 "imported",
				 "field", "rows", errors);
	http_reply_json(r, out, 422, body);
}

void api_reg_notify(struct req *r, const char *event, const char *record_type,
		    const char *record_id, const char *text_vi)
{
	json_t *f = json_pack("{s:s,s:s,s:s,s:s}", "event", event, "record_type", record_type,
			      "record_id", record_id, "text", text_vi ? text_vi : "");
	(void)r;
	log_json(LOG_INFO, "notify", f); /* takes f */
}

static const char *username(struct req *r)
{
	return r->who ? r->who->username : "system";
}

/* ---- list, get, create, patch ---------------------------------------------------- */

static int is_export(const char *format)
{
	return format && strcmp(format, "json") != 0;
}

void api_houses_list(struct req *r, struct resp *out)
{
	const char *format = req_param(r, "format");
	struct house_query q = {
		.q = req_param(r, "q"),
		.unit = req_param(r, "unit"),
		.type = req_param(r, "type"),
		.compliance = req_param(r, "compliance"),
		.failing_item = req_param(r, "failing_item"),
		.state = req_param(r, "state"),
		.overdue = (int)req_param_int(r, "overdue", 0),
		.sort = req_param(r, "sort"),
	};
	json_t *items = NULL;
	char *next = NULL;

	if (!is_export(format)) {
		q.limit = (int)req_param_int(r, "limit", HOUSES_DEFAULT_LIMIT);
		q.cursor = req_param(r, "cursor");
	}
	int rc = store_house_list(r->app->store, api_reg_scope(r), &q, &items, &next);
	if (rc == STORE_INVALID) {
		http_reply_error(r, out, 400, "invalid_cursor",
				 "Con trỏ phân trang không hợp lệ / Invalid cursor", "cursor");
		return;
	}
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "house");
		return;
	}
	if (is_export(format))
		http_reply_export(r, out, format, "danh-sach-nha", house_cols, items);
	else
		http_reply_list(r, out, items, next);
	free(next);
}

void api_houses_get(struct req *r, struct resp *out)
{
	char id[HOUSEID_MAX];
	json_t *h = NULL;
	if (api_reg_house_id(r, out, id) != 0)
		return;
	int rc = store_house_get(r->app->store, api_reg_scope(r), id, &h);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "house");
		return;
	}
	api_reg_reply(r, out, 200, h);
}

void api_houses_create(struct req *r, struct resp *out)
{
	struct rec_error e = {0};
	json_t *h = NULL, *body = json_deep_copy(r->json);
	json_t *given = json_incref(json_object_get(body, "id"));
	json_object_del(body, "id");
	if (house_check(body, 1, &e) != 0) {
		json_decref(body);
		json_decref(given);
		api_reg_invalid(r, out, e.field, e.message);
		return;
	}
	if (given) {
		char id[HOUSEID_MAX];
		int hr = json_is_string(given) ? houseid_normalize(json_string_value(given), id)
					       : HOUSEID_EFORMAT;
		if (hr != HOUSEID_OK) {
			json_decref(body);
			json_decref(given);
			http_reply_error(r, out, 400, "invalid_house_id",
					 "Mã định danh nhà không hợp lệ / Invalid house ID", "id");
			return;
		}
		json_object_set_new(body, "id", json_string(id));
		json_decref(given);
	}
	int rc = store_house_create(r->app->store, api_reg_scope(r), body, &h);
	json_decref(body);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "house");
		return;
	}
	json_t *f = json_pack("{s:s,s:s}", "unit", json_string_value(json_object_get(h, "unit")),
			      "house_type", json_string_value(json_object_get(h, "house_type")));
	audit_log(r, "house.create", "house", json_string_value(json_object_get(h, "id")), f);
	json_decref(f);
	api_reg_reply(r, out, 201, h);
}

/* Merges a checked patch onto the stored house and checks the rules;
 * replies and returns NULL on a refusal. */
static json_t *house_merge_checked(struct req *r, struct resp *out, json_t *cur, json_t *patch)
{
	struct rec_error e = {0};
	json_t *m = api_reg_merge(cur, patch, house_fields);
	if (!json_object_get(patch, "address_text") &&
	    (json_object_get(patch, "street") || json_object_get(patch, "house_number") ||
	     json_object_get(patch, "alley") || json_object_get(patch, "unit")))
		json_object_del(m, "address_text"); /* composed again */
	if (house_check_rules(m, &e) != 0) {
		json_decref(m);
		api_reg_invalid(r, out, e.field, e.message);
		return NULL;
	}
	return m;
}

static json_t *changed_keys(json_t *patch)
{
	json_t *keys = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(patch, k, v)
		json_array_append_new(keys, json_string(k));
	return keys;
}

void api_houses_update(struct req *r, struct resp *out)
{
	char id[HOUSEID_MAX];
	struct rec_error e = {0};
	json_t *cur = NULL, *h = NULL, *m = NULL;
	long long want = -1;
	if (api_reg_house_id(r, out, id) != 0)
		return;
	json_t *patch = json_deep_copy(r->json);
	if (api_conflict_expected(r, out, patch, &want) != 0)
		goto done;
	if (house_check(patch, 0, &e) != 0) {
		api_reg_invalid(r, out, e.field, e.message);
		goto done;
	}
	int rc = store_house_get(r->app->store, api_reg_scope(r), id, &cur);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "house");
		goto done;
	}
	if (want > 0 && json_integer_value(json_object_get(cur, "version")) != want) {
		api_conflict_reply(r, out, want, json_incref(cur));
		goto done;
	}
	if (!(m = house_merge_checked(r, out, cur, patch)))
		goto done;
	rc = store_house_update_if(r->app->store, api_reg_scope(r), id, m, want, &h);
	if (rc == STORE_CONFLICT && want > 0 &&
	    store_house_get(r->app->store, api_reg_scope(r), id, &h) == STORE_OK) {
		api_conflict_reply(r, out, want, h); /* changed in between */
		goto done;
	}
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "house");
		goto done;
	}
	json_t *f = json_pack("{s:o}", "fields", changed_keys(patch));
	audit_log(r, "house.update", "house", id, f);
	json_decref(f);
	api_reg_reply(r, out, 200, h);
done:
	json_decref(patch);
	json_decref(cur);
	json_decref(m);
}

/* ---- door label -------------------------------------------------------------------- */

static char *house_url(struct req *r, const char *id)
{
	const char *host = req_header(r, "Host");
	int host_ok = host && *host && strlen(host) < 200;
	for (const char *p = host; host_ok && *p; p++)
		if (!(*p == '.' || *p == ':' || *p == '-' || *p == '[' || *p == ']' ||
		      (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z')))
			host_ok = 0;
	if (!host_ok)
		return arena_printf(r->arena, "PCCC-NHA:%s", id);
	return arena_printf(r->arena, "http://%s/#/houses/%s", host, id);
}

void api_houses_qr(struct req *r, struct resp *out)
{
	char id[HOUSEID_MAX];
	json_t *h = NULL;
	unsigned char *png = NULL;
	size_t len = 0;
	if (api_reg_house_id(r, out, id) != 0)
		return;
	int rc = store_house_get(r->app->store, api_reg_scope(r), id, &h);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "house");
		return;
	}
	json_decref(h);
	if (qr_png(house_url(r, id), 8, 4, &png, &len) != 0) {
		api_reg_store_error(r, out, STORE_ERROR, "house");
		return;
	}
	char *body = arena_alloc(r->arena, len); /* the reply borrows its body */
	memcpy(body, png, len);
	free(png);
	http_reply_raw(r, out, 200, "image/png", body, len);
}

static char *html_escape(struct arena *a, const char *s)
{
	struct buf b = {0};
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			buf_puts(&b, "&lt;");
			break;
		case '>':
			buf_puts(&b, "&gt;");
			break;
		case '&':
			buf_puts(&b, "&amp;");
			break;
		case '"':
			buf_puts(&b, "&quot;");
			break;
		default:
			buf_putc(&b, *s);
		}
	}
	char *r = arena_strdup(a, b.data ? b.data : "");
	buf_free(&b);
	return r;
}

void api_houses_label(struct req *r, struct resp *out)
{
	char id[HOUSEID_MAX], disp[HOUSEID_MAX];
	json_t *h = NULL;
	if (api_reg_house_id(r, out, id) != 0)
		return;
	int rc = store_house_get(r->app->store, api_reg_scope(r), id, &h);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "house");
		return;
	}
	houseid_format_display(id, disp);
	const char *addr = json_string_value(json_object_get(h, "address_text"));
	const char *type = json_string_value(json_object_get(h, "house_type_vi"));
	char *html = arena_printf(
	    r->arena,
	    "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
	    "<title>Nhãn định danh nhà %s</title>"
	    "<link rel=\"stylesheet\" href=\"/app.css\"></head>\n"
	    "<body class=\"house-label\"><main>\n"
	    "<p>ĐỊNH DANH SỐ NHÀ / DIGITAL HOUSE ID</p>\n"
	    "<h1 class=\"house-id\">%s</h1>\n"
	    "<img src=\"/api/v1/houses/%s/qr.png\" alt=\"Mã QR %s\" width=\"296\" height=\"296\">\n"
	    "<p class=\"address\">%s</p>\n<p class=\"type\">%s</p>\n"
	    "<p class=\"hint\">Quét mã để xem thông tin an toàn PCCC của nhà / Scan for the "
	    "house's fire-safety card</p>\n"
	    "</main></body></html>\n",
	    disp, disp, id, disp, html_escape(r->arena, addr), html_escape(r->arena, type));
	json_decref(h);
	http_reply_raw(r, out, 200, "text/html; charset=utf-8", html, strlen(html));
}

/* ---- declaration workflow ---------------------------------------------------------- */

static void house_state(struct req *r, struct resp *out, const char *action, const char *to,
			const char *reason)
{
	char id[HOUSEID_MAX];
	json_t *cur = NULL, *h = NULL;
	if (api_reg_house_id(r, out, id) != 0)
		return;
	int rc = store_house_get(r->app->store, api_reg_scope(r), id, &cur);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "house");
		return;
	}
	const char *from = json_string_value(json_object_get(cur, "declared_state"));
	char fromc[16];
	snprintf(fromc, sizeof fromc, "%s", from ? from : "draft");
	json_decref(cur);
	if (!house_transition_ok(fromc, action)) {
		char *msg = arena_printf(r->arena,
					  "Không thể %s khi nhà đang ở trạng thái «%s» / Cannot %s "
					  "a house in state %s",
					  strcmp(action, "verify") == 0 ? "xác nhận" : "trả lại", fromc,
					  action, fromc);
		http_reply_error(r, out, 409, "invalid_state", msg, "declared_state");
		return;
	}
	rc = store_house_set_state(r->app->store, api_reg_scope(r), id, fromc, to, reason,
				   username(r), &h);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "house");
		return;
	}
	json_t *f = json_pack("{s:s,s:s}", "from", fromc, "to", to);
	audit_log(r, strcmp(action, "verify") == 0 ? "house.verify" : "house.return", "house", id, f);
	json_decref(f);
	if (strcmp(to, "returned") == 0)
		api_reg_notify(r, "declaration_returned", "house", id, reason);
	api_reg_reply(r, out, 200, h);
}

void api_houses_verify(struct req *r, struct resp *out)
{
	house_state(r, out, "verify", "verified", NULL);
}

void api_houses_return(struct req *r, struct resp *out)
{
	const char *reason = json_string_value(json_object_get(r->json, "reason"));
	if (!reason || !*reason) {
		api_reg_invalid(r, out, "reason", "Cần nêu lý do trả lại / A reason is required");
		return;
	}
	house_state(r, out, "return", "returned", reason);
}

/* The household head declares the house (the body patches it first); an
 * officer may declare on behalf of a resident who cannot. */
void api_houses_declare(struct req *r, struct resp *out)
{
	char id[HOUSEID_MAX];
	struct rec_error e = {0};
	json_t *cur = NULL, *h = NULL, *m = NULL;
	if (api_reg_house_id(r, out, id) != 0)
		return;
	json_t *patch = json_deep_copy(r->json);
	json_t *note = json_incref(json_object_get(patch, "note"));
	json_object_del(patch, "note");
	if (note && !json_is_string(note)) {
		api_reg_invalid(r, out, "note", "Ghi chú phải là chuỗi / note must be a string");
		goto done;
	}
	if (house_check(patch, 0, &e) != 0) {
		api_reg_invalid(r, out, e.field, e.message);
		goto done;
	}
	int rc = store_house_get(r->app->store, api_reg_scope(r), id, &cur);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "house");
		goto done;
	}
	const char *from = json_string_value(json_object_get(cur, "declared_state"));
	char fromc[16];
	snprintf(fromc, sizeof fromc, "%s", from ? from : "draft");
	if (!(m = house_merge_checked(r, out, cur, patch)))
		goto done;
	if (json_object_size(patch)) {
		json_t *tmp = NULL;
		rc = store_house_update(r->app->store, api_reg_scope(r), id, m, &tmp);
		json_decref(tmp);
		if (rc != STORE_OK) {
			api_reg_store_error(r, out, rc, "house");
			goto done;
		}
	}
	rc = store_house_set_state(r->app->store, api_reg_scope(r), id, fromc, "declared",
				   NULL, username(r), &h);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "house");
		goto done;
	}
	int on_behalf = r->who && r->who->role != ROLE_CITIZEN;
	json_t *f = json_pack("{s:o,s:b}", "fields", changed_keys(patch), "on_behalf", on_behalf);
	if (note)
		json_object_set(f, "note", note);
	audit_log(r, "house.declare", "house", id, f);
	json_decref(f);
	api_reg_reply(r, out, 200, h);
done:
	json_decref(note);
	json_decref(patch);
	json_decref(cur);
	json_decref(m);
}

/* ---- residents -------------------------------------------------------------------- */

void api_houses_residents_list(struct req *r, struct resp *out)
{
	char id[HOUSEID_MAX];
	json_t *items = NULL;
	if (api_reg_house_id(r, out, id) != 0)
		return;
	int rc = store_resident_list(r->app->store, api_reg_scope(r), id, &items);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "house");
		return;
	}
	http_reply_list(r, out, items, NULL);
}

void api_houses_residents_add(struct req *r, struct resp *out)
{
	char id[HOUSEID_MAX], cccd[PII_CCCD_BUF], phone[PII_PHONE_BUF];
	json_t *res = NULL;
	const struct pii_keys *k = auth_pii_keys(r->app);
	if (api_reg_house_id(r, out, id) != 0)
		return;
	const char *c = json_string_value(json_object_get(r->json, "cccd"));
	const char *p = json_string_value(json_object_get(r->json, "phone"));
	if (!c || pii_cccd_normalize(c, cccd) != 0) {
		api_reg_invalid(r, out, "cccd", "Số định danh cá nhân phải gồm 12 chữ số / The "
						"personal ID number must be 12 digits");
		return;
	}
	if (p && pii_phone_normalize(p, phone) != 0) {
		api_reg_invalid(r, out, "phone", "Số điện thoại di động không hợp lệ / Invalid "
						 "mobile phone number");
		return;
	}
	if (!k) {
		api_reg_store_error(r, out, STORE_ERROR, NULL);
		return;
	}
	int rc = store_resident_add(r->app->store, api_reg_scope(r), k, id, r->json, &res);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "house");
		return;
	}
	char rid[32];
	snprintf(rid, sizeof rid, "%lld", (long long)json_integer_value(json_object_get(res, "id")));
	json_t *f = json_pack("{s:s,s:s}", "house_id", id, "role",
			      json_string_value(json_object_get(res, "role")));
	audit_log(r, "resident.add", "resident", rid, f);
	json_decref(f);
	api_reg_reply(r, out, 201, res);
}

/* ---- imports ------------------------------------------------------------------------ */

static const char *const house_import_extra[][2] = {
	{"id", "Mã định danh nhà"},
	{NULL, NULL},
};

static const char *type_label(const char *id)
{
	return house_type_vi(id);
}

/* Reads the request body as a sheet; replies on failure. */
static int body_sheet(struct req *r, struct resp *out, struct sheet *sh)
{
	char err[256];
	if (!r->body || r->body_len == 0) {
		memset(sh, 0, sizeof *sh);
		http_reply_error(r, out, 400, "empty_file", "Tệp rỗng / The file is empty", NULL);
		return -1;
	}
	if (sheet_read(r->body, r->body_len, sh, err, sizeof err) != 0) {
		http_reply_error(r, out, 400, "unreadable_file", err, NULL);
		return -1;
	}
	return 0;
}

void api_houses_import(struct req *r, struct resp *out)
{
	struct sheet sh;
	json_t *rows = NULL, *errors = NULL;
	struct import_spec spec = {house_fields, house_check, type_label, house_import_extra};
	if (body_sheet(r, out, &sh) != 0)
		return;
	if (import_sheet(&sh, &spec, &rows, &errors) != 0) {
		sheet_free(&sh);
		api_reg_import_rejected(r, out, errors);
		return;
	}
	sheet_free(&sh);
	json_decref(errors);
	/* IDs in the file must be valid before anything is written. */
	errors = json_array();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		const char *given = json_string_value(json_object_get(row, "id"));
		char id[HOUSEID_MAX];
		int hr = given ? houseid_normalize(given, id) : HOUSEID_OK;
		if (hr != HOUSEID_OK)
			import_error_add(errors, (int)json_integer_value(json_object_get(row, "_row")),
					 "Mã định danh nhà", "id",
					 arena_printf(r->arena, "%s / %s", houseid_error_vi(hr),
						       houseid_error_en(hr)));
		else if (given)
			json_object_set_new(row, "id", json_string(id));
	}
	if (json_array_size(errors)) {
		json_decref(rows);
		api_reg_import_rejected(r, out, errors);
		return;
	}
	int rc = store_houses_import(r->app->store, api_reg_scope(r), rows, errors);
	size_t n = json_array_size(rows);
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
	json_t *f = json_pack("{s:i,s:i}", "rows", (json_int_t)n, "bytes", (json_int_t)r->body_len);
	audit_log(r, "import.houses", "house", NULL, f);
	json_decref(f);
	api_reg_reply(r, out, 200, json_pack("{s:i,s:o}", "imported", (json_int_t)n, "ids", errors));
}

static const struct rec_field resident_fields[] = {
	{"cccd", REC_TEXT, 0, 20, NULL, REC_REQUIRED, "Số định danh cá nhân", "Personal ID number"},
	{"name", REC_TEXT, 0, 200, NULL, REC_REQUIRED, "Họ và tên", "Full name"},
	{"house_id", REC_TEXT, 0, 32, NULL, REC_REQUIRED, "Mã định danh nhà", "House ID"},
	{"role", REC_ENUM, 0, 0, "head|member", 0, "Quan hệ với chủ hộ", "Relation to head"},
	{"phone", REC_TEXT, 0, 20, NULL, 0, "Số điện thoại", "Phone"},
	{"birth_year", REC_INT, 1900, 2100, NULL, 0, "Năm sinh", "Birth year"},
	{"household", REC_TEXT, 0, 30, NULL, 0, "Số hộ", "Household code"},
	{0},
};

static const char *role_label(const char *id)
{
	return strcmp(id, "head") == 0 ? "Chủ hộ" : strcmp(id, "member") == 0 ? "Thành viên" : NULL;
}

static int resident_check(json_t *body, int create, struct rec_error *e)
{
	char tmp[PII_CCCD_BUF], ph[PII_PHONE_BUF];
	if (rec_check(resident_fields, body, create, e) != 0)
		return -1;
	if (pii_cccd_normalize(json_string_value(json_object_get(body, "cccd")), tmp) != 0)
		return rec_fail(e, "cccd", "Số định danh cá nhân phải gồm 12 chữ số",
				"The personal ID number must be 12 digits");
	const char *p = json_string_value(json_object_get(body, "phone"));
	if (p && pii_phone_normalize(p, ph) != 0)
		return rec_fail(e, "phone", "Số điện thoại di động không hợp lệ",
				"Invalid mobile phone number");
	return 0;
}

/* Population data (CSV/XLSX keyed by personal ID number and house ID):
 * good rows are written, rejected rows are listed. */
void api_residents_import(struct req *r, struct resp *out)
{
	struct sheet sh;
	json_t *rows = NULL, *errors = NULL;
	struct import_spec spec = {resident_fields, resident_check, role_label, NULL};
	const struct pii_keys *k = auth_pii_keys(r->app);
	size_t imported = 0;
	if (!k) {
		api_reg_store_error(r, out, STORE_ERROR, NULL);
		return;
	}
	if (body_sheet(r, out, &sh) != 0)
		return;
	if (import_sheet(&sh, &spec, &rows, &errors) != 0) {
		/* Row-level errors: import the good rows. Re-read without them. */
		json_t *bad = errors;
		json_t *good = json_array();
		/* A header problem (no row numbers past 1) rejects the file. */
		size_t i;
		json_t *e;
		int header_bad = 0;
		json_array_foreach(bad, i, e) {
			json_t *rn = json_object_get(e, "row");
			if (!json_is_integer(rn) || json_integer_value(rn) <= 1)
				header_bad = 1;
		}
		if (header_bad) {
			sheet_free(&sh);
			json_decref(good);
			api_reg_import_rejected(r, out, bad);
			return;
		}
		/* Keep rows whose number is not in bad. */
		for (size_t j = 1; j < sh.nrows; j++) {
			int rn = sh.rows[j].row, isbad = 0;
			json_array_foreach(bad, i, e)
				if (json_integer_value(json_object_get(e, "row")) == rn)
					isbad = 1;
			if (isbad) {
				for (int c = 0; c < sh.rows[j].ncells; c++)
					sh.rows[j].cells[c][0] = '\0'; /* blank: skipped */
			}
		}
		json_t *errs2 = NULL;
		if (import_sheet(&sh, &spec, &rows, &errs2) != 0) {
			json_decref(errs2);
			rows = json_array();
		} else {
			json_decref(errs2);
		}
		json_decref(good);
		errors = bad;
	} else {
		json_decref(errors);
		errors = json_array();
	}
	sheet_free(&sh);
	int rc = store_residents_import(r->app->store, api_reg_scope(r), k, rows, errors, &imported);
	json_decref(rows);
	if (rc != STORE_OK) {
		json_decref(errors);
		api_reg_store_error(r, out, rc, NULL);
		return;
	}
	json_t *f = json_pack("{s:i,s:i}", "rows", (json_int_t)imported, "rejected",
			      (json_int_t)json_array_size(errors));
	audit_log(r, "import.residents", "resident", NULL, f);
	json_decref(f);
	api_reg_reply(r, out, 200,
		      json_pack("{s:i,s:o}", "imported", (json_int_t)imported, "rejected", errors));
}
