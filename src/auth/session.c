/* Issuing sessions and loading the caller of a request (see session.h).
 * Tokens are random (token.c) and stored only as their SHA-256; each
 * session has its own random CSRF secret, and its CSRF token is the HMAC
 * of the session's stored hash under that secret. */
#include "auth/session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/principal.h"
#include "auth/state.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "http/http.h"
#include "store/auth.h"

#define DEFAULT_TTL_MS (12LL * 3600 * 1000)

json_t *auth_user_json(const struct account *a)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:b}", "id", (json_int_t)a->id, "username",
			 a->username, "display_name", a->display_name ? a->display_name : "",
			 "role", roles_id(a->role), "unit",
			 a->home_unit && *a->home_unit ? json_string(a->home_unit) : json_null(),
			 "must_change_password", a->must_change_password);
}

int auth_session_csrf(const struct session_row *s, char out[TOKEN_BUF])
{
	unsigned char key[TOKEN_KEY_BYTES];
	size_t klen = 0;
	out[0] = '\0';
	if (strlen(s->csrf_secret) != 2 * TOKEN_KEY_BYTES ||
	    sodium_hex2bin(key, sizeof key, s->csrf_secret, strlen(s->csrf_secret), NULL, &klen,
			   NULL) != 0 ||
	    klen != TOKEN_KEY_BYTES)
		return -1;
	int rc = token_csrf_for_session(key, s->token_hash, out);
	sodium_memzero(key, sizeof key);
	return rc;
}

static void cookie_set(struct req *r, struct resp *out, const char *value, long long max_age)
{
	struct auth_state *as = auth_state_of(r->app);
	char *c = arena_printf(r->arena, "%s=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%lld%s",
			       AUTH_COOKIE_NAME, value, max_age,
			       as && as->cookie_secure ? "; Secure" : "");
	http_resp_header(r, out, "Set-Cookie", c);
}

void auth_cookie_clear(struct req *r, struct resp *out)
{
	cookie_set(r, out, "", 0);
}

int auth_session_issue_via(struct req *r, struct resp *out, long long account_id,
			   const char *method, json_t **user_out)
{
	struct auth_state *as = auth_state_of(r->app);
	struct account a;
	char token[TOKEN_BUF], csrf[TOKEN_BUF];
	unsigned char secret[TOKEN_KEY_BYTES];
	struct session_row s;

	*user_out = NULL;
	if (store_account_by_id(r->app->store, account_id, &a) != STORE_OK)
		return -1;
	if (a.disabled) {
		store_account_free(&a);
		return -1;
	}
	memset(&s, 0, sizeof s);
	token_new(token);
	token_hash(token, s.token_hash);
	token_key_new(secret);
	sodium_bin2hex(s.csrf_secret, sizeof s.csrf_secret, secret, sizeof secret);
	sodium_memzero(secret, sizeof secret);
	int64_t now = clock_now_ms();
	int64_t ttl = as ? as->ttl_ms : DEFAULT_TTL_MS;
	s.account_id = account_id;
	s.created_ms = now;
	s.last_seen_ms = now;
	s.expires_ms = now + ttl;
	snprintf(s.method, sizeof s.method, "%s", method ? method : "password");
	const char *ua = req_header(r, "User-Agent");
	char *ua_short = ua ? arena_strndup(r->arena, ua, 200) : NULL;
	if (store_session_create(r->app->store, &s, r->remote_addr, ua_short) != STORE_OK ||
	    auth_session_csrf(&s, csrf) != 0) {
		store_account_free(&a);
		return -1;
	}
	cookie_set(r, out, token, (long long)(ttl / 1000));
	*user_out = json_pack("{s:s,s:o,s:s}", "token", token, "user", auth_user_json(&a),
			      "csrf_token", csrf);
	store_account_free(&a);
	sodium_memzero(token, sizeof token);
	return 0;
}

int auth_session_issue(struct req *r, struct resp *out, long long account_id, json_t **user_out)
{
	return auth_session_issue_via(r, out, account_id, "password", user_out);
}

/* The value of cookie name in a Cookie header, in the arena; NULL if
 * absent. */
static const char *cookie_value(struct req *r, const char *header, const char *name)
{
	size_t nl = strlen(name);
	const char *p = header;
	while (p && *p) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			const char *v = p + nl + 1;
			size_t vl = len - nl - 1;
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v++;
				vl -= 2;
			}
			return arena_strndup(r->arena, v, vl);
		}
		p = end;
	}
	return NULL;
}

const char *auth_request_token(struct req *r, int *via_cookie)
{
	*via_cookie = 0;
	const char *h = req_header(r, "Authorization");
	if (h && strncasecmp(h, "Bearer ", 7) == 0) {
		const char *t = h + 7;
		while (*t == ' ')
			t++;
		return arena_strdup(r->arena, t);
	}
	const char *c = req_header(r, "Cookie");
	const char *v = c ? cookie_value(r, c, AUTH_COOKIE_NAME) : NULL;
	if (v && *v) {
		*via_cookie = 1;
		return v;
	}
	return NULL;
}

struct principal *auth_principal_new(struct req *r, const struct account *a,
				     const char *session_hash, int via_cookie)
{
	struct principal *p = arena_zalloc(r->arena, sizeof *p);
	p->account_id = a->id;
	snprintf(p->username, sizeof p->username, "%s", a->username);
	snprintf(p->display_name, sizeof p->display_name, "%s", a->display_name);
	p->role = a->role;
	snprintf(p->session_hash, sizeof p->session_hash, "%s", session_hash ? session_hash : "");
	p->via_cookie = via_cookie;
	p->must_change_password = a->must_change_password;
	p->scope.role = a->role;
	snprintf(p->scope.home_unit, sizeof p->scope.home_unit, "%s", a->home_unit);
	if (store_auth_unit_province(r->app->store, a->home_unit, p->scope.province) != STORE_OK)
		return NULL;
	if (a->ncovered) {
		p->scope.covered_communes = arena_alloc(r->arena, a->ncovered * sizeof(char *));
		for (size_t i = 0; i < a->ncovered; i++)
			p->scope.covered_communes[i] = arena_strdup(r->arena, a->covered[i]);
		p->scope.ncovered = a->ncovered;
	}
	p->scope.own_house_id = a->house_id ? arena_strdup(r->arena, a->house_id) : NULL;
	p->scope.own_facility_id = a->facility_id ? arena_strdup(r->arena, a->facility_id) : NULL;
	return p;
}
