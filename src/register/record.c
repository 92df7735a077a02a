/* Field tables of register records: validation of API bodies and reading
 * of spreadsheet cells (see record.h). */
#include "register/record.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/pii.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/fold.h"
#include "register/houseid.h"

int rec_fail(struct rec_error *err, const char *field, const char *vi, const char *en)
{
	if (err) {
		if (snprintf(err->field, sizeof err->field, "%s", field ? field : "") < 0)
			err->field[0] = '\0';
		if (snprintf(err->message, sizeof err->message, "%s / %s", vi, en) < 0)
			err->message[0] = '\0';
	}
	return -1;
}

const struct rec_field *rec_find(const struct rec_field *defs, const char *key)
{
	for (; defs->key; defs++)
		if (strcmp(defs->key, key) == 0)
			return defs;
	return NULL;
}

/* 1 when id is one of the '|'-separated values. */
static int in_values(const char *values, const char *id)
{
	size_t n = strlen(id);
	const char *p = values;
	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncmp(p, id, n) == 0)
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int rec_date_valid(const char *s)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
		return 0;
	int md = mdays[m - 1] + (m == 2 && leap(y));
	return d <= md;
}

void rec_today(char out[11])
{
	time_t t = (time_t)(clock_now_s() + 7 * 3600);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int unit_valid(const char *s)
{
	if (!s || strlen(s) != 5)
		return 0;
	for (int i = 0; i < 5; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int text_ok(const char *s, double max)
{
	size_t n = strlen(s);
	if ((double)n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\t')
			return 0;
	return 1;
}

static int check_doc(json_t *v, const char *key, struct rec_error *err)
{
	const char *k;
	json_t *x;
	if (!json_is_object(v))
		return rec_fail(err, key, "Phải là đối tượng {number, date, issuer}",
				"Must be an object {number, date, issuer}");
	json_object_foreach(v, k, x) {
		if (strcmp(k, "number") != 0 && strcmp(k, "date") != 0 && strcmp(k, "issuer") != 0)
			return rec_fail(err, key, "Chỉ có number, date, issuer",
					"Only number, date, issuer allowed");
		if (json_is_null(x))
			continue;
		if (!json_is_string(x) || !text_ok(json_string_value(x), 200))
			return rec_fail(err, key, "Giá trị văn bản không hợp lệ", "Invalid text value");
		if (strcmp(k, "date") == 0 && !rec_date_valid(json_string_value(x)))
			return rec_fail(err, key, "Ngày phải có dạng YYYY-MM-DD",
					"Date must be YYYY-MM-DD");
	}
	if (!json_is_string(json_object_get(v, "number")))
		return rec_fail(err, key, "Thiếu số văn bản", "Document number missing");
	return 0;
}

static int check_phones(const struct rec_field *f, json_t *v, struct rec_error *err)
{
	size_t i;
	json_t *e;
	if (!json_is_array(v))
		return rec_fail(err, f->key, "Phải là danh sách liên hệ", "Must be a list of contacts");
	if ((double)json_array_size(v) < f->min) {
		char vi[96], en[96];
		snprintf(vi, sizeof vi, "Cần ít nhất %.0f số điện thoại liên hệ", f->min);
		snprintf(en, sizeof en, "At least %.0f contact phone numbers needed", f->min);
		return rec_fail(err, f->key, vi, en);
	}
	if ((double)json_array_size(v) > f->max)
		return rec_fail(err, f->key, "Quá nhiều liên hệ", "Too many contacts");
	json_array_foreach(v, i, e) {
		char norm[PII_PHONE_BUF];
		if (json_is_string(e)) {
			json_t *o = json_object();
			json_object_set_new(o, "name", json_null());
			json_object_set(o, "phone", e);
			json_array_set_new(v, i, o);
			e = o;
		}
		json_t *ph = json_object_get(e, "phone");
		json_t *nm = json_object_get(e, "name");
		if (!json_is_object(e) || json_object_size(e) > 2 + (json_object_get(e, "role") != NULL))
			return rec_fail(err, f->key, "Liên hệ phải là {name, phone}",
					"A contact is {name, phone}");
		if (!json_is_string(ph) || pii_phone_normalize(json_string_value(ph), norm) != 0)
			return rec_fail(err, f->key, "Số điện thoại di động không hợp lệ",
					"Invalid mobile phone number");
		if (nm && !json_is_null(nm) && (!json_is_string(nm) || !text_ok(json_string_value(nm), 100)))
			return rec_fail(err, f->key, "Tên liên hệ không hợp lệ", "Invalid contact name");
		json_object_set_new(e, "phone", json_string(norm));
		for (size_t j = 0; j < i; j++) {
			json_t *p2 = json_object_get(json_array_get(v, j), "phone");
			if (json_is_string(p2) && strcmp(json_string_value(p2), norm) == 0)
				return rec_fail(err, f->key, "Số điện thoại bị lặp",
						"Duplicate phone number");
		}
	}
	return 0;
}

static int check_value(const struct rec_field *f, json_t *obj, json_t *v, struct rec_error *err)
{
	switch (f->kind) {
	case REC_TEXT:
		if (!json_is_string(v))
			return rec_fail(err, f->key, "Phải là chuỗi ký tự", "Must be a string");
		if (!text_ok(json_string_value(v), f->max))
			return rec_fail(err, f->key, "Văn bản quá dài hoặc có ký tự điều khiển",
					"Text too long or has control characters");
		return 0;
	case REC_INT:
	case REC_REAL: {
		double d;
		if (f->kind == REC_INT && !json_is_integer(v))
			return rec_fail(err, f->key, "Phải là số nguyên", "Must be an integer");
		if (!json_is_number(v))
			return rec_fail(err, f->key, "Phải là số", "Must be a number");
		d = json_number_value(v);
		if (!isfinite(d) || d < f->min || d > f->max) {
			char vi[128], en[128];
			snprintf(vi, sizeof vi, "Phải trong khoảng %g đến %g", f->min, f->max);
			snprintf(en, sizeof en, "Must be between %g and %g", f->min, f->max);
			return rec_fail(err, f->key, vi, en);
		}
		if (f->kind == REC_REAL && json_is_integer(v))
			json_object_set_new(obj, f->key, json_real(d));
		return 0;
	}
	case REC_BOOL:
		if (!json_is_boolean(v))
			return rec_fail(err, f->key, "Phải là true hoặc false", "Must be true or false");
		return 0;
	case REC_ENUM:
		if (!json_is_string(v) || !in_values(f->values, json_string_value(v))) {
			char vi[300], en[300];
			snprintf(vi, sizeof vi, "Giá trị không hợp lệ, phải là một trong: %s", f->values);
			snprintf(en, sizeof en, "Invalid value, must be one of: %s", f->values);
			return rec_fail(err, f->key, vi, en);
		}
		return 0;
	case REC_DATE:
		if (!json_is_string(v) || !rec_date_valid(json_string_value(v)))
			return rec_fail(err, f->key, "Ngày phải có dạng YYYY-MM-DD",
					"Date must be YYYY-MM-DD");
		return 0;
	case REC_UNIT:
		if (!json_is_string(v) || !unit_valid(json_string_value(v)))
			return rec_fail(err, f->key, "Mã xã/phường phải gồm 5 chữ số",
					"Commune code must be 5 digits");
		return 0;
	case REC_HOUSEID: {
		char id[HOUSEID_MAX];
		int rc = json_is_string(v) ? houseid_normalize(json_string_value(v), id)
					   : HOUSEID_EFORMAT;
		if (rc != HOUSEID_OK)
			return rec_fail(err, f->key, houseid_error_vi(rc), houseid_error_en(rc));
		json_object_set_new(obj, f->key, json_string(id));
		return 0;
	}
	case REC_PHONES:
		return check_phones(f, v, err);
	case REC_LIST: {
		size_t i;
		json_t *e;
		if (!json_is_array(v))
			return rec_fail(err, f->key, "Phải là danh sách", "Must be a list");
		json_array_foreach(v, i, e) {
			if (!json_is_string(e) || !in_values(f->values, json_string_value(e)))
				return rec_fail(err, f->key, "Danh sách có giá trị không hợp lệ",
						"The list holds an invalid value");
			for (size_t j = 0; j < i; j++)
				if (json_equal(json_array_get(v, j), e))
					return rec_fail(err, f->key, "Giá trị bị lặp", "Duplicate value");
		}
		return 0;
	}
	case REC_DOC:
		return check_doc(v, f->key, err);
	}
	return rec_fail(err, f->key, "Trường không hợp lệ", "Invalid field");
}

int rec_check(const struct rec_field *defs, json_t *obj, int create, struct rec_error *err)
{
	const char *key;
	json_t *v;
	void *tmp;

	if (!json_is_object(obj))
		return rec_fail(err, NULL, "Thân yêu cầu phải là đối tượng JSON",
				"Body must be a JSON object");
	json_object_foreach_safe(obj, tmp, key, v) {
		const struct rec_field *f = rec_find(defs, key);
		if (!f)
			return rec_fail(err, key, "Trường không được phép", "Unknown field");
		if (json_is_null(v)) {
			if (f->flags & REC_REQUIRED)
				return rec_fail(err, key, "Trường bắt buộc", "Required field");
			continue;
		}
		if (check_value(f, obj, v, err) != 0)
			return -1;
	}
	if (create) {
		for (const struct rec_field *f = defs; f->key; f++) {
			if ((f->flags & REC_REQUIRED) && !json_object_get(obj, f->key))
				return rec_fail(err, f->key, "Trường bắt buộc", "Required field");
		}
	}
	return 0;
}

/* ---- cells ------------------------------------------------------------ */

/* The cell without surrounding blanks, in sbuf when it fits (no
 * allocation for the usual short cell), else on the heap. */
static char *trim_dup(const char *s, char *sbuf, size_t cap)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n < cap) {
		memcpy(sbuf, s, n);
		sbuf[n] = '\0';
		return sbuf;
	}
	return xstrndup(s, n);
}

static int parse_number(const char *s, double *out)
{
	char tmp[64];
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof tmp)
		return -1;
	for (size_t i = 0; i <= n; i++)
		tmp[i] = s[i] == ',' ? '.' : s[i];
	char *end;
	double d = strtod(tmp, &end);
	if (*end || !isfinite(d) || tmp[0] == ' ')
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!(isdigit((unsigned char)tmp[i]) || tmp[i] == '.' || tmp[i] == '-' ||
		      tmp[i] == '+' || tmp[i] == 'e' || tmp[i] == 'E'))
			return -1;
	*out = d;
	return 0;
}

/* The id of values matching cell (by id, folded id or folded label). */
static const char *enum_match(const char *values, const char *cell,
			      const char *(*label)(const char *id), char *buf, size_t bufsz)
{
	const char *p = values, *found = NULL;
	/* Fast path: the id or the label exactly as written. */
	while (p && *p && !found) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len < bufsz) {
			memcpy(buf, p, len);
			buf[len] = '\0';
			const char *lab = label ? label(buf) : NULL;
			if (strcmp(buf, cell) == 0 || (lab && strcmp(lab, cell) == 0))
				return buf;
		}
		p = bar ? bar + 1 : NULL;
	}
	p = values;
	char *fc = fold_dup(cell);
	while (p && *p && !found) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len < bufsz) {
			memcpy(buf, p, len);
			buf[len] = '\0';
			const char *lab = label ? label(buf) : NULL;
			char *fl = lab ? fold_dup(lab) : NULL;
			char *fid = fold_dup(buf);
			if (strcmp(buf, cell) == 0 || strcmp(fid, fc) == 0 || (fl && strcmp(fl, fc) == 0))
				found = buf;
			free(fl);
			free(fid);
		}
		p = bar ? bar + 1 : NULL;
	}
	free(fc);
	return found;
}

static int parse_bool(const char *s, int *out)
{
	/* the words as officers write them, before folding */
	static const char *const yes1[] = {"có", "Có", "x", "1", NULL};
	static const char *const no1[] = {"không", "Không", "0", NULL};
	for (int i = 0; yes1[i]; i++)
		if (strcmp(s, yes1[i]) == 0) {
			*out = 1;
			return 0;
		}
	for (int i = 0; no1[i]; i++)
		if (strcmp(s, no1[i]) == 0) {
			*out = 0;
			return 0;
		}
	char *f = fold_dup(s);
	static const char *const yes[] = {"co", "x", "1", "true", "yes", "c", "dung", NULL};
	static const char *const no[] = {"khong", "0", "false", "no", "k", "sai", NULL};
	int rc = -1;
	for (int i = 0; yes[i]; i++)
		if (strcmp(f, yes[i]) == 0) {
			*out = 1;
			rc = 0;
		}
	for (int i = 0; no[i]; i++)
		if (strcmp(f, no[i]) == 0) {
			*out = 0;
			rc = 0;
		}
	free(f);
	return rc;
}

/* Splits s (modified) at ';' into trimmed parts (skipping empty ones). */
static int split_semis(char *s, char **parts, int max)
{
	int n = 0;
	char *save = NULL;
	for (char *t = strtok_r(s, ";", &save); t && n < max; t = strtok_r(NULL, ";", &save)) {
		while (*t == ' ')
			t++;
		size_t len = strlen(t);
		while (len && t[len - 1] == ' ')
			t[--len] = '\0';
		if (*t)
			parts[n++] = t;
	}
	return n;
}

int rec_from_text(const struct rec_field *f, const char *text,
		  const char *(*label)(const char *id), json_t **out, struct rec_error *err)
{
	char sbuf[256];
	char *s = trim_dup(text ? text : "", sbuf, sizeof sbuf);
	json_t *v = NULL;
	int rc = -1;

	*out = NULL;
	if (!*s) {
		rc = 0;
		goto done;
	}
	switch (f->kind) {
	case REC_DATE:
		if (strspn(s, "0123456789") == strlen(s) && strlen(s) <= 6) {
			/* An Excel date serial: days since 1899-12-30. */
			time_t t = (time_t)(atol(s) - 25569) * 86400;
			struct tm tm;
			char d[16];
			gmtime_r(&t, &tm);
			strftime(d, sizeof d, "%Y-%m-%d", &tm);
			v = json_string(d);
			break;
		}
		v = json_string(s);
		if (!v) {
			rec_fail(err, f->key, "Văn bản không phải UTF-8", "Text is not UTF-8");
			goto done;
		}
		break;
	case REC_TEXT:
	case REC_UNIT:
	case REC_HOUSEID:
		v = json_string(s);
		if (!v) {
			rec_fail(err, f->key, "Văn bản không phải UTF-8", "Text is not UTF-8");
			goto done;
		}
		break;
	case REC_INT: {
		double d;
		if (parse_number(s, &d) != 0 || d != floor(d) || fabs(d) > 9e15) {
			rec_fail(err, f->key, "Phải là số nguyên", "Must be an integer");
			goto done;
		}
		v = json_integer((json_int_t)d);
		break;
	}
	case REC_REAL: {
		double d;
		if (parse_number(s, &d) != 0) {
			rec_fail(err, f->key, "Phải là số", "Must be a number");
			goto done;
		}
		v = json_real(d);
		break;
	}
	case REC_BOOL: {
		int b;
		if (parse_bool(s, &b) != 0) {
			rec_fail(err, f->key, "Phải là Có hoặc Không", "Must be yes or no");
			goto done;
		}
		v = json_boolean(b);
		break;
	}
	case REC_ENUM: {
		char buf[64];
		const char *id = enum_match(f->values, s, label, buf, sizeof buf);
		if (!id) {
			rec_fail(err, f->key, "Giá trị không có trong danh mục", "Value not in the list");
			goto done;
		}
		v = json_string(id);
		break;
	}
	case REC_LIST: {
		char *parts[32], buf[64];
		int n = split_semis(s, parts, 32);
		v = json_array();
		for (int i = 0; i < n; i++) {
			const char *id = enum_match(f->values, parts[i], label, buf, sizeof buf);
			if (!id) {
				rec_fail(err, f->key, "Giá trị không có trong danh mục",
					 "Value not in the list");
				goto done;
			}
			json_array_append_new(v, json_string(id));
		}
		break;
	}
	case REC_PHONES: {
		char *parts[16];
		int n = split_semis(s, parts, 16);
		v = json_array();
		for (int i = 0; i < n; i++) {
			/* "Name 0912 345 678": the phone is the trailing run of
			 * digits, spaces, dots, '+' and '-'. */
			char *p = parts[i];
			size_t len = strlen(p), k = len;
			while (k > 0 && (isdigit((unsigned char)p[k - 1]) || strchr(" .+-()", p[k - 1])))
				k--;
			while (k < len && !isdigit((unsigned char)p[k]) && p[k] != '+')
				k++;
			json_t *c = json_object();
			char *name = xstrndup(p, k);
			size_t nl = strlen(name);
			while (nl && strchr(" :-,", name[nl - 1]))
				name[--nl] = '\0';
			json_object_set_new(c, "name", nl ? json_string(name) : json_null());
			json_object_set_new(c, "phone", json_string(p + k));
			free(name);
			if (!json_object_get(c, "name") || !json_object_get(c, "phone")) {
				json_decref(c);
				rec_fail(err, f->key, "Văn bản không phải UTF-8", "Text is not UTF-8");
				goto done;
			}
			json_array_append_new(v, c);
		}
		break;
	}
	case REC_DOC: {
		char *parts[3] = {0};
		int n = split_semis(s, parts, 3);
		v = json_object();
		if (n >= 1)
			json_object_set_new(v, "number", json_string(parts[0]));
		if (n >= 2)
			json_object_set_new(v, "date", json_string(parts[1]));
		if (n >= 3)
			json_object_set_new(v, "issuer", json_string(parts[2]));
		break;
	}
	}
	*out = v;
	v = NULL;
	rc = 0;
done:
	json_decref(v);
	if (s != sbuf)
		free(s);
	return rc;
}
