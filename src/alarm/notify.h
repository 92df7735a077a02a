/* Notifying people about an alarm: the notifier interface and its
 * backends. A message is one call to one contact of a site ("Báo cháy tại
 * <site>, <address>: <code>"); every backend sees every message. Backends
 * now: log (always: a JSON log line, phone masked) and webhook (an HTTP
 * POST of the message JSON through libcurl, when PCCC_NOTIFY_WEBHOOK is
 * set); an SMS gateway plugs in later as another struct notify_backend.
 *
 * notifier_send never blocks the caller: messages go into a queue that a
 * thread of the notifier delivers (a slow webhook cannot hold up alarms). */
#ifndef PCCC_ALARM_NOTIFY_H
#define PCCC_ALARM_NOTIFY_H
#include <jansson.h>
#include <stdint.h>

struct notify_backend {
	const char *name;
	void *ctx;
	/* Delivers msg (borrowed). 0 or -1 (logged by the notifier). */
	int (*send)(void *ctx, const json_t *msg);
	void (*free)(void *ctx);
};

struct notifier;

/* A notifier with the log backend, plus the webhook backend when
 * webhook_url is non-NULL and not empty. Starts its delivery thread. */
struct notifier *notifier_new(const char *webhook_url);
/* Adds a backend (copied); before the first send. */
void notifier_add(struct notifier *n, const struct notify_backend *b);
/* Queues msg (taken) for every backend. */
void notifier_send(struct notifier *n, json_t *msg_take);
/* Waits until the queue is empty (tests), at most timeout_ms. 0 / -1. */
int notifier_flush(struct notifier *n, int timeout_ms);
/* Delivers what is queued, stops the thread, frees. NULL is a no-op. */
void notifier_free(struct notifier *n);
/* Messages delivered / failed (summed over backends). */
void notifier_counts(struct notifier *n, uint64_t *sent, uint64_t *failed);

/* Backends, for composing or testing. */
struct notify_backend notify_backend_log(void);
struct notify_backend notify_backend_webhook(const char *url);

/* "0912345678" → "091****678" into out (>= 32 bytes). */
void notify_mask_phone(const char *phone, char *out, size_t outlen);

#endif
