/* The role × capability matrix and the scope rules (see roles.h). The
 * matrix is one table so that a review reads it at a glance; the unit
 * tests assert every cell. */
#include "auth/roles.h"

#include <string.h>

struct role_info {
	const char *id;
	const char *vi;
	const char *en;
};

static const struct role_info role_table[ROLE_COUNT] = {
	[ROLE_CITIZEN] = {"citizen", "Người dân/chủ hộ", "Citizen/household head"},
	[ROLE_FACILITY_OWNER] = {"facility_owner", "Người đứng đầu cơ sở", "Facility owner"},
	[ROLE_COMMUNE_OFFICER] = {"commune_officer", "Cán bộ xã/phường", "Commune officer"},
	[ROLE_FIRE_TEAM] = {"fire_team", "Đội Cảnh sát PCCC&CNCH", "Fire and rescue police team"},
	[ROLE_CITY_FIRE_POLICE] = {"city_fire_police", "Phòng Cảnh sát PC07",
				   "City fire police (PC07)"},
	[ROLE_DISPATCHER] = {"dispatcher", "Điều độ viên trung tâm chỉ huy",
			     "Command centre dispatcher"},
	[ROLE_AUDITOR] = {"auditor", "Kiểm tra viên", "Auditor"},
	[ROLE_ADMIN] = {"admin", "Quản trị hệ thống", "System administrator"},
};

static const char *const perm_ids[PERM_COUNT] = {
	[PERM_NONE] = "none",
	[PERM_SELF] = "self",
	[PERM_UNITS_READ] = "units.read",
	[PERM_UNITS_ADMIN] = "units.admin",
	[PERM_HOUSE_READ] = "house.read",
	[PERM_HOUSE_WRITE] = "house.write",
	[PERM_FACILITY_READ] = "facility.read",
	[PERM_FACILITY_WRITE] = "facility.write",
	[PERM_INSPECT] = "inspect",
	[PERM_PENALTY] = "penalty",
	[PERM_PII_READ_FULL] = "pii.read_full",
	[PERM_ACCOUNTS_ADMIN] = "accounts.admin",
	[PERM_AUDIT_READ] = "audit.read",
	[PERM_ALARM_READ] = "alarm.read",
	[PERM_ALARM_HANDLE] = "alarm.handle",
	[PERM_DEVICE_ADMIN] = "device.admin",
	[PERM_REPORT_READ] = "report.read",
	[PERM_INCIDENT_REPORT] = "incident.report",
	[PERM_INCIDENT_HANDLE] = "incident.handle",
};

#define B(p) (1u << (p))
#define BASE (B(PERM_NONE) | B(PERM_SELF) | B(PERM_UNITS_READ))

/* The matrix. Read a row as "this role may ...". */
static const unsigned grants[ROLE_COUNT] = {
	/* Own house and household (scope), including their own full ID
	 * numbers; reports fires. */
	[ROLE_CITIZEN] = BASE | B(PERM_HOUSE_READ) | B(PERM_HOUSE_WRITE) |
			 B(PERM_PII_READ_FULL) | B(PERM_INCIDENT_REPORT),
	/* Own facility's file, self-inspections (facility.write), devices and
	 * the alarms they send. */
	[ROLE_FACILITY_OWNER] = BASE | B(PERM_FACILITY_READ) | B(PERM_FACILITY_WRITE) |
				B(PERM_DEVICE_ADMIN) | B(PERM_ALARM_READ) |
				B(PERM_INCIDENT_REPORT),
	/* Enters and verifies houses and facilities of the commune, inspects. */
	[ROLE_COMMUNE_OFFICER] = BASE | B(PERM_HOUSE_READ) | B(PERM_HOUSE_WRITE) |
				 B(PERM_FACILITY_READ) | B(PERM_FACILITY_WRITE) |
				 B(PERM_INSPECT) | B(PERM_PII_READ_FULL) |
				 B(PERM_REPORT_READ) | B(PERM_INCIDENT_REPORT),
	/* Everything in the covered communes: inspections, penalties, plans. */
	[ROLE_FIRE_TEAM] = BASE | B(PERM_HOUSE_READ) | B(PERM_HOUSE_WRITE) |
			   B(PERM_FACILITY_READ) | B(PERM_FACILITY_WRITE) | B(PERM_INSPECT) |
			   B(PERM_PENALTY) | B(PERM_PII_READ_FULL) | B(PERM_ALARM_READ) |
			   B(PERM_REPORT_READ) | B(PERM_INCIDENT_REPORT),
	/* The whole city: reports, enforcement, resources. */
	[ROLE_CITY_FIRE_POLICE] = BASE | B(PERM_HOUSE_READ) | B(PERM_HOUSE_WRITE) |
				  B(PERM_FACILITY_READ) | B(PERM_FACILITY_WRITE) |
				  B(PERM_INSPECT) | B(PERM_PENALTY) | B(PERM_PII_READ_FULL) |
				  B(PERM_ALARM_READ) | B(PERM_REPORT_READ) |
				  B(PERM_INCIDENT_REPORT),
	/* Live alarms and incidents, dispatch, warnings; reads (never writes)
	 * houses and facilities of the province; calls reporters back. */
	[ROLE_DISPATCHER] = BASE | B(PERM_HOUSE_READ) | B(PERM_FACILITY_READ) |
			    B(PERM_PII_READ_FULL) | B(PERM_ALARM_READ) | B(PERM_ALARM_HANDLE) |
			    B(PERM_DEVICE_ADMIN) | B(PERM_REPORT_READ) |
			    B(PERM_INCIDENT_REPORT) | B(PERM_INCIDENT_HANDLE),
	/* The audit trail, read only. */
	[ROLE_AUDITOR] = BASE | B(PERM_AUDIT_READ),
	/* Accounts, units, reference data; no personal data, no audit trail
	 * (separation of duties: the auditor checks the admin). */
	[ROLE_ADMIN] = BASE | B(PERM_UNITS_ADMIN) | B(PERM_ACCOUNTS_ADMIN),
};

_Static_assert(PERM_COUNT <= 32, "capability bitmask is 32 bits");

const char *roles_id(enum role r)
{
	if ((unsigned)r >= ROLE_COUNT)
		return NULL;
	return role_table[r].id;
}

const char *roles_name_vi(enum role r)
{
	if ((unsigned)r >= ROLE_COUNT)
		return NULL;
	return role_table[r].vi;
}

const char *roles_name_en(enum role r)
{
	if ((unsigned)r >= ROLE_COUNT)
		return NULL;
	return role_table[r].en;
}

int roles_parse(const char *s, enum role *out)
{
	if (!s)
		return -1;
	for (int i = 0; i < ROLE_COUNT; i++) {
		if (strcmp(s, role_table[i].id) == 0) {
			*out = (enum role)i;
			return 0;
		}
	}
	return -1;
}

const char *roles_perm_id(enum capability c)
{
	if ((unsigned)c >= PERM_COUNT)
		return NULL;
	return perm_ids[c];
}

int roles_perm_parse(const char *s, enum capability *out)
{
	if (!s)
		return -1;
	for (int i = 0; i < PERM_COUNT; i++) {
		if (strcmp(s, perm_ids[i]) == 0) {
			*out = (enum capability)i;
			return 0;
		}
	}
	return -1;
}

int roles_grants(enum role r, enum capability c)
{
	if ((unsigned)r >= ROLE_COUNT || (unsigned)c >= PERM_COUNT)
		return 0;
	return (grants[r] & B(c)) != 0;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[n] == '\0';
}

int roles_unit_is_province(const char *code)
{
	return code && strlen(code) == 2 && all_digits(code, 2);
}

static int nonempty(const char *s)
{
	return s && s[0];
}

/* The home unit's subtree: the commune itself, or every commune of a
 * province home unit. */
static int scope_home_covers(const struct scope *s, const char *commune, const char *province)
{
	if (!nonempty(s->home_unit))
		return 0;
	if (roles_unit_is_province(s->home_unit))
		return nonempty(province) && strcmp(province, s->home_unit) == 0;
	return strcmp(commune, s->home_unit) == 0;
}

static int scope_province_covers(const struct scope *s, const char *commune, const char *province)
{
	if (nonempty(s->province))
		return nonempty(province) && strcmp(province, s->province) == 0;
	return scope_home_covers(s, commune, province);
}

int scope_allows_unit(const struct scope *s, const char *commune_code, const char *province_code)
{
	if (!s || !nonempty(commune_code))
		return 0;
	switch (s->role) {
	case ROLE_COMMUNE_OFFICER:
	case ROLE_ADMIN:
		return scope_home_covers(s, commune_code, province_code);
	case ROLE_FIRE_TEAM:
		if (scope_home_covers(s, commune_code, province_code))
			return 1;
		for (size_t i = 0; i < s->ncovered; i++)
			if (s->covered_communes && s->covered_communes[i] &&
			    strcmp(s->covered_communes[i], commune_code) == 0)
				return 1;
		return 0;
	case ROLE_DISPATCHER:
	case ROLE_CITY_FIRE_POLICE:
		return scope_province_covers(s, commune_code, province_code);
	case ROLE_CITIZEN:
	case ROLE_FACILITY_OWNER:
	case ROLE_AUDITOR:
	default:
		return 0;
	}
}

int scope_allows_house(const struct scope *s, const char *house_id, const char *commune_code,
		       const char *province_code)
{
	if (!s)
		return 0;
	switch (s->role) {
	case ROLE_CITIZEN:
		return nonempty(house_id) && nonempty(s->own_house_id) &&
		       strcmp(house_id, s->own_house_id) == 0;
	case ROLE_FACILITY_OWNER:
		return 0;
	default:
		return scope_allows_unit(s, commune_code, province_code);
	}
}

int scope_allows_facility(const struct scope *s, const char *facility_id,
			  const char *commune_code, const char *province_code)
{
	if (!s)
		return 0;
	switch (s->role) {
	case ROLE_FACILITY_OWNER:
		return nonempty(facility_id) && nonempty(s->own_facility_id) &&
		       strcmp(facility_id, s->own_facility_id) == 0;
	case ROLE_CITIZEN:
		return 0;
	default:
		return scope_allows_unit(s, commune_code, province_code);
	}
}
