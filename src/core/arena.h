/* A bump allocator for one HTTP request or one alarm frame: everything
 * allocated from it is released by one arena_free(). Never keep an arena
 * pointer in a long-lived object; copy out with xstrdup. */
#ifndef PCCC_CORE_ARENA_H
#define PCCC_CORE_ARENA_H
#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);
/* Aligned to 16 bytes; never NULL (aborts through the alloc hook). */
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Runs fn(arg) when the arena is freed (e.g. json_decref of a value). */
void arena_defer(struct arena *a, void (*fn)(void *), void *arg);

#endif
