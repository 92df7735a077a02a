/* Prometheus metrics for the HTTP server (see metrics.h). */
#include "http/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

static const double bucket_s[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
				  0.05,   0.1,   0.25,   0.5,   1,    2.5};
#define NBUCKET (sizeof bucket_s / sizeof bucket_s[0])

struct route_metrics {
	atomic_llong by_class[6]; /* 0: unknown, 1xx..5xx */
	atomic_llong bucket[NBUCKET + 1];
	atomic_llong sum_us;
	atomic_llong count;
};

#define NGAUGE 16
static struct {
	const char *name;
	atomic_llong v;
} gauges[NGAUGE];

static const struct route *routes;
static size_t nroutes;
static struct route_metrics *rm; /* nroutes + 1 (unmatched) */

void metrics_init(const struct route *table)
{
	routes = table;
	nroutes = 0;
	while (table[nroutes].method)
		nroutes++;
	free(rm);
	rm = xcalloc(nroutes + 1, sizeof *rm);
}

void metrics_free(void)
{
	free(rm);
	rm = NULL;
}

void metrics_observe(int route_idx, int status, int64_t micros)
{
	if (!rm)
		return;
	struct route_metrics *m = &rm[route_idx >= 0 && (size_t)route_idx < nroutes ? (size_t)route_idx : nroutes];
	int cls = status / 100;
	atomic_fetch_add(&m->by_class[cls >= 1 && cls <= 5 ? cls : 0], 1);
	double s = (double)micros / 1e6;
	size_t b = 0;
	while (b < NBUCKET && s > bucket_s[b])
		b++;
	atomic_fetch_add(&m->bucket[b], 1);
	atomic_fetch_add(&m->sum_us, micros);
	atomic_fetch_add(&m->count, 1);
}

void metrics_gauge_set(const char *name, long long v)
{
	for (int i = 0; i < NGAUGE; i++) {
		if (gauges[i].name == NULL) {
			gauges[i].name = name; /* names are string literals */
			atomic_store(&gauges[i].v, v);
			return;
		}
		if (strcmp(gauges[i].name, name) == 0) {
			atomic_store(&gauges[i].v, v);
			return;
		}
	}
}

static void labels(struct buf *out, size_t i)
{
	if (i < nroutes)
		buf_printf(out, "method=\"%s\",route=\"%s\"", routes[i].method, routes[i].pattern);
	else
		buf_puts(out, "method=\"\",route=\"unmatched\"");
}

void metrics_render(struct buf *out)
{
	if (!rm)
		return;
	buf_puts(out, "# HELP pccc_http_requests_total HTTP requests by route and status class.\n"
		      "# TYPE pccc_http_requests_total counter\n");
	for (size_t i = 0; i <= nroutes; i++) {
		for (int c = 1; c <= 5; c++) {
			long long n = atomic_load(&rm[i].by_class[c]);
			if (!n)
				continue;
			buf_puts(out, "pccc_http_requests_total{");
			labels(out, i);
			buf_printf(out, ",status=\"%dxx\"} %lld\n", c, n);
		}
	}
	buf_puts(out, "# HELP pccc_http_request_duration_seconds Time from request to response.\n"
		      "# TYPE pccc_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= nroutes; i++) {
		long long count = atomic_load(&rm[i].count);
		if (!count)
			continue;
		long long cum = 0;
		for (size_t b = 0; b <= NBUCKET; b++) {
			cum += atomic_load(&rm[i].bucket[b]);
			buf_puts(out, "pccc_http_request_duration_seconds_bucket{");
			labels(out, i);
			if (b < NBUCKET)
				buf_printf(out, ",le=\"%g\"} %lld\n", bucket_s[b], cum);
			else
				buf_printf(out, ",le=\"+Inf\"} %lld\n", cum);
		}
		buf_puts(out, "pccc_http_request_duration_seconds_sum{");
		labels(out, i);
		buf_printf(out, "} %.6f\n", (double)atomic_load(&rm[i].sum_us) / 1e6);
		buf_puts(out, "pccc_http_request_duration_seconds_count{");
		labels(out, i);
		buf_printf(out, "} %lld\n", count);
	}
	for (int g = 0; g < NGAUGE && gauges[g].name; g++)
		buf_printf(out, "# TYPE %s gauge\n%s %lld\n", gauges[g].name, gauges[g].name,
			   (long long)atomic_load(&gauges[g].v));
}
