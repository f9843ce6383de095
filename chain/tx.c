/*
 * chain/tx.c: Ethereum transactions (EIP-155 legacy, EIP-1559 type 2) and EIP-712 typed data.
 *
 * Sources: EIP-155 (replay protection: v = chainId * 2 + 35 + recid), EIP-1559 and EIP-2718
 * (typed envelope 0x02 || rlp([...])), EIP-712 (typed structured data hashing).
 */
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/keccak.h"
#include "ozk/rlp.h"
#include "ozk/tx.h"

/* the common fields, in the order of each type's list, before any signature */
static int put_fields(ozk_rlp_enc *e, const ozk_tx *tx)
{
    if (tx->type == OZK_TX_EIP1559) {
        /* [chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gas, to, value, data, []] */
        ozk_rlp_put_u64(e, tx->chain_id);
        ozk_rlp_put_u64(e, tx->nonce);
        ozk_rlp_put_u64(e, tx->max_priority_fee);
        ozk_rlp_put_u64(e, tx->max_fee);
    } else {
        /* [nonce, gasPrice, gas, to, value, data] */
        ozk_rlp_put_u64(e, tx->nonce);
        ozk_rlp_put_u64(e, tx->gas_price);
    }
    ozk_rlp_put_u64(e, tx->gas_limit);
    ozk_rlp_put_bytes(e, tx->to, tx->has_to ? 20 : 0);
    ozk_rlp_put_uint_be(e, tx->value, 32);
    ozk_rlp_put_bytes(e, tx->data, tx->data_len);
    if (tx->type == OZK_TX_EIP1559) {
        ozk_rlp_list_begin(e); /* the access list, empty */
        ozk_rlp_list_end(e);
    }
    return e->err;
}

static int check_tx(const ozk_tx *tx)
{
    if (tx->type != OZK_TX_LEGACY && tx->type != OZK_TX_EIP1559) return OZK_EINVAL;
    if (tx->chain_id == 0) return OZK_EINVAL;
    if (tx->data_len && !tx->data) return OZK_EINVAL;
    /* v = chainId * 2 + 36 must fit the 64 bits we encode it in */
    if (tx->type == OZK_TX_LEGACY && tx->chain_id > (UINT64_MAX - 36) / 2) return OZK_ERANGE;
    return 0;
}

/* the envelope of a list: 0x02 prefix for type 2, nothing for legacy */
static int encode(ozk_rlp_enc *e, const ozk_tx *tx, const uint8_t *sig)
{
    if (tx->type == OZK_TX_EIP1559) {
        uint8_t t = 0x02;
        ozk_rlp_put_raw(e, &t, 1);
    }
    ozk_rlp_list_begin(e);
    put_fields(e, tx);
    if (!sig) {
        if (tx->type == OZK_TX_LEGACY) { /* EIP-155: chainId, 0, 0 */
            ozk_rlp_put_u64(e, tx->chain_id);
            ozk_rlp_put_u64(e, 0);
            ozk_rlp_put_u64(e, 0);
        }
    } else {
        if (tx->type == OZK_TX_LEGACY)
            ozk_rlp_put_u64(e, tx->chain_id * 2 + 35 + sig[64]);
        else
            ozk_rlp_put_u64(e, sig[64]); /* yParity */
        ozk_rlp_put_uint_be(e, sig, 32);
        ozk_rlp_put_uint_be(e, sig + 32, 32);
    }
    ozk_rlp_list_end(e);
    return e->err;
}

int ozk_tx_signing_hash(uint8_t out[32], const ozk_tx *tx)
{
    int rc = check_tx(tx);
    if (rc < 0) return rc;
    ozk_rlp_enc e;
    ozk_rlp_enc_init(&e);
    rc = encode(&e, tx, NULL);
    if (rc == 0) ozk_keccak256(out, e.data, e.len);
    ozk_rlp_enc_free(&e);
    return rc;
}

int ozk_tx_sign(uint8_t **raw, size_t *raw_len, uint8_t hash[32], const ozk_tx *tx,
                const ozk_key *key)
{
    uint8_t h[32], sig[65];
    int rc = ozk_tx_signing_hash(h, tx);
    if (rc < 0) return rc;
    rc = ozk_sign_hash(sig, key, h);
    if (rc < 0) return rc;
    ozk_rlp_enc e;
    ozk_rlp_enc_init(&e);
    rc = encode(&e, tx, sig);
    if (rc < 0) {
        ozk_rlp_enc_free(&e);
        return rc;
    }
    ozk_keccak256(hash, e.data, e.len);
    *raw = e.data;
    *raw_len = e.len;
    return 0;
}

/* ---- EIP-712 ----------------------------------------------------------------------------- */

int ozk_eip712_type_hash(uint8_t out[32], const ozk_eip712_struct *s)
{
    /* encodeType: Name(type1 name1,type2 name2,...) */
    ozk_keccak256_ctx k;
    ozk_keccak256_init(&k);
    ozk_keccak256_update(&k, s->name, strlen(s->name));
    ozk_keccak256_update(&k, "(", 1);
    for (size_t i = 0; i < s->n; i++) {
        if (i) ozk_keccak256_update(&k, ",", 1);
        ozk_keccak256_update(&k, s->fields[i].type, strlen(s->fields[i].type));
        ozk_keccak256_update(&k, " ", 1);
        ozk_keccak256_update(&k, s->fields[i].name, strlen(s->fields[i].name));
    }
    ozk_keccak256_update(&k, ")", 1);
    ozk_keccak256_final(&k, out);
    return 0;
}

int ozk_eip712_hash_struct(uint8_t out[32], const ozk_eip712_struct *s, const ozk_abi_value *values)
{
    int rc = 0;
    uint8_t th[32];
    ozk_eip712_type_hash(th, s);
    ozk_keccak256_ctx k;
    ozk_keccak256_init(&k);
    ozk_keccak256_update(&k, th, 32);
    for (size_t i = 0; i < s->n && rc == 0; i++) {
        ozk_abi_type *t = NULL;
        rc = ozk_abi_type_parse(&t, s->fields[i].type);
        if (rc < 0) break;
        const ozk_abi_value *v = &values[i];
        if (t->kind == OZK_ABI_BYTES || t->kind == OZK_ABI_STRING) {
            /* dynamic values are encoded as the keccak256 of their contents */
            uint8_t h[32];
            if (v->kind != t->kind || (v->len && !v->bytes)) {
                rc = OZK_EINVAL;
            } else {
                ozk_keccak256(h, v->bytes, v->len);
                ozk_keccak256_update(&k, h, 32);
            }
        } else if (t->kind == OZK_ABI_ARRAY || t->kind == OZK_ABI_TUPLE) {
            rc = OZK_ENOTSUP;
        } else {
            /* atomic values: their 32-byte ABI word, range-checked by the encoder */
            uint8_t *w = NULL;
            size_t wl = 0;
            rc = ozk_abi_encode(&w, &wl, t, v);
            if (rc == 0) ozk_keccak256_update(&k, w, wl);
            free(w);
        }
        ozk_abi_type_free(t);
    }
    if (rc < 0) return rc;
    ozk_keccak256_final(&k, out);
    return 0;
}

void ozk_eip712_domain_separator(uint8_t out[32], const char *name, const char *version,
                                 uint64_t chain_id, const uint8_t verifying_contract[20])
{
    static const char type[] =
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
    uint8_t w[5][32];
    memset(w, 0, sizeof w);
    ozk_keccak256(w[0], type, sizeof type - 1);
    ozk_keccak256(w[1], name, strlen(name));
    ozk_keccak256(w[2], version, strlen(version));
    for (int i = 0; i < 8; i++) w[3][31 - i] = (uint8_t)(chain_id >> (8 * i));
    memcpy(w[4] + 12, verifying_contract, 20);
    ozk_keccak256(out, w, sizeof w);
}

void ozk_eip712_digest(uint8_t out[32], const uint8_t domain_separator[32],
                       const uint8_t struct_hash[32])
{
    uint8_t m[66];
    m[0] = 0x19;
    m[1] = 0x01;
    memcpy(m + 2, domain_separator, 32);
    memcpy(m + 34, struct_hash, 32);
    ozk_keccak256(out, m, sizeof m);
}

static const ozk_eip712_field receipt_fields[] = {
    { "chainId", "uint256" },   { "settlement", "address" }, { "modelId", "bytes32" },
    { "requestId", "bytes32" }, { "xHash", "bytes32" },      { "yHash", "bytes32" },
    { "deadline", "uint64" },
};

const ozk_eip712_struct ozk_eip712_receipt = { "Receipt", receipt_fields,
                                               sizeof receipt_fields / sizeof receipt_fields[0] };

int ozk_create_address(uint8_t out[20], const uint8_t from[20], uint64_t nonce)
{
    ozk_rlp_enc e;
    ozk_rlp_enc_init(&e);
    ozk_rlp_list_begin(&e);
    ozk_rlp_put_bytes(&e, from, 20);
    ozk_rlp_put_u64(&e, nonce);
    int rc = ozk_rlp_list_end(&e);
    if (!rc) {
        uint8_t h[32];
        ozk_keccak256(h, e.data, e.len);
        memcpy(out, h + 12, 20);
    }
    ozk_rlp_enc_free(&e);
    return rc;
}

void ozk_receipt_digest(uint8_t out[32], const ozk_receipt *r)
{
    ozk_abi_value v[7];
    memset(v, 0, sizeof v);
    ozk_abi_value_u64(&v[0], r->chain_id);
    ozk_abi_value_address(&v[1], r->settlement);
    const uint8_t *words[4] = { r->model_id, r->request_id, r->x_hash, r->y_hash };
    for (int i = 0; i < 4; i++) {
        v[2 + i].kind = OZK_ABI_FIXED_BYTES;
        v[2 + i].len = 32;
        memcpy(v[2 + i].word, words[i], 32);
    }
    ozk_abi_value_u64(&v[6], r->deadline);
    uint8_t dom[32], sh[32];
    ozk_eip712_domain_separator(dom, "ozk", "1", r->chain_id, r->settlement);
    /* the values are in range by construction: hash_struct cannot fail */
    (void)ozk_eip712_hash_struct(sh, &ozk_eip712_receipt, v);
    ozk_eip712_digest(out, dom, sh);
}
