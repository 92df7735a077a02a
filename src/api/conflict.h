/* Edit conflicts of houses and facilities (issue 4, item 4: an offline
 * phone shows a conflict rather than writing over a newer record). Each
 * record carries "version", an integer the store adds one to on every
 * write, also sent as the ETag ("7"). A change may say which version it
 * was based on, with If-Match: "7" or a "version": 7 field in its JSON
 * body; when that is not the current version the change is refused with
 * 409 "conflict" and the current record, and nothing is written. A change
 * that names no version applies as before. */
#ifndef PCCC_API_CONFLICT_H
#define PCCC_API_CONFLICT_H
#include <jansson.h>

struct req;
struct resp;

/* Parses an If-Match value: "7", W/"7" or 7 → *version = 7; "*" →
 * *version = -1 (any version). 0, or -1 when it is not one of those
 * (lists of several tags included). Pure. */
int conflict_parse_if_match(const char *value, long long *version);

/* The version the request's change was based on, from If-Match and/or the
 * body's "version" (removed from body, so field checks do not see it);
 * *version = -1 when neither names one. Replies 400 and returns -1 when
 * one is malformed or the two disagree. */
int api_conflict_expected(struct req *r, struct resp *out, json_t *body, long long *version);

/* 409 {"error":{"code":"conflict","message","field":"version",
 * "your_version","current_version","current":{...}}}; takes current. */
void api_conflict_reply(struct req *r, struct resp *out, long long expected, json_t *current);

/* ETag: "N" from the object's integer "version", when it has one. */
void api_conflict_etag(struct req *r, struct resp *out, const json_t *record);

#endif
