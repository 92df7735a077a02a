/* Unit tests for the digital house ID (src/register/houseid.c): shape and
 * determinism of generated IDs, exhaustive error detection (every single
 * substitution and every transposition over 20,000 IDs), the scramble
 * being a bijection, normalisation of typed input, display grouping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "register/houseid.h"

#define NIDS 20000

static const char alphabet[] = HOUSEID_ALPHABET;

/* xorshift64: deterministic serials spread over the whole range */
static uint64_t rng_state = UINT64_C(0x2545f4914f6cdd1d);

static uint64_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Serial number i of the test set: small ones, big ones, random ones. */
static uint64_t test_serial(int i)
{
	if (i < 5000)
		return (uint64_t)i;
	if (i < 6000)
		return HOUSEID_SERIAL_MAX - (uint64_t)(i - 5000);
	return rng_next() & HOUSEID_SERIAL_MAX;
}

/* Reference GF(32) arithmetic written differently from the module
 * (carry-less multiply then reduce), to check the check character. */
static unsigned ref_gf_mul(unsigned a, unsigned b)
{
	unsigned r = 0;
	for (int i = 0; i < 5; i++)
		if (b & (1u << i))
			r ^= a << i;
	for (int i = 9; i >= 5; i--)
		if (r & (1u << i))
			r ^= 0x25u << (i - 5);
	return r;
}

static unsigned ref_value(char c)
{
	const char *p = strchr(alphabet, c);
	assert_non_null(p);
	return (unsigned)(p - alphabet);
}

static void test_alphabet(void **state)
{
	(void)state;
	assert_int_equal(strlen(alphabet), 32);
	for (const char *p = "ILOU"; *p; p++)
		assert_null(strchr(alphabet, *p));
	for (int i = 0; i < 32; i++)
		assert_null(strchr(alphabet + i + 1, alphabet[i]));
}

static void test_make_shape(void **state)
{
	char id[HOUSEID_MAX], again[HOUSEID_MAX];
	(void)state;
	for (int i = 0; i < 2000; i++) {
		uint64_t s = test_serial(i);
		assert_int_equal(houseid_make(s, id), 0);
		assert_int_equal(strlen(id), HOUSEID_LEN);
		assert_int_equal(strspn(id, alphabet), HOUSEID_LEN);
		assert_int_equal(houseid_make(s, again), 0);
		assert_string_equal(id, again);
	}
}

static void test_make_range(void **state)
{
	char id[HOUSEID_MAX];
	(void)state;
	assert_int_equal(houseid_make(HOUSEID_SERIAL_MAX, id), 0);
	assert_true(houseid_valid(id));
	memset(id, 'x', sizeof id);
	assert_int_equal(houseid_make(HOUSEID_SERIAL_MAX + 1, id), -1);
	assert_string_equal(id, "");
	assert_int_equal(houseid_make(UINT64_MAX, id), -1);
	assert_int_equal(houseid_make(0, NULL), -1);
}

/* IDs already issued must never change: pin a few. If this fails, the
 * scramble or the check changed and every printed door label is wrong. */
static void test_make_pinned(void **state)
{
	static const struct {
		uint64_t serial;
		const char *id;
	} pinned[] = {
		{ 0, "KKZSYF6CE4" },
		{ 1, "PPCWWB1PW7" },
		{ 2, "3RSN666N44" },
		{ 123456789, "XAVNFF3DRA" },
		{ HOUSEID_SERIAL_MAX, "MANA1DYYJQ" },
	};
	char id[HOUSEID_MAX];
	(void)state;
	for (size_t i = 0; i < sizeof pinned / sizeof pinned[0]; i++) {
		assert_int_equal(houseid_make(pinned[i].serial, id), 0);
		assert_string_equal(id, pinned[i].id);
	}
}

/* The check character agrees with an independent computation of
 * sum v_i * x^(9-i) = 0 over GF(32). */
static void test_check_reference(void **state)
{
	char id[HOUSEID_MAX];
	unsigned w[HOUSEID_LEN];
	(void)state;
	w[HOUSEID_LEN - 1] = 1;
	for (int i = HOUSEID_LEN - 2; i >= 0; i--)
		w[i] = ref_gf_mul(w[i + 1], 2);
	for (int i = 0; i < HOUSEID_LEN; i++)
		for (int j = i + 1; j < HOUSEID_LEN; j++)
			assert_int_not_equal(w[i], w[j]);
	for (int i = 0; i < NIDS; i++) {
		assert_int_equal(houseid_make(test_serial(i), id), 0);
		unsigned sum = 0;
		for (int k = 0; k < HOUSEID_LEN; k++)
			sum ^= ref_gf_mul(w[k], ref_value(id[k]));
		assert_int_equal(sum, 0);
	}
}

/* Every single-character substitution of every one of 20,000 IDs, by
 * every other alphabet character, is refused as a check error. */
static void test_every_substitution(void **state)
{
	char id[HOUSEID_MAX], bad[HOUSEID_MAX], out[HOUSEID_MAX];
	long tried = 0;
	(void)state;
	rng_state = UINT64_C(0x2545f4914f6cdd1d);
	for (int i = 0; i < NIDS; i++) {
		assert_int_equal(houseid_make(test_serial(i), id), 0);
		assert_int_equal(houseid_normalize(id, out), HOUSEID_OK);
		for (int pos = 0; pos < HOUSEID_LEN; pos++) {
			for (int a = 0; a < 32; a++) {
				if (alphabet[a] == id[pos])
					continue;
				memcpy(bad, id, sizeof bad);
				bad[pos] = alphabet[a];
				if (houseid_normalize(bad, out) != HOUSEID_ECHECK)
					fail_msg("substitution %s -> %s accepted", id, bad);
				tried++;
			}
		}
	}
	assert_int_equal(tried, (long)NIDS * HOUSEID_LEN * 31);
}

/* Typing a look-alike letter (I, L, O) where the ID holds another
 * character is still one substitution and is refused. */
static void test_lookalike_substitution(void **state)
{
	char id[HOUSEID_MAX], bad[HOUSEID_MAX];
	(void)state;
	for (int i = 0; i < 2000; i++) {
		assert_int_equal(houseid_make(test_serial(i), id), 0);
		for (int pos = 0; pos < HOUSEID_LEN; pos++) {
			for (const char *p = "ILOilo"; *p; p++) {
				char as = (*p == 'O' || *p == 'o') ? '0' : '1';
				if (id[pos] == as)
					continue;
				memcpy(bad, id, sizeof bad);
				bad[pos] = *p;
				assert_int_equal(houseid_normalize(bad, NULL), HOUSEID_ECHECK);
			}
		}
	}
}

/* Every swap of two different characters is refused: adjacent swaps (the
 * requirement) and, as the design promises, swaps at any distance. */
static void test_every_transposition(void **state)
{
	char id[HOUSEID_MAX], bad[HOUSEID_MAX];
	long adjacent = 0;
	(void)state;
	rng_state = UINT64_C(0x2545f4914f6cdd1d);
	for (int i = 0; i < NIDS; i++) {
		assert_int_equal(houseid_make(test_serial(i), id), 0);
		for (int p = 0; p < HOUSEID_LEN; p++) {
			for (int q = p + 1; q < HOUSEID_LEN; q++) {
				if (id[p] == id[q])
					continue;
				memcpy(bad, id, sizeof bad);
				bad[p] = id[q];
				bad[q] = id[p];
				if (houseid_normalize(bad, NULL) != HOUSEID_ECHECK)
					fail_msg("swap %d,%d %s -> %s accepted", p, q, id, bad);
				if (q == p + 1)
					adjacent++;
			}
		}
	}
	/* nearly every ID has 9 adjacent pairs of different characters */
	assert_true(adjacent > (long)NIDS * 8);
}

/* Besides generated IDs: for every payload state reachable before two
 * adjacent positions, the two orders differ — i.e. the property holds for
 * all IDs, not only those sampled. The state before positions (p, p+1) is
 * any GF(32) element s; after them it is s*x^2 + a*x + b. */
static void test_transposition_all_states(void **state)
{
	(void)state;
	for (unsigned s = 0; s < 32; s++)
		for (unsigned a = 0; a < 32; a++)
			for (unsigned b = 0; b < 32; b++) {
				if (a == b)
					continue;
				unsigned ab = ref_gf_mul(s, 4) ^ ref_gf_mul(a, 2) ^ b;
				unsigned ba = ref_gf_mul(s, 4) ^ ref_gf_mul(b, 2) ^ a;
				assert_int_not_equal(ab, ba);
			}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* The scramble is a bijection: houseid_serial inverts houseid_make on a
 * contiguous range and on random serials, and IDs on a range are all
 * distinct. */
static void test_bijection(void **state)
{
	enum { N = 100000 };
	char(*ids)[HOUSEID_MAX] = calloc(N, HOUSEID_MAX);
	uint64_t back;
	(void)state;
	assert_non_null(ids);
	for (uint64_t s = 0; s < N; s++) {
		assert_int_equal(houseid_make(s, ids[s]), 0);
		assert_int_equal(houseid_serial(ids[s], &back), HOUSEID_OK);
		assert_true(back == s);
	}
	qsort(ids, N, HOUSEID_MAX, cmp_str);
	for (int i = 1; i < N; i++)
		assert_int_not_equal(strcmp(ids[i - 1], ids[i]), 0);
	free(ids);

	char id[HOUSEID_MAX];
	for (int i = 0; i < 100000; i++) {
		uint64_t s = rng_next() & HOUSEID_SERIAL_MAX;
		assert_int_equal(houseid_make(s, id), 0);
		assert_int_equal(houseid_serial(id, &back), HOUSEID_OK);
		assert_true(back == s);
	}
	assert_int_equal(houseid_make(HOUSEID_SERIAL_MAX, id), 0);
	assert_int_equal(houseid_serial(id, &back), HOUSEID_OK);
	assert_true(back == HOUSEID_SERIAL_MAX);
}

/* Neighbouring serials do not give look-alike IDs. */
static void test_scramble_spreads(void **state)
{
	char a[HOUSEID_MAX], b[HOUSEID_MAX];
	int same_prefix = 0;
	(void)state;
	assert_int_equal(houseid_make(0, a), 0);
	for (uint64_t s = 1; s <= 1000; s++) {
		assert_int_equal(houseid_make(s, b), 0);
		if (memcmp(a, b, 3) == 0)
			same_prefix++;
		memcpy(a, b, sizeof a);
	}
	/* by chance about 1000/32768; consecutive encoding would give ~1000 */
	assert_true(same_prefix < 5);
}

static void test_serial_errors(void **state)
{
	uint64_t s = 77;
	char id[HOUSEID_MAX];
	(void)state;
	assert_int_equal(houseid_serial(NULL, &s), HOUSEID_EFORMAT);
	assert_int_equal(houseid_serial("12345", &s), HOUSEID_EFORMAT);
	assert_int_equal(houseid_make(42, id), 0);
	id[3] = id[3] == 'A' ? 'B' : 'A';
	assert_int_equal(houseid_serial(id, &s), HOUSEID_ECHECK);
	assert_true(s == 77);
}

static void test_normalize_forms(void **state)
{
	char id[HOUSEID_MAX], in[64], out[HOUSEID_MAX];
	unsigned flags = 99;
	(void)state;
	assert_int_equal(houseid_make(987654321, id), 0);

	/* canonical in, canonical out */
	assert_int_equal(houseid_normalize_flags(id, out, &flags), HOUSEID_OK);
	assert_string_equal(out, id);
	assert_int_equal(flags, 0);

	/* lower case */
	for (int i = 0; i < HOUSEID_MAX && id[i]; i++)
		in[i] = (char)((id[i] >= 'A' && id[i] <= 'Z') ? id[i] + 32 : id[i]);
	in[HOUSEID_LEN] = '\0';
	assert_int_equal(houseid_normalize(in, out), HOUSEID_OK);
	assert_string_equal(out, id);

	/* hyphens and spaces anywhere, including leading/trailing/repeated */
	snprintf(in, sizeof in, "  %.4s - %.3s--%.3s  ", id, id + 4, id + 7);
	assert_int_equal(houseid_normalize(in, out), HOUSEID_OK);
	assert_string_equal(out, id);

	/* the display form reads back */
	assert_int_equal(houseid_format_display(id, in), HOUSEID_OK);
	assert_int_equal(houseid_normalize(in, out), HOUSEID_OK);
	assert_string_equal(out, id);

	/* out may be NULL */
	assert_int_equal(houseid_normalize(id, NULL), HOUSEID_OK);
	assert_int_equal(houseid_normalize_flags(id, out, NULL), HOUSEID_OK);
}

/* I and L read as 1, O as 0, with the flag set; found by searching for
 * IDs that contain the digits. */
static void test_normalize_lookalikes(void **state)
{
	char id[HOUSEID_MAX], in[HOUSEID_MAX], out[HOUSEID_MAX];
	unsigned flags;
	int seen0 = 0, seen1 = 0;
	(void)state;
	for (uint64_t s = 0; s < 5000 && !(seen0 && seen1); s++) {
		assert_int_equal(houseid_make(s, id), 0);
		for (int pos = 0; pos < HOUSEID_LEN; pos++) {
			const char *subs = id[pos] == '0' ? "Oo" : id[pos] == '1' ? "IiLl" : "";
			for (const char *p = subs; *p; p++) {
				memcpy(in, id, sizeof in);
				in[pos] = *p;
				flags = 0;
				assert_int_equal(houseid_normalize_flags(in, out, &flags), HOUSEID_OK);
				assert_string_equal(out, id);
				assert_int_equal(flags, HOUSEID_F_MAPPED);
				if (id[pos] == '0')
					seen0 = 1;
				else
					seen1 = 1;
			}
		}
	}
	assert_true(seen0);
	assert_true(seen1);
}

static void test_normalize_rejects(void **state)
{
	char id[HOUSEID_MAX], in[64], out[HOUSEID_MAX];
	(void)state;
	assert_int_equal(houseid_make(555, id), 0);

	strcpy(out, "junk");
	assert_int_equal(houseid_normalize(NULL, out), HOUSEID_EFORMAT);
	assert_string_equal(out, "");
	assert_int_equal(houseid_normalize("", out), HOUSEID_EFORMAT);
	assert_int_equal(houseid_normalize("- -  --", out), HOUSEID_EFORMAT);

	/* one character short, one too many */
	snprintf(in, sizeof in, "%.9s", id);
	assert_int_equal(houseid_normalize(in, out), HOUSEID_EFORMAT);
	snprintf(in, sizeof in, "%s0", id);
	assert_int_equal(houseid_normalize(in, out), HOUSEID_EFORMAT);
	snprintf(in, sizeof in, "%s%s", id, id);
	assert_int_equal(houseid_normalize(in, out), HOUSEID_EFORMAT);

	/* U (Crockford reserves it), punctuation, tab, other separators */
	const char *badchars[] = { "U", "u", "*", "_", "\t", ".", "/", "~", "=", "$" };
	for (size_t i = 0; i < sizeof badchars / sizeof badchars[0]; i++) {
		memcpy(in, id, HOUSEID_LEN + 1);
		in[5] = badchars[i][0];
		assert_int_equal(houseid_normalize(in, out), HOUSEID_EFORMAT);
		assert_string_equal(out, "");
		/* inserted between valid characters: not a separator either */
		snprintf(in, sizeof in, "%.5s%c%s", id, badchars[i][0], id + 5);
		assert_int_equal(houseid_normalize(in, out), HOUSEID_EFORMAT);
	}
	/* non-ASCII: "Đ" and a stray high byte */
	snprintf(in, sizeof in, "%.9s\xc4\x90", id);
	assert_int_equal(houseid_normalize(in, out), HOUSEID_EFORMAT);
	snprintf(in, sizeof in, "%.5s\xff%s", id, id + 5);
	assert_int_equal(houseid_normalize(in, out), HOUSEID_EFORMAT);

	/* a valid-looking but wrong check: a check error, not a format one */
	memcpy(in, id, HOUSEID_LEN + 1);
	in[9] = in[9] == 'Z' ? 'Y' : 'Z';
	strcpy(out, "junk");
	assert_int_equal(houseid_normalize(in, out), HOUSEID_ECHECK);
	assert_string_equal(out, "");
	assert_false(houseid_valid(in));
}

static void test_valid(void **state)
{
	char id[HOUSEID_MAX], disp[HOUSEID_MAX];
	(void)state;
	assert_int_equal(houseid_make(31337, id), 0);
	assert_true(houseid_valid(id));
	assert_int_equal(houseid_format_display(id, disp), HOUSEID_OK);
	assert_true(houseid_valid(disp));
	assert_false(houseid_valid(NULL));
	assert_false(houseid_valid(""));
	assert_false(houseid_valid("0000000001"));
	/* all zeros is a valid codeword of the check (sum 0); it is the ID of
	 * whatever serial scrambles to payload 0 */
	assert_true(houseid_valid("0000000000"));
}

static void test_format_display(void **state)
{
	char id[HOUSEID_MAX], disp[HOUSEID_MAX];
	(void)state;
	assert_int_equal(houseid_make(2025, id), 0);
	assert_int_equal(houseid_format_display(id, disp), HOUSEID_OK);
	assert_int_equal(strlen(disp), 12);
	assert_int_equal(disp[4], '-');
	assert_int_equal(disp[8], '-');
	assert_memory_equal(disp, id, 4);
	assert_memory_equal(disp + 5, id + 4, 3);
	assert_memory_equal(disp + 9, id + 7, 3);

	/* already grouped, lower case in: same display out */
	char in[HOUSEID_MAX + 8];
	snprintf(in, sizeof in, "%.2s %.8s", id, id + 2);
	for (char *p = in; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	char disp2[HOUSEID_MAX];
	assert_int_equal(houseid_format_display(in, disp2), HOUSEID_OK);
	assert_string_equal(disp2, disp);

	/* errors leave "" */
	strcpy(disp, "junk");
	assert_int_equal(houseid_format_display("ABC", disp), HOUSEID_EFORMAT);
	assert_string_equal(disp, "");
	id[0] = id[0] == '7' ? '8' : '7';
	assert_int_equal(houseid_format_display(id, disp), HOUSEID_ECHECK);
	assert_string_equal(disp, "");
	assert_int_equal(houseid_format_display(NULL, NULL), HOUSEID_EFORMAT);
}

static void test_error_texts(void **state)
{
	(void)state;
	int rcs[] = { HOUSEID_OK, HOUSEID_EFORMAT, HOUSEID_ECHECK };
	for (size_t i = 0; i < 3; i++) {
		assert_non_null(houseid_error_vi(rcs[i]));
		assert_non_null(houseid_error_en(rcs[i]));
		for (size_t j = 0; j < i; j++) {
			assert_string_not_equal(houseid_error_vi(rcs[i]), houseid_error_vi(rcs[j]));
			assert_string_not_equal(houseid_error_en(rcs[i]), houseid_error_en(rcs[j]));
		}
	}
	assert_non_null(strstr(houseid_error_vi(HOUSEID_ECHECK), "ký tự kiểm tra"));
	assert_non_null(strstr(houseid_error_vi(HOUSEID_EFORMAT), "định dạng"));
	assert_string_equal(houseid_error_vi(-99), houseid_error_vi(HOUSEID_EFORMAT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alphabet),
		cmocka_unit_test(test_make_shape),
		cmocka_unit_test(test_make_range),
		cmocka_unit_test(test_make_pinned),
		cmocka_unit_test(test_check_reference),
		cmocka_unit_test(test_every_substitution),
		cmocka_unit_test(test_lookalike_substitution),
		cmocka_unit_test(test_every_transposition),
		cmocka_unit_test(test_transposition_all_states),
		cmocka_unit_test(test_bijection),
		cmocka_unit_test(test_scramble_spreads),
		cmocka_unit_test(test_serial_errors),
		cmocka_unit_test(test_normalize_forms),
		cmocka_unit_test(test_normalize_lookalikes),
		cmocka_unit_test(test_normalize_rejects),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_format_display),
		cmocka_unit_test(test_error_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
