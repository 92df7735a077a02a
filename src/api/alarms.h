/* /api/v1/alarm-events, /api/v1/devices and /api/v1/incidents (list and
 * one): the alarm receiving centre's records, read within the caller's
 * scope; devices written by holders of device.admin (keys are write-only:
 * only has_key is ever shown). */
#ifndef PCCC_API_ALARMS_H
#define PCCC_API_ALARMS_H
#include "http/route.h"

struct req;
struct resp;

void api_alarm_events_list(struct req *r, struct resp *out);
void api_devices_list(struct req *r, struct resp *out);
void api_devices_get(struct req *r, struct resp *out);
void api_devices_create(struct req *r, struct resp *out);
void api_devices_update(struct req *r, struct resp *out);
void api_incidents_list(struct req *r, struct resp *out);
void api_incidents_get(struct req *r, struct resp *out);

extern const struct param_spec api_alarm_events_params[];
extern const struct param_spec api_devices_list_params[];
extern const struct param_spec api_devices_id_params[];
extern const struct param_spec api_devices_create_body[];
extern const struct param_spec api_devices_update_body[];
extern const struct param_spec api_incidents_list_params[];
extern const struct param_spec api_incidents_id_params[];

#endif
