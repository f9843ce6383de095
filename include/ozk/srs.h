/*
 * ozk/srs.h: the structured reference string of ozk's KZG-based polynomial commitment.
 *
 * The SRS is a prefix of a univariate powers-of-tau ceremony: G1 powers [tau^i]_1 for
 * i < 2^log_size, and [1]_2, [tau]_2. A multilinear polynomial of up to log_size variables is
 * committed as sum_b f(b) [tau^b]_1 (docs/protocol.md, "Polynomial commitment"); a smaller one
 * uses a prefix, so one SRS serves every size up to its own. It comes from a public ceremony
 * (`ozk setup --ptau`, snarkjs/Hermez format) or, for development only, from a known tau
 * (`ozk setup --dev`), which is marked insecure in its id, its file and every message about it.
 *
 * SRS id = keccak256("ozk-srs-v1" || insecure (1 byte, 0 or 1) || log_size (4 bytes
 * big-endian) || [1]_2 || [tau]_2 (128 bytes each, EVM encoding)): the G2 elements and the size,
 * which is what a verifier depends on. Verifying keys and generated verifiers name it.
 *
 * File format (all integers big-endian), written by ozk_srs_encode and read by ozk_srs_decode:
 *   offset 0    8 bytes  magic "OZKSRS\0\1" (format version 1)
 *   8           4        flags: bit 0 = insecure (dev); other bits zero
 *   12          4        log_size (at most OZK_SRS_MAX_LOG_SIZE)
 *   16          32       source hash: keccak256 of the ptau file imported (zero for dev)
 *   48          32       SRS id (recomputed and compared on decode)
 *   80          48       zero
 *   128         256      [1]_2, [tau]_2
 *   384         64 n     [tau^i]_1, i < n = 2^log_size (EVM encoding)
 *   384 + 64 n  32       keccak256 of every byte before it (a checksum against corruption)
 */
#ifndef OZK_SRS_H
#define OZK_SRS_H

#include <stddef.h>
#include <stdint.h>

#include "ozk/curve.h"

#define OZK_SRS_MAX_LOG_SIZE 28
#define OZK_SRS_HEADER_BYTES 384

typedef struct {
    uint32_t log_size; /* n = 2^log_size G1 powers */
    size_t n;
    ozk_g1 *g1;              /* [tau^i]_1, i < n; owned (ozk_srs_free) */
    ozk_g2 g2[2];            /* [1]_2, [tau]_2 */
    int insecure;            /* 1: made from a known tau (ozk setup --dev) */
    uint8_t source_hash[32]; /* keccak256 of the source ptau file; zeros for dev */
    uint8_t id[32];          /* see above */
} ozk_srs;

/* Computes the id of srs from its G2 elements, size and insecure flag. */
void ozk_srs_compute_id(uint8_t id[32], const ozk_srs *srs);

/* An insecure SRS of 2^log_size powers from tau = keccak256("ozk-dev-srs" || seed (8 bytes
 * big-endian)) mod r. Returns 0, OZK_EINVAL (log_size too large) or OZK_ENOMEM. Anyone can
 * recompute tau: never for anything but tests and local development. */
int ozk_srs_dev(ozk_srs *out, uint32_t log_size, uint64_t seed);

/* Checks that the G1 powers are consistent with [tau]_2 by one randomised pairing test:
 * e(sum_k rho^k [tau^k]_1, [tau]_2) = e(sum_k rho^k [tau^(k+1)]_1, [1]_2) over k < n - 1, with
 * rho derived from the points themselves; and that [tau]_1 != [1]_1 (a ceremony with no
 * contribution has tau = 1). Returns 1 if consistent, 0 if not; OZK_ENOMEM on allocation
 * failure. */
int ozk_srs_check_powers(const ozk_srs *srs);

/* The file format above. encode writes ozk_srs_encoded_size(srs) bytes into out. decode
 * checks everything (magic, sizes, checksum, id, every point on its curve and G2 in its
 * subgroup) and returns 0, or OZK_EINVAL with a message in err (errlen bytes, may be NULL);
 * OZK_ENOMEM. On success out owns its points. */
size_t ozk_srs_encoded_size(const ozk_srs *srs);
void ozk_srs_encode(uint8_t *out, const ozk_srs *srs);
int ozk_srs_decode(ozk_srs *out, const uint8_t *in, size_t len, char *err, size_t errlen);

/* Frees the points; srs may be zeroed or partly filled. */
void ozk_srs_free(ozk_srs *srs);

#endif
