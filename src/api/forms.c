/* The printed enforcement documents over HTTP:
 *
 *   GET /api/v1/inspections/{id}/record.html   the inspection record
 *   GET /api/v1/penalties/{id}/decision.html   the penalty decision
 *
 * Both answer text/html (the server's strict CSP holds: the layout is the
 * static web/print/forms.css). The record is read like the inspection
 * list: its house or facility must lie in the caller's scope and the
 * caller must hold house.read / facility.read, otherwise 404 as for one
 * that does not exist. An inspection record gets its number ("12/BB-PCCC",
 * per commune and year) the first time it is printed; reprints show the
 * same number. The penalty decision shows the decision's own number. */
#include "api/forms.h"

#include <stdlib.h>
#include <string.h>

#include "api/photos.h"
#include "api/register_api.h"
#include "app.h"
#include "auth/audit.h"
#include "auth/principal.h"
#include "auth/roles.h"
#include "core/buf.h"
#include "http/http.h"
#include "register/forms.h"
#include "store/register.h"
#include "store/register_forms.h"
#include "store/register_photos.h"

const struct param_spec api_form_id_params[] = {
	{.name = "id", .in = PARAM_IN_PATH, .type = PARAM_DIGITS, .required = 1, .max_len = 18,
	 .description = "inspection / penalty id"},
	{0},
};

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void not_found(struct req *r, struct resp *out, const char *what_vi_en)
{
	http_reply_error(r, out, 404, "not_found", what_vi_en, "id");
}

/* The issuing agency's heading lines and the place of the date line, from
 * the record's commune and the authority managing it. */
static void agency_set(struct req *r, json_t *ctx, const char *unit, int fire_police)
{
	json_t *commune = NULL, *prov = NULL;
	const char *place = NULL;
	json_t *lines = json_array();
	struct buf b = {0};

	if (store_unit_get(r->app->store, "2025", unit, &commune) == STORE_OK) {
		const char *parent = jstr(commune, "parent");
		if (parent)
			store_unit_get(r->app->store, "2025", parent, &prov);
	}
	const char *pname = jstr(prov, "name");
	if (pname) {
		place = pname;
		if (strncmp(place, "Thành phố ", strlen("Thành phố ")) == 0)
			place += strlen("Thành phố ");
		else if (strncmp(place, "Tỉnh ", strlen("Tỉnh ")) == 0)
			place += strlen("Tỉnh ");
	}
	if (fire_police) {
		buf_puts(&b, "CÔNG AN ");
		forms_upper(&b, pname ? pname : "TỈNH, THÀNH PHỐ");
		json_array_append_new(lines, json_string(buf_str(&b)));
		json_array_append_new(lines, json_string("PHÒNG CẢNH SÁT PCCC VÀ CNCH"));
	} else {
		json_array_append_new(lines, json_string("ỦY BAN NHÂN DÂN"));
		forms_upper(&b, jstr(commune, "name") ? jstr(commune, "name") : "XÃ, PHƯỜNG");
		json_array_append_new(lines, json_string(buf_str(&b)));
	}
	buf_free(&b);
	json_object_set_new(ctx, "agency", lines);
	if (place)
		json_object_set_new(ctx, "place", json_string(place));
	json_decref(commune);
	json_decref(prov);
}

static void reply_html(struct req *r, struct resp *out, struct buf *b)
{
	size_t len = b->len;
	char *body = arena_alloc(r->arena, len + 1);
	memcpy(body, buf_str(b), len + 1);
	buf_free(b);
	out->no_cache = 1;
	http_reply_raw(r, out, 200, "text/html; charset=utf-8", body, len);
}

void api_inspection_record(struct req *r, struct resp *out)
{
	long long id = req_param_int(r, "id", 0);
	json_t *insp = NULL, *target = NULL, *who = NULL, *ctx = NULL;
	struct buf b = {0};
	char number[48];
	long long seq = 0;

	int rc = store_form_inspection_get(r->app->store, id, &insp);
	if (rc == STORE_NOT_FOUND) {
		not_found(r, out, "Không tìm thấy biên bản kiểm tra / Inspection not found");
		return;
	}
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, NULL);
		return;
	}
	const char *tk = jstr(insp, "target_kind");
	const char *tid = jstr(insp, "target_id");
	int facility = tk && strcmp(tk, "facility") == 0;
	if (!r->who || !roles_grants(r->who->role, facility ? PERM_FACILITY_READ : PERM_HOUSE_READ)) {
		not_found(r, out, "Không tìm thấy biên bản kiểm tra / Inspection not found");
		goto done;
	}
	rc = facility ? store_facility_get(r->app->store, api_reg_scope(r), tid, &target)
		      : store_house_get(r->app->store, api_reg_scope(r), tid, &target);
	if (rc == STORE_NOT_FOUND) {
		not_found(r, out, "Không tìm thấy biên bản kiểm tra / Inspection not found");
		goto done;
	}
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, NULL);
		goto done;
	}
	const char *date = jstr(insp, "date");
	int year = date && strlen(date) >= 4 ? atoi(date) : 0;
	rc = store_form_number(r->app->store, "inspection", id, jstr(insp, "unit"), year, &seq);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc == STORE_INVALID ? STORE_ERROR : rc, NULL);
		goto done;
	}
	forms_inspection_number(seq, number, sizeof number);
	ctx = json_pack("{s:s,s:s,s:O,s:O,s:O}", "number", number, "target_kind",
			facility ? "facility" : "house", "target", target, "inspection", insp,
			"violations", json_object_get(insp, "violations"));
	if (!ctx) {
		api_reg_store_error(r, out, STORE_ERROR, NULL);
		goto done;
	}
	const char *authority = jstr(target, "authority");
	agency_set(r, ctx, jstr(insp, "unit"),
		   facility && authority && strcmp(authority, "fire_police") == 0);
	if (!facility &&
	    store_notice_recipients(r->app->store, "house", tid, &who) == STORE_OK) {
		json_t *head = json_array_get(json_object_get(who, "to"), 0);
		if (jstr(head, "name"))
			json_object_set_new(ctx, "representative",
					    json_pack("{s:s,s:s}", "name", jstr(head, "name"),
						      "role", "Chủ hộ"));
	}
	json_t *photos = NULL;
	if (store_photo_list(r->app->store, id, &photos) == STORE_OK) {
		size_t k;
		json_t *ph;
		json_array_foreach(photos, k, ph)
			api_photo_decorate(ph); /* "url", next to "item" */
		json_object_set_new(ctx, "photos", photos);
	}
	if (forms_render_inspection(ctx, &b) != 0) {
		buf_free(&b);
		api_reg_store_error(r, out, STORE_ERROR, NULL);
		goto done;
	}
	json_t *a = json_pack("{s:s,s:s?,s:s}", "target_kind", facility ? "facility" : "house",
			      "target_id", tid, "number", number);
	char ids[32];
	snprintf(ids, sizeof ids, "%lld", id);
	audit_log(r, "inspection.print", "inspection", ids, a);
	json_decref(a);
	reply_html(r, out, &b);
done:
	json_decref(insp);
	json_decref(target);
	json_decref(who);
	json_decref(ctx);
}

void api_penalty_decision(struct req *r, struct resp *out)
{
	long long id = req_param_int(r, "id", 0);
	json_t *p = NULL, *f = NULL, *ctx = NULL;
	struct buf b = {0};

	int rc = store_form_penalty_get(r->app->store, id, &p);
	if (rc == STORE_NOT_FOUND) {
		not_found(r, out, "Không tìm thấy quyết định xử phạt / Penalty decision not found");
		return;
	}
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, NULL);
		return;
	}
	rc = store_facility_get(r->app->store, api_reg_scope(r), jstr(p, "facility_id"), &f);
	if (rc == STORE_NOT_FOUND) {
		not_found(r, out, "Không tìm thấy quyết định xử phạt / Penalty decision not found");
		goto done;
	}
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, NULL);
		goto done;
	}
	ctx = json_pack("{s:O,s:O}", "penalty", p, "facility", f);
	if (!ctx) {
		api_reg_store_error(r, out, STORE_ERROR, NULL);
		goto done;
	}
	const char *authority = jstr(f, "authority");
	agency_set(r, ctx, jstr(p, "unit"), authority && strcmp(authority, "fire_police") == 0);
	if (forms_render_penalty(ctx, &b) != 0) {
		buf_free(&b);
		api_reg_store_error(r, out, STORE_ERROR, NULL);
		goto done;
	}
	char ids[32];
	snprintf(ids, sizeof ids, "%lld", id);
	json_t *a = json_pack("{s:s?,s:s?}", "facility_id", jstr(p, "facility_id"), "number",
			      jstr(p, "number"));
	audit_log(r, "penalty.print", "penalty", ids, a);
	json_decref(a);
	reply_html(r, out, &b);
done:
	json_decref(p);
	json_decref(f);
	json_decref(ctx);
}
