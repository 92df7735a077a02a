/* The store side of the printed enforcement documents and of the notices
 * to household heads and facility owners: reading one inspection or
 * penalty by id, the stable per-unit-per-year number of an inspection
 * record, the candidates of the deadline job, which notices were sent,
 * and who a notice goes to. Written once with store/db.h (tables of
 * sql/010_register_forms.sql).
 *
 * The reads by id take no scope: the caller then reads the target (house
 * or facility) through store_house_get / store_facility_get with the
 * caller's scope, which answers STORE_NOT_FOUND outside it. */
#ifndef PCCC_STORE_REGISTER_FORMS_H
#define PCCC_STORE_REGISTER_FORMS_H
#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

/* {"id","target_kind","target_id","unit","kind","date","inspector",
 *  "catalogue_version","results":[...],"compliance","failing_items":[...],
 *  "notes","violations":[{"id","item_code","description","deadline",
 *  "remediated_on"}]}. STORE_NOT_FOUND when there is none. */
int store_form_inspection_get(struct store *st, long long id, json_t **out);
/* {"id","facility_id","unit","number","date","amount","legal_basis",
 *  "violation","paid","paid_on","deadline","issuer","created_by"}. */
int store_form_penalty_get(struct store *st, long long id, json_t **out);
/* The number of the record (kind "inspection", record_id) in unit and
 * year: the stored one, or the next of that unit and year, stored now.
 * *seq >= 1. */
int store_form_number(struct store *st, const char *kind, long long record_id, const char *unit,
		      int year, long long *seq);

/* Candidates of the deadline job, each {"source","id","target_kind",
 * "target_id","unit","deadline","open","event_date","version","detail"}
 * (penalties add "date"):
 *  - open violations with deadline in [from, to], not yet told for the
 *    side of today they are on (keys of register/notify_rules.h);
 *  - penalties unpaid with deadline in [from, to], or created since
 *    since_s (event_date: the day it was recorded);
 *  - houses returned (declared_state) and updated since since_s, not yet
 *    told for that return.
 * At most limit of each source. */
int store_notice_candidates(struct store *st, const char *today, const char *from,
			    const char *to, int64_t since_s, int limit, json_t **items);
/* Records that the notice key was sent: STORE_OK when it is new,
 * STORE_CONFLICT when it was already. */
int store_notice_mark(struct store *st, const char *key, const char *target_kind,
		      const char *target_id, int64_t now_s);
/* 1 when key was sent, 0 when not, < 0 on error. */
int store_notice_sent(struct store *st, const char *key);
/* Who a notice about target goes to, and its display name:
 * house: {"name": address, "to": [{"role":"household_head","name",
 * "phone_masked"}]}; facility: {"name", "to": [{"role":
 * "legal_representative","name"}, {"role":"contact","name","phone"}...]}.
 * STORE_NOT_FOUND for an unknown target. */
int store_notice_recipients(struct store *st, const char *target_kind, const char *target_id,
			    json_t **out);

#endif
