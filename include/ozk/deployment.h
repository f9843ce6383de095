/*
 * ozk/deployment.h: the deployment file that `ozk deploy` writes and the node reads.
 *
 * One model registered in one Settlement contract: where (chain, settlement, verifier, the
 * blocks a log watcher starts from), under which terms (stake, bond, windows, gas figures),
 * with which keys (owner, committer, payee) and which local files (model, vk, SRS). The format
 * is JSON, "format": "ozk-deployment-1"; docs/deployment.md describes every field.
 *
 * Reading is strict: the file must be one JSON object holding every field, each of its type
 * (addresses "0x" and 40 hex digits, hashes "0x" and 64, amounts of wei decimal strings without
 * leading zeros, counts JSON integers >= 0, paths absolute), and no field this version does not
 * know. A file with another "format" is refused rather than half understood.
 *
 * Errors: systems regime (ozk/error.h): 0, or OZK_ENOENT / OZK_EIO (the file cannot be read),
 * OZK_EINVAL (not JSON, or a field missing or malformed), OZK_ENOTSUP (another format),
 * OZK_ENOMEM. err (when not NULL) gets one line naming the file and the field.
 */
#ifndef OZK_DEPLOYMENT_H
#define OZK_DEPLOYMENT_H

#include <stddef.h>
#include <stdint.h>

#define OZK_DEPLOYMENT_FORMAT "ozk-deployment-1"
/* The longest path a deployment holds, NUL included. */
#define OZK_DEPLOYMENT_PATH_MAX 4096

/* Everything in the file, decoded. Plain data: no pointers, nothing to free. */
typedef struct {
    uint64_t chain_id;
    uint8_t settlement[20];
    uint64_t settlement_block; /* the settlement's deployment, or the registration when reused */
    uint8_t model_id[32];
    uint64_t registered_block; /* the block of registerModel */
    uint8_t owner[20], committer[20], payee[20];
    uint8_t verifier[20];
    uint8_t verifier_code_hash[32];
    uint8_t vk_hash[32], cw_hash[32], srs_id[32], model_hash[32];
    uint64_t protocol_version;
    int insecure; /* 1: the vk was made with a dev SRS */
    char model[OZK_DEPLOYMENT_PATH_MAX], vk[OZK_DEPLOYMENT_PATH_MAX], srs[OZK_DEPLOYMENT_PATH_MAX];
    uint8_t stake_wei[32], bond_wei[32], proving_cost_wei[32]; /* 256-bit big-endian */
    uint64_t challenge_window, response_window;                /* seconds */
    uint64_t verify_gas, respond_gas;
} ozk_deployment;

/* Reads and checks the file at path into *d (zeroed first; left zeroed on failure). */
int ozk_deployment_load(ozk_deployment *d, const char *path, char *err, size_t errlen);

/* The file's text for d: a JSON object with the fields in the order of docs/deployment.md,
 * indented, ending in a newline. *out is a new NUL-terminated string (free() it). OZK_EINVAL
 * when a path is empty, relative or has no NUL within its buffer; OZK_ERANGE when a count
 * exceeds 2^63 - 1 (JSON integers here are signed 64-bit); OZK_ENOMEM. */
int ozk_deployment_encode(char **out, const ozk_deployment *d);

/* 256-bit big-endian to decimal (at most 78 digits and a NUL). */
void ozk_u256_to_dec(char out[80], const uint8_t in[32]);

/* Decimal digits (no sign, no leading zero unless the number is 0, at most 78 digits) to
 * 256-bit big-endian. OZK_EINVAL when malformed, OZK_ERANGE when >= 2^256. */
int ozk_u256_from_dec(uint8_t out[32], const char *s);

#endif
