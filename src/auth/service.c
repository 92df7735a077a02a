/* The accounts service of a serving process (see service.h): loads the
 * personal-data keys, sets the sign-in throttle up, and identifies the
 * caller of every request from its bearer token or session cookie,
 * applying the expiry rule (absolute lifetime and idle timeout, through
 * the injectable clock), CSRF for cookie-signed writes, and the forced
 * password change. */
#include "auth/service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "auth/principal.h"
#include "auth/session.h"
#include "auth/state.h"
#include "auth/throttle.h"
#include "auth/token.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "http/http.h"
#include "store/auth.h"

#define PRUNE_EVERY_MS (5 * 60 * 1000)

struct auth_state *auth_state_of(struct app *app)
{
	return app ? app->auth : NULL;
}

const struct pii_keys *auth_pii_keys(struct app *app)
{
	return app && app->auth ? &app->auth->keys : NULL;
}

static int64_t env_seconds(const char *name, int64_t def_s)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return def_s * 1000;
	char *end;
	double x = strtod(v, &end);
	if (*end || !(x > 0) || x > 1e9) {
		log_warn("%s=%s ignored: want a positive number of seconds", name, v);
		return def_s * 1000;
	}
	return (int64_t)(x * 1000.0);
}

int auth_service_start(struct app *app)
{
	struct auth_state *as = xcalloc(1, sizeof *as);
	/* Test suites only: cheap argon2id parameters, so that hundreds of
	 * sign-ins do not dominate the suite's time. Never set in production;
	 * hashes made either way verify either way. */
	const char *fast = getenv("PCCC_TEST_FAST_PASSWORDS");
	if (fast && strcmp(fast, "1") == 0) {
		password_set_cost_fast(1);
		log_warn("PCCC_TEST_FAST_PASSWORDS=1: weak password hashing for tests");
	}
	if (pii_key_load_or_create(app->cfg.data, &as->keys) != 0) {
		fprintf(stderr, "pccc: không đọc/tạo được khoá dữ liệu cá nhân / cannot load or create "
				"the personal-data key %s/%s\n",
			app->cfg.data, PII_KEY_FILE);
		free(as);
		return -1;
	}
	if (password_hash("pccc-dummy-password-for-unknown-users", as->dummy_hash) != 0) {
		fprintf(stderr, "pccc: argon2id không chạy được / argon2id failed\n");
		pii_keys_wipe(&as->keys);
		free(as);
		return -1;
	}
	as->throttle = throttle_new(NULL);
	as->ttl_ms = env_seconds("PCCC_SESSION_TTL_S", 12 * 3600);
	as->idle_ms = env_seconds("PCCC_SESSION_IDLE_S", 30 * 60);
	const char *sec = getenv("PCCC_COOKIE_SECURE");
	as->cookie_secure = sec && (strcmp(sec, "1") == 0 || strcasecmp(sec, "true") == 0);
	as->last_prune_ms = clock_now_ms();
	app->auth = as;
	store_sessions_prune(app->store, clock_now_ms());
	return 0;
}

void auth_service_stop(struct app *app)
{
	struct auth_state *as = app->auth;
	if (!as)
		return;
	throttle_free(as->throttle);
	pii_keys_wipe(&as->keys);
	free(as);
	app->auth = NULL;
}

/* Routes an account that must change its password may still use. */
static int allowed_while_must_change(const struct route *rt)
{
	static const char *const ok[] = {"/api/v1/auth/me", "/api/v1/auth/password",
					 "/api/v1/auth/logout", "/api/v1/auth/logout-all", NULL};
	if (rt->perm == PERM_PUBLIC)
		return 1;
	for (int i = 0; ok[i]; i++)
		if (strcmp(rt->pattern, ok[i]) == 0)
			return 1;
	return 0;
}

static int is_safe_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

static void maybe_prune(struct auth_state *as, struct store *st, int64_t now)
{
	int64_t last = as->last_prune_ms;
	if (now - last < PRUNE_EVERY_MS)
		return;
	if (!atomic_compare_exchange_strong(&as->last_prune_ms, &last, now))
		return;
	throttle_prune(as->throttle, now);
	store_sessions_prune(st, now);
}

int auth_identify(struct req *r, struct resp *out)
{
	struct auth_state *as = auth_state_of(r->app);
	struct store *st = r->app->store;
	int via_cookie = 0;
	char hash[TOKEN_HASH_BUF];
	struct session_row s;
	struct account a;

	r->who = NULL;
	if (!as || !r->route)
		return 0;
	int64_t now = clock_now_ms();
	maybe_prune(as, st, now);
	const char *token = auth_request_token(r, &via_cookie);
	if (!token || token_hash(token, hash) != 0)
		return 0;
	int rc = store_session_get(st, hash, &s);
	if (rc != STORE_OK)
		return 0;
	enum token_session_state state =
	    token_session_state(s.created_ms, s.last_seen_ms, now, as->ttl_ms, as->idle_ms);
	if (state != TOKEN_SESSION_VALID || now >= s.expires_ms) {
		store_session_delete(st, hash);
		return 0;
	}
	if (store_account_by_id(st, s.account_id, &a) != STORE_OK)
		return 0;
	if (a.disabled) {
		store_account_free(&a);
		store_sessions_delete_account(st, s.account_id, NULL, NULL);
		return 0;
	}
	struct principal *p = auth_principal_new(r, &a, hash, via_cookie);
	store_account_free(&a);
	if (!p) {
		http_reply_error(r, out, 500, "internal", "Lỗi máy chủ / Server error", NULL);
		return -1;
	}
	/* Refresh last-seen now and then, not on every request. */
	int64_t step = as->idle_ms / 4 < 60000 ? as->idle_ms / 4 : 60000;
	if (now - s.last_seen_ms >= step)
		store_session_touch(st, hash, now);

	if (via_cookie && !is_safe_method(r->method)) {
		char csrf[TOKEN_BUF];
		const char *given = req_header(r, "X-CSRF-Token");
		int ok = auth_session_csrf(&s, csrf) == 0 && given && token_equal(csrf, given);
		if (!ok) {
			if (r->route->perm == PERM_PUBLIC)
				return 0; /* a public write runs as anonymous */
			http_reply_error(r, out, 403, "csrf",
					 "Thiếu hoặc sai mã chống giả mạo yêu cầu (X-CSRF-Token) / "
					 "Missing or wrong CSRF token (X-CSRF-Token)",
					 NULL);
			return -1;
		}
	}
	r->who = p;
	if (p->must_change_password && !allowed_while_must_change(r->route)) {
		http_reply_error(r, out, 403, "password_change_required",
				 "Bạn cần đổi mật khẩu trước khi tiếp tục / You must change your "
				 "password first",
				 NULL);
		return -1;
	}
	return 0;
}
