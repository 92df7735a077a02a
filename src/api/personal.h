/* Full reads of personal data, for the roles that need them; every read
 * is written to the audit trail. */
#ifndef PCCC_API_PERSONAL_H
#define PCCC_API_PERSONAL_H
#include "http/route.h"

struct req;
struct resp;

extern const struct param_spec api_resident_personal_params[];
void api_resident_personal(struct req *r, struct resp *out);

#endif
