/* Unit tests for the printed enforcement documents (src/register/forms.c):
 * HTML escaping, Vietnamese dates (leading zeros of administrative
 * documents), amounts in digits and in words, capitals with diacritics,
 * record numbers, and the two renderers: headers, number, parties,
 * results, shortcomings and deadline, signature blocks, escaping of
 * hostile input, refusal of incomplete input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "register/forms.h"

static void test_escape(void **state)
{
	(void)state;
	struct buf b = {0};
	forms_escape(&b, "<a href=\"x\">'T&C'</a>");
	assert_string_equal(buf_str(&b), "&lt;a href=&quot;x&quot;&gt;&#39;T&amp;C&#39;&lt;/a&gt;");
	forms_escape(&b, NULL);
	assert_int_equal(b.len, strlen("&lt;a href=&quot;x&quot;&gt;&#39;T&amp;C&#39;&lt;/a&gt;"));
	buf_free(&b);
}

static void test_dates(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(forms_date_long("2025-08-01", out, sizeof out), 0);
	assert_string_equal(out, "ngày 01 tháng 8 năm 2025");
	assert_int_equal(forms_date_long("2026-02-15", out, sizeof out), 0);
	assert_string_equal(out, "ngày 15 tháng 02 năm 2026");
	assert_int_equal(forms_date_long("2026-01-09", out, sizeof out), 0);
	assert_string_equal(out, "ngày 09 tháng 01 năm 2026");
	assert_int_equal(forms_date_long("2026-12-31", out, sizeof out), 0);
	assert_string_equal(out, "ngày 31 tháng 12 năm 2026");
	assert_int_equal(forms_date_long("2025-02-29", out, sizeof out), -1);
	assert_int_equal(forms_date_long("2024-02-29", out, sizeof out), 0);
	assert_int_equal(forms_date_long("2025-13-01", out, sizeof out), -1);
	assert_int_equal(forms_date_long("25-08-01", out, sizeof out), -1);
	assert_int_equal(forms_date_long(NULL, out, sizeof out), -1);
	assert_non_null(strstr(out, "tháng"));
	forms_date_short("2025-08-01", out, sizeof out);
	assert_string_equal(out, "01/08/2025");
	forms_date_short("garbage", out, sizeof out);
	assert_string_equal(out, "...");
}

static void test_amount_digits(void **state)
{
	(void)state;
	char out[40];
	forms_amount_digits(0, out, sizeof out);
	assert_string_equal(out, "0");
	forms_amount_digits(999, out, sizeof out);
	assert_string_equal(out, "999");
	forms_amount_digits(1000, out, sizeof out);
	assert_string_equal(out, "1.000");
	forms_amount_digits(7500000, out, sizeof out);
	assert_string_equal(out, "7.500.000");
	forms_amount_digits(1000000000000LL, out, sizeof out);
	assert_string_equal(out, "1.000.000.000.000");
	forms_amount_digits(-5, out, sizeof out);
	assert_string_equal(out, "0");
}

static void words_is(long long n, const char *want)
{
	struct buf b = {0};
	assert_int_equal(forms_amount_words(n, &b), 0);
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
}

static void test_amount_words(void **state)
{
	(void)state;
	words_is(0, "Không đồng");
	words_is(5, "Năm đồng");
	words_is(10, "Mười đồng");
	words_is(15, "Mười lăm đồng");
	words_is(21, "Hai mươi mốt đồng");
	words_is(24, "Hai mươi tư đồng");
	words_is(25, "Hai mươi lăm đồng");
	words_is(11, "Mười một đồng");
	words_is(14, "Mười bốn đồng");
	words_is(105, "Một trăm linh năm đồng");
	words_is(110, "Một trăm mười đồng");
	words_is(1000, "Một nghìn đồng");
	words_is(1005, "Một nghìn không trăm linh năm đồng");
	words_is(250000, "Hai trăm năm mươi nghìn đồng");
	words_is(5000000, "Năm triệu đồng");
	words_is(7500000, "Bảy triệu năm trăm nghìn đồng");
	words_is(1005000, "Một triệu không trăm linh năm nghìn đồng");
	words_is(40000000, "Bốn mươi triệu đồng");
	words_is(100000000, "Một trăm triệu đồng");
	words_is(1000000000, "Một tỷ đồng");
	words_is(2005500000, "Hai tỷ không trăm linh năm triệu năm trăm nghìn đồng");
	words_is(2000500000, "Hai tỷ năm trăm nghìn đồng");
	words_is(1000000000000LL, "Một nghìn tỷ đồng");
	struct buf b = {0};
	assert_int_equal(forms_amount_words(-1, &b), -1);
	assert_int_equal(forms_amount_words(1000000000000000LL, &b), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void test_upper_and_number(void **state)
{
	(void)state;
	struct buf b = {0};
	forms_upper(&b, "Phường Khương Đình");
	assert_string_equal(buf_str(&b), "PHƯỜNG KHƯƠNG ĐÌNH");
	buf_reset(&b);
	forms_upper(&b, "xã ứng hòa, thành phố hà nội; ỹ ơ ă ĩ ũ é");
	assert_string_equal(buf_str(&b), "XÃ ỨNG HÒA, THÀNH PHỐ HÀ NỘI; Ỹ Ơ Ă Ĩ Ũ É");
	buf_reset(&b);
	forms_upper(&b, "\xff\xc3"); /* broken UTF-8 is copied, not read past */
	assert_int_equal(b.len, 2);
	buf_free(&b);
	char n[32];
	forms_inspection_number(12, n, sizeof n);
	assert_string_equal(n, "12/BB-PCCC");
}

static json_t *inspection_ctx(const char *kind)
{
	json_t *ctx = json_loads(
	    "{\"number\":\"12/BB-PCCC\",\"agency\":[\"ỦY BAN NHÂN DÂN\",\"PHƯỜNG KHƯƠNG ĐÌNH\"],"
	    "\"place\":\"Hà Nội\",\"target_kind\":\"house\","
	    "\"target\":{\"id\":\"09DXQ1GCCH\",\"id_display\":\"09DX-Q1G-CCH\","
	    "\"address_text\":\"Số 20, Phố Tô Hiệu\",\"house_type_vi\":\"Nhà trọ\",\"floors\":3},"
	    "\"representative\":{\"name\":\"Trần Thị Chủ\",\"role\":\"Chủ hộ\"},"
	    "\"inspection\":{\"id\":124,\"kind\":\"periodic\",\"date\":\"2026-02-05\","
	    "\"inspector\":\"<script>alert(1)</script>\",\"compliance\":\"khong_dam_bao\","
	    "\"results\":[{\"code\":\"LOI_THOAT_NAN_2\",\"result\":\"fail\",\"required\":true,"
	    "\"note\":\"chỉ có 1 cầu thang\"},{\"code\":\"BINH_CHUA_CHAY\",\"result\":\"pass\","
	    "\"required\":true},{\"code\":\"NOT_IN_CATALOGUE\",\"result\":\"not_applicable\"}],"
	    "\"failing_items\":[\"LOI_THOAT_NAN_2\"],\"notes\":\"Ghi chú & thêm\"},"
	    "\"violations\":[{\"item_code\":\"LOI_THOAT_NAN_2\",\"deadline\":\"2026-03-01\"},"
	    "{\"item_code\":\"X\",\"deadline\":\"2026-04-10\"}]}",
	    0, NULL);
	assert_non_null(ctx);
	json_object_set_new(json_object_get(ctx, "inspection"), "kind", json_string(kind));
	return ctx;
}

static void test_render_inspection(void **state)
{
	(void)state;
	struct buf b = {0};
	json_t *ctx = inspection_ctx("periodic");
	assert_int_equal(forms_render_inspection(ctx, &b), 0);
	const char *h = buf_str(&b);
	assert_non_null(strstr(h, "<!doctype html>"));
	assert_non_null(strstr(h, "href=\"/print/forms.css\""));
	assert_null(strstr(h, "style="));
	assert_null(strstr(h, "<script"));
	assert_non_null(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(h, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
	assert_non_null(strstr(h, "Độc lập - Tự do - Hạnh phúc"));
	assert_non_null(strstr(h, "Số: 12/BB-PCCC"));
	assert_non_null(strstr(h, "PHƯỜNG KHƯƠNG ĐÌNH"));
	assert_non_null(strstr(h, "Hà Nội, ngày 05 tháng 02 năm 2026"));
	assert_non_null(strstr(h, "BIÊN BẢN KIỂM TRA"));
	assert_null(strstr(h, "TỰ KIỂM TRA"));
	assert_non_null(strstr(h, "Kiểm tra định kỳ"));
	assert_non_null(strstr(h, "09DX-Q1G-CCH"));
	assert_non_null(strstr(h, "Trần Thị Chủ"));
	assert_non_null(strstr(h, "Có lối thoát nạn thứ hai"));
	assert_non_null(strstr(h, "chỉ có 1 cầu thang"));
	assert_non_null(strstr(h, "NOT_IN_CATALOGUE")); /* unknown code shown as is */
	assert_non_null(strstr(h, "Không áp dụng"));
	assert_non_null(strstr(h, "KHÔNG ĐẢM BẢO"));
	/* the latest deadline of the record's violations */
	assert_non_null(strstr(h, "trước ngày <b>10/04/2026</b>"));
	assert_non_null(strstr(h, "Ghi chú &amp; thêm"));
	assert_non_null(strstr(h, "ĐẠI DIỆN HỘ GIA ĐÌNH"));
	assert_non_null(strstr(h, "ĐẠI DIỆN ĐƠN VỊ KIỂM TRA"));
	assert_null(strstr(h, "photo-appendix"));
	json_decref(ctx);
	buf_free(&b);

	/* photos: an appendix after the signatures, our own URLs only */
	ctx = inspection_ctx("periodic");
	json_object_set_new(ctx, "photos",
			    json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "url",
				      "/api/v1/inspections/124/photos/7", "item", "LOI_THOAT_NAN_2",
				      "url", "javascript:alert(1)", "item", "LOI_THOAT_NAN_2", "url",
				      "/api/v1/inspections/124/photos/9\"onerror=x", "item",
				      "BINH_CHUA_CHAY"));
	assert_int_equal(forms_render_inspection(ctx, &b), 0);
	h = buf_str(&b);
	assert_non_null(strstr(h, "Ảnh chụp kèm theo biên bản"));
	assert_true(strstr(h, "class=\"signatures\"") < strstr(h, "photo-appendix"));
	assert_non_null(strstr(h, "<img src=\"/api/v1/inspections/124/photos/7\" alt=\"Ảnh 1\">"));
	assert_non_null(strstr(h, "Ảnh 1 — Có lối thoát nạn thứ hai"));
	assert_null(strstr(h, "javascript:"));
	assert_null(strstr(h, "9\"onerror"));
	assert_non_null(strstr(h, "9&quot;onerror=x"));
	json_decref(ctx);
	buf_free(&b);

	/* a self-inspection follows form PC02: one signature, its own title */
	ctx = inspection_ctx("self");
	assert_int_equal(forms_render_inspection(ctx, &b), 0);
	assert_non_null(strstr(buf_str(&b), "BIÊN BẢN TỰ KIỂM TRA"));
	assert_non_null(strstr(buf_str(&b), "Mẫu số PC02"));
	assert_non_null(strstr(buf_str(&b), "NGƯỜI KIỂM TRA"));
	assert_null(strstr(buf_str(&b), "ĐẠI DIỆN HỘ GIA ĐÌNH"));
	buf_free(&b);

	/* a passing record has no shortcomings and no deadline line */
	json_t *insp = json_object_get(ctx, "inspection");
	json_object_set_new(insp, "failing_items", json_array());
	json_object_set_new(insp, "compliance", json_string("dam_bao"));
	json_object_del(ctx, "number");
	assert_int_equal(forms_render_inspection(ctx, &b), 0);
	assert_non_null(strstr(buf_str(&b), "Không phát hiện tồn tại"));
	assert_null(strstr(buf_str(&b), "trước ngày"));
	assert_non_null(strstr(buf_str(&b), "ĐẢM BẢO an toàn"));
	assert_non_null(strstr(buf_str(&b), "Số: <span class=\"blank\">"));
	buf_free(&b);

	/* incomplete input: refused, nothing written */
	json_object_del(ctx, "target");
	assert_int_equal(forms_render_inspection(ctx, &b), -1);
	assert_int_equal(b.len, 0);
	json_decref(ctx);
	assert_int_equal(forms_render_inspection(NULL, &b), -1);
}

static void test_render_facility_inspection(void **state)
{
	(void)state;
	struct buf b = {0};
	json_t *ctx = inspection_ctx("unannounced");
	json_object_set_new(ctx, "target_kind", json_string("facility"));
	json_object_set_new(ctx, "target",
			    json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", "CS0000003", "name",
				      "Karaoke Ánh Sao", "address", "Số 5 Phố Vọng", "legal_rep",
				      "Nguyễn Văn Chủ", "category_vi", "Karaoke"));
	json_object_del(ctx, "representative");
	assert_int_equal(forms_render_inspection(ctx, &b), 0);
	const char *h = buf_str(&b);
	assert_non_null(strstr(h, "Kiểm tra đột xuất"));
	assert_non_null(strstr(h, "Karaoke Ánh Sao"));
	assert_non_null(strstr(h, "ĐẠI DIỆN CƠ SỞ ĐƯỢC KIỂM TRA"));
	assert_non_null(strstr(h, "Nguyễn Văn Chủ"));
	assert_non_null(strstr(h, "người đứng đầu cơ sở"));
	json_decref(ctx);
	buf_free(&b);
}

static void test_render_penalty(void **state)
{
	(void)state;
	struct buf b = {0};
	json_t *ctx = json_loads(
	    "{\"agency\":[\"CÔNG AN THÀNH PHỐ HÀ NỘI\",\"PHÒNG CẢNH SÁT PCCC VÀ CNCH\"],"
	    "\"place\":\"Hà Nội\",\"facility\":{\"id\":\"CS0000003\",\"name\":\"Karaoke <b>\","
	    "\"address\":\"Số 5\",\"legal_rep\":\"Nguyễn Văn Chủ\"},\"penalty\":{\"id\":1,"
	    "\"number\":\"01/QĐ-XPHC\",\"date\":\"2026-11-01\",\"amount\":7500000,"
	    "\"legal_basis\":\"Điểm a khoản 2 Điều 10 Nghị định 106/2025/NĐ-CP\","
	    "\"violation\":\"Không duy trì đèn sự cố\",\"deadline\":\"2026-11-15\","
	    "\"issuer\":\"Trưởng phòng\",\"paid\":false}}",
	    0, NULL);
	assert_non_null(ctx);
	assert_int_equal(forms_render_penalty(ctx, &b), 0);
	const char *h = buf_str(&b);
	assert_non_null(strstr(h, "Số: 01/QĐ-XPHC"));
	assert_non_null(strstr(h, "Hà Nội, ngày 01 tháng 11 năm 2026"));
	assert_non_null(strstr(h, "QUYẾT ĐỊNH"));
	assert_non_null(strstr(h, "Xử phạt vi phạm hành chính"));
	assert_non_null(strstr(h, "Nghị định số 106/2025/NĐ-CP"));
	assert_non_null(strstr(h, "Karaoke &lt;b&gt;"));
	assert_non_null(strstr(h, "7.500.000 đồng"));
	assert_non_null(strstr(h, "Bảy triệu năm trăm nghìn đồng"));
	assert_non_null(strstr(h, "Điểm a khoản 2 Điều 10"));
	assert_non_null(strstr(h, "15/11/2026"));
	assert_non_null(strstr(h, "NGƯỜI RA QUYẾT ĐỊNH"));
	assert_non_null(strstr(h, "Nơi nhận"));
	assert_non_null(strstr(h, "chưa nộp phạt"));
	buf_free(&b);
	/* an amount that is not whole đồng, or missing: refused */
	json_object_set_new(json_object_get(ctx, "penalty"), "amount", json_real(1.5));
	assert_int_equal(forms_render_penalty(ctx, &b), -1);
	json_object_set_new(json_object_get(ctx, "penalty"), "amount", json_integer(-1));
	assert_int_equal(forms_render_penalty(ctx, &b), -1);
	json_object_del(ctx, "facility");
	assert_int_equal(forms_render_penalty(ctx, &b), -1);
	assert_int_equal(b.len, 0);
	json_decref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_amount_digits),
	    cmocka_unit_test(test_amount_words),
	    cmocka_unit_test(test_upper_and_number),
	    cmocka_unit_test(test_render_inspection),
	    cmocka_unit_test(test_render_facility_inspection),
	    cmocka_unit_test(test_render_penalty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
