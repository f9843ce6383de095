/*
 * core/par.h: splitting a loop over two threads (internal).
 *
 * ozk__par2(fn, ctx, n, min) runs fn(ctx, 0, n / 2) on a helper thread and fn(ctx, n / 2, n) on
 * the caller's, then joins; with n < min (not worth a thread), or when the thread cannot be
 * made, it runs fn(ctx, 0, n) alone. fn must write disjoint outputs for disjoint ranges. The
 * machines ozk targets have two cores; the MSM (core/msm.c) has its own, wider pool.
 */
#ifndef OZK_CORE_PAR_H
#define OZK_CORE_PAR_H

#include <stddef.h>

void ozk__par2(void (*fn)(void *ctx, size_t lo, size_t hi), void *ctx, size_t n, size_t min);

#endif
