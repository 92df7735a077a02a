/* /api/v1/auth/oidc/...: sign-in with the national eID (VNeID). start
 * sends the browser to the provider with a fresh state, nonce and PKCE
 * challenge, and binds the state to that browser with a short-lived
 * cookie; callback checks the answer (auth/oidc.c), finds or creates the
 * citizen by their personal ID number (store_account_upsert_citizen,
 * encrypted at rest), opens a session and audits the sign-in. The client
 * is made from PCCC_OIDC_* on first use; without PCCC_OIDC_ISSUER the
 * feature is off and config says so. */
#include "api/oidc.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "auth/oidc.h"
#include "auth/principal.h"
#include "auth/service.h"
#include "auth/session.h"
#include "auth/state.h"
#include "core/arena.h"
#include "core/log.h"
#include "http/http.h"
#include "store/auth.h"

const struct param_spec api_oidc_callback_params[] = {
	{.name = "code", .type = PARAM_STRING, .max_len = 2048,
	 .description = "mã xác thực do nhà cung cấp cấp / authorization code"},
	{.name = "state", .type = PARAM_STRING, .max_len = 256,
	 .description = "giá trị state của lượt đăng nhập / the sign-in's state"},
	{.name = "iss", .type = PARAM_STRING, .max_len = 1024,
	 .description = "nhà phát hành (RFC 9207) / issuer of the response"},
	{.name = "session_state", .type = PARAM_STRING, .max_len = 1024,
	 .description = "provider session state (ignored)"},
	{.name = "error", .type = PARAM_STRING, .max_len = 256,
	 .description = "mã lỗi của nhà cung cấp / the provider's error code"},
	{.name = "error_description", .type = PARAM_STRING, .max_len = 2048,
	 .description = "mô tả lỗi / error text (logged, not shown)"},
	{.name = "error_uri", .type = PARAM_STRING, .max_len = 2048,
	 .description = "error page (ignored)"},
	{0},
};

/* ---- the client, made from the environment on first use --------------- */

static struct {
	pthread_mutex_t lock;
	int tried;                /* the environment was read */
	struct oidc_client *client;
} g = {.lock = PTHREAD_MUTEX_INITIALIZER};

static struct oidc_client *client_get(void)
{
	pthread_mutex_lock(&g.lock);
	if (!g.tried) {
		struct oidc_config cfg;
		char err[300] = "";
		g.tried = 1;
		int rc = oidc_config_from_env(&cfg, err, sizeof err);
		if (rc == 1) {
			g.client = oidc_client_new(&cfg);
			log_json(LOG_INFO, "oidc sign-in enabled",
				 json_pack("{s:s,s:s,s:s}", "issuer", cfg.issuer, "client_id",
					   cfg.client_id, "provider", cfg.provider_name));
		} else if (rc < 0) {
			log_json(LOG_ERROR, "oidc sign-in disabled: bad configuration",
				 json_pack("{s:s}", "error", err));
		}
		oidc_config_free(&cfg);
	}
	struct oidc_client *c = g.client;
	pthread_mutex_unlock(&g.lock);
	return c;
}

void api_oidc_init(void)
{
	(void)client_get();
}

void api_oidc_shutdown(void)
{
	pthread_mutex_lock(&g.lock);
	oidc_client_free(g.client);
	g.client = NULL;
	g.tried = 0;
	pthread_mutex_unlock(&g.lock);
}

/* ---- helpers ------------------------------------------------------------ */

static int wants_json(struct req *r)
{
	const char *a = req_header(r, "Accept");
	return a && strstr(a, "application/json") != NULL;
}

static int status_of(enum oidc_err e)
{
	switch (e) {
	case OIDC_ERR_DISABLED:
		return 404;
	case OIDC_ERR_UNAVAILABLE:
	case OIDC_ERR_DISCOVERY:
		return 502;
	case OIDC_ERR_BUSY:
		return 503;
	case OIDC_ERR_ACCOUNT_DISABLED:
		return 403;
	case OIDC_ERR_INTERNAL:
		return 500;
	default:
		return 400;
	}
}

static void redirect(struct req *r, struct resp *out, const char *location)
{
	http_resp_header(r, out, "Location", location);
	out->no_cache = 1;
	http_reply_raw(r, out, 302, "text/plain; charset=utf-8", "", 0);
}

/* An error: JSON for API callers, otherwise back to the console's sign-in
 * page with the code. */
static void reply_fail(struct req *r, struct resp *out, enum oidc_err e)
{
	if (wants_json(r)) {
		http_reply_error(r, out, status_of(e), oidc_err_code(e), oidc_err_message(e), NULL);
		return;
	}
	redirect(r, out, arena_printf(r->arena, "/#/login?error=%s", oidc_err_code(e)));
}

static int cookie_secure(struct req *r, const struct oidc_client *c)
{
	struct auth_state *as = auth_state_of(r->app);
	return (as && as->cookie_secure) ||
	       strncmp(oidc_client_config(c)->redirect_uri, "https://", 8) == 0;
}

static void binder_cookie(struct req *r, struct resp *out, const struct oidc_client *c,
			  const char *value, int max_age)
{
	http_resp_header(r, out, "Set-Cookie",
			 arena_printf(r->arena, "%s=%s; HttpOnly; SameSite=Lax; Path=%s; Max-Age=%d%s",
				      OIDC_COOKIE, value, OIDC_COOKIE_PATH, max_age,
				      cookie_secure(r, c) ? "; Secure" : ""));
}

/* The binder cookie's value (arena), "" when absent. */
static const char *binder_of(struct req *r)
{
	const char *h = req_header(r, "Cookie");
	size_t nl = strlen(OIDC_COOKIE);
	for (const char *p = h; p && *p;) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		size_t len = strcspn(p, ";");
		if (len > nl && strncmp(p, OIDC_COOKIE, nl) == 0 && p[nl] == '=') {
			size_t vl = len - nl - 1;
			char *v = arena_alloc(r->arena, vl + 1);
			memcpy(v, p + nl + 1, vl);
			v[vl] = '\0';
			for (size_t i = vl; i > 0 && (v[i - 1] == ' ' || v[i - 1] == '\t'); i--)
				v[i - 1] = '\0';
			return v;
		}
		p += len;
	}
	return "";
}

/* A failed sign-in: logged; audited when it got past the state check (a
 * person's real attempt), so that anonymous junk requests to the callback
 * cannot flood the audit trail. */
static void audit_failure(struct req *r, enum oidc_err e, const char *detail, int known_state)
{
	if (known_state && e != OIDC_ERR_STATE && e != OIDC_ERR_BAD_REQUEST &&
	    e != OIDC_ERR_DISABLED) {
		json_t *f = json_pack("{s:s,s:s}", "method", "vneid", "reason", oidc_err_code(e));
		audit_log(r, "login.failed", "account", NULL, f);
		json_decref(f);
	}
	log_json(LOG_WARN, "vneid sign-in failed",
		 json_pack("{s:s,s:s,s:s}", "error", oidc_err_code(e), "detail",
			   detail ? detail : "", "remote", r->remote_addr ? r->remote_addr : ""));
}

/* ---- handlers ------------------------------------------------------------- */

void api_oidc_config(struct req *r, struct resp *out)
{
	struct oidc_client *c = client_get();
	const char *name = c ? oidc_client_config(c)->provider_name : OIDC_DEFAULT_PROVIDER_NAME;
	json_t *o = json_pack("{s:b,s:s,s:s}", "enabled", c != NULL, "provider_name", name,
			      "start_url", "/api/v1/auth/oidc/start");
	http_reply_json(r, out, 200, o);
	out->no_cache = 1;
}

void api_oidc_start(struct req *r, struct resp *out)
{
	struct oidc_client *c = client_get();
	char binder[OIDC_RAND_BUF];
	char *url = NULL;

	if (!c) {
		reply_fail(r, out, OIDC_ERR_DISABLED);
		return;
	}
	enum oidc_err e = oidc_client_begin(c, &url, binder);
	if (e != OIDC_OK) {
		log_json(LOG_WARN, "vneid sign-in could not start",
			 json_pack("{s:s}", "error", oidc_err_code(e)));
		reply_fail(r, out, e);
		return;
	}
	char *location = arena_strdup(r->arena, url);
	free(url);
	binder_cookie(r, out, c, binder, oidc_client_config(c)->state_ttl_s);
	if (wants_json(r)) {
		http_reply_json(r, out, 200, json_pack("{s:s}", "authorization_url", location));
		out->no_cache = 1;
		return;
	}
	redirect(r, out, location);
}

void api_oidc_callback(struct req *r, struct resp *out)
{
	struct oidc_client *c = client_get();
	struct store *st = r->app->store;
	struct oidc_identity id;
	struct account a;
	char detail[256] = "";
	long long account_id = 0;
	int known_state = 1;
	enum oidc_err e;

	if (!c) {
		reply_fail(r, out, OIDC_ERR_DISABLED);
		return;
	}
	const char *code = req_param(r, "code");
	const char *state = req_param(r, "state");
	const char *error = req_param(r, "error");
	/* The binder has done its job whatever happens next. */
	binder_cookie(r, out, c, "", 0);

	if (error) {
		known_state = oidc_client_cancel(c, state) == OIDC_OK;
		const char *desc = req_param(r, "error_description");
		snprintf(detail, sizeof detail, "provider error %.60s: %.150s", error,
			 desc ? desc : "");
		e = OIDC_ERR_DENIED;
		goto fail;
	}
	e = oidc_client_finish(c, code, state, binder_of(r), req_param(r, "iss"), &id, detail,
			       sizeof detail);
	if (e != OIDC_OK)
		goto fail;

	const struct pii_keys *keys = auth_pii_keys(r->app);
	if (!keys) {
		e = OIDC_ERR_INTERNAL;
		snprintf(detail, sizeof detail, "personal data keys not loaded");
		goto fail;
	}
	/* A citizen whose provider gave no name is shown by the masked ID. */
	char masked[PII_MASK_BUF];
	const char *name = id.name;
	if (!*name) {
		pii_mask_cccd(id.cccd, masked);
		name = arena_printf(r->arena, "Công dân %s", masked);
	}
	int rc = store_account_upsert_citizen(st, keys, id.cccd, name, id.phone[0] ? id.phone : NULL,
					      &account_id);
	sodium_memzero(&id.cccd, sizeof id.cccd);
	if (rc != STORE_OK) {
		e = rc == STORE_INVALID ? OIDC_ERR_CLAIMS : OIDC_ERR_INTERNAL;
		snprintf(detail, sizeof detail, "store_account_upsert_citizen: %d", rc);
		goto fail;
	}
	if (store_account_by_id(st, account_id, &a) != STORE_OK) {
		e = OIDC_ERR_INTERNAL;
		goto fail;
	}
	if (a.disabled || a.role != ROLE_CITIZEN) {
		/* A disabled citizen stays out; an officer's account is never
		 * reached through the eID. */
		store_account_free(&a);
		e = OIDC_ERR_ACCOUNT_DISABLED;
		snprintf(detail, sizeof detail, "account %lld disabled or not a citizen", account_id);
		goto fail;
	}
	json_t *body = NULL;
	if (auth_session_issue_via(r, out, account_id, "vneid", &body) != 0) {
		store_account_free(&a);
		e = OIDC_ERR_INTERNAL;
		snprintf(detail, sizeof detail, "session not issued");
		goto fail;
	}
	r->who = auth_principal_new(r, &a, NULL, 0);
	store_account_free(&a);
	char idstr[32];
	snprintf(idstr, sizeof idstr, "%lld", account_id);
	json_t *f = json_pack("{s:s,s:s}", "method", "vneid", "provider",
			      oidc_client_config(c)->provider_name);
	audit_log(r, "login", "account", idstr, f);
	json_decref(f);
	if (wants_json(r)) {
		http_reply_json(r, out, 200, body);
		out->no_cache = 1;
		return;
	}
	json_decref(body);
	redirect(r, out, "/#/");
	return;
fail:
	audit_failure(r, e, detail, known_state);
	reply_fail(r, out, e);
}
