/* The printed enforcement documents, rendered as HTML pages for printing
 * on A4 (the look is web/print/forms.css; no inline style or script, so
 * the strict CSP holds):
 *
 *  - the inspection record (biên bản kiểm tra về phòng cháy, chữa cháy và
 *    cứu nạn, cứu hộ), laid out after the forms appended to Decree
 *    105/2025/NĐ-CP (Phụ lục VIII: Mẫu số PC02 for a self-inspection; the
 *    authority's record follows the same appendix structure and the
 *    parties / signature layout of Decree 136/2020 form PC06 — see
 *    FORMS_INSPECTION_FORM_OFFICIAL);
 *  - the administrative penalty decision (quyết định xử phạt vi phạm hành
 *    chính), laid out after form MQĐ02 of Decree 118/2021/NĐ-CP as
 *    amended, citing Decree 106/2025/NĐ-CP for the fire-safety penalties.
 *
 * Each opens with the issuing agency and the number ("Số: 12/BB-PCCC"),
 * the national motto (CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự
 * do - Hạnh phúc), the place and date line, then the parties, the
 * content the form asks for, and the signature blocks. Fields the system
 * does not know (hour, titles) are left as dotted lines to fill by hand.
 *
 * Pure functions: input is JSON the handler assembled (documented at each
 * function), output appended to a struct buf. Every value is HTML-escaped;
 * nothing an input holds can break the page or run script. */
#ifndef PCCC_REGISTER_FORMS_H
#define PCCC_REGISTER_FORMS_H
#include <jansson.h>
#include <stddef.h>

struct buf;

#define FORMS_INSPECTION_SUFFIX "BB-PCCC"
#define FORMS_INSPECTION_FORM_SELF "Mẫu số PC02 – Phụ lục VIII, Nghị định 105/2025/NĐ-CP"
#define FORMS_INSPECTION_FORM_OFFICIAL                                                     \
	"Theo Phụ lục VIII Nghị định 105/2025/NĐ-CP (bố cục Mẫu PC06 Nghị định 136/2020/NĐ-CP)"
#define FORMS_PENALTY_FORM "Mẫu MQĐ02 – Nghị định 118/2021/NĐ-CP (sửa đổi, bổ sung)"
#define FORMS_STYLESHEET "/print/forms.css"

/* Appends s HTML-escaped (& < > " ') to b; NULL appends nothing. */
void forms_escape(struct buf *b, const char *s);

/* "2025-08-01" → "ngày 01 tháng 8 năm 2025" (day < 10 and months 1, 2
 * written with a leading zero, as administrative documents do). 0, or -1
 * for a date that is not YYYY-MM-DD (out = "ngày ... tháng ... năm ...").
 * out >= 48 bytes. */
int forms_date_long(const char *date, char *out, size_t outlen);
/* "2025-08-01" → "01/08/2025"; an invalid date is copied as "..." . */
void forms_date_short(const char *date, char *out, size_t outlen);
/* 7500000 → "7.500.000" (out >= 32 bytes); negative values as 0. */
void forms_amount_digits(long long amount, char *out, size_t outlen);
/* 7500000 → "Bảy triệu năm trăm nghìn đồng" appended to b (0 → "Không
 * đồng"); amounts up to 999 999 999 999 999. -1 for a negative or larger
 * amount (nothing appended). */
int forms_amount_words(long long amount, struct buf *b);
/* s in capitals appended to b, Vietnamese letters included ("Phường
 * Khương Đình" → "PHƯỜNG KHƯƠNG ĐÌNH"); other bytes copied as they are. */
void forms_upper(struct buf *b, const char *s);

/* "12/BB-PCCC" into out for sequence seq (>= 1). */
void forms_inspection_number(long long seq, char *out, size_t outlen);
/* An inspection kind in Vietnamese: "periodic" → "Kiểm tra định kỳ",
 * "unannounced" → "Kiểm tra đột xuất", "self" → "Tự kiểm tra"; NULL for
 * anything else. */
const char *forms_inspection_kind_vi(const char *kind);

/* The inspection record. ctx:
 *   {"number": "12/BB-PCCC",
 *    "agency": ["ỦY BAN NHÂN DÂN", "PHƯỜNG KHƯƠNG ĐÌNH"],   (1-3 lines)
 *    "place": "Hà Nội",
 *    "target_kind": "house" | "facility",
 *    "target": the house or facility as GET /houses/{id} or
 *              /facilities/{id} shows it,
 *    "representative": {"name", "role"}   (optional: household head / legal
 *                                          representative),
 *    "inspection": the stored inspection (kind, date, inspector, results
 *                  [{code,result,required,note}], compliance,
 *                  failing_items, notes, id),
 *    "violations": [{"item_code","description","deadline"}] (optional),
 *    "photos": [{"url","item"}] (optional: an appendix of the photos,
 *              only /api/v1/inspections/... URLs)}
 * 0, or -1 when ctx lacks the inspection or target (nothing appended). */
int forms_render_inspection(const json_t *ctx, struct buf *out);

/* The penalty decision. ctx:
 *   {"agency": [...], "place": "Hà Nội",
 *    "facility": the facility as GET /facilities/{id} shows it,
 *    "penalty": {"id","number","date","amount","legal_basis","violation",
 *                "deadline","issuer","paid","paid_on"},
 *    "inspection_number": "12/BB-PCCC" (optional: the record it rests on)}
 * 0, or -1 when ctx lacks the penalty or facility, or the amount is not a
 * whole number of đồng in range. */
int forms_render_penalty(const json_t *ctx, struct buf *out);

#endif
