/*
 * ozk/tx.h: secp256k1 keys, recoverable signatures, Ethereum transactions (EIP-155 legacy and
 * EIP-1559 type 2), EIP-191 personal messages and EIP-712 typed data. Uses libsecp256k1.
 *
 * Secrets: an ozk_key holds a private key. It only goes through libsecp256k1's constant-time
 * signing and public-key code; every copy made here is wiped before return, and the caller
 * wipes the key with ozk_key_wipe() when done. Nothing here prints or logs a key, and no error
 * message contains one.
 *
 * Errors: systems regime (ozk/error.h), 0 or a negative OZK_E*. Functions taking err/errlen
 * write a one-line reason there (always NUL-terminated, truncated to errlen - 1; err may be
 * NULL when errlen is 0). Predicates (ozk_ecrecover) are noted where they differ.
 */
#ifndef OZK_TX_H
#define OZK_TX_H

#include <stddef.h>
#include <stdint.h>

#include "ozk/abi.h"

/* ---- keys -------------------------------------------------------------------------------- */

typedef struct {
    uint8_t sk[32]; /* secret: a valid secp256k1 scalar, big-endian */
} ozk_key;

/* Parses Foundry's key text: 64 hex digits, an optional "0x", an optional trailing newline
 * ("\n" or "\r\n"); s[0..n) need not be NUL-terminated. OZK_EINVAL for anything else or for a
 * scalar that is not a valid key (0 or >= the group order). The message never quotes s. */
int ozk_key_from_hex(ozk_key *key, const char *s, size_t n, char *err, size_t errlen);

/* Loads a key file in that format. Refuses (OZK_EINVAL) a file that its group or others may
 * read or write, naming the file and the fix `chmod 600 FILE`; OZK_ENOENT / OZK_EIO when it
 * cannot be opened or read. The file's bytes are wiped from memory after parsing. */
int ozk_key_load_file(ozk_key *key, const char *path, char *err, size_t errlen);

/* Overwrites the key with zeros in a way the compiler does not elide. */
void ozk_key_wipe(ozk_key *key);

/* Overwrites n bytes at p with zeros (not elided). */
void ozk_wipe(void *p, size_t n);

/* The key's address: the last 20 bytes of keccak256 of the uncompressed public key (x || y,
 * 64 bytes). OZK_EINVAL for an invalid key. */
int ozk_key_address(uint8_t addr[20], const ozk_key *key);

/* Writes the EIP-55 mixed-case checksummed text of an address ("0x" + 40 digits + NUL). */
void ozk_address_to_text(char out[43], const uint8_t addr[20]);

/* The address of the contract that the account from creates with a transaction of this nonce:
 * the last 20 bytes of keccak256(rlp([from, nonce])). Returns 0 or OZK_ENOMEM. */
int ozk_create_address(uint8_t out[20], const uint8_t from[20], uint64_t nonce);

/* Signs a 32-byte hash (RFC 6979 nonces, low s): sig = r (32) || s (32) || v (1), with v the
 * recovery id 0 or 1 (add 27 for the Ethereum message convention). */
int ozk_sign_hash(uint8_t sig[65], const ozk_key *key, const uint8_t hash[32]);

/* Predicate: 1 and the signer's address when sig (r || s || v, v in {0, 1, 27, 28}) is a valid
 * signature of hash, 0 otherwise. High s is accepted here (ecrecover does). */
int ozk_ecrecover(uint8_t addr[20], const uint8_t hash[32], const uint8_t sig[65]);

/* EIP-191 version 0x45: keccak256("\x19Ethereum Signed Message:\n" || decimal(len) || msg), the
 * hash that personal_sign and `cast wallet sign` sign. */
void ozk_eip191_hash(uint8_t out[32], const void *msg, size_t len);

/* ---- transactions ------------------------------------------------------------------------ */

enum { OZK_TX_LEGACY = 0, OZK_TX_EIP1559 = 2 };

/* A transaction to sign. Legacy (EIP-155) uses gas_price; type 2 (EIP-1559) uses
 * max_priority_fee and max_fee, with an empty access list. has_to = 0 creates a contract (data
 * is then the init code). The data pointer is borrowed. Fees per gas are 64-bit (up to about
 * 18 ether per gas); the value is a full 256-bit number. */
typedef struct {
    int type; /* OZK_TX_LEGACY or OZK_TX_EIP1559 */
    uint64_t chain_id;
    uint64_t nonce;
    uint64_t gas_price;        /* legacy, wei */
    uint64_t max_priority_fee; /* type 2, wei */
    uint64_t max_fee;          /* type 2, wei */
    uint64_t gas_limit;
    int has_to;
    uint8_t to[20];
    uint8_t value[32]; /* wei, 256-bit big-endian */
    const uint8_t *data;
    size_t data_len;
} ozk_tx;

/* The hash the sender signs: keccak256 of the unsigned encoding (EIP-155: rlp([nonce,
 * gasPrice, gas, to, value, data, chainId, 0, 0]); EIP-1559: 0x02 || rlp([chainId, nonce,
 * maxPriorityFee, maxFee, gas, to, value, data, []])). OZK_EINVAL for an unknown type or a
 * chain id of 0 (replay-protected transactions only). */
int ozk_tx_signing_hash(uint8_t out[32], const ozk_tx *tx);

/* Signs tx: *raw (malloc'd, free() it) is the signed transaction ready for
 * eth_sendRawTransaction, *raw_len its length, and hash its transaction hash (keccak256 of the
 * raw bytes). Legacy v = chainId * 2 + 35 + recovery id (EIP-155); type 2 carries yParity. */
int ozk_tx_sign(uint8_t **raw, size_t *raw_len, uint8_t hash[32], const ozk_tx *tx,
                const ozk_key *key);

/* ---- EIP-712 typed data ------------------------------------------------------------------ */

/* One member of a struct: its Solidity name and type. Supported member types: the atomic ones
 * (uint<N>, int<N>, address, bool, bytes<N>) and the dynamic bytes and string (hashed as
 * EIP-712 says). Nested structs and arrays are not supported yet (OZK_ENOTSUP). */
typedef struct {
    const char *name;
    const char *type;
} ozk_eip712_field;

typedef struct {
    const char *name; /* the struct's type name, e.g. "Receipt" */
    const ozk_eip712_field *fields;
    size_t n;
} ozk_eip712_struct;

/* typeHash = keccak256("Name(type1 name1,type2 name2,...)"). */
int ozk_eip712_type_hash(uint8_t out[32], const ozk_eip712_struct *s);

/* hashStruct = keccak256(typeHash || encodeData(values)), values[0..s->n) in field order with
 * ozk_abi_value kinds matching the field types (range-checked as ozk_abi_encode does). */
int ozk_eip712_hash_struct(uint8_t out[32], const ozk_eip712_struct *s,
                           const ozk_abi_value *values);

/* The domain separator of EIP712Domain(string name,string version,uint256 chainId,address
 * verifyingContract). */
void ozk_eip712_domain_separator(uint8_t out[32], const char *name, const char *version,
                                 uint64_t chain_id, const uint8_t verifying_contract[20]);

/* The digest to sign: keccak256(0x19 0x01 || domainSeparator || hashStruct). */
void ozk_eip712_digest(uint8_t out[32], const uint8_t domain_separator[32],
                       const uint8_t struct_hash[32]);

/* The node's receipt (design.md section 6), whose encodeType, which the settlement contract
 * must hash identically, is
 *   Receipt(uint256 chainId,address settlement,bytes32 modelId,bytes32 requestId,
 *           bytes32 xHash,bytes32 yHash,uint64 deadline)
 * (one line, no spaces after the commas): xHash and yHash are the salted hashes of the input and
 * the output, deadline the time by which the record must be committed. */
extern const ozk_eip712_struct ozk_eip712_receipt;

/* A receipt's fields (above). */
typedef struct {
    uint64_t chain_id;
    uint8_t settlement[20];
    uint8_t model_id[32];
    uint8_t request_id[32];
    uint8_t x_hash[32];
    uint8_t y_hash[32];
    uint64_t deadline;
} ozk_receipt;

/* The EIP-712 digest a committer signs for r: the domain EIP712Domain("ozk", "1", r->chain_id,
 * r->settlement) and hashStruct(Receipt). The settlement's receiptDigest(r) returns the same. */
void ozk_receipt_digest(uint8_t out[32], const ozk_receipt *r);

#endif
