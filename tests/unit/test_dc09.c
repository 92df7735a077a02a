/* Tests for alarm/dc09.c: every frame of ../shared/data/dc09_vectors.txt
 * (parse, CRC, length, re-encode byte for byte, the *NULL frame decrypted
 * with its AES-128 key), CRC-16/ARC check value, AES-128/192/256 round
 * trips, keys raw and hex, each parse error, ACK/NAK/DUH encoding, and the
 * timestamp window at its edges with an explicit "now". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alarm/dc09.h"

#define NULL_KEY "AAAAAAAAAAAAAAAA"

struct vector {
	char frame[DC09_FRAME_MAX + 1];
	char note[256];
};

static struct vector vectors[32];

/* strcpy that fails the test instead of truncating. */
static void copy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		fail_msg("string too long: %zu", n);
	memcpy(dst, src, n + 1);
}
static size_t n_vectors;

static FILE *open_shared(const char *name)
{
	const char *env = getenv("PCCC_SHARED");
	const char *roots[] = {env, "../shared", "../../shared", "../../../shared"};
	char path[512];

	for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
		if (!roots[i])
			continue;
		snprintf(path, sizeof path, "%s/data/%s", roots[i], name);
		FILE *f = fopen(path, "r");
		if (f)
			return f;
	}
	return NULL;
}

static int load_vectors(void **state)
{
	char line[2048];
	FILE *f = open_shared("dc09_vectors.txt");

	(void)state;
	if (!f) {
		fprintf(stderr, "dc09_vectors.txt not found (set PCCC_SHARED)\n");
		return -1;
	}
	while (fgets(line, sizeof line, f) && n_vectors < 32) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		char *tab = strchr(line, '\t');
		if (tab)
			*tab = '\0';
		copy(vectors[n_vectors].frame, sizeof vectors[n_vectors].frame, line);
		copy(vectors[n_vectors].note, sizeof vectors[n_vectors].note, tab ? tab + 1 : "");
		n_vectors++;
	}
	fclose(f);
	return 0;
}

static const char *vector_find(const char *needle)
{
	for (size_t i = 0; i < n_vectors; i++)
		if (strstr(vectors[i].frame, needle))
			return vectors[i].frame;
	fail_msg("no vector contains %s", needle);
	return NULL;
}

/* Builds crc+len+body for a body, into out. */
static const char *wrap(const char *body, char *out, size_t cap)
{
	snprintf(out, cap, "%04X%04X%s", dc09_crc16(body, strlen(body)), (unsigned)strlen(body),
		 body);
	return out;
}

/* 2020-07-05 18:24:52 UTC and 2025-09-24 16:20:01 UTC. */
#define T_NULL 1593973492LL
#define T_NAK 1758730801LL

static void test_crc_check_value(void **state)
{
	(void)state;
	assert_int_equal(dc09_crc16("123456789", 9), 0xBB3D);
	assert_int_equal(dc09_crc16("", 0), 0);
}

static void test_vectors_loaded(void **state)
{
	(void)state;
	assert_int_equal(n_vectors, 7);
}

/* Every vector: the CRC and length fields equal what we compute, it
 * parses, and a plain one re-encodes to the same bytes. */
static void test_vectors_parse_and_roundtrip(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_vectors; i++) {
		const char *fr = vectors[i].frame;
		size_t len = strlen(fr);
		struct dc09_frame f;
		unsigned crc, blen;
		char out[DC09_FRAME_MAX + 8];
		size_t outlen = 0;

		assert_int_equal(sscanf(fr, "%4x%4x", &crc, &blen), 2);
		assert_int_equal(crc, dc09_crc16(fr + 8, len - 8));
		assert_int_equal(blen, len - 8);
		assert_int_equal(dc09_frame_parse(fr, len, &f), 0);
		if (f.encrypted)
			continue;
		assert_int_equal(dc09_frame_encode(&f, NULL, out, sizeof out, &outlen), 0);
		assert_int_equal(outlen, len + 2);
		assert_int_equal(out[0], '\n');
		assert_int_equal(out[outlen - 1], '\r');
		assert_memory_equal(out + 1, fr, len);
		/* With LF and CR around it, it parses the same. */
		struct dc09_frame g;
		assert_int_equal(dc09_frame_parse(out, outlen, &g), 0);
		assert_string_equal(g.data, f.data);
	}
}

static void test_vector_fields(void **state)
{
	struct dc09_frame f;
	const char *v;

	(void)state;
	v = vector_find("\"SIA-DCS\"9876");
	assert_int_equal(dc09_frame_parse(v, strlen(v), &f), 0);
	assert_string_equal(f.id, "SIA-DCS");
	assert_false(f.encrypted);
	assert_string_equal(f.seq, "9876");
	assert_true(f.has_receiver);
	assert_string_equal(f.receiver, "579BDF");
	assert_string_equal(f.line, "789ABC");
	assert_int_equal(f.acct_mark, '#');
	assert_string_equal(f.account, "12345A");
	assert_string_equal(f.data, "#12345A|NFA129");
	assert_int_equal(f.n_xdata, 0);
	assert_false(f.has_time);

	v = vector_find("\"ADM-CID\"9876");
	assert_int_equal(dc09_frame_parse(v, strlen(v), &f), 0);
	assert_string_equal(f.id, "ADM-CID");
	assert_string_equal(f.data, "#12345A|1110 00 129");

	v = vector_find("NRR|Atest");
	assert_int_equal(dc09_frame_parse(v, strlen(v), &f), 0);
	assert_string_equal(f.seq, "0001");
	assert_string_equal(f.receiver, "F3");
	assert_string_equal(f.line, "77");
	assert_string_equal(f.account, "1234");
	assert_string_equal(f.data, "#1234|NRR|Atest");

	v = vector_find("0001L0#1234[]");
	assert_int_equal(dc09_frame_parse(v, strlen(v), &f), 0);
	assert_false(f.has_receiver);
	assert_string_equal(f.line, "0");
	assert_string_equal(f.data, "");

	v = vector_find("\"NAK\"");
	assert_int_equal(dc09_frame_parse(v, strlen(v), &f), 0);
	assert_string_equal(f.id, "NAK");
	assert_string_equal(f.seq, "0000");
	assert_string_equal(f.receiver, "0");
	assert_string_equal(f.line, "0A0");
	assert_int_equal(f.acct_mark, 0);
	assert_true(f.has_time);
	assert_int_equal(f.time_s, T_NAK);

	v = vector_find("3401 01 057");
	assert_int_equal(dc09_frame_parse(v, strlen(v), &f), 0);
	assert_string_equal(f.seq, "0247");
	assert_string_equal(f.receiver, "4F39");
	assert_string_equal(f.line, "4F39");
	assert_string_equal(f.account, "4F39");
}

static void test_vector_null_decrypt(void **state)
{
	const char *v = vector_find("\"*NULL\"");
	struct dc09_frame f;
	struct dc09_key key;
	char out[DC09_FRAME_MAX + 8];
	size_t outlen;

	(void)state;
	assert_int_equal(dc09_frame_parse(v, strlen(v), &f), 0);
	assert_true(f.encrypted);
	assert_string_equal(f.id, "NULL");
	assert_string_equal(f.account, "AAAB");
	assert_int_equal(strlen(f.cipher), 64);
	assert_string_equal(f.data, "");
	assert_int_equal(dc09_key_parse(NULL_KEY, DC09_KEY_AUTO, &key), 0);
	assert_int_equal(key.len, 16);
	assert_int_equal(dc09_frame_decrypt(&f, &key), 0);
	assert_string_equal(f.data, "");
	assert_true(f.has_time);
	assert_int_equal(f.time_s, T_NULL);
	assert_true(f.has_pad);
	assert_false(f.pad_bar);
	assert_string_equal(f.pad, "ppppppppppp");
	/* Re-encrypting with the pad it had gives the vector back. */
	assert_int_equal(dc09_frame_encode(&f, &key, out, sizeof out, &outlen), 0);
	assert_int_equal(outlen, strlen(v) + 2);
	assert_memory_equal(out + 1, v, strlen(v));
	/* A wrong key does not decrypt. */
	struct dc09_key wrong;
	assert_int_equal(dc09_key_parse("BAAAAAAAAAAAAAAA", DC09_KEY_RAW, &wrong), 0);
	assert_int_equal(dc09_frame_parse(v, strlen(v), &f), 0);
	assert_int_equal(dc09_frame_decrypt(&f, &wrong), DC09_ERR_DECRYPT);
	assert_int_equal(dc09_frame_decrypt(&f, NULL), DC09_ERR_KEY);
}

static void aes_roundtrip(const char *keytext, size_t keylen)
{
	struct dc09_key key, wrong;
	struct dc09_frame f, g;
	char out[DC09_FRAME_MAX + 8];
	size_t outlen;

	assert_int_equal(dc09_key_parse(keytext, DC09_KEY_AUTO, &key), 0);
	assert_int_equal(key.len, keylen);
	memset(&f, 0, sizeof f);
	strcpy(f.id, "SIA-DCS");
	f.encrypted = 1;
	strcpy(f.seq, "0042");
	f.has_receiver = 1;
	strcpy(f.receiver, "12");
	strcpy(f.line, "3");
	f.acct_mark = '#';
	strcpy(f.account, "ABC123");
	strcpy(f.data, "#ABC123|Nri1/FA129/FH130");
	f.n_xdata = 2;
	f.xdata[0].key = 'X';
	strcpy(f.xdata[0].value, "105.8342");
	f.xdata[1].key = 'Y';
	strcpy(f.xdata[1].value, "21.0278");
	f.has_time = 1;
	f.time_s = T_NAK;
	assert_int_equal(dc09_frame_encode(&f, &key, out, sizeof out, &outlen), 0);
	assert_int_equal(dc09_frame_parse(out, outlen, &g), 0);
	assert_true(g.encrypted);
	assert_int_equal(strlen(g.cipher) % 32, 0);
	assert_int_equal(dc09_frame_decrypt(&g, &key), 0);
	assert_string_equal(g.data, f.data);
	assert_int_equal(g.n_xdata, 2);
	assert_int_equal(g.xdata[0].key, 'X');
	assert_string_equal(g.xdata[0].value, "105.8342");
	assert_string_equal(g.xdata[1].value, "21.0278");
	assert_int_equal(g.time_s, T_NAK);
	assert_true(g.pad_bar);
	/* Another key of the same size fails. */
	wrong = key;
	wrong.bytes[0] ^= 1;
	assert_int_equal(dc09_frame_parse(out, outlen, &g), 0);
	assert_int_not_equal(dc09_frame_decrypt(&g, &wrong), 0);
}

static void test_aes_128_192_256(void **state)
{
	(void)state;
	aes_roundtrip("0123456789abcdef", 16);
	aes_roundtrip("0123456789abcdefghijklmn", 24);
	aes_roundtrip("0123456789abcdefghijklmnopqrstuv", 32);
	aes_roundtrip("000102030405060708090A0B0C0D0E0F", 16);
	aes_roundtrip("000102030405060708090a0b0c0d0e0f1011121314151617", 24);
	aes_roundtrip("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 32);
}

static void test_key_parse(void **state)
{
	struct dc09_key k;

	(void)state;
	assert_int_equal(dc09_key_parse("00112233445566778899aabbccddeeff", DC09_KEY_AUTO, &k), 0);
	assert_int_equal(k.len, 16);
	assert_int_equal(k.bytes[0], 0x00);
	assert_int_equal(k.bytes[15], 0xff);
	/* Forced raw: the same 32 characters are an AES-256 key. */
	assert_int_equal(dc09_key_parse("00112233445566778899aabbccddeeff", DC09_KEY_RAW, &k), 0);
	assert_int_equal(k.len, 32);
	assert_int_equal(k.bytes[0], '0');
	assert_int_equal(dc09_key_parse("0123456789ABCDEFGHIJKLMNOPQRSTUV", DC09_KEY_AUTO, &k), 0);
	assert_int_equal(k.len, 32);
	assert_int_equal(dc09_key_parse("0123456789abcdef0123456789abcdef0123456789abcdef",
					DC09_KEY_AUTO, &k),
			 0);
	assert_int_equal(k.len, 24);
	assert_int_equal(dc09_key_parse("short", DC09_KEY_AUTO, &k), DC09_ERR_KEY);
	assert_int_equal(dc09_key_parse("", DC09_KEY_AUTO, &k), DC09_ERR_KEY);
	assert_int_equal(dc09_key_parse(NULL, DC09_KEY_AUTO, &k), DC09_ERR_KEY);
	assert_int_equal(dc09_key_parse("0123456789abcdeZ", DC09_KEY_HEX, &k), DC09_ERR_KEY);
	assert_int_equal(dc09_key_parse("0123456789abcdef0", DC09_KEY_AUTO, &k), DC09_ERR_KEY);
	assert_int_equal(k.len, 0);
}

static void expect_err(const char *body, int want)
{
	char buf[2 * DC09_FRAME_MAX];
	struct dc09_frame f;
	wrap(body, buf, sizeof buf);
	assert_int_equal(dc09_frame_parse(buf, strlen(buf), &f), want);
}

static void test_parse_errors(void **state)
{
	char buf[2 * DC09_FRAME_MAX];
	struct dc09_frame f;
	const char *v = vector_find("\"SIA-DCS\"9876");

	(void)state;
	/* CRC and length. */
	copy(buf, sizeof buf, v);
	buf[strlen(buf) - 2] = '8';
	assert_int_equal(dc09_frame_parse(buf, strlen(buf), &f), DC09_ERR_CRC);
	copy(buf, sizeof buf, v);
	buf[5] = 'F';
	assert_int_equal(dc09_frame_parse(buf, strlen(buf), &f), DC09_ERR_LENGTH);
	copy(buf, sizeof buf - 1, v);
	strcat(buf, "X");
	assert_int_equal(dc09_frame_parse(buf, strlen(buf), &f), DC09_ERR_LENGTH);
	assert_int_equal(dc09_frame_parse("", 0, &f), DC09_ERR_FORMAT);
	assert_int_equal(dc09_frame_parse("12345678", 8, &f), DC09_ERR_FORMAT);
	assert_int_equal(dc09_frame_parse("ZZZZ0010\"SIA-DCS\"", 17, &f), DC09_ERR_FORMAT);

	/* Grammar, with a correct CRC and length. */
	expect_err("\"SIA-DCS\"0001L0#1234[]", 0);
	expect_err("\"SIA-DCS\"001L0#1234[]", DC09_ERR_FORMAT);       /* seq 3 digits */
	expect_err("\"SIA-DCS\"0001#1234[]", DC09_ERR_FORMAT);        /* no line */
	expect_err("\"SIA-DCS\"0001L#1234[]", DC09_ERR_FORMAT);       /* empty line */
	expect_err("\"SIA-DCS\"0001R1234567L0#1234[]", DC09_ERR_FORMAT);
	expect_err("\"SIA-DCS\"0001L0#12[]", DC09_ERR_FORMAT);        /* account 2 */
	expect_err("\"SIA-DCS\"0001L0#12345678901234567[]", DC09_ERR_FORMAT);
	expect_err("\"SIA-DCS\"0001L0#1234567890123456[]", 0);
	expect_err("\"SIA-DCS\"0001L0#1234", DC09_ERR_FORMAT);        /* no data */
	expect_err("\"SIA-DCS\"0001L0#1234[", DC09_ERR_FORMAT);
	expect_err("\"SIA-DCS\"0001L0#1234[ab[c]", DC09_ERR_FORMAT);
	expect_err("\"SIA-DCS\"0001L0#1234[]x", DC09_ERR_FORMAT);
	expect_err("\"SIA-DCS\"0001L0#1234[][Xab", DC09_ERR_FORMAT);
	expect_err("\"SIA-DCS\"0001L0#1234[]_25:00:00,01-01-2025", DC09_ERR_TIME);
	expect_err("\"SIA-DCS\"0001L0#1234[]_12:00:00,02-29-2023", DC09_ERR_TIME);
	expect_err("\"SIA-DCS\"0001L0#1234[]_12:00:00,02-29-2024", 0);
	expect_err("\"SIA-DCS\"0001L0#1234[]_12:00:00,02-29-2024x", DC09_ERR_TIME);
	expect_err("\"sia-dcs\"0001L0#1234[]", DC09_ERR_FORMAT);
	expect_err("\"\"0001L0#1234[]", DC09_ERR_FORMAT);
	expect_err("\"SIA-DCS0001L0#1234[]", DC09_ERR_FORMAT);
	expect_err("\"SIA-DCS\"0001L0#1234[a\x01]", DC09_ERR_FORMAT);
	/* Encrypted: whole blocks of hex. */
	expect_err("\"*SIA-DCS\"0001L0#1234[", DC09_ERR_FORMAT);
	expect_err("\"*SIA-DCS\"0001L0#1234[0123", DC09_ERR_FORMAT);
	expect_err("\"*SIA-DCS\"0001L0#1234[0123456789ABCDEF0123456789ABCDEG", DC09_ERR_FORMAT);
	expect_err("\"*SIA-DCS\"0001L0#1234[0123456789ABCDEF0123456789ABCDEF", 0);

	/* Too long. */
	char big[DC09_FRAME_MAX + 64];
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(dc09_frame_parse(big, strlen(big), &f), DC09_ERR_TOO_LONG);
}

static void test_xdata_and_time(void **state)
{
	char buf[512];
	struct dc09_frame f;
	char out[DC09_FRAME_MAX + 8];
	size_t outlen;

	(void)state;
	wrap("\"SIA-DCS\"0005R1L2#ABCD[#ABCD|NFA1][X105.1][Y21.2][LTầng 3][]_16:20:01,09-24-2025",
	     buf, sizeof buf);
	/* Non-ASCII text is outside the grammar. */
	assert_int_equal(dc09_frame_parse(buf, strlen(buf), &f), DC09_ERR_FORMAT);
	wrap("\"SIA-DCS\"0005R1L2#ABCD[#ABCD|NFA1][X105.1][Y21.2][LFloor 3][]_16:20:01,09-24-2025",
	     buf, sizeof buf);
	assert_int_equal(dc09_frame_parse(buf, strlen(buf), &f), 0);
	assert_int_equal(f.n_xdata, 4);
	assert_int_equal(f.xdata[2].key, 'L');
	assert_string_equal(f.xdata[2].value, "Floor 3");
	assert_int_equal(f.xdata[3].key, 0);
	assert_true(f.has_time);
	assert_int_equal(f.time_s, T_NAK);
	assert_int_equal(dc09_frame_encode(&f, NULL, out, sizeof out, &outlen), 0);
	assert_memory_equal(out + 1, buf, strlen(buf));
	/* More than DC09_XDATA_MAX blocks. */
	wrap("\"SIA-DCS\"0005L2#ABCD[][A1][A2][A3][A4][A5][A6][A7][A8][A9]", buf, sizeof buf);
	assert_int_equal(dc09_frame_parse(buf, strlen(buf), &f), DC09_ERR_FORMAT);
}

static void test_ack_nak_duh(void **state)
{
	struct dc09_frame f, r;
	char out[512];
	size_t outlen;
	const char *v = vector_find("\"SIA-DCS\"9876");

	(void)state;
	assert_int_equal(dc09_frame_parse(v, strlen(v), &f), 0);
	assert_int_equal(dc09_ack_encode(&f, NULL, T_NAK * 1000, out, sizeof out, &outlen), 0);
	assert_int_equal(out[0], '\n');
	assert_string_equal(out + 9, "\"ACK\"9876R579BDFL789ABC#12345A[]\r");
	assert_int_equal(dc09_frame_parse(out, outlen, &r), 0);
	assert_string_equal(r.id, "ACK");

	assert_int_equal(dc09_duh_encode(&f, out, sizeof out, &outlen), 0);
	assert_string_equal(out + 9, "\"DUH\"9876R579BDFL789ABC#12345A[]\r");
	assert_int_equal(dc09_frame_parse(out, outlen, &r), 0);

	/* NAK equals the vector for the same receiver time. */
	const char *nak = vector_find("\"NAK\"");
	assert_int_equal(dc09_nak_encode(T_NAK * 1000 + 999, out, sizeof out, &outlen), 0);
	assert_int_equal(outlen, strlen(nak) + 2);
	assert_memory_equal(out + 1, nak, strlen(nak));

	/* The ACK to an encrypted frame is encrypted and carries our time. */
	const char *enc = vector_find("\"*NULL\"");
	struct dc09_key key;
	assert_int_equal(dc09_key_parse(NULL_KEY, DC09_KEY_AUTO, &key), 0);
	assert_int_equal(dc09_frame_parse(enc, strlen(enc), &f), 0);
	assert_int_equal(dc09_frame_decrypt(&f, &key), 0);
	assert_int_equal(dc09_ack_encode(&f, &key, T_NULL * 1000 + 5000, out, sizeof out, &outlen),
			 0);
	assert_memory_equal(out + 9, "\"*ACK\"0000R0L0#AAAB[", 20);
	assert_int_equal(dc09_frame_parse(out, outlen, &r), 0);
	assert_true(r.encrypted);
	assert_string_equal(r.id, "ACK");
	assert_int_equal(dc09_frame_decrypt(&r, &key), 0);
	assert_string_equal(r.data, "");
	assert_int_equal(r.time_s, T_NULL + 5);
	assert_true(r.pad_bar);
	/* Without the key there is no encrypted ACK. */
	assert_int_equal(dc09_ack_encode(&f, NULL, 0, out, sizeof out, &outlen), DC09_ERR_KEY);
	/* A buffer too small is refused, not overrun. */
	assert_int_equal(dc09_duh_encode(&f, out, 16, &outlen), DC09_ERR_SPACE);
}

static void test_encrypted_without_time(void **state)
{
	struct dc09_frame f, g;
	struct dc09_key key;
	char out[512];
	size_t outlen;

	(void)state;
	assert_int_equal(dc09_key_parse(NULL_KEY, DC09_KEY_AUTO, &key), 0);
	memset(&f, 0, sizeof f);
	strcpy(f.id, "SIA-DCS");
	f.encrypted = 1;
	strcpy(f.seq, "0001");
	strcpy(f.line, "0");
	f.acct_mark = '#';
	strcpy(f.account, "AAAB");
	strcpy(f.data, "#AAAB|NFA1");
	assert_int_equal(dc09_frame_encode(&f, &key, out, sizeof out, &outlen), 0);
	assert_int_equal(dc09_frame_parse(out, outlen, &g), 0);
	assert_int_equal(dc09_frame_decrypt(&g, &key), DC09_ERR_TIME);
	/* A pad that does not fill the block is refused by the encoder. */
	f.has_pad = 1;
	strcpy(f.pad, "xyz");
	f.pad_bar = 1;
	assert_int_equal(dc09_frame_encode(&f, &key, out, sizeof out, &outlen), DC09_ERR_FORMAT);
}

static void test_time_parse_format(void **state)
{
	int64_t t;
	char s[20];

	(void)state;
	assert_int_equal(dc09_time_parse("18:24:52,07-05-2020", 19, &t), 0);
	assert_int_equal(t, T_NULL);
	dc09_time_format(T_NULL * 1000 + 999, s);
	assert_string_equal(s, "18:24:52,07-05-2020");
	assert_int_equal(dc09_time_parse("00:00:00,01-01-1970", 19, &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(dc09_time_parse("23:59:59,12-31-2099", 19, &t), 0);
	dc09_time_format(t * 1000, s);
	assert_string_equal(s, "23:59:59,12-31-2099");
	assert_int_equal(dc09_time_parse("18:24:52,13-05-2020", 19, &t), -1);
	assert_int_equal(dc09_time_parse("18:24:52,04-31-2020", 19, &t), -1);
	assert_int_equal(dc09_time_parse("18:60:52,07-05-2020", 19, &t), -1);
	assert_int_equal(dc09_time_parse("18:24:52 07-05-2020", 19, &t), -1);
	assert_int_equal(dc09_time_parse("18:24:52,07-05-202", 18, &t), -1);
	assert_int_equal(dc09_time_parse("18:24:52,07-05-1969", 19, &t), -1);
}

static void test_time_window_edges(void **state)
{
	const int64_t now = T_NAK * 1000;

	(void)state;
	assert_int_equal(dc09_time_check(T_NAK, now), 0);
	assert_int_equal(dc09_time_check(T_NAK - 40, now), 0);
	assert_int_equal(dc09_time_check(T_NAK - 41, now), -1);
	assert_int_equal(dc09_time_check(T_NAK + 20, now), 0);
	assert_int_equal(dc09_time_check(T_NAK + 21, now), -1);
	/* Milliseconds count: 40.5 s behind is outside, 19.5 s ahead inside. */
	assert_int_equal(dc09_time_check(T_NAK - 40, now + 500), -1);
	assert_int_equal(dc09_time_check(T_NAK + 20, now + 500), 0);
}

static void test_err_names(void **state)
{
	(void)state;
	assert_string_equal(dc09_err_name(DC09_ERR_CRC), "bad_crc");
	assert_string_equal(dc09_err_name(DC09_ERR_LENGTH), "bad_length");
	assert_string_equal(dc09_err_name(DC09_ERR_FORMAT), "bad_format");
	assert_string_equal(dc09_err_name(-99), "unknown_error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc_check_value),
		cmocka_unit_test(test_vectors_loaded),
		cmocka_unit_test(test_vectors_parse_and_roundtrip),
		cmocka_unit_test(test_vector_fields),
		cmocka_unit_test(test_vector_null_decrypt),
		cmocka_unit_test(test_aes_128_192_256),
		cmocka_unit_test(test_key_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_xdata_and_time),
		cmocka_unit_test(test_ack_nak_duh),
		cmocka_unit_test(test_encrypted_without_time),
		cmocka_unit_test(test_time_parse_format),
		cmocka_unit_test(test_time_window_edges),
		cmocka_unit_test(test_err_names),
	};
	return cmocka_run_group_tests(tests, load_vectors, NULL);
}
