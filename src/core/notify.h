/* A generic notice queue: messages (JSON objects) to people outside the
 * console — household heads, facility owners — delivered by one thread
 * to every channel, so a slow channel never holds up the sender. Channels
 * now: log (always: one JSON log line under the queue's tag, phone
 * numbers masked) and webhook (an HTTP POST of the message JSON through
 * libcurl); SMS or Zalo plug in later as another struct notice_channel.
 *
 * The alarm pipeline (tag "alarm notify": calls to a building's contacts)
 * and the register (tag "register notify") each own one queue. */
#ifndef PCCC_CORE_NOTIFY_H
#define PCCC_CORE_NOTIFY_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct notice_channel {
	const char *name;
	void *ctx;
	/* Delivers msg (borrowed). 0 or -1 (counted as failed). */
	int (*send)(void *ctx, const json_t *msg);
	void (*free)(void *ctx);
};

struct notice_queue;

/* A queue logging under tag ("register notify"; copied), plus the
 * webhook channel when webhook_url is non-NULL and not empty. Starts its
 * delivery thread. */
struct notice_queue *notice_queue_new(const char *tag, const char *webhook_url);
/* Adds a channel (copied; its free runs at notice_queue_free). At most 8. */
void notice_queue_add(struct notice_queue *q, const struct notice_channel *c);
/* Queues msg (taken) for every channel. */
void notice_send(struct notice_queue *q, json_t *msg_take);
/* Waits until the queue is empty, at most timeout_ms. 0 / -1. */
int notice_flush(struct notice_queue *q, int timeout_ms);
/* Delivers what is queued, stops the thread, frees. NULL is a no-op. */
void notice_queue_free(struct notice_queue *q);
/* Deliveries that succeeded / failed, summed over channels. */
void notice_counts(struct notice_queue *q, uint64_t *sent, uint64_t *failed);

/* Channels, for composing or testing. */
struct notice_channel notice_channel_log(const char *tag);
struct notice_channel notice_channel_webhook(const char *url);

/* "0912345678" → "091****678" into out (outlen >= 32 is enough). Every
 * "phone" string found in msg (at any depth) is masked by the log channel. */
void notice_mask_phone(const char *phone, char *out, size_t outlen);

#endif
