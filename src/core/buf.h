/* A growable byte buffer, always NUL-terminated after its content (like
 * Redis' sds, but a plain struct). Zero-initialise (`struct buf b = {0}`),
 * append, then take the data (`buf_take`) or release it (`buf_free`). */
#ifndef PCCC_CORE_BUF_H
#define PCCC_CORE_BUF_H
#include <stddef.h>

struct buf {
	char *data;   /* NULL until the first append */
	size_t len;
	size_t cap;
};

void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Drops the first n bytes (n <= len). */
void buf_consume(struct buf *b, size_t n);
void buf_reset(struct buf *b);
/* Returns the heap string (never NULL) and leaves b empty; caller frees. */
char *buf_take(struct buf *b);
void buf_free(struct buf *b);
/* Content as a C string ("" when empty); borrowed. */
const char *buf_str(const struct buf *b);

#endif
