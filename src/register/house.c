/* Houses: field table, rules, type templates, address line and the
 * declaration workflow (see house.h). */
#include "register/house.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "register/compliance.h"

const struct rec_field house_fields[] = {
	{"unit", REC_UNIT, 0, 0, NULL, REC_REQUIRED, "Mã xã/phường", "Commune code"},
	{"street", REC_TEXT, 0, 200, NULL, 0, "Đường/phố", "Street"},
	{"house_number", REC_TEXT, 0, 50, NULL, 0, "Số nhà", "House number"},
	{"alley", REC_TEXT, 0, 100, NULL, 0, "Ngõ/ngách/hẻm", "Alley"},
	{"address_text", REC_TEXT, 0, 300, NULL, 0, "Địa chỉ", "Address"},
	{"lat", REC_REAL, 8, 24, NULL, 0, "Vĩ độ", "Latitude"},
	{"lon", REC_REAL, 102, 110, NULL, 0, "Kinh độ", "Longitude"},
	{"house_type", REC_ENUM, 0, 0, HOUSE_TYPES, REC_REQUIRED, "Loại nhà", "House type"},
	{"floors", REC_INT, 1, 100, NULL, 0, "Số tầng", "Floors"},
	{"basement", REC_INT, 0, 10, NULL, 0, "Số tầng hầm", "Basement floors"},
	{"floor_area", REC_REAL, 0, 1e6, NULL, 0, "Diện tích sàn (m²)", "Floor area (m²)"},
	{"year_built", REC_INT, 1800, 2100, NULL, 0, "Năm xây dựng", "Year built"},
	{"exits", REC_INT, 0, 50, NULL, 0, "Số lối thoát nạn", "Exits"},
	{"second_escape", REC_BOOL, 0, 0, NULL, 0, "Có lối thoát nạn thứ hai", "Second escape route"},
	{"barred_windows", REC_BOOL, 0, 0, NULL, 0, "Có chuồng cọp", "Barred windows/balconies"},
	{"escape_hatch", REC_BOOL, 0, 0, NULL, 0, "Chuồng cọp có ô thoát nạn", "Openable escape hatch"},
	{"alley_min_width_m", REC_REAL, 0, 100, NULL, 0, "Chiều rộng ngõ hẹp nhất (m)",
	 "Narrowest alley width (m)"},
	{"truck_distance_m", REC_REAL, 0, 10000, NULL, 0, "Khoảng cách tới điểm đỗ xe chữa cháy (m)",
	 "Distance from fire truck access (m)"},
	{"extinguishers", REC_INT, 0, 10000, NULL, 0, "Số bình chữa cháy", "Extinguishers"},
	{"detectors", REC_INT, 0, 100000, NULL, 0, "Số đầu báo cháy", "Detectors"},
	{"escape_ladders", REC_INT, 0, 1000, NULL, 0, "Số thang thoát nạn", "Escape ladders"},
	{"ground_business", REC_BOOL, 0, 0, NULL, 0, "Kinh doanh ở tầng trệt", "Ground-floor business"},
	{"flammable_goods", REC_BOOL, 0, 0, NULL, 0, "Có hàng hóa dễ cháy", "Flammable goods"},
	{"motorbikes", REC_INT, 0, 100000, NULL, 0, "Số xe máy để trong nhà", "Motorbikes parked"},
	{"ebikes_charged_indoors", REC_BOOL, 0, 0, NULL, 0, "Sạc xe điện trong nhà",
	 "E-bikes charged indoors"},
	{"occupants", REC_INT, 0, 100000, NULL, 0, "Số người ở", "Occupants"},
	{"vulnerable_children", REC_INT, 0, 100000, NULL, 0, "Trẻ nhỏ", "Young children"},
	{"vulnerable_elderly", REC_INT, 0, 100000, NULL, 0, "Người cao tuổi", "Elderly"},
	{"vulnerable_disabled", REC_INT, 0, 100000, NULL, 0, "Người khuyết tật", "Disabled"},
	{"vulnerable_bedridden", REC_INT, 0, 100000, NULL, 0, "Người nằm liệt giường", "Bedridden"},
	{"notes", REC_TEXT, 0, 2000, NULL, 0, "Ghi chú", "Notes"},
	{0},
};

static long long int_of(const json_t *o, const char *k, long long def)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

int house_check_rules(const json_t *m, struct rec_error *err)
{
	static const char *const vul[] = {"vulnerable_children", "vulnerable_elderly",
					  "vulnerable_disabled", "vulnerable_bedridden"};
	const char *type = json_string_value(json_object_get(m, "house_type"));

	if (json_is_true(json_object_get(m, "escape_hatch")) &&
	    !json_is_true(json_object_get(m, "barred_windows")))
		return rec_fail(err, "escape_hatch",
				"Ô thoát nạn chỉ khai khi nhà có chuồng cọp",
				"An escape hatch is declared only with barred windows");
	long long occ = int_of(m, "occupants", -1);
	if (occ >= 0) {
		long long sum = 0;
		for (int i = 0; i < 4; i++) {
			long long v = int_of(m, vul[i], 0);
			if (v > occ)
				return rec_fail(err, vul[i],
						"Số người dễ bị tổn thương vượt quá số người ở",
						"Vulnerable occupants exceed occupants");
			sum += v;
		}
		(void)sum; /* one person may be both elderly and bedridden */
	}
	int has_lat = json_is_number(json_object_get(m, "lat"));
	int has_lon = json_is_number(json_object_get(m, "lon"));
	if (has_lat != has_lon)
		return rec_fail(err, has_lat ? "lon" : "lat", "Cần cả vĩ độ và kinh độ",
				"Latitude and longitude go together");
	long long yb = int_of(m, "year_built", -1);
	if (yb >= 0) {
		time_t t = (time_t)(clock_now_s() + 7 * 3600);
		struct tm tm;
		gmtime_r(&t, &tm);
		if (yb > tm.tm_year + 1900 + 1)
			return rec_fail(err, "year_built", "Năm xây dựng ở tương lai",
					"Year built is in the future");
	}
	if (type && strcmp(type, "mini_apartment") == 0 && int_of(m, "floors", 2) < 2)
		return rec_fail(err, "floors", "Chung cư mini có ít nhất 2 tầng",
				"A mini-apartment block has at least 2 floors");
	if (int_of(m, "exits", 2) < 2 && json_is_true(json_object_get(m, "second_escape")))
		return rec_fail(err, "exits", "Có lối thoát thứ hai thì số lối thoát nạn ít nhất là 2",
				"A second escape route means at least 2 exits");
	if (!json_is_string(json_object_get(m, "address_text")) &&
	    !json_is_string(json_object_get(m, "street")) &&
	    !json_is_string(json_object_get(m, "house_number")))
		return rec_fail(err, "street", "Cần địa chỉ: số nhà, ngõ, đường hoặc địa chỉ đầy đủ",
				"An address is needed: house number, alley, street or full address");
	return 0;
}

int house_check(json_t *body, int create, struct rec_error *err)
{
	if (rec_check(house_fields, body, create, err) != 0)
		return -1;
	return create ? house_check_rules(body, err) : 0;
}

char *house_address_line(const char *house_number, const char *alley, const char *street,
			 const char *commune_name)
{
	struct buf b = {0};
	if (house_number && *house_number) {
		buf_puts(&b, "Số ");
		buf_puts(&b, house_number);
	}
	if (alley && *alley) {
		if (b.len)
			buf_puts(&b, ", ");
		buf_puts(&b, alley);
	}
	if (street && *street) {
		if (b.len)
			buf_puts(&b, alley && *alley ? " " : ", ");
		buf_puts(&b, street);
	}
	if (commune_name && *commune_name) {
		if (b.len)
			buf_puts(&b, ", ");
		buf_puts(&b, commune_name);
	}
	if (!b.len)
		buf_puts(&b, "");
	return buf_take(&b);
}

struct tmpl {
	const char *type;
	const char *fields;   /* space-separated */
};

static const struct tmpl templates[] = {
	{"tube_house", "floors basement floor_area year_built exits second_escape barred_windows "
		       "escape_hatch alley_min_width_m truck_distance_m extinguishers detectors "
		       "escape_ladders motorbikes ebikes_charged_indoors occupants vulnerable_children "
		       "vulnerable_elderly"},
	{"detached_house", "floors basement floor_area year_built exits second_escape "
			   "barred_windows escape_hatch truck_distance_m extinguishers detectors "
			   "occupants vulnerable_elderly"},
	{"mini_apartment", "floors basement floor_area year_built exits second_escape "
			   "barred_windows escape_hatch alley_min_width_m truck_distance_m "
			   "extinguishers detectors escape_ladders motorbikes ebikes_charged_indoors "
			   "occupants vulnerable_children vulnerable_elderly vulnerable_disabled "
			   "vulnerable_bedridden"},
	{"boarding_house", "floors floor_area exits second_escape barred_windows escape_hatch "
			   "alley_min_width_m truck_distance_m extinguishers detectors escape_ladders "
			   "motorbikes ebikes_charged_indoors occupants vulnerable_children"},
	{"home_business", "floors basement floor_area exits second_escape barred_windows "
			  "escape_hatch alley_min_width_m truck_distance_m extinguishers detectors "
			  "ground_business flammable_goods motorbikes ebikes_charged_indoors occupants"},
	{"apartment", "floors floor_area extinguishers detectors occupants vulnerable_children "
		      "vulnerable_elderly vulnerable_disabled vulnerable_bedridden"},
	{"other", "floors floor_area exits extinguishers detectors occupants"},
};

json_t *house_template(const char *type)
{
	for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++) {
		if (!type || strcmp(type, templates[i].type) != 0)
			continue;
		json_t *arr = json_array();
		char *copy = xstrdup(templates[i].fields), *save = NULL;
		for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
			json_array_append_new(arr, json_string(w));
		free(copy);
		return arr;
	}
	return NULL;
}

int house_transition_ok(const char *from, const char *action)
{
	if (!from || !action)
		return 0;
	if (strcmp(action, "declare") == 0)
		return strcmp(from, "draft") == 0 || strcmp(from, "returned") == 0 ||
		       strcmp(from, "declared") == 0 || strcmp(from, "verified") == 0;
	if (strcmp(action, "verify") == 0 || strcmp(action, "return") == 0)
		return strcmp(from, "declared") == 0;
	return 0;
}

const char *house_type_vi(const char *id)
{
	unsigned t;
	if (compliance_type_parse(id, &t) != 0 || t == COMPLIANCE_TYPE_FACILITY)
		return NULL;
	return compliance_type_vi(t);
}
