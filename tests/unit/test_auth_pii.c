/* Tests for auth/pii: CCCD structure and decoding, phone normalisation,
 * the key file (creation, permissions, refusals), encryption round trips
 * and tampering, blind indexes and masks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/pii.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	strcpy(tmpdir, "/tmp/pccc_test_pii_XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof path, "%s/%s", tmpdir, PII_KEY_FILE);
	unlink(path);
	rmdir(tmpdir);
	return 0;
}

static void test_cccd_valid(void **state)
{
	(void)state;
	assert_true(pii_cccd_valid("001234567345"));
	assert_true(pii_cccd_valid("000000000000"));
	assert_true(pii_cccd_valid("999999999999")); /* unknown province: accepted */
	assert_false(pii_cccd_valid("00123456734"));
	assert_false(pii_cccd_valid("0012345673455"));
	assert_false(pii_cccd_valid("00123456734a"));
	assert_false(pii_cccd_valid(" 001234567345"));
	assert_false(pii_cccd_valid("001234567345 "));
	assert_false(pii_cccd_valid("001 234 567 345"));
	assert_false(pii_cccd_valid("００１234567345")); /* fullwidth digits */
	assert_false(pii_cccd_valid(""));
	assert_false(pii_cccd_valid(NULL));
}

static void test_cccd_decode(void **state)
{
	(void)state;
	struct pii_cccd_info in;
	assert_int_equal(pii_cccd_decode("001085012345", &in), 0);
	assert_string_equal(in.province, "001");
	assert_int_equal(in.sex, PII_SEX_MALE);
	assert_int_equal(in.birth_year, 1985);
	assert_int_equal(pii_cccd_decode("079199012345", &in), 0);
	assert_string_equal(in.province, "079");
	assert_int_equal(in.sex, PII_SEX_FEMALE);
	assert_int_equal(in.birth_year, 1999);
	assert_int_equal(pii_cccd_decode("031205000001", &in), 0);
	assert_int_equal(in.sex, PII_SEX_MALE);
	assert_int_equal(in.birth_year, 2005);
	assert_int_equal(pii_cccd_decode("031310000001", &in), 0);
	assert_int_equal(in.sex, PII_SEX_FEMALE);
	assert_int_equal(in.birth_year, 2010);
	assert_int_equal(pii_cccd_decode("031400000001", &in), 0);
	assert_int_equal(in.birth_year, 2100);
	assert_int_equal(pii_cccd_decode("031599000001", &in), 0);
	assert_int_equal(in.sex, PII_SEX_FEMALE);
	assert_int_equal(in.birth_year, 2199);
	assert_int_equal(pii_cccd_decode("031700000001", &in), 0);
	assert_int_equal(in.birth_year, 2200);
	assert_int_equal(pii_cccd_decode("031900000001", &in), 0);
	assert_int_equal(in.sex, PII_SEX_FEMALE);
	assert_int_equal(in.birth_year, 2300);
	assert_int_equal(pii_cccd_decode("98712345678", &in), -1);
	assert_int_equal(pii_cccd_decode(NULL, &in), -1);
}

static void test_cccd_normalize(void **state)
{
	(void)state;
	char out[PII_CCCD_BUF];
	assert_int_equal(pii_cccd_normalize("001 234 567 345", out), 0);
	assert_string_equal(out, "001234567345");
	assert_int_equal(pii_cccd_normalize("001.234.567.345", out), 0);
	assert_string_equal(out, "001234567345");
	assert_int_equal(pii_cccd_normalize("001-234567345", out), 0);
	assert_int_equal(pii_cccd_normalize("001234567345", out), 0);
	assert_int_equal(pii_cccd_normalize("00123456734", out), -1);
	assert_string_equal(out, "");
	assert_int_equal(pii_cccd_normalize("0012345673451", out), -1);
	assert_int_equal(pii_cccd_normalize("001234567345x", out), -1);
	assert_int_equal(pii_cccd_normalize("00123456734555555555555", out), -1);
	assert_int_equal(pii_cccd_normalize("", out), -1);
	assert_int_equal(pii_cccd_normalize(NULL, out), -1);
}

static void test_phone(void **state)
{
	(void)state;
	static const char *good[] = {"0912345678",	   "+84912345678",   "84912345678",
				     "+84 912 345 678",  "0912.345.678",   "0912-345-678",
				     "(+84) 912345678",  "0084912345678",  "+840912345678",
				     "840912345678",	   " 0912345678 "};
	char out[PII_PHONE_BUF];
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		if (pii_phone_normalize(good[i], out) != 0)
			fail_msg("refused %s", good[i]);
		assert_string_equal(out, "0912345678");
		assert_true(pii_phone_valid(good[i]));
	}
	assert_int_equal(pii_phone_normalize("0312345678", out), 0);
	assert_int_equal(pii_phone_normalize("0567890123", out), 0);
	assert_int_equal(pii_phone_normalize("0701234567", out), 0);
	assert_int_equal(pii_phone_normalize("0861234567", out), 0);
	static const char *bad[] = {
		"091234567",	 /* 9 digits */
		"09123456789",	 /* 11 digits */
		"0212345678",	 /* not a mobile prefix */
		"02438123456",	 /* Hà Nội landline */
		"0112345678",	 "1912345678", "+1 912345678", "+8491234567", "+849123456789",
		"0912a45678",	 "0912345678#", "+", "", "++84912345678", "8491234567",
		"84 091 234 5678 9",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (pii_phone_normalize(bad[i], out) == 0)
			fail_msg("accepted %s as %s", bad[i], out);
		assert_string_equal(out, "");
		assert_false(pii_phone_valid(bad[i]));
	}
	assert_int_equal(pii_phone_normalize(NULL, out), -1);
}

static void key_path(char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", tmpdir, PII_KEY_FILE);
}

static void test_key_create_and_load(void **state)
{
	(void)state;
	char path[128];
	struct stat st;
	struct pii_keys k1, k2;
	key_path(path, sizeof path);
	unlink(path);
	mode_t old = umask(0); /* a careless umask must not widen the mode */
	assert_int_equal(pii_key_load_or_create(tmpdir, &k1), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 64);
	assert_int_equal(pii_key_load_or_create(tmpdir, &k2), 0);
	assert_memory_equal(&k1, &k2, sizeof k1);
	assert_memory_not_equal(k1.box, k1.mac, PII_KEY_BYTES);
	/* The file holds box then mac. */
	FILE *f = fopen(path, "rb");
	unsigned char raw[64];
	assert_non_null(f);
	assert_int_equal(fread(raw, 1, 64, f), 64);
	fclose(f);
	assert_memory_equal(raw, k1.box, 32);
	assert_memory_equal(raw + 32, k1.mac, 32);
	pii_keys_wipe(&k2);
	unsigned char zero[sizeof k2] = {0};
	assert_memory_equal(&k2, zero, sizeof k2);
	/* A second key file (another data dir) is different. */
	char dir2[] = "/tmp/pccc_test_pii2_XXXXXX";
	assert_non_null(mkdtemp(dir2));
	struct pii_keys k3;
	assert_int_equal(pii_key_load_or_create(dir2, &k3), 0);
	assert_memory_not_equal(&k1, &k3, sizeof k1);
	char p2[128];
	snprintf(p2, sizeof p2, "%s/%s", dir2, PII_KEY_FILE);
	unlink(p2);
	rmdir(dir2);
}

static void test_key_refusals(void **state)
{
	(void)state;
	char path[128];
	struct pii_keys k;
	key_path(path, sizeof path);
	unlink(path);
	assert_int_equal(pii_key_load_or_create(tmpdir, &k), 0);
	/* Group or other bits. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(pii_key_load_or_create(tmpdir, &k), -1);
	assert_int_equal(chmod(path, 0604), 0);
	assert_int_equal(pii_key_load_or_create(tmpdir, &k), -1);
	assert_int_equal(chmod(path, 0620), 0);
	assert_int_equal(pii_key_load_or_create(tmpdir, &k), -1);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(pii_key_load_or_create(tmpdir, &k), 0); /* read-only owner: fine */
	assert_int_equal(chmod(path, 0600), 0);
	/* Wrong size: truncated, extended. */
	assert_int_equal(truncate(path, 63), 0);
	assert_int_equal(pii_key_load_or_create(tmpdir, &k), -1);
	assert_int_equal(truncate(path, 65), 0);
	assert_int_equal(pii_key_load_or_create(tmpdir, &k), -1);
	assert_int_equal(truncate(path, 0), 0);
	assert_int_equal(pii_key_load_or_create(tmpdir, &k), -1);
	/* It was not replaced by a new key either. */
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	unlink(path);
	/* A directory in its place; a symlink in its place. */
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(pii_key_load_or_create(tmpdir, &k), -1);
	rmdir(path);
	char target[160];
	snprintf(target, sizeof target, "%s/elsewhere", tmpdir);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(pii_key_load_or_create(tmpdir, &k), -1);
	assert_int_equal(access(target, F_OK), -1); /* nothing created through it */
	unlink(path);
	/* Missing data directory. */
	assert_int_equal(pii_key_load_or_create("/nonexistent/pccc", &k), -1);
	assert_int_equal(pii_key_load_or_create("", &k), -1);
	assert_int_equal(pii_key_load_or_create(NULL, &k), -1);
}

static void make_keys(struct pii_keys *k, unsigned char seed)
{
	memset(k->box, seed, sizeof k->box);
	memset(k->mac, seed + 1, sizeof k->mac);
}

static void test_encrypt_roundtrip(void **state)
{
	(void)state;
	struct pii_keys k;
	make_keys(&k, 1);
	static const char *vals[] = {"001234567345", "0912345678", "", "Nguyễn Thị Ánh Tuyết",
				     "a longer value with spaces and ; , \" characters"};
	for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
		char *enc = NULL, *enc2 = NULL, *dec = NULL;
		assert_int_equal(pii_encrypt(&k, vals[i], &enc), 0);
		assert_non_null(enc);
		assert_memory_equal(enc, "v1:", 3);
		assert_null(strstr(enc, vals[i][0] ? vals[i] : "\x01"));
		assert_null(strpbrk(enc + 3, "+/="));
		assert_int_equal(pii_encrypt(&k, vals[i], &enc2), 0);
		assert_string_not_equal(enc, enc2); /* fresh nonce */
		assert_int_equal(pii_decrypt(&k, enc, &dec), 0);
		assert_string_equal(dec, vals[i]);
		free(dec);
		assert_int_equal(pii_decrypt(&k, enc2, &dec), 0);
		assert_string_equal(dec, vals[i]);
		free(dec);
		free(enc);
		free(enc2);
	}
	char *enc = NULL;
	assert_int_equal(pii_encrypt(&k, NULL, &enc), -1);
	assert_null(enc);
}

static void test_decrypt_refusals(void **state)
{
	(void)state;
	struct pii_keys k, other;
	make_keys(&k, 1);
	make_keys(&other, 7);
	char *enc = NULL, *dec = (char *)1;
	assert_int_equal(pii_encrypt(&k, "001234567345", &enc), 0);
	/* Wrong key. */
	assert_int_equal(pii_decrypt(&other, enc, &dec), -1);
	assert_null(dec);
	/* Every single-character change is refused. */
	size_t n = strlen(enc);
	for (size_t i = 0; i < n; i++) {
		char *t = strdup(enc);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		if (pii_decrypt(&k, t, &dec) == 0)
			fail_msg("tampered at %zu accepted", i);
		free(t);
	}
	/* Truncations. */
	for (size_t len = 0; len < n; len++) {
		char *t = strndup(enc, len);
		assert_int_equal(pii_decrypt(&k, t, &dec), -1);
		free(t);
	}
	assert_int_equal(pii_decrypt(&k, "v2:AAAA", &dec), -1);
	assert_int_equal(pii_decrypt(&k, "v1:", &dec), -1);
	assert_int_equal(pii_decrypt(&k, "v1:!!!!", &dec), -1);
	assert_int_equal(pii_decrypt(&k, "001234567345", &dec), -1);
	assert_int_equal(pii_decrypt(&k, NULL, &dec), -1);
	char *padded = NULL;
	assert_int_equal(asprintf(&padded, "%s==", enc) > 0, 1);
	assert_int_equal(pii_decrypt(&k, padded, &dec), -1);
	free(padded);
	free(enc);

	/* A plaintext with an embedded NUL (only a forger with the key could
	 * make one) is refused rather than silently cut. */
	unsigned char raw[24 + 16 + 3];
	const unsigned char msg[3] = {'a', 0, 'b'};
	randombytes_buf(raw, 24);
	crypto_secretbox_easy(raw + 24, msg, 3, raw, k.box);
	char b64[128] = "v1:";
	sodium_bin2base64(b64 + 3, sizeof b64 - 3, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	assert_int_equal(pii_decrypt(&k, b64, &dec), -1);
	assert_null(dec);
}

static void test_blind_index(void **state)
{
	(void)state;
	struct pii_keys k, other;
	make_keys(&k, 1);
	make_keys(&other, 7);
	char a[PII_INDEX_BUF], b[PII_INDEX_BUF];
	assert_int_equal(pii_blind_index(&k, PII_KIND_PHONE, "0912345678", a), 0);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(pii_blind_index(&k, PII_KIND_PHONE, "+84 912 345 678", b), 0);
	assert_string_equal(a, b);
	assert_int_equal(pii_blind_index(&k, PII_KIND_PHONE, "0912345679", b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(pii_blind_index(&other, PII_KIND_PHONE, "0912345678", b), 0);
	assert_string_not_equal(a, b); /* keyed */
	assert_int_equal(pii_blind_index(&k, PII_KIND_CCCD, "001234567345", a), 0);
	assert_int_equal(pii_blind_index(&k, PII_KIND_CCCD, "001 234 567 345", b), 0);
	assert_string_equal(a, b);
	assert_int_equal(pii_blind_index(&k, PII_KIND_CCCD, "00123456734", b), -1);
	assert_string_equal(b, "");
	assert_int_equal(pii_blind_index(&k, PII_KIND_PHONE, "12", b), -1);
	assert_int_equal(pii_blind_index(&k, (enum pii_kind)9, "0912345678", b), -1);
	assert_int_equal(pii_blind_index(&k, PII_KIND_PHONE, NULL, b), -1);

	/* Known answer: keyed BLAKE2b over domain, kind, value. */
	const char msg[] = "pccc-pii-v1\0phone\0" "0912345678";
	unsigned char h[32];
	char want[65];
	crypto_generichash(h, 32, (const unsigned char *)msg, sizeof msg - 1, k.mac, 32);
	sodium_bin2hex(want, sizeof want, h, 32);
	assert_int_equal(pii_blind_index(&k, PII_KIND_PHONE, "0912345678", a), 0);
	assert_string_equal(a, want);
}

static void test_mask(void **state)
{
	(void)state;
	char out[PII_MASK_BUF];
	assert_int_equal(pii_mask_cccd("001234567345", out), 0);
	assert_string_equal(out, "001******345");
	assert_int_equal(pii_mask_cccd("001 234 567 345", out), 0);
	assert_string_equal(out, "001******345");
	assert_int_equal(pii_mask_phone("0912345678", out), 0);
	assert_string_equal(out, "091****678");
	assert_int_equal(pii_mask_phone("+84912345678", out), 0);
	assert_string_equal(out, "091****678");
	assert_int_equal(pii_mask_cccd("12345", out), -1);
	assert_string_equal(out, "***");
	assert_int_equal(pii_mask_cccd(NULL, out), -1);
	assert_string_equal(out, "***");
	assert_int_equal(pii_mask_phone("garbage 0912345678", out), -1);
	assert_string_equal(out, "***");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cccd_valid),	    cmocka_unit_test(test_cccd_decode),
		cmocka_unit_test(test_cccd_normalize),	    cmocka_unit_test(test_phone),
		cmocka_unit_test(test_key_create_and_load), cmocka_unit_test(test_key_refusals),
		cmocka_unit_test(test_encrypt_roundtrip),   cmocka_unit_test(test_decrypt_refusals),
		cmocka_unit_test(test_blind_index),	    cmocka_unit_test(test_mask),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
