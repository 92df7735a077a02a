/* Handlers of /api/v1/auth/oidc/...: citizens sign in with the national
 * eID (VNeID) as an OpenID Connect provider (src/auth/oidc.h does the
 * protocol). All three are public routes.
 *
 *   GET /api/v1/auth/oidc/config    {"enabled","provider_name","start_url"}
 *   GET /api/v1/auth/oidc/start     302 to the provider (or, with
 *                                   Accept: application/json, 200
 *                                   {"authorization_url"})
 *   GET /api/v1/auth/oidc/callback  the provider's answer: a session and
 *                                   302 to "/#/", or 302 to
 *                                   "/#/login?error=CODE" (JSON 200 / 4xx
 *                                   with Accept: application/json) */
#ifndef PCCC_API_OIDC_H
#define PCCC_API_OIDC_H
#include "http/route.h"

struct req;
struct resp;

void api_oidc_config(struct req *r, struct resp *out);
void api_oidc_start(struct req *r, struct resp *out);
void api_oidc_callback(struct req *r, struct resp *out);
extern const struct param_spec api_oidc_callback_params[];

/* Reads PCCC_OIDC_* now (otherwise done on the first request), so that a
 * bad configuration is logged at start-up. */
void api_oidc_init(void);
/* Frees the eID client (made from the environment on first use). For a
 * clean shutdown and for tests; later requests make it again. */
void api_oidc_shutdown(void);

#endif
