/* Building responses: JSON bodies, errors in the one shape DESIGN.md
 * fixes, lists with cursors, and CSV/XLSX exports of whole lists. All
 * memory comes from the request arena. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/log.h"
#include "http/http.h"
#include "http/route.h"

const char *req_param(const struct req *r, const char *name)
{
	const struct param_spec *ps = r->route ? r->route->params : NULL;
	for (int i = 0; ps && ps[i].name && i < HTTP_MAX_PARAMS; i++)
		if (strcmp(ps[i].name, name) == 0)
			return r->params[i];
	log_error("handler asked for undeclared parameter %s", name);
	return NULL;
}

long long req_param_int(const struct req *r, const char *name, long long def)
{
	const char *v = req_param(r, name);
	return v ? strtoll(v, NULL, 10) : def;
}

void http_reply_raw(struct req *r, struct resp *out, int status, const char *ctype,
		    const char *body, size_t len)
{
	(void)r;
	out->status = status;
	out->content_type = ctype;
	out->body = body;
	out->len = len;
}

void http_reply_json(struct req *r, struct resp *out, int status, json_t *body_take)
{
	char *s = json_dumps(body_take, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(body_take);
	if (!s) {
		http_reply_error(r, out, 500, "internal", "Lỗi máy chủ / Server error", NULL);
		return;
	}
	arena_defer(r->arena, free, s);
	http_reply_raw(r, out, status, "application/json; charset=utf-8", s, strlen(s));
}

void http_reply_error(struct req *r, struct resp *out, int status, const char *code,
		      const char *message, const char *field)
{
	json_t *o = json_object();
	json_t *e2 = json_object();
	json_object_set_new(e2, "code", json_string(code));
	json_object_set_new(e2, "message", json_string(message ? message : ""));
	json_object_set_new(e2, "field", field ? json_string(field) : json_null());
	json_object_set_new(o, "error", e2);
	char *body = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(o);
	if (!body) {
		static const char fallback[] = "{\"error\":{\"code\":\"internal\",\"message\":\"\",\"field\":null}}";
		http_reply_raw(r, out, 500, "application/json; charset=utf-8", fallback,
			       sizeof fallback - 1);
		return;
	}
	arena_defer(r->arena, free, body);
	http_reply_raw(r, out, status, "application/json; charset=utf-8", body, strlen(body));
	out->no_cache = 1;
}

void http_resp_header(struct req *r, struct resp *out, const char *name, const char *value)
{
	if (out->nhdr >= HTTP_MAX_HEADERS) {
		log_error("too many response headers");
		return;
	}
	out->hdr_name[out->nhdr] = arena_strdup(r->arena, name);
	out->hdr_value[out->nhdr] = arena_strdup(r->arena, value);
	out->nhdr++;
}

void http_reply_list(struct req *r, struct resp *out, json_t *items_take, const char *next_cursor)
{
	json_t *o = json_object();
	json_object_set_new(o, "items", items_take ? items_take : json_array());
	json_object_set_new(o, "next_cursor", next_cursor ? json_string(next_cursor) : json_null());
	http_reply_json(r, out, 200, o);
}

/* Text of a cell: strings as they are, numbers printed, null empty,
 * arrays of objects joined by their "code"/"name" or as JSON. */
static char *cell_text(json_t *v)
{
	if (!v || json_is_null(v))
		return xstrdup("");
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v)) {
		char b[32];
		snprintf(b, sizeof b, "%lld", (long long)json_integer_value(v));
		return xstrdup(b);
	}
	if (json_is_real(v)) {
		char b[64];
		snprintf(b, sizeof b, "%.15g", json_real_value(v));
		return xstrdup(b);
	}
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? "true" : "false");
	if (json_is_array(v)) {
		struct buf b = {0};
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (i)
				buf_puts(&b, "; ");
			json_t *c = json_is_object(x) ? json_object_get(x, "code") : NULL;
			json_t *n = json_is_object(x) ? json_object_get(x, "name") : NULL;
			if (c && json_is_string(c)) {
				buf_puts(&b, json_string_value(c));
				if (n && json_is_string(n)) {
					buf_puts(&b, " ");
					buf_puts(&b, json_string_value(n));
				}
			} else {
				char *t = cell_text(x);
				buf_puts(&b, t);
				free(t);
			}
		}
		return buf_take(&b);
	}
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	return s ? s : xstrdup("");
}

static void csv_field(struct buf *b, const char *s)
{
	/* Cells that a spreadsheet would run as formulas are prefixed with ' */
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	int formula = (*s == '=' || *s == '+' || *s == '-' || *s == '@') &&
		      !(s[0] == '-' && s[1] >= '0' && s[1] <= '9');
	if (quote || formula)
		buf_putc(b, '"');
	if (formula)
		buf_putc(b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_putc(b, '"');
		buf_putc(b, *p);
	}
	if (quote || formula)
		buf_putc(b, '"');
}

static int export_xlsx(const struct export_col *cols, json_t *items, struct buf *out)
{
	char path[] = "/tmp/pccc-xlsx-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	int rc = -1;
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		goto fail;
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	for (int c = 0; cols[c].key; c++) {
		worksheet_write_string(ws, 0, (lxw_col_t)c, cols[c].header_vi, bold);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, 18, NULL);
	}
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		for (int c = 0; cols[c].key; c++) {
			json_t *v = json_object_get(it, cols[c].key);
			lxw_row_t row = (lxw_row_t)(i + 1);
			if (json_is_number(v) && !json_is_string(v)) {
				worksheet_write_number(ws, row, (lxw_col_t)c, json_number_value(v), NULL);
			} else {
				char *t = cell_text(v);
				worksheet_write_string(ws, row, (lxw_col_t)c, t, NULL);
				free(t);
			}
		}
	}
	if (workbook_close(wb) != LXW_NO_ERROR)
		goto fail;
	FILE *f = fopen(path, "rb");
	if (!f)
		goto fail;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(out, chunk, n);
	fclose(f);
	rc = 0;
fail:
	unlink(path);
	return rc;
}

void http_reply_export(struct req *r, struct resp *out, const char *format, const char *name,
		       const struct export_col *cols, json_t *items_take)
{
	struct buf b = {0};
	if (format && strcmp(format, "xlsx") == 0) {
		if (export_xlsx(cols, items_take, &b) != 0) {
			json_decref(items_take);
			buf_free(&b);
			http_reply_error(r, out, 500, "internal",
					 "Không tạo được tệp Excel / Could not build the XLSX file", NULL);
			return;
		}
		out->content_type =
		    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
		out->filename = arena_printf(r->arena, "%s.xlsx", name);
	} else {
		buf_puts(&b, "\xEF\xBB\xBF"); /* BOM: Excel reads UTF-8 */
		for (int c = 0; cols[c].key; c++) {
			if (c)
				buf_putc(&b, ',');
			csv_field(&b, cols[c].header_vi);
		}
		buf_puts(&b, "\r\n");
		size_t i;
		json_t *it;
		json_array_foreach(items_take, i, it) {
			for (int c = 0; cols[c].key; c++) {
				if (c)
					buf_putc(&b, ',');
				char *t = cell_text(json_object_get(it, cols[c].key));
				csv_field(&b, t);
				free(t);
			}
			buf_puts(&b, "\r\n");
		}
		out->content_type = "text/csv; charset=utf-8";
		out->filename = arena_printf(r->arena, "%s.csv", name);
	}
	json_decref(items_take);
	out->status = 200;
	out->len = b.len;
	out->body = buf_take(&b);
	arena_defer(r->arena, free, (void *)(uintptr_t)out->body);
	out->no_cache = 1;
}
