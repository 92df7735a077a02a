/* `pccc import units FILE`: reads a GSO catalogue of the legacy 3-level
 * administrative units (CSV, see import.h) and upserts it in one
 * transaction. The parser (units_gso_parse) is a pure function: every bad
 * row is reported by line with a Vietnamese (then English) message, and one
 * bad row means nothing is written and the exit code is 1. */
#include "cmd/import.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "cmd/cmd.h"
#include "cmd/register_cmd.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/fold.h"
#include "core/log.h"

#define GSO_NCOLS 8
#define IMPORT_MAX_BYTES (256u << 20)

static const char *const gso_header[GSO_NCOLS] = {
	"Mã", "Tên", "Tên Tiếng Anh", "Cấp", "Mã QH", "Quận Huyện", "Mã TP", "Tỉnh / Thành Phố",
};

/* ---- CSV records ------------------------------------------------------ */

struct csv {
	const char *p, *end;
	int line;               /* current line (1-based) */
};

struct record {
	struct buf f[GSO_NCOLS];
	int nf;                 /* fields seen (may exceed GSO_NCOLS) */
	int line;               /* line the record starts on */
	const char *bad;        /* syntax error message, or NULL */
	int quoted[GSO_NCOLS];
};

/* Reads one record. Returns 0 at end of input, 1 otherwise (r->bad set on
 * a syntax error, the rest of the record skipped). */
static int csv_next(struct csv *c, struct record *r)
{
	if (c->p >= c->end)
		return 0;
	for (int i = 0; i < GSO_NCOLS; i++) {
		buf_reset(&r->f[i]);
		buf_append(&r->f[i], "", 0);
		r->quoted[i] = 0;
	}
	r->nf = 0;
	r->line = c->line;
	r->bad = NULL;
	for (;;) {
		struct buf *f = r->nf < GSO_NCOLS ? &r->f[r->nf] : NULL;
		if (c->p < c->end && *c->p == '"') {
			if (f)
				r->quoted[r->nf] = 1;
			c->p++;
			for (;;) {
				if (c->p >= c->end) {
					r->bad = "thiếu dấu ngoặc kép đóng / unterminated quoted field";
					r->nf++;
					return 1;
				}
				char ch = *c->p++;
				if (ch == '"') {
					if (c->p < c->end && *c->p == '"') {
						c->p++;
					} else {
						break;
					}
				}
				if (ch == '\n')
					c->line++;
				if (f)
					buf_putc(f, ch);
			}
			if (c->p < c->end && *c->p != ',' && *c->p != '\n' &&
			    !(*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n') &&
			    !(*c->p == '\r' && c->p + 1 == c->end)) {
				r->bad = "ký tự sau dấu ngoặc kép đóng / text after a closing quote";
				while (c->p < c->end && *c->p != '\n')
					c->p++;
			}
		} else {
			const char *s = c->p;
			while (c->p < c->end && *c->p != ',' && *c->p != '\n')
				c->p++;
			size_t n = (size_t)(c->p - s);
			if (n && s[n - 1] == '\r' && (c->p >= c->end || *c->p == '\n'))
				n--;
			if (f)
				buf_append(f, s, n);
		}
		r->nf++;
		if (c->p >= c->end)
			return 1;
		if (*c->p == ',') {
			c->p++;
			continue;
		}
		if (*c->p == '\r')
			c->p++;
		if (c->p < c->end && *c->p == '\n') {
			c->p++;
			c->line++;
		}
		return 1;
	}
}

/* ---- checks --------------------------------------------------------- */

static int utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned char c = p[i];
		size_t n;
		uint32_t v, min;
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			n = 2; v = c & 0x1F; min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 3; v = c & 0x0F; min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 4; v = c & 0x07; min = 0x10000;
		} else {
			return 0;
		}
		if (len - i < n)
			return 0;
		for (size_t k = 1; k < n; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return 0;
			v = (v << 6) | (p[i + k] & 0x3F);
		}
		if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			return 0;
		i += n;
	}
	return 1;
}

/* Trims ASCII spaces and tabs in place. */
static void trim(struct buf *b)
{
	size_t s = 0, e = b->len;
	while (s < e && (b->data[s] == ' ' || b->data[s] == '\t'))
		s++;
	while (e > s && (b->data[e - 1] == ' ' || b->data[e - 1] == '\t'))
		e--;
	memmove(b->data, b->data + s, e - s);
	b->len = e - s;
	b->data[b->len] = '\0';
}

struct parse {
	json_t *errors;
	int nerrors;
	struct unit_row *rows;
	size_t n, cap;
	json_t *seen;            /* "c:CODE"/"d:CODE"/"p:CODE" → {"line","name","parent"} */
	int row_bad;             /* current record already reported */
};

static void perr(struct parse *ps, int line, const char *column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void perr(struct parse *ps, int line, const char *column, const char *fmt, ...)
{
	ps->row_bad = 1;
	ps->nerrors++;
	if (ps->nerrors > UNITS_GSO_MAX_ERRORS)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	json_array_append_new(ps->errors,
			      json_pack("{s:i,s:o,s:s}", "line", line,
					"column", column ? json_string(column) : json_null(),
					"message", msg ? msg : "?"));
	free(msg);
}

/* Checks a code of at most width digits and pads it; 0 when good. */
static int code_check(struct parse *ps, int line, const char *column, const char *what_vi,
		      const char *what_en, struct buf *b, int width)
{
	trim(b);
	if (b->len == 0) {
		perr(ps, line, column, "thiếu %s (cột «%s») / missing %s", what_vi, column, what_en);
		return -1;
	}
	for (size_t i = 0; i < b->len; i++) {
		if (b->data[i] < '0' || b->data[i] > '9' || b->len > (size_t)width) {
			perr(ps, line, column,
			     "%s «%.40s» phải gồm %d chữ số (cột «%s») / %s must be %d digits",
			     what_vi, b->data, width, column, what_en, width);
			return -1;
		}
	}
	if (b->len < (size_t)width) {
		char pad[8];
		snprintf(pad, sizeof pad, "%0*d", width - (int)b->len, 0);
		struct buf t = {0};
		buf_puts(&t, pad);
		buf_append(&t, b->data, b->len);
		buf_free(b);
		*b = t;
	}
	return 0;
}

static int name_check(struct parse *ps, int line, const char *column, const char *what_vi,
		      const char *what_en, struct buf *b)
{
	trim(b);
	if (b->len == 0) {
		perr(ps, line, column, "thiếu %s (cột «%s») / missing %s", what_vi, column, what_en);
		return -1;
	}
	if (b->len > 200) {
		perr(ps, line, column, "%s quá dài (cột «%s») / %s too long", what_vi, column,
		     what_en);
		return -1;
	}
	return 0;
}

/* Type from a name's prefix ("Quận Ba Đình" → "Quận"), compared folded
 * so "Thành Phố Bắc Kạn" (as the GSO writes some) is a "Thành phố"; NULL
 * when none. */
static const char *type_of(const char *name, const char *const *types)
{
	char *fname = fold_dup(name);
	const char *found = NULL;
	for (; *types && !found; types++) {
		char *ft = fold_dup(*types);
		size_t l = strlen(ft);
		if (strncmp(fname, ft, l) == 0 && fname[l] == ' ')
			found = *types;
		free(ft);
	}
	free(fname);
	return found;
}

static struct unit_row *row_add(struct parse *ps, const char *level, const char *code,
				const char *name, const char *type, const char *parent)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 1024;
		ps->rows = xrealloc(ps->rows, ps->cap * sizeof *ps->rows);
	}
	struct unit_row *r = &ps->rows[ps->n++];
	r->scheme = "legacy";
	r->level = level;
	r->code = xstrdup(code);
	r->name = xstrdup(name);
	r->type = xstrdup(type);
	r->parent = parent ? xstrdup(parent) : NULL;
	r->lat = r->lon = r->area_km2 = NAN;
	r->population = -1;
	return r;
}

/* A province or district seen again must say the same; first sighting is
 * recorded. Returns 1 when new, 0 when consistent, -1 when not. */
static int seen_check(struct parse *ps, int line, const char *kind, const char *code,
		      const char *name, const char *parent, const char *column,
		      const char *what_vi, const char *what_en)
{
	char key[32];
	snprintf(key, sizeof key, "%s:%s", kind, code);
	json_t *s = json_object_get(ps->seen, key);
	if (!s) {
		json_object_set_new(ps->seen, key,
				    json_pack("{s:i,s:s,s:s?}", "line", line, "name", name,
					      "parent", parent));
		return 1;
	}
	const char *sname = json_string_value(json_object_get(s, "name"));
	const char *sparent = json_string_value(json_object_get(s, "parent"));
	int sline = (int)json_integer_value(json_object_get(s, "line"));
	if (strcmp(sname, name) != 0) {
		perr(ps, line, column,
		     "%s %s có tên «%s», khác với «%s» ở dòng %d / %s %s named differently "
		     "than on line %d",
		     what_vi, code, name, sname, sline, what_en, code, sline);
		return -1;
	}
	if (parent && sparent && strcmp(parent, sparent) != 0) {
		perr(ps, line, column,
		     "%s %s thuộc %s, khác với %s ở dòng %d / %s %s has another parent than "
		     "on line %d",
		     what_vi, code, parent, sparent, sline, what_en, code, sline);
		return -1;
	}
	return 0;
}

static void gso_record(struct parse *ps, struct record *r)
{
	static const char *const commune_types[] = {"Xã", "Phường", "Thị trấn", NULL};
	static const char *const district_types[] = {"Quận", "Huyện", "Thị xã", "Thành phố", NULL};
	static const char *const province_types[] = {"Thành phố", "Tỉnh", NULL};
	struct buf *f = r->f;
	int line = r->line;

	ps->row_bad = 0;
	if (r->bad) {
		perr(ps, line, NULL, "%s", r->bad);
		return;
	}
	if (r->nf != GSO_NCOLS) {
		perr(ps, line, NULL, "có %d cột, cần %d / has %d columns, expected %d", r->nf,
		     GSO_NCOLS, r->nf, GSO_NCOLS);
		return;
	}
	for (int i = 0; i < GSO_NCOLS; i++) {
		if (!utf8_valid(f[i].data, f[i].len)) {
			perr(ps, line, gso_header[i],
			     "cột «%s» không phải văn bản UTF-8 hợp lệ / column is not valid UTF-8",
			     gso_header[i]);
			return;
		}
	}
	/* Every check runs, so one row can report several columns. */
	code_check(ps, line, "Mã", "mã xã", "commune code", &f[0], 5);
	name_check(ps, line, "Tên", "tên xã", "commune name", &f[1]);
	trim(&f[3]);
	const char *ctype = NULL;
	for (int i = 0; commune_types[i]; i++)
		if (strcmp(f[3].data, commune_types[i]) == 0)
			ctype = commune_types[i];
	if (!ctype) {
		if (f[3].len == 0)
			perr(ps, line, "Cấp", "thiếu cấp (cột «Cấp») / missing level");
		else
			perr(ps, line, "Cấp",
			     "cấp «%.40s» không hợp lệ, cần Xã, Phường hoặc Thị trấn / "
			     "unknown level (want Xã, Phường or Thị trấn)",
			     f[3].data);
	}
	code_check(ps, line, "Mã QH", "mã quận/huyện", "district code", &f[4], 3);
	const char *dtype = NULL;
	if (name_check(ps, line, "Quận Huyện", "tên quận/huyện", "district name", &f[5]) == 0 &&
	    !(dtype = type_of(f[5].data, district_types)))
		perr(ps, line, "Quận Huyện",
		     "tên quận/huyện «%.60s» không bắt đầu bằng Quận, Huyện, Thị xã hay Thành phố"
		     " / district name lacks its type",
		     f[5].data);
	code_check(ps, line, "Mã TP", "mã tỉnh/thành phố", "province code", &f[6], 2);
	const char *ptype = NULL;
	if (name_check(ps, line, "Tỉnh / Thành Phố", "tên tỉnh/thành phố", "province name",
		       &f[7]) == 0 &&
	    !(ptype = type_of(f[7].data, province_types)))
		perr(ps, line, "Tỉnh / Thành Phố",
		     "tên tỉnh/thành phố «%.60s» không bắt đầu bằng Tỉnh hay Thành phố"
		     " / province name lacks its type",
		     f[7].data);
	if (ps->row_bad)
		return;

	char key[32];
	snprintf(key, sizeof key, "c:%s", f[0].data);
	json_t *dup = json_object_get(ps->seen, key);
	if (dup) {
		int sline = (int)json_integer_value(json_object_get(dup, "line"));
		perr(ps, line, "Mã", "mã xã %s trùng với dòng %d / duplicate commune code (line %d)",
		     f[0].data, sline, sline);
		return;
	}
	int pnew = seen_check(ps, line, "p", f[6].data, f[7].data, NULL, "Tỉnh / Thành Phố",
			      "tỉnh/thành phố", "province");
	int dnew = seen_check(ps, line, "d", f[4].data, f[5].data, f[6].data, "Quận Huyện",
			      "quận/huyện", "district");
	if (pnew < 0 || dnew < 0)
		return;
	json_object_set_new(ps->seen, key, json_pack("{s:i,s:s}", "line", line, "name", f[1].data));
	if (pnew)
		row_add(ps, "province", f[6].data, f[7].data, ptype, NULL);
	if (dnew)
		row_add(ps, "district", f[4].data, f[5].data, dtype, f[6].data);
	row_add(ps, "commune", f[0].data, f[1].data, ctype, f[4].data);
}

static int header_ok(struct record *r)
{
	if (r->bad || r->nf != GSO_NCOLS)
		return 0;
	for (int i = 0; i < GSO_NCOLS; i++) {
		trim(&r->f[i]);
		if (strcmp(r->f[i].data, gso_header[i]) != 0)
			return 0;
	}
	return 1;
}

void units_gso_free(struct unit_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((void *)(uintptr_t)rows[i].code);
		free((void *)(uintptr_t)rows[i].name);
		free((void *)(uintptr_t)rows[i].type);
		free((void *)(uintptr_t)rows[i].parent);
	}
	free(rows);
}

int units_gso_parse(const char *data, size_t len, struct unit_row **rows, size_t *n,
		    json_t **errors)
{
	struct parse ps = {.errors = json_array(), .seen = json_object()};
	struct csv c = {.p = data, .end = data + len, .line = 1};
	struct record r = {0};
	int got;

	*rows = NULL;
	*n = 0;
	*errors = ps.errors;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		c.p += 3;
	got = csv_next(&c, &r);
	if (!got) {
		perr(&ps, 1, NULL, "tệp rỗng / empty file");
		goto done;
	}
	if (!header_ok(&r)) {
		perr(&ps, r.line, NULL,
		     "dòng tiêu đề phải là «Mã,Tên,Tên Tiếng Anh,Cấp,Mã QH,Quận Huyện,Mã TP,"
		     "Tỉnh / Thành Phố» (danh mục GSO) / header is not the GSO catalogue's");
		goto done;
	}
	while ((got = csv_next(&c, &r)) == 1) {
		if (!r.bad && r.nf == 1 && r.f[0].len == 0 && !r.quoted[0])
			continue; /* blank line */
		gso_record(&ps, &r);
	}
	if (ps.n == 0 && ps.nerrors == 0)
		perr(&ps, c.line, NULL, "không có dòng dữ liệu nào / no data rows");
done:
	if (ps.nerrors > UNITS_GSO_MAX_ERRORS) {
		int more = ps.nerrors - UNITS_GSO_MAX_ERRORS;
		char *msg = xasprintf("... và %d lỗi khác / ... and %d more errors", more, more);
		json_array_append_new(ps.errors, json_pack("{s:n,s:n,s:s}", "line", "column",
							   "message", msg));
		free(msg);
	}
	for (int i = 0; i < GSO_NCOLS; i++)
		buf_free(&r.f[i]);
	json_decref(ps.seen);
	if (ps.nerrors) {
		units_gso_free(ps.rows, ps.n);
		return -1;
	}
	*rows = ps.rows;
	*n = ps.n;
	return 0;
}

/* ---- the command ------------------------------------------------------ */

static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = {0};
	char chunk[65536];
	size_t r;

	if (!f)
		return -1;
	while ((r = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + r > IMPORT_MAX_BYTES) {
			errno = EFBIG;
			goto fail;
		}
		buf_append(&b, chunk, r);
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	*len = b.len;
	*out = buf_take(&b);
	return 0;
fail:
	fclose(f);
	buf_free(&b);
	return -1;
}

static void print_errors(json_t *errors)
{
	size_t i;
	json_t *e;
	json_array_foreach(errors, i, e) {
		json_t *line = json_object_get(e, "line");
		const char *msg = json_string_value(json_object_get(e, "message"));
		if (json_is_integer(line))
			fprintf(stderr, "dòng %lld: %s\n", (long long)json_integer_value(line), msg);
		else
			fprintf(stderr, "%s\n", msg);
	}
}

static int import_units(struct app *app, const char *path)
{
	char *data = NULL;
	size_t len = 0, n = 0;
	struct unit_row *rows = NULL;
	json_t *errors = NULL;
	int rc = 1;

	if (read_file(path, &data, &len) != 0) {
		fprintf(stderr, "pccc: không đọc được tệp %s / cannot read file: %s\n", path,
			strerror(errno));
		return 1;
	}
	if (units_gso_parse(data, len, &rows, &n, &errors) != 0) {
		print_errors(errors);
		fprintf(stderr, "pccc: không nhập gì vì tệp có lỗi / nothing imported: the file has "
				"errors\n");
		goto done;
	}
	int src = store_units_upsert(app->store, rows, n);
	if (src != STORE_OK) {
		fprintf(stderr, "pccc: ghi danh mục thất bại, không nhập gì / writing failed, nothing "
				"imported (%d)\n", src);
		goto done;
	}
	size_t counts[3] = {0};
	for (size_t i = 0; i < n; i++)
		counts[rows[i].level[0] == 'p' ? 0 : rows[i].level[0] == 'd' ? 1 : 2]++;
	printf("Đã nhập %zu đơn vị (%zu tỉnh/thành phố, %zu quận/huyện, %zu xã/phường/thị trấn) "
	       "/ imported %zu units\n",
	       n, counts[0], counts[1], counts[2], n);
	audit_log_import(app, "units", path, data, len, n);
	rc = 0;
done:
	units_gso_free(rows, n);
	json_decref(errors);
	free(data);
	return rc;
}

static void import_usage(void)
{
	fprintf(stderr, "cách dùng / usage: pccc import units FILE [--db PATH] [--data DIR]\n"
			"  units FILE   danh mục đơn vị hành chính cũ (CSV của GSO) / GSO legacy unit "
			"catalogue (CSV)\n"
			"  houses FILE | facilities FILE   nhà, cơ sở (CSV/XLSX, tất cả hoặc không) / "
			"houses, facilities (CSV/XLSX, all or nothing)\n"
			"  residents FILE   dữ liệu dân cư (CSV/XLSX theo số định danh và mã nhà) / "
			"population data\n");
}

int cmd_import(struct app *app, int argc, char **argv)
{
	if (argc < 3 || argv[2][0] == '-') {
		import_usage();
		return 2;
	}
	if (strcmp(argv[1], "units") == 0)
		return import_units(app, argv[2]);
	int rrc = register_import_cmd(app, argv[1], argv[2]);
	if (rrc != -2)
		return rrc;
	fprintf(stderr, "pccc: không biết loại dữ liệu «%s» / unknown import kind\n", argv[1]);
	import_usage();
	return 2;
}

int cmd_import_main(int argc, char **argv)
{
	struct app app;

	if (argc < 3 || argv[1][0] == '-' || argv[2][0] == '-') {
		import_usage();
		return 2;
	}
	if (cmd_app_open(&app, argc, argv, 3) != 0) {
		cmd_app_close(&app);
		return 1;
	}
	int rc = cmd_import(&app, argc, argv);
	cmd_app_close(&app);
	return rc;
}
