/* A facility's enforcement history as the facility card shows it, and the
 * payment of a penalty decision. Kept apart from store/register.c (the
 * import and search paths live there): these are small reads and one
 * update, written with the portable statement layer (store/db.h) over the
 * tables of sql/004_register.sql. */
#ifndef PCCC_STORE_REGISTER_ENFORCEMENT_H
#define PCCC_STORE_REGISTER_ENFORCEMENT_H
#include <jansson.h>

#include "store/store.h"

struct scope;

/* Adds to f (a facility the caller already read through
 * store_facility_get, so in scope) three arrays, newest first:
 *   "penalties":   [{"id","number","date","amount","legal_basis",
 *                    "violation","deadline","issuer","paid","paid_on"}]
 *   "suspensions": [{"id","kind","number","date","from_date","to_date",
 *                    "reason","lifted_on","active"}]
 *   "violations":  [{"id","inspection_id","item_code","description",
 *                    "found_on","deadline","overdue"}]  (open ones only)
 * "overdue" is deadline < today (YYYY-MM-DD); "active" is not lifted.
 * On error f is left without them. */
int store_facility_enforcement(struct store *st, const char *facility_id, const char *today,
			       json_t *f);

/* Records that penalty id was paid on paid_on (YYYY-MM-DD), or, with paid
 * 0, that it was not (paid_on cleared). The penalty's facility must be in
 * scope (STORE_NOT_FOUND otherwise, as for no such penalty); paid_on
 * before the decision's date is STORE_INVALID. *out: the penalty as
 * store_facility_enforcement shows it plus "facility_id". */
int store_penalty_set_paid(struct store *st, const struct scope *sc, long long id, int paid,
			   const char *paid_on, json_t **out);

#endif
