/* Supervision windows (see supervise.h): entries in an array, found by id
 * through an open-addressing hash (linear probing, backward-shift delete),
 * ordered by deadline in a binary min-heap of entry indexes. */
#include "alarm/supervise.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

struct sv_entry {
	int64_t id;
	int64_t window_ms;
	int64_t deadline_ms;
	long heap_pos;   /* -1: not in the heap (failed) */
	int failed;
};

struct supervise {
	pthread_mutex_t lock;
	struct sv_entry *ents;
	size_t n, cap;
	long *slots;     /* hash: entry index + 1, 0 empty */
	size_t nslots;   /* power of two */
	size_t *heap;    /* entry indexes */
	size_t nheap;
};

static size_t sv_hash(int64_t id)
{
	uint64_t x = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
	return (size_t)(x ^ (x >> 29));
}

static long *slot_find(struct supervise *s, int64_t id)
{
	size_t m = s->nslots - 1;
	for (size_t i = sv_hash(id) & m;; i = (i + 1) & m) {
		long *p = &s->slots[i];
		if (*p == 0 || s->ents[*p - 1].id == id)
			return p;
	}
}

static void slots_grow(struct supervise *s)
{
	size_t nn = s->nslots ? s->nslots * 2 : 1024;
	free(s->slots);
	s->slots = xcalloc(nn, sizeof *s->slots);
	s->nslots = nn;
	for (size_t e = 0; e < s->n; e++)
		*slot_find(s, s->ents[e].id) = (long)e + 1;
}

/* ---- heap ---- */

static int heap_less(struct supervise *s, size_t a, size_t b)
{
	return s->ents[s->heap[a]].deadline_ms < s->ents[s->heap[b]].deadline_ms;
}

static void heap_swap(struct supervise *s, size_t a, size_t b)
{
	size_t t = s->heap[a];
	s->heap[a] = s->heap[b];
	s->heap[b] = t;
	s->ents[s->heap[a]].heap_pos = (long)a;
	s->ents[s->heap[b]].heap_pos = (long)b;
}

static void heap_up(struct supervise *s, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!heap_less(s, i, p))
			break;
		heap_swap(s, i, p);
		i = p;
	}
}

static void heap_down(struct supervise *s, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < s->nheap && heap_less(s, l, m))
			m = l;
		if (r < s->nheap && heap_less(s, r, m))
			m = r;
		if (m == i)
			break;
		heap_swap(s, i, m);
		i = m;
	}
}

static void heap_push(struct supervise *s, size_t e)
{
	s->heap[s->nheap] = e;
	s->ents[e].heap_pos = (long)s->nheap;
	s->nheap++;
	heap_up(s, s->nheap - 1);
}

static void heap_remove(struct supervise *s, size_t pos)
{
	size_t e = s->heap[pos];
	s->nheap--;
	if (pos != s->nheap) {
		s->heap[pos] = s->heap[s->nheap];
		s->ents[s->heap[pos]].heap_pos = (long)pos;
		heap_down(s, pos);
		heap_up(s, pos);
	}
	s->ents[e].heap_pos = -1;
}

static void heap_fix(struct supervise *s, size_t pos)
{
	heap_down(s, pos);
	heap_up(s, pos);
}

/* ---- interface ---- */

struct supervise *supervise_new(void)
{
	struct supervise *s = xcalloc(1, sizeof *s);
	pthread_mutex_init(&s->lock, NULL);
	slots_grow(s);
	return s;
}

void supervise_free(struct supervise *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s->ents);
	free(s->slots);
	free(s->heap);
	free(s);
}

void supervise_set(struct supervise *s, int64_t id, int64_t window_ms, int64_t last_heard_ms)
{
	if (window_ms <= 0)
		window_ms = 1;
	pthread_mutex_lock(&s->lock);
	long *slot = slot_find(s, id);
	if (*slot == 0) {
		if ((s->n + 1) * 2 > s->nslots) {
			slots_grow(s);
			slot = slot_find(s, id);
		}
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 256;
			s->ents = xrealloc(s->ents, s->cap * sizeof *s->ents);
			s->heap = xrealloc(s->heap, s->cap * sizeof *s->heap);
		}
		struct sv_entry *e = &s->ents[s->n];
		memset(e, 0, sizeof *e);
		e->id = id;
		e->window_ms = window_ms;
		e->deadline_ms = last_heard_ms + window_ms;
		*slot = (long)s->n + 1;
		s->n++;
		heap_push(s, s->n - 1);
	} else {
		struct sv_entry *e = &s->ents[*slot - 1];
		e->window_ms = window_ms;
		if (!e->failed) {
			e->deadline_ms = last_heard_ms + window_ms;
			heap_fix(s, (size_t)e->heap_pos);
		}
	}
	pthread_mutex_unlock(&s->lock);
}

void supervise_remove(struct supervise *s, int64_t id)
{
	pthread_mutex_lock(&s->lock);
	long *slot = slot_find(s, id);
	if (*slot == 0)
		goto out;
	size_t e = (size_t)(*slot - 1);
	if (s->ents[e].heap_pos >= 0)
		heap_remove(s, (size_t)s->ents[e].heap_pos);
	/* Backward-shift delete of the hash slot. */
	size_t m = s->nslots - 1, i = (size_t)(slot - s->slots);
	s->slots[i] = 0;
	for (size_t j = (i + 1) & m; s->slots[j]; j = (j + 1) & m) {
		size_t home = sv_hash(s->ents[s->slots[j] - 1].id) & m;
		/* Move j back to i when its home is not in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			s->slots[i] = s->slots[j];
			s->slots[j] = 0;
			i = j;
		}
	}
	/* Move the last entry into the hole. */
	size_t last = s->n - 1;
	if (e != last) {
		s->ents[e] = s->ents[last];
		*slot_find(s, s->ents[e].id) = (long)e + 1;
		if (s->ents[e].heap_pos >= 0)
			s->heap[s->ents[e].heap_pos] = e;
	}
	s->n--;
out:
	pthread_mutex_unlock(&s->lock);
}

int supervise_heard(struct supervise *s, int64_t id, int64_t now_ms)
{
	int rc = -1;
	pthread_mutex_lock(&s->lock);
	long *slot = slot_find(s, id);
	if (*slot) {
		struct sv_entry *e = &s->ents[*slot - 1];
		rc = e->failed;
		e->failed = 0;
		e->deadline_ms = now_ms + e->window_ms;
		if (e->heap_pos >= 0)
			heap_fix(s, (size_t)e->heap_pos);
		else
			heap_push(s, (size_t)(*slot - 1));
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

size_t supervise_expire(struct supervise *s, int64_t now_ms, int64_t *out, size_t cap)
{
	size_t k = 0;
	pthread_mutex_lock(&s->lock);
	while (k < cap && s->nheap > 0 && s->ents[s->heap[0]].deadline_ms < now_ms) {
		size_t e = s->heap[0];
		heap_remove(s, 0);
		s->ents[e].failed = 1;
		out[k++] = s->ents[e].id;
	}
	pthread_mutex_unlock(&s->lock);
	return k;
}

int64_t supervise_next_deadline(struct supervise *s)
{
	pthread_mutex_lock(&s->lock);
	int64_t d = s->nheap ? s->ents[s->heap[0]].deadline_ms : INT64_MAX;
	pthread_mutex_unlock(&s->lock);
	return d;
}

int supervise_state(struct supervise *s, int64_t id)
{
	pthread_mutex_lock(&s->lock);
	long *slot = slot_find(s, id);
	int rc = *slot ? s->ents[*slot - 1].failed : -1;
	pthread_mutex_unlock(&s->lock);
	return rc;
}

size_t supervise_count(struct supervise *s)
{
	pthread_mutex_lock(&s->lock);
	size_t n = s->n;
	pthread_mutex_unlock(&s->lock);
	return n;
}
