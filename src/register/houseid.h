/* The digital house ID (định danh số nhà): the national, stable identifier
 * of a house, short enough to read over the phone and self-checking.
 *
 * Shape: 10 characters from the 32-letter Crockford alphabet
 * "0123456789ABCDEFGHJKMNPQRSTVWXYZ" (no I, L, O, U): 9 payload characters
 * (45 bits, 32^9 ≈ 3.5e13 IDs) and 1 check character. The canonical form,
 * used as the house's `id` in the API and the database, is the 10 bare
 * uppercase characters, e.g. "7K3MQ9X2BD". It prints for people as
 * "7K3M-Q9X-2BD" (4-3-3, like a Vietnamese phone number).
 *
 * No administrative code is embedded: IDs stay valid when communes merge or
 * are renamed (as on 1/7/2025). The payload is a serial number scrambled by
 * a fixed 6-round Feistel network on 45 bits. A Feistel network is a
 * bijection whatever its round function, so distinct serials always give
 * distinct IDs (uniqueness needs only a unique serial, e.g. one national
 * sequence); the scramble only keeps neighbouring houses from getting
 * look-alike IDs. It is not a secret: IDs are not meant to be unguessable.
 *
 * Check character: the 10 characters v0..v9, read as elements of GF(32)
 * (GF(2)[x] / x^5+x^2+1), satisfy  sum v_i * a^(9-i) = 0  with a = x, a
 * primitive element. The weights a^9..a^0 are distinct and non-zero, so
 * one substituted character changes the sum by w*(d) != 0, and swapping any
 * two different characters (adjacent or not, check character included)
 * changes it by (w_i - w_j)*(d) != 0: every single substitution and every
 * transposition is refused. (The ISO 7064 hybrid system MOD 33,32 was
 * considered and measured: of its 32 states x 992 ordered pairs of
 * different characters, 64 swap undetected, e.g. "GH..." and "HG..." get
 * the same check character; MOD 37,36 likewise misses 72, MOD 11,10 20.
 * The unit test checks this module exhaustively on generated IDs.)
 *
 * Input rules: case-insensitive; hyphens and spaces are ignored; Crockford's
 * look-alikes I and L read as 1, O reads as 0. The mapping is applied before
 * the check is computed and never instead of it: a mapped character that
 * was not what the ID holds is one substituted character, which the check
 * refuses like any typo. U and every other character are a format error.
 *
 * Pure functions, no I/O, no allocation. */
#ifndef PCCC_REGISTER_HOUSEID_H
#define PCCC_REGISTER_HOUSEID_H
#include <stdint.h>

#define HOUSEID_LEN 10          /* characters in the canonical form */
#define HOUSEID_PAYLOAD_LEN 9
#define HOUSEID_MAX 16          /* buffer size for any form, NUL included */
#define HOUSEID_SERIAL_MAX ((UINT64_C(1) << 45) - 1)
#define HOUSEID_ALPHABET "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

enum houseid_err {
	HOUSEID_OK = 0,
	HOUSEID_EFORMAT = -1,   /* wrong length, bad character, NULL */
	HOUSEID_ECHECK = -2,    /* well formed, check character wrong */
};

/* Flags houseid_normalize_flags reports. */
#define HOUSEID_F_MAPPED 1u     /* an I, L or O was read as 1 or 0 */

/* Writes the canonical ID of serial (0..HOUSEID_SERIAL_MAX) into out.
 * Deterministic. Returns 0, or -1 when serial is out of range (out then
 * holds ""). */
int houseid_make(uint64_t serial, char out[HOUSEID_MAX]);

/* Reads an ID as a person typed it and writes its canonical form into out.
 * Returns HOUSEID_OK, HOUSEID_EFORMAT or HOUSEID_ECHECK; on error out holds
 * "". out may be NULL to only check. */
int houseid_normalize(const char *in, char out[HOUSEID_MAX]);
/* The same, also setting *flags (may be NULL) to HOUSEID_F_* bits, so a
 * form can say "read O as 0". */
int houseid_normalize_flags(const char *in, char out[HOUSEID_MAX], unsigned *flags);

/* 1 when in normalises without error, 0 otherwise. */
int houseid_valid(const char *in);

/* Writes the grouped form "XXXX-XXX-XXX" of an ID given in any accepted
 * form. Returns as houseid_normalize. */
int houseid_format_display(const char *in, char out[HOUSEID_MAX]);

/* The serial an ID was made from (the inverse of houseid_make). Returns as
 * houseid_normalize; *serial is untouched on error. */
int houseid_serial(const char *in, uint64_t *serial);

/* The error text for a houseid_err, Vietnamese and English. */
const char *houseid_error_vi(int rc);
const char *houseid_error_en(int rc);

#endif
