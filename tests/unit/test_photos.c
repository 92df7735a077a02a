/* Unit tests of the pure parts of inspection photos and edit conflicts:
 * the image type by magic bytes (not by name or Content-Type), which
 * request Content-Types may carry a photo, the content-addressed file
 * name, and the If-Match parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "api/conflict.h"
#include "api/photos.h"

static const unsigned char jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0};
static const unsigned char png[] = {0x89, 'P',  'N',  'G',  '\r', '\n', 0x1a, '\n',
				    0,    0,    0,    13,   'I',  'H',  'D',  'R'};
static const unsigned char webp[] = {'R', 'I', 'F', 'F', 0x24, 0, 0, 0,
				     'W', 'E', 'B', 'P', 'V',  'P', '8', ' '};

static void test_sniff_accepts_images(void **state)
{
	(void)state;
	assert_string_equal(photo_sniff_type(jpeg, sizeof jpeg), "image/jpeg");
	assert_string_equal(photo_sniff_type(png, sizeof png), "image/png");
	assert_string_equal(photo_sniff_type(webp, sizeof webp), "image/webp");
}

static void test_sniff_refuses_others(void **state)
{
	(void)state;
	static const char pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
	static const char html[] = "<html><script>alert(1)</script></html>";
	static const unsigned char gif[] = "GIF89a\x01\x00\x01\x00\x00\x00\x00\x00";
	static const unsigned char riff_wav[] = {'R', 'I', 'F', 'F', 0x24, 0, 0, 0,
						 'W', 'A', 'V', 'E', 'f',  'm', 't', ' '};
	assert_null(photo_sniff_type(pdf, sizeof pdf - 1));
	assert_null(photo_sniff_type(html, sizeof html - 1));
	assert_null(photo_sniff_type(gif, sizeof gif - 1));
	assert_null(photo_sniff_type(riff_wav, sizeof riff_wav));
	assert_null(photo_sniff_type(NULL, 0));
	assert_null(photo_sniff_type(jpeg, 2));      /* too short to tell */
	assert_null(photo_sniff_type(png, 8));       /* signature without a chunk */
	assert_null(photo_sniff_type(webp, 12));     /* RIFF/WEBP without VP8 */
	assert_null(photo_sniff_type("", 0));
}

static void test_media_type(void **state)
{
	(void)state;
	assert_true(photo_media_type_ok(NULL));
	assert_true(photo_media_type_ok(""));
	assert_true(photo_media_type_ok("image/jpeg"));
	assert_true(photo_media_type_ok("IMAGE/PNG"));
	assert_true(photo_media_type_ok("image/webp; q=1"));
	assert_true(photo_media_type_ok("application/octet-stream"));
	assert_false(photo_media_type_ok("text/html"));
	assert_false(photo_media_type_ok("application/json"));
	assert_false(photo_media_type_ok("image/svg+xml"));
	assert_false(photo_media_type_ok("image/jpegx"));
	assert_false(photo_media_type_ok("image/jpe"));
}

static void test_rel_path(void **state)
{
	(void)state;
	char out[PHOTO_PATH_MAX];
	const char *sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	assert_int_equal(photo_rel_path(sha, "image/jpeg", out, sizeof out), 0);
	assert_string_equal(out, "photos/01/0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
				 "abcdef.jpg");
	assert_int_equal(photo_rel_path(sha, "image/webp", out, sizeof out), 0);
	assert_non_null(strstr(out, ".webp"));
	assert_int_equal(photo_rel_path(sha, "image/gif", out, sizeof out), -1);
	assert_int_equal(photo_rel_path("../../etc/passwd", "image/png", out, sizeof out), -1);
	char bad[65];
	memcpy(bad, sha, 65);
	bad[10] = 'A'; /* uppercase is not what the store writes */
	assert_int_equal(photo_rel_path(bad, "image/png", out, sizeof out), -1);
	bad[10] = '/';
	assert_int_equal(photo_rel_path(bad, "image/png", out, sizeof out), -1);
	assert_int_equal(photo_rel_path(NULL, "image/png", out, sizeof out), -1);
	assert_int_equal(photo_rel_path(sha, "image/png", out, 20), -1);
}

static void test_if_match(void **state)
{
	(void)state;
	long long v = 0;
	assert_int_equal(conflict_parse_if_match("\"7\"", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(conflict_parse_if_match(" W/\"12\" ", &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(conflict_parse_if_match("3", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(conflict_parse_if_match("*", &v), 0);
	assert_int_equal(v, -1);
	v = 99;
	assert_int_equal(conflict_parse_if_match("\"0\"", &v), -1);
	assert_int_equal(conflict_parse_if_match("\"1\", \"2\"", &v), -1);
	assert_int_equal(conflict_parse_if_match("\"abc\"", &v), -1);
	assert_int_equal(conflict_parse_if_match("\"\"", &v), -1);
	assert_int_equal(conflict_parse_if_match("", &v), -1);
	assert_int_equal(conflict_parse_if_match("\"-4\"", &v), -1);
	assert_int_equal(conflict_parse_if_match("\"99999999999999999999\"", &v), -1);
	assert_int_equal(conflict_parse_if_match(NULL, &v), -1);
	assert_int_equal(v, 99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sniff_accepts_images), cmocka_unit_test(test_sniff_refuses_others),
	    cmocka_unit_test(test_media_type),           cmocka_unit_test(test_rel_path),
	    cmocka_unit_test(test_if_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
