/* The demo register: houses, facilities, inspections (see cmd/demo.h). */
#include "cmd/demo.h"

int register_demo_seed(struct app *app, struct demo_ctx *ctx)
{
	(void)app;
	(void)ctx;
	return 0;
}
