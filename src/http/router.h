/* Matching a request to the route table and validating its parameters
 * against the route's declaration. Pure functions over strings, so they
 * are unit-tested and fuzzed without a server. */
#ifndef PCCC_HTTP_ROUTER_H
#define PCCC_HTTP_ROUTER_H
#include <jansson.h>
#include <stddef.h>

#include "http/route.h"

struct req;

enum router_match {
	ROUTER_FOUND = 0,
	ROUTER_NO_PATH = -1,     /* 404 */
	ROUTER_NO_METHOD = -2,   /* 405 */
};

/* Finds the route for method+path in table. *idx receives its index; path
 * parameter values are written (arena copies) to params[] at their spec
 * positions. On ROUTER_NO_METHOD, allow (if non-NULL, size allowlen) gets
 * the allowed methods, comma separated. */
int router_match(const struct route *table, const char *method, const char *path,
		 struct req *r, int *idx, char *allow, size_t allowlen);

/* A validation failure: HTTP status, error code, message, field. */
struct router_err {
	int status;
	const char *code;
	const char *message;
	const char *field;
};

/* Checks one value against its spec; 0 ok, -1 with err filled. */
int router_check_value(const struct param_spec *p, const char *v, struct router_err *err);
/* Validates a query parameter (name, value) against route->params; stores
 * it into r->params. Unknown names and repeated names are refused. */
int router_take_query(struct req *r, const char *name, const char *value, struct router_err *err);
/* After all query parameters: required ones present, INT clamping. */
int router_finish_params(struct req *r, struct router_err *err);
/* Parses a JSON object body and checks it against spec (may be NULL: any
 * object); *out is owned by the caller. Names in err are copied to a. */
struct arena;
int router_parse_body(const struct param_spec *spec, const char *body, size_t len, json_t **out,
		      struct router_err *err, struct arena *a);

/* Index of a route in api_routes by pointer, for metrics. */
size_t router_count(const struct route *table);

#endif
