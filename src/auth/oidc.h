/* Citizens sign in with the national eID (VNeID) as an OpenID Connect
 * provider. This is the relying party: its configuration (PCCC_OIDC_*),
 * the provider's discovery document and JWKS (fetched with libcurl,
 * cached, the JWKS fetched again when a token names an unknown key), the
 * authorization code flow with PKCE (S256), state and nonce (kept here in
 * memory, single use, expiring by the injectable clock), the token
 * exchange, and the ID token's verification with cjose (signature against
 * the JWKS, iss, aud/azp, exp, iat, nonce). The handlers are in
 * src/api/oidc.c; they map the identity to a citizen account.
 *
 * Only https:// providers, or http:// to a loopback address (tests), are
 * accepted. Every failure is an enum oidc_err with a code and a
 * Vietnamese/English message; nothing a provider sends can crash the
 * process. */
#ifndef PCCC_AUTH_OIDC_H
#define PCCC_AUTH_OIDC_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/pii.h"

#define OIDC_RAND_BUF 44          /* 32 random bytes, base64url, + NUL */
#define OIDC_DEFAULT_SCOPE "openid profile phone"
#define OIDC_DEFAULT_CLAIM_CCCD "cccd"
#define OIDC_DEFAULT_CLAIM_NAME "name"
#define OIDC_DEFAULT_CLAIM_PHONE "phone_number"
#define OIDC_DEFAULT_PROVIDER_NAME "VNeID"
#define OIDC_DEFAULT_LEEWAY_S 60
#define OIDC_DEFAULT_STATE_TTL_S 600
#define OIDC_MAX_PENDING 10000    /* sign-ins in progress at once */
#define OIDC_COOKIE "pccc_oidc"   /* binds a state to the browser that began it */
#define OIDC_COOKIE_PATH "/api/v1/auth/oidc"

/* Configuration, all heap strings (oidc_config_free). Environment:
 *   PCCC_OIDC_ISSUER          provider URL (unset: eID sign-in disabled)
 *   PCCC_OIDC_CLIENT_ID       client id registered with the provider
 *   PCCC_OIDC_CLIENT_SECRET   its secret (or PCCC_OIDC_CLIENT_SECRET_FILE:
 *                             a file holding it, first line)
 *   PCCC_OIDC_REDIRECT_URI    https://HOST/api/v1/auth/oidc/callback
 *   PCCC_OIDC_SCOPE           default "openid profile phone"
 *   PCCC_OIDC_AUTH_METHOD     client_secret_basic (default) | client_secret_post
 *   PCCC_OIDC_CLAIM_CCCD      claim of the 12-digit personal ID, default "cccd"
 *   PCCC_OIDC_CLAIM_NAME      default "name"
 *   PCCC_OIDC_CLAIM_PHONE     default "phone_number"
 *   PCCC_OIDC_PROVIDER_NAME   shown on the console's button, default "VNeID"
 *   PCCC_OIDC_LEEWAY          clock leeway in seconds (0..300), default 60
 *   PCCC_OIDC_STATE_TTL       seconds a sign-in may take (60..3600), default 600 */
struct oidc_config {
	char *issuer;
	char *client_id;
	char *client_secret;
	char *redirect_uri;
	char *scope;
	char *auth_method;
	char *claim_cccd;
	char *claim_name;
	char *claim_phone;
	char *provider_name;
	int leeway_s;
	int state_ttl_s;
	int http_timeout_s;
};

/* Fills c with the defaults. */
void oidc_config_defaults(struct oidc_config *c);
/* Reads the environment into c (defaults first). Returns 1 when eID
 * sign-in is configured and valid, 0 when PCCC_OIDC_ISSUER is unset (c
 * holds the defaults), -1 when it is set but something is wrong: err then
 * names the setting (Vietnamese / English). c is always to be freed. */
int oidc_config_from_env(struct oidc_config *c, char *err, size_t errlen);
/* 0 when c is complete and valid, else -1 with err as above. */
int oidc_config_validate(const struct oidc_config *c, char *err, size_t errlen);
void oidc_config_free(struct oidc_config *c);
/* Deep copy. */
void oidc_config_copy(struct oidc_config *dst, const struct oidc_config *src);

/* 1 when url is https://HOST... or http:// to a loopback host (127.0.0.0/8,
 * localhost, [::1]), with no user-info part and no control characters or
 * spaces; 0 otherwise. */
int oidc_url_allowed(const char *url);

enum oidc_err {
	OIDC_OK = 0,
	OIDC_ERR_DISABLED,        /* not configured */
	OIDC_ERR_UNAVAILABLE,     /* the provider cannot be reached / answered garbage */
	OIDC_ERR_DISCOVERY,       /* its discovery document is wrong (issuer, URLs) */
	OIDC_ERR_BUSY,            /* too many sign-ins in progress (reserved) */
	OIDC_ERR_BAD_REQUEST,     /* callback without code or state */
	OIDC_ERR_STATE,           /* unknown, expired, replayed or foreign state */
	OIDC_ERR_DENIED,          /* the provider answered error= */
	OIDC_ERR_TOKEN,           /* the code exchange was refused */
	OIDC_ERR_MALFORMED,       /* the ID token is not a well-formed JWS/JWT */
	OIDC_ERR_ALG,             /* signed with an algorithm we do not accept */
	OIDC_ERR_KEY,             /* no key of the JWKS fits (unknown kid) */
	OIDC_ERR_SIGNATURE,       /* the signature does not verify */
	OIDC_ERR_ISS,             /* another issuer */
	OIDC_ERR_AUD,             /* not for this client (aud / azp) */
	OIDC_ERR_EXPIRED,         /* exp has passed */
	OIDC_ERR_IAT,             /* issued in the future (iat / nbf) */
	OIDC_ERR_NONCE,           /* the nonce does not match */
	OIDC_ERR_CLAIMS,          /* no valid personal ID number / subject */
	OIDC_ERR_ACCOUNT_DISABLED,
	OIDC_ERR_INTERNAL,
	OIDC_ERR_COUNT
};
/* Stable machine code, "oidc_token_signature" ... */
const char *oidc_err_code(enum oidc_err e);
/* "Tiếng Việt / English". */
const char *oidc_err_message(enum oidc_err e);

/* ---- building blocks (pure; unit-tested) ------------------------------ */

/* 32 random bytes as unpadded base64url (43 characters). */
void oidc_random_token(char out[OIDC_RAND_BUF]);
/* The S256 code challenge of verifier: base64url(SHA-256(verifier)). */
void oidc_pkce_challenge(const char *verifier, char out[OIDC_RAND_BUF]);

/* One sign-in in progress, as the start handler left it. */
struct oidc_pending {
	char state[OIDC_RAND_BUF];
	char nonce[OIDC_RAND_BUF];
	char verifier[OIDC_RAND_BUF];   /* PKCE code verifier */
	char binder[OIDC_RAND_BUF];     /* value of the browser's OIDC_COOKIE */
	int64_t expires_ms;
};

/* The table of sign-ins in progress (thread-safe). Entries expire
 * ttl_s after they were made (clock_now_ms) and are taken once. */
struct oidc_states;
struct oidc_states *oidc_states_new(size_t max, int ttl_s);
void oidc_states_free(struct oidc_states *s);
/* Makes a new entry with fresh random state, nonce, verifier and binder
 * and copies it to *out. When max entries are pending, expired ones are
 * dropped and, if none had expired, the oldest is pushed out (a flood of
 * starts slows sign-ins down but cannot stop them). OIDC_OK. */
enum oidc_err oidc_states_add(struct oidc_states *s, struct oidc_pending *out);
/* Removes the entry of state and copies it to *out. OIDC_ERR_STATE when
 * there is none (never made, already taken, expired) or when binder is not
 * the one it was made with (the entry is removed all the same). binder
 * NULL skips that check. */
enum oidc_err oidc_states_take(struct oidc_states *s, const char *state, const char *binder,
			       struct oidc_pending *out);
size_t oidc_states_count(struct oidc_states *s);
/* How many live entries were pushed out so far. */
size_t oidc_states_evicted(struct oidc_states *s);

/* The authorization request URL (heap, caller frees): endpoint plus
 * response_type=code, client_id, redirect_uri, scope, state, nonce,
 * code_challenge (S256 of p->verifier) and code_challenge_method. */
char *oidc_authorize_url(const char *endpoint, const struct oidc_config *c,
			 const struct oidc_pending *p);

/* What an ID token must say. */
struct oidc_expect {
	const char *issuer;
	const char *client_id;
	const char *nonce;     /* NULL: not checked */
	int64_t now_s;
	int leeway_s;
};
/* Verifies a compact JWS ID token against jwks ({"keys":[...]}): the
 * algorithm (RS256 or ES256 only), the key (by kid, or every key of the
 * right type when the token names none), the signature, then iss, aud
 * (and azp when there are several audiences or azp is present), exp, iat
 * and nbf (leeway_s either way), nonce and sub. On OIDC_OK *claims
 * receives the payload (caller json_decref); otherwise it is NULL.
 * OIDC_ERR_KEY means no key of jwks fits: fetch the JWKS again and retry. */
enum oidc_err oidc_id_token_verify(const char *id_token, json_t *jwks,
				   const struct oidc_expect *x, json_t **claims);

/* The citizen the claims describe. */
struct oidc_identity {
	char sub[256];
	char cccd[PII_CCCD_BUF];     /* 12 digits */
	char name[256];              /* "" when the provider gave none */
	char phone[PII_PHONE_BUF];   /* "" when none or not a mobile number */
};
/* Maps claims to a citizen with c's claim names: the personal ID number
 * (a JSON string; spaces, dots and hyphens dropped) must be 12 digits
 * (pii_cccd_valid), else OIDC_ERR_CLAIMS; sub must be a non-empty string.
 * A name longer than the buffer is refused; a phone that is not a
 * Vietnamese mobile number is left out. */
enum oidc_err oidc_claims_map(const struct oidc_config *c, json_t *claims,
			      struct oidc_identity *out);

/* ---- the client (network) --------------------------------------------- */

struct oidc_client;
/* Copies cfg (which must be valid). */
struct oidc_client *oidc_client_new(const struct oidc_config *cfg);
void oidc_client_free(struct oidc_client *c);
const struct oidc_config *oidc_client_config(const struct oidc_client *c);

/* Begins a sign-in: the discovery document (cached for an hour; after a
 * failed fetch the provider is not asked again for 5 s), a new pending
 * entry. *url (heap) is where to send the browser; binder is the
 * value for the OIDC_COOKIE cookie. */
enum oidc_err oidc_client_begin(struct oidc_client *c, char **url, char binder[OIDC_RAND_BUF]);
/* Finishes one: takes state (checking binder), checks the iss parameter
 * of the response when there is one (RFC 9207), exchanges the code with
 * the PKCE verifier, verifies the ID token (the JWKS fetched again once
 * when its key is unknown), fills in missing claims from the userinfo
 * endpoint (same sub), and maps them. detail (may be NULL) receives a
 * short English explanation for the log. */
enum oidc_err oidc_client_finish(struct oidc_client *c, const char *code, const char *state,
				 const char *binder, const char *iss, struct oidc_identity *out,
				 char *detail, size_t detail_len);
/* Forgets a pending state (the provider answered with an error).
 * OIDC_OK when there was one, else OIDC_ERR_STATE. */
enum oidc_err oidc_client_cancel(struct oidc_client *c, const char *state);

#endif
