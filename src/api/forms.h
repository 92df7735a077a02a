/* Handlers of the printed enforcement documents (forms.c) as the route
 * table references them. */
#ifndef PCCC_API_FORMS_H
#define PCCC_API_FORMS_H
#include "http/route.h"

struct req;
struct resp;

/* GET /api/v1/inspections/{id}/record.html */
void api_inspection_record(struct req *r, struct resp *out);
/* GET /api/v1/penalties/{id}/decision.html */
void api_penalty_decision(struct req *r, struct resp *out);
extern const struct param_spec api_form_id_params[];

#endif
