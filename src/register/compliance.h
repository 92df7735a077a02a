/* Fire-safety compliance of a house or a managed facility, derived from its
 * latest inspection, and the built-in catalogue of condition items.
 *
 * An inspection answers condition items: pass, fail or not applicable,
 * each with the `required` flag the catalogue gave it for that house type
 * when the inspection was made. The compliance status follows:
 *   - no inspection                                   → "chua_kiem_tra"
 *   - some required item failed                       → "khong_dam_bao"
 *   - otherwise, at least one required item passed    → "dam_bao"
 *   - otherwise (nothing required was actually
 *     checked: no items, or all not applicable /
 *     optional)                                       → "chua_kiem_tra"
 * A record that checked nothing never makes a house compliant. Failing
 * optional (recommended) items do not change the status; they are
 * reported separately as advisories.
 *
 * The built-in catalogue is version 1 of the admin-editable, versioned
 * catalogue in the database (sql/011_condition_catalogue.sql seeds it with
 * the same codes and texts; store/register_catalogue.h reads and edits it):
 * the conditions of Hà Nội's 2023–2024 campaigns for mini-apartment
 * blocks (chung cư mini) and boarding houses (nhà trọ), plus items for
 * tube houses, homes with a business and other houses. Which items are
 * required per type is a seed default, not a legal text. An inspection
 * records the catalogue version it was made against; compliance_resolve
 * gives each answer the required flag of that version, so publishing a new
 * version never changes the status of an earlier inspection.
 *
 * Pure functions: no I/O, no allocation. Strings returned point into
 * static tables or into the caller's input. */
#ifndef PCCC_REGISTER_COMPLIANCE_H
#define PCCC_REGISTER_COMPLIANCE_H
#include <stddef.h>

#define COMPLIANCE_CATALOGUE_VERSION "1"  /* the built-in catalogue is version 1 */
#define COMPLIANCE_CODE_MAX 32      /* longest item code, NUL excluded */
#define COMPLIANCE_MAX_ITEMS 256    /* most items one inspection may hold */

/* House and facility types, as bits so an item can name several. The
 * string ids (compliance_type_id) are the API values of a house's `type`;
 * COMPLIANCE_TYPE_FACILITY stands for a facility under fire-safety
 * management (any category). */
enum compliance_type {
	COMPLIANCE_TYPE_TUBE_HOUSE = 1u << 0,     /* "tube_house": nhà ống */
	COMPLIANCE_TYPE_DETACHED = 1u << 1,       /* "detached_house": nhà ở riêng lẻ */
	COMPLIANCE_TYPE_MINI_APARTMENT = 1u << 2, /* "mini_apartment": chung cư mini */
	COMPLIANCE_TYPE_BOARDING = 1u << 3,       /* "boarding_house": nhà trọ */
	COMPLIANCE_TYPE_HOME_BUSINESS = 1u << 4,  /* "home_business": nhà ở kết hợp SXKD */
	COMPLIANCE_TYPE_APARTMENT = 1u << 5,      /* "apartment": căn hộ chung cư */
	COMPLIANCE_TYPE_OTHER = 1u << 6,          /* "other": khác */
	COMPLIANCE_TYPE_FACILITY = 1u << 7,       /* "facility": cơ sở quản lý PCCC */
};
#define COMPLIANCE_TYPE_ALL 0xffu
#define COMPLIANCE_NTYPES 8

enum compliance_result {
	COMPLIANCE_PASS = 1,
	COMPLIANCE_FAIL = 2,
	COMPLIANCE_NOT_APPLICABLE = 3,
};

enum compliance_status {
	COMPLIANCE_UNCHECKED = 0,       /* "chua_kiem_tra" */
	COMPLIANCE_COMPLIANT = 1,       /* "dam_bao" */
	COMPLIANCE_NONCOMPLIANT = 2,    /* "khong_dam_bao" */
};

/* One answered item of an inspection. code is borrowed. */
struct compliance_item_result {
	const char *code;
	enum compliance_result result;
	int required;                   /* non-zero: a fail makes khong_dam_bao */
};

/* The latest inspection of a house or facility; pass NULL for none. */
struct compliance_inspection {
	const struct compliance_item_result *items;
	size_t nitems;
};

struct compliance_outcome {
	enum compliance_status status;
	size_t nfailing;        /* required items that failed */
	size_t nadvisory;       /* optional items that failed */
	size_t npassed;         /* items that passed, required or not */
	size_t nnot_applicable;
};

/* Derives the compliance of the inspected house. failing and advisory, when
 * not NULL, must have room for insp->nitems pointers; they receive the codes
 * (borrowed from insp, in input order) of failing required items and of
 * failing optional items. Returns 0, or -1 when the inspection is malformed
 * (NULL items with nitems > 0, more than COMPLIANCE_MAX_ITEMS items, an
 * invalid code — see compliance_code_valid — an unknown result, or the same
 * code twice); on -1, *out says COMPLIANCE_UNCHECKED with zero counts. */
int compliance_evaluate(const struct compliance_inspection *insp, struct compliance_outcome *out,
			const char **failing, const char **advisory);

/* 1 when code is 1..COMPLIANCE_CODE_MAX characters of A-Z, 0-9 and '_'. */
int compliance_code_valid(const char *code);

/* Status and result names: the API ids ("dam_bao", "pass", ...) and the
 * Vietnamese and English labels. Unknown values give NULL. Parsing returns
 * 0 and sets *out, or -1 for an unknown id (or NULL). */
const char *compliance_status_id(enum compliance_status s);
const char *compliance_status_vi(enum compliance_status s);
const char *compliance_status_en(enum compliance_status s);
int compliance_status_parse(const char *id, enum compliance_status *out);
const char *compliance_result_id(enum compliance_result r);
const char *compliance_result_vi(enum compliance_result r);
const char *compliance_result_en(enum compliance_result r);
int compliance_result_parse(const char *id, enum compliance_result *out);

/* House/facility type ids and labels; one bit at a time. */
const char *compliance_type_id(unsigned type);
const char *compliance_type_vi(unsigned type);
const char *compliance_type_en(unsigned type);
int compliance_type_parse(const char *id, unsigned *out);

/* ---- catalogue ------------------------------------------------------ */
struct compliance_item_def {
	const char *code;       /* stable id, e.g. "LOI_THOAT_NAN_2" */
	const char *text_vi;
	const char *text_en;
	unsigned applies;       /* types the item is asked for */
	unsigned required;      /* subset of applies where it is required: the
				 * item's severity (a fail there makes the target
				 * "khong_dam_bao"; elsewhere it is an advisory) */
	const char *legal_basis;  /* căn cứ pháp lý; NULL or "" when none */
	const char *categories;   /* facility category ids, space-separated,
				   * narrowing COMPLIANCE_TYPE_FACILITY; NULL or
				   * "" = every category */
	int position;           /* display order, ascending */
	int inactive;           /* non-zero: kept for history, no longer asked */
};

#define COMPLIANCE_TITLE_MAX 500      /* bytes of text_vi / text_en */
#define COMPLIANCE_LEGAL_MAX 1000     /* bytes of legal_basis */
#define COMPLIANCE_CATEGORIES_MAX 1000
#define COMPLIANCE_POSITION_MAX 100000

/* A refusal: the field (API name) and a "Tiếng Việt / English" message. */
struct compliance_error {
	const char *field;
	const char *message;
};

/* The built-in catalogue (COMPLIANCE_CATALOGUE_VERSION): a static array
 * of *n items. */
const struct compliance_item_def *compliance_catalogue(size_t *n);
/* The built-in item with this code, or NULL. */
const struct compliance_item_def *compliance_catalogue_find(const char *code);

/* The items of defs[0..ndefs) that apply to type (one bit), in catalogue
 * order: writes up to cap pointers into out (may be NULL when cap is 0) and
 * returns how many apply. */
size_t compliance_items_for_type(const struct compliance_item_def *defs, size_t ndefs,
				 unsigned type, const struct compliance_item_def **out, size_t cap);

/* 1 when def is required for type, 0 when optional or not applicable. */
int compliance_item_required(const struct compliance_item_def *def, unsigned type);

/* The items of defs that apply to type but have no answer in insp — an
 * inspection is complete when this is 0. Writes up to cap codes into
 * missing (may be NULL when cap is 0) and returns how many are missing.
 * insp NULL counts as answering nothing. Answers for codes outside the
 * catalogue are ignored here. */
size_t compliance_find_missing(const struct compliance_item_def *defs, size_t ndefs, unsigned type,
			       const struct compliance_inspection *insp, const char **missing,
			       size_t cap);


/* ---- versioned catalogue (rules for the database copy) --------------- */

/* Type lists as the database and the API keep them: ids separated by
 * spaces ("mini_apartment boarding_house facility"). Parsing sets *out to
 * the bits ("" or NULL → 0) and returns 0, or -1 for an unknown id (a
 * repeated id is accepted). Formatting writes the ids of the bits in
 * table order, NUL-terminated, and returns the length, or (size_t)-1 when
 * cap is too small (buf then holds ""). 160 bytes always suffice. */
int compliance_types_parse(const char *list, unsigned *out);
size_t compliance_types_format(unsigned types, char *buf, size_t cap);

/* 1 when the space-separated list names category (whole words only); an
 * empty or NULL list names every category; a NULL category matches only
 * an empty list. */
int compliance_category_listed(const char *categories, const char *category);

/* 1 when def is asked of a target of type (one bit): active, applies to
 * type, and — for COMPLIANCE_TYPE_FACILITY — lists the facility's category
 * (category may be NULL: then only items for every category). */
int compliance_item_applies(const struct compliance_item_def *def, unsigned type,
			    const char *category);

/* The item of defs[0..n) with this code, or NULL. */
const struct compliance_item_def *compliance_find(const struct compliance_item_def *defs, size_t n,
						  const char *code);

/* As compliance_items_for_type and compliance_find_missing, with the
 * facility category and skipping inactive items (compliance_item_applies). */
size_t compliance_items_for(const struct compliance_item_def *defs, size_t ndefs, unsigned type,
			    const char *category, const struct compliance_item_def **out,
			    size_t cap);
size_t compliance_find_missing_for(const struct compliance_item_def *defs, size_t ndefs,
				   unsigned type, const char *category,
				   const struct compliance_inspection *insp, const char **missing,
				   size_t cap);

/* Resolves the answers of an inspection against the catalogue version it
 * was made with: every items[i].code must name an item of defs that
 * compliance_item_applies to type/category; items[i].required is set from
 * that version (whatever it held). Returns 0, or -1 with *bad (may be
 * NULL) the index of the first answer that is not asked of this target
 * (n > COMPLIANCE_MAX_ITEMS or NULL items with n > 0: *bad = 0). Then
 * compliance_evaluate derives the status. */
int compliance_resolve(const struct compliance_item_def *defs, size_t ndefs, unsigned type,
		       const char *category, struct compliance_item_result *items, size_t n,
		       size_t *bad);

/* Checks one item of a draft: code (compliance_code_valid), text_vi
 * (1..COMPLIANCE_TITLE_MAX bytes, not only spaces), text_en (at most
 * COMPLIANCE_TITLE_MAX), legal_basis (at most COMPLIANCE_LEGAL_MAX),
 * applies (non-zero, known bits), required (within applies), categories
 * (known facility category ids of either decree, only when applies holds
 * COMPLIANCE_TYPE_FACILITY, at most COMPLIANCE_CATEGORIES_MAX bytes),
 * position (0..COMPLIANCE_POSITION_MAX). Returns 0, or -1 and *err (field
 * names of the API: code, title_vi, title_en, legal_basis, applies,
 * required, categories, position). */
int compliance_item_validate(const struct compliance_item_def *def, struct compliance_error *err);

/* Whether a draft of n items may be published: every item valid, codes
 * unique, at least one active item, and every type (the seven house types
 * and facility) has at least one active required item, so that any house
 * or facility can become "dam_bao". Returns 0, or -1 and *out: for a bad
 * item, code is set and err is compliance_item_validate's (field "code"
 * for a repeated code); for a type without an active required item, type
 * is set and err.field is "required"; with no active item at all,
 * err.field is "items". Messages are static "Tiếng Việt / English". */
struct compliance_publish_error {
	struct compliance_error err;
	const char *code;      /* the offending item, or NULL */
	unsigned type;         /* the type lacking a required item, or 0 */
};
int compliance_catalogue_publishable(const struct compliance_item_def *defs, size_t n,
				     struct compliance_publish_error *out);

#endif
