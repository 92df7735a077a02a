/* Tests for auth/oidc: the URL rule, PKCE, the table of sign-ins in
 * progress (single use, expiry by the fake clock, browser binding), the
 * authorization URL, the ID token verifier against tokens this test signs
 * with cjose (forged signature, expired, wrong audience/issuer/nonce,
 * future iat, unknown key, refused algorithms, malformed input), the claim
 * mapping, the configuration, and the whole client flow against a small
 * provider served from a thread of this test (discovery, JWKS with key
 * rotation, token endpoint checking PKCE and client authentication). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <cjose/cjose.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth/oidc.h"
#include "core/clock.h"

#define ISS "https://sso.dinhdanhdientu.gov.vn"
#define CLIENT "pccc-hanoi"
#define NOW 1790000000LL

static cjose_jwk_t *rsa_key;     /* the provider's key, kid "k1" */
static cjose_jwk_t *rsa_other;   /* a stranger's key, also calling itself "k1" */
static cjose_jwk_t *ec_key;      /* kid "e1" */
static cjose_jwk_t *rsa_key2;    /* the provider's next key, kid "k2" */

static json_t *jwk_public(cjose_jwk_t *k)
{
	cjose_err err;
	char *s = cjose_jwk_to_json(k, false, &err);
	json_t *j = json_loads(s, 0, NULL);
	free(s);
	return j;
}

/* {"keys":[public keys...]} of the NULL-terminated list. */
static json_t *jwks_of(cjose_jwk_t *a, cjose_jwk_t *b)
{
	json_t *keys = json_array();
	if (a)
		json_array_append_new(keys, jwk_public(a));
	if (b)
		json_array_append_new(keys, jwk_public(b));
	return json_pack("{s:o}", "keys", keys);
}

/* Signs claims (taken) with key; kid NULL leaves it out. Heap string. */
static char *sign(cjose_jwk_t *key, const char *alg, const char *kid, json_t *claims)
{
	cjose_err err;
	cjose_header_t *h = cjose_header_new(&err);
	cjose_header_set(h, CJOSE_HDR_ALG, alg, &err);
	if (kid)
		cjose_header_set(h, CJOSE_HDR_KID, kid, &err);
	cjose_header_set(h, "typ", "JWT", &err);
	char *payload = json_dumps(claims, JSON_COMPACT);
	json_decref(claims);
	cjose_jws_t *jws = cjose_jws_sign(key, h, (const uint8_t *)payload, strlen(payload), &err);
	assert_non_null(jws);
	const char *ser = NULL;
	assert_true(cjose_jws_export(jws, &ser, &err));
	char *out = strdup(ser);
	cjose_jws_release(jws);
	cjose_header_release(h);
	free(payload);
	return out;
}

static json_t *good_claims(const char *nonce)
{
	return json_pack("{s:s,s:s,s:s,s:I,s:I,s:s,s:s,s:s,s:s}", "iss", ISS, "aud", CLIENT, "sub",
			 "vneid-1", "iat", (json_int_t)NOW - 5, "exp", (json_int_t)NOW + 600,
			 "nonce", nonce, "name", "Trần Thị Bình", "cccd", "001190012345",
			 "phone_number", "+84 912 345 678");
}

static const struct oidc_expect expect = {
	.issuer = ISS, .client_id = CLIENT, .nonce = "n-123", .now_s = NOW, .leeway_s = 60};

static int group_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	cjose_err err;
	static const uint8_t e[] = {1, 0, 1};
	rsa_key = cjose_jwk_create_RSA_random(2048, e, sizeof e, &err);
	rsa_other = cjose_jwk_create_RSA_random(2048, e, sizeof e, &err);
	rsa_key2 = cjose_jwk_create_RSA_random(2048, e, sizeof e, &err);
	ec_key = cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &err);
	if (!rsa_key || !rsa_other || !rsa_key2 || !ec_key)
		return -1;
	cjose_jwk_set_kid(rsa_key, "k1", 2, &err);
	cjose_jwk_set_kid(rsa_other, "k1", 2, &err);
	cjose_jwk_set_kid(rsa_key2, "k2", 2, &err);
	cjose_jwk_set_kid(ec_key, "e1", 2, &err);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	cjose_jwk_release(rsa_key);
	cjose_jwk_release(rsa_other);
	cjose_jwk_release(rsa_key2);
	cjose_jwk_release(ec_key);
	clock_set_real();
	return 0;
}

static enum oidc_err verify(const char *tok, json_t *jwks, const struct oidc_expect *x)
{
	json_t *claims = (json_t *)0x1;
	enum oidc_err rc = oidc_id_token_verify(tok, jwks, x, &claims);
	if (rc == OIDC_OK) {
		assert_non_null(claims);
		json_decref(claims);
	} else {
		assert_null(claims);
	}
	return rc;
}

/* ---- URL rule, PKCE, random --------------------------------------------- */

static void test_url_allowed(void **state)
{
	(void)state;
	assert_true(oidc_url_allowed("https://sso.dinhdanhdientu.gov.vn"));
	assert_true(oidc_url_allowed("https://sso.example.vn:8443/realms/x"));
	assert_true(oidc_url_allowed("http://127.0.0.1:4000"));
	assert_true(oidc_url_allowed("http://127.0.0.1/cb"));
	assert_true(oidc_url_allowed("http://127.1.2.3:80/x?y=1"));
	assert_true(oidc_url_allowed("http://localhost:3000/"));
	assert_true(oidc_url_allowed("http://[::1]:3000/"));
	assert_true(oidc_url_allowed("HTTPS://Example.vn"));
	assert_false(oidc_url_allowed("http://sso.example.vn"));
	assert_false(oidc_url_allowed("http://10.0.0.1:4000"));
	assert_false(oidc_url_allowed("http://127.0.0.1.evil.com/"));
	assert_false(oidc_url_allowed("http://127.0.0.1@evil.com/"));
	assert_false(oidc_url_allowed("http://evil.com@127.0.0.1/"));
	assert_false(oidc_url_allowed("http://127.0.0.256/"));
	assert_false(oidc_url_allowed("http://127.0.0/"));
	assert_false(oidc_url_allowed("http://localhost.evil.com/"));
	assert_false(oidc_url_allowed("http://127.0.0.1:99999/"));
	assert_false(oidc_url_allowed("http://127.0.0.1:/"));
	assert_false(oidc_url_allowed("http://127.0.0.1:8a/"));
	assert_false(oidc_url_allowed("https://"));
	assert_false(oidc_url_allowed("https:///path"));
	assert_false(oidc_url_allowed("https://exa mple.vn"));
	assert_false(oidc_url_allowed("https://example.vn/\n"));
	assert_false(oidc_url_allowed("ftp://example.vn"));
	assert_false(oidc_url_allowed("file:///etc/passwd"));
	assert_false(oidc_url_allowed("javascript:alert(1)"));
	assert_false(oidc_url_allowed(""));
	assert_false(oidc_url_allowed(NULL));
}

static void test_pkce(void **state)
{
	(void)state;
	char ch[OIDC_RAND_BUF];
	/* Expected value computed independently (Python hashlib + base64). */
	oidc_pkce_challenge("dBjftJeZ4CVP-mJ0kyOmRHuqj6fzDZr9IOhRfWH9aaY", ch);
	assert_string_equal(ch, "1tgZJQK0yFGqt317fyA-DgQFV2mwcIBbXcHqx1STpCs");
	oidc_pkce_challenge("", ch); /* SHA-256 of nothing */
	assert_string_equal(ch, "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");

	char a[OIDC_RAND_BUF], b[OIDC_RAND_BUF];
	oidc_random_token(a);
	oidc_random_token(b);
	assert_int_equal(strlen(a), 43);
	assert_string_not_equal(a, b);
	for (const char *p = a; *p; p++)
		assert_true((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_');
}

/* ---- sign-ins in progress ------------------------------------------------- */

static void test_states_single_use(void **state)
{
	(void)state;
	clock_set_fake(NOW * 1000);
	struct oidc_states *s = oidc_states_new(8, 600);
	struct oidc_pending p, q;
	assert_int_equal(oidc_states_add(s, &p), OIDC_OK);
	assert_int_equal(strlen(p.state), 43);
	assert_string_not_equal(p.state, p.nonce);
	assert_string_not_equal(p.verifier, p.binder);
	assert_int_equal(oidc_states_count(s), 1);

	assert_int_equal(oidc_states_take(s, p.state, p.binder, &q), OIDC_OK);
	assert_string_equal(q.nonce, p.nonce);
	assert_string_equal(q.verifier, p.verifier);
	/* replayed: refused */
	assert_int_equal(oidc_states_take(s, p.state, p.binder, &q), OIDC_ERR_STATE);
	assert_int_equal(q.nonce[0], '\0');
	/* never made, malformed */
	assert_int_equal(oidc_states_take(s, "x", NULL, &q), OIDC_ERR_STATE);
	assert_int_equal(oidc_states_take(s, "", NULL, &q), OIDC_ERR_STATE);
	assert_int_equal(oidc_states_take(s, NULL, NULL, &q), OIDC_ERR_STATE);
	char other[OIDC_RAND_BUF];
	oidc_random_token(other);
	assert_int_equal(oidc_states_take(s, other, NULL, &q), OIDC_ERR_STATE);
	oidc_states_free(s);
	clock_set_real();
}

static void test_states_binder(void **state)
{
	(void)state;
	clock_set_fake(NOW * 1000);
	struct oidc_states *s = oidc_states_new(8, 600);
	struct oidc_pending p, q;
	assert_int_equal(oidc_states_add(s, &p), OIDC_OK);
	/* Another browser presents the state: refused, and the state is gone
	 * (an attacker cannot try again, neither can the victim). */
	char wrong[OIDC_RAND_BUF];
	oidc_random_token(wrong);
	assert_int_equal(oidc_states_take(s, p.state, wrong, &q), OIDC_ERR_STATE);
	assert_int_equal(oidc_states_take(s, p.state, p.binder, &q), OIDC_ERR_STATE);
	assert_int_equal(oidc_states_count(s), 0);
	/* missing cookie counts as wrong */
	assert_int_equal(oidc_states_add(s, &p), OIDC_OK);
	assert_int_equal(oidc_states_take(s, p.state, "", &q), OIDC_ERR_STATE);
	oidc_states_free(s);
	clock_set_real();
}

static void test_states_expiry(void **state)
{
	(void)state;
	clock_set_fake(NOW * 1000);
	struct oidc_states *s = oidc_states_new(8, 600);
	struct oidc_pending p, p2, q;
	assert_int_equal(oidc_states_add(s, &p), OIDC_OK);
	assert_int_equal(oidc_states_add(s, &p2), OIDC_OK);
	clock_advance_ms(599 * 1000);
	assert_int_equal(oidc_states_take(s, p.state, p.binder, &q), OIDC_OK);
	clock_advance_ms(1000); /* exactly the TTL */
	assert_int_equal(oidc_states_take(s, p2.state, p2.binder, &q), OIDC_ERR_STATE);
	oidc_states_free(s);
	clock_set_real();
}

static void test_states_full(void **state)
{
	(void)state;
	clock_set_fake(NOW * 1000);
	struct oidc_states *s = oidc_states_new(3, 60);
	struct oidc_pending p[6], q;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(oidc_states_add(s, &p[i]), OIDC_OK);
		clock_advance_ms(1000);
	}
	/* full of live entries: the oldest is pushed out */
	assert_int_equal(oidc_states_add(s, &p[3]), OIDC_OK);
	assert_int_equal(oidc_states_count(s), 3);
	assert_int_equal(oidc_states_evicted(s), 1);
	assert_int_equal(oidc_states_take(s, p[0].state, NULL, &q), OIDC_ERR_STATE);
	assert_int_equal(oidc_states_take(s, p[1].state, NULL, &q), OIDC_OK);
	/* once the old ones expire they make room without pushing anyone */
	clock_advance_ms(61 * 1000);
	assert_int_equal(oidc_states_add(s, &p[4]), OIDC_OK); /* 3 entries, 2 expired */
	assert_int_equal(oidc_states_add(s, &p[5]), OIDC_OK); /* full: the expired go */
	assert_int_equal(oidc_states_count(s), 2);
	assert_int_equal(oidc_states_evicted(s), 1);
	assert_int_equal(oidc_states_take(s, p[4].state, p[4].binder, &q), OIDC_OK);
	assert_int_equal(oidc_states_take(s, p[5].state, p[5].binder, &q), OIDC_OK);
	oidc_states_free(s);
	clock_set_real();
}

/* ---- the authorization URL ------------------------------------------------- */

static void cfg_test(struct oidc_config *c)
{
	oidc_config_defaults(c);
	c->issuer = strdup(ISS);
	c->client_id = strdup(CLIENT);
	c->client_secret = strdup("s3cr:et &x");
	c->redirect_uri = strdup("https://pccc.hanoi.gov.vn/api/v1/auth/oidc/callback");
}

static void test_authorize_url(void **state)
{
	(void)state;
	struct oidc_config c;
	cfg_test(&c);
	struct oidc_pending p = {.state = "STATE", .nonce = "NONCE",
				 .verifier = "dBjftJeZ4CVP-mJ0kyOmRHuqj6fzDZr9IOhRfWH9aaY"};
	char *u = oidc_authorize_url("https://sso.example.vn/auth", &c, &p);
	assert_string_equal(
	    u, "https://sso.example.vn/auth?response_type=code&client_id=pccc-hanoi"
	       "&redirect_uri=https%3A%2F%2Fpccc.hanoi.gov.vn%2Fapi%2Fv1%2Fauth%2Foidc%2Fcallback"
	       "&scope=openid%20profile%20phone&state=STATE&nonce=NONCE"
	       "&code_challenge=1tgZJQK0yFGqt317fyA-DgQFV2mwcIBbXcHqx1STpCs"
	       "&code_challenge_method=S256");
	free(u);
	u = oidc_authorize_url("https://sso.example.vn/auth?tenant=vn", &c, &p);
	assert_non_null(strstr(u, "auth?tenant=vn&response_type=code&"));
	free(u);
	oidc_config_free(&c);
}

/* ---- the ID token verifier ------------------------------------------------- */

static void test_verify_good(void **state)
{
	(void)state;
	json_t *jwks = jwks_of(rsa_key, ec_key);
	char *t = sign(rsa_key, "RS256", "k1", good_claims("n-123"));
	json_t *claims = NULL;
	assert_int_equal(oidc_id_token_verify(t, jwks, &expect, &claims), OIDC_OK);
	assert_string_equal(json_string_value(json_object_get(claims, "cccd")), "001190012345");
	json_decref(claims);
	free(t);

	t = sign(ec_key, "ES256", "e1", good_claims("n-123"));
	assert_int_equal(verify(t, jwks, &expect), OIDC_OK);
	free(t);

	/* no kid: every key of the right type is tried */
	t = sign(rsa_key, "RS256", NULL, good_claims("n-123"));
	assert_int_equal(verify(t, jwks, &expect), OIDC_OK);
	free(t);
	json_decref(jwks);
}

static void test_verify_forged(void **state)
{
	(void)state;
	json_t *jwks = jwks_of(rsa_key, ec_key);
	/* A stranger's key using the provider's kid. */
	char *t = sign(rsa_other, "RS256", "k1", good_claims("n-123"));
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_SIGNATURE);
	free(t);

	/* A genuine token whose payload was changed afterwards. */
	t = sign(rsa_key, "RS256", "k1", good_claims("n-123"));
	char *dot1 = strchr(t, '.');
	char *dot2 = strchr(dot1 + 1, '.');
	json_t *evil = good_claims("n-123");
	json_object_set_new(evil, "cccd", json_string("079190099999"));
	char *ej = json_dumps(evil, JSON_COMPACT);
	json_decref(evil);
	char b64[1024];
	sodium_bin2base64(b64, sizeof b64, (const unsigned char *)ej, strlen(ej),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(ej);
	char tampered[4096];
	snprintf(tampered, sizeof tampered, "%.*s.%s%s", (int)(dot1 - t), t, b64, dot2);
	assert_int_equal(verify(tampered, jwks, &expect), OIDC_ERR_SIGNATURE);

	/* The signature of one token pasted on another. */
	char *t2 = sign(rsa_key, "RS256", "k1", good_claims("other"));
	char *sig2 = strrchr(t2, '.');
	snprintf(tampered, sizeof tampered, "%.*s%s", (int)(dot2 - t), t, sig2);
	assert_int_equal(verify(tampered, jwks, &expect), OIDC_ERR_SIGNATURE);
	free(t2);
	free(t);
	json_decref(jwks);
}

static void test_verify_expired(void **state)
{
	(void)state;
	json_t *jwks = jwks_of(rsa_key, NULL);
	json_t *c = good_claims("n-123");
	json_object_set_new(c, "iat", json_integer(NOW - 7200));
	json_object_set_new(c, "exp", json_integer(NOW - 3600));
	char *t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_EXPIRED);
	free(t);

	/* expired 30 s ago: inside the 60 s leeway */
	c = good_claims("n-123");
	json_object_set_new(c, "exp", json_integer(NOW - 30));
	t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_OK);
	struct oidc_expect strict = expect;
	strict.leeway_s = 0;
	assert_int_equal(verify(t, jwks, &strict), OIDC_ERR_EXPIRED);
	free(t);

	/* exp missing */
	c = good_claims("n-123");
	json_object_del(c, "exp");
	t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_MALFORMED);
	free(t);

	/* exp as a string */
	c = good_claims("n-123");
	json_object_set_new(c, "exp", json_string("9999999999"));
	t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_MALFORMED);
	free(t);
	json_decref(jwks);
}

static void test_verify_iat(void **state)
{
	(void)state;
	json_t *jwks = jwks_of(rsa_key, NULL);
	json_t *c = good_claims("n-123");
	json_object_set_new(c, "iat", json_integer(NOW + 3600));
	char *t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_IAT);
	free(t);

	c = good_claims("n-123");
	json_object_set_new(c, "iat", json_integer(NOW + 30)); /* clock skew within leeway */
	t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_OK);
	free(t);

	c = good_claims("n-123");
	json_object_set_new(c, "nbf", json_integer(NOW + 3600));
	t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_IAT);
	free(t);

	c = good_claims("n-123");
	json_object_del(c, "iat");
	t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_MALFORMED);
	free(t);
	json_decref(jwks);
}

static void test_verify_audience(void **state)
{
	(void)state;
	json_t *jwks = jwks_of(rsa_key, NULL);
	json_t *c = good_claims("n-123");
	json_object_set_new(c, "aud", json_string("someone-else"));
	char *t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_AUD);
	free(t);

	/* several audiences: ours among them, but no azp */
	c = good_claims("n-123");
	json_object_set_new(c, "aud", json_pack("[s,s]", "other", CLIENT));
	t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_AUD);
	free(t);

	/* several audiences with azp = us */
	c = good_claims("n-123");
	json_object_set_new(c, "aud", json_pack("[s,s]", "other", CLIENT));
	json_object_set_new(c, "azp", json_string(CLIENT));
	t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_OK);
	free(t);

	/* azp naming another party */
	c = good_claims("n-123");
	json_object_set_new(c, "azp", json_string("other"));
	t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_AUD);
	free(t);

	/* array without us; missing; wrong type */
	c = good_claims("n-123");
	json_object_set_new(c, "aud", json_pack("[s]", "other"));
	t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_AUD);
	free(t);
	c = good_claims("n-123");
	json_object_del(c, "aud");
	t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_AUD);
	free(t);
	c = good_claims("n-123");
	json_object_set_new(c, "aud", json_integer(1));
	t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_AUD);
	free(t);
	/* a prefix of our id is not our id */
	c = good_claims("n-123");
	json_object_set_new(c, "aud", json_string("pccc"));
	t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_AUD);
	free(t);
	json_decref(jwks);
}

static void test_verify_issuer_nonce_sub(void **state)
{
	(void)state;
	json_t *jwks = jwks_of(rsa_key, NULL);
	json_t *c = good_claims("n-123");
	json_object_set_new(c, "iss", json_string(ISS "/"));
	char *t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_ISS);
	free(t);

	t = sign(rsa_key, "RS256", "k1", good_claims("n-124"));
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_NONCE);
	free(t);

	c = good_claims("n-123");
	json_object_del(c, "nonce");
	t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_NONCE);
	free(t);

	c = good_claims("n-123");
	json_object_set_new(c, "sub", json_string(""));
	t = sign(rsa_key, "RS256", "k1", c);
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_MALFORMED);
	free(t);
	json_decref(jwks);
}

static void test_verify_keys_and_algs(void **state)
{
	(void)state;
	json_t *jwks = jwks_of(rsa_key, NULL);
	/* unknown kid */
	char *t = sign(rsa_key2, "RS256", "k2", good_claims("n-123"));
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_KEY);
	free(t);
	/* ES256 token, JWKS holds RSA keys only */
	t = sign(ec_key, "ES256", "e1", good_claims("n-123"));
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_KEY);
	free(t);
	/* HS256 keyed with something public (alg confusion) */
	cjose_err err;
	cjose_jwk_t *oct = cjose_jwk_create_oct_spec((const uint8_t *)"s3cr:et &x", 10, &err);
	t = sign(oct, "HS256", "k1", good_claims("n-123"));
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_ALG);
	free(t);
	cjose_jwk_release(oct);
	/* RS384 is not on the list */
	t = sign(rsa_key, "RS384", "k1", good_claims("n-123"));
	assert_int_equal(verify(t, jwks, &expect), OIDC_ERR_ALG);
	free(t);
	/* alg "none" */
	char b64h[128], b64p[1024];
	const char *h = "{\"alg\":\"none\",\"kid\":\"k1\"}";
	sodium_bin2base64(b64h, sizeof b64h, (const unsigned char *)h, strlen(h),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	json_t *gc = good_claims("n-123");
	char *p = json_dumps(gc, JSON_COMPACT);
	json_decref(gc);
	sodium_bin2base64(b64p, sizeof b64p, (const unsigned char *)p, strlen(p),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(p);
	char none[2048];
	snprintf(none, sizeof none, "%s.%s.", b64h, b64p);
	enum oidc_err rc = verify(none, jwks, &expect);
	assert_true(rc == OIDC_ERR_ALG || rc == OIDC_ERR_MALFORMED);
	/* a key marked for encryption is not used for signatures */
	json_t *enc = jwks_of(rsa_key, NULL);
	json_object_set_new(json_array_get(json_object_get(enc, "keys"), 0), "use",
			    json_string("enc"));
	t = sign(rsa_key, "RS256", "k1", good_claims("n-123"));
	assert_int_equal(verify(t, enc, &expect), OIDC_ERR_KEY);
	/* JWKS without keys, or not an object */
	json_t *empty = json_object();
	assert_int_equal(verify(t, empty, &expect), OIDC_ERR_KEY);
	assert_int_equal(verify(t, NULL, &expect), OIDC_ERR_KEY);
	free(t);
	json_decref(empty);
	json_decref(enc);
	json_decref(jwks);
}

static void test_verify_malformed(void **state)
{
	(void)state;
	json_t *jwks = jwks_of(rsa_key, NULL);
	const char *bad[] = {"", "abc", "a.b", "a.b.c.d", "...", "a b.c.d", "eyJ.eyJ.\xff",
			     "e30.e30.", "e30.bm90IGpzb24.AAAA", NULL};
	for (int i = 0; bad[i]; i++)
		assert_int_not_equal(verify(bad[i], jwks, &expect), OIDC_OK);
	assert_int_equal(verify(NULL, jwks, &expect), OIDC_ERR_MALFORMED);
	char *huge = malloc(70000);
	memset(huge, 'A', 69999);
	huge[69999] = '\0';
	huge[10] = '.';
	huge[20] = '.';
	assert_int_equal(verify(huge, jwks, &expect), OIDC_ERR_MALFORMED);
	free(huge);

	/* a signed payload that is not a JSON object */
	cjose_err err;
	cjose_header_t *h = cjose_header_new(&err);
	cjose_header_set(h, CJOSE_HDR_ALG, "RS256", &err);
	cjose_header_set(h, CJOSE_HDR_KID, "k1", &err);
	const char *pl = "[1,2]";
	cjose_jws_t *jws = cjose_jws_sign(rsa_key, h, (const uint8_t *)pl, strlen(pl), &err);
	const char *ser;
	cjose_jws_export(jws, &ser, &err);
	assert_int_equal(verify(ser, jwks, &expect), OIDC_ERR_MALFORMED);
	cjose_jws_release(jws);
	cjose_header_release(h);
	json_decref(jwks);
}

/* ---- claims ------------------------------------------------------------ */

static void test_claims_map(void **state)
{
	(void)state;
	struct oidc_config c;
	cfg_test(&c);
	struct oidc_identity id;
	json_t *cl = good_claims("n");
	assert_int_equal(oidc_claims_map(&c, cl, &id), OIDC_OK);
	assert_string_equal(id.sub, "vneid-1");
	assert_string_equal(id.cccd, "001190012345");
	assert_string_equal(id.name, "Trần Thị Bình");
	assert_string_equal(id.phone, "0912345678");

	json_object_set_new(cl, "cccd", json_string("001 190 012 345"));
	json_object_set_new(cl, "phone_number", json_string("024 3826 1234")); /* landline */
	assert_int_equal(oidc_claims_map(&c, cl, &id), OIDC_OK);
	assert_string_equal(id.cccd, "001190012345");
	assert_string_equal(id.phone, "");

	json_object_del(cl, "phone_number");
	json_object_del(cl, "name");
	assert_int_equal(oidc_claims_map(&c, cl, &id), OIDC_OK);
	assert_string_equal(id.name, "");

	const char *bad[] = {"00119001234", "0011900123456", "00119001234a", "", NULL};
	for (int i = 0; bad[i]; i++) {
		json_object_set_new(cl, "cccd", json_string(bad[i]));
		assert_int_equal(oidc_claims_map(&c, cl, &id), OIDC_ERR_CLAIMS);
		assert_string_equal(id.cccd, "");
	}
	json_object_set_new(cl, "cccd", json_integer(1190012345)); /* number: zeros lost */
	assert_int_equal(oidc_claims_map(&c, cl, &id), OIDC_ERR_CLAIMS);
	json_object_del(cl, "cccd");
	assert_int_equal(oidc_claims_map(&c, cl, &id), OIDC_ERR_CLAIMS);

	/* custom claim names */
	free(c.claim_cccd);
	c.claim_cccd = strdup("personal_id");
	json_object_set_new(cl, "personal_id", json_string("079301000001"));
	assert_int_equal(oidc_claims_map(&c, cl, &id), OIDC_OK);
	assert_string_equal(id.cccd, "079301000001");

	/* sub missing; a name too long */
	json_object_del(cl, "sub");
	assert_int_equal(oidc_claims_map(&c, cl, &id), OIDC_ERR_CLAIMS);
	json_object_set_new(cl, "sub", json_string("s"));
	char longname[400];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	json_object_set_new(cl, "name", json_string(longname));
	assert_int_equal(oidc_claims_map(&c, cl, &id), OIDC_ERR_CLAIMS);
	json_decref(cl);
	oidc_config_free(&c);
}

/* ---- configuration, messages ------------------------------------------ */

static void clear_env(void)
{
	const char *names[] = {"PCCC_OIDC_ISSUER", "PCCC_OIDC_CLIENT_ID", "PCCC_OIDC_CLIENT_SECRET",
			       "PCCC_OIDC_CLIENT_SECRET_FILE", "PCCC_OIDC_REDIRECT_URI",
			       "PCCC_OIDC_SCOPE", "PCCC_OIDC_AUTH_METHOD", "PCCC_OIDC_CLAIM_CCCD",
			       "PCCC_OIDC_LEEWAY", "PCCC_OIDC_STATE_TTL", NULL};
	for (int i = 0; names[i]; i++)
		unsetenv(names[i]);
}

static void test_config_env(void **state)
{
	(void)state;
	struct oidc_config c;
	char err[256];
	clear_env();
	assert_int_equal(oidc_config_from_env(&c, err, sizeof err), 0);
	assert_string_equal(c.provider_name, "VNeID");
	oidc_config_free(&c);

	setenv("PCCC_OIDC_ISSUER", "https://sso.example.vn", 1);
	assert_int_equal(oidc_config_from_env(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "PCCC_OIDC_CLIENT_ID"));
	oidc_config_free(&c);

	setenv("PCCC_OIDC_CLIENT_ID", "pccc", 1);
	setenv("PCCC_OIDC_CLIENT_SECRET", "s", 1);
	setenv("PCCC_OIDC_REDIRECT_URI", "https://pccc.example.vn/api/v1/auth/oidc/callback", 1);
	assert_int_equal(oidc_config_from_env(&c, err, sizeof err), 1);
	assert_string_equal(c.claim_cccd, "cccd");
	assert_string_equal(c.auth_method, "client_secret_basic");
	assert_int_equal(c.leeway_s, 60);
	oidc_config_free(&c);

	setenv("PCCC_OIDC_ISSUER", "http://sso.example.vn", 1); /* plain http, not loopback */
	assert_int_equal(oidc_config_from_env(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "PCCC_OIDC_ISSUER"));
	oidc_config_free(&c);
	setenv("PCCC_OIDC_ISSUER", "http://127.0.0.1:4000", 1);
	assert_int_equal(oidc_config_from_env(&c, err, sizeof err), 1);
	oidc_config_free(&c);

	setenv("PCCC_OIDC_AUTH_METHOD", "private_key_jwt", 1);
	assert_int_equal(oidc_config_from_env(&c, err, sizeof err), -1);
	oidc_config_free(&c);
	setenv("PCCC_OIDC_AUTH_METHOD", "client_secret_post", 1);
	setenv("PCCC_OIDC_LEEWAY", "301", 1);
	assert_int_equal(oidc_config_from_env(&c, err, sizeof err), -1);
	oidc_config_free(&c);
	setenv("PCCC_OIDC_LEEWAY", "abc", 1);
	assert_int_equal(oidc_config_from_env(&c, err, sizeof err), -1);
	oidc_config_free(&c);
	setenv("PCCC_OIDC_LEEWAY", "5", 1);
	setenv("PCCC_OIDC_SCOPE", "profile", 1);
	assert_int_equal(oidc_config_from_env(&c, err, sizeof err), -1);
	oidc_config_free(&c);
	unsetenv("PCCC_OIDC_SCOPE");

	/* the secret from a file */
	unsetenv("PCCC_OIDC_CLIENT_SECRET");
	char path[] = "/tmp/pccc_oidc_secret_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "from-file\n", 10), 10);
	close(fd);
	setenv("PCCC_OIDC_CLIENT_SECRET_FILE", path, 1);
	assert_int_equal(oidc_config_from_env(&c, err, sizeof err), 1);
	assert_string_equal(c.client_secret, "from-file");
	assert_int_equal(c.leeway_s, 5);
	struct oidc_config copy;
	oidc_config_copy(&copy, &c);
	assert_string_equal(copy.client_secret, "from-file");
	assert_ptr_not_equal(copy.client_secret, c.client_secret);
	oidc_config_free(&copy);
	oidc_config_free(&c);
	unlink(path);
	assert_int_equal(oidc_config_from_env(&c, err, sizeof err), -1); /* file gone */
	oidc_config_free(&c);
	clear_env();
}

static void test_messages(void **state)
{
	(void)state;
	for (int e = 0; e < OIDC_ERR_COUNT; e++) {
		assert_non_null(oidc_err_code(e));
		assert_non_null(strstr(oidc_err_message(e), " / "));
	}
	assert_string_equal(oidc_err_code(OIDC_ERR_STATE), "oidc_state");
	assert_string_equal(oidc_err_code(OIDC_ERR_SIGNATURE), "oidc_token_signature");
	assert_string_equal(oidc_err_code((enum oidc_err)999), "internal");
	assert_non_null(strstr(oidc_err_message(OIDC_ERR_EXPIRED), "hết hạn"));
}

/* ---- the client against a provider served by this test --------------------- */

static struct {
	int fd, port;
	pthread_t th;
	volatile int stop;
	pthread_mutex_t lock;
	char *jwks;             /* body of /jwks */
	char *token;            /* body of /token */
	int token_status;
	int jwks_fetches, token_calls, discovery_fetches;
	char last_form[4096];
	char last_authz[512];
	char discovery_issuer[128];
} fake = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void fake_reply(int cfd, int status, const char *body)
{
	char head[256];
	int n = snprintf(head, sizeof head,
			 "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			 status, strlen(body));
	if (write(cfd, head, (size_t)n) < 0 || write(cfd, body, strlen(body)) < 0)
		return;
}

static void fake_serve(int cfd)
{
	char req[16384];
	size_t len = 0;
	char *end = NULL;
	while (len < sizeof req - 1) {
		ssize_t n = read(cfd, req + len, sizeof req - 1 - len);
		if (n <= 0)
			return;
		len += (size_t)n;
		req[len] = '\0';
		end = strstr(req, "\r\n\r\n");
		if (end) {
			const char *cl = strcasestr(req, "Content-Length:");
			size_t want = cl ? (size_t)atoi(cl + 15) : 0;
			if (len >= (size_t)(end + 4 - req) + want)
				break;
		}
	}
	if (!end)
		return;
	pthread_mutex_lock(&fake.lock);
	if (strncmp(req, "GET /.well-known/openid-configuration ", 38) == 0) {
		fake.discovery_fetches++;
		char body[1024];
		snprintf(body, sizeof body,
			 "{\"issuer\":\"%s\",\"authorization_endpoint\":\"http://127.0.0.1:%d/auth\","
			 "\"token_endpoint\":\"http://127.0.0.1:%d/token\","
			 "\"jwks_uri\":\"http://127.0.0.1:%d/jwks\"}",
			 fake.discovery_issuer, fake.port, fake.port, fake.port);
		fake_reply(cfd, 200, body);
	} else if (strncmp(req, "GET /jwks ", 10) == 0) {
		fake.jwks_fetches++;
		fake_reply(cfd, 200, fake.jwks ? fake.jwks : "{}");
	} else if (strncmp(req, "POST /token ", 12) == 0) {
		fake.token_calls++;
		snprintf(fake.last_form, sizeof fake.last_form, "%s", end + 4);
		const char *a = strcasestr(req, "\r\nAuthorization: ");
		fake.last_authz[0] = '\0';
		if (a)
			snprintf(fake.last_authz, sizeof fake.last_authz, "%.*s",
				 (int)strcspn(a + 17, "\r\n"), a + 17);
		fake_reply(cfd, fake.token_status, fake.token ? fake.token : "{}");
	} else {
		fake_reply(cfd, 404, "{\"error\":\"not_found\"}");
	}
	pthread_mutex_unlock(&fake.lock);
}

static void *fake_main(void *arg)
{
	(void)arg;
	while (!fake.stop) {
		struct pollfd pf = {.fd = fake.fd, .events = POLLIN};
		if (poll(&pf, 1, 50) <= 0)
			continue;
		int cfd = accept(fake.fd, NULL, NULL);
		if (cfd < 0)
			continue;
		fake_serve(cfd);
		close(cfd);
	}
	return NULL;
}

static int fake_start(void)
{
	fake.fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof sa;
	if (bind(fake.fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fake.fd, 16) != 0 ||
	    getsockname(fake.fd, (struct sockaddr *)&sa, &sl) != 0)
		return -1;
	fake.port = ntohs(sa.sin_port);
	snprintf(fake.discovery_issuer, sizeof fake.discovery_issuer, "http://127.0.0.1:%d",
		 fake.port);
	fake.stop = 0;
	fake.jwks_fetches = fake.token_calls = fake.discovery_fetches = 0;
	return pthread_create(&fake.th, NULL, fake_main, NULL);
}

static void fake_stop(void)
{
	fake.stop = 1;
	pthread_join(fake.th, NULL);
	close(fake.fd);
	free(fake.jwks);
	free(fake.token);
	fake.jwks = fake.token = NULL;
}

static void fake_set(json_t *jwks_take, const char *id_token, int status)
{
	pthread_mutex_lock(&fake.lock);
	if (jwks_take) {
		free(fake.jwks);
		fake.jwks = json_dumps(jwks_take, JSON_COMPACT);
		json_decref(jwks_take);
	}
	free(fake.token);
	json_t *t = id_token ? json_pack("{s:s,s:s,s:s,s:i}", "access_token", "at-1", "token_type",
					 "Bearer", "id_token", id_token, "expires_in", 3600)
			     : json_pack("{s:s}", "error", "invalid_grant");
	fake.token = json_dumps(t, JSON_COMPACT);
	json_decref(t);
	fake.token_status = status;
	pthread_mutex_unlock(&fake.lock);
}

/* The value of name=... in url's query (static buffer). */
static const char *query_get(const char *url, const char *name)
{
	static char v[256];
	char key[64];
	snprintf(key, sizeof key, "%s=", name);
	const char *p = strstr(url, key);
	while (p && p[-1] != '?' && p[-1] != '&')
		p = strstr(p + 1, key);
	if (!p)
		return NULL;
	p += strlen(key);
	snprintf(v, sizeof v, "%.*s", (int)strcspn(p, "&"), p);
	return v;
}

static struct oidc_client *client_for_fake(const char *method)
{
	struct oidc_config c;
	oidc_config_defaults(&c);
	c.issuer = strdup(fake.discovery_issuer);
	c.client_id = strdup(CLIENT);
	c.client_secret = strdup("s3cr:et &x");
	c.redirect_uri = strdup("http://127.0.0.1:8080/api/v1/auth/oidc/callback");
	free(c.auth_method);
	c.auth_method = strdup(method);
	char err[256];
	assert_int_equal(oidc_config_validate(&c, err, sizeof err), 0);
	struct oidc_client *cl = oidc_client_new(&c);
	oidc_config_free(&c);
	return cl;
}

/* Begins a sign-in; state, nonce, binder and challenge out. */
static void begin(struct oidc_client *cl, char *st, char *nonce, char *binder, char *chal)
{
	char *url = NULL;
	assert_int_equal(oidc_client_begin(cl, &url, binder), OIDC_OK);
	char prefix[128];
	snprintf(prefix, sizeof prefix, "http://127.0.0.1:%d/auth?", fake.port);
	assert_memory_equal(url, prefix, strlen(prefix));
	strcpy(st, query_get(url, "state"));
	strcpy(nonce, query_get(url, "nonce"));
	strcpy(chal, query_get(url, "code_challenge"));
	assert_string_equal(query_get(url, "code_challenge_method"), "S256");
	assert_string_equal(query_get(url, "client_id"), CLIENT);
	free(url);
}

static json_t *claims_for(const char *nonce)
{
	json_t *c = good_claims(nonce);
	json_object_set_new(c, "iss", json_string(fake.discovery_issuer));
	json_object_set_new(c, "iat", json_integer(clock_now_s()));
	json_object_set_new(c, "exp", json_integer(clock_now_s() + 600));
	return c;
}

static void test_client_flow(void **state)
{
	(void)state;
	clock_set_real();
	assert_int_equal(fake_start(), 0);
	struct oidc_client *cl = client_for_fake("client_secret_basic");
	char st[64], nonce[64], binder[OIDC_RAND_BUF], chal[64], detail[256];
	struct oidc_identity id;

	begin(cl, st, nonce, binder, chal);
	char *t = sign(rsa_key, "RS256", "k1", claims_for(nonce));
	fake_set(jwks_of(rsa_key, NULL), t, 200);
	free(t);
	assert_int_equal(oidc_client_finish(cl, "code-1", st, binder, fake.discovery_issuer, &id,
					    detail, sizeof detail),
			 OIDC_OK);
	assert_string_equal(id.cccd, "001190012345");
	assert_string_equal(id.phone, "0912345678");
	/* The token request carried the code, the PKCE verifier matching the
	 * challenge, and Basic client authentication of the form-encoded
	 * credentials ("pccc-hanoi:s3cr%3Aet%20%26x"). */
	assert_non_null(strstr(fake.last_form, "grant_type=authorization_code"));
	assert_non_null(strstr(fake.last_form, "code=code-1"));
	const char *v = query_get(strstr(fake.last_form, "code_verifier=") - 1, "code_verifier");
	char expect_chal[OIDC_RAND_BUF];
	oidc_pkce_challenge(v, expect_chal);
	assert_string_equal(expect_chal, chal);
	assert_null(strstr(fake.last_form, "client_secret"));
	assert_string_equal(fake.last_authz, "Basic cGNjYy1oYW5vaTpzM2NyJTNBZXQlMjAlMjZ4");

	/* the same state again: refused without calling the provider */
	int calls = fake.token_calls;
	assert_int_equal(oidc_client_finish(cl, "code-1", st, binder, NULL, &id, detail,
					    sizeof detail),
			 OIDC_ERR_STATE);
	assert_int_equal(fake.token_calls, calls);

	/* another browser (wrong binder) */
	begin(cl, st, nonce, binder, chal);
	assert_int_equal(oidc_client_finish(cl, "code-2", st, "not-the-cookie", NULL, &id, detail,
					    sizeof detail),
			 OIDC_ERR_STATE);

	/* a response from another issuer (RFC 9207 iss parameter) */
	begin(cl, st, nonce, binder, chal);
	assert_int_equal(oidc_client_finish(cl, "code-3", st, binder, "https://evil.example",
					    &id, detail, sizeof detail),
			 OIDC_ERR_ISS);
	assert_int_equal(fake.token_calls, calls);

	/* the token of another sign-in (wrong nonce) */
	begin(cl, st, nonce, binder, chal);
	t = sign(rsa_key, "RS256", "k1", claims_for("someone-elses-nonce"));
	fake_set(NULL, t, 200);
	free(t);
	assert_int_equal(oidc_client_finish(cl, "code-4", st, binder, NULL, &id, detail,
					    sizeof detail),
			 OIDC_ERR_NONCE);

	/* forged, then the provider refusing the code */
	begin(cl, st, nonce, binder, chal);
	t = sign(rsa_other, "RS256", "k1", claims_for(nonce));
	fake_set(NULL, t, 200);
	free(t);
	assert_int_equal(oidc_client_finish(cl, "code-5", st, binder, NULL, &id, detail,
					    sizeof detail),
			 OIDC_ERR_SIGNATURE);
	begin(cl, st, nonce, binder, chal);
	fake_set(NULL, NULL, 400);
	assert_int_equal(oidc_client_finish(cl, "code-6", st, binder, NULL, &id, detail,
					    sizeof detail),
			 OIDC_ERR_TOKEN);
	assert_non_null(strstr(detail, "400"));

	/* missing code or state */
	assert_int_equal(oidc_client_finish(cl, "", st, binder, NULL, &id, detail, sizeof detail),
			 OIDC_ERR_BAD_REQUEST);
	assert_int_equal(oidc_client_finish(cl, "c", NULL, binder, NULL, &id, detail,
					    sizeof detail),
			 OIDC_ERR_BAD_REQUEST);
	oidc_client_free(cl);
	fake_stop();
}

static void test_client_key_rotation(void **state)
{
	(void)state;
	clock_set_fake(NOW * 1000);
	assert_int_equal(fake_start(), 0);
	struct oidc_client *cl = client_for_fake("client_secret_post");
	char st[64], nonce[64], binder[OIDC_RAND_BUF], chal[64], detail[256];
	struct oidc_identity id;

	begin(cl, st, nonce, binder, chal);
	char *t = sign(rsa_key, "RS256", "k1", claims_for(nonce));
	fake_set(jwks_of(rsa_key, NULL), t, 200);
	free(t);
	assert_int_equal(oidc_client_finish(cl, "c1", st, binder, NULL, &id, detail, sizeof detail),
			 OIDC_OK);
	assert_int_equal(fake.jwks_fetches, 1);
	assert_non_null(strstr(fake.last_form, "client_id=pccc-hanoi"));
	assert_non_null(strstr(fake.last_form, "client_secret=s3cr%3Aet%20%26x"));
	assert_string_equal(fake.last_authz, "");

	/* a second sign-in uses the cached keys */
	begin(cl, st, nonce, binder, chal);
	t = sign(rsa_key, "RS256", "k1", claims_for(nonce));
	fake_set(NULL, t, 200);
	free(t);
	assert_int_equal(oidc_client_finish(cl, "c2", st, binder, NULL, &id, detail, sizeof detail),
			 OIDC_OK);
	assert_int_equal(fake.jwks_fetches, 1);
	assert_int_equal(fake.discovery_fetches, 1);

	/* the provider rotates to k2: the unknown kid makes the client fetch
	 * the JWKS again (once enough time passed since the last fetch) */
	clock_advance_ms(11 * 1000);
	begin(cl, st, nonce, binder, chal);
	t = sign(rsa_key2, "RS256", "k2", claims_for(nonce));
	fake_set(jwks_of(rsa_key2, rsa_key), t, 200);
	free(t);
	assert_int_equal(oidc_client_finish(cl, "c3", st, binder, NULL, &id, detail, sizeof detail),
			 OIDC_OK);
	assert_int_equal(fake.jwks_fetches, 2);

	/* a token naming a kid nobody has: one refetch at most per 10 s */
	begin(cl, st, nonce, binder, chal);
	t = sign(rsa_other, "RS256", "zz", claims_for(nonce));
	fake_set(NULL, t, 200);
	free(t);
	assert_int_equal(oidc_client_finish(cl, "c4", st, binder, NULL, &id, detail, sizeof detail),
			 OIDC_ERR_KEY);
	assert_int_equal(fake.jwks_fetches, 2);

	/* the discovery cache expires after an hour */
	clock_advance_ms(3601 * 1000);
	begin(cl, st, nonce, binder, chal);
	assert_int_equal(fake.discovery_fetches, 2);
	oidc_client_free(cl);
	fake_stop();
	clock_set_real();
}

static void test_client_bad_provider(void **state)
{
	(void)state;
	clock_set_real();
	/* nobody listens */
	struct oidc_config c;
	oidc_config_defaults(&c);
	c.issuer = strdup("http://127.0.0.1:1");
	c.client_id = strdup(CLIENT);
	c.client_secret = strdup("s");
	c.redirect_uri = strdup("http://127.0.0.1:8080/cb");
	struct oidc_client *cl = oidc_client_new(&c);
	char *url = (char *)"x";
	char binder[OIDC_RAND_BUF];
	assert_int_equal(oidc_client_begin(cl, &url, binder), OIDC_ERR_UNAVAILABLE);
	assert_null(url);
	oidc_client_free(cl);
	oidc_config_free(&c);

	/* after a failed discovery the provider is left alone for 5 s */
	clock_set_fake(NOW * 1000);
	assert_int_equal(fake_start(), 0);
	cl = client_for_fake("client_secret_basic");
	snprintf(fake.discovery_issuer, sizeof fake.discovery_issuer, "https://evil.example");
	assert_int_equal(oidc_client_begin(cl, &url, binder), OIDC_ERR_DISCOVERY);
	assert_int_equal(oidc_client_begin(cl, &url, binder), OIDC_ERR_UNAVAILABLE);
	assert_int_equal(fake.discovery_fetches, 1);
	clock_advance_ms(5001);
	snprintf(fake.discovery_issuer, sizeof fake.discovery_issuer, "http://127.0.0.1:%d",
		 fake.port);
	assert_int_equal(oidc_client_begin(cl, &url, binder), OIDC_OK);
	assert_int_equal(fake.discovery_fetches, 2);
	free(url);
	oidc_client_free(cl);
	fake_stop();
	clock_set_real();

	/* a discovery document naming another issuer */
	assert_int_equal(fake_start(), 0);
	cl = client_for_fake("client_secret_basic");
	snprintf(fake.discovery_issuer, sizeof fake.discovery_issuer, "https://evil.example");
	assert_int_equal(oidc_client_begin(cl, &url, binder), OIDC_ERR_DISCOVERY);
	oidc_client_free(cl);
	fake_stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_allowed),
		cmocka_unit_test(test_pkce),
		cmocka_unit_test(test_states_single_use),
		cmocka_unit_test(test_states_binder),
		cmocka_unit_test(test_states_expiry),
		cmocka_unit_test(test_states_full),
		cmocka_unit_test(test_authorize_url),
		cmocka_unit_test(test_verify_good),
		cmocka_unit_test(test_verify_forged),
		cmocka_unit_test(test_verify_expired),
		cmocka_unit_test(test_verify_iat),
		cmocka_unit_test(test_verify_audience),
		cmocka_unit_test(test_verify_issuer_nonce_sub),
		cmocka_unit_test(test_verify_keys_and_algs),
		cmocka_unit_test(test_verify_malformed),
		cmocka_unit_test(test_claims_map),
		cmocka_unit_test(test_config_env),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_client_flow),
		cmocka_unit_test(test_client_key_rotation),
		cmocka_unit_test(test_client_bad_provider),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
