/* The accounts-and-security service of a serving process: keys for
 * personal data, the sign-in throttle, and identifying the caller of each
 * request from its session cookie or bearer token. */
#ifndef PCCC_AUTH_SERVICE_H
#define PCCC_AUTH_SERVICE_H

struct app;
struct req;
struct resp;

/* At start (after the store is open) and at stop. 0 / -1 (clear line
 * printed). */
int auth_service_start(struct app *app);
void auth_service_stop(struct app *app);
/* Sets r->who from the request's session cookie or Authorization: Bearer
 * header (NULL when there is none or it is invalid/expired). Returns 0, or
 * -1 after writing an error reply to out (e.g. CSRF failure on a cookie
 * write). Runs before the route's permission check. */
int auth_identify(struct req *r, struct resp *out);

#endif
