/* Handlers of the system endpoints: health, metrics, OpenAPI, console
 * configuration. */
#ifndef PCCC_API_SYSTEM_H
#define PCCC_API_SYSTEM_H

struct req;
struct resp;

void api_healthz(struct req *r, struct resp *out);
void api_metrics(struct req *r, struct resp *out);
void api_openapi(struct req *r, struct resp *out);
void api_console_config(struct req *r, struct resp *out);

#endif
