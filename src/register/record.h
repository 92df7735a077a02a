/* Field tables of register records (houses, facilities): one declaration
 * per field says its JSON key (= column name), kind, bounds and Vietnamese
 * and English labels. The same table validates API bodies (rec_check),
 * reads spreadsheet cells during imports (rec_from_text), names export
 * columns and lets the store bind columns generically. Pure functions, no
 * I/O; messages are "Tiếng Việt / English". */
#ifndef PCCC_REGISTER_RECORD_H
#define PCCC_REGISTER_RECORD_H
#include <jansson.h>

enum rec_kind {
	REC_TEXT,     /* string, max bytes = max */
	REC_INT,      /* integer min..max */
	REC_REAL,     /* number min..max */
	REC_BOOL,     /* true/false (0/1 in the database) */
	REC_ENUM,     /* one of values "a|b|c" */
	REC_DATE,     /* "YYYY-MM-DD" */
	REC_UNIT,     /* 5-digit 2025 commune code */
	REC_HOUSEID,  /* digital house ID (normalised to canonical form) */
	REC_PHONES,   /* [{"name","phone"}], phones normalised; min..max entries */
	REC_LIST,     /* array of ids from values "a|b", no duplicates */
	REC_DOC,      /* {"number","date","issuer"} (a permit, an approval) */
};

#define REC_REQUIRED 0x1   /* must be present (not null) on create */
#define REC_NOEXPORT 0x2   /* left out of CSV/XLSX exports */

struct rec_field {
	const char *key;
	enum rec_kind kind;
	double min, max;
	const char *values;
	unsigned flags;
	const char *vi, *en;
};

struct rec_error {
	char field[48];
	char message[320];
};

/* Checks obj (a JSON object) against defs (terminated by key NULL) and
 * normalises it in place (house IDs and phones to canonical form, numbers
 * of REC_REAL kind to reals). create: required fields must be present.
 * Keys not in defs are refused. 0, or -1 with *err filled. */
int rec_check(const struct rec_field *defs, json_t *obj, int create, struct rec_error *err);

/* The field named key, or NULL. */
const struct rec_field *rec_find(const struct rec_field *defs, const char *key);

/* Reads a spreadsheet cell as the field's value: numbers with "," or "."
 * decimals, booleans as có/không/x/1/0/true/false/yes/no, enum values by id
 * or Vietnamese label (diacritics optional), REC_PHONES as "name phone;
 * phone; ...", REC_LIST as "a; b", REC_DOC as "số; ngày; nơi cấp". An empty
 * (or blank) cell gives *out = NULL and 0. labels: for REC_ENUM/REC_LIST,
 * a function giving the Vietnamese label of an id (may be NULL). 0, or -1
 * with err->message set. */
int rec_from_text(const struct rec_field *f, const char *text,
		  const char *(*label)(const char *id), json_t **out, struct rec_error *err);

/* 1 when s is a valid calendar date "YYYY-MM-DD" between 1900 and 2200. */
int rec_date_valid(const char *s);
/* Today's date "YYYY-MM-DD" (UTC+7, Vietnam) from the injectable clock. */
void rec_today(char out[11]);

/* Sets err; message is "vi / en". Returns -1. */
int rec_fail(struct rec_error *err, const char *field, const char *vi, const char *en);

#endif
