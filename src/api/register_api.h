/* Handlers and parameter declarations of the register's resources
 * (houses.c, facilities.c, inspections.c), as the route table references
 * them, and the helpers the three files share. */
#ifndef PCCC_API_REGISTER_API_H
#define PCCC_API_REGISTER_API_H
#include <jansson.h>

#include "http/route.h"

struct req;
struct resp;
struct scope;

#define REGISTER_IMPORT_MAX_BODY (20u << 20)

/* ---- houses.c ---- */
void api_houses_list(struct req *r, struct resp *out);
void api_houses_create(struct req *r, struct resp *out);
void api_houses_get(struct req *r, struct resp *out);
void api_houses_update(struct req *r, struct resp *out);
void api_houses_qr(struct req *r, struct resp *out);
void api_houses_label(struct req *r, struct resp *out);
void api_houses_declare(struct req *r, struct resp *out);
void api_houses_verify(struct req *r, struct resp *out);
void api_houses_return(struct req *r, struct resp *out);
void api_houses_residents_list(struct req *r, struct resp *out);
void api_houses_residents_add(struct req *r, struct resp *out);
void api_houses_import(struct req *r, struct resp *out);
void api_residents_import(struct req *r, struct resp *out);
extern const struct param_spec api_houses_list_params[];
extern const struct param_spec api_house_id_params[];
extern const struct param_spec api_houses_return_body[];
extern const struct param_spec api_residents_add_body[];

/* ---- facilities.c ---- */
void api_facilities_list(struct req *r, struct resp *out);
void api_facilities_create(struct req *r, struct resp *out);
void api_facilities_get(struct req *r, struct resp *out);
void api_facilities_update(struct req *r, struct resp *out);
void api_facilities_import(struct req *r, struct resp *out);
void api_facilities_penalty_add(struct req *r, struct resp *out);
void api_facilities_suspension_add(struct req *r, struct resp *out);
void api_facilities_suspension_lift(struct req *r, struct resp *out);
void api_enforcement_overdue(struct req *r, struct resp *out);
extern const struct param_spec api_facilities_list_params[];
extern const struct param_spec api_facility_id_params[];
extern const struct param_spec api_suspension_lift_params[];
extern const struct param_spec api_penalty_body[];
extern const struct param_spec api_suspension_body[];
extern const struct param_spec api_suspension_lift_body[];
extern const struct param_spec api_overdue_params[];

/* ---- inspections.c ---- */
void api_houses_inspection_add(struct req *r, struct resp *out);
void api_houses_inspection_list(struct req *r, struct resp *out);
void api_facilities_inspection_add(struct req *r, struct resp *out);
void api_facilities_inspection_list(struct req *r, struct resp *out);
void api_houses_fire_add(struct req *r, struct resp *out);
void api_houses_fire_list(struct req *r, struct resp *out);
void api_facilities_fire_add(struct req *r, struct resp *out);
void api_facilities_fire_list(struct req *r, struct resp *out);
void api_register_catalogue(struct req *r, struct resp *out);
void api_inspections_list(struct req *r, struct resp *out);
extern const struct param_spec api_inspection_body[];
extern const struct param_spec api_inspections_list_params[];
extern const struct param_spec api_fire_body[];

/* ---- shared (houses.c) ---- */
/* The caller's scope; a scope reaching nothing when anonymous. */
const struct scope *api_reg_scope(struct req *r);
/* Replies for store codes: 404 not_found, 403 unit_outside_scope, 409
 * conflict, 400 invalid, 500. what: "house"/"facility"/... */
void api_reg_store_error(struct req *r, struct resp *out, int rc, const char *what);
/* The {id} path parameter as a canonical house ID in out (16 bytes), or
 * a 400 invalid_house_id reply and -1. */
int api_reg_house_id(struct req *r, struct resp *out, char *id);
/* Applies patch (checked fields) onto a copy of the stored record,
 * keeping only the keys of defs. New reference. */
json_t *api_reg_merge(json_t *current, json_t *patch, const void *defs);
/* 201/200 with the object. */
void api_reg_reply(struct req *r, struct resp *out, int status, json_t *take);
/* Validation error reply (400 "invalid_field"). */
void api_reg_invalid(struct req *r, struct resp *out, const char *field, const char *message);
/* A bulk import reply: {"error":{"code":"import_rejected",...,"rows":[...]}} */
void api_reg_import_rejected(struct req *r, struct resp *out, json_t *errors_take);
/* Notifier: tells a household head / facility owner (log now, webhook/SMS
 * later). */
void api_reg_notify(struct req *r, const char *event, const char *record_type,
		    const char *record_id, const char *text_vi);

#endif
