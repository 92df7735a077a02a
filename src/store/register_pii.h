/* Full reads of a resident's personal data (ID number and phone), for the
 * roles that need them. Lists only ever show masked values; this is the
 * one place the register decrypts, and its caller audits every read. */
#ifndef PCCC_STORE_REGISTER_PII_H
#define PCCC_STORE_REGISTER_PII_H
#include <jansson.h>

struct store;
struct scope;
struct pii_keys;

/* {"id","house_id","name","cccd","phone"} of resident rid in house_id,
 * when the house is in the caller's scope; STORE_NOT_FOUND otherwise. */
int store_resident_reveal(struct store *st, const struct scope *sc, const struct pii_keys *k,
			  const char *house_id, long long rid, json_t **out);

#endif
