/* Roles, capabilities and scopes: who may do what, and where. Pure
 * functions, no I/O. A request is allowed when the caller's role grants the
 * capability the route declares (roles_grants) AND the record lies inside
 * the caller's scope (scope_allows_unit / _house / _facility). Anything
 * outside the scope is answered as if it did not exist (404).
 *
 * Unit codes follow the 2025 scheme: a province is 2 digits ("01"), a
 * commune 5 digits ("00364"). An officer's home unit is either; a province
 * home unit covers every commune of that province. */
#ifndef PCCC_AUTH_ROLES_H
#define PCCC_AUTH_ROLES_H
#include <stddef.h>

/* The role ids of DESIGN.md, in that order. */
enum role {
	ROLE_CITIZEN,
	ROLE_FACILITY_OWNER,
	ROLE_COMMUNE_OFFICER,
	ROLE_FIRE_TEAM,
	ROLE_CITY_FIRE_POLICE,
	ROLE_DISPATCHER,
	ROLE_AUDITOR,
	ROLE_ADMIN,
	ROLE_COUNT
};

/* Named capabilities a route declares. PERM_NONE is "no capability needed
 * beyond being signed in" and is granted to every role. */
enum capability {
	PERM_NONE,
	PERM_SELF,            /* own account: profile, password, sessions */
	PERM_UNITS_READ,      /* administrative units (public data) */
	PERM_UNITS_ADMIN,     /* units and reference data: create, edit, import */
	PERM_HOUSE_READ,
	PERM_HOUSE_WRITE,
	PERM_FACILITY_READ,
	PERM_FACILITY_WRITE,
	PERM_INSPECT,         /* record an official inspection */
	PERM_PENALTY,         /* record an enforcement decision */
	PERM_PII_READ_FULL,   /* unmasked ID and phone numbers (each read audited) */
	PERM_ACCOUNTS_ADMIN,  /* create, disable, reset accounts */
	PERM_AUDIT_READ,
	PERM_ALARM_READ,
	PERM_ALARM_HANDLE,    /* acknowledge, classify, close alarms */
	PERM_DEVICE_ADMIN,    /* register and configure alarm transmitters */
	PERM_REPORT_READ,     /* statistics and reports */
	PERM_INCIDENT_REPORT, /* report a fire */
	PERM_INCIDENT_HANDLE, /* dispatch and close incidents, send warnings */
	PERM_COUNT
};

/* "citizen" ... "admin"; NULL for a value out of range. */
const char *roles_id(enum role r);
/* Vietnamese display name ("Người dân/chủ hộ", ...), English display name. */
const char *roles_name_vi(enum role r);
const char *roles_name_en(enum role r);
/* Parses a role id (exact, lowercase). 0 and *out on success, -1 otherwise. */
int roles_parse(const char *s, enum role *out);

/* "house.read", "pii.read_full", ...: stable ids for the route table and
 * the OpenAPI document; NULL out of range. roles_perm_parse is the inverse. */
const char *roles_perm_id(enum capability c);
int roles_perm_parse(const char *s, enum capability *out);

/* 1 if role r holds capability c, 0 otherwise (also for values out of
 * range). The matrix is the table in roles.c. */
int roles_grants(enum role r, enum capability c);

/* Where a signed-in caller may act. Borrowed strings; the loader of the
 * account (sessions) fills it and owns the memory.
 * - home_unit: the account's 2025 unit code ("" if none);
 * - province: the province of the home unit (for a dispatcher, the province
 *   of their command centre);
 * - covered_communes: a fire team's extra communes;
 * - own_house_id / own_facility_id: a citizen's house, a facility owner's
 *   facility (NULL if none). */
struct scope {
	enum role role;
	char home_unit[8];
	char province[4];
	char **covered_communes;
	size_t ncovered;
	char *own_house_id;
	char *own_facility_id;
};

/* 1 if records of commune commune_code (in province province_code) lie in
 * the caller's unit scope:
 * - commune officer, admin: the home unit's subtree (home unit = that
 *   commune; a province home unit = every commune of the province);
 * - fire team: the home subtree plus the covered communes;
 * - dispatcher, city fire police: the whole province of scope->province
 *   (their home subtree too, if scope->province is empty);
 * - auditor, citizen, facility owner: never (they are scoped to the audit
 *   trail, their house, their facility).
 * NULL or empty codes never match. Admin holds no personal-data capability,
 * so its unit scope only ever reaches accounts, units and reference data. */
int scope_allows_unit(const struct scope *s, const char *commune_code, const char *province_code);

/* A house (digital house id house_id) in commune/province: a citizen only
 * their own house, a facility owner never, everyone else by unit scope. */
int scope_allows_house(const struct scope *s, const char *house_id, const char *commune_code,
		       const char *province_code);

/* A facility: a facility owner only their own, a citizen never, everyone
 * else by unit scope. */
int scope_allows_facility(const struct scope *s, const char *facility_id,
			  const char *commune_code, const char *province_code);

/* 1 for a 2-digit province code, 0 otherwise. */
int roles_unit_is_province(const char *code);

#endif
