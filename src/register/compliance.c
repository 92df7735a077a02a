/* Compliance rules and the built-in catalogue of condition items (see
 * compliance.h): the status of a house or facility from its latest
 * inspection, the names of statuses, results and types, and the seed list
 * of conditions from Hà Nội's 2023–2024 campaigns. */
#include "register/compliance.h"

#include <string.h>

#define T_TUBE COMPLIANCE_TYPE_TUBE_HOUSE
#define T_DET COMPLIANCE_TYPE_DETACHED
#define T_MINI COMPLIANCE_TYPE_MINI_APARTMENT
#define T_BOARD COMPLIANCE_TYPE_BOARDING
#define T_BIZ COMPLIANCE_TYPE_HOME_BUSINESS
#define T_APT COMPLIANCE_TYPE_APARTMENT
#define T_OTHER COMPLIANCE_TYPE_OTHER
#define T_FAC COMPLIANCE_TYPE_FACILITY
#define T_HOUSES (T_TUBE | T_DET | T_MINI | T_BOARD | T_BIZ | T_APT | T_OTHER)

/* The seed catalogue. The first ten items are the conditions checked in
 * every mini-apartment block and boarding house in the 2023–2024
 * campaigns (required there, recommended for other houses where they make
 * sense); the rest cover homes with a business and households generally —
 * safe wiring, safe cooking and altar areas and clear escape routes are
 * required of every house, so every type has at least one required item.
 * Codes never change once issued: inspections store them. */
static const struct compliance_item_def catalogue[] = {
	{ "LOI_THOAT_NAN_2",
	  "Có lối thoát nạn thứ hai (qua ban công, mái nhà, cầu thang ngoài nhà hoặc sang nhà liền kề)",
	  "A second escape route (via a balcony, the roof, an external staircase or a neighbouring building)",
	  T_MINI | T_BOARD | T_TUBE | T_BIZ | T_DET | T_OTHER, T_MINI | T_BOARD },
	{ "NGAN_CHAY_KHU_DE_XE",
	  "Khu vực để xe được ngăn cách với khu vực ở bằng kết cấu ngăn cháy, có cửa ngăn cháy",
	  "Parking separated from living areas by fire-resisting construction with a fire door",
	  T_MINI | T_BOARD | T_BIZ | T_TUBE, T_MINI | T_BOARD },
	{ "THANG_THOAT_NAN",
	  "Có thang dây, thang xếp hoặc thang thoát nạn từ các tầng trên",
	  "Rope, folding or other escape ladders from the upper floors",
	  T_MINI | T_BOARD | T_TUBE | T_BIZ | T_DET | T_OTHER, T_MINI | T_BOARD },
	{ "BAO_CHAY_MOI_PHONG",
	  "Có đầu báo khói hoặc đầu báo cháy (độc lập hoặc nối hệ thống) trong mỗi phòng",
	  "A smoke or fire detector (standalone or networked) in each room",
	  T_HOUSES, T_MINI | T_BOARD },
	{ "DEN_SU_CO_CHI_DAN",
	  "Có đèn chiếu sáng sự cố và đèn chỉ dẫn lối thoát nạn",
	  "Emergency lighting and exit signs",
	  T_MINI | T_BOARD | T_BIZ | T_FAC, T_MINI | T_BOARD | T_FAC },
	{ "BINH_CHUA_CHAY",
	  "Có bình chữa cháy tại mỗi tầng và tại khu vực để xe",
	  "Fire extinguishers on each floor and in the parking area",
	  T_HOUSES | T_FAC, T_MINI | T_BOARD | T_BIZ | T_FAC },
	{ "HO_SO_PCCC",
	  "Có hồ sơ quản lý, theo dõi hoạt động phòng cháy, chữa cháy",
	  "A fire-safety file recording fire prevention activities",
	  T_MINI | T_BOARD | T_FAC, T_MINI | T_BOARD | T_FAC },
	{ "PHUONG_AN_CHUA_CHAY",
	  "Có phương án chữa cháy, cứu nạn, cứu hộ",
	  "A firefighting and rescue plan",
	  T_MINI | T_BOARD | T_BIZ | T_FAC, T_MINI | T_BOARD | T_FAC },
	{ "KHONG_SAC_XE_DIEN_HAM",
	  "Không sạc xe điện (xe máy điện, xe đạp điện) ở tầng hầm",
	  "No charging of electric motorbikes or e-bikes in the basement",
	  T_MINI | T_BOARD | T_TUBE | T_BIZ | T_DET | T_OTHER | T_FAC, T_MINI | T_BOARD },
	{ "CHUONG_COP_CO_O_THOAT",
	  "Chuồng cọp, khung sắt bảo vệ cửa sổ và ban công có ô cửa mở được để thoát nạn",
	  "Barred windows and balconies (chuồng cọp) have an openable escape hatch",
	  T_HOUSES, T_MINI | T_BOARD },
	{ "NGAN_CACH_KINH_DOANH",
	  "Khu vực sản xuất, kinh doanh được ngăn cách với khu vực để ở",
	  "Business or production area separated from the living quarters",
	  T_BIZ, T_BIZ },
	{ "HANG_DE_CHAY_AN_TOAN",
	  "Hàng hóa, vật liệu dễ cháy được sắp xếp gọn gàng, xa nguồn nhiệt, không che chắn lối thoát nạn",
	  "Flammable goods and materials stored tidily, away from heat sources, not blocking escape routes",
	  T_BIZ | T_TUBE | T_FAC, T_BIZ },
	{ "DIEN_AN_TOAN",
	  "Hệ thống điện có thiết bị đóng cắt bảo vệ (aptomat), không quá tải, không câu mắc tùy tiện",
	  "Electrical installation protected by circuit breakers, not overloaded, no improvised wiring",
	  T_HOUSES | T_FAC, T_HOUSES | T_FAC },
	{ "DUN_NAU_THO_CUNG",
	  "Khu vực đun nấu, thờ cúng bảo đảm an toàn, cách xa chất dễ cháy",
	  "Cooking and altar areas kept safe and away from combustible materials",
	  T_HOUSES, T_HOUSES },
	{ "LOI_THOAT_THONG_THOANG",
	  "Lối đi, cầu thang, lối thoát nạn thông thoáng, không bị che chắn hoặc khóa",
	  "Corridors, stairs and escape routes kept clear, not obstructed or locked",
	  T_HOUSES | T_FAC, T_HOUSES | T_FAC },
	{ "DUNG_CU_PHA_DO",
	  "Có dụng cụ phá dỡ thô sơ (búa, xà beng, kìm cộng lực)",
	  "Basic forcible-entry tools (hammer, crowbar, bolt cutters)",
	  T_TUBE | T_BIZ | T_DET | T_MINI | T_BOARD | T_OTHER, 0 },
	{ "MAT_NA_LOC_KHOI",
	  "Có mặt nạ lọc độc hoặc phương tiện bảo vệ đường thở khi thoát nạn",
	  "Smoke hoods or other breathing protection for escape",
	  T_HOUSES, 0 },
};

#define NCATALOGUE (sizeof catalogue / sizeof catalogue[0])

struct name_row {
	unsigned value;
	const char *id, *vi, *en;
};

static const struct name_row status_names[] = {
	{ COMPLIANCE_UNCHECKED, "chua_kiem_tra", "Chưa kiểm tra", "Not inspected" },
	{ COMPLIANCE_COMPLIANT, "dam_bao", "Đảm bảo", "Compliant" },
	{ COMPLIANCE_NONCOMPLIANT, "khong_dam_bao", "Không đảm bảo", "Not compliant" },
};

static const struct name_row result_names[] = {
	{ COMPLIANCE_PASS, "pass", "Đạt", "Pass" },
	{ COMPLIANCE_FAIL, "fail", "Không đạt", "Fail" },
	{ COMPLIANCE_NOT_APPLICABLE, "not_applicable", "Không áp dụng", "Not applicable" },
};

static const struct name_row type_names[] = {
	{ COMPLIANCE_TYPE_TUBE_HOUSE, "tube_house", "Nhà ống", "Tube house" },
	{ COMPLIANCE_TYPE_DETACHED, "detached_house", "Nhà ở riêng lẻ", "Detached house" },
	{ COMPLIANCE_TYPE_MINI_APARTMENT, "mini_apartment", "Chung cư mini", "Mini-apartment block" },
	{ COMPLIANCE_TYPE_BOARDING, "boarding_house", "Nhà trọ", "Boarding house" },
	{ COMPLIANCE_TYPE_HOME_BUSINESS, "home_business", "Nhà ở kết hợp sản xuất, kinh doanh",
	  "Home with a business" },
	{ COMPLIANCE_TYPE_APARTMENT, "apartment", "Căn hộ chung cư", "Apartment in a block" },
	{ COMPLIANCE_TYPE_OTHER, "other", "Khác", "Other" },
	{ COMPLIANCE_TYPE_FACILITY, "facility", "Cơ sở thuộc diện quản lý về phòng cháy, chữa cháy",
	  "Facility under fire-safety management" },
};

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

static const struct name_row *name_find(const struct name_row *rows, size_t n, unsigned value)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].value == value)
			return &rows[i];
	return NULL;
}

static int name_parse(const struct name_row *rows, size_t n, const char *id, unsigned *out)
{
	if (!id)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rows[i].id, id) == 0) {
			if (out)
				*out = rows[i].value;
			return 0;
		}
	}
	return -1;
}

/* One label of a row: 0 id, 1 Vietnamese, 2 English; NULL when unknown. */
static const char *name_label(const struct name_row *rows, size_t n, unsigned value, int which)
{
	const struct name_row *r = name_find(rows, n, value);
	if (!r)
		return NULL;
	return which == 0 ? r->id : which == 1 ? r->vi : r->en;
}

const char *compliance_status_id(enum compliance_status s)
{
	return name_label(status_names, NROWS(status_names), (unsigned)s, 0);
}

const char *compliance_status_vi(enum compliance_status s)
{
	return name_label(status_names, NROWS(status_names), (unsigned)s, 1);
}

const char *compliance_status_en(enum compliance_status s)
{
	return name_label(status_names, NROWS(status_names), (unsigned)s, 2);
}

int compliance_status_parse(const char *id, enum compliance_status *out)
{
	unsigned v;
	if (name_parse(status_names, NROWS(status_names), id, &v) < 0)
		return -1;
	if (out)
		*out = (enum compliance_status)v;
	return 0;
}

const char *compliance_result_id(enum compliance_result r)
{
	return name_label(result_names, NROWS(result_names), (unsigned)r, 0);
}

const char *compliance_result_vi(enum compliance_result r)
{
	return name_label(result_names, NROWS(result_names), (unsigned)r, 1);
}

const char *compliance_result_en(enum compliance_result r)
{
	return name_label(result_names, NROWS(result_names), (unsigned)r, 2);
}

int compliance_result_parse(const char *id, enum compliance_result *out)
{
	unsigned v;
	if (name_parse(result_names, NROWS(result_names), id, &v) < 0)
		return -1;
	if (out)
		*out = (enum compliance_result)v;
	return 0;
}

const char *compliance_type_id(unsigned type)
{
	return name_label(type_names, NROWS(type_names), type, 0);
}

const char *compliance_type_vi(unsigned type)
{
	return name_label(type_names, NROWS(type_names), type, 1);
}

const char *compliance_type_en(unsigned type)
{
	return name_label(type_names, NROWS(type_names), type, 2);
}

int compliance_type_parse(const char *id, unsigned *out)
{
	return name_parse(type_names, NROWS(type_names), id, out);
}

int compliance_code_valid(const char *code)
{
	size_t n = 0;

	if (!code)
		return 0;
	for (; code[n]; n++) {
		char c = code[n];
		if (n == COMPLIANCE_CODE_MAX)
			return 0;
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return n > 0;
}

static int result_known(enum compliance_result r)
{
	return r == COMPLIANCE_PASS || r == COMPLIANCE_FAIL || r == COMPLIANCE_NOT_APPLICABLE;
}

/* Checks the shape of an inspection: counts, codes, results, duplicates. */
static int inspection_check(const struct compliance_inspection *insp)
{
	if (insp->nitems > COMPLIANCE_MAX_ITEMS)
		return -1;
	if (insp->nitems > 0 && !insp->items)
		return -1;
	for (size_t i = 0; i < insp->nitems; i++) {
		const struct compliance_item_result *it = &insp->items[i];
		if (!compliance_code_valid(it->code) || !result_known(it->result))
			return -1;
		for (size_t j = 0; j < i; j++)
			if (strcmp(insp->items[j].code, it->code) == 0)
				return -1;
	}
	return 0;
}

int compliance_evaluate(const struct compliance_inspection *insp, struct compliance_outcome *out,
			const char **failing, const char **advisory)
{
	struct compliance_outcome o = { .status = COMPLIANCE_UNCHECKED };
	size_t required_passed = 0;

	if (!out)
		return -1;
	*out = o;
	if (!insp)
		return 0;
	if (inspection_check(insp) < 0)
		goto fail;
	for (size_t i = 0; i < insp->nitems; i++) {
		const struct compliance_item_result *it = &insp->items[i];
		switch (it->result) {
		case COMPLIANCE_PASS:
			o.npassed++;
			if (it->required)
				required_passed++;
			break;
		case COMPLIANCE_FAIL:
			if (it->required) {
				if (failing)
					failing[o.nfailing] = it->code;
				o.nfailing++;
			} else {
				if (advisory)
					advisory[o.nadvisory] = it->code;
				o.nadvisory++;
			}
			break;
		case COMPLIANCE_NOT_APPLICABLE:
			o.nnot_applicable++;
			break;
		}
	}
	if (o.nfailing > 0)
		o.status = COMPLIANCE_NONCOMPLIANT;
	else if (required_passed > 0)
		o.status = COMPLIANCE_COMPLIANT;
	else
		o.status = COMPLIANCE_UNCHECKED;
	*out = o;
	return 0;
fail:
	return -1;
}

const struct compliance_item_def *compliance_catalogue(size_t *n)
{
	if (n)
		*n = NCATALOGUE;
	return catalogue;
}

const struct compliance_item_def *compliance_catalogue_find(const char *code)
{
	if (!code)
		return NULL;
	for (size_t i = 0; i < NCATALOGUE; i++)
		if (strcmp(catalogue[i].code, code) == 0)
			return &catalogue[i];
	return NULL;
}

/* 1 when type is exactly one known type bit. */
static int type_single(unsigned type)
{
	return type != 0 && (type & (type - 1)) == 0 && (type & COMPLIANCE_TYPE_ALL) == type;
}

size_t compliance_items_for_type(const struct compliance_item_def *defs, size_t ndefs,
				 unsigned type, const struct compliance_item_def **out, size_t cap)
{
	size_t n = 0;

	if (!defs || !type_single(type))
		return 0;
	for (size_t i = 0; i < ndefs; i++) {
		if (!(defs[i].applies & type))
			continue;
		if (out && n < cap)
			out[n] = &defs[i];
		n++;
	}
	return n;
}

int compliance_item_required(const struct compliance_item_def *def, unsigned type)
{
	if (!def || !type_single(type))
		return 0;
	return (def->applies & def->required & type) != 0;
}

static int inspection_answers(const struct compliance_inspection *insp, const char *code)
{
	if (!insp || !insp->items || !code)
		return 0;
	for (size_t i = 0; i < insp->nitems; i++)
		if (insp->items[i].code && strcmp(insp->items[i].code, code) == 0)
			return 1;
	return 0;
}

size_t compliance_find_missing(const struct compliance_item_def *defs, size_t ndefs, unsigned type,
			       const struct compliance_inspection *insp, const char **missing,
			       size_t cap)
{
	size_t n = 0;

	if (!defs || !type_single(type))
		return 0;
	for (size_t i = 0; i < ndefs; i++) {
		if (!(defs[i].applies & type) || inspection_answers(insp, defs[i].code))
			continue;
		if (missing && n < cap)
			missing[n] = defs[i].code;
		n++;
	}
	return n;
}
