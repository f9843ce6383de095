/*
 * core/tower_internal.h: what the pairing needs from core/fp12.c (internal).
 */
#ifndef OZK_CORE_TOWER_INTERNAL_H
#define OZK_CORE_TOWER_INTERNAL_H

#include "ozk/tower.h"

/* gamma_{k,j} = xi^(j (p^k - 1) / 6) for k in 1..3, j in 0..5 (the Frobenius constants). */
const ozk_fp2 *ozk__fp12_gamma(int k, int j);

/* out = a * l for the sparse l = l0 + l1 w + l3 w^3 (l0 in Fp2, usually in Fp), the shape of a
 * Miller-loop line: 12 Fp2 multiplications and 2 Fp2-by-Fp2 scalings instead of 18. */
void ozk__fp12_mul_by_line(ozk_fp12 *out, const ozk_fp12 *a, const ozk_fp2 *l0, const ozk_fp2 *l1,
                           const ozk_fp2 *l3);

#endif
