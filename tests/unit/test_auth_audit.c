/* Tests for auth/audit_chain: the canonical hash (checked against an
 * independent serialisation), and that verification catches an edited,
 * deleted, inserted, reordered or re-hashed entry and names the first bad
 * one; paging gives the same answer as one walk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "auth/audit_chain.h"

#define N 6

static struct audit_entry chain[N];

static void build_chain(struct audit_entry *c, size_t n)
{
	static const char *actions[] = {"login", "house.update", "pii.read",
					"import", "account.create", "logout"};
	static char ids[N][16];
	const char *prev = NULL;
	for (size_t i = 0; i < n; i++) {
		memset(&c[i], 0, sizeof c[i]);
		c[i].seq = (int64_t)i + 1;
		c[i].ts_ms = 1767225600000LL + (int64_t)i * 1000;
		c[i].actor = "canbo.khuongdinh";
		c[i].role = "commune_officer";
		c[i].unit = "00364";
		c[i].action = actions[i % 6];
		c[i].record_type = "house";
		snprintf(ids[i], sizeof ids[i], "H%zu", i);
		c[i].record_id = ids[i];
		c[i].fields = "{\"ten_chu_ho\":\"Nguyễn Văn A\"}";
		c[i].remote_addr = "127.0.0.1";
		c[i].request_id = "req-1";
		assert_int_equal(audit_entry_seal(&c[i], prev), 0);
		prev = c[i].hash;
	}
}

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	build_chain(chain, N);
	return 0;
}

static void test_valid_chain(void **state)
{
	(void)state;
	size_t bad = 99;
	assert_int_equal(audit_chain_verify(chain, N, &bad), 0);
	assert_int_equal(bad, 99);
	assert_int_equal(audit_chain_verify(chain, 0, &bad), 0);
	assert_int_equal(audit_chain_verify(chain, 1, NULL), 0);
	assert_string_equal(chain[0].prev_hash, AUDIT_GENESIS_HASH);
	for (size_t i = 1; i < N; i++)
		assert_string_equal(chain[i].prev_hash, chain[i - 1].hash);
}

/* The serialisation written out by hand. */
static void put64(unsigned char *buf, size_t *len, uint64_t v)
{
	for (int i = 7; i >= 0; i--)
		buf[(*len)++] = (unsigned char)(v >> (8 * i));
}

static void putstr(unsigned char *buf, size_t *len, const char *s)
{
	if (!s) {
		buf[(*len)++] = 0;
		return;
	}
	buf[(*len)++] = 1;
	put64(buf, len, strlen(s));
	memcpy(buf + *len, s, strlen(s));
	*len += strlen(s);
}

static void test_known_hash(void **state)
{
	(void)state;
	struct audit_entry e;
	memset(&e, 0, sizeof e);
	e.seq = 7;
	e.ts_ms = -5;
	e.actor = "a";
	e.role = NULL;
	e.unit = "";
	e.action = "login";
	e.fields = "{}";
	strcpy(e.prev_hash, AUDIT_GENESIS_HASH);

	unsigned char buf[1024];
	size_t len = 0;
	memcpy(buf, "pccc-audit-v1", 14); /* with the NUL */
	len = 14;
	put64(buf, &len, 7);
	put64(buf, &len, (uint64_t)-5);
	const char *strs[] = {"a", NULL, "", "login", NULL, NULL, "{}", NULL, NULL,
			      AUDIT_GENESIS_HASH};
	for (size_t i = 0; i < 10; i++)
		putstr(buf, &len, strs[i]);
	unsigned char h[32];
	char want[65], got[AUDIT_HASH_BUF];
	crypto_hash_sha256(h, buf, len);
	sodium_bin2hex(want, sizeof want, h, sizeof h);
	assert_int_equal(audit_entry_hash(&e, got), 0);
	assert_string_equal(got, want);
}

static void test_unambiguous(void **state)
{
	(void)state;
	struct audit_entry a, b;
	char ha[AUDIT_HASH_BUF], hb[AUDIT_HASH_BUF];
	memset(&a, 0, sizeof a);
	strcpy(a.prev_hash, AUDIT_GENESIS_HASH);
	b = a;
	a.record_type = "ab";
	a.record_id = "c";
	b.record_type = "a";
	b.record_id = "bc";
	assert_int_equal(audit_entry_hash(&a, ha), 0);
	assert_int_equal(audit_entry_hash(&b, hb), 0);
	assert_string_not_equal(ha, hb);
	/* NULL and "" differ. */
	a.record_type = NULL;
	a.record_id = NULL;
	b.record_type = "";
	b.record_id = NULL;
	assert_int_equal(audit_entry_hash(&a, ha), 0);
	assert_int_equal(audit_entry_hash(&b, hb), 0);
	assert_string_not_equal(ha, hb);
	/* A value moved to the neighbouring field changes the hash. */
	a.record_type = "x";
	b.record_type = NULL;
	b.record_id = "x";
	assert_int_equal(audit_entry_hash(&a, ha), 0);
	assert_int_equal(audit_entry_hash(&b, hb), 0);
	assert_string_not_equal(ha, hb);
}

static void test_every_field_counts(void **state)
{
	(void)state;
	char base[AUDIT_HASH_BUF], h[AUDIT_HASH_BUF];
	assert_int_equal(audit_entry_hash(&chain[2], base), 0);
	for (int f = 0; f < 12; f++) {
		struct audit_entry e = chain[2];
		switch (f) {
		case 0: e.seq++; break;
		case 1: e.ts_ms++; break;
		case 2: e.actor = "khac"; break;
		case 3: e.role = "admin"; break;
		case 4: e.unit = "00367"; break;
		case 5: e.action = "house.delete"; break;
		case 6: e.record_type = "facility"; break;
		case 7: e.record_id = "H9"; break;
		case 8: e.fields = "{\"ten_chu_ho\":\"Nguyễn Văn B\"}"; break;
		case 9: e.remote_addr = "10.0.0.1"; break;
		case 10: e.request_id = "req-2"; break;
		case 11: e.prev_hash[10] = e.prev_hash[10] == 'a' ? 'b' : 'a'; break;
		}
		assert_int_equal(audit_entry_hash(&e, h), 0);
		if (strcmp(h, base) == 0)
			fail_msg("field %d does not change the hash", f);
	}
}

static void test_edited_detected(void **state)
{
	(void)state;
	struct audit_entry c[N];
	memcpy(c, chain, sizeof c);
	c[3].fields = "{\"ten_chu_ho\":\"Trần Thị C\"}";
	size_t bad = 99;
	assert_int_equal(audit_chain_verify(c, N, &bad), -1);
	assert_int_equal(bad, 3);

	/* Editing the last entry is caught too. */
	memcpy(c, chain, sizeof c);
	c[N - 1].remote_addr = "8.8.8.8";
	assert_int_equal(audit_chain_verify(c, N, &bad), -1);
	assert_int_equal(bad, N - 1);

	/* Editing and re-hashing an entry breaks the link of the next. */
	memcpy(c, chain, sizeof c);
	c[2].actor = "ke.gian";
	assert_int_equal(audit_entry_hash(&c[2], c[2].hash), 0);
	enum audit_fault fault;
	char prev[AUDIT_HASH_BUF] = AUDIT_GENESIS_HASH;
	int64_t seq = 0;
	assert_int_equal(audit_chain_verify_from(prev, &seq, c, N, &bad, &fault), -1);
	assert_int_equal(bad, 3);
	assert_int_equal(fault, AUDIT_FAULT_PREV);

	/* A stored hash altered alone. */
	memcpy(c, chain, sizeof c);
	c[0].hash[0] = c[0].hash[0] == '0' ? '1' : '0';
	assert_int_equal(audit_chain_verify(c, N, &bad), -1);
	assert_int_equal(bad, 0);
}

static void test_deleted_detected(void **state)
{
	(void)state;
	struct audit_entry c[N];
	size_t bad = 99;
	enum audit_fault fault;
	/* Delete entry 2: entry 3 (now at index 2) no longer links. */
	memcpy(c, chain, 2 * sizeof c[0]);
	memcpy(c + 2, chain + 3, (N - 3) * sizeof c[0]);
	char prev[AUDIT_HASH_BUF] = AUDIT_GENESIS_HASH;
	int64_t seq = 0;
	assert_int_equal(audit_chain_verify_from(prev, &seq, c, N - 1, &bad, &fault), -1);
	assert_int_equal(bad, 2);
	assert_int_equal(fault, AUDIT_FAULT_PREV);
	/* Delete the first entry: the second does not start from genesis. */
	assert_int_equal(audit_chain_verify(chain + 1, N - 1, &bad), -1);
	assert_int_equal(bad, 0);
}

static void test_reordered_detected(void **state)
{
	(void)state;
	struct audit_entry c[N];
	size_t bad = 99;
	memcpy(c, chain, sizeof c);
	c[2] = chain[3];
	c[3] = chain[2];
	assert_int_equal(audit_chain_verify(c, N, &bad), -1);
	assert_int_equal(bad, 2);
	/* Swapping seq numbers back into order does not help: the links fail. */
	c[2].seq = 3;
	c[3].seq = 4;
	assert_int_equal(audit_chain_verify(c, N, &bad), -1);
	assert_int_equal(bad, 2);
}

static void test_inserted_detected(void **state)
{
	(void)state;
	struct audit_entry c[N + 1];
	size_t bad = 99;
	memcpy(c, chain, 3 * sizeof c[0]);
	c[3] = chain[2];
	c[3].seq = 3;
	c[3].action = "house.delete";
	/* A forger links it correctly after entry 2 ... */
	assert_int_equal(audit_entry_seal(&c[3], chain[2].hash), 0);
	c[3].seq = 4; /* any seq > 3 */
	assert_int_equal(audit_entry_seal(&c[3], chain[2].hash), 0);
	memcpy(c + 4, chain + 3, (N - 3) * sizeof c[0]);
	/* ... but the entry after it still points at entry 2. */
	assert_int_equal(audit_chain_verify(c, N + 1, &bad), -1);
	assert_int_equal(bad, 4);
}

static void test_seq_rule(void **state)
{
	(void)state;
	struct audit_entry c[2];
	size_t bad = 99;
	enum audit_fault fault = AUDIT_FAULT_NONE;
	memcpy(c, chain, sizeof c);
	c[1].seq = 1;
	assert_int_equal(audit_entry_seal(&c[1], c[0].hash), 0);
	char prev[AUDIT_HASH_BUF] = AUDIT_GENESIS_HASH;
	int64_t seq = 0;
	assert_int_equal(audit_chain_verify_from(prev, &seq, c, 2, &bad, &fault), -1);
	assert_int_equal(bad, 1);
	assert_int_equal(fault, AUDIT_FAULT_SEQ);
	/* Gaps are allowed (a sequence may skip a number), order is not. */
	c[1].seq = 10;
	assert_int_equal(audit_entry_seal(&c[1], c[0].hash), 0);
	assert_int_equal(audit_chain_verify(c, 2, &bad), 0);
}

static void test_paged(void **state)
{
	(void)state;
	char prev[AUDIT_HASH_BUF] = AUDIT_GENESIS_HASH;
	int64_t seq = 0;
	size_t bad;
	enum audit_fault fault = AUDIT_FAULT_SEQ;
	assert_int_equal(audit_chain_verify_from(prev, &seq, chain, 2, &bad, &fault), 0);
	assert_int_equal(fault, AUDIT_FAULT_NONE);
	assert_string_equal(prev, chain[1].hash);
	assert_int_equal(seq, 2);
	assert_int_equal(audit_chain_verify_from(prev, &seq, chain + 2, N - 2, &bad, &fault), 0);
	assert_string_equal(prev, chain[N - 1].hash);
	assert_int_equal(seq, N);
	/* A page that skips an entry fails at its first entry and leaves the
	 * cursor where it was. */
	char p2[AUDIT_HASH_BUF] = AUDIT_GENESIS_HASH;
	int64_t s2 = 0;
	assert_int_equal(audit_chain_verify_from(p2, &s2, chain, 2, &bad, NULL), 0);
	assert_int_equal(audit_chain_verify_from(p2, &s2, chain + 3, 2, &bad, &fault), -1);
	assert_int_equal(bad, 0);
	assert_int_equal(fault, AUDIT_FAULT_PREV);
	assert_string_equal(p2, chain[1].hash);
	assert_int_equal(s2, 2);
}

static void test_malformed(void **state)
{
	(void)state;
	struct audit_entry e = chain[0];
	char h[AUDIT_HASH_BUF];
	size_t bad = 99;
	strcpy(e.prev_hash, "00");
	assert_int_equal(audit_entry_hash(&e, h), -1);
	assert_string_equal(h, "");
	assert_int_equal(audit_chain_verify(&e, 1, &bad), -1);
	assert_int_equal(bad, 0);
	/* Uppercase hex is not the canonical form. */
	memcpy(e.prev_hash, chain[1].hash, AUDIT_HASH_BUF);
	for (int i = 0; i < 64; i++)
		if (e.prev_hash[i] >= 'a')
			e.prev_hash[i] = (char)(e.prev_hash[i] - 32);
	assert_int_equal(audit_entry_hash(&e, h), -1);
	assert_int_equal(audit_entry_seal(&e, "xyz"), -1);
	/* Not NUL-terminated inside the buffer. */
	memset(e.prev_hash, '0', sizeof e.prev_hash);
	assert_int_equal(audit_entry_hash(&e, h), -1);
	assert_int_equal(audit_chain_verify(&e, 1, &bad), -1);
	assert_int_equal(audit_entry_hash(NULL, h), -1);
	assert_string_equal(audit_fault_name(AUDIT_FAULT_NONE), "ok");
	assert_non_null(strstr(audit_fault_name_vi(AUDIT_FAULT_HASH), "bị sửa"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_chain),	     cmocka_unit_test(test_known_hash),
		cmocka_unit_test(test_unambiguous),	     cmocka_unit_test(test_every_field_counts),
		cmocka_unit_test(test_edited_detected),   cmocka_unit_test(test_deleted_detected),
		cmocka_unit_test(test_reordered_detected), cmocka_unit_test(test_inserted_detected),
		cmocka_unit_test(test_seq_rule),	     cmocka_unit_test(test_paged),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
