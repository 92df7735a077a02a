/* libFuzzer target for the DC-09 frame codec and payload decoders. The
 * first byte picks how the rest becomes a frame, so mutations get past the
 * CRC and the cipher: 0 as is, 1 as a body given its right CRC and length,
 * 2 as the plain text of an encrypted body (AES-128 with the fixed key).
 * The frame is parsed; encrypted frames are decrypted encrypted frames with fixed AES-128 and
 * AES-256 keys; decodes the payload; re-encodes plain frames and checks
 * that the result parses back to the same fields; encodes ACK and DUH for
 * every parsed frame. Any crash, sanitizer report or abort is a bug. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <stdio.h>

#include "alarm/dc09.h"
#include "alarm/event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_roundtrip(const struct dc09_frame *f)
{
	static char out[DC09_FRAME_MAX + 16];
	static struct dc09_frame g;
	size_t len = 0;

	if (dc09_frame_encode(f, NULL, out, sizeof out, &len) != 0)
		abort();
	if (dc09_frame_parse(out, len, &g) != 0)
		abort();
	if (strcmp(f->id, g.id) || strcmp(f->seq, g.seq) || strcmp(f->data, g.data) ||
	    strcmp(f->line, g.line) || strcmp(f->account, g.account) ||
	    f->n_xdata != g.n_xdata || f->has_time != g.has_time ||
	    (f->has_time && f->time_s != g.time_s))
		abort();
}

/* crc+len header in front of body. */
static size_t wrap(const char *body, size_t n, char *out, size_t cap)
{
	char head[9];
	if (n + 8 > cap)
		return 0;
	snprintf(head, sizeof head, "%04X%04X", dc09_crc16(body, n), (unsigned)(n & 0xFFFF));
	memcpy(out, head, 8);
	memcpy(out + 8, body, n);
	return n + 8;
}

/* An encrypted frame whose plain text is the input (cut to whole blocks). */
static size_t encrypted_frame(const uint8_t *plain, size_t n, const struct dc09_key *key,
			      char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	static const unsigned char iv[16];
	unsigned char enc[512];
	char body[DC09_FRAME_MAX];
	int l1 = 0, l2 = 0;
	size_t bl;

	n -= n % 16;
	if (n == 0 || n > sizeof enc)
		return 0;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return 0;
	EVP_EncryptInit_ex(ctx, EVP_aes_128_cbc(), NULL, key->bytes, iv);
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	EVP_EncryptUpdate(ctx, enc, &l1, plain, (int)n);
	EVP_EncryptFinal_ex(ctx, enc + l1, &l2);
	EVP_CIPHER_CTX_free(ctx);
	bl = (size_t)snprintf(body, sizeof body, "\"*SIA-DCS\"0001L0#1234[");
	if (bl + 2 * n > sizeof body)
		return 0;
	for (size_t i = 0; i < n; i++) {
		body[bl++] = hex[enc[i] >> 4];
		body[bl++] = hex[enc[i] & 15];
	}
	return wrap(body, bl, out, cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char frame[DC09_FRAME_MAX + 64];
	static struct dc09_frame f;
	static struct alarm_event ev[ALARM_FRAME_EVENTS_MAX];
	static struct dc09_key k128, k256;
	static int keys;
	char out[512];
	size_t n, len;

	if (!keys) {
		dc09_key_parse("AAAAAAAAAAAAAAAA", DC09_KEY_RAW, &k128);
		dc09_key_parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
			       DC09_KEY_HEX, &k256);
		keys = 1;
	}
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		len = size - 1;
		if (len > sizeof frame)
			return 0;
		memcpy(frame, data + 1, len);
		break;
	case 1:
		len = wrap((const char *)data + 1, size - 1, frame, sizeof frame);
		break;
	default:
		len = encrypted_frame(data + 1, size - 1, &k128, frame, sizeof frame);
		break;
	}
	if (dc09_frame_parse(frame, len, &f) != 0)
		return 0;
	if (f.encrypted) {
		if (dc09_frame_decrypt(&f, &k128) != 0 && dc09_frame_decrypt(&f, &k256) != 0)
			return 0;
		dc09_time_check(f.time_s, 0);
		dc09_ack_encode(&f, &k128, 0, out, sizeof out, &len);
	} else {
		check_roundtrip(&f);
		dc09_ack_encode(&f, NULL, 0, out, sizeof out, &len);
	}
	dc09_duh_encode(&f, out, sizeof out, &len);
	alarm_payload_decode(&f, ev, ALARM_FRAME_EVENTS_MAX, &n);
	return 0;
}
