/* core/par.c: see par.h. */
#include <pthread.h>

#include "par.h"

struct par_job {
    void (*fn)(void *ctx, size_t lo, size_t hi);
    void *ctx;
    size_t lo, hi;
};

static void *par_run(void *arg)
{
    struct par_job *j = arg;
    j->fn(j->ctx, j->lo, j->hi);
    return NULL;
}

void ozk__par2(void (*fn)(void *ctx, size_t lo, size_t hi), void *ctx, size_t n, size_t min)
{
    pthread_t th;
    struct par_job j = { fn, ctx, 0, n / 2 };
    if (n < min || n < 2 || pthread_create(&th, NULL, par_run, &j) != 0) {
        fn(ctx, 0, n);
        return;
    }
    fn(ctx, n / 2, n);
    pthread_join(th, NULL);
}
