/*
 * core/fp.c: Fp, the BN254 base field (coordinates of G1; G2 and the pairing via the tower).
 *
 * p = 36x^4 + 36x^3 + 24x^2 + 6x + 1, x = 4965661367192848881 (EIP-196; bn254.md 1.1).
 * tests/test_field.c recomputes every constant below with GMP.
 */
#include "ozk/field.h"

#define OZK__F fp
/* p */
#define OZK__F_MOD \
    0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL
/* -p^-1 mod 2^64 */
#define OZK__F_N0 0x87d20782e4866389ULL
/* 2^256 mod p */
#define OZK__F_R1 \
    0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL
/* 2^512 mod p */
#define OZK__F_R2 \
    0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL, 0x06d89f71cab8351fULL

#include "field_impl.h"
