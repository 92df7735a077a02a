/* Tests for the versioned condition catalogue in the store
 * (store/register_catalogue.c, sql/011_condition_catalogue.sql) on a real
 * SQLite file: version 1 is exactly the built-in catalogue; a draft copies
 * the latest published version, one draft at a time; items are added,
 * edited, deactivated; published versions refuse writes; publishing runs
 * compliance_catalogue_publishable; the JSON ↔ definition conversion keeps
 * every field. Time comes from the fake clock. PCCC_TEST_PG=URL runs the
 * same tests on an empty PostgreSQL database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/clock.h"
#include "register/compliance.h"
#include "store/db.h"
#include "store/register_catalogue.h"

static char dir[] = "/tmp/pccc-catalogue-store-XXXXXX";
static char path[300];
static struct store *st;

static int group_setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	/* PCCC_TEST_PG=postgresql://... runs the same tests on an empty
	 * PostgreSQL database (the SQL is portable) */
	const char *pg = getenv("PCCC_TEST_PG");
	if (pg && *pg)
		snprintf(path, sizeof path, "%s", pg);
	if (store_open(path, &st) != STORE_OK || store_migrate(st, NULL) != STORE_OK)
		return -1;
	clock_set_fake(1767225600000LL); /* 2026-01-01T00:00:00Z */
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	store_close(st);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int same_text(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* The seed migration and the built-in table say exactly the same. */
static void test_version_1_is_builtin(void **state)
{
	json_t *cat = NULL;
	struct compliance_item_def *defs = NULL;
	size_t n = 0, nb;
	const struct compliance_item_def *b = compliance_catalogue(&nb);
	(void)state;
	assert_int_equal(store_catalogue_get(st, 0, &cat), STORE_OK);
	assert_int_equal(json_integer_value(json_object_get(cat, "version")), 1);
	assert_true(json_is_true(json_object_get(cat, "published")));
	assert_int_equal(store_catalogue_defs(cat, &defs, &n), 0);
	assert_int_equal(n, nb);
	for (size_t i = 0; i < n; i++) {
		const struct compliance_item_def *x = compliance_find(b, nb, defs[i].code);
		if (!x)
			fail_msg("%s is not built in", defs[i].code);
		assert_ptr_equal(x, &b[i]); /* same order */
		assert_true(same_text(x->text_vi, defs[i].text_vi));
		assert_true(same_text(x->text_en, defs[i].text_en));
		assert_true(same_text(x->legal_basis, defs[i].legal_basis));
		assert_true(same_text(x->categories, defs[i].categories));
		assert_int_equal(x->applies, defs[i].applies);
		assert_int_equal(x->required, defs[i].required);
		assert_int_equal(x->position, defs[i].position);
		assert_int_equal(x->inactive, defs[i].inactive);
	}
	free(defs);
	json_decref(cat);
	assert_int_equal(store_catalogue_get(st, 1, &cat), STORE_OK);
	json_decref(cat);
	assert_int_equal(store_catalogue_get(st, 2, &cat), STORE_NOT_FOUND);
	assert_null(cat);
	assert_int_equal(store_catalogue_get(st, -3, &cat), STORE_NOT_FOUND);
}

static struct compliance_item_def item(const char *code, unsigned applies, unsigned required)
{
	struct compliance_item_def d = {
		.code = code, .text_vi = "Có thiết bị ngắt điện khi sạc", .text_en = "Cut-off",
		.legal_basis = "Thử nghiệm", .applies = applies, .required = required,
		.categories = "", .position = 500,
	};
	return d;
}

static long long draft_number(void)
{
	json_t *d = NULL;
	assert_int_equal(store_catalogue_draft_create(st, "qt", "Bản thử", &d), STORE_OK);
	long long n = json_integer_value(json_object_get(d, "version"));
	assert_false(json_is_true(json_object_get(d, "published")));
	assert_string_equal(json_string_value(json_object_get(d, "created_by")), "qt");
	assert_string_equal(json_string_value(json_object_get(d, "created_at")),
			    "2026-01-01T00:00:00.000Z");
	json_decref(d);
	return n;
}

static void test_draft_edit_publish(void **state)
{
	json_t *d = NULL, *v = NULL;
	struct compliance_publish_error pe;
	char bad[COMPLIANCE_CODE_MAX + 1];
	(void)state;
	long long n = draft_number();
	assert_int_equal(n, 2);
	/* one draft at a time: the conflict names it */
	assert_int_equal(store_catalogue_draft_create(st, "qt", NULL, &d), STORE_CONFLICT);
	assert_int_equal(json_integer_value(json_object_get(d, "version")), 2);
	json_decref(d);
	/* the latest published is still 1 */
	assert_int_equal(store_catalogue_get(st, 0, &d), STORE_OK);
	assert_int_equal(json_integer_value(json_object_get(d, "version")), 1);
	json_decref(d);

	/* writes to the published version are refused */
	struct compliance_item_def x = item("SAC_AN_TOAN", COMPLIANCE_TYPE_BOARDING |
					    COMPLIANCE_TYPE_FACILITY, COMPLIANCE_TYPE_BOARDING);
	x.categories = "hotel dormitory";
	assert_int_equal(store_catalogue_item_put(st, 1, &x, 1), STORE_CATALOGUE_PUBLISHED);
	assert_int_equal(store_catalogue_item_put(st, 99, &x, 1), STORE_NOT_FOUND);
	assert_int_equal(store_catalogue_publish(st, 1, "qt", &pe, bad), STORE_CATALOGUE_PUBLISHED);

	/* add, then add again, edit an unknown code */
	assert_int_equal(store_catalogue_item_put(st, n, &x, 1), STORE_OK);
	assert_int_equal(store_catalogue_item_put(st, n, &x, 1), STORE_CONFLICT);
	struct compliance_item_def y = item("KHONG_CO", COMPLIANCE_TYPE_OTHER, 0);
	assert_int_equal(store_catalogue_item_put(st, n, &y, 0), STORE_NOT_FOUND);
	/* deactivate a copied item */
	json_t *cat = NULL;
	struct compliance_item_def *defs = NULL;
	size_t nd;
	assert_int_equal(store_catalogue_get(st, n, &cat), STORE_OK);
	assert_int_equal(store_catalogue_defs(cat, &defs, &nd), 0);
	size_t nb;
	compliance_catalogue(&nb);
	assert_int_equal(nd, nb + 1);
	const struct compliance_item_def *added = compliance_find(defs, nd, "SAC_AN_TOAN");
	assert_non_null(added);
	assert_string_equal(added->categories, "hotel dormitory");
	assert_int_equal(added->applies, x.applies);
	assert_int_equal(added->required, x.required);
	assert_string_equal(added->legal_basis, "Thử nghiệm");
	assert_ptr_equal(added, &defs[nd - 1]); /* position 500: last */
	struct compliance_item_def mask = *compliance_find(defs, nd, "MAT_NA_LOC_KHOI");
	mask.inactive = 1;
	assert_int_equal(store_catalogue_item_put(st, n, &mask, 0), STORE_OK);
	free(defs);
	json_decref(cat);

	/* version 1 is untouched by all that */
	assert_int_equal(store_catalogue_get(st, 1, &v), STORE_OK);
	assert_int_equal(json_array_size(json_object_get(v, "items")), nb);
	assert_true(json_is_true(json_object_get(json_array_get(json_object_get(v, "items"), nb - 1),
						 "active")));
	json_decref(v);

	/* publish */
	assert_int_equal(store_catalogue_publish(st, n, "qt", &pe, bad), STORE_OK);
	assert_int_equal(store_catalogue_get(st, 0, &v), STORE_OK);
	assert_int_equal(json_integer_value(json_object_get(v, "version")), n);
	assert_string_equal(json_string_value(json_object_get(v, "published_by")), "qt");
	json_decref(v);
	assert_int_equal(store_catalogue_item_put(st, n, &x, 0), STORE_CATALOGUE_PUBLISHED);
	assert_int_equal(store_catalogue_publish(st, n, "qt", &pe, bad), STORE_CATALOGUE_PUBLISHED);

	/* the versions list: newest first with counts */
	json_t *list = NULL;
	assert_int_equal(store_catalogue_versions(st, &list), STORE_OK);
	assert_int_equal(json_array_size(list), 2);
	json_t *top = json_array_get(list, 0);
	assert_int_equal(json_integer_value(json_object_get(top, "version")), n);
	assert_int_equal(json_integer_value(json_object_get(top, "items")), nb + 1);
	assert_int_equal(json_integer_value(json_object_get(top, "active")), nb);
	assert_string_equal(json_string_value(json_object_get(top, "note")), "Bản thử");
	json_decref(list);
}

static void test_publish_refused(void **state)
{
	struct compliance_publish_error pe;
	char bad[COMPLIANCE_CODE_MAX + 1];
	json_t *cat = NULL;
	struct compliance_item_def *defs = NULL;
	size_t nd;
	(void)state;
	long long n = draft_number();
	assert_int_equal(n, 3);
	/* the new draft copies version 2, the inactive item included */
	assert_int_equal(store_catalogue_get(st, n, &cat), STORE_OK);
	assert_int_equal(store_catalogue_defs(cat, &defs, &nd), 0);
	assert_non_null(compliance_find(defs, nd, "SAC_AN_TOAN"));
	assert_true(compliance_find(defs, nd, "MAT_NA_LOC_KHOI")->inactive);
	/* drop what facilities require */
	for (size_t i = 0; i < nd; i++) {
		if (defs[i].required & COMPLIANCE_TYPE_FACILITY) {
			defs[i].required &= ~(unsigned)COMPLIANCE_TYPE_FACILITY;
			assert_int_equal(store_catalogue_item_put(st, n, &defs[i], 0), STORE_OK);
		}
	}
	free(defs);
	json_decref(cat);
	assert_int_equal(store_catalogue_publish(st, n, "qt", &pe, bad), STORE_INVALID);
	assert_int_equal(pe.type, COMPLIANCE_TYPE_FACILITY);
	assert_string_equal(pe.err.field, "required");
	assert_string_equal(bad, "");
	assert_int_equal(store_catalogue_get(st, 0, &cat), STORE_OK);
	assert_int_equal(json_integer_value(json_object_get(cat, "version")), 2);
	json_decref(cat);
	/* an invalid stored item is named */
	struct compliance_item_def z = item("TRONG", COMPLIANCE_TYPE_OTHER, 0);
	z.text_vi = "   ";
	assert_int_equal(store_catalogue_item_put(st, n, &z, 1), STORE_OK); /* the API validates */
	assert_int_equal(store_catalogue_publish(st, n, "qt", &pe, bad), STORE_INVALID);
	assert_string_equal(bad, "TRONG");
	assert_string_equal(pe.err.field, "title_vi");
	assert_int_equal(store_catalogue_publish(st, 77, "qt", &pe, bad), STORE_NOT_FOUND);
}

/* Malformed catalogue JSON is refused by the conversion. */
static void test_defs_malformed(void **state)
{
	struct compliance_item_def *defs = (void *)1;
	size_t n = 9;
	(void)state;
	json_t *bad[] = {
		json_pack("{}"),
		json_pack("{s:[{s:s}]}", "items", "code", "A"),
		json_pack("{s:[{s:s,s:[s],s:[]}]}", "items", "code", "A", "applies", "nha_la",
			  "required"),
		json_pack("{s:[{s:s,s:[s],s:[],s:[i]}]}", "items", "code", "A", "applies", "other",
			  "required", "categories", 5),
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(store_catalogue_defs(bad[i], &defs, &n), -1);
		assert_null(defs);
		assert_int_equal(n, 0);
		json_decref(bad[i]);
	}
	json_t *ok = json_pack("{s:[]}", "items");
	assert_int_equal(store_catalogue_defs(ok, &defs, &n), 0);
	assert_int_equal(n, 0);
	free(defs);
	json_decref(ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_1_is_builtin),
		cmocka_unit_test(test_draft_edit_publish),
		cmocka_unit_test(test_publish_refused),
		cmocka_unit_test(test_defs_malformed),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
