/* Compliance rules and the built-in catalogue of condition items (see
 * compliance.h): the status of a house or facility from its latest
 * inspection, the names of statuses, results and types, and the seed list
 * of conditions from Hà Nội's 2023–2024 campaigns. */
#include "register/compliance.h"

#include <string.h>

#include "register/facility.h"

#define T_TUBE COMPLIANCE_TYPE_TUBE_HOUSE
#define T_DET COMPLIANCE_TYPE_DETACHED
#define T_MINI COMPLIANCE_TYPE_MINI_APARTMENT
#define T_BOARD COMPLIANCE_TYPE_BOARDING
#define T_BIZ COMPLIANCE_TYPE_HOME_BUSINESS
#define T_APT COMPLIANCE_TYPE_APARTMENT
#define T_OTHER COMPLIANCE_TYPE_OTHER
#define T_FAC COMPLIANCE_TYPE_FACILITY
#define T_HOUSES (T_TUBE | T_DET | T_MINI | T_BOARD | T_BIZ | T_APT | T_OTHER)

/* Legal bases of the seed items: indicative references for the admins
 * who keep the catalogue, not a legal opinion. */
#define LB_CAMPAIGN "Yêu cầu bảo đảm an toàn PCCC đối với chung cư mini, nhà trọ trong đợt " \
		    "kiểm tra cao điểm của TP Hà Nội 2023–2024"
#define LB_QCVN06 "QCVN 06:2022/BXD về an toàn cháy cho nhà và công trình"
#define LB_TCVN3890 "TCVN 3890:2023 về phương tiện phòng cháy và chữa cháy cho nhà và công trình"
#define LB_LAW "Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ số 55/2024/QH15"
#define LB_DECREE "Nghị định số 105/2025/NĐ-CP"

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
	  T_MINI | T_BOARD | T_TUBE | T_BIZ | T_DET | T_OTHER, T_MINI | T_BOARD,
	  LB_CAMPAIGN "; " LB_QCVN06, NULL, 10, 0 },
	{ "NGAN_CHAY_KHU_DE_XE",
	  "Khu vực để xe được ngăn cách với khu vực ở bằng kết cấu ngăn cháy, có cửa ngăn cháy",
	  "Parking separated from living areas by fire-resisting construction with a fire door",
	  T_MINI | T_BOARD | T_BIZ | T_TUBE, T_MINI | T_BOARD,
	  LB_CAMPAIGN "; " LB_QCVN06, NULL, 20, 0 },
	{ "THANG_THOAT_NAN",
	  "Có thang dây, thang xếp hoặc thang thoát nạn từ các tầng trên",
	  "Rope, folding or other escape ladders from the upper floors",
	  T_MINI | T_BOARD | T_TUBE | T_BIZ | T_DET | T_OTHER, T_MINI | T_BOARD,
	  LB_CAMPAIGN, NULL, 30, 0 },
	{ "BAO_CHAY_MOI_PHONG",
	  "Có đầu báo khói hoặc đầu báo cháy (độc lập hoặc nối hệ thống) trong mỗi phòng",
	  "A smoke or fire detector (standalone or networked) in each room",
	  T_HOUSES, T_MINI | T_BOARD,
	  LB_CAMPAIGN "; " LB_TCVN3890, NULL, 40, 0 },
	{ "DEN_SU_CO_CHI_DAN",
	  "Có đèn chiếu sáng sự cố và đèn chỉ dẫn lối thoát nạn",
	  "Emergency lighting and exit signs",
	  T_MINI | T_BOARD | T_BIZ | T_FAC, T_MINI | T_BOARD | T_FAC,
	  LB_CAMPAIGN "; " LB_QCVN06, NULL, 50, 0 },
	{ "BINH_CHUA_CHAY",
	  "Có bình chữa cháy tại mỗi tầng và tại khu vực để xe",
	  "Fire extinguishers on each floor and in the parking area",
	  T_HOUSES | T_FAC, T_MINI | T_BOARD | T_BIZ | T_FAC,
	  LB_CAMPAIGN "; " LB_TCVN3890, NULL, 60, 0 },
	{ "HO_SO_PCCC",
	  "Có hồ sơ quản lý, theo dõi hoạt động phòng cháy, chữa cháy",
	  "A fire-safety file recording fire prevention activities",
	  T_MINI | T_BOARD | T_FAC, T_MINI | T_BOARD | T_FAC,
	  LB_CAMPAIGN "; " LB_LAW "; " LB_DECREE, NULL, 70, 0 },
	{ "PHUONG_AN_CHUA_CHAY",
	  "Có phương án chữa cháy, cứu nạn, cứu hộ",
	  "A firefighting and rescue plan",
	  T_MINI | T_BOARD | T_BIZ | T_FAC, T_MINI | T_BOARD | T_FAC,
	  LB_CAMPAIGN "; " LB_LAW "; " LB_DECREE, NULL, 80, 0 },
	{ "KHONG_SAC_XE_DIEN_HAM",
	  "Không sạc xe điện (xe máy điện, xe đạp điện) ở tầng hầm",
	  "No charging of electric motorbikes or e-bikes in the basement",
	  T_MINI | T_BOARD | T_TUBE | T_BIZ | T_DET | T_OTHER | T_FAC, T_MINI | T_BOARD,
	  LB_CAMPAIGN, NULL, 90, 0 },
	{ "CHUONG_COP_CO_O_THOAT",
	  "Chuồng cọp, khung sắt bảo vệ cửa sổ và ban công có ô cửa mở được để thoát nạn",
	  "Barred windows and balconies (chuồng cọp) have an openable escape hatch",
	  T_HOUSES, T_MINI | T_BOARD,
	  LB_CAMPAIGN, NULL, 100, 0 },
	{ "NGAN_CACH_KINH_DOANH",
	  "Khu vực sản xuất, kinh doanh được ngăn cách với khu vực để ở",
	  "Business or production area separated from the living quarters",
	  T_BIZ, T_BIZ,
	  LB_LAW, NULL, 110, 0 },
	{ "HANG_DE_CHAY_AN_TOAN",
	  "Hàng hóa, vật liệu dễ cháy được sắp xếp gọn gàng, xa nguồn nhiệt, không che chắn lối thoát nạn",
	  "Flammable goods and materials stored tidily, away from heat sources, not blocking escape routes",
	  T_BIZ | T_TUBE | T_FAC, T_BIZ,
	  LB_LAW, NULL, 120, 0 },
	{ "DIEN_AN_TOAN",
	  "Hệ thống điện có thiết bị đóng cắt bảo vệ (aptomat), không quá tải, không câu mắc tùy tiện",
	  "Electrical installation protected by circuit breakers, not overloaded, no improvised wiring",
	  T_HOUSES | T_FAC, T_HOUSES | T_FAC,
	  LB_LAW, NULL, 130, 0 },
	{ "DUN_NAU_THO_CUNG",
	  "Khu vực đun nấu, thờ cúng bảo đảm an toàn, cách xa chất dễ cháy",
	  "Cooking and altar areas kept safe and away from combustible materials",
	  T_HOUSES, T_HOUSES,
	  LB_LAW, NULL, 140, 0 },
	{ "LOI_THOAT_THONG_THOANG",
	  "Lối đi, cầu thang, lối thoát nạn thông thoáng, không bị che chắn hoặc khóa",
	  "Corridors, stairs and escape routes kept clear, not obstructed or locked",
	  T_HOUSES | T_FAC, T_HOUSES | T_FAC,
	  LB_LAW "; " LB_QCVN06, NULL, 150, 0 },
	{ "DUNG_CU_PHA_DO",
	  "Có dụng cụ phá dỡ thô sơ (búa, xà beng, kìm cộng lực)",
	  "Basic forcible-entry tools (hammer, crowbar, bolt cutters)",
	  T_TUBE | T_BIZ | T_DET | T_MINI | T_BOARD | T_OTHER, 0,
	  NULL, NULL, 160, 0 },
	{ "MAT_NA_LOC_KHOI",
	  "Có mặt nạ lọc độc hoặc phương tiện bảo vệ đường thở khi thoát nạn",
	  "Smoke hoods or other breathing protection for escape",
	  T_HOUSES, 0,
	  NULL, NULL, 170, 0 },
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
		if (!(defs[i].applies & type) || defs[i].inactive)
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
		if (!(defs[i].applies & type) || defs[i].inactive ||
		    inspection_answers(insp, defs[i].code))
			continue;
		if (missing && n < cap)
			missing[n] = defs[i].code;
		n++;
	}
	return n;
}

/* ---- versioned catalogue ------------------------------------------------- */

int compliance_types_parse(const char *list, unsigned *out)
{
	unsigned bits = 0;
	const char *p = list;

	if (out)
		*out = 0;
	while (p && *p) {
		char word[32];
		size_t n = 0;
		unsigned t;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		while (p[n] && p[n] != ' ')
			n++;
		if (n >= sizeof word)
			return -1;
		memcpy(word, p, n);
		word[n] = '\0';
		if (compliance_type_parse(word, &t) != 0)
			return -1;
		bits |= t;
		p += n;
	}
	if (out)
		*out = bits;
	return 0;
}

size_t compliance_types_format(unsigned types, char *buf, size_t cap)
{
	size_t len = 0;

	if (!buf || cap == 0)
		return (size_t)-1;
	buf[0] = '\0';
	for (size_t i = 0; i < NROWS(type_names); i++) {
		if (!(types & type_names[i].value))
			continue;
		size_t n = strlen(type_names[i].id) + (len ? 1 : 0);
		if (len + n + 1 > cap) {
			buf[0] = '\0';
			return (size_t)-1;
		}
		if (len)
			buf[len++] = ' ';
		memcpy(buf + len, type_names[i].id, strlen(type_names[i].id) + 1);
		len += strlen(type_names[i].id);
	}
	return len;
}

int compliance_category_listed(const char *categories, const char *category)
{
	const char *p = categories;
	size_t clen;
	int empty = 1;

	if (!categories || !*categories)
		return 1;
	for (const char *q = categories; *q; q++)
		if (*q != ' ')
			empty = 0;
	if (empty)
		return 1;
	if (!category || !*category)
		return 0;
	clen = strlen(category);
	while (*p) {
		size_t n = 0;
		while (*p == ' ')
			p++;
		while (p[n] && p[n] != ' ')
			n++;
		if (n == clen && strncmp(p, category, n) == 0)
			return 1;
		p += n;
	}
	return 0;
}

int compliance_item_applies(const struct compliance_item_def *def, unsigned type,
			    const char *category)
{
	if (!def || def->inactive || !type_single(type) || !(def->applies & type))
		return 0;
	if (type == COMPLIANCE_TYPE_FACILITY)
		return compliance_category_listed(def->categories, category);
	return 1;
}

const struct compliance_item_def *compliance_find(const struct compliance_item_def *defs, size_t n,
						  const char *code)
{
	if (!defs || !code)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (defs[i].code && strcmp(defs[i].code, code) == 0)
			return &defs[i];
	return NULL;
}

size_t compliance_items_for(const struct compliance_item_def *defs, size_t ndefs, unsigned type,
			    const char *category, const struct compliance_item_def **out,
			    size_t cap)
{
	size_t n = 0;

	if (!defs)
		return 0;
	for (size_t i = 0; i < ndefs; i++) {
		if (!compliance_item_applies(&defs[i], type, category))
			continue;
		if (out && n < cap)
			out[n] = &defs[i];
		n++;
	}
	return n;
}

size_t compliance_find_missing_for(const struct compliance_item_def *defs, size_t ndefs,
				   unsigned type, const char *category,
				   const struct compliance_inspection *insp, const char **missing,
				   size_t cap)
{
	size_t n = 0;

	if (!defs)
		return 0;
	for (size_t i = 0; i < ndefs; i++) {
		if (!compliance_item_applies(&defs[i], type, category) ||
		    inspection_answers(insp, defs[i].code))
			continue;
		if (missing && n < cap)
			missing[n] = defs[i].code;
		n++;
	}
	return n;
}

int compliance_resolve(const struct compliance_item_def *defs, size_t ndefs, unsigned type,
		       const char *category, struct compliance_item_result *items, size_t n,
		       size_t *bad)
{
	if (bad)
		*bad = 0;
	if (n > COMPLIANCE_MAX_ITEMS || (n > 0 && !items))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct compliance_item_def *d = compliance_find(defs, ndefs, items[i].code);
		if (!compliance_item_applies(d, type, category)) {
			if (bad)
				*bad = i;
			return -1;
		}
		items[i].required = compliance_item_required(d, type);
	}
	return 0;
}

/* Bytes of s without counting spaces; 0 when s is NULL or blank. */
static size_t text_weight(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			n++;
	return n;
}

/* 1 when every word of the list is a facility category of either decree. */
static int categories_known(const char *list)
{
	const char *p = list;
	while (p && *p) {
		char word[64];
		size_t n = 0;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		while (p[n] && p[n] != ' ')
			n++;
		if (n >= sizeof word)
			return 0;
		memcpy(word, p, n);
		word[n] = '\0';
		if (!facility_category_vi(word))
			return 0;
		p += n;
	}
	return 1;
}

static int item_fail(struct compliance_error *err, const char *field, const char *message)
{
	if (err) {
		err->field = field;
		err->message = message;
	}
	return -1;
}

int compliance_item_validate(const struct compliance_item_def *d, struct compliance_error *err)
{
	if (!d)
		return item_fail(err, "code", "Thiếu điều kiện / Missing item");
	if (!compliance_code_valid(d->code))
		return item_fail(err, "code",
				 "Mã điều kiện gồm 1–32 ký tự A–Z, 0–9 hoặc _ / The code is 1–32 "
				 "characters A–Z, 0–9 or _");
	if (text_weight(d->text_vi) == 0)
		return item_fail(err, "title_vi",
				 "Cần nội dung điều kiện bằng tiếng Việt / The Vietnamese title is "
				 "required");
	if (strlen(d->text_vi) > COMPLIANCE_TITLE_MAX)
		return item_fail(err, "title_vi",
				 "Nội dung tiếng Việt dài quá 500 byte / The Vietnamese title is "
				 "longer than 500 bytes");
	if (d->text_en && strlen(d->text_en) > COMPLIANCE_TITLE_MAX)
		return item_fail(err, "title_en",
				 "Nội dung tiếng Anh dài quá 500 byte / The English title is longer "
				 "than 500 bytes");
	if (d->legal_basis && strlen(d->legal_basis) > COMPLIANCE_LEGAL_MAX)
		return item_fail(err, "legal_basis",
				 "Căn cứ pháp lý dài quá 1000 byte / The legal basis is longer than "
				 "1000 bytes");
	if (d->applies == 0 || (d->applies & ~(unsigned)COMPLIANCE_TYPE_ALL))
		return item_fail(err, "applies",
				 "Chọn ít nhất một loại nhà hoặc cơ sở áp dụng / Choose at least one "
				 "house type or facilities");
	if (d->required & ~d->applies)
		return item_fail(err, "required",
				 "Chỉ bắt buộc với loại được áp dụng / Required only for types it "
				 "applies to");
	if (d->categories && text_weight(d->categories) > 0) {
		if (!(d->applies & COMPLIANCE_TYPE_FACILITY))
			return item_fail(err, "categories",
					 "Loại cơ sở chỉ dùng khi điều kiện áp dụng cho cơ sở / "
					 "Facility categories need the item to apply to facilities");
		if (strlen(d->categories) > COMPLIANCE_CATEGORIES_MAX ||
		    !categories_known(d->categories))
			return item_fail(err, "categories",
					 "Loại cơ sở không có trong danh mục / Unknown facility "
					 "category");
	}
	if (d->position < 0 || d->position > COMPLIANCE_POSITION_MAX)
		return item_fail(err, "position",
				 "Thứ tự phải từ 0 đến 100000 / Order must be 0 to 100000");
	return 0;
}

int compliance_catalogue_publishable(const struct compliance_item_def *defs, size_t n,
				     struct compliance_publish_error *out)
{
	struct compliance_publish_error e = { { NULL, NULL }, NULL, 0 };
	unsigned covered = 0;
	size_t nactive = 0;

	if (!defs && n > 0)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		if (compliance_item_validate(&defs[i], &e.err) != 0) {
			e.code = defs[i].code;
			goto fail;
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(defs[j].code, defs[i].code) == 0) {
				e.code = defs[i].code;
				item_fail(&e.err, "code",
					  "Mã điều kiện bị trùng / The code is used twice");
				goto fail;
			}
		}
		if (defs[i].inactive)
			continue;
		nactive++;
		covered |= defs[i].required & defs[i].applies;
	}
	if (nactive == 0) {
		item_fail(&e.err, "items",
			  "Danh mục cần ít nhất một điều kiện đang áp dụng / The catalogue needs at "
			  "least one active item");
		goto fail;
	}
	for (size_t i = 0; i < NROWS(type_names); i++) {
		if (!(covered & type_names[i].value)) {
			e.type = type_names[i].value;
			item_fail(&e.err, "required",
				  "Mỗi loại nhà và cơ sở cần ít nhất một điều kiện bắt buộc / Every "
				  "house type and facilities need at least one required item");
			goto fail;
		}
	}
	if (out)
		*out = e;
	return 0;
fail:
	if (out)
		*out = e;
	return -1;
}
