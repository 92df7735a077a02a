/* Alarm events, devices and incidents (see alarms.h). The router has
 * checked every declared parameter and body field's type; handlers check
 * the meaning (account and key formats, contacts, the unit exists and is
 * in the caller's scope), call the store, tell the receiver about device
 * changes (alarm_service_device_changed) and audit each write. */
#include "api/alarms.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarm/dc09.h"
#include "alarm/service.h"
#include "app.h"
#include "auth/audit.h"
#include "auth/principal.h"
#include "auth/service.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/events.h"
#include "http/http.h"
#include "store/alarm.h"

#define ALARM_DEFAULT_LIMIT 50

const struct param_spec api_alarm_events_params[] = {
	{.name = "account", .type = PARAM_STRING, .max_len = 16,
	 .description = "device account (hex digits, without '#')"},
	{.name = "device", .type = PARAM_INT, .min = 1, .max = INT64_MAX / 2,
	 .description = "device id"},
	{.name = "class", .type = PARAM_ENUM,
	 .values = "alarm|prealarm|supervisory|trouble|disable|test|status",
	 .description = "event class"},
	PARAMS_LIST,
	{0},
};

const struct param_spec api_devices_list_params[] = {
	{.name = "account", .type = PARAM_STRING, .max_len = 16, .description = "device account"},
	{.name = "state", .type = PARAM_ENUM, .values = "normal|alarm|trouble|comm_fail",
	 .description = "device state"},
	{.name = "commissioning", .type = PARAM_ENUM, .values = "registered|tested|live",
	 .description = "commissioning stage"},
	{.name = "unit", .type = PARAM_DIGITS, .max_len = 5, .description = "2025 commune code"},
	PARAMS_LIST,
	{0},
};

const struct param_spec api_devices_id_params[] = {
	{.name = "id", .in = PARAM_IN_PATH, .type = PARAM_INT, .required = 1, .min = 1,
	 .max = INT64_MAX / 2, .description = "device id"},
	{0},
};

#define DEVICE_BODY(req)                                                                   \
	{.name = "account", .type = PARAM_STRING, .required = req, .max_len = 16,          \
	 .description = "account: 3-16 hex digits"},                                        \
	    {.name = "receiver", .type = PARAM_STRING | PARAM_NULLABLE, .max_len = 7,       \
	     .description = "receiver number (\"R1\" or \"1\"), null: any"},                \
	    {.name = "line", .type = PARAM_STRING | PARAM_NULLABLE, .max_len = 7,           \
	     .description = "line number (\"L1\" or \"1\"), null: any"},                    \
	    {.name = "key", .type = PARAM_STRING | PARAM_NULLABLE, .max_len = 64,           \
	     .description = "AES key: 32/48/64 hex digits or 16/24/32 characters; null: plain"}, \
	    {.name = "key_kind", .type = PARAM_ENUM, .values = "hex|raw",                   \
	     .description = "how key is written (default: guessed)"},                        \
	    {.name = "facility_id", .type = PARAM_STRING | PARAM_NULLABLE, .max_len = 63,   \
	     .description = "the protected facility"},                                       \
	    {.name = "house_id", .type = PARAM_STRING | PARAM_NULLABLE, .max_len = 15,      \
	     .description = "the protected house (digital house id)"},                       \
	    {.name = "site_name", .type = PARAM_STRING, .max_len = 190,                     \
	     .description = "name of the protected building"},                               \
	    {.name = "address", .type = PARAM_STRING, .max_len = 290, .description = "address"}, \
	    {.name = "unit", .type = PARAM_DIGITS, .max_len = 5, .required = req,           \
	     .description = "2025 commune code of the site"},                                \
	    {.name = "lat", .type = PARAM_NUMBER | PARAM_NULLABLE, .min = -90, .max = 90,   \
	     .description = "latitude"},                                                     \
	    {.name = "lon", .type = PARAM_NUMBER | PARAM_NULLABLE, .min = -180, .max = 180, \
	     .description = "longitude"},                                                    \
	    {.name = "contacts", .type = PARAM_ARRAY,                                         \
	     .description = "people to call: [{\"name\",\"phone\"}]"},                      \
	    {.name = "supervision_s", .type = PARAM_INT, .min = 20, .max = 2764800,          \
	     .description = "supervision window, 20 s to 32 days"},                          \
	{                                                                                    \
		.name = "commissioning", .type = PARAM_ENUM, .values = "registered|tested|live", \
		.description = "commissioning stage (default registered)"                    \
	}

const struct param_spec api_devices_create_body[] = {DEVICE_BODY(1), {0}};
const struct param_spec api_devices_update_body[] = {DEVICE_BODY(0), {0}};

const struct param_spec api_incidents_list_params[] = {
	{.name = "state", .type = PARAM_ENUM,
	 .values = "open|verifying|confirmed|false_alarm|dispatched|closed",
	 .description = "incident state"},
	{.name = "unit", .type = PARAM_DIGITS, .max_len = 5, .description = "2025 commune code"},
	PARAMS_LIST,
	{0},
};

const struct param_spec api_incidents_id_params[] = {
	{.name = "id", .in = PARAM_IN_PATH, .type = PARAM_INT, .required = 1, .min = 1,
	 .max = INT64_MAX / 2, .description = "incident id"},
	{0},
};

static const struct export_col event_cols[] = {
	{"id", "Mã sự kiện", "Event id"},
	{"received_at", "Thời điểm nhận", "Received at"},
	{"account", "Tài khoản thiết bị", "Account"},
	{"seq", "Số thứ tự", "Sequence"},
	{"code", "Mã", "Code"},
	{"class", "Loại", "Class"},
	{"restore", "Khôi phục", "Restore"},
	{"zone", "Vùng", "Zone"},
	{"partition", "Phân vùng", "Partition"},
	{"text", "Nội dung", "Text"},
	{"device_id", "Mã thiết bị", "Device id"},
	{"unit", "Đơn vị", "Unit"},
	{0},
};

static const struct export_col device_cols[] = {
	{"id", "Mã thiết bị", "Device id"},
	{"account", "Tài khoản", "Account"},
	{"receiver", "Bộ thu", "Receiver"},
	{"line", "Đường truyền", "Line"},
	{"site_name", "Công trình", "Site"},
	{"address", "Địa chỉ", "Address"},
	{"unit", "Đơn vị", "Unit"},
	{"commissioning", "Nghiệm thu", "Commissioning"},
	{"state", "Trạng thái", "State"},
	{"supervision_s", "Chu kỳ giám sát (giây)", "Supervision (s)"},
	{"last_heard_at", "Lần liên lạc cuối", "Last heard"},
	{0},
};

static const struct export_col incident_cols[] = {
	{"id", "Mã sự cố", "Incident id"},
	{"opened_at", "Thời điểm mở", "Opened at"},
	{"state", "Trạng thái", "State"},
	{"site_name", "Công trình", "Site"},
	{"address", "Địa chỉ", "Address"},
	{"unit", "Đơn vị", "Unit"},
	{"event_count", "Số sự kiện", "Events"},
	{"last_event_at", "Sự kiện cuối", "Last event"},
	{0},
};

/* ---- shared ---- */

static int is_export(const char *format)
{
	return format && strcmp(format, "json") != 0;
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

static void page_args(struct req *r, int *limit, const char **cursor)
{
	if (is_export(req_param(r, "format"))) {
		*limit = 0;
		*cursor = NULL;
	} else {
		*limit = (int)req_param_int(r, "limit", ALARM_DEFAULT_LIMIT);
		*cursor = req_param(r, "cursor");
	}
}

static void reply_page(struct req *r, struct resp *out, int rc, json_t *items, char *next,
		       const char *name, const struct export_col *cols)
{
	const char *format = req_param(r, "format");
	if (rc != STORE_OK) {
		reply_store_error(r, out, rc);
	} else if (is_export(format)) {
		http_reply_export(r, out, format, name, cols, items);
	} else {
		http_reply_list(r, out, items, next);
	}
	free(next);
}

static char *upper_dup(const char *s)
{
	char *u = xstrdup(s);
	for (char *p = u; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

static int all_hex(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);
	if (n < min || n > max)
		return 0;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* ---- alarm events ---- */

void api_alarm_events_list(struct req *r, struct resp *out)
{
	struct alarm_event_query q = {
	    .scope = &r->who->scope,
	    .account = req_param(r, "account"),
	    .device_id = req_param_int(r, "device", 0),
	    .cls = req_param(r, "class"),
	};
	json_t *items = NULL;
	char *next = NULL;
	char *acct = q.account ? upper_dup(q.account) : NULL;

	q.account = acct;
	page_args(r, &q.limit, &q.cursor);
	int rc = store_alarm_event_list(r->app->store, &q, &items, &next);
	reply_page(r, out, rc, items, next, "su-kien-bao-chay", event_cols);
	free(acct);
}

/* ---- devices ---- */

/* The receiver's own, newer last contact of device o (JSON) over the
 * stored one. */
static void device_heard_live(struct req *r, json_t *o)
{
	int64_t ms = alarm_service_last_heard(r->app, json_integer_value(json_object_get(o, "id")));
	const char *stored = json_string_value(json_object_get(o, "last_heard_at"));
	char iso[40];
	if (ms <= 0)
		return;
	clock_format_iso(ms, iso, sizeof iso);
	if (!stored || strcmp(iso, stored) > 0)
		json_object_set_new(o, "last_heard_at", json_string(iso));
}

void api_devices_list(struct req *r, struct resp *out)
{
	struct device_query q = {
	    .scope = &r->who->scope,
	    .account = req_param(r, "account"),
	    .state = req_param(r, "state"),
	    .commissioning = req_param(r, "commissioning"),
	    .unit = req_param(r, "unit"),
	};
	json_t *items = NULL;
	char *next = NULL;
	char *acct = q.account ? upper_dup(q.account) : NULL;

	q.account = acct;
	page_args(r, &q.limit, &q.cursor);
	int rc = store_device_list(r->app->store, &q, &items, &next);
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o)
		device_heard_live(r, o);
	reply_page(r, out, rc, items, next, "thiet-bi-bao-chay", device_cols);
	free(acct);
}

static void reply_device_404(struct req *r, struct resp *out)
{
	http_reply_error(r, out, 404, "not_found", "Không tìm thấy thiết bị / Device not found",
			 "id");
}

void api_devices_get(struct req *r, struct resp *out)
{
	json_t *d = NULL;
	int rc = store_device_get_json(r->app->store, &r->who->scope, req_param_int(r, "id", 0),
				       &d);
	if (rc == STORE_NOT_FOUND) {
		reply_device_404(r, out);
		return;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, out, rc);
		return;
	}
	device_heard_live(r, d);
	http_reply_json(r, out, 200, d);
}

static void set_str(char **dst, json_t *v)
{
	free(*dst);
	*dst = json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

/* "R1" / "r1" / "1" → "1"; NULL or "" → "". 0, or -1 when not hex. */
static int norm_rl(char prefix, json_t *v, char **dst)
{
	const char *s = json_string_value(v);
	free(*dst);
	*dst = NULL;
	if (!s || !*s) {
		*dst = xstrdup("");
		return 0;
	}
	if (toupper((unsigned char)*s) == prefix)
		s++;
	if (!all_hex(s, 1, 6))
		return -1;
	*dst = upper_dup(s);
	return 0;
}

/* Applies the body to d; on a refused field sets *field and *msg. */
static int device_apply(struct req *r, struct store_device *d, const char **field,
			const char **msg)
{
	json_t *b = r->json, *v;

	if ((v = json_object_get(b, "account"))) {
		const char *a = json_string_value(v);
		if (!a || !all_hex(a, 3, 16)) {
			*field = "account";
			*msg = "Tài khoản phải gồm 3-16 chữ số hệ 16 / Account must be 3-16 hex digits";
			return -1;
		}
		free(d->account);
		d->account = upper_dup(a);
	}
	if (json_object_get(b, "receiver") && norm_rl('R', json_object_get(b, "receiver"),
						      &d->receiver) != 0) {
		*field = "receiver";
		*msg = "Số bộ thu không hợp lệ / Invalid receiver number";
		return -1;
	}
	if (json_object_get(b, "line") && norm_rl('L', json_object_get(b, "line"), &d->line) != 0) {
		*field = "line";
		*msg = "Số đường truyền không hợp lệ / Invalid line number";
		return -1;
	}
	if ((v = json_object_get(b, "key"))) {
		set_str(&d->key, v);
		free(d->key_kind);
		d->key_kind = NULL;
		if (d->key && d->key[0]) {
			const char *kind = json_string_value(json_object_get(b, "key_kind"));
			struct dc09_key k;
			enum dc09_key_form form = !kind ? DC09_KEY_AUTO
						  : strcmp(kind, "hex") == 0 ? DC09_KEY_HEX
									     : DC09_KEY_RAW;
			if (dc09_key_parse(d->key, form, &k) != 0) {
				*field = "key";
				*msg = "Khóa AES phải có 16/24/32 ký tự hoặc 32/48/64 chữ số hệ 16 / "
				       "AES key must be 16/24/32 characters or 32/48/64 hex digits";
				return -1;
			}
			int hex = form == DC09_KEY_HEX ||
				  (form == DC09_KEY_AUTO && strlen(d->key) == k.len * 2);
			d->key_kind = xstrdup(hex ? "hex" : "raw");
		}
	}
	if ((v = json_object_get(b, "facility_id")))
		set_str(&d->facility_id, v);
	if ((v = json_object_get(b, "house_id")))
		set_str(&d->house_id, v);
	if ((v = json_object_get(b, "site_name")))
		set_str(&d->site_name, v);
	if ((v = json_object_get(b, "address")))
		set_str(&d->address, v);
	if ((v = json_object_get(b, "unit"))) {
		set_str(&d->unit, v);
		json_t *u = NULL;
		if (!d->unit || store_unit_get(r->app->store, "2025", d->unit, &u) != STORE_OK) {
			*field = "unit";
			*msg = "Không có đơn vị hành chính này / No such administrative unit";
			return -1;
		}
		json_decref(u);
	}
	if ((v = json_object_get(b, "lat")))
		d->lat = json_is_number(v) ? json_number_value(v) : NAN;
	if ((v = json_object_get(b, "lon")))
		d->lon = json_is_number(v) ? json_number_value(v) : NAN;
	if ((v = json_object_get(b, "contacts"))) {
		size_t i;
		json_t *c;
		json_array_foreach(v, i, c) {
			const char *name = json_string_value(json_object_get(c, "name"));
			const char *phone = json_string_value(json_object_get(c, "phone"));
			int ok = json_is_object(c) && json_object_size(c) <= 2 && name &&
				 strlen(name) <= 200 && phone && strlen(phone) >= 3 &&
				 strlen(phone) <= 20 && i < 20;
			for (const char *p = phone; ok && *p; p++)
				ok = isdigit((unsigned char)*p) || (*p == '+' && p == phone);
			if (!ok) {
				*field = "contacts";
				*msg = "Danh bạ phải là [{\"name\",\"phone\"}] (tối đa 20, số điện "
				       "thoại chỉ gồm chữ số) / contacts must be [{\"name\",\"phone\"}] "
				       "(at most 20, phone digits only)";
				return -1;
			}
		}
		free(d->contacts);
		d->contacts = json_dumps(v, JSON_COMPACT);
	}
	if ((v = json_object_get(b, "supervision_s")))
		d->supervision_s = json_integer_value(v);
	if ((v = json_object_get(b, "commissioning")))
		set_str(&d->commissioning, v);
	return 0;
}

static int device_in_scope(struct req *r, const struct store_device *d)
{
	return store_alarm_scope_reaches(r->app->store, &r->who->scope, d->unit, d->facility_id) ==
	       1;
}

static void device_written(struct req *r, struct resp *out, const char *action,
			   struct store_device *d, int status)
{
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)d->id);
	alarm_service_device_changed(r->app, d->id);
	json_t *f = json_pack("{s:s,s:s?,s:b}", "account", d->account, "unit", d->unit, "has_key",
			      d->key && d->key[0]);
	json_t *keys = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(r->json, k, v) {
		(void)v;
		json_array_append_new(keys, json_string(k));
	}
	json_object_set_new(f, "fields", keys);
	audit_log(r, action, "device", sid, f);
	json_decref(f);
	json_t *body = store_device_json(d);
	events_publish("device", d->unit, json_deep_copy(body));
	http_reply_json(r, out, status, body);
}

void api_devices_create(struct req *r, struct resp *out)
{
	struct store_device d;
	const char *field = NULL, *msg = NULL;

	memset(&d, 0, sizeof d);
	d.lat = d.lon = NAN;
	d.supervision_s = 90;
	if (device_apply(r, &d, &field, &msg) != 0) {
		http_reply_error(r, out, 400, "invalid", msg, field);
		goto out;
	}
	if (!device_in_scope(r, &d)) {
		http_reply_error(r, out, 403, "forbidden",
				 "Đơn vị này nằm ngoài phạm vi của bạn / This unit is outside your "
				 "scope",
				 "unit");
		goto out;
	}
	int rc = store_device_create(r->app->store, auth_pii_keys(r->app), &d, clock_now_ms(),
				     &d.id);
	if (rc == STORE_CONFLICT) {
		http_reply_error(r, out, 409, "conflict",
				 "Tài khoản này đã được đăng ký trên bộ thu và đường truyền đó / "
				 "This account is already registered on that receiver and line",
				 "account");
		goto out;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, out, rc);
		goto out;
	}
	store_device_clear(&d);
	if (store_device_get(r->app->store, auth_pii_keys(r->app), d.id, &d) != STORE_OK) {
		reply_store_error(r, out, STORE_ERROR);
		goto out;
	}
	device_written(r, out, "device.create", &d, 201);
out:
	store_device_clear(&d);
}

void api_devices_update(struct req *r, struct resp *out)
{
	struct store_device d;
	const char *field = NULL, *msg = NULL;
	int64_t id = req_param_int(r, "id", 0);

	memset(&d, 0, sizeof d);
	int rc = store_device_get(r->app->store, auth_pii_keys(r->app), id, &d);
	if (rc == STORE_NOT_FOUND || (rc == STORE_OK && !device_in_scope(r, &d))) {
		reply_device_404(r, out);
		goto out;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, out, rc);
		goto out;
	}
	if (d.key_unreadable && !json_object_get(r->json, "key")) {
		/* writing the row back would drop the key */
		http_reply_error(r, out, 409, "key_unreadable",
				 "Không giải mã được khóa AES đã lưu (tệp khóa khác?); hãy nhập lại "
				 "khóa / The stored AES key cannot be decrypted (another key file?); "
				 "send the key again",
				 "key");
		goto out;
	}
	if (device_apply(r, &d, &field, &msg) != 0) {
		http_reply_error(r, out, 400, "invalid", msg, field);
		goto out;
	}
	if (!device_in_scope(r, &d)) {
		http_reply_error(r, out, 403, "forbidden",
				 "Đơn vị này nằm ngoài phạm vi của bạn / This unit is outside your "
				 "scope",
				 "unit");
		goto out;
	}
	rc = store_device_put(r->app->store, auth_pii_keys(r->app), &d);
	if (rc == STORE_CONFLICT) {
		http_reply_error(r, out, 409, "conflict",
				 "Tài khoản này đã được đăng ký trên bộ thu và đường truyền đó / "
				 "This account is already registered on that receiver and line",
				 "account");
		goto out;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, out, rc);
		goto out;
	}
	device_written(r, out, "device.update", &d, 200);
out:
	store_device_clear(&d);
}

/* ---- incidents ---- */

void api_incidents_list(struct req *r, struct resp *out)
{
	struct incident_query q = {
	    .scope = &r->who->scope,
	    .state = req_param(r, "state"),
	    .unit = req_param(r, "unit"),
	};
	json_t *items = NULL;
	char *next = NULL;

	page_args(r, &q.limit, &q.cursor);
	int rc = store_incident_list(r->app->store, &q, &items, &next);
	reply_page(r, out, rc, items, next, "su-co-bao-chay", incident_cols);
}

void api_incidents_get(struct req *r, struct resp *out)
{
	json_t *o = NULL;
	int rc = store_incident_get(r->app->store, &r->who->scope, req_param_int(r, "id", 0), &o);
	if (rc == STORE_NOT_FOUND) {
		http_reply_error(r, out, 404, "not_found",
				 "Không tìm thấy sự cố / Incident not found", "id");
		return;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, out, rc);
		return;
	}
	http_reply_json(r, out, 200, o);
}
