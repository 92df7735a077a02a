/* Reading the spreadsheets officers keep: a CSV file (UTF-8, BOM optional,
 * ',' or ';' separated, RFC 4180 quoting, LF or CRLF) or the first sheet
 * of an XLSX workbook (read with libzip and expat: no XLSX library is
 * packaged), into rows of text cells; then checking every row against a
 * record's field table into JSON objects, with errors by row and column in
 * Vietnamese. Pure (no database); fuzzed by fuzz/fuzz_import_row.c.
 *
 * Rows are numbered as a spreadsheet shows them: the header is row 1. */
#ifndef PCCC_REGISTER_IMPORTER_H
#define PCCC_REGISTER_IMPORTER_H
#include <jansson.h>
#include <stddef.h>

#include "register/record.h"

#define SHEET_MAX_COLS 128
#define SHEET_MAX_CELL (32u << 10)   /* bytes in one cell */
#define SHEET_MAX_XML (512u << 20)   /* bytes of one inflated XLSX part */
#define IMPORT_MAX_ERRORS 1000

struct sheet_row {
	int row;            /* spreadsheet row number (header = 1) */
	int ncells;
	char **cells;       /* ncells NUL-terminated strings ("" when empty),
			     * writable, owned by the sheet */
	int cap;            /* room in cells */
};

struct sheet_block;         /* where the cells' text is kept (importer.c) */

struct sheet {
	struct sheet_row *rows;
	size_t nrows, cap;
	struct sheet_block *blocks;
};

/* Reads data as XLSX when it starts with a zip signature, CSV otherwise.
 * 0, or -1 with a "vi / en" message in err. *out is always valid to
 * sheet_free. */
int sheet_read(const void *data, size_t len, struct sheet *out, char *err, size_t errlen);
int sheet_read_csv(const char *data, size_t len, struct sheet *out, char *err, size_t errlen);
int sheet_read_xlsx(const void *data, size_t len, struct sheet *out, char *err, size_t errlen);
void sheet_free(struct sheet *s);

/* How one kind of record is imported. */
struct import_spec {
	const struct rec_field *fields;
	/* body check (create = 1) after the cells are read: house_check... */
	int (*check)(json_t *body, int create, struct rec_error *err);
	/* Vietnamese label of an enum id (for reading labels), may be NULL. */
	const char *(*label)(const char *id);
	/* Extra columns that are not fields (kept in the row object under
	 * their key, as text), e.g. "id" for a house ID given in the file;
	 * NULL-terminated list of {key, vi header}. */
	const char *const (*extra)[2];
};

/* Maps the header row (keys, Vietnamese or English labels, diacritics and
 * case ignored) to fields, reads every row into a JSON object and checks
 * it. *rows receives an array of objects (one per non-blank data row, each
 * with "_row": its row number); *errors an array of {"row","column",
 * "field","message"}. Returns 0 when there is no error, -1 otherwise (rows
 * then NULL): all or nothing. */
int import_sheet(const struct sheet *sh, const struct import_spec *spec, json_t **rows,
		 json_t **errors);

/* The same over the rows with indexes [from, to) of sh->rows (the header
 * found and mapped again each time), for reading a sheet in parts: header
 * errors come only with from == 0 (a later part just fails), and no "no
 * data rows" error (the caller counts rows). Returns -1 on any error. */
int import_sheet_part(const struct sheet *sh, const struct import_spec *spec, size_t from,
		      size_t to, json_t **rows, json_t **errors);

/* Appends an error (at most IMPORT_MAX_ERRORS are kept; later ones are
 * counted in a last summary entry by import_errors_finish). */
void import_error_add(json_t *errors, int row, const char *column, const char *field,
		      const char *message);

#endif
