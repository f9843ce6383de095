/*
 * core/ec_impl.h: short Weierstrass curves y^2 = x^3 + b (a = 0) over a field, in affine and
 * Jacobian coordinates (internal). Included once per group by core/g1.c and core/g2.c, which
 * first define
 *   EC         the group's short name (g1, g2)
 *   FE         the coordinate field's short name (fp, fp2)
 *   FE_BYTES   the size of one encoded coordinate (32, 64)
 *   EC_B       an expression for a pointer to the constant b
 *   EC_GX, EC_GY   initializers of the generator's coordinates (Montgomery form)
 * and, for G2, EC_CHECK_SUBGROUP to make from_bytes reject points outside the subgroup.
 *
 * Formulas: Bernstein and Lange, Explicit-Formulas Database, "Jacobian coordinates with a4 = 0"
 * (https://hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-0.html): dbl-2009-l, add-2007-bl,
 * madd-2007-bl. Op counts in field multiplications (M) and squarings (S).
 */
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"

#define EC_CAT2(a, b) a##b
#define EC_CAT(a, b)  EC_CAT2(a, b)
#define GN(name)      EC_CAT(EC_CAT(EC_CAT(ozk_, EC), _), name)
#define FN(name)      EC_CAT(EC_CAT(EC_CAT(ozk_, FE), _), name)
#define P             EC_CAT(ozk_, EC)
#define PJ            EC_CAT(EC_CAT(ozk_, EC), _jac)
#define F             EC_CAT(ozk_, FE)

static const P GENERATOR = { EC_GX, EC_GY };

void GN(generator)(P *out)
{
    *out = GENERATOR;
}

void GN(set_infinity)(P *out)
{
    FN(set_zero)(&out->x);
    FN(set_zero)(&out->y);
}

int GN(is_infinity)(const P *a)
{
    return FN(is_zero)(&a->x) & FN(is_zero)(&a->y);
}

int GN(is_on_curve)(const P *a)
{
    if (GN(is_infinity)(a)) return 1;
    F lhs, rhs;
    FN(sqr)(&lhs, &a->y);       /* y^2 */
    FN(sqr)(&rhs, &a->x);       /* x^2 */
    FN(mul)(&rhs, &rhs, &a->x); /* x^3 */
    FN(add)(&rhs, &rhs, EC_B);  /* x^3 + b */
    return FN(eq)(&lhs, &rhs);
}

int GN(eq)(const P *a, const P *b)
{
    return FN(eq)(&a->x, &b->x) & FN(eq)(&a->y, &b->y);
}

void GN(neg)(P *out, const P *a)
{
    out->x = a->x;
    FN(neg)(&out->y, &a->y); /* -(0, 0) = (0, 0): infinity stays infinity */
}

int GN(from_bytes)(P *out, const uint8_t in[2 * FE_BYTES])
{
    int ok = FN(from_bytes)(&out->x, in) & FN(from_bytes)(&out->y, in + FE_BYTES);
    ok = ok && GN(is_on_curve)(out);
#ifdef EC_CHECK_SUBGROUP
    ok = ok && EC_CHECK_SUBGROUP(out);
#endif
    if (!ok) GN(set_infinity)(out);
    return ok;
}

void GN(to_bytes)(uint8_t out[2 * FE_BYTES], const P *a)
{
    FN(to_bytes)(out, &a->x);
    FN(to_bytes)(out + FE_BYTES, &a->y);
}

void GN(jac_set_infinity)(PJ *out)
{
    FN(set_one)(&out->x);
    FN(set_one)(&out->y);
    FN(set_zero)(&out->z);
}

int GN(jac_is_infinity)(const PJ *a)
{
    return FN(is_zero)(&a->z);
}

void GN(jac_from_affine)(PJ *out, const P *a)
{
    if (GN(is_infinity)(a)) {
        GN(jac_set_infinity)(out);
        return;
    }
    out->x = a->x;
    out->y = a->y;
    FN(set_one)(&out->z);
}

void GN(jac_to_affine)(P *out, const PJ *a)
{
    if (GN(jac_is_infinity)(a)) {
        GN(set_infinity)(out);
        return;
    }
    F zi, zi2, zi3;
    FN(inv)(&zi, &a->z);
    FN(sqr)(&zi2, &zi);
    FN(mul)(&zi3, &zi2, &zi);
    FN(mul)(&out->x, &a->x, &zi2); /* x = X / Z^2 */
    FN(mul)(&out->y, &a->y, &zi3); /* y = Y / Z^3 */
}

int GN(jac_batch_to_affine)(P *out, const PJ *in, size_t n)
{
    F *zinv = malloc((n ? n : 1) * sizeof *zinv), *z = malloc((n ? n : 1) * sizeof *z);
    if (!zinv || !z) {
        free(zinv);
        free(z);
        return OZK_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) z[i] = in[i].z;
    /* Montgomery's trick, with zeros (points at infinity) skipped */
    F acc, t;
    FN(set_one)(&acc);
    for (size_t i = 0; i < n; i++) {
        zinv[i] = acc;
        if (!FN(is_zero)(&z[i])) FN(mul)(&acc, &acc, &z[i]);
    }
    FN(inv)(&acc, &acc);
    for (size_t i = n; i-- > 0;) {
        if (FN(is_zero)(&z[i])) continue;
        FN(mul)(&t, &acc, &zinv[i]); /* 1 / z_i */
        FN(mul)(&acc, &acc, &z[i]);
        zinv[i] = t;
    }
    for (size_t i = 0; i < n; i++) {
        if (FN(is_zero)(&z[i])) {
            GN(set_infinity)(&out[i]);
            continue;
        }
        F zi2, zi3;
        FN(sqr)(&zi2, &zinv[i]);
        FN(mul)(&zi3, &zi2, &zinv[i]);
        FN(mul)(&out[i].x, &in[i].x, &zi2);
        FN(mul)(&out[i].y, &in[i].y, &zi3);
    }
    free(zinv);
    free(z);
    return 0;
}

int GN(jac_eq)(const PJ *a, const PJ *b)
{
    int ia = GN(jac_is_infinity)(a), ib = GN(jac_is_infinity)(b);
    if (ia || ib) return ia && ib;
    /* X1 Z2^2 = X2 Z1^2 and Y1 Z2^3 = Y2 Z1^3 */
    F z1z1, z2z2, l, r, t;
    FN(sqr)(&z1z1, &a->z);
    FN(sqr)(&z2z2, &b->z);
    FN(mul)(&l, &a->x, &z2z2);
    FN(mul)(&r, &b->x, &z1z1);
    if (!FN(eq)(&l, &r)) return 0;
    FN(mul)(&t, &z2z2, &b->z);
    FN(mul)(&l, &a->y, &t);
    FN(mul)(&t, &z1z1, &a->z);
    FN(mul)(&r, &b->y, &t);
    return FN(eq)(&l, &r);
}

void GN(jac_neg)(PJ *out, const PJ *a)
{
    out->x = a->x;
    FN(neg)(&out->y, &a->y);
    out->z = a->z;
}

void GN(jac_dbl)(PJ *out, const PJ *a)
{
    /* dbl-2009-l: 2M + 5S */
    if (GN(jac_is_infinity)(a) || FN(is_zero)(&a->y)) { /* y = 0 has no point of order 2 here */
        GN(jac_set_infinity)(out);
        return;
    }
    F A, B, C, D, E, Fv, t;
    FN(sqr)(&A, &a->x);     /* A = X1^2 */
    FN(sqr)(&B, &a->y);     /* B = Y1^2 */
    FN(sqr)(&C, &B);        /* C = B^2 */
    FN(add)(&t, &a->x, &B); /* D = 2((X1 + B)^2 - A - C) */
    FN(sqr)(&t, &t);
    FN(sub)(&t, &t, &A);
    FN(sub)(&t, &t, &C);
    FN(dbl)(&D, &t);
    FN(dbl)(&E, &A); /* E = 3A */
    FN(add)(&E, &E, &A);
    FN(sqr)(&Fv, &E);               /* F = E^2 */
    FN(mul)(&out->z, &a->y, &a->z); /* Z3 = 2 Y1 Z1 (before X3, Y3 overwrite an aliased a) */
    FN(dbl)(&out->z, &out->z);
    FN(dbl)(&t, &D); /* X3 = F - 2D */
    FN(sub)(&out->x, &Fv, &t);
    FN(sub)(&t, &D, &out->x); /* Y3 = E (D - X3) - 8C */
    FN(mul)(&t, &E, &t);
    FN(dbl)(&C, &C);
    FN(dbl)(&C, &C);
    FN(dbl)(&C, &C);
    FN(sub)(&out->y, &t, &C);
}

void GN(jac_add)(PJ *out, const PJ *a, const PJ *b)
{
    /* add-2007-bl: 11M + 5S */
    if (GN(jac_is_infinity)(a)) {
        *out = *b;
        return;
    }
    if (GN(jac_is_infinity)(b)) {
        *out = *a;
        return;
    }
    F z1z1, z2z2, u1, u2, s1, s2, h, i, j, r, v, t;
    FN(sqr)(&z1z1, &a->z);      /* Z1Z1 = Z1^2 */
    FN(sqr)(&z2z2, &b->z);      /* Z2Z2 = Z2^2 */
    FN(mul)(&u1, &a->x, &z2z2); /* U1 = X1 Z2Z2 */
    FN(mul)(&u2, &b->x, &z1z1); /* U2 = X2 Z1Z1 */
    FN(mul)(&s1, &a->y, &b->z); /* S1 = Y1 Z2 Z2Z2 */
    FN(mul)(&s1, &s1, &z2z2);
    FN(mul)(&s2, &b->y, &a->z); /* S2 = Y2 Z1 Z1Z1 */
    FN(mul)(&s2, &s2, &z1z1);
    FN(sub)(&h, &u2, &u1); /* H = U2 - U1 */
    FN(sub)(&r, &s2, &s1); /* r = 2 (S2 - S1) */
    if (FN(is_zero)(&h)) {
        if (FN(is_zero)(&r)) { /* a = b */
            GN(jac_dbl)(out, a);
        } else { /* a = -b */
            GN(jac_set_infinity)(out);
        }
        return;
    }
    FN(dbl)(&r, &r);
    FN(dbl)(&i, &h); /* I = (2H)^2 */
    FN(sqr)(&i, &i);
    FN(mul)(&j, &h, &i);       /* J = H I */
    FN(mul)(&v, &u1, &i);      /* V = U1 I */
    FN(add)(&t, &a->z, &b->z); /* Z3 = ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H */
    FN(sqr)(&t, &t);
    FN(sub)(&t, &t, &z1z1);
    FN(sub)(&t, &t, &z2z2);
    FN(mul)(&out->z, &t, &h);
    FN(sqr)(&t, &r); /* X3 = r^2 - J - 2V */
    FN(sub)(&t, &t, &j);
    FN(sub)(&t, &t, &v);
    FN(sub)(&out->x, &t, &v);
    FN(sub)(&t, &v, &out->x); /* Y3 = r (V - X3) - 2 S1 J */
    FN(mul)(&t, &r, &t);
    FN(mul)(&s1, &s1, &j);
    FN(dbl)(&s1, &s1);
    FN(sub)(&out->y, &t, &s1);
}

void GN(jac_add_affine)(PJ *out, const PJ *a, const P *b)
{
    /* madd-2007-bl: 7M + 4S */
    if (GN(is_infinity)(b)) {
        *out = *a;
        return;
    }
    if (GN(jac_is_infinity)(a)) {
        GN(jac_from_affine)(out, b);
        return;
    }
    F z1z1, u2, s2, h, hh, i, j, r, v, t;
    FN(sqr)(&z1z1, &a->z);      /* Z1Z1 = Z1^2 */
    FN(mul)(&u2, &b->x, &z1z1); /* U2 = X2 Z1Z1 */
    FN(mul)(&s2, &b->y, &a->z); /* S2 = Y2 Z1 Z1Z1 */
    FN(mul)(&s2, &s2, &z1z1);
    FN(sub)(&h, &u2, &a->x); /* H = U2 - X1 */
    FN(sub)(&r, &s2, &a->y); /* r = 2 (S2 - Y1) */
    if (FN(is_zero)(&h)) {
        if (FN(is_zero)(&r)) {
            GN(jac_dbl)(out, a);
        } else {
            GN(jac_set_infinity)(out);
        }
        return;
    }
    FN(dbl)(&r, &r);
    FN(sqr)(&hh, &h); /* HH = H^2 */
    FN(dbl)(&i, &hh); /* I = 4 HH */
    FN(dbl)(&i, &i);
    FN(mul)(&j, &h, &i);    /* J = H I */
    FN(mul)(&v, &a->x, &i); /* V = X1 I */
    FN(add)(&t, &a->z, &h); /* Z3 = (Z1 + H)^2 - Z1Z1 - HH */
    FN(sqr)(&t, &t);
    FN(sub)(&t, &t, &z1z1);
    FN(sub)(&t, &t, &hh);
    F y1 = a->y; /* kept: out may alias a */
    out->z = t;
    FN(sqr)(&t, &r); /* X3 = r^2 - J - 2V */
    FN(sub)(&t, &t, &j);
    FN(sub)(&t, &t, &v);
    FN(sub)(&out->x, &t, &v);
    FN(sub)(&t, &v, &out->x); /* Y3 = r (V - X3) - 2 Y1 J */
    FN(mul)(&t, &r, &t);
    FN(mul)(&y1, &y1, &j);
    FN(dbl)(&y1, &y1);
    FN(sub)(&out->y, &t, &y1);
}

void GN(mul_var)(PJ *out, const P *a, const uint64_t k[4])
{
    /* left-to-right double-and-add over all 256 bits of k (k may exceed r, as in ecMul) */
    PJ acc;
    GN(jac_set_infinity)(&acc);
    int started = 0;
    for (int bit = 255; bit >= 0; bit--) {
        if (started) GN(jac_dbl)(&acc, &acc);
        if (k[bit / 64] >> (bit % 64) & 1) {
            GN(jac_add_affine)(&acc, &acc, a);
            started = 1;
        }
    }
    *out = acc;
}

#undef GN
#undef FN
#undef P
#undef PJ
#undef F
#undef EC_CAT
#undef EC_CAT2
