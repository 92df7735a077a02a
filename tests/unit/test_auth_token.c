/* Tests for auth/token: token shape and randomness, stored hashes, the
 * CSRF binding to a session, and the expiry rule driven by the injectable
 * clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "auth/token.h"
#include "core/clock.h"

static int setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

static void test_token_new(void **state)
{
	(void)state;
	char a[TOKEN_BUF], b[TOKEN_BUF];
	token_new(a);
	token_new(b);
	assert_int_equal(strlen(a), TOKEN_LEN);
	assert_true(token_format_ok(a));
	assert_true(token_format_ok(b));
	assert_string_not_equal(a, b);
	for (size_t i = 0; i < TOKEN_LEN; i++)
		assert_null(strchr("+/=", a[i]));
}

static void test_token_format(void **state)
{
	(void)state;
	char t[TOKEN_BUF];
	token_new(t);
	char bad[TOKEN_BUF + 1];
	assert_false(token_format_ok(NULL));
	assert_false(token_format_ok(""));
	memcpy(bad, t, TOKEN_LEN - 1);
	bad[TOKEN_LEN - 1] = '\0';
	assert_false(token_format_ok(bad)); /* short */
	memcpy(bad, t, TOKEN_BUF);
	bad[TOKEN_LEN] = 'A';
	bad[TOKEN_LEN + 1] = '\0';
	assert_false(token_format_ok(bad)); /* long */
	memcpy(bad, t, TOKEN_BUF);
	bad[5] = '+';
	assert_false(token_format_ok(bad)); /* standard alphabet */
	memcpy(bad, t, TOKEN_BUF);
	bad[5] = '\'';
	assert_false(token_format_ok(bad));
	/* The last character carries two zero bits: 'B' (000001) is not
	 * canonical there, 'A' and 'E' are. */
	memcpy(bad, t, TOKEN_BUF);
	bad[TOKEN_LEN - 1] = 'B';
	assert_false(token_format_ok(bad));
	bad[TOKEN_LEN - 1] = 'E';
	assert_true(token_format_ok(bad));
}

static void test_token_hash(void **state)
{
	(void)state;
	/* 32 zero bytes encode as 43 'A's; the hash is SHA-256 of that text. */
	char zero[TOKEN_BUF];
	memset(zero, 'A', TOKEN_LEN);
	zero[TOKEN_LEN] = '\0';
	char h[TOKEN_HASH_BUF];
	assert_int_equal(token_hash(zero, h), 0);
	unsigned char want[32];
	char want_hex[65];
	crypto_hash_sha256(want, (const unsigned char *)zero, TOKEN_LEN);
	sodium_bin2hex(want_hex, sizeof want_hex, want, sizeof want);
	assert_string_equal(h, want_hex);
	assert_int_equal(strlen(h), 64);

	char t[TOKEN_BUF], h2[TOKEN_HASH_BUF], h3[TOKEN_HASH_BUF];
	token_new(t);
	assert_int_equal(token_hash(t, h2), 0);
	assert_int_equal(token_hash(t, h3), 0);
	assert_string_equal(h2, h3);
	assert_string_not_equal(h2, h);
	assert_int_equal(token_hash("not a token", h2), -1);
	assert_string_equal(h2, "");
	assert_int_equal(token_hash(NULL, h2), -1);
}

static void test_token_equal(void **state)
{
	(void)state;
	assert_true(token_equal("abc", "abc"));
	assert_false(token_equal("abc", "abd"));
	assert_false(token_equal("abc", "abcd"));
	assert_false(token_equal("", "a"));
	assert_true(token_equal("", ""));
	assert_false(token_equal(NULL, "a"));
	assert_false(token_equal("a", NULL));
}

static void test_csrf(void **state)
{
	(void)state;
	unsigned char key[TOKEN_KEY_BYTES], key2[TOKEN_KEY_BYTES];
	token_key_new(key);
	token_key_new(key2);
	char c1[TOKEN_BUF], c1b[TOKEN_BUF], c2[TOKEN_BUF], c3[TOKEN_BUF];
	assert_int_equal(token_csrf_for_session(key, "session-1", c1), 0);
	assert_int_equal(token_csrf_for_session(key, "session-1", c1b), 0);
	assert_int_equal(token_csrf_for_session(key, "session-2", c2), 0);
	assert_int_equal(token_csrf_for_session(key2, "session-1", c3), 0);
	assert_string_equal(c1, c1b);	  /* stable per session */
	assert_string_not_equal(c1, c2); /* bound to the session */
	assert_string_not_equal(c1, c3); /* bound to the key */
	assert_true(token_format_ok(c1));

	assert_int_equal(token_csrf_verify(key, "session-1", c1), 0);
	assert_int_equal(token_csrf_verify(key, "session-2", c1), -1);
	assert_int_equal(token_csrf_verify(key2, "session-1", c1), -1);
	assert_int_equal(token_csrf_verify(key, "session-1", NULL), -1);
	assert_int_equal(token_csrf_verify(key, "session-1", ""), -1);
	assert_int_equal(token_csrf_verify(key, NULL, c1), -1);
	char trunc[TOKEN_BUF];
	memcpy(trunc, c1, TOKEN_BUF);
	trunc[TOKEN_LEN - 1] = '\0';
	assert_int_equal(token_csrf_verify(key, "session-1", trunc), -1);
	char flip[TOKEN_BUF];
	memcpy(flip, c1, TOKEN_BUF);
	flip[0] = flip[0] == 'A' ? 'B' : 'A';
	assert_int_equal(token_csrf_verify(key, "session-1", flip), -1);
	char out[TOKEN_BUF];
	assert_int_equal(token_csrf_for_session(key, "", out), -1);
	assert_int_equal(token_csrf_for_session(key, NULL, out), -1);
}

/* HMAC-SHA-256 computed independently with the one-shot API. */
static void test_csrf_known_value(void **state)
{
	(void)state;
	unsigned char key[TOKEN_KEY_BYTES];
	for (int i = 0; i < TOKEN_KEY_BYTES; i++)
		key[i] = (unsigned char)i;
	const char msg[] = "pccc-csrf-v1\0sid";
	unsigned char tag[32];
	crypto_auth_hmacsha256(tag, (const unsigned char *)msg, sizeof msg - 1, key);
	char want[TOKEN_BUF], got[TOKEN_BUF];
	sodium_bin2base64(want, sizeof want, tag, sizeof tag,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	assert_int_equal(token_csrf_for_session(key, "sid", got), 0);
	assert_string_equal(got, want);
}

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)

static void test_session_state(void **state)
{
	(void)state;
	int64_t abs_ttl = 12 * HOUR, idle = 30 * MIN;
	clock_set_fake(1767225600000LL); /* 2026-01-01 */
	int64_t created = clock_now_ms();
	int64_t seen = created;
	assert_int_equal(token_session_state(created, seen, clock_now_ms(), abs_ttl, idle),
			 TOKEN_SESSION_VALID);
	/* Activity every 29 minutes keeps it alive ... */
	for (int i = 0; i < 24; i++) {
		clock_advance_ms(29 * MIN);
		assert_int_equal(token_session_state(created, seen, clock_now_ms(), abs_ttl, idle),
				 TOKEN_SESSION_VALID);
		seen = clock_now_ms();
	}
	/* ... until the absolute limit, whatever the activity. */
	clock_advance_ms(12 * HOUR - 24 * 29 * MIN - 1);
	seen = clock_now_ms();
	assert_int_equal(token_session_state(created, seen, clock_now_ms(), abs_ttl, idle),
			 TOKEN_SESSION_VALID);
	clock_advance_ms(1);
	assert_int_equal(token_session_state(created, seen, clock_now_ms(), abs_ttl, idle),
			 TOKEN_SESSION_EXPIRED_ABSOLUTE);

	/* Idle: exactly at the limit is expired, one ms before is not. */
	clock_set_fake(1767225600000LL);
	created = seen = clock_now_ms();
	clock_advance_ms(idle - 1);
	assert_int_equal(token_session_state(created, seen, clock_now_ms(), abs_ttl, idle),
			 TOKEN_SESSION_VALID);
	clock_advance_ms(1);
	assert_int_equal(token_session_state(created, seen, clock_now_ms(), abs_ttl, idle),
			 TOKEN_SESSION_EXPIRED_IDLE);
	/* Both exceeded: absolute wins. */
	clock_advance_ms(abs_ttl);
	assert_int_equal(token_session_state(created, seen, clock_now_ms(), abs_ttl, idle),
			 TOKEN_SESSION_EXPIRED_ABSOLUTE);
	clock_set_real();
}

static void test_session_state_edges(void **state)
{
	(void)state;
	/* Clock went backwards: no time elapsed. */
	assert_int_equal(token_session_state(1000, 1000, 10, HOUR, MIN), TOKEN_SESSION_VALID);
	/* Non-positive TTLs fail closed. */
	assert_int_equal(token_session_state(0, 0, 0, 0, MIN), TOKEN_SESSION_EXPIRED_ABSOLUTE);
	assert_int_equal(token_session_state(0, 0, 0, HOUR, 0), TOKEN_SESSION_EXPIRED_IDLE);
	assert_int_equal(token_session_state(0, 0, 0, -1, -1), TOKEN_SESSION_EXPIRED_ABSOLUTE);
	/* Extreme values do not overflow. */
	assert_int_equal(token_session_state(INT64_MIN, INT64_MIN, INT64_MAX, HOUR, MIN),
			 TOKEN_SESSION_EXPIRED_ABSOLUTE);
	assert_int_equal(token_session_state(INT64_MAX, INT64_MAX, INT64_MIN, HOUR, MIN),
			 TOKEN_SESSION_VALID);
	assert_string_equal(token_session_state_name(TOKEN_SESSION_VALID), "valid");
	assert_string_equal(token_session_state_name(TOKEN_SESSION_EXPIRED_IDLE), "expired_idle");
	assert_string_equal(token_session_state_name(TOKEN_SESSION_EXPIRED_ABSOLUTE),
			    "expired_absolute");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_new),	  cmocka_unit_test(test_token_format),
		cmocka_unit_test(test_token_hash),	  cmocka_unit_test(test_token_equal),
		cmocka_unit_test(test_csrf),		  cmocka_unit_test(test_csrf_known_value),
		cmocka_unit_test(test_session_state), cmocka_unit_test(test_session_state_edges),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
