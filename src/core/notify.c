/* The notice queue (see notify.h): a mutex-guarded FIFO of JSON messages,
 * one delivery thread, and the log and webhook channels. */
#include "core/notify.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/log.h"

#define NOTICE_CHANNELS_MAX 8

struct nitem {
	struct nitem *next;
	json_t *msg;
};

struct notice_queue {
	pthread_mutex_t lock;
	pthread_cond_t cond, idle;
	pthread_t thread;
	struct nitem *head, *tail;
	int busy, stop;
	struct notice_channel ch[NOTICE_CHANNELS_MAX];
	int nch;
	atomic_ullong sent, failed;
};

void notice_mask_phone(const char *phone, char *out, size_t outlen)
{
	size_t n = phone ? strlen(phone) : 0;
	size_t k = 0;

	if (outlen == 0)
		return;
	for (size_t i = 0; i < n && k + 1 < outlen; i++)
		out[k++] = (i < 3 || i + 3 >= n) ? phone[i] : '*';
	out[k] = '\0';
}

/* ---- log channel ---- */

static void mask_all(json_t *v, int depth)
{
	const char *k;
	json_t *x;
	size_t i;

	if (depth > 8)
		return;
	if (json_is_object(v)) {
		json_object_foreach(v, k, x) {
			if (strcmp(k, "phone") == 0 && json_is_string(x)) {
				char m[64];
				notice_mask_phone(json_string_value(x), m, sizeof m);
				json_object_set_new(v, k, json_string(m));
			} else {
				mask_all(x, depth + 1);
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			mask_all(x, depth + 1);
	}
}

static int log_send(void *ctx, const json_t *msg)
{
	json_t *o = json_deep_copy(msg);
	if (!o)
		return -1;
	mask_all(o, 0);
	log_json(LOG_INFO, ctx ? (const char *)ctx : "notify", o);
	return 0;
}

struct notice_channel notice_channel_log(const char *tag)
{
	struct notice_channel c = {
	    .name = "log", .ctx = xstrdup(tag ? tag : "notify"), .send = log_send, .free = free};
	return c;
}

/* ---- webhook channel ---- */

struct webhook {
	char *url;
	CURL *curl;
};

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

static int webhook_send(void *ctx, const json_t *msg)
{
	struct webhook *w = ctx;
	char *body = json_dumps(msg, JSON_COMPACT);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	long status = 0;
	int rc = -1;

	if (!body || !h)
		goto fail;
	if (!w->curl)
		w->curl = curl_easy_init();
	if (!w->curl)
		goto fail;
	curl_easy_reset(w->curl);
	curl_easy_setopt(w->curl, CURLOPT_URL, w->url);
	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(w->curl, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, discard);
	CURLcode cc = curl_easy_perform(w->curl);
	if (cc == CURLE_OK)
		curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
	if (cc != CURLE_OK || status < 200 || status >= 300)
		log_warn("notify: webhook failed: %s (HTTP %ld)",
			 cc != CURLE_OK ? curl_easy_strerror(cc) : "status", status);
	else
		rc = 0;
fail:
	curl_slist_free_all(h);
	free(body);
	return rc;
}

static void webhook_free(void *ctx)
{
	struct webhook *w = ctx;
	if (w->curl)
		curl_easy_cleanup(w->curl);
	free(w->url);
	free(w);
}

struct notice_channel notice_channel_webhook(const char *url)
{
	struct webhook *w = xcalloc(1, sizeof *w);
	w->url = xstrdup(url);
	struct notice_channel c = {
	    .name = "webhook", .ctx = w, .send = webhook_send, .free = webhook_free};
	return c;
}

/* ---- the queue ---- */

static void *notice_main(void *arg)
{
	struct notice_queue *q = arg;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->head && !q->stop)
			pthread_cond_wait(&q->cond, &q->lock);
		if (!q->head)
			break;
		struct nitem *m = q->head;
		q->head = m->next;
		if (!q->head)
			q->tail = NULL;
		q->busy = 1;
		int nch = q->nch;
		pthread_mutex_unlock(&q->lock);
		for (int i = 0; i < nch; i++) {
			if (q->ch[i].send(q->ch[i].ctx, m->msg) == 0)
				atomic_fetch_add(&q->sent, 1);
			else
				atomic_fetch_add(&q->failed, 1);
		}
		json_decref(m->msg);
		free(m);
		pthread_mutex_lock(&q->lock);
		q->busy = 0;
		if (!q->head)
			pthread_cond_broadcast(&q->idle);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

struct notice_queue *notice_queue_new(const char *tag, const char *webhook_url)
{
	struct notice_queue *q = xcalloc(1, sizeof *q);
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	pthread_cond_init(&q->idle, NULL);
	q->ch[q->nch++] = notice_channel_log(tag);
	if (webhook_url && webhook_url[0])
		q->ch[q->nch++] = notice_channel_webhook(webhook_url);
	if (pthread_create(&q->thread, NULL, notice_main, q) != 0) {
		log_error("notify: cannot start thread");
		abort();
	}
	return q;
}

void notice_queue_add(struct notice_queue *q, const struct notice_channel *c)
{
	pthread_mutex_lock(&q->lock);
	if (q->nch < NOTICE_CHANNELS_MAX)
		q->ch[q->nch++] = *c;
	else if (c->free)
		c->free(c->ctx);
	pthread_mutex_unlock(&q->lock);
}

void notice_send(struct notice_queue *q, json_t *msg_take)
{
	if (!msg_take)
		return;
	struct nitem *m = xcalloc(1, sizeof *m);
	m->msg = msg_take;
	pthread_mutex_lock(&q->lock);
	if (q->tail)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

int notice_flush(struct notice_queue *q, int timeout_ms)
{
	struct timespec ts;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&q->lock);
	while ((q->head || q->busy) && rc == 0)
		if (pthread_cond_timedwait(&q->idle, &q->lock, &ts) == ETIMEDOUT)
			rc = -1;
	pthread_mutex_unlock(&q->lock);
	return rc;
}

void notice_queue_free(struct notice_queue *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stop = 1;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	for (int i = 0; i < q->nch; i++)
		if (q->ch[i].free)
			q->ch[i].free(q->ch[i].ctx);
	pthread_cond_destroy(&q->cond);
	pthread_cond_destroy(&q->idle);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

void notice_counts(struct notice_queue *q, uint64_t *sent, uint64_t *failed)
{
	*sent = atomic_load(&q->sent);
	*failed = atomic_load(&q->failed);
}
