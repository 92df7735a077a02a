/* Enforcement records addressed by their own id:
 *
 *   POST /api/v1/penalties/{id}/paid   {"paid": true, "paid_on": "YYYY-MM-DD"}
 *                                      or {"paid": false} (a mistake undone)
 *
 * Marks an administrative penalty decision paid (the overdue list then
 * drops it). Needs the penalty capability; the decision's facility must lie
 * in the caller's scope, otherwise 404 as for one that does not exist. The
 * payment day must be a real date, not after today nor before the
 * decision's date. Audited as "penalty.paid". */
#include "api/enforcement.h"

#include <stdio.h>
#include <string.h>

#include "api/register_api.h"
#include "app.h"
#include "auth/audit.h"
#include "http/http.h"
#include "register/record.h"
#include "store/register_enforcement.h"

const struct param_spec api_penalty_id_params[] = {
	{.name = "id", .in = PARAM_IN_PATH, .type = PARAM_DIGITS, .required = 1, .max_len = 18,
	 .description = "penalty id"},
	{0},
};

const struct param_spec api_penalty_paid_body[] = {
	{.name = "paid", .type = PARAM_BOOL, .required = 1,
	 .description = "true: paid (paid_on required); false: not paid"},
	{.name = "paid_on", .type = PARAM_STRING | PARAM_NULLABLE, .max_len = 10,
	 .description = "YYYY-MM-DD, not after today"},
	{0},
};

void api_penalty_paid(struct req *r, struct resp *out)
{
	char today[11], ids[32];
	json_t *p = NULL;
	long long id = req_param_int(r, "id", 0);
	int paid = json_is_true(json_object_get(r->json, "paid"));
	const char *on = json_string_value(json_object_get(r->json, "paid_on"));
	rec_today(today);
	if (paid && (!on || !rec_date_valid(on))) {
		api_reg_invalid(r, out, "paid_on",
				"Ngày nộp phạt phải có dạng YYYY-MM-DD / Payment date must be "
				"YYYY-MM-DD");
		return;
	}
	if (paid && strcmp(on, today) > 0) {
		api_reg_invalid(r, out, "paid_on",
				"Ngày nộp phạt không được sau hôm nay / Payment date cannot be in "
				"the future");
		return;
	}
	int rc = store_penalty_set_paid(r->app->store, api_reg_scope(r), id, paid,
					paid ? on : NULL, &p);
	if (rc == STORE_INVALID) {
		api_reg_invalid(r, out, "paid_on",
				"Ngày nộp phạt không được trước ngày quyết định / Payment date cannot "
				"be before the decision date");
		return;
	}
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "penalty");
		return;
	}
	snprintf(ids, sizeof ids, "%lld", id);
	json_t *a = json_pack("{s:s,s:b}", "facility_id",
			      json_string_value(json_object_get(p, "facility_id")), "paid", paid);
	audit_log(r, "penalty.paid", "penalty", ids, a);
	json_decref(a);
	api_reg_reply(r, out, 200, p);
}
