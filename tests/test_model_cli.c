/*
 * tests/test_model_cli.c: `ozk model import`, `ozk model info` and `ozk infer` as a user runs
 * them, on the committed digits models of tests/fixtures/models/ (scripts/train-digits).
 *
 * Importing the committed ONNX file with the committed calibration set writes exactly the
 * committed .ozkm (JSON or .npy calibration alike); info describes it; infer prints and writes
 * the documented JSON, with the golden canonical bytes; --accuracy reports the recorded number.
 * Bad command lines exit 2; bad files (truncated ONNX, malformed or mis-sized calibration,
 * corrupt .ozkm, wrong input length) exit 1 with a message naming the file and the problem, and
 * leave no output file behind (and an existing one untouched).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "testutil.h"

#define FIX OZK_FIXTURES "/models/"

static char g_dir[64];

/* `OZK_BIN args`, printf-style; and the same expected to exit with code and print needle */
#define run(out, ...)             test_bin(out, OZK_BIN, __VA_ARGS__)
#define expect(code, needle, ...) test_bin_expect(OZK_BIN, code, needle, __VA_ARGS__)

static void path_in(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", g_dir, name);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void hash_hex(char out[67], const char *path)
{
    size_t len;
    uint8_t *b = test_read_file(path, &len), h[32];
    assert_non_null(b);
    ozk_keccak256(h, b, len);
    out[0] = '0', out[1] = 'x';
    ozk_hex_encode(out + 2, h, 32);
    free(b);
}

/* No file in g_dir other than those named (temporaries must not be left behind). */
static void no_leftovers(void)
{
    char *out;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -c tmp || true", g_dir);
    test_sh(&out, cmd);
    assert_int_equal(atoi(out), 0);
    free(out);
}

static int setup(void **state)
{
    (void)state;
    test_tmpdir(g_dir, sizeof g_dir, "model-cli");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_rmdir(g_dir);
    return 0;
}

static void test_help(void **state)
{
    (void)state;
    expect(0, "model import|info", "--help");
    expect(0, "infer --model M --input X.json", "--help");
    expect(0, "ozk model import MODEL.onnx --calibration CALIB.json -o MODEL.ozkm", "model --help");
    expect(0, "--calibration FILE", "model import --help");
    expect(0, "usage: ozk model info MODEL.ozkm", "model info --help");
    expect(0, "--accuracy FILE", "infer --help");
    expect(2, "usage: ozk model import", "model");
    expect(2, "unknown subcommand 'frob'", "model frob");
    expect(2, "MODEL.onnx, --calibration and -o are required", "model import x.onnx -o y");
    expect(2, "unknown or incomplete option '--calib'", "model import x.onnx --calib c -o y");
    expect(2, "unexpected argument 'y'", "model import x y z");
    expect(2, "usage: ozk model info", "model info");
    expect(2, "--model and --input (or --accuracy) are required", "infer --input x.json");
    expect(2, "-o needs --input", "infer --model m --accuracy t -o out");
    expect(2, "unknown or incomplete argument '--inputs'", "infer --model m --inputs x");
}

static void test_import_info(void **state)
{
    (void)state;
    char out_path[128], want[67], got[67], *out;
    static const char *const names[] = { "digits-mlp", "digits-matmul" };
    for (int k = 0; k < 2; k++) {
        path_in(out_path, sizeof out_path, "m.ozkm");
        int rc =
            run(&out, "model import " FIX "%s.onnx --calibration " FIX "digits-calib.json -o %s",
                names[k], out_path);
        if (rc) fail_msg("%s", out);
        char fixture[256];
        snprintf(fixture, sizeof fixture, FIX "%s.ozkm", names[k]);
        hash_hex(want, fixture);
        hash_hex(got, out_path);
        assert_string_equal(got, want); /* the committed model, byte for byte */
        char line[128];
        snprintf(line, sizeof line, "model: %s\n", want);
        assert_non_null(strstr(out, line));
        assert_non_null(strstr(out, "calibrated on 256 inputs"));
        free(out);
        assert_int_equal(run(&out, "model info %s", out_path), 0);
        snprintf(line, sizeof line, "model       %s\n", want);
        assert_non_null(strstr(out, line));
        assert_non_null(strstr(out, "(opset 13)"));
        assert_non_null(strstr(out, k == 0 ? "[1,64] int8, 64 values" : "[1,8,8] int8, 64 values"));
        assert_non_null(strstr(out, "[1,10] int32, 10 values"));
        assert_non_null(strstr(out, k == 0 ? "parameters  17226" : "parameters  5964"));
        assert_non_null(strstr(out, k == 0 ? "/net/net.2/Gemm" : "add    t1,t2"));
        assert_non_null(strstr(out, "statement   x 64 bytes, y 40 bytes"));
        free(out);
    }
    no_leftovers();

    /* .npy calibration, float64 and float32, gives the same scales as the same JSON rows */
    size_t jl;
    char *json = (char *)test_read_file(FIX "digits-calib.json", &jl);
    assert_non_null(json);
    double rows[2][64];
    const char *p = strstr(json, "[[") + 2;
    for (int r = 0; r < 2; r++) {
        for (int i = 0; i < 64; i++) {
            char *endp;
            rows[r][i] = strtod(p, &endp);
            p = endp + 1; /* past ',' or ']' */
        }
        p += 2; /* ",[" */
    }
    free(json);
    for (int f32 = 0; f32 < 2; f32++) {
        char header[128], npy[128], jpath[128];
        int hl =
            snprintf(header, sizeof header,
                     "{'descr': '<f%d', 'fortran_order': False, 'shape': (2, 64), }", f32 ? 4 : 8);
        uint8_t buf[10 + 128 + 2 * 64 * 8];
        size_t pad = 64 - (size_t)(10 + hl + 1) % 64, hlen = (size_t)hl + pad + 1;
        memcpy(buf, "\x93NUMPY\x01\x00", 8);
        buf[8] = (uint8_t)hlen, buf[9] = 0;
        memcpy(buf + 10, header, (size_t)hl);
        memset(buf + 10 + hl, ' ', pad);
        buf[10 + hlen - 1] = '\n';
        size_t off = 10 + hlen;
        for (int r = 0; r < 2; r++)
            for (int i = 0; i < 64; i++) {
                if (f32) {
                    float v = (float)rows[r][i];
                    memcpy(buf + off, &v, 4), off += 4;
                } else {
                    memcpy(buf + off, &rows[r][i], 8), off += 8;
                }
            }
        path_in(npy, sizeof npy, "calib.npy");
        test_write_file(npy, buf, off);
        path_in(jpath, sizeof jpath, "calib.json");
        FILE *f = fopen(jpath, "w");
        fprintf(f, "{\"inputs\": [");
        for (int r = 0; r < 2; r++) {
            fprintf(f, r ? ",[" : "[");
            for (int i = 0; i < 64; i++) fprintf(f, i ? ",%.17g" : "%.17g", rows[r][i]);
            fprintf(f, "]");
        }
        fprintf(f, "]}");
        fclose(f);
        char a[128], b[128];
        path_in(a, sizeof a, "a.ozkm");
        path_in(b, sizeof b, "b.ozkm");
        assert_int_equal(
            run(&out, "model import " FIX "digits-mlp.onnx --calibration %s -o %s", npy, a), 0);
        free(out);
        assert_int_equal(
            run(&out, "model import " FIX "digits-mlp.onnx -c %s --output %s", jpath, b), 0);
        free(out);
        hash_hex(want, a);
        hash_hex(got, b);
        assert_string_equal(got, want);
        /* a malformed .npy */
        buf[6] = 9;
        test_write_file(npy, buf, off);
        expect(1, "not a well-formed .npy file",
               "model import " FIX "digits-mlp.onnx --calibration %s -o %s", npy, a);
        memcpy(buf + 10, "{'descr': '>f8'", 15);
        buf[6] = 1;
        test_write_file(npy, buf, off);
        expect(1, "little-endian float32 or float64 in C order",
               "model import " FIX "digits-mlp.onnx --calibration %s -o %s", npy, a);
    }
}

static void test_infer(void **state)
{
    (void)state;
    size_t gl;
    char *gold = (char *)test_read_file(FIX "digits-mlp.golden.json", &gl);
    assert_non_null(gold);
    /* the first case's input array, its canonical bytes and output */
    char *in = strstr(gold, "\"input\":"), *end = strchr(in, ']');
    char input_json[4096];
    snprintf(input_json, sizeof input_json, "{%.*s}", (int)(end + 1 - in), in);
    char *xq = strstr(gold, "\"input_q\":\"") + 11, *yq = strstr(gold, "\"output_q\":\"") + 12;
    char want_x[200], want_y[200];
    snprintf(want_x, sizeof want_x, "\"input_q\":\"%.*s\"", (int)(strchr(xq, '"') - xq), xq);
    snprintf(want_y, sizeof want_y, "\"output_q\":\"%.*s\"", (int)(strchr(yq, '"') - yq), yq);
    free(gold);
    char ipath[128], opath[128], hash[67], line[160], *out;
    path_in(ipath, sizeof ipath, "in.json");
    test_write_file(ipath, input_json, strlen(input_json));
    path_in(opath, sizeof opath, "out.json");
    hash_hex(hash, FIX "digits-mlp.ozkm");
    int rc = run(&out, "infer --model " FIX "digits-mlp.ozkm --input %s -o %s", ipath, opath);
    if (rc) fail_msg("%s", out);
    assert_non_null(strstr(out, "{\"output\":["));
    assert_non_null(strstr(out, "\"scale\":"));
    assert_non_null(strstr(out, "\"values\":["));
    assert_non_null(strstr(out, "\"argmax\":"));
    snprintf(line, sizeof line, "\"model\":\"%s\"", hash);
    assert_non_null(strstr(out, line));
    assert_non_null(strstr(out, want_x));
    assert_non_null(strstr(out, want_y));
    size_t fl;
    char *file = (char *)test_read_file(opath, &fl);
    assert_non_null(file);
    assert_string_equal(file, out); /* the file holds the same line */
    free(file);
    free(out);
    no_leftovers();
    /* again: the same bytes (deterministic) */
    assert_int_equal(run(&out, "infer --model " FIX "digits-mlp.ozkm --input %s", ipath), 0);
    assert_non_null(strstr(out, want_y));
    free(out);
    /* --accuracy, alone and after an inference */
    assert_int_equal(
        run(&out, "infer --model " FIX "digits-mlp.ozkm --accuracy " FIX "digits-test.json"), 0);
    assert_non_null(strstr(out, "{\"accuracy\":0.969"));
    assert_non_null(strstr(out, "\"total\":360"));
    free(out);
    assert_int_equal(run(&out,
                         "infer --model " FIX "digits-matmul.ozkm --input %s --accuracy " FIX
                         "digits-test.json",
                         ipath),
                     0);
    assert_non_null(strstr(out, "{\"output\":["));
    assert_non_null(strstr(out, "\n{\"accuracy\":"));
    free(out);
}

static void test_errors(void **state)
{
    (void)state;
    char a[128], b[128], c[128];
    path_in(a, sizeof a, "x.ozkm");
    path_in(c, sizeof c, "c.json");
#define IMP "model import %s --calibration %s -o /tmp/ozk-never-written.ozkm"
    /* files that cannot be read */
    expect(1, "cannot open '/nonexistent.onnx'", IMP, "/nonexistent.onnx", FIX "digits-calib.json");
    expect(1, "cannot open '/nonexistent.json'", IMP, FIX "digits-mlp.onnx", "/nonexistent.json");
    /* a truncated ONNX file */
    size_t len;
    uint8_t *onnx = test_read_file(FIX "digits-mlp.onnx", &len);
    path_in(b, sizeof b, "cut.onnx");
    test_write_file(b, onnx, len / 2);
    free(onnx);
    char needle[256];
    snprintf(needle, sizeof needle, "%s: not a valid ONNX file", b);
    expect(1, needle, IMP, b, FIX "digits-calib.json");
    /* calibration files */
    test_write_file(c, "{\"inputs\": [[1, 2", 17);
    expect(1, "c.json:1:", IMP, FIX "digits-mlp.onnx", c);
    test_write_file(c, "{\"inputs\": [[1, 2]]}", 20);
    expect(1, "inputs[0] must be an array of 64 numbers (the model's input size)", IMP,
           FIX "digits-mlp.onnx", c);
    test_write_file(c, "{\"inputs\": []}", 14);
    expect(1, "\"inputs\" is empty", IMP, FIX "digits-mlp.onnx", c);
    test_write_file(c, "[1, 2]", 6);
    expect(1, "c.json: expected a JSON object", IMP, FIX "digits-mlp.onnx", c);
    test_write_file(c, "{\"input\": [[1, 2]]}", 19);
    expect(1, "expected an object {\"inputs\"", IMP, FIX "digits-mlp.onnx", c);
    assert_false(exists("/tmp/ozk-never-written.ozkm"));
    /* a failed import leaves an existing output untouched, and no temporary */
    test_write_file(a, "keep", 4);
    {
        test_write_file(c, "{\"inputs\": [[1]]}", 17);
        expect(1, "inputs[0] must be", "model import %s --calibration %s -o %s",
               FIX "digits-mlp.onnx", c, a);
        size_t kl;
        char *keep = (char *)test_read_file(a, &kl);
        assert_string_equal(keep, "keep");
        free(keep);
    }
    no_leftovers();
    /* -o into a folder that does not exist */
    expect(1, "cannot create a file next to '/nonexistent-dir/m.ozkm'",
           "model import %s --calibration %s -o /nonexistent-dir/m.ozkm", FIX "digits-mlp.onnx",
           FIX "digits-calib.json");

    /* corrupt and truncated model files */
    uint8_t *m = test_read_file(FIX "digits-mlp.ozkm", &len);
    m[len / 2] ^= 1;
    test_write_file(a, m, len);
    snprintf(needle, sizeof needle, "%s: corrupt model file: the checksum does not match", a);
    expect(1, needle, "model info %s%s", a, "");
    m[len / 2] ^= 1;
    test_write_file(a, m, len - 7);
    expect(1, "truncated model file", "model info %s%s", a, "");
    expect(1, "truncated model file", "infer --model %s --input %s", a, c);
    test_write_file(a, "hello", 5);
    expect(1, "not an ozk model file (.ozkm)", "model info %s%s", a, "");
    free(m);

    /* inference inputs */
#define INF "infer --model %s --input %s"
    test_write_file(c, "{\"input\": [1, 2, 3]}", 20);
    expect(1, "wrong input length: ", INF, FIX "digits-mlp.ozkm", c);
    expect(1, "has 3 values; the model takes 64", INF, FIX "digits-mlp.ozkm", c);
    test_write_file(c, "{\"inputs\": [1]}", 15);
    expect(1, "\"input\" must be an array of numbers", INF, FIX "digits-mlp.ozkm", c);
    {
        char big[2048] = "{\"input\": [0, \"a\"";
        for (int i = 2; i < 64; i++) strcat(big, ",0");
        strcat(big, "]}");
        test_write_file(c, big, strlen(big));
        expect(1, "\"input\"[1] is not a number", INF, FIX "digits-mlp.ozkm", c);
    }
    test_write_file(c, "{\"input\": [1e999]}", 18);
    expect(1, "c.json:1:", INF, FIX "digits-mlp.ozkm", c);
    test_write_file(c, "{\"input\": [", 11);
    expect(1, "c.json:1:", INF, FIX "digits-mlp.ozkm", c);
    expect(1, "cannot open '/nonexistent.json'", INF, FIX "digits-mlp.ozkm", "/nonexistent.json");
    /* accuracy files */
#define ACC "infer --model %s --accuracy %s"
    test_write_file(c, "{\"inputs\": [[1]], \"labels\": [1, 2]}", 35);
    expect(1, "with as many labels as inputs", ACC, FIX "digits-mlp.ozkm", c);
    test_write_file(c, "{\"inputs\": [[1]], \"labels\": [1]}", 32);
    expect(1, "wrong input length", ACC, FIX "digits-mlp.ozkm", c);
    {
        char big[2048] = "{\"inputs\": [[0";
        for (int i = 1; i < 64; i++) strcat(big, ",0");
        strcat(big, "]], \"labels\": [10]}");
        test_write_file(c, big, strlen(big));
        expect(1, "labels[0] must be a class index in [0, 10)", ACC, FIX "digits-mlp.ozkm", c);
    }
    /* -o into a missing folder: nothing printed as a result, exit 1 */
    {
        char big[2048] = "{\"input\": [0";
        for (int i = 1; i < 64; i++) strcat(big, ",0");
        strcat(big, "]}");
        test_write_file(c, big, strlen(big));
        expect(1, "cannot create a file next to '/nonexistent-dir/o.json'",
               "infer --model %s --input %s -o /nonexistent-dir/o.json", FIX "digits-mlp.ozkm", c);
        expect(0, "\"argmax\":", INF, FIX "digits-mlp.ozkm", c);
    }
    no_leftovers();
    (void)b;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_import_info),
        cmocka_unit_test(test_infer),
        cmocka_unit_test(test_errors),
    };
    return TEST_RUN_WITH("model_cli", tests, setup, teardown);
}
