/* Injectable clock (see clock.h). */
#include "core/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static atomic_int fake_on;
static atomic_llong fake_ms;
static atomic_llong wall_step_ms; /* fake wall clock minus fake monotonic */

int64_t clock_now_ms(void)
{
	if (atomic_load(&fake_on))
		return atomic_load(&fake_ms) + atomic_load(&wall_step_ms);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_now_s(void)
{
	int64_t ms = clock_now_ms();
	return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

int64_t clock_mono_ms(void)
{
	if (atomic_load(&fake_on))
		return atomic_load(&fake_ms);
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_set_fake(int64_t ms)
{
	atomic_store(&fake_ms, ms);
	atomic_store(&wall_step_ms, 0);
	atomic_store(&fake_on, 1);
}

void clock_step_wall_ms(int64_t delta)
{
	atomic_fetch_add(&wall_step_ms, delta);
}

void clock_advance_ms(int64_t delta)
{
	atomic_fetch_add(&fake_ms, delta);
}

void clock_set_real(void)
{
	atomic_store(&fake_on, 0);
}

void clock_format_iso(int64_t ms, char *out, unsigned outlen)
{
	time_t s = (time_t)(ms / 1000);
	int frac = (int)(ms % 1000);
	if (frac < 0) {
		frac += 1000;
		s -= 1;
	}
	struct tm tm;
	gmtime_r(&s, &tm);
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}
