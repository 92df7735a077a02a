/* `pccc import KIND FILE` and the pure parsers behind it (tested and
 * fuzzed without a database). cmd_import / cmd_import_main are declared in
 * cmd/cmd.h. */
#ifndef PCCC_CMD_IMPORT_H
#define PCCC_CMD_IMPORT_H
#include <jansson.h>
#include <stddef.h>

#include "store/store.h"

/* Parses the GSO catalogue CSV (danhmuchanhchinh.gso.gov.vn export: UTF-8,
 * BOM optional, header "Mã,Tên,Tên Tiếng Anh,Cấp,Mã QH,Quận Huyện,Mã TP,
 * Tỉnh / Thành Phố", RFC 4180 quoting, LF or CRLF) into legacy-scheme unit
 * rows: each province and district once, where first seen, before its
 * communes. Codes given with fewer digits (leading zeros lost in a
 * spreadsheet) are padded to 2/3/5 digits.
 *
 * *errors always receives a JSON array the caller json_decref's, one
 * {"line":N,"column":"Mã"|null,"message":"tiếng Việt / English"} per bad
 * row (line = the line the record starts on; header = line 1). Returns 0
 * with *rows (free with units_gso_free) and *n when there is no error;
 * -1 with *rows NULL and *n 0 otherwise: all or nothing. */
int units_gso_parse(const char *data, size_t len, struct unit_row **rows, size_t *n,
		    json_t **errors);
/* Frees rows from units_gso_parse (their code, name, type and parent). */
void units_gso_free(struct unit_row *rows, size_t n);

/* At most this many errors are listed; one more entry (line null) counts
 * the rest. */
#define UNITS_GSO_MAX_ERRORS 1000

#endif
