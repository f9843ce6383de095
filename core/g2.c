/*
 * core/g2.c: G2, the order-r subgroup of the twist E'(Fp2): y^2 = x^3 + 3/(9 + u) (EIP-197,
 * D-type sextic twist). The group law is core/ec_impl.h; this file gives it the field, the
 * constants (Montgomery form; plain values in the comments, checked by tests/test_curve.c) and
 * the subgroup check that decoding applies.
 */
#include "ozk/curve.h"

/* b' = 3 / (9 + u) = 0x2b149d40ceb8aaae81be18991be06ac3b5b4c5e559dbefa33267e6dc24a138e5
 *                  + 0x009713b03af0fed4cd2cafadeed8fdf4a74fa084e52d1852e4a2bd0685c315d2 u */
static const ozk_fp2 B2 = { { { 0x3bf938e377b802a8ULL, 0x020b1b273633535dULL, 0x26b7edf049755260ULL,
                                0x2514c6324384a86dULL } },
                            { { 0x38e7ecccd1dcff67ULL, 0x65f0b37d93ce0d3eULL, 0xd749d0dd22ac00aaULL,
                                0x0141b9ce4a688d4dULL } } };

int ozk_g2_is_in_subgroup(const ozk_g2 *a);

#define EC                g2
#define FE                fp2
#define FE_BYTES          64
#define EC_B              (&B2)
#define EC_CHECK_SUBGROUP ozk_g2_is_in_subgroup
/* the EIP-197 generator:
 * x = 10857046999023057135944570762232829481370756359578518086990519993285655852781
 *   + 11559732032986387107991004021392285783925812861821192530917403151452391805634 u
 * y = 8495653923123431417604973247489272438418190587263600148770280649306958101930
 *   + 4082367875863433681332203403145435568316851327593401208105741076214120093531 u */
#define EC_GX                                                                        \
    {                                                                                \
        { { 0x8e83b5d102bc2026ULL, 0xdceb1935497b0172ULL, 0xfbb8264797811adfULL,     \
            0x19573841af96503bULL } },                                               \
        {                                                                            \
            {                                                                        \
                0xafb4737da84c6140ULL, 0x6043dd5a5802d8c4ULL, 0x09e950fc52a02f86ULL, \
                    0x14fef0833aea7b6bULL                                            \
            }                                                                        \
        }                                                                            \
    }
#define EC_GY                                                                        \
    {                                                                                \
        { { 0x619dfa9d886be9f6ULL, 0xfe7fd297f59e9b78ULL, 0xff9e1a62231b7dfeULL,     \
            0x28fd7eebae9e4206ULL } },                                               \
        {                                                                            \
            {                                                                        \
                0x64095b56c71856eeULL, 0xdc57f922327d3cbbULL, 0x55f935be33351076ULL, \
                    0x0da4a0e693fd6482ULL                                            \
            }                                                                        \
        }                                                                            \
    }
#include "ec_impl.h"

int ozk_g2_is_in_subgroup(const ozk_g2 *a)
{
    /* [r] a = O. The twist has order r (2p - r) with gcd(r, 2p - r) = 1, so this holds exactly
     * for the points of G2. (A faster test through the endomorphism psi exists, eprint
     * 2022/348; decoding is not on a hot path.) */
    ozk_g2_jac t;
    ozk_g2_mul_var(&t, a, ozk_fr_modulus);
    return ozk_g2_jac_is_infinity(&t);
}
