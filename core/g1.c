/*
 * core/g1.c: G1 = E(Fp), y^2 = x^3 + 3, generator (1, 2), order r (EIP-196). The group law is
 * core/ec_impl.h; this file gives it the field and the constants (Montgomery form; their plain
 * values are in the comments, and tests/test_curve.c checks them).
 */
#include "ozk/curve.h"

/* b = 3 */
static const ozk_fp B1 = { { 0x7a17caa950ad28d7ULL, 0x1f6ac17ae15521b9ULL, 0x334bea4e696bd284ULL,
                             0x2a1f6744ce179d8eULL } };

#define EC       g1
#define FE       fp
#define FE_BYTES 32
#define EC_B     (&B1)
/* (1, 2) */
#define EC_GX                                                                    \
    {                                                                            \
        {                                                                        \
            0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, \
                0x0e0a77c19a07df2fULL                                            \
        }                                                                        \
    }
#define EC_GY                                                                    \
    {                                                                            \
        {                                                                        \
            0xa6ba871b8b1e1b3aULL, 0x14f1d651eb8e167bULL, 0xccdd46def0f28c58ULL, \
                0x1c14ef83340fbe5eULL                                            \
        }                                                                        \
    }
#include "ec_impl.h"
