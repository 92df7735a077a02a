/* /api/v1/accounts...: account administration for admins. An admin sees
 * and manages the accounts of their home unit's subtree only (a city admin
 * with home unit "01" all of Hà Nội); anything else answers 404. Admins
 * never see personal data: the account JSON (store/auth.h) has none.
 * Accounts created here must change their password at first sign-in; a
 * generated temporary password is returned once, in the creating answer.
 * Every change is audited. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/accounts.h"
#include "app.h"
#include "auth/account.h"
#include "auth/audit.h"
#include "auth/password.h"
#include "auth/principal.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/buf.h"
#include "http/http.h"
#include "store/auth.h"

#define ACCOUNTS_DEFAULT_LIMIT 50
#define IMPORT_MAX_ROWS 5000
#define IMPORT_MAX_BYTES (2 * 1024 * 1024)

#define ROLE_VALUES                                                                          \
	"citizen|facility_owner|commune_officer|fire_team|city_fire_police|dispatcher|auditor|" \
	"admin"

const struct param_spec api_accounts_list_params[] = {
	{.name = "unit", .type = PARAM_DIGITS, .max_len = 5,
	 .description = "only accounts of this unit's subtree (2025 code)"},
	{.name = "role", .type = PARAM_ENUM, .values = ROLE_VALUES},
	{.name = "q", .type = PARAM_STRING, .max_len = 100,
	 .description = "words of the username or display name, diacritics optional"},
	PARAMS_LIST,
	{0},
};

const struct param_spec api_accounts_id_params[] = {
	{.name = "id", .in = PARAM_IN_PATH, .type = PARAM_DIGITS, .required = 1, .max_len = 18,
	 .description = "account id"},
	{0},
};

const struct param_spec api_accounts_create_body[] = {
	{.name = "username", .type = PARAM_STRING, .required = 1, .max_len = 63,
	 .description = "3-63 of a-z 0-9 . _ -"},
	{.name = "display_name", .type = PARAM_STRING, .max_len = 120},
	{.name = "role", .type = PARAM_ENUM, .required = 1, .values = ROLE_VALUES},
	{.name = "unit", .type = PARAM_DIGITS, .required = 1, .max_len = 5,
	 .description = "home unit, 2025 code"},
	{.name = "covered_communes", .type = PARAM_ARRAY,
	 .description = "fire teams: extra 2025 commune codes"},
	{.name = "password", .type = PARAM_STRING, .max_len = 600,
	 .description = "absent: a temporary password is generated and returned once"},
	{0},
};

const struct param_spec api_accounts_update_body[] = {
	{.name = "display_name", .type = PARAM_STRING, .max_len = 120},
	{.name = "role", .type = PARAM_ENUM, .values = ROLE_VALUES},
	{.name = "unit", .type = PARAM_DIGITS, .max_len = 5},
	{.name = "covered_communes", .type = PARAM_ARRAY},
	{0},
};

static const struct export_col account_cols[] = {
	{"id", "Mã tài khoản", "Id"},
	{"username", "Tên đăng nhập", "Username"},
	{"display_name", "Họ tên", "Name"},
	{"role", "Vai trò", "Role"},
	{"unit", "Đơn vị", "Unit"},
	{"covered_communes", "Xã/phường phụ trách", "Covered communes"},
	{"must_change_password", "Phải đổi mật khẩu", "Must change password"},
	{"disabled", "Đã khoá", "Disabled"},
	{"created_at", "Ngày tạo", "Created"},
	{0},
};

static const char *scope_unit(struct req *r)
{
	return r->who->scope.home_unit;
}

static void reply_internal(struct req *r, struct resp *out)
{
	http_reply_error(r, out, 500, "internal", "Lỗi máy chủ / Server error", NULL);
}

static void reply_not_found(struct req *r, struct resp *out)
{
	http_reply_error(r, out, 404, "not_found", "Không tìm thấy tài khoản / Account not found",
			 "id");
}

static int is_export(const char *format)
{
	return format && strcmp(format, "json") != 0;
}

void api_accounts_list(struct req *r, struct resp *out)
{
	const char *format = req_param(r, "format");
	struct account_query q = {
		.scope_unit = scope_unit(r),
		.unit = req_param(r, "unit"),
		.role = req_param(r, "role"),
		.q = req_param(r, "q"),
	};
	if (!is_export(format)) {
		q.limit = (int)req_param_int(r, "limit", ACCOUNTS_DEFAULT_LIMIT);
		q.cursor = req_param(r, "cursor");
	}
	json_t *items = NULL;
	char *next = NULL;
	int rc = store_account_list(r->app->store, &q, &items, &next);
	if (rc == STORE_INVALID) {
		http_reply_error(r, out, 400, "invalid_cursor",
				 "Con trỏ phân trang không hợp lệ / Invalid cursor", "cursor");
		return;
	}
	if (rc != STORE_OK) {
		reply_internal(r, out);
		return;
	}
	if (is_export(format))
		http_reply_export(r, out, format, "tai-khoan", account_cols, items);
	else
		http_reply_list(r, out, items, next);
	free(next);
}

static long long id_param(struct req *r)
{
	const char *s = req_param(r, "id");
	return s ? strtoll(s, NULL, 10) : 0;
}

/* The target account's JSON when it is in the admin's scope; replies 404
 * (or 500) and returns NULL otherwise. */
static json_t *target(struct req *r, struct resp *out, long long id)
{
	json_t *o = NULL;
	int rc = store_account_json(r->app->store, id, scope_unit(r), &o);
	if (rc == STORE_NOT_FOUND) {
		reply_not_found(r, out);
		return NULL;
	}
	if (rc != STORE_OK) {
		reply_internal(r, out);
		return NULL;
	}
	return o;
}

void api_accounts_get(struct req *r, struct resp *out)
{
	json_t *o = target(r, out, id_param(r));
	if (o)
		http_reply_json(r, out, 200, o);
}

/* Covered communes from a JSON array into the arena; -1 (reply written)
 * when an element is not a string. */
static int covered_from_json(struct req *r, struct resp *out, json_t *arr, const char ***list,
			     size_t *n)
{
	*list = NULL;
	*n = 0;
	if (!arr || json_is_null(arr))
		return 0;
	size_t cnt = json_array_size(arr);
	if (cnt > AUTH_MAX_COVERED) {
		http_reply_error(r, out, 400, "invalid_field",
				 "Quá nhiều xã/phường phụ trách / Too many covered communes",
				 "covered_communes");
		return -1;
	}
	const char **l = arena_zalloc(r->arena, (cnt + 1) * sizeof *l);
	for (size_t i = 0; i < cnt; i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		if (!s) {
			http_reply_error(r, out, 400, "invalid_field",
					 "Mã xã/phường phải là chuỗi / Commune codes must be strings",
					 "covered_communes");
			return -1;
		}
		l[i] = s;
	}
	*list = l;
	*n = cnt;
	return 0;
}

static json_t *covered_json(const char *const *list, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(list[i]));
	return a;
}

void api_accounts_create(struct req *r, struct resp *out)
{
	struct store *st = r->app->store;
	char uname[AUTH_USERNAME_BUF];
	char temp[AUTH_TEMP_PASSWORD_LEN + 1] = "";
	char hash[PASSWORD_HASH_BUF];
	const char *msg, *field;
	enum role role;
	const char **covered = NULL;
	size_t ncovered = 0;

	if (auth_username_normalize(json_string_value(json_object_get(r->json, "username")),
				    uname) != 0) {
		http_reply_error(r, out, 400, "invalid_field",
				 "Tên đăng nhập gồm 3-63 ký tự a-z, 0-9, dấu chấm, gạch dưới, gạch "
				 "ngang / Username: 3-63 of a-z 0-9 . _ -",
				 "username");
		return;
	}
	roles_parse(json_string_value(json_object_get(r->json, "role")), &role);
	const char *unit = json_string_value(json_object_get(r->json, "unit"));
	const char *dn = json_string_value(json_object_get(r->json, "display_name"));
	const char *pw = json_string_value(json_object_get(r->json, "password"));
	if (covered_from_json(r, out, json_object_get(r->json, "covered_communes"), &covered,
			      &ncovered) != 0)
		return;
	if (auth_account_check_units(st, scope_unit(r), role, unit, covered, ncovered, &msg,
				     &field) != 0) {
		http_reply_error(r, out, 400, "invalid_field", msg, field);
		return;
	}
	if (pw) {
		const char *vi = NULL, *en = NULL;
		if (password_check_policy(pw, uname, &vi, &en) != 0) {
			http_reply_error(r, out, 400, "weak_password",
					 arena_printf(r->arena, "%s / %s", vi, en), "password");
			return;
		}
	} else {
		auth_password_generate(temp);
		pw = temp;
	}
	if (password_hash(pw, hash) != 0) {
		reply_internal(r, out);
		return;
	}
	struct account_new a = {.username = uname,
				.display_name = dn ? dn : "",
				.role = role,
				.home_unit = unit,
				.password_hash = hash,
				.must_change_password = 1,
				.covered = covered,
				.ncovered = ncovered};
	long long id = 0;
	int rc = store_account_create(st, &a, &id);
	if (rc == STORE_CONFLICT) {
		http_reply_error(r, out, 409, "username_taken",
				 "Tên đăng nhập đã có người dùng / Username already taken", "username");
		return;
	}
	if (rc != STORE_OK) {
		reply_internal(r, out);
		return;
	}
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", id);
	json_t *f = json_pack("{s:s,s:s,s:s,s:o}", "username", uname, "role", roles_id(role),
			      "unit", unit, "covered_communes", covered_json(covered, ncovered));
	audit_log(r, "account.create", "account", sid, f);
	json_decref(f);
	json_t *o = NULL;
	if (store_account_json(st, id, "", &o) != STORE_OK) {
		reply_internal(r, out);
		return;
	}
	json_t *body = json_pack("{s:o}", "account", o);
	if (temp[0])
		json_object_set_new(body, "temporary_password", json_string(temp));
	sodium_memzero(temp, sizeof temp);
	http_reply_json(r, out, 201, body);
}

void api_accounts_update(struct req *r, struct resp *out)
{
	struct store *st = r->app->store;
	long long id = id_param(r);
	struct account cur;
	struct account_patch p = {0};
	const char **covered = NULL;
	size_t ncovered = 0;
	const char *msg, *field;

	json_t *t = target(r, out, id);
	if (!t)
		return;
	json_decref(t);
	if (store_account_by_id(st, id, &cur) != STORE_OK) {
		reply_internal(r, out);
		return;
	}
	p.display_name = json_string_value(json_object_get(r->json, "display_name"));
	const char *role_s = json_string_value(json_object_get(r->json, "role"));
	if (role_s && roles_parse(role_s, &p.role) == 0)
		p.set_role = 1;
	p.home_unit = json_string_value(json_object_get(r->json, "unit"));
	json_t *cj = json_object_get(r->json, "covered_communes");
	if (cj && !json_is_null(cj)) {
		if (covered_from_json(r, out, cj, &covered, &ncovered) != 0) {
			store_account_free(&cur);
			return;
		}
		p.set_covered = 1;
		p.covered = covered;
		p.ncovered = ncovered;
	}
	if (id == r->who->account_id && ((p.set_role && p.role != cur.role) ||
					 (p.home_unit && strcmp(p.home_unit, cur.home_unit) != 0))) {
		store_account_free(&cur);
		http_reply_error(r, out, 409, "self_change",
				 "Không thể tự đổi vai trò hoặc đơn vị của mình / You cannot change "
				 "your own role or unit",
				 p.set_role ? "role" : "unit");
		return;
	}
	enum role role = p.set_role ? p.role : cur.role;
	const char *unit = p.home_unit ? p.home_unit : cur.home_unit;
	const char *const *cov = p.set_covered ? p.covered : (const char *const *)cur.covered;
	size_t ncov = p.set_covered ? p.ncovered : (role == ROLE_FIRE_TEAM ? cur.ncovered : 0);
	if (!p.set_covered && role != ROLE_FIRE_TEAM && cur.ncovered) {
		p.set_covered = 1; /* no longer a fire team: drop the covered communes */
		p.covered = NULL;
		p.ncovered = 0;
	}
	if (auth_account_check_units(st, scope_unit(r), role, unit, cov, ncov, &msg, &field) != 0) {
		store_account_free(&cur);
		http_reply_error(r, out, 400, "invalid_field", msg, field);
		return;
	}
	store_account_free(&cur);
	if (store_account_update(st, id, &p) != STORE_OK) {
		reply_internal(r, out);
		return;
	}
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", id);
	json_t *f = json_object();
	if (p.display_name)
		json_object_set_new(f, "display_name", json_string(p.display_name));
	if (p.set_role)
		json_object_set_new(f, "role", json_string(roles_id(p.role)));
	if (p.home_unit)
		json_object_set_new(f, "unit", json_string(p.home_unit));
	if (p.set_covered)
		json_object_set_new(f, "covered_communes", covered_json(p.covered, p.ncovered));
	audit_log(r, "account.update", "account", sid, f);
	json_decref(f);
	json_t *o = target(r, out, id);
	if (o)
		http_reply_json(r, out, 200, o);
}

static void set_disabled(struct req *r, struct resp *out, int disabled)
{
	struct store *st = r->app->store;
	long long id = id_param(r);
	json_t *t = target(r, out, id);
	if (!t)
		return;
	json_decref(t);
	if (disabled && id == r->who->account_id) {
		http_reply_error(r, out, 409, "self_change",
				 "Không thể tự khoá tài khoản của mình / You cannot disable your own "
				 "account",
				 "id");
		return;
	}
	if (store_account_set_disabled(st, id, disabled) != STORE_OK) {
		reply_internal(r, out);
		return;
	}
	long long n = 0;
	if (disabled)
		store_sessions_delete_account(st, id, NULL, &n);
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", id);
	json_t *f = disabled ? json_pack("{s:I}", "sessions_ended", (json_int_t)n) : NULL;
	audit_log(r, disabled ? "account.disable" : "account.enable", "account", sid, f);
	json_decref(f);
	json_t *o = target(r, out, id);
	if (o)
		http_reply_json(r, out, 200, o);
}

void api_accounts_disable(struct req *r, struct resp *out)
{
	set_disabled(r, out, 1);
}

void api_accounts_enable(struct req *r, struct resp *out)
{
	set_disabled(r, out, 0);
}

void api_accounts_reset_password(struct req *r, struct resp *out)
{
	struct store *st = r->app->store;
	long long id = id_param(r);
	char temp[AUTH_TEMP_PASSWORD_LEN + 1];
	char hash[PASSWORD_HASH_BUF];
	json_t *t = target(r, out, id);
	if (!t)
		return;
	json_decref(t);
	auth_password_generate(temp);
	if (password_hash(temp, hash) != 0 || store_account_set_password(st, id, hash, 1) != STORE_OK) {
		reply_internal(r, out);
		return;
	}
	long long n = 0;
	store_sessions_delete_account(st, id, NULL, &n);
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", id);
	json_t *f = json_pack("{s:I}", "sessions_ended", (json_int_t)n);
	audit_log(r, "account.reset_password", "account", sid, f);
	json_decref(f);
	json_t *o = target(r, out, id);
	if (!o)
		return;
	http_reply_json(r, out, 200,
			json_pack("{s:o,s:s}", "account", o, "temporary_password", temp));
	sodium_memzero(temp, sizeof temp);
}

/* ---- CSV import ----------------------------------------------------------- */

#define CSV_COLS 5

struct csv_row {
	int line;
	int nf;
	char *f[CSV_COLS];
	const char *bad;
};

/* Reads one RFC 4180 record from *p (fields into the arena). 0 at the end. */
static int csv_read(struct req *r, const char **p, const char *end, int *line,
		    struct csv_row *row)
{
	if (*p >= end)
		return 0;
	memset(row, 0, sizeof *row);
	row->line = *line;
	struct buf b = {0};
	for (;;) {
		buf_reset(&b);
		buf_append(&b, "", 0);
		if (*p < end && **p == '"') {
			(*p)++;
			for (;;) {
				if (*p >= end) {
					row->bad = "thiếu dấu ngoặc kép đóng / unterminated quote";
					break;
				}
				char c = *(*p)++;
				if (c == '"') {
					if (*p < end && **p == '"')
						(*p)++;
					else
						break;
				}
				if (c == '\n')
					(*line)++;
				buf_putc(&b, c);
			}
			while (*p < end && **p != ',' && **p != '\n')
				(*p)++; /* text after the closing quote: ignored */
		} else {
			const char *s = *p;
			while (*p < end && **p != ',' && **p != '\n')
				(*p)++;
			size_t n = (size_t)(*p - s);
			if (n && s[n - 1] == '\r')
				n--;
			buf_append(&b, s, n);
		}
		if (row->nf < CSV_COLS)
			row->f[row->nf] = arena_strndup(r->arena, b.data ? b.data : "", b.len);
		row->nf++;
		if (*p >= end)
			break;
		if (**p == ',') {
			(*p)++;
			continue;
		}
		(*p)++; /* newline */
		(*line)++;
		break;
	}
	buf_free(&b);
	return 1;
}

static char *trim(char *s)
{
	if (!s)
		return s;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static int utf8_ok(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	while (*u) {
		if (*u < 0x80) {
			if (*u < 0x20 && *u != '\t')
				return 0;
			u++;
			continue;
		}
		int k = (*u & 0xE0) == 0xC0 && *u >= 0xC2 ? 1 : (*u & 0xF0) == 0xE0 ? 2
			: (*u & 0xF8) == 0xF0 && *u <= 0xF4 ? 3 : -1;
		if (k < 0)
			return 0;
		for (int j = 1; j <= k; j++)
			if ((u[j] & 0xC0) != 0x80)
				return 0;
		u += k + 1;
	}
	return 1;
}

/* Splits "00364; 00365 00366" into codes (arena). */
static size_t split_codes(struct req *r, char *s, const char ***out)
{
	size_t n = 0, cap = 8;
	const char **l = arena_zalloc(r->arena, cap * sizeof *l);
	char *save = NULL;
	for (char *t = strtok_r(s, " ;|/\t", &save); t; t = strtok_r(NULL, " ;|/\t", &save)) {
		if (n == cap) {
			const char **nl = arena_zalloc(r->arena, cap * 2 * sizeof *nl);
			memcpy(nl, l, cap * sizeof *l);
			l = nl;
			cap *= 2;
		}
		l[n++] = t;
	}
	*out = l;
	return n;
}

static void reject(json_t *rejected, int line, const char *msg)
{
	json_array_append_new(rejected, json_pack("{s:i,s:s}", "line", line, "message", msg));
}

void api_accounts_import(struct req *r, struct resp *out)
{
	struct store *st = r->app->store;
	const char *ct = req_header(r, "Content-Type");
	if (ct && strncasecmp(ct, "text/csv", 8) != 0 && strncasecmp(ct, "text/plain", 10) != 0) {
		http_reply_error(r, out, 415, "unsupported_media_type",
				 "Nội dung phải là text/csv / Body must be text/csv", NULL);
		return;
	}
	if (!r->body || r->body_len == 0) {
		http_reply_error(r, out, 400, "empty_body",
				 "Tệp CSV rỗng / The CSV file is empty", NULL);
		return;
	}
	const char *p = r->body, *end = r->body + r->body_len;
	if (r->body_len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	json_t *rejected = json_array();
	json_t *seen = json_object();
	struct account_new *rows = arena_zalloc(r->arena, IMPORT_MAX_ROWS * sizeof *rows);
	int *lines = arena_zalloc(r->arena, IMPORT_MAX_ROWS * sizeof *lines);
	char (*temps)[AUTH_TEMP_PASSWORD_LEN + 1] =
	    arena_zalloc(r->arena, IMPORT_MAX_ROWS * sizeof *temps);
	size_t n = 0, nrows = 0;
	int line = 1;
	struct csv_row row;
	int first = 1;
	while (csv_read(r, &p, end, &line, &row)) {
		if (row.nf == 1 && (!row.f[0] || !*trim(row.f[0])))
			continue; /* blank line */
		if (first) {
			first = 0;
			char *h = trim(row.f[0]);
			if (h && (strcasecmp(h, "username") == 0 || strcmp(h, "tên đăng nhập") == 0 ||
				  strcmp(h, "Tên đăng nhập") == 0))
				continue; /* header */
		}
		nrows++;
		if (nrows > IMPORT_MAX_ROWS) {
			reject(rejected, row.line,
			       "quá nhiều dòng (tối đa 5000) / too many rows (at most 5000)");
			break;
		}
		if (row.bad) {
			reject(rejected, row.line, row.bad);
			continue;
		}
		if (row.nf < 4 || row.nf > CSV_COLS) {
			reject(rejected, row.line,
			       arena_printf(r->arena,
					    "có %d cột, cần 4 hoặc 5: tên đăng nhập, họ tên, vai trò, "
					    "đơn vị[, xã/phường phụ trách] / has %d columns, expected "
					    "4 or 5",
					    row.nf, row.nf));
			continue;
		}
		for (int i = 0; i < row.nf; i++)
			row.f[i] = trim(row.f[i]);
		char uname[AUTH_USERNAME_BUF];
		enum role role;
		const char **covered = NULL;
		size_t ncovered = row.nf > 4 ? split_codes(r, row.f[4], &covered) : 0;
		const char *msg, *field;
		if (auth_username_normalize(row.f[0], uname) != 0) {
			reject(rejected, row.line,
			       "tên đăng nhập không hợp lệ (3-63 ký tự a-z, 0-9, . _ -) / invalid "
			       "username");
			continue;
		}
		if (json_object_get(seen, uname)) {
			reject(rejected, row.line,
			       arena_printf(r->arena,
					    "tên đăng nhập «%s» trùng với dòng %lld / duplicate username "
					    "(line %lld)",
					    uname, (long long)json_integer_value(json_object_get(seen, uname)),
					    (long long)json_integer_value(json_object_get(seen, uname))));
			continue;
		}
		if (!utf8_ok(row.f[1]) || strlen(row.f[1]) > 120) {
			reject(rejected, row.line,
			       "họ tên không hợp lệ (UTF-8, tối đa 120 byte) / invalid display name");
			continue;
		}
		if (roles_parse(row.f[2], &role) != 0) {
			reject(rejected, row.line,
			       arena_printf(r->arena,
					    "vai trò «%.40s» không hợp lệ / unknown role (want one of "
					    "%s)",
					    row.f[2], "commune_officer, fire_team, city_fire_police, "
						      "dispatcher, auditor, admin, citizen, "
						      "facility_owner"));
			continue;
		}
		if (auth_account_check_units(st, scope_unit(r), role, row.f[3], covered, ncovered,
					     &msg, &field) != 0) {
			reject(rejected, row.line, msg);
			continue;
		}
		struct account existing;
		int rc = store_account_by_username(st, uname, &existing);
		if (rc == STORE_OK) {
			store_account_free(&existing);
			reject(rejected, row.line,
			       arena_printf(r->arena,
					    "tên đăng nhập «%s» đã có người dùng / username already "
					    "taken",
					    uname));
			continue;
		}
		json_object_set_new(seen, uname, json_integer(row.line));
		auth_password_generate(temps[n]);
		char *hash = arena_alloc(r->arena, PASSWORD_HASH_BUF);
		if (password_hash(temps[n], hash) != 0) {
			json_decref(rejected);
			json_decref(seen);
			reply_internal(r, out);
			return;
		}
		rows[n] = (struct account_new){.username = arena_strdup(r->arena, uname),
					       .display_name = row.f[1],
					       .role = role,
					       .home_unit = row.f[3],
					       .password_hash = hash,
					       .must_change_password = 1,
					       .covered = covered,
					       .ncovered = ncovered};
		lines[n] = row.line;
		n++;
	}
	json_decref(seen);
	long long *ids = arena_zalloc(r->arena, (n + 1) * sizeof *ids);
	if (n) {
		int rc = store_accounts_create_many(st, rows, n, ids);
		if (rc != STORE_OK) {
			json_decref(rejected);
			if (rc == STORE_CONFLICT)
				http_reply_error(r, out, 409, "username_taken",
						 "Một tên đăng nhập vừa được dùng, không tạo tài khoản "
						 "nào; hãy gửi lại / A username was just taken, nothing "
						 "created; send the file again",
						 NULL);
			else
				reply_internal(r, out);
			return;
		}
	}
	json_t *created = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(created,
				      json_pack("{s:i,s:I,s:s,s:s,s:s}", "line", lines[i], "id",
						(json_int_t)ids[i], "username", rows[i].username,
						"role", roles_id(rows[i].role),
						"temporary_password", temps[i]));
		sodium_memzero(temps[i], sizeof temps[i]);
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256(h, (const unsigned char *)r->body, r->body_len);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	json_t *f = json_pack("{s:I,s:I,s:I,s:s}", "rows", (json_int_t)nrows, "created",
			      (json_int_t)n, "rejected", (json_int_t)json_array_size(rejected),
			      "sha256", hex);
	audit_log(r, "account.import", "account", NULL, f);
	json_decref(f);
	http_reply_json(r, out, 200,
			json_pack("{s:I,s:I,s:o,s:o}", "created_count", (json_int_t)n,
				  "rejected_count", (json_int_t)json_array_size(rejected), "created",
				  created, "rejected", rejected));
}
