/* The register's background job: tells household heads and facility
 * owners, through the notice queue (core/notify.h: log and webhook now,
 * SMS or Zalo later), when a declaration was returned, a remediation or
 * penalty deadline nears or has passed, or a penalty was recorded. The
 * rules are register/notify_rules.h; each notice is sent once (its key is
 * stored in notices_sent before it is queued).
 *
 * A pass runs every PCCC_REGISTER_JOBS_S seconds (default 300; 0 turns
 * the job off), reading the injectable clock. Webhook: the URL in
 * PCCC_REGISTER_NOTIFY_WEBHOOK, else PCCC_NOTIFY_WEBHOOK. Near window:
 * PCCC_NOTIFY_NEAR_DAYS (default 7). */
#ifndef PCCC_REGISTER_JOBS_H
#define PCCC_REGISTER_JOBS_H
#include <stdint.h>

struct app;
struct store;
struct notice_queue;
struct reg_notice_policy;

#define REGISTER_JOBS_DEFAULT_S 300

/* One pass as of now_s: every due notice not yet sent is marked and
 * queued on q. *sent (may be NULL) = notices queued. 0 / -1. */
int register_jobs_run_once(struct store *st, struct notice_queue *q,
			   const struct reg_notice_policy *p, int64_t now_s, int *sent);

/* Starts the periodic job (and its notice queue) for app's store; 0, or
 * -1 when the thread cannot start. A second start is a no-op. */
int register_jobs_start(struct app *app);
/* Stops the job, delivers queued notices, frees. Safe without a start. */
void register_jobs_stop(void);

#endif
