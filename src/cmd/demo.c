/* Demo seeding (see demo.h). Writes DIR/demo-accounts.json and
 * DIR/demo-devices.json in the shapes DESIGN.md fixes. */
#include "cmd/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "core/alloc.h"
#include "core/log.h"

static int write_json_file(const char *dir, const char *name, json_t *v)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *tmp = xasprintf("%s.tmp", path);
	int rc = json_dump_file(v, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc != 0)
		log_error("cannot write %s", path);
	free(tmp);
	free(path);
	return rc;
}

int demo_seed(struct app *app)
{
	struct demo_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	snprintf(ctx.commune, sizeof ctx.commune, "%s", "00364");
	json_t *accounts = json_array();
	json_t *devices = json_array();
	int rc = register_demo_seed(app, &ctx);
	if (rc == 0)
		rc = auth_demo_seed(app, &ctx, accounts);
	if (rc == 0)
		rc = alarm_demo_seed(app, &ctx, devices);
	if (rc == 0)
		rc = write_json_file(app->cfg.data, "demo-accounts.json", accounts);
	if (rc == 0)
		rc = write_json_file(app->cfg.data, "demo-devices.json", devices);
	json_decref(accounts);
	json_decref(devices);
	return rc;
}

void demo_print(struct app *app, const char *url)
{
	printf("\npccc demo đang chạy / is running\n");
	printf("  Mở / Open: %s\n", url);
	printf("  Dữ liệu / Data: %s (cơ sở dữ liệu / database %s)\n", app->cfg.data, app->cfg.db);
	printf("  Tài khoản mẫu / demo accounts: %s/demo-accounts.json\n", app->cfg.data);
	printf("  Dừng bằng Ctrl+C / stop with Ctrl+C\n\n");
}
