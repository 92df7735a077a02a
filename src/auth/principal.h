/* The signed-in caller of a request (req->who): who they are, their role,
 * and their scope (src/auth/roles.h). Filled by the authentication step
 * before the route's permission is checked; NULL when anonymous. Store
 * queries take &who->scope so that no handler can forget the scope. */
#ifndef PCCC_AUTH_PRINCIPAL_H
#define PCCC_AUTH_PRINCIPAL_H
#include "auth/roles.h"

struct principal {
	long long account_id;
	char username[64];
	char display_name[128];
	enum role role;
	struct scope scope;          /* strings inside live in the request arena */
	char session_hash[65];       /* the session's stored hash (hex) */
	int via_cookie;              /* cookie session: writes need the CSRF token */
	int must_change_password;
};

#endif
