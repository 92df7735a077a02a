/* Tests for core/fold.c: Vietnamese vowels with every tone in both cases,
 * đ/Đ, other Latin letters, decomposed (NFD) input, separators and
 * trimming, invalid UTF-8, and appending to a non-empty buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/fold.h"

static void check(const char *in, const char *want)
{
	char *got = fold_dup(in);
	assert_string_equal(got, want);
	free(got);
}

/* Every character of the UTF-8 string s folds to the single letter want. */
static void check_each(const char *s, char want)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len = strlen(s), count = 0;

	while (i < len) {
		size_t n = 1;
		if (p[i] >= 0xF0)
			n = 4;
		else if (p[i] >= 0xE0)
			n = 3;
		else if (p[i] >= 0xC0)
			n = 2;
		struct buf b = {0};
		fold_text(s + i, n, &b);
		char w[2] = {want, 0};
		if (strcmp(buf_str(&b), w) != 0)
			fail_msg("'%.*s' folded to '%s', want '%c'", (int)n, s + i, buf_str(&b), want);
		buf_free(&b);
		i += n;
		count++;
	}
	assert_true(count > 0);
}

static void test_vietnamese_vowels(void **state)
{
	(void)state;
	check_each("aàáảãạăằắẳẵặâầấẩẫậAÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", 'a');
	check_each("eèéẻẽẹêềếểễệEÈÉẺẼẸÊỀẾỂỄỆ", 'e');
	check_each("iìíỉĩịIÌÍỈĨỊ", 'i');
	check_each("oòóỏõọôồốổỗộơờớởỡợOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", 'o');
	check_each("uùúủũụưừứửữựUÙÚỦŨỤƯỪỨỬỮỰ", 'u');
	check_each("yỳýỷỹỵYỲÝỶỸỴ", 'y');
	check_each("dđDĐ", 'd');
}

static void test_place_names(void **state)
{
	(void)state;
	check("Đống Đa", "dong da");
	check("Khương Đình", "khuong dinh");
	check("Thành phố Hà Nội", "thanh pho ha noi");
	check("ỨNG HÒA", "ung hoa");
	check("Phường Văn Miếu - Quốc Tử Giám", "phuong van mieu quoc tu giam");
	check("Huyện Ea H'Leo", "huyen ea h leo");
	check("Thừa Thiên Huế", "thua thien hue");
	check("Bà Rịa – Vũng Tàu", "ba ria vung tau");
	check("Phường 12", "phuong 12");
	check("ĐẶC KHU CÔN ĐẢO", "dac khu con dao");
}

static void test_spaces_and_punctuation(void **state)
{
	(void)state;
	check("dong  da", "dong da");
	check("  \t Đống,,Đa!! \n", "dong da");
	check("", "");
	check("   ", "");
	check("...", "");
	check("a.b_c-d", "a b c d");
	check("ABC xyz 019", "abc xyz 019");
}

static void test_other_latin(void **state)
{
	(void)state;
	check("Ça ÉTÉ Ñandú Øre Łódź", "ca ete nandu ore lodz");
	check("Straße Æsir Œuvre Þór", "strasse aesir oeuvre thor");
	check("Ǎǐ Ơ", "ai o"); /* Latin Extended-B */
	check("Москва 東京 x", "x"); /* non-Latin letters separate */
	check("a\xE2\x80\x8B" "b", "a b"); /* zero width space is a separator */
}

static void test_decomposed_input(void **state)
{
	(void)state;
	/* "Đống" written with combining marks: o + circumflex + acute. */
	check("\xC4\x90o\xCC\x82\xCC\x81ng \xC4\x90" "a", "dong da");
	check("Ha\xCC\x80 No\xCC\xA3\xCC\x82i", "ha noi");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	check("ab\xFF" "cd", "abcd");
	check("\xC3", "");                  /* truncated */
	check("x\xC3(y", "x y");            /* bad continuation: lead dropped */
	check("\xC0\xAF" "a", "a");         /* overlong '/' */
	check("\xED\xA0\x80" "b", "b");     /* surrogate */
	check("\xF4\x90\x80\x80" "c", "c"); /* above U+10FFFF */
	check("\xE1\xBB" "z", "z");         /* truncated 3-byte */
	check("\x80\x80\x80", "");
	check("\xF0\x9F\x94\xA5 fire", "fire"); /* emoji: separator */
}

static void test_append_and_len(void **state)
{
	(void)state;
	struct buf b = {0};
	buf_puts(&b, "x:");
	fold_text("  Hà Nội  ", strlen("  Hà Nội  "), &b);
	assert_string_equal(buf_str(&b), "x:ha noi");
	buf_reset(&b);
	fold_text("Hà Nội", 3, &b); /* "Hà" only: len is honoured */
	assert_string_equal(buf_str(&b), "ha");
	buf_reset(&b);
	fold_text("a\0b", 3, &b); /* NUL is a separator, not an end */
	assert_string_equal(buf_str(&b), "a b");
	buf_free(&b);
	char *e = fold_dup(NULL);
	assert_string_equal(e, "");
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vietnamese_vowels),
		cmocka_unit_test(test_place_names),
		cmocka_unit_test(test_spaces_and_punctuation),
		cmocka_unit_test(test_other_latin),
		cmocka_unit_test(test_decomposed_input),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_append_and_len),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
