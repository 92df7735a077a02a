/* The route table: every endpoint pccc serves, declared once with its
 * method, path, handler, permission and parameters. The router validates
 * requests against it, /api/v1/openapi.json is generated from it, metrics
 * are kept per entry, and the authorization tests walk it. */
#include "api/api.h"
#include "api/system.h"
#include "http/route.h"
#include "http/static.h"

const struct route api_routes[] = {
    /* system */
    {.method = "GET", .pattern = "/healthz", .handler = api_healthz, .perm = PERM_PUBLIC,
     .summary = "Liveness: {\"status\":\"ok\"}", .tag = "system"},
    {.method = "GET", .pattern = "/metrics", .handler = api_metrics, .perm = PERM_PUBLIC,
     .summary = "Prometheus metrics (loopback only unless configured)", .tag = "system"},
    {.method = "GET", .pattern = "/api/v1/openapi.json", .handler = api_openapi,
     .perm = PERM_PUBLIC, .summary = "This document", .tag = "system"},
    {.method = "GET", .pattern = "/config.json", .handler = api_console_config,
     .perm = PERM_PUBLIC, .flags = ROUTE_HIDDEN, .summary = "Console configuration"},

    /* administrative units */
    {.method = "GET", .pattern = "/api/v1/units", .handler = api_units_list, .perm = PERM_PUBLIC,
     .flags = ROUTE_LIST, .params = api_units_list_params,
     .summary = "Search and list administrative units (both schemes)", .tag = "units"},
    {.method = "GET", .pattern = "/api/v1/units/{code}", .handler = api_units_get,
     .perm = PERM_PUBLIC, .params = api_units_get_params, .summary = "One administrative unit",
     .tag = "units"},
    {.method = "GET", .pattern = "/api/v1/units/{code}/children", .handler = api_units_children,
     .perm = PERM_PUBLIC, .flags = ROUTE_LIST, .params = api_units_children_params,
     .summary = "Units directly below a unit", .tag = "units"},
    {.method = "GET", .pattern = "/api/v1/units/{code}/successors",
     .handler = api_units_successors, .perm = PERM_PUBLIC,
     .params = api_units_successors_params,
     .summary = "2025 units a legacy commune went into", .tag = "units"},

    /* ---- accounts, sessions, audit (issue 3): add routes below ---- */
    /* ---- end accounts ---- */

    /* ---- register: houses, facilities, inspections (issue 4) ---- */
    /* ---- end register ---- */

    /* ---- alarms, devices, live board (issue 5) ---- */
    /* ---- end alarms ---- */

    /* the console (static files, last: prefix match) */
    {.method = "GET", .pattern = "/", .handler = http_static_serve, .perm = PERM_PUBLIC,
     .flags = ROUTE_PREFIX | ROUTE_HIDDEN, .summary = "Console static files"},
    {0},
};
