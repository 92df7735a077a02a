/* Facilities under fire-safety management: field table, categories of
 * Decree 105/2025 (and 136/2020 for older records), systems and rules
 * (see facility.h). The category lists name the groups of the decrees'
 * Appendix I in the words officers use; ids never change once issued. */
#include "register/facility.h"

#include <string.h>

#define CATS_105                                                                              \
	"office|apartment_building|dormitory|education|healthcare|culture_sport|"             \
	"entertainment|market_mall|hotel|office_building|transport_hub|warehouse|industrial|" \
	"fuel_gas|power_energy|parking_garage|religious|home_business|other"
#define CATS_136                                                                              \
	"pl1_01|pl1_02|pl1_03|pl1_04|pl1_05|pl1_06|pl1_07|pl1_08|pl1_09|pl1_10|pl1_11|pl1_12|" \
	"pl1_13|pl1_14|pl1_15|pl1_16|pl1_17|pl1_18|pl1_19|pl1_20|pl1_21|pl1_22|pl1_23|pl1_24"
#define SYSTEMS                                                                               \
	"fire_alarm|sprinkler|hydrant_indoor|hydrant_outdoor|extinguishers|emergency_lighting|" \
	"exit_signs|smoke_control|gas_suppression|lightning|transmitter"

const struct rec_field facility_fields[] = {
	{"category_scheme", REC_ENUM, 0, 0, "105/2025|136/2020", 0, "Văn bản phân loại",
	 "Category scheme"},
	{"category", REC_ENUM, 0, 0, CATS_105 "|" CATS_136, REC_REQUIRED, "Loại cơ sở", "Category"},
	{"name", REC_TEXT, 0, 300, NULL, REC_REQUIRED, "Tên cơ sở", "Name"},
	{"legal_rep", REC_TEXT, 0, 200, NULL, 0, "Người đại diện theo pháp luật",
	 "Legal representative"},
	{"contacts", REC_PHONES, 0, 20, NULL, REC_REQUIRED, "Điện thoại liên hệ khi có cháy",
	 "Alarm contacts"},
	{"house_id", REC_HOUSEID, 0, 0, NULL, 0, "Mã định danh nhà", "House ID"},
	{"unit", REC_UNIT, 0, 0, NULL, REC_REQUIRED, "Mã xã/phường", "Commune code"},
	{"address", REC_TEXT, 0, 300, NULL, 0, "Địa chỉ", "Address"},
	{"lat", REC_REAL, 8, 24, NULL, 0, "Vĩ độ", "Latitude"},
	{"lon", REC_REAL, 102, 110, NULL, 0, "Kinh độ", "Longitude"},
	{"floors", REC_INT, 0, 200, NULL, 0, "Số tầng", "Floors"},
	{"height_m", REC_REAL, 0, 1000, NULL, 0, "Chiều cao (m)", "Height (m)"},
	{"volume_m3", REC_REAL, 0, 1e9, NULL, 0, "Khối tích (m³)", "Volume (m³)"},
	{"floor_area", REC_REAL, 0, 1e8, NULL, 0, "Diện tích sàn (m²)", "Floor area (m²)"},
	{"occupants", REC_INT, 0, 1000000, NULL, 0, "Số người thường xuyên", "Occupants"},
	{"authority", REC_ENUM, 0, 0, "fire_police|commune", 0, "Cơ quan quản lý", "Authority"},
	{"construction_permit", REC_TEXT, 0, 100, NULL, 0, "Giấy phép xây dựng",
	 "Construction permit"},
	{"design_approval", REC_DOC, 0, 0, NULL, 0, "Thẩm duyệt thiết kế PCCC (số; ngày; nơi cấp)",
	 "Fire design approval (number; date; issuer)"},
	{"acceptance", REC_DOC, 0, 0, NULL, 0, "Nghiệm thu PCCC (số; ngày; nơi cấp)",
	 "Fire acceptance (number; date; issuer)"},
	{"systems", REC_LIST, 0, 0, SYSTEMS, 0, "Hệ thống PCCC", "Fire protection systems"},
	{"must_connect_transmitter", REC_BOOL, 0, 0, NULL, 0, "Phải kết nối truyền tin báo cháy",
	 "Must connect a transmitter"},
	{"transmitter_connected", REC_BOOL, 0, 0, NULL, 0, "Đã kết nối truyền tin báo cháy",
	 "Transmitter connected"},
	{"status", REC_ENUM, 0, 0, "operating|temporarily_suspended|suspended", 0, "Tình trạng",
	 "Status"},
	{0},
};

static const struct facility_category cats105[] = {
	{"office", "Trụ sở cơ quan nhà nước, tổ chức", "Government or organisation office", 1},
	{"apartment_building", "Nhà chung cư, nhà tập thể", "Apartment building", 1},
	{"dormitory", "Ký túc xá, nhà ở tập thể", "Dormitory", 1},
	{"education", "Cơ sở giáo dục (nhà trẻ, trường học)", "School or kindergarten", 1},
	{"healthcare", "Cơ sở y tế (bệnh viện, phòng khám)", "Hospital or clinic", 1},
	{"culture_sport", "Cơ sở văn hóa, thể thao, rạp, nhà hát", "Culture, sport, theatre", 1},
	{"entertainment", "Karaoke, vũ trường, quán bar", "Karaoke, club, bar", 1},
	{"market_mall", "Chợ, trung tâm thương mại, siêu thị", "Market, mall, supermarket", 1},
	{"hotel", "Khách sạn, nhà nghỉ, cơ sở lưu trú", "Hotel or guest house", 1},
	{"office_building", "Nhà văn phòng", "Office building", 1},
	{"transport_hub", "Nhà ga, bến xe, cảng hàng không", "Station or airport", 1},
	{"warehouse", "Kho hàng hóa, vật tư", "Warehouse", 1},
	{"industrial", "Cơ sở sản xuất công nghiệp", "Industrial plant", 1},
	{"fuel_gas", "Cửa hàng xăng dầu, khí đốt", "Fuel or gas outlet", 0},
	{"power_energy", "Nhà máy điện, trạm biến áp", "Power plant or substation", 0},
	{"parking_garage", "Gara, bãi đỗ xe trong nhà", "Indoor car park", 1},
	{"religious", "Cơ sở tôn giáo, tín ngưỡng", "Religious site", 0},
	{"home_business", "Nhà ở kết hợp sản xuất, kinh doanh thuộc diện quản lý",
	 "Home business under management", 0},
	{"other", "Cơ sở khác thuộc diện quản lý", "Other managed facility", 0},
};

static const struct facility_category cats136[] = {
	{"pl1_01", "PL I.1: Trụ sở cơ quan", "App. I.1: offices", 0},
	{"pl1_02", "PL I.2: Nhà chung cư, nhà tập thể, ký túc xá", "App. I.2: apartments", 0},
	{"pl1_03", "PL I.3: Nhà trẻ, trường học", "App. I.3: schools", 0},
	{"pl1_04", "PL I.4: Bệnh viện, cơ sở y tế", "App. I.4: hospitals", 0},
	{"pl1_05", "PL I.5: Nhà hát, rạp chiếu phim", "App. I.5: theatres", 0},
	{"pl1_06", "PL I.6: Bảo tàng, thư viện", "App. I.6: museums", 0},
	{"pl1_07", "PL I.7: Sân vận động, nhà thi đấu", "App. I.7: stadiums", 0},
	{"pl1_08", "PL I.8: Karaoke, vũ trường", "App. I.8: entertainment", 0},
	{"pl1_09", "PL I.9: Chợ, trung tâm thương mại", "App. I.9: markets", 0},
	{"pl1_10", "PL I.10: Khách sạn, nhà nghỉ", "App. I.10: hotels", 0},
	{"pl1_11", "PL I.11: Nhà văn phòng", "App. I.11: office buildings", 0},
	{"pl1_12", "PL I.12: Bưu điện, viễn thông", "App. I.12: post, telecom", 0},
	{"pl1_13", "PL I.13: Thư viện, lưu trữ", "App. I.13: archives", 0},
	{"pl1_14", "PL I.14: Nhà ga, bến xe", "App. I.14: stations", 0},
	{"pl1_15", "PL I.15: Gara, bãi đỗ xe", "App. I.15: car parks", 0},
	{"pl1_16", "PL I.16: Hầm đường bộ, đường sắt", "App. I.16: tunnels", 0},
	{"pl1_17", "PL I.17: Cơ sở hạt nhân, hóa chất", "App. I.17: nuclear, chemicals", 0},
	{"pl1_18", "PL I.18: Xăng dầu, khí đốt", "App. I.18: fuel, gas", 0},
	{"pl1_19", "PL I.19: Nhà máy điện, trạm biến áp", "App. I.19: power", 0},
	{"pl1_20", "PL I.20: Cơ sở sản xuất", "App. I.20: production", 0},
	{"pl1_21", "PL I.21: Kho hàng", "App. I.21: warehouses", 0},
	{"pl1_22", "PL I.22: Cảng, sân bay", "App. I.22: ports, airports", 0},
	{"pl1_23", "PL I.23: Nhà ở kết hợp kinh doanh", "App. I.23: home businesses", 0},
	{"pl1_24", "PL I.24: Cơ sở khác", "App. I.24: other", 0},
};

struct sys_name {
	const char *id, *vi;
};
static const struct sys_name systems[] = {
	{"fire_alarm", "Hệ thống báo cháy tự động"},
	{"sprinkler", "Hệ thống chữa cháy tự động sprinkler"},
	{"hydrant_indoor", "Họng nước chữa cháy trong nhà"},
	{"hydrant_outdoor", "Trụ nước chữa cháy ngoài nhà"},
	{"extinguishers", "Bình chữa cháy"},
	{"emergency_lighting", "Đèn chiếu sáng sự cố"},
	{"exit_signs", "Đèn chỉ dẫn thoát nạn"},
	{"smoke_control", "Hệ thống hút khói"},
	{"gas_suppression", "Chữa cháy bằng khí"},
	{"lightning", "Chống sét"},
	{"transmitter", "Thiết bị truyền tin báo cháy"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const struct facility_category *facility_categories(const char *scheme, size_t *n)
{
	if (scheme && strcmp(scheme, "136/2020") == 0) {
		*n = N(cats136);
		return cats136;
	}
	*n = N(cats105);
	return cats105;
}

const struct facility_category *facility_category_find(const char *scheme, const char *id)
{
	size_t n;
	const struct facility_category *c = facility_categories(scheme, &n);
	for (size_t i = 0; id && i < n; i++)
		if (strcmp(c[i].id, id) == 0)
			return &c[i];
	return NULL;
}

const char *facility_category_vi(const char *id)
{
	const struct facility_category *c = facility_category_find("105/2025", id);
	if (!c)
		c = facility_category_find("136/2020", id);
	return c ? c->vi : NULL;
}

const char *facility_system_vi(const char *id)
{
	for (size_t i = 0; id && i < N(systems); i++)
		if (strcmp(systems[i].id, id) == 0)
			return systems[i].vi;
	return NULL;
}

static int has_system(const json_t *systems_arr, const char *id)
{
	size_t i;
	json_t *e;
	json_array_foreach(systems_arr, i, e)
		if (json_is_string(e) && strcmp(json_string_value(e), id) == 0)
			return 1;
	return 0;
}

int facility_must_connect(const char *scheme, const char *category, const json_t *systems_arr)
{
	const struct facility_category *c = facility_category_find(scheme ? scheme : "105/2025",
								   category);
	return c && c->transmitter && systems_arr && has_system(systems_arr, "fire_alarm");
}

int facility_check_rules(const json_t *m, struct rec_error *err)
{
	const char *scheme = json_string_value(json_object_get(m, "category_scheme"));
	const char *cat = json_string_value(json_object_get(m, "category"));
	if (!scheme)
		scheme = "105/2025";
	if (cat && !facility_category_find(scheme, cat))
		return rec_fail(err, "category", "Loại cơ sở không thuộc văn bản phân loại đã chọn",
				"Category does not belong to the chosen scheme");
	json_t *contacts = json_object_get(m, "contacts");
	if (json_is_array(contacts) && json_array_size(contacts) < FACILITY_MIN_CONTACTS)
		return rec_fail(err, "contacts",
				"Cần ít nhất 3 số điện thoại liên hệ để gọi khi có báo cháy",
				"At least 3 contact phone numbers are needed for alarm calls");
	if (json_is_true(json_object_get(m, "transmitter_connected")) &&
	    !has_system(json_object_get(m, "systems"), "fire_alarm"))
		return rec_fail(err, "transmitter_connected",
				"Chỉ kết nối truyền tin khi có hệ thống báo cháy tự động",
				"A transmitter connects only with a fire alarm system");
	json_t *h = json_object_get(m, "height_m"), *fl = json_object_get(m, "floors");
	if (json_is_number(h) && json_is_integer(fl) && json_integer_value(fl) > 0 &&
	    json_number_value(h) < 1.5 * (double)json_integer_value(fl))
		return rec_fail(err, "height_m", "Chiều cao quá thấp so với số tầng",
				"Height too low for the number of floors");
	return 0;
}

int facility_check(json_t *body, int create, struct rec_error *err)
{
	if (rec_check(facility_fields, body, create, err) != 0)
		return -1;
	return create ? facility_check_rules(body, err) : 0;
}
