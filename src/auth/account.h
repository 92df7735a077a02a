/* Rules for account records shared by the HTTP handlers, the CSV import
 * and `pccc user`: usernames, generated temporary passwords, and whether
 * a home unit and covered communes are acceptable for a role in an
 * admin's scope. */
#ifndef PCCC_AUTH_ACCOUNT_H
#define PCCC_AUTH_ACCOUNT_H
#include <stddef.h>

#include "auth/roles.h"

struct store;

#define AUTH_USERNAME_BUF 64
#define AUTH_TEMP_PASSWORD_LEN 14
#define AUTH_MAX_COVERED 64

/* Trims and ASCII-lowercases in; accepts 3..63 characters of a-z 0-9 . _ -
 * starting with a letter or digit. 0 and out, or -1. */
int auth_username_normalize(const char *in, char out[AUTH_USERNAME_BUF]);

/* A random temporary password of AUTH_TEMP_PASSWORD_LEN characters
 * (letters and digits without look-alikes, plus one symbol) that passes
 * the password policy. */
void auth_password_generate(char out[AUTH_TEMP_PASSWORD_LEN + 1]);

/* Checks a home unit and covered communes for role, for an admin whose
 * home unit is scope_unit ("" = everything): unit must be a 2025 unit in
 * the scope; covered communes only for a fire team, each a 2025 commune in
 * the scope, at most AUTH_MAX_COVERED, no repeats. 0, or -1 with the
 * message ("tiếng Việt / English", static) and the offending field. */
int auth_account_check_units(struct store *st, const char *scope_unit, enum role role,
			     const char *unit, const char *const *covered, size_t ncovered,
			     const char **msg, const char **field);

#endif
