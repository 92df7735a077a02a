/* Private to src/auth and the account handlers: the state the accounts
 * service keeps for a serving process (struct app's auth member). */
#ifndef PCCC_AUTH_STATE_H
#define PCCC_AUTH_STATE_H
#include <stdatomic.h>
#include <stdint.h>

#include "auth/password.h"
#include "auth/pii.h"

struct app;
struct throttle;

struct auth_state {
	struct pii_keys keys;
	struct throttle *throttle;
	/* A hash verified for unknown usernames, so that a wrong name costs
	 * as long as a wrong password. */
	char dummy_hash[PASSWORD_HASH_BUF];
	int64_t ttl_ms;          /* absolute session lifetime (PCCC_SESSION_TTL_S, 12 h) */
	int64_t idle_ms;         /* idle timeout (PCCC_SESSION_IDLE_S, 30 min) */
	int cookie_secure;       /* PCCC_COOKIE_SECURE=1: add Secure to the cookie */
	_Atomic int64_t last_prune_ms;
};

/* app->auth, or NULL when the service was not started (CLI commands). */
struct auth_state *auth_state_of(struct app *app);

#endif
