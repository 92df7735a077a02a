/* The route table's vocabulary. Every route is declared once (src/api/
 * routes.c) with method, path pattern, handler, permission and parameters;
 * the router validates parameters against the declaration before the
 * handler runs, the OpenAPI document and the metrics are generated from
 * the same table. */
#ifndef PCCC_HTTP_ROUTE_H
#define PCCC_HTTP_ROUTE_H
#include <stddef.h>

struct req;
struct resp;

typedef void (*route_handler_fn)(struct req *r, struct resp *out);

enum param_in { PARAM_IN_QUERY = 0, PARAM_IN_PATH };

enum param_type {
	PARAM_STRING = 0, /* UTF-8, max_len bytes */
	PARAM_INT,        /* decimal, min..max */
	PARAM_ENUM,       /* one of values, '|'-separated: "2025|legacy" */
	PARAM_DIGITS,     /* ASCII digits only, 1..max_len */
	PARAM_CURSOR,     /* opaque cursor: [A-Za-z0-9_-], max_len */
	/* JSON body fields only: */
	PARAM_BOOL,
	PARAM_NUMBER,     /* integer or real, min..max when max > min */
	PARAM_OBJECT,
	PARAM_ARRAY,
	PARAM_NULLABLE = 0x100, /* or-ed with a type: JSON null accepted */
};

struct param_spec {
	const char *name;
	enum param_in in;
	enum param_type type;
	int required;
	long long min, max;      /* PARAM_INT bounds; PARAM_INT values above max
	                          * are clamped when clamp is set */
	int clamp;
	int max_len;             /* strings; 0 = 256 */
	const char *values;      /* PARAM_ENUM */
	const char *description;
};

/* Permissions are the capabilities of src/auth/roles.h: PERM_PUBLIC
 * (= PERM_NONE) needs no sign-in; PERM_SELF any signed-in caller; any
 * other capability a signed-in caller whose role grants it. Which records
 * a caller reaches is the store's business (queries take the scope). */
#include "auth/roles.h"
#define PERM_PUBLIC PERM_NONE

#define ROUTE_JSON_BODY 0x1   /* body must be a JSON object */
#define ROUTE_LIST 0x2        /* takes limit/cursor/format; answers csv/xlsx */
#define ROUTE_HIDDEN 0x4      /* left out of the OpenAPI document */
#define ROUTE_PREFIX 0x8      /* pattern matches any path below it (static) */

struct route {
	const char *method;       /* "GET", "POST", "PATCH", "DELETE" */
	const char *pattern;      /* "/api/v1/units/{code}" */
	route_handler_fn handler;
	int perm;                 /* enum capability; PERM_PUBLIC = none */
	int flags;
	const struct param_spec *params; /* terminated by {0} (name NULL) */
	const struct param_spec *body;   /* JSON body fields (ROUTE_JSON_BODY);
	                                  * undeclared fields are refused */
	size_t max_body;                 /* bytes; 0 = 1 MiB */
	const char *summary;      /* one line, for OpenAPI */
	const char *tag;          /* OpenAPI tag */
};

/* The table (src/api/routes.c), terminated by an entry with method NULL. */
extern const struct route api_routes[];

/* Shared parameter sets for lists. */
#define PARAMS_LIST                                                                    \
	{.name = "limit", .type = PARAM_INT, .min = 1, .max = 500, .clamp = 1,           \
	 .description = "page size (clamped to 500)"},                                    \
	    {.name = "cursor", .type = PARAM_CURSOR, .max_len = 200,                     \
	     .description = "opaque cursor from next_cursor"},                           \
	{                                                                                \
		.name = "format", .type = PARAM_ENUM, .values = "json|csv|xlsx",         \
		.description = "json (default), or the whole filtered set as csv/xlsx"   \
	}

#endif
