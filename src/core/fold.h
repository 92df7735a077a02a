/* Folding text for search: UTF-8 in, lowercase ASCII out, Vietnamese
 * diacritics removed (à á ả ã ạ ă â … → a, ơ → o, ư → u, đ/Đ → d), runs of
 * spaces and punctuation collapsed to one space, trimmed. "Đống Đa" and
 * "dong  da" both fold to "dong da". Invalid UTF-8 bytes are dropped. */
#ifndef PCCC_CORE_FOLD_H
#define PCCC_CORE_FOLD_H
#include <stddef.h>
#include "core/buf.h"

/* Appends the folded form of s[0..len) to out. */
void fold_text(const char *s, size_t len, struct buf *out);
/* Convenience: returns a heap string the caller frees. */
char *fold_dup(const char *s);

#endif
