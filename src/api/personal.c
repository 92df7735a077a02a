/* GET /api/v1/houses/{id}/residents/{rid}/personal: a resident's ID number
 * and phone in full (lists show them masked). Needs the pii.read
 * capability and the house in the caller's scope; the read is audited
 * before the answer leaves, and refused if it cannot be audited. */
#include "api/personal.h"

#include <stdio.h>
#include <stdlib.h>

#include "api/register_api.h"
#include "app.h"
#include "auth/audit.h"
#include "auth/service.h"
#include "http/http.h"
#include "register/houseid.h"
#include "store/register_pii.h"
#include "store/store.h"

const struct param_spec api_resident_personal_params[] = {
    {.name = "id", .in = PARAM_IN_PATH, .type = PARAM_STRING, .max_len = 32,
     .description = "digital house ID"},
    {.name = "rid", .in = PARAM_IN_PATH, .type = PARAM_DIGITS, .max_len = 18,
     .description = "resident id"},
    {0},
};

void api_resident_personal(struct req *r, struct resp *out)
{
	char id[HOUSEID_MAX];
	if (api_reg_house_id(r, out, id) != 0)
		return;
	long long rid = strtoll(req_param(r, "rid"), NULL, 10);
	json_t *o = NULL;
	int rc = store_resident_reveal(r->app->store, api_reg_scope(r), auth_pii_keys(r->app), id,
				       rid, &o);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, "resident");
		return;
	}
	json_t *fields = json_pack("{s:[s,s],s:s}", "fields", "cccd", "phone", "house_id", id);
	char rid_text[24];
	snprintf(rid_text, sizeof rid_text, "%lld", rid);
	int arc = audit_log(r, "pii.read", "resident", rid_text, fields);
	json_decref(fields);
	if (arc != 0) {
		json_decref(o);
		http_reply_error(r, out, 503, "audit_unavailable",
				 "Không ghi được nhật ký nên không hiển thị dữ liệu cá nhân / "
				 "Personal data is not shown because the read could not be audited",
				 NULL);
		return;
	}
	http_reply_json(r, out, 200, o);
	out->no_cache = 1;
}
