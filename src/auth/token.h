/* Session and CSRF tokens, and the session expiry rule. Pure apart from
 * the random generator (libsodium; call sodium_init() once at start-up).
 *
 * A session token is 32 random bytes as unpadded URL-safe base64 (43
 * characters). The server keeps only its SHA-256 (hex), so a copy of the
 * database does not hold usable tokens; a presented token is hashed and
 * looked up by hash. A CSRF token is bound to one session: HMAC-SHA-256
 * of the session id under a server key, so it is checked without storing
 * it and a token from another session never verifies. */
#ifndef PCCC_AUTH_TOKEN_H
#define PCCC_AUTH_TOKEN_H
#include <stdint.h>

#define TOKEN_BYTES 32
#define TOKEN_LEN 43           /* characters of a token */
#define TOKEN_BUF (TOKEN_LEN + 1)
#define TOKEN_HASH_BUF 65      /* 64 hex digits + NUL */
#define TOKEN_KEY_BYTES 32     /* the server's CSRF key */

/* Fills out with a fresh random token. Never fails. */
void token_new(char out[TOKEN_BUF]);

/* 1 if s has a token's shape (43 URL-safe base64 characters), else 0. */
int token_format_ok(const char *s);

/* The stored form: lowercase hex SHA-256 of the token text. -1 (and out
 * set to "") if s is not a well-formed token, so garbage never reaches a
 * lookup. */
int token_hash(const char *token, char out_hex[TOKEN_HASH_BUF]);

/* Constant-time equality of two NUL-terminated secrets (tokens or hashes).
 * 1 if equal, 0 otherwise (also when either is NULL). The comparison time
 * depends only on the lengths. */
int token_equal(const char *a, const char *b);

/* Fills key with a random CSRF key (for a server without a configured
 * one; tokens then do not survive a restart). */
void token_key_new(unsigned char key[TOKEN_KEY_BYTES]);

/* The CSRF token of a session: HMAC-SHA-256(key, "pccc-csrf-v1" || 0 ||
 * session_id) as URL-safe base64. session_id is any stable identifier of
 * the session (e.g. its stored token hash). -1 if session_id is NULL or
 * empty. */
int token_csrf_for_session(const unsigned char key[TOKEN_KEY_BYTES], const char *session_id,
			   char out[TOKEN_BUF]);
/* 0 if presented is the CSRF token of session_id, -1 otherwise (NULL,
 * wrong length, wrong value). Constant time. */
int token_csrf_verify(const unsigned char key[TOKEN_KEY_BYTES], const char *session_id,
		      const char *presented);

enum token_session_state {
	TOKEN_SESSION_VALID,
	TOKEN_SESSION_EXPIRED_IDLE,
	TOKEN_SESSION_EXPIRED_ABSOLUTE,
};

/* The expiry rule: a session dies absolute_ttl_ms after it was created
 * whatever it does, and idle_ttl_ms after it was last seen. The absolute
 * limit is checked first. Exactly at a limit the session is expired. A
 * clock that went backwards (now before created/last seen) counts as no
 * time elapsed. A TTL of zero or less fails closed: expired. */
enum token_session_state token_session_state(int64_t created_ms, int64_t last_seen_ms,
					     int64_t now_ms, int64_t absolute_ttl_ms,
					     int64_t idle_ttl_ms);

/* "valid", "expired_idle", "expired_absolute". */
const char *token_session_state_name(enum token_session_state st);

#endif
