/* Demo accounts: one per role (see cmd/demo.h). */
#include "cmd/demo.h"

int auth_demo_seed(struct app *app, const struct demo_ctx *ctx, json_t *accounts)
{
	(void)app;
	(void)ctx;
	(void)accounts;
	return 0;
}
