/* The store side of inspection photos (table inspection_photos of
 * sql/012_inspection_photos.sql): which photo belongs to which inspection
 * and condition item, its content hash, type and size. The bytes are in
 * files (src/api/photos.c writes and reads them); the store keeps the
 * metadata only.
 *
 * Like the reads of register_forms.h, these functions take no scope: the
 * caller reads the inspection (store_form_inspection_get) and then its
 * target through store_house_get / store_facility_get with the caller's
 * scope, which answers STORE_NOT_FOUND outside it. */
#ifndef PCCC_STORE_REGISTER_PHOTOS_H
#define PCCC_STORE_REGISTER_PHOTOS_H
#include <jansson.h>

#include "store/store.h"

/* A photo as the API shows it: {"id","inspection_id","item","sha256",
 * "content_type","bytes","created_by","created_at"} (created_at ISO). */

/* Adds the photo of item_code to the inspection, or finds the one with
 * the same content already there: *created is 1 for a new row, 0 for the
 * existing one (same id). One write transaction. */
int store_photo_add(struct store *st, long long inspection_id, const char *item_code,
		    const char *sha256, const char *content_type, long long bytes,
		    const char *created_by, json_t **out, int *created);
/* The photos of an inspection, oldest first. */
int store_photo_list(struct store *st, long long inspection_id, json_t **items);
/* One photo of the inspection; STORE_NOT_FOUND when the id belongs to
 * another inspection or to none. */
int store_photo_get(struct store *st, long long inspection_id, long long photo_id, json_t **out);
/* Removes one photo of the inspection (STORE_NOT_FOUND as store_photo_get)
 * in one write transaction; *out: the removed row, *others: how many rows
 * (of any inspection) still hold the same content, so that the caller
 * removes the file when none does. */
int store_photo_delete(struct store *st, long long inspection_id, long long photo_id,
		       json_t **out, long long *others);
/* Every photo of every inspection of a target ("house" | "facility", id),
 * ordered by inspection then id: one query for an inspection list. */
int store_photo_list_target(struct store *st, const char *target_kind, const char *target_id,
			    json_t **items);

#endif
