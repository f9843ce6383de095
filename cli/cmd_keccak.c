/*
 * cli/cmd_keccak.c: `ozk keccak`, the Keccak-256 hash Ethereum uses, of a file, stdin or hex.
 * Prints 0x-prefixed lowercase hex, as `cast keccak` does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"

static void keccak_usage(FILE *out)
{
    fprintf(out, "usage: ozk keccak [FILE | - | --hex HEX]\n\n"
                 "Prints the Keccak-256 hash (Ethereum's, not SHA3-256) of FILE, of standard\n"
                 "input when FILE is '-' or absent, or of the bytes HEX (\"0x\" optional).\n");
}

static void print_digest(const uint8_t d[32])
{
    char hex[65];
    ozk_hex_encode(hex, d, 32);
    printf("0x%s\n", hex);
}

static int hash_hex(const char *arg)
{
    size_t cap = strlen(arg) / 2 + 1;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        fprintf(stderr, "ozk keccak: out of memory\n");
        return CLI_FAIL;
    }
    long n = ozk_hex_decode(buf, cap, arg);
    if (n < 0) {
        fprintf(stderr, "ozk keccak: --hex expects an even number of hex digits, got '%s'\n", arg);
        free(buf);
        return CLI_USAGE;
    }
    uint8_t d[32];
    ozk_keccak256(d, buf, (size_t)n);
    free(buf);
    print_digest(d);
    return CLI_OK;
}

static int hash_stream(FILE *f, const char *name)
{
    ozk_keccak256_ctx ctx;
    uint8_t buf[1 << 16], d[32];
    size_t n;
    ozk_keccak256_init(&ctx);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) ozk_keccak256_update(&ctx, buf, n);
    if (ferror(f)) {
        fprintf(stderr, "ozk keccak: cannot read '%s': %s\n", name, strerror(errno));
        return CLI_FAIL;
    }
    ozk_keccak256_final(&ctx, d);
    print_digest(d);
    return CLI_OK;
}

int cmd_keccak(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        keccak_usage(stdout);
        return CLI_OK;
    }
    if (argc == 3 && !strcmp(argv[1], "--hex")) return hash_hex(argv[2]);
    if (argc > 2 || (argc == 2 && !strcmp(argv[1], "--hex"))) {
        keccak_usage(stderr);
        return CLI_USAGE;
    }
    if (argc == 1 || !strcmp(argv[1], "-")) return hash_stream(stdin, "<stdin>");
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        fprintf(stderr, "ozk keccak: cannot open '%s': %s\n", argv[1], strerror(errno));
        return CLI_FAIL;
    }
    int rc = hash_stream(f, argv[1]);
    fclose(f);
    return rc;
}
