/* Unit tests for transmitter keys at rest (store/alarm.c, migration
 * 013_alarm_device_keys) on a real SQLite store in a temporary directory:
 * the key column holds a sealed value that does not contain the key, reads
 * with the personal-data keys open it, reads without them or with other
 * keys do not (and say so), a key is never written without keys, the
 * device JSON shows only has_key / key_bits / key_kind, and clear keys left
 * by an earlier version are sealed once by store_device_keys_seal (a clear
 * raw key that starts with "v1:" included). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "auth/pii.h"
#include "store/alarm.h"
#include "store/db.h"

#define T0 1764000000000LL
#define KEY256 "A1B2C3D4E5F60718293A4B5C6D7E8F90112233445566778899AABBCCDDEEFF00"

struct fix {
	char dir[64];
	char path[96];
	struct store *st;
	struct pii_keys k, other;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/pccc-devkeys-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/pccc.db", f->dir);
	if (store_open(f->path, &f->st) != STORE_OK || store_migrate(f->st, NULL) != STORE_OK)
		return -1;
	randombytes_buf(&f->k, sizeof f->k);
	randombytes_buf(&f->other, sizeof f->other);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	store_close(f->st);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* The key column of device id as stored (heap), NULL when SQL NULL. */
static char *raw_key(struct store *st, int64_t id, int64_t *bits)
{
	struct db_stmt *s = db_prepare(st, "SELECT key, key_bits FROM devices WHERE id = $1");
	char *v = NULL;
	assert_non_null(s);
	db_bind_int(s, 1, id);
	assert_int_equal(db_step(s), DB_ROW);
	if (!db_col_is_null(s, 0))
		v = strdup(db_col_text(s, 0));
	if (bits)
		*bits = db_col_is_null(s, 1) ? -1 : db_col_int(s, 1);
	db_finish(s);
	return v;
}

static int64_t make(struct fix *f, const struct pii_keys *k, const char *account,
		    const char *key, const char *kind, int *rc)
{
	struct store_device d;
	int64_t id = 0;
	memset(&d, 0, sizeof d);
	d.account = (char *)(uintptr_t)account;
	d.key = (char *)(uintptr_t)key;
	d.key_kind = (char *)(uintptr_t)kind;
	d.unit = (char *)(uintptr_t)"00364";
	d.supervision_s = 90;
	*rc = store_device_create(f->st, k, &d, T0, &id);
	return id;
}

static void test_sealed_at_rest_and_opened_on_read(void **state)
{
	struct fix *f = *state;
	int rc;
	int64_t id = make(f, &f->k, "1A01", KEY256, "hex", &rc), bits;
	assert_int_equal(rc, STORE_OK);

	char *v = raw_key(f->st, id, &bits);
	assert_non_null(v);
	assert_int_equal(strncmp(v, "v1:", 3), 0);
	assert_null(strstr(v, KEY256));
	assert_int_equal(bits, 256);
	/* the same key sealed twice differs (fresh nonce) */
	int64_t id2 = make(f, &f->k, "1A02", KEY256, "hex", &rc);
	char *v2 = raw_key(f->st, id2, NULL);
	assert_string_not_equal(v, v2);
	free(v2);

	struct store_device d;
	assert_int_equal(store_device_get(f->st, &f->k, id, &d), STORE_OK);
	assert_string_equal(d.key, KEY256);
	assert_int_equal(d.key_bits, 256);
	assert_int_equal(d.has_key, 1);
	assert_int_equal(d.key_unreadable, 0);
	store_device_clear(&d);

	/* without keys, or with another key file: closed, and flagged */
	assert_int_equal(store_device_get(f->st, NULL, id, &d), STORE_OK);
	assert_null(d.key);
	assert_int_equal(d.key_unreadable, 1);
	assert_int_equal(d.has_key, 1);
	store_device_clear(&d);
	assert_int_equal(store_device_get(f->st, &f->other, id, &d), STORE_OK);
	assert_null(d.key);
	assert_int_equal(d.key_unreadable, 1);
	store_device_clear(&d);

	/* a put re-seals the clear key it was given */
	assert_int_equal(store_device_get(f->st, &f->k, id, &d), STORE_OK);
	free(d.site_name);
	d.site_name = strdup("Kho 1");
	assert_int_equal(store_device_put(f->st, &f->k, &d), STORE_OK);
	store_device_clear(&d);
	char *v3 = raw_key(f->st, id, NULL);
	assert_int_equal(strncmp(v3, "v1:", 3), 0);
	assert_string_not_equal(v3, v);
	assert_null(strstr(v3, KEY256));
	free(v3);
	free(v);
	assert_int_equal(store_device_get(f->st, &f->k, id, &d), STORE_OK);
	assert_string_equal(d.key, KEY256);
	store_device_clear(&d);
}

static void test_no_key_written_without_keys(void **state)
{
	struct fix *f = *state;
	int rc;
	make(f, NULL, "1B01", KEY256, "hex", &rc);
	assert_int_equal(rc, STORE_INVALID);
	int64_t id = 0;
	assert_int_equal(store_device_find(f->st, "1B01", "", "", &id), STORE_OK);
	assert_int_equal(id, 0);
	/* a plain device needs no keys */
	id = make(f, NULL, "1B02", NULL, NULL, &rc);
	assert_int_equal(rc, STORE_OK);
	int64_t bits;
	assert_null(raw_key(f->st, id, &bits));
	assert_int_equal(bits, -1);
	/* and a put of a keyed device without keys is refused too */
	struct store_device d;
	id = make(f, &f->k, "1B03", "0123456789abcdef", "raw", &rc);
	assert_int_equal(store_device_get(f->st, &f->k, id, &d), STORE_OK);
	assert_int_equal(store_device_put(f->st, NULL, &d), STORE_INVALID);
	store_device_clear(&d);
}

static void test_json_never_shows_the_key(void **state)
{
	struct fix *f = *state;
	int rc;
	int64_t id = make(f, &f->k, "1C01", "0123456789abcdef", "raw", &rc);
	int64_t plain = make(f, &f->k, "1C02", NULL, NULL, &rc);
	json_t *o = NULL;
	assert_int_equal(store_device_get_json(f->st, NULL, id, &o), STORE_OK);
	char *text = json_dumps(o, JSON_COMPACT);
	assert_null(strstr(text, "0123456789abcdef"));
	assert_null(strstr(text, "v1:"));
	assert_null(json_object_get(o, "key"));
	assert_true(json_is_true(json_object_get(o, "has_key")));
	assert_int_equal(json_integer_value(json_object_get(o, "key_bits")), 128);
	assert_string_equal(json_string_value(json_object_get(o, "key_kind")), "raw");
	free(text);
	json_decref(o);
	assert_int_equal(store_device_get_json(f->st, NULL, plain, &o), STORE_OK);
	assert_true(json_is_false(json_object_get(o, "has_key")));
	assert_true(json_is_null(json_object_get(o, "key_bits")));
	assert_true(json_is_null(json_object_get(o, "key_kind")));
	json_decref(o);
	/* the list too */
	struct device_query q = {.limit = 50};
	json_t *items = NULL;
	char *next = NULL;
	assert_int_equal(store_device_list(f->st, &q, &items, &next), STORE_OK);
	text = json_dumps(items, JSON_COMPACT);
	assert_null(strstr(text, "0123456789abcdef"));
	assert_null(strstr(text, "v1:"));
	free(text);
	free(next);
	json_decref(items);
}

static void test_clear_keys_sealed_once(void **state)
{
	struct fix *f = *state;
	int rc, n = -1;
	int64_t a = make(f, &f->k, "1D01", NULL, NULL, &rc);
	int64_t b = make(f, &f->k, "1D02", NULL, NULL, &rc);
	int64_t c = make(f, &f->k, "1D03", "0123456789abcdef", "raw", &rc);
	/* what an earlier version wrote: clear keys (one raw key that starts
	 * like a sealed value) */
	struct db_stmt *s = db_prepare(f->st, "UPDATE devices SET key = $2, key_kind = $3 "
					      "WHERE id = $1");
	db_bind_int(s, 1, a);
	db_bind_text(s, 2, KEY256);
	db_bind_text(s, 3, "hex");
	assert_int_equal(db_step(s), DB_DONE);
	db_finish(s);
	s = db_prepare(f->st, "UPDATE devices SET key = $2, key_kind = $3 WHERE id = $1");
	db_bind_int(s, 1, b);
	db_bind_text(s, 2, "v1:abcdefghijklm");
	db_bind_text(s, 3, "raw");
	assert_int_equal(db_step(s), DB_DONE);
	db_finish(s);

	/* read as they are before sealing */
	struct store_device d;
	assert_int_equal(store_device_get(f->st, &f->k, b, &d), STORE_OK);
	assert_string_equal(d.key, "v1:abcdefghijklm");
	assert_int_equal(d.key_bits, 128);
	store_device_clear(&d);

	assert_int_equal(store_device_keys_seal(f->st, NULL, &n), STORE_INVALID);
	char *cv = raw_key(f->st, c, NULL);
	assert_int_equal(store_device_keys_seal(f->st, &f->k, &n), STORE_OK);
	assert_int_equal(n, 2);
	char *av = raw_key(f->st, a, NULL), *bv = raw_key(f->st, b, NULL), *cv2 = raw_key(f->st, c, NULL);
	assert_int_equal(strncmp(av, "v1:", 3), 0);
	assert_null(strstr(av, KEY256));
	assert_true(strlen(bv) > 64);
	assert_string_equal(cv, cv2);   /* already sealed: untouched */
	free(av);
	free(bv);
	free(cv);
	free(cv2);
	assert_int_equal(store_device_get(f->st, &f->k, a, &d), STORE_OK);
	assert_string_equal(d.key, KEY256);
	store_device_clear(&d);
	assert_int_equal(store_device_get(f->st, &f->k, b, &d), STORE_OK);
	assert_string_equal(d.key, "v1:abcdefghijklm");
	store_device_clear(&d);
	/* nothing left */
	assert_int_equal(store_device_keys_seal(f->st, &f->k, &n), STORE_OK);
	assert_int_equal(n, 0);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sealed_at_rest_and_opened_on_read, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_key_written_without_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_never_shows_the_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clear_keys_sealed_once, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
