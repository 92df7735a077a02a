/* libFuzzer target: the GSO unit catalogue parser and text folding. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/import.h"
#include "core/fold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct unit_row *rows = NULL;
	size_t n = 0;
	json_t *errors = NULL;
	if (units_gso_parse((const char *)data, size, &rows, &n, &errors) == 0)
		units_gso_free(rows, n);
	json_decref(errors);
	struct buf b = {0};
	fold_text((const char *)data, size, &b);
	buf_free(&b);
	return 0;
}
