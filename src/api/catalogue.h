/* The versioned catalogue of safety condition items over HTTP
 * (/api/v1/condition-catalogue...): reading a version or the checklist of
 * one house type / facility category, and — for holders of units.admin,
 * the capability for reference data — opening a draft, adding, editing and
 * deactivating its items, publishing it. Every write is audited. Also the
 * helper inspections.c uses to take a new inspection's checklist from the
 * database. */
#ifndef PCCC_API_CATALOGUE_H
#define PCCC_API_CATALOGUE_H
#include <jansson.h>
#include <stddef.h>

#include "http/route.h"
#include "register/compliance.h"

struct req;
struct resp;

void api_catalogue_get(struct req *r, struct resp *out);
void api_catalogue_versions(struct req *r, struct resp *out);
void api_catalogue_draft_create(struct req *r, struct resp *out);
void api_catalogue_item_add(struct req *r, struct resp *out);
void api_catalogue_item_update(struct req *r, struct resp *out);
void api_catalogue_publish(struct req *r, struct resp *out);

extern const struct param_spec api_catalogue_get_params[];
extern const struct param_spec api_catalogue_version_params[];
extern const struct param_spec api_catalogue_item_params[];
extern const struct param_spec api_catalogue_draft_body[];
extern const struct param_spec api_catalogue_item_add_body[];
extern const struct param_spec api_catalogue_item_update_body[];

/* The catalogue a new inspection is answered against: the published
 * version the body names in "catalogue_version" (a checklist opened
 * offline before a newer version was published), or else the latest
 * published version. On success *defs (n items, valid for the request's
 * life) and *version, and returns 0; otherwise replies (400 with field
 * catalogue_version, or 500) and returns -1. */
int api_catalogue_for_inspection(struct req *r, struct resp *out,
				 const struct compliance_item_def **defs, size_t *n,
				 long long *version);

/* The active items of the latest published version in the shape of
 * /api/v1/register/catalogue's "conditions" ({"code","text_vi","text_en",
 * "applies","required","categories","legal_basis","position"}), its
 * number in *version (0 and [] when unreadable). New reference. */
json_t *api_catalogue_conditions(struct req *r, long long *version);

/* The category of facility id in the caller's scope (arena string), NULL
 * for a house (kind "house") or an unknown facility. */
const char *api_catalogue_category(struct req *r, const char *kind, const char *id);

#endif
