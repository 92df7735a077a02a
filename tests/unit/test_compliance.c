/* Unit tests for the compliance rules and the condition catalogue
 * (src/register/compliance.c): every status rule, the failing and
 * advisory lists, refusal of malformed inspections, names and parsing,
 * the catalogue's shape and content, items per type, missing answers, and
 * the rules of the versioned catalogue: type lists, facility categories,
 * inactive items, resolving answers against a version, item validation and
 * when a draft may be published. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "register/compliance.h"

#define PASS COMPLIANCE_PASS
#define FAIL COMPLIANCE_FAIL
#define NA COMPLIANCE_NOT_APPLICABLE

static const unsigned all_types[COMPLIANCE_NTYPES] = {
	COMPLIANCE_TYPE_TUBE_HOUSE,  COMPLIANCE_TYPE_DETACHED, COMPLIANCE_TYPE_MINI_APARTMENT,
	COMPLIANCE_TYPE_BOARDING,    COMPLIANCE_TYPE_HOME_BUSINESS, COMPLIANCE_TYPE_APARTMENT,
	COMPLIANCE_TYPE_OTHER,       COMPLIANCE_TYPE_FACILITY,
};

/* The conditions of the 2023–2024 campaigns for mini-apartment blocks and
 * boarding houses, in the order the brief lists them. */
static const char *const campaign_codes[] = {
	"LOI_THOAT_NAN_2",  "NGAN_CHAY_KHU_DE_XE", "THANG_THOAT_NAN",
	"BAO_CHAY_MOI_PHONG", "DEN_SU_CO_CHI_DAN", "BINH_CHUA_CHAY",
	"HO_SO_PCCC",       "PHUONG_AN_CHUA_CHAY", "KHONG_SAC_XE_DIEN_HAM",
	"CHUONG_COP_CO_O_THOAT",
};
#define NCAMPAIGN (sizeof campaign_codes / sizeof campaign_codes[0])

static int eval(const struct compliance_item_result *items, size_t n, struct compliance_outcome *o,
		const char **failing, const char **advisory)
{
	struct compliance_inspection insp = { items, n };
	return compliance_evaluate(&insp, o, failing, advisory);
}

/* ---- status rules -------------------------------------------------- */

static void test_no_inspection(void **state)
{
	struct compliance_outcome o;
	(void)state;
	memset(&o, 0x5a, sizeof o);
	assert_int_equal(compliance_evaluate(NULL, &o, NULL, NULL), 0);
	assert_int_equal(o.status, COMPLIANCE_UNCHECKED);
	assert_int_equal(o.nfailing, 0);
	assert_int_equal(o.nadvisory, 0);
	assert_int_equal(o.npassed, 0);
	assert_int_equal(o.nnot_applicable, 0);
	assert_int_equal(compliance_evaluate(NULL, NULL, NULL, NULL), -1);
}

static void test_all_required_pass(void **state)
{
	const struct compliance_item_result items[] = {
		{ "A", PASS, 1 },
		{ "B", PASS, 1 },
		{ "C", PASS, 0 },
	};
	struct compliance_outcome o;
	const char *failing[3], *advisory[3];
	(void)state;
	assert_int_equal(eval(items, 3, &o, failing, advisory), 0);
	assert_int_equal(o.status, COMPLIANCE_COMPLIANT);
	assert_int_equal(o.nfailing, 0);
	assert_int_equal(o.nadvisory, 0);
	assert_int_equal(o.npassed, 3);
	assert_int_equal(o.nnot_applicable, 0);
}

static void test_required_fail(void **state)
{
	const struct compliance_item_result items[] = {
		{ "A", PASS, 1 },
		{ "B", FAIL, 1 },
		{ "C", PASS, 1 },
		{ "D", FAIL, 1 },
	};
	struct compliance_outcome o;
	const char *failing[4] = { 0 };
	(void)state;
	assert_int_equal(eval(items, 4, &o, failing, NULL), 0);
	assert_int_equal(o.status, COMPLIANCE_NONCOMPLIANT);
	assert_int_equal(o.nfailing, 2);
	assert_string_equal(failing[0], "B");
	assert_string_equal(failing[1], "D");
	/* the codes are the caller's, borrowed */
	assert_ptr_equal(failing[0], items[1].code);
	assert_int_equal(o.npassed, 2);
}

/* A single failing required item is enough, even when it is the only one. */
static void test_single_required_fail(void **state)
{
	const struct compliance_item_result items[] = { { "ONLY", FAIL, 1 } };
	struct compliance_outcome o;
	const char *failing[1];
	(void)state;
	assert_int_equal(eval(items, 1, &o, failing, NULL), 0);
	assert_int_equal(o.status, COMPLIANCE_NONCOMPLIANT);
	assert_int_equal(o.nfailing, 1);
	assert_string_equal(failing[0], "ONLY");
}

static void test_optional_fail_is_advisory(void **state)
{
	const struct compliance_item_result items[] = {
		{ "REQ", PASS, 1 },
		{ "OPT1", FAIL, 0 },
		{ "OPT2", FAIL, 0 },
	};
	struct compliance_outcome o;
	const char *failing[3] = { 0 }, *advisory[3] = { 0 };
	(void)state;
	assert_int_equal(eval(items, 3, &o, failing, advisory), 0);
	assert_int_equal(o.status, COMPLIANCE_COMPLIANT);
	assert_int_equal(o.nfailing, 0);
	assert_int_equal(o.nadvisory, 2);
	assert_string_equal(advisory[0], "OPT1");
	assert_string_equal(advisory[1], "OPT2");
	assert_null(failing[0]);
}

static void test_required_and_optional_fail(void **state)
{
	const struct compliance_item_result items[] = {
		{ "OPT", FAIL, 0 },
		{ "REQ", FAIL, 1 },
		{ "NAREQ", NA, 1 },
	};
	struct compliance_outcome o;
	const char *failing[3] = { 0 }, *advisory[3] = { 0 };
	(void)state;
	assert_int_equal(eval(items, 3, &o, failing, advisory), 0);
	assert_int_equal(o.status, COMPLIANCE_NONCOMPLIANT);
	assert_int_equal(o.nfailing, 1);
	assert_int_equal(o.nadvisory, 1);
	assert_int_equal(o.nnot_applicable, 1);
	assert_string_equal(failing[0], "REQ");
	assert_string_equal(advisory[0], "OPT");
}

/* Not applicable required items neither pass nor fail. */
static void test_not_applicable(void **state)
{
	const struct compliance_item_result some[] = {
		{ "A", NA, 1 },
		{ "B", PASS, 1 },
	};
	const struct compliance_item_result all_na[] = {
		{ "A", NA, 1 },
		{ "B", NA, 1 },
	};
	struct compliance_outcome o;
	(void)state;
	assert_int_equal(eval(some, 2, &o, NULL, NULL), 0);
	assert_int_equal(o.status, COMPLIANCE_COMPLIANT);
	assert_int_equal(o.nnot_applicable, 1);
	/* nothing required was checked: not compliant by default */
	assert_int_equal(eval(all_na, 2, &o, NULL, NULL), 0);
	assert_int_equal(o.status, COMPLIANCE_UNCHECKED);
	assert_int_equal(o.nnot_applicable, 2);
}

/* An inspection that checked nothing required does not make a house
 * compliant: empty, or only optional items (passing or failing). */
static void test_nothing_required_checked(void **state)
{
	const struct compliance_item_result optional[] = {
		{ "A", PASS, 0 },
		{ "B", FAIL, 0 },
	};
	struct compliance_outcome o;
	(void)state;
	assert_int_equal(eval(NULL, 0, &o, NULL, NULL), 0);
	assert_int_equal(o.status, COMPLIANCE_UNCHECKED);
	assert_int_equal(eval(optional, 2, &o, NULL, NULL), 0);
	assert_int_equal(o.status, COMPLIANCE_UNCHECKED);
	assert_int_equal(o.nadvisory, 1);
	assert_int_equal(o.npassed, 1);
}

/* failing/advisory may be NULL: counts are still right. */
static void test_lists_optional(void **state)
{
	const struct compliance_item_result items[] = {
		{ "A", FAIL, 1 },
		{ "B", FAIL, 0 },
	};
	struct compliance_outcome o;
	(void)state;
	assert_int_equal(eval(items, 2, &o, NULL, NULL), 0);
	assert_int_equal(o.status, COMPLIANCE_NONCOMPLIANT);
	assert_int_equal(o.nfailing, 1);
	assert_int_equal(o.nadvisory, 1);
}

/* Any non-zero required value means required. */
static void test_required_flag_nonzero(void **state)
{
	const struct compliance_item_result items[] = { { "A", FAIL, 7 } };
	struct compliance_outcome o;
	(void)state;
	assert_int_equal(eval(items, 1, &o, NULL, NULL), 0);
	assert_int_equal(o.status, COMPLIANCE_NONCOMPLIANT);
}

static void expect_malformed(const struct compliance_item_result *items, size_t n)
{
	struct compliance_outcome o;
	memset(&o, 0x5a, sizeof o);
	o.status = COMPLIANCE_COMPLIANT;
	assert_int_equal(eval(items, n, &o, NULL, NULL), -1);
	assert_int_equal(o.status, COMPLIANCE_UNCHECKED);
	assert_int_equal(o.nfailing, 0);
	assert_int_equal(o.nadvisory, 0);
	assert_int_equal(o.npassed, 0);
	assert_int_equal(o.nnot_applicable, 0);
}

static void test_malformed(void **state)
{
	(void)state;
	expect_malformed(NULL, 1);
	{
		const struct compliance_item_result it[] = { { NULL, PASS, 1 } };
		expect_malformed(it, 1);
	}
	{
		const struct compliance_item_result it[] = { { "", PASS, 1 } };
		expect_malformed(it, 1);
	}
	{
		const struct compliance_item_result it[] = { { "lower", PASS, 1 } };
		expect_malformed(it, 1);
	}
	{
		const struct compliance_item_result it[] = { { "A", (enum compliance_result)0, 1 } };
		expect_malformed(it, 1);
	}
	{
		const struct compliance_item_result it[] = { { "A", (enum compliance_result)4, 1 } };
		expect_malformed(it, 1);
	}
	{
		/* the same code twice, even with the same answer */
		const struct compliance_item_result it[] = {
			{ "A", PASS, 1 },
			{ "B", PASS, 1 },
			{ "A", PASS, 1 },
		};
		expect_malformed(it, 3);
	}
	{
		/* a bad item late in the list still refuses the whole inspection */
		const struct compliance_item_result it[] = {
			{ "A", FAIL, 1 },
			{ "B", PASS, 1 },
			{ "C D", PASS, 1 },
		};
		expect_malformed(it, 3);
	}
}

static void test_item_limit(void **state)
{
	static struct compliance_item_result items[COMPLIANCE_MAX_ITEMS + 1];
	static char codes[COMPLIANCE_MAX_ITEMS + 1][16];
	struct compliance_outcome o;
	(void)state;
	for (int i = 0; i <= COMPLIANCE_MAX_ITEMS; i++) {
		snprintf(codes[i], sizeof codes[i], "I%u", (unsigned)i);
		items[i].code = codes[i];
		items[i].result = PASS;
		items[i].required = 1;
	}
	assert_int_equal(eval(items, COMPLIANCE_MAX_ITEMS, &o, NULL, NULL), 0);
	assert_int_equal(o.status, COMPLIANCE_COMPLIANT);
	assert_int_equal(o.npassed, COMPLIANCE_MAX_ITEMS);
	expect_malformed(items, COMPLIANCE_MAX_ITEMS + 1);
}

static void test_code_valid(void **state)
{
	char code[COMPLIANCE_CODE_MAX + 2];
	(void)state;
	assert_true(compliance_code_valid("A"));
	assert_true(compliance_code_valid("LOI_THOAT_NAN_2"));
	assert_true(compliance_code_valid("0_9"));
	assert_false(compliance_code_valid(NULL));
	assert_false(compliance_code_valid(""));
	assert_false(compliance_code_valid("abc"));
	assert_false(compliance_code_valid("A-B"));
	assert_false(compliance_code_valid("A B"));
	assert_false(compliance_code_valid("Đ"));
	memset(code, 'X', COMPLIANCE_CODE_MAX);
	code[COMPLIANCE_CODE_MAX] = '\0';
	assert_true(compliance_code_valid(code));
	code[COMPLIANCE_CODE_MAX] = 'X';
	code[COMPLIANCE_CODE_MAX + 1] = '\0';
	assert_false(compliance_code_valid(code));
}

/* ---- names ---------------------------------------------------------- */

static void test_status_names(void **state)
{
	enum compliance_status s;
	(void)state;
	assert_string_equal(compliance_status_id(COMPLIANCE_COMPLIANT), "dam_bao");
	assert_string_equal(compliance_status_id(COMPLIANCE_NONCOMPLIANT), "khong_dam_bao");
	assert_string_equal(compliance_status_id(COMPLIANCE_UNCHECKED), "chua_kiem_tra");
	assert_string_equal(compliance_status_vi(COMPLIANCE_COMPLIANT), "Đảm bảo");
	assert_string_equal(compliance_status_vi(COMPLIANCE_NONCOMPLIANT), "Không đảm bảo");
	assert_string_equal(compliance_status_vi(COMPLIANCE_UNCHECKED), "Chưa kiểm tra");
	assert_string_equal(compliance_status_en(COMPLIANCE_COMPLIANT), "Compliant");
	assert_string_equal(compliance_status_en(COMPLIANCE_NONCOMPLIANT), "Not compliant");
	assert_string_equal(compliance_status_en(COMPLIANCE_UNCHECKED), "Not inspected");
	assert_null(compliance_status_id((enum compliance_status)9));
	assert_null(compliance_status_vi((enum compliance_status)9));
	assert_null(compliance_status_en((enum compliance_status)9));

	assert_int_equal(compliance_status_parse("dam_bao", &s), 0);
	assert_int_equal(s, COMPLIANCE_COMPLIANT);
	assert_int_equal(compliance_status_parse("khong_dam_bao", &s), 0);
	assert_int_equal(s, COMPLIANCE_NONCOMPLIANT);
	assert_int_equal(compliance_status_parse("chua_kiem_tra", &s), 0);
	assert_int_equal(s, COMPLIANCE_UNCHECKED);
	s = COMPLIANCE_COMPLIANT;
	assert_int_equal(compliance_status_parse("DAM_BAO", &s), -1);
	assert_int_equal(compliance_status_parse("", &s), -1);
	assert_int_equal(compliance_status_parse(NULL, &s), -1);
	assert_int_equal(s, COMPLIANCE_COMPLIANT);
	assert_int_equal(compliance_status_parse("dam_bao", NULL), 0);
}

static void test_result_names(void **state)
{
	enum compliance_result r;
	const enum compliance_result all[] = { PASS, FAIL, NA };
	(void)state;
	assert_string_equal(compliance_result_id(PASS), "pass");
	assert_string_equal(compliance_result_id(FAIL), "fail");
	assert_string_equal(compliance_result_id(NA), "not_applicable");
	assert_string_equal(compliance_result_vi(PASS), "Đạt");
	assert_string_equal(compliance_result_vi(FAIL), "Không đạt");
	assert_string_equal(compliance_result_vi(NA), "Không áp dụng");
	assert_string_equal(compliance_result_en(NA), "Not applicable");
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(compliance_result_parse(compliance_result_id(all[i]), &r), 0);
		assert_int_equal(r, all[i]);
		assert_non_null(compliance_result_en(all[i]));
	}
	assert_null(compliance_result_id((enum compliance_result)0));
	assert_null(compliance_result_vi((enum compliance_result)0));
	assert_null(compliance_result_en((enum compliance_result)0));
	assert_int_equal(compliance_result_parse("na", &r), -1);
	assert_int_equal(compliance_result_parse(NULL, &r), -1);
}

static void test_type_names(void **state)
{
	unsigned t;
	(void)state;
	for (size_t i = 0; i < COMPLIANCE_NTYPES; i++) {
		const char *id = compliance_type_id(all_types[i]);
		assert_non_null(id);
		assert_non_null(compliance_type_vi(all_types[i]));
		assert_non_null(compliance_type_en(all_types[i]));
		assert_int_equal(compliance_type_parse(id, &t), 0);
		assert_int_equal(t, all_types[i]);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(id, compliance_type_id(all_types[j]));
	}
	assert_string_equal(compliance_type_id(COMPLIANCE_TYPE_MINI_APARTMENT), "mini_apartment");
	assert_string_equal(compliance_type_vi(COMPLIANCE_TYPE_MINI_APARTMENT), "Chung cư mini");
	assert_string_equal(compliance_type_id(COMPLIANCE_TYPE_BOARDING), "boarding_house");
	assert_string_equal(compliance_type_vi(COMPLIANCE_TYPE_BOARDING), "Nhà trọ");
	assert_string_equal(compliance_type_vi(COMPLIANCE_TYPE_TUBE_HOUSE), "Nhà ống");
	assert_string_equal(compliance_type_vi(COMPLIANCE_TYPE_HOME_BUSINESS),
			    "Nhà ở kết hợp sản xuất, kinh doanh");
	assert_null(compliance_type_id(0));
	assert_null(compliance_type_id(COMPLIANCE_TYPE_TUBE_HOUSE | COMPLIANCE_TYPE_BOARDING));
	assert_null(compliance_type_vi(1u << 12));
	assert_int_equal(compliance_type_parse("nha_tro", &t), -1);
	assert_int_equal(compliance_type_parse(NULL, &t), -1);
}

/* ---- catalogue ----------------------------------------------------- */

/* 1 when s is valid UTF-8 (no overlongs, no surrogates). */
static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n;
		uint32_t cp;
		if (*p < 0x80) {
			p++;
			continue;
		} else if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
		} else {
			return 0;
		}
		p++;
		for (int i = 0; i < n; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (*p & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
	}
	return 1;
}

static int has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

static void test_catalogue_shape(void **state)
{
	size_t n = 0;
	const struct compliance_item_def *cat = compliance_catalogue(&n);
	(void)state;
	assert_non_null(cat);
	assert_true(n >= NCAMPAIGN + 4);
	assert_ptr_equal(compliance_catalogue(NULL), cat);
	assert_string_equal(COMPLIANCE_CATALOGUE_VERSION, "1");
	for (size_t i = 0; i < n; i++) {
		const struct compliance_item_def *d = &cat[i];
		if (!compliance_code_valid(d->code))
			fail_msg("bad code %s", d->code);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(d->code, cat[j].code);
		assert_true(strlen(d->text_vi) > 10);
		assert_true(strlen(d->text_en) > 10);
		assert_true(utf8_valid(d->text_vi));
		assert_true(utf8_valid(d->text_en));
		/* Vietnamese with its diacritics, not folded ASCII */
		assert_true(has_non_ascii(d->text_vi));
		assert_string_not_equal(d->text_vi, d->text_en);
		assert_int_not_equal(d->applies, 0);
		assert_int_equal(d->applies & ~(unsigned)COMPLIANCE_TYPE_ALL, 0);
		/* required only where it applies */
		assert_int_equal(d->required & ~d->applies, 0);
		assert_ptr_equal(compliance_catalogue_find(d->code), d);
	}
	assert_null(compliance_catalogue_find("NO_SUCH_ITEM"));
	assert_null(compliance_catalogue_find(NULL));
	assert_null(compliance_catalogue_find(""));
}

/* Every condition of the 2023–2024 campaigns is there and required for both
 * mini-apartment blocks and boarding houses. */
static void test_catalogue_campaign(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCAMPAIGN; i++) {
		const struct compliance_item_def *d = compliance_catalogue_find(campaign_codes[i]);
		if (!d)
			fail_msg("missing campaign item %s", campaign_codes[i]);
		assert_true(compliance_item_required(d, COMPLIANCE_TYPE_MINI_APARTMENT));
		assert_true(compliance_item_required(d, COMPLIANCE_TYPE_BOARDING));
	}
	/* the texts say what the conditions are */
	const struct {
		const char *code, *vi, *en;
	} words[] = {
		{ "LOI_THOAT_NAN_2", "lối thoát nạn thứ hai", "second escape route" },
		{ "NGAN_CHAY_KHU_DE_XE", "cửa ngăn cháy", "fire door" },
		{ "THANG_THOAT_NAN", "thang", "ladder" },
		{ "BAO_CHAY_MOI_PHONG", "mỗi phòng", "each room" },
		{ "DEN_SU_CO_CHI_DAN", "đèn chiếu sáng sự cố", "exit signs" },
		{ "BINH_CHUA_CHAY", "bình chữa cháy tại mỗi tầng", "parking" },
		{ "HO_SO_PCCC", "hồ sơ", "file" },
		{ "PHUONG_AN_CHUA_CHAY", "phương án chữa cháy", "plan" },
		{ "KHONG_SAC_XE_DIEN_HAM", "tầng hầm", "basement" },
		{ "CHUONG_COP_CO_O_THOAT", "Chuồng cọp", "hatch" },
		{ "NGAN_CACH_KINH_DOANH", "kinh doanh", "Business" },
	};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		const struct compliance_item_def *d = compliance_catalogue_find(words[i].code);
		assert_non_null(d);
		if (!strstr(d->text_vi, words[i].vi))
			fail_msg("%s: \"%s\" lacks \"%s\"", d->code, d->text_vi, words[i].vi);
		if (!strstr(d->text_en, words[i].en))
			fail_msg("%s: \"%s\" lacks \"%s\"", d->code, d->text_en, words[i].en);
	}
}

/* Every type has a checklist with at least one required item, so a house
 * of any type can become "dam_bao" after an inspection. */
static void test_items_for_type(void **state)
{
	size_t ncat;
	const struct compliance_item_def *cat = compliance_catalogue(&ncat);
	const struct compliance_item_def *out[64];
	(void)state;
	assert_true(ncat <= 64);
	for (size_t t = 0; t < COMPLIANCE_NTYPES; t++) {
		size_t n = compliance_items_for_type(cat, ncat, all_types[t], out, 64);
		assert_true(n > 0);
		size_t nreq = 0;
		for (size_t i = 0; i < n; i++)
			nreq += (size_t)compliance_item_required(out[i], all_types[t]);
		assert_true(nreq > 0);
		for (size_t i = 0; i < n; i++) {
			assert_true(out[i]->applies & all_types[t]);
			if (i > 0)
				assert_true(out[i] > out[i - 1]); /* catalogue order */
		}
		/* and nothing that applies is left out */
		size_t count = 0;
		for (size_t i = 0; i < ncat; i++)
			count += (cat[i].applies & all_types[t]) != 0;
		assert_int_equal(n, count);
	}
	/* mini apartment: all campaign items */
	size_t n = compliance_items_for_type(cat, ncat, COMPLIANCE_TYPE_MINI_APARTMENT, out, 64);
	for (size_t c = 0; c < NCAMPAIGN; c++) {
		int found = 0;
		for (size_t i = 0; i < n; i++)
			found |= strcmp(out[i]->code, campaign_codes[c]) == 0;
		assert_true(found);
	}
	/* home with business: the business/living separation, required */
	const struct compliance_item_def *biz = compliance_catalogue_find("NGAN_CACH_KINH_DOANH");
	assert_true(compliance_item_required(biz, COMPLIANCE_TYPE_HOME_BUSINESS));
	assert_false(compliance_item_required(biz, COMPLIANCE_TYPE_TUBE_HOUSE));
	assert_int_equal(compliance_items_for_type(biz, 1, COMPLIANCE_TYPE_TUBE_HOUSE, NULL, 0), 0);
	/* a tube house is asked about ladders, but only as a recommendation */
	const struct compliance_item_def *ladder = compliance_catalogue_find("THANG_THOAT_NAN");
	assert_true(ladder->applies & COMPLIANCE_TYPE_TUBE_HOUSE);
	assert_false(compliance_item_required(ladder, COMPLIANCE_TYPE_TUBE_HOUSE));
	/* a facility must keep its file and plan */
	assert_true(compliance_item_required(compliance_catalogue_find("HO_SO_PCCC"),
					     COMPLIANCE_TYPE_FACILITY));
	assert_true(compliance_item_required(compliance_catalogue_find("PHUONG_AN_CHUA_CHAY"),
					     COMPLIANCE_TYPE_FACILITY));
}

static void test_items_for_type_edges(void **state)
{
	size_t ncat;
	const struct compliance_item_def *cat = compliance_catalogue(&ncat);
	const struct compliance_item_def *out[2] = { NULL, NULL };
	(void)state;
	/* cap truncates what is written, not what is counted */
	size_t n = compliance_items_for_type(cat, ncat, COMPLIANCE_TYPE_BOARDING, out, 2);
	assert_true(n > 2);
	assert_non_null(out[0]);
	assert_non_null(out[1]);
	assert_int_equal(compliance_items_for_type(cat, ncat, COMPLIANCE_TYPE_BOARDING, NULL, 0), n);
	/* not exactly one known type */
	assert_int_equal(compliance_items_for_type(cat, ncat, 0, NULL, 0), 0);
	assert_int_equal(compliance_items_for_type(cat, ncat, COMPLIANCE_TYPE_BOARDING |
						    COMPLIANCE_TYPE_MINI_APARTMENT, NULL, 0), 0);
	assert_int_equal(compliance_items_for_type(cat, ncat, 1u << 8, NULL, 0), 0);
	assert_int_equal(compliance_items_for_type(NULL, 5, COMPLIANCE_TYPE_BOARDING, NULL, 0), 0);
	assert_false(compliance_item_required(NULL, COMPLIANCE_TYPE_BOARDING));
	assert_false(compliance_item_required(&cat[0], COMPLIANCE_TYPE_ALL));
}

/* A required bit outside applies is ignored by compliance_item_required. */
static void test_item_required_needs_applies(void **state)
{
	const struct compliance_item_def odd = {
		.code = "X", .text_vi = "x x x x x x", .text_en = "y y y y y y",
		.applies = COMPLIANCE_TYPE_TUBE_HOUSE,
		.required = COMPLIANCE_TYPE_TUBE_HOUSE | COMPLIANCE_TYPE_BOARDING,
	};
	(void)state;
	assert_true(compliance_item_required(&odd, COMPLIANCE_TYPE_TUBE_HOUSE));
	assert_false(compliance_item_required(&odd, COMPLIANCE_TYPE_BOARDING));
}

/* ---- completeness -------------------------------------------------- */

/* Builds an inspection answering every catalogue item for type as pass,
 * with the catalogue's required flags. Returns the count. */
static size_t build_checklist(unsigned type, struct compliance_item_result *items, size_t cap)
{
	size_t ncat;
	const struct compliance_item_def *cat = compliance_catalogue(&ncat);
	const struct compliance_item_def *defs[64];
	size_t n = compliance_items_for_type(cat, ncat, type, defs, 64);
	assert_true(n <= cap);
	for (size_t i = 0; i < n; i++) {
		items[i].code = defs[i]->code;
		items[i].result = PASS;
		items[i].required = compliance_item_required(defs[i], type);
	}
	return n;
}

static void test_find_missing(void **state)
{
	size_t ncat;
	const struct compliance_item_def *cat = compliance_catalogue(&ncat);
	struct compliance_item_result items[65];
	const char *missing[64];
	(void)state;
	size_t n = build_checklist(COMPLIANCE_TYPE_MINI_APARTMENT, items, 64);
	struct compliance_inspection insp = { items, n };
	assert_int_equal(compliance_find_missing(cat, ncat, COMPLIANCE_TYPE_MINI_APARTMENT, &insp,
						 missing, 64), 0);

	/* drop the third item: it is reported missing */
	const char *dropped = items[2].code;
	items[2] = items[n - 1];
	insp.nitems = n - 1;
	assert_int_equal(compliance_find_missing(cat, ncat, COMPLIANCE_TYPE_MINI_APARTMENT, &insp,
						 missing, 64), 1);
	assert_string_equal(missing[0], dropped);

	/* answers outside the catalogue do not count, and do not hurt */
	items[n - 1].code = "EXTRA_ITEM";
	items[n - 1].result = FAIL;
	items[n - 1].required = 0;
	insp.nitems = n;
	assert_int_equal(compliance_find_missing(cat, ncat, COMPLIANCE_TYPE_MINI_APARTMENT, &insp,
						 missing, 64), 1);

	/* no inspection: everything that applies is missing; cap truncates */
	size_t all = compliance_items_for_type(cat, ncat, COMPLIANCE_TYPE_MINI_APARTMENT, NULL, 0);
	assert_int_equal(compliance_find_missing(cat, ncat, COMPLIANCE_TYPE_MINI_APARTMENT, NULL,
						 missing, 64), all);
	missing[1] = NULL;
	assert_int_equal(compliance_find_missing(cat, ncat, COMPLIANCE_TYPE_MINI_APARTMENT, NULL,
						 missing, 1), all);
	assert_null(missing[1]);
	assert_int_equal(compliance_find_missing(cat, ncat, COMPLIANCE_TYPE_MINI_APARTMENT, NULL,
						 NULL, 0), all);
	/* bad type or catalogue */
	assert_int_equal(compliance_find_missing(cat, ncat, 0, NULL, NULL, 0), 0);
	assert_int_equal(compliance_find_missing(NULL, 3, COMPLIANCE_TYPE_BOARDING, NULL, NULL, 0), 0);
}

/* ---- scenarios ------------------------------------------------------ */

/* A boarding house passes everything, then fails the barred-window hatch
 * and the basement charging rule: "khong_dam_bao" with exactly those. */
static void test_scenario_boarding_house(void **state)
{
	struct compliance_item_result items[64];
	struct compliance_outcome o;
	const char *failing[64], *advisory[64];
	(void)state;
	size_t n = build_checklist(COMPLIANCE_TYPE_BOARDING, items, 64);
	struct compliance_inspection insp = { items, n };
	assert_int_equal(compliance_evaluate(&insp, &o, failing, advisory), 0);
	assert_int_equal(o.status, COMPLIANCE_COMPLIANT);
	assert_string_equal(compliance_status_id(o.status), "dam_bao");

	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i].code, "CHUONG_COP_CO_O_THOAT") == 0 ||
		    strcmp(items[i].code, "KHONG_SAC_XE_DIEN_HAM") == 0 ||
		    strcmp(items[i].code, "DUNG_CU_PHA_DO") == 0)
			items[i].result = FAIL;
	assert_int_equal(compliance_evaluate(&insp, &o, failing, advisory), 0);
	assert_int_equal(o.status, COMPLIANCE_NONCOMPLIANT);
	assert_string_equal(compliance_status_vi(o.status), "Không đảm bảo");
	assert_int_equal(o.nfailing, 2);
	/* catalogue order: basement charging comes before the hatch */
	assert_string_equal(failing[0], "KHONG_SAC_XE_DIEN_HAM");
	assert_string_equal(failing[1], "CHUONG_COP_CO_O_THOAT");
	assert_int_equal(o.nadvisory, 1);
	assert_string_equal(advisory[0], "DUNG_CU_PHA_DO");
}

/* A tube house without a second escape route: recommended only, so the
 * house is compliant on its required items, with an advisory. */
static void test_scenario_tube_house(void **state)
{
	struct compliance_item_result items[64];
	struct compliance_outcome o;
	const char *failing[64], *advisory[64];
	(void)state;
	size_t n = build_checklist(COMPLIANCE_TYPE_TUBE_HOUSE, items, 64);
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i].code, "LOI_THOAT_NAN_2") == 0)
			items[i].result = FAIL;
	struct compliance_inspection insp = { items, n };
	assert_int_equal(compliance_evaluate(&insp, &o, failing, advisory), 0);
	assert_int_equal(o.status, COMPLIANCE_COMPLIANT);
	assert_int_equal(o.nfailing, 0);
	assert_int_equal(o.nadvisory, 1);
	assert_string_equal(advisory[0], "LOI_THOAT_NAN_2");

	/* overloaded wiring is required of every house */
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i].code, "DIEN_AN_TOAN") == 0)
			items[i].result = FAIL;
	assert_int_equal(compliance_evaluate(&insp, &o, failing, advisory), 0);
	assert_int_equal(o.status, COMPLIANCE_NONCOMPLIANT);
	assert_int_equal(o.nfailing, 1);
	assert_string_equal(failing[0], "DIEN_AN_TOAN");
}

/* A home with a business where the shop is not separated from the home. */
static void test_scenario_home_business(void **state)
{
	struct compliance_item_result items[64];
	struct compliance_outcome o;
	const char *failing[64];
	(void)state;
	size_t n = build_checklist(COMPLIANCE_TYPE_HOME_BUSINESS, items, 64);
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i].code, "NGAN_CACH_KINH_DOANH") == 0)
			items[i].result = FAIL;
		else if (strcmp(items[i].code, "NGAN_CHAY_KHU_DE_XE") == 0)
			items[i].result = NA;
	struct compliance_inspection insp = { items, n };
	assert_int_equal(compliance_evaluate(&insp, &o, failing, NULL), 0);
	assert_int_equal(o.status, COMPLIANCE_NONCOMPLIANT);
	assert_int_equal(o.nfailing, 1);
	assert_string_equal(failing[0], "NGAN_CACH_KINH_DOANH");
	assert_int_equal(o.nnot_applicable, 1);
}

/* ---- versioned catalogue -------------------------------------------- */

/* A small version: ITEM_A for boarding houses (required) and tube houses,
 * ITEM_B for hotels and karaoke only, ITEM_C for every facility, ITEM_D
 * inactive. */
static const struct compliance_item_def small[] = {
	{ .code = "ITEM_A", .text_vi = "Có lối thoát nạn thứ hai", .text_en = "Second exit",
	  .applies = COMPLIANCE_TYPE_BOARDING | COMPLIANCE_TYPE_TUBE_HOUSE,
	  .required = COMPLIANCE_TYPE_BOARDING, .position = 10 },
	{ .code = "ITEM_B", .text_vi = "Có hệ thống báo cháy", .text_en = "Fire alarm",
	  .applies = COMPLIANCE_TYPE_FACILITY, .required = COMPLIANCE_TYPE_FACILITY,
	  .categories = "hotel entertainment", .position = 20 },
	{ .code = "ITEM_C", .text_vi = "Có hồ sơ PCCC", .text_en = "Fire file",
	  .applies = COMPLIANCE_TYPE_FACILITY, .required = 0, .categories = "", .position = 30 },
	{ .code = "ITEM_D", .text_vi = "Điều kiện cũ", .text_en = "Old item",
	  .applies = COMPLIANCE_TYPE_BOARDING, .required = COMPLIANCE_TYPE_BOARDING,
	  .position = 40, .inactive = 1 },
};
#define NSMALL (sizeof small / sizeof small[0])

static void test_types_parse_format(void **state)
{
	unsigned t = 99;
	char buf[160];
	(void)state;
	assert_int_equal(compliance_types_parse("boarding_house  facility tube_house", &t), 0);
	assert_int_equal(t, COMPLIANCE_TYPE_BOARDING | COMPLIANCE_TYPE_FACILITY |
			 COMPLIANCE_TYPE_TUBE_HOUSE);
	assert_int_equal(compliance_types_parse("", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(compliance_types_parse(NULL, &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(compliance_types_parse("boarding_house boarding_house", &t), 0);
	assert_int_equal(t, COMPLIANCE_TYPE_BOARDING);
	assert_int_equal(compliance_types_parse("boarding_house nha_la", &t), -1);
	assert_int_equal(compliance_types_parse("Boarding_house", &t), -1);
	assert_int_equal(compliance_types_parse("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", &t), -1);

	/* table order, whatever the bit order given */
	size_t n = compliance_types_format(COMPLIANCE_TYPE_FACILITY | COMPLIANCE_TYPE_TUBE_HOUSE,
					   buf, sizeof buf);
	assert_string_equal(buf, "tube_house facility");
	assert_int_equal(n, strlen("tube_house facility"));
	assert_int_equal(compliance_types_format(0, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	/* round trip of every type set bit by bit, and all of them */
	assert_true(compliance_types_format(COMPLIANCE_TYPE_ALL, buf, sizeof buf) < sizeof buf);
	assert_int_equal(compliance_types_parse(buf, &t), 0);
	assert_int_equal(t, COMPLIANCE_TYPE_ALL);
	/* too small: empty and (size_t)-1 */
	assert_int_equal(compliance_types_format(COMPLIANCE_TYPE_ALL, buf, 20), (size_t)-1);
	assert_string_equal(buf, "");
	assert_int_equal(compliance_types_format(COMPLIANCE_TYPE_OTHER, buf, 5), (size_t)-1);
	assert_int_equal(compliance_types_format(COMPLIANCE_TYPE_OTHER, buf, 6), 5);
	assert_int_equal(compliance_types_format(COMPLIANCE_TYPE_OTHER, NULL, 0), (size_t)-1);
}

static void test_category_listed(void **state)
{
	(void)state;
	assert_true(compliance_category_listed("hotel entertainment", "hotel"));
	assert_true(compliance_category_listed("hotel entertainment", "entertainment"));
	assert_false(compliance_category_listed("hotel entertainment", "hote"));
	assert_false(compliance_category_listed("hotel entertainment", "entertainments"));
	assert_false(compliance_category_listed("hotel", "office"));
	assert_false(compliance_category_listed("hotel", NULL));
	assert_true(compliance_category_listed("", "office"));
	assert_true(compliance_category_listed("   ", "office"));
	assert_true(compliance_category_listed(NULL, NULL));
}

static void test_item_applies_and_lists(void **state)
{
	const struct compliance_item_def *out[8];
	(void)state;
	assert_true(compliance_item_applies(&small[0], COMPLIANCE_TYPE_BOARDING, NULL));
	assert_true(compliance_item_applies(&small[0], COMPLIANCE_TYPE_TUBE_HOUSE, NULL));
	assert_false(compliance_item_applies(&small[0], COMPLIANCE_TYPE_MINI_APARTMENT, NULL));
	/* a category narrows facilities only */
	assert_true(compliance_item_applies(&small[1], COMPLIANCE_TYPE_FACILITY, "hotel"));
	assert_false(compliance_item_applies(&small[1], COMPLIANCE_TYPE_FACILITY, "office"));
	assert_false(compliance_item_applies(&small[1], COMPLIANCE_TYPE_FACILITY, NULL));
	assert_true(compliance_item_applies(&small[2], COMPLIANCE_TYPE_FACILITY, "office"));
	assert_true(compliance_item_applies(&small[2], COMPLIANCE_TYPE_FACILITY, NULL));
	/* inactive items are never asked */
	assert_false(compliance_item_applies(&small[3], COMPLIANCE_TYPE_BOARDING, NULL));
	assert_false(compliance_item_applies(NULL, COMPLIANCE_TYPE_BOARDING, NULL));
	assert_false(compliance_item_applies(&small[0], COMPLIANCE_TYPE_BOARDING |
					     COMPLIANCE_TYPE_TUBE_HOUSE, NULL));

	assert_int_equal(compliance_items_for(small, NSMALL, COMPLIANCE_TYPE_BOARDING, NULL, out, 8), 1);
	assert_ptr_equal(out[0], &small[0]);
	assert_int_equal(compliance_items_for(small, NSMALL, COMPLIANCE_TYPE_FACILITY, "hotel", out, 8),
			 2);
	assert_ptr_equal(out[0], &small[1]);
	assert_ptr_equal(out[1], &small[2]);
	assert_int_equal(compliance_items_for(small, NSMALL, COMPLIANCE_TYPE_FACILITY, "office", out,
					      8), 1);
	assert_ptr_equal(out[0], &small[2]);
	assert_int_equal(compliance_items_for(NULL, 3, COMPLIANCE_TYPE_FACILITY, NULL, out, 8), 0);
	/* the old per-type list skips inactive items too */
	assert_int_equal(compliance_items_for_type(small, NSMALL, COMPLIANCE_TYPE_BOARDING, NULL, 0), 1);

	/* missing answers follow the same rule */
	const char *missing[4];
	struct compliance_item_result ans[] = { { "ITEM_C", PASS, 0 } };
	struct compliance_inspection insp = { ans, 1 };
	assert_int_equal(compliance_find_missing_for(small, NSMALL, COMPLIANCE_TYPE_FACILITY, "hotel",
						     &insp, missing, 4), 1);
	assert_string_equal(missing[0], "ITEM_B");
	assert_int_equal(compliance_find_missing_for(small, NSMALL, COMPLIANCE_TYPE_FACILITY, "office",
						     &insp, missing, 4), 0);
	assert_int_equal(compliance_find_missing_for(small, NSMALL, COMPLIANCE_TYPE_BOARDING, NULL,
						     NULL, missing, 4), 1);
	assert_int_equal(compliance_find_missing(small, NSMALL, COMPLIANCE_TYPE_BOARDING, NULL,
						 NULL, 0), 1);

	assert_ptr_equal(compliance_find(small, NSMALL, "ITEM_C"), &small[2]);
	assert_null(compliance_find(small, NSMALL, "ITEM_X"));
	assert_null(compliance_find(small, NSMALL, NULL));
	assert_null(compliance_find(NULL, 2, "ITEM_A"));
}

/* The same answers give different statuses against two versions: what an
 * inspection's status is depends on the version it names. */
static void test_resolve_against_version(void **state)
{
	struct compliance_item_def v2[NSMALL];
	struct compliance_item_result items[2] = { { "ITEM_A", FAIL, 1 }, { "ITEM_C", PASS, 1 } };
	struct compliance_outcome o;
	size_t bad = 99;
	(void)state;
	/* version 1: ITEM_A fails where it is required (boarding house) */
	assert_int_equal(compliance_resolve(small, NSMALL, COMPLIANCE_TYPE_BOARDING, NULL, items, 1,
					    &bad), 0);
	assert_int_equal(items[0].required, 1);
	assert_int_equal(eval(items, 1, &o, NULL, NULL), 0);
	assert_int_equal(o.status, COMPLIANCE_NONCOMPLIANT);
	/* version 2 makes ITEM_A a recommendation: the same answer is advisory */
	memcpy(v2, small, sizeof v2);
	v2[0].required = 0;
	items[0].required = 1;
	assert_int_equal(compliance_resolve(v2, NSMALL, COMPLIANCE_TYPE_BOARDING, NULL, items, 1, &bad),
			 0);
	assert_int_equal(items[0].required, 0);
	assert_int_equal(eval(items, 1, &o, NULL, NULL), 0);
	assert_int_equal(o.nadvisory, 1);
	assert_int_equal(o.status, COMPLIANCE_UNCHECKED);
	/* required is recomputed whatever the caller put there */
	items[1].required = 1;
	assert_int_equal(compliance_resolve(small, NSMALL, COMPLIANCE_TYPE_FACILITY, "office",
					    &items[1], 1, &bad), 0);
	assert_int_equal(items[1].required, 0);

	/* an answer not asked of the target: index of the first */
	items[1].code = "ITEM_B";
	assert_int_equal(compliance_resolve(small, NSMALL, COMPLIANCE_TYPE_BOARDING, NULL, items, 2,
					    &bad), -1);
	assert_int_equal(bad, 1);
	items[0].code = "ITEM_D"; /* inactive */
	assert_int_equal(compliance_resolve(small, NSMALL, COMPLIANCE_TYPE_BOARDING, NULL, items, 1,
					    &bad), -1);
	assert_int_equal(bad, 0);
	items[0].code = NULL;
	assert_int_equal(compliance_resolve(small, NSMALL, COMPLIANCE_TYPE_BOARDING, NULL, items, 1,
					    NULL), -1);
	items[0].code = "ITEM_B";
	assert_int_equal(compliance_resolve(small, NSMALL, COMPLIANCE_TYPE_FACILITY, "office", items, 1,
					    &bad), -1);
	assert_int_equal(compliance_resolve(small, NSMALL, COMPLIANCE_TYPE_FACILITY, "hotel", items, 1,
					    &bad), 0);
	assert_int_equal(items[0].required, 1);
	assert_int_equal(compliance_resolve(small, NSMALL, COMPLIANCE_TYPE_BOARDING, NULL, NULL, 1,
					    &bad), -1);
	assert_int_equal(compliance_resolve(small, NSMALL, COMPLIANCE_TYPE_BOARDING, NULL, NULL, 0,
					    &bad), 0);
	assert_int_equal(compliance_resolve(small, NSMALL, COMPLIANCE_TYPE_BOARDING, NULL, items,
					    COMPLIANCE_MAX_ITEMS + 1, &bad), -1);
}

static void expect_invalid(const struct compliance_item_def *d, const char *field)
{
	struct compliance_error e = { NULL, NULL };
	assert_int_equal(compliance_item_validate(d, &e), -1);
	if (!e.field || strcmp(e.field, field) != 0)
		fail_msg("expected field %s, got %s", field, e.field ? e.field : "(null)");
	assert_non_null(e.message);
	assert_non_null(strstr(e.message, " / ")); /* Vietnamese / English */
	assert_true(has_non_ascii(e.message));
}

static void test_item_validate(void **state)
{
	struct compliance_item_def d;
	struct compliance_error e;
	char big[COMPLIANCE_LEGAL_MAX + 2];
	(void)state;
	/* every built-in item is valid */
	size_t n;
	const struct compliance_item_def *cat = compliance_catalogue(&n);
	for (size_t i = 0; i < n; i++)
		if (compliance_item_validate(&cat[i], &e) != 0)
			fail_msg("%s: %s %s", cat[i].code, e.field, e.message);
	for (size_t i = 0; i < NSMALL; i++)
		assert_int_equal(compliance_item_validate(&small[i], &e), 0);

	d = small[0];
	d.code = "ab";
	expect_invalid(&d, "code");
	d.code = NULL;
	expect_invalid(&d, "code");
	d = small[0];
	d.text_vi = " \t ";
	expect_invalid(&d, "title_vi");
	d.text_vi = NULL;
	expect_invalid(&d, "title_vi");
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	d = small[0];
	d.text_vi = big + (sizeof big - 1 - COMPLIANCE_TITLE_MAX); /* exactly the limit */
	assert_int_equal(compliance_item_validate(&d, &e), 0);
	d.text_vi = big + (sizeof big - 2 - COMPLIANCE_TITLE_MAX);
	expect_invalid(&d, "title_vi");
	d = small[0];
	d.text_en = NULL; /* English is optional */
	assert_int_equal(compliance_item_validate(&d, &e), 0);
	d.text_en = big;
	expect_invalid(&d, "title_en");
	d = small[0];
	d.legal_basis = big + 1; /* exactly COMPLIANCE_LEGAL_MAX */
	assert_int_equal(compliance_item_validate(&d, &e), 0);
	d.legal_basis = big;
	expect_invalid(&d, "legal_basis");
	d = small[0];
	d.applies = 0;
	d.required = 0;
	expect_invalid(&d, "applies");
	d.applies = 1u << 9;
	expect_invalid(&d, "applies");
	d = small[0];
	d.required = COMPLIANCE_TYPE_MINI_APARTMENT;
	expect_invalid(&d, "required");
	d = small[0];
	d.categories = "hotel";
	expect_invalid(&d, "categories");       /* not a facility item */
	d = small[1];
	d.categories = "hotel khong_co";
	expect_invalid(&d, "categories");
	d.categories = "hotel supermarket_old"; /* unknown in both decrees */
	expect_invalid(&d, "categories");
	d.categories = "   ";                   /* blank = every category */
	assert_int_equal(compliance_item_validate(&d, &e), 0);
	d = small[0];
	d.position = -1;
	expect_invalid(&d, "position");
	d.position = COMPLIANCE_POSITION_MAX + 1;
	expect_invalid(&d, "position");
	d.position = COMPLIANCE_POSITION_MAX;
	assert_int_equal(compliance_item_validate(&d, &e), 0);
	assert_int_equal(compliance_item_validate(NULL, &e), -1);
}

static void test_publishable(void **state)
{
	struct compliance_publish_error pe;
	struct compliance_item_def v[32];
	size_t n;
	const struct compliance_item_def *cat = compliance_catalogue(&n);
	(void)state;
	assert_true(n <= 31);
	/* the built-in catalogue (version 1) is publishable */
	assert_int_equal(compliance_catalogue_publishable(cat, n, &pe), 0);

	/* the small one lacks required items for most types */
	assert_int_equal(compliance_catalogue_publishable(small, NSMALL, &pe), -1);
	assert_int_equal(pe.type, COMPLIANCE_TYPE_TUBE_HOUSE);
	assert_string_equal(pe.err.field, "required");
	assert_null(pe.code);

	/* deactivating every item required of tube houses */
	memcpy(v, cat, n * sizeof *v);
	for (size_t i = 0; i < n; i++)
		if (v[i].required & COMPLIANCE_TYPE_TUBE_HOUSE)
			v[i].inactive = 1;
	assert_int_equal(compliance_catalogue_publishable(v, n, &pe), -1);
	assert_int_equal(pe.type, COMPLIANCE_TYPE_TUBE_HOUSE);
	/* ... an inactive item does not count even if required */

	/* an invalid item is named */
	memcpy(v, cat, n * sizeof *v);
	v[3].text_vi = "";
	assert_int_equal(compliance_catalogue_publishable(v, n, &pe), -1);
	assert_string_equal(pe.code, cat[3].code);
	assert_string_equal(pe.err.field, "title_vi");
	assert_int_equal(pe.type, 0);

	/* a repeated code */
	memcpy(v, cat, n * sizeof *v);
	v[n] = cat[0];
	assert_int_equal(compliance_catalogue_publishable(v, n + 1, &pe), -1);
	assert_string_equal(pe.err.field, "code");
	assert_string_equal(pe.code, cat[0].code);

	/* nothing active */
	memcpy(v, cat, n * sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i].inactive = 1;
	assert_int_equal(compliance_catalogue_publishable(v, n, &pe), -1);
	assert_string_equal(pe.err.field, "items");
	assert_int_equal(compliance_catalogue_publishable(NULL, 0, &pe), -1);
	assert_int_equal(compliance_catalogue_publishable(v, 0, NULL), -1);

	/* a new item and one deactivated (not required anywhere) is fine */
	memcpy(v, cat, n * sizeof *v);
	v[n] = small[0];
	v[n - 1].inactive = 1;
	assert_int_equal(compliance_catalogue_publishable(v, n + 1, &pe), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_inspection),
		cmocka_unit_test(test_all_required_pass),
		cmocka_unit_test(test_required_fail),
		cmocka_unit_test(test_single_required_fail),
		cmocka_unit_test(test_optional_fail_is_advisory),
		cmocka_unit_test(test_required_and_optional_fail),
		cmocka_unit_test(test_not_applicable),
		cmocka_unit_test(test_nothing_required_checked),
		cmocka_unit_test(test_lists_optional),
		cmocka_unit_test(test_required_flag_nonzero),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_item_limit),
		cmocka_unit_test(test_code_valid),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_result_names),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_catalogue_shape),
		cmocka_unit_test(test_catalogue_campaign),
		cmocka_unit_test(test_items_for_type),
		cmocka_unit_test(test_items_for_type_edges),
		cmocka_unit_test(test_item_required_needs_applies),
		cmocka_unit_test(test_find_missing),
		cmocka_unit_test(test_scenario_boarding_house),
		cmocka_unit_test(test_scenario_tube_house),
		cmocka_unit_test(test_scenario_home_business),
		cmocka_unit_test(test_types_parse_format),
		cmocka_unit_test(test_category_listed),
		cmocka_unit_test(test_item_applies_and_lists),
		cmocka_unit_test(test_resolve_against_version),
		cmocka_unit_test(test_item_validate),
		cmocka_unit_test(test_publishable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
