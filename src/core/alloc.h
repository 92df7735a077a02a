/* Allocation that never returns NULL: failure goes through one hook
 * (alloc_set_fail_hook) which by default logs and aborts. Tests replace the
 * hook to inject failures at start-up paths. */
#ifndef PCCC_CORE_ALLOC_H
#define PCCC_CORE_ALLOC_H
#include <stddef.h>

typedef void (*alloc_fail_fn)(size_t size);

void alloc_set_fail_hook(alloc_fail_fn fn);
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh heap string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
