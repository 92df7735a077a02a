/* The OpenID Connect relying party for the national eID (see oidc.h):
 * configuration from the environment, the table of sign-ins in progress,
 * PKCE, the ID token verifier (cjose), and the network side (libcurl):
 * discovery, JWKS, token exchange, userinfo. Caches live in the client
 * behind one mutex; network calls are made outside it. */
#include "auth/oidc.h"

#include <ctype.h>
#include <curl/curl.h>
#include <cjose/cjose.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"

#define OIDC_MAX_RESPONSE (1024 * 1024)
#define OIDC_MAX_TOKEN (64 * 1024)
#define OIDC_DISCOVERY_TTL_MS (3600 * 1000LL)
#define OIDC_DISCOVERY_RETRY_MS (5 * 1000LL)
#define OIDC_JWKS_TTL_MS (3600 * 1000LL)
#define OIDC_JWKS_MIN_REFETCH_MS (10 * 1000LL)

/* ---- errors ------------------------------------------------------------ */

static const struct {
	const char *code;
	const char *message;
} err_text[OIDC_ERR_COUNT] = {
	[OIDC_OK] = {"ok", "Thành công / OK"},
	[OIDC_ERR_DISABLED] = {"oidc_disabled",
			       "Đăng nhập bằng định danh điện tử chưa được bật / "
			       "Sign-in with the national eID is not enabled"},
	[OIDC_ERR_UNAVAILABLE] = {"oidc_provider_unavailable",
				  "Không kết nối được với nhà cung cấp định danh điện tử, vui lòng thử lại sau / "
				  "The eID provider cannot be reached, please try again later"},
	[OIDC_ERR_DISCOVERY] = {"oidc_discovery",
				"Cấu hình của nhà cung cấp định danh điện tử không hợp lệ / "
				"The eID provider's configuration is invalid"},
	[OIDC_ERR_BUSY] = {"oidc_busy",
			   "Có quá nhiều lượt đăng nhập đang chờ, vui lòng thử lại sau / "
			   "Too many sign-ins in progress, please try again later"},
	[OIDC_ERR_BAD_REQUEST] = {"oidc_bad_request",
				  "Phản hồi đăng nhập thiếu mã xác thực hoặc tham số state / "
				  "The sign-in response lacks the code or the state"},
	[OIDC_ERR_STATE] = {"oidc_state",
			    "Lượt đăng nhập không hợp lệ, đã hết hạn hoặc đã được dùng; vui lòng đăng nhập lại / "
			    "The sign-in is unknown, expired or already used; please sign in again"},
	[OIDC_ERR_DENIED] = {"oidc_denied",
			     "Nhà cung cấp định danh điện tử đã từ chối hoặc người dùng đã hủy đăng nhập / "
			     "The eID provider refused the sign-in or it was cancelled"},
	[OIDC_ERR_TOKEN] = {"oidc_token_exchange",
			    "Không đổi được mã xác thực lấy mã định danh / "
			    "The authorization code could not be exchanged for tokens"},
	[OIDC_ERR_MALFORMED] = {"oidc_token_malformed",
				"Mã định danh (ID token) không đúng định dạng / The ID token is malformed"},
	[OIDC_ERR_ALG] = {"oidc_token_alg",
			  "Thuật toán ký của mã định danh không được chấp nhận / "
			  "The ID token's signing algorithm is not accepted"},
	[OIDC_ERR_KEY] = {"oidc_token_key",
			  "Không tìm thấy khóa ký của mã định danh / The ID token's signing key is unknown"},
	[OIDC_ERR_SIGNATURE] = {"oidc_token_signature",
				"Chữ ký của mã định danh không hợp lệ / The ID token's signature is invalid"},
	[OIDC_ERR_ISS] = {"oidc_token_issuer",
			  "Mã định danh không do nhà cung cấp đã cấu hình phát hành / "
			  "The ID token was not issued by the configured provider"},
	[OIDC_ERR_AUD] = {"oidc_token_audience",
			  "Mã định danh không dành cho hệ thống này / "
			  "The ID token is not meant for this system"},
	[OIDC_ERR_EXPIRED] = {"oidc_token_expired",
			      "Mã định danh đã hết hạn / The ID token has expired"},
	[OIDC_ERR_IAT] = {"oidc_token_iat",
			  "Thời điểm phát hành mã định danh không hợp lệ / "
			  "The ID token's issue time is invalid"},
	[OIDC_ERR_NONCE] = {"oidc_token_nonce",
			    "Mã định danh không khớp với lượt đăng nhập này (nonce) / "
			    "The ID token does not belong to this sign-in (nonce)"},
	[OIDC_ERR_CLAIMS] = {"oidc_claims",
			     "Nhà cung cấp định danh không trả về số định danh cá nhân hợp lệ (12 chữ số) / "
			     "The eID provider returned no valid personal ID number (12 digits)"},
	[OIDC_ERR_ACCOUNT_DISABLED] = {"oidc_account_disabled",
				       "Tài khoản đã bị khóa / The account is disabled"},
	[OIDC_ERR_INTERNAL] = {"internal", "Lỗi máy chủ / Server error"},
};

const char *oidc_err_code(enum oidc_err e)
{
	if ((int)e < 0 || e >= OIDC_ERR_COUNT)
		e = OIDC_ERR_INTERNAL;
	return err_text[e].code;
}

const char *oidc_err_message(enum oidc_err e)
{
	if ((int)e < 0 || e >= OIDC_ERR_COUNT)
		e = OIDC_ERR_INTERNAL;
	return err_text[e].message;
}

static void set_detail(char *detail, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_detail(char *detail, size_t len, const char *fmt, ...)
{
	if (!detail || len == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, len, fmt, ap);
	va_end(ap);
}

/* ---- configuration ----------------------------------------------------- */

void oidc_config_defaults(struct oidc_config *c)
{
	memset(c, 0, sizeof *c);
	c->scope = xstrdup(OIDC_DEFAULT_SCOPE);
	c->auth_method = xstrdup("client_secret_basic");
	c->claim_cccd = xstrdup(OIDC_DEFAULT_CLAIM_CCCD);
	c->claim_name = xstrdup(OIDC_DEFAULT_CLAIM_NAME);
	c->claim_phone = xstrdup(OIDC_DEFAULT_CLAIM_PHONE);
	c->provider_name = xstrdup(OIDC_DEFAULT_PROVIDER_NAME);
	c->leeway_s = OIDC_DEFAULT_LEEWAY_S;
	c->state_ttl_s = OIDC_DEFAULT_STATE_TTL_S;
	c->http_timeout_s = 10;
}

void oidc_config_free(struct oidc_config *c)
{
	free(c->issuer);
	free(c->client_id);
	if (c->client_secret) {
		sodium_memzero(c->client_secret, strlen(c->client_secret));
		free(c->client_secret);
	}
	free(c->redirect_uri);
	free(c->scope);
	free(c->auth_method);
	free(c->claim_cccd);
	free(c->claim_name);
	free(c->claim_phone);
	free(c->provider_name);
	memset(c, 0, sizeof *c);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void oidc_config_copy(struct oidc_config *dst, const struct oidc_config *src)
{
	*dst = *src;
	dst->issuer = dup_or_null(src->issuer);
	dst->client_id = dup_or_null(src->client_id);
	dst->client_secret = dup_or_null(src->client_secret);
	dst->redirect_uri = dup_or_null(src->redirect_uri);
	dst->scope = dup_or_null(src->scope);
	dst->auth_method = dup_or_null(src->auth_method);
	dst->claim_cccd = dup_or_null(src->claim_cccd);
	dst->claim_name = dup_or_null(src->claim_name);
	dst->claim_phone = dup_or_null(src->claim_phone);
	dst->provider_name = dup_or_null(src->provider_name);
}

static int is_loopback_host(const char *h, size_t n)
{
	if (n == 9 && strncasecmp(h, "localhost", 9) == 0)
		return 1;
	if (n == 5 && memcmp(h, "[::1]", 5) == 0)
		return 1;
	/* 127.a.b.c */
	if (n < 9 || memcmp(h, "127.", 4) != 0)
		return 0;
	int parts = 1, digits = 0, val = 0;
	for (size_t i = 4; i < n; i++) {
		if (h[i] == '.') {
			if (digits == 0)
				return 0;
			parts++;
			digits = 0;
			val = 0;
		} else if (h[i] >= '0' && h[i] <= '9') {
			val = val * 10 + (h[i] - '0');
			if (++digits > 3 || val > 255)
				return 0;
		} else {
			return 0;
		}
	}
	return parts == 3 && digits > 0; /* three octets after "127." */
}

int oidc_url_allowed(const char *url)
{
	if (!url)
		return 0;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return 0;
	int https;
	const char *auth;
	if (strncasecmp(url, "https://", 8) == 0) {
		https = 1;
		auth = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		https = 0;
		auth = url + 7;
	} else {
		return 0;
	}
	size_t alen = strcspn(auth, "/?#");
	if (alen == 0 || memchr(auth, '@', alen) || memchr(auth, '\\', alen))
		return 0;
	/* host[:port] */
	size_t hlen;
	if (auth[0] == '[') {
		const char *rb = memchr(auth, ']', alen);
		if (!rb)
			return 0;
		hlen = (size_t)(rb - auth) + 1;
	} else {
		const char *colon = memchr(auth, ':', alen);
		hlen = colon ? (size_t)(colon - auth) : alen;
	}
	if (hlen == 0)
		return 0;
	if (hlen < alen) {
		if (auth[hlen] != ':' || hlen + 1 == alen)
			return 0;
		for (size_t i = hlen + 1; i < alen; i++)
			if (auth[i] < '0' || auth[i] > '9')
				return 0;
		if (alen - hlen - 1 > 5 || atoi(auth + hlen + 1) > 65535)
			return 0;
	}
	if (https)
		return 1;
	return is_loopback_host(auth, hlen);
}

static void set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

int oidc_config_validate(const struct oidc_config *c, char *err, size_t errlen)
{
	if (!c->issuer || !oidc_url_allowed(c->issuer)) {
		set_err(err, errlen,
			"PCCC_OIDC_ISSUER phải là địa chỉ https:// (hoặc http:// tới máy cục bộ) / "
			"PCCC_OIDC_ISSUER must be an https:// URL (or http:// to loopback)");
		return -1;
	}
	if (!c->client_id || !*c->client_id || strlen(c->client_id) > 512) {
		set_err(err, errlen, "Thiếu PCCC_OIDC_CLIENT_ID / PCCC_OIDC_CLIENT_ID is missing");
		return -1;
	}
	if (!c->client_secret || !*c->client_secret || strlen(c->client_secret) > 1024) {
		set_err(err, errlen,
			"Thiếu PCCC_OIDC_CLIENT_SECRET / PCCC_OIDC_CLIENT_SECRET is missing");
		return -1;
	}
	if (!c->redirect_uri || !oidc_url_allowed(c->redirect_uri)) {
		set_err(err, errlen,
			"PCCC_OIDC_REDIRECT_URI phải là địa chỉ https:// (hoặc http:// tới máy cục bộ) / "
			"PCCC_OIDC_REDIRECT_URI must be an https:// URL (or http:// to loopback)");
		return -1;
	}
	if (!c->auth_method || (strcmp(c->auth_method, "client_secret_basic") != 0 &&
				strcmp(c->auth_method, "client_secret_post") != 0)) {
		set_err(err, errlen,
			"PCCC_OIDC_AUTH_METHOD phải là client_secret_basic hoặc client_secret_post / "
			"PCCC_OIDC_AUTH_METHOD must be client_secret_basic or client_secret_post");
		return -1;
	}
	if (!c->scope || !strstr(c->scope, "openid")) {
		set_err(err, errlen,
			"PCCC_OIDC_SCOPE phải có \"openid\" / PCCC_OIDC_SCOPE must include \"openid\"");
		return -1;
	}
	if (!c->claim_cccd || !*c->claim_cccd || !c->claim_name || !*c->claim_name ||
	    !c->claim_phone || !*c->claim_phone) {
		set_err(err, errlen,
			"Tên claim (PCCC_OIDC_CLAIM_*) không được để trống / "
			"Claim names (PCCC_OIDC_CLAIM_*) must not be empty");
		return -1;
	}
	if (c->leeway_s < 0 || c->leeway_s > 300) {
		set_err(err, errlen,
			"PCCC_OIDC_LEEWAY phải từ 0 đến 300 giây / PCCC_OIDC_LEEWAY must be 0..300 seconds");
		return -1;
	}
	if (c->state_ttl_s < 60 || c->state_ttl_s > 3600) {
		set_err(err, errlen,
			"PCCC_OIDC_STATE_TTL phải từ 60 đến 3600 giây / "
			"PCCC_OIDC_STATE_TTL must be 60..3600 seconds");
		return -1;
	}
	return 0;
}

static void env_str(char **slot, const char *name)
{
	const char *v = getenv(name);
	if (v && *v) {
		free(*slot);
		*slot = xstrdup(v);
	}
}

static int env_int(int *slot, const char *name)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return 0;
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || *end || n < -1000000 || n > 1000000)
		return -1;
	*slot = (int)n;
	return 0;
}

/* The first line of a secret file, without its newline. */
static char *read_secret_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char line[1100];
	char *got = fgets(line, sizeof line, f);
	fclose(f);
	if (!got)
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	char *s = xstrdup(line);
	sodium_memzero(line, sizeof line);
	return s;
}

int oidc_config_from_env(struct oidc_config *c, char *err, size_t errlen)
{
	oidc_config_defaults(c);
	env_str(&c->issuer, "PCCC_OIDC_ISSUER");
	if (!c->issuer)
		return 0;
	env_str(&c->client_id, "PCCC_OIDC_CLIENT_ID");
	env_str(&c->client_secret, "PCCC_OIDC_CLIENT_SECRET");
	const char *sf = getenv("PCCC_OIDC_CLIENT_SECRET_FILE");
	if (!c->client_secret && sf && *sf) {
		c->client_secret = read_secret_file(sf);
		if (!c->client_secret) {
			set_err(err, errlen,
				"Không đọc được PCCC_OIDC_CLIENT_SECRET_FILE / "
				"Cannot read PCCC_OIDC_CLIENT_SECRET_FILE");
			return -1;
		}
	}
	env_str(&c->redirect_uri, "PCCC_OIDC_REDIRECT_URI");
	env_str(&c->scope, "PCCC_OIDC_SCOPE");
	env_str(&c->auth_method, "PCCC_OIDC_AUTH_METHOD");
	env_str(&c->claim_cccd, "PCCC_OIDC_CLAIM_CCCD");
	env_str(&c->claim_name, "PCCC_OIDC_CLAIM_NAME");
	env_str(&c->claim_phone, "PCCC_OIDC_CLAIM_PHONE");
	env_str(&c->provider_name, "PCCC_OIDC_PROVIDER_NAME");
	if (env_int(&c->leeway_s, "PCCC_OIDC_LEEWAY") != 0 ||
	    env_int(&c->state_ttl_s, "PCCC_OIDC_STATE_TTL") != 0) {
		set_err(err, errlen,
			"PCCC_OIDC_LEEWAY / PCCC_OIDC_STATE_TTL phải là số nguyên / must be integers");
		return -1;
	}
	/* An issuer with a trailing slash is kept as written: iss must match
	 * it exactly. */
	if (oidc_config_validate(c, err, errlen) != 0)
		return -1;
	return 1;
}

/* ---- random, PKCE ------------------------------------------------------ */

static void b64url(const unsigned char *bin, size_t n, char *out, size_t outlen)
{
	sodium_bin2base64(out, outlen, bin, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void oidc_random_token(char out[OIDC_RAND_BUF])
{
	unsigned char r[32];
	randombytes_buf(r, sizeof r);
	b64url(r, sizeof r, out, OIDC_RAND_BUF);
	sodium_memzero(r, sizeof r);
}

void oidc_pkce_challenge(const char *verifier, char out[OIDC_RAND_BUF])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)verifier, strlen(verifier));
	b64url(h, sizeof h, out, OIDC_RAND_BUF);
}

/* ---- sign-ins in progress ---------------------------------------------- */

struct oidc_states {
	pthread_mutex_t lock;
	struct oidc_pending *v;
	size_t n, max;
	size_t evicted;          /* live entries pushed out by newer ones */
	int ttl_s;
};

struct oidc_states *oidc_states_new(size_t max, int ttl_s)
{
	struct oidc_states *s = xcalloc(1, sizeof *s);
	pthread_mutex_init(&s->lock, NULL);
	s->max = max ? max : 1;
	s->v = xcalloc(s->max, sizeof *s->v);
	s->ttl_s = ttl_s;
	return s;
}

void oidc_states_free(struct oidc_states *s)
{
	if (!s)
		return;
	sodium_memzero(s->v, s->max * sizeof *s->v);
	free(s->v);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Called with the lock held. */
static void states_prune(struct oidc_states *s, int64_t now)
{
	size_t j = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].expires_ms > now)
			s->v[j++] = s->v[i];
	s->n = j;
}

enum oidc_err oidc_states_add(struct oidc_states *s, struct oidc_pending *out)
{
	struct oidc_pending p;
	memset(&p, 0, sizeof p);
	oidc_random_token(p.state);
	oidc_random_token(p.nonce);
	oidc_random_token(p.verifier);
	oidc_random_token(p.binder);
	int64_t now = clock_now_ms();
	p.expires_ms = now + (int64_t)s->ttl_s * 1000;

	pthread_mutex_lock(&s->lock);
	if (s->n >= s->max)
		states_prune(s, now);
	if (s->n >= s->max) {
		/* Full of live entries (a flood of starts): the oldest goes, so
		 * that a flood slows sign-ins down instead of stopping them. */
		size_t oldest = 0;
		for (size_t i = 1; i < s->n; i++)
			if (s->v[i].expires_ms < s->v[oldest].expires_ms)
				oldest = i;
		s->v[oldest] = s->v[--s->n];
		s->evicted++;
	}
	s->v[s->n++] = p;
	pthread_mutex_unlock(&s->lock);
	*out = p;
	return OIDC_OK;
}

static int token_eq(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (n != strlen(b))
		return 0;
	return sodium_memcmp(a, b, n) == 0;
}

enum oidc_err oidc_states_take(struct oidc_states *s, const char *state, const char *binder,
			       struct oidc_pending *out)
{
	memset(out, 0, sizeof *out);
	if (!state || strlen(state) != OIDC_RAND_BUF - 1)
		return OIDC_ERR_STATE;
	int64_t now = clock_now_ms();
	enum oidc_err rc = OIDC_ERR_STATE;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->n; i++) {
		if (!token_eq(s->v[i].state, state))
			continue;
		struct oidc_pending p = s->v[i];
		s->v[i] = s->v[--s->n];
		if (p.expires_ms > now && (!binder || token_eq(p.binder, binder))) {
			*out = p;
			rc = OIDC_OK;
		}
		sodium_memzero(&p, sizeof p);
		break;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

size_t oidc_states_count(struct oidc_states *s)
{
	pthread_mutex_lock(&s->lock);
	size_t n = s->n;
	pthread_mutex_unlock(&s->lock);
	return n;
}

size_t oidc_states_evicted(struct oidc_states *s)
{
	pthread_mutex_lock(&s->lock);
	size_t n = s->evicted;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* ---- the authorization request ----------------------------------------- */

/* Percent-encodes everything but RFC 3986 unreserved characters. */
static void put_escaped(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			buf_putc(b, (char)*p);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}

static void put_param(struct buf *b, int *first, const char *name, const char *value)
{
	if (!*first)
		buf_putc(b, '&');
	*first = 0;
	buf_puts(b, name);
	buf_putc(b, '=');
	put_escaped(b, value);
}

char *oidc_authorize_url(const char *endpoint, const struct oidc_config *c,
			 const struct oidc_pending *p)
{
	struct buf b = {0};
	char challenge[OIDC_RAND_BUF];
	oidc_pkce_challenge(p->verifier, challenge);
	buf_puts(&b, endpoint);
	int first = 1;
	if (strchr(endpoint, '?')) {
		size_t n = strlen(endpoint);
		if (endpoint[n - 1] != '?' && endpoint[n - 1] != '&')
			buf_putc(&b, '&');
	} else {
		buf_putc(&b, '?');
	}
	put_param(&b, &first, "response_type", "code");
	put_param(&b, &first, "client_id", c->client_id);
	put_param(&b, &first, "redirect_uri", c->redirect_uri);
	put_param(&b, &first, "scope", c->scope);
	put_param(&b, &first, "state", p->state);
	put_param(&b, &first, "nonce", p->nonce);
	put_param(&b, &first, "code_challenge", challenge);
	put_param(&b, &first, "code_challenge_method", "S256");
	return buf_take(&b);
}

/* ---- the ID token ------------------------------------------------------- */

static int json_num(json_t *o, const char *key, double *out)
{
	json_t *v = json_object_get(o, key);
	if (!v || !json_is_number(v))
		return -1;
	*out = json_number_value(v);
	return 0;
}

/* 1 when key (a JWK object) may verify a token signed with alg. */
static int key_fits(json_t *key, const char *alg, const char *kid)
{
	if (!json_is_object(key))
		return 0;
	const char *kty = json_string_value(json_object_get(key, "kty"));
	const char *use = json_string_value(json_object_get(key, "use"));
	const char *kalg = json_string_value(json_object_get(key, "alg"));
	const char *kkid = json_string_value(json_object_get(key, "kid"));
	if (!kty)
		return 0;
	if (strcmp(alg, "RS256") == 0 && strcmp(kty, "RSA") != 0)
		return 0;
	if (strcmp(alg, "ES256") == 0) {
		const char *crv = json_string_value(json_object_get(key, "crv"));
		if (strcmp(kty, "EC") != 0 || !crv || strcmp(crv, "P-256") != 0)
			return 0;
	}
	if (use && strcmp(use, "sig") != 0)
		return 0;
	if (kalg && strcmp(kalg, alg) != 0)
		return 0;
	if (kid && (!kkid || strcmp(kid, kkid) != 0))
		return 0;
	return 1;
}

/* Checks the payload's claims against x. */
static enum oidc_err check_claims(json_t *cl, const struct oidc_expect *x)
{
	const char *iss = json_string_value(json_object_get(cl, "iss"));
	if (!iss || strcmp(iss, x->issuer) != 0)
		return OIDC_ERR_ISS;

	json_t *aud = json_object_get(cl, "aud");
	int naud = 0, ours = 0;
	if (json_is_string(aud)) {
		naud = 1;
		ours = strcmp(json_string_value(aud), x->client_id) == 0;
	} else if (json_is_array(aud)) {
		size_t i;
		json_t *a;
		json_array_foreach(aud, i, a) {
			if (!json_is_string(a))
				return OIDC_ERR_AUD;
			naud++;
			if (strcmp(json_string_value(a), x->client_id) == 0)
				ours = 1;
		}
	} else {
		return OIDC_ERR_AUD;
	}
	if (!ours)
		return OIDC_ERR_AUD;
	json_t *azp = json_object_get(cl, "azp");
	if (naud > 1 && !azp)
		return OIDC_ERR_AUD;
	if (azp && (!json_is_string(azp) || strcmp(json_string_value(azp), x->client_id) != 0))
		return OIDC_ERR_AUD;

	double exp, iat, nbf;
	if (json_num(cl, "exp", &exp) != 0 || json_num(cl, "iat", &iat) != 0)
		return OIDC_ERR_MALFORMED;
	double now = (double)x->now_s, leeway = (double)x->leeway_s;
	if (now >= exp + leeway)
		return OIDC_ERR_EXPIRED;
	if (iat > now + leeway)
		return OIDC_ERR_IAT;
	if (json_object_get(cl, "nbf")) {
		if (json_num(cl, "nbf", &nbf) != 0)
			return OIDC_ERR_MALFORMED;
		if (nbf > now + leeway)
			return OIDC_ERR_IAT;
	}

	if (x->nonce) {
		const char *nonce = json_string_value(json_object_get(cl, "nonce"));
		if (!nonce || !token_eq(nonce, x->nonce))
			return OIDC_ERR_NONCE;
	}
	const char *sub = json_string_value(json_object_get(cl, "sub"));
	if (!sub || !*sub || strlen(sub) >= 256)
		return OIDC_ERR_MALFORMED;
	return OIDC_OK;
}

enum oidc_err oidc_id_token_verify(const char *id_token, json_t *jwks,
				   const struct oidc_expect *x, json_t **claims)
{
	enum oidc_err rc = OIDC_ERR_MALFORMED;
	cjose_err cerr;
	cjose_jws_t *jws = NULL;
	json_t *payload = NULL;

	*claims = NULL;
	if (!id_token)
		return OIDC_ERR_MALFORMED;
	size_t len = strlen(id_token);
	if (len == 0 || len > OIDC_MAX_TOKEN)
		return OIDC_ERR_MALFORMED;
	int dots = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = id_token[i];
		if (ch == '.')
			dots++;
		else if (!isalnum((unsigned char)ch) && ch != '-' && ch != '_')
			return OIDC_ERR_MALFORMED;
	}
	if (dots != 2)
		return OIDC_ERR_MALFORMED;
	jws = cjose_jws_import(id_token, len, &cerr);
	if (!jws)
		goto fail;
	json_t *hdr = (json_t *)cjose_jws_get_protected(jws);
	const char *alg = json_string_value(json_object_get(hdr, "alg"));
	if (!alg || (strcmp(alg, "RS256") != 0 && strcmp(alg, "ES256") != 0)) {
		rc = OIDC_ERR_ALG;
		goto fail;
	}
	if (json_object_get(hdr, "crit")) {  /* no extension is understood */
		rc = OIDC_ERR_MALFORMED;
		goto fail;
	}
	json_t *kidv = json_object_get(hdr, "kid");
	if (kidv && !json_is_string(kidv))
		goto fail;
	const char *kid = json_string_value(kidv);

	json_t *keys = json_object_get(jwks, "keys");
	int tried = 0, ok = 0;
	size_t i;
	json_t *k;
	if (json_is_array(keys)) {
		json_array_foreach(keys, i, k) {
			if (!key_fits(k, alg, kid))
				continue;
			cjose_jwk_t *jwk = cjose_jwk_import_json((cjose_header_t *)k, &cerr);
			if (!jwk)
				continue;
			tried++;
			ok = cjose_jws_verify(jws, jwk, &cerr);
			cjose_jwk_release(jwk);
			if (ok)
				break;
		}
	}
	if (!tried) {
		rc = OIDC_ERR_KEY;
		goto fail;
	}
	if (!ok) {
		rc = OIDC_ERR_SIGNATURE;
		goto fail;
	}
	uint8_t *plain = NULL;
	size_t plen = 0;
	if (!cjose_jws_get_plaintext(jws, &plain, &plen, &cerr) || !plain)
		goto fail;
	json_error_t jerr;
	payload = json_loadb((const char *)plain, plen, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(payload))
		goto fail;
	rc = check_claims(payload, x);
	if (rc != OIDC_OK)
		goto fail;
	cjose_jws_release(jws);
	*claims = payload;
	return OIDC_OK;
fail:
	json_decref(payload);
	cjose_jws_release(jws);
	return rc;
}

/* ---- claims → citizen ----------------------------------------------------- */

enum oidc_err oidc_claims_map(const struct oidc_config *c, json_t *claims,
			      struct oidc_identity *out)
{
	memset(out, 0, sizeof *out);
	const char *sub = json_string_value(json_object_get(claims, "sub"));
	if (!sub || !*sub || strlen(sub) >= sizeof out->sub)
		return OIDC_ERR_CLAIMS;
	const char *cccd = json_string_value(json_object_get(claims, c->claim_cccd));
	if (!cccd || strlen(cccd) > 40 || pii_cccd_normalize(cccd, out->cccd) != 0 ||
	    !pii_cccd_valid(out->cccd)) {
		memset(out, 0, sizeof *out);
		return OIDC_ERR_CLAIMS;
	}
	snprintf(out->sub, sizeof out->sub, "%s", sub);
	json_t *name = json_object_get(claims, c->claim_name);
	if (json_is_string(name)) {
		size_t n = json_string_length(name);
		if (n >= sizeof out->name || memchr(json_string_value(name), '\0', n)) {
			memset(out, 0, sizeof *out);
			return OIDC_ERR_CLAIMS;
		}
		snprintf(out->name, sizeof out->name, "%s", json_string_value(name));
	}
	const char *phone = json_string_value(json_object_get(claims, c->claim_phone));
	if (phone && strlen(phone) <= 40 && pii_phone_normalize(phone, out->phone) != 0)
		out->phone[0] = '\0';
	return OIDC_OK;
}

/* ---- network ------------------------------------------------------------- */

struct oidc_client {
	struct oidc_config cfg;
	struct oidc_states *states;
	pthread_mutex_t lock;
	/* discovery */
	char *authorization_endpoint, *token_endpoint, *jwks_uri, *userinfo_endpoint;
	int64_t discovered_ms;
	int64_t discovery_failed_ms;  /* last failed fetch: wait before the next */
	/* keys */
	json_t *jwks;
	int64_t jwks_ms;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct oidc_client *oidc_client_new(const struct oidc_config *cfg)
{
	pthread_once(&curl_once, curl_init_once);
	if (sodium_init() < 0)
		return NULL;
	struct oidc_client *c = xcalloc(1, sizeof *c);
	oidc_config_copy(&c->cfg, cfg);
	c->states = oidc_states_new(OIDC_MAX_PENDING, cfg->state_ttl_s);
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void oidc_client_free(struct oidc_client *c)
{
	if (!c)
		return;
	oidc_config_free(&c->cfg);
	oidc_states_free(c->states);
	free(c->authorization_endpoint);
	free(c->token_endpoint);
	free(c->jwks_uri);
	free(c->userinfo_endpoint);
	json_decref(c->jwks);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

const struct oidc_config *oidc_client_config(const struct oidc_client *c)
{
	return &c->cfg;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;
	size_t n = size * nmemb;
	if (b->len + n > OIDC_MAX_RESPONSE)
		return 0; /* aborts the transfer */
	buf_append(b, p, n);
	return n;
}

struct http_call {
	const char *url;
	const char *form;          /* POST body (x-www-form-urlencoded) or NULL: GET */
	const char *authorization; /* Authorization header value or NULL */
	long status;
	json_t *json;              /* the body when it is a JSON object */
};

/* Makes the call. 0 when an answer came (any status; json set when the
 * body is a JSON object), -1 when there was none. */
static int http_call(const struct oidc_client *c, struct http_call *hc, char *detail,
		     size_t detail_len)
{
	struct buf body = {0};
	struct curl_slist *hdrs = NULL;
	char *authz = NULL;
	int rc = -1;

	hc->status = 0;
	hc->json = NULL;
	if (!oidc_url_allowed(hc->url)) {
		set_detail(detail, detail_len, "URL not allowed: %.200s", hc->url);
		return -1;
	}
	CURL *h = curl_easy_init();
	if (!h)
		return -1;
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (hc->authorization) {
		authz = xasprintf("Authorization: %s", hc->authorization);
		hdrs = curl_slist_append(hdrs, authz);
	}
	curl_easy_setopt(h, CURLOPT_URL, hc->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->cfg.http_timeout_s);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)c->cfg.http_timeout_s);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "pccc-oidc/1");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
	if (hc->form) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, hc->form);
	}
	CURLcode cc = curl_easy_perform(h);
	if (cc != CURLE_OK) {
		set_detail(detail, detail_len, "%s: %s", hc->url, curl_easy_strerror(cc));
		goto fail;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &hc->status);
	json_error_t jerr;
	json_t *j = json_loadb(body.data ? body.data : "", body.len, 0, &jerr);
	if (json_is_object(j))
		hc->json = j;
	else
		json_decref(j);
	rc = 0;
fail:
	curl_slist_free_all(hdrs);
	if (authz) {
		sodium_memzero(authz, strlen(authz));
		free(authz);
	}
	curl_easy_cleanup(h);
	buf_free(&body);
	return rc;
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The discovery document: fetched when missing or older than an hour (an
 * old copy is kept when the provider is down). Copies the endpoints out. */
static enum oidc_err discover(struct oidc_client *c, char **authz_ep, char **token_ep,
			      char **jwks_uri, char **userinfo_ep, char *detail, size_t dlen)
{
	int64_t now = clock_now_ms();
	pthread_mutex_lock(&c->lock);
	int fresh = c->authorization_endpoint && now - c->discovered_ms < OIDC_DISCOVERY_TTL_MS;
	/* After a failure, do not ask again for a while: a provider that is
	 * down must not tie every request up for the whole timeout. */
	int backoff = !fresh && c->discovery_failed_ms &&
		      now - c->discovery_failed_ms < OIDC_DISCOVERY_RETRY_MS;
	if (backoff && !c->authorization_endpoint) {
		pthread_mutex_unlock(&c->lock);
		set_detail(detail, dlen, "discovery failed less than %d s ago",
			   (int)(OIDC_DISCOVERY_RETRY_MS / 1000));
		return OIDC_ERR_UNAVAILABLE;
	}
	if (backoff)
		fresh = 1; /* keep using the old document meanwhile */
	pthread_mutex_unlock(&c->lock);

	if (!fresh) {
		size_t n = strlen(c->cfg.issuer);
		char *url = xasprintf("%.*s/.well-known/openid-configuration",
				      (int)(n && c->cfg.issuer[n - 1] == '/' ? n - 1 : n),
				      c->cfg.issuer);
		struct http_call hc = {.url = url};
		enum oidc_err rc = OIDC_OK;
		if (http_call(c, &hc, detail, dlen) != 0 || hc.status != 200 || !hc.json) {
			if (hc.status)
				set_detail(detail, dlen, "discovery answered HTTP %ld", hc.status);
			rc = OIDC_ERR_UNAVAILABLE;
		} else {
			const char *iss = jstr(hc.json, "issuer");
			const char *ae = jstr(hc.json, "authorization_endpoint");
			const char *te = jstr(hc.json, "token_endpoint");
			const char *ju = jstr(hc.json, "jwks_uri");
			const char *ue = jstr(hc.json, "userinfo_endpoint");
			if (!iss || strcmp(iss, c->cfg.issuer) != 0) {
				set_detail(detail, dlen, "discovery issuer %.200s is not %.200s",
					   iss ? iss : "(none)", c->cfg.issuer);
				rc = OIDC_ERR_DISCOVERY;
			} else if (!oidc_url_allowed(ae) || !oidc_url_allowed(te) ||
				   !oidc_url_allowed(ju) || (ue && !oidc_url_allowed(ue))) {
				set_detail(detail, dlen, "discovery endpoints missing or not allowed");
				rc = OIDC_ERR_DISCOVERY;
			} else {
				pthread_mutex_lock(&c->lock);
				free(c->authorization_endpoint);
				free(c->token_endpoint);
				free(c->jwks_uri);
				free(c->userinfo_endpoint);
				c->authorization_endpoint = xstrdup(ae);
				c->token_endpoint = xstrdup(te);
				c->jwks_uri = xstrdup(ju);
				c->userinfo_endpoint = ue ? xstrdup(ue) : NULL;
				c->discovered_ms = now;
				c->discovery_failed_ms = 0;
				pthread_mutex_unlock(&c->lock);
			}
		}
		json_decref(hc.json);
		free(url);
		if (rc != OIDC_OK) {
			log_json(LOG_WARN, "oidc discovery failed",
				 json_pack("{s:s,s:s}", "issuer", c->cfg.issuer, "detail",
					   detail ? detail : ""));
			pthread_mutex_lock(&c->lock);
			int have_old = c->authorization_endpoint != NULL;
			c->discovery_failed_ms = now;
			pthread_mutex_unlock(&c->lock);
			if (!have_old)
				return rc;
		}
	}
	pthread_mutex_lock(&c->lock);
	*authz_ep = dup_or_null(c->authorization_endpoint);
	*token_ep = dup_or_null(c->token_endpoint);
	*jwks_uri = dup_or_null(c->jwks_uri);
	*userinfo_ep = dup_or_null(c->userinfo_endpoint);
	pthread_mutex_unlock(&c->lock);
	return *authz_ep ? OIDC_OK : OIDC_ERR_UNAVAILABLE;
}

/* The JWKS (a new reference in *out): the cached copy, unless force (a
 * token named an unknown key) and the last fetch is old enough, or there
 * is none, or it is older than an hour. */
static enum oidc_err jwks_get(struct oidc_client *c, const char *uri, int force, json_t **out,
			      char *detail, size_t dlen)
{
	int64_t now = clock_now_ms();
	*out = NULL;
	pthread_mutex_lock(&c->lock);
	int fetch = !c->jwks || now - c->jwks_ms >= OIDC_JWKS_TTL_MS ||
		    (force && now - c->jwks_ms >= OIDC_JWKS_MIN_REFETCH_MS);
	if (!fetch)
		*out = json_incref(c->jwks);
	pthread_mutex_unlock(&c->lock);
	if (!fetch)
		return OIDC_OK;

	struct http_call hc = {.url = uri};
	if (http_call(c, &hc, detail, dlen) != 0 || hc.status != 200 || !hc.json ||
	    !json_is_array(json_object_get(hc.json, "keys"))) {
		if (hc.status)
			set_detail(detail, dlen, "JWKS answered HTTP %ld or no keys", hc.status);
		json_decref(hc.json);
		pthread_mutex_lock(&c->lock);
		*out = c->jwks ? json_incref(c->jwks) : NULL;
		pthread_mutex_unlock(&c->lock);
		return *out ? OIDC_OK : OIDC_ERR_UNAVAILABLE;
	}
	pthread_mutex_lock(&c->lock);
	json_decref(c->jwks);
	c->jwks = hc.json;
	c->jwks_ms = now;
	*out = json_incref(c->jwks);
	pthread_mutex_unlock(&c->lock);
	return OIDC_OK;
}

enum oidc_err oidc_client_begin(struct oidc_client *c, char **url, char binder[OIDC_RAND_BUF])
{
	char *ae = NULL, *te = NULL, *ju = NULL, *ue = NULL;
	char detail[256] = "";
	struct oidc_pending p;

	*url = NULL;
	binder[0] = '\0';
	enum oidc_err rc = discover(c, &ae, &te, &ju, &ue, detail, sizeof detail);
	if (rc != OIDC_OK)
		goto fail;
	rc = oidc_states_add(c->states, &p);
	if (rc != OIDC_OK)
		goto fail;
	*url = oidc_authorize_url(ae, &c->cfg, &p);
	memcpy(binder, p.binder, OIDC_RAND_BUF);
	sodium_memzero(&p, sizeof p);
fail:
	free(ae);
	free(te);
	free(ju);
	free(ue);
	return rc;
}

enum oidc_err oidc_client_cancel(struct oidc_client *c, const char *state)
{
	struct oidc_pending p;
	enum oidc_err rc = oidc_states_take(c->states, state, NULL, &p);
	sodium_memzero(&p, sizeof p);
	return rc;
}

static void form_add(struct buf *b, const char *name, const char *value)
{
	if (b->len)
		buf_putc(b, '&');
	buf_puts(b, name);
	buf_putc(b, '=');
	put_escaped(b, value);
}

/* Authorization: Basic with the form-encoded id and secret (RFC 6749
 * 2.3.1). */
static char *basic_auth(const char *id, const char *secret)
{
	struct buf raw = {0};
	put_escaped(&raw, id);
	buf_putc(&raw, ':');
	put_escaped(&raw, secret);
	size_t cap = sodium_base64_ENCODED_LEN(raw.len, sodium_base64_VARIANT_ORIGINAL);
	char *out = xmalloc(cap + 6);
	memcpy(out, "Basic ", 6);
	sodium_bin2base64(out + 6, cap, (const unsigned char *)raw.data, raw.len,
			  sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(raw.data, raw.len);
	buf_free(&raw);
	return out;
}

/* Claims the ID token left out, from the userinfo endpoint (a JSON
 * answer; its sub must be the token's). */
static enum oidc_err merge_userinfo(struct oidc_client *c, const char *ue, const char *access,
				    json_t *claims, char *detail, size_t dlen)
{
	char *authz = xasprintf("Bearer %s", access);
	struct http_call hc = {.url = ue, .authorization = authz};
	enum oidc_err rc = OIDC_OK;
	if (http_call(c, &hc, detail, dlen) != 0) {
		rc = OIDC_ERR_UNAVAILABLE;
	} else if (hc.status != 200 || !hc.json) {
		set_detail(detail, dlen, "userinfo answered HTTP %ld", hc.status);
		rc = OIDC_ERR_CLAIMS;
	} else {
		const char *sub = jstr(hc.json, "sub");
		const char *tsub = jstr(claims, "sub");
		if (!sub || !tsub || strcmp(sub, tsub) != 0) {
			set_detail(detail, dlen, "userinfo sub differs from the ID token's");
			rc = OIDC_ERR_CLAIMS;
		} else {
			json_object_update_missing(claims, hc.json);
		}
	}
	json_decref(hc.json);
	sodium_memzero(authz, strlen(authz));
	free(authz);
	return rc;
}

enum oidc_err oidc_client_finish(struct oidc_client *c, const char *code, const char *state,
				 const char *binder, const char *iss, struct oidc_identity *out,
				 char *detail, size_t dlen)
{
	struct oidc_pending p;
	char *ae = NULL, *te = NULL, *ju = NULL, *ue = NULL, *authz = NULL;
	struct buf form = {0};
	struct http_call hc = {0};
	json_t *jwks = NULL, *claims = NULL;
	enum oidc_err rc;

	memset(out, 0, sizeof *out);
	set_detail(detail, dlen, "%s", "");
	if (!code || !*code || !state || !*state) {
		if (state)
			oidc_client_cancel(c, state);
		return OIDC_ERR_BAD_REQUEST;
	}
	rc = oidc_states_take(c->states, state, binder, &p);
	if (rc != OIDC_OK) {
		set_detail(detail, dlen, "state unknown, expired, used or not this browser's");
		return rc;
	}
	if (iss && strcmp(iss, c->cfg.issuer) != 0) {
		set_detail(detail, dlen, "iss parameter %.200s is not the issuer", iss);
		rc = OIDC_ERR_ISS;
		goto fail;
	}
	rc = discover(c, &ae, &te, &ju, &ue, detail, dlen);
	if (rc != OIDC_OK)
		goto fail;

	form_add(&form, "grant_type", "authorization_code");
	form_add(&form, "code", code);
	form_add(&form, "redirect_uri", c->cfg.redirect_uri);
	form_add(&form, "code_verifier", p.verifier);
	if (strcmp(c->cfg.auth_method, "client_secret_post") == 0) {
		form_add(&form, "client_id", c->cfg.client_id);
		form_add(&form, "client_secret", c->cfg.client_secret);
	} else {
		authz = basic_auth(c->cfg.client_id, c->cfg.client_secret);
	}
	hc.url = te;
	hc.form = buf_str(&form);
	hc.authorization = authz;
	if (http_call(c, &hc, detail, dlen) != 0) {
		rc = OIDC_ERR_UNAVAILABLE;
		goto fail;
	}
	if (hc.status != 200 || !hc.json) {
		const char *e = hc.json ? jstr(hc.json, "error") : NULL;
		set_detail(detail, dlen, "token endpoint answered HTTP %ld %.100s", hc.status,
			   e ? e : "");
		rc = hc.status >= 500 || hc.status == 0 ? OIDC_ERR_UNAVAILABLE : OIDC_ERR_TOKEN;
		goto fail;
	}
	const char *id_token = jstr(hc.json, "id_token");
	if (!id_token) {
		set_detail(detail, dlen, "token response without id_token");
		rc = OIDC_ERR_MALFORMED;
		goto fail;
	}
	struct oidc_expect x = {
		.issuer = c->cfg.issuer,
		.client_id = c->cfg.client_id,
		.nonce = p.nonce,
		.now_s = clock_now_s(),
		.leeway_s = c->cfg.leeway_s,
	};
	rc = jwks_get(c, ju, 0, &jwks, detail, dlen);
	if (rc != OIDC_OK)
		goto fail;
	rc = oidc_id_token_verify(id_token, jwks, &x, &claims);
	if (rc == OIDC_ERR_KEY) {
		/* Keys may have rotated: fetch them again once. */
		json_decref(jwks);
		jwks = NULL;
		rc = jwks_get(c, ju, 1, &jwks, detail, dlen);
		if (rc != OIDC_OK)
			goto fail;
		rc = oidc_id_token_verify(id_token, jwks, &x, &claims);
	}
	if (rc != OIDC_OK) {
		set_detail(detail, dlen, "ID token refused: %s", oidc_err_code(rc));
		goto fail;
	}
	const char *access = jstr(hc.json, "access_token");
	if (!json_is_string(json_object_get(claims, c->cfg.claim_cccd)) && ue && access) {
		rc = merge_userinfo(c, ue, access, claims, detail, dlen);
		if (rc != OIDC_OK)
			goto fail;
	}
	rc = oidc_claims_map(&c->cfg, claims, out);
	if (rc != OIDC_OK)
		set_detail(detail, dlen, "claims: no valid %.60s", c->cfg.claim_cccd);
fail:
	sodium_memzero(&p, sizeof p);
	if (form.data)
		sodium_memzero(form.data, form.len);
	buf_free(&form);
	if (authz) {
		sodium_memzero(authz, strlen(authz));
		free(authz);
	}
	json_decref(hc.json);
	json_decref(jwks);
	json_decref(claims);
	free(ae);
	free(te);
	free(ju);
	free(ue);
	return rc;
}
