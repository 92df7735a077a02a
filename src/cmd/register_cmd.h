/* The register's commands (register_cmd.c): imports of houses,
 * facilities and population data, and the city generator. */
#ifndef PCCC_CMD_REGISTER_CMD_H
#define PCCC_CMD_REGISTER_CMD_H

struct app;

/* `pccc import KIND FILE` for kind houses|facilities|residents: the exit
 * code (0 ok, 1 refused/failed), or -2 when kind is not one of these. */
int register_import_cmd(struct app *app, const char *kind, const char *path);

/* `pccc generate ...` (argv[0] = "generate"): exit code. */
int cmd_generate(int argc, char **argv);

#endif
