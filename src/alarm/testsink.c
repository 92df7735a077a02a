/* The in-memory alarm sink (see rx.h): a mutex-guarded account list and
 * event array standing in for the database in unit tests and benchmarks.
 * It keeps the same retransmission rule as the real store: (account, seq,
 * bracketed data, index) is stored once. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "alarm/rx.h"
#include "core/alloc.h"

struct testsink_account {
	char account[DC09_ACCT_MAX];
	struct alarm_account acct;
};

struct alarm_testsink {
	pthread_mutex_t lock;
	struct testsink_account *accounts;
	size_t n_accounts;
	struct alarm_testsink_row *rows;
	size_t n_rows, cap_rows;
	size_t batches, heard, link_tests;
	int fail_stores;
};

struct alarm_testsink *alarm_testsink_new(void)
{
	struct alarm_testsink *t = xcalloc(1, sizeof *t);
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void alarm_testsink_free(struct alarm_testsink *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t->accounts);
	free(t->rows);
	free(t);
}

int alarm_testsink_add(struct alarm_testsink *t, const char *account, const char *key,
		       int64_t device_id)
{
	struct testsink_account a;

	memset(&a, 0, sizeof a);
	if (strlen(account) >= sizeof a.account)
		return -1;
	strcpy(a.account, account);
	a.acct.known = 1;
	a.acct.device_id = device_id;
	if (key && dc09_key_parse(key, DC09_KEY_AUTO, &a.acct.key) != 0)
		return -1;
	pthread_mutex_lock(&t->lock);
	t->accounts = xrealloc(t->accounts, (t->n_accounts + 1) * sizeof *t->accounts);
	t->accounts[t->n_accounts++] = a;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static int ts_lookup(void *ctx, const char *receiver, const char *line, const char *account,
		     struct alarm_account *out)
{
	struct alarm_testsink *t = ctx;

	(void)receiver;
	(void)line;
	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->n_accounts; i++)
		if (strcmp(t->accounts[i].account, account) == 0)
			*out = t->accounts[i].acct;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static int ts_find(struct alarm_testsink *t, const struct alarm_event *e)
{
	for (size_t i = 0; i < t->n_rows; i++) {
		const struct alarm_testsink_row *r = &t->rows[i];
		if (r->ev.index == e->index && strcmp(r->ev.account, e->account) == 0 &&
		    strcmp(r->seq, e->frame->seq) == 0 && strcmp(r->data, e->frame->data) == 0)
			return 1;
	}
	return 0;
}

static int ts_store(void *ctx, struct alarm_event *ev, size_t n)
{
	struct alarm_testsink *t = ctx;

	pthread_mutex_lock(&t->lock);
	t->batches++;
	if (t->fail_stores > 0) {
		t->fail_stores--;
		pthread_mutex_unlock(&t->lock);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (ts_find(t, &ev[i])) {
			ev[i].result = ALARM_STORE_DUPLICATE;
			continue;
		}
		if (t->n_rows == t->cap_rows) {
			t->cap_rows = t->cap_rows ? t->cap_rows * 2 : 16;
			t->rows = xrealloc(t->rows, t->cap_rows * sizeof *t->rows);
		}
		struct alarm_testsink_row *r = &t->rows[t->n_rows++];
		r->ev = ev[i];
		r->ev.frame = NULL;
		r->ev.result = ALARM_STORE_STORED;
		memcpy(r->seq, ev[i].frame->seq, sizeof r->seq);
		memcpy(r->data, ev[i].frame->data, sizeof r->data);
		ev[i].result = ALARM_STORE_STORED;
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static void ts_heard(void *ctx, int64_t device_id, const char *account, int64_t now_ms,
		     int is_link_test)
{
	struct alarm_testsink *t = ctx;

	(void)device_id;
	(void)account;
	(void)now_ms;
	pthread_mutex_lock(&t->lock);
	t->heard++;
	t->link_tests += is_link_test != 0;
	pthread_mutex_unlock(&t->lock);
}

void alarm_testsink_bind(struct alarm_testsink *t, struct alarm_sink *sink)
{
	memset(sink, 0, sizeof *sink);
	sink->ctx = t;
	sink->lookup_account = ts_lookup;
	sink->store_batch = ts_store;
	sink->heard = ts_heard;
}

void alarm_testsink_fail_stores(struct alarm_testsink *t, int n)
{
	pthread_mutex_lock(&t->lock);
	t->fail_stores = n;
	pthread_mutex_unlock(&t->lock);
}

size_t alarm_testsink_count(struct alarm_testsink *t)
{
	pthread_mutex_lock(&t->lock);
	size_t n = t->n_rows;
	pthread_mutex_unlock(&t->lock);
	return n;
}

int alarm_testsink_row_get(struct alarm_testsink *t, size_t i, struct alarm_testsink_row *out)
{
	int rc = -1;
	pthread_mutex_lock(&t->lock);
	if (i < t->n_rows) {
		*out = t->rows[i];
		rc = 0;
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}

size_t alarm_testsink_batches(struct alarm_testsink *t)
{
	pthread_mutex_lock(&t->lock);
	size_t n = t->batches;
	pthread_mutex_unlock(&t->lock);
	return n;
}

size_t alarm_testsink_heard(struct alarm_testsink *t, size_t *link_tests)
{
	pthread_mutex_lock(&t->lock);
	size_t n = t->heard;
	if (link_tests)
		*link_tests = t->link_tests;
	pthread_mutex_unlock(&t->lock);
	return n;
}
