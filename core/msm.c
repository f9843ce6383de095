/* core/msm.c: PLACEHOLDER so that the tree links while the Pippenger MSM is being written in
 * parallel; the MSM implementation replaces this whole file. */
#include "ozk/msm.h"

int ozk_g1_msm(ozk_g1_jac *out, const ozk_g1 *points, const ozk_fr *scalars, size_t n,
               unsigned threads)
{
    (void)threads;
    ozk_g1_msm_naive(out, points, scalars, n);
    return 0;
}
