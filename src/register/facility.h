/* Facilities under fire-safety management (Law 55/2024/QH15, Decree
 * 105/2025/NĐ-CP; records made under Decree 136/2020/NĐ-CP keep their
 * categories): the field table, the category lists of both decrees, the
 * fire protection systems, and the rule deciding whether a facility must
 * connect a fire alarm transmitter to the monitoring centre (Art. 27, by
 * 1/7/2027). Pure functions, no I/O. */
#ifndef PCCC_REGISTER_FACILITY_H
#define PCCC_REGISTER_FACILITY_H
#include <jansson.h>

#include "register/record.h"

#define FACILITY_MIN_CONTACTS 3
#define FACILITY_TRANSMITTER_DEADLINE "2027-07-01"

extern const struct rec_field facility_fields[];

struct facility_category {
	const char *id;
	const char *vi;
	const char *en;
	int transmitter;   /* must connect a transmitter when it has fire alarms */
};

/* Categories of a scheme ("105/2025" or "136/2020"), *n of them. */
const struct facility_category *facility_categories(const char *scheme, size_t *n);
const struct facility_category *facility_category_find(const char *scheme, const char *id);
/* Label of a system id ("fire_alarm" → "Hệ thống báo cháy tự động"). */
const char *facility_system_vi(const char *id);
/* Label of a category id in either scheme (for imports and exports). */
const char *facility_category_vi(const char *id);

/* rec_check, then: category belongs to its scheme; create needs at least
 * FACILITY_MIN_CONTACTS contacts; merged rules (facility_check_rules). */
int facility_check(json_t *body, int create, struct rec_error *err);
/* Rules over the merged record: category in scheme, height/floors sane,
 * transmitter_connected only when a fire alarm system is present. */
int facility_check_rules(const json_t *merged, struct rec_error *err);

/* Art. 27: 1 when a facility of this category with these systems (JSON
 * array) must connect a transmitter. */
int facility_must_connect(const char *scheme, const char *category, const json_t *systems);

#endif
