/* The accounts-and-security service of a serving process: keys for
 * personal data, the sign-in throttle, and identifying the caller of each
 * request from its session cookie or bearer token.
 *
 * Environment: PCCC_SESSION_TTL_S (absolute session lifetime, default
 * 43200 = 12 h), PCCC_SESSION_IDLE_S (idle timeout, default 1800),
 * PCCC_COOKIE_SECURE (1: the session cookie carries Secure; set it when
 * pccc is served over HTTPS, e.g. behind a TLS proxy). */
#ifndef PCCC_AUTH_SERVICE_H
#define PCCC_AUTH_SERVICE_H

struct app;
struct req;
struct resp;
struct pii_keys;

/* At start (after the store is open) and at stop. 0 / -1 (clear line
 * printed). */
int auth_service_start(struct app *app);
void auth_service_stop(struct app *app);
/* Sets r->who from the request's session cookie or Authorization: Bearer
 * header (NULL when there is none or it is invalid/expired). Returns 0, or
 * -1 after writing an error reply to out: 403 "csrf" for a cookie-signed
 * write to a non-public route without the session's X-CSRF-Token, 403
 * "password_change_required" while the account must change its password
 * (except /api/v1/auth/me, /password, /logout, /logout-all and public
 * routes). Runs before the route's permission check. */
int auth_identify(struct req *r, struct resp *out);

/* The personal-data keys (DATA_DIR/pii.key) of a started service, NULL
 * before auth_service_start. Borrowed for the process's life. */
const struct pii_keys *auth_pii_keys(struct app *app);

#endif
