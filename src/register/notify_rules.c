/* The notice rules (see notify_rules.h): date arithmetic on civil dates,
 * the due test per source, and the message texts. */
#include "register/notify_rules.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "register/forms.h"

const char *reg_notice_kind_id(enum reg_notice_kind k)
{
	switch (k) {
	case REG_NOTICE_DECLARATION_RETURNED:
		return "declaration_returned";
	case REG_NOTICE_DEADLINE_NEAR:
		return "deadline_near";
	case REG_NOTICE_DEADLINE_PASSED:
		return "deadline_passed";
	case REG_NOTICE_PENALTY_RECORDED:
		return "penalty_recorded";
	}
	return NULL;
}

int reg_date_days(const char *d, long *out)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!d || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return -1;
	long y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	int m = (d[5] - '0') * 10 + (d[6] - '0');
	int day = (d[8] - '0') * 10 + (d[9] - '0');
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1900 || m < 1 || m > 12 || day < 1 || day > mdays[m - 1] + (m == 2 && leap))
		return -1;
	/* days from civil (H. Hinnant) */
	y -= m <= 2;
	long era = y / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*out = era * 146097 + doe - 719468;
	return 0;
}

void reg_date_from_days(long z, char *out, size_t outlen)
{
	/* civil from days (H. Hinnant) */
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, outlen, "%04ld-%02ld-%02ld", y, m, d);
}

static void key(struct reg_notice *n, enum reg_notice_kind k, const struct reg_notice_source *s)
{
	n->kind = k;
	if (strcmp(s->source, "house") == 0)
		snprintf(n->key, sizeof n->key, "%s:house:%.40s:%lld", reg_notice_kind_id(k),
			 s->target_id, s->version);
	else
		snprintf(n->key, sizeof n->key, "%s:%s:%lld", reg_notice_kind_id(k), s->source,
			 s->id);
}

size_t reg_notice_due(const struct reg_notice_policy *p, const char *today,
		      const struct reg_notice_source *s, struct reg_notice *out, size_t cap)
{
	long now, dl, ev;
	size_t n = 0;
	if (!p || !s || !s->source || !s->target_id || !s->target_kind || cap == 0 ||
	    reg_date_days(today, &now) != 0)
		return 0;
	int house = strcmp(s->source, "house") == 0;
	int penalty = strcmp(s->source, "penalty") == 0;
	int violation = strcmp(s->source, "violation") == 0;
	if (!house && !penalty && !violation)
		return 0;
	if (house) {
		if (reg_date_days(s->event_date, &ev) == 0 && ev <= now && now - ev <= p->recent_days) {
			key(&out[n], REG_NOTICE_DECLARATION_RETURNED, s);
			out[n++].days = 0;
		}
		return n;
	}
	if (penalty && reg_date_days(s->event_date, &ev) == 0 && ev <= now &&
	    now - ev <= p->recent_days) {
		key(&out[n], REG_NOTICE_PENALTY_RECORDED, s);
		out[n++].days = 0;
	}
	if (n < cap && s->open && reg_date_days(s->deadline, &dl) == 0) {
		if (dl >= now && dl - now <= p->near_days) {
			key(&out[n], REG_NOTICE_DEADLINE_NEAR, s);
			out[n++].days = dl - now;
		} else if (dl < now && now - dl <= p->passed_days) {
			key(&out[n], REG_NOTICE_DEADLINE_PASSED, s);
			out[n++].days = now - dl;
		}
	}
	return n;
}

json_t *reg_notice_message(const struct reg_notice *n, const struct reg_notice_source *s,
			   const char *target_name, json_t *recipients_take)
{
	struct buf vi = {0}, en = {0};
	char ds[16];
	int house = strcmp(s->target_kind, "house") == 0;
	int penalty = strcmp(s->source, "penalty") == 0;
	const char *name = target_name && *target_name ? target_name : s->target_id;
	const char *detail = s->detail && *s->detail ? s->detail : "";

	forms_date_short(s->deadline, ds, sizeof ds);
	switch (n->kind) {
	case REG_NOTICE_DECLARATION_RETURNED:
		buf_printf(&vi, "Bản kê khai an toàn PCCC của nhà %s đã bị trả lại. Lý do: %s. Vui "
				"lòng bổ sung và kê khai lại.", name, detail);
		buf_printf(&en, "The fire-safety declaration of house %s was returned. Reason: %s. "
				"Please complete it and declare again.", name, detail);
		break;
	case REG_NOTICE_DEADLINE_NEAR:
		if (penalty) {
			buf_printf(&vi, "Còn %ld ngày đến hạn chấp hành quyết định xử phạt số %s (hạn "
					"%s) của %s.", n->days, detail, ds, name);
			buf_printf(&en, "%ld day(s) left to comply with penalty decision %s (due %s) "
					"for %s.", n->days, detail, ds, name);
		} else {
			buf_printf(&vi, "Còn %ld ngày đến hạn khắc phục (hạn %s) tại %s %s: %s.",
				   n->days, ds, house ? "nhà" : "cơ sở", name, detail);
			buf_printf(&en, "%ld day(s) left to remedy (due %s) at %s %s: %s.", n->days, ds,
				   house ? "house" : "facility", name, detail);
		}
		break;
	case REG_NOTICE_DEADLINE_PASSED:
		if (penalty) {
			buf_printf(&vi, "Đã quá hạn %ld ngày chấp hành quyết định xử phạt số %s (hạn "
					"%s) của %s.", n->days, detail, ds, name);
			buf_printf(&en, "Penalty decision %s for %s is %ld day(s) overdue (due %s).",
				   detail, name, n->days, ds);
		} else {
			buf_printf(&vi, "Đã quá hạn khắc phục %ld ngày (hạn %s) tại %s %s: %s.",
				   n->days, ds, house ? "nhà" : "cơ sở", name, detail);
			buf_printf(&en, "Remediation is %ld day(s) overdue (due %s) at %s %s: %s.",
				   n->days, ds, house ? "house" : "facility", name, detail);
		}
		break;
	case REG_NOTICE_PENALTY_RECORDED:
		buf_printf(&vi, "%s bị xử phạt vi phạm hành chính về PCCC theo quyết định số %s.", name,
			   detail);
		buf_printf(&en, "%s was fined for fire-safety violations by decision %s.", name,
			   detail);
		break;
	}
	json_t *m = json_pack("{s:s,s:s,s:s,s:I,s:s,s:s,s:I,s:s,s:s}", "event",
			      reg_notice_kind_id(n->kind), "key", n->key, "source", s->source,
			      "source_id", (json_int_t)s->id, "target_kind", s->target_kind,
			      "target_id", s->target_id, "days", (json_int_t)n->days, "text_vi",
			      buf_str(&vi), "text_en", buf_str(&en));
	if (m && s->deadline)
		json_object_set_new(m, "deadline", json_string(s->deadline));
	if (m && target_name)
		json_object_set_new(m, "target_name", json_string(target_name));
	if (m && recipients_take)
		json_object_set_new(m, "to", recipients_take);
	else
		json_decref(recipients_take);
	buf_free(&vi);
	buf_free(&en);
	return m;
}
