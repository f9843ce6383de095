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

/* What calling the verifier costs, worst case (docs/contracts.md, "Gas"). Calldata sizes are
 * exact; gas figures are upper estimates: the execution of verify is a calibrated linear model
 * of the work that grows with the model (the proof's bytes, the public input and output) with a
 * 25 % margin, and a transaction is priced as if every calldata byte were nonzero, under
 * EIP-7623's floor when that is higher. tests/test_genverifier.c and tests/test_settlement.c
 * check the estimates against the gas of real transactions. */
typedef struct {
    size_t verify_calldata;  /* bytes of a call of verify(proof, x, y) */
    size_t respond_calldata; /* bytes of the largest respond: respondReceipt with a Merkle proof
                              * of the deepest batch (2^24 records) */
    uint64_t verify_exec;    /* gas of verify's execution, calldata not included */
    uint64_t verify_tx;      /* gas of a transaction that calls verify */
    uint64_t respond_tx;     /* gas of the largest respond transaction, verify included */
} ozk__sol_cost;

void ozk__sol_costs(ozk__sol_cost *c, const ozk_vk *vk);

#endif
