/* Personal data protection (Decree 13/2023/NĐ-CP): validating and
 * normalising citizen ID numbers (CCCD) and phone numbers, encrypting
 * them at rest, finding them through a keyed hash, masking them in lists.
 *
 * Keys live in DATA_DIR/pii.key (64 random bytes, mode 0600, created on
 * first start, never in the database): the first 32 bytes key
 * crypto_secretbox (XSalsa20-Poly1305), the last 32 key a BLAKE2b keyed
 * hash (the blind index). Losing the file loses the encrypted data: it
 * belongs in the backup, apart from the database backup.
 *
 * Stored form of an encrypted value: "v1:" + unpadded URL-safe base64 of
 * nonce (24 bytes) || ciphertext with its 16-byte tag. The column holding
 * it is never searched; lookups use the blind index column instead.
 *
 * Call sodium_init() once before any of this. */
#ifndef PCCC_AUTH_PII_H
#define PCCC_AUTH_PII_H
#include <stddef.h>

#define PII_KEY_FILE "pii.key"
#define PII_KEY_BYTES 32
#define PII_INDEX_BUF 65 /* 64 hex digits + NUL */
#define PII_CCCD_BUF 13
#define PII_PHONE_BUF 11
#define PII_MASK_BUF 16

struct pii_keys {
	unsigned char box[PII_KEY_BYTES];  /* secretbox key */
	unsigned char mac[PII_KEY_BYTES];  /* blind-index key */
};

enum pii_kind { PII_KIND_CCCD, PII_KIND_PHONE };
enum pii_sex { PII_SEX_MALE, PII_SEX_FEMALE };

/* What a CCCD number's structure says: PPP G YY RRRRRR. */
struct pii_cccd_info {
	char province[4];   /* province-of-birth code, "001" (not checked against a list) */
	enum pii_sex sex;
	int birth_year;     /* G 0/1 → 19YY, 2/3 → 20YY, 4/5 → 21YY, 6/7 → 22YY, 8/9 → 23YY */
};

/* 1 if s is exactly 12 ASCII digits (nothing else around), else 0. */
int pii_cccd_valid(const char *s);
/* Decodes a valid CCCD. -1 if !pii_cccd_valid(s). */
int pii_cccd_decode(const char *s, struct pii_cccd_info *out);
/* Writes the canonical 12 digits of s into out, dropping the spaces, dots
 * and hyphens people type between groups. -1 (out = "") if what remains is
 * not a valid CCCD. */
int pii_cccd_normalize(const char *s, char out[PII_CCCD_BUF]);

/* Vietnamese mobile numbers: 10 digits 0[35789]xxxxxxxx. Accepts the
 * international forms +84 / 84 / 0084 (with or without the 0 after them)
 * and spaces, dots, hyphens, parentheses between digits. Writes the
 * national form "0912345678" to out; -1 (out = "") if not a mobile number.
 * Landlines (02x, 11 digits) are refused. */
int pii_phone_normalize(const char *s, char out[PII_PHONE_BUF]);
/* 1 if pii_phone_normalize would succeed. */
int pii_phone_valid(const char *s);

/* Loads DATA_DIR/pii.key, or creates it (O_CREAT|O_EXCL, mode 0600,
 * fsynced) if it does not exist. Refuses, with -1 and a log line naming
 * the reason, a key file that is not a regular file, is not exactly 64
 * bytes, or is readable or writable by group or others; and a data_dir
 * that does not exist. */
int pii_key_load_or_create(const char *data_dir, struct pii_keys *out);
/* Wipes keys from memory. */
void pii_keys_wipe(struct pii_keys *k);

/* Encrypts the NUL-terminated plain into *out ("v1:...", heap, caller
 * frees). Each call uses a fresh random nonce. 0, or -1 for NULL input. */
int pii_encrypt(const struct pii_keys *k, const char *plain, char **out);
/* Decrypts a "v1:..." value into *out (heap, caller frees). -1 for a
 * malformed, truncated, forged or foreign-key value, or a plaintext with an
 * embedded NUL; *out is then NULL. */
int pii_decrypt(const struct pii_keys *k, const char *enc, char **out);

/* The blind index of a value of kind: keyed BLAKE2b-256 (hex) over
 * "pccc-pii-v1" NUL kind-name NUL normalised-value, so "0912 345 678" and
 * "+84912345678" give the same index and a CCCD and a phone never collide.
 * -1 (out = "") if the value does not normalise. */
int pii_blind_index(const struct pii_keys *k, enum pii_kind kind, const char *value,
		    char out_hex[PII_INDEX_BUF]);

/* Masks for lists: "001234567345" → "001******345", "0912345678" →
 * "091****678". The input is normalised first; an input that does not
 * normalise is masked entirely ("***") and -1 returned, so nothing leaks. */
int pii_mask_cccd(const char *s, char out[PII_MASK_BUF]);
int pii_mask_phone(const char *s, char out[PII_MASK_BUF]);

#endif
