/*
 * chain/deployment.c: the deployment file (ozk/deployment.h, docs/deployment.md).
 *
 * One table lists every field with its kind and where it lives in ozk_deployment; the reader
 * and the writer both walk it, so the two cannot disagree on a name or an order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ozk/deployment.h"
#include "ozk/error.h"
#include "ozk/hex.h"

/* ---- 256-bit decimals ------------------------------------------------------------------------ */

void ozk_u256_to_dec(char out[80], const uint8_t in[32])
{
    uint8_t v[32];
    memcpy(v, in, 32);
    char rev[80];
    size_t n = 0;
    for (;;) {
        /* v = v / 10, the remainder is the next digit from the right */
        unsigned rem = 0;
        int nonzero = 0;
        for (size_t i = 0; i < 32; i++) {
            unsigned cur = rem << 8 | v[i];
            v[i] = (uint8_t)(cur / 10);
            rem = cur % 10;
            nonzero |= v[i] != 0;
        }
        rev[n++] = (char)('0' + rem);
        if (!nonzero) break;
    }
    for (size_t i = 0; i < n; i++) out[i] = rev[n - 1 - i];
    out[n] = '\0';
}

int ozk_u256_from_dec(uint8_t out[32], const char *s)
{
    size_t n = strlen(s);
    memset(out, 0, 32);
    if (n == 0 || n > 78 || (n > 1 && s[0] == '0')) return OZK_EINVAL;
    for (size_t k = 0; k < n; k++) {
        if (s[k] < '0' || s[k] > '9') return OZK_EINVAL;
        /* out = out * 10 + digit; a carry out of the top byte means >= 2^256 */
        unsigned carry = (unsigned)(s[k] - '0');
        for (int i = 31; i >= 0; i--) {
            unsigned cur = out[i] * 10u + carry;
            out[i] = (uint8_t)cur;
            carry = cur >> 8;
        }
        if (carry) {
            memset(out, 0, 32);
            return OZK_ERANGE;
        }
    }
    return 0;
}

/* ---- the fields ------------------------------------------------------------------------------ */

enum kind { K_FORMAT, K_U64, K_ADDR, K_B32, K_BOOL, K_PATH, K_WEI };

static const struct field {
    const char *name;
    enum kind kind;
    size_t off;
} FIELDS[] = {
    { "format", K_FORMAT, 0 },
    { "chain_id", K_U64, offsetof(ozk_deployment, chain_id) },
    { "settlement", K_ADDR, offsetof(ozk_deployment, settlement) },
    { "settlement_block", K_U64, offsetof(ozk_deployment, settlement_block) },
    { "model_id", K_B32, offsetof(ozk_deployment, model_id) },
    { "registered_block", K_U64, offsetof(ozk_deployment, registered_block) },
    { "owner", K_ADDR, offsetof(ozk_deployment, owner) },
    { "committer", K_ADDR, offsetof(ozk_deployment, committer) },
    { "payee", K_ADDR, offsetof(ozk_deployment, payee) },
    { "verifier", K_ADDR, offsetof(ozk_deployment, verifier) },
    { "verifier_code_hash", K_B32, offsetof(ozk_deployment, verifier_code_hash) },
    { "vk_hash", K_B32, offsetof(ozk_deployment, vk_hash) },
    { "cw_hash", K_B32, offsetof(ozk_deployment, cw_hash) },
    { "srs_id", K_B32, offsetof(ozk_deployment, srs_id) },
    { "model_hash", K_B32, offsetof(ozk_deployment, model_hash) },
    { "protocol_version", K_U64, offsetof(ozk_deployment, protocol_version) },
    { "insecure", K_BOOL, offsetof(ozk_deployment, insecure) },
    { "model", K_PATH, offsetof(ozk_deployment, model) },
    { "vk", K_PATH, offsetof(ozk_deployment, vk) },
    { "srs", K_PATH, offsetof(ozk_deployment, srs) },
    { "stake_wei", K_WEI, offsetof(ozk_deployment, stake_wei) },
    { "bond_wei", K_WEI, offsetof(ozk_deployment, bond_wei) },
    { "proving_cost_wei", K_WEI, offsetof(ozk_deployment, proving_cost_wei) },
    { "challenge_window", K_U64, offsetof(ozk_deployment, challenge_window) },
    { "response_window", K_U64, offsetof(ozk_deployment, response_window) },
    { "verify_gas", K_U64, offsetof(ozk_deployment, verify_gas) },
    { "respond_gas", K_U64, offsetof(ozk_deployment, respond_gas) },
};
#define N_FIELDS (sizeof FIELDS / sizeof FIELDS[0])

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* "0x" and exactly 2n hex digits. */
static int parse_hex(uint8_t *out, size_t n, const char *s)
{
    if (strlen(s) != 2 + 2 * n || s[0] != '0' || s[1] != 'x') return -1;
    return ozk_hex_decode(out, n, s) == (long)n ? 0 : -1;
}

/* Decodes one field's JSON value into d; a short reason in why on failure. */
static int read_field(ozk_deployment *d, const struct field *f, const json_t *v, const char **why)
{
    uint8_t *base = (uint8_t *)d;
    const char *s = json_string_value(v);
    switch (f->kind) {
    case K_FORMAT:
        if (!s) break;
        if (strcmp(s, OZK_DEPLOYMENT_FORMAT)) {
            *why = "unknown format";
            return OZK_ENOTSUP;
        }
        return 0;
    case K_U64:
        if (!json_is_integer(v)) {
            *why = "not an integer";
            return OZK_EINVAL;
        }
        if (json_integer_value(v) < 0) {
            *why = "negative";
            return OZK_EINVAL;
        }
        {
            uint64_t x = (uint64_t)json_integer_value(v);
            memcpy(base + f->off, &x, sizeof x);
        }
        return 0;
    case K_ADDR:
        if (s && parse_hex(base + f->off, 20, s) == 0) return 0;
        *why = "not an address (\"0x\" and 40 hex digits)";
        return OZK_EINVAL;
    case K_B32:
        if (s && parse_hex(base + f->off, 32, s) == 0) return 0;
        *why = "not 32 bytes of hex (\"0x\" and 64 hex digits)";
        return OZK_EINVAL;
    case K_BOOL:
        if (!json_is_boolean(v)) {
            *why = "not true or false";
            return OZK_EINVAL;
        }
        {
            int b = json_is_true(v);
            memcpy(base + f->off, &b, sizeof b);
        }
        return 0;
    case K_PATH:
        if (!s || s[0] != '/') {
            *why = "not an absolute path";
            return OZK_EINVAL;
        }
        if (strlen(s) >= OZK_DEPLOYMENT_PATH_MAX) {
            *why = "a path too long";
            return OZK_EINVAL;
        }
        strcpy((char *)base + f->off, s);
        return 0;
    case K_WEI:
        if (s && ozk_u256_from_dec(base + f->off, s) == 0) return 0;
        *why = "not an amount of wei (a string of decimal digits, below 2^256)";
        return OZK_EINVAL;
    }
    *why = "not a string";
    return OZK_EINVAL;
}

int ozk_deployment_load(ozk_deployment *d, const char *path, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    if (err && errlen) err[0] = '\0';
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        set_err(err, errlen, "%s: cannot open the deployment file: %s", path, strerror(errno));
        return OZK_ENOENT;
    }
    json_error_t je;
    json_t *root = json_loadf(fp, JSON_REJECT_DUPLICATES, &je);
    fclose(fp);
    if (!root) {
        set_err(err, errlen, "%s: not JSON (line %d: %s)", path, je.line, je.text);
        return OZK_EINVAL;
    }
    int rc = 0;
    if (!json_is_object(root)) {
        set_err(err, errlen, "%s: not a JSON object", path);
        rc = OZK_EINVAL;
        goto done;
    }
    /* the format first, so that a file of another version is named as such */
    for (size_t i = 0; i < N_FIELDS && !rc; i++) {
        const struct field *f = &FIELDS[i];
        const json_t *v = json_object_get(root, f->name);
        const char *why = NULL;
        if (!v) {
            set_err(err, errlen, "%s: field \"%s\" is missing", path, f->name);
            rc = OZK_EINVAL;
        } else if ((rc = read_field(d, f, v, &why)) != 0) {
            if (f->kind == K_FORMAT && rc == OZK_ENOTSUP)
                set_err(err, errlen, "%s: format \"%s\" is not %s (another version of ozk?)", path,
                        json_string_value(v), OZK_DEPLOYMENT_FORMAT);
            else
                set_err(err, errlen, "%s: field \"%s\": %s", path, f->name, why);
        }
    }
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val)
    {
        if (rc) break;
        size_t i = 0;
        while (i < N_FIELDS && strcmp(FIELDS[i].name, key)) i++;
        if (i == N_FIELDS) {
            set_err(err, errlen, "%s: unknown field \"%s\" (not in %s)", path, key,
                    OZK_DEPLOYMENT_FORMAT);
            rc = OZK_EINVAL;
        }
    }
done:
    json_decref(root);
    if (rc) memset(d, 0, sizeof *d);
    return rc;
}

/* ---- writing --------------------------------------------------------------------------------- */

static json_t *hex_value(const uint8_t *b, size_t n)
{
    char s[2 + 64 + 1] = "0x";
    ozk_hex_encode(s + 2, b, n);
    return json_string(s);
}

int ozk_deployment_encode(char **out, const ozk_deployment *d)
{
    *out = NULL;
    const uint8_t *base = (const uint8_t *)d;
    json_t *root = json_object();
    if (!root) return OZK_ENOMEM;
    int rc = 0;
    for (size_t i = 0; i < N_FIELDS && !rc; i++) {
        const struct field *f = &FIELDS[i];
        json_t *v = NULL;
        switch (f->kind) {
        case K_FORMAT:
            v = json_string(OZK_DEPLOYMENT_FORMAT);
            break;
        case K_U64: {
            uint64_t x;
            memcpy(&x, base + f->off, sizeof x);
            if (x > (uint64_t)INT64_MAX)
                rc = OZK_ERANGE;
            else
                v = json_integer((json_int_t)x);
            break;
        }
        case K_ADDR:
            v = hex_value(base + f->off, 20);
            break;
        case K_B32:
            v = hex_value(base + f->off, 32);
            break;
        case K_BOOL: {
            int b;
            memcpy(&b, base + f->off, sizeof b);
            v = json_boolean(b);
            break;
        }
        case K_PATH: {
            const char *p = (const char *)base + f->off;
            if (p[0] != '/' || !memchr(p, '\0', OZK_DEPLOYMENT_PATH_MAX))
                rc = OZK_EINVAL;
            else
                v = json_string(p);
            break;
        }
        case K_WEI: {
            char dec[80];
            ozk_u256_to_dec(dec, base + f->off);
            v = json_string(dec);
            break;
        }
        }
        if (!rc && (!v || json_object_set_new(root, f->name, v) < 0)) rc = OZK_ENOMEM;
    }
    if (!rc) {
        char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        size_t n = text ? strlen(text) : 0;
        char *s = text ? malloc(n + 2) : NULL;
        if (!s) {
            rc = OZK_ENOMEM;
        } else {
            memcpy(s, text, n);
            s[n] = '\n';
            s[n + 1] = '\0';
            *out = s;
        }
        free(text);
    }
    json_decref(root);
    return rc;
}
