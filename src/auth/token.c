/* Session tokens, CSRF tokens and the expiry rule (see token.h). */
#include "auth/token.h"

#include <sodium.h>
#include <string.h>

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define CSRF_DOMAIN "pccc-csrf-v1"

_Static_assert(TOKEN_BYTES == crypto_auth_hmacsha256_BYTES, "CSRF tag is one token long");

static void token_encode(const unsigned char raw[TOKEN_BYTES], char out[TOKEN_BUF])
{
	sodium_bin2base64(out, TOKEN_BUF, raw, TOKEN_BYTES, B64);
}

void token_new(char out[TOKEN_BUF])
{
	unsigned char raw[TOKEN_BYTES];
	randombytes_buf(raw, sizeof raw);
	token_encode(raw, out);
	sodium_memzero(raw, sizeof raw);
}

static int b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

int token_format_ok(const char *s)
{
	if (!s)
		return 0;
	size_t i;
	for (i = 0; i < TOKEN_LEN; i++)
		if (!b64url_char(s[i]))
			return 0;
	if (s[i] != '\0')
		return 0;
	/* 32 bytes use 256 of the 258 bits of 43 characters: the last
	 * character carries 4 data bits and 2 zero bits. A canonical encoding
	 * decodes; anything else is not one of ours. */
	unsigned char raw[TOKEN_BYTES];
	size_t len = 0;
	const char *end = NULL;
	if (sodium_base642bin(raw, sizeof raw, s, TOKEN_LEN, NULL, &len, &end, B64) != 0 ||
	    len != TOKEN_BYTES || end != s + TOKEN_LEN)
		return 0;
	return 1;
}

int token_hash(const char *token, char out_hex[TOKEN_HASH_BUF])
{
	out_hex[0] = '\0';
	if (!token_format_ok(token))
		return -1;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, TOKEN_LEN);
	sodium_bin2hex(out_hex, TOKEN_HASH_BUF, h, sizeof h);
	return 0;
}

int token_equal(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

void token_key_new(unsigned char key[TOKEN_KEY_BYTES])
{
	randombytes_buf(key, TOKEN_KEY_BYTES);
}

int token_csrf_for_session(const unsigned char key[TOKEN_KEY_BYTES], const char *session_id,
			   char out[TOKEN_BUF])
{
	out[0] = '\0';
	if (!session_id || !session_id[0])
		return -1;
	crypto_auth_hmacsha256_state st;
	unsigned char tag[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_init(&st, key, TOKEN_KEY_BYTES);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)CSRF_DOMAIN,
				      sizeof CSRF_DOMAIN); /* with its NUL */
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)session_id, strlen(session_id));
	crypto_auth_hmacsha256_final(&st, tag);
	token_encode(tag, out);
	sodium_memzero(&st, sizeof st);
	return 0;
}

int token_csrf_verify(const unsigned char key[TOKEN_KEY_BYTES], const char *session_id,
		      const char *presented)
{
	char want[TOKEN_BUF];
	if (!presented || token_csrf_for_session(key, session_id, want) != 0)
		return -1;
	int ok = token_equal(want, presented);
	sodium_memzero(want, sizeof want);
	return ok ? 0 : -1;
}

static int64_t elapsed(int64_t from, int64_t now)
{
	if (now <= from)
		return 0;
	uint64_t d = (uint64_t)now - (uint64_t)from; /* exact, no overflow */
	return d > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)d;
}

enum token_session_state token_session_state(int64_t created_ms, int64_t last_seen_ms,
					     int64_t now_ms, int64_t absolute_ttl_ms,
					     int64_t idle_ttl_ms)
{
	if (absolute_ttl_ms <= 0 || elapsed(created_ms, now_ms) >= absolute_ttl_ms)
		return TOKEN_SESSION_EXPIRED_ABSOLUTE;
	if (idle_ttl_ms <= 0 || elapsed(last_seen_ms, now_ms) >= idle_ttl_ms)
		return TOKEN_SESSION_EXPIRED_IDLE;
	return TOKEN_SESSION_VALID;
}

const char *token_session_state_name(enum token_session_state st)
{
	switch (st) {
	case TOKEN_SESSION_VALID:
		return "valid";
	case TOKEN_SESSION_EXPIRED_IDLE:
		return "expired_idle";
	case TOKEN_SESSION_EXPIRED_ABSOLUTE:
		return "expired_absolute";
	}
	return "unknown";
}
