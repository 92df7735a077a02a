/* Request metrics per route: counts by status class and a latency
 * histogram, rendered in the Prometheus text format for GET /metrics.
 * Lock-free (atomics); sized for the route table at start. */
#ifndef PCCC_HTTP_METRICS_H
#define PCCC_HTTP_METRICS_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "http/route.h"

void metrics_init(const struct route *table);
void metrics_free(void);
/* route_idx -1 = no route matched. */
void metrics_observe(int route_idx, int status, int64_t micros);
/* Gauges kept by their owners (e.g. open connections). */
void metrics_gauge_set(const char *name, long long v);
void metrics_render(struct buf *out);

#endif
