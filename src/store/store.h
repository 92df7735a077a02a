/* The store: every read and write of persistent data goes through these
 * functions. A store is a backend (struct store_ops: SQLite in sqlite.c,
 * PostgreSQL later in pg.c) behind one interface, as OpenSMTPD does with
 * struct table_backend. Reads return jansson values the caller owns
 * (json_decref), already shaped as the API shows them.
 *
 * Return codes: STORE_OK (0), or a negative enum store_err. */
#ifndef PCCC_STORE_STORE_H
#define PCCC_STORE_STORE_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum store_err {
	STORE_OK = 0,
	STORE_ERROR = -1,     /* backend failure, logged */
	STORE_NOT_FOUND = -2,
	STORE_CONFLICT = -3,  /* unique key taken */
	STORE_INVALID = -4,   /* input refused by a constraint */
};

struct store;

/* Opens "postgres://..." / "postgresql://..." with the PostgreSQL backend
 * (when built), anything else as a SQLite file path. Creates the file. */
int store_open(const char *url_or_path, struct store **out);
void store_close(struct store *st);
const char *store_backend_name(const struct store *st);
/* The database URL fit for logs and banners: a password in it
 * ("postgres://user:secret@host", "?password=secret") becomes "***".
 * Returns an allocated string (free it). */
char *store_url_redacted(const char *url);
/* Applies embedded migrations (sql/NNN_name.sql) not applied yet; *applied
 * receives how many ran (may be NULL). */
int store_migrate(struct store *st, int *applied);

/* Key/value metadata (seed versions etc.). *out is a heap string or NULL. */
int store_meta_get(struct store *st, const char *key, char **out);
int store_meta_set(struct store *st, const char *key, const char *value);

/* ---- administrative units ------------------------------------------ */
/* Unit JSON: {"code","scheme","name","type","level","parent","lat","lon",
 * "area_km2","population"} (null where unknown). Legacy communes also carry
 * "successors":[{"code","name"}]. scheme is "2025" or "legacy". */
struct unit_query {
	const char *q;          /* free text, folded by the store; NULL = any */
	const char *scheme;     /* NULL = both */
	const char *parent;     /* children of this code (in scheme); NULL = any */
	const char *level;      /* "province"|"district"|"commune"; NULL = any */
	int limit;              /* <= 0: no limit (exports) */
	const char *cursor;     /* from a previous next_cursor, or NULL */
};
int store_unit_get(struct store *st, const char *scheme, const char *code, json_t **out);
/* *items is a JSON array; *next_cursor a heap string or NULL at the end. */
int store_unit_list(struct store *st, const struct unit_query *q, json_t **items,
		    char **next_cursor);
/* 2025 units a legacy commune went into (array, maybe empty). */
int store_unit_successors(struct store *st, const char *legacy_code, json_t **items);
/* Seeds both schemes from the embedded seed when the units table is
 * empty or the seed version changed; *loaded = rows written. */
int store_units_seed(struct store *st, int *loaded);

/* One unit row for imports. */
struct unit_row {
	const char *scheme, *code, *name, *type, *level, *parent;
	double lat, lon, area_km2;  /* NAN when unknown */
	long long population;       /* -1 when unknown */
};
/* Upserts rows in one transaction (all or nothing). */
int store_units_upsert(struct store *st, const struct unit_row *rows, size_t n);
/* A number that changes whenever units are written (here, or by another
 * process on the same database: that is noticed within about a second).
 * Never the same for two different stores or contents, so caches of
 * rendered units compare it. Cheap: an atomic load nearly always. */
uint64_t store_units_generation(struct store *st);
/* The embedded seed's version (a hash of seed/units.tsv and
 * seed/unit_successors.tsv) into out (>= 32 bytes); -1 when absent. */
int store_units_seed_version(char *out, size_t outlen);

#endif
