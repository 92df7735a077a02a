/* Sign-in throttling: exponential backoff after repeated failures, built
 * so that an attacker cannot lock a real user out for good.
 *
 * Three counters are kept for each failed sign-in:
 *  - the (account, address) pair: strict. From the 5th failure within the
 *    window the pair waits 1 s, doubling per further failure up to 15 min.
 *    This stops guessing one account from one place.
 *  - the address: from the 20th failure (any accounts) 1 s doubling up to
 *    15 min. This stops one place spraying many accounts. The threshold is
 *    higher because offices share one NAT address.
 *  - the account: soft. From the 10th failure (any addresses) 1 s doubling
 *    up to only 60 s. A distributed attack gets about one guess a minute
 *    per account, and a real user on a new address is never told to wait
 *    more than a minute (while such an attack runs they share that one
 *    attempt a minute with the attacker; from a trusted address, below,
 *    they are not slowed at all).
 * A failure is forgotten when a whole window (15 min) passes after the last
 * failure and after the wait it caused, so a persistent attacker stays at
 * the cap and a user who gave up starts fresh.
 *
 * A successful sign-in clears the pair and marks it trusted for 30 days. A
 * trusted pair (an address with a good history for that account) skips the
 * address and account counters: however hard others hammer the account or
 * the address, its owner still signs in from where they usually do. Only
 * the pair's own failures can slow it. Success does not clear the address
 * or account counters (an attacker with one valid account must not be able
 * to reset them).
 *
 * The table is in memory (per process; several nodes throttle separately),
 * bounded to max_entries: when full the least recently updated entry is
 * evicted, so memory stays bounded under a flood of addresses; evicting a
 * trust mark only falls back to the bounded account wait. Keys: the
 * account as the user typed it, ASCII-lowercased (unknown accounts are
 * throttled exactly like real ones, so throttling reveals nothing), and the
 * remote address as text (callers may pass an IPv6 /64 prefix). Over-long
 * keys are truncated. All functions are thread-safe (one mutex) and take
 * the time as an argument (clock_now_ms() in the server, a fixed value in
 * tests). */
#ifndef PCCC_AUTH_THROTTLE_H
#define PCCC_AUTH_THROTTLE_H
#include <stddef.h>
#include <stdint.h>

struct throttle_config {
	int pair_threshold;      /* failures before the pair waits: 5 */
	int addr_threshold;      /* 20 */
	int account_threshold;   /* 10 */
	int64_t window_ms;       /* 15 min */
	int64_t base_delay_ms;   /* first wait: 1 s */
	int64_t pair_cap_ms;     /* 15 min */
	int64_t addr_cap_ms;     /* 15 min */
	int64_t account_cap_ms;  /* 60 s */
	int64_t trust_ms;        /* 30 days */
	size_t max_entries;      /* 100000 */
};

struct throttle;

/* The defaults above. */
void throttle_config_default(struct throttle_config *c);

/* cfg NULL: defaults. Free with throttle_free. Zero or negative fields of
 * cfg take their default. */
struct throttle *throttle_new(const struct throttle_config *cfg);
void throttle_free(struct throttle *t);

/* 0 if a sign-in attempt for account from addr may be checked now;
 * otherwise the milliseconds to wait (> 0). Does not change the state. */
int64_t throttle_check(struct throttle *t, const char *account, const char *addr, int64_t now_ms);
/* Records a failed attempt (wrong password, unknown account). Call only for
 * attempts throttle_check allowed. */
void throttle_fail(struct throttle *t, const char *account, const char *addr, int64_t now_ms);
/* Records a successful sign-in: clears and trusts the pair. */
void throttle_success(struct throttle *t, const char *account, const char *addr, int64_t now_ms);

/* Drops entries that no longer hold anything (no failure in the window, no
 * wait, no trust); returns how many. Call now and then (e.g. every few
 * minutes). */
size_t throttle_prune(struct throttle *t, int64_t now_ms);
/* Entries held (for tests and metrics). */
size_t throttle_count(struct throttle *t);

#endif
