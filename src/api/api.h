/* Handlers of the /api/v1 resources and their declared parameters, as the
 * route table (routes.c) references them. One section per resource file. */
#ifndef PCCC_API_API_H
#define PCCC_API_API_H
#include "http/route.h"

struct req;
struct resp;

/* ---- units.c: administrative units (public) ---------------------------- */
void api_units_list(struct req *r, struct resp *out);
void api_units_get(struct req *r, struct resp *out);
void api_units_children(struct req *r, struct resp *out);
void api_units_successors(struct req *r, struct resp *out);
extern const struct param_spec api_units_list_params[];
extern const struct param_spec api_units_get_params[];
extern const struct param_spec api_units_children_params[];
extern const struct param_spec api_units_successors_params[];

#endif
