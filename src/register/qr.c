/* QR code → PNG (see qr.h). */
#include "register/qr.h"

#include <pthread.h>
#include <qrencode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t x = i;
		for (int k = 0; k < 8; k++)
			x = x & 1 ? 0xEDB88320u ^ (x >> 1) : x >> 1;
		crc_table[i] = x;
	}
}

static uint32_t crc32_update(uint32_t c, const unsigned char *p, size_t n)
{
	pthread_once(&crc_once, crc_init);
	c ^= 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++)
		c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

static void put32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 8), (unsigned char)v};
	buf_append(b, x, 4);
}

static void chunk(struct buf *b, const char *type, const unsigned char *data, size_t n)
{
	put32(b, (uint32_t)n);
	size_t start = b->len;
	buf_append(b, type, 4);
	if (n)
		buf_append(b, data, n);
	put32(b, crc32_update(0, (const unsigned char *)b->data + start, n + 4));
}

int qr_png_write(const unsigned char *bits, int w, int h, unsigned char **png, size_t *len)
{
	if (w <= 0 || h <= 0 || w > 8192 || h > 8192)
		return -1;
	size_t rowb = ((size_t)w + 7) / 8;
	size_t raw_len = (rowb + 1) * (size_t)h;
	unsigned char *raw = xmalloc(raw_len);
	for (int y = 0; y < h; y++) {
		raw[(size_t)y * (rowb + 1)] = 0; /* filter: none */
		memcpy(raw + (size_t)y * (rowb + 1) + 1, bits + (size_t)y * rowb, rowb);
	}
	/* zlib stream of stored blocks */
	struct buf z = {0};
	buf_putc(&z, 0x78);
	buf_putc(&z, 0x01);
	size_t off = 0;
	do {
		size_t n = raw_len - off > 65535 ? 65535 : raw_len - off;
		unsigned char hd[5] = {off + n == raw_len ? 1 : 0, (unsigned char)(n & 0xFF),
				       (unsigned char)(n >> 8), (unsigned char)(~n & 0xFF),
				       (unsigned char)((~n >> 8) & 0xFF)};
		buf_append(&z, hd, 5);
		buf_append(&z, raw + off, n);
		off += n;
	} while (off < raw_len);
	uint32_t a = 1, bsum = 0;
	for (size_t i = 0; i < raw_len; i++) {
		a = (a + raw[i]) % 65521;
		bsum = (bsum + a) % 65521;
	}
	put32(&z, (bsum << 16) | a);
	free(raw);

	struct buf b = {0};
	buf_append(&b, "\x89PNG\r\n\x1a\n", 8);
	unsigned char ihdr[13] = {0};
	ihdr[0] = (unsigned char)(w >> 24);
	ihdr[1] = (unsigned char)(w >> 16);
	ihdr[2] = (unsigned char)(w >> 8);
	ihdr[3] = (unsigned char)w;
	ihdr[4] = (unsigned char)(h >> 24);
	ihdr[5] = (unsigned char)(h >> 16);
	ihdr[6] = (unsigned char)(h >> 8);
	ihdr[7] = (unsigned char)h;
	ihdr[8] = 1; /* bit depth */
	ihdr[9] = 0; /* grayscale */
	chunk(&b, "IHDR", ihdr, 13);
	chunk(&b, "IDAT", (const unsigned char *)z.data, z.len);
	chunk(&b, "IEND", NULL, 0);
	buf_free(&z);
	*len = b.len;
	*png = (unsigned char *)buf_take(&b);
	return 0;
}

int qr_png(const char *text, int scale, int margin, unsigned char **png, size_t *len)
{
	*png = NULL;
	*len = 0;
	if (!text || !*text || scale < 1 || scale > 32 || margin < 0 || margin > 16)
		return -1;
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return -1;
	int side = (q->width + 2 * margin) * scale;
	size_t rowb = ((size_t)side + 7) / 8;
	unsigned char *bits = xmalloc(rowb * (size_t)side);
	memset(bits, 0xFF, rowb * (size_t)side);
	for (int y = 0; y < q->width; y++) {
		for (int x = 0; x < q->width; x++) {
			if (!(q->data[y * q->width + x] & 1))
				continue;
			for (int dy = 0; dy < scale; dy++) {
				int py = (y + margin) * scale + dy;
				for (int dx = 0; dx < scale; dx++) {
					int px = (x + margin) * scale + dx;
					bits[(size_t)py * rowb + (size_t)px / 8] &=
					    (unsigned char)~(0x80 >> (px % 8));
				}
			}
		}
	}
	QRcode_free(q);
	int rc = qr_png_write(bits, side, side, png, len);
	free(bits);
	return rc;
}
