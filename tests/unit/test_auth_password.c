/* Tests for auth/password: argon2id round trips, the fast cost and rehash
 * detection, malformed hashes, and every rule of the password policy with
 * its bilingual message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "auth/common_passwords.h"
#include "auth/password.h"

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	password_set_cost_fast(1);
	return 0;
}

static void test_hash_verify(void **state)
{
	(void)state;
	char h1[PASSWORD_HASH_BUF], h2[PASSWORD_HASH_BUF];
	assert_int_equal(password_hash("Cứu hỏa 114 nhanh!", h1), 0);
	assert_int_equal(password_hash("Cứu hỏa 114 nhanh!", h2), 0);
	assert_memory_equal(h1, "$argon2id$", 10);
	assert_string_not_equal(h1, h2); /* salted */
	assert_int_equal(password_verify(h1, "Cứu hỏa 114 nhanh!"), 0);
	assert_int_equal(password_verify(h2, "Cứu hỏa 114 nhanh!"), 0);
	assert_int_equal(password_verify(h1, "Cuu hoa 114 nhanh!"), -1);
	assert_int_equal(password_verify(h1, "Cứu hỏa 114 nhanh"), -1);
	assert_int_equal(password_verify(h1, ""), -1);
	assert_int_equal(password_verify(h1, NULL), -1);
	assert_int_equal(password_hash(NULL, h1), -1);
	assert_string_equal(h1, "");
}

static void test_verify_malformed(void **state)
{
	(void)state;
	char h[PASSWORD_HASH_BUF];
	assert_int_equal(password_hash("abcdefgh12", h), 0);
	assert_int_equal(password_verify(NULL, "abcdefgh12"), -1);
	assert_int_equal(password_verify("", "abcdefgh12"), -1);
	assert_int_equal(password_verify("abcdefgh12", "abcdefgh12"), -1);
	assert_int_equal(password_verify("$argon2i$v=19$m=4096,t=3,p=1$xx$yy", "x"), -1);
	/* A truncated or altered hash never verifies. */
	char t[PASSWORD_HASH_BUF];
	strcpy(t, h);
	t[strlen(t) - 3] = '\0';
	assert_int_equal(password_verify(t, "abcdefgh12"), -1);
	strcpy(t, h);
	size_t n = strlen(t);
	t[n - 2] = t[n - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(password_verify(t, "abcdefgh12"), -1);
	/* Unterminated within the buffer size: refused without reading on. */
	char big[PASSWORD_HASH_BUF + 8];
	memset(big, 'a', sizeof big - 1);
	memcpy(big, "$argon2id$", 10);
	big[sizeof big - 1] = '\0';
	assert_int_equal(password_verify(big, "abcdefgh12"), -1);
	assert_int_equal(password_needs_rehash(big), -1);
	assert_int_equal(password_needs_rehash("garbage"), -1);
	assert_int_equal(password_needs_rehash(NULL), -1);
	/* Very long input is refused rather than hashed. */
	char longpw[600];
	memset(longpw, 'x', sizeof longpw - 1);
	longpw[sizeof longpw - 1] = '\0';
	assert_int_equal(password_hash(longpw, t), -1);
	assert_int_equal(password_verify(h, longpw), -1);
}

static void test_cost_and_rehash(void **state)
{
	(void)state;
	char fast[PASSWORD_HASH_BUF], slow[PASSWORD_HASH_BUF];
	password_set_cost_fast(1);
	assert_int_equal(password_hash("Ph0ng-chay!", fast), 0);
	assert_non_null(strstr(fast, "m=64,t=1,"));
	assert_int_equal(password_needs_rehash(fast), 0);
	password_set_cost_fast(0);
	assert_int_equal(password_needs_rehash(fast), 1);
	assert_int_equal(password_hash("Ph0ng-chay!", slow), 0);
	assert_non_null(strstr(slow, "m=65536,t=2,"));
	assert_int_equal(password_needs_rehash(slow), 0);
	/* Both verify whatever the current setting. */
	assert_int_equal(password_verify(fast, "Ph0ng-chay!"), 0);
	password_set_cost_fast(1);
	assert_int_equal(password_verify(slow, "Ph0ng-chay!"), 0);
	assert_int_equal(password_needs_rehash(slow), 1);
}

static void expect_reject(const char *pw, const char *user, const char *vi_part)
{
	const char *vi = NULL, *en = NULL;
	if (password_check_policy(pw, user, &vi, &en) != -1)
		fail_msg("accepted \"%s\" (user %s)", pw ? pw : "(null)", user ? user : "(null)");
	assert_non_null(vi);
	assert_non_null(en);
	if (!strstr(vi, vi_part))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", pw ? pw : "(null)", vi, vi_part);
}

static void expect_accept(const char *pw, const char *user)
{
	const char *vi = "x", *en = "x";
	if (password_check_policy(pw, user, &vi, &en) != 0)
		fail_msg("refused \"%s\": %s", pw, vi);
	assert_null(vi);
	assert_null(en);
}

static void test_policy_length(void **state)
{
	(void)state;
	expect_reject("", "u", "ít nhất 10 ký tự");
	expect_reject("Ab1!Ab1!A", "u", "ít nhất 10 ký tự"); /* 9 */
	expect_accept("Ab1!Ab1!Ab", "u");		       /* 10 */
	/* Characters, not bytes: 9 Vietnamese letters + 1 digit = 10. */
	expect_accept("đườngđẹpở1", "u");
	expect_reject("đườngđẹp1", "u", "ít nhất 10 ký tự");
	char pw[200];
	memset(pw, 'a', 127);
	pw[127] = '1';
	pw[128] = '\0';
	expect_accept(pw, "u"); /* 128 */
	pw[128] = '2';
	pw[129] = '\0';
	expect_reject(pw, "u", "dài quá 128");
	expect_reject(NULL, "u", "Chưa nhập");
}

static void test_policy_invalid(void **state)
{
	(void)state;
	expect_reject("abcdefgh1\x01", "u", "không hợp lệ");
	expect_reject("abcdefgh1\x7f", "u", "không hợp lệ");
	expect_reject("abcdefgh1\n", "u", "không hợp lệ");
	expect_reject("abcdefgh1\xff", "u", "không hợp lệ");
	expect_reject("abcdefgh1\xc3", "u", "không hợp lệ");	 /* truncated */
	expect_reject("abcdefgh1\xc0\xaf", "u", "không hợp lệ"); /* overlong */
	expect_reject("abcdefgh1\xed\xa0\x80", "u", "không hợp lệ"); /* surrogate */
	expect_reject("abcdefgh1\xc2\x85", "u", "không hợp lệ");     /* C1 control */
}

static void test_policy_username(void **state)
{
	(void)state;
	expect_reject("canbo.xa01", "canbo.xa01", "tên đăng nhập");
	expect_reject("CanBo.Xa01", "canbo.xa01", "tên đăng nhập");
	expect_reject("xx-canbo.xa01-yy", "CANBO.XA01", "tên đăng nhập");
	expect_reject("Hanoi2025!nam", "nam", "tên đăng nhập");
	/* Short usernames are only checked for equality. */
	expect_accept("Hanoi2025!ab", "ab");
	expect_reject("ab", "ab", "10 ký tự");
	expect_accept("Hanoi2025!nam", NULL);
	expect_accept("Hanoi2025!nam", "");
	expect_accept("Hanoi2025!na", "nam");
}

static void test_policy_common(void **state)
{
	(void)state;
	expect_reject("matkhau123", "u", "quá phổ biến");
	expect_reject("MatKhau123", "u", "quá phổ biến");
	expect_reject("1234567890", "u", "quá phổ biến");
	expect_reject("qwertyuiop123", "u", "quá phổ biến");
	expect_reject("anhyeuem123", "u", "quá phổ biến");
	expect_reject("Password123", "u", "quá phổ biến");
	expect_reject("admin@1234", "u", "quá phổ biến");
	assert_true(password_is_common("123456"));
	assert_true(password_is_common("password"));
	assert_true(password_is_common("12345678"));
	assert_true(password_is_common("matkhau"));
	assert_true(password_is_common("123456789"));
	assert_true(password_is_common("admin123"));
	assert_true(password_is_common("qwerty"));
	assert_true(password_is_common("ANHYEUEM"));
	assert_true(password_is_common("0000"));	  /* first entry */
	assert_true(password_is_common("zzzzzz"));  /* last entry */
	assert_false(password_is_common("matkhau1234567"));
	assert_false(password_is_common(""));
	assert_false(password_is_common(NULL));
	/* The list is long enough, sorted, lowercase, without duplicates (the
	 * binary search depends on it). */
	assert_true(COMMON_PASSWORDS_COUNT >= 300);
	for (size_t i = 0; i < COMMON_PASSWORDS_COUNT; i++) {
		for (const char *c = common_passwords[i]; *c; c++)
			assert_false(*c >= 'A' && *c <= 'Z');
		if (i > 0 && strcmp(common_passwords[i - 1], common_passwords[i]) >= 0)
			fail_msg("not sorted at %s", common_passwords[i]);
		assert_true(password_is_common(common_passwords[i]));
	}
}

static void test_policy_classes(void **state)
{
	(void)state;
	expect_reject("abcdefghijkl", "u", "hai loại");
	expect_reject("ABCDEFGHIJKL", "u", "hai loại");
	expect_reject("98127364501928", "u", "hai loại");
	expect_reject("!@#$%^&*()_+", "u", "hai loại");
	expect_reject("đườngphốhàngbông", "u", "hai loại"); /* letters only */
	expect_accept("abcdefghij7", "u");
	expect_accept("abcdefghij!", "u");
	expect_accept("9812736450!", "u");
	expect_accept("cháy nhà ra mặt chuột", "u"); /* letters and spaces */
	expect_accept("€€€€€€€€€€1", "u");
	/* Reasons may be NULL pointers. */
	assert_int_equal(password_check_policy("short", "u", NULL, NULL), -1);
	assert_int_equal(password_check_policy("Ab1!Ab1!Ab", "u", NULL, NULL), 0);
}

static void test_policy_english(void **state)
{
	(void)state;
	const char *vi, *en;
	assert_int_equal(password_check_policy("matkhau123", "u", &vi, &en), -1);
	assert_non_null(strstr(en, "too common"));
	assert_int_equal(password_check_policy("short", "u", &vi, &en), -1);
	assert_non_null(strstr(en, "at least 10"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_verify),	 cmocka_unit_test(test_verify_malformed),
		cmocka_unit_test(test_cost_and_rehash), cmocka_unit_test(test_policy_length),
		cmocka_unit_test(test_policy_invalid),	 cmocka_unit_test(test_policy_username),
		cmocka_unit_test(test_policy_common),	 cmocka_unit_test(test_policy_classes),
		cmocka_unit_test(test_policy_english),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
