/* The hash chain of the audit trail. Pure: the store appends entries and
 * `pccc audit verify` reads them back; both call these functions.
 *
 * Each entry's hash is SHA-256 over a canonical serialisation of all its
 * fields and the previous entry's hash:
 *   "pccc-audit-v1" NUL
 *   seq (8 bytes, big-endian two's complement) ts_ms (same)
 *   then, for actor, role, unit, action, record_type, record_id, fields,
 *   remote_addr, request_id, prev_hash in that order: a 1-byte presence
 *   flag (0 = NULL, 1 = present) and for a present string its length as
 *   8 bytes big-endian followed by its bytes.
 * Length prefixes make the encoding unambiguous ("ab"+"c" ≠ "a"+"bc"); NULL
 * and "" differ. The store must keep every field byte for byte (fields as
 * text, not re-serialised JSON; ts as integer milliseconds).
 *
 * The chain starts from AUDIT_GENESIS_HASH (64 zeros). It detects an
 * edited, deleted, inserted or reordered entry anywhere before the last
 * one; removing entries from the end leaves a shorter valid chain, so the
 * head (last seq and hash) should also be kept outside the table (e.g. in
 * logs or exports) to catch truncation. */
#ifndef PCCC_AUTH_AUDIT_CHAIN_H
#define PCCC_AUTH_AUDIT_CHAIN_H
#include <stddef.h>
#include <stdint.h>

#define AUDIT_HASH_BUF 65
#define AUDIT_GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* One entry as stored. Strings are borrowed, NUL-terminated, may be NULL
 * (absent). prev_hash and hash are 64 lowercase hex digits. */
struct audit_entry {
	int64_t seq;              /* 1, 2, 3 ...: strictly increasing */
	int64_t ts_ms;            /* Unix ms, UTC */
	const char *actor;        /* username; NULL for none (failed sign-in: the name tried goes in fields) */
	const char *role;         /* role id */
	const char *unit;         /* actor's home unit code */
	const char *action;       /* "login", "house.update", "pii.read", "import", ... */
	const char *record_type;  /* "house", "facility", "account", ... */
	const char *record_id;
	const char *fields;       /* JSON text: changed fields, row count and file hash, ... */
	const char *remote_addr;
	const char *request_id;
	char prev_hash[AUDIT_HASH_BUF];
	char hash[AUDIT_HASH_BUF];
};

enum audit_fault {
	AUDIT_FAULT_NONE,
	AUDIT_FAULT_PREV,   /* prev_hash is not the hash of the entry before */
	AUDIT_FAULT_HASH,   /* hash does not match the entry's content */
	AUDIT_FAULT_SEQ,    /* seq not greater than the previous one */
};

/* Computes the hash of e (its content and e->prev_hash) as lowercase hex.
 * -1 if e->prev_hash is not 64 lowercase hex digits. Ignores e->hash. */
int audit_entry_hash(const struct audit_entry *e, char out_hex[AUDIT_HASH_BUF]);

/* Links e after an entry whose hash is prev_hex (NULL: genesis): sets
 * e->prev_hash and e->hash. -1 if prev_hex is malformed. */
int audit_entry_seal(struct audit_entry *e, const char *prev_hex);

/* Walks entries[0..n) as the whole chain from genesis. 0 if every entry
 * links and matches; -1 otherwise, with *first_bad the index of the first
 * entry that does not (first_bad may be NULL). n == 0 is a valid chain. */
int audit_chain_verify(const struct audit_entry *entries, size_t n, size_t *first_bad);

/* Streaming form for a long chain read in pages: checks entries[0..n)
 * following an entry with hash *prev_hex and sequence *prev_seq (start with
 * AUDIT_GENESIS_HASH and 0), and on success advances both to the last
 * entry. On failure returns -1 with *first_bad (index in this page) and
 * *fault (either may be NULL). prev_hex is a buffer of AUDIT_HASH_BUF. */
int audit_chain_verify_from(char prev_hex[AUDIT_HASH_BUF], int64_t *prev_seq,
			    const struct audit_entry *entries, size_t n, size_t *first_bad,
			    enum audit_fault *fault);

/* "ok", "prev_hash mismatch", ... in English; and in Vietnamese. */
const char *audit_fault_name(enum audit_fault f);
const char *audit_fault_name_vi(enum audit_fault f);

#endif
