/* libFuzzer target: JSON request bodies through the router's body parser
 * and field validation (the path every POST/PATCH body takes). */
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "http/router.h"

static const struct param_spec fields[] = {
    {.name = "name", .type = PARAM_STRING, .required = 1, .max_len = 200},
    {.name = "floors", .type = PARAM_INT, .min = 0, .max = 200},
    {.name = "lat", .type = PARAM_NUMBER, .min = -90, .max = 90},
    {.name = "kind", .type = PARAM_ENUM, .values = "a|b|c"},
    {.name = "code", .type = PARAM_DIGITS, .max_len = 5},
    {.name = "ok", .type = PARAM_BOOL},
    {.name = "items", .type = PARAM_ARRAY},
    {.name = "extra", .type = PARAM_OBJECT | PARAM_NULLABLE},
    {0},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct router_err e;
	json_t *j = NULL;
	if (router_parse_body(fields, (const char *)data, size, &j, &e, a) == 0)
		json_decref(j);
	j = NULL;
	if (router_parse_body(NULL, (const char *)data, size, &j, &e, a) == 0)
		json_decref(j);
	arena_free(a);
	return 0;
}
