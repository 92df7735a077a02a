/* Handlers of enforcement records addressed by their own id (enforcement.c),
 * as the route table references them. */
#ifndef PCCC_API_ENFORCEMENT_H
#define PCCC_API_ENFORCEMENT_H
#include "http/route.h"

struct req;
struct resp;

/* POST /api/v1/penalties/{id}/paid  body {"paid": true|false, "paid_on"} */
void api_penalty_paid(struct req *r, struct resp *out);
extern const struct param_spec api_penalty_id_params[];
extern const struct param_spec api_penalty_paid_body[];

#endif
