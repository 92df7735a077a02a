/* Router: pattern matching, 404/405, declared-parameter validation,
 * clamping, JSON body checking against a field declaration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/arena.h"
#include "http/http.h"
#include "http/router.h"

static void h_noop(struct req *r, struct resp *out)
{
	(void)r;
	out->status = 200;
}

static const struct param_spec p_list[] = {
    {.name = "q", .type = PARAM_STRING, .max_len = 10},
    {.name = "scheme", .type = PARAM_ENUM, .values = "2025|legacy"},
    PARAMS_LIST,
    {0},
};
static const struct param_spec p_code[] = {
    {.name = "code", .in = PARAM_IN_PATH, .type = PARAM_DIGITS, .max_len = 5},
    {.name = "n", .type = PARAM_INT, .min = 0, .max = 9},
    {.name = "must", .type = PARAM_STRING, .required = 1},
    {0},
};
static const struct param_spec b_fields[] = {
    {.name = "name", .type = PARAM_STRING, .required = 1, .max_len = 5},
    {.name = "floors", .type = PARAM_INT, .min = 0, .max = 200},
    {.name = "ok", .type = PARAM_BOOL},
    {.name = "note", .type = PARAM_STRING | PARAM_NULLABLE},
    {0},
};

static const struct route table[] = {
    {.method = "GET", .pattern = "/api/v1/units", .handler = h_noop, .params = p_list},
    {.method = "GET", .pattern = "/api/v1/units/{code}", .handler = h_noop, .params = p_code},
    {.method = "POST", .pattern = "/api/v1/units/{code}", .handler = h_noop, .params = p_code},
    {.method = "GET", .pattern = "/api/v1/units/{code}/children", .handler = h_noop, .params = p_code},
    {.method = "GET", .pattern = "/", .handler = h_noop, .flags = ROUTE_PREFIX},
    {0},
};

static void test_match_exact_and_params(void **state)
{
	(void)state;
	struct req r = {.arena = arena_new()};
	int idx = -1;
	assert_int_equal(router_match(table, "GET", "/api/v1/units/00364", &r, &idx, NULL, 0),
			 ROUTER_FOUND);
	assert_int_equal(idx, 1);
	assert_string_equal(r.params[0], "00364");
	memset(r.params, 0, sizeof r.params);
	assert_int_equal(router_match(table, "GET", "/api/v1/units/01/children", &r, &idx, NULL, 0),
			 ROUTER_FOUND);
	assert_int_equal(idx, 3);
	assert_string_equal(r.params[0], "01");
	assert_int_equal(router_match(table, "HEAD", "/api/v1/units", &r, &idx, NULL, 0), ROUTER_FOUND);
	assert_int_equal(idx, 0);
	arena_free(r.arena);
}

static void test_prefix_and_404_405(void **state)
{
	(void)state;
	struct req r = {.arena = arena_new()};
	int idx = -1;
	char allow[64];
	assert_int_equal(router_match(table, "GET", "/app.js", &r, &idx, NULL, 0), ROUTER_FOUND);
	assert_int_equal(idx, 4);
	assert_int_equal(router_match(table, "DELETE", "/api/v1/units/1", &r, &idx, allow, sizeof allow),
			 ROUTER_NO_METHOD);
	assert_non_null(strstr(allow, "GET"));
	assert_non_null(strstr(allow, "POST"));
	assert_int_equal(router_match(table, "POST", "/nope", &r, &idx, NULL, 0), ROUTER_NO_PATH);
	/* an empty path segment never matches a parameter */
	assert_int_equal(router_match(table, "GET", "/api/v1/units//children", &r, &idx, NULL, 0),
			 ROUTER_FOUND);
	assert_int_equal(idx, 4); /* only the static prefix */
	arena_free(r.arena);
}

static void test_query_validation(void **state)
{
	(void)state;
	struct req r = {.arena = arena_new(), .route = &table[0]};
	struct router_err e;
	assert_int_equal(router_take_query(&r, "q", "khuong", &e), 0);
	assert_int_equal(router_take_query(&r, "q", "again", &e), -1);
	assert_string_equal(e.code, "duplicate_parameter");
	assert_int_equal(router_take_query(&r, "evil", "1", &e), -1);
	assert_string_equal(e.code, "unknown_parameter");
	assert_string_equal(e.field, "evil");
	assert_int_equal(router_take_query(&r, "scheme", "1990", &e), -1);
	assert_string_equal(e.field, "scheme");
	assert_int_equal(router_take_query(&r, "scheme", "legacy", &e), 0);
	assert_int_equal(router_take_query(&r, "limit", "99999", &e), 0);
	assert_int_equal(router_take_query(&r, "cursor", "a b", &e), -1);
	assert_int_equal(router_take_query(&r, "format", "pdf", &e), -1);
	assert_int_equal(router_finish_params(&r, &e), 0);
	assert_string_equal(req_param(&r, "limit"), "500"); /* clamped */
	assert_int_equal(req_param_int(&r, "limit", 0), 500);
	arena_free(r.arena);

	struct req r2 = {.arena = arena_new(), .route = &table[0]};
	assert_int_equal(router_take_query(&r2, "q", "qua dai qua dai", &e), -1); /* > 10 bytes */
	assert_int_equal(router_take_query(&r2, "limit", "0", &e), -1);
	assert_int_equal(router_take_query(&r2, "limit", "-3", &e), -1);
	assert_int_equal(router_take_query(&r2, "limit", "12x", &e), -1);
	assert_int_equal(router_take_query(&r2, "q", "\xff\xfe", &e), -1); /* not UTF-8 */
	arena_free(r2.arena);
}

static void test_required_and_path_digits(void **state)
{
	(void)state;
	struct req r = {.arena = arena_new(), .route = &table[1]};
	struct router_err e;
	r.params[0] = "12a45";
	assert_int_equal(router_finish_params(&r, &e), -1);
	assert_string_equal(e.field, "code");
	r.params[0] = "12345";
	assert_int_equal(router_finish_params(&r, &e), -1);
	assert_string_equal(e.code, "missing_parameter");
	assert_string_equal(e.field, "must");
	assert_int_equal(router_take_query(&r, "must", "x", &e), 0);
	assert_int_equal(router_take_query(&r, "n", "10", &e), -1); /* no clamp: refused */
	assert_int_equal(router_finish_params(&r, &e), 0);
	arena_free(r.arena);
}

static void test_body(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct router_err e;
	json_t *j = NULL;
	const char *ok = "{\"name\":\"Nhà\",\"floors\":5,\"ok\":true,\"note\":null}";
	assert_int_equal(router_parse_body(b_fields, ok, strlen(ok), &j, &e, a), 0);
	json_decref(j);
	const char *cases[][2] = {
	    {"{\"name\":\"x\",\"extra\":1}", "unknown_field"},
	    {"{\"floors\":1}", "missing_field"},
	    {"{\"name\":\"x\",\"floors\":\"5\"}", "invalid_field"},
	    {"{\"name\":\"x\",\"floors\":201}", "invalid_field"},
	    {"{\"name\":\"x\",\"ok\":1}", "invalid_field"},
	    {"{\"name\":\"toolongname\"}", "invalid_parameter"},
	    {"[1,2]", "invalid_json"},
	    {"{\"name\":\"x\",\"name\":\"y\"}", "invalid_json"},
	    {"{\"name\":", "invalid_json"},
	    {"", "invalid_json"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		j = NULL;
		int rc = router_parse_body(b_fields, cases[i][0], strlen(cases[i][0]), &j, &e, a);
		assert_int_not_equal(rc, 0);
		assert_null(j);
		assert_string_equal(e.code, cases[i][1]);
		assert_int_equal(e.status, 400);
	}
	router_parse_body(b_fields, "{\"name\":\"x\",\"extra\":1}", 22, &j, &e, a);
	assert_string_equal(e.field, "extra");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_match_exact_and_params),
	    cmocka_unit_test(test_prefix_and_404_405),
	    cmocka_unit_test(test_query_validation),
	    cmocka_unit_test(test_required_and_path_digits),
	    cmocka_unit_test(test_body),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
