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
	printf("  Dữ liệu / Data: %s (cơ sở dữ liệu / database %s)\n", app->cfg.data, app->db_shown);
	printf("  Bộ thu báo cháy DC-09 / DC-09 alarm receiver: %s (TCP + UDP)\n", app->cfg.alarm);
	char *path = xasprintf("%s/demo-accounts.json", app->cfg.data);
	json_t *acc = json_load_file(path, 0, NULL);
	if (json_is_array(acc) && json_array_size(acc)) {
		printf("\n  Tài khoản mẫu / demo accounts (%s):\n", path);
		/* the header is spaced by hand: printf pads bytes, not letters */
		printf("  vai trò / role     tên / username   mật khẩu / password  đơn vị / unit\n");
		size_t i;
		json_t *a;
		json_array_foreach(acc, i, a) {
			printf("  %-18s %-16s %-20s %s\n", json_string_value(json_object_get(a, "role")),
			       json_string_value(json_object_get(a, "username")),
			       json_string_value(json_object_get(a, "password")),
			       json_string_value(json_object_get(a, "unit")) ? json_string_value(json_object_get(a, "unit")) : "");
		}
	}
	json_decref(acc);
	free(path);
	printf("\n  Thiết bị báo cháy mẫu / demo transmitters: %s/demo-devices.json\n", app->cfg.data);
	printf("  Dừng bằng Ctrl+C / stop with Ctrl+C\n\n");
}
