/* The pccc sub-commands. Each takes the command's own argv (argv[0] is
 * the command name) and returns the process exit code. */
#ifndef PCCC_CMD_CMD_H
#define PCCC_CMD_CMD_H

struct app;

int cmd_serve(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_import(struct app *app, int argc, char **argv);
int cmd_import_main(int argc, char **argv);

/* Shared start-up: parses flags from argv[first..], prepares the data
 * directory, opens and migrates the store, seeds the units. 0 or -1 (a
 * clear line already printed). */
int cmd_app_open(struct app *app, int argc, char **argv, int first);
void cmd_app_close(struct app *app);

#endif
