/* `pccc user ...` (accounts from the shell: the first admin, a forgotten
 * password) and `pccc audit verify` (checks the audit trail's hash
 * chain). Each takes the command's own argv (argv[0] = "user" / "audit")
 * and returns the exit code. */
#ifndef PCCC_CMD_USER_H
#define PCCC_CMD_USER_H

int cmd_user_main(int argc, char **argv);
int cmd_audit_main(int argc, char **argv);

#endif
