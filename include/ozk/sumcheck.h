/*
 * ozk/sumcheck.h: the generic sumcheck protocol over Fr (docs/protocol.md, "Sumcheck").
 *
 * Claim: for multilinear tables f_0 .. f_{k-1} of N = 2^nvars evaluations each and a
 * combiner g of degree at most d,
 *     sum_{b in {0,1}^nvars} g(f_0[b], ..., f_{k-1}[b]) = claim.
 * g is a sum of products: g = sum_t c_t prod_{j in S_t} f_j, one ozk_sumcheck_term per t (S_t a
 * list of table indices; a repeated index is a power, an empty list a constant). Examples:
 *     sum_k W(i,k) x(k):        one term {W, x}, c = 1, d = 2   (dense layer)
 *     sum_b eq(z,b) a(b) b(b):  one term {eq, a, b}, d = 3      (zero-check with an eq table)
 *
 * Rounds i = 0 .. nvars-1 bind variable i (LSB first, as everywhere in ozk). In round i the
 * prover sends p_i(X) = sum_{b'} g(f(r_0, .., r_{i-1}, X, b')) by its d + 1 coefficients
 * (degree ascending); the verifier checks p_i(0) + p_i(1) = claim_i, absorbs p_i, draws r_i and
 * sets claim_{i+1} = p_i(r_i). After the last round the sumcheck has reduced the claim to
 *     g(f_0~(r), ..., f_{k-1}~(r)) = claim_nvars,   r = (r_0, ..., r_{nvars-1}),
 * which the sumcheck itself CANNOT check: it knows nothing of the f_j. The caller must check it
 * against oracle evaluations (PCS openings, the next layer's claims, values the verifier
 * computes itself such as eq(z, r)). Hence two verifier calls, both of which must return 1:
 *     ozk_sumcheck_verify_rounds  the round checks; gives r and the expected final value
 *     ozk_sumcheck_verify_final   g(oracle values at r) == expected
 * Both are marked warn_unused_result, which -Werror makes a compile error to ignore. A verifier
 * that runs only the first accepts false claims (design.md pitfall 3; tests/test_sumcheck.c).
 *
 * Transcript, before round 0 (one message): claim (32) || nvars (32-byte word) || d (32-byte
 * word); then per round the d + 1 coefficients as one message and one challenge. The enclosing
 * protocol absorbs the oracle evaluations it later claims.
 *
 * Soundness: a false claim survives with probability at most 1.14 nvars d / r (Schwartz-Zippel
 * per round, times the challenge bias of docs/protocol.md section 2).
 *
 * Conventions: crypto predicates (verify, decode) return 1 / 0; the prover returns 0 or a
 * negative OZK_E* (ozk/error.h). No function prints or does I/O.
 */
#ifndef OZK_SUMCHECK_H
#define OZK_SUMCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "ozk/field.h"
#include "ozk/transcript.h"

#define OZK_SUMCHECK_MAX_VARS   32 /* rounds; tables of up to 2^32 entries */
#define OZK_SUMCHECK_MAX_DEGREE 8  /* d; also the most factors in one term */

#if defined(__GNUC__) || defined(__clang__)
#define OZK__MUST_CHECK __attribute__((warn_unused_result))
#else
#define OZK__MUST_CHECK
#endif

/* One product term c * prod_{m < nfactors} f_{factors[m]} of the combiner. */
typedef struct {
    ozk_fr coeff;
    uint32_t nfactors;                         /* 0 .. OZK_SUMCHECK_MAX_DEGREE */
    uint32_t factors[OZK_SUMCHECK_MAX_DEGREE]; /* table indices, < ntables */
} ozk_sumcheck_term;

/* A sumcheck proof: nvars round polynomials of degree <= degree, by coefficients:
 * p_i(X) = sum_{m <= degree} coeffs[i][m] X^m. */
typedef struct {
    uint32_t nvars, degree;
    ozk_fr coeffs[OZK_SUMCHECK_MAX_VARS][OZK_SUMCHECK_MAX_DEGREE + 1];
} ozk_sumcheck_proof;

/* What ozk_sumcheck_verify_rounds leaves for the final check. */
typedef struct {
    uint32_t nvars;
    ozk_fr point[OZK_SUMCHECK_MAX_VARS]; /* r_0 .. r_{nvars-1} */
    ozk_fr expected;                     /* claim_nvars: g(f~(point)) must equal this */
} ozk_sumcheck_final;

/* The degree of a combiner: the largest nfactors over its terms (0 for no terms). */
uint32_t ozk_sumcheck_combiner_degree(const ozk_sumcheck_term *terms, size_t nterms);

/* g(vals[0], ..., vals[ntables-1]) = sum_t c_t prod_{j in S_t} vals[j]. The caller guarantees
 * every factor index is < the length of vals. */
void ozk_sumcheck_combine(ozk_fr *out, const ozk_sumcheck_term *terms, size_t nterms,
                          const ozk_fr *vals);

/* The prover. tables[j] (j < ntables) points to 2^nvars evaluations of f_j; the tables are
 * read, never written (the prover folds copies in one work buffer of ntables 2^(nvars-1)
 * elements that it allocates once, up front, and frees). claim is the sum being proven; it is
 * absorbed, not checked: a wrong claim yields a proof that fails verification. Writes the
 * proof, point[0 .. nvars) = r and finals[j] = f_j~(r) (the oracle values the caller then
 * proves or passes on; point and finals may be NULL when not wanted).
 * Work over all rounds (2^nvars - 1 pairs of entries): (sum_t (nfactors_t - 1)) d products per
 * pair for the round polynomials (x = 1 is derived from the claim) and ntables per pair for
 * the folds, so O(ntables 2^nvars d) multiplications; no allocation inside the rounds.
 * Returns 0; OZK_EINVAL when nvars > OZK_SUMCHECK_MAX_VARS, degree is 0 or above
 * OZK_SUMCHECK_MAX_DEGREE, ntables is 0, the combiner's degree exceeds degree or a factor index
 * is >= ntables; OZK_ENOMEM. On error t is unchanged. */
int ozk_sumcheck_prove(ozk_sumcheck_proof *proof, ozk_fr *point, ozk_fr *finals, ozk_transcript *t,
                       const ozk_fr *const *tables, size_t ntables, uint32_t nvars,
                       const ozk_sumcheck_term *terms, size_t nterms, uint32_t degree,
                       const ozk_fr *claim);

/* The same with up to two threads (threads 0 or 1: one): each round's pairs split in two halves
 * and the folds by table; the sums are added in a fixed order, so the proof does not depend on
 * the thread count. Rounds with fewer than 4096 pairs run on the caller's thread alone. */
int ozk_sumcheck_prove_mt(ozk_sumcheck_proof *proof, ozk_fr *point, ozk_fr *finals,
                          ozk_transcript *t, const ozk_fr *const *tables, size_t ntables,
                          uint32_t nvars, const ozk_sumcheck_term *terms, size_t nterms,
                          uint32_t degree, const ozk_fr *claim, unsigned threads);

/* The round checks. 1 if proof has exactly nvars rounds of degree exactly `degree` (the
 * statement's, not the proof's choice: a proof of any other degree is rejected) and every round
 * satisfies p_i(0) + p_i(1) = claim_i; then out holds r and the expected final value, and the
 * caller MUST go on to ozk_sumcheck_verify_final (or an equivalent check of its own). Else 0
 * (out is then zeroed). Mirrors the prover's transcript exactly; 0 < degree <=
 * OZK_SUMCHECK_MAX_DEGREE and nvars <= OZK_SUMCHECK_MAX_VARS, else 0. */
OZK__MUST_CHECK int ozk_sumcheck_verify_rounds(ozk_sumcheck_final *out, ozk_transcript *t,
                                               uint32_t nvars, uint32_t degree, const ozk_fr *claim,
                                               const ozk_sumcheck_proof *proof);

/* The final check: 1 if g(oracle[0], ..., oracle[ntables-1]) == fin->expected, else 0 (also 0
 * when a factor index is >= ntables). oracle[j] must be a value the caller trusts to be
 * f_j~(fin->point): an opening it verified, a claim it will verify, or its own computation. */
OZK__MUST_CHECK int ozk_sumcheck_verify_final(const ozk_sumcheck_final *fin,
                                              const ozk_sumcheck_term *terms, size_t nterms,
                                              const ozk_fr *oracle, size_t ntables);

/* Encoding: the coefficients round by round, coefficient 0 first, 32 bytes big-endian each;
 * exactly ozk_sumcheck_proof_size(nvars, degree) = 32 nvars (degree + 1) bytes. nvars and the
 * degree are not in the bytes: the verifier knows them from the statement. decode returns 1, or
 * 0 when len is not exactly that size, nvars or degree is out of range, or an element is >= r
 * (non-canonical). */
size_t ozk_sumcheck_proof_size(uint32_t nvars, uint32_t degree);
void ozk_sumcheck_proof_encode(uint8_t *out, const ozk_sumcheck_proof *proof);
OZK__MUST_CHECK int ozk_sumcheck_proof_decode(ozk_sumcheck_proof *proof, uint32_t nvars,
                                              uint32_t degree, const uint8_t *in, size_t len);

/* Internal (ozk__), shared by prover/sumcheck.c and verifier/sumcheck.c so that the two
 * transcripts cannot drift: the opening message claim || nvars || degree, and p(x) by Horner
 * on degree + 1 coefficients. */
void ozk__sumcheck_absorb_claim(ozk_transcript *t, const ozk_fr *claim, uint32_t nvars,
                                uint32_t degree);
void ozk__sumcheck_poly_eval(ozk_fr *out, const ozk_fr *coeffs, uint32_t degree, const ozk_fr *x);

#endif
