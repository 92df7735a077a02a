/* Demo alarm transmitters (see cmd/demo.h). */
#include "cmd/demo.h"

int alarm_demo_seed(struct app *app, const struct demo_ctx *ctx, json_t *devices)
{
	(void)app;
	(void)ctx;
	(void)devices;
	return 0;
}
