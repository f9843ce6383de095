/*
 * node/metrics.c: a Prometheus metrics registry. See ozk/metrics.h.
 *
 * Source: Prometheus "Exposition formats", text format 0.0.4 (HELP/TYPE lines, label value and
 * help escaping, histogram _bucket/_sum/_count series with a cumulative le="+Inf" bucket).
 *
 * Values are doubles kept as their bit patterns in 64-bit atomics: a store for set, a
 * compare-and-swap loop for add. Histogram buckets are kept per bucket (not cumulative) and
 * summed when rendered.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/metrics.h"

#define MAX_BOUNDS 64

enum { T_COUNTER, T_GAUGE, T_HISTOGRAM };

struct family {
    char *name, *help;
    int type;
    double *bounds;
    size_t nb;
    ozk_metric *first, *last;
    struct family *next;
};

struct ozk_metric {
    struct family *fam;
    ozk_metric *next;
    char *labels;              /* rendered pairs, 'a="x",b="y"', "" when none */
    _Atomic uint64_t value;    /* counter or gauge: a double's bits */
    _Atomic uint64_t sum;      /* histogram: a double's bits */
    _Atomic uint64_t *buckets; /* histogram: nb + 1 counts, the last one +Inf */
};

struct ozk_metrics {
    pthread_mutex_t mu;
    struct family *first, *last;
};

/* ---- text building ---- */

struct text {
    char *p;
    size_t n, cap;
    int oom;
};

static void put(struct text *t, const char *s, size_t n)
{
    if (t->oom) return;
    if (t->cap - t->n < n + 1) {
        size_t cap = t->cap ? t->cap : 1024;
        while (cap - t->n < n + 1) cap *= 2;
        char *q = realloc(t->p, cap);
        if (!q) {
            t->oom = 1;
            return;
        }
        t->p = q;
        t->cap = cap;
    }
    memcpy(t->p + t->n, s, n);
    t->n += n;
    t->p[t->n] = 0;
}

static void puts_(struct text *t, const char *s)
{
    put(t, s, strlen(s));
}

/* s with '\\' and '\n' escaped, and '"' too when quote. */
static void put_escaped(struct text *t, const char *s, int quote)
{
    for (; *s; s++) {
        if (*s == '\\')
            puts_(t, "\\\\");
        else if (*s == '\n')
            puts_(t, "\\n");
        else if (quote && *s == '"')
            puts_(t, "\\\"");
        else
            put(t, s, 1);
    }
}

/* The shortest decimal that reads back as v. */
static void fmt_num(char out[40], double v)
{
    if (isnan(v)) {
        strcpy(out, "NaN");
        return;
    }
    if (isinf(v)) {
        strcpy(out, v > 0 ? "+Inf" : "-Inf");
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, 40, "%.*g", prec, v);
        if (strtod(out, NULL) == v) return;
    }
}

static void put_num(struct text *t, double v)
{
    char b[40];
    fmt_num(b, v);
    puts_(t, b);
}

static void put_u64(struct text *t, uint64_t v)
{
    char b[24];
    snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    puts_(t, b);
}

static double bits_to_double(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static uint64_t double_to_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

/* ---- registry ---- */

int ozk_metrics_new(ozk_metrics **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out) return OZK_ENOMEM;
    if (pthread_mutex_init(&(*out)->mu, NULL) != 0) {
        free(*out);
        *out = NULL;
        return OZK_ENOMEM;
    }
    return 0;
}

static void metric_free(ozk_metric *m)
{
    free(m->labels);
    free(m->buckets);
    free(m);
}

static void family_free(struct family *f)
{
    for (ozk_metric *m = f->first, *next; m; m = next) {
        next = m->next;
        metric_free(m);
    }
    free(f->name);
    free(f->help);
    free(f->bounds);
    free(f);
}

void ozk_metrics_free(ozk_metrics *reg)
{
    if (!reg) return;
    for (struct family *f = reg->first, *next; f; f = next) {
        next = f->next;
        family_free(f);
    }
    pthread_mutex_destroy(&reg->mu);
    free(reg);
}

static int name_char(char c, int first, int colon)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') ||
           (!first && c >= '0' && c <= '9');
}

static int valid_name(const char *s, int colon)
{
    if (!s || !*s) return 0;
    for (const char *p = s; *p; p++)
        if (!name_char(*p, p == s, colon)) return 0;
    return 1;
}

/* Renders labels into a new string; NULL and *rc set on bad input or no memory. */
static char *render_labels(const char *const *labels, int histogram, int *rc)
{
    struct text t = { 0 };
    put(&t, "", 0);
    for (size_t i = 0; labels && labels[i]; i += 2) {
        const char *k = labels[i], *v = labels[i + 1];
        if (!v || !valid_name(k, 0) || strncmp(k, "__", 2) == 0 ||
            (histogram && strcmp(k, "le") == 0)) {
            free(t.p);
            *rc = OZK_EINVAL;
            return NULL;
        }
        for (size_t j = 0; j < i; j += 2)
            if (strcmp(labels[j], k) == 0) {
                free(t.p);
                *rc = OZK_EINVAL;
                return NULL;
            }
        if (i) puts_(&t, ",");
        puts_(&t, k);
        puts_(&t, "=\"");
        put_escaped(&t, v, 1);
        puts_(&t, "\"");
    }
    if (t.oom) {
        free(t.p);
        *rc = OZK_ENOMEM;
        return NULL;
    }
    return t.p;
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static int add_series(ozk_metrics *reg, ozk_metric **out, int type, const char *name,
                      const char *help, const char *const *labels, const double *bounds, size_t nb)
{
    int rc = 0;
    *out = NULL;
    if (!help) help = "";
    if (!valid_name(name, 1)) return OZK_EINVAL;
    if (type == T_HISTOGRAM) {
        if (!bounds || nb == 0 || nb > MAX_BOUNDS) return OZK_EINVAL;
        for (size_t i = 0; i < nb; i++)
            if (!isfinite(bounds[i]) || (i && !(bounds[i] > bounds[i - 1]))) return OZK_EINVAL;
    }
    char *lab = render_labels(labels, type == T_HISTOGRAM, &rc);
    if (!lab) return rc;
    ozk_metric *m = calloc(1, sizeof *m);
    if (!m) {
        free(lab);
        return OZK_ENOMEM;
    }
    m->labels = lab;
    if (type == T_HISTOGRAM) {
        m->buckets = calloc(nb + 1, sizeof *m->buckets);
        if (!m->buckets) {
            metric_free(m);
            return OZK_ENOMEM;
        }
    }
    atomic_init(&m->value, double_to_bits(0.0));
    atomic_init(&m->sum, double_to_bits(0.0));

    pthread_mutex_lock(&reg->mu);
    struct family *f = reg->first;
    while (f && strcmp(f->name, name) != 0) f = f->next;
    if (f) {
        if (f->type != type || strcmp(f->help, help) != 0 ||
            (type == T_HISTOGRAM &&
             (f->nb != nb || memcmp(f->bounds, bounds, nb * sizeof *bounds) != 0))) {
            rc = OZK_EINVAL;
            goto fail;
        }
        for (ozk_metric *o = f->first; o; o = o->next)
            if (strcmp(o->labels, lab) == 0) {
                rc = OZK_EINVAL;
                goto fail;
            }
    } else {
        f = calloc(1, sizeof *f);
        if (!f) {
            rc = OZK_ENOMEM;
            goto fail;
        }
        f->type = type;
        f->name = dupstr(name);
        f->help = dupstr(help);
        if (type == T_HISTOGRAM) {
            f->bounds = malloc(nb * sizeof *bounds);
            if (f->bounds) memcpy(f->bounds, bounds, nb * sizeof *bounds);
            f->nb = nb;
        }
        if (!f->name || !f->help || (type == T_HISTOGRAM && !f->bounds)) {
            family_free(f);
            rc = OZK_ENOMEM;
            goto fail;
        }
        if (reg->last)
            reg->last->next = f;
        else
            reg->first = f;
        reg->last = f;
    }
    m->fam = f;
    if (f->last)
        f->last->next = m;
    else
        f->first = m;
    f->last = m;
    pthread_mutex_unlock(&reg->mu);
    *out = m;
    return 0;
fail:
    pthread_mutex_unlock(&reg->mu);
    metric_free(m);
    return rc;
}

int ozk_metrics_counter(ozk_metrics *reg, ozk_metric **out, const char *name, const char *help,
                        const char *const *labels)
{
    return add_series(reg, out, T_COUNTER, name, help, labels, NULL, 0);
}

int ozk_metrics_gauge(ozk_metrics *reg, ozk_metric **out, const char *name, const char *help,
                      const char *const *labels)
{
    return add_series(reg, out, T_GAUGE, name, help, labels, NULL, 0);
}

int ozk_metrics_histogram(ozk_metrics *reg, ozk_metric **out, const char *name, const char *help,
                          const char *const *labels, const double *bounds, size_t n)
{
    return add_series(reg, out, T_HISTOGRAM, name, help, labels, bounds, n);
}

/* ---- updates ---- */

static void atomic_add_double(_Atomic uint64_t *a, double v)
{
    uint64_t old = atomic_load_explicit(a, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(a, &old, double_to_bits(bits_to_double(old) + v),
                                                  memory_order_relaxed, memory_order_relaxed)) {}
}

void ozk_metric_inc(ozk_metric *m)
{
    ozk_metric_add(m, 1.0);
}

void ozk_metric_add(ozk_metric *m, double v)
{
    int type = m->fam->type;
    if (type == T_HISTOGRAM || (type == T_COUNTER && !(v >= 0))) return;
    atomic_add_double(&m->value, v);
}

void ozk_metric_set(ozk_metric *m, double v)
{
    if (m->fam->type != T_GAUGE) return;
    atomic_store_explicit(&m->value, double_to_bits(v), memory_order_relaxed);
}

void ozk_metric_observe(ozk_metric *m, double v)
{
    const struct family *f = m->fam;
    if (f->type != T_HISTOGRAM) return;
    size_t i = 0;
    while (i < f->nb && !(v <= f->bounds[i])) i++;
    atomic_add_double(&m->sum, v);
    atomic_fetch_add_explicit(&m->buckets[i], 1, memory_order_relaxed);
}

double ozk_metric_value(const ozk_metric *m)
{
    if (m->fam->type != T_HISTOGRAM)
        return bits_to_double(atomic_load_explicit(&m->value, memory_order_relaxed));
    uint64_t n = 0;
    for (size_t i = 0; i <= m->fam->nb; i++)
        n += atomic_load_explicit(&m->buckets[i], memory_order_relaxed);
    return (double)n;
}

/* ---- rendering ---- */

static void put_series_name(struct text *t, const char *name, const char *suffix,
                            const char *labels, const char *le)
{
    puts_(t, name);
    puts_(t, suffix);
    if (!labels[0] && !le) return;
    puts_(t, "{");
    puts_(t, labels);
    if (le) {
        if (labels[0]) puts_(t, ",");
        puts_(t, "le=\"");
        puts_(t, le);
        puts_(t, "\"");
    }
    puts_(t, "}");
}

static void render_text(ozk_metrics *reg, struct text *t)
{
    static const char *const types[] = { "counter", "gauge", "histogram" };
    put(t, "", 0);
    pthread_mutex_lock(&reg->mu);
    for (const struct family *f = reg->first; f; f = f->next) {
        puts_(t, "# HELP ");
        puts_(t, f->name);
        puts_(t, " ");
        put_escaped(t, f->help, 0);
        puts_(t, "\n# TYPE ");
        puts_(t, f->name);
        puts_(t, " ");
        puts_(t, types[f->type]);
        puts_(t, "\n");
        for (const ozk_metric *m = f->first; m; m = m->next) {
            if (f->type != T_HISTOGRAM) {
                put_series_name(t, f->name, "", m->labels, NULL);
                puts_(t, " ");
                put_num(t, bits_to_double(atomic_load_explicit(&m->value, memory_order_relaxed)));
                puts_(t, "\n");
                continue;
            }
            uint64_t cum = 0;
            for (size_t i = 0; i <= f->nb; i++) {
                char le[40];
                if (i < f->nb)
                    fmt_num(le, f->bounds[i]);
                else
                    strcpy(le, "+Inf");
                cum += atomic_load_explicit(&m->buckets[i], memory_order_relaxed);
                put_series_name(t, f->name, "_bucket", m->labels, le);
                puts_(t, " ");
                put_u64(t, cum);
                puts_(t, "\n");
            }
            put_series_name(t, f->name, "_sum", m->labels, NULL);
            puts_(t, " ");
            put_num(t, bits_to_double(atomic_load_explicit(&m->sum, memory_order_relaxed)));
            puts_(t, "\n");
            put_series_name(t, f->name, "_count", m->labels, NULL);
            puts_(t, " ");
            put_u64(t, cum);
            puts_(t, "\n");
        }
    }
    pthread_mutex_unlock(&reg->mu);
}

int ozk_metrics_render(ozk_metrics *reg, char *buf, size_t cap, size_t *len)
{
    struct text t = { 0 };
    render_text(reg, &t);
    if (t.oom) {
        free(t.p);
        return OZK_ENOMEM;
    }
    *len = t.n;
    int rc = 0;
    if (t.n + 1 > cap) {
        rc = OZK_ERANGE;
        if (cap) buf[0] = 0;
    } else {
        memcpy(buf, t.p, t.n + 1);
    }
    free(t.p);
    return rc;
}

char *ozk_metrics_render_alloc(ozk_metrics *reg, size_t *len)
{
    struct text t = { 0 };
    render_text(reg, &t);
    if (t.oom) {
        free(t.p);
        return NULL;
    }
    if (len) *len = t.n;
    return t.p;
}
