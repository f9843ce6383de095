/*
 * ozk/metrics.h: counters, gauges and histograms, rendered in the Prometheus text exposition
 * format 0.0.4 (serve it with Content-Type "text/plain; version=0.0.4").
 *
 * A registry holds metric families in the order they were first registered. A family is a
 * name, a help text and a type; each registration adds one series to it with a fixed label set
 * (possibly empty) and returns a handle to that series. Registering the same name again with the
 * same type (and help, and, for histograms, bounds) adds a series with other label values to the
 * family; anything else under an existing name is OZK_EINVAL.
 *
 * Labels are given as a NULL-terminated array of name, value pairs, e.g.
 *     const char *const labels[] = { "method", "ozk_infer", NULL };
 * or NULL for none. Label names match [a-zA-Z_][a-zA-Z0-9_]* and do not start with "__"; "le" is
 * reserved for histogram buckets. Values are any UTF-8 text (escaped when rendered).
 * Metric names match [a-zA-Z_:][a-zA-Z0-9_:]*.
 *
 * Threading and lifetime. Registering and rendering take the registry's mutex; updating a series
 * is lock-free (C11 atomics) and may be done from any thread at any time. Handles stay valid
 * until ozk_metrics_free(), which must not race with anything else. A histogram renders its
 * _count as the sum of its buckets, so _count always equals the +Inf bucket even while other
 * threads observe; _sum may then lag or lead by the observations in flight.
 *
 * Rendering. Each family is "# HELP name help", "# TYPE name type" and its series in
 * registration order; a histogram series is name_bucket{...,le="bound"} for each bound and
 * "+Inf" (cumulative), then name_sum and name_count. Numbers are printed in the shortest form
 * that reads back exactly ("1", "0.25", "1e+21"), and as "+Inf", "-Inf", "NaN".
 *
 * Errors: systems regime (ozk/error.h).
 */
#ifndef OZK_METRICS_H
#define OZK_METRICS_H

#include <stddef.h>

typedef struct ozk_metrics ozk_metrics;
typedef struct ozk_metric ozk_metric;

/* A new, empty registry; OZK_ENOMEM. */
int ozk_metrics_new(ozk_metrics **out);

/* Frees the registry and every series in it (NULL is fine). */
void ozk_metrics_free(ozk_metrics *reg);

/* Register a series (see above); *out is the handle, owned by the registry. OZK_EINVAL for a
 * bad name, label or help (help may hold any text, NULL means ""), a duplicate label set, or a
 * clash with the family's type, help or bounds; OZK_ENOMEM. */
int ozk_metrics_counter(ozk_metrics *reg, ozk_metric **out, const char *name, const char *help,
                        const char *const *labels);
int ozk_metrics_gauge(ozk_metrics *reg, ozk_metric **out, const char *name, const char *help,
                      const char *const *labels);
/* bounds[0..n): the buckets' upper bounds, finite and strictly increasing, 1 <= n <= 64; the
 * +Inf bucket is implied. */
int ozk_metrics_histogram(ozk_metrics *reg, ozk_metric **out, const char *name, const char *help,
                          const char *const *labels, const double *bounds, size_t n);

/* Updates; a call that does not fit the series' type, or a negative or NaN amount added to a
 * counter, is ignored. */
void ozk_metric_inc(ozk_metric *m);               /* counter or gauge: += 1 */
void ozk_metric_add(ozk_metric *m, double v);     /* counter (v >= 0) or gauge: += v */
void ozk_metric_set(ozk_metric *m, double v);     /* gauge: = v */
void ozk_metric_observe(ozk_metric *m, double v); /* histogram: one observation */

/* The current value of a counter or gauge; a histogram's observation count. */
double ozk_metric_value(const ozk_metric *m);

/* Renders the registry into buf[0..cap) with a terminating NUL, and the text's length (without
 * the NUL) into *len. OZK_ERANGE when it does not fit: then *len is the length needed (a later
 * render may need more if series were added). buf may be NULL when cap is 0. OZK_ENOMEM when
 * the text cannot be built. */
int ozk_metrics_render(ozk_metrics *reg, char *buf, size_t cap, size_t *len);

/* Renders into a new NUL-terminated string (free() it), its length into *len (len may be
 * NULL); NULL when out of memory. */
char *ozk_metrics_render_alloc(ozk_metrics *reg, size_t *len);

#endif
