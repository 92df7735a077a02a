/* Demo accounts: one per role (see cmd/demo.h), in real Hà Nội units, all
 * with the same known, policy-compliant password and no forced change.
 * A rerun on the same database keeps them: an existing demo account is
 * only repaired (password back to the known one if someone changed it,
 * enabled, no forced change) so DIR/demo-accounts.json stays true. */
#include "cmd/demo.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "auth/password.h"
#include "core/log.h"
#include "store/auth.h"

#define DEMO_PASSWORD "Pccc@2025demo"

struct demo_account {
	const char *username;
	const char *display_name;
	enum role role;
	const char *unit;          /* NULL: the demo commune */
	const char *covered[4];
};

static const struct demo_account demo_accounts[] = {
	{"demo.canbo", "Nguyễn Thị Lan (cán bộ phường Khương Đình)", ROLE_COMMUNE_OFFICER, NULL, {0}},
	{"demo.doipccc", "Đội Cảnh sát PCCC&CNCH khu vực Thanh Xuân", ROLE_FIRE_TEAM, "00367",
	 {"00364", "00352", "00316", NULL}},
	{"demo.pc07", "Phòng Cảnh sát PC07 Hà Nội", ROLE_CITY_FIRE_POLICE, "01", {0}},
	{"demo.dieudo", "Trần Văn Minh (điều độ viên 114)", ROLE_DISPATCHER, "01", {0}},
	{"demo.chuho", "Lê Văn Hùng (chủ hộ)", ROLE_CITIZEN, NULL, {0}},
	{"demo.coso", "Phạm Thu Hà (người đứng đầu cơ sở)", ROLE_FACILITY_OWNER, NULL, {0}},
	{"demo.kiemtra", "Đỗ Quang Huy (kiểm tra viên)", ROLE_AUDITOR, "01", {0}},
	{"demo.quantri", "Quản trị hệ thống Hà Nội", ROLE_ADMIN, "01", {0}},
};

static size_t ncovered(const struct demo_account *d)
{
	size_t n = 0;
	while (n < 4 && d->covered[n])
		n++;
	return n;
}

static int seed_one(struct app *app, const struct demo_ctx *ctx, const struct demo_account *d,
		    json_t *accounts)
{
	struct store *st = app->store;
	const char *unit = d->unit ? d->unit : ctx->commune;
	const char *house = d->role == ROLE_CITIZEN && ctx->citizen_house_id[0]
				? ctx->citizen_house_id : NULL;
	const char *facility = d->role == ROLE_FACILITY_OWNER && ctx->owner_facility_id[0]
				   ? ctx->owner_facility_id : NULL;
	char hash[PASSWORD_HASH_BUF];
	struct account a;
	int rc = store_account_by_username(st, d->username, &a);
	if (rc == STORE_NOT_FOUND) {
		if (password_hash(DEMO_PASSWORD, hash) != 0)
			return -1;
		struct account_new n = {.username = d->username,
					.display_name = d->display_name,
					.role = d->role,
					.home_unit = unit,
					.password_hash = hash,
					.must_change_password = 0,
					.covered = d->covered,
					.ncovered = ncovered(d),
					.house_id = house,
					.facility_id = facility};
		long long id = 0;
		if (store_account_create(st, &n, &id) != STORE_OK)
			return -1;
		char sid[32];
		snprintf(sid, sizeof sid, "%lld", id);
		json_t *f = json_pack("{s:s,s:s,s:s}", "username", d->username, "role",
				      roles_id(d->role), "unit", unit);
		audit_log_system(app, "demo", "account.create", "account", sid, f);
		json_decref(f);
	} else if (rc == STORE_OK) {
		int repaired = 0;
		if (!a.password_hash || password_verify(a.password_hash, DEMO_PASSWORD) != 0 ||
		    a.must_change_password) {
			if (password_hash(DEMO_PASSWORD, hash) != 0 ||
			    store_account_set_password(st, a.id, hash, 0) != STORE_OK) {
				store_account_free(&a);
				return -1;
			}
			repaired = 1;
		}
		if (a.disabled) {
			store_account_set_disabled(st, a.id, 0);
			repaired = 1;
		}
		if (house || facility)
			store_account_set_links(st, a.id, house, facility, NULL);
		if (repaired) {
			char sid[32];
			snprintf(sid, sizeof sid, "%lld", a.id);
			audit_log_system(app, "demo", "account.demo_repair", "account", sid, NULL);
		}
		store_account_free(&a);
	} else {
		return -1;
	}
	json_array_append_new(accounts, json_pack("{s:s,s:s,s:s,s:s}", "role", roles_id(d->role),
						  "username", d->username, "password",
						  DEMO_PASSWORD, "unit", unit));
	return 0;
}

int auth_demo_seed(struct app *app, const struct demo_ctx *ctx, json_t *accounts)
{
	for (size_t i = 0; i < sizeof demo_accounts / sizeof demo_accounts[0]; i++) {
		if (seed_one(app, ctx, &demo_accounts[i], accounts) != 0) {
			log_error("demo: cannot seed account %s", demo_accounts[i].username);
			return -1;
		}
	}
	return 0;
}
