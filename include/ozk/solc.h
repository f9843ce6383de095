/*
 * ozk/solc.h: compiling ozk's contracts with the pinned solc-js, with the pinned settings.
 *
 * A deployed contract can be checked only if anyone can rebuild its bytes: the same source, the
 * same compiler release and the same settings give the same code, and its keccak is the
 * EXTCODEHASH the settlement contract stores (docs/contracts.md). This module is the one place
 * that fixes those settings:
 *
 *   the generated verifier   optimizer on, 200 runs, via-IR, EVM version prague, no metadata
 *                            hash and no CBOR trailer (OZK_SOLC_VERIFIER)
 *   Settlement.sol           optimizer on, 200 runs, EVM version prague, no metadata hash and
 *                            no CBOR trailer, imports from contracts/src and contracts/
 *                            node_modules (OZK_SOLC_SETTLEMENT; contracts/foundry.toml agrees)
 *
 * The compiler is solc-js (npm "solc", pinned in package.json; `scripts/bootstrap` installs it in
 * .tools/). It is found at $OZK_SOLCJS, else at the .tools/ of the source tree this binary was
 * built from. Contracts are read from $OZK_CONTRACTS, else from that tree's contracts/.
 *
 * solc-js runs as a child process with its standard JSON input and output in files of a private
 * temporary directory (a non-blocking stdin pipe fails on large inputs; design.md section 8).
 * It takes a few seconds for the verifier (via-IR).
 *
 * Errors: systems regime (ozk/error.h): 0, or OZK_ENOENT (no solc-js or no contracts folder),
 * OZK_EIO (the compiler could not be run or failed), OZK_EINVAL (it reported compile errors, or
 * its output is not what it should be), OZK_ENOMEM. `err` (when not NULL) gets one line saying
 * what happened and what to do.
 */
#ifndef OZK_SOLC_H
#define OZK_SOLC_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    OZK_SOLC_VERIFIER,   /* the source text of `ozk gen-verifier`; contract OzkVerifier */
    OZK_SOLC_SETTLEMENT, /* contracts/src/Settlement.sol; contract Settlement */
} ozk_solc_target;

/* What one compile gives. Both buffers are malloc'd and owned by the struct. */
typedef struct {
    uint8_t *creation; /* the creation (init) code */
    size_t creation_len;
    uint8_t *runtime; /* the deployed code, byte for byte what eth_getCode returns */
    size_t runtime_len;
} ozk_solc_output;

/* Frees the buffers and zeroes the struct (NULL is fine). */
void ozk_solc_output_clear(ozk_solc_output *out);

/* The solc-js executable this build uses (see above); a static or environment string. */
const char *ozk_solc_path(void);

/* The contracts folder this build uses (see above). */
const char *ozk_solc_contracts_dir(void);

/* Compiles target. For OZK_SOLC_VERIFIER, source is the generated Solidity text (NUL-terminated);
 * for OZK_SOLC_SETTLEMENT it must be NULL (the file is read from the contracts folder). On
 * success *out holds the code; on failure it is zeroed. */
int ozk_solc_compile(ozk_solc_output *out, ozk_solc_target target, const char *source, char *err,
                     size_t errlen);

/* ---- what deployed code may do -------------------------------------------------------------- */

/* Scans deployed EVM code instruction by instruction (skipping PUSH data) for what a verifier
 * must never do (design.md section 5): DELEGATECALL, CALLCODE, CALL, SELFDESTRUCT, SSTORE,
 * CREATE, CREATE2, TSTORE, LOG0..LOG4, and a STATICCALL whose target is not a precompile
 * 0x05..0x08 pushed as a constant right before it (the generated verifier calls precompiles
 * only, as `PUSH1 a; GAS; STATICCALL`). Returns 1 when the code passes, 0 when it does not,
 * with the offset and the opcode in why (when not NULL). A truncated PUSH at the end is fine:
 * it is data the EVM treats as zeros and never executes anything after it. */
int ozk_code_scan(const uint8_t *code, size_t n, char *why, size_t whylen);

#endif
