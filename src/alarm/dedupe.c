/* Retransmission memory (see dedupe.h). Slots hold {hash, id, ms}; an
 * empty slot has ms == 0 (receive times are never 0). */
#include "alarm/dedupe.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

struct dd_slot {
	uint64_t h;
	int64_t id;
	int64_t ms;
};

struct dedupe {
	int64_t window_ms;
	int64_t oldest_ms;  /* no entry is older (a lower bound after removals) */
	struct dd_slot *slots;
	size_t cap, n;  /* cap: power of two */
};

uint64_t dedupe_hash(const char *key)
{
	/* FNV-1a 64 with a final avalanche (splitmix64). */
	uint64_t h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h ^= h >> 30;
	h *= 0xBF58476D1CE4E5B9ULL;
	h ^= h >> 27;
	h *= 0x94D049BB133111EBULL;
	h ^= h >> 31;
	return h;
}

struct dedupe *dedupe_new(int64_t window_ms)
{
	struct dedupe *d = xcalloc(1, sizeof *d);
	d->window_ms = window_ms;
	d->cap = 1024;
	d->slots = xcalloc(d->cap, sizeof *d->slots);
	return d;
}

void dedupe_free(struct dedupe *d)
{
	if (!d)
		return;
	free(d->slots);
	free(d);
}

static void put(struct dd_slot *slots, size_t cap, const struct dd_slot *s)
{
	size_t m = cap - 1;
	for (size_t i = (size_t)s->h & m;; i = (i + 1) & m) {
		if (slots[i].ms == 0) {
			slots[i] = *s;
			return;
		}
	}
}

/* Rebuilds into a table of cap slots, keeping entries newer than cutoff. */
static void rebuild(struct dedupe *d, size_t cap, int64_t cutoff)
{
	struct dd_slot *ns = xcalloc(cap, sizeof *ns);
	size_t n = 0;
	int64_t oldest = INT64_MAX;
	for (size_t i = 0; i < d->cap; i++) {
		if (d->slots[i].ms != 0 && d->slots[i].ms >= cutoff) {
			put(ns, cap, &d->slots[i]);
			n++;
			if (d->slots[i].ms < oldest)
				oldest = d->slots[i].ms;
		}
	}
	d->oldest_ms = oldest;
	free(d->slots);
	d->slots = ns;
	d->cap = cap;
	d->n = n;
}

void dedupe_add(struct dedupe *d, uint64_t h, int64_t id, int64_t ms)
{
	if ((d->n + 1) * 2 > d->cap)
		rebuild(d, d->cap * 2, INT64_MIN);
	struct dd_slot s = {.h = h, .id = id, .ms = ms ? ms : 1};
	put(d->slots, d->cap, &s);
	if (d->n == 0 || s.ms < d->oldest_ms)
		d->oldest_ms = s.ms;
	d->n++;
}

int dedupe_next(struct dedupe *d, uint64_t h, int64_t now_ms, size_t *pos, int64_t *id,
		int64_t *ms)
{
	size_t m = d->cap - 1;
	/* *pos counts probes from the home slot. */
	for (size_t k = *pos; k < d->cap; k++) {
		struct dd_slot *s = &d->slots[((size_t)h + k) & m];
		if (s->ms == 0)
			return 0;
		if (s->h == h && now_ms - s->ms <= d->window_ms) {
			*pos = k + 1;
			*id = s->id;
			*ms = s->ms;
			return 1;
		}
	}
	return 0;
}

static struct dd_slot *find(struct dedupe *d, uint64_t h, int64_t id)
{
	size_t m = d->cap - 1;
	for (size_t i = (size_t)h & m;; i = (i + 1) & m) {
		struct dd_slot *s = &d->slots[i];
		if (s->ms == 0)
			return NULL;
		if (s->h == h && s->id == id)
			return s;
	}
}

void dedupe_set_id(struct dedupe *d, uint64_t h, int64_t old_id, int64_t new_id)
{
	struct dd_slot *s = find(d, h, old_id);
	if (s)
		s->id = new_id;
}

void dedupe_remove(struct dedupe *d, uint64_t h, int64_t id)
{
	struct dd_slot *s = find(d, h, id);
	if (!s)
		return;
	size_t m = d->cap - 1, i = (size_t)(s - d->slots);
	d->slots[i].ms = 0;
	d->n--;
	for (size_t j = (i + 1) & m; d->slots[j].ms != 0; j = (j + 1) & m) {
		size_t home = (size_t)d->slots[j].h & m;
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			d->slots[i] = d->slots[j];
			d->slots[j].ms = 0;
			i = j;
		}
	}
}

void dedupe_prune(struct dedupe *d, int64_t now_ms)
{
	size_t cap = d->cap;
	/* Nothing has expired: no pass over the whole table (it holds every
	 * event of the last 10 minutes). */
	if (d->n > 0 && d->oldest_ms < now_ms - d->window_ms)
		rebuild(d, cap, now_ms - d->window_ms);
	while (d->cap > 1024 && d->n * 8 < d->cap)
		rebuild(d, d->cap / 2, INT64_MIN);
}

size_t dedupe_count(const struct dedupe *d)
{
	return d->n;
}
