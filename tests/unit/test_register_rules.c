/* Unit tests of the register's pure rules: field validation (record.c),
 * house and facility rules, the declaration workflow, the spreadsheet
 * readers (CSV and XLSX) and row checking of imports, and the QR PNG. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zip.h>

#include "core/clock.h"
#include "register/facility.h"
#include "register/house.h"
#include "register/importer.h"
#include "register/qr.h"
#include "register/record.h"

static json_t *J(const char *s)
{
	json_t *j = json_loads(s, 0, NULL);
	assert_non_null(j);
	return j;
}

static void check_house(const char *body, int create, int ok, const char *field)
{
	struct rec_error e = {0};
	json_t *j = J(body);
	int rc = house_check(j, create, &e);
	if (ok) {
		if (rc != 0)
			fail_msg("%s refused: %s %s", body, e.field, e.message);
	} else {
		assert_int_equal(rc, -1);
		if (field)
			assert_string_equal(e.field, field);
		assert_non_null(strstr(e.message, " / "));
	}
	json_decref(j);
}

#define BASE "\"unit\":\"00364\",\"street\":\"Phố Huế\",\"house_type\":\"tube_house\""

static void test_house_fields(void **state)
{
	(void)state;
	check_house("{" BASE "}", 1, 1, NULL);
	check_house("{\"street\":\"Phố Huế\",\"house_type\":\"tube_house\"}", 1, 0, "unit");
	check_house("{\"unit\":\"00364\",\"street\":\"x\"}", 1, 0, "house_type");
	check_house("{" BASE ",\"unit\":\"364\"}", 1, 0, NULL); /* duplicate key: last wins */
	check_house("{\"unit\":\"364\",\"street\":\"x\",\"house_type\":\"other\"}", 1, 0, "unit");
	check_house("{" BASE ",\"floors\":0}", 1, 0, "floors");
	check_house("{" BASE ",\"floors\":101}", 1, 0, "floors");
	check_house("{" BASE ",\"floors\":2.5}", 1, 0, "floors");
	check_house("{" BASE ",\"floors\":\"3\"}", 1, 0, "floors");
	check_house("{" BASE ",\"lat\":21.0,\"lon\":105.8}", 1, 1, NULL);
	check_house("{" BASE ",\"lat\":21.0}", 1, 0, "lon");
	check_house("{" BASE ",\"lat\":60.0,\"lon\":105.8}", 1, 0, "lat");
	check_house("{" BASE ",\"colour\":\"red\"}", 1, 0, "colour");
	check_house("{" BASE ",\"second_escape\":1}", 1, 0, "second_escape");
	check_house("{" BASE ",\"house_type\":\"castle\"}", 1, 0, "house_type");
	check_house("{" BASE ",\"unit\":null}", 1, 0, "unit");
	check_house("{" BASE ",\"notes\":\"a\\u0001b\"}", 1, 0, "notes");
	/* a patch needs no required field, and is not checked against rules */
	check_house("{\"floors\":3}", 0, 1, NULL);
	check_house("{\"escape_hatch\":true}", 0, 1, NULL);
}

static void test_house_rules(void **state)
{
	(void)state;
	check_house("{" BASE ",\"escape_hatch\":true}", 1, 0, "escape_hatch");
	check_house("{" BASE ",\"escape_hatch\":true,\"barred_windows\":true}", 1, 1, NULL);
	check_house("{" BASE ",\"occupants\":3,\"vulnerable_elderly\":4}", 1, 0,
		    "vulnerable_elderly");
	check_house("{" BASE ",\"occupants\":3,\"vulnerable_elderly\":3,\"vulnerable_bedridden\":1}",
		    1, 1, NULL);
	check_house("{\"unit\":\"00364\",\"street\":\"x\",\"house_type\":\"mini_apartment\","
		    "\"floors\":1}",
		    1, 0, "floors");
	check_house("{" BASE ",\"exits\":1,\"second_escape\":true}", 1, 0, "exits");
	check_house("{" BASE ",\"exits\":2,\"second_escape\":true}", 1, 1, NULL);
	check_house("{\"unit\":\"00364\",\"house_type\":\"other\"}", 1, 0, "street");
	/* year built: the injected clock decides what "future" is */
	clock_set_fake(1735689600000LL); /* 2025-01-01 */
	check_house("{" BASE ",\"year_built\":2026}", 1, 1, NULL);
	check_house("{" BASE ",\"year_built\":2027}", 1, 0, "year_built");
	clock_set_real();
}

static void test_house_address_and_workflow(void **state)
{
	(void)state;
	char *a = house_address_line("12", "Ngách 3, Ngõ 105", "Phố Huế", "Phường Hai Bà Trưng");
	assert_string_equal(a, "Số 12, Ngách 3, Ngõ 105 Phố Huế, Phường Hai Bà Trưng");
	free(a);
	a = house_address_line(NULL, NULL, "Phố Huế", NULL);
	assert_string_equal(a, "Phố Huế");
	free(a);
	assert_true(house_transition_ok("draft", "declare"));
	assert_true(house_transition_ok("returned", "declare"));
	assert_true(house_transition_ok("declared", "verify"));
	assert_true(house_transition_ok("declared", "return"));
	assert_false(house_transition_ok("draft", "verify"));
	assert_false(house_transition_ok("verified", "return"));
	assert_false(house_transition_ok("returned", "verify"));
	assert_false(house_transition_ok("draft", "burn"));
	json_t *t = house_template("mini_apartment");
	assert_non_null(t);
	assert_true(json_array_size(t) > 10);
	json_decref(t);
	assert_null(house_template("castle"));
	assert_string_equal(house_type_vi("boarding_house"), "Nhà trọ");
	assert_null(house_type_vi("facility"));
}

static void check_fac(const char *body, int ok, const char *field)
{
	struct rec_error e = {0};
	json_t *j = J(body);
	int rc = facility_check(j, 1, &e);
	if (ok) {
		if (rc != 0)
			fail_msg("%s refused: %s %s", body, e.field, e.message);
	} else {
		assert_int_equal(rc, -1);
		if (field)
			assert_string_equal(e.field, field);
	}
	json_decref(j);
}

#define PH "\"contacts\":[\"0912345678\",\"0987654321\",{\"name\":\"Bảo vệ\",\"phone\":\"+84 90 111 2222\"}]"

static void test_facility_rules(void **state)
{
	(void)state;
	check_fac("{\"category\":\"hotel\",\"name\":\"KS\",\"unit\":\"00364\"," PH "}", 1, NULL);
	check_fac("{\"category\":\"hotel\",\"name\":\"KS\",\"unit\":\"00364\","
		  "\"contacts\":[\"0912345678\",\"0987654321\"]}",
		  0, "contacts");
	check_fac("{\"category\":\"hotel\",\"name\":\"KS\",\"unit\":\"00364\","
		  "\"contacts\":[\"0912345678\",\"0912345678\",\"0987654321\"]}",
		  0, "contacts");
	check_fac("{\"category\":\"hotel\",\"name\":\"KS\",\"unit\":\"00364\","
		  "\"contacts\":[\"0212345678\",\"0912345678\",\"0987654321\"]}",
		  0, "contacts");
	check_fac("{\"category\":\"pl1_10\",\"name\":\"KS\",\"unit\":\"00364\"," PH "}", 0,
		  "category");
	check_fac("{\"category_scheme\":\"136/2020\",\"category\":\"pl1_10\",\"name\":\"KS\","
		  "\"unit\":\"00364\"," PH "}",
		  1, NULL);
	check_fac("{\"category\":\"hotel\",\"name\":\"KS\",\"unit\":\"00364\"," PH
		  ",\"transmitter_connected\":true}",
		  0, "transmitter_connected");
	check_fac("{\"category\":\"hotel\",\"name\":\"KS\",\"unit\":\"00364\"," PH
		  ",\"systems\":[\"fire_alarm\"],\"transmitter_connected\":true}",
		  1, NULL);
	check_fac("{\"category\":\"hotel\",\"name\":\"KS\",\"unit\":\"00364\"," PH
		  ",\"systems\":[\"fire_alarm\",\"fire_alarm\"]}",
		  0, "systems");
	check_fac("{\"category\":\"hotel\",\"name\":\"KS\",\"unit\":\"00364\"," PH
		  ",\"floors\":10,\"height_m\":5}",
		  0, "height_m");
	check_fac("{\"category\":\"hotel\",\"name\":\"KS\",\"unit\":\"00364\"," PH
		  ",\"design_approval\":{\"number\":\"1/TD\",\"date\":\"2019-02-30\"}}",
		  0, "design_approval");
	check_fac("{\"category\":\"hotel\",\"name\":\"KS\",\"unit\":\"00364\"," PH
		  ",\"house_id\":\"7K3M-Q9X-2BU\"}",
		  0, "house_id");

	json_t *j = J("{\"category\":\"hotel\",\"name\":\"KS\",\"unit\":\"00364\"," PH "}");
	struct rec_error e;
	assert_int_equal(facility_check(j, 1, &e), 0);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(json_object_get(j, "contacts"), 2), "phone")),
			    "0901112222");
	json_decref(j);

	json_t *sys = J("[\"fire_alarm\"]"), *none = J("[\"extinguishers\"]");
	assert_true(facility_must_connect("105/2025", "hotel", sys));
	assert_false(facility_must_connect("105/2025", "hotel", none));
	assert_false(facility_must_connect("105/2025", "fuel_gas", sys));
	assert_false(facility_must_connect("105/2025", "nope", sys));
	json_decref(sys);
	json_decref(none);
}

static void test_dates_and_cells(void **state)
{
	(void)state;
	assert_true(rec_date_valid("2024-02-29"));
	assert_false(rec_date_valid("2023-02-29"));
	assert_false(rec_date_valid("2024-13-01"));
	assert_false(rec_date_valid("2024-1-01"));
	assert_false(rec_date_valid(NULL));
	clock_set_fake(1735689600000LL - 3600000LL); /* 2024-12-31 23:00 UTC = 2025-01-01 06:00 +7 */
	char d[11];
	rec_today(d);
	assert_string_equal(d, "2025-01-01");
	clock_set_real();

	struct rec_error e;
	json_t *v;
	const struct rec_field *f = rec_find(house_fields, "floor_area");
	assert_int_equal(rec_from_text(f, " 12,5 ", NULL, &v, &e), 0);
	assert_true(json_real_value(v) == 12.5);
	json_decref(v);
	assert_int_equal(rec_from_text(f, "12a", NULL, &v, &e), -1);
	assert_int_equal(rec_from_text(f, "   ", NULL, &v, &e), 0);
	assert_null(v);
	f = rec_find(house_fields, "barred_windows");
	assert_int_equal(rec_from_text(f, "Có", NULL, &v, &e), 0);
	assert_true(json_is_true(v));
	json_decref(v);
	assert_int_equal(rec_from_text(f, "KHÔNG", NULL, &v, &e), 0);
	assert_true(json_is_false(v));
	json_decref(v);
	assert_int_equal(rec_from_text(f, "maybe", NULL, &v, &e), -1);
	f = rec_find(house_fields, "house_type");
	assert_int_equal(rec_from_text(f, "nha o ket hop san xuat, kinh doanh", house_type_vi, &v,
					&e),
			 0);
	assert_string_equal(json_string_value(v), "home_business");
	json_decref(v);
	f = rec_find(house_fields, "floors");
	assert_int_equal(rec_from_text(f, "3.5", NULL, &v, &e), -1);
	f = rec_find(facility_fields, "contacts");
	assert_int_equal(rec_from_text(f, "Chủ cơ sở: 0912 345 678; Bảo vệ 0987654321; 0901112222",
					NULL, &v, &e),
			 0);
	assert_int_equal(json_array_size(v), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "name")),
			    "Chủ cơ sở");
	assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "phone")),
			    "0912 345 678");
	json_decref(v);
	f = rec_find(facility_fields, "design_approval");
	assert_int_equal(rec_from_text(f, "12/TD; 2020-01-02; PC07", NULL, &v, &e), 0);
	assert_string_equal(json_string_value(json_object_get(v, "issuer")), "PC07");
	json_decref(v);
}

static void test_csv_reader(void **state)
{
	(void)state;
	struct sheet sh;
	char err[256];
	const char *csv = "\xEF\xBB\xBF"
			  "a;b;c\r\n1;\"x;\"\"y\"\"\";3\n\n4;\"multi\nline\";6";
	assert_int_equal(sheet_read_csv(csv, strlen(csv), &sh, err, sizeof err), 0);
	assert_int_equal(sh.nrows, 4);
	assert_string_equal(sh.rows[0].cells[0], "a");
	assert_string_equal(sh.rows[1].cells[1], "x;\"y\"");
	assert_int_equal(sh.rows[3].row, 4);
	assert_string_equal(sh.rows[3].cells[1], "multi\nline");
	sheet_free(&sh);
	const char *bad = "a,b\n1,\"open";
	assert_int_equal(sheet_read_csv(bad, strlen(bad), &sh, err, sizeof err), -1);
	assert_non_null(strstr(err, "ngoặc kép"));
	assert_int_equal(sh.nrows, 0);
}

static const char *const extra[][2] = {{"id", "Mã định danh nhà"}, {NULL, NULL}};

static void test_import_rows(void **state)
{
	(void)state;
	struct sheet sh;
	char err[256];
	json_t *rows, *errors;
	struct import_spec spec = {house_fields, house_check, house_type_vi, extra};
	const char *csv = "Mã xã/phường,Đường/phố,Loại nhà,Số tầng,Có chuồng cọp,Chuồng cọp có ô thoát nạn\n"
			  "00364,Phố Huế,Nhà ống,3,có,có\n"
			  "00364,Phố Huế,Nhà lạ,3,,\n"
			  ",,,,,\n"
			  "00364,Phố Huế,Nhà ống,ba,,\n"
			  "00364,Phố Huế,Nhà ống,3,không,có\n";
	assert_int_equal(sheet_read(csv, strlen(csv), &sh, err, sizeof err), 0);
	assert_int_equal(import_sheet(&sh, &spec, &rows, &errors), -1);
	assert_null(rows);
	assert_int_equal(json_array_size(errors), 3);
	json_t *e0 = json_array_get(errors, 0), *e1 = json_array_get(errors, 1),
	       *e2 = json_array_get(errors, 2);
	assert_int_equal(json_integer_value(json_object_get(e0, "row")), 3);
	assert_string_equal(json_string_value(json_object_get(e0, "column")), "Loại nhà");
	assert_int_equal(json_integer_value(json_object_get(e1, "row")), 5);
	assert_string_equal(json_string_value(json_object_get(e1, "column")), "Số tầng");
	assert_int_equal(json_integer_value(json_object_get(e2, "row")), 6);
	assert_string_equal(json_string_value(json_object_get(e2, "column")),
			    "Chuồng cọp có ô thoát nạn");
	json_decref(errors);
	sheet_free(&sh);

	const char *good = "unit,street,house_type,Mã định danh nhà\n00364,Phố Huế,tube_house,7K3M\n";
	assert_int_equal(sheet_read(good, strlen(good), &sh, err, sizeof err), 0);
	assert_int_equal(import_sheet(&sh, &spec, &rows, &errors), 0);
	assert_int_equal(json_array_size(rows), 1);
	json_t *r0 = json_array_get(rows, 0);
	assert_string_equal(json_string_value(json_object_get(r0, "id")), "7K3M");
	assert_int_equal(json_integer_value(json_object_get(r0, "_row")), 2);
	json_decref(rows);
	json_decref(errors);
	sheet_free(&sh);

	const char *hdr = "unit,wat\n00364,1\n";
	assert_int_equal(sheet_read(hdr, strlen(hdr), &sh, err, sizeof err), 0);
	assert_int_equal(import_sheet(&sh, &spec, &rows, &errors), -1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 0), "row")), 1);
	json_decref(errors);
	sheet_free(&sh);

	assert_int_equal(sheet_read("", 0, &sh, err, sizeof err), 0);
	assert_int_equal(import_sheet(&sh, &spec, &rows, &errors), -1);
	json_decref(errors);
	sheet_free(&sh);
}

/* A minimal XLSX written with libzip. */
static void *make_xlsx(size_t *len, const char *sheet_xml, const char *ss_xml)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_source_keep(src);
	zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	const char *names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
			       "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"};
	const char *data[] = {
	    "<workbook xmlns:r=\"r\"><sheets><sheet name=\"A\" r:id=\"rId1\"/></sheets></workbook>",
	    "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>"
	    "</Relationships>",
	    sheet_xml, ss_xml};
	for (int i = 0; i < 4; i++) {
		if (!data[i])
			continue;
		zip_source_t *s = zip_source_buffer(z, data[i], strlen(data[i]), 0);
		zip_file_add(z, names[i], s, ZIP_FL_OVERWRITE);
	}
	zip_close(z);
	zip_source_open(src);
	zip_source_seek(src, 0, SEEK_END);
	zip_int64_t n = zip_source_tell(src);
	zip_source_seek(src, 0, SEEK_SET);
	void *buf = malloc((size_t)n);
	zip_source_read(src, buf, (zip_uint64_t)n);
	zip_source_close(src);
	zip_source_free(src);
	*len = (size_t)n;
	return buf;
}

static void test_xlsx_reader(void **state)
{
	(void)state;
	struct sheet sh;
	char err[256];
	size_t len;
	void *x = make_xlsx(&len,
			    "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
			    "<c r=\"C1\" t=\"inlineStr\"><is><t>Số tầng</t></is></c></row>"
			    "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>1</v></c><c r=\"C3\"><v>4</v></c>"
			    "<c r=\"D3\" t=\"b\"><v>1</v></c></row></sheetData></worksheet>",
			    "<sst><si><t>Mã xã/phường</t></si><si><r><t>003</t></r><r><t>64</t></r>"
			    "<rPh><t>x</t></rPh></si></sst>");
	assert_int_equal(sheet_read(x, len, &sh, err, sizeof err), 0);
	assert_int_equal(sh.nrows, 2);
	assert_string_equal(sh.rows[0].cells[0], "Mã xã/phường");
	assert_string_equal(sh.rows[0].cells[1], "");
	assert_string_equal(sh.rows[0].cells[2], "Số tầng");
	assert_int_equal(sh.rows[1].row, 3);
	assert_string_equal(sh.rows[1].cells[0], "00364");
	assert_string_equal(sh.rows[1].cells[2], "4");
	assert_string_equal(sh.rows[1].cells[3], "true");
	sheet_free(&sh);
	free(x);

	/* a shared string index out of range, a DOCTYPE, garbage */
	x = make_xlsx(&len, "<worksheet><sheetData><row r=\"1\"><c t=\"s\"><v>9</v></c></row>"
			    "</sheetData></worksheet>",
		      "<sst><si><t>a</t></si></sst>");
	assert_int_equal(sheet_read(x, len, &sh, err, sizeof err), -1);
	free(x);
	x = make_xlsx(&len, "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet/>", NULL);
	assert_int_equal(sheet_read(x, len, &sh, err, sizeof err), -1);
	free(x);
	assert_int_equal(sheet_read("PK\x03\x04zz", 6, &sh, err, sizeof err), -1);
	assert_non_null(strstr(err, "XLSX"));
}

static void test_qr_png(void **state)
{
	(void)state;
	unsigned char *png;
	size_t len;
	assert_int_equal(qr_png("http://127.0.0.1/#/houses/7K3MQ9X2BD", 4, 4, &png, &len), 0);
	assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
	assert_memory_equal(png + 12, "IHDR", 4);
	unsigned w = (unsigned)png[16] << 24 | png[17] << 16 | png[18] << 8 | png[19];
	assert_true(w >= (21 + 8) * 4);
	assert_memory_equal(png + len - 8, "IEND", 4);
	free(png);
	assert_int_equal(qr_png("", 4, 4, &png, &len), -1);
	assert_int_equal(qr_png("x", 0, 4, &png, &len), -1);
	/* the writer alone: CRC of IEND is the well-known AE426082 */
	unsigned char bits[2] = {0x80, 0x00};
	assert_int_equal(qr_png_write(bits, 2, 2, &png, &len), 0);
	assert_memory_equal(png + len - 4, "\xAE\x42\x60\x82", 4);
	free(png);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_house_fields),
		cmocka_unit_test(test_house_rules),
		cmocka_unit_test(test_house_address_and_workflow),
		cmocka_unit_test(test_facility_rules),
		cmocka_unit_test(test_dates_and_cells),
		cmocka_unit_test(test_csv_reader),
		cmocka_unit_test(test_import_rows),
		cmocka_unit_test(test_xlsx_reader),
		cmocka_unit_test(test_qr_png),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
