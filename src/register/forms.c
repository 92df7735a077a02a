/* Rendering of the printed inspection record and penalty decision (see
 * forms.h): small helpers for Vietnamese dates and amounts, then one
 * function per document writing semantic HTML whose classes the print
 * stylesheet (web/print/forms.css) lays out on A4. */
#include "register/forms.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "register/compliance.h"

/* ---- helpers --------------------------------------------------------------------- */

void forms_escape(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&#39;");
			break;
		default:
			buf_putc(b, *s);
		}
	}
}

/* Uppercase of one code point for the letters Vietnamese uses. */
static unsigned upper_cp(unsigned c)
{
	if (c >= 'a' && c <= 'z')
		return c - 32;
	if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
		return c - 0x20;
	if (c == 0x103 || c == 0x111 || c == 0x129 || c == 0x169)
		return c - 1;
	if (c == 0x1A1)
		return 0x1A0;
	if (c == 0x1B0)
		return 0x1AF;
	if (c >= 0x1EA0 && c <= 0x1EF9 && (c & 1))
		return c - 1;
	return c;
}

void forms_upper(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (p && *p) {
		unsigned c = *p;
		int n = 0;
		if (c < 0x80)
			n = 1;
		else if ((c & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80)
			n = 2, c = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
		else if ((c & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80)
			n = 3, c = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
		if (n == 0) {
			buf_putc(b, (char)*p++);
			continue;
		}
		unsigned u = upper_cp(c);
		if (u < 0x80) {
			buf_putc(b, (char)u);
		} else if (u < 0x800) {
			buf_putc(b, (char)(0xC0 | (u >> 6)));
			buf_putc(b, (char)(0x80 | (u & 0x3F)));
		} else {
			buf_putc(b, (char)(0xE0 | (u >> 12)));
			buf_putc(b, (char)(0x80 | ((u >> 6) & 0x3F)));
			buf_putc(b, (char)(0x80 | (u & 0x3F)));
		}
		p += n;
	}
}

static int date_parse(const char *d, int *y, int *m, int *dd)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!d || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return -1;
	*y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	*m = (d[5] - '0') * 10 + (d[6] - '0');
	*dd = (d[8] - '0') * 10 + (d[9] - '0');
	if (*y < 1900 || *m < 1 || *m > 12 || *dd < 1 || *dd > mdays[*m - 1])
		return -1;
	if (*m == 2 && *dd == 29 && !((*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0))
		return -1;
	return 0;
}

int forms_date_long(const char *date, char *out, size_t outlen)
{
	int y, m, d;
	if (date_parse(date, &y, &m, &d) != 0) {
		snprintf(out, outlen, "ngày ..... tháng ..... năm .......");
		return -1;
	}
	snprintf(out, outlen, "ngày %02d tháng %s%d năm %d", d, m <= 2 ? "0" : "", m, y);
	return 0;
}

void forms_date_short(const char *date, char *out, size_t outlen)
{
	int y, m, d;
	if (date_parse(date, &y, &m, &d) != 0)
		snprintf(out, outlen, "...");
	else
		snprintf(out, outlen, "%02d/%02d/%04d", d, m, y);
}

void forms_amount_digits(long long amount, char *out, size_t outlen)
{
	char raw[32];
	size_t n, k = 0;
	if (amount < 0)
		amount = 0;
	snprintf(raw, sizeof raw, "%lld", amount);
	n = strlen(raw);
	for (size_t i = 0; i < n && k + 2 < outlen; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[k++] = '.';
		out[k++] = raw[i];
	}
	if (outlen)
		out[k < outlen ? k : outlen - 1] = '\0';
}

static const char *const digit_vi[] = {"không", "một", "hai", "ba", "bốn",
				      "năm", "sáu", "bảy", "tám", "chín"};

static void word(struct buf *b, const char *w)
{
	if (b->len && b->data[b->len - 1] != ' ')
		buf_putc(b, ' ');
	buf_puts(b, w);
}

/* One group of three digits; full: a lower group, read "không trăm" and
 * "linh" where the group is not the leading one. */
static void group_words(struct buf *b, int g, int full)
{
	int h = g / 100, t = g / 10 % 10, u = g % 10;
	if (h || full) {
		word(b, digit_vi[h]);
		word(b, "trăm");
	}
	if (t == 0) {
		if (u && (h || full))
			word(b, "linh");
	} else if (t == 1) {
		word(b, "mười");
	} else {
		word(b, digit_vi[t]);
		word(b, "mươi");
	}
	if (u == 0)
		return;
	if (u == 1 && t >= 2)
		word(b, "mốt");
	else if (u == 4 && t >= 2)
		word(b, "tư");
	else if (u == 5 && t >= 1)
		word(b, "lăm");
	else
		word(b, digit_vi[u]);
}

/* n < 10^9; full as for group_words for the leading group. */
static void below_billion(struct buf *b, long long n, int full)
{
	static const char *const scale[] = {"triệu", "nghìn", ""};
	long long div = 1000000;
	int started = full;
	for (int i = 0; i < 3; i++, div /= 1000) {
		int g = (int)(n / div % 1000);
		if (g == 0)
			continue;
		group_words(b, g, started);
		if (scale[i][0])
			word(b, scale[i]);
		started = 1;
	}
}

int forms_amount_words(long long amount, struct buf *b)
{
	struct buf w = {0};
	if (amount < 0 || amount > 999999999999999LL)
		return -1;
	if (amount == 0) {
		buf_puts(&w, "không");
	} else {
		long long hi = amount / 1000000000LL, lo = amount % 1000000000LL;
		if (hi) {
			below_billion(&w, hi, 0);
			word(&w, "tỷ");
		}
		if (lo)
			below_billion(&w, lo, hi != 0);
	}
	word(&w, "đồng");
	/* Every number word starts with an ASCII letter: capitalise it. */
	if (w.data[0] >= 'a' && w.data[0] <= 'z')
		w.data[0] = (char)(w.data[0] - 'a' + 'A');
	buf_puts(b, w.data);
	buf_free(&w);
	return 0;
}

void forms_inspection_number(long long seq, char *out, size_t outlen)
{
	snprintf(out, outlen, "%lld/%s", seq, FORMS_INSPECTION_SUFFIX);
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Writes a value, or a dotted line to fill by hand when it is empty. */
static void field(struct buf *b, const char *v)
{
	if (v && *v)
		forms_escape(b, v);
	else
		buf_puts(b, "<span class=\"blank\">……………………………………</span>");
}

/* The two-column head: agency and number left, motto and place/date right. */
static void doc_head(struct buf *b, const json_t *ctx, const char *number, const char *date,
		     const char *form_label)
{
	char dl[64];
	json_t *agency = json_object_get(ctx, "agency");
	size_t i;
	json_t *line;

	buf_puts(b, "<p class=\"form-code\">");
	forms_escape(b, form_label);
	buf_puts(b, "</p>\n<table class=\"doc-head\"><tr><td class=\"agency\">");
	if (json_array_size(agency) == 0) {
		buf_puts(b, "<p class=\"agency-line\"><span class=\"blank\">…………………</span></p>");
	} else {
		json_array_foreach(agency, i, line) {
			if (i >= 3 || !json_is_string(line))
				break;
			buf_printf(b, "<p class=\"agency-line%s\">",
				   i + 1 == json_array_size(agency) || i == 2 ? " strong" : "");
			forms_escape(b, json_string_value(line));
			buf_puts(b, "</p>");
		}
	}
	buf_puts(b, "<p class=\"rule\"></p><p class=\"doc-number\">Số: ");
	field(b, number);
	buf_puts(b, "</p></td>\n<td class=\"motto\"><p class=\"nation\">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT "
		    "NAM</p><p class=\"motto-line\">Độc lập - Tự do - Hạnh phúc</p>"
		    "<p class=\"rule\"></p><p class=\"place-date\">");
	forms_date_long(date, dl, sizeof dl);
	const char *place = str(ctx, "place");
	field(b, place);
	buf_puts(b, ", ");
	buf_puts(b, dl);
	buf_puts(b, "</p></td></tr></table>\n");
}

static void doc_open(struct buf *b, const char *title)
{
	buf_puts(b, "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
	forms_escape(b, title);
	buf_puts(b, "</title>\n<link rel=\"stylesheet\" href=\"" FORMS_STYLESHEET "\">\n</head>\n"
		    "<body class=\"print-doc\">\n<p class=\"no-print hint\">Nhấn Ctrl+P (⌘P) để in "
		    "trên giấy A4 / Press Ctrl+P to print on A4.</p>\n<main class=\"page\">\n");
}

static void doc_close(struct buf *b, const char *footer)
{
	buf_puts(b, "<p class=\"sys-ref\">");
	forms_escape(b, footer);
	buf_puts(b, "</p>\n</main>\n</body></html>\n");
}

static void signature(struct buf *b, const char *role, const char *hint, const char *name)
{
	buf_puts(b, "<td><p class=\"sign-role\">");
	forms_escape(b, role);
	buf_puts(b, "</p><p class=\"sign-hint\">");
	forms_escape(b, hint);
	buf_puts(b, "</p><p class=\"sign-space\"></p><p class=\"sign-name\">");
	if (name && *name)
		forms_escape(b, name);
	buf_puts(b, "</p></td>");
}

/* ---- inspection record ----------------------------------------------------------- */

const char *forms_inspection_kind_vi(const char *kind)
{
	if (kind && strcmp(kind, "periodic") == 0)
		return "Kiểm tra định kỳ";
	if (kind && strcmp(kind, "unannounced") == 0)
		return "Kiểm tra đột xuất";
	if (kind && strcmp(kind, "self") == 0)
		return "Tự kiểm tra";
	return NULL;
}

static const char *result_vi(const char *r)
{
	if (r && strcmp(r, "pass") == 0)
		return "Đạt";
	if (r && strcmp(r, "fail") == 0)
		return "Không đạt";
	if (r && strcmp(r, "not_applicable") == 0)
		return "Không áp dụng";
	return "—";
}

static const char *status_vi(const char *c)
{
	if (c && strcmp(c, "dam_bao") == 0)
		return "ĐẢM BẢO an toàn về phòng cháy, chữa cháy";
	if (c && strcmp(c, "khong_dam_bao") == 0)
		return "KHÔNG ĐẢM BẢO an toàn về phòng cháy, chữa cháy";
	return "Chưa đủ căn cứ đánh giá (chưa kiểm tra điều kiện bắt buộc)";
}

static const char *item_text(const char *code)
{
	const struct compliance_item_def *d = code ? compliance_catalogue_find(code) : NULL;
	return d ? d->text_vi : code;
}

/* The title an inspection stored with its result (the catalogue version it
 * was checked against), else the built-in text, else the code. */
static const char *result_title(const json_t *results, const char *code)
{
	size_t i;
	const json_t *it;
	json_array_foreach(results, i, it) {
		const char *c = str(it, "code");
		if (c && code && strcmp(c, code) == 0 && str(it, "title_vi"))
			return str(it, "title_vi");
	}
	return item_text(code);
}

static void target_block(struct buf *b, const char *tk, const json_t *t)
{
	const char *id = str(t, "id");
	if (tk && strcmp(tk, "facility") == 0) {
		buf_puts(b, "<p>Đã tiến hành kiểm tra về phòng cháy, chữa cháy và cứu nạn, cứu hộ đối "
			    "với cơ sở: <b>");
		field(b, str(t, "name"));
		buf_puts(b, "</b></p>\n<ul class=\"facts\"><li>Mã cơ sở: ");
		field(b, id);
		buf_puts(b, "</li><li>Loại cơ sở: ");
		field(b, str(t, "category_vi"));
		buf_puts(b, "</li><li>Địa chỉ: ");
		field(b, str(t, "address"));
		buf_puts(b, "</li><li>Người đại diện theo pháp luật: ");
		field(b, str(t, "legal_rep"));
		buf_puts(b, "</li></ul>\n");
	} else {
		buf_puts(b, "<p>Đã tiến hành kiểm tra về phòng cháy, chữa cháy và cứu nạn, cứu hộ đối "
			    "với nhà: <b>");
		field(b, str(t, "address_text"));
		buf_puts(b, "</b></p>\n<ul class=\"facts\"><li>Mã định danh số nhà: ");
		field(b, str(t, "id_display") ? str(t, "id_display") : id);
		buf_puts(b, "</li><li>Loại nhà: ");
		field(b, str(t, "house_type_vi"));
		json_t *fl = json_object_get(t, "floors"), *oc = json_object_get(t, "occupants");
		if (json_is_integer(fl))
			buf_printf(b, "</li><li>Số tầng: %lld", (long long)json_integer_value(fl));
		if (json_is_integer(oc))
			buf_printf(b, "</li><li>Số người ở: %lld", (long long)json_integer_value(oc));
		buf_puts(b, "</li></ul>\n");
	}
}

int forms_render_inspection(const json_t *ctx, struct buf *out)
{
	const json_t *insp = json_object_get(ctx, "inspection");
	const json_t *t = json_object_get(ctx, "target");
	const char *tk = str(ctx, "target_kind");
	struct buf b = {0};
	char dl[64], ds[16];
	size_t i;
	json_t *it;

	if (!json_is_object(insp) || !json_is_object(t) || !tk)
		return -1;
	const char *kind = str(insp, "kind");
	int self = kind && strcmp(kind, "self") == 0;
	const char *date = str(insp, "date");
	const char *number = str(ctx, "number");
	const json_t *rep = json_object_get(ctx, "representative");
	int facility = strcmp(tk, "facility") == 0;

	doc_open(&b, number ? number : "Biên bản kiểm tra");
	doc_head(&b, ctx, number, date,
		 self ? FORMS_INSPECTION_FORM_SELF : FORMS_INSPECTION_FORM_OFFICIAL);
	buf_puts(&b, "<h1 class=\"doc-title\">");
	buf_puts(&b, self ? "BIÊN BẢN TỰ KIỂM TRA" : "BIÊN BẢN KIỂM TRA");
	buf_puts(&b, "</h1>\n<p class=\"doc-subtitle\">");
	buf_puts(&b, self ? "Về phòng cháy, chữa cháy"
			  : "Về phòng cháy, chữa cháy và cứu nạn, cứu hộ");
	buf_puts(&b, "</p>\n<p class=\"rule short\"></p>\n");

	forms_date_long(date, dl, sizeof dl);
	buf_printf(&b, "<p>Hồi ...... giờ ...... %s, tại: ", dl);
	field(&b, facility ? str(t, "address") : str(t, "address_text"));
	buf_puts(&b, "</p>\n<p>Hình thức: <b>");
	const char *kvi = forms_inspection_kind_vi(kind);
	buf_puts(&b, kvi ? kvi : "Kiểm tra");
	buf_puts(&b, "</b></p>\n<p>Chúng tôi gồm:</p>\n");
	buf_puts(&b, self ? "<p class=\"party\">1. Người kiểm tra:</p>\n"
			  : "<p class=\"party\">1. Đại diện cơ quan, đơn vị kiểm tra:</p>\n");
	buf_puts(&b, "<p class=\"indent\">- Ông/bà: ");
	field(&b, str(insp, "inspector"));
	buf_puts(&b, "; chức vụ: <span class=\"blank\">……………………………</span></p>\n"
		     "<p class=\"indent\">- Ông/bà: <span class=\"blank\">……………………………………</span>; "
		     "chức vụ: <span class=\"blank\">……………………………</span></p>\n");
	buf_puts(&b, facility ? "<p class=\"party\">2. Đại diện cơ sở được kiểm tra:</p>\n"
			      : "<p class=\"party\">2. Đại diện hộ gia đình / chủ nhà được kiểm "
				"tra:</p>\n");
	buf_puts(&b, "<p class=\"indent\">- Ông/bà: ");
	field(&b, str(rep, "name") ? str(rep, "name") : facility ? str(t, "legal_rep") : NULL);
	buf_puts(&b, "; chức vụ/quan hệ: ");
	field(&b, str(rep, "role") ? str(rep, "role")
	      : facility	   ? "Người đại diện theo pháp luật"
				   : "Chủ hộ");
	buf_puts(&b, "</p>\n");
	target_block(&b, tk, t);

	/* 1. content and results */
	buf_puts(&b, "<h2>1. Nội dung và kết quả kiểm tra</h2>\n<table class=\"results\"><thead>"
		     "<tr><th class=\"n\">STT</th><th>Nội dung kiểm tra</th><th class=\"r\">Kết "
		     "quả</th><th>Ghi chú</th></tr></thead><tbody>\n");
	const json_t *results = json_object_get(insp, "results");
	json_array_foreach(results, i, it) {
		const char *res = str(it, "result");
		int req = json_is_true(json_object_get(it, "required"));
		buf_printf(&b, "<tr class=\"%s\"><td class=\"n\">%zu</td><td>",
			   res && strcmp(res, "fail") == 0 ? "fail" : "ok", i + 1);
		forms_escape(&b, result_title(results, str(it, "code")));
		if (!req)
			buf_puts(&b, " <i>(khuyến nghị)</i>");
		buf_puts(&b, "</td><td class=\"r\">");
		buf_puts(&b, result_vi(res));
		buf_puts(&b, "</td><td>");
		forms_escape(&b, str(it, "note"));
		buf_puts(&b, "</td></tr>\n");
	}
	if (json_array_size(results) == 0)
		buf_puts(&b, "<tr><td class=\"n\">—</td><td colspan=\"3\">Không có nội dung</td></tr>\n");
	buf_puts(&b, "</tbody></table>\n<p>Đánh giá chung: <b>");
	buf_puts(&b, status_vi(str(insp, "compliance")));
	buf_puts(&b, "</b></p>\n");

	/* 2. shortcomings */
	buf_puts(&b, "<h2>2. Tồn tại, thiếu sót, vi phạm về phòng cháy, chữa cháy</h2>\n");
	const json_t *failing = json_object_get(insp, "failing_items");
	const json_t *viol = json_object_get(ctx, "violations");
	const char *deadline = NULL;
	if (json_array_size(failing) == 0) {
		buf_puts(&b, "<p class=\"indent\">Không phát hiện tồn tại, thiếu sót bắt buộc phải khắc "
			     "phục.</p>\n");
	} else {
		buf_puts(&b, "<ol class=\"violations\">\n");
		json_array_foreach(failing, i, it) {
			buf_puts(&b, "<li>Không đạt: ");
			forms_escape(&b, result_title(results, json_string_value(it)));
			buf_puts(&b, "</li>\n");
		}
		buf_puts(&b, "</ol>\n");
	}
	json_array_foreach(viol, i, it) {
		const char *d = str(it, "deadline");
		if (d && (!deadline || strcmp(d, deadline) > 0))
			deadline = d;
	}

	/* 3. requests */
	buf_puts(&b, "<h2>3. Kiến nghị, yêu cầu</h2>\n");
	if (json_array_size(failing)) {
		forms_date_short(deadline, ds, sizeof ds);
		buf_printf(&b, "<p class=\"indent\">Yêu cầu %s khắc phục các tồn tại, thiếu sót nêu trên "
			       "trước ngày <b>%s</b> và báo cáo kết quả cho cơ quan kiểm tra.</p>\n",
			   facility ? "người đứng đầu cơ sở" : "chủ hộ", deadline ? ds : "..........");
	}
	const char *notes = str(insp, "notes");
	buf_puts(&b, "<p class=\"indent\">");
	if (notes && *notes)
		forms_escape(&b, notes);
	else
		buf_puts(&b, "<span class=\"blank\">…………………………………………………………………………</span>");
	buf_puts(&b, "</p>\n");

	buf_puts(&b, "<p>Việc kiểm tra kết thúc vào hồi ...... giờ ...... cùng ngày. Biên bản được "
		     "lập thành 02 bản có giá trị như nhau, mỗi bên giữ 01 bản; đã đọc lại cho những "
		     "người có tên trên cùng nghe, công nhận đúng và ký tên dưới đây.</p>\n");
	buf_puts(&b, "<table class=\"signatures\"><tr>");
	if (self) {
		buf_puts(&b, "<td></td>");
		signature(&b, "NGƯỜI KIỂM TRA", "(Ký, ghi rõ họ tên)", str(insp, "inspector"));
	} else {
		signature(&b,
			  facility ? "ĐẠI DIỆN CƠ SỞ ĐƯỢC KIỂM TRA" : "ĐẠI DIỆN HỘ GIA ĐÌNH",
			  "(Ký, ghi rõ họ tên)",
			  str(rep, "name") ? str(rep, "name") : facility ? str(t, "legal_rep") : NULL);
		signature(&b, "ĐẠI DIỆN ĐƠN VỊ KIỂM TRA", "(Ký, ghi rõ họ tên)",
			  str(insp, "inspector"));
	}
	buf_puts(&b, "</tr></table>\n");
	/* photos taken during the inspection, after the signatures */
	const json_t *photos = json_object_get(ctx, "photos");
	if (json_array_size(photos)) {
		buf_puts(&b, "<section class=\"photo-appendix\">\n<h2>Ảnh chụp kèm theo biên "
			     "bản</h2>\n<div class=\"photos\">\n");
		json_array_foreach(photos, i, it) {
			const char *url = str(it, "url");
			if (!url || strncmp(url, "/api/v1/inspections/", 20) != 0)
				continue; /* only our own photo URLs */
			buf_puts(&b, "<figure><img src=\"");
			forms_escape(&b, url);
			buf_printf(&b, "\" alt=\"Ảnh %zu\"><figcaption>Ảnh %zu — ", i + 1, i + 1);
			forms_escape(&b, result_title(results, str(it, "item")));
			buf_puts(&b, "</figcaption></figure>\n");
		}
		buf_puts(&b, "</div>\n</section>\n");
	}
	json_t *iid = json_object_get(insp, "id");
	struct buf foot = {0};
	buf_printf(&foot, "Biên bản số %s · mã hồ sơ kiểm tra %lld · %s %s",
		   number ? number : "-", (long long)json_integer_value(iid),
		   facility ? "cơ sở" : "nhà", str(t, "id") ? str(t, "id") : "-");
	doc_close(&b, buf_str(&foot));
	buf_free(&foot);
	buf_puts(out, b.data);
	buf_free(&b);
	return 0;
}

/* ---- penalty decision ------------------------------------------------------------ */

int forms_render_penalty(const json_t *ctx, struct buf *out)
{
	const json_t *p = json_object_get(ctx, "penalty");
	const json_t *f = json_object_get(ctx, "facility");
	json_t *amount = json_object_get(p, "amount");
	struct buf b = {0}, words = {0};
	char digits[40], ds[16];

	if (!json_is_object(p) || !json_is_object(f) || !json_is_integer(amount))
		return -1;
	if (forms_amount_words(json_integer_value(amount), &words) != 0)
		return -1;
	forms_amount_digits(json_integer_value(amount), digits, sizeof digits);
	const char *number = str(p, "number");
	const char *date = str(p, "date");

	doc_open(&b, number ? number : "Quyết định xử phạt");
	doc_head(&b, ctx, number, date, FORMS_PENALTY_FORM);
	buf_puts(&b, "<h1 class=\"doc-title\">QUYẾT ĐỊNH</h1>\n<p class=\"doc-subtitle strong\">Xử "
		     "phạt vi phạm hành chính</p>\n<p class=\"rule short\"></p>\n");
	buf_puts(&b, "<p class=\"basis\">Căn cứ Điều 57, Điều 68, Điều 70, Điều 73 và Điều 78 Luật Xử "
		     "lý vi phạm hành chính (sửa đổi, bổ sung);</p>\n");
	buf_puts(&b, "<p class=\"basis\">Căn cứ Nghị định số 106/2025/NĐ-CP của Chính phủ quy định xử "
		     "phạt vi phạm hành chính trong lĩnh vực phòng cháy, chữa cháy và cứu nạn, cứu "
		     "hộ;</p>\n");
	const char *insp_no = str(ctx, "inspection_number");
	buf_puts(&b, "<p class=\"basis\">Căn cứ Biên bản vi phạm hành chính số ");
	field(&b, insp_no);
	buf_puts(&b, " lập ngày <span class=\"blank\">……………</span>;</p>\n");
	buf_puts(&b, "<p class=\"basis\">Căn cứ Quyết định về việc giao quyền xử phạt vi phạm hành "
		     "chính số <span class=\"blank\">……………</span> (nếu có);</p>\n");
	buf_puts(&b, "<p>Tôi: ");
	field(&b, str(p, "issuer"));
	buf_puts(&b, "; Chức vụ: <span class=\"blank\">……………………………</span>; Đơn vị: "
		     "<span class=\"blank\">……………………………</span></p>\n");
	buf_puts(&b, "<h2 class=\"center\">QUYẾT ĐỊNH:</h2>\n");
	buf_puts(&b, "<p><b>Điều 1.</b> Xử phạt vi phạm hành chính đối với tổ chức có tên sau "
		     "đây:</p>\n<ul class=\"facts\"><li>Tên tổ chức: <b>");
	field(&b, str(f, "name"));
	buf_puts(&b, "</b></li><li>Địa chỉ trụ sở: ");
	field(&b, str(f, "address"));
	buf_puts(&b, "</li><li>Mã số doanh nghiệp / mã cơ sở: ");
	field(&b, str(f, "id"));
	buf_puts(&b, "</li><li>Người đại diện theo pháp luật: ");
	field(&b, str(f, "legal_rep"));
	buf_puts(&b, "; chức danh: <span class=\"blank\">……………………</span></li></ul>\n");
	buf_puts(&b, "<p>1. Đã thực hiện hành vi vi phạm hành chính: ");
	field(&b, str(p, "violation"));
	buf_puts(&b, "</p>\n<p>2. Quy định tại: ");
	field(&b, str(p, "legal_basis"));
	buf_puts(&b, "</p>\n<p>3. Các tình tiết tăng nặng, giảm nhẹ: Không.</p>\n");
	buf_printf(&b, "<p>4. Bị áp dụng hình thức xử phạt chính: Phạt tiền. Mức phạt: <b>%s đồng</b> "
		       "(Bằng chữ: <i>",
		   digits);
	forms_escape(&b, words.data);
	buf_puts(&b, "</i>).</p>\n<p>5. Biện pháp khắc phục hậu quả: buộc khắc phục các vi phạm về "
		     "phòng cháy, chữa cháy đã nêu");
	if (str(p, "deadline")) {
		forms_date_short(str(p, "deadline"), ds, sizeof ds);
		buf_printf(&b, ", hoàn thành trước ngày <b>%s</b>", ds);
	}
	buf_puts(&b, ".</p>\n");
	buf_puts(&b, "<p><b>Điều 2.</b> Quyết định này có hiệu lực thi hành kể từ ngày ký.</p>\n");
	buf_puts(&b, "<p><b>Điều 3.</b> Quyết định này được giao cho ông (bà) ");
	field(&b, str(f, "legal_rep"));
	buf_puts(&b, " là người đại diện theo pháp luật của tổ chức bị xử phạt có tên tại Điều 1 để "
		     "chấp hành. Tổ chức bị xử phạt phải nghiêm chỉnh chấp hành Quyết định xử phạt "
		     "này trong thời hạn 10 ngày kể từ ngày nhận được Quyết định; nộp tiền phạt tại "
		     "Kho bạc Nhà nước hoặc vào tài khoản của Kho bạc Nhà nước, hoặc qua Cổng Dịch vụ "
		     "công quốc gia. Quá thời hạn trên mà không tự nguyện chấp hành thì bị cưỡng chế "
		     "thi hành theo quy định của pháp luật. Tổ chức bị xử phạt có quyền khiếu nại "
		     "hoặc khởi kiện hành chính đối với Quyết định này theo quy định của pháp "
		     "luật.</p>\n");
	buf_puts(&b, "<table class=\"signatures\"><tr><td class=\"recipients\"><p><b><i>Nơi "
		     "nhận:</i></b></p><p>- Như Điều 3;</p><p>- Kho bạc Nhà nước;</p><p>- Lưu: Hồ "
		     "sơ.</p></td>");
	signature(&b, "NGƯỜI RA QUYẾT ĐỊNH", "(Ký, đóng dấu, ghi rõ chức vụ, họ tên)",
		  str(p, "issuer"));
	buf_puts(&b, "</tr></table>\n");
	struct buf foot = {0};
	buf_printf(&foot, "Quyết định số %s · mã hồ sơ xử phạt %lld · cơ sở %s · %s",
		   number ? number : "-", (long long)json_integer_value(json_object_get(p, "id")),
		   str(f, "id") ? str(f, "id") : "-",
		   json_is_true(json_object_get(p, "paid")) ? "đã nộp phạt" : "chưa nộp phạt");
	doc_close(&b, buf_str(&foot));
	buf_free(&foot);
	buf_puts(out, b.data);
	buf_free(&b);
	buf_free(&words);
	return 0;
}
