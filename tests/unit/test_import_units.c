/* Tests for the GSO catalogue parser (units_gso_parse) and `pccc import
 * units` (cmd_import): the real catalogue from ../shared/data (PCCC_SHARED,
 * default "../shared" from the repository root) parses without errors;
 * BOM, CRLF, quoted fields with commas, quotes and newlines; every bad row
 * reported by its line; all-or-nothing writes and the exit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "cmd/cmd.h"
#include "cmd/import.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/log.h"
#include "store/store.h"

#define HDR "Mã,Tên,Tên Tiếng Anh,Cấp,Mã QH,Quận Huyện,Mã TP,Tỉnh / Thành Phố\n"

static char *read_shared(const char *name, size_t *len)
{
	const char *shared = getenv("PCCC_SHARED");
	char *path = xasprintf("%s/data/%s", shared && *shared ? shared : "../shared", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (set PCCC_SHARED)", path);
	struct buf b = {0};
	char chunk[65536];
	size_t r;
	while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, r);
	fclose(f);
	free(path);
	*len = b.len;
	return buf_take(&b);
}

static const struct unit_row *find(const struct unit_row *rows, size_t n, const char *level,
				   const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].level, level) == 0 && strcmp(rows[i].code, code) == 0)
			return &rows[i];
	return NULL;
}

static void test_real_catalogue(void **state)
{
	(void)state;
	size_t len, n = 0, counts[3] = {0};
	char *data = read_shared("gso_catalog_legacy_2025-07-18.csv", &len);
	struct unit_row *rows = NULL;
	json_t *errors = NULL;

	assert_memory_equal(data, "\xEF\xBB\xBF", 3); /* the real file has a BOM */
	int rc = units_gso_parse(data, len, &rows, &n, &errors);
	if (rc != 0 || json_array_size(errors) != 0) {
		char *s = json_dumps(json_array_get(errors, 0), 0);
		fail_msg("%zu errors, first %s", json_array_size(errors), s);
	}
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(rows[i].scheme, "legacy");
		counts[rows[i].level[0] == 'p' ? 0 : rows[i].level[0] == 'd' ? 1 : 2]++;
		/* Parents come before their children. */
		if (rows[i].parent) {
			const char *plevel = rows[i].level[0] == 'c' ? "district" : "province";
			const struct unit_row *p = find(rows, i, plevel, rows[i].parent);
			assert_non_null(p);
		}
	}
	/* Every data row of the file is one commune (10,035 rows after the
	 * header); 691 districts have communes, 63 provinces. */
	assert_int_equal(counts[2], 10035);
	assert_int_equal(counts[1], 691);
	assert_int_equal(counts[0], 63);

	const struct unit_row *r = find(rows, n, "commune", "00001");
	assert_non_null(r);
	assert_string_equal(r->name, "Phường Phúc Xá");
	assert_string_equal(r->type, "Phường");
	assert_string_equal(r->parent, "001");
	assert_true(isnan(r->lat));
	assert_int_equal(r->population, -1);
	r = find(rows, n, "district", "001");
	assert_string_equal(r->name, "Quận Ba Đình");
	assert_string_equal(r->type, "Quận");
	assert_string_equal(r->parent, "01");
	r = find(rows, n, "province", "01");
	assert_string_equal(r->name, "Thành phố Hà Nội");
	assert_string_equal(r->type, "Thành phố");
	assert_null(r->parent);
	r = find(rows, n, "province", "02");
	assert_string_equal(r->type, "Tỉnh");
	r = find(rows, n, "commune", "00004");
	assert_string_equal(r->type, "Phường");
	units_gso_free(rows, n);
	json_decref(errors);

	/* The same without its BOM. */
	assert_int_equal(units_gso_parse(data + 3, len - 3, &rows, &n, &errors), 0);
	assert_int_equal(n, 10035 + 691 + 63);
	units_gso_free(rows, n);
	json_decref(errors);
	free(data);
}

static void test_quoting_and_crlf(void **state)
{
	(void)state;
	const char *csv =
		"\xEF\xBB\xBF" "Mã,Tên,Tên Tiếng Anh,Cấp,Mã QH,Quận Huyện,Mã TP,Tỉnh / Thành Phố\r\n"
		"00001,\"Phường \"\"Một\"\", Hai\",\"Ward, \"\"One\"\"\",Phường,001,Quận Ba Đình,01,"
		"Thành phố Hà Nội\r\n"
		"\r\n"
		"\"00004\",\"Phường\nHai Dòng\",,\"Phường\",\"001\",\"Quận Ba Đình\",\"01\","
		"\"Thành phố Hà Nội\"\r\n"
		"7, Xã Bảy ,,Xã,2,Huyện Hai,2,Tỉnh Hai"; /* no final newline; short codes */
	struct unit_row *rows = NULL;
	size_t n = 0;
	json_t *errors = NULL;

	int rc = units_gso_parse(csv, strlen(csv), &rows, &n, &errors);
	if (rc != 0)
		fail_msg("%s", json_dumps(errors, 0));
	assert_int_equal(n, 2 + 2 + 1 + 2);
	const struct unit_row *r = find(rows, n, "commune", "00001");
	assert_string_equal(r->name, "Phường \"Một\", Hai");
	r = find(rows, n, "commune", "00004");
	assert_string_equal(r->name, "Phường\nHai Dòng");
	r = find(rows, n, "commune", "00007"); /* leading zeros restored */
	assert_string_equal(r->name, "Xã Bảy");
	assert_string_equal(r->parent, "002");
	assert_non_null(find(rows, n, "province", "02"));
	r = find(rows, n, "district", "001");
	assert_string_equal(r->parent, "01");
	units_gso_free(rows, n);
	json_decref(errors);
}

/* The error entry for a line, or NULL. */
static json_t *error_at(json_t *errors, int line)
{
	size_t i;
	json_t *e;
	json_array_foreach(errors, i, e) {
		if (json_integer_value(json_object_get(e, "line")) == line)
			return e;
	}
	return NULL;
}

static void expect(json_t *errors, int line, const char *column, const char *text)
{
	json_t *e = error_at(errors, line);
	if (!e)
		fail_msg("no error on line %d: %s", line, json_dumps(errors, 0));
	const char *msg = json_string_value(json_object_get(e, "message"));
	if (!strstr(msg, text))
		fail_msg("line %d: '%s' lacks '%s'", line, msg, text);
	if (column)
		assert_string_equal(json_string_value(json_object_get(e, "column")), column);
}

static void test_bad_rows(void **state)
{
	(void)state;
	const char *csv =
		HDR                                                                   /* 1 */
		"00001,Phường Phúc Xá,,Phường,001,Quận Ba Đình,01,Thành phố Hà Nội\n" /* 2 ok */
		"00004,Phường Trúc Bạch,,Phường,001,Quận Ba Đình,01\n"                 /* 3 */
		",Phường Không Mã,,Phường,001,Quận Ba Đình,01,Thành phố Hà Nội\n"     /* 4 */
		"0A006,Phường Chữ,,Phường,001,Quận Ba Đình,01,Thành phố Hà Nội\n"     /* 5 */
		"00007,Làng Cổ,,Làng,001,Quận Ba Đình,01,Thành phố Hà Nội\n"          /* 6 */
		"00001,Phường Phúc Xá,,Phường,001,Quận Ba Đình,01,Thành phố Hà Nội\n" /* 7 */
		"00010,Phường Mười,,Phường,001,Quận Khác,01,Thành phố Hà Nội\n"       /* 8 */
		"00013,,,Xã,002,Huyện Hai,01,Thành phố Hà Nội\n"                      /* 9 */
		"00016,Xã Dài,,Xã,1234,Huyện Hai,01,Thành phố Hà Nội\n"               /* 10 */
		"00019,Xã Lạ,,Xã,003,Vùng Ba,01,Thành phố Hà Nội\n"                   /* 11 */
		"00022,Xã \xFF,,Xã,003,Huyện Ba,01,Thành phố Hà Nội\n"                /* 12 */
		"00025,\"Xã \"Sai\",,Xã,003,Huyện Ba,01,Thành phố Hà Nội\n"           /* 13 */
		"00028,Xã Tốt,,Xã,004,Huyện Bốn,02,Tỉnh Hai\n"                        /* 14 ok */
		"00031,Xã Tỉnh,,Xã,005,Huyện Năm,02,Tỉnh Khác\n"                      /* 15 */
		"00034,Xã Đặc,,,005,Huyện Năm,02,Tỉnh Hai\n"                          /* 16 */
		"00037,Xã Cuối,,Xã,006,Huyện Sáu,02,\"Tỉnh Hai";                     /* 17 */
	struct unit_row *rows = (struct unit_row *)1;
	size_t n = 99;
	json_t *errors = NULL;

	assert_int_equal(units_gso_parse(csv, strlen(csv), &rows, &n, &errors), -1);
	assert_null(rows);
	assert_int_equal(n, 0);
	assert_null(error_at(errors, 1));
	assert_null(error_at(errors, 2));
	expect(errors, 3, NULL, "có 7 cột, cần 8");
	expect(errors, 4, "Mã", "thiếu mã xã");
	expect(errors, 5, "Mã", "phải gồm 5 chữ số");
	expect(errors, 6, "Cấp", "cấp «Làng» không hợp lệ");
	expect(errors, 7, "Mã", "trùng với dòng 2");
	expect(errors, 8, "Quận Huyện", "khác với «Quận Ba Đình» ở dòng 2");
	expect(errors, 9, "Tên", "thiếu tên xã");
	expect(errors, 10, "Mã QH", "phải gồm 3 chữ số");
	expect(errors, 11, "Quận Huyện", "không bắt đầu bằng Quận");
	expect(errors, 12, "Tên", "UTF-8");
	expect(errors, 13, NULL, "dấu ngoặc kép");
	assert_null(error_at(errors, 14));
	expect(errors, 15, "Tỉnh / Thành Phố", "khác với «Tỉnh Hai» ở dòng 14");
	expect(errors, 16, "Cấp", "thiếu cấp");
	expect(errors, 17, NULL, "thiếu dấu ngoặc kép đóng");
	/* Messages carry English after Vietnamese. */
	assert_non_null(strstr(json_string_value(json_object_get(error_at(errors, 3), "message")),
			       " / has 7 columns"));
	json_decref(errors);
}

static void test_several_errors_one_row(void **state)
{
	(void)state;
	const char *csv = HDR "x,,,Làng,y,,z,\n";
	struct unit_row *rows = NULL;
	size_t n = 0;
	json_t *errors = NULL;

	assert_int_equal(units_gso_parse(csv, strlen(csv), &rows, &n, &errors), -1);
	/* Mã, Tên, Cấp, Mã QH, Quận Huyện, Mã TP, Tỉnh / Thành Phố */
	assert_int_equal(json_array_size(errors), 7);
	json_decref(errors);
}

static void test_header_and_empty(void **state)
{
	(void)state;
	struct unit_row *rows = NULL;
	size_t n = 0;
	json_t *errors = NULL;
	const char *cases[] = {
		"",
		"\xEF\xBB\xBF",
		"Code,Name,English,Level,District code,District,Province code,Province\n"
		"00001,Phường Phúc Xá,,Phường,001,Quận Ba Đình,01,Thành phố Hà Nội\n",
		"Mã;Tên;Tên Tiếng Anh;Cấp;Mã QH;Quận Huyện;Mã TP;Tỉnh / Thành Phố\n",
		HDR,
		HDR "\n\n",
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_int_equal(units_gso_parse(cases[i], strlen(cases[i]), &rows, &n, &errors),
				 -1);
		assert_true(json_array_size(errors) >= 1);
		assert_null(rows);
		json_decref(errors);
	}
	assert_int_equal(units_gso_parse(cases[2], strlen(cases[2]), &rows, &n, &errors), -1);
	expect(errors, 1, NULL, "dòng tiêu đề");
	json_decref(errors);
	/* Embedded NUL bytes are refused, not read past. */
	const char nul[] = HDR "00001,Phường\0X,,Phường,001,Quận Ba Đình,01,Thành phố Hà Nội\n";
	assert_int_equal(units_gso_parse(nul, sizeof nul - 1, &rows, &n, &errors), -1);
	expect(errors, 2, "Tên", "UTF-8");
	json_decref(errors);
}

static void test_error_cap(void **state)
{
	(void)state;
	struct buf b = {0};
	struct unit_row *rows = NULL;
	size_t n = 0;
	json_t *errors = NULL;

	buf_puts(&b, HDR);
	for (int i = 0; i < 1500; i++)
		buf_puts(&b, "bad\n");
	assert_int_equal(units_gso_parse(b.data, b.len, &rows, &n, &errors), -1);
	assert_int_equal(json_array_size(errors), UNITS_GSO_MAX_ERRORS + 1);
	json_t *last = json_array_get(errors, UNITS_GSO_MAX_ERRORS);
	assert_true(json_is_null(json_object_get(last, "line")));
	assert_non_null(strstr(json_string_value(json_object_get(last, "message")), "500 lỗi khác"));
	json_decref(errors);
	buf_free(&b);
}

/* ---- the command, on a real store ------------------------------------- */

struct cmd_fixture {
	char dir[64], db[96], csv[96], out[96], err[96];
	struct app app;
};

static int cmd_setup(void **state)
{
	struct cmd_fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/pccc_import_XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof f->db, "%s/t.db", f->dir);
	snprintf(f->csv, sizeof f->csv, "%s/in.csv", f->dir);
	snprintf(f->out, sizeof f->out, "%s/out.txt", f->dir);
	snprintf(f->err, sizeof f->err, "%s/err.txt", f->dir);
	if (store_open(f->db, &f->app.store) != 0 || store_migrate(f->app.store, NULL) != 0)
		return -1;
	*state = f;
	return 0;
}

static int cmd_teardown(void **state)
{
	struct cmd_fixture *f = *state;
	char p[128];
	store_close(f->app.store);
	const char *files[] = {"t.db", "t.db-wal", "t.db-shm", "in.csv", "out.txt", "err.txt"};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(p, sizeof p, "%s/%s", f->dir, files[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = {0};
	char chunk[4096];
	size_t r;
	assert_non_null(fp);
	while ((r = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_append(&b, chunk, r);
	fclose(fp);
	return buf_take(&b);
}

/* Runs `import KIND FILE` with stdout/stderr captured into files. */
static int run_import(struct cmd_fixture *f, const char *kind, const char *file)
{
	char *argv[] = {"import", (char *)(uintptr_t)kind, (char *)(uintptr_t)file, NULL};
	fflush(stdout);
	fflush(stderr);
	int so = dup(1), se = dup(2);
	FILE *o = freopen(f->out, "w", stdout), *e = freopen(f->err, "w", stderr);
	assert_non_null(o);
	assert_non_null(e);
	int rc = cmd_import(&f->app, file ? 3 : 2, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	return rc;
}

static void test_cmd_import(void **state)
{
	struct cmd_fixture *f = *state;
	json_t *u = NULL;

	/* A bad row: exit 1, errors one per line, nothing written. */
	write_file(f->csv, HDR
		   "00001,Phường Phúc Xá,,Phường,001,Quận Ba Đình,01,Thành phố Hà Nội\n"
		   "00004,Phường Trúc Bạch,,Phường,01A,Quận Ba Đình,01,Thành phố Hà Nội\n");
	assert_int_equal(run_import(f, "units", f->csv), 1);
	char *err = slurp(f->err);
	assert_non_null(strstr(err, "dòng 3: mã quận/huyện «01A» phải gồm 3 chữ số"));
	free(err);
	assert_int_equal(store_unit_get(f->app.store, "legacy", "00001", &u), STORE_NOT_FOUND);
	assert_int_equal(store_unit_get(f->app.store, "legacy", "01", &u), STORE_NOT_FOUND);

	/* Good: exit 0, a count, the three levels written. */
	write_file(f->csv, HDR
		   "00001,Phường Phúc Xá,,Phường,001,Quận Ba Đình,01,Thành phố Hà Nội\n"
		   "00004,Phường Trúc Bạch,,Phường,001,Quận Ba Đình,01,Thành phố Hà Nội\n");
	assert_int_equal(run_import(f, "units", f->csv), 0);
	char *out = slurp(f->out);
	assert_non_null(strstr(out, "Đã nhập 4 đơn vị"));
	free(out);
	assert_int_equal(store_unit_get(f->app.store, "legacy", "00004", &u), STORE_OK);
	assert_string_equal(json_string_value(json_object_get(u, "name")), "Phường Trúc Bạch");
	assert_string_equal(json_string_value(json_object_get(u, "parent")), "001");
	json_decref(u);
	assert_int_equal(store_unit_get(f->app.store, "legacy", "001", &u), STORE_OK);
	assert_string_equal(json_string_value(json_object_get(u, "type")), "Quận");
	json_decref(u);

	/* Usage errors: exit 2. */
	assert_int_equal(run_import(f, "bogus", f->csv), 2);
	assert_int_equal(run_import(f, "units", NULL), 2);
	/* A missing file: exit 1 with the reason. */
	assert_int_equal(run_import(f, "units", "/nonexistent/x.csv"), 1);
	err = slurp(f->err);
	assert_non_null(strstr(err, "không đọc được tệp"));
	free(err);
}

static void test_cmd_import_real_over_seed(void **state)
{
	struct cmd_fixture *f = *state;
	char *shared = getenv("PCCC_SHARED");
	char *path = xasprintf("%s/data/gso_catalog_legacy_2025-07-18.csv",
			       shared && *shared ? shared : "../shared");
	int loaded = 0;
	json_t *u = NULL;

	assert_int_equal(store_units_seed(f->app.store, &loaded), 0);
	assert_int_equal(run_import(f, "units", path), 0);
	char *out = slurp(f->out);
	assert_non_null(strstr(out, "10789 đơn vị"));
	free(out);
	/* The catalogue agrees with the seed; successors and 2025 untouched. */
	assert_int_equal(store_unit_get(f->app.store, "legacy", "00364", &u), STORE_OK);
	assert_string_equal(json_string_value(json_object_get(u, "name")), "Phường Khương Đình");
	assert_int_equal(json_array_size(json_object_get(u, "successors")), 2);
	json_decref(u);
	assert_int_equal(store_unit_get(f->app.store, "2025", "00364", &u), STORE_OK);
	assert_int_equal(json_integer_value(json_object_get(u, "population")), 86286);
	json_decref(u);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_catalogue),
		cmocka_unit_test(test_quoting_and_crlf),
		cmocka_unit_test(test_bad_rows),
		cmocka_unit_test(test_several_errors_one_row),
		cmocka_unit_test(test_header_and_empty),
		cmocka_unit_test(test_error_cap),
		cmocka_unit_test_setup_teardown(test_cmd_import, cmd_setup, cmd_teardown),
		cmocka_unit_test_setup_teardown(test_cmd_import_real_over_seed, cmd_setup,
						cmd_teardown),
	};
	log_set_level(LOG_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
