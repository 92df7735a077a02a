/* The register's store: houses, households and residents, facilities,
 * inspections, violations, penalties, suspensions and fires. Every
 * function takes the caller's scope (NULL = the system itself: demo,
 * generator, command line) and answers STORE_NOT_FOUND for a record
 * outside it, exactly as for one that does not exist. Reads return JSON
 * shaped as the API shows it (personal data masked); writes take bodies
 * the caller already checked (register/house.h, facility.h). Written once
 * with the statement layer (store/db.h); the SQLite-only FTS5 address
 * index is created on first use (see 004_register.sql). */
#ifndef PCCC_STORE_REGISTER_H
#define PCCC_STORE_REGISTER_H
#include <jansson.h>
#include <stddef.h>

#include "store/store.h"

struct scope;
struct pii_keys;

/* A write into a commune outside the caller's scope. */
#define STORE_FORBIDDEN (-5)

struct house_query {
	const char *q;            /* address words, folded here */
	const char *unit;
	const char *type;
	const char *compliance;   /* chua_kiem_tra | dam_bao | khong_dam_bao */
	const char *failing_item; /* catalogue code */
	const char *state;        /* declared_state */
	int overdue;              /* 1: open violations past their deadline */
	const char *sort;         /* "id" (default), "address", "updated" */
	int limit;                /* <= 0: the whole set */
	const char *cursor;
};

int store_house_list(struct store *st, const struct scope *sc, const struct house_query *q,
		     json_t **items, char **next);
int store_house_get(struct store *st, const struct scope *sc, const char *id, json_t **out);
/* body: checked house fields (+ optional "id" for a house that already has
 * an ID). *out: the created house. STORE_INVALID: unit is not a 2025
 * commune; STORE_FORBIDDEN: outside scope; STORE_CONFLICT: ID taken. */
int store_house_create(struct store *st, const struct scope *sc, json_t *body, json_t **out);
/* merged: the full record after a patch (house fields). */
int store_house_update(struct store *st, const struct scope *sc, const char *id, json_t *merged,
		       json_t **out);
/* The same when the house is still at expect_version (its "version", which
 * every write of a house or facility increments): STORE_CONFLICT and
 * nothing written when it is not; expect_version < 0 checks nothing. */
int store_house_update_if(struct store *st, const struct scope *sc, const char *id,
			  json_t *merged, long long expect_version, json_t **out);
/* Declaration workflow: sets declared_state to state when it is still
 * from (STORE_CONFLICT otherwise); reason for "returned"; by = username. */
int store_house_set_state(struct store *st, const struct scope *sc, const char *id,
			  const char *from, const char *state, const char *reason, const char *by,
			  json_t **out);
/* All rows or none; rows from import_sheet (optional "id"), ids of the
 * created houses appended to ids (may be NULL). */
int store_houses_import(struct store *st, const struct scope *sc, json_t *rows, json_t *ids);
/* The same in steps, for a caller that checks rows while earlier ones are
 * written (one thread; all-or-nothing across the adds): begin (expected:
 * about how many rows will come), add rows (on an error the failing row
 * goes into ids as with store_houses_import, and every later add fails),
 * end (commits when ok and no add failed, rolls back otherwise; frees). */
struct houses_import;
int store_houses_import_begin(struct store *st, const struct scope *sc, size_t expected,
			      struct houses_import **out);
int store_houses_import_add(struct houses_import *hi, json_t *rows, json_t *ids);
int store_houses_import_end(struct houses_import *hi, int ok);
/* The add in two halves, so that a second thread does the first: prepare
 * (commune lookups on that thread's own connection, scope, given IDs,
 * address composition — it sets address_text of rows — and search words;
 * one thread at a time, between begin and end, and never while an add
 * of the same import runs on another thread) and add_prepared (IDs
 * taken for rows without one, the INSERTs; errors as add). rows must
 * outlive the prepared part, which the caller frees with
 * store_houses_prepared_free (on any thread, after the add). */
struct houses_prepared;
int store_houses_import_prepare(struct houses_import *hi, json_t *rows,
				struct houses_prepared **out);
int store_houses_import_add_prepared(struct houses_import *hi, struct houses_prepared *pp,
				     json_t *ids);
void store_houses_prepared_free(struct houses_prepared *pp);

/* Residents. in: {"cccd","name","phone","role","birth_year","household"}
 * already checked. STORE_CONFLICT: the CCCD is registered elsewhere. */
int store_resident_add(struct store *st, const struct scope *sc, const struct pii_keys *k,
		       const char *house_id, json_t *in, json_t **out);
/* Masked list of a house's residents. */
int store_resident_list(struct store *st, const struct scope *sc, const char *house_id,
			json_t **items);
/* Population data: rows {"cccd","name","house_id",...} — each upserted by
 * CCCD; rows whose house is unknown are appended to rejected as
 * {"row","column","message"} (a house outside scope counts as unknown).
 * One transaction. *imported = rows written. */
int store_residents_import(struct store *st, const struct scope *sc, const struct pii_keys *k,
			   json_t *rows, json_t *rejected, size_t *imported);

/* Facilities. */
struct facility_query {
	const char *q, *unit, *category, *compliance, *failing_item, *status;
	int must_connect;         /* -1 any, 0, 1 */
	int connected;            /* -1 any, 0, 1 */
	int overdue;
	int limit;
	const char *cursor;
};
int store_facility_list(struct store *st, const struct scope *sc, const struct facility_query *q,
			json_t **items, char **next);
int store_facility_get(struct store *st, const struct scope *sc, const char *id, json_t **out);
int store_facility_create(struct store *st, const struct scope *sc, json_t *body, json_t **out);
int store_facility_update(struct store *st, const struct scope *sc, const char *id,
			  json_t *merged, json_t **out);
/* See store_house_update_if. */
int store_facility_update_if(struct store *st, const struct scope *sc, const char *id,
			     json_t *merged, long long expect_version, json_t **out);
int store_facilities_import(struct store *st, const struct scope *sc, json_t *rows, json_t *ids);

/* Inspections. target_kind "house" | "facility". insp: {"kind","date",
 * "inspector","results":[{"code","result","required","note"}],"notes",
 * "deadline"} plus the derived "compliance" and "failing_items". The
 * target's compliance follows its latest inspection (by date, then id);
 * failing required items open violations with the deadline; items that
 * pass close the target's open violations of the same item. */
int store_inspection_add(struct store *st, const struct scope *sc, const char *target_kind,
			 const char *target_id, json_t *insp, json_t **out);
int store_inspection_list(struct store *st, const struct scope *sc, const char *target_kind,
			  const char *target_id, json_t **items);

/* Inspections of every house and facility in scope, newest first (date,
 * then id), for the inspections page: filters are optional (NULL / -1);
 * from / to are dates YYYY-MM-DD (inclusive); limit 0: all (export).
 * Items are the inspection rows (results left out) with target_label (a
 * house's address, a facility's name), target_address (a facility's),
 * unit_name, and record_seq / record_year once the record was printed
 * (null before). Cursor "d<date>_<id>";
 * STORE_INVALID for a malformed one. */
struct inspection_query {
	const char *unit, *target_kind, *kind, *compliance, *failing_item, *from, *to;
	const char *inspector;
	int limit;
	const char *cursor;
};
int store_inspection_search(struct store *st, const struct scope *sc,
			    const struct inspection_query *q, json_t **items, char **next);

/* Enforcement (facilities). penalty: {"number","date","amount",
 * "legal_basis","violation","deadline","issuer","paid"}; suspension:
 * {"kind":"temporary|suspension","number","date","from_date","to_date",
 * "reason"} (sets the facility's status); lifting sets it back. */
int store_penalty_add(struct store *st, const struct scope *sc, const char *facility_id,
		      json_t *p, const char *by, json_t **out);
int store_suspension_add(struct store *st, const struct scope *sc, const char *facility_id,
			 json_t *s, const char *by, json_t **out);
int store_suspension_lift(struct store *st, const struct scope *sc, const char *facility_id,
			  long long suspension_id, const char *lifted_on, json_t **out);
/* Open violations past their deadline and unpaid penalties past theirs,
 * as of today, in scope (unit filter optional). */
int store_enforcement_overdue(struct store *st, const struct scope *sc, const char *unit,
			      const char *today, json_t **items);

/* Fires and explosions: fire {"date","kind","deaths","injuries",
 * "damage_vnd","cause","notes"}. */
int store_fire_add(struct store *st, const struct scope *sc, const char *target_kind,
		   const char *target_id, json_t *fire, json_t **out);
int store_fire_list(struct store *st, const struct scope *sc, const char *target_kind,
		    const char *target_id, json_t **items);

/* Bulk writing for the generator and benchmarks: one transaction around
 * many store_houses_import / store_residents_import calls. */
int store_register_begin_bulk(struct store *st);
int store_register_end_bulk(struct store *st, int ok);

/* Counts (houses, facilities, residents) for the demo's idempotence. */
int store_register_count(struct store *st, const char *table, long long *n);

#endif
