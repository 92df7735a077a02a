/* import_sheet_part (register/importer.h): a sheet checked in parts gives
 * the same rows and the same errors, in the same order, as import_sheet
 * over the whole; header errors come once (with the first part); the CSV
 * reader's runs (quoted and unquoted cells read at once) keep quotes,
 * separators and the cell size limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "register/house.h"
#include "register/importer.h"

static const char *const extra[][2] = {{"id", "Mã định danh nhà"}, {NULL, NULL}};

static const char csv[] = "Mã xã/phường,Đường/phố,Loại nhà,Số tầng\n" /* row 1 */
			  "00364,Phố Huế,Nhà ống,3\n"                     /* 2 */
			  "00364,Phố Huế,Nhà lạ,3\n"                      /* 3: type */
			  ",,,\n"                                         /* 4: blank */
			  "00364,Phố Huế,Nhà ống,ba\n"                    /* 5: floors */
			  "00364,\"Phố \"\"Huế\"\", mới\",Nhà ống,4\n"    /* 6 */
			  "00364,Phố Huế,Nhà ống,5\n";                    /* 7 */

static struct import_spec spec(void)
{
	struct import_spec s = {house_fields, house_check, house_type_vi, extra};
	return s;
}

static void test_parts_same_as_whole(void **state)
{
	(void)state;
	struct sheet sh;
	char err[256];
	struct import_spec sp = spec();
	json_t *rows, *errors, *all = json_array();

	assert_int_equal(sheet_read(csv, strlen(csv), &sh, err, sizeof err), 0);
	assert_int_equal(sh.nrows, 7);
	assert_string_equal(sh.rows[5].cells[1], "Phố \"Huế\", mới");
	/* parts of 2 rows: [0,2) holds the header and row 2, [2,4) rows 3-4 ... */
	int failed = 0;
	for (size_t from = 0; from < sh.nrows; from += 2) {
		int rc = import_sheet_part(&sh, &sp, from, from + 2, &rows, &errors);
		failed |= rc != 0;
		if (rc == 0) {
			assert_non_null(rows);
			json_decref(rows);
		} else {
			assert_null(rows);
		}
		json_array_extend(all, errors);
		json_decref(errors);
	}
	assert_true(failed);
	assert_int_equal(json_array_size(all), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(all, 0), "row")), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(all, 0), "column")),
			    "Loại nhà");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(all, 1), "row")), 5);
	assert_string_equal(json_string_value(json_object_get(json_array_get(all, 1), "column")),
			    "Số tầng");
	/* the last part alone: rows 6 and 7, checked, numbered as in the file */
	assert_int_equal(import_sheet_part(&sh, &sp, 5, 7, &rows, &errors), 0);
	assert_int_equal(json_array_size(rows), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "_row")), 6);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 1), "floors")), 5);
	json_decref(rows);
	json_decref(errors);
	/* a part past the end, or of blank rows only: no rows, no error (the
	 * whole sheet's "no data rows" is the caller's) */
	assert_int_equal(import_sheet_part(&sh, &sp, 3, 4, &rows, &errors), 0);
	assert_int_equal(json_array_size(rows), 0);
	assert_int_equal(json_array_size(errors), 0);
	json_decref(rows);
	json_decref(errors);
	json_decref(all);
	sheet_free(&sh);
}

static void test_header_error_once(void **state)
{
	(void)state;
	struct sheet sh;
	char err[256];
	struct import_spec sp = spec();
	json_t *rows, *errors;
	const char *bad = "Mã xã/phường,Cột lạ\n00364,x\n00364,y\n00364,z\n";

	assert_int_equal(sheet_read(bad, strlen(bad), &sh, err, sizeof err), 0);
	assert_int_equal(import_sheet_part(&sh, &sp, 0, 2, &rows, &errors), -1);
	assert_null(rows);
	assert_int_equal(json_array_size(errors), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 0), "row")), 1);
	json_decref(errors);
	assert_int_equal(import_sheet_part(&sh, &sp, 2, 4, &rows, &errors), -1);
	assert_null(rows);
	assert_int_equal(json_array_size(errors), 0);
	json_decref(errors);
	sheet_free(&sh);
	/* an empty file: "no header row" with the first part only */
	assert_int_equal(sheet_read("", 0, &sh, err, sizeof err), 0);
	assert_int_equal(import_sheet_part(&sh, &sp, 0, 2, &rows, &errors), -1);
	assert_int_equal(json_array_size(errors), 1);
	json_decref(errors);
	assert_int_equal(import_sheet_part(&sh, &sp, 2, 4, &rows, &errors), -1);
	assert_int_equal(json_array_size(errors), 0);
	json_decref(errors);
	sheet_free(&sh);
}

static void test_csv_cell_limit(void **state)
{
	(void)state;
	struct sheet sh;
	char err[256];
	size_t n = SHEET_MAX_CELL + 10;
	char *big = malloc(n + 8);
	/* unquoted: one byte too many is refused, the limit itself is not */
	memset(big, 'a', SHEET_MAX_CELL);
	memcpy(big + SHEET_MAX_CELL, "\n", 2);
	assert_int_equal(sheet_read_csv(big, SHEET_MAX_CELL + 1, &sh, err, sizeof err), 0);
	assert_int_equal(strlen(sh.rows[0].cells[0]), SHEET_MAX_CELL);
	sheet_free(&sh);
	memset(big, 'a', SHEET_MAX_CELL + 1);
	assert_int_equal(sheet_read_csv(big, SHEET_MAX_CELL + 1, &sh, err, sizeof err), -1);
	/* quoted, with doubled quotes inside */
	big[0] = '"';
	memset(big + 1, 'b', n);
	big[5] = '"';
	big[6] = '"';
	big[n] = '"';
	assert_int_equal(sheet_read_csv(big, n + 1, &sh, err, sizeof err), -1);
	assert_int_equal(sheet_read_csv("\"x\"\"y\",\"", 9, &sh, err, sizeof err), -1);
	assert_int_equal(sheet_read_csv("\"x\"\"y\",z", 9, &sh, err, sizeof err), 0);
	assert_string_equal(sh.rows[0].cells[0], "x\"y");
	assert_string_equal(sh.rows[0].cells[1], "z");
	sheet_free(&sh);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parts_same_as_whole),
		cmocka_unit_test(test_header_error_once),
		cmocka_unit_test(test_csv_cell_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
