/* The OpenAPI 3.1 document, generated from the route table so that it
 * cannot drift from what the server does. */
#ifndef PCCC_HTTP_OPENAPI_H
#define PCCC_HTTP_OPENAPI_H
#include <jansson.h>

#include "http/route.h"

/* New reference; caller decrefs. */
json_t *openapi_build(const struct route *table, const char *version);

#endif
