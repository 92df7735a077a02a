/* Passwords: argon2id hashing and verification (libsodium
 * crypto_pwhash_str, self-describing "$argon2id$v=19$m=...,t=...,p=1$..."
 * strings), rehash detection when the cost changes, and the password
 * policy with its messages in Vietnamese and English.
 *
 * Call sodium_init() once before hashing. */
#ifndef PCCC_AUTH_PASSWORD_H
#define PCCC_AUTH_PASSWORD_H

#define PASSWORD_HASH_BUF 128   /* crypto_pwhash_STRBYTES */
#define PASSWORD_MIN_CHARS 10
#define PASSWORD_MAX_CHARS 128

/* Cost: by default OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE (64 MiB,
 * ~0.1 s here). password_set_cost_fast(1) switches the whole process to a
 * cheap setting (1 pass, 64 KiB) for tests and demo seeding; (0) switches
 * back. Hashes made either way verify either way: the parameters are in
 * the string. Thread-safe (atomic). */
void password_set_cost_fast(int fast);

/* Hashes pw into out (NUL-terminated, < PASSWORD_HASH_BUF). 0, or -1 if pw
 * is NULL or longer than the policy allows, or hashing failed (memory). */
int password_hash(const char *pw, char out[PASSWORD_HASH_BUF]);

/* 0 if pw matches hash, -1 otherwise (also for a malformed hash or NULL). */
int password_verify(const char *hash, const char *pw);

/* 1 if hash was made with other parameters than the current cost (rehash
 * it after a successful verify), 0 if not, -1 if it is not a valid
 * argon2id string. */
int password_needs_rehash(const char *hash);

/* The policy for a new password: 10 to 128 characters (Unicode code
 * points; valid UTF-8 without control characters), not equal to or
 * containing the username (ASCII case-insensitive; containment only for
 * usernames of 3+ bytes), not a common password (ASCII case-insensitive),
 * and at least two of letters, digits, symbols (a space counts as a
 * symbol; accented Latin letters as letters). 0 if acceptable; -1 with the
 * first failed rule explained in *reason_vi and *reason_en (static
 * strings; either pointer may be NULL). username may be NULL. */
int password_check_policy(const char *pw, const char *username, const char **reason_vi,
			  const char **reason_en);

/* 1 if pw is in the common-password list (case-insensitive), else 0. */
int password_is_common(const char *pw);

#endif
