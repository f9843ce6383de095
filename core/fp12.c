/*
 * core/fp12.c: Fp12 = Fp6[w] / (w^2 - v) (EIP-197), with w^6 = xi = 9 + u.
 *
 * Multiplication is Karatsuba over Fp6 and squaring the complex method (Devegili et al. 2006,
 * section 4). The Frobenius map raises to p^k coefficient by coefficient: writing
 * a = sum_{j<6} a_j w^j with a_j in Fp2, a^(p^k) = sum_j conj^k(a_j) gamma_{k,j} w^j, where
 * gamma_{k,j} = xi^(j (p^k - 1) / 6) (bn254.md section 1.6; tests/test_tower.c recomputes every
 * constant). In the tower, w^j sits at: j=0 c0.c0, j=1 c1.c0, j=2 c0.c1, j=3 c1.c1,
 * j=4 c0.c2, j=5 c1.c2 (since v = w^2).
 */
#include "ozk/tower.h"
#include "tower_internal.h"

/* GAMMA[k-1][j] = xi^(j (p^k - 1) / 6), Montgomery form; generated from the formula and
 * checked by tests/test_tower.c. */
static const ozk_fp2 GAMMA[3][6] = {
    {
        /* gamma_1,0 = 0x1 + 0x0 u */
        { { { 0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL,
              0x0e0a77c19a07df2fULL } },
          { { 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
              0x0000000000000000ULL } } },
        /* gamma_1,1 = 0x1284b71c2865a7dfe8b99fdd76e68b605c521e08292f2176d60b35dadcc9e470 +
           0x246996f3b4fae7e6a6327cfe12150b8e747992778eeec7e5ca5cf05f80f362ac u */
        { { { 0xaf9ba69633144907ULL, 0xca6b1d7387afb78aULL, 0x11bded5ef08a2087ULL,
              0x02f34d751a1f3a7cULL } },
          { { 0xa222ae234c492d72ULL, 0xd00f02a4565de15bULL, 0xdc2ff3a253dfc926ULL,
              0x10a75716b3899551ULL } } },
        /* gamma_1,2 = 0x2fb347984f7911f74c0bec3cf559b143b78cc310c2c3330c99e39557176f553d +
           0x16c9e55061ebae204ba4cc8bd75a079432ae2a1d0b7c9dce1665d51c640fcba2 u */
        { { { 0xb5773b104563ab30ULL, 0x347f91c8a9aa6454ULL, 0x7a007127242e0991ULL,
              0x1956bcd8118214ecULL } },
          { { 0x6e849f1ea0aa4757ULL, 0xaa1c7b6d89f89141ULL, 0xb6e713cdfae0ca3aULL,
              0x26694fbb4e82ebc3ULL } } },
        /* gamma_1,3 = 0x63cf305489af5dcdc5ec698b6e2f9b9dbaae0eda9c95998dc54014671a0135a +
           0x7c03cbcac41049a0704b5a7ec796f2b21807dc98fa25bd282d37f632623b0e3 u */
        { { { 0xe4bbdd0c2936b629ULL, 0xbb30f162e133bacbULL, 0x31a9d1b6f9645366ULL,
              0x253570bea500f8ddULL } },
          { { 0xa1d77ce45ffe77c7ULL, 0x07affd117826d1dbULL, 0x6d16bd27bb7edc6bULL,
              0x2c87200285defeccULL } } },
        /* gamma_1,4 = 0x5b54f5e64eea80180f3c0b75a181e84d33365f7be94ec72848a1f55921ea762 +
           0x2c145edbe7fd8aee9f3a80b03b0b1c923685d2ea1bdec763c13b4711cd2b8126 u */
        { { { 0x7361d77f843abe92ULL, 0xa5bb2bd3273411fbULL, 0x9c941f314b3e2399ULL,
              0x15df9cddbb9fd3ecULL } },
          { { 0x5dddfd154bd8c949ULL, 0x62cb29a5a4445b60ULL, 0x37bc870a0c7dd2b9ULL,
              0x24830a9d3171f0fdULL } } },
        /* gamma_1,5 = 0x183c1e74f798649e93a3661a4353ff4425c459b55aa1bd32ea2c810eab7692f +
           0x12acf2ca76fd0675a27fb246c7729f7db080cb99678e2ac024c6b8ee6e0c2c4b u */
        { { { 0xc970692f41690fe7ULL, 0xe240342127694b0bULL, 0x32bee66b83c459e8ULL,
              0x12aabced0ab08841ULL } },
          { { 0x0d485d2340aebfa9ULL, 0x05193418ab2fcc57ULL, 0xd3b0a40b8a4910f5ULL,
              0x2f21ebb535d2925aULL } } },
    },
    {
        /* gamma_2,0 = 0x1 + 0x0 u */
        { { { 0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL,
              0x0e0a77c19a07df2fULL } },
          { { 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
              0x0000000000000000ULL } } },
        /* gamma_2,1 = 0x30644e72e131a0295e6dd9e7e0acccb0c28f069fbb966e3de4bd44e5607cfd49 + 0x0 u */
        { { { 0xca8d800500fa1bf2ULL, 0xf0c5d61468b39769ULL, 0x0e201271ad0d4418ULL,
              0x04290f65bad856e6ULL } },
          { { 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
              0x0000000000000000ULL } } },
        /* gamma_2,2 = 0x30644e72e131a0295e6dd9e7e0acccb0c28f069fbb966e3de4bd44e5607cfd48 + 0x0 u */
        { { { 0x3350c88e13e80b9cULL, 0x7dce557cdb5e56b9ULL, 0x6001b4b8b615564aULL,
              0x2682e617020217e0ULL } },
          { { 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
              0x0000000000000000ULL } } },
        /* gamma_2,3 = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd46 + 0x0 u */
        { { { 0x68c3488912edefaaULL, 0x8d087f6872aabf4fULL, 0x51e1a24709081231ULL,
              0x2259d6b14729c0faULL } },
          { { 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
              0x0000000000000000ULL } } },
        /* gamma_2,4 = 0x59e26bcea0d48bacd4f263f1acdb5c4f5763473177fffffe + 0x0 u */
        { { { 0x71930c11d782e155ULL, 0xa6bb947cffbe3323ULL, 0xaa303344d4741444ULL,
              0x2c3b3f0d26594943ULL } },
          { { 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
              0x0000000000000000ULL } } },
        /* gamma_2,5 = 0x59e26bcea0d48bacd4f263f1acdb5c4f5763473177ffffff + 0x0 u */
        { { { 0x08cfc388c494f1abULL, 0x19b315148d1373d4ULL, 0x584e90fdcb6c0213ULL,
              0x09e1685bdf2f8849ULL } },
          { { 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
              0x0000000000000000ULL } } },
    },
    {
        /* gamma_3,0 = 0x1 + 0x0 u */
        { { { 0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL,
              0x0e0a77c19a07df2fULL } },
          { { 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
              0x0000000000000000ULL } } },
        /* gamma_3,1 = 0x19dc81cfcc82e4bbefe9608cd0acaa90894cb38dbe55d24ae86f7d391ed4a67f +
           0xabf8b60be77d7306cbeee33576139d7f03a5e397d439ec7694aa2bf4c0c101 u */
        { { { 0x365316184e46d97dULL, 0x0af7129ed4c96d9fULL, 0x659da72fca1009b5ULL,
              0x08116d8983a20d23ULL } },
          { { 0xb1df4af7c39c1939ULL, 0x3d9f02878a73bf7fULL, 0x9b2220928caf0ae0ULL,
              0x26684515eff054a6ULL } } },
        /* gamma_3,2 = 0x856e078b755ef0abaff1c77959f25ac805ffd3d5d6942d37b746ee87bdcfb6d +
           0x4f1de41b3d1766fa9f30e6dec26094f0fdf31bf98ff2631380cab2baaa586de u */
        { { { 0xc9af22f716ad6badULL, 0xb311782a4aa662b2ULL, 0x19eeaf64e248c7f4ULL,
              0x20273e77e3439f82ULL } },
          { { 0xacc02860f7ce93acULL, 0x3933d5817ba76b4cULL, 0x69e6188b446c8467ULL,
              0x0a46036d4417cc55ULL } } },
        /* gamma_3,3 = 0x2a275b6d9896aa4cdbf17f1dca9e5ea3bbd689a3bea870f45fcc8ad066dce9ed +
           0x28a411b634f09b8fb14b900e9507e9327600ecc7d8cf6ebab94d0cb3b2594c64 u */
        { { { 0x5764af0aaf46471eULL, 0xdc50792e873e0fc1ULL, 0x86a673ff881d04f6ULL,
              0x0b2eddb43c30a74cULL } },
          { { 0x9a490f32787e8580ULL, 0x8fd16d7ff04af8b1ULL, 0x4b39888ec6027bf2ULL,
              0x03dd2e705b52a15dULL } } },
        /* gamma_3,4 = 0xbc58c6611c08dab19bee0f7b5b2444ee633094575b06bcb0e1a92bc3ccbf066 +
           0x23d5e999e1910a12feb0f6ef0cd21d04a44a9e08737f96e55fe3ed9d730c239f u */
        { { { 0x448a93a57b6762dfULL, 0xbfd62df528fdeadfULL, 0xd858f5d00e9bd47aULL,
              0x06b03d4d3476ec58ULL } },
          { { 0x2b19daf4bcc936d1ULL, 0xa1a54e7a56f4299fULL, 0xb533eee05adeaef1ULL,
              0x170c812b84dda0b2ULL } } },
        /* gamma_3,5 = 0x13c49044952c0905711699fa3b4d3f692ed68098967c84a5ebde847076261b43 +
           0x16db366a59b1dd0b9fb1b2282a48633d3e2ddaea200280211f25041384282499 u */
        { { { 0xe0bc4b2275cf559fULL, 0xc238b945c154e60fULL, 0x803982a5929a7d5eULL,
              0x15ce052df7e4a37eULL } },
          { { 0x2d28efbdbf3799a7ULL, 0x9b097e3c1ad60773ULL, 0x982d4113af4a535bULL,
              0x24e18991e3056063ULL } } },
    },
};

void ozk_fp12_set_one(ozk_fp12 *out)
{
    ozk_fp6_set_one(&out->c0);
    ozk_fp6_set_zero(&out->c1);
}

void ozk_fp12_mul(ozk_fp12 *out, const ozk_fp12 *a, const ozk_fp12 *b)
{
    /* Karatsuba: t0 = a0 b0, t1 = a1 b1, c0 = t0 + v t1, c1 = (a0 + a1)(b0 + b1) - t0 - t1 */
    ozk_fp6 t0, t1, s, t;
    ozk_fp6_mul(&t0, &a->c0, &b->c0);
    ozk_fp6_mul(&t1, &a->c1, &b->c1);
    ozk_fp6_add(&s, &a->c0, &a->c1);
    ozk_fp6_add(&t, &b->c0, &b->c1);
    ozk_fp6_mul(&s, &s, &t);
    ozk_fp6_sub(&s, &s, &t0);
    ozk_fp6_sub(&out->c1, &s, &t1);
    ozk_fp6_mul_by_v(&t1, &t1);
    ozk_fp6_add(&out->c0, &t0, &t1);
}

void ozk_fp12_sqr(ozk_fp12 *out, const ozk_fp12 *a)
{
    /* complex squaring: m = a0 a1; c0 = (a0 + a1)(a0 + v a1) - m - v m; c1 = 2 m */
    ozk_fp6 m, s, t;
    ozk_fp6_mul(&m, &a->c0, &a->c1);
    ozk_fp6_add(&s, &a->c0, &a->c1);
    ozk_fp6_mul_by_v(&t, &a->c1);
    ozk_fp6_add(&t, &t, &a->c0);
    ozk_fp6_mul(&s, &s, &t);
    ozk_fp6_sub(&s, &s, &m);
    ozk_fp6_mul_by_v(&t, &m);
    ozk_fp6_sub(&out->c0, &s, &t);
    ozk_fp6_add(&out->c1, &m, &m);
}

int ozk_fp12_inv(ozk_fp12 *out, const ozk_fp12 *a)
{
    /* 1 / (a0 + a1 w) = (a0 - a1 w) / (a0^2 - v a1^2) */
    ozk_fp6 t0, t1;
    ozk_fp6_sqr(&t0, &a->c0);
    ozk_fp6_sqr(&t1, &a->c1);
    ozk_fp6_mul_by_v(&t1, &t1);
    ozk_fp6_sub(&t0, &t0, &t1);
    int ok = ozk_fp6_inv(&t0, &t0);
    ozk_fp6_mul(&out->c0, &a->c0, &t0);
    ozk_fp6_mul(&t1, &a->c1, &t0);
    ozk_fp6_neg(&out->c1, &t1);
    return ok;
}

void ozk_fp12_conj(ozk_fp12 *out, const ozk_fp12 *a)
{
    out->c0 = a->c0;
    ozk_fp6_neg(&out->c1, &a->c1);
}

/* coefficient j of w^j: the tower slot that holds it */
static ozk_fp2 *slot(ozk_fp12 *a, int j)
{
    ozk_fp6 *half = j % 2 ? &a->c1 : &a->c0;
    return j / 2 == 0 ? &half->c0 : j / 2 == 1 ? &half->c1 : &half->c2;
}

void ozk_fp12_frobenius(ozk_fp12 *out, const ozk_fp12 *a, int k)
{
    *out = *a;
    if (k < 1 || k > 3) return;
    for (int j = 0; j < 6; j++) {
        ozk_fp2 *c = slot(out, j);
        if (k % 2) ozk_fp2_conj(c, c); /* conj^k: p is odd, p^2 acts trivially on Fp2 */
        ozk_fp2_mul(c, c, &GAMMA[k - 1][j]);
    }
}

void ozk_fp12_pow_var(ozk_fp12 *out, const ozk_fp12 *a, const uint64_t *e, size_t n)
{
    /* left to right, starting at the top set bit of e */
    ozk_fp12 acc;
    ozk_fp12_set_one(&acc);
    int started = 0;
    for (size_t i = n; i-- > 0;)
        for (int b = 63; b >= 0; b--) {
            if (started) ozk_fp12_sqr(&acc, &acc);
            if (e[i] >> b & 1) {
                ozk_fp12_mul(&acc, &acc, a);
                started = 1;
            }
        }
    *out = acc;
}

int ozk_fp12_eq(const ozk_fp12 *a, const ozk_fp12 *b)
{
    return ozk_fp6_eq(&a->c0, &b->c0) & ozk_fp6_eq(&a->c1, &b->c1);
}

int ozk_fp12_is_one(const ozk_fp12 *a)
{
    ozk_fp12 one;
    ozk_fp12_set_one(&one);
    return ozk_fp12_eq(a, &one);
}

const ozk_fp2 *ozk__fp12_gamma(int k, int j)
{
    return &GAMMA[k - 1][j];
}

/* out = x * (b + c v) in Fp6: (x0 b + xi x2 c) + (x0 c + x1 b) v + (x1 c + x2 b) v^2 */
static void fp6_mul_by_01(ozk_fp6 *out, const ozk_fp6 *x, const ozk_fp2 *b, const ozk_fp2 *c)
{
    ozk_fp2 t0, t1, c0, c1, c2;
    ozk_fp2_mul(&t0, &x->c0, b);
    ozk_fp2_mul(&t1, &x->c2, c);
    ozk_fp2_mul_xi(&t1, &t1);
    ozk_fp2_add(&c0, &t0, &t1);
    ozk_fp2_mul(&t0, &x->c0, c);
    ozk_fp2_mul(&t1, &x->c1, b);
    ozk_fp2_add(&c1, &t0, &t1);
    ozk_fp2_mul(&t0, &x->c1, c);
    ozk_fp2_mul(&t1, &x->c2, b);
    ozk_fp2_add(&c2, &t0, &t1);
    out->c0 = c0;
    out->c1 = c1;
    out->c2 = c2;
}

void ozk__fp12_mul_by_line(ozk_fp12 *out, const ozk_fp12 *a, const ozk_fp2 *l0, const ozk_fp2 *l1,
                           const ozk_fp2 *l3)
{
    /* l = L0 + L1 w with L0 = l0 (in Fp6: (l0, 0, 0)) and L1 = l1 + l3 v.
     * a l = (a0 L0 + v a1 L1) + ((a0 + a1)(L0 + L1) - a0 L0 - a1 L1) w (Karatsuba) */
    ozk_fp6 t0, t1, s;
    ozk_fp2 b;
    ozk_fp2_mul(&t0.c0, &a->c0.c0, l0); /* t0 = a0 L0 */
    ozk_fp2_mul(&t0.c1, &a->c0.c1, l0);
    ozk_fp2_mul(&t0.c2, &a->c0.c2, l0);
    fp6_mul_by_01(&t1, &a->c1, l1, l3); /* t1 = a1 L1 */
    ozk_fp6_add(&s, &a->c0, &a->c1);    /* s = (a0 + a1)(L0 + L1), L0 + L1 = (l0 + l1) + l3 v */
    ozk_fp2_add(&b, l0, l1);
    fp6_mul_by_01(&s, &s, &b, l3);
    ozk_fp6_sub(&s, &s, &t0);
    ozk_fp6_sub(&out->c1, &s, &t1);
    ozk_fp6_mul_by_v(&t1, &t1);
    ozk_fp6_add(&out->c0, &t0, &t1);
}
