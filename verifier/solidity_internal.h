/*
 * verifier/solidity_internal.h: the generated Solidity verifier (verifier/solidity.c), which
 * `ozk gen-verifier` writes and the tests compile (internal).
 */
#ifndef OZK_VERIFIER_SOLIDITY_INTERNAL_H
#define OZK_VERIFIER_SOLIDITY_INTERNAL_H

#include <stddef.h>

#include "proof_internal.h"

/* The Solidity source of vk's verifier in a new NUL-terminated buffer (*out, free() it; *len
 * bytes without the NUL). Deterministic: a function of the vk's bytes. Returns 0 or OZK_ENOMEM.
 * It does not check the SRS (the caller refuses a dev SRS unless asked). */
int ozk__sol_generate(char **out, size_t *len, const ozk_vk *vk);

/* The number of claims the verifier batches (section 11.1, step 6) for a plan. */
size_t ozk__sol_claims(const ozk__plan *p);

#endif
