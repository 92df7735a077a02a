/* The versioned catalogue of safety condition items in the database
 * (sql/011_condition_catalogue.sql): reading a version, listing versions,
 * opening a draft copied from the latest published version, adding and
 * editing items of the draft, publishing it. Published versions are
 * immutable; inspections name the version they used. The rules (what a
 * valid item is, when a draft may be published) are the pure functions of
 * register/compliance.h; this file only keeps them in the store's
 * transactions. Written once with store/db.h.
 *
 * A catalogue version as JSON (what store_catalogue_get returns and the
 * API shows):
 *	{"version":2,"published":true,"created_at":"…Z","created_by":"…",
 *	 "note":"…","published_at":"…Z"|null,"published_by":"…"|null,
 *	 "items":[{"code","title_vi","title_en","legal_basis",
 *	           "applies":["mini_apartment",…],"required":[…],
 *	           "categories":[…],"position":10,"active":true},…]}
 * with items in display order (position, then code). */
#ifndef PCCC_STORE_REGISTER_CATALOGUE_H
#define PCCC_STORE_REGISTER_CATALOGUE_H
#include <jansson.h>
#include <stddef.h>

#include "register/compliance.h"
#include "store/store.h"

/* A write to a published version (which never changes). */
#define STORE_CATALOGUE_PUBLISHED (-6)

/* The version number (number > 0), or the latest published one (number
 * 0). STORE_NOT_FOUND when there is none. */
int store_catalogue_get(struct store *st, long long number, json_t **out);

/* Every version, newest first, without items but with their counts:
 * [{"version","published","created_at","created_by","note",
 *   "published_at","published_by","items":N,"active":N}]. */
int store_catalogue_versions(struct store *st, json_t **items);

/* Opens a draft: the next number, a copy of the latest published version's
 * items. by: the username; note may be NULL. *out: the draft as
 * store_catalogue_get shows it. STORE_CONFLICT when a draft is open
 * already (*out then {"version":N} of that draft). */
int store_catalogue_draft_create(struct store *st, const char *by, const char *note,
				 json_t **out);

/* Writes one item of draft number: create 1 adds it (STORE_CONFLICT when
 * the code is in the draft already), create 0 replaces the item with that
 * code (STORE_NOT_FOUND when absent). def must have passed
 * compliance_item_validate. STORE_NOT_FOUND: no such version;
 * STORE_CATALOGUE_PUBLISHED: the version is published. */
int store_catalogue_item_put(struct store *st, long long number,
			     const struct compliance_item_def *def, int create);

/* Publishes draft number after compliance_catalogue_publishable, in one
 * transaction. STORE_NOT_FOUND, STORE_CATALOGUE_PUBLISHED, or
 * STORE_INVALID with *err (static messages; err->code is NULL, the
 * offending item's code is copied into bad_code, "" when none). */
int store_catalogue_publish(struct store *st, long long number, const char *by,
			    struct compliance_publish_error *err,
			    char bad_code[COMPLIANCE_CODE_MAX + 1]);

/* The items of a catalogue JSON (as store_catalogue_get gives it) as an
 * array of compliance_item_def for the pure rules: *defs is heap memory
 * (free it) whose strings point into cat, which must outlive it. Returns
 * 0, or -1 for a malformed catalogue. */
int store_catalogue_defs(const json_t *cat, struct compliance_item_def **defs, size_t *n);

/* One item's JSON from a def (what the API shows). New reference. */
json_t *store_catalogue_item_json(const struct compliance_item_def *def);

#endif
