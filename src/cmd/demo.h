/* The demo city: accounts, devices and a plausible register placed in the
 * real Hà Nội communes, written on top of an existing database without
 * wiping anything. Each part seeds its own (register first, so accounts
 * and devices can point at a demo house and facility). */
#ifndef PCCC_CMD_DEMO_H
#define PCCC_CMD_DEMO_H
#include <jansson.h>

struct app;

/* What the register's demo gives the other parts. */
struct demo_ctx {
	char commune[8];            /* the demo commune officer's commune, "00364" */
	char citizen_house_id[16];  /* a house for the demo citizen ("" if none) */
	char owner_facility_id[40]; /* a facility for the demo facility owner */
	char facility_ids[8][40];   /* a few demo facilities, for devices */
	int nfacilities;
};

int demo_seed(struct app *app);
void demo_print(struct app *app, const char *url);

/* Parts (each idempotent: a rerun on the same database changes nothing
 * the user relies on). accounts/devices: JSON arrays to append to, in the
 * shapes of DIR/demo-accounts.json and DIR/demo-devices.json. */
int register_demo_seed(struct app *app, struct demo_ctx *ctx);
int auth_demo_seed(struct app *app, const struct demo_ctx *ctx, json_t *accounts);
int alarm_demo_seed(struct app *app, const struct demo_ctx *ctx, json_t *devices);

#endif
