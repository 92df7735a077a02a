/* QR codes for door labels: libqrencode makes the module matrix, this file
 * writes it as a 1-bit grayscale PNG by itself (stored deflate blocks,
 * CRC-32 and Adler-32 computed here), so no image library is needed. */
#ifndef PCCC_REGISTER_QR_H
#define PCCC_REGISTER_QR_H
#include <stddef.h>

/* Encodes text (error correction level M) as a PNG with scale pixels per
 * module and a quiet zone of margin modules. *png is heap (free). 0, or -1
 * when the text cannot be encoded or the arguments are out of range
 * (scale 1..32, margin 0..16). */
int qr_png(const char *text, int scale, int margin, unsigned char **png, size_t *len);

/* The PNG writer alone: a w x h 1-bit image, rows of (w + 7) / 8 bytes,
 * bit 1 = white. Exposed for tests. */
int qr_png_write(const unsigned char *bits, int w, int h, unsigned char **png, size_t *len);

#endif
