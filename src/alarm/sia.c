/* SIA DC-04 (`SIA-DCS`) data over DC-09: after the optional "#acct|",
 * blocks separated by '|'. An event block (optionally led by 'N' new or
 * 'O' old) holds fields separated by '/'; a field is modifiers (two lower
 * case letters and a non-empty value: "ri" area, "id" user, "ti" HH:MM, others read
 * and ignored) and then an event code (two upper case letters), the zone or
 * user number it addresses and optional text. Modifiers hold for the events
 * that follow them in the frame. A later block "A..." is text for the event
 * before it; other later blocks are skipped. Example:
 * `Nri1/FA129/FA130|Akitchen` gives two fire alarms in area 1. */
#include "alarm/event.h"

#include <stdio.h>
#include <string.h>

struct sia_state {
	char area[ALARM_FIELD_MAX];
	char user[ALARM_FIELD_MAX];
	char time[6];
};

static int is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static int is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_field_start(const char *p, const char *end)
{
	return end - p >= 2 && ((is_lower(p[0]) && is_lower(p[1])) || (is_upper(p[0]) && is_upper(p[1])));
}

/* Copies [p,end) into out (size cap) or fails when it does not fit. */
static int copy_field(char *out, size_t cap, const char *p, const char *end)
{
	size_t n = (size_t)(end - p);
	if (n >= cap)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

static void classify(struct alarm_event *e)
{
	int restore = 0;
	const struct alarm_code *c = alarm_code_by_sia(e->sia, &restore);

	if (c) {
		e->cls = c->cls;
		e->restore = restore;
		e->cid = c->cid;
	} else {
		e->cls = ALARM_CLASS_STATUS;
		e->unknown = 1;
	}
}

/* One '/'-separated field in [p,end); may add one event. */
static int parse_field(const char *p, const char *end, struct sia_state *st,
		       struct alarm_event *ev, size_t cap, size_t *n)
{
	while (p < end && is_lower(p[0])) {
		if (end - p < 2 || !is_lower(p[1]))
			return -1;
		const char *name = p, *v = p + 2;
		const char *q = v;
		while (q < end && ((*q >= '0' && *q <= '9') || *q == ':'))
			q++;
		if (q == v)
			return -1;
		int rc = 0;
		if (!memcmp(name, "ri", 2))
			rc = copy_field(st->area, sizeof st->area, v, q);
		else if (!memcmp(name, "id", 2))
			rc = copy_field(st->user, sizeof st->user, v, q);
		else if (!memcmp(name, "ti", 2))
			rc = copy_field(st->time, sizeof st->time, v, q);
		if (rc)
			return -1;
		p = q;
	}
	if (p == end)
		return 0;
	if (!(end - p >= 2 && is_upper(p[0]) && is_upper(p[1])))
		return -1;
	if (*n >= cap)
		return -1;
	struct alarm_event *e = &ev[*n];
	memset(e, 0, sizeof *e);
	memcpy(e->code, p, 2);
	memcpy(e->sia, p, 2);
	p += 2;
	const char *q = p;
	while (q < end && *q >= '0' && *q <= '9')
		q++;
	if (copy_field(e->zone, sizeof e->zone, p, q))
		return -1;
	if (q < end) {
		size_t tl = (size_t)(end - q);
		if (tl >= sizeof e->text)
			tl = sizeof e->text - 1;
		memcpy(e->text, q, tl);
		e->text[tl] = '\0';
	}
	memcpy(e->area, st->area, sizeof e->area);
	memcpy(e->user, st->user, sizeof e->user);
	memcpy(e->dev_time, st->time, sizeof e->dev_time);
	classify(e);
	(*n)++;
	return 0;
}

static int parse_events(const char *p, const char *end, struct sia_state *st,
			struct alarm_event *ev, size_t cap, size_t *n)
{
	if (p < end && (*p == 'N' || *p == 'O') && (p + 1 == end || is_field_start(p + 1, end)))
		p++;
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *fe = slash ? slash : end;
		if (parse_field(p, fe, st, ev, cap, n))
			return -1;
		p = slash ? slash + 1 : end;
	}
	return 0;
}

int sia_payload_decode(const char *data, struct alarm_event *ev, size_t cap, size_t *n)
{
	struct sia_state st;
	const char *p = data, *end = data + strlen(data);
	int first = 1;

	memset(&st, 0, sizeof st);
	*n = 0;
	while (p <= end) {
		const char *bar = memchr(p, '|', (size_t)(end - p));
		const char *be = bar ? bar : end;
		if (first || *p == 'N' || *p == 'O') {
			if (parse_events(p, be, &st, ev, cap, n))
				return -1;
		} else if (*p == 'A' && *n > 0) {
			struct alarm_event *e = &ev[*n - 1];
			size_t tl = (size_t)(be - p - 1);
			if (tl >= sizeof e->text)
				tl = sizeof e->text - 1;
			memcpy(e->text, p + 1, tl);
			e->text[tl] = '\0';
		}
		first = 0;
		if (!bar)
			break;
		p = bar + 1;
	}
	return 0;
}
