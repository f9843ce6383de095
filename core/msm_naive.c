/* core/msm_naive.c: the reference MSM, one scalar multiplication per term (see ozk/msm.h). */
#include "ozk/msm.h"

void ozk_g1_msm_naive(ozk_g1_jac *out, const ozk_g1 *points, const ozk_fr *scalars, size_t n)
{
    ozk_g1_jac acc, t;
    ozk_g1_jac_set_infinity(&acc);
    for (size_t i = 0; i < n; i++) {
        uint64_t k[4];
        ozk_fr_to_limbs(k, &scalars[i]);
        ozk_g1_mul_var(&t, &points[i], k);
        ozk_g1_jac_add(&acc, &acc, &t);
    }
    *out = acc;
}
