/* Photos of an inspection: upload (raw image body), list and download
 * (see photos.h). The handler checks, in this order: the inspection
 * exists and its target is in the caller's scope with the capability the
 * target's inspections need (else 404, or 403 for a reader who may not
 * write), the item is one the inspection answered, then the body: empty
 * 400, too large 413, not a JPEG/PNG/WebP by its magic bytes 415. The
 * bytes are written once per content (temporary file, fsync, rename), the
 * metadata row is found or added, and a new photo is audited. */
#include "api/photos.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/register_api.h"
#include "app.h"
#include "auth/audit.h"
#include "auth/principal.h"
#include "auth/roles.h"
#include "core/arena.h"
#include "core/file.h"
#include "core/log.h"
#include "http/http.h"
#include "store/register.h"
#include "store/register_forms.h"
#include "store/register_photos.h"

const struct param_spec api_photo_add_params[] = {
	{.name = "id", .in = PARAM_IN_PATH, .type = PARAM_DIGITS, .required = 1, .max_len = 18,
	 .description = "inspection id"},
	{.name = "item", .type = PARAM_STRING, .required = 1, .max_len = 64,
	 .description = "condition item code the photo shows (one the inspection answered)"},
	{0},
};

const struct param_spec api_photo_list_params[] = {
	{.name = "id", .in = PARAM_IN_PATH, .type = PARAM_DIGITS, .required = 1, .max_len = 18,
	 .description = "inspection id"},
	{0},
};

const struct param_spec api_photo_get_params[] = {
	{.name = "id", .in = PARAM_IN_PATH, .type = PARAM_DIGITS, .required = 1, .max_len = 18,
	 .description = "inspection id"},
	{.name = "photo", .in = PARAM_IN_PATH, .type = PARAM_DIGITS, .required = 1, .max_len = 18,
	 .description = "photo id"},
	{0},
};

/* ---- pure helpers ------------------------------------------------------------- */

const char *photo_sniff_type(const void *data, size_t len)
{
	const unsigned char *p = data;
	static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	if (!p)
		return NULL;
	if (len >= 4 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "image/jpeg";
	if (len >= 16 && memcmp(p, png, sizeof png) == 0)
		return "image/png";
	if (len >= 16 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBPVP8", 7) == 0)
		return "image/webp";
	return NULL;
}

int photo_media_type_ok(const char *ct)
{
	static const char *const ok[] = {"image/jpeg", "image/png", "image/webp",
					 "application/octet-stream"};
	if (!ct)
		return 1;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	size_t n = strcspn(ct, "; \t");
	if (n == 0)
		return 1;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strlen(ok[i]) == n && strncasecmp(ct, ok[i], n) == 0)
			return 1;
	return 0;
}

static const char *type_ext(const char *ctype)
{
	if (!ctype)
		return NULL;
	if (strcmp(ctype, "image/jpeg") == 0)
		return "jpg";
	if (strcmp(ctype, "image/png") == 0)
		return "png";
	if (strcmp(ctype, "image/webp") == 0)
		return "webp";
	return NULL;
}

int photo_rel_path(const char *sha256, const char *ctype, char *out, size_t outlen)
{
	const char *ext = type_ext(ctype);
	if (!sha256 || !ext || strlen(sha256) != 64 ||
	    strspn(sha256, "0123456789abcdef") != 64)
		return -1;
	int n = snprintf(out, outlen, "photos/%.2s/%s.%s", sha256, sha256, ext);
	return n > 0 && (size_t)n < outlen ? 0 : -1;
}

/* ---- files -------------------------------------------------------------------- */

static int mkdir_one(const char *path)
{
	if (mkdir(path, 0750) == 0 || errno == EEXIST)
		return 0;
	log_error("photos: mkdir %s: %s", path, strerror(errno));
	return -1;
}

/* Stores the content at DIR/rel unless it is there already: a temporary
 * file next to it, fsync, rename, so a reader never sees half a photo. */
static int photo_file_put(struct req *r, const char *rel, const char *data, size_t len)
{
	const char *dir = r->app->cfg.data ? r->app->cfg.data : "data";
	char *path = arena_printf(r->arena, "%s/%s", dir, rel);
	struct stat sb;
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && (size_t)sb.st_size == len)
		return 0;
	if (mkdir_one(arena_printf(r->arena, "%s/photos", dir)) != 0 ||
	    mkdir_one(arena_printf(r->arena, "%s/%.9s", dir, rel)) != 0)
		return -1;
	if (file_put_atomic(path, data, len, 0640) != 0) {
		log_error("photos: write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Reads DIR/rel into the request arena. */
static int photo_file_get(struct req *r, const char *rel, char **data, size_t *len)
{
	const char *dir = r->app->cfg.data ? r->app->cfg.data : "data";
	char *path = arena_printf(r->arena, "%s/%s", dir, rel);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0 ||
	    (size_t)sb.st_size > PHOTO_MAX_BYTES) {
		close(fd);
		return -1;
	}
	size_t n = (size_t)sb.st_size;
	char *buf = arena_alloc(r->arena, n);
	int rc = file_read_all(fd, buf, n);
	close(fd);
	if (rc != 0)
		return -1;
	*data = buf;
	*len = n;
	return 0;
}

/* ---- access ------------------------------------------------------------------- */

static void insp_not_found(struct req *r, struct resp *out)
{
	http_reply_error(r, out, 404, "not_found",
			 "Không tìm thấy biên bản kiểm tra / Inspection not found", "id");
}

/* The inspection {id} if the caller may read it (write: may add photos);
 * replies and returns NULL otherwise. */
static json_t *inspection_for(struct req *r, struct resp *out, int write)
{
	json_t *insp = NULL, *target = NULL;
	long long id = req_param_int(r, "id", 0);
	int rc = store_form_inspection_get(r->app->store, id, &insp);
	if (rc == STORE_NOT_FOUND) {
		insp_not_found(r, out);
		return NULL;
	}
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, NULL);
		return NULL;
	}
	const char *tk = json_string_value(json_object_get(insp, "target_kind"));
	const char *tid = json_string_value(json_object_get(insp, "target_id"));
	int facility = tk && strcmp(tk, "facility") == 0;
	if (!r->who || !tid ||
	    !roles_grants(r->who->role, facility ? PERM_FACILITY_READ : PERM_HOUSE_READ)) {
		insp_not_found(r, out);
		goto fail;
	}
	rc = facility ? store_facility_get(r->app->store, api_reg_scope(r), tid, &target)
		      : store_house_get(r->app->store, api_reg_scope(r), tid, &target);
	json_decref(target);
	if (rc == STORE_NOT_FOUND) {
		insp_not_found(r, out);
		goto fail;
	}
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, NULL);
		goto fail;
	}
	if (!write)
		return insp;
	const char *kind = json_string_value(json_object_get(insp, "kind"));
	if (!roles_grants(r->who->role, facility ? PERM_FACILITY_WRITE : PERM_HOUSE_WRITE) ||
	    ((!kind || strcmp(kind, "self") != 0) && !roles_grants(r->who->role, PERM_INSPECT))) {
		http_reply_error(r, out, 403, "forbidden",
				 "Bạn không được thêm ảnh vào biên bản kiểm tra này / You may not add "
				 "photos to this inspection",
				 NULL);
		goto fail;
	}
	return insp;
fail:
	json_decref(insp);
	return NULL;
}

static int inspection_has_item(json_t *insp, const char *code)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(insp, "results"), i, it) {
		const char *c = json_string_value(json_object_get(it, "code"));
		if (c && strcmp(c, code) == 0)
			return 1;
	}
	return 0;
}

void api_photo_decorate(json_t *p)
{
	char url[96];
	snprintf(url, sizeof url, "/api/v1/inspections/%lld/photos/%lld",
		 (long long)json_integer_value(json_object_get(p, "inspection_id")),
		 (long long)json_integer_value(json_object_get(p, "id")));
	json_object_set_new(p, "url", json_string(url));
}

/* Replies for a store code of one photo (404 "photo", 500...): 1 when it
 * did, 0 for STORE_OK. */
static int photo_store_failed(struct req *r, struct resp *out, int rc)
{
	if (rc == STORE_NOT_FOUND)
		http_reply_error(r, out, 404, "not_found", "Không tìm thấy ảnh / Photo not found",
				 "photo");
	else if (rc != STORE_OK)
		api_reg_store_error(r, out, rc, NULL);
	return rc != STORE_OK;
}

/* ---- handlers ----------------------------------------------------------------- */

void api_inspection_photo_add(struct req *r, struct resp *out)
{
	json_t *insp = NULL, *photo = NULL;
	const char *item = req_param(r, "item");
	unsigned char hash[crypto_hash_sha256_BYTES];
	char sha[2 * crypto_hash_sha256_BYTES + 1], rel[PHOTO_PATH_MAX];
	int created = 0;

	if (!(insp = inspection_for(r, out, 1)))
		return;
	if (!item || !inspection_has_item(insp, item)) {
		http_reply_error(r, out, 400, "invalid_field",
				 "Hạng mục không có trong biên bản kiểm tra này / The inspection has "
				 "no answer for this item",
				 "item");
		goto done;
	}
	if (!r->body || r->body_len == 0) {
		http_reply_error(r, out, 400, "empty_body",
				 "Chưa có ảnh: nội dung gửi lên trống / No photo: the body is empty",
				 NULL);
		goto done;
	}
	if (r->body_len > PHOTO_MAX_BYTES) {
		http_reply_error(r, out, 413, "payload_too_large",
				 "Ảnh quá lớn (tối đa 8 MiB) / Photo too large (8 MiB at most)",
				 NULL);
		goto done;
	}
	const char *ctype = photo_sniff_type(r->body, r->body_len);
	if (!ctype || !photo_media_type_ok(req_header(r, "Content-Type"))) {
		http_reply_error(r, out, 415, "unsupported_media_type",
				 "Ảnh phải là tệp JPEG, PNG hoặc WebP / The photo must be a JPEG, "
				 "PNG or WebP image",
				 NULL);
		goto done;
	}
	crypto_hash_sha256(hash, (const unsigned char *)r->body, r->body_len);
	sodium_bin2hex(sha, sizeof sha, hash, sizeof hash);
	if (photo_rel_path(sha, ctype, rel, sizeof rel) != 0 ||
	    photo_file_put(r, rel, r->body, r->body_len) != 0) {
		http_reply_error(r, out, 500, "internal",
				 "Không lưu được ảnh / Could not store the photo", NULL);
		goto done;
	}
	long long iid = json_integer_value(json_object_get(insp, "id"));
	int rc = store_photo_add(r->app->store, iid, item, sha, ctype, (long long)r->body_len,
				 r->who->username, &photo, &created);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, NULL);
		goto done;
	}
	api_photo_decorate(photo);
	if (created) {
		char sid[32];
		snprintf(sid, sizeof sid, "%lld", iid);
		json_t *a = json_pack("{s:I,s:s,s:s,s:s,s:I}", "photo_id",
				      json_integer_value(json_object_get(photo, "id")), "item", item,
				      "content_type", ctype, "sha256", sha, "bytes",
				      (json_int_t)r->body_len);
		audit_log(r, "inspection.photo.add", "inspection", sid, a);
		json_decref(a);
	}
	out->no_cache = 1;
	http_reply_json(r, out, created ? 201 : 200, photo);
done:
	json_decref(insp);
}

void api_inspection_photo_list(struct req *r, struct resp *out)
{
	json_t *insp = inspection_for(r, out, 0), *items = NULL;
	if (!insp)
		return;
	int rc = store_photo_list(r->app->store, json_integer_value(json_object_get(insp, "id")),
				  &items);
	json_decref(insp);
	if (rc != STORE_OK) {
		api_reg_store_error(r, out, rc, NULL);
		return;
	}
	size_t i;
	json_t *p;
	json_array_foreach(items, i, p)
		api_photo_decorate(p);
	out->no_cache = 1;
	http_reply_list(r, out, items, NULL);
}

void api_inspection_photo_get(struct req *r, struct resp *out)
{
	json_t *insp = inspection_for(r, out, 0), *photo = NULL;
	char rel[PHOTO_PATH_MAX], *data = NULL;
	size_t len = 0;
	if (!insp)
		return;
	int rc = store_photo_get(r->app->store, json_integer_value(json_object_get(insp, "id")),
				 req_param_int(r, "photo", 0), &photo);
	json_decref(insp);
	if (photo_store_failed(r, out, rc))
		return;
	const char *sha = json_string_value(json_object_get(photo, "sha256"));
	const char *ctype = json_string_value(json_object_get(photo, "content_type"));
	if (photo_rel_path(sha, ctype, rel, sizeof rel) != 0) {
		json_decref(photo);
		api_reg_store_error(r, out, STORE_ERROR, NULL);
		return;
	}
	char *etag = arena_printf(r->arena, "\"%s\"", sha);
	const char *ctype_a = arena_strdup(r->arena, ctype);
	json_decref(photo);
	http_resp_header(r, out, "Cache-Control", "private, max-age=86400");
	http_resp_header(r, out, "ETag", etag);
	const char *inm = req_header(r, "If-None-Match");
	if (inm && strstr(inm, etag)) {
		http_reply_raw(r, out, 304, NULL, "", 0);
		return;
	}
	if (photo_file_get(r, rel, &data, &len) != 0) {
		log_error("photos: file %s missing or unreadable", rel);
		http_reply_error(r, out, 404, "not_found",
				 "Không tìm thấy tệp ảnh / Photo file not found", "photo");
		return;
	}
	http_reply_raw(r, out, 200, ctype_a, data, len);
}

void api_inspection_photo_delete(struct req *r, struct resp *out)
{
	json_t *insp = inspection_for(r, out, 1), *photo = NULL;
	long long others = 0;
	char rel[PHOTO_PATH_MAX];
	if (!insp)
		return;
	long long iid = json_integer_value(json_object_get(insp, "id"));
	json_decref(insp);
	int rc = store_photo_delete(r->app->store, iid, req_param_int(r, "photo", 0), &photo,
				    &others);
	if (photo_store_failed(r, out, rc))
		return;
	const char *sha = json_string_value(json_object_get(photo, "sha256"));
	const char *ctype = json_string_value(json_object_get(photo, "content_type"));
	/* the bytes go with the last row that holds them */
	if (others == 0 && photo_rel_path(sha, ctype, rel, sizeof rel) == 0) {
		const char *dir = r->app->cfg.data ? r->app->cfg.data : "data";
		char *path = arena_printf(r->arena, "%s/%s", dir, rel);
		if (unlink(path) != 0 && errno != ENOENT)
			log_error("photos: unlink %s: %s", path, strerror(errno));
	}
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", iid);
	json_t *a = json_pack("{s:O,s:O,s:O,s:b}", "photo_id", json_object_get(photo, "id"), "item",
			      json_object_get(photo, "item"), "sha256",
			      json_object_get(photo, "sha256"), "file_removed", others == 0);
	audit_log(r, "inspection.photo.delete", "inspection", sid, a);
	json_decref(a);
	json_decref(photo);
	http_reply_raw(r, out, 204, NULL, "", 0);
}

/* ---- inspections carry their photos ------------------------------------------- */

void api_photos_attach(struct req *r, const char *target_kind, const char *target_id,
		       json_t *inspections)
{
	json_t *photos = NULL;
	if (!json_is_array(inspections) || json_array_size(inspections) == 0)
		return;
	if (store_photo_list_target(r->app->store, target_kind, target_id, &photos) != STORE_OK) {
		log_error("photos: list of %s %s failed", target_kind, target_id);
		return;
	}
	size_t i, j, k;
	json_t *insp, *res, *p;
	json_array_foreach(inspections, i, insp) {
		json_int_t iid = json_integer_value(json_object_get(insp, "id"));
		json_array_foreach(json_object_get(insp, "results"), j, res) {
			const char *code = json_string_value(json_object_get(res, "code"));
			json_t *list = json_array();
			json_array_foreach(photos, k, p) {
				const char *item = json_string_value(json_object_get(p, "item"));
				if (json_integer_value(json_object_get(p, "inspection_id")) != iid ||
				    !code || !item || strcmp(code, item) != 0)
					continue;
				api_photo_decorate(p);
				json_array_append_new(
				    list, json_pack("{s:O,s:O,s:O}", "id", json_object_get(p, "id"),
						    "url", json_object_get(p, "url"), "content_type",
						    json_object_get(p, "content_type")));
			}
			if (json_is_object(res))
				json_object_set_new(res, "photos", list);
			else
				json_decref(list);
		}
	}
	json_decref(photos);
}
