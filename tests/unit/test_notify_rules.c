/* Unit tests for the notice rules (src/register/notify_rules.c) and the
 * notice queue (src/core/notify.c): calendar arithmetic, which notices
 * are due for violations, penalties and returned declarations at every
 * window boundary, stable keys, message texts, and delivery through the
 * queue to every channel with phone numbers masked in the log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/notify.h"
#include "register/notify_rules.h"

static const struct reg_notice_policy policy = REG_NOTICE_POLICY_DEFAULT;

static void test_dates(void **state)
{
	(void)state;
	long d, e;
	char out[16];
	assert_int_equal(reg_date_days("1970-01-01", &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(reg_date_days("2000-03-01", &d), 0);
	assert_int_equal(reg_date_days("2000-02-29", &e), 0);
	assert_int_equal(d - e, 1);
	assert_int_equal(reg_date_days("2026-01-01", &d), 0);
	assert_int_equal(reg_date_days("2025-12-31", &e), 0);
	assert_int_equal(d - e, 1);
	assert_int_equal(d, 20454);
	assert_int_equal(reg_date_days("2025-02-29", &d), -1);
	assert_int_equal(reg_date_days("2025-1-01", &d), -1);
	assert_int_equal(reg_date_days("abcd-ef-gh", &d), -1);
	assert_int_equal(reg_date_days(NULL, &d), -1);
	/* round trip over several years, leap days included */
	assert_int_equal(reg_date_days("2023-12-25", &d), 0);
	for (long k = d; k < d + 1200; k++) {
		reg_date_from_days(k, out, sizeof out);
		assert_int_equal(reg_date_days(out, &e), 0);
		assert_int_equal(e, k);
	}
	reg_date_from_days(0, out, sizeof out);
	assert_string_equal(out, "1970-01-01");
	reg_date_from_days(20454, out, sizeof out);
	assert_string_equal(out, "2026-01-01");
}

static struct reg_notice_source violation(const char *deadline, int open)
{
	struct reg_notice_source s = {.source = "violation", .id = 42, .target_kind = "house",
				      .target_id = "09DXQ1GCCH", .deadline = deadline,
				      .open = open, .detail = "Có lối thoát nạn thứ hai"};
	return s;
}

static void test_violation_windows(void **state)
{
	(void)state;
	struct reg_notice n[2];
	struct reg_notice_source s;
	const char *today = "2026-11-25";

	s = violation("2026-12-02", 1); /* 7 days: near */
	assert_int_equal(reg_notice_due(&policy, today, &s, n, 2), 1);
	assert_int_equal(n[0].kind, REG_NOTICE_DEADLINE_NEAR);
	assert_int_equal(n[0].days, 7);
	assert_string_equal(n[0].key, "deadline_near:violation:42");
	s = violation("2026-12-03", 1); /* 8 days: not yet */
	assert_int_equal(reg_notice_due(&policy, today, &s, n, 2), 0);
	s = violation("2026-11-25", 1); /* today: near, 0 days left */
	assert_int_equal(reg_notice_due(&policy, today, &s, n, 2), 1);
	assert_int_equal(n[0].kind, REG_NOTICE_DEADLINE_NEAR);
	assert_int_equal(n[0].days, 0);
	s = violation("2026-11-24", 1); /* yesterday: passed */
	assert_int_equal(reg_notice_due(&policy, today, &s, n, 2), 1);
	assert_int_equal(n[0].kind, REG_NOTICE_DEADLINE_PASSED);
	assert_int_equal(n[0].days, 1);
	assert_string_equal(n[0].key, "deadline_passed:violation:42");
	s = violation("2026-10-26", 1); /* 30 days late: still told */
	assert_int_equal(reg_notice_due(&policy, today, &s, n, 2), 1);
	s = violation("2026-10-25", 1); /* 31 days late: too old */
	assert_int_equal(reg_notice_due(&policy, today, &s, n, 2), 0);
	s = violation("2026-11-20", 0); /* remedied: nothing */
	assert_int_equal(reg_notice_due(&policy, today, &s, n, 2), 0);
	s = violation(NULL, 1); /* no deadline: nothing */
	assert_int_equal(reg_notice_due(&policy, today, &s, n, 2), 0);
	s = violation("2026-02-30", 1);
	assert_int_equal(reg_notice_due(&policy, today, &s, n, 2), 0);
	s = violation("2026-11-24", 1); /* bad today, no room, unknown source */
	assert_int_equal(reg_notice_due(&policy, "today", &s, n, 2), 0);
	assert_int_equal(reg_notice_due(&policy, today, &s, n, 0), 0);
	s.source = "alarm";
	assert_int_equal(reg_notice_due(&policy, today, &s, n, 2), 0);
	s.source = NULL;
	assert_int_equal(reg_notice_due(&policy, today, &s, n, 2), 0);
	/* a wider near window from the policy */
	struct reg_notice_policy wide = {14, 30, 7};
	s = violation("2026-12-09", 1);
	assert_int_equal(reg_notice_due(&wide, today, &s, n, 2), 1);
	assert_int_equal(reg_notice_due(&policy, today, &s, n, 2), 0);
}

static void test_penalty_and_house(void **state)
{
	(void)state;
	struct reg_notice n[2];
	struct reg_notice_source p = {.source = "penalty", .id = 5, .target_kind = "facility",
				      .target_id = "CS0000003", .deadline = "2026-11-28",
				      .open = 1, .event_date = "2026-11-25",
				      .detail = "01/QĐ-XPHC"};
	/* recorded today and due in 3 days: both notices */
	assert_int_equal(reg_notice_due(&policy, "2026-11-25", &p, n, 2), 2);
	assert_int_equal(n[0].kind, REG_NOTICE_PENALTY_RECORDED);
	assert_string_equal(n[0].key, "penalty_recorded:penalty:5");
	assert_int_equal(n[1].kind, REG_NOTICE_DEADLINE_NEAR);
	assert_string_equal(n[1].key, "deadline_near:penalty:5");
	/* with room for one only */
	assert_int_equal(reg_notice_due(&policy, "2026-11-25", &p, n, 1), 1);
	/* paid: only the record notice; recorded 8 days ago: none */
	p.open = 0;
	assert_int_equal(reg_notice_due(&policy, "2026-11-25", &p, n, 2), 1);
	assert_int_equal(reg_notice_due(&policy, "2026-12-03", &p, n, 2), 0);
	/* recorded in the future of today (clock skew): not yet */
	assert_int_equal(reg_notice_due(&policy, "2026-11-24", &p, n, 2), 0);

	struct reg_notice_source h = {.source = "house", .target_kind = "house",
				      .target_id = "09DXQ1GCCH", .event_date = "2026-11-25",
				      .version = 1764000000, .detail = "Thiếu số tầng"};
	assert_int_equal(reg_notice_due(&policy, "2026-11-26", &h, n, 2), 1);
	assert_int_equal(n[0].kind, REG_NOTICE_DECLARATION_RETURNED);
	assert_string_equal(n[0].key, "declaration_returned:house:09DXQ1GCCH:1764000000");
	/* a later return is a new notice */
	h.version++;
	assert_int_equal(reg_notice_due(&policy, "2026-11-26", &h, n, 2), 1);
	assert_string_equal(n[0].key, "declaration_returned:house:09DXQ1GCCH:1764000001");
	assert_int_equal(reg_notice_due(&policy, "2026-12-25", &h, n, 2), 0);
}

static void test_messages(void **state)
{
	(void)state;
	struct reg_notice n[2];
	struct reg_notice_source s = violation("2026-11-20", 1);
	assert_int_equal(reg_notice_due(&policy, "2026-11-25", &s, n, 2), 1);
	json_t *to = json_pack("[{s:s,s:s}]", "name", "Trần Thị Chủ", "phone_masked", "091****678");
	json_t *m = reg_notice_message(&n[0], &s, "Số 20, Phố Tô Hiệu", to);
	assert_non_null(m);
	assert_string_equal(json_string_value(json_object_get(m, "event")), "deadline_passed");
	assert_string_equal(json_string_value(json_object_get(m, "key")),
			    "deadline_passed:violation:42");
	assert_string_equal(json_string_value(json_object_get(m, "deadline")), "2026-11-20");
	assert_int_equal(json_integer_value(json_object_get(m, "days")), 5);
	assert_string_equal(json_string_value(json_object_get(m, "text_vi")),
			    "Đã quá hạn khắc phục 5 ngày (hạn 20/11/2026) tại nhà Số 20, Phố Tô "
			    "Hiệu: Có lối thoát nạn thứ hai.");
	assert_non_null(strstr(json_string_value(json_object_get(m, "text_en")), "5 day(s) overdue"));
	assert_int_equal(json_array_size(json_object_get(m, "to")), 1);
	json_decref(m);

	struct reg_notice_source h = {.source = "house", .target_kind = "house",
				      .target_id = "09DXQ1GCCH", .event_date = "2026-11-25",
				      .version = 7, .detail = "Thiếu số tầng"};
	assert_int_equal(reg_notice_due(&policy, "2026-11-25", &h, n, 2), 1);
	m = reg_notice_message(&n[0], &h, NULL, NULL);
	assert_non_null(strstr(json_string_value(json_object_get(m, "text_vi")),
			       "nhà 09DXQ1GCCH đã bị trả lại. Lý do: Thiếu số tầng"));
	assert_null(json_object_get(m, "to"));
	json_decref(m);

	struct reg_notice_source p = {.source = "penalty", .id = 5, .target_kind = "facility",
				      .target_id = "CS0000003", .deadline = "2026-11-28",
				      .open = 1, .event_date = "2026-11-25",
				      .detail = "01/QĐ-XPHC"};
	assert_int_equal(reg_notice_due(&policy, "2026-11-25", &p, n, 2), 2);
	m = reg_notice_message(&n[0], &p, "Karaoke Ánh Sao", NULL);
	assert_string_equal(json_string_value(json_object_get(m, "text_vi")),
			    "Karaoke Ánh Sao bị xử phạt vi phạm hành chính về PCCC theo quyết "
			    "định số 01/QĐ-XPHC.");
	json_decref(m);
	m = reg_notice_message(&n[1], &p, "Karaoke Ánh Sao", NULL);
	assert_non_null(strstr(json_string_value(json_object_get(m, "text_vi")),
			       "Còn 3 ngày đến hạn chấp hành quyết định xử phạt số 01/QĐ-XPHC"));
	json_decref(m);
	assert_string_equal(reg_notice_kind_id(REG_NOTICE_PENALTY_RECORDED), "penalty_recorded");
	assert_null(reg_notice_kind_id((enum reg_notice_kind)99));
}

/* ---- the queue ---- */

struct sink {
	int calls;
	int fail;
	char last[512];
};

static int sink_send(void *ctx, const json_t *msg)
{
	struct sink *s = ctx;
	char *t = json_dumps(msg, JSON_COMPACT | JSON_SORT_KEYS);
	snprintf(s->last, sizeof s->last, "%s", t ? t : "");
	free(t);
	s->calls++;
	return s->fail ? -1 : 0;
}

static void test_queue(void **state)
{
	(void)state;
	struct sink ok = {0}, bad = {.fail = 1};
	struct notice_queue *q = notice_queue_new("test notify", NULL);
	struct notice_channel a = {.name = "ok", .ctx = &ok, .send = sink_send};
	struct notice_channel b = {.name = "bad", .ctx = &bad, .send = sink_send};
	notice_queue_add(q, &a);
	notice_queue_add(q, &b);
	for (int i = 0; i < 5; i++)
		notice_send(q, json_pack("{s:i,s:{s:s}}", "n", i, "to", "phone", "0912345678"));
	notice_send(q, NULL); /* ignored */
	assert_int_equal(notice_flush(q, 5000), 0);
	assert_int_equal(ok.calls, 5);
	assert_int_equal(bad.calls, 5);
	/* channels see the message as sent; only the log masks phones */
	assert_non_null(strstr(ok.last, "0912345678"));
	uint64_t sent, failed;
	notice_counts(q, &sent, &failed);
	assert_int_equal(sent, 10); /* log + ok, 5 each */
	assert_int_equal(failed, 5);
	notice_queue_free(q);
	notice_queue_free(NULL);

	char m[32];
	notice_mask_phone("0912345678", m, sizeof m);
	assert_string_equal(m, "091****678");
	notice_mask_phone("12345", m, sizeof m);
	assert_string_equal(m, "12345");
	notice_mask_phone(NULL, m, sizeof m);
	assert_string_equal(m, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_violation_windows),
	    cmocka_unit_test(test_penalty_and_house),
	    cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_queue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
