/*
 * core/fr.c: Fr, the BN254 scalar field (the order r of G1 and G2).
 *
 * r = 36x^4 + 36x^3 + 18x^2 + 6x + 1, x = 4965661367192848881 (EIP-197; bn254.md 1.1).
 * tests/test_field.c recomputes every constant below with GMP.
 */
#include "ozk/field.h"

#define OZK__F fr
/* r */
#define OZK__F_MOD \
    0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL
/* -r^-1 mod 2^64 */
#define OZK__F_N0 0xc2e1f593efffffffULL
/* 2^256 mod r */
#define OZK__F_R1 \
    0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL, 0x666ea36f7879462eULL, 0x0e0a77c19a07df2fULL
/* 2^512 mod r */
#define OZK__F_R2 \
    0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL, 0x8c49833d53bb8085ULL, 0x0216d0b17f4e44a5ULL

#include "field_impl.h"
