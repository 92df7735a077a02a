/* /api/v1/auth/...: password sign-in, sign-out (this session / every
 * session), the caller, and changing one's password. A wrong username and
 * a wrong password get the same answer after the same work (an unknown
 * name is checked against a dummy hash); repeated failures are slowed by
 * the throttle (auth/throttle.h) with 429 and Retry-After. Every attempt
 * is audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/accounts.h"
#include "app.h"
#include "auth/account.h"
#include "auth/audit.h"
#include "auth/password.h"
#include "auth/principal.h"
#include "auth/session.h"
#include "auth/state.h"
#include "auth/throttle.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "http/http.h"
#include "store/auth.h"

const struct param_spec api_auth_login_body[] = {
	{.name = "username", .type = PARAM_STRING, .required = 1, .max_len = 128,
	 .description = "tên đăng nhập / username"},
	{.name = "password", .type = PARAM_STRING, .required = 1, .max_len = 600,
	 .description = "mật khẩu / password"},
	{0},
};

const struct param_spec api_auth_password_body[] = {
	{.name = "current_password", .type = PARAM_STRING, .required = 1, .max_len = 600},
	{.name = "new_password", .type = PARAM_STRING, .required = 1, .max_len = 600},
	{0},
};

static const char *body_str(struct req *r, const char *name)
{
	const char *s = json_string_value(json_object_get(r->json, name));
	return s ? s : "";
}

static void reply_internal(struct req *r, struct resp *out)
{
	http_reply_error(r, out, 500, "internal", "Lỗi máy chủ / Server error", NULL);
}

static void reply_throttled(struct req *r, struct resp *out, int64_t wait_ms)
{
	char secs[32];
	snprintf(secs, sizeof secs, "%lld", (long long)((wait_ms + 999) / 1000));
	http_reply_error(r, out, 429, "too_many_attempts",
			 "Đăng nhập sai quá nhiều lần, vui lòng thử lại sau ít phút / Too many "
			 "failed sign-ins, try again shortly",
			 NULL);
	http_resp_header(r, out, "Retry-After", secs);
}

/* Lowercased, trimmed name for lookups and the throttle (any text: an
 * unknown name is throttled like a real one). */
static void login_name(const char *in, char out[AUTH_USERNAME_BUF])
{
	if (auth_username_normalize(in, out) == 0)
		return;
	size_t n = 0;
	for (; in[n] && n < AUTH_USERNAME_BUF - 1; n++)
		out[n] = (char)(in[n] >= 'A' && in[n] <= 'Z' ? in[n] - 'A' + 'a' : in[n]);
	out[n] = '\0';
}

void api_auth_login(struct req *r, struct resp *out)
{
	struct auth_state *as = auth_state_of(r->app);
	struct store *st = r->app->store;
	char name[AUTH_USERNAME_BUF];
	struct account a;
	const char *reason = NULL;

	if (!as) {
		reply_internal(r, out);
		return;
	}
	const char *password = body_str(r, "password");
	login_name(body_str(r, "username"), name);
	int64_t now = clock_now_ms();
	int64_t wait = throttle_check(as->throttle, name, r->remote_addr, now);
	if (wait > 0) {
		log_json(LOG_WARN, "sign-in throttled",
			 json_pack("{s:s,s:s,s:I}", "username", name, "remote", r->remote_addr,
				   "wait_ms", (json_int_t)wait));
		reply_throttled(r, out, wait);
		return;
	}
	int rc = store_account_by_username(st, name, &a);
	if (rc != STORE_OK && rc != STORE_NOT_FOUND) {
		reply_internal(r, out);
		return;
	}
	int found = rc == STORE_OK;
	int ok = 0;
	if (found && a.password_hash && !a.disabled) {
		ok = password_verify(a.password_hash, password) == 0;
		reason = ok ? NULL : "wrong_password";
	} else {
		password_verify(as->dummy_hash, password); /* same work either way */
		reason = !found ? "unknown_user" : a.disabled ? "disabled" : "no_password";
	}
	if (!ok) {
		throttle_fail(as->throttle, name, r->remote_addr, clock_now_ms());
		json_t *f = json_pack("{s:s,s:s}", "username", name, "reason", reason);
		char fid[32];
		snprintf(fid, sizeof fid, "%lld", found ? a.id : 0LL);
		audit_log(r, "login.failed", "account", found ? fid : NULL, f);
		json_decref(f);
		if (found)
			store_account_free(&a);
		http_reply_error(r, out, 401, "invalid_credentials",
				 "Tên đăng nhập hoặc mật khẩu không đúng / Wrong username or password",
				 NULL);
		return;
	}
	throttle_success(as->throttle, name, r->remote_addr, clock_now_ms());
	if (password_needs_rehash(a.password_hash) == 1) {
		char h[PASSWORD_HASH_BUF];
		if (password_hash(password, h) == 0)
			store_account_set_password(st, a.id, h, a.must_change_password);
	}
	json_t *body = NULL;
	if (auth_session_issue(r, out, a.id, &body) != 0) {
		store_account_free(&a);
		reply_internal(r, out);
		return;
	}
	struct principal *p = auth_principal_new(r, &a, NULL, 0);
	char id[32];
	snprintf(id, sizeof id, "%lld", a.id);
	store_account_free(&a);
	r->who = p;
	audit_log(r, "login", "account", id, NULL);
	http_reply_json(r, out, 200, body);
}

void api_auth_logout(struct req *r, struct resp *out)
{
	store_session_delete(r->app->store, r->who->session_hash);
	char id[32];
	snprintf(id, sizeof id, "%lld", r->who->account_id);
	audit_log(r, "logout", "account", id, NULL);
	auth_cookie_clear(r, out);
	http_reply_json(r, out, 200, json_pack("{s:b}", "ok", 1));
}

void api_auth_logout_all(struct req *r, struct resp *out)
{
	long long n = 0;
	if (store_sessions_delete_account(r->app->store, r->who->account_id, NULL, &n) !=
	    STORE_OK) {
		reply_internal(r, out);
		return;
	}
	char id[32];
	snprintf(id, sizeof id, "%lld", r->who->account_id);
	json_t *f = json_pack("{s:I}", "sessions", (json_int_t)n);
	audit_log(r, "logout_all", "account", id, f);
	json_decref(f);
	auth_cookie_clear(r, out);
	http_reply_json(r, out, 200, json_pack("{s:b,s:I}", "ok", 1, "sessions", (json_int_t)n));
}

void api_auth_me(struct req *r, struct resp *out)
{
	struct store *st = r->app->store;
	struct account a;
	struct session_row s;
	char csrf[TOKEN_BUF];

	if (store_account_by_id(st, r->who->account_id, &a) != STORE_OK ||
	    store_session_get(st, r->who->session_hash, &s) != STORE_OK ||
	    auth_session_csrf(&s, csrf) != 0) {
		reply_internal(r, out);
		return;
	}
	json_t *perms = json_array();
	for (int c = PERM_SELF; c < PERM_COUNT; c++)
		if (roles_grants(a.role, (enum capability)c))
			json_array_append_new(perms, json_string(roles_perm_id((enum capability)c)));
	json_t *user = auth_user_json(&a);
	json_object_set_new(user, "role_name", json_string(roles_name_vi(a.role)));
	json_object_set_new(user, "covered_communes", json_array());
	for (size_t i = 0; i < a.ncovered; i++)
		json_array_append_new(json_object_get(user, "covered_communes"),
				      json_string(a.covered[i]));
	json_object_set_new(user, "province",
			    r->who->scope.province[0] ? json_string(r->who->scope.province)
						      : json_null());
	json_object_set_new(user, "house_id", a.house_id ? json_string(a.house_id) : json_null());
	json_object_set_new(user, "facility_id",
			    a.facility_id ? json_string(a.facility_id) : json_null());
	char exp[32];
	clock_format_iso(s.expires_ms, exp, sizeof exp);
	json_t *body = json_pack("{s:o,s:s,s:o,s:{s:s,s:s}}", "user", user, "csrf_token", csrf,
				 "permissions", perms, "session", "method", s.method, "expires_at",
				 exp);
	store_account_free(&a);
	http_reply_json(r, out, 200, body);
}

void api_auth_password(struct req *r, struct resp *out)
{
	struct auth_state *as = auth_state_of(r->app);
	struct store *st = r->app->store;
	struct account a;
	const char *cur = body_str(r, "current_password");
	const char *next = body_str(r, "new_password");
	char id[32];

	if (!as || store_account_by_id(st, r->who->account_id, &a) != STORE_OK) {
		reply_internal(r, out);
		return;
	}
	snprintf(id, sizeof id, "%lld", a.id);
	int64_t wait = throttle_check(as->throttle, a.username, r->remote_addr, clock_now_ms());
	if (wait > 0) {
		store_account_free(&a);
		reply_throttled(r, out, wait);
		return;
	}
	if (!a.password_hash || password_verify(a.password_hash, cur) != 0) {
		throttle_fail(as->throttle, a.username, r->remote_addr, clock_now_ms());
		json_t *f = json_pack("{s:s}", "reason", "wrong_current_password");
		audit_log(r, "password.change_failed", "account", id, f);
		json_decref(f);
		store_account_free(&a);
		http_reply_error(r, out, 400, "wrong_password",
				 "Mật khẩu hiện tại không đúng / Current password is wrong",
				 "current_password");
		return;
	}
	const char *vi = NULL, *en = NULL;
	if (password_check_policy(next, a.username, &vi, &en) != 0 || strcmp(next, cur) == 0) {
		char *msg = vi ? arena_printf(r->arena, "%s / %s", vi, en)
			       : "Mật khẩu mới phải khác mật khẩu hiện tại / The new password must "
				 "differ from the current one";
		store_account_free(&a);
		http_reply_error(r, out, 400, "weak_password", msg, "new_password");
		return;
	}
	char h[PASSWORD_HASH_BUF];
	if (password_hash(next, h) != 0 || store_account_set_password(st, a.id, h, 0) != STORE_OK) {
		store_account_free(&a);
		reply_internal(r, out);
		return;
	}
	long long n = 0;
	store_sessions_delete_account(st, a.id, r->who->session_hash, &n);
	a.must_change_password = 0;
	r->who->must_change_password = 0;
	json_t *f = json_pack("{s:I}", "other_sessions_ended", (json_int_t)n);
	audit_log(r, "password.change", "account", id, f);
	json_decref(f);
	json_t *body = json_pack("{s:b,s:o}", "ok", 1, "user", auth_user_json(&a));
	store_account_free(&a);
	http_reply_json(r, out, 200, body);
}
