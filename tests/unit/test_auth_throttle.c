/* Tests for auth/throttle, on the injectable clock: the backoff sequence
 * per pair, address and account, forgetting after the window, trusted
 * pairs passing an attack on their account, the bounded account wait
 * (no permanent lock-out), eviction, pruning and concurrent use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include "auth/throttle.h"
#include "core/clock.h"

#define SEC 1000LL
#define MIN (60 * SEC)
#define T0 1767225600000LL

static int64_t now(void)
{
	return clock_now_ms();
}

static int setup_each(void **state)
{
	clock_set_fake(T0);
	*state = throttle_new(NULL);
	return 0;
}

static int teardown_each(void **state)
{
	throttle_free(*state);
	clock_set_real();
	return 0;
}

static void test_defaults(void **state)
{
	(void)state;
	struct throttle_config c;
	throttle_config_default(&c);
	assert_int_equal(c.pair_threshold, 5);
	assert_int_equal(c.window_ms, 15 * MIN);
	assert_int_equal(c.base_delay_ms, SEC);
	assert_int_equal(c.pair_cap_ms, 15 * MIN);
	assert_true(c.account_cap_ms <= MIN);
}

static void test_pair_backoff(void **state)
{
	struct throttle *t = *state;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(throttle_check(t, "nam", "1.2.3.4", now()), 0);
		throttle_fail(t, "nam", "1.2.3.4", now());
	}
	assert_int_equal(throttle_check(t, "nam", "1.2.3.4", now()), 0);
	throttle_fail(t, "nam", "1.2.3.4", now()); /* 5th */
	assert_int_equal(throttle_check(t, "nam", "1.2.3.4", now()), 1 * SEC);
	/* Another address for the same account is not slowed by the pair. */
	assert_int_equal(throttle_check(t, "nam", "5.6.7.8", now()), 0);
	/* Nor another account from the same address. */
	assert_int_equal(throttle_check(t, "lan", "1.2.3.4", now()), 0);
	clock_advance_ms(999);
	assert_int_equal(throttle_check(t, "nam", "1.2.3.4", now()), 1);
	clock_advance_ms(1);
	assert_int_equal(throttle_check(t, "nam", "1.2.3.4", now()), 0);
	/* Doubling: 2, 4, 8 ... s up to 15 min. */
	int64_t want = 2 * SEC;
	for (int i = 0; i < 20; i++) {
		throttle_fail(t, "nam", "1.2.3.4", now());
		int64_t w = throttle_check(t, "nam", "1.2.3.4", now());
		assert_int_equal(w, want);
		clock_advance_ms(w);
		want = want * 2 > 15 * MIN ? 15 * MIN : want * 2;
	}
	assert_int_equal(want, 15 * MIN);
}

static void test_case_insensitive_account(void **state)
{
	struct throttle *t = *state;
	for (int i = 0; i < 5; i++)
		throttle_fail(t, i % 2 ? "NAM" : "Nam", "1.2.3.4", now());
	assert_true(throttle_check(t, "nam", "1.2.3.4", now()) > 0);
	/* Addresses are compared exactly. */
	assert_int_equal(throttle_check(t, "nam", "1.2.3.40", now()), 0);
}

static void test_window_forgets(void **state)
{
	struct throttle *t = *state;
	/* 4 failures, then a pause longer than the window: the count restarts. */
	for (int i = 0; i < 4; i++)
		throttle_fail(t, "nam", "1.2.3.4", now());
	clock_advance_ms(15 * MIN + 1);
	throttle_fail(t, "nam", "1.2.3.4", now());
	assert_int_equal(throttle_check(t, "nam", "1.2.3.4", now()), 0);
	/* 4 failures spread within the window still count. */
	for (int i = 0; i < 3; i++) {
		clock_advance_ms(4 * MIN);
		throttle_fail(t, "nam", "1.2.3.4", now());
	}
	clock_advance_ms(4 * MIN);
	throttle_fail(t, "nam", "1.2.3.4", now()); /* 5th within 15 min */
	assert_int_equal(throttle_check(t, "nam", "1.2.3.4", now()), SEC);
}

static void test_persistent_attacker_stays_capped(void **state)
{
	struct throttle *t = *state;
	for (int i = 0; i < 30; i++) {
		clock_advance_ms(throttle_check(t, "nam", "6.6.6.6", now()));
		throttle_fail(t, "nam", "6.6.6.6", now());
	}
	assert_int_equal(throttle_check(t, "nam", "6.6.6.6", now()), 15 * MIN);
	/* Right after the wait, one more failure brings it straight back to the
	 * cap: the count was not forgotten at the end of the wait. */
	clock_advance_ms(15 * MIN);
	assert_int_equal(throttle_check(t, "nam", "6.6.6.6", now()), 0);
	throttle_fail(t, "nam", "6.6.6.6", now());
	assert_int_equal(throttle_check(t, "nam", "6.6.6.6", now()), 15 * MIN);
	/* Only a full window of silence after the wait forgets. */
	clock_advance_ms(30 * MIN + 1);
	throttle_fail(t, "nam", "6.6.6.6", now());
	assert_int_equal(throttle_check(t, "nam", "6.6.6.6", now()), 0);
}

static void test_address_spray(void **state)
{
	struct throttle *t = *state;
	char acct[32];
	for (int i = 0; i < 19; i++) {
		snprintf(acct, sizeof acct, "user%d", i);
		throttle_fail(t, acct, "6.6.6.6", now());
	}
	assert_int_equal(throttle_check(t, "someone", "6.6.6.6", now()), 0);
	throttle_fail(t, "user19", "6.6.6.6", now()); /* 20th from this address */
	assert_int_equal(throttle_check(t, "someone", "6.6.6.6", now()), SEC);
	/* Those accounts from elsewhere are fine. */
	assert_int_equal(throttle_check(t, "user1", "7.7.7.7", now()), 0);
}

static void test_account_soft_cap(void **state)
{
	struct throttle *t = *state;
	char addr[32];
	/* A distributed attack on one account: every address fails once. */
	for (int i = 0; i < 9; i++) {
		snprintf(addr, sizeof addr, "10.0.0.%d", i);
		throttle_fail(t, "chutich", addr, now());
	}
	assert_int_equal(throttle_check(t, "chutich", "10.9.9.9", now()), 0);
	throttle_fail(t, "chutich", "10.0.0.9", now()); /* 10th */
	assert_int_equal(throttle_check(t, "chutich", "10.9.9.9", now()), SEC);
	/* Many more failures: the account wait never exceeds 60 s. */
	for (int i = 10; i < 200; i++) {
		snprintf(addr, sizeof addr, "10.0.%d.%d", i / 250, i % 250);
		clock_advance_ms(throttle_check(t, "chutich", addr, now()));
		throttle_fail(t, "chutich", addr, now());
		int64_t w = throttle_check(t, "chutich", "10.9.9.9", now());
		assert_true(w > 0 && w <= 60 * SEC);
	}
	assert_int_equal(throttle_check(t, "chutich", "10.9.9.9", now()), 60 * SEC);
}

static void test_trusted_pair_passes_attack(void **state)
{
	struct throttle *t = *state;
	char addr[32];
	/* The real user signed in from home before. */
	throttle_success(t, "chutich", "113.160.1.1", now());
	/* A botnet hammers the account and also uses the user's address for
	 * other accounts (a shared NAT). */
	for (int i = 0; i < 100; i++) {
		snprintf(addr, sizeof addr, "45.0.%d.%d", i / 250, i % 250);
		throttle_fail(t, "chutich", addr, now());
	}
	for (int i = 0; i < 30; i++) {
		snprintf(addr, sizeof addr, "victim%d", i);
		throttle_fail(t, addr, "113.160.1.1", now());
	}
	assert_true(throttle_check(t, "chutich", "45.9.9.9", now()) > 0);
	assert_true(throttle_check(t, "other", "113.160.1.1", now()) > 0);
	/* The user, from their usual address, is not slowed at all. */
	assert_int_equal(throttle_check(t, "chutich", "113.160.1.1", now()), 0);
	/* But their own pair still counts its own failures. */
	for (int i = 0; i < 5; i++)
		throttle_fail(t, "chutich", "113.160.1.1", now());
	assert_int_equal(throttle_check(t, "chutich", "113.160.1.1", now()), SEC);
	/* Trust expires after 30 days. */
	clock_advance_ms(SEC);
	throttle_success(t, "chutich", "113.160.1.1", now());
	clock_advance_ms(30LL * 24 * 60 * MIN + 1);
	for (int i = 0; i < 10; i++) {
		snprintf(addr, sizeof addr, "46.0.0.%d", i);
		throttle_fail(t, "chutich", addr, now());
	}
	assert_true(throttle_check(t, "chutich", "113.160.1.1", now()) > 0);
}

static void test_success_resets_pair_only(void **state)
{
	struct throttle *t = *state;
	char acct[32];
	for (int i = 0; i < 5; i++)
		throttle_fail(t, "nam", "1.2.3.4", now());
	assert_true(throttle_check(t, "nam", "1.2.3.4", now()) > 0);
	clock_advance_ms(SEC);
	throttle_success(t, "nam", "1.2.3.4", now());
	assert_int_equal(throttle_check(t, "nam", "1.2.3.4", now()), 0);
	/* An attacker signing in to their own account does not clear the
	 * address counter they built spraying others. */
	for (int i = 0; i < 20; i++) {
		snprintf(acct, sizeof acct, "u%d", i);
		throttle_fail(t, acct, "6.6.6.6", now());
	}
	throttle_success(t, "attacker", "6.6.6.6", now());
	assert_true(throttle_check(t, "u99", "6.6.6.6", now()) > 0);
}

/* The property the issue asks for: however an attack runs, a real user on
 * a new address is told to wait at most a bounded time (60 s), and the
 * attacker's guesses stay few (about one a minute). Simulated second by
 * second for two hours. (The user on a new address still races the
 * attacker for each free slot; from a known address they are not slowed
 * at all: test_trusted_pair_passes_attack.) */
static void test_no_permanent_lockout(void **state)
{
	struct throttle *t = *state;
	char addr[32];
	int attacker_tries = 0;
	int64_t max_user_wait = 0;
	for (int s = 0; s < 2 * 3600; s++) {
		for (int k = 0; k < 5; k++) { /* five attacking addresses a second */
			snprintf(addr, sizeof addr, "45.%d.%d.%d", s % 200, k, s / 200);
			if (throttle_check(t, "chutich", addr, now()) == 0) {
				throttle_fail(t, "chutich", addr, now());
				attacker_tries++;
			}
		}
		if (s % 600 == 300) { /* the user tries from a new phone */
			int64_t w = throttle_check(t, "chutich", "14.0.0.1", now());
			if (w > max_user_wait)
				max_user_wait = w;
		}
		clock_advance_ms(SEC);
	}
	assert_true(max_user_wait <= 60 * SEC);
	assert_true(attacker_tries <= 2 * 60 + 20); /* about one a minute */
}

static void test_eviction_bounds_memory(void **state)
{
	(void)state;
	struct throttle_config c;
	memset(&c, 0, sizeof c);
	c.max_entries = 30;
	struct throttle *t = throttle_new(&c);
	char addr[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(addr, sizeof addr, "9.9.%d.%d", i / 250, i % 250);
		throttle_fail(t, "x", addr, now());
		assert_true(throttle_count(t) <= 30);
	}
	assert_int_equal(throttle_count(t), 30);
	/* The most recent pair is still there and still counting. */
	for (int i = 0; i < 5; i++)
		throttle_fail(t, "y", "8.8.8.8", now());
	assert_true(throttle_check(t, "y", "8.8.8.8", now()) > 0);
	throttle_free(t);
}

static void test_prune(void **state)
{
	struct throttle *t = *state;
	throttle_fail(t, "a", "1.1.1.1", now());
	throttle_success(t, "b", "2.2.2.2", now());
	assert_int_equal(throttle_count(t), 4); /* pair, addr, account; pair */
	assert_int_equal(throttle_prune(t, now()), 0);
	clock_advance_ms(15 * MIN + 1);
	assert_int_equal(throttle_prune(t, now()), 3);
	assert_int_equal(throttle_count(t), 1); /* the trust mark stays */
	clock_advance_ms(30LL * 24 * 60 * MIN);
	assert_int_equal(throttle_prune(t, now()), 1);
	assert_int_equal(throttle_count(t), 0);
}

static void test_odd_keys(void **state)
{
	struct throttle *t = *state;
	char big[5000];
	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	for (int i = 0; i < 5; i++)
		throttle_fail(t, big, big, now());
	assert_true(throttle_check(t, big, big, now()) > 0);
	for (int i = 0; i < 5; i++)
		throttle_fail(t, NULL, NULL, now());
	assert_true(throttle_check(t, NULL, NULL, now()) > 0);
	assert_true(throttle_check(t, "", "", now()) > 0); /* NULL is "" */
	/* Pair keys cannot be confused by moving bytes between the parts. */
	for (int i = 0; i < 5; i++)
		throttle_fail(t, "ab", "c", now());
	assert_int_equal(throttle_check(t, "a", "bc", now()), 0);
	/* Huge times do not overflow. */
	for (int i = 0; i < 5; i++)
		throttle_fail(t, "z", "z", INT64_MAX - 10);
	assert_true(throttle_check(t, "z", "z", INT64_MAX - 10) > 0);
	throttle_success(t, "z", "z", INT64_MAX - 5);
}

struct worker {
	struct throttle *t;
	int id;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	char acct[32], addr[32];
	for (int i = 0; i < 2000; i++) {
		snprintf(acct, sizeof acct, "u%d", i % 37);
		snprintf(addr, sizeof addr, "10.%d.0.%d", w->id, i % 53);
		if (throttle_check(w->t, acct, addr, T0 + i) == 0)
			throttle_fail(w->t, acct, addr, T0 + i);
		if (i % 97 == 0)
			throttle_success(w->t, acct, addr, T0 + i);
		if (i % 501 == 0)
			throttle_prune(w->t, T0 + i);
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	struct throttle_config c;
	memset(&c, 0, sizeof c);
	c.max_entries = 500;
	struct throttle *t = throttle_new(&c);
	pthread_t th[4];
	struct worker w[4];
	for (int i = 0; i < 4; i++) {
		w[i].t = t;
		w[i].id = i;
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_true(throttle_count(t) <= 500);
	throttle_free(t);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_each, teardown_each)
	const struct CMUnitTest tests[] = {
		T(test_defaults),
		T(test_pair_backoff),
		T(test_case_insensitive_account),
		T(test_window_forgets),
		T(test_persistent_attacker_stays_capped),
		T(test_address_spray),
		T(test_account_soft_cap),
		T(test_trusted_pair_passes_attack),
		T(test_success_resets_pair_only),
		T(test_no_permanent_lockout),
		T(test_eviction_bounds_memory),
		T(test_prune),
		T(test_odd_keys),
		T(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
