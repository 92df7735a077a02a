/* Sign-in throttling (see throttle.h for the design): a bounded hash
 * table of failure counters with an LRU list for eviction, keyed by a
 * random-keyed SipHash so crafted keys cannot degrade it. */
#include "auth/throttle.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

#define MAX_ACCOUNT 256
#define MAX_ADDR 128

enum tkind { KIND_PAIR = 'P', KIND_ADDR = 'A', KIND_ACCOUNT = 'U' };

struct tentry {
	struct tentry *hnext;            /* bucket chain */
	struct tentry *lru_prev, *lru_next; /* lru_next toward older */
	uint64_t hash;
	int failures;
	int64_t last_fail_ms;
	int64_t locked_until_ms;
	int64_t trusted_until_ms;
	size_t keylen;
	unsigned char key[];
};

struct throttle {
	pthread_mutex_t mu;
	struct throttle_config cfg;
	unsigned char hkey[crypto_shorthash_KEYBYTES];
	struct tentry **buckets;
	size_t nbuckets;                 /* power of two */
	size_t count;
	struct tentry *newest, *oldest;
};

void throttle_config_default(struct throttle_config *c)
{
	c->pair_threshold = 5;
	c->addr_threshold = 20;
	c->account_threshold = 10;
	c->window_ms = 15 * 60 * 1000LL;
	c->base_delay_ms = 1000;
	c->pair_cap_ms = 15 * 60 * 1000LL;
	c->addr_cap_ms = 15 * 60 * 1000LL;
	c->account_cap_ms = 60 * 1000LL;
	c->trust_ms = 30 * 24 * 3600 * 1000LL;
	c->max_entries = 100000;
}

struct throttle *throttle_new(const struct throttle_config *cfg)
{
	struct throttle_config d;
	throttle_config_default(&d);
	struct throttle *t = xcalloc(1, sizeof *t);
	t->cfg = d;
	if (cfg) {
#define TAKE(f) \
	if (cfg->f > 0) \
		t->cfg.f = cfg->f
		TAKE(pair_threshold);
		TAKE(addr_threshold);
		TAKE(account_threshold);
		TAKE(window_ms);
		TAKE(base_delay_ms);
		TAKE(pair_cap_ms);
		TAKE(addr_cap_ms);
		TAKE(account_cap_ms);
		TAKE(trust_ms);
		TAKE(max_entries);
#undef TAKE
	}
	if (sodium_init() < 0)
		abort(); /* libsodium unusable: broken installation */
	randombytes_buf(t->hkey, sizeof t->hkey);
	t->nbuckets = 16;
	while (t->nbuckets < t->cfg.max_entries && t->nbuckets < ((size_t)1 << 24))
		t->nbuckets <<= 1;
	t->buckets = xcalloc(t->nbuckets, sizeof *t->buckets);
	pthread_mutex_init(&t->mu, NULL);
	return t;
}

void throttle_free(struct throttle *t)
{
	if (!t)
		return;
	struct tentry *e = t->newest;
	while (e) {
		struct tentry *next = e->lru_next;
		free(e);
		e = next;
	}
	free(t->buckets);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

/* kind, account (lowercased, truncated), NUL, addr (truncated). */
static size_t make_key(unsigned char *buf, enum tkind kind, const char *account, const char *addr)
{
	size_t n = 0;
	buf[n++] = (unsigned char)kind;
	if (kind != KIND_ADDR) {
		for (size_t i = 0; account && account[i] && i < MAX_ACCOUNT; i++) {
			unsigned char c = (unsigned char)account[i];
			buf[n++] = (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
		}
	}
	buf[n++] = 0;
	if (kind != KIND_ACCOUNT) {
		for (size_t i = 0; addr && addr[i] && i < MAX_ADDR; i++)
			buf[n++] = (unsigned char)addr[i];
	}
	return n;
}

#define KEYBUF (1 + MAX_ACCOUNT + 1 + MAX_ADDR)

static uint64_t key_hash(const struct throttle *t, const unsigned char *key, size_t n)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t v = 0;
	crypto_shorthash(h, key, n, t->hkey);
	for (int i = 0; i < 8; i++)
		v = (v << 8) | h[i];
	return v;
}

static struct tentry *lookup(struct throttle *t, const unsigned char *key, size_t n, uint64_t h)
{
	for (struct tentry *e = t->buckets[h & (t->nbuckets - 1)]; e; e = e->hnext)
		if (e->hash == h && e->keylen == n && memcmp(e->key, key, n) == 0)
			return e;
	return NULL;
}

static void lru_unlink(struct throttle *t, struct tentry *e)
{
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		t->newest = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else
		t->oldest = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void lru_push(struct throttle *t, struct tentry *e)
{
	e->lru_prev = NULL;
	e->lru_next = t->newest;
	if (t->newest)
		t->newest->lru_prev = e;
	t->newest = e;
	if (!t->oldest)
		t->oldest = e;
}

static void entry_remove(struct throttle *t, struct tentry *e)
{
	struct tentry **pp = &t->buckets[e->hash & (t->nbuckets - 1)];
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(t, e);
	t->count--;
	free(e);
}

/* The entry for key, created (evicting the oldest if full) if absent, and
 * moved to the front of the LRU list. */
static struct tentry *touch(struct throttle *t, enum tkind kind, const char *account,
			    const char *addr)
{
	unsigned char key[KEYBUF];
	size_t n = make_key(key, kind, account, addr);
	uint64_t h = key_hash(t, key, n);
	struct tentry *e = lookup(t, key, n, h);
	if (e) {
		lru_unlink(t, e);
		lru_push(t, e);
		return e;
	}
	while (t->count >= t->cfg.max_entries && t->oldest)
		entry_remove(t, t->oldest);
	e = xcalloc(1, sizeof *e + n);
	e->hash = h;
	e->keylen = n;
	memcpy(e->key, key, n);
	size_t b = h & (t->nbuckets - 1);
	e->hnext = t->buckets[b];
	t->buckets[b] = e;
	lru_push(t, e);
	t->count++;
	return e;
}

static struct tentry *find(struct throttle *t, enum tkind kind, const char *account,
			   const char *addr)
{
	unsigned char key[KEYBUF];
	size_t n = make_key(key, kind, account, addr);
	return lookup(t, key, n, key_hash(t, key, n));
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t sat_add(int64_t a, int64_t b)
{
	return b > 0 && a > INT64_MAX - b ? INT64_MAX : a + b;
}

static int64_t wait_left(const struct tentry *e, int64_t now)
{
	return e && e->locked_until_ms > now ? e->locked_until_ms - now : 0;
}

int64_t throttle_check(struct throttle *t, const char *account, const char *addr, int64_t now_ms)
{
	pthread_mutex_lock(&t->mu);
	struct tentry *pair = find(t, KIND_PAIR, account, addr);
	int64_t wait = wait_left(pair, now_ms);
	if (!(pair && pair->trusted_until_ms > now_ms)) {
		wait = max64(wait, wait_left(find(t, KIND_ADDR, account, addr), now_ms));
		wait = max64(wait, wait_left(find(t, KIND_ACCOUNT, account, addr), now_ms));
	}
	pthread_mutex_unlock(&t->mu);
	return wait;
}

static void count_failure(struct throttle *t, struct tentry *e, int threshold, int64_t cap,
			  int64_t now)
{
	if (e->failures > 0 && now - max64(e->last_fail_ms, e->locked_until_ms) > t->cfg.window_ms) {
		e->failures = 0;
		e->locked_until_ms = 0;
	}
	if (e->failures < 1000000)
		e->failures++;
	e->last_fail_ms = now;
	if (e->failures >= threshold) {
		int64_t delay = t->cfg.base_delay_ms;
		for (int i = threshold; i < e->failures && delay < cap; i++)
			delay = delay > cap / 2 ? cap : delay * 2;
		e->locked_until_ms = sat_add(now, delay < cap ? delay : cap);
	}
}

void throttle_fail(struct throttle *t, const char *account, const char *addr, int64_t now_ms)
{
	pthread_mutex_lock(&t->mu);
	count_failure(t, touch(t, KIND_PAIR, account, addr), t->cfg.pair_threshold,
		      t->cfg.pair_cap_ms, now_ms);
	count_failure(t, touch(t, KIND_ADDR, account, addr), t->cfg.addr_threshold,
		      t->cfg.addr_cap_ms, now_ms);
	count_failure(t, touch(t, KIND_ACCOUNT, account, addr), t->cfg.account_threshold,
		      t->cfg.account_cap_ms, now_ms);
	pthread_mutex_unlock(&t->mu);
}

void throttle_success(struct throttle *t, const char *account, const char *addr, int64_t now_ms)
{
	pthread_mutex_lock(&t->mu);
	struct tentry *e = touch(t, KIND_PAIR, account, addr);
	e->failures = 0;
	e->locked_until_ms = 0;
	e->trusted_until_ms = sat_add(now_ms, t->cfg.trust_ms);
	pthread_mutex_unlock(&t->mu);
}

static int entry_stale(const struct throttle *t, const struct tentry *e, int64_t now)
{
	if (e->trusted_until_ms > now || e->locked_until_ms > now)
		return 0;
	if (e->failures > 0 && now - max64(e->last_fail_ms, e->locked_until_ms) <= t->cfg.window_ms)
		return 0;
	return 1;
}

size_t throttle_prune(struct throttle *t, int64_t now_ms)
{
	size_t n = 0;
	pthread_mutex_lock(&t->mu);
	struct tentry *e = t->newest;
	while (e) {
		struct tentry *next = e->lru_next;
		if (entry_stale(t, e, now_ms)) {
			entry_remove(t, e);
			n++;
		}
		e = next;
	}
	pthread_mutex_unlock(&t->mu);
	return n;
}

size_t throttle_count(struct throttle *t)
{
	pthread_mutex_lock(&t->mu);
	size_t n = t->count;
	pthread_mutex_unlock(&t->mu);
	return n;
}
