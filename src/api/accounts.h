/* Handlers of /api/v1/auth/..., /api/v1/accounts* and /api/v1/audit, with
 * their declared parameters, as the route table (routes.c) references them.
 *
 * auth.c      sign-in, sign-out, the caller, password change
 * accounts.c  account administration (PERM_ACCOUNTS_ADMIN, scoped to the
 *             admin's home unit subtree; never personal data)
 * audit.c     the audit trail for auditors (PERM_AUDIT_READ) */
#ifndef PCCC_API_ACCOUNTS_H
#define PCCC_API_ACCOUNTS_H
#include "http/route.h"

struct req;
struct resp;

/* ---- auth.c ---------------------------------------------------------- */
void api_auth_login(struct req *r, struct resp *out);
void api_auth_logout(struct req *r, struct resp *out);
void api_auth_logout_all(struct req *r, struct resp *out);
void api_auth_me(struct req *r, struct resp *out);
void api_auth_password(struct req *r, struct resp *out);
extern const struct param_spec api_auth_login_body[];
extern const struct param_spec api_auth_password_body[];

/* ---- accounts.c ---------------------------------------------------------- */
void api_accounts_list(struct req *r, struct resp *out);
void api_accounts_create(struct req *r, struct resp *out);
void api_accounts_get(struct req *r, struct resp *out);
void api_accounts_update(struct req *r, struct resp *out);
void api_accounts_disable(struct req *r, struct resp *out);
void api_accounts_enable(struct req *r, struct resp *out);
void api_accounts_reset_password(struct req *r, struct resp *out);
void api_accounts_import(struct req *r, struct resp *out);
extern const struct param_spec api_accounts_list_params[];
extern const struct param_spec api_accounts_id_params[];
extern const struct param_spec api_accounts_create_body[];
extern const struct param_spec api_accounts_update_body[];

/* ---- audit.c --------------------------------------------------------------- */
void api_audit_list(struct req *r, struct resp *out);
extern const struct param_spec api_audit_list_params[];

#endif
