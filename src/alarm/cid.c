/* Contact ID (SIA DC-05) over DC-09, `ADM-CID` data `QEEE GG ZZZ`: event
 * qualifier (1 new event or opening, 3 restore or closing, 6 previously
 * reported condition still present), event code, group/partition, zone or
 * user number. The DC-09 form carries no checksum digit. Spaces between the
 * fields may be left out; trailing spaces are ignored. */
#include "alarm/event.h"

#include <stdio.h>
#include <string.h>

static int take_digits(const char **p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		out[i] = c;
	}
	out[n] = '\0';
	*p += n;
	return 0;
}

static void skip_space(const char **p)
{
	if (**p == ' ')
		(*p)++;
}

int cid_payload_decode(const char *data, struct alarm_event *ev, size_t cap, size_t *n)
{
	const char *p = data;
	char q[2], code[4], group[3], zone[4];
	const struct alarm_code *c;

	*n = 0;
	if (cap < 1)
		return -1;
	if (take_digits(&p, 1, q) || take_digits(&p, 3, code))
		return -1;
	skip_space(&p);
	if (take_digits(&p, 2, group))
		return -1;
	skip_space(&p);
	if (take_digits(&p, 3, zone))
		return -1;
	while (*p == ' ')
		p++;
	if (*p || (q[0] != '1' && q[0] != '3' && q[0] != '6'))
		return -1;

	memset(ev, 0, sizeof *ev);
	memcpy(ev->code, code, sizeof ev->code);
	ev->cid = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
	ev->qualifier = q[0] - '0';
	ev->restore = ev->qualifier == 3;
	memcpy(ev->area, group, sizeof group);
	memcpy(ev->zone, zone, sizeof zone);
	c = alarm_code_by_cid(ev->cid);
	if (c) {
		ev->cls = c->cls;
		snprintf(ev->sia, sizeof ev->sia, "%s", ev->restore ? c->sia_restore : c->sia_new);
	} else {
		ev->cls = ALARM_CLASS_STATUS;
		ev->unknown = 1;
	}
	*n = 1;
	return 0;
}
