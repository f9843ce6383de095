/*
 * tests/test_proof_cli.c: `ozk model commit`, `ozk prove` and `ozk verify` as a user runs them,
 * on the committed digits-mlp model (tests/fixtures/models/) with a dev SRS.
 *
 * commit writes a .vk; prove, from the float input or from its canonical bytes, with or without
 * --vk, writes a proof of the exact length the vk announces and the golden output; verify says
 * `valid` (exit 0). A changed output or input is `invalid: REASON` (exit 1); a changed proof byte
 * is rejected (1, or 2 when the byte makes the proof malformed); a truncated proof, a garbage vk,
 * missing files and malformed JSON are errors (exit 2). prove refuses a vk of another model or
 * another SRS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define FIX   OZK_FIXTURES "/models/"
#define MODEL FIX "digits-mlp.ozkm"
#define OTHER FIX "digits-matmul.ozkm"
#define LOG_N 17 /* the dev SRS: 2^17 powers */

static char g_dir[64];
static int g_ready;                                       /* the shared files below exist */
static char g_srs[128], g_vk[128], g_in[128], g_inq[128]; /* SRS, vk, float and hex input */
static char g_proof[128], g_out[128];                     /* proof and OUTPUT.json of g_in */
static char g_want_y[200];                                /* the golden "output_q" value */
static char g_want_x[200];                                /* the golden "input_q" value */
static char *g_commit_out, *g_prove_out;                  /* what commit and prove printed */

/* `OZK_BIN args`, printf-style; and the same expected to exit with code and print needle */
#define run(out, ...)             test_bin(out, OZK_BIN, __VA_ARGS__)
#define expect(code, needle, ...) test_bin_expect(OZK_BIN, code, needle, __VA_ARGS__)

static void path_in(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", g_dir, name);
}

static void write_str(const char *path, const char *s)
{
    test_write_file(path, s, strlen(s));
}

/* `ozk verify` of g_vk with the given input, output and proof files */
#define VERIFY "verify --vk %s --input %s --output %s %s"

/* The SRS, the vk, the inputs and one proof, made once for every test. */
static void ensure_files(void)
{
    if (g_ready) return;
    char *out;
    path_in(g_srs, sizeof g_srs, "dev.srs");
    path_in(g_vk, sizeof g_vk, "mlp.vk");
    path_in(g_in, sizeof g_in, "in.json");
    path_in(g_inq, sizeof g_inq, "inq.json");
    path_in(g_proof, sizeof g_proof, "p.bin");
    path_in(g_out, sizeof g_out, "out.json");

    /* the golden first case: its float input, input_q and output_q */
    size_t gl;
    char *gold = (char *)test_read_file(FIX "digits-mlp.golden.json", &gl);
    char *in = strstr(gold, "\"input\":"), *end = strchr(in, ']');
    char json[4096];
    snprintf(json, sizeof json, "{%.*s}", (int)(end + 1 - in), in);
    write_str(g_in, json);
    char *xq = strstr(gold, "\"input_q\":\"") + 11, *yq = strstr(gold, "\"output_q\":\"") + 12;
    snprintf(g_want_x, sizeof g_want_x, "%.*s", (int)(strchr(xq, '"') - xq), xq);
    snprintf(g_want_y, sizeof g_want_y, "%.*s", (int)(strchr(yq, '"') - yq), yq);
    free(gold);
    snprintf(json, sizeof json, "{\"input_q\": \"%s\"}", g_want_x);
    write_str(g_inq, json);

    int rc = run(&out, "setup --dev --max-vars %d -o %s", LOG_N, g_srs);
    if (rc) fail_msg("setup: %s", out);
    free(out);
    rc = run(&g_commit_out, "model commit %s --srs %s -o %s", MODEL, g_srs, g_vk);
    if (rc) fail_msg("commit: %s", g_commit_out);
    rc = run(&g_prove_out, "prove --model %s --srs %s --input %s -o %s --output %s", MODEL, g_srs,
             g_in, g_proof, g_out);
    if (rc) fail_msg("prove: %s", g_prove_out);
    g_ready = 1;
}

static void test_help(void **state)
{
    (void)state;
    expect(0, "model import|info|commit", "--help");
    expect(0, "prove --model M --srs S", "--help");
    expect(0, "verify --vk K ... PROOF", "--help");
    expect(0, "ozk model commit MODEL.ozkm --srs SRS -o MODEL.vk", "model --help");
    expect(0, "--threads N", "model commit --help");
    expect(0, "usage: ozk prove --model MODEL.ozkm --srs SRS --input INPUT.json -o PROOF.bin",
           "prove --help");
    expect(0, "{\"input_q\": \"0x...\"}", "prove -h");
    expect(0, "usage: ozk verify --vk MODEL.vk --input INPUT.json --output OUTPUT.json PROOF.bin",
           "verify --help");
    expect(0, "1 and `invalid: REASON`", "verify --help");
    expect(0, "{\"input_q\": \"0x...\"}", "infer --help");
    /* bad command lines: 2 */
    expect(2, "MODEL.ozkm, --srs and -o are required", "model commit m.ozkm -o x.vk");
    expect(2, "unknown or incomplete option '--sr'", "model commit m.ozkm --sr s -o x");
    expect(2, "unexpected argument 'b'", "model commit a b --srs s -o x");
    expect(2, "--threads takes a number", "model commit m --srs s -o x --threads -1");
    expect(2, "--model, --srs, --input and -o are required", "prove --model m --srs s --input i");
    expect(2, "unknown or incomplete argument '--vk'", "prove --model m --vk");
    expect(2, "--threads takes a number", "prove --threads x");
    expect(2, "--vk, --input, --output and PROOF.bin are required", "verify --vk k --input i p");
    expect(2, "unexpected argument 'q'", "verify --vk k --input i --output o p q");
    expect(2, "unknown or incomplete option '--proof'", "verify --proof p");
}

static void test_prove_verify(void **state)
{
    (void)state;
    ensure_files();
    char *out, want[256];
    /* commit */
    out = g_commit_out;
    assert_non_null(strstr(out, "vk          0x"));
    assert_non_null(strstr(out, "model       0xe10f6a535bacd61095c6abbafc15669405c4d906f7e804dc"));
    assert_non_null(strstr(out, "INSECURE dev SRS"));
    assert_non_null(strstr(out, "powers needed (this SRS has 2^17)"));
    char *ps = strstr(out, "proof size  ");
    assert_non_null(ps);
    size_t proof_size = strtoul(ps + 12, NULL, 10);
    assert_true(proof_size > 0);

    /* prove from the float input, deriving the vk */
    out = g_prove_out;
    assert_non_null(strstr(out, "proved in "));
    assert_non_null(strstr(out, "ozk prove: witness")); /* progress on stderr */
    snprintf(want, sizeof want, "(%zu bytes)", proof_size);
    assert_non_null(strstr(out, want));
    size_t len;
    char *o = (char *)test_read_file(g_out, &len);
    snprintf(want, sizeof want, "{\"output_q\":\"%s\",\"output\":[-4746,", g_want_y);
    if (!strstr(o, want)) fail_msg("out.json: %s\n(want %s)", o, want);
    assert_non_null(strstr(o, "\"values\":[-2.62"));
    free(o);
    free(test_read_file(g_proof, &len));
    assert_int_equal(len, proof_size);
    expect(0, "valid\n", VERIFY, g_vk, g_in, g_out, g_proof);
    expect(0, "valid\n", VERIFY, g_vk, g_inq, g_out, g_proof); /* the same x in hex */

    /* --srs-id: the SRS the key names (commit printed it), another one, a malformed one */
    const char *sl = strstr(g_commit_out, "srs         0x");
    assert_non_null(sl);
    char id[67];
    memcpy(id, sl + 12, 66);
    id[66] = 0;
    expect(0, "valid\n", VERIFY " --srs-id %s", g_vk, g_in, g_out, g_proof, id);
    id[65] = id[65] == '0' ? '1' : '0';
    expect(1, "invalid: the verifying key names another SRS", VERIFY " --srs-id %s", g_vk, g_in,
           g_out, g_proof, id);
    expect(2, "--srs-id takes 32 bytes", VERIFY " --srs-id 0x1234", g_vk, g_in, g_out, g_proof);

    /* prove from input_q with --vk, quietly */
    char p2[128], o2[128];
    path_in(p2, sizeof p2, "p2.bin");
    path_in(o2, sizeof o2, "out2.json");
    int rc = run(&out,
                 "prove --model %s --srs %s --input %s -o %s --output %s --vk %s --quiet "
                 "--threads 2",
                 MODEL, g_srs, g_inq, p2, o2, g_vk);
    if (rc) fail_msg("prove --vk: %s", out);
    assert_null(strstr(out, "ozk prove: witness"));
    free(out);
    expect(0, "valid\n", VERIFY, g_vk, g_inq, o2, p2);
    expect(0, "valid\n", VERIFY, g_vk, g_in, g_out, p2);

    /* `ozk infer -o` writes output_q as well: its file serves as OUTPUT.json */
    char io[128];
    path_in(io, sizeof io, "infer.json");
    rc = run(&out, "infer --model %s --input %s -o %s", MODEL, g_inq, io);
    if (rc) fail_msg("infer: %s", out);
    assert_non_null(strstr(out, g_want_y));
    free(out);
    expect(0, "valid\n", VERIFY, g_vk, g_in, io, g_proof);

    /* nothing left behind but what was asked for */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -c tmp || true", g_dir);
    out = test_sh_ok(cmd);
    assert_string_equal(out, "0");
    free(out);
}

static void test_invalid(void **state)
{
    (void)state;
    ensure_files();
    char path[128], json[512], *out;
    path_in(path, sizeof path, "bad.json");

    /* another output: one unit more in the last element */
    char y[200];
    snprintf(y, sizeof y, "%s", g_want_y);
    size_t n = strlen(y);
    y[n - 1] = y[n - 1] == 'f' ? 'e' : (char)(y[n - 1] == '9' ? 'a' : y[n - 1] + 1);
    snprintf(json, sizeof json, "{\"output_q\": \"%s\"}", y);
    write_str(path, json);
    expect(1, "invalid: ", VERIFY, g_vk, g_in, path, g_proof);

    /* another input, same output */
    char x[200];
    snprintf(x, sizeof x, "%s", g_want_x);
    x[2] = x[2] == '0' ? '1' : '0';
    snprintf(json, sizeof json, "{\"input_q\": \"%s\"}", x);
    write_str(path, json);
    expect(1, "invalid: ", VERIFY, g_vk, path, g_out, g_proof);

    /* a changed proof byte: rejected, as invalid (1) or malformed (2) */
    size_t len;
    uint8_t *proof = test_read_file(g_proof, &len);
    char bad[128];
    path_in(bad, sizeof bad, "bad.bin");
    for (int k = 0; k < 6; k++) {
        size_t at = k == 0 ? 0 : k == 1 ? len - 1 : (size_t)test_rand_below(len);
        uint8_t bit = (uint8_t)(1u << test_rand_below(8));
        proof[at] ^= bit;
        test_write_file(bad, proof, len);
        proof[at] ^= bit;
        int rc = run(&out, VERIFY, g_vk, g_in, g_out, bad);
        if (!((rc == 1 && strstr(out, "invalid: ")) || (rc == 2 && strstr(out, "malformed proof"))))
            fail_msg("byte %zu ^ 0x%02x: exit %d, output:\n%s", at, bit, rc, out);
        free(out);
    }

    /* truncated and extended proofs */
    test_write_file(bad, proof, len - 1);
    expect(2, "malformed proof", VERIFY, g_vk, g_in, g_out, bad);
    test_write_file(bad, proof, 0);
    expect(2, "malformed proof", VERIFY, g_vk, g_in, g_out, bad);
    uint8_t *longer = calloc(len + 1, 1);
    memcpy(longer, proof, len);
    test_write_file(bad, longer, len + 1);
    expect(2, "malformed proof", VERIFY, g_vk, g_in, g_out, bad);
    free(longer);
    free(proof);
}

static void test_errors(void **state)
{
    (void)state;
    ensure_files();
    char path[128], vk[128], *out;
    path_in(path, sizeof path, "e.json");
    path_in(vk, sizeof vk, "e.vk");

    /* garbage and truncated vks */
    write_str(vk, "not a verifying key");
    expect(2, "not a valid verifying key", VERIFY, vk, g_in, g_out, g_proof);
    size_t len;
    uint8_t *v = test_read_file(g_vk, &len);
    test_write_file(vk, v, len / 2);
    expect(2, "not a valid verifying key", VERIFY, vk, g_in, g_out, g_proof);
    free(v);

    /* missing files */
    expect(2, "cannot open '/nonexistent.vk'", VERIFY, "/nonexistent.vk", g_in, g_out, g_proof);
    expect(2, "cannot open '/nonexistent.json'", VERIFY, g_vk, "/nonexistent.json", g_out, g_proof);
    expect(2, "cannot open '/nonexistent.json'", VERIFY, g_vk, g_in, "/nonexistent.json", g_proof);
    expect(2, "cannot open '/nonexistent.bin'", VERIFY, g_vk, g_in, g_out, "/nonexistent.bin");

    /* malformed INPUT.json and OUTPUT.json */
    write_str(path, "{\"input\": [1, 2, 3]}");
    expect(2, "has 3 values; the model takes 64", VERIFY, g_vk, path, g_out, g_proof);
    write_str(path, "{\"input_q\": \"0x0102\"}");
    expect(2, "wrong length: \"input_q\" holds 2 bytes; 64 expected", VERIFY, g_vk, path, g_out,
           g_proof);
    write_str(path, "{\"input_q\": \"0xzz\"}");
    expect(2, "\"input_q\" is not an even number of hex digits", VERIFY, g_vk, path, g_out,
           g_proof);
    write_str(path, "{\"input_q\": 5}");
    expect(2, "\"input_q\" must be a string", VERIFY, g_vk, path, g_out, g_proof);
    write_str(path, "{\"input_q\": \"0x00\", \"input\": [0]}");
    expect(2, "not both", VERIFY, g_vk, path, g_out, g_proof);
    write_str(path, "{\"x\": 1}");
    expect(2, "\"input\" must be an array of numbers", VERIFY, g_vk, path, g_out, g_proof);
    write_str(path, "{\"input\": [");
    expect(2, "e.json:1:", VERIFY, g_vk, path, g_out, g_proof);
    write_str(path, "{\"output\": [1]}");
    expect(2, "\"output_q\" is missing", VERIFY, g_vk, g_in, path, g_proof);
    write_str(path, "{\"output_q\": \"0xabc\"}");
    expect(2, "\"output_q\" is not an even number of hex digits", VERIFY, g_vk, g_in, path,
           g_proof);
    write_str(path, "{\"output_q\": \"0x00\"}");
    expect(2, "wrong length: \"output_q\" holds 1 bytes; 40 expected", VERIFY, g_vk, g_in, path,
           g_proof);
    write_str(path, "[1]");
    expect(2, "expected a JSON object", VERIFY, g_vk, g_in, path, g_proof);

    /* prove: malformed input, the vk of another model or another SRS, an SRS too small */
    char p[128];
    path_in(p, sizeof p, "never.bin");
#define PROVE "prove --model %s --srs %s --input %s -o %s"
    write_str(path, "{\"input_q\": \"0x01\"}");
    expect(1, "wrong length: \"input_q\" holds 1 bytes; 64 expected", PROVE, MODEL, g_srs, path, p);
    int rc = run(&out, "model commit %s --srs %s -o %s", OTHER, g_srs, vk);
    if (rc) fail_msg("commit %s: %s", OTHER, out);
    free(out);
    expect(1, "is not the verifying key of", PROVE " --vk %s", MODEL, g_srs, g_in, p, vk);
    char srs2[128];
    path_in(srs2, sizeof srs2, "seed1.srs");
    rc = run(&out, "setup --dev --max-vars %d --seed 1 -o %s", LOG_N, srs2);
    if (rc) fail_msg("setup: %s", out);
    free(out);
    expect(1, "names another SRS than", PROVE " --vk %s", MODEL, srs2, g_in, p, g_vk);
    expect(1, "not a valid verifying key", PROVE " --vk %s", MODEL, g_srs, g_in, p, g_in);
    expect(1, "not a valid SRS file", PROVE, MODEL, g_in, g_in, p);
    expect(1, "cannot open '/nonexistent.ozkm'", PROVE, "/nonexistent.ozkm", g_srs, g_in, p);
    rc = run(&out, "setup --dev --max-vars 4 -o %s", srs2);
    free(out);
    assert_int_equal(rc, 0);
    expect(1, "ozk setup --max-vars N", "model commit %s --srs %s -o %s", MODEL, srs2, vk);
    expect(1, "cannot open '/nonexistent.srs'", "model commit %s --srs %s -o %s", MODEL,
           "/nonexistent.srs", vk);
    assert_int_equal(access(p, F_OK), -1); /* no proof written by any of these */
}

static int setup(void **state)
{
    (void)state;
    test_tmpdir(g_dir, sizeof g_dir, "proof-cli");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_rmdir(g_dir);
    free(g_commit_out);
    free(g_prove_out);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_prove_verify),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_errors),
    };
    return TEST_RUN_WITH("proof_cli", tests, setup, teardown);
}
