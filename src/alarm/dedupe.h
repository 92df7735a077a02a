/* The retransmission memory of the receiver: the 64-bit hashes of the
 * dedupe keys (account|seq|bracketed data|index) of events stored within
 * the last window (10 minutes), each with its row id and receive time.
 * It replaces a unique index on the key, whose random inserts cost a page
 * write per event: the events table is then append-only. It is rebuilt at
 * start from the rows of the last window, so a retransmission after a
 * crash and restart is still recognised.
 *
 * A hash hit is only a candidate: the caller compares the full key (the
 * stored row's, or the pending event's) before calling it a duplicate.
 * Open addressing, linear probing, backward-shift deletion; not
 * thread-safe (the receiver's committer thread owns it). */
#ifndef PCCC_ALARM_DEDUPE_H
#define PCCC_ALARM_DEDUPE_H
#include <stddef.h>
#include <stdint.h>

struct dedupe;

struct dedupe *dedupe_new(int64_t window_ms);
void dedupe_free(struct dedupe *d);

uint64_t dedupe_hash(const char *key);
/* Records key hash h (id: the row id, or a negative pending marker). */
void dedupe_add(struct dedupe *d, uint64_t h, int64_t id, int64_t ms);
/* Candidates for h received within the window before now_ms: call with
 * *pos = 0 first; each call returns 1 and fills *id / *ms, 0 at the end. */
int dedupe_next(struct dedupe *d, uint64_t h, int64_t now_ms, size_t *pos, int64_t *id,
		int64_t *ms);
/* Changes the id of the entry (h, old_id), e.g. pending → stored. */
void dedupe_set_id(struct dedupe *d, uint64_t h, int64_t old_id, int64_t new_id);
/* Removes the entry (h, id). */
void dedupe_remove(struct dedupe *d, uint64_t h, int64_t id);
/* Drops entries older than the window before now_ms. */
void dedupe_prune(struct dedupe *d, int64_t now_ms);
size_t dedupe_count(const struct dedupe *d);

#endif
