/* Houses of the register: the field table (what a house record holds),
 * the rules that tie fields together, the templates of house types (which
 * fields each type preselects), the address line, and the declaration
 * workflow states. Pure functions, no I/O. */
#ifndef PCCC_REGISTER_HOUSE_H
#define PCCC_REGISTER_HOUSE_H
#include <jansson.h>

#include "register/record.h"

#define HOUSE_TYPES "tube_house|detached_house|mini_apartment|boarding_house|home_business|apartment|other"

/* Writable fields of a house (terminated by key NULL). */
extern const struct rec_field house_fields[];

/* Checks a house body (create: all required fields; otherwise a patch)
 * with rec_check, then the rules between fields on merged (the stored
 * record with the patch applied; for create the body itself):
 * escape_hatch needs barred_windows; each count of vulnerable occupants
 * never exceeds occupants; lat and lon come together; year_built at most
 * next year; a mini-apartment block has at least 2 floors; a second escape
 * route means at least 2 exits; some address is given. 0, or -1 with
 * *err. */
int house_check(json_t *body, int create, struct rec_error *err);
int house_check_rules(const json_t *merged, struct rec_error *err);

/* The address line people read: "Số 12, ngách 3, ngõ 105 Phố Huế" —
 * house_number, alley, street joined; commune name appended when given.
 * Heap string. */
char *house_address_line(const char *house_number, const char *alley, const char *street,
			 const char *commune_name);

/* Fields a type's form preselects (JSON array of keys, new reference). */
json_t *house_template(const char *type);

/* Declaration workflow: may a house in state from move by action
 * ("declare", "verify", "return")? 1 yes, 0 no. */
int house_transition_ok(const char *from, const char *action);

/* Vietnamese label of a type id ("Nhà ống"), NULL for an unknown id. */
const char *house_type_vi(const char *id);

#endif
