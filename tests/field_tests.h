/*
 * tests/field_tests.h: differential tests of one field of ozk/field.h against GMP.
 *
 * Included once per field by tests/test_field.c with
 *   F     the short name (fr, fp)
 *   F_DEC the modulus in decimal, as EIP-196/197 print it
 * Every operation runs on test_cases(100000) operand sets drawn by draw(): uniform values mixed
 * with edge values (0, 1, 2, m-1, m-2, (m+-1)/2, R, R^-1, 2^64k, ...). The expected value is
 * computed with GMP, an implementation that shares nothing with ours.
 */
#define CAT2(a, b) a##b
#define CAT(a, b)  CAT2(a, b)
#define FN(name)   CAT(CAT(CAT(ozk_, F), _), name)
#define T          CAT(ozk_, F)
#define TN(name)   CAT(CAT(CAT(test_, F), _), name)
#define S(x)       S2(x)
#define S2(x)      #x

#define N_CASES test_cases(100000)

static mpz_t CAT(mod_, F);
#define MODZ CAT(mod_, F)

/* Edge values, filled once by TN(setup). */
#define N_EDGE 23
static mpz_t CAT(edge_, F)[N_EDGE];
#define EDGE CAT(edge_, F)

static int TN(setup)(void **state)
{
    (void)state;
    mpz_init_set_str(MODZ, F_DEC, 10);
    mpz_t R;
    mpz_init(R);
    mpz_ui_pow_ui(R, 2, 256);
    for (int i = 0; i < N_EDGE; i++) mpz_init(EDGE[i]);
    int k = 0;
    mpz_set_ui(EDGE[k++], 0);
    mpz_set_ui(EDGE[k++], 1);
    mpz_set_ui(EDGE[k++], 2);
    mpz_sub_ui(EDGE[k++], MODZ, 1);
    mpz_sub_ui(EDGE[k++], MODZ, 2);
    mpz_sub_ui(EDGE[k], MODZ, 1), mpz_tdiv_q_2exp(EDGE[k], EDGE[k], 1), k++; /* (m-1)/2 */
    mpz_add_ui(EDGE[k], MODZ, 1), mpz_tdiv_q_2exp(EDGE[k], EDGE[k], 1), k++; /* (m+1)/2 */
    mpz_mod(EDGE[k++], R, MODZ);                                             /* R mod m */
    mpz_invert(EDGE[k++], R, MODZ);                                          /* R^-1 mod m */
    mpz_mul(EDGE[k], R, R), mpz_mod(EDGE[k], EDGE[k], MODZ), k++;            /* R^2 mod m */
    for (int e = 64; e <= 192; e += 64) mpz_ui_pow_ui(EDGE[k++], 2, (unsigned long)e);
    mpz_ui_pow_ui(EDGE[k++], 2, 253);
    mpz_ui_pow_ui(EDGE[k], 2, 255), mpz_mod(EDGE[k], EDGE[k], MODZ), k++; /* 2^255 mod m */
    mpz_sub_ui(EDGE[k], R, 1), mpz_mod(EDGE[k], EDGE[k], MODZ), k++;      /* 2^256-1 mod m */
    mpz_ui_pow_ui(EDGE[k], 2, 64), mpz_sub_ui(EDGE[k], EDGE[k], 1), k++;  /* 2^64-1 */
    mpz_ui_pow_ui(EDGE[k], 2, 128), mpz_sub_ui(EDGE[k], EDGE[k], 1), k++; /* 2^128-1 */
    mpz_ui_pow_ui(EDGE[k], 2, 192), mpz_sub_ui(EDGE[k], EDGE[k], 1), k++; /* 2^192-1 */
    mpz_ui_pow_ui(EDGE[k], 2, 253), mpz_sub_ui(EDGE[k], EDGE[k], 1), k++; /* 2^253-1 */
    mpz_set_ui(EDGE[k++], 3);
    mpz_sub_ui(EDGE[k++], MODZ, 3);
    mpz_tdiv_q_2exp(EDGE[k++], MODZ, 64); /* m >> 64 */
    assert_int_equal(k, N_EDGE);
    mpz_clear(R);
    return 0;
}

static int TN(teardown)(void **state)
{
    (void)state;
    mpz_clear(MODZ);
    for (int i = 0; i < N_EDGE; i++) mpz_clear(EDGE[i]);
    return 0;
}

/* mpz from/to 4 little-endian limbs */
static void CAT(to_mpz_, F)(mpz_t out, const uint64_t v[4])
{
    mpz_import(out, 4, -1, sizeof(uint64_t), 0, 0, v);
}

static void CAT(from_mpz_, F)(uint64_t v[4], const mpz_t in)
{
    size_t count = 0;
    v[0] = v[1] = v[2] = v[3] = 0;
    assert_true(mpz_sizeinbase(in, 2) <= 256);
    mpz_export(v, &count, -1, sizeof(uint64_t), 0, 0, in);
}

/* mpz (< 2^256) to 32 bytes big-endian */
static void CAT(to_be32_, F)(uint8_t be[32], const mpz_t v)
{
    uint64_t l[4];
    CAT(from_mpz_, F)(l, v);
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 8; k++) be[(3 - i) * 8 + k] = (uint8_t)(l[i] >> (56 - 8 * k));
}

/* A reduced operand: 1 in 8 an edge value, 1 in 8 a small or sparse value, else uniform. */
static void CAT(draw_, F)(mpz_t out)
{
    uint64_t kind = test_rand_below(8), v[4];
    if (kind == 0) {
        mpz_set(out, EDGE[test_rand_below(N_EDGE)]);
        return;
    }
    for (int i = 0; i < 4; i++) v[i] = test_rand_u64();
    if (kind == 1) {
        int keep = (int)test_rand_below(4); /* keep only limb `keep` and below */
        for (int i = keep + 1; i < 4; i++) v[i] = 0;
        if (test_rand_below(2)) v[0] &= 0xff;
    }
    CAT(to_mpz_, F)(out, v);
    mpz_mod(out, out, MODZ);
}

/* mpz -> field element through from_limbs, which must accept it (it is reduced). */
static void CAT(load_, F)(T *out, const mpz_t in)
{
    uint64_t v[4];
    CAT(from_mpz_, F)(v, in);
    assert_int_equal(FN(from_limbs)(out, v), 1);
}

static void CAT(check_, F)(const T *got, const mpz_t want, const char *op)
{
    uint64_t v[4];
    mpz_t g;
    mpz_init(g);
    FN(to_limbs)(v, got);
    CAT(to_mpz_, F)(g, v);
    if (mpz_cmp(g, want) != 0) {
        gmp_fprintf(stderr, "%s %s: got %Zx, want %Zx\n", S(F), op, g, want);
        mpz_clear(g);
        fail();
    }
    mpz_clear(g);
}

static void TN(constants)(void **state)
{
    (void)state;
    /* the modulus is the BN polynomial at x, and prime */
    mpz_t x, m, t;
    mpz_inits(x, m, t, NULL);
    mpz_set_str(x, "4965661367192848881", 10);
    /* 36x^4 + 36x^3 + c2 x^2 + 6x + 1, c2 = 24 for p and 18 for r */
    int c2 = !strcmp(S(F), "fp") ? 24 : 18;
    mpz_pow_ui(t, x, 4), mpz_mul_ui(t, t, 36), mpz_set(m, t);
    mpz_pow_ui(t, x, 3), mpz_mul_ui(t, t, 36), mpz_add(m, m, t);
    mpz_pow_ui(t, x, 2), mpz_mul_ui(t, t, (unsigned long)c2), mpz_add(m, m, t);
    mpz_mul_ui(t, x, 6), mpz_add(m, m, t), mpz_add_ui(m, m, 1);
    assert_int_equal(mpz_cmp(m, MODZ), 0);
    assert_true(mpz_probab_prime_p(m, 40) > 0);
    CAT(to_mpz_, F)(t, FN(modulus));
    assert_int_equal(mpz_cmp(t, MODZ), 0);
    /* the kernel's preconditions: odd, top limb < 2^62 (two spare bits) */
    assert_true(FN(modulus)[0] & 1);
    assert_true(FN(modulus)[3] < (1ULL << 62));
    /* one and zero */
    T a;
    uint64_t v[4];
    FN(set_one)(&a);
    FN(to_limbs)(v, &a);
    assert_true(v[0] == 1 && v[1] == 0 && v[2] == 0 && v[3] == 0);
    assert_true(FN(is_one)(&a));
    assert_false(FN(is_zero)(&a));
    FN(set_zero)(&a);
    assert_true(FN(is_zero)(&a));
    assert_false(FN(is_one)(&a));
    /* the Montgomery form of 1 is R mod m: the limbs of one are 2^256 mod m */
    FN(set_one)(&a);
    mpz_ui_pow_ui(t, 2, 256), mpz_mod(t, t, MODZ);
    CAT(to_mpz_, F)(m, a.l);
    assert_int_equal(mpz_cmp(m, t), 0);
    mpz_clears(x, m, t, NULL);
}

#ifndef FIELD_TESTS_OPS
#define FIELD_TESTS_OPS
enum { OP_ADD, OP_SUB, OP_NEG, OP_DBL, OP_MUL, OP_SQR, OP_INV, OP_POW };
#endif

static void CAT(binop_, F)(int op)
{
    static const char *names[] = { "add", "sub", "neg", "dbl", "mul", "sqr", "inv", "pow" };
    mpz_t a, b, want;
    mpz_inits(a, b, want, NULL);
    size_t n = N_CASES;
    for (size_t i = 0; i < n; i++) {
        T x, y, z;
        uint64_t e[4];
        CAT(draw_, F)(a);
        CAT(draw_, F)(b);
        CAT(load_, F)(&x, a);
        CAT(load_, F)(&y, b);
        switch (op) {
        case OP_ADD:
            FN(add)(&z, &x, &y), mpz_add(want, a, b);
            break;
        case OP_SUB:
            FN(sub)(&z, &x, &y), mpz_sub(want, a, b);
            break;
        case OP_NEG:
            FN(neg)(&z, &x), mpz_neg(want, a);
            break;
        case OP_DBL:
            FN(dbl)(&z, &x), mpz_mul_ui(want, a, 2);
            break;
        case OP_MUL:
            FN(mul)(&z, &x, &y), mpz_mul(want, a, b);
            break;
        case OP_SQR:
            FN(sqr)(&z, &x), mpz_mul(want, a, a);
            break;
        case OP_INV:
            if (mpz_sgn(a) == 0) {
                assert_int_equal(FN(inv)(&z, &x), 0);
                mpz_set_ui(want, 0);
            } else {
                assert_int_equal(FN(inv)(&z, &x), 1);
                mpz_invert(want, a, MODZ);
            }
            break;
        case OP_POW:
            /* exponents: full 256-bit words, not reduced (the API takes any 256-bit e) */
            for (int k = 0; k < 4; k++) e[k] = test_rand_u64();
            if (test_rand_below(8) == 0) e[1] = e[2] = e[3] = 0, e[0] &= 0xf;
            {
                mpz_t ez;
                mpz_init(ez);
                CAT(to_mpz_, F)(ez, e);
                mpz_powm(want, a, ez, MODZ);
                mpz_clear(ez);
            }
            FN(pow)(&z, &x, e);
            break;
        }
        mpz_mod(want, want, MODZ);
        CAT(check_, F)(&z, want, names[op]);
        /* the same operation in place (out aliasing the first input) agrees */
        if (op == OP_ADD || op == OP_MUL || op == OP_SUB) {
            T w = x;
            if (op == OP_ADD) FN(add)(&w, &w, &y);
            if (op == OP_SUB) FN(sub)(&w, &w, &y);
            if (op == OP_MUL) FN(mul)(&w, &w, &y);
            assert_true(FN(eq)(&w, &z));
        }
    }
    mpz_clears(a, b, want, NULL);
}

/* one cmocka test per operation of binop_F */
#define OP_TEST(name, OP)          \
    static void TN(name)(void **s) \
    {                              \
        (void)s;                   \
        CAT(binop_, F)(OP);        \
    }
OP_TEST(add, OP_ADD)
OP_TEST(sub, OP_SUB)
OP_TEST(neg, OP_NEG)
OP_TEST(dbl, OP_DBL)
OP_TEST(mul, OP_MUL)
OP_TEST(sqr, OP_SQR)
OP_TEST(inv, OP_INV)
OP_TEST(pow, OP_POW)
#undef OP_TEST

static void TN(pow_small)(void **state)
{
    (void)state;
    /* a^0 = 1 (also 0^0), a^1 = a, a^2 = a*a, pow_u64 against GMP */
    mpz_t a, want;
    mpz_inits(a, want, NULL);
    for (size_t i = 0; i < N_CASES / 10; i++) {
        T x, z, sq;
        CAT(draw_, F)(a);
        CAT(load_, F)(&x, a);
        FN(pow_u64)(&z, &x, 0);
        assert_true(FN(is_one)(&z));
        FN(pow_u64)(&z, &x, 1);
        assert_true(FN(eq)(&z, &x));
        FN(pow_u64)(&z, &x, 2);
        FN(sqr)(&sq, &x);
        assert_true(FN(eq)(&z, &sq));
        uint64_t e = test_rand_u64();
        FN(pow_u64)(&z, &x, e);
        mpz_powm_ui(want, a, e, MODZ);
        CAT(check_, F)(&z, want, "pow_u64");
    }
    mpz_clears(a, want, NULL);
}

static void TN(batch_inv)(void **state)
{
    (void)state;
    enum { MAXN = 257 };
    T in[MAXN], out[MAXN];
    mpz_t a[MAXN], want;
    for (int i = 0; i < MAXN; i++) mpz_init(a[i]);
    mpz_init(want);
    size_t total = 0;
    while (total < N_CASES) {
        size_t n = (size_t)test_rand_below(MAXN + 1); /* 0 .. MAXN, including empty */
        int zeros = 0;
        for (size_t i = 0; i < n; i++) {
            CAT(draw_, F)(a[i]);
            if (test_rand_below(16) == 0) mpz_set_ui(a[i], 0);
            zeros |= mpz_sgn(a[i]) == 0;
            CAT(load_, F)(&in[i], a[i]);
        }
        assert_int_equal(FN(batch_inv)(out, in, n), !zeros);
        for (size_t i = 0; i < n; i++) {
            if (mpz_sgn(a[i]) == 0)
                mpz_set_ui(want, 0);
            else
                mpz_invert(want, a[i], MODZ);
            CAT(check_, F)(&out[i], want, "batch_inv");
        }
        total += n + 1;
    }
    for (int i = 0; i < MAXN; i++) mpz_clear(a[i]);
    mpz_clear(want);
}

static void TN(bytes)(void **state)
{
    (void)state;
    mpz_t v, want;
    mpz_inits(v, want, NULL);
    uint8_t be[32], back[32];
    for (size_t i = 0; i < N_CASES; i++) {
        T x;
        /* half: any 256-bit string (3/4 of which are >= m); half: a reduced edge or random */
        if (i % 2) {
            test_rand_bytes(be, 32);
            if (test_rand_below(4) == 0) be[0] &= 0x3f; /* near the modulus's size */
            mpz_import(v, 32, 1, 1, 1, 0, be);
        } else {
            CAT(draw_, F)(v);
            CAT(to_be32_, F)(be, v);
        }
        int canonical = mpz_cmp(v, MODZ) < 0;
        assert_int_equal(FN(from_bytes)(&x, be), canonical);
        if (canonical) {
            CAT(check_, F)(&x, v, "from_bytes");
            FN(to_bytes)(back, &x);
            assert_memory_equal(back, be, 32);
        } else {
            assert_true(FN(is_zero)(&x));
        }
        FN(from_bytes_reduce)(&x, be);
        mpz_mod(want, v, MODZ);
        CAT(check_, F)(&x, want, "from_bytes_reduce");
    }
    /* the boundary exactly: m - 1 accepted, m and m + 1 and 2^256 - 1 rejected */
    mpz_sub_ui(v, MODZ, 1);
    for (int d = 0; d < 3; d++, mpz_add_ui(v, v, 1)) {
        T x;
        CAT(to_be32_, F)(be, v);
        assert_int_equal(FN(from_bytes)(&x, be), d == 0);
    }
    memset(be, 0xff, 32);
    {
        T x;
        assert_int_equal(FN(from_bytes)(&x, be), 0);
    }
    mpz_clears(v, want, NULL);
}

static void TN(limbs)(void **state)
{
    (void)state;
    /* from_limbs rejects exactly the values >= m */
    uint64_t v[4];
    T x;
    memcpy(v, FN(modulus), sizeof v);
    assert_int_equal(FN(from_limbs)(&x, v), 0);
    v[0] -= 1;
    assert_int_equal(FN(from_limbs)(&x, v), 1);
    v[0] += 2;
    assert_int_equal(FN(from_limbs)(&x, v), 0);
    memset(v, 0xff, sizeof v);
    assert_int_equal(FN(from_limbs)(&x, v), 0);
}

static void TN(small_ints)(void **state)
{
    (void)state;
    static const int64_t fixed[] = { 0,    1,     -1,     2,         -2,        127,
                                     -128, 32767, -32768, INT64_MAX, INT64_MIN, INT64_MIN + 1 };
    mpz_t want;
    mpz_init(want);
    size_t nfixed = sizeof fixed / sizeof fixed[0];
    for (size_t i = 0; i < N_CASES; i++) {
        int64_t v = i < nfixed ? fixed[i] : (int64_t)test_rand_u64();
        if (i >= nfixed && i % 3 == 0) v >>= (int)test_rand_below(63); /* small magnitudes */
        T x;
        FN(from_i64)(&x, v);
        mpz_set_si(want, (long)v);
        mpz_mod(want, want, MODZ);
        CAT(check_, F)(&x, want, "from_i64");
        uint64_t u = test_rand_u64();
        FN(from_u64)(&x, u);
        mpz_set_ui(want, (unsigned long)u);
        CAT(check_, F)(&x, want, "from_u64");
    }
    mpz_clear(want);
}

static void TN(hex)(void **state)
{
    (void)state;
    mpz_t v;
    mpz_init(v);
    char hex[67], buf[80];
    for (size_t i = 0; i < N_CASES; i++) {
        T x, y;
        CAT(draw_, F)(v);
        CAT(load_, F)(&x, v);
        FN(to_hex)(hex, &x);
        assert_int_equal(strlen(hex), 66);
        gmp_snprintf(buf, sizeof buf, "0x%064Zx", v);
        assert_string_equal(hex, buf);
        assert_int_equal(FN(from_hex)(&y, hex), 1);
        assert_true(FN(eq)(&x, &y));
        /* without prefix, in upper case and without leading zeros */
        gmp_snprintf(buf, sizeof buf, "%ZX", v);
        assert_int_equal(FN(from_hex)(&y, buf), 1);
        assert_true(FN(eq)(&x, &y));
    }
    /* malformed or out of range */
    static const char *bad[] = {
        "",
        "0x",
        "0X",
        "g",
        "0x1g",
        " 1",
        "1 ",
        "-1",
        "+1",
        "0x-1",
        "00x1",
        "10000000000000000000000000000000000000000000000000000000000000000",
        "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        T x;
        FN(set_one)(&x);
        assert_int_equal(FN(from_hex)(&x, bad[i]), 0);
        assert_true(FN(is_zero)(&x));
    }
    T x;
    gmp_snprintf(buf, sizeof buf, "0x%Zx", MODZ);
    assert_int_equal(FN(from_hex)(&x, buf), 0);
    mpz_sub_ui(v, MODZ, 1);
    gmp_snprintf(buf, sizeof buf, "0x%Zx", v);
    assert_int_equal(FN(from_hex)(&x, buf), 1);
    assert_int_equal(FN(from_hex)(&x, "0x0"), 1);
    assert_true(FN(is_zero)(&x));
    mpz_clear(v);
}

static void TN(eq)(void **state)
{
    (void)state;
    mpz_t a, b;
    mpz_inits(a, b, NULL);
    for (size_t i = 0; i < N_CASES; i++) {
        T x, y;
        CAT(draw_, F)(a);
        if (test_rand_below(2))
            mpz_set(b, a);
        else
            CAT(draw_, F)(b);
        CAT(load_, F)(&x, a);
        CAT(load_, F)(&y, b);
        assert_int_equal(FN(eq)(&x, &y), mpz_cmp(a, b) == 0);
        assert_int_equal(FN(is_zero)(&x), mpz_sgn(a) == 0);
        assert_int_equal(FN(is_one)(&x), mpz_cmp_ui(a, 1) == 0);
    }
    mpz_clears(a, b, NULL);
}

/* one cmocka entry named "fr_mul" etc. */
#define FIELD_TEST(F, name)                                         \
    {                                                               \
#F "_" #name, CAT(CAT(test_, F), _##name), NULL, NULL, NULL \
    }
#define FIELD_TESTS(F)                                                                             \
    FIELD_TEST(F, constants), FIELD_TEST(F, add), FIELD_TEST(F, sub), FIELD_TEST(F, neg),          \
        FIELD_TEST(F, dbl), FIELD_TEST(F, mul), FIELD_TEST(F, sqr), FIELD_TEST(F, inv),            \
        FIELD_TEST(F, pow), FIELD_TEST(F, pow_small), FIELD_TEST(F, batch_inv),                    \
        FIELD_TEST(F, bytes), FIELD_TEST(F, limbs), FIELD_TEST(F, small_ints), FIELD_TEST(F, hex), \
        FIELD_TEST(F, eq)

#undef FN
#undef T
#undef TN
#undef MODZ
#undef EDGE
#undef N_EDGE
