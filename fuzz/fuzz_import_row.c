/* libFuzzer target: the register's spreadsheet readers (CSV, and XLSX
 * when the input starts with a zip signature) and the row checking of
 * house and facility imports. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "register/facility.h"
#include "register/house.h"
#include "register/importer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const extra[][2] = {{"id", "Mã định danh nhà"}, {NULL, NULL}};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheet sh;
	char err[256];
	json_t *rows = NULL, *errors = NULL;
	struct import_spec specs[2] = {
		{house_fields, house_check, house_type_vi, extra},
		{facility_fields, facility_check, facility_category_vi, NULL},
	};

	if (sheet_read(data, size, &sh, err, sizeof err) != 0)
		return 0;
	for (int i = 0; i < 2; i++) {
		rows = errors = NULL;
		import_sheet(&sh, &specs[i], &rows, &errors);
		json_decref(rows);
		json_decref(errors);
	}
	sheet_free(&sh);
	return 0;
}
