/* The demo register (see cmd/demo.h): a plausible slice of Hà Nội placed
 * in real 2025 communes — houses of every type on real street names of
 * Khương Đình (00364, the demo officer's ward), Thanh Xuân, Đống Đa, Hai Bà
 * Trưng, Hoàn Kiếm and Hà Đông, residents for the houses of 00364,
 * facilities of the main categories with three alarm contacts each,
 * inspections with failures (some past their remediation deadline), a
 * penalty and a temporary suspension. Everything is written in one
 * transaction with deterministic pseudo-random values, and remembered
 * under meta "demo.register": a rerun only reads that back into ctx. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "auth/pii.h"
#include "auth/service.h"
#include "cmd/demo.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "register/compliance.h"
#include "store/register.h"

#define DEMO_META "demo.register"
#define HOUSES_PER_COMMUNE 50

struct demo_commune {
	const char *code;
	double lat, lon;
	const char *streets[4];
};

static const struct demo_commune communes[] = {
	{"00364", 20.991, 105.815,
	 {"Phố Khương Đình", "Phố Hạ Đình", "Phố Vũ Tông Phan", "Phố Nguyễn Xiển"}},
	{"00367", 20.997, 105.806, {"Phố Nguyễn Trãi", "Phố Khương Trung", "Phố Vũ Hữu", "Phố Lê Văn Lương"}},
	{"00235", 21.012, 105.826, {"Phố Tây Sơn", "Phố Chùa Bộc", "Phố Thái Hà", "Phố Đặng Tiến Đông"}},
	{"00256", 21.0136, 105.852, {"Phố Bạch Mai", "Phố Huế", "Phố Minh Khai", "Phố Lò Đúc"}},
	{"00070", 21.032, 105.85, {"Phố Hàng Bạc", "Phố Hàng Đào", "Phố Hàng Mã", "Phố Hàng Buồm"}},
	{"09556", 20.9734, 105.778, {"Phố Quang Trung", "Phố Trần Phú", "Phố Tô Hiệu", "Phố Lê Lợi"}},
};
#define NCOMMUNES (sizeof communes / sizeof communes[0])

static const char *const types[] = {"tube_house", "mini_apartment", "boarding_house",
				    "home_business", "detached_house", "apartment", "tube_house",
				    "other"};

static const char *const family[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"};
static const char *const given[] = {"Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà",
				    "Đức Huy", "Thị Lan", "Hải Nam", "Thanh Tâm", "Ngọc Yến"};

struct rng {
	unsigned long long s;
};

static unsigned rnd(struct rng *g, unsigned n)
{
	g->s = g->s * 6364136223846793005ULL + 1442695040888963407ULL;
	return n ? (unsigned)((g->s >> 33) % n) : 0;
}

static void date_rel(int days, char out[11])
{
	time_t t = (time_t)(clock_now_s() + 7 * 3600 + (long long)days * 86400);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static json_t *demo_house(struct rng *g, const struct demo_commune *c, int i)
{
	const char *type = types[i % (int)(sizeof types / sizeof types[0])];
	int floors = strcmp(type, "mini_apartment") == 0 ? 6 + (int)rnd(g, 4)
		     : strcmp(type, "apartment") == 0	  ? 12 + (int)rnd(g, 20)
		     : strcmp(type, "boarding_house") == 0 ? 3 + (int)rnd(g, 3)
							   : 2 + (int)rnd(g, 4);
	int occ = strcmp(type, "mini_apartment") == 0 ? 40 + (int)rnd(g, 80)
		  : strcmp(type, "boarding_house") == 0 ? 12 + (int)rnd(g, 20)
							: 2 + (int)rnd(g, 6);
	int barred = rnd(g, 3) != 0;
	char num[16], alley[48];
	snprintf(num, sizeof num, "%u", 1 + rnd(g, 180));
	json_t *h = json_pack(
	    "{s:s,s:s,s:s,s:f,s:f,s:s,s:i,s:f,s:i,s:i,s:b,s:b,s:b,s:f,s:f,s:i,s:i,s:i,s:i,s:b,s:i,"
	    "s:i,s:i}",
	    "unit", c->code, "street", c->streets[i % 4], "house_number", num, "lat",
	    c->lat + ((double)rnd(g, 2000) - 1000) / 100000.0, "lon",
	    c->lon + ((double)rnd(g, 2000) - 1000) / 100000.0, "house_type", type, "floors", floors,
	    "floor_area", 40.0 + rnd(g, 300), "year_built", 1985 + (int)rnd(g, 38), "exits",
	    1 + (int)(rnd(g, 4) == 0), "second_escape", 0, "barred_windows", barred, "escape_hatch",
	    barred && rnd(g, 2), "alley_min_width_m", 1.2 + rnd(g, 40) / 10.0, "truck_distance_m",
	    (double)rnd(g, 250), "extinguishers", (int)rnd(g, 4), "detectors", (int)rnd(g, 6),
	    "escape_ladders", (int)rnd(g, 2), "motorbikes", (int)rnd(g, occ + 1),
	    "ebikes_charged_indoors", rnd(g, 3) == 0, "occupants", occ, "vulnerable_children",
	    (int)rnd(g, 3), "vulnerable_elderly", (int)rnd(g, 3));
	if (json_integer_value(json_object_get(h, "exits")) >= 2)
		json_object_set_new(h, "second_escape", json_true());
	if (i % 3 == 1) {
		snprintf(alley, sizeof alley, "Ngõ %u", 10 + rnd(g, 300));
		json_object_set_new(h, "alley", json_string(alley));
	}
	if (strcmp(type, "home_business") == 0) {
		json_object_set_new(h, "ground_business", json_true());
		json_object_set_new(h, "flammable_goods", json_boolean(rnd(g, 2)));
	}
	if (strcmp(type, "mini_apartment") == 0)
		json_object_set_new(h, "basement", json_integer(rnd(g, 2)));
	return h;
}

/* Inspects target with every applicable item: the listed codes fail. */
static int demo_inspect(struct store *st, const char *kind, const char *id, unsigned type,
			const char *const *fail, const char *date, const char *deadline,
			const char *inspector)
{
	size_t n, na = 0;
	const struct compliance_item_def *defs = compliance_catalogue(&n);
	struct compliance_item_result res[64];
	const char *failing[64];
	json_t *results = json_array();
	for (size_t i = 0; i < n && na < 64; i++) {
		if (!(defs[i].applies & type))
			continue;
		int f = 0;
		for (int k = 0; fail && fail[k]; k++)
			if (strcmp(fail[k], defs[i].code) == 0)
				f = 1;
		res[na].code = defs[i].code;
		res[na].result = f ? COMPLIANCE_FAIL : COMPLIANCE_PASS;
		res[na].required = compliance_item_required(&defs[i], type);
		json_array_append_new(results, json_pack("{s:s,s:s,s:b}", "code", defs[i].code,
							 "result", f ? "fail" : "pass", "required",
							 res[na].required));
		na++;
	}
	struct compliance_inspection insp = {res, na};
	struct compliance_outcome oc;
	compliance_evaluate(&insp, &oc, failing, NULL);
	json_t *fa = json_array();
	for (size_t i = 0; i < oc.nfailing; i++)
		json_array_append_new(fa, json_string(failing[i]));
	json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:s,s:o,s:s}", "kind", "periodic", "date", date,
			      "inspector", inspector, "results", results, "compliance",
			      compliance_status_id(oc.status), "failing_items", fa, "notes",
			      "Kiểm tra định kỳ (dữ liệu mẫu) / periodic inspection (demo)");
	if (deadline)
		json_object_set_new(o, "deadline", json_string(deadline));
	json_t *out = NULL;
	int rc = store_inspection_add(st, NULL, kind, id, o, &out);
	json_decref(o);
	json_decref(out);
	return rc;
}

static json_t *contacts3(struct rng *g)
{
	json_t *arr = json_array();
	static const char *const pre[] = {"091", "098", "097", "090", "093", "088"};
	static const char *const roles[] = {"Người đứng đầu cơ sở", "Bảo vệ", "Phụ trách PCCC"};
	for (int i = 0; i < 3; i++) {
		char ph[16];
		snprintf(ph, sizeof ph, "%s%07u", pre[rnd(g, 6)], rnd(g, 10000000));
		json_array_append_new(arr, json_pack("{s:s,s:s}", "name", roles[i], "phone", ph));
	}
	return arr;
}

struct demo_fac {
	const char *category, *name, *street;
	int floors;
	const char *systems;   /* space-separated */
	int connected;
};

static const struct demo_fac facs[] = {
	{"market_mall", "Trung tâm thương mại Khương Đình Plaza", "Phố Khương Đình", 6,
	 "fire_alarm sprinkler hydrant_indoor extinguishers emergency_lighting exit_signs", 1},
	{"hotel", "Khách sạn Hạ Đình", "Phố Hạ Đình", 9,
	 "fire_alarm sprinkler extinguishers emergency_lighting exit_signs", 0},
	{"entertainment", "Karaoke Ánh Sao", "Phố Vũ Tông Phan", 4,
	 "fire_alarm extinguishers emergency_lighting exit_signs", 0},
	{"education", "Trường Mầm non Khương Đình", "Phố Khương Đình", 3,
	 "fire_alarm extinguishers emergency_lighting", 1},
	{"healthcare", "Phòng khám Đa khoa Nguyễn Xiển", "Phố Nguyễn Xiển", 5,
	 "fire_alarm hydrant_indoor extinguishers emergency_lighting exit_signs", 0},
	{"apartment_building", "Chung cư Hạ Đình Tower", "Phố Hạ Đình", 25,
	 "fire_alarm sprinkler hydrant_indoor hydrant_outdoor smoke_control extinguishers "
	 "emergency_lighting exit_signs lightning",
	 1},
	{"warehouse", "Kho hàng Khương Đình", "Phố Nguyễn Xiển", 2, "fire_alarm extinguishers", 0},
	{"office_building", "Tòa văn phòng Vũ Tông Phan", "Phố Vũ Tông Phan", 12,
	 "fire_alarm sprinkler hydrant_indoor extinguishers emergency_lighting exit_signs", 0},
	{"fuel_gas", "Cửa hàng xăng dầu Nguyễn Trãi", "Phố Nguyễn Trãi", 1, "extinguishers", 0},
	{"market_mall", "Chợ Khương Trung", "Phố Khương Trung", 2, "extinguishers hydrant_outdoor", 0},
	{"hotel", "Khách sạn Hàng Bạc", "Phố Hàng Bạc", 7,
	 "fire_alarm extinguishers emergency_lighting exit_signs", 1},
	{"entertainment", "Quán bar Tạ Hiện", "Phố Hàng Buồm", 3, "fire_alarm extinguishers", 0},
	{"healthcare", "Bệnh viện Đa khoa Hà Đông", "Phố Tô Hiệu", 9,
	 "fire_alarm sprinkler hydrant_indoor hydrant_outdoor extinguishers emergency_lighting "
	 "exit_signs",
	 1},
	{"education", "Trường THCS Tây Sơn", "Phố Tây Sơn", 4, "extinguishers emergency_lighting", 0},
	{"parking_garage", "Bãi đỗ xe ngầm Huế", "Phố Huế", 3, "fire_alarm sprinkler extinguishers", 0},
	{"dormitory", "Ký túc xá Chùa Bộc", "Phố Chùa Bộc", 8,
	 "fire_alarm extinguishers emergency_lighting exit_signs", 0},
};
#define NFACS (sizeof facs / sizeof facs[0])

static const struct demo_commune *commune_of_street(const char *street)
{
	for (size_t c = 0; c < NCOMMUNES; c++)
		for (int s = 0; s < 4; s++)
			if (strcmp(communes[c].streets[s], street) == 0)
				return &communes[c];
	return &communes[0];
}

static int ctx_from_meta(struct app *app, struct demo_ctx *ctx)
{
	char *v = NULL;
	if (store_meta_get(app->store, DEMO_META, &v) != STORE_OK || !v)
		return -1;
	json_t *j = json_loads(v, 0, NULL);
	free(v);
	if (!j)
		return -1;
	snprintf(ctx->citizen_house_id, sizeof ctx->citizen_house_id, "%s",
		 json_string_value(json_object_get(j, "citizen_house_id")) ?: "");
	snprintf(ctx->owner_facility_id, sizeof ctx->owner_facility_id, "%s",
		 json_string_value(json_object_get(j, "owner_facility_id")) ?: "");
	json_t *arr = json_object_get(j, "facility_ids");
	ctx->nfacilities = 0;
	for (size_t i = 0; i < json_array_size(arr) && i < 8; i++) {
		snprintf(ctx->facility_ids[i], sizeof ctx->facility_ids[i], "%s",
			 json_string_value(json_array_get(arr, i)) ?: "");
		ctx->nfacilities++;
	}
	json_decref(j);
	return 0;
}

static int seed_houses(struct app *app, struct rng *g, struct demo_ctx *ctx, json_t *ids00364)
{
	struct store *st = app->store;
	const struct pii_keys *k = auth_pii_keys(app);
	char d_old[11], d_recent[11], dl_past[11], dl_future[11];
	date_rel(-120, d_old);
	date_rel(-30, d_recent);
	date_rel(-5, dl_past);
	date_rel(45, dl_future);
	long long cccd_serial = 1000;
	for (size_t c = 0; c < NCOMMUNES; c++) {
		for (int i = 0; i < HOUSES_PER_COMMUNE; i++) {
			json_t *h = demo_house(g, &communes[c], i), *out = NULL;
			int rc = store_house_create(st, NULL, h, &out);
			json_decref(h);
			if (rc != STORE_OK) {
				log_error("demo: house %zu/%d: %d", c, i, rc);
				return -1;
			}
			const char *id = json_string_value(json_object_get(out, "id"));
			const char *type = json_string_value(json_object_get(out, "house_type"));
			unsigned t = COMPLIANCE_TYPE_OTHER;
			compliance_type_parse(type, &t);
			if (c == 0) {
				json_array_append_new(ids00364, json_string(id));
				if (!ctx->citizen_house_id[0] && strcmp(type, "tube_house") == 0)
					snprintf(ctx->citizen_house_id, sizeof ctx->citizen_house_id,
						 "%s", id);
			}
			/* Inspections: most mini-apartment blocks and boarding
			 * houses, some others; every third one fails. */
			int inspect = t == COMPLIANCE_TYPE_MINI_APARTMENT ||
				      t == COMPLIANCE_TYPE_BOARDING || i % 5 == 0;
			if (inspect) {
				static const char *const fails_a[] = {"LOI_THOAT_NAN_2",
								      "CHUONG_COP_CO_O_THOAT", NULL};
				static const char *const fails_b[] = {"BAO_CHAY_MOI_PHONG",
								      "KHONG_SAC_XE_DIEN_HAM", NULL};
				const char *const *fails = i % 3 == 0 ? fails_a : i % 3 == 1 ? fails_b : NULL;
				if (t != COMPLIANCE_TYPE_MINI_APARTMENT && t != COMPLIANCE_TYPE_BOARDING &&
				    fails == fails_b)
					fails = NULL;
				rc = demo_inspect(st, "house", id, t, fails, i % 2 ? d_old : d_recent,
						  fails ? (i % 2 ? dl_past : dl_future) : NULL,
						  "Cán bộ Nguyễn Văn Kiểm");
				if (rc != STORE_OK) {
					log_error("demo: inspection of %s: %d", id, rc);
					json_decref(out);
					return -1;
				}
			}
			/* Residents for the houses of 00364. */
			int nres = c == 0 && k ? 2 + (int)rnd(g, 3) : 0;
			for (int p = 0; p < nres; p++) {
				char cccd[40], phone[16];
				snprintf(cccd, sizeof cccd, "0011%02u%06lld", 70 + rnd(g, 30),
					 cccd_serial++);
				snprintf(phone, sizeof phone, "09%08u", rnd(g, 100000000) % 100000000u);
				char name[96];
				snprintf(name, sizeof name, "%s %s", family[rnd(g, 8)], given[rnd(g, 10)]);
				json_t *rin = json_pack("{s:s,s:s,s:s,s:s}", "cccd", cccd, "name", name,
							"role", p == 0 ? "head" : "member", "household",
							"1");
				if (p == 0)
					json_object_set_new(rin, "phone", json_string(phone));
				json_t *rout = NULL;
				rc = store_resident_add(st, NULL, k, id, rin, &rout);
				json_decref(rin);
				json_decref(rout);
				if (rc != STORE_OK) {
					log_error("demo: resident of %s: %d", id, rc);
					json_decref(out);
					return -1;
				}
			}
			json_decref(out);
		}
	}
	return 0;
}

static int seed_facilities(struct app *app, struct rng *g, struct demo_ctx *ctx, json_t *fids,
			   json_t *house_ids)
{
	struct store *st = app->store;
	char d_recent[11], dl_past[11], d_pen[11];
	date_rel(-40, d_recent);
	date_rel(-10, dl_past);
	date_rel(-60, d_pen);
	for (size_t i = 0; i < NFACS; i++) {
		const struct demo_fac *f = &facs[i];
		const struct demo_commune *c = commune_of_street(f->street);
		json_t *systems = json_array();
		char *copy = xstrdup(f->systems), *save = NULL;
		for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
			json_array_append_new(systems, json_string(w));
		free(copy);
		char addr[160];
		snprintf(addr, sizeof addr, "Số %u %s", 1 + rnd(g, 200), f->street);
		json_t *b = json_pack(
		    "{s:s,s:s,s:s,s:o,s:s,s:s,s:f,s:f,s:i,s:f,s:f,s:i,s:s,s:o,s:b,s:{s:s,s:s,s:s}}",
		    "category", f->category, "name", f->name, "legal_rep", "Nguyễn Văn Chủ",
		    "contacts", contacts3(g), "unit", c->code, "address", addr, "lat",
		    c->lat + ((double)rnd(g, 1000) - 500) / 100000.0, "lon",
		    c->lon + ((double)rnd(g, 1000) - 500) / 100000.0, "floors", f->floors, "height_m",
		    3.5 * f->floors + 2, "floor_area", 300.0 * f->floors, "occupants",
		    30 * f->floors, "authority", f->floors >= 7 ? "fire_police" : "commune",
		    "systems", systems, "transmitter_connected", f->connected, "design_approval",
		    "number", "123/TD-PCCC", "date", "2019-05-14", "issuer", "Phòng PC07 Hà Nội");
		if (c == &communes[0] && i < 2 && json_array_size(house_ids) > i)
			json_object_set(b, "house_id", json_array_get(house_ids, i));
		json_t *out = NULL;
		int rc = store_facility_create(st, NULL, b, &out);
		json_decref(b);
		if (rc != STORE_OK) {
			log_error("demo: facility %zu: %d", i, rc);
			return -1;
		}
		const char *id = json_string_value(json_object_get(out, "id"));
		json_array_append_new(fids, json_string(id));
		if (ctx->nfacilities < 8) {
			snprintf(ctx->facility_ids[ctx->nfacilities], sizeof ctx->facility_ids[0],
				 "%s", id);
			ctx->nfacilities++;
		}
		if (i == 0)
			snprintf(ctx->owner_facility_id, sizeof ctx->owner_facility_id, "%s", id);
		static const char *const fails[] = {"DEN_SU_CO_CHI_DAN", "PHUONG_AN_CHUA_CHAY", NULL};
		rc = demo_inspect(st, "facility", id, COMPLIANCE_TYPE_FACILITY, i % 3 == 2 ? fails : NULL,
				  d_recent, i % 3 == 2 ? dl_past : NULL, "Đội CS PCCC&CNCH Thanh Xuân");
		if (rc == STORE_OK && strcmp(f->category, "entertainment") == 0 && i == 2) {
			json_t *p = json_pack("{s:s,s:s,s:i,s:s,s:s,s:s,s:b,s:s}", "number",
					      "01/QĐ-XPHC", "date", d_pen, "amount", 15000000,
					      "legal_basis",
					      "Điểm a khoản 3 Điều 14 Nghị định 106/2025/NĐ-CP",
					      "violation",
					      "Không duy trì hệ thống đèn chiếu sáng sự cố / emergency "
					      "lighting not maintained",
					      "deadline", dl_past, "paid", 0, "issuer",
					      "Đội CS PCCC&CNCH Thanh Xuân"),
			       *po = NULL;
			rc = store_penalty_add(st, NULL, id, p, "demo", &po);
			json_decref(p);
			json_decref(po);
			json_t *s = json_pack("{s:s,s:s,s:s,s:s,s:s}", "kind", "temporary", "number",
					      "02/QĐ-TĐC", "date", d_pen, "from_date", d_pen, "reason",
					      "Vi phạm nghiêm trọng điều kiện thoát nạn / serious "
					      "escape route violation"),
			       *so = NULL;
			if (rc == STORE_OK)
				rc = store_suspension_add(st, NULL, id, s, "demo", &so);
			json_decref(s);
			json_decref(so);
		}
		json_decref(out);
		if (rc != STORE_OK) {
			log_error("demo: facility %s enforcement: %d", id, rc);
			return -1;
		}
	}
	return 0;
}

int register_demo_seed(struct app *app, struct demo_ctx *ctx)
{
	struct rng g = {20250701};
	json_t *ids = json_array(), *fids = json_array();
	int rc = -1;

	if (ctx_from_meta(app, ctx) == 0) {
		json_decref(ids);
		json_decref(fids);
		return 0;
	}
	if (store_register_begin_bulk(app->store) != STORE_OK)
		goto out;
	if (seed_houses(app, &g, ctx, ids) == 0 && seed_facilities(app, &g, ctx, fids, ids) == 0) {
		json_t *m = json_pack("{s:s,s:s,s:O}", "citizen_house_id", ctx->citizen_house_id,
				      "owner_facility_id", ctx->owner_facility_id, "facility_ids",
				      fids);
		char *t = json_dumps(m, JSON_COMPACT);
		json_decref(m);
		rc = store_meta_set(app->store, DEMO_META, t) == STORE_OK ? 0 : -1;
		free(t);
	}
	if (store_register_end_bulk(app->store, rc == 0) != STORE_OK)
		rc = -1;
	if (rc == 0)
		log_info("demo: register seeded (%zu houses, %zu facilities)",
			 NCOMMUNES * HOUSES_PER_COMMUNE, json_array_size(fids));
out:
	json_decref(ids);
	json_decref(fids);
	return rc;
}
