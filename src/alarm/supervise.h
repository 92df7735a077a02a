/* Device supervision: each transmitter must be heard (a NULL link test or
 * any frame) within its window, else it is in communication failure until
 * the next frame restores it. A min-heap of deadlines (with each entry's
 * heap position, so a refresh is O(log n)) plus an id → entry hash: 200,000
 * devices take a few MB and a refresh is a few hundred nanoseconds.
 *
 * No clock and no threads inside: the caller passes "now" (from the
 * injectable clock) and drives supervise_expire from a timer. Every
 * function takes the structure's own mutex, so the receiver thread
 * (supervise_heard) and the timer thread (supervise_expire) can share it. */
#ifndef PCCC_ALARM_SUPERVISE_H
#define PCCC_ALARM_SUPERVISE_H
#include <stddef.h>
#include <stdint.h>

struct supervise;

struct supervise *supervise_new(void);
void supervise_free(struct supervise *s);

/* Adds device id, or changes its window; the deadline becomes
 * last_heard_ms + window_ms. A device already in failure stays failed
 * (until heard). window_ms must be > 0. */
void supervise_set(struct supervise *s, int64_t id, int64_t window_ms, int64_t last_heard_ms);
/* Forgets the device. */
void supervise_remove(struct supervise *s, int64_t id);
/* The device was heard at now_ms: its window starts again. Returns 1 when
 * it was in communication failure (the caller records the restore), 0
 * when it was fine, -1 for an unknown device. */
int supervise_heard(struct supervise *s, int64_t id, int64_t now_ms);
/* Devices whose deadline has passed (deadline < now_ms): each is marked
 * failed, leaves the heap and its id is written to out (at most cap;
 * call again while it returns cap). Returns how many. */
size_t supervise_expire(struct supervise *s, int64_t now_ms, int64_t *out, size_t cap);
/* Earliest deadline, INT64_MAX when nothing is supervised. */
int64_t supervise_next_deadline(struct supervise *s);
/* 1 failed, 0 fine, -1 unknown. */
int supervise_state(struct supervise *s, int64_t id);
size_t supervise_count(struct supervise *s);

#endif
