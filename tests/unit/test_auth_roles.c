/* Tests for auth/roles: ids and names, the full role × capability matrix
 * written out independently here, and the scope rules role by role, inside
 * and outside the caller's area. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "auth/roles.h"

static void test_role_ids(void **state)
{
	(void)state;
	static const char *ids[] = {"citizen",	  "facility_owner", "commune_officer",
				    "fire_team",  "city_fire_police", "dispatcher",
				    "auditor",	  "admin"};
	assert_int_equal(ROLE_COUNT, 8);
	for (int i = 0; i < ROLE_COUNT; i++) {
		enum role r;
		assert_string_equal(roles_id((enum role)i), ids[i]);
		assert_int_equal(roles_parse(ids[i], &r), 0);
		assert_int_equal(r, i);
		assert_non_null(roles_name_vi((enum role)i));
		assert_non_null(roles_name_en((enum role)i));
	}
	enum role r = ROLE_ADMIN;
	assert_int_equal(roles_parse("Admin", &r), -1);
	assert_int_equal(roles_parse("", &r), -1);
	assert_int_equal(roles_parse(NULL, &r), -1);
	assert_int_equal(roles_parse("admin ", &r), -1);
	assert_null(roles_id(ROLE_COUNT));
	assert_null(roles_id((enum role)-1));
	assert_null(roles_name_vi(ROLE_COUNT));
}

static void test_role_names_vi(void **state)
{
	(void)state;
	assert_string_equal(roles_name_vi(ROLE_CITIZEN), "Người dân/chủ hộ");
	assert_string_equal(roles_name_vi(ROLE_FACILITY_OWNER), "Người đứng đầu cơ sở");
	assert_string_equal(roles_name_vi(ROLE_COMMUNE_OFFICER), "Cán bộ xã/phường");
	assert_string_equal(roles_name_vi(ROLE_FIRE_TEAM), "Đội Cảnh sát PCCC&CNCH");
	assert_string_equal(roles_name_vi(ROLE_CITY_FIRE_POLICE), "Phòng Cảnh sát PC07");
	assert_string_equal(roles_name_vi(ROLE_DISPATCHER), "Điều độ viên trung tâm chỉ huy");
	assert_string_equal(roles_name_vi(ROLE_AUDITOR), "Kiểm tra viên");
	assert_string_equal(roles_name_vi(ROLE_ADMIN), "Quản trị hệ thống");
}

static void test_perm_ids(void **state)
{
	(void)state;
	for (int i = 0; i < PERM_COUNT; i++) {
		enum capability c;
		const char *id = roles_perm_id((enum capability)i);
		assert_non_null(id);
		assert_int_equal(roles_perm_parse(id, &c), 0);
		assert_int_equal(c, i);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(id, roles_perm_id((enum capability)j));
	}
	enum capability c;
	assert_int_equal(roles_perm_parse("house.delete", &c), -1);
	assert_int_equal(roles_perm_parse(NULL, &c), -1);
	assert_null(roles_perm_id(PERM_COUNT));
}

/* The expected matrix, one string per role, one column per capability in
 * enum order: N SELF UR UA HR HW FR FW INS PEN PII ACC AUD AR AH DEV REP IR IH */
static const char *const expected[ROLE_COUNT] = {
	/*                      N S U U H H F F I P P A A A A D R I I */
	[ROLE_CITIZEN] =       "X X X . X X . . . . X . . . . . . X .",
	[ROLE_FACILITY_OWNER] = "X X X . . . X X . . . . . X . X . X .",
	[ROLE_COMMUNE_OFFICER] = "X X X . X X X X X . X . . . . . X X .",
	[ROLE_FIRE_TEAM] =     "X X X . X X X X X X X . . X . . X X .",
	[ROLE_CITY_FIRE_POLICE] = "X X X . X X X X X X X . . X . . X X .",
	[ROLE_DISPATCHER] =    "X X X . X . X . . . X . . X X X X X X",
	[ROLE_AUDITOR] =       "X X X . . . . . . . . . X . . . . . .",
	[ROLE_ADMIN] =         "X X X X . . . . . . . X . . . . . . .",
};

static void test_matrix(void **state)
{
	(void)state;
	assert_int_equal(PERM_COUNT, 19);
	for (int r = 0; r < ROLE_COUNT; r++) {
		const char *row = expected[r];
		assert_int_equal(strlen(row), 2 * PERM_COUNT - 1);
		for (int c = 0; c < PERM_COUNT; c++) {
			int want = row[2 * c] == 'X';
			if (roles_grants((enum role)r, (enum capability)c) != want)
				fail_msg("role %s capability %s: expected %s", roles_id((enum role)r),
					 roles_perm_id((enum capability)c), want ? "grant" : "deny");
		}
	}
	assert_int_equal(roles_grants(ROLE_COUNT, PERM_SELF), 0);
	assert_int_equal(roles_grants(ROLE_ADMIN, PERM_COUNT), 0);
	assert_int_equal(roles_grants((enum role)-1, PERM_SELF), 0);
}

/* Invariants the issue states in words, checked on their own. */
static void test_matrix_invariants(void **state)
{
	(void)state;
	/* Admin reads no personal data. */
	assert_false(roles_grants(ROLE_ADMIN, PERM_PII_READ_FULL));
	assert_false(roles_grants(ROLE_ADMIN, PERM_HOUSE_READ));
	assert_false(roles_grants(ROLE_ADMIN, PERM_FACILITY_READ));
	/* The auditor reads the audit trail only; nobody else does. */
	for (int c = 0; c < PERM_COUNT; c++) {
		if (c == PERM_AUDIT_READ || c == PERM_NONE || c == PERM_SELF ||
		    c == PERM_UNITS_READ)
			continue;
		assert_false(roles_grants(ROLE_AUDITOR, (enum capability)c));
	}
	for (int r = 0; r < ROLE_COUNT; r++)
		assert_int_equal(roles_grants((enum role)r, PERM_AUDIT_READ), r == ROLE_AUDITOR);
	/* Only admins administer accounts. */
	for (int r = 0; r < ROLE_COUNT; r++)
		assert_int_equal(roles_grants((enum role)r, PERM_ACCOUNTS_ADMIN), r == ROLE_ADMIN);
}

static char *team_covers[] = {"00367", "00370"};

static struct scope mk(enum role r, const char *home, const char *prov)
{
	struct scope s;
	memset(&s, 0, sizeof s);
	s.role = r;
	strcpy(s.home_unit, home);
	strcpy(s.province, prov);
	return s;
}

/* Khương Đình 00364 and Thanh Xuân 00367 in Hà Nội (01); Hồng Bàng 11311
 * in Hải Phòng (31). */
static void test_scope_commune_officer(void **state)
{
	(void)state;
	struct scope s = mk(ROLE_COMMUNE_OFFICER, "00364", "01");
	assert_true(scope_allows_unit(&s, "00364", "01"));
	assert_false(scope_allows_unit(&s, "00367", "01"));
	assert_false(scope_allows_unit(&s, "11311", "31"));
	assert_false(scope_allows_unit(&s, "", "01"));
	assert_false(scope_allows_unit(&s, NULL, "01"));
	assert_false(scope_allows_unit(&s, "0036", "01"));
	assert_false(scope_allows_unit(&s, "003644", "01"));
	/* A province home unit covers every commune of that province. */
	struct scope p = mk(ROLE_COMMUNE_OFFICER, "01", "01");
	assert_true(scope_allows_unit(&p, "00364", "01"));
	assert_true(scope_allows_unit(&p, "00367", "01"));
	assert_false(scope_allows_unit(&p, "11311", "31"));
	assert_false(scope_allows_unit(&p, "00364", NULL));
	/* No home unit: nothing. */
	struct scope n = mk(ROLE_COMMUNE_OFFICER, "", "");
	assert_false(scope_allows_unit(&n, "00364", "01"));
	assert_false(scope_allows_unit(NULL, "00364", "01"));
}

static void test_scope_fire_team(void **state)
{
	(void)state;
	struct scope s = mk(ROLE_FIRE_TEAM, "00364", "01");
	s.covered_communes = team_covers;
	s.ncovered = 2;
	assert_true(scope_allows_unit(&s, "00364", "01"));
	assert_true(scope_allows_unit(&s, "00367", "01"));
	assert_true(scope_allows_unit(&s, "00370", "01"));
	assert_false(scope_allows_unit(&s, "00373", "01"));
	assert_false(scope_allows_unit(&s, "11311", "31"));
	/* Covered communes are not given to other roles. */
	struct scope o = s;
	o.role = ROLE_COMMUNE_OFFICER;
	assert_false(scope_allows_unit(&o, "00367", "01"));
}

static void test_scope_province_roles(void **state)
{
	(void)state;
	enum role roles[] = {ROLE_DISPATCHER, ROLE_CITY_FIRE_POLICE};
	for (size_t i = 0; i < 2; i++) {
		struct scope s = mk(roles[i], "00364", "01");
		assert_true(scope_allows_unit(&s, "00364", "01"));
		assert_true(scope_allows_unit(&s, "00373", "01"));
		assert_false(scope_allows_unit(&s, "11311", "31"));
		assert_false(scope_allows_unit(&s, "00364", NULL));
		/* Without a province, the home subtree. */
		struct scope h = mk(roles[i], "00364", "");
		assert_true(scope_allows_unit(&h, "00364", "01"));
		assert_false(scope_allows_unit(&h, "00373", "01"));
	}
}

static void test_scope_admin_auditor(void **state)
{
	(void)state;
	struct scope a = mk(ROLE_ADMIN, "01", "01");
	assert_true(scope_allows_unit(&a, "00364", "01"));
	assert_false(scope_allows_unit(&a, "11311", "31"));
	/* Scope alone would let an admin near a house in the province, but the
	 * capability never does. */
	assert_false(roles_grants(ROLE_ADMIN, PERM_HOUSE_READ));
	struct scope au = mk(ROLE_AUDITOR, "01", "01");
	assert_false(scope_allows_unit(&au, "00364", "01"));
	assert_false(scope_allows_house(&au, "H1", "00364", "01"));
	assert_false(scope_allows_facility(&au, "F1", "00364", "01"));
}

static void test_scope_citizen(void **state)
{
	(void)state;
	struct scope s = mk(ROLE_CITIZEN, "00364", "01");
	s.own_house_id = "0100364000123";
	assert_false(scope_allows_unit(&s, "00364", "01"));
	assert_true(scope_allows_house(&s, "0100364000123", "00364", "01"));
	assert_false(scope_allows_house(&s, "0100364000124", "00364", "01"));
	assert_false(scope_allows_house(&s, "", "00364", "01"));
	assert_false(scope_allows_house(&s, NULL, "00364", "01"));
	assert_false(scope_allows_facility(&s, "F1", "00364", "01"));
	struct scope none = mk(ROLE_CITIZEN, "00364", "01");
	assert_false(scope_allows_house(&none, "0100364000123", "00364", "01"));
	assert_false(scope_allows_house(&none, "", "00364", "01"));
}

static void test_scope_facility_owner(void **state)
{
	(void)state;
	struct scope s = mk(ROLE_FACILITY_OWNER, "00364", "01");
	s.own_facility_id = "F42";
	assert_false(scope_allows_unit(&s, "00364", "01"));
	assert_true(scope_allows_facility(&s, "F42", "00364", "01"));
	assert_false(scope_allows_facility(&s, "F43", "00364", "01"));
	assert_false(scope_allows_facility(&s, NULL, "00364", "01"));
	assert_false(scope_allows_house(&s, "0100364000123", "00364", "01"));
}

static void test_scope_officers_on_records(void **state)
{
	(void)state;
	struct scope s = mk(ROLE_COMMUNE_OFFICER, "00364", "01");
	assert_true(scope_allows_house(&s, "anything", "00364", "01"));
	assert_false(scope_allows_house(&s, "anything", "00367", "01"));
	assert_true(scope_allows_facility(&s, "F1", "00364", "01"));
	assert_false(scope_allows_facility(&s, "F1", "11311", "31"));
}

/* The full matrix: every role × (inside, outside) for unit records. */
static void test_scope_matrix(void **state)
{
	(void)state;
	/* expected for: home commune, other commune same province, covered
	 * commune, other province */
	static const char *const want[ROLE_COUNT] = {
		[ROLE_CITIZEN] = "....",	   [ROLE_FACILITY_OWNER] = "....",
		[ROLE_COMMUNE_OFFICER] = "X...", [ROLE_FIRE_TEAM] = "X.X.",
		[ROLE_CITY_FIRE_POLICE] = "XXX.", [ROLE_DISPATCHER] = "XXX.",
		[ROLE_AUDITOR] = "....",	   [ROLE_ADMIN] = "X...",
	};
	static const char *const communes[4][2] = {
		{"00364", "01"}, {"00373", "01"}, {"00367", "01"}, {"11311", "31"}};
	for (int r = 0; r < ROLE_COUNT; r++) {
		struct scope s = mk((enum role)r, "00364", "01");
		s.covered_communes = team_covers;
		s.ncovered = 2;
		for (int k = 0; k < 4; k++) {
			int got = scope_allows_unit(&s, communes[k][0], communes[k][1]);
			if (got != (want[r][k] == 'X'))
				fail_msg("role %s commune %s: got %d", roles_id((enum role)r),
					 communes[k][0], got);
		}
	}
}

static void test_unit_is_province(void **state)
{
	(void)state;
	assert_true(roles_unit_is_province("01"));
	assert_true(roles_unit_is_province("96"));
	assert_false(roles_unit_is_province("1"));
	assert_false(roles_unit_is_province("001"));
	assert_false(roles_unit_is_province("0a"));
	assert_false(roles_unit_is_province(""));
	assert_false(roles_unit_is_province(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_ids),
		cmocka_unit_test(test_role_names_vi),
		cmocka_unit_test(test_perm_ids),
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_matrix_invariants),
		cmocka_unit_test(test_scope_commune_officer),
		cmocka_unit_test(test_scope_fire_team),
		cmocka_unit_test(test_scope_province_roles),
		cmocka_unit_test(test_scope_admin_auditor),
		cmocka_unit_test(test_scope_citizen),
		cmocka_unit_test(test_scope_facility_owner),
		cmocka_unit_test(test_scope_officers_on_records),
		cmocka_unit_test(test_scope_matrix),
		cmocka_unit_test(test_unit_is_province),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
