/*
 * ozk/logup.h: LogUp-GKR range checks (docs/protocol.md section 6, "LogUp-GKR range checks").
 *
 * Statement. A witness column w of 2^m field elements (the looked-up values), the table
 * T = {0, 1, ..., 2^k - 1} and a multiplicity column mult of 2^k field elements. Claim:
 *     sum_{b < 2^m} 1 / (a - w[b])  =  sum_{j < 2^k} mult[j] / (a - j),    a = alpha - shift,
 * which, for a random alpha, means every w[b] lies in T (Habock, eprint 2022/1530, Lemma 5; the
 * fractional sums are proven by GKR, Papini and Habock, eprint 2023/1284, section 3).
 *
 * !!! THE CALLER'S OBLIGATIONS. The sub-protocol is sound only if:
 *   1. alpha is a challenge drawn from the caller's transcript AFTER w and mult are committed
 *      and the commitments absorbed (design.md pitfall 6). An alpha known before mult is fixed
 *      lets a prover solve for a mult that balances an out-of-range value (tests/test_logup.c
 *      keeps that forgery as a regression test).
 *   2. The claims that ozk_logup_verify returns are CHECKED: w~(w_point) = w_value and
 *      mult~(mult_point) = mult_value, by PCS openings against the commitments of step 1 (or
 *      by ozk_logup_check_claims with values the caller trusts). Without them the proof says
 *      nothing about the committed columns.
 *   3. Padding of w is by genuine lookups (value 0, counted in mult[0]); the verifier fixes
 *      every witness-side numerator to 1, so a pad cannot be masked out.
 *   4. 2^m < r (always true here: m <= OZK_LOGUP_MAX_VARS): multiplicities need no range check
 *      (docs/protocol.md 6.5).
 *
 * shift (may be NULL, meaning 0) is a tag: denominators become alpha - shift - v on both sides.
 * A caller that merges several tables under one root uses shift = tag * beta, beta another
 * challenge drawn with alpha; one table per call, as here, needs none.
 *
 * Two trees of fractions p/q, one per side (section 6.2), each reduced layer by layer from its
 * root to its leaves by a degree-3 sumcheck (ozk/sumcheck.h). The verifier checks the roots:
 * P_w Q_t - P_t Q_w = 0 (the root numerator of the difference) and Q_w != 0, Q_t != 0 (its
 * denominator), the witness-side leaf numerator (1) and the table-side leaf denominator
 * (alpha - shift - sum_i 2^i z_i) itself, and hands back the claims on w and mult.
 *
 * Conventions: crypto predicates return 1 / 0; the prover returns 0 or a negative OZK_E*
 * (ozk/error.h). No printing or I/O. The proof struct is about 100 KiB: allocate it.
 */
#ifndef OZK_LOGUP_H
#define OZK_LOGUP_H

#include <stddef.h>
#include <stdint.h>

#include "ozk/field.h"
#include "ozk/sumcheck.h"
#include "ozk/transcript.h"

#define OZK_LOGUP_MAX_VARS 28 /* m, k <= 28: up to 2^28 lookups into up to 2^28 entries */

/* Field elements of a proof for (m, k): 4 + 2m^2 + 2m + 2k^2 + 2k (section 6.4). */
#define OZK_LOGUP_ELEMS(m, k) \
    (4 + 2 * (size_t)(m) * (m) + 2 * (size_t)(m) + 2 * (size_t)(k) * (k) + 2 * (size_t)(k))
#define OZK_LOGUP_MAX_ELEMS OZK_LOGUP_ELEMS(OZK_LOGUP_MAX_VARS, OZK_LOGUP_MAX_VARS)

/* A proof: its elements in encoding order (section 6.4): the roots P_w, Q_w, P_t, Q_t, then per
 * layer i = 0 .. m-1 of the witness tree the i rounds of its sumcheck (4 coefficients each)
 * and the four child values p0, p1, q0, q1; then the same for the table tree, i < k. */
typedef struct {
    uint32_t m, k;
    ozk_fr el[OZK_LOGUP_MAX_ELEMS];
} ozk_logup_proof;

/* The claims verification leaves to the caller: w~(w_point) = w_value and
 * mult~(mult_point) = mult_value. */
typedef struct {
    uint32_t m, k;
    ozk_fr w_point[OZK_LOGUP_MAX_VARS], w_value;
    ozk_fr mult_point[OZK_LOGUP_MAX_VARS], mult_value;
} ozk_logup_claims;

/* The table's MLE, T~(z) = sum_{i<k} 2^i z_i (T[j] = j = sum_i 2^i j_i is linear in the bits). */
void ozk_logup_table_eval(ozk_fr *out, const ozk_fr *z, uint32_t k);

/* The prover. w: 2^m values; mult: 2^k multiplicities (mult[j] = #{b : w[b] = j} for an honest
 * statement); alpha: the caller's challenge (obligation 1); shift: NULL or the tag. Writes the
 * proof and, if claims is not NULL, the claims the verifier will return (the caller opens w and
 * mult there). It does not check the statement: invalid lookups give a proof that fails
 * verification. Time O(2^m + 2^k) field operations; memory about 190 (2^m + 2^k) bytes (both
 * trees, an eq table and the sumcheck's work buffer).
 * Returns 0; OZK_EINVAL when m or k > OZK_LOGUP_MAX_VARS; OZK_ERANGE when a leaf denominator
 * is zero (alpha - shift equals some w[b] or some j < 2^k: the fraction is undefined, which an
 * honest alpha hits with probability (2^m + 2^k)/r); OZK_ENOMEM. On OZK_EINVAL and OZK_ERANGE
 * the transcript is unchanged; after OZK_ENOMEM it is unusable. */
int ozk_logup_prove(ozk_logup_proof *proof, ozk_logup_claims *claims, ozk_transcript *t,
                    const ozk_fr *w, uint32_t m, const ozk_fr *mult, uint32_t k,
                    const ozk_fr *alpha, const ozk_fr *shift);

/* The verifier, step 1: 1 if proof has the shape (m, k) and passes the root checks, every
 * layer's sumcheck and final check, the witness-side numerator check and the table-side
 * denominator check; then out holds the claims on w and mult, which the caller MUST check
 * (obligation 2; step 2). Else 0 and out is zeroed. Mirrors the prover's transcript. */
OZK__MUST_CHECK int ozk_logup_verify(ozk_logup_claims *out, ozk_transcript *t, uint32_t m,
                                     uint32_t k, const ozk_fr *alpha, const ozk_fr *shift,
                                     const ozk_logup_proof *proof);

/* Step 2 when the caller holds trusted evaluations (its own computation, or openings it has
 * verified): 1 if w_eval == c->w_value and mult_eval == c->mult_value, else 0. A caller that
 * opens the commitments at (w_point, w_value) and (mult_point, mult_value) instead makes the
 * PCS verification its step 2. */
OZK__MUST_CHECK int ozk_logup_check_claims(const ozk_logup_claims *c, const ozk_fr *w_eval,
                                           const ozk_fr *mult_eval);

/* Encoding: the elements in order, 32 bytes big-endian each; exactly
 * ozk_logup_proof_size(m, k) = 32 OZK_LOGUP_ELEMS(m, k) bytes. decode returns 1, or 0 when m or
 * k is out of range, len is not exactly that size or an element is >= r. */
size_t ozk_logup_proof_size(uint32_t m, uint32_t k);
void ozk_logup_proof_encode(uint8_t *out, const ozk_logup_proof *proof);
OZK__MUST_CHECK int ozk_logup_proof_decode(ozk_logup_proof *proof, uint32_t m, uint32_t k,
                                           const uint8_t *in, size_t len);

/* Internal (ozk__): shared by prover/logup.c and verifier/logup.c so that their transcripts
 * cannot drift, and the test hook. */
void ozk__logup_absorb_statement(ozk_transcript *t, uint32_t m, uint32_t k, const ozk_fr *alpha,
                                 const ozk_fr *shift);
/* Offset in proof->el of layer i's block (its sumcheck, then p0 p1 q0 q1) in tree `side`
 * (0 witness, 1 table). */
size_t ozk__logup_layer_offset(uint32_t m, int side, uint32_t i);
/* The prover with a test hook: wnum (NULL: all ones) replaces the witness-side numerators, and
 * allow_zero_den skips the zero-denominator refusal. Only tests/test_logup.c passes anything
 * but (NULL, 0): it shows that the verifier rejects what such a prover makes. */
int ozk__logup_prove_hooked(ozk_logup_proof *proof, ozk_logup_claims *claims, ozk_transcript *t,
                            const ozk_fr *w, uint32_t m, const ozk_fr *mult, uint32_t k,
                            const ozk_fr *alpha, const ozk_fr *shift, const ozk_fr *wnum,
                            int allow_zero_den);

#endif
