/* Sessions: issuing them after a successful sign-in (password or eID),
 * the cookie, the user JSON every sign-in answers with, and loading the
 * caller (struct principal) of a request from a session.
 *
 * Cookie: pccc_session=TOKEN; HttpOnly; SameSite=Strict; Path=/ (and
 * Secure with PCCC_COOKIE_SECURE=1); Max-Age = the absolute lifetime. */
#ifndef PCCC_AUTH_SESSION_H
#define PCCC_AUTH_SESSION_H
#include <jansson.h>

#include "auth/token.h"

struct req;
struct resp;
struct account;
struct session_row;
struct principal;

#define AUTH_COOKIE_NAME "pccc_session"

/* Creates a session for account_id (method "password"), adds its
 * Set-Cookie header to out, and returns 0 with *user_out = the login
 * answer {"token","user":{"id","username","display_name","role","unit",
 * "must_change_password"},"csrf_token"} (caller owns it; reply with it).
 * -1 when the account does not exist, is disabled, or the store fails
 * (nothing written to out). */
int auth_session_issue(struct req *r, struct resp *out, long long account_id, json_t **user_out);
/* The same with the sign-in method recorded on the session ("password",
 * "vneid"). */
int auth_session_issue_via(struct req *r, struct resp *out, long long account_id,
			   const char *method, json_t **user_out);

/* {"id","username","display_name","role","unit","must_change_password"}. */
json_t *auth_user_json(const struct account *a);

/* The CSRF token of a stored session (into out). -1 on a malformed row. */
int auth_session_csrf(const struct session_row *s, char out[TOKEN_BUF]);

/* Set-Cookie that removes the session cookie. */
void auth_cookie_clear(struct req *r, struct resp *out);

/* The request's session token (Bearer header first, then the cookie) and
 * whether it came from the cookie; NULL when there is none. Arena memory. */
const char *auth_request_token(struct req *r, int *via_cookie);

/* A principal in r's arena for account a on session session_hash (scope:
 * home unit, province looked up in the units table, covered communes,
 * own house/facility). NULL when the store fails. */
struct principal *auth_principal_new(struct req *r, const struct account *a,
				     const char *session_hash, int via_cookie);

#endif
