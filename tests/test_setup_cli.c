/*
 * tests/test_setup_cli.c: `ozk setup` as a user runs it, on the ptau fixtures of
 * tests/fixtures/ (made by scripts/make-test-ptau with snarkjs: ptau_06_final.ptau, the same
 * ceremony prepared for phase 2 as ptau_06_prepared.ptau, and ptau_06_new.ptau with no
 * contribution).
 *
 * Both fixtures import to the same powers, which equal the values snarkjs's own decoder
 * (ffjavascript's G1.fromRprLEM, then toAffine) gives; the printed hashes equal `ozk keccak`
 * and `b2sum` of the file; the SRS file decodes and passes the consistency check. Bad files
 * (no contribution, truncated, a corrupt point, a valid but wrong point, another curve, too
 * few powers, missing) fail with exit status 1 and a message naming the problem, and leave no
 * file behind; so does an -o in a missing directory.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/srs.h"
#include "testutil.h"

#define FINAL     OZK_FIXTURES "/ptau_06_final.ptau"
#define PREPARED  OZK_FIXTURES "/ptau_06_prepared.ptau"
#define NOCONTRIB OZK_FIXTURES "/ptau_06_new.ptau"
#define POWER     6

/* byte offsets in a ptau file of power 6 (section table of scripts/make-test-ptau's files) */
#define SEC2_DATA 80 /* 12 (file header) + 12 + 44 (section 1) + 12 (section 2 header) */
#define SEC3_DATA (SEC2_DATA + ((2 << POWER) - 1) * 64 + 12)

/* [tau]_1, [tau^63]_1 and [tau]_2 (x.c0, x.c1, y.c0, y.c1) of the fixture ceremony, from
 * snarkjs's decoder */
static const char *const TAU1[2] = {
    "0d6914d39ea2a361e6a3d7dd0e39e9eb3fa74c2c60b27d4b574346e117352cfc",
    "17111507fbc2781bf7ed6fcdd80b278edde5b0ff47b4661f59fc869ca989386f",
};
static const char *const TAU63[2] = {
    "12331f5a4a2819a49a28dacc216c7cda031a4fac333f919e66c5f3f0dec81284",
    "0c599403e1de5182b1378302b95caca1ee12ba05168d1743f27042160c3def8d",
};
static const char *const TAU2[4] = {
    "2e821850682ea2915c44f93bd2a40b3fe3f35ba3f534b61575fed631d9e58f5b",
    "2439d8c8eff048e33cdba7761d06c282bffcc77fd9c5f5396e97e6cda9f37534",
    "1dcb400739f0ebfd392ec422a713985b4231978ea35ae982513b8837b7526a2b",
    "1b0f978674b2c92769c614ea4635cbb65c1eed49517aa2fb4935e0faf7a0c369",
};

static char g_dir[64]; /* a fresh directory per program */

/* `OZK_BIN args` */
static int run(char **out, const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s", OZK_BIN, args);
    return test_sh(out, cmd);
}

static void path_in(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", g_dir, name);
}

/* the number of entries of g_dir (no output and no temporary file may be left on failure) */
static int dir_entries(void)
{
    DIR *d = opendir(g_dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static void remove_all(void)
{
    DIR *d = opendir(g_dir);
    assert_non_null(d);
    struct dirent *e;
    char p[sizeof g_dir + sizeof e->d_name + 1];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            path_in(p, sizeof p, e->d_name);
            unlink(p);
        }
    closedir(d);
}

static int setup_dir(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/ozk-test-setup-XXXXXX");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    remove_all();
    return rmdir(g_dir);
}

static ozk_srs decode_file(const char *path)
{
    size_t len;
    uint8_t *buf = test_read_file(path, &len);
    ozk_srs s;
    char err[256];
    int rc = ozk_srs_decode(&s, buf, len, err, sizeof err);
    if (rc != 0) fail_msg("decoding %s: %s", path, err);
    free(buf);
    return s;
}

/* the value after `key` in out, up to the end of its hex digits */
static void field_after(char *val, size_t cap, const char *out, const char *key)
{
    const char *p = strstr(out, key);
    if (!p) fail_msg("output lacks '%s':\n%s", key, out);
    p += strlen(key);
    size_t n = strspn(p, "0123456789abcdefx");
    assert_true(n < cap);
    memcpy(val, p, n);
    val[n] = '\0';
}

static void expect_g1(const ozk_g1 *p, const char *const xy[2])
{
    uint8_t b[64];
    char hex[129], want[129];
    ozk_g1_to_bytes(b, p);
    ozk_hex_encode(hex, b, 64);
    snprintf(want, sizeof want, "%s%s", xy[0], xy[1]);
    assert_string_equal(hex, want);
}

static void import_ok(const char *ptau, const char *srs_name, int nvars, ozk_srs *out)
{
    char o[256], args[1024], *text;
    path_in(o, sizeof o, srs_name);
    snprintf(args, sizeof args, "setup --ptau '%s' --max-vars %d -o '%s'", ptau, nvars, o);
    int rc = run(&text, args);
    if (rc != 0) fail_msg("ozk %s: exit %d\n%s", args, rc, text);
    assert_non_null(strstr(text, "srs id: 0x"));
    assert_null(strstr(text, "INSECURE"));

    /* the printed keccak256 is `ozk keccak FILE`'s, and the SRS records it */
    char printed[80], *kout;
    field_after(printed, sizeof printed, text, "ptau keccak256: ");
    snprintf(args, sizeof args, "keccak '%s'", ptau);
    assert_int_equal(run(&kout, args), 0);
    kout[strcspn(kout, "\n")] = '\0';
    assert_string_equal(printed, kout);
    free(kout);
    /* the printed BLAKE2b-512 (what ceremonies publish) is b2sum's */
    char blake[160], cmd[1024], *bout;
    field_after(blake, sizeof blake, text, "ptau blake2b-512: ");
    snprintf(cmd, sizeof cmd, "b2sum '%s'", ptau);
    assert_int_equal(test_sh(&bout, cmd), 0);
    bout[strcspn(bout, " ")] = '\0';
    assert_string_equal(blake, bout);
    free(bout);

    *out = decode_file(o);
    assert_int_equal(out->log_size, (uint32_t)nvars);
    assert_int_equal(out->insecure, 0);
    char hex[65];
    ozk_hex_encode(hex, out->source_hash, 32);
    assert_string_equal(hex, printed + 2);
    char id[80];
    field_after(id, sizeof id, text, "srs id: ");
    ozk_hex_encode(hex, out->id, 32);
    assert_string_equal(hex, id + 2);
    assert_int_equal(ozk_srs_check_powers(out), 1);
    free(text);
}

static void test_import(void **state)
{
    (void)state;
    ozk_srs a, b, c;
    import_ok(FINAL, "final.srs", POWER, &a);
    import_ok(PREPARED, "prepared.srs", POWER, &b);
    /* the same ceremony: the same powers, G2 elements and id; different files */
    assert_memory_equal(a.g1, b.g1, a.n * sizeof *a.g1);
    assert_true(ozk_g2_eq(&a.g2[1], &b.g2[1]));
    assert_memory_equal(a.id, b.id, 32);
    assert_memory_not_equal(a.source_hash, b.source_hash, 32);
    /* the values snarkjs's decoder reads from the file */
    expect_g1(&a.g1[1], TAU1);
    expect_g1(&a.g1[63], TAU63);
    uint8_t g2b[128];
    char hex[257], want[257];
    ozk_g2_to_bytes(g2b, &a.g2[1]); /* EVM order: x.c1, x.c0, y.c1, y.c0 */
    ozk_hex_encode(hex, g2b, 128);
    snprintf(want, sizeof want, "%s%s%s%s", TAU2[1], TAU2[0], TAU2[3], TAU2[2]);
    assert_string_equal(hex, want);
    /* fewer variables: a prefix of the same powers */
    import_ok(PREPARED, "small.srs", 3, &c);
    assert_int_equal(c.n, 8);
    assert_memory_equal(c.g1, a.g1, c.n * sizeof *c.g1);
    assert_memory_not_equal(c.id, a.id, 32); /* the size is part of the id */
    /* importing again over an existing output replaces it */
    ozk_srs_free(&c);
    import_ok(FINAL, "small.srs", 3, &c);
    assert_memory_equal(c.g1, a.g1, c.n * sizeof *c.g1);
    ozk_srs_free(&a);
    ozk_srs_free(&b);
    ozk_srs_free(&c);
    remove_all();
}

/* Runs an import of `ptau` expected to fail with exit status 1 and `needle` in its output,
 * leaving nothing new in g_dir. */
static void import_fails(const char *ptau, int nvars, const char *needle)
{
    int before = dir_entries();
    char o[256], args[1024], *text;
    path_in(o, sizeof o, "out.srs");
    snprintf(args, sizeof args, "setup --ptau '%s' --max-vars %d -o '%s'", ptau, nvars, o);
    int rc = run(&text, args);
    if (rc != 1) fail_msg("ozk %s: exit %d, expected 1\n%s", args, rc, text);
    if (!strstr(text, needle)) fail_msg("ozk %s: output lacks '%s':\n%s", args, needle, text);
    assert_int_equal(dir_entries(), before);
    free(text);
}

/* Writes into g_dir (path: its name there) the first `keep` bytes of the final fixture with
 * nbytes bytes at `at` replaced. */
static void tampered(char *path, size_t cap, const char *name, size_t keep, size_t at,
                     const uint8_t *bytes, size_t nbytes)
{
    size_t len;
    uint8_t *buf = test_read_file(FINAL, &len);
    assert_true(keep <= len && at + nbytes <= len);
    if (nbytes) memcpy(buf + at, bytes, nbytes);
    path_in(path, cap, name);
    test_write_file(path, buf, keep);
    free(buf);
}

static void test_import_rejects(void **state)
{
    (void)state;
    size_t len;
    uint8_t *orig = test_read_file(FINAL, &len);
    char p[256];

    /* no contribution: tau = 1 */
    import_fails(NOCONTRIB, POWER, "no contribution");
    /* too few powers: the message names the size needed and a file that has it */
    import_fails(FINAL, POWER + 1,
                 "has 2^6 powers; --max-vars 7 needs a ceremony file of at least 2^7 powers");
    import_fails(FINAL, POWER + 1, "powersOfTau28_hez_final_08.ptau");
    /* missing */
    import_fails("/nonexistent/ozk-test.ptau", 2, "cannot open '/nonexistent/ozk-test.ptau'");

    /* truncated: in the file header, in section 1, in section 2, one byte short */
    size_t cuts[] = { 5, 30, SEC2_DATA + 1000, len - 1 };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        tampered(p, sizeof p, "cut.ptau", cuts[i], 0, NULL, 0);
        import_fails(p, 2, i == 0 ? "too short" : "truncated");
        unlink(p);
    }
    /* trailing bytes */
    {
        uint8_t *more = malloc(len + 3);
        assert_non_null(more);
        memcpy(more, orig, len);
        memset(more + len, 0, 3);
        path_in(p, sizeof p, "long.ptau");
        test_write_file(p, more, len + 3);
        import_fails(p, 2, "3 bytes after its last section");
        unlink(p);
        free(more);
    }
    /* a corrupt G1 point (off the curve) and a corrupt G2 point */
    uint8_t b = orig[SEC2_DATA + 3 * 64 + 7] ^ 0x10;
    tampered(p, sizeof p, "bad.ptau", len, SEC2_DATA + 3 * 64 + 7, &b, 1);
    import_fails(p, POWER, "[tau^3]_1 at byte 272 is not on BN254's G1");
    unlink(p);
    b = orig[SEC3_DATA + 128 + 40] ^ 0x01;
    tampered(p, sizeof p, "bad.ptau", len, SEC3_DATA + 128 + 40, &b, 1);
    import_fails(p, POWER, "[tau^1]_2");
    unlink(p);
    /* a coordinate >= p */
    uint8_t ff[32];
    memset(ff, 0xff, 32);
    tampered(p, sizeof p, "bad.ptau", len, SEC2_DATA + 2 * 64, ff, 32);
    import_fails(p, POWER, "not below p");
    unlink(p);
    /* a valid point in the wrong place: only the pairing check can see it */
    tampered(p, sizeof p, "bad.ptau", len, SEC2_DATA + 5 * 64, orig + SEC2_DATA + 6 * 64, 64);
    import_fails(p, POWER, "not consistent with [tau]_2");
    unlink(p);
    /* beyond the powers imported, the same change is not looked at */
    tampered(p, sizeof p, "bad.ptau", len, SEC2_DATA + 5 * 64, orig + SEC2_DATA + 6 * 64, 64);
    {
        char o[256], args[1024], *text;
        path_in(o, sizeof o, "prefix.srs");
        snprintf(args, sizeof args, "setup --ptau '%s' --max-vars 2 -o '%s'", p, o);
        assert_int_equal(run(&text, args), 0);
        free(text);
        unlink(o);
    }
    unlink(p);

    /* another curve: the prime, or 48-byte field elements (BLS12-381) */
    b = orig[24 + 4] ^ 0x01;
    tampered(p, sizeof p, "curve.ptau", len, 24 + 4, &b, 1);
    import_fails(p, 2, "not BN254's p");
    unlink(p);
    uint8_t n8[4] = { 48, 0, 0, 0 };
    tampered(p, sizeof p, "curve.ptau", len, 24, n8, 4);
    import_fails(p, 2, "48-byte field elements");
    unlink(p);
    /* not a ptau file at all; an unknown version; an unknown section type */
    tampered(p, sizeof p, "magic.ptau", len, 0, (const uint8_t *)"zkey", 4);
    import_fails(p, 2, "not a ptau file");
    unlink(p);
    uint8_t v2[4] = { 2, 0, 0, 0 };
    tampered(p, sizeof p, "v.ptau", len, 4, v2, 4);
    import_fails(p, 2, "version 2");
    unlink(p);
    uint8_t t9[4] = { 9, 0, 0, 0 };
    tampered(p, sizeof p, "t.ptau", len, SEC2_DATA - 12, t9, 4);
    import_fails(p, 2, "unknown section type 9");
    unlink(p);
    /* a section whose size does not match the header's power */
    uint8_t p5[4] = { 5, 0, 0, 0 };
    tampered(p, sizeof p, "pow.ptau", len, 24 + 4 + 32, p5, 4);
    import_fails(p, 2, "section 2 (tauG1)");
    unlink(p);
    uint8_t p29[4] = { 29, 0, 0, 0 };
    tampered(p, sizeof p, "pow.ptau", len, 24 + 4 + 32, p29, 4);
    import_fails(p, 2, "above bn128's maximum 28");
    unlink(p);
    free(orig);
    assert_int_equal(dir_entries(), 0);
}

static void test_dev(void **state)
{
    (void)state;
    char o[256], args[1024], *text;
    path_in(o, sizeof o, "dev.srs");
    snprintf(args, sizeof args, "setup --dev --max-vars 5 --seed 7 -o '%s'", o);
    assert_int_equal(run(&text, args), 0);
    assert_non_null(strstr(text, "INSECURE"));
    ozk_srs s = decode_file(o), want;
    assert_int_equal(s.insecure, 1);
    assert_int_equal(s.log_size, 5);
    assert_int_equal(ozk_srs_dev(&want, 5, 7), 0);
    assert_memory_equal(s.g1, want.g1, want.n * sizeof *want.g1);
    assert_memory_equal(s.id, want.id, 32);
    char id[80], hex[65];
    field_after(id, sizeof id, text, "srs id: ");
    ozk_hex_encode(hex, want.id, 32);
    assert_string_equal(id + 2, hex);
    free(text);
    ozk_srs_free(&s);
    ozk_srs_free(&want);
    /* a hex seed */
    snprintf(args, sizeof args, "setup --dev --max-vars 2 --seed 0x10 -o '%s'", o);
    assert_int_equal(run(&text, args), 0);
    free(text);
    s = decode_file(o);
    assert_int_equal(ozk_srs_dev(&want, 2, 16), 0);
    assert_memory_equal(s.id, want.id, 32);
    ozk_srs_free(&s);
    ozk_srs_free(&want);
    remove_all();
}

static void test_output_errors(void **state)
{
    (void)state;
    char o[256], args[1024], *text;
    /* -o in a missing directory: a clear failure, nothing created */
    path_in(o, sizeof o, "missing/srs.bin");
    snprintf(args, sizeof args, "setup --dev --max-vars 3 -o '%s'", o);
    assert_int_equal(run(&text, args), 1);
    assert_non_null(strstr(text, "cannot create the output"));
    assert_non_null(strstr(text, "create its directory first"));
    free(text);
    snprintf(args, sizeof args, "setup --ptau '%s' --max-vars 3 -o '%s'", FINAL, o);
    assert_int_equal(run(&text, args), 1);
    assert_non_null(strstr(text, "cannot create the output"));
    free(text);
    assert_int_equal(dir_entries(), 0);
    /* -o naming the ceremony file itself */
    char p[256];
    size_t len;
    uint8_t *buf = test_read_file(FINAL, &len);
    path_in(p, sizeof p, "c.ptau");
    test_write_file(p, buf, len);
    free(buf);
    snprintf(args, sizeof args, "setup --ptau '%s' --max-vars 3 -o '%s'", p, p);
    assert_int_equal(run(&text, args), 1);
    assert_non_null(strstr(text, "is the ceremony file itself"));
    free(text);
    assert_int_equal(dir_entries(), 1);
    remove_all();
}

static void test_usage(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(run(&out, "setup --help"), 0);
    assert_non_null(strstr(out, "usage: ozk setup --ptau FILE.ptau --max-vars N -o SRS"));
    assert_non_null(strstr(out, "INSECURE"));
    free(out);
    assert_int_equal(run(&out, "--help"), 0);
    assert_non_null(strstr(out, "setup"));
    free(out);
    static const char *const BAD[] = {
        "setup",
        "setup --max-vars 3 -o x",
        "setup --dev --ptau f.ptau --max-vars 3 -o x",
        "setup --dev -o x",
        "setup --dev --max-vars 3",
        "setup --dev --max-vars 0 -o x",
        "setup --dev --max-vars 29 -o x",
        "setup --dev --max-vars 3x -o x",
        "setup --dev --max-vars -3 -o x",
        "setup --dev --max-vars 3 --seed abc -o x",
        "setup --dev --max-vars 3 --seed 99999999999999999999 -o x",
        "setup --ptau f.ptau --max-vars 3 --seed 1 -o x",
        "setup --dev --max-vars 3 -o",
        "setup --dev --frobnicate",
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        int rc = run(&out, BAD[i]);
        if (rc != 2) fail_msg("ozk %s: exit %d, expected 2\n%s", BAD[i], rc, out);
        assert_non_null(strstr(out, "ozk setup: "));
        free(out);
    }
    assert_int_equal(run(&out, "setup --dev --max-vars 29 -o x"), 2);
    assert_non_null(strstr(out, "--max-vars expects a number from 1 to 28, got '29'"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage),          cmocka_unit_test(test_import),
        cmocka_unit_test(test_import_rejects), cmocka_unit_test(test_dev),
        cmocka_unit_test(test_output_errors),
    };
    return TEST_RUN_WITH("setup_cli", tests, setup_dir, teardown_dir);
}
