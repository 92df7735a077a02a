/* Tests for the store's SQLite backend and administrative units: migrations,
 * meta, the embedded seed (both schemes, successors), get, list by scheme,
 * level and parent, folded search and its order, keyset cursors, children,
 * successors, all-or-nothing upserts, the units generation (also across two
 * store handles on one file) and connections used from several threads.
 * Each test runs on a fresh SQLite file in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/fold.h"
#include "core/log.h"
#include "store/db.h"
#include "store/store.h"

struct fixture {
	char dir[64];
	char path[96];
	struct store *st;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/pccc_units_XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	if (store_open(f->path, &f->st) != STORE_OK)
		return -1;
	*state = f;
	return 0;
}

/* The seeded database is built once (group setup) and copied per test. */
static char template_dir[64], template_path[96];

static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char b[65536];
	size_t n;
	int rc = in && out ? 0 : -1;
	while (rc == 0 && (n = fread(b, 1, sizeof b, in)) > 0)
		if (fwrite(b, 1, n, out) != n)
			rc = -1;
	if (in)
		fclose(in);
	if (out && fclose(out) != 0)
		rc = -1;
	return rc;
}

static int group_setup(void **state)
{
	(void)state;
	struct store *st = NULL;
	int applied = 0, loaded = 0;
	snprintf(template_dir, sizeof template_dir, "/tmp/pccc_units_tpl_XXXXXX");
	if (!mkdtemp(template_dir))
		return -1;
	snprintf(template_path, sizeof template_path, "%s/seeded.db", template_dir);
	if (store_open(template_path, &st) != STORE_OK)
		return -1;
	if (store_migrate(st, &applied) != STORE_OK || store_units_seed(st, &loaded) != 0 ||
	    loaded != 14149)
		return -1;
	store_close(st); /* checkpoints the WAL into the file */
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	char p[128];
	const char *suffix[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", template_path, suffix[i]);
		unlink(p);
	}
	rmdir(template_dir);
	return 0;
}

static int setup_seeded(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	int applied = -1, loaded = -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/pccc_units_XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	if (copy_file(template_path, f->path) != 0 || store_open(f->path, &f->st) != STORE_OK)
		return -1;
	*state = f;
	/* Already migrated and seeded: both are no-ops. */
	if (store_migrate(f->st, &applied) != STORE_OK || applied != 0 ||
	    store_units_seed(f->st, &loaded) != 0 || loaded != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[128];
	store_close(f->st);
	const char *suffix[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", f->path, suffix[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	clock_set_real();
	return 0;
}

/* Lists everything matching q (following cursors with page size limit);
 * returns the concatenated items. */
static json_t *list_all(struct store *st, struct unit_query q, int limit, int *pages)
{
	json_t *all = json_array();
	char *cursor = NULL;
	int n = 0;
	q.limit = limit;
	for (;;) {
		json_t *items = NULL;
		char *next = NULL;
		q.cursor = cursor;
		assert_int_equal(store_unit_list(st, &q, &items, &next), STORE_OK);
		if (limit > 0)
			assert_true(json_array_size(items) <= (size_t)limit);
		json_array_extend(all, items);
		json_decref(items);
		free(cursor);
		cursor = next;
		n++;
		if (!cursor)
			break;
		for (const char *p = cursor; *p; p++)
			assert_true((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
				    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-');
		assert_true(n < 1000);
	}
	if (pages)
		*pages = n;
	return all;
}

static size_t count_units(struct store *st, const char *scheme, const char *level,
			  const char *parent)
{
	struct unit_query q = {.scheme = scheme, .level = level, .parent = parent};
	json_t *all = list_all(st, q, 0, NULL);
	size_t n = json_array_size(all);
	json_decref(all);
	return n;
}

static const char *sget(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void test_migrate_and_meta(void **state)
{
	struct fixture *f = *state;
	int applied = -1;
	char *v = NULL;

	assert_string_equal(store_backend_name(f->st), "sqlite");
	assert_int_equal(store_migrate(f->st, &applied), STORE_OK);
	assert_true(applied >= 1);
	assert_int_equal(store_migrate(f->st, &applied), STORE_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(store_migrate(f->st, NULL), STORE_OK);

	assert_int_equal(store_meta_get(f->st, "nope", &v), STORE_OK);
	assert_null(v);
	assert_int_equal(store_meta_set(f->st, "k", "một"), STORE_OK);
	assert_int_equal(store_meta_set(f->st, "k", "hai"), STORE_OK);
	assert_int_equal(store_meta_get(f->st, "k", &v), STORE_OK);
	assert_string_equal(v, "hai");
	free(v);

	/* A second handle on the same file sees the migrations as applied. */
	struct store *st2 = NULL;
	assert_int_equal(store_open(f->path, &st2), STORE_OK);
	assert_int_equal(store_migrate(st2, &applied), STORE_OK);
	assert_int_equal(applied, 0);
	store_close(st2);
}

static void test_open_errors(void **state)
{
	(void)state;
	struct store *st = (struct store *)1;
	log_set_level(LOG_ERROR + 1);
	assert_int_equal(store_open("/nonexistent-dir/x/y.db", &st), STORE_ERROR);
	assert_null(st);
	assert_int_equal(store_open("", &st), STORE_ERROR);
	assert_int_equal(store_open("postgres://u@h/db", &st), STORE_ERROR);
	log_set_level(LOG_WARN);
}

static void test_seed(void **state)
{
	struct fixture *f = *state;
	int loaded = -1;
	char ver[40], *have = NULL;

	assert_int_equal(store_migrate(f->st, NULL), STORE_OK);
	assert_int_equal(store_units_seed(f->st, &loaded), STORE_OK);
	assert_int_equal(loaded, 34 + 3321 + 63 + 696 + 10035);
	assert_int_equal(store_units_seed(f->st, &loaded), STORE_OK);
	assert_int_equal(loaded, 0); /* same version: nothing to do */

	assert_int_equal(store_units_seed_version(ver, sizeof ver), 0);
	assert_int_equal(store_meta_get(f->st, "units_seed_version", &have), STORE_OK);
	assert_string_equal(have, ver);
	free(have);
	/* A different stored version reloads. */
	assert_int_equal(store_meta_set(f->st, "units_seed_version", "old"), STORE_OK);
	assert_int_equal(store_units_seed(f->st, &loaded), STORE_OK);
	assert_int_equal(loaded, 14149);

	assert_int_equal(count_units(f->st, "2025", "province", NULL), 34);
	assert_int_equal(count_units(f->st, "2025", "commune", NULL), 3321);
	assert_int_equal(count_units(f->st, "legacy", "province", NULL), 63);
	assert_int_equal(count_units(f->st, "legacy", "district", NULL), 696);
	assert_int_equal(count_units(f->st, "legacy", "commune", NULL), 10035);
	assert_int_equal(count_units(f->st, "2025", "commune", "01"), 126);
	assert_int_equal(count_units(f->st, "legacy", "district", "01"), 30);
	assert_int_equal(count_units(f->st, NULL, NULL, NULL), 14149);
}

static void test_get(void **state)
{
	struct fixture *f = *state;
	json_t *u = NULL;

	assert_int_equal(store_unit_get(f->st, "2025", "01", &u), STORE_OK);
	assert_string_equal(sget(u, "name"), "Thành phố Hà Nội");
	assert_string_equal(sget(u, "type"), "Thành phố");
	assert_string_equal(sget(u, "level"), "province");
	assert_string_equal(sget(u, "scheme"), "2025");
	assert_true(json_is_null(json_object_get(u, "parent")));
	assert_true(json_is_null(json_object_get(u, "population")));
	assert_true(json_is_real(json_object_get(u, "lat")));
	assert_null(json_object_get(u, "successors"));
	json_decref(u);

	assert_int_equal(store_unit_get(f->st, NULL, "00364", &u), STORE_OK); /* default 2025 */
	assert_string_equal(sget(u, "name"), "Phường Khương Đình");
	assert_string_equal(sget(u, "type"), "Phường");
	assert_string_equal(sget(u, "parent"), "01");
	assert_string_equal(sget(u, "code"), "00364");
	assert_int_equal(json_integer_value(json_object_get(u, "population")), 86286);
	assert_true(fabs(json_real_value(json_object_get(u, "area_km2")) - 3.1) < 1e-9);
	assert_true(fabs(json_real_value(json_object_get(u, "lat")) - 20.991) < 1e-9);
	assert_true(fabs(json_real_value(json_object_get(u, "lon")) - 105.815) < 1e-9);
	assert_null(json_object_get(u, "successors"));
	json_decref(u);

	/* The same code in the legacy scheme is another unit. */
	assert_int_equal(store_unit_get(f->st, "legacy", "00364", &u), STORE_OK);
	assert_string_equal(sget(u, "scheme"), "legacy");
	assert_string_equal(sget(u, "level"), "commune");
	assert_string_equal(sget(u, "parent"), "009");
	assert_true(json_is_null(json_object_get(u, "lat")));
	json_t *succ = json_object_get(u, "successors");
	assert_true(json_is_array(succ));
	assert_int_equal(json_array_size(succ), 2); /* divided: Phương Liệt, Khương Đình */
	assert_string_equal(sget(json_array_get(succ, 0), "code"), "00352");
	assert_string_equal(sget(json_array_get(succ, 0), "name"), "Phường Phương Liệt");
	assert_string_equal(sget(json_array_get(succ, 1), "code"), "00364");
	assert_string_equal(sget(json_array_get(succ, 1), "name"), "Phường Khương Đình");
	json_decref(u);

	assert_int_equal(store_unit_get(f->st, "legacy", "006", &u), STORE_OK);
	assert_string_equal(sget(u, "name"), "Quận Đống Đa");
	assert_string_equal(sget(u, "level"), "district");
	assert_string_equal(sget(u, "type"), "Quận");
	assert_null(json_object_get(u, "successors"));
	json_decref(u);

	u = (json_t *)1;
	assert_int_equal(store_unit_get(f->st, "2025", "99999", &u), STORE_NOT_FOUND);
	assert_null(u);
	assert_int_equal(store_unit_get(f->st, "legacy", "1", &u), STORE_NOT_FOUND);
	assert_int_equal(store_unit_get(f->st, "2025", "", &u), STORE_NOT_FOUND);
	assert_int_equal(store_unit_get(f->st, "2025", "0' OR '1'='1", &u), STORE_NOT_FOUND);
	/* Leading zeros are part of the code. */
	assert_int_equal(store_unit_get(f->st, "2025", "364", &u), STORE_NOT_FOUND);
}

static int has_unit(json_t *items, const char *scheme, const char *code)
{
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *u = json_array_get(items, i);
		if (strcmp(sget(u, "scheme"), scheme) == 0 && strcmp(sget(u, "code"), code) == 0)
			return (int)i + 1;
	}
	return 0;
}

static void check_order(json_t *items)
{
	int seen_legacy = 0;
	for (size_t i = 0; i < json_array_size(items); i++) {
		int legacy = strcmp(sget(json_array_get(items, i), "scheme"), "legacy") == 0;
		if (seen_legacy)
			assert_true(legacy); /* 2025 before legacy */
		seen_legacy |= legacy;
	}
}

static void test_search(void **state)
{
	struct fixture *f = *state;
	struct unit_query q = {.q = "dong da"};
	json_t *items = list_all(f->st, q, 0, NULL);

	int p2025 = has_unit(items, "2025", "00235"), pdist = has_unit(items, "legacy", "006");
	assert_true(p2025 > 0);
	assert_true(pdist > 0);
	assert_true(p2025 < pdist);
	check_order(items);
	/* Every result has both words starting a word of its name. */
	for (size_t i = 0; i < json_array_size(items); i++) {
		char *fn = fold_dup(sget(json_array_get(items, i), "name"));
		char *padded = xasprintf(" %s", fn);
		assert_non_null(strstr(padded, " dong"));
		assert_non_null(strstr(padded, " da"));
		free(padded);
		free(fn);
	}
	/* Exact matches first within a scheme: "Phường Đống Đa" leads 2025. */
	assert_int_equal(p2025, 1);
	json_t *first_legacy = NULL;
	for (size_t i = 0; i < json_array_size(items); i++) {
		if (strcmp(sget(json_array_get(items, i), "scheme"), "legacy") == 0) {
			first_legacy = json_array_get(items, i);
			break;
		}
	}
	assert_non_null(first_legacy);
	assert_string_equal(sget(first_legacy, "name"), "Quận Đống Đa");
	json_decref(items);

	/* Diacritics and case in the query do not matter. */
	q.q = "ĐỐNG   ĐA";
	json_t *again = list_all(f->st, q, 0, NULL);
	q.q = "dong da";
	items = list_all(f->st, q, 0, NULL);
	assert_true(json_equal(items, again));
	json_decref(again);
	json_decref(items);

	q.q = "khuong dinh";
	items = list_all(f->st, q, 0, NULL);
	assert_true(has_unit(items, "2025", "00364") > 0);
	assert_true(has_unit(items, "legacy", "00364") > 0);
	check_order(items);
	json_t *leg = json_array_get(items, (size_t)has_unit(items, "legacy", "00364") - 1);
	assert_true(json_is_array(json_object_get(leg, "successors")));
	json_decref(items);

	/* Word prefixes: "khuong d" still finds it, "huong" (inside a word) not. */
	q.q = "khuong d";
	items = list_all(f->st, q, 0, NULL);
	assert_true(has_unit(items, "2025", "00364") > 0);
	json_decref(items);
	q.q = "huong dinh";
	items = list_all(f->st, q, 0, NULL);
	assert_int_equal(has_unit(items, "2025", "00364"), 0);
	json_decref(items);

	/* Filters combine with the text. */
	q = (struct unit_query){.q = "dong da", .scheme = "legacy", .level = "district"};
	items = list_all(f->st, q, 0, NULL);
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(sget(json_array_get(items, 0), "code"), "006");
	json_decref(items);

	q = (struct unit_query){.q = "ha noi", .scheme = "2025", .level = "province"};
	items = list_all(f->st, q, 0, NULL);
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(sget(json_array_get(items, 0), "code"), "01");
	json_decref(items);

	/* Nothing, and queries that fold to nothing mean "any". */
	q = (struct unit_query){.q = "zzzzqqq"};
	items = list_all(f->st, q, 0, NULL);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
	q = (struct unit_query){.q = "%_'\";--", .scheme = "2025", .level = "province"};
	items = list_all(f->st, q, 0, NULL);
	assert_int_equal(json_array_size(items), 34);
	json_decref(items);
	q = (struct unit_query){.q = "a b c d e f g h i j k l"};
	items = list_all(f->st, q, 0, NULL);
	json_decref(items);
}

static void test_cursor_pages(void **state)
{
	struct fixture *f = *state;
	int pages = 0;

	struct unit_query q = {.scheme = "2025", .parent = "01"};
	json_t *whole = list_all(f->st, q, 0, &pages);
	assert_int_equal(pages, 1);
	assert_int_equal(json_array_size(whole), 126);
	json_t *paged = list_all(f->st, q, 50, &pages);
	assert_int_equal(pages, 3);
	assert_true(json_equal(whole, paged));
	json_decref(paged);
	paged = list_all(f->st, q, 126, &pages);
	assert_int_equal(pages, 1); /* exactly one full page: no empty next page */
	json_decref(paged);
	paged = list_all(f->st, q, 1, &pages);
	assert_int_equal(pages, 126);
	assert_true(json_equal(whole, paged));
	json_decref(paged);
	/* Ordered by name. */
	assert_string_equal(sget(json_array_get(whole, 0), "name"), "Xã An Khánh");
	json_decref(whole);

	/* A search across both schemes pages the same as it lists. */
	q = (struct unit_query){.q = "an"};
	whole = list_all(f->st, q, 0, NULL);
	assert_true(json_array_size(whole) > 300);
	paged = list_all(f->st, q, 37, &pages);
	assert_true(json_equal(whole, paged));
	check_order(paged);
	json_decref(paged);
	json_decref(whole);

	/* Bad cursors are refused, not crashed on. */
	const char *bad[] = {"x", "!!!!", "dTF8MHwwfGJ8", "AAAA", "dTF8OXwwfGF8MDA", ""};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		json_t *items = NULL;
		char *next = NULL;
		q = (struct unit_query){.cursor = bad[i], .limit = 5};
		int rc = store_unit_list(f->st, &q, &items, &next);
		if (bad[i][0]) {
			assert_int_equal(rc, STORE_INVALID);
			assert_null(items);
			assert_null(next);
		} else {
			assert_int_equal(rc, STORE_OK); /* empty = first page */
			json_decref(items);
			free(next);
		}
	}
}

static void test_children_and_successors(void **state)
{
	struct fixture *f = *state;
	json_t *items = NULL;

	struct unit_query q = {.scheme = "legacy", .parent = "006"};
	items = list_all(f->st, q, 0, NULL);
	assert_int_equal(json_array_size(items), 17); /* Đống Đa's wards in 2025-07 */
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *u = json_array_get(items, i);
		assert_string_equal(sget(u, "level"), "commune");
		assert_true(json_array_size(json_object_get(u, "successors")) >= 1);
	}
	json_decref(items);

	/* Cát Linh was divided between Giảng Võ and Ô Chợ Dừa. */
	assert_int_equal(store_unit_successors(f->st, "00178", &items), STORE_OK);
	assert_int_equal(json_array_size(items), 2);
	assert_true(has_unit(items, "2025", "00025") > 0);
	assert_true(has_unit(items, "2025", "00190") > 0);
	assert_true(json_is_real(json_object_get(json_array_get(items, 0), "lat")));
	json_decref(items);

	json_t *u = NULL;
	assert_int_equal(store_unit_get(f->st, "legacy", "00178", &u), STORE_OK);
	assert_int_equal(json_array_size(json_object_get(u, "successors")), 2);
	json_decref(u);

	/* Legacy provinces carry the 2025 province they became part of. */
	assert_int_equal(store_unit_successors(f->st, "02", &items), STORE_OK);
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(sget(json_array_get(items, 0), "name"), "Tỉnh Tuyên Quang");
	json_decref(items);

	items = (json_t *)1;
	assert_int_equal(store_unit_successors(f->st, "99999", &items), STORE_NOT_FOUND);
	assert_null(items);
	assert_int_equal(store_unit_successors(f->st, "", &items), STORE_NOT_FOUND);
	/* A 2025-only code is no legacy unit. */
	assert_int_equal(store_unit_successors(f->st, "11948", &items), STORE_NOT_FOUND);
}

static struct unit_row row(const char *scheme, const char *level, const char *code,
			   const char *parent, const char *type, const char *name)
{
	return (struct unit_row){.scheme = scheme, .level = level, .code = code,
				 .parent = parent, .type = type, .name = name,
				 .lat = NAN, .lon = NAN, .area_km2 = NAN, .population = -1};
}

static void test_upsert(void **state)
{
	struct fixture *f = *state;
	json_t *u = NULL;
	uint64_t g0 = store_units_generation(f->st);

	/* A bad row anywhere: nothing written. */
	struct unit_row bad[] = {
		row("legacy", "province", "98", NULL, "Tỉnh", "Tỉnh Thử"),
		row("legacy", "village", "98001", "98", "Xã", "Xã Thử"),
	};
	assert_int_equal(store_units_upsert(f->st, bad, 2), STORE_INVALID);
	assert_int_equal(store_unit_get(f->st, "legacy", "98", &u), STORE_NOT_FOUND);
	assert_int_equal(store_units_generation(f->st), g0);

	/* A parent that does not exist: refused at commit, nothing written. */
	struct unit_row orphan[] = {
		row("legacy", "province", "98", NULL, "Tỉnh", "Tỉnh Thử"),
		row("legacy", "commune", "98001", "987", "Xã", "Xã Thử"),
	};
	log_set_level(LOG_ERROR + 1);
	assert_int_equal(store_units_upsert(f->st, orphan, 2), STORE_INVALID);
	log_set_level(LOG_WARN);
	assert_int_equal(store_unit_get(f->st, "legacy", "98", &u), STORE_NOT_FOUND);

	struct unit_row checks[] = {
		row("2025", "district", "987", "98", "Quận", "Quận X"),   /* no districts in 2025 */
		row("2025", "province", "", NULL, "Tỉnh", "Tỉnh X"),      /* empty code */
		row("2025", "province", "9 8", NULL, "Tỉnh", "Tỉnh X"),   /* bad code */
		row("2025", "commune", "98001", NULL, "Xã", "Xã X"),      /* commune without parent */
		row("2025", "province", "98", "01", "Tỉnh", "Tỉnh X"),    /* province with parent */
		row("2025", "province", "98", NULL, "Tỉnh", ""),          /* empty name */
		row("2024", "province", "98", NULL, "Tỉnh", "Tỉnh X"),    /* bad scheme */
	};
	for (size_t i = 0; i < sizeof checks / sizeof *checks; i++)
		assert_int_equal(store_units_upsert(f->st, &checks[i], 1), STORE_INVALID);

	/* Good rows, children before parents in one call. */
	struct unit_row good[] = {
		row("legacy", "commune", "98001", "987", "Xã", "Xã Thử Nghiệm"),
		row("legacy", "district", "987", "98", "Huyện", "Huyện Thử"),
		row("legacy", "province", "98", NULL, "Tỉnh", "Tỉnh Thử"),
	};
	assert_int_equal(store_units_upsert(f->st, good, 3), STORE_OK);
	uint64_t g1 = store_units_generation(f->st);
	assert_true(g1 != g0);
	assert_int_equal(store_unit_get(f->st, "legacy", "98001", &u), STORE_OK);
	assert_string_equal(sget(u, "name"), "Xã Thử Nghiệm");
	assert_int_equal(json_array_size(json_object_get(u, "successors")), 0);
	json_decref(u);
	struct unit_query q = {.q = "thu nghiem"};
	json_t *items = list_all(f->st, q, 0, NULL);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);

	/* Upsert renames but keeps known numbers the import does not carry. */
	struct unit_row ren = row("2025", "commune", "00364", "01", "Phường", "Phường Khương Đình Mới");
	assert_int_equal(store_units_upsert(f->st, &ren, 1), STORE_OK);
	assert_true(store_units_generation(f->st) != g1);
	assert_int_equal(store_unit_get(f->st, "2025", "00364", &u), STORE_OK);
	assert_string_equal(sget(u, "name"), "Phường Khương Đình Mới");
	assert_int_equal(json_integer_value(json_object_get(u, "population")), 86286);
	json_decref(u);
	assert_int_equal(store_units_upsert(f->st, NULL, 0), STORE_OK);
}

static void test_generation_across_handles(void **state)
{
	struct fixture *f = *state;
	struct store *other = NULL;

	clock_set_fake(1700000000000LL);
	uint64_t g0 = store_units_generation(f->st);
	assert_int_equal(store_units_generation(f->st), g0);
	assert_int_equal(store_open(f->path, &other), STORE_OK);
	assert_true(store_units_generation(other) != g0); /* unique per store */
	struct unit_row r = row("2025", "province", "97", NULL, "Tỉnh", "Tỉnh Khác");
	assert_int_equal(store_units_upsert(other, &r, 1), STORE_OK);
	store_close(other);
	/* Noticed once the once-a-second check runs. */
	clock_advance_ms(500);
	assert_int_equal(store_units_generation(f->st), g0);
	clock_advance_ms(600);
	uint64_t g1 = store_units_generation(f->st);
	assert_true(g1 != g0);
	clock_advance_ms(1500);
	assert_int_equal(store_units_generation(f->st), g1);
}

struct worker {
	struct store *st;
	int ok;
	int writer;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	const char *codes[] = {"00364", "00235", "01", "00097"};
	for (int i = 0; i < 60; i++) {
		json_t *u = NULL;
		if (w->writer && i % 10 == 0) {
			char name[64];
			snprintf(name, sizeof name, "Tỉnh Luồng %d", i);
			struct unit_row r = row("2025", "province", "96", NULL, "Tỉnh", name);
			if (store_units_upsert(w->st, &r, 1) != STORE_OK)
				return NULL;
		}
		if (store_unit_get(w->st, "2025", codes[i % 4], &u) != STORE_OK)
			return NULL;
		json_decref(u);
		struct unit_query q = {.q = "dong", .limit = 5};
		json_t *items = NULL;
		char *next = NULL;
		if (store_unit_list(w->st, &q, &items, &next) != STORE_OK)
			return NULL;
		size_t got = json_array_size(items);
		json_decref(items);
		free(next);
		if (got != 5)
			return NULL;
	}
	w->ok = 1;
	return NULL;
}

static void test_threads(void **state)
{
	struct fixture *f = *state;
	pthread_t t[4];
	struct worker w[4];

	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){.st = f->st, .writer = i == 0 || i == 1};
		assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_true(w[i].ok);
	}
	/* Threads that have exited closed their connections; this one still
	 * works, and store_close (teardown) closes the rest. */
	json_t *u = NULL;
	assert_int_equal(store_unit_get(f->st, "2025", "96", &u), STORE_OK);
	json_decref(u);
}

/* The statement layer (store/db.h): $N placeholders bind by number even
 * out of order (the SQLite backend rewrites $N to ?N), errors map to
 * store codes, transactions commit and roll back. */
static void test_db_layer(void **state)
{
	struct fixture *f = *state;
	struct store *st = f->st;

	assert_string_equal(db_backend(st), "sqlite");
	struct db_stmt *s = db_prepare(st, "SELECT $2, $1, '$1', $2 || 'x' -- $3");
	assert_non_null(s);
	db_bind_text(s, 1, "one");
	db_bind_int(s, 2, 2);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_count(s), 4);
	assert_int_equal(db_col_int(s, 0), 2);
	assert_string_equal(db_col_text(s, 1), "one");
	assert_string_equal(db_col_text(s, 2), "$1"); /* literals untouched */
	assert_string_equal(db_col_text(s, 3), "2x");
	assert_int_equal(db_step(s), DB_DONE);
	db_finish(s);

	assert_int_equal(db_exec(st, "CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB, d DOUBLE PRECISION "
				     "CHECK (d > 0))"), STORE_OK);
	s = db_prepare(st, "INSERT INTO t (k, v, d) VALUES ($1, $2, $3)");
	db_bind_text(s, 1, "a");
	db_bind_blob(s, 2, "\0\1", 2);
	db_bind_double(s, 3, 1.5);
	assert_int_equal(db_step(s), DB_DONE);
	db_finish(s);
	assert_int_equal(db_changes(st), 1);
	log_set_level(LOG_ERROR + 1);
	s = db_prepare(st, "INSERT INTO t (k, v, d) VALUES ($1, $2, $3)");
	db_bind_text(s, 1, "a");
	db_bind_null(s, 2);
	db_bind_double(s, 3, 1);
	assert_int_equal(db_step(s), STORE_CONFLICT);
	db_finish(s);
	s = db_prepare(st, "INSERT INTO t (k, v, d) VALUES ($1, $2, $3)");
	db_bind_text(s, 1, "b");
	db_bind_null(s, 2);
	db_bind_double(s, 3, -1);
	assert_int_equal(db_step(s), STORE_INVALID);
	db_finish(s);
	assert_null(db_prepare(st, "SELEC nonsense"));
	log_set_level(LOG_WARN);

	assert_int_equal(db_begin_write(st), STORE_OK);
	assert_int_equal(db_exec(st, "DELETE FROM t"), STORE_OK);
	assert_int_equal(db_rollback(st), STORE_OK);
	assert_int_equal(db_begin(st), STORE_OK);
	s = db_prepare(st, "SELECT v, d FROM t WHERE k = $1");
	db_bind_text(s, 1, "a");
	assert_int_equal(db_step(s), DB_ROW);
	size_t n = 0;
	const void *p = db_col_blob(s, 0, &n);
	assert_int_equal(n, 2);
	assert_memory_equal(p, "\0\1", 2);
	assert_true(db_col_double(s, 1) == 1.5);
	assert_false(db_col_is_null(s, 0));
	assert_string_equal(db_col_name(s, 1), "d");
	db_finish(s);
	assert_int_equal(db_commit(st), STORE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrate_and_meta, setup, teardown),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test_setup_teardown(test_seed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_search, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_cursor_pages, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_children_and_successors, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_upsert, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_generation_across_handles, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_db_layer, setup, teardown),
	};
	log_set_level(LOG_WARN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
