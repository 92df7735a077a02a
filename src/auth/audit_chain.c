/* Hashing and verifying the audit chain (see audit_chain.h for the
 * canonical serialisation). */
#include "auth/audit_chain.h"

#include <sodium.h>
#include <string.h>

#define AUDIT_DOMAIN "pccc-audit-v1"

static int hex64_ok(const char *s)
{
	if (!s)
		return 0;
	for (int i = 0; i < 64; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	return s[64] == '\0';
}

static void put_u64(crypto_hash_sha256_state *st, uint64_t v)
{
	unsigned char b[8];
	for (int i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	crypto_hash_sha256_update(st, b, sizeof b);
}

static void put_str(crypto_hash_sha256_state *st, const char *s)
{
	unsigned char flag = s ? 1 : 0;
	crypto_hash_sha256_update(st, &flag, 1);
	if (!s)
		return;
	size_t n = strlen(s);
	put_u64(st, (uint64_t)n);
	crypto_hash_sha256_update(st, (const unsigned char *)s, n);
}

int audit_entry_hash(const struct audit_entry *e, char out_hex[AUDIT_HASH_BUF])
{
	out_hex[0] = '\0';
	if (!e || !hex64_ok(e->prev_hash))
		return -1;
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)AUDIT_DOMAIN, sizeof AUDIT_DOMAIN);
	put_u64(&st, (uint64_t)e->seq);
	put_u64(&st, (uint64_t)e->ts_ms);
	put_str(&st, e->actor);
	put_str(&st, e->role);
	put_str(&st, e->unit);
	put_str(&st, e->action);
	put_str(&st, e->record_type);
	put_str(&st, e->record_id);
	put_str(&st, e->fields);
	put_str(&st, e->remote_addr);
	put_str(&st, e->request_id);
	put_str(&st, e->prev_hash);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out_hex, AUDIT_HASH_BUF, h, sizeof h);
	return 0;
}

int audit_entry_seal(struct audit_entry *e, const char *prev_hex)
{
	if (!prev_hex)
		prev_hex = AUDIT_GENESIS_HASH;
	if (!hex64_ok(prev_hex))
		return -1;
	memcpy(e->prev_hash, prev_hex, AUDIT_HASH_BUF);
	return audit_entry_hash(e, e->hash);
}

int audit_chain_verify_from(char prev_hex[AUDIT_HASH_BUF], int64_t *prev_seq,
			    const struct audit_entry *entries, size_t n, size_t *first_bad,
			    enum audit_fault *fault)
{
	char prev[AUDIT_HASH_BUF];
	int64_t seq = *prev_seq;
	enum audit_fault f = AUDIT_FAULT_NONE;
	size_t i;

	memcpy(prev, prev_hex, AUDIT_HASH_BUF);
	prev[AUDIT_HASH_BUF - 1] = '\0';
	for (i = 0; i < n; i++) {
		const struct audit_entry *e = &entries[i];
		char h[AUDIT_HASH_BUF];
		if (e->seq <= seq) {
			f = AUDIT_FAULT_SEQ;
			goto fail;
		}
		if (strncmp(e->prev_hash, prev, AUDIT_HASH_BUF) != 0) {
			f = AUDIT_FAULT_PREV;
			goto fail;
		}
		if (audit_entry_hash(e, h) != 0 || strncmp(h, e->hash, AUDIT_HASH_BUF) != 0) {
			f = AUDIT_FAULT_HASH;
			goto fail;
		}
		memcpy(prev, h, AUDIT_HASH_BUF);
		seq = e->seq;
	}
	memcpy(prev_hex, prev, AUDIT_HASH_BUF);
	*prev_seq = seq;
	if (fault)
		*fault = AUDIT_FAULT_NONE;
	return 0;
fail:
	if (first_bad)
		*first_bad = i;
	if (fault)
		*fault = f;
	return -1;
}

int audit_chain_verify(const struct audit_entry *entries, size_t n, size_t *first_bad)
{
	char prev[AUDIT_HASH_BUF] = AUDIT_GENESIS_HASH;
	int64_t seq = 0;
	return audit_chain_verify_from(prev, &seq, entries, n, first_bad, NULL);
}

const char *audit_fault_name(enum audit_fault f)
{
	switch (f) {
	case AUDIT_FAULT_NONE:
		return "ok";
	case AUDIT_FAULT_PREV:
		return "prev_hash does not match the previous entry (entry deleted, inserted or moved)";
	case AUDIT_FAULT_HASH:
		return "hash does not match the entry's content (entry edited)";
	case AUDIT_FAULT_SEQ:
		return "sequence number out of order";
	}
	return "unknown";
}

const char *audit_fault_name_vi(enum audit_fault f)
{
	switch (f) {
	case AUDIT_FAULT_NONE:
		return "hợp lệ";
	case AUDIT_FAULT_PREV:
		return "mã băm trước không khớp với bản ghi liền trước (bản ghi bị xóa, chèn hoặc đổi chỗ)";
	case AUDIT_FAULT_HASH:
		return "mã băm không khớp với nội dung bản ghi (bản ghi bị sửa)";
	case AUDIT_FAULT_SEQ:
		return "số thứ tự không tăng dần";
	}
	return "không xác định";
}
