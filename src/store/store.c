/* The store's front: store_open picks a backend by the URL's form, every
 * store_* function dispatches through its struct store_ops, and the logic
 * every backend shares lives here (finding the embedded migrations, reading
 * the embedded unit seed, unit cursors, the units generation that caches
 * of rendered units compare). */
#include "store/store.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/builtin.h"
#include "core/clock.h"
#include "core/fold.h"
#include "core/log.h"
#include "store/store_impl.h"

#define SEED_UNITS "seed/units.tsv"
#define SEED_SUCC "seed/unit_successors.tsv"

/* Source of generations: unique across all stores of the process. */
static _Atomic uint64_t store_gen_counter;

static void store_units_bump(struct store *st)
{
	atomic_store(&st->units_gen, atomic_fetch_add(&store_gen_counter, 1) + 1);
}

int store_open(const char *url, struct store **out)
{
	const struct store_ops *ops = &store_sqlite_ops;
	struct store *st = NULL;

	*out = NULL;
	if (!url || !*url) {
		log_error("store: no database path given");
		return STORE_ERROR;
	}
	if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
		ops = &store_pg_ops;
	st = xcalloc(1, sizeof *st);
	st->ops = ops;
	pthread_mutex_init(&st->units_lock, NULL);
	if (ops->open(url, &st->impl) != 0)
		goto fail;
	store_units_bump(st);
	atomic_store(&st->units_checked_ms, INT64_MIN / 2);
	*out = st;
	return STORE_OK;
fail:
	pthread_mutex_destroy(&st->units_lock);
	free(st);
	return STORE_ERROR;
}

char *store_url_redacted(const char *url)
{
	struct buf b = {0};
	const char *p, *at, *colon, *scheme;

	if (!url)
		return xstrdup("");
	scheme = strstr(url, "://");
	p = url;
	if (scheme) {
		const char *auth = scheme + 3;
		const char *end = auth + strcspn(auth, "/?#");
		at = NULL;
		for (const char *q = auth; q < end; q++)
			if (*q == '@')
				at = q;
		colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon) {
			buf_append(&b, url, (size_t)(colon + 1 - url));
			buf_puts(&b, "***");
			p = at;
		}
	}
	/* key=value parameters: password=... in a query or a conninfo string */
	while (*p) {
		const char *k = strstr(p, "password=");
		if (!k) {
			buf_puts(&b, p);
			break;
		}
		int boundary = k == url || k[-1] == '?' || k[-1] == '&' || k[-1] == ' ';
		buf_append(&b, p, (size_t)(k + 9 - p));
		p = k + 9;
		if (boundary) {
			buf_puts(&b, "***");
			p += strcspn(p, "& ");
		}
	}
	return buf_take(&b);
}

void store_close(struct store *st)
{
	if (!st)
		return;
	st->ops->close(st->impl);
	pthread_mutex_destroy(&st->units_lock);
	free(st);
}

const char *store_backend_name(const struct store *st)
{
	return st->ops->name;
}

/* ---- migrations ---------------------------------------------------- */

static int store_migration_cmp(const void *a, const void *b)
{
	const struct store_migration *x = a, *y = b;
	return (x->version > y->version) - (x->version < y->version);
}

int store_migrate(struct store *st, int *applied)
{
	struct store_migration *list = xcalloc(builtin_count + 1, sizeof *list);
	size_t n = 0;
	int rc = STORE_ERROR;

	if (applied)
		*applied = 0;
	for (size_t i = 0; i < builtin_count; i++) {
		const struct builtin_file *f = &builtin_files[i];
		const char *p = f->path;
		size_t plen = strlen(p);
		if (strncmp(p, "sql/", 4) != 0 || plen < 9 || strcmp(p + plen - 4, ".sql") != 0)
			continue;
		const char *base = p + 4;
		char *end;
		errno = 0;
		long v = strtol(base, &end, 10);
		if (end == base || *end != '_' || v <= 0 || v > 99999 || errno) {
			log_error("store: migration %s has no NNN_ prefix", p);
			goto done;
		}
		for (size_t j = 0; j < n; j++) {
			if (list[j].version == (int)v) {
				log_error("store: two migrations numbered %ld", v);
				goto done;
			}
		}
		list[n].version = (int)v;
		list[n].name = base;
		list[n].sql = (const char *)f->data;
		n++;
	}
	qsort(list, n, sizeof *list, store_migration_cmp);
	rc = st->ops->migrate(st->impl, list, n, applied);
done:
	free(list);
	return rc;
}

/* ---- meta ---------------------------------------------------------- */

int store_meta_get(struct store *st, const char *key, char **out)
{
	return st->ops->meta_get(st->impl, key, out);
}

int store_meta_set(struct store *st, const char *key, const char *value)
{
	return st->ops->meta_set(st->impl, key, value);
}

/* ---- units --------------------------------------------------------- */

int store_unit_get(struct store *st, const char *scheme, const char *code, json_t **out)
{
	*out = NULL;
	if (!code || !*code)
		return STORE_NOT_FOUND;
	return store_units_db_get(st, scheme ? scheme : "2025", code, out);
}

int store_unit_list(struct store *st, const struct unit_query *q, json_t **items,
		    char **next_cursor)
{
	*items = NULL;
	*next_cursor = NULL;
	return store_units_db_list(st, q, items, next_cursor);
}

int store_unit_successors(struct store *st, const char *legacy_code, json_t **items)
{
	*items = NULL;
	if (!legacy_code || !*legacy_code)
		return STORE_NOT_FOUND;
	return store_units_db_successors(st, legacy_code, items);
}

int store_units_upsert(struct store *st, const struct unit_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (store_unit_row_check(&rows[i]) != 0)
			return STORE_INVALID;
	int rc = store_units_db_upsert(st, rows, n);
	if (rc == STORE_OK)
		store_units_bump(st);
	return rc;
}

uint64_t store_units_generation(struct store *st)
{
	int64_t now = clock_mono_ms();
	int64_t last = atomic_load(&st->units_checked_ms);

	/* At most once a second, one thread asks the database whether another
	 * process wrote units; everyone else reads the atomic. */
	if (now - last >= 1000 && pthread_mutex_trylock(&st->units_lock) == 0) {
		char *v = NULL;
		if (st->ops->meta_get(st->impl, STORE_META_UNITS_VERSION, &v) == STORE_OK) {
			const char *cur = v ? v : "";
			if (strcmp(cur, st->units_version) != 0) {
				snprintf(st->units_version, sizeof st->units_version, "%s", cur);
				store_units_bump(st);
			}
		}
		free(v);
		atomic_store(&st->units_checked_ms, now);
		pthread_mutex_unlock(&st->units_lock);
	}
	return atomic_load(&st->units_gen);
}

static const unsigned char *seed_file(const char *path, size_t *len)
{
	const struct builtin_file *f = builtin_find(path);
	if (!f)
		return NULL;
	*len = f->len;
	return f->data;
}

int store_units_seed_version(char *out, size_t outlen)
{
	const char *paths[] = {SEED_UNITS, SEED_SUCC};
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < 2; i++) {
		size_t len;
		const unsigned char *d = seed_file(paths[i], &len);
		if (!d)
			return -1;
		for (size_t j = 0; j < len; j++) {
			h ^= d[j];
			h *= 1099511628211ULL;
		}
		h ^= 0xff; /* file separator */
		h *= 1099511628211ULL;
	}
	snprintf(out, outlen, "fnv1a64-%016llx", (unsigned long long)h);
	return 0;
}

/* Splits a line in place at tabs into at most max fields; returns the count. */
static int seed_split(char *line, char **f, int max)
{
	int n = 0;
	f[n++] = line;
	for (char *p = line; *p; p++) {
		if (*p == '\t') {
			*p = '\0';
			if (n == max)
				return max + 1;
			f[n++] = p + 1;
		}
	}
	return n;
}

static double seed_num(const char *s)
{
	if (!*s)
		return NAN;
	char *end;
	double v = strtod(s, &end);
	return *end || !isfinite(v) ? NAN : v;
}

/* Parses a seed TSV copy in place: calls fn for every data line split into
 * exactly nf fields. Returns -1 on a malformed line. */
static int seed_lines(char *text, int nf, int (*fn)(char **f, void *arg), void *arg)
{
	char *line = text, *f[16];
	int lineno = 0;

	while (line && *line) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		if (*line && *line != '#') {
			if (seed_split(line, f, nf) != nf || fn(f, arg) != 0) {
				log_error("store: seed line %d malformed", lineno);
				return -1;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

struct seed_acc {
	struct unit_row *rows;
	size_t n, cap;
	struct store_succ *succ;
	size_t nsucc, capsucc;
};

static int seed_unit_line(char **f, void *arg)
{
	struct seed_acc *a = arg;
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16384;
		a->rows = xrealloc(a->rows, a->cap * sizeof *a->rows);
	}
	struct unit_row *r = &a->rows[a->n];
	r->scheme = f[0];
	r->level = f[1];
	r->code = f[2];
	r->parent = *f[3] ? f[3] : NULL;
	r->type = f[4];
	r->name = f[5];
	r->lat = seed_num(f[6]);
	r->lon = seed_num(f[7]);
	r->area_km2 = seed_num(f[8]);
	r->population = *f[9] ? strtoll(f[9], NULL, 10) : -1;
	if (store_unit_row_check(r) != 0)
		return -1;
	a->n++;
	return 0;
}

static int seed_succ_line(char **f, void *arg)
{
	struct seed_acc *a = arg;
	if (!*f[0] || !*f[1])
		return -1;
	if (a->nsucc == a->capsucc) {
		a->capsucc = a->capsucc ? a->capsucc * 2 : 16384;
		a->succ = xrealloc(a->succ, a->capsucc * sizeof *a->succ);
	}
	a->succ[a->nsucc].legacy_code = f[0];
	a->succ[a->nsucc].new_code = f[1];
	a->nsucc++;
	return 0;
}

int store_units_seed(struct store *st, int *loaded)
{
	char version[40], *have = NULL, *units_txt = NULL, *succ_txt = NULL;
	struct seed_acc acc = {0};
	const unsigned char *d;
	long long count = 0;
	size_t len = 0;
	int rc = STORE_ERROR;

	if (loaded)
		*loaded = 0;
	if (store_units_seed_version(version, sizeof version) != 0) {
		log_error("store: the unit seed is not embedded in this binary");
		return STORE_ERROR;
	}
	if (st->ops->meta_get(st->impl, STORE_META_UNITS_SEED, &have) != STORE_OK)
		goto fail;
	if (store_units_db_count(st, &count) != STORE_OK)
		goto fail;
	if (count > 0 && have && strcmp(have, version) == 0) {
		rc = STORE_OK;
		goto fail; /* nothing to do */
	}
	if (!(d = seed_file(SEED_UNITS, &len)))
		goto fail;
	units_txt = xstrndup((const char *)d, len);
	if (!(d = seed_file(SEED_SUCC, &len)))
		goto fail;
	succ_txt = xstrndup((const char *)d, len);
	if (seed_lines(units_txt, 10, seed_unit_line, &acc) != 0 ||
	    seed_lines(succ_txt, 2, seed_succ_line, &acc) != 0)
		goto fail;
	rc = store_units_db_seed(st, acc.rows, acc.n, acc.succ, acc.nsucc, version);
	if (rc != STORE_OK)
		goto fail;
	store_units_bump(st);
	if (loaded)
		*loaded = (int)acc.n;
	log_info("store: seeded %zu units, %zu successor pairs (%s)", acc.n, acc.nsucc, version);
fail:
	free(have);
	free(units_txt);
	free(succ_txt);
	free(acc.rows);
	free(acc.succ);
	return rc;
}

/* ---- shared helpers ------------------------------------------------- */

static int str_in(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (s && strcmp(s, *set) == 0)
			return 1;
	return 0;
}

static int code_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 16)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
			return 0;
	}
	return 1;
}

int store_unit_row_check(const struct unit_row *r)
{
	static const char *const schemes[] = {"2025", "legacy", NULL};
	static const char *const levels[] = {"province", "district", "commune", NULL};

	if (!str_in(r->scheme, schemes) || !str_in(r->level, levels) || !code_ok(r->code))
		return -1;
	if (!r->name || !*r->name || strlen(r->name) > 200 || !r->type || !*r->type ||
	    strlen(r->type) > 64)
		return -1;
	if (strcmp(r->level, "province") == 0) {
		if (r->parent && *r->parent)
			return -1;
	} else if (!code_ok(r->parent)) {
		return -1;
	}
	if (strcmp(r->scheme, "2025") == 0 && strcmp(r->level, "district") == 0)
		return -1; /* the 2025 scheme has two levels */
	return 0;
}

char *store_unit_name_core(const char *name, const char *type)
{
	size_t tl = type ? strlen(type) : 0;
	if (tl && strncmp(name, type, tl) == 0 && name[tl] == ' ')
		name += tl + 1;
	return fold_dup(name);
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *store_cursor_encode(const struct store_unit_key *key)
{
	char *plain = xasprintf("u1|%d|%d|%s|%s", key->scheme_ord, key->match_ord,
				key->name_core, key->code);
	const unsigned char *p = (const unsigned char *)plain;
	size_t n = strlen(plain);
	struct buf b = {0};

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		buf_putc(&b, b64url[(v >> 18) & 63]);
		buf_putc(&b, b64url[(v >> 12) & 63]);
		if (i + 1 < n)
			buf_putc(&b, b64url[(v >> 6) & 63]);
		if (i + 2 < n)
			buf_putc(&b, b64url[v & 63]);
	}
	free(plain);
	return buf_take(&b);
}

static int b64url_val(char c)
{
	const char *p = c ? strchr(b64url, c) : NULL;
	return p ? (int)(p - b64url) : -1;
}

int store_cursor_decode(const char *cursor, struct store_unit_key *key)
{
	size_t n = cursor ? strlen(cursor) : 0;
	struct buf b = {0};
	char *plain = NULL, *f[6];
	int nf = 0;

	memset(key, 0, sizeof *key);
	if (n == 0 || n > 400 || n % 4 == 1)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		uint32_t v = 0;
		size_t k;
		for (k = 0; k < 4 && i + k < n; k++) {
			int x = b64url_val(cursor[i + k]);
			if (x < 0)
				goto fail;
			v |= (uint32_t)x << (18 - 6 * k);
		}
		buf_putc(&b, (char)(v >> 16));
		if (k > 2)
			buf_putc(&b, (char)(v >> 8));
		if (k > 3)
			buf_putc(&b, (char)v);
	}
	plain = buf_take(&b);
	if (strlen(plain) != (n / 4) * 3 + (n % 4 ? n % 4 - 1 : 0))
		goto fail; /* embedded NUL */
	f[nf++] = plain;
	for (char *p = plain; *p; p++) {
		if (*p == '|') {
			if (nf == 5)
				goto fail;
			*p = '\0';
			f[nf++] = p + 1;
		}
	}
	if (nf != 5 || strcmp(f[0], "u1") != 0)
		goto fail;
	if (strlen(f[1]) != 1 || f[1][0] < '0' || f[1][0] > '1')
		goto fail;
	if (strlen(f[2]) != 1 || f[2][0] < '0' || f[2][0] > '2')
		goto fail;
	for (const char *p = f[3]; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == ' '))
			goto fail;
	if (!code_ok(f[4]))
		goto fail;
	key->scheme_ord = f[1][0] - '0';
	key->match_ord = f[2][0] - '0';
	key->name_core = xstrdup(f[3]);
	key->code = xstrdup(f[4]);
	free(plain);
	return 0;
fail:
	buf_free(&b);
	free(plain);
	return -1;
}
