/* GET /api/v1/audit: the audit trail for auditors (PERM_AUDIT_READ),
 * newest first, filtered by actor, action, record type and time, as pages
 * or as the whole filtered set in CSV/XLSX. An export is itself audited
 * (who took a copy of the trail, and which filter). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/accounts.h"
#include "app.h"
#include "auth/audit.h"
#include "http/http.h"
#include "store/auth.h"

#define AUDIT_DEFAULT_LIMIT 100

const struct param_spec api_audit_list_params[] = {
	{.name = "actor", .type = PARAM_STRING, .max_len = 100, .description = "username"},
	{.name = "action", .type = PARAM_STRING, .max_len = 100,
	 .description = "login, login.failed, account.create, ..."},
	{.name = "record_type", .type = PARAM_STRING, .max_len = 60},
	{.name = "from", .type = PARAM_STRING, .max_len = 40,
	 .description = "from (inclusive): YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS]Z (UTC) or Unix ms"},
	{.name = "to", .type = PARAM_STRING, .max_len = 40,
	 .description = "to (inclusive): a date means the end of that day (UTC)"},
	PARAMS_LIST,
	{0},
};

static const struct export_col audit_cols[] = {
	{"seq", "Số thứ tự", "Seq"},
	{"ts", "Thời điểm (UTC)", "Time (UTC)"},
	{"actor", "Người thực hiện", "Actor"},
	{"role", "Vai trò", "Role"},
	{"unit", "Đơn vị", "Unit"},
	{"action", "Hành động", "Action"},
	{"record_type", "Loại bản ghi", "Record type"},
	{"record_id", "Mã bản ghi", "Record id"},
	{"fields", "Chi tiết", "Fields"},
	{"remote", "Địa chỉ", "Address"},
	{"request_id", "Mã yêu cầu", "Request id"},
	{"hash", "Mã băm", "Hash"},
	{0},
};

/* Parses a time bound into Unix ms; a date alone is the start of the day
 * (end_of_day: its last millisecond). -1 when malformed. */
static int parse_bound(const char *s, int end_of_day, int64_t *out)
{
	size_t n = strlen(s);
	if (n && strspn(s, "0123456789") == n) {
		if (n > 15)
			return -1;
		*out = strtoll(s, NULL, 10);
		return 0;
	}
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	int y, mo, d, h = 0, mi = 0, sec = 0, used = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10)
		return -1;
	int date_only = s[10] == '\0';
	if (!date_only) {
		const char *t = s + 10;
		int u2 = 0;
		if ((*t != 'T' && *t != ' ') || sscanf(t + 1, "%2d:%2d%n", &h, &mi, &u2) != 2 ||
		    u2 != 5)
			return -1;
		t += 1 + u2;
		if (*t == ':') {
			int u3 = 0;
			if (sscanf(t + 1, "%2d%n", &sec, &u3) != 1 || u3 != 2)
				return -1;
			t += 3;
		}
		if (*t == 'Z')
			t++;
		if (*t)
			return -1;
	}
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	int64_t ms = (int64_t)timegm(&tm) * 1000;
	if (date_only && end_of_day)
		ms += 86400000 - 1;
	else if (!date_only && end_of_day)
		ms += 999;
	*out = ms;
	return 0;
}

void api_audit_list(struct req *r, struct resp *out)
{
	const char *format = req_param(r, "format");
	int export = format && strcmp(format, "json") != 0;
	struct audit_query q = {
		.actor = req_param(r, "actor"),
		.action = req_param(r, "action"),
		.record_type = req_param(r, "record_type"),
	};
	const char *from = req_param(r, "from"), *to = req_param(r, "to");
	if (from && parse_bound(from, 0, &q.from_ms) != 0) {
		http_reply_error(r, out, 400, "invalid_parameter",
				 "Thời điểm không hợp lệ (YYYY-MM-DD) / Invalid time (YYYY-MM-DD)",
				 "from");
		return;
	}
	if (to && parse_bound(to, 1, &q.to_ms) != 0) {
		http_reply_error(r, out, 400, "invalid_parameter",
				 "Thời điểm không hợp lệ (YYYY-MM-DD) / Invalid time (YYYY-MM-DD)",
				 "to");
		return;
	}
	if (!export) {
		q.limit = (int)req_param_int(r, "limit", AUDIT_DEFAULT_LIMIT);
		q.cursor = req_param(r, "cursor");
	}
	json_t *items = NULL;
	char *next = NULL;
	int rc = store_audit_list(r->app->store, &q, &items, &next);
	if (rc == STORE_INVALID) {
		http_reply_error(r, out, 400, "invalid_cursor",
				 "Con trỏ phân trang không hợp lệ / Invalid cursor", "cursor");
		return;
	}
	if (rc != STORE_OK) {
		http_reply_error(r, out, 500, "internal", "Lỗi máy chủ / Server error", NULL);
		return;
	}
	if (export) {
		json_t *f = json_pack("{s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:I}", "format", format, "actor",
				      q.actor, "action", q.action, "record_type", q.record_type,
				      "from", from, "to", to, "rows",
				      (json_int_t)json_array_size(items));
		audit_log(r, "audit.export", "audit", NULL, f);
		json_decref(f);
		http_reply_export(r, out, format, "nhat-ky-kiem-tra", audit_cols, items);
	} else {
		http_reply_list(r, out, items, next);
	}
	free(next);
}
