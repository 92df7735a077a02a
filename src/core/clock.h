/* The injectable clock. Everything that depends on time (timeouts,
 * supervision windows, expiry, timestamps written to the database) reads it
 * here, so tests set the time exactly with clock_set_fake(). */
#ifndef PCCC_CORE_CLOCK_H
#define PCCC_CORE_CLOCK_H
#include <stdint.h>

/* Wall-clock time, milliseconds / seconds since the Unix epoch (UTC). */
int64_t clock_now_ms(void);
int64_t clock_now_s(void);
/* Monotonic milliseconds, for measuring durations and timers. */
int64_t clock_mono_ms(void);

/* Tests: freeze both clocks at ms (wall) — the monotonic clock then equals
 * the same value. clock_advance_ms moves the fake clock; clock_set_real
 * returns to the system clocks. Thread-safe (atomic). */
void clock_set_fake(int64_t ms);
void clock_advance_ms(int64_t delta);
void clock_set_real(void);
/* Tests: steps the fake wall clock alone, as an NTP correction does; the
 * monotonic clock (timers, idle sweeps) does not move. clock_set_fake
 * undoes every step. */
void clock_step_wall_ms(int64_t delta);

/* Formats ms as RFC 3339 UTC with milliseconds, "2026-11-25T14:45:26.123Z",
 * into out (at least 32 bytes). */
void clock_format_iso(int64_t ms, char *out, unsigned outlen);

#endif
