/*
 * ozk/curve.h: the BN254 groups G1 and G2 (EIP-196, EIP-197).
 *
 *   G1: E(Fp):   y^2 = x^3 + 3,          generator (1, 2), prime order r (cofactor 1)
 *   G2: E'(Fp2): y^2 = x^3 + 3/(9 + u),  the D-type sextic twist; G2 is its subgroup of order r
 *                (the twist has cofactor 2p - r, so G2 membership needs a real check)
 *
 * Both groups come from one template (core/ec_impl.h) over their coordinate field, as blst
 * builds G1 and G2. For G in { g1, g2 }:
 *
 *   ozk_G       affine point (x, y); the point at infinity is (0, 0), as the EVM encodes it
 *               ((0, 0) is on neither curve, so the encoding is unambiguous)
 *   ozk_G_jac   Jacobian (X, Y, Z) for (X/Z^2, Y/Z^3); Z = 0 is the point at infinity
 *
 *   void ozk_G_generator(ozk_G *out);
 *   void ozk_G_set_infinity(ozk_G *out);
 *   int  ozk_G_is_infinity(const ozk_G *a);
 *   int  ozk_G_is_on_curve(const ozk_G *a);     1 if on the curve or infinity; no subgroup check
 *   int  ozk_G_eq(const ozk_G *a, const ozk_G *b);
 *   void ozk_G_neg(ozk_G *out, const ozk_G *a);
 *   int  ozk_G_from_bytes(ozk_G *out, const uint8_t in[OZK_G_BYTES]);
 *        The EVM encoding (G1: x || y, 32 bytes big-endian each; G2: x || y, each Fp2 with its
 *        imaginary part first; all zeros = infinity). Returns 1 for a valid group element, else
 *        0 and out = infinity: a coordinate >= p, a point off the curve, or (G2) a point of the
 *        twist outside the subgroup of order r. Exactly what precompiles 0x06-0x08 accept.
 *   void ozk_G_to_bytes(uint8_t out[OZK_G_BYTES], const ozk_G *a);
 *
 *   void ozk_G_jac_set_infinity(ozk_G_jac *out);
 *   int  ozk_G_jac_is_infinity(const ozk_G_jac *a);
 *   void ozk_G_jac_from_affine(ozk_G_jac *out, const ozk_G *a);
 *   void ozk_G_jac_to_affine(ozk_G *out, const ozk_G_jac *a);         one inversion
 *   int  ozk_G_jac_batch_to_affine(ozk_G *out, const ozk_G_jac *in, size_t n);
 *        n conversions with one inversion (Montgomery's trick); allocates n field elements of
 *        scratch; returns 0, or OZK_ENOMEM (out untouched).
 *   int  ozk_G_jac_eq(const ozk_G_jac *a, const ozk_G_jac *b);        as points, not as triples
 *   void ozk_G_jac_neg(ozk_G_jac *out, const ozk_G_jac *a);
 *   void ozk_G_jac_dbl(ozk_G_jac *out, const ozk_G_jac *a);
 *   void ozk_G_jac_add(ozk_G_jac *out, const ozk_G_jac *a, const ozk_G_jac *b);
 *   void ozk_G_jac_add_affine(ozk_G_jac *out, const ozk_G_jac *a, const ozk_G *b);   mixed
 *   void ozk_G_mul_var(ozk_G_jac *out, const ozk_G *a, const uint64_t k[4]);
 *        [k] a for any 256-bit k (little-endian limbs), like ecMul; double-and-add.
 *
 * Additions handle every case (infinity, equal points, opposite points). Time: everything here
 * depends on the values (branches on special cases, the scalar's bits). That is deliberate: in
 * ozk the curve only ever sees public data (commitments and proofs of a non-hiding proof
 * system); a hiding mode will add constant-time variants under their own names. Outputs may
 * alias inputs.
 *
 *   int ozk_g2_is_in_subgroup(const ozk_g2 *a);   1 if [r] a = infinity (a on the twist)
 */
#ifndef OZK_CURVE_H
#define OZK_CURVE_H

#include <stddef.h>
#include <stdint.h>

#include "ozk/field.h"
#include "ozk/tower.h"

#define OZK_G1_BYTES 64
#define OZK_G2_BYTES 128

typedef struct {
    ozk_fp x, y;
} ozk_g1;

typedef struct {
    ozk_fp x, y, z;
} ozk_g1_jac;

typedef struct {
    ozk_fp2 x, y;
} ozk_g2;

typedef struct {
    ozk_fp2 x, y, z;
} ozk_g2_jac;

#define OZK__EC_DECLARE(G, BYTES)                                                                \
    void ozk_##G##_generator(ozk_##G *out);                                                      \
    void ozk_##G##_set_infinity(ozk_##G *out);                                                   \
    int ozk_##G##_is_infinity(const ozk_##G *a);                                                 \
    int ozk_##G##_is_on_curve(const ozk_##G *a);                                                 \
    int ozk_##G##_eq(const ozk_##G *a, const ozk_##G *b);                                        \
    void ozk_##G##_neg(ozk_##G *out, const ozk_##G *a);                                          \
    int ozk_##G##_from_bytes(ozk_##G *out, const uint8_t in[BYTES]);                             \
    void ozk_##G##_to_bytes(uint8_t out[BYTES], const ozk_##G *a);                               \
    void ozk_##G##_jac_set_infinity(ozk_##G##_jac *out);                                         \
    int ozk_##G##_jac_is_infinity(const ozk_##G##_jac *a);                                       \
    void ozk_##G##_jac_from_affine(ozk_##G##_jac *out, const ozk_##G *a);                        \
    void ozk_##G##_jac_to_affine(ozk_##G *out, const ozk_##G##_jac *a);                          \
    int ozk_##G##_jac_batch_to_affine(ozk_##G *out, const ozk_##G##_jac *in, size_t n);          \
    int ozk_##G##_jac_eq(const ozk_##G##_jac *a, const ozk_##G##_jac *b);                        \
    void ozk_##G##_jac_neg(ozk_##G##_jac *out, const ozk_##G##_jac *a);                          \
    void ozk_##G##_jac_dbl(ozk_##G##_jac *out, const ozk_##G##_jac *a);                          \
    void ozk_##G##_jac_add(ozk_##G##_jac *out, const ozk_##G##_jac *a, const ozk_##G##_jac *b);  \
    void ozk_##G##_jac_add_affine(ozk_##G##_jac *out, const ozk_##G##_jac *a, const ozk_##G *b); \
    void ozk_##G##_mul_var(ozk_##G##_jac *out, const ozk_##G *a, const uint64_t k[4])

OZK__EC_DECLARE(g1, OZK_G1_BYTES);
OZK__EC_DECLARE(g2, OZK_G2_BYTES);

int ozk_g2_is_in_subgroup(const ozk_g2 *a);

#endif
