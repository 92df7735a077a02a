/* A caller's scope as the set of 2025 communes their records may sit in,
 * for store queries:
 *
 *	char *units = NULL;
 *	if (store_scope_units_json(st, scope, &units) != 0) return STORE_ERROR;
 *	// units == NULL: no unit restriction (never for officers today)
 *	// units == "[]": no unit reaches (citizen, facility owner, auditor):
 *	//                only records they own, checked by the caller
 *	db_bind_text(s, 3, units);
 *	... "and ($3 is null or unit in (select value from json_each($3)))"
 *	free(units);
 *
 * A home unit that is a province (2 digits) covers every 2025 commune of
 * it; a fire team adds its covered communes; a dispatcher and the city
 * fire police reach their whole province. */
#ifndef PCCC_STORE_SCOPE_H
#define PCCC_STORE_SCOPE_H

struct store;
struct scope;

/* *out: heap JSON array text of commune codes, or NULL for "all". */
int store_scope_units_json(struct store *st, const struct scope *s, char **out);

#endif
