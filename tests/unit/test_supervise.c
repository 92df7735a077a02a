/* Unit tests for alarm/supervise.c: supervision windows driven by an
 * explicit "now" (the fake clock's value), no sleeping. Checks expiry at
 * the edge, refresh by hearing, restore after a failure, window changes,
 * removal (with hash backward shifts), ordering, and 200,000 devices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "alarm/supervise.h"
#include "core/clock.h"

#define T0 1764000000000LL

static void test_expire_edge(void **state)
{
	(void)state;
	struct supervise *s = supervise_new();
	int64_t out[4];

	clock_set_fake(T0);
	supervise_set(s, 7, 90000, clock_now_ms());
	assert_int_equal(supervise_next_deadline(s), T0 + 90000);
	clock_advance_ms(90000);
	/* Exactly at the deadline: still inside the window. */
	assert_int_equal(supervise_expire(s, clock_now_ms(), out, 4), 0);
	clock_advance_ms(1);
	assert_int_equal(supervise_expire(s, clock_now_ms(), out, 4), 1);
	assert_int_equal(out[0], 7);
	assert_int_equal(supervise_state(s, 7), 1);
	/* A failed device is not reported again. */
	clock_advance_ms(1000000);
	assert_int_equal(supervise_expire(s, clock_now_ms(), out, 4), 0);
	assert_int_equal(supervise_next_deadline(s), INT64_MAX);
	supervise_free(s);
	clock_set_real();
}

static void test_heard_refreshes_and_restores(void **state)
{
	(void)state;
	struct supervise *s = supervise_new();
	int64_t out[4];

	clock_set_fake(T0);
	supervise_set(s, 1, 20000, clock_now_ms());
	for (int i = 0; i < 10; i++) {
		clock_advance_ms(15000);
		assert_int_equal(supervise_heard(s, 1, clock_now_ms()), 0);
		assert_int_equal(supervise_expire(s, clock_now_ms(), out, 4), 0);
	}
	clock_advance_ms(20001);
	assert_int_equal(supervise_expire(s, clock_now_ms(), out, 4), 1);
	/* The next frame restores it and starts a new window. */
	assert_int_equal(supervise_heard(s, 1, clock_now_ms()), 1);
	assert_int_equal(supervise_state(s, 1), 0);
	assert_int_equal(supervise_heard(s, 1, clock_now_ms()), 0);
	assert_int_equal(supervise_next_deadline(s), clock_now_ms() + 20000);
	assert_int_equal(supervise_heard(s, 99, clock_now_ms()), -1);
	supervise_free(s);
	clock_set_real();
}

static void test_order_and_cap(void **state)
{
	(void)state;
	struct supervise *s = supervise_new();
	int64_t out[2];

	for (int64_t id = 1; id <= 5; id++)
		supervise_set(s, id, 1000 * (6 - id), T0); /* 5 expires first */
	assert_int_equal(supervise_expire(s, T0 + 3500, out, 2), 2);
	assert_int_equal(out[0], 5);
	assert_int_equal(out[1], 4);
	assert_int_equal(supervise_expire(s, T0 + 3500, out, 2), 1);
	assert_int_equal(out[0], 3);
	assert_int_equal(supervise_expire(s, T0 + 3500, out, 2), 0);
	assert_int_equal(supervise_state(s, 2), 0);
	supervise_free(s);
}

static void test_window_change_and_remove(void **state)
{
	(void)state;
	struct supervise *s = supervise_new();
	int64_t out[8];

	supervise_set(s, 1, 1000, T0);
	supervise_set(s, 2, 1000, T0);
	supervise_set(s, 1, 60000, T0); /* widened */
	supervise_remove(s, 2);
	assert_int_equal(supervise_count(s), 1);
	assert_int_equal(supervise_state(s, 2), -1);
	assert_int_equal(supervise_expire(s, T0 + 2000, out, 8), 0);
	assert_int_equal(supervise_expire(s, T0 + 60001, out, 8), 1);
	assert_int_equal(out[0], 1);
	supervise_remove(s, 1);
	supervise_remove(s, 1);
	assert_int_equal(supervise_count(s), 0);
	supervise_free(s);
}

/* Many devices, many removals: every remaining one is still found. */
static void test_many_devices(void **state)
{
	(void)state;
	struct supervise *s = supervise_new();
	const int64_t n = 200000;
	int64_t *out = malloc(sizeof *out * 1024);

	for (int64_t id = 1; id <= n; id++)
		supervise_set(s, id, 90000, T0 + (id % 90000));
	assert_int_equal(supervise_count(s), n);
	for (int64_t id = 3; id <= n; id += 3)
		supervise_remove(s, id);
	for (int64_t id = 1; id <= n; id++)
		assert_int_equal(supervise_state(s, id), id % 3 == 0 ? -1 : 0);
	/* Everyone heard in time: nobody fails. */
	for (int64_t id = 1; id <= n; id++)
		if (id % 3)
			supervise_heard(s, id, T0 + 80000);
	assert_int_equal(supervise_expire(s, T0 + 170000, out, 1024), 0);
	/* Nobody heard again: everybody fails, once, in deadline order. */
	size_t total = 0, k;
	while ((k = supervise_expire(s, T0 + 170001, out, 1024)) > 0)
		total += k;
	assert_int_equal(total, n - n / 3);
	free(out);
	supervise_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expire_edge),
		cmocka_unit_test(test_heard_refreshes_and_restores),
		cmocka_unit_test(test_order_and_cap),
		cmocka_unit_test(test_window_change_and_remove),
		cmocka_unit_test(test_many_devices),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
