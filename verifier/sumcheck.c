/*
 * verifier/sumcheck.c: sumcheck verification, the final check, the proof encoding and the
 * transcript steps the prover shares (docs/protocol.md, "Sumcheck").
 *
 * Round i with running claim c_i and p_i(X) = sum_{k<=d} a_k X^k (exactly d + 1 coefficients):
 *     check   p_i(0) + p_i(1) = 2 a_0 + a_1 + ... + a_d = c_i
 *     absorb  a_0 || ... || a_d;  r_i = challenge
 *     c_{i+1} = p_i(r_i)  (Horner, d multiplications)
 * and at the end the caller checks g(f~(r)) = c_nvars (ozk_sumcheck_verify_final).
 */
#include <string.h>

#include "ozk/sumcheck.h"

uint32_t ozk_sumcheck_combiner_degree(const ozk_sumcheck_term *terms, size_t nterms)
{
    uint32_t d = 0;
    for (size_t t = 0; t < nterms; t++)
        if (terms[t].nfactors > d) d = terms[t].nfactors;
    return d;
}

void ozk_sumcheck_combine(ozk_fr *out, const ozk_sumcheck_term *terms, size_t nterms,
                          const ozk_fr *vals)
{
    ozk_fr acc, prod;
    ozk_fr_set_zero(&acc);
    for (size_t t = 0; t < nterms; t++) {
        prod = terms[t].coeff;
        for (uint32_t m = 0; m < terms[t].nfactors; m++)
            ozk_fr_mul(&prod, &prod, &vals[terms[t].factors[m]]);
        ozk_fr_add(&acc, &acc, &prod);
    }
    *out = acc;
}

void ozk__sumcheck_absorb_claim(ozk_transcript *t, const ozk_fr *claim, uint32_t nvars,
                                uint32_t degree)
{
    /* one message: claim (32) || nvars (32-byte word) || degree (32-byte word) */
    uint8_t buf[96];
    memset(buf, 0, sizeof buf);
    ozk_fr_to_bytes(buf, claim);
    for (int i = 0; i < 4; i++) {
        buf[63 - i] = (uint8_t)(nvars >> (8 * i));
        buf[95 - i] = (uint8_t)(degree >> (8 * i));
    }
    ozk_transcript_absorb(t, buf, sizeof buf);
}

void ozk__sumcheck_poly_eval(ozk_fr *out, const ozk_fr *coeffs, uint32_t degree, const ozk_fr *x)
{
    ozk_fr acc = coeffs[degree];
    for (uint32_t k = degree; k-- > 0;) {
        ozk_fr_mul(&acc, &acc, x);
        ozk_fr_add(&acc, &acc, &coeffs[k]);
    }
    *out = acc;
}

int ozk_sumcheck_verify_rounds(ozk_sumcheck_final *out, ozk_transcript *t, uint32_t nvars,
                               uint32_t degree, const ozk_fr *claim,
                               const ozk_sumcheck_proof *proof)
{
    memset(out, 0, sizeof *out);
    /* the degree and the number of rounds are the statement's: a proof of another shape
     * (a higher degree included) is rejected, never truncated or padded */
    if (nvars > OZK_SUMCHECK_MAX_VARS || degree == 0 || degree > OZK_SUMCHECK_MAX_DEGREE) return 0;
    if (proof->nvars != nvars || proof->degree != degree) return 0;
    ozk__sumcheck_absorb_claim(t, claim, nvars, degree);
    ozk_fr cur = *claim, s, r;
    for (uint32_t i = 0; i < nvars; i++) {
        const ozk_fr *a = proof->coeffs[i];
        ozk_fr_dbl(&s, &a[0]); /* p(0) + p(1) = 2 a_0 + a_1 + ... + a_d */
        for (uint32_t k = 1; k <= degree; k++) ozk_fr_add(&s, &s, &a[k]);
        if (!ozk_fr_eq(&s, &cur)) goto reject;
        ozk_transcript_absorb_frs(t, a, (size_t)degree + 1);
        ozk_transcript_challenge(t, &r);
        out->point[i] = r;
        ozk__sumcheck_poly_eval(&cur, a, degree, &r);
    }
    out->nvars = nvars;
    out->expected = cur;
    return 1;
reject:
    memset(out, 0, sizeof *out);
    return 0;
}

int ozk_sumcheck_verify_final(const ozk_sumcheck_final *fin, const ozk_sumcheck_term *terms,
                              size_t nterms, const ozk_fr *oracle, size_t ntables)
{
    for (size_t t = 0; t < nterms; t++)
        for (uint32_t m = 0; m < terms[t].nfactors; m++)
            if (terms[t].factors[m] >= ntables) return 0;
    ozk_fr v;
    ozk_sumcheck_combine(&v, terms, nterms, oracle);
    return ozk_fr_eq(&v, &fin->expected);
}

size_t ozk_sumcheck_proof_size(uint32_t nvars, uint32_t degree)
{
    return 32 * (size_t)nvars * ((size_t)degree + 1);
}

void ozk_sumcheck_proof_encode(uint8_t *out, const ozk_sumcheck_proof *proof)
{
    for (uint32_t i = 0; i < proof->nvars; i++)
        for (uint32_t k = 0; k <= proof->degree; k++, out += 32)
            ozk_fr_to_bytes(out, &proof->coeffs[i][k]);
}

int ozk_sumcheck_proof_decode(ozk_sumcheck_proof *proof, uint32_t nvars, uint32_t degree,
                              const uint8_t *in, size_t len)
{
    memset(proof, 0, sizeof *proof);
    if (nvars > OZK_SUMCHECK_MAX_VARS || degree == 0 || degree > OZK_SUMCHECK_MAX_DEGREE ||
        len != ozk_sumcheck_proof_size(nvars, degree))
        return 0;
    for (uint32_t i = 0; i < nvars; i++)
        for (uint32_t k = 0; k <= degree; k++, in += 32)
            if (!ozk_fr_from_bytes(&proof->coeffs[i][k], in)) goto reject;
    proof->nvars = nvars;
    proof->degree = degree;
    return 1;
reject:
    memset(proof, 0, sizeof *proof);
    return 0;
}
