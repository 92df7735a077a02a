/* Which notices household heads and facility owners are due, as pure
 * rules over candidates the store reads (see src/register/jobs.c):
 *
 *  - declaration_returned: a house's declaration was returned by an
 *    officer (once per return: the key carries the house's updated_at);
 *  - deadline_near: an open violation's remediation deadline, or an
 *    unpaid penalty's deadline, is today or within near_days;
 *  - deadline_passed: that deadline has passed (at most passed_days ago:
 *    older ones were due long before this system told anybody);
 *  - penalty_recorded: a penalty decision was recorded (dated at most
 *    recent_days ago).
 *
 * Each notice has a stable key ("deadline_near:violation:42") so the job
 * sends it once (store_notice_mark). The texts are Vietnamese first, then
 * English. No I/O, no clock: today is passed in. */
#ifndef PCCC_REGISTER_NOTIFY_RULES_H
#define PCCC_REGISTER_NOTIFY_RULES_H
#include <jansson.h>
#include <stddef.h>

enum reg_notice_kind {
	REG_NOTICE_DECLARATION_RETURNED,
	REG_NOTICE_DEADLINE_NEAR,
	REG_NOTICE_DEADLINE_PASSED,
	REG_NOTICE_PENALTY_RECORDED,
};

struct reg_notice_policy {
	int near_days;    /* default 7 */
	int passed_days;  /* default 30 */
	int recent_days;  /* default 7 */
};
#define REG_NOTICE_POLICY_DEFAULT {7, 30, 7}

/* One record the store found. */
struct reg_notice_source {
	const char *source;      /* "violation" | "penalty" | "house" */
	long long id;            /* violation / penalty id (0 for a house) */
	const char *target_kind; /* "house" | "facility" */
	const char *target_id;
	const char *deadline;    /* YYYY-MM-DD or NULL */
	int open;                /* violation not remediated / penalty unpaid */
	const char *event_date;  /* penalty date / day the house was returned */
	long long version;       /* house: updated_at (a later return is new) */
	const char *detail;      /* description / decision number / reason */
};

#define REG_NOTICE_KEY_MAX 128

struct reg_notice {
	enum reg_notice_kind kind;
	char key[REG_NOTICE_KEY_MAX];
	long days;               /* near: days left (0 = today); passed: days late */
};

/* "declaration_returned", "deadline_near", ...; NULL out of range. */
const char *reg_notice_kind_id(enum reg_notice_kind k);

/* Days since 1970-01-01 of a YYYY-MM-DD date into *out. 0, or -1 when the
 * date is not a real calendar date. */
int reg_date_days(const char *date, long *out);
/* The inverse: days since 1970-01-01 → "YYYY-MM-DD" (out >= 11 bytes). */
void reg_date_from_days(long days, char *out, size_t outlen);

/* The notices due for s as of today, at most cap written into out;
 * returns how many (0..2: a penalty can be both recorded and near its
 * deadline). Invalid dates and unknown sources give none. */
size_t reg_notice_due(const struct reg_notice_policy *p, const char *today,
		      const struct reg_notice_source *s, struct reg_notice *out, size_t cap);

/* The message for notice n about s: {"event","key","source","source_id",
 * "target_kind","target_id","deadline","days","text_vi","text_en"} plus
 * "to" (recipients_take, may be NULL) and "target_name" (may be NULL).
 * New reference. */
json_t *reg_notice_message(const struct reg_notice *n, const struct reg_notice_source *s,
			   const char *target_name, json_t *recipients_take);

#endif
