/* SIA DC-09 frame codec (see dc09.h): CRC-16/ARC, the frame grammar, AES
 * CBC with a zero IV through OpenSSL EVP, timestamps, and the encoder for
 * frames and the receiver's responses. Every field is copied into a fixed
 * array after its length and alphabet are checked, so nothing a frame
 * contains can overrun the struct. */
#include "alarm/dc09.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define DC09_BLOCK 16

/* CRC-16/ARC of each byte value: one lookup per byte instead of eight
 * shifts (twice per frame on the receiver's thread). */
static const uint16_t crc_table[256] = {
	0x0000, 0xC0C1, 0xC181, 0x0140, 0xC301, 0x03C0, 0x0280, 0xC241,
	0xC601, 0x06C0, 0x0780, 0xC741, 0x0500, 0xC5C1, 0xC481, 0x0440,
	0xCC01, 0x0CC0, 0x0D80, 0xCD41, 0x0F00, 0xCFC1, 0xCE81, 0x0E40,
	0x0A00, 0xCAC1, 0xCB81, 0x0B40, 0xC901, 0x09C0, 0x0880, 0xC841,
	0xD801, 0x18C0, 0x1980, 0xD941, 0x1B00, 0xDBC1, 0xDA81, 0x1A40,
	0x1E00, 0xDEC1, 0xDF81, 0x1F40, 0xDD01, 0x1DC0, 0x1C80, 0xDC41,
	0x1400, 0xD4C1, 0xD581, 0x1540, 0xD701, 0x17C0, 0x1680, 0xD641,
	0xD201, 0x12C0, 0x1380, 0xD341, 0x1100, 0xD1C1, 0xD081, 0x1040,
	0xF001, 0x30C0, 0x3180, 0xF141, 0x3300, 0xF3C1, 0xF281, 0x3240,
	0x3600, 0xF6C1, 0xF781, 0x3740, 0xF501, 0x35C0, 0x3480, 0xF441,
	0x3C00, 0xFCC1, 0xFD81, 0x3D40, 0xFF01, 0x3FC0, 0x3E80, 0xFE41,
	0xFA01, 0x3AC0, 0x3B80, 0xFB41, 0x3900, 0xF9C1, 0xF881, 0x3840,
	0x2800, 0xE8C1, 0xE981, 0x2940, 0xEB01, 0x2BC0, 0x2A80, 0xEA41,
	0xEE01, 0x2EC0, 0x2F80, 0xEF41, 0x2D00, 0xEDC1, 0xEC81, 0x2C40,
	0xE401, 0x24C0, 0x2580, 0xE541, 0x2700, 0xE7C1, 0xE681, 0x2640,
	0x2200, 0xE2C1, 0xE381, 0x2340, 0xE101, 0x21C0, 0x2080, 0xE041,
	0xA001, 0x60C0, 0x6180, 0xA141, 0x6300, 0xA3C1, 0xA281, 0x6240,
	0x6600, 0xA6C1, 0xA781, 0x6740, 0xA501, 0x65C0, 0x6480, 0xA441,
	0x6C00, 0xACC1, 0xAD81, 0x6D40, 0xAF01, 0x6FC0, 0x6E80, 0xAE41,
	0xAA01, 0x6AC0, 0x6B80, 0xAB41, 0x6900, 0xA9C1, 0xA881, 0x6840,
	0x7800, 0xB8C1, 0xB981, 0x7940, 0xBB01, 0x7BC0, 0x7A80, 0xBA41,
	0xBE01, 0x7EC0, 0x7F80, 0xBF41, 0x7D00, 0xBDC1, 0xBC81, 0x7C40,
	0xB401, 0x74C0, 0x7580, 0xB541, 0x7700, 0xB7C1, 0xB681, 0x7640,
	0x7200, 0xB2C1, 0xB381, 0x7340, 0xB101, 0x71C0, 0x7080, 0xB041,
	0x5000, 0x90C1, 0x9181, 0x5140, 0x9301, 0x53C0, 0x5280, 0x9241,
	0x9601, 0x56C0, 0x5780, 0x9741, 0x5500, 0x95C1, 0x9481, 0x5440,
	0x9C01, 0x5CC0, 0x5D80, 0x9D41, 0x5F00, 0x9FC1, 0x9E81, 0x5E40,
	0x5A00, 0x9AC1, 0x9B81, 0x5B40, 0x9901, 0x59C0, 0x5880, 0x9841,
	0x8801, 0x48C0, 0x4980, 0x8941, 0x4B00, 0x8BC1, 0x8A81, 0x4A40,
	0x4E00, 0x8EC1, 0x8F81, 0x4F40, 0x8D01, 0x4DC0, 0x4C80, 0x8C41,
	0x4400, 0x84C1, 0x8581, 0x4540, 0x8701, 0x47C0, 0x4680, 0x8641,
	0x8201, 0x42C0, 0x4380, 0x8341, 0x4100, 0x81C1, 0x8081, 0x4040,
};

uint16_t dc09_crc16(const void *p, size_t n)
{
	const unsigned char *s = p;
	unsigned crc = 0;

	for (size_t i = 0; i < n; i++)
		crc = (crc >> 8) ^ crc_table[(crc ^ s[i]) & 0xFF];
	return (uint16_t)crc;
}

const char *dc09_err_name(int err)
{
	switch (err) {
	case DC09_OK: return "ok";
	case DC09_ERR_FORMAT: return "bad_format";
	case DC09_ERR_CRC: return "bad_crc";
	case DC09_ERR_LENGTH: return "bad_length";
	case DC09_ERR_TOO_LONG: return "too_long";
	case DC09_ERR_KEY: return "no_key";
	case DC09_ERR_DECRYPT: return "undecryptable";
	case DC09_ERR_TIME: return "bad_timestamp";
	case DC09_ERR_SPACE: return "no_space";
	}
	return "unknown_error";
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Printable ASCII other than the brackets that delimit blocks. */
static int is_body_char(unsigned char c)
{
	return c >= 0x20 && c <= 0x7e && c != '[' && c != ']';
}

/* Reads exactly n hex digits at s into *out. */
static int hex_number(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		int h = hexval((unsigned char)s[i]);
		if (h < 0)
			return -1;
		v = v * 16 + (unsigned)h;
	}
	*out = v;
	return 0;
}

/* Copies a run of [min,max] hex digits starting at *p into out. */
static int take_hex(const char **p, const char *end, size_t min, size_t max, char *out)
{
	size_t n = 0;
	while (*p + n < end && hexval((unsigned char)(*p)[n]) >= 0)
		n++;
	if (n < min || n > max)
		return -1;
	memcpy(out, *p, n);
	out[n] = '\0';
	*p += n;
	return 0;
}

/* ---- time ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
	static const unsigned dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static int digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int dc09_time_parse(const char *s, size_t len, int64_t *out)
{
	unsigned hh, mi, ss, mo, dd, yy;

	if (len != 19 || s[2] != ':' || s[5] != ':' || s[8] != ',' || s[11] != '-' ||
	    s[14] != '-')
		return -1;
	if (digits(s, 2, &hh) || digits(s + 3, 2, &mi) || digits(s + 6, 2, &ss) ||
	    digits(s + 9, 2, &mo) || digits(s + 12, 2, &dd) || digits(s + 15, 4, &yy))
		return -1;
	if (hh > 23 || mi > 59 || ss > 59 || mo < 1 || mo > 12 || dd < 1 ||
	    dd > days_in_month(yy, mo) || yy < 1970)
		return -1;
	*out = days_from_civil(yy, mo, dd) * 86400 + hh * 3600 + mi * 60 + ss;
	return 0;
}

static void put2(char *o, unsigned v)
{
	o[0] = (char)('0' + v / 10 % 10);
	o[1] = (char)('0' + v % 10);
}

void dc09_time_format(int64_t ms, char *out)
{
	int64_t s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
	time_t t = (time_t)s;
	struct tm tm = {0};
	unsigned y;

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof tm);
	y = (unsigned)(tm.tm_year + 1900);
	put2(out, (unsigned)tm.tm_hour);
	out[2] = ':';
	put2(out + 3, (unsigned)tm.tm_min);
	out[5] = ':';
	put2(out + 6, (unsigned)tm.tm_sec);
	out[8] = ',';
	put2(out + 9, (unsigned)tm.tm_mon + 1);
	out[11] = '-';
	put2(out + 12, (unsigned)tm.tm_mday);
	out[14] = '-';
	put2(out + 15, y / 100);
	put2(out + 17, y % 100);
	out[19] = '\0';
}

int dc09_time_check(int64_t time_s, int64_t now_ms)
{
	int64_t delta = time_s * 1000 - now_ms;
	if (delta < -(int64_t)DC09_TIME_PAST_S * 1000 || delta > (int64_t)DC09_TIME_FUTURE_S * 1000)
		return -1;
	return 0;
}

/* ---- keys and AES ---- */

int dc09_key_parse(const char *text, enum dc09_key_form form, struct dc09_key *out)
{
	size_t n = text ? strlen(text) : 0;
	int all_hex = n > 0;

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n && all_hex; i++)
		all_hex = hexval((unsigned char)text[i]) >= 0;
	if (form == DC09_KEY_AUTO)
		form = (all_hex && (n == 32 || n == 48 || n == 64)) ? DC09_KEY_HEX : DC09_KEY_RAW;
	if (form == DC09_KEY_RAW) {
		if (n != 16 && n != 24 && n != 32)
			return DC09_ERR_KEY;
		memcpy(out->bytes, text, n);
		out->len = n;
		return 0;
	}
	if (!all_hex || (n != 32 && n != 48 && n != 64))
		return DC09_ERR_KEY;
	for (size_t i = 0; i < n / 2; i++)
		out->bytes[i] = (unsigned char)(hexval((unsigned char)text[2 * i]) * 16 +
						hexval((unsigned char)text[2 * i + 1]));
	out->len = n / 2;
	return 0;
}

static const EVP_CIPHER *aes_cipher(size_t keylen)
{
	switch (keylen) {
	case 16: return EVP_aes_128_cbc();
	case 24: return EVP_aes_192_cbc();
	case 32: return EVP_aes_256_cbc();
	}
	return NULL;
}

/* AES-CBC, zero IV, no padding, n a multiple of 16; in place is fine. */
static int aes_cbc(const struct dc09_key *key, int enc, const unsigned char *in, size_t n,
		   unsigned char *out)
{
	static const unsigned char iv[DC09_BLOCK];
	const EVP_CIPHER *c = key ? aes_cipher(key->len) : NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	int l1 = 0, l2 = 0;

	if (!c || n % DC09_BLOCK)
		return -1;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -1;
	if (EVP_CipherInit_ex(ctx, c, NULL, key->bytes, iv, enc) != 1)
		goto fail;
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	if (EVP_CipherUpdate(ctx, out, &l1, in, (int)n) != 1)
		goto fail;
	if (EVP_CipherFinal_ex(ctx, out + l1, &l2) != 1 || (size_t)(l1 + l2) != n)
		goto fail;
	EVP_CIPHER_CTX_free(ctx);
	return 0;
fail:
	EVP_CIPHER_CTX_free(ctx);
	return -1;
}

/* ---- parsing ---- */

/* Parses what follows the data's ']': `[xdata]*` then `_time` or nothing.
 * p..end must be exactly that. */
static int parse_trailer(const char *p, const char *end, struct dc09_frame *f)
{
	f->n_xdata = 0;
	f->has_time = 0;
	while (p < end && *p == '[') {
		const char *q = ++p;
		while (q < end && is_body_char((unsigned char)*q))
			q++;
		if (q >= end || *q != ']' || f->n_xdata >= DC09_XDATA_MAX)
			return DC09_ERR_FORMAT;
		struct dc09_xdata *x = &f->xdata[f->n_xdata];
		size_t n = (size_t)(q - p);
		x->key = n ? *p : 0;
		if (n > 0 && n - 1 >= DC09_XVAL_MAX)
			return DC09_ERR_FORMAT;
		memcpy(x->value, p + (n ? 1 : 0), n ? n - 1 : 0);
		x->value[n ? n - 1 : 0] = '\0';
		f->n_xdata++;
		p = q + 1;
	}
	if (p == end)
		return 0;
	if (*p != '_')
		return DC09_ERR_FORMAT;
	if (dc09_time_parse(p + 1, (size_t)(end - p - 1), &f->time_s) != 0)
		return DC09_ERR_TIME;
	f->has_time = 1;
	return 0;
}

/* p..end: `data]` followed by the trailer. */
static int parse_body(const char *p, const char *end, struct dc09_frame *f)
{
	const char *q = p;
	while (q < end && is_body_char((unsigned char)*q))
		q++;
	if (q >= end || *q != ']')
		return DC09_ERR_FORMAT;
	memcpy(f->data, p, (size_t)(q - p));
	f->data[q - p] = '\0';
	return parse_trailer(q + 1, end, f);
}

int dc09_frame_parse(const char *buf, size_t len, struct dc09_frame *f)
{
	const char *p, *end, *body;
	unsigned crc, blen;

	memset(f, 0, sizeof *f);
	if (len && buf[0] == '\n') {
		buf++;
		len--;
	}
	if (len && buf[len - 1] == '\r')
		len--;
	if (len > DC09_FRAME_MAX)
		return DC09_ERR_TOO_LONG;
	if (len < 9 || hex_number(buf, 4, &crc) || hex_number(buf + 4, 4, &blen) || buf[8] != '"')
		return DC09_ERR_FORMAT;
	body = buf + 8;
	end = buf + len;
	if (blen != len - 8)
		return DC09_ERR_LENGTH;
	if (crc != dc09_crc16(body, len - 8))
		return DC09_ERR_CRC;

	/* "ID" */
	p = body + 1;
	if (p < end && *p == '*') {
		f->encrypted = 1;
		p++;
	}
	size_t n = 0;
	while (p + n < end && ((p[n] >= 'A' && p[n] <= 'Z') || is_digit((unsigned char)p[n]) ||
			       p[n] == '-'))
		n++;
	if (n == 0 || n >= DC09_ID_MAX || p + n >= end || p[n] != '"')
		return DC09_ERR_FORMAT;
	memcpy(f->id, p, n);
	f->id[n] = '\0';
	p += n + 1;

	/* seq4 */
	if (end - p < 4 || !is_digit((unsigned char)p[0]) || !is_digit((unsigned char)p[1]) ||
	    !is_digit((unsigned char)p[2]) || !is_digit((unsigned char)p[3]))
		return DC09_ERR_FORMAT;
	memcpy(f->seq, p, 4);
	f->seq[4] = '\0';
	p += 4;

	/* [Rrcvr] Lline [#acct] */
	if (p < end && *p == 'R') {
		p++;
		if (take_hex(&p, end, 1, DC09_RCVR_MAX - 1, f->receiver))
			return DC09_ERR_FORMAT;
		f->has_receiver = 1;
	}
	if (p >= end || *p != 'L')
		return DC09_ERR_FORMAT;
	p++;
	if (take_hex(&p, end, 1, DC09_LINE_MAX - 1, f->line))
		return DC09_ERR_FORMAT;
	if (p < end && *p == '#') {
		f->acct_mark = *p++;
		if (take_hex(&p, end, 3, DC09_ACCT_MAX - 1, f->account))
			return DC09_ERR_FORMAT;
	}
	if (p >= end || *p != '[')
		return DC09_ERR_FORMAT;
	p++;

	if (!f->encrypted)
		return parse_body(p, end, f);

	/* Encrypted: hex of whole blocks up to the end. */
	n = (size_t)(end - p);
	if (n == 0 || n % (2 * DC09_BLOCK) || n >= sizeof f->cipher)
		return DC09_ERR_FORMAT;
	for (size_t i = 0; i < n; i++)
		if (hexval((unsigned char)p[i]) < 0)
			return DC09_ERR_FORMAT;
	memcpy(f->cipher, p, n);
	f->cipher[n] = '\0';
	return 0;
}

int dc09_frame_decrypt(struct dc09_frame *f, const struct dc09_key *key)
{
	unsigned char plain[DC09_FRAME_MAX / 2];
	size_t n = strlen(f->cipher) / 2;
	const char *p, *end, *bar, *data;
	int rc;

	if (!key || !aes_cipher(key->len))
		return DC09_ERR_KEY;
	if (!f->encrypted || n == 0 || n % DC09_BLOCK)
		return DC09_ERR_FORMAT;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval((unsigned char)f->cipher[2 * i]);
		int lo = hexval((unsigned char)f->cipher[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return DC09_ERR_FORMAT;
		plain[i] = (unsigned char)(hi * 16 + lo);
	}
	if (aes_cbc(key, 0, plain, n, plain) != 0)
		return DC09_ERR_DECRYPT;

	/* pad ends at the first '|'; a device with empty data may leave the
	 * '|' out, and then the pad ends at the first ']'. */
	p = (const char *)plain;
	end = p + n;
	bar = memchr(p, '|', n);
	if (bar) {
		data = bar + 1;
	} else {
		bar = memchr(p, ']', n);
		if (!bar)
			return DC09_ERR_DECRYPT;
		data = bar;
	}
	/* The pad may be any bytes; it is kept for re-encoding only when it is
	 * short printable text (ours and every vector's are). */
	f->has_pad = (size_t)(bar - p) < DC09_PAD_MAX;
	for (const char *q = p; q < bar && f->has_pad; q++)
		f->has_pad = *q >= 0x20 && *q <= 0x7e;
	if (f->has_pad) {
		memcpy(f->pad, p, (size_t)(bar - p));
		f->pad[bar - p] = '\0';
		f->pad_bar = *bar == '|';
	}

	rc = parse_body(data, end, f);
	if (rc == DC09_ERR_TIME)
		return DC09_ERR_TIME;
	if (rc != 0)
		return DC09_ERR_DECRYPT;
	if (!f->has_time)
		return DC09_ERR_TIME;
	return 0;
}

/* ---- encoding ---- */

/* Appends to a fixed buffer; on overflow sets the error and stops. */
struct out {
	char *s;
	size_t cap, len;
	int err;
};

static void out_add(struct out *o, const void *p, size_t n)
{
	if (o->err || o->len + n + 1 > o->cap) {
		o->err = 1;
		return;
	}
	memcpy(o->s + o->len, p, n);
	o->len += n;
	o->s[o->len] = '\0';
}

static void out_str(struct out *o, const char *s)
{
	out_add(o, s, strlen(s));
}

/* `data][xdata]*[_time]` — the part after the data's '['. */
static void encode_tail(struct out *o, const struct dc09_frame *f)
{
	char ts[24];

	out_str(o, f->data);
	out_add(o, "]", 1);
	for (size_t i = 0; i < f->n_xdata && i < DC09_XDATA_MAX; i++) {
		out_add(o, "[", 1);
		if (f->xdata[i].key)
			out_add(o, &f->xdata[i].key, 1);
		out_str(o, f->xdata[i].value);
		out_add(o, "]", 1);
	}
	if (f->has_time) {
		ts[0] = '_';
		dc09_time_format(f->time_s * 1000, ts + 1);
		out_str(o, ts);
	}
}

/* Random pad characters: letters and digits only, never '|' or ']'. */
static int random_pad(char *pad, size_t n)
{
	static const char alpha[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[DC09_BLOCK];

	if (n > sizeof r || RAND_bytes(r, (int)sizeof r) != 1)
		return -1;
	for (size_t i = 0; i < n; i++)
		pad[i] = alpha[r[i] % (sizeof alpha - 1)];
	pad[n] = '\0';
	return 0;
}

/* Encrypts `pad|tail` and appends it as upper-case hex. */
static int encode_cipher(struct out *o, const struct dc09_frame *f, const struct dc09_key *key)
{
	static const char hex[] = "0123456789ABCDEF";
	char plainbuf[DC09_FRAME_MAX / 2 + DC09_BLOCK];
	char tailbuf[DC09_FRAME_MAX];
	struct out tail = {tailbuf, sizeof tailbuf, 0, 0};
	struct out plain = {plainbuf, sizeof plainbuf, 0, 0};
	char pad[DC09_PAD_MAX];
	int bar = 1;

	encode_tail(&tail, f);
	if (tail.err)
		return DC09_ERR_SPACE;
	if (f->has_pad) {
		snprintf(pad, sizeof pad, "%s", f->pad);
		bar = f->pad_bar;
	} else if (random_pad(pad, (DC09_BLOCK - (tail.len + 1) % DC09_BLOCK) % DC09_BLOCK)) {
		return DC09_ERR_KEY;
	}
	out_str(&plain, pad);
	if (bar)
		out_add(&plain, "|", 1);
	out_add(&plain, tail.s, tail.len);
	if (plain.err)
		return DC09_ERR_SPACE;
	if (plain.len % DC09_BLOCK)
		return DC09_ERR_FORMAT;
	if (aes_cbc(key, 1, (unsigned char *)plain.s, plain.len, (unsigned char *)plain.s) != 0)
		return DC09_ERR_KEY;
	for (size_t i = 0; i < plain.len; i++) {
		unsigned char b = (unsigned char)plain.s[i];
		char h[2] = {hex[b >> 4], hex[b & 15]};
		out_add(o, h, 2);
	}
	return 0;
}

/* Four upper-case hex digits of v (< 0x10000). */
static void hex4(char *out, unsigned v)
{
	static const char hex[] = "0123456789ABCDEF";
	for (int i = 3; i >= 0; i--, v >>= 4)
		out[i] = hex[v & 15];
}

int dc09_frame_encode(const struct dc09_frame *f, const struct dc09_key *key, char *out,
		      size_t cap, size_t *outlen)
{
	struct out o = {out, cap, 0, 0};
	char head[16];
	int rc;

	if (f->encrypted && (!key || !aes_cipher(key->len)))
		return DC09_ERR_KEY;
	/* LF crc4 len4 placeholders, filled once the body is known. */
	out_str(&o, "\n00000000\"");
	if (f->encrypted)
		out_add(&o, "*", 1);
	out_str(&o, f->id);
	out_add(&o, "\"", 1);
	out_str(&o, f->seq);
	if (f->has_receiver) {
		out_add(&o, "R", 1);
		out_str(&o, f->receiver);
	}
	out_add(&o, "L", 1);
	out_str(&o, f->line);
	if (f->acct_mark) {
		out_add(&o, &f->acct_mark, 1);
		out_str(&o, f->account);
	}
	out_add(&o, "[", 1);
	if (f->encrypted) {
		rc = encode_cipher(&o, f, key);
		if (rc)
			return rc;
	} else {
		encode_tail(&o, f);
	}
	if (o.err)
		return DC09_ERR_SPACE;
	size_t blen = o.len - 9;
	if (blen > DC09_FRAME_MAX - 8 || blen > 0xFFFF)
		return DC09_ERR_TOO_LONG;
	hex4(head, dc09_crc16(out + 9, blen));
	hex4(head + 4, (unsigned)blen);
	memcpy(out + 1, head, 8);
	out_add(&o, "\r", 1);
	if (o.err)
		return DC09_ERR_SPACE;
	*outlen = o.len;
	return 0;
}

/* A response frame that echoes the request's seq, R, L and account. */
static void reply_init(struct dc09_frame *r, const struct dc09_frame *req, const char *id)
{
	memset(r, 0, sizeof *r);
	snprintf(r->id, sizeof r->id, "%s", id);
	memcpy(r->seq, req->seq, sizeof r->seq);
	r->has_receiver = req->has_receiver;
	memcpy(r->receiver, req->receiver, sizeof r->receiver);
	memcpy(r->line, req->line, sizeof r->line);
	if (!r->line[0])
		r->line[0] = '0';
	r->acct_mark = req->acct_mark;
	memcpy(r->account, req->account, sizeof r->account);
	if (!r->seq[0])
		memcpy(r->seq, "0000", 5);
}

int dc09_ack_encode(const struct dc09_frame *req, const struct dc09_key *key, int64_t now_ms,
		    char *out, size_t cap, size_t *outlen)
{
	struct dc09_frame r;

	reply_init(&r, req, "ACK");
	if (req->encrypted) {
		r.encrypted = 1;
		r.has_time = 1;
		r.time_s = now_ms >= 0 ? now_ms / 1000 : -((-now_ms + 999) / 1000);
	}
	return dc09_frame_encode(&r, key, out, cap, outlen);
}

int dc09_nak_encode(int64_t now_ms, char *out, size_t cap, size_t *outlen)
{
	struct dc09_frame r;

	memset(&r, 0, sizeof r);
	memcpy(r.id, "NAK", 4);
	memcpy(r.seq, "0000", 5);
	r.has_receiver = 1;
	r.receiver[0] = '0';
	r.line[0] = '0';
	r.acct_mark = 'A';
	r.account[0] = '0';
	r.has_time = 1;
	r.time_s = now_ms >= 0 ? now_ms / 1000 : -((-now_ms + 999) / 1000);
	return dc09_frame_encode(&r, NULL, out, cap, outlen);
}

int dc09_duh_encode(const struct dc09_frame *req, char *out, size_t cap, size_t *outlen)
{
	struct dc09_frame r;

	reply_init(&r, req, "DUH");
	return dc09_frame_encode(&r, NULL, out, cap, outlen);
}
