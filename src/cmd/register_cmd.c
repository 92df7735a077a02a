/* The register's commands:
 *   pccc import houses|facilities|residents FILE   (called from import.c)
 *   pccc generate [--houses N] [--facilities M] [--residents R]
 *                 [--inspections K] [--csv FILE] [--seed S] [flags]
 * Imports read CSV or XLSX, check every row and write all rows or none
 * (residents: population data, bad rows listed and skipped), then add one
 * audit entry with the file's hash. Large house files are checked by a
 * second thread part by part while the parts already checked are written. The generator builds a synthetic city
 * inside Hà Nội's 126 real communes for benchmarks: houses of every type on
 * generated streets, residents with encrypted ID numbers, facilities and
 * a year of inspections, all in one transaction; with --csv it writes N
 * houses as an import file instead (the import benchmark's input). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "app.h"
#include "auth/audit.h"
#include "auth/pii.h"
#include "cmd/cmd.h"
#include "cmd/register_cmd.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "register/compliance.h"
#include "register/facility.h"
#include "register/house.h"
#include "register/houseid.h"
#include "register/importer.h"
#include "store/db.h"
#include "store/register.h"

static int read_all(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = {0};
	char tmp[65536];
	size_t n;
	if (!f)
		return -1;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
		buf_append(&b, tmp, n);
		if (b.len > (1u << 30)) {
			fclose(f);
			buf_free(&b);
			errno = EFBIG;
			return -1;
		}
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		buf_free(&b);
		return -1;
	}
	*len = b.len;
	if (!b.data)
		buf_append(&b, "", 0);
	*out = buf_take(&b);
	return 0;
}

/* CPU time of this process in ms (user + system): the benchmark reports
 * it next to the wall-clock rate, since the machine may be shared. */
static long long cpu_ms(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

static void print_row_errors(json_t *errors)
{
	size_t i;
	json_t *e;
	json_array_foreach(errors, i, e) {
		json_t *row = json_object_get(e, "row");
		const char *col = json_string_value(json_object_get(e, "column"));
		const char *msg = json_string_value(json_object_get(e, "message"));
		if (json_is_integer(row))
			fprintf(stderr, "dòng %lld%s%s: %s\n", (long long)json_integer_value(row),
				col ? ", cột " : "", col ? col : "", msg ? msg : "");
		else
			fprintf(stderr, "%s\n", msg ? msg : "");
	}
}

/* ---- houses in parts: one thread checks, the other writes --------------- */

/* A sheet of at least 2 parts is imported in parts: a reader thread turns
 * rows into checked records part after part while this thread writes the
 * parts already checked (the machine has 2 cores; checking is about a
 * third of the work). All rows or none still: once a part has an error
 * nothing more is written, the errors of every part are gathered (in row
 * order, as import_sheet reports them) and the transaction is rolled
 * back. PCCC_IMPORT_PART_ROWS sets the part size (tests use small ones). */
#define IMPORT_PART_ROWS 16384

struct import_part {
	json_t *rows, *errors;
	struct houses_prepared *pp; /* rows prepared for the writer */
	int rc;
};

struct import_pipe {
	const struct sheet *sh;
	const struct import_spec *spec;
	struct houses_import *hi;    /* NULL: nothing prepared */
	size_t part_rows, nparts, ready;
	size_t done;                 /* parts the writer is finished with */
	size_t freed;                /* of those, parts the reader freed */
	struct import_part *parts;
	long long cpu_ms;            /* the reader's CPU time */
	pthread_mutex_t lock;
	pthread_cond_t cond, cond_done;
};

/* The checking thread stays at most this many parts ahead of the writer,
 * and frees the parts the writer is finished with itself: their memory
 * is then reused for the next parts (rather than new pages, each a page
 * fault), and freed by the thread that made it (cheaper than by another
 * thread). */
#define IMPORT_AHEAD 2

static void part_free(struct import_part *part)
{
	json_decref(part->rows);
	store_houses_prepared_free(part->pp);
	part->rows = NULL;
	part->pp = NULL;
}

static long long thread_cpu_ms(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_THREAD, &ru) != 0)
		return 0;
	return (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

static void *pipe_reader(void *arg)
{
	struct import_pipe *p = arg;
	int failed = 0;
	for (size_t i = 0; i < p->nparts; i++) {
		struct import_part part = {0};
		size_t from = i * p->part_rows, done;
		pthread_mutex_lock(&p->lock);
		while (i >= p->done + IMPORT_AHEAD)
			pthread_cond_wait(&p->cond_done, &p->lock);
		done = p->done;
		pthread_mutex_unlock(&p->lock);
		for (; p->freed < done; p->freed++)
			part_free(&p->parts[p->freed]);
		part.rc = import_sheet_part(p->sh, p->spec, from, from + p->part_rows, &part.rows,
					    &part.errors);
		failed |= part.rc != 0;
		/* the store's work before the INSERTs, here rather than in
		 * the writer (nothing more is written after a bad part) */
		if (!failed && p->hi)
			store_houses_import_prepare(p->hi, part.rows, &part.pp);
		pthread_mutex_lock(&p->lock);
		p->parts[i] = part;
		p->ready = i + 1;
		if (i + 1 == p->nparts)
			p->cpu_ms = thread_cpu_ms();
		pthread_cond_signal(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

/* Appends a part's errors to all (keeping import_error_add's limit). */
static void errors_merge(json_t *all, json_t *part)
{
	size_t i;
	json_t *e;
	json_array_foreach(part, i, e) {
		if (json_array_size(all) > IMPORT_MAX_ERRORS)
			return;
		json_t *row = json_object_get(e, "row");
		import_error_add(all, json_is_integer(row) ? (int)json_integer_value(row) : 0,
				 json_string_value(json_object_get(e, "column")),
				 json_string_value(json_object_get(e, "field")),
				 json_string_value(json_object_get(e, "message")));
	}
}

static size_t part_rows(void)
{
	const char *v = getenv("PCCC_IMPORT_PART_ROWS");
	long n = v ? strtol(v, NULL, 10) : 0;
	return n >= 1 && n <= 1000000 ? (size_t)n : IMPORT_PART_ROWS;
}

/* Houses of sh in parts. 0 written (*written rows), 1 row errors (in
 * *errors), -1 a write failure (the failing row in report). *t_read and
 * *c_read: when the last part was checked, the reader's CPU time. The
 * reader frees the parts written (see IMPORT_AHEAD); the records of the
 * last ones go into keep, for the caller to free at its very end: freed
 * here, by another thread than the one that made them, they cost the
 * writer time (malloc arenas). */
static int import_houses_parts(struct app *app, const struct sheet *sh,
			       const struct import_spec *spec, json_t **errors, json_t *report,
			       json_t *keep, size_t *written, int64_t *t_read, long long *c_read)
{
	struct import_pipe p = {.sh = sh, .spec = spec, .part_rows = part_rows()};
	struct houses_import *hi = NULL;
	pthread_t th;
	int rowerr = 0, bad = 0;

	*errors = json_array();
	*written = 0;
	p.nparts = (sh->nrows + p.part_rows - 1) / p.part_rows;
	p.parts = xcalloc(p.nparts, sizeof *p.parts);
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	pthread_cond_init(&p.cond_done, NULL);
	json_object_seed(0); /* before a second thread makes objects */
	bad = store_houses_import_begin(app->store, NULL, sh->nrows, &hi) != STORE_OK;
	p.hi = hi;
	if (pthread_create(&th, NULL, pipe_reader, &p) != 0) {
		if (hi)
			store_houses_import_end(hi, 0);
		pthread_mutex_destroy(&p.lock);
		pthread_cond_destroy(&p.cond);
		pthread_cond_destroy(&p.cond_done);
		free(p.parts);
		return -1;
	}
	for (size_t i = 0; i < p.nparts; i++) {
		pthread_mutex_lock(&p.lock);
		while (p.ready <= i)
			pthread_cond_wait(&p.cond, &p.lock);
		struct import_part part = p.parts[i];
		pthread_mutex_unlock(&p.lock);
		if (i + 1 == p.nparts)
			*t_read = clock_mono_ms();
		if (part.rc != 0) {
			rowerr = 1;
			errors_merge(*errors, part.errors);
		} else if (!rowerr && !bad) {
			if (store_houses_import_add_prepared(hi, part.pp, report) != STORE_OK)
				bad = 1;
			else
				*written += json_array_size(part.rows);
		}
		json_decref(part.errors);
		pthread_mutex_lock(&p.lock);
		p.parts[i].errors = NULL;
		p.done = i + 1;
		pthread_cond_signal(&p.cond_done);
		pthread_mutex_unlock(&p.lock);
	}
	pthread_join(th, NULL);
	/* the parts the reader did not free: after the end, by the caller */
	for (size_t i = p.freed; i < p.nparts; i++) {
		if (p.parts[i].rows)
			json_array_append(keep, p.parts[i].rows);
		json_decref(p.parts[i].rows);
		p.parts[i].rows = NULL;
	}
	*c_read = p.cpu_ms;
	if (!rowerr && !bad && *written == 0) {
		import_error_add(*errors, 0, NULL, NULL, "Tệp không có dòng dữ liệu / the file has "
							 "no data rows");
		rowerr = 1;
	}
	if (hi && store_houses_import_end(hi, !rowerr && !bad) != STORE_OK && !rowerr)
		bad = 1;
	for (size_t i = p.freed; i < p.nparts; i++)
		store_houses_prepared_free(p.parts[i].pp);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.cond);
	pthread_cond_destroy(&p.cond_done);
	free(p.parts);
	return rowerr ? 1 : bad ? -1 : 0;
}

static const char *const house_extra[][2] = {{"id", "Mã định danh nhà"}, {NULL, NULL}};

static const char *house_label(const char *id)
{
	return house_type_vi(id);
}

static const char *fac_label(const char *id)
{
	const char *vi = facility_category_vi(id);
	return vi ? vi : facility_system_vi(id);
}

static const struct rec_field resident_fields[] = {
	{"cccd", REC_TEXT, 0, 20, NULL, REC_REQUIRED, "Số định danh cá nhân", "Personal ID number"},
	{"name", REC_TEXT, 0, 200, NULL, REC_REQUIRED, "Họ và tên", "Full name"},
	{"house_id", REC_TEXT, 0, 32, NULL, REC_REQUIRED, "Mã định danh nhà", "House ID"},
	{"role", REC_ENUM, 0, 0, "head|member", 0, "Quan hệ với chủ hộ", "Relation to head"},
	{"phone", REC_TEXT, 0, 20, NULL, 0, "Số điện thoại", "Phone"},
	{"birth_year", REC_INT, 1900, 2100, NULL, 0, "Năm sinh", "Birth year"},
	{"household", REC_TEXT, 0, 30, NULL, 0, "Số hộ", "Household code"},
	{0},
};

static const char *role_label(const char *id)
{
	return strcmp(id, "head") == 0 ? "Chủ hộ" : strcmp(id, "member") == 0 ? "Thành viên" : NULL;
}

static int resident_check(json_t *body, int create, struct rec_error *e)
{
	char c[PII_CCCD_BUF];
	if (rec_check(resident_fields, body, create, e) != 0)
		return -1;
	if (pii_cccd_normalize(json_string_value(json_object_get(body, "cccd")), c) != 0)
		return rec_fail(e, "cccd", "Số định danh cá nhân phải gồm 12 chữ số",
				"The personal ID number must be 12 digits");
	return 0;
}

int register_import_cmd(struct app *app, const char *kind, const char *path)
{
	struct import_spec specs[] = {
		{house_fields, house_check, house_label, house_extra},
		{facility_fields, facility_check, fac_label, NULL},
		{resident_fields, resident_check, role_label, NULL},
	};
	int k = strcmp(kind, "houses") == 0 ? 0 : strcmp(kind, "facilities") == 0 ? 1
					     : strcmp(kind, "residents") == 0	   ? 2
										   : -1;
	char *data = NULL, err[256];
	size_t len = 0;
	struct sheet sh = {0};
	json_t *rows = NULL, *errors = NULL, *report = json_array();
	int rc = 1;
	int64_t t0 = clock_mono_ms();
	long long c0 = cpu_ms();

	if (k < 0) {
		json_decref(report);
		return -2;
	}
	if (read_all(path, &data, &len) != 0) {
		fprintf(stderr, "pccc: không đọc được tệp %s / cannot read file: %s\n", path,
			strerror(errno));
		goto done;
	}
	if (sheet_read(data, len, &sh, err, sizeof err) != 0) {
		fprintf(stderr, "pccc: %s\n", err);
		goto done;
	}
	if (k == 0 && sh.nrows > part_rows()) {
		size_t n = 0;
		int64_t t1 = 0;
		long long c1 = 0;
		rows = json_array();
		int prc = import_houses_parts(app, &sh, &specs[0], &errors, report, rows, &n, &t1,
					      &c1);
		if (prc == 1) {
			print_row_errors(errors);
			fprintf(stderr, "pccc: không nhập gì vì tệp có lỗi / nothing imported: the file "
					"has errors\n");
			goto done;
		}
		if (prc != 0) {
			print_row_errors(report);
			fprintf(stderr, "pccc: ghi thất bại, không nhập gì / writing failed, nothing "
					"imported (%d)\n", STORE_ERROR);
			goto done;
		}
		int64_t t2 = clock_mono_ms();
		audit_log_import(app, kind, path, data, len, n);
		long long c2 = cpu_ms();
		/* read: until the last part was checked, and the checking
		 * thread's CPU time; write: the rest */
		printf("Đã nhập %zu dòng / imported %zu rows (đọc/read %lld ms, ghi/write %lld ms, "
		       "%.0f dòng/s rows/s; CPU đọc/read %lld ms, ghi/write %lld ms, %.0f dòng/s CPU)\n",
		       n, n, (long long)(t1 - t0), (long long)(t2 - t1),
		       t2 > t0 ? (double)n * 1000.0 / (double)(t2 - t0) : 0.0, c1,
		       c2 - c0 - c1, c2 > c0 ? (double)n * 1000.0 / (double)(c2 - c0) : 0.0);
		rc = 0;
		goto done;
	}
	/* the sheet is freed at the end: freeing its millions of cells here
	 * would leave the allocator's free lists fragmented for the writes */
	int prc = import_sheet(&sh, &specs[k], &rows, &errors);
	if (prc != 0 && k != 2) {
		print_row_errors(errors);
		fprintf(stderr, "pccc: không nhập gì vì tệp có lỗi / nothing imported: the file has "
				"errors\n");
		goto done;
	}
	int64_t t1 = clock_mono_ms();
	long long c1 = cpu_ms();
	size_t n = json_array_size(rows), written = n;
	int src;
	if (k == 0) {
		src = store_houses_import(app->store, NULL, rows, report);
	} else if (k == 1) {
		src = store_facilities_import(app->store, NULL, rows, report);
	} else {
		struct pii_keys keys;
		if (prc != 0) {
			print_row_errors(errors);
			fprintf(stderr, "pccc: các dòng trên bị bỏ qua / the rows above were skipped "
					"(sửa rồi nhập lại / fix and import them again)\n");
			goto done;
		}
		if (pii_key_load_or_create(app->cfg.data, &keys) != 0) {
			fprintf(stderr, "pccc: không đọc được khóa dữ liệu cá nhân / cannot load the "
					"personal-data key\n");
			goto done;
		}
		json_decref(report);
		report = json_array();
		src = store_residents_import(app->store, NULL, &keys, rows, report, &written);
		pii_keys_wipe(&keys);
		print_row_errors(report);
	}
	if (src != STORE_OK) {
		print_row_errors(report);
		fprintf(stderr, "pccc: ghi thất bại, không nhập gì / writing failed, nothing imported "
				"(%d)\n", src);
		goto done;
	}
	int64_t t2 = clock_mono_ms();
	audit_log_import(app, kind, path, data, len, written);
	long long c2 = cpu_ms();
	printf("Đã nhập %zu dòng / imported %zu rows (đọc/read %lld ms, ghi/write %lld ms, "
	       "%.0f dòng/s rows/s; CPU đọc/read %lld ms, ghi/write %lld ms, %.0f dòng/s CPU)\n",
	       written, written, (long long)(t1 - t0), (long long)(t2 - t1),
	       t2 > t0 ? (double)written * 1000.0 / (double)(t2 - t0) : 0.0, c1 - c0, c2 - c1,
	       c2 > c0 ? (double)written * 1000.0 / (double)(c2 - c0) : 0.0);
	rc = 0;
done:
	sheet_free(&sh);
	json_decref(rows);
	json_decref(errors);
	json_decref(report);
	free(data);
	return rc;
}

/* ---- generate ------------------------------------------------------------------- */

struct gen_rng {
	unsigned long long s;
};

static unsigned grnd(struct gen_rng *g, unsigned n)
{
	g->s = g->s * 6364136223846793005ULL + 1442695040888963407ULL;
	return n ? (unsigned)((g->s >> 33) % n) : 0;
}

static const char *const street_names[] = {
	"Phố Nguyễn Trãi", "Phố Láng", "Phố Kim Mã", "Phố Đội Cấn", "Phố Giải Phóng",
	"Phố Minh Khai", "Phố Tôn Đức Thắng", "Phố Xã Đàn", "Phố Trường Chinh", "Phố Lạc Long Quân",
	"Phố Hoàng Quốc Việt", "Phố Cầu Giấy", "Phố Nguyễn Văn Cừ", "Phố Ngọc Lâm",
	"Phố Tam Trinh", "Phố Lĩnh Nam", "Đường Quang Trung", "Đường Phúc La", "Phố Văn Cao",
	"Phố Trần Khát Chân", "Phố Lê Trọng Tấn", "Phố Khâm Thiên", "Đường Âu Cơ", "Phố Bạch Mai",
};
#define NSTREETS (sizeof street_names / sizeof street_names[0])

static const char *const gen_types[] = {"tube_house", "tube_house", "tube_house", "detached_house",
					"mini_apartment", "boarding_house", "home_business",
					"apartment", "apartment", "other"};

struct gen_unit {
	char code[8];
	double lat, lon;
};

static int load_units(struct app *app, struct gen_unit **out, size_t *n)
{
	struct db_stmt *s = db_prepare(app->store, "SELECT code, lat, lon FROM units WHERE scheme = "
						   "'2025' AND level = 'commune' AND parent = '01' "
						   "ORDER BY code");
	if (!s)
		return -1;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 128;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		struct gen_unit *u = &(*out)[(*n)++];
		snprintf(u->code, sizeof u->code, "%s", db_col_text(s, 0));
		u->lat = db_col_is_null(s, 1) ? 21.03 : db_col_double(s, 1);
		u->lon = db_col_is_null(s, 2) ? 105.85 : db_col_double(s, 2);
	}
	db_finish(s);
	return rc == DB_DONE && *n ? 0 : -1;
}

static json_t *gen_house(struct gen_rng *g, const struct gen_unit *u)
{
	const char *type = gen_types[grnd(g, 10)];
	int mini = strcmp(type, "mini_apartment") == 0, apt = strcmp(type, "apartment") == 0;
	int floors = mini ? 5 + (int)grnd(g, 6) : apt ? 10 + (int)grnd(g, 25) : 1 + (int)grnd(g, 5);
	int occ = mini ? 30 + (int)grnd(g, 90) : 1 + (int)grnd(g, 9);
	int barred = grnd(g, 3) != 0;
	int exits = 1 + (grnd(g, 3) == 0);
	char num[16], alley[40];
	snprintf(num, sizeof num, "%u", 1 + grnd(g, 400));
	json_t *h = json_pack("{s:s,s:s,s:s,s:f,s:f,s:s,s:i,s:i,s:b,s:b,s:b,s:i,s:i,s:i}", "unit",
			      u->code, "street", street_names[grnd(g, NSTREETS)], "house_number",
			      num, "lat", u->lat + ((double)grnd(g, 4000) - 2000) / 100000.0, "lon",
			      u->lon + ((double)grnd(g, 4000) - 2000) / 100000.0, "house_type", type,
			      "floors", floors, "exits", exits, "second_escape", exits > 1,
			      "barred_windows", barred, "escape_hatch", barred && grnd(g, 2),
			      "occupants", occ, "extinguishers", (int)grnd(g, 4), "year_built",
			      1970 + (int)grnd(g, 54));
	if (grnd(g, 2)) {
		snprintf(alley, sizeof alley, "Ngõ %u", 1 + grnd(g, 500));
		json_object_set_new(h, "alley", json_string(alley));
	}
	return h;
}

static int gen_csv(const char *path, size_t n, struct gen_unit *units, size_t nunits,
		   struct gen_rng *g)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "pccc: không ghi được %s / cannot write: %s\n", path, strerror(errno));
		return 1;
	}
	fputs("Mã xã/phường,Đường/phố,Ngõ/ngách/hẻm,Số nhà,Loại nhà,Số tầng,Số lối thoát nạn,"
	      "Có chuồng cọp,Số người ở,Vĩ độ,Kinh độ\n",
	      f);
	for (size_t i = 0; i < n; i++) {
		json_t *h = gen_house(g, &units[grnd(g, (unsigned)nunits)]);
		const char *alley = json_string_value(json_object_get(h, "alley"));
		fprintf(f, "%s,%s,%s,%s,\"%s\",%lld,%lld,%s,%lld,%.5f,%.5f\n",
			json_string_value(json_object_get(h, "unit")),
			json_string_value(json_object_get(h, "street")), alley ? alley : "",
			json_string_value(json_object_get(h, "house_number")),
			house_type_vi(json_string_value(json_object_get(h, "house_type"))),
			(long long)json_integer_value(json_object_get(h, "floors")),
			(long long)json_integer_value(json_object_get(h, "exits")),
			json_is_true(json_object_get(h, "barred_windows")) ? "có" : "không",
			(long long)json_integer_value(json_object_get(h, "occupants")),
			json_real_value(json_object_get(h, "lat")),
			json_real_value(json_object_get(h, "lon")));
		json_decref(h);
	}
	if (fclose(f) != 0)
		return 1;
	printf("Đã ghi %zu nhà vào %s / wrote %zu houses\n", n, path, n);
	return 0;
}

static void generate_usage(void)
{
	fprintf(stderr,
		"cách dùng / usage: pccc generate [--houses N] [--facilities M] [--residents R]\n"
		"                   [--inspections K] [--csv FILE] [--seed S] [--db PATH] [--data DIR]\n"
		"  --houses N        nhà / houses (mặc định / default 10000; Hà Nội: 2500000)\n"
		"  --facilities M    cơ sở / facilities (default houses/16; Hà Nội: 160000)\n"
		"  --residents R     cư dân / residents (default 3.5 × houses; Hà Nội: 8800000)\n"
		"  --inspections K   lượt kiểm tra trong năm / inspections over a year (default "
		"houses/10)\n"
		"  --csv FILE        chỉ ghi tệp CSV nhà để nhập / only write a houses CSV to import\n");
}

static long long flag_num(const char *v)
{
	char *end;
	long long x = v ? strtoll(v, &end, 10) : -1;
	return v && *v && !*end && x >= 0 && x <= 100000000 ? x : -1;
}

int cmd_generate(int argc, char **argv)
{
	long long nh = 10000, nf = -1, nr = -1, ni = -1, seed = 1;
	const char *csv = NULL;
	char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
	int nrest = 0, rc = 1;
	struct app app;
	struct gen_unit *units = NULL;
	size_t nunits = 0;

	rest[nrest++] = argv[0];
	for (int i = 1; i < argc; i++) {
		long long *dst = strcmp(argv[i], "--houses") == 0	   ? &nh
				 : strcmp(argv[i], "--facilities") == 0  ? &nf
				 : strcmp(argv[i], "--residents") == 0   ? &nr
				 : strcmp(argv[i], "--inspections") == 0 ? &ni
				 : strcmp(argv[i], "--seed") == 0	   ? &seed
									   : NULL;
		if (dst || strcmp(argv[i], "--csv") == 0) {
			if (i + 1 >= argc) {
				generate_usage();
				free(rest);
				return 2;
			}
			if (!dst) {
				csv = argv[++i];
				continue;
			}
			if ((*dst = flag_num(argv[++i])) < 0) {
				generate_usage();
				free(rest);
				return 2;
			}
			continue;
		}
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			generate_usage();
			free(rest);
			return 0;
		}
		rest[nrest++] = argv[i];
	}
	if (nf < 0)
		nf = nh / 16;
	if (nr < 0)
		nr = nh * 7 / 2;
	if (ni < 0)
		ni = nh / 10;
	if (cmd_app_open(&app, nrest, rest, 1) != 0)
		goto out;
	if (load_units(&app, &units, &nunits) != 0) {
		fprintf(stderr, "pccc: không có xã/phường Hà Nội / no Hà Nội communes\n");
		goto out;
	}
	struct gen_rng g = {(unsigned long long)seed * 2654435761ULL + 7};
	if (csv) {
		rc = gen_csv(csv, (size_t)nh, units, nunits, &g);
		goto out;
	}
	struct pii_keys keys;
	if (pii_key_load_or_create(app.cfg.data, &keys) != 0)
		goto out;
	int64_t t0 = clock_mono_ms();
	if (store_register_begin_bulk(app.store) != STORE_OK)
		goto out_keys;
	int ok = 1;
	/* Houses in batches; their IDs kept for residents and inspections. */
	json_t *ids = json_array();
	const long long batch = 20000;
	for (long long done = 0; ok && done < nh; done += batch) {
		json_t *rows = json_array();
		for (long long i = done; i < nh && i < done + batch; i++)
			json_array_append_new(rows, gen_house(&g, &units[grnd(&g, (unsigned)nunits)]));
		json_t *got = json_array();
		ok = store_houses_import(app.store, NULL, rows, got) == STORE_OK;
		json_array_extend(ids, got);
		json_decref(got);
		json_decref(rows);
	}
	int64_t t1 = clock_mono_ms();
	size_t nids = json_array_size(ids);
	/* Residents: households of 1..5 people per house, heads first. */
	long long made = 0;
	for (size_t h = 0; ok && made < nr && nids; h++) {
		json_t *rows = json_array(), *rej = json_array();
		size_t wrote = 0;
		for (int k = 0; k < 2000 && made < nr; k++, h++) {
			const char *hid = json_string_value(json_array_get(ids, h % nids));
			int people = 1 + (int)grnd(&g, 5);
			for (int p = 0; p < people && made < nr; p++, made++) {
				char cccd[32], name[64];
				/* unique: the serial fills the last 8 digits */
				snprintf(cccd, sizeof cccd, "0010%08lld", made % 100000000LL);
				snprintf(name, sizeof name, "Cư dân %lld", made);
				json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:s}", "cccd", cccd,
								      "name", name, "house_id", hid,
								      "role", p ? "member" : "head"));
			}
		}
		h--;
		ok = store_residents_import(app.store, NULL, &keys, rows, rej, &wrote) == STORE_OK;
		json_decref(rows);
		json_decref(rej);
	}
	int64_t t2 = clock_mono_ms();
	/* Facilities. */
	size_t ncats;
	const struct facility_category *cats = facility_categories("105/2025", &ncats);
	for (long long done = 0; ok && done < nf; done += batch) {
		json_t *rows = json_array(), *got = json_array();
		for (long long i = done; i < nf && i < done + batch; i++) {
			const struct gen_unit *u = &units[grnd(&g, (unsigned)nunits)];
			char name[80], p1[16], p2[16], p3[16];
			snprintf(name, sizeof name, "Cơ sở %lld", i + 1);
			snprintf(p1, sizeof p1, "091%07u", grnd(&g, 10000000));
			snprintf(p2, sizeof p2, "098%07u", grnd(&g, 10000000));
			snprintf(p3, sizeof p3, "090%07u", grnd(&g, 10000000));
			json_array_append_new(
			    rows, json_pack("{s:s,s:s,s:s,s:[s,s,s],s:i,s:[s,s],s:b}", "category",
					    cats[grnd(&g, (unsigned)ncats)].id, "name", name, "unit",
					    u->code, "contacts", p1, p2, p3, "floors",
					    1 + (int)grnd(&g, 20), "systems", "fire_alarm",
					    "extinguishers", "transmitter_connected", grnd(&g, 3) == 0));
		}
		/* contacts as plain strings: normalise like the API does */
		size_t i;
		json_t *row;
		json_array_foreach(rows, i, row) {
			struct rec_error e;
			if (facility_check(row, 1, &e) != 0) {
				fprintf(stderr, "generate: %s %s\n", e.field, e.message);
				ok = 0;
			}
		}
		if (ok)
			ok = store_facilities_import(app.store, NULL, rows, got) == STORE_OK;
		json_decref(rows);
		json_decref(got);
	}
	int64_t t3 = clock_mono_ms();
	/* A year of inspections of houses. */
	size_t ndefs;
	const struct compliance_item_def *defs = compliance_catalogue(&ndefs);
	for (long long i = 0; ok && i < ni && nids; i++) {
		const char *hid = json_string_value(json_array_get(ids, grnd(&g, (unsigned)nids)));
		json_t *results = json_array(), *fail = json_array();
		for (size_t d = 0; d < ndefs; d++) {
			if (!(defs[d].applies & COMPLIANCE_TYPE_OTHER))
				continue;
			int f = grnd(&g, 8) == 0;
			int req = compliance_item_required(&defs[d], COMPLIANCE_TYPE_OTHER);
			json_array_append_new(results, json_pack("{s:s,s:s,s:b}", "code", defs[d].code,
								 "result", f ? "fail" : "pass",
								 "required", req));
			if (f && req)
				json_array_append_new(fail, json_string(defs[d].code));
		}
		char date[11];
		time_t t = (time_t)(clock_now_s() - (long long)grnd(&g, 365) * 86400);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
		json_t *insp = json_pack("{s:s,s:s,s:s,s:o,s:s,s:o}", "kind", "periodic", "date", date,
					 "inspector", "Bộ sinh dữ liệu", "results", results,
					 "compliance", json_array_size(fail) ? "khong_dam_bao" : "dam_bao",
					 "failing_items", fail),
		       *o = NULL;
		ok = store_inspection_add(app.store, NULL, "house", hid, insp, &o) == STORE_OK;
		json_decref(insp);
		json_decref(o);
	}
	json_decref(ids);
	if (store_register_end_bulk(app.store, ok) != STORE_OK)
		ok = 0;
	int64_t t4 = clock_mono_ms();
	if (!ok) {
		fprintf(stderr, "pccc: sinh dữ liệu thất bại, không ghi gì / generation failed, "
				"nothing written\n");
		goto out_keys;
	}
	printf("Đã sinh / generated: %zu nhà/houses (%lld ms), %lld cư dân/residents (%lld ms), "
	       "%lld cơ sở/facilities (%lld ms), %lld lượt kiểm tra/inspections (%lld ms)\n",
	       nids, (long long)(t1 - t0), made, (long long)(t2 - t1), nf, (long long)(t3 - t2), ni,
	       (long long)(t4 - t3));
	rc = 0;
out_keys:
	pii_keys_wipe(&keys);
out:
	free(units);
	cmd_app_close(&app);
	free(rest);
	return rc;
}
