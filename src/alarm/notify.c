/* The notifier (see notify.h): a mutex-guarded FIFO of messages, one
 * delivery thread, and the log and webhook backends. */
#include "alarm/notify.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/log.h"

#define NOTIFY_BACKENDS_MAX 8

struct nmsg {
	struct nmsg *next;
	json_t *msg;
};

struct notifier {
	pthread_mutex_t lock;
	pthread_cond_t cond, idle;
	pthread_t thread;
	struct nmsg *head, *tail;
	int busy, stop;
	struct notify_backend backends[NOTIFY_BACKENDS_MAX];
	int nbackends;
	atomic_ullong sent, failed;
};

void notify_mask_phone(const char *phone, char *out, size_t outlen)
{
	size_t n = phone ? strlen(phone) : 0;
	size_t k = 0;

	if (outlen == 0)
		return;
	for (size_t i = 0; i < n && k + 1 < outlen; i++)
		out[k++] = (i < 3 || i + 3 >= n) ? phone[i] : '*';
	out[k] = '\0';
}

/* ---- log backend ---- */

static int log_send(void *ctx, const json_t *msg)
{
	(void)ctx;
	json_t *o = json_deep_copy(msg);
	json_t *c = json_object_get(o, "contact");
	const char *phone = json_string_value(json_object_get(c, "phone"));
	if (phone) {
		char m[32];
		notify_mask_phone(phone, m, sizeof m);
		json_object_set_new(c, "phone", json_string(m));
	}
	log_json(LOG_INFO, "alarm notify", o);
	return 0;
}

struct notify_backend notify_backend_log(void)
{
	struct notify_backend b = {.name = "log", .send = log_send};
	return b;
}

/* ---- webhook backend ---- */

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
		goto out;
	if (!w->curl)
		w->curl = curl_easy_init();
	if (!w->curl)
		goto out;
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
		log_warn("alarm notify: webhook failed: %s (HTTP %ld)",
			 cc != CURLE_OK ? curl_easy_strerror(cc) : "status", status);
	else
		rc = 0;
out:
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

struct notify_backend notify_backend_webhook(const char *url)
{
	struct webhook *w = xcalloc(1, sizeof *w);
	w->url = xstrdup(url);
	struct notify_backend b = {
	    .name = "webhook", .ctx = w, .send = webhook_send, .free = webhook_free};
	return b;
}

/* ---- the queue ---- */

static void *notifier_main(void *arg)
{
	struct notifier *n = arg;

	pthread_mutex_lock(&n->lock);
	for (;;) {
		while (!n->head && !n->stop)
			pthread_cond_wait(&n->cond, &n->lock);
		if (!n->head)
			break;
		struct nmsg *m = n->head;
		n->head = m->next;
		if (!n->head)
			n->tail = NULL;
		n->busy = 1;
		pthread_mutex_unlock(&n->lock);
		for (int i = 0; i < n->nbackends; i++) {
			if (n->backends[i].send(n->backends[i].ctx, m->msg) == 0)
				atomic_fetch_add(&n->sent, 1);
			else
				atomic_fetch_add(&n->failed, 1);
		}
		json_decref(m->msg);
		free(m);
		pthread_mutex_lock(&n->lock);
		n->busy = 0;
		if (!n->head)
			pthread_cond_broadcast(&n->idle);
	}
	pthread_mutex_unlock(&n->lock);
	return NULL;
}

struct notifier *notifier_new(const char *webhook_url)
{
	struct notifier *n = xcalloc(1, sizeof *n);
	pthread_mutex_init(&n->lock, NULL);
	pthread_cond_init(&n->cond, NULL);
	pthread_cond_init(&n->idle, NULL);
	n->backends[n->nbackends++] = notify_backend_log();
	if (webhook_url && webhook_url[0])
		n->backends[n->nbackends++] = notify_backend_webhook(webhook_url);
	if (pthread_create(&n->thread, NULL, notifier_main, n) != 0) {
		log_error("alarm notify: cannot start thread");
		abort();
	}
	return n;
}

void notifier_add(struct notifier *n, const struct notify_backend *b)
{
	pthread_mutex_lock(&n->lock);
	if (n->nbackends < NOTIFY_BACKENDS_MAX)
		n->backends[n->nbackends++] = *b;
	pthread_mutex_unlock(&n->lock);
}

void notifier_send(struct notifier *n, json_t *msg_take)
{
	struct nmsg *m = xcalloc(1, sizeof *m);
	m->msg = msg_take;
	pthread_mutex_lock(&n->lock);
	if (n->tail)
		n->tail->next = m;
	else
		n->head = m;
	n->tail = m;
	pthread_cond_signal(&n->cond);
	pthread_mutex_unlock(&n->lock);
}

int notifier_flush(struct notifier *n, int timeout_ms)
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
	pthread_mutex_lock(&n->lock);
	while ((n->head || n->busy) && rc == 0)
		if (pthread_cond_timedwait(&n->idle, &n->lock, &ts) == ETIMEDOUT)
			rc = -1;
	pthread_mutex_unlock(&n->lock);
	return rc;
}

void notifier_free(struct notifier *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	n->stop = 1;
	pthread_cond_signal(&n->cond);
	pthread_mutex_unlock(&n->lock);
	pthread_join(n->thread, NULL);
	for (int i = 0; i < n->nbackends; i++)
		if (n->backends[i].free)
			n->backends[i].free(n->backends[i].ctx);
	pthread_cond_destroy(&n->cond);
	pthread_cond_destroy(&n->idle);
	pthread_mutex_destroy(&n->lock);
	free(n);
}

void notifier_counts(struct notifier *n, uint64_t *sent, uint64_t *failed)
{
	*sent = atomic_load(&n->sent);
	*failed = atomic_load(&n->failed);
}
