/* The demo city: accounts, devices and a plausible register placed in the
 * real Hà Nội communes, written on top of an existing database without
 * wiping anything. */
#ifndef PCCC_CMD_DEMO_H
#define PCCC_CMD_DEMO_H

struct app;

int demo_seed(struct app *app);
void demo_print(struct app *app, const char *url);

#endif
