/* CSV and XLSX sheets into rows of cells, and rows into checked records
 * (see importer.h). XLSX: the workbook's first sheet is found through
 * xl/workbook.xml and its relationships (falling back to
 * xl/worksheets/sheet1.xml); shared strings come from xl/sharedStrings.xml;
 * expat parses both with DOCTYPEs refused (no entity expansion at all),
 * and every inflated part is size-limited before it is read. */
#include "register/importer.h"

#include <ctype.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/fold.h"

static void set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

/* The cells' text is copied into large blocks (one allocation for
 * thousands of cells, not one each: a sheet has millions). */
struct sheet_block {
	struct sheet_block *next;
	size_t used, cap;
	char data[];
};

#define SHEET_BLOCK (1u << 20)

static char *sheet_strndup(struct sheet *s, const char *p, size_t n)
{
	struct sheet_block *b = s->blocks;
	if (!b || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > SHEET_BLOCK ? n + 1 : SHEET_BLOCK;
		b = xmalloc(sizeof *b + cap);
		b->next = s->blocks;
		b->used = 0;
		b->cap = cap;
		s->blocks = b;
	}
	char *t = b->data + b->used;
	memcpy(t, p, n);
	t[n] = '\0';
	b->used += n + 1;
	return t;
}

void sheet_free(struct sheet *s)
{
	for (size_t i = 0; i < s->nrows; i++)
		free(s->rows[i].cells);
	free(s->rows);
	while (s->blocks) {
		struct sheet_block *b = s->blocks;
		s->blocks = b->next;
		free(b);
	}
	memset(s, 0, sizeof *s);
}

static struct sheet_row *sheet_add_row(struct sheet *s, int row)
{
	if (s->nrows == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->rows = xrealloc(s->rows, s->cap * sizeof *s->rows);
	}
	struct sheet_row *r = &s->rows[s->nrows++];
	r->row = row;
	r->ncells = 0;
	r->cells = NULL;
	r->cap = 0;
	return r;
}

/* Sets cell col (0-based) of r to text (the sheet's), growing it with
 * empty cells. */
static void row_set(struct sheet_row *r, int col, char *text)
{
	if (col >= r->ncells) {
		if (col >= r->cap) {
			int cap = r->cap ? r->cap : 16;
			while (cap <= col)
				cap *= 2;
			r->cells = xrealloc(r->cells, (size_t)cap * sizeof *r->cells);
			r->cap = cap;
		}
		for (int j = r->ncells; j <= col; j++)
			r->cells[j] = NULL;
		r->ncells = col + 1;
	}
	r->cells[col] = text;
}

static void row_fill(struct sheet *s, struct sheet_row *r)
{
	for (int j = 0; j < r->ncells; j++)
		if (!r->cells[j])
			r->cells[j] = sheet_strndup(s, "", 0);
}

/* ---- CSV ---------------------------------------------------------------- */

int sheet_read_csv(const char *data, size_t len, struct sheet *out, char *err, size_t errlen)
{
	const char *p = data, *end = data + len;
	struct buf cell = {0};
	int recno = 0;
	char sep = ',';

	memset(out, 0, sizeof *out);
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	{
		/* The separator: whichever of ',' ';' '\t' the first line has most. */
		int nc = 0, ns = 0, nt = 0;
		for (const char *q = p; q < end && *q != '\n'; q++) {
			nc += *q == ',';
			ns += *q == ';';
			nt += *q == '\t';
		}
		if (ns > nc && ns >= nt)
			sep = ';';
		else if (nt > nc && nt > ns)
			sep = '\t';
	}
	while (p < end) {
		struct sheet_row *r = sheet_add_row(out, ++recno);
		int col = 0;
		for (;;) {
			buf_reset(&cell);
			buf_append(&cell, "", 0);
			if (p < end && *p == '"') {
				p++;
				for (;;) {
					if (p >= end) {
						char m[160];
						snprintf(m, sizeof m,
							 "Dòng %d: thiếu dấu ngoặc kép đóng / row %d: "
							 "unterminated quoted field", recno, recno);
						set_err(err, errlen, m);
						goto fail;
					}
					if (*p == '"') {
						if (p + 1 < end && p[1] == '"') {
							buf_putc(&cell, '"');
							p += 2;
							continue;
						}
						p++;
						break;
					}
					/* the run up to the next quote at once */
					const char *q = memchr(p, '"', (size_t)(end - p));
					const char *e = q ? q : end;
					buf_append(&cell, p, (size_t)(e - p));
					p = e;
					if (cell.len > SHEET_MAX_CELL)
						goto toolong;
				}
				while (p < end && *p != sep && *p != '\n' && *p != '\r')
					p++; /* text after the closing quote: dropped */
			} else {
				const char *s0 = p;
				while (p < end && *p != sep && *p != '\n' && *p != '\r')
					p++;
				if ((size_t)(p - s0) > SHEET_MAX_CELL)
					goto toolong;
				buf_append(&cell, s0, (size_t)(p - s0));
			}
			if (col >= SHEET_MAX_COLS) {
				set_err(err, errlen, "Quá nhiều cột / too many columns");
				goto fail;
			}
			row_set(r, col++, sheet_strndup(out, cell.data, cell.len));
			if (p < end && *p == sep) {
				p++;
				continue;
			}
			if (p < end && *p == '\r')
				p++;
			if (p < end && *p == '\n')
				p++;
			break;
		}
		row_fill(out, r);
	}
	buf_free(&cell);
	return 0;
toolong:
	set_err(err, errlen, "Ô quá dài / cell too long");
fail:
	buf_free(&cell);
	sheet_free(out);
	return -1;
}

/* ---- XLSX --------------------------------------------------------------- */

/* Reads a zip member fully (NUL-terminated); -1 when absent or too big. */
static int zip_read_all(zip_t *za, const char *name, char **out, size_t *outlen)
{
	zip_stat_t st;
	*out = NULL;
	zip_stat_init(&st);
	if (zip_stat(za, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
	    st.size > SHEET_MAX_XML)
		return -1;
	zip_file_t *zf = zip_fopen(za, name, 0);
	if (!zf)
		return -1;
	char *buf = xmalloc((size_t)st.size + 1);
	size_t got = 0;
	while (got < st.size) {
		zip_int64_t n = zip_fread(zf, buf + got, st.size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	zip_fclose(zf);
	if (got != st.size) {
		free(buf);
		return -1;
	}
	buf[got] = '\0';
	*out = buf;
	*outlen = got;
	return 0;
}

static const char *local_name(const char *n)
{
	const char *c = strrchr(n, ':');
	return c ? c + 1 : n;
}

static const char *attr(const char **atts, const char *name)
{
	for (int i = 0; atts[i]; i += 2)
		if (strcmp(local_name(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

static void XMLCALL no_doctype(void *ud, const XML_Char *name, const XML_Char *sys,
			       const XML_Char *pub, int has_internal)
{
	(void)name;
	(void)sys;
	(void)pub;
	(void)has_internal;
	XML_StopParser((XML_Parser)ud, XML_FALSE);
}

static int xml_run(const char *xml, size_t len, void *ud, XML_StartElementHandler st,
		   XML_EndElementHandler en, XML_CharacterDataHandler cd)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	if (!p)
		return -1;
	XML_SetUserData(p, ud);
	XML_SetElementHandler(p, st, en);
	XML_SetCharacterDataHandler(p, cd);
	XML_SetStartDoctypeDeclHandler(p, no_doctype);
	XML_UseParserAsHandlerArg(p);
	int ok = XML_Parse(p, xml, (int)len, XML_TRUE) == XML_STATUS_OK;
	XML_ParserFree(p);
	return ok ? 0 : -1;
}

/* With XML_UseParserAsHandlerArg the handlers get the parser; the state
 * is its user data. */
#define STATE(ud, type) ((type *)XML_GetUserData((XML_Parser)(ud)))

/* workbook.xml: first <sheet r:id>. rels: Target of that Id. */
struct wb_state {
	char *first_rid;
	const char *want_rid;
	char *target;
};

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct wb_state *s = STATE(ud, struct wb_state);
	const char *ln = local_name(name);
	if (!s->want_rid && strcmp(ln, "sheet") == 0 && !s->first_rid) {
		for (int i = 0; atts[i]; i += 2)
			if (strcmp(local_name(atts[i]), "id") == 0 && strchr(atts[i], ':'))
				s->first_rid = xstrdup(atts[i + 1]);
	}
	if (s->want_rid && strcmp(ln, "Relationship") == 0 && !s->target) {
		const char *id = attr(atts, "Id"), *t = attr(atts, "Target");
		if (id && t && strcmp(id, s->want_rid) == 0)
			s->target = xstrdup(t);
	}
}

static void XMLCALL noop_end(void *ud, const XML_Char *name)
{
	(void)ud;
	(void)name;
}

static void XMLCALL noop_cd(void *ud, const XML_Char *s, int len)
{
	(void)ud;
	(void)s;
	(void)len;
}

static char *first_sheet_path(zip_t *za)
{
	char *xml = NULL;
	size_t len = 0;
	struct wb_state s = {0};
	char *path = NULL;

	if (zip_read_all(za, "xl/workbook.xml", &xml, &len) == 0 &&
	    xml_run(xml, len, &s, wb_start, noop_end, noop_cd) == 0 && s.first_rid) {
		free(xml);
		xml = NULL;
		s.want_rid = s.first_rid;
		if (zip_read_all(za, "xl/_rels/workbook.xml.rels", &xml, &len) == 0 &&
		    xml_run(xml, len, &s, wb_start, noop_end, noop_cd) == 0 && s.target) {
			const char *t = s.target;
			if (t[0] == '/')
				path = xstrdup(t + 1);
			else
				path = xasprintf("xl/%s", t);
		}
	}
	free(xml);
	free(s.first_rid);
	free(s.target);
	if (path && (strstr(path, "..") || zip_name_locate(za, path, 0) < 0)) {
		free(path);
		path = NULL;
	}
	return path ? path : xstrdup("xl/worksheets/sheet1.xml");
}

/* sharedStrings.xml: each <si> → the concatenation of its <t> texts
 * (outside <rPh> phonetic runs). */
struct ss_state {
	char **strs;
	size_t n, cap;
	struct buf cur;
	int in_si, in_t, in_rph;
	int bad;
};

static void XMLCALL ss_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct ss_state *s = STATE(ud, struct ss_state);
	const char *ln = local_name(name);
	(void)atts;
	if (strcmp(ln, "si") == 0) {
		s->in_si = 1;
		buf_reset(&s->cur);
		buf_append(&s->cur, "", 0);
	} else if (strcmp(ln, "rPh") == 0) {
		s->in_rph = 1;
	} else if (strcmp(ln, "t") == 0 && s->in_si && !s->in_rph) {
		s->in_t = 1;
	}
}

static void XMLCALL ss_end(void *ud, const XML_Char *name)
{
	struct ss_state *s = STATE(ud, struct ss_state);
	const char *ln = local_name(name);
	if (strcmp(ln, "si") == 0 && s->in_si) {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 1024;
			s->strs = xrealloc(s->strs, s->cap * sizeof *s->strs);
		}
		s->strs[s->n++] = xstrndup(s->cur.data ? s->cur.data : "", s->cur.len);
		s->in_si = 0;
	} else if (strcmp(ln, "rPh") == 0) {
		s->in_rph = 0;
	} else if (strcmp(ln, "t") == 0) {
		s->in_t = 0;
	}
}

static void XMLCALL ss_cd(void *ud, const XML_Char *str, int len)
{
	struct ss_state *s = STATE(ud, struct ss_state);
	if (s->in_t) {
		if (s->cur.len + (size_t)len > SHEET_MAX_CELL) {
			s->bad = 1;
			return;
		}
		buf_append(&s->cur, str, (size_t)len);
	}
}

/* A worksheet: <row r><c r t><v>|<is><t></c></row>. */
struct ws_state {
	struct sheet *out;
	char **strs;
	size_t nstrs;
	struct sheet_row *row;
	int last_row;
	int col, next_col;
	char type[16];
	struct buf val;
	int in_v, in_is_t;
	int bad;
	const char *why;
};

/* "AB12" → column index 27 (0-based); -1 when malformed. */
static int col_of_ref(const char *ref)
{
	int c = 0, n = 0;
	for (; *ref >= 'A' && *ref <= 'Z'; ref++, n++) {
		c = c * 26 + (*ref - 'A' + 1);
		if (c > SHEET_MAX_COLS)
			return -2;
	}
	return n ? c - 1 : -1;
}

static void XMLCALL ws_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct ws_state *s = STATE(ud, struct ws_state);
	const char *ln = local_name(name);
	if (s->bad)
		return;
	if (strcmp(ln, "row") == 0) {
		const char *r = attr(atts, "r");
		int rn = r ? atoi(r) : s->last_row + 1;
		if (rn <= s->last_row || rn > 10000000) {
			s->bad = 1;
			s->why = "Số dòng không hợp lệ / invalid row number";
			return;
		}
		s->last_row = rn;
		s->row = sheet_add_row(s->out, rn);
		s->next_col = 0;
	} else if (strcmp(ln, "c") == 0 && s->row) {
		const char *r = attr(atts, "r"), *t = attr(atts, "t");
		int c = r ? col_of_ref(r) : s->next_col;
		if (c == -2 || c >= SHEET_MAX_COLS) {
			s->bad = 1;
			s->why = "Quá nhiều cột / too many columns";
			return;
		}
		if (c < 0)
			c = s->next_col;
		s->col = c;
		s->next_col = c + 1;
		snprintf(s->type, sizeof s->type, "%s", t ? t : "n");
		buf_reset(&s->val);
		buf_append(&s->val, "", 0);
	} else if (strcmp(ln, "v") == 0 && s->row) {
		s->in_v = 1;
	} else if (strcmp(ln, "t") == 0 && s->row) {
		s->in_is_t = 1;
	}
}

static void XMLCALL ws_end(void *ud, const XML_Char *name)
{
	struct ws_state *s = STATE(ud, struct ws_state);
	const char *ln = local_name(name);
	if (s->bad)
		return;
	if (strcmp(ln, "v") == 0) {
		s->in_v = 0;
	} else if (strcmp(ln, "t") == 0) {
		s->in_is_t = 0;
	} else if (strcmp(ln, "c") == 0 && s->row) {
		const char *v = s->val.data ? s->val.data : "";
		char *text;
		if (strcmp(s->type, "s") == 0) {
			char *end;
			long idx = strtol(v, &end, 10);
			if (*end || end == v || idx < 0 || (size_t)idx >= s->nstrs) {
				s->bad = 1;
				s->why = "Chuỗi dùng chung không tồn tại / missing shared string";
				return;
			}
			text = sheet_strndup(s->out, s->strs[idx], strlen(s->strs[idx]));
		} else if (strcmp(s->type, "b") == 0) {
			text = sheet_strndup(s->out, strcmp(v, "1") == 0 ? "true" : "false",
					     strcmp(v, "1") == 0 ? 4 : 5);
		} else {
			text = sheet_strndup(s->out, v, strnlen(v, s->val.len));
		}
		row_set(s->row, s->col, text);
	} else if (strcmp(ln, "row") == 0 && s->row) {
		row_fill(s->out, s->row);
		s->row = NULL;
	}
}

static void XMLCALL ws_cd(void *ud, const XML_Char *str, int len)
{
	struct ws_state *s = STATE(ud, struct ws_state);
	if (s->bad || !(s->in_v || s->in_is_t))
		return;
	if (s->val.len + (size_t)len > SHEET_MAX_CELL) {
		s->bad = 1;
		s->why = "Ô quá dài / cell too long";
		return;
	}
	buf_append(&s->val, str, (size_t)len);
}

int sheet_read_xlsx(const void *data, size_t len, struct sheet *out, char *err, size_t errlen)
{
	zip_error_t zerr;
	zip_source_t *src = NULL;
	zip_t *za = NULL;
	char *xml = NULL, *path = NULL;
	size_t xlen = 0;
	struct ss_state ss = {0};
	struct ws_state ws = {0};
	int rc = -1;

	memset(out, 0, sizeof *out);
	zip_error_init(&zerr);
	src = zip_source_buffer_create(data, len, 0, &zerr);
	if (!src)
		goto badzip;
	za = zip_open_from_source(src, ZIP_RDONLY, &zerr);
	if (!za) {
		zip_source_free(src);
		goto badzip;
	}
	if (zip_read_all(za, "xl/sharedStrings.xml", &xml, &xlen) == 0) {
		if (xml_run(xml, xlen, &ss, ss_start, ss_end, ss_cd) != 0 || ss.bad) {
			set_err(err, errlen, "Tệp XLSX hỏng (sharedStrings) / corrupt XLSX "
					     "(sharedStrings)");
			goto done;
		}
		free(xml);
		xml = NULL;
	}
	path = first_sheet_path(za);
	if (zip_read_all(za, path, &xml, &xlen) != 0) {
		set_err(err, errlen, "Không tìm thấy trang tính đầu tiên / first worksheet not found");
		goto done;
	}
	ws.out = out;
	ws.strs = ss.strs;
	ws.nstrs = ss.n;
	if (xml_run(xml, xlen, &ws, ws_start, ws_end, ws_cd) != 0 || ws.bad) {
		set_err(err, errlen, ws.why ? ws.why : "Tệp XLSX hỏng / corrupt XLSX worksheet");
		goto done;
	}
	rc = 0;
	goto done;
badzip:
	set_err(err, errlen, "Không đọc được tệp XLSX / cannot read the XLSX file");
done:
	if (za)
		zip_discard(za);
	zip_error_fini(&zerr);
	for (size_t i = 0; i < ss.n; i++)
		free(ss.strs[i]);
	free(ss.strs);
	buf_free(&ss.cur);
	buf_free(&ws.val);
	free(xml);
	free(path);
	if (rc != 0)
		sheet_free(out);
	return rc;
}

int sheet_read(const void *data, size_t len, struct sheet *out, char *err, size_t errlen)
{
	if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0)
		return sheet_read_xlsx(data, len, out, err, errlen);
	return sheet_read_csv(data, len, out, err, errlen);
}

/* ---- rows → records ------------------------------------------------------ */

void import_error_add(json_t *errors, int row, const char *column, const char *field,
		      const char *message)
{
	size_t n = json_array_size(errors);
	if (n > IMPORT_MAX_ERRORS)
		return;
	json_t *e = json_object();
	json_object_set_new(e, "row", row > 0 ? json_integer(row) : json_null());
	json_object_set_new(e, "column", column ? json_string(column) : json_null());
	json_object_set_new(e, "field", field && *field ? json_string(field) : json_null());
	if (n == IMPORT_MAX_ERRORS)
		message = "Còn nhiều lỗi khác không liệt kê / more errors not listed";
	json_object_set_new(e, "message", json_string(message));
	json_array_append_new(errors, e);
}

static int blank_row(const struct sheet_row *r)
{
	for (int j = 0; j < r->ncells; j++)
		for (const char *p = r->cells[j]; *p; p++)
			if (!isspace((unsigned char)*p))
				return 0;
	return 1;
}

/* The column's meaning: a field (index >= 0), an extra column (-2 - i),
 * or -1 unknown. */
static int header_match(const struct import_spec *spec, const char *h)
{
	char *fh = fold_dup(h);
	int found = -1;
	for (int i = 0; spec->fields[i].key && found == -1; i++) {
		const struct rec_field *f = &spec->fields[i];
		char *fv = fold_dup(f->vi), *fe = fold_dup(f->en);
		if (strcmp(h, f->key) == 0 || strcmp(fh, fv) == 0 || strcmp(fh, fe) == 0)
			found = i;
		free(fv);
		free(fe);
	}
	for (int i = 0; spec->extra && spec->extra[i][0] && found == -1; i++) {
		char *fv = fold_dup(spec->extra[i][1]);
		if (strcmp(h, spec->extra[i][0]) == 0 || strcmp(fh, fv) == 0)
			found = -2 - i;
		free(fv);
	}
	free(fh);
	return found;
}

/* import_sheet over the data rows with indexes in [from, to) of sh->rows;
 * header errors only when from is 0; the file-wide "no data rows" check
 * only when whole. */
static int import_rows(const struct sheet *sh, const struct import_spec *spec, size_t from,
		       size_t to, int whole, json_t **rows, json_t **errors)
{
	int map[SHEET_MAX_COLS];
	json_t *out = json_array();
	json_t *errs = json_array();
	const struct sheet_row *hdr = NULL;
	size_t first = 0;

	*rows = NULL;
	*errors = errs;
	while (first < sh->nrows && blank_row(&sh->rows[first]))
		first++;
	if (first == sh->nrows) {
		if (from == 0)
			import_error_add(errs, 0, NULL, NULL, "Tệp không có dòng tiêu đề / the file "
							      "has no header row");
		json_decref(out);
		return -1;
	}
	hdr = &sh->rows[first];
	for (int j = 0; j < hdr->ncells && j < SHEET_MAX_COLS; j++) {
		const char *h = hdr->cells[j];
		map[j] = *h ? header_match(spec, h) : -1;
		if (*h && map[j] == -1) {
			char m[400];
			snprintf(m, sizeof m, "Cột «%.200s» không được nhận biết / unknown column", h);
			import_error_add(errs, hdr->row, h, NULL, m);
		}
		for (int k = 0; k < j && map[j] != -1; k++)
			if (map[k] == map[j]) {
				import_error_add(errs, hdr->row, h, NULL,
						 "Cột bị lặp / duplicate column");
				break;
			}
	}
	if (json_array_size(errs)) {
		/* a later part fails as well, reporting nothing twice */
		if (from > 0)
			json_array_clear(errs);
		json_decref(out);
		return -1;
	}
	for (size_t i = first + 1 > from ? first + 1 : from; i < sh->nrows && i < to; i++) {
		const struct sheet_row *r = &sh->rows[i];
		if (blank_row(r))
			continue;
		json_t *obj = json_object();
		int bad = 0;
		for (int j = 0; j < r->ncells; j++) {
			if (j >= hdr->ncells || map[j] == -1) {
				if (*r->cells[j] && j >= hdr->ncells) {
					import_error_add(errs, r->row, NULL, NULL,
							 "Ô nằm ngoài các cột có tiêu đề / cell "
							 "outside the header's columns");
					bad = 1;
				}
				continue;
			}
			if (map[j] <= -2) {
				const char *key = spec->extra[-2 - map[j]][0];
				if (*r->cells[j]) {
					json_t *s = json_string(r->cells[j]);
					if (!s) {
						import_error_add(errs, r->row, hdr->cells[j], key,
								 "Văn bản không phải UTF-8 / text is "
								 "not UTF-8");
						bad = 1;
						continue;
					}
					json_object_set_new(obj, key, s);
				}
				continue;
			}
			const struct rec_field *f = &spec->fields[map[j]];
			struct rec_error e = {0};
			json_t *v = NULL;
			if (rec_from_text(f, r->cells[j], spec->label, &v, &e) != 0) {
				import_error_add(errs, r->row, hdr->cells[j], f->key, e.message);
				bad = 1;
				continue;
			}
			if (v)
				json_object_set_new(obj, f->key, v);
		}
		if (!bad) {
			struct rec_error e = {0};
			json_t *extra_vals = json_object();
			for (int k = 0; spec->extra && spec->extra[k][0]; k++) {
				json_t *x = json_object_get(obj, spec->extra[k][0]);
				if (x) {
					json_object_set(extra_vals, spec->extra[k][0], x);
					json_object_del(obj, spec->extra[k][0]);
				}
			}
			if (spec->check(obj, 1, &e) != 0) {
				const char *col = NULL;
				for (int j = 0; j < hdr->ncells && e.field[0]; j++)
					if (map[j] >= 0 && strcmp(spec->fields[map[j]].key, e.field) == 0)
						col = hdr->cells[j];
				if (!col && e.field[0]) {
					const struct rec_field *f = rec_find(spec->fields, e.field);
					col = f ? f->vi : e.field;
				}
				import_error_add(errs, r->row, col, e.field, e.message);
				bad = 1;
			}
			json_object_update(obj, extra_vals);
			json_decref(extra_vals);
		}
		if (bad) {
			json_decref(obj);
			continue;
		}
		json_object_set_new(obj, "_row", json_integer(r->row));
		json_array_append_new(out, obj);
	}
	if (whole && !json_array_size(errs) && !json_array_size(out))
		import_error_add(errs, 0, NULL, NULL, "Tệp không có dòng dữ liệu / the file has no "
						      "data rows");
	if (json_array_size(errs)) {
		json_decref(out);
		return -1;
	}
	*rows = out;
	return 0;
}

int import_sheet(const struct sheet *sh, const struct import_spec *spec, json_t **rows,
		 json_t **errors)
{
	return import_rows(sh, spec, 0, sh->nrows, 1, rows, errors);
}

int import_sheet_part(const struct sheet *sh, const struct import_spec *spec, size_t from,
		      size_t to, json_t **rows, json_t **errors)
{
	return import_rows(sh, spec, from, to, 0, rows, errors);
}
