/* Photos of an inspection (issue 4, item 4): the officer photographs a
 * failing item on the phone, offline if need be; web/js/offline.js sends
 * each photo when the signal returns with
 *	POST /api/v1/inspections/{id}/photos?item=CODE   (body: the image)
 * and the console shows them from
 *	GET /api/v1/inspections/{id}/photos              (list)
 *	GET /api/v1/inspections/{id}/photos/{photo}      (the bytes).
 * The image type comes from the bytes (JPEG, PNG, WebP), never from the
 * Content-Type alone; files are named by their SHA-256 under the data
 * directory (DIR/photos/ab/<sha256>.jpg), so a photo sent again after a
 * lost answer is stored once and gets the same id. Access follows the
 * inspection's target: house.write / facility.write and scope to add
 * (official inspections: the inspect capability too), house.read /
 * facility.read and scope to read; outside them the inspection is 404. */
#ifndef PCCC_API_PHOTOS_H
#define PCCC_API_PHOTOS_H
#include <jansson.h>
#include <stddef.h>

#include "http/route.h"

struct req;
struct resp;

#define PHOTO_MAX_BYTES (8u << 20) /* 8 MiB */

/* The image type of the bytes by their magic numbers: "image/jpeg",
 * "image/png", "image/webp", or NULL for anything else. */
const char *photo_sniff_type(const void *data, size_t len);
/* Whether a request Content-Type may carry a photo: absent/empty,
 * image/jpeg|png|webp, or application/octet-stream (parameters such as
 * "; charset" ignored). The bytes decide the type in any case. */
int photo_media_type_ok(const char *content_type);
/* File name (relative to the data directory) of the content: 
 * "photos/ab/<sha256>.jpg". out: at least PHOTO_PATH_MAX bytes. -1 when
 * sha256 is not 64 lowercase hex digits or the type is unknown. */
#define PHOTO_PATH_MAX 96
int photo_rel_path(const char *sha256, const char *content_type, char *out, size_t outlen);

/* Adds "url" (GET .../inspections/{id}/photos/{photo}) to a stored photo. */
void api_photo_decorate(json_t *photo);

void api_inspection_photo_add(struct req *r, struct resp *out);
/* DELETE .../photos/{photo}: the rights of adding one; 204. The file goes
 * too when no other inspection holds the same image. Audited. */
void api_inspection_photo_delete(struct req *r, struct resp *out);
void api_inspection_photo_list(struct req *r, struct resp *out);
void api_inspection_photo_get(struct req *r, struct resp *out);
extern const struct param_spec api_photo_add_params[];
extern const struct param_spec api_photo_list_params[];
extern const struct param_spec api_photo_get_params[];

/* Adds "photos": [{"id","url","content_type"}] to every result of every
 * inspection in inspections (a JSON array of one target's inspections,
 * as store_inspection_list / store_inspection_add answer). The caller
 * has checked the target's scope. Leaves the array as it was on a store
 * error (logged). */
void api_photos_attach(struct req *r, const char *target_kind, const char *target_id,
		       json_t *inspections);

#endif
