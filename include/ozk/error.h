/*
 * ozk/error.h: error codes of systems code.
 *
 * ozk has two error regimes, and each function's comment says which it follows:
 *
 *  - Crypto predicates (decoding a field element, checking a proof) return 1 for valid and 0 for
 *    invalid. They never print and never abort on bad input.
 *  - Systems code (files, network, parsing user input) returns 0 on success or a negative
 *    OZK_E* code below; ozk_strerror() turns a code into a message.
 *
 * OZK_TRY(expr) propagates a negative code to a function's single cleanup label `fail`, with
 * the code kept in a local `int rc`.
 */
#ifndef OZK_ERROR_H
#define OZK_ERROR_H

enum {
    OZK_OK = 0,
    OZK_EINVAL = -1,    /* an argument or an input is malformed */
    OZK_ENOMEM = -2,    /* an allocation failed */
    OZK_EIO = -3,       /* a read or write failed (errno says more) */
    OZK_ERANGE = -4,    /* a value lies outside its allowed range */
    OZK_ENOTSUP = -5,   /* well-formed but not supported by this version */
    OZK_ENOENT = -6,    /* a file or record does not exist */
    OZK_EUSAGE = -7,    /* a command line could not be understood */
    OZK_EEXIST = -8,    /* a record or entry with that key exists already */
    OZK_EFULL = -9,     /* a store or disk is full */
    OZK_ECORRUPT = -10, /* stored data does not decode: it is damaged */
    OZK_E__LAST = -11
};

/* A static, human-readable message for an OZK_E* code (never NULL; unknown codes get a
 * generic message). */
const char *ozk_strerror(int code);

#define OZK_TRY(expr)          \
    do {                       \
        rc = (expr);           \
        if (rc < 0) goto fail; \
    } while (0)

#endif
