/*
 * cli/cmd_infer.c: `ozk infer`, bit-exact integer inference of a .ozkm model.
 *
 *   ozk infer --model MODEL.ozkm --input INPUT.json [-o OUTPUT.json] [--accuracy TEST.json]
 *
 * INPUT.json is {"input": [floats]} (flattened in the ONNX input's row-major order) or
 * {"input_q": "0x<canonical input bytes>"} (cli_read_input, shared with `ozk prove`). The result,
 * printed on stdout as one line of JSON and written to OUTPUT.json (atomically) when asked:
 *   {"output": [ints], "scale": s, "values": [output * s], "argmax": i, "model": "0x<hash>",
 *    "input_q": "0x<canonical input bytes>", "output_q": "0x<canonical output bytes>"}
 * --accuracy TEST.json ({"inputs": [[floats], ...], "labels": [ints]}) prints one more line:
 *   {"accuracy": correct / total, "correct": n, "total": n, "model": "0x<hash>"}
 * (--input may then be left out).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "ozk/hex.h"
#include "ozk/model.h"

static void infer_usage(FILE *out)
{
    fprintf(out,
            "usage: ozk infer --model MODEL.ozkm --input INPUT.json [-o OUTPUT.json]\n"
            "                 [--accuracy TEST.json]\n"
            "\n"
            "Quantizes the float input with the model's input scale and runs the integer model\n"
            "(bit-exact, the computation a proof later attests).\n"
            "\n"
            "  --model FILE      the .ozkm model\n"
            "  --input FILE      JSON {\"input\": [x, ...]}, the flattened float input, or\n"
            "                    {\"input_q\": \"0x...\"}, the canonical int8 input bytes\n"
            "  -o, --output FILE also write the result there (replaced atomically)\n"
            "  --accuracy FILE   JSON {\"inputs\": [[x, ...], ...], \"labels\": [k, ...]}: print\n"
            "                    the top-1 accuracy over these inputs\n"
            "\n"
            "Prints one JSON line with output, scale, values, argmax, model, input_q and\n"
            "output_q (the canonical byte strings of the statement, hex), then, with\n"
            "--accuracy, one line with accuracy, correct, total and model.\n");
}

char *cli_hex0x(const uint8_t *b, size_t n)
{
    char *s = malloc(2 * n + 3);
    if (!s) return NULL;
    s[0] = '0', s[1] = 'x';
    ozk_hex_encode(s + 2, b, n);
    return s;
}

/* Reads a flat JSON array of n numbers into x. Returns 0, or -1 with a message. */
static int read_vector(const char *prog, const char *what, json_t *arr, double *x, size_t n)
{
    if (!json_is_array(arr)) {
        fprintf(stderr, "%s: %s must be an array of numbers\n", prog, what);
        return -1;
    }
    if (json_array_size(arr) != n) {
        fprintf(stderr, "%s: wrong input length: %s has %zu values; the model takes %zu\n", prog,
                what, json_array_size(arr), n);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);
        if (!json_is_number(v)) {
            fprintf(stderr, "%s: %s[%zu] is not a number\n", prog, what, i);
            return -1;
        }
        x[i] = json_number_value(v);
    }
    return 0;
}

int cli_read_hex_field(const char *prog, const char *path, const json_t *root, const char *key,
                       uint8_t *out, size_t n)
{
    json_t *v = json_object_get(root, key);
    if (!v) {
        fprintf(stderr, "%s: %s: \"%s\" is missing; expected \"%s\": \"0x<hex>\"\n", prog, path,
                key, key);
        return -1;
    }
    const char *s = json_string_value(v);
    if (!s) {
        fprintf(stderr, "%s: %s: \"%s\" must be a string \"0x<hex>\"\n", prog, path, key);
        return -1;
    }
    const char *digits = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? s + 2 : s;
    size_t nd = strlen(digits);
    if (nd % 2 || strspn(digits, "0123456789abcdefABCDEF") != nd) {
        fprintf(stderr, "%s: %s: \"%s\" is not an even number of hex digits\n", prog, path, key);
        return -1;
    }
    if (nd / 2 != n) {
        fprintf(stderr, "%s: %s: wrong length: \"%s\" holds %zu bytes; %zu expected\n", prog, path,
                key, nd / 2, n);
        return -1;
    }
    if (ozk_hex_decode(out, n, digits) != (long)n) {
        fprintf(stderr, "%s: %s: \"%s\" is not well-formed hex\n", prog, path, key);
        return -1;
    }
    return 0;
}

int cli_read_input(const char *prog, const char *path, const json_t *root, uint32_t n, double scale,
                   uint8_t *x)
{
    json_t *fl = json_object_get(root, "input");
    if (json_object_get(root, "input_q")) {
        if (fl) {
            fprintf(stderr,
                    "%s: %s: give one of \"input\" (floats) and \"input_q\" (hex), not both\n",
                    prog, path);
            return -1;
        }
        return cli_read_hex_field(prog, path, root, "input_q", x, n);
    }
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        fprintf(stderr, "%s: out of memory\n", prog);
        return -1;
    }
    char what[512];
    snprintf(what, sizeof what, "%s: \"input\"", path);
    int rc = read_vector(prog, what, fl, v, n);
    for (uint32_t i = 0; rc == 0 && i < n; i++) {
        if (!isfinite(v[i])) {
            fprintf(stderr, "%s: %s[%u] is not a finite number\n", prog, what, i);
            rc = -1;
        }
        x[i] = (uint8_t)ozk_quantize_value(v[i], scale); /* the canonical byte of an int8 */
    }
    free(v);
    return rc;
}

/* One inference: q -> y; the result object (NULL with a message on failure). */
static json_t *infer_one(const char *prog, const ozk_model *m, const int8_t *q, void *work)
{
    int32_t *y = malloc(m->n_out * sizeof *y);
    uint8_t *xb = malloc(ozk_model_input_bytes(m)), *yb = malloc(ozk_model_output_bytes(m));
    json_t *res = NULL;
    char *xh = NULL, *yh = NULL, *mh = NULL;
    if (!y || !xb || !yb) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto done;
    }
    ozk_model_infer(m, y, q, work);
    ozk_model_encode_input(m, xb, q);
    ozk_model_encode_output(m, yb, y);
    xh = cli_hex0x(xb, ozk_model_input_bytes(m));
    yh = cli_hex0x(yb, ozk_model_output_bytes(m));
    mh = cli_hex0x(m->hash, 32);
    json_t *out = json_array(), *vals = json_array();
    res = json_object();
    if (!xh || !yh || !mh || !out || !vals || !res) {
        json_decref(out), json_decref(vals), json_decref(res), res = NULL;
        fprintf(stderr, "%s: out of memory\n", prog);
        goto done;
    }
    for (uint32_t i = 0; i < m->n_out; i++) {
        json_array_append_new(out, json_integer(y[i]));
        json_array_append_new(vals, json_real((double)y[i] * m->out_scale));
    }
    json_object_set_new(res, "output", out);
    json_object_set_new(res, "scale", json_real(m->out_scale));
    json_object_set_new(res, "values", vals);
    json_object_set_new(res, "argmax", json_integer(ozk_model_argmax(m, y)));
    json_object_set_new(res, "model", json_string(mh));
    json_object_set_new(res, "input_q", json_string(xh));
    json_object_set_new(res, "output_q", json_string(yh));
done:
    free(y), free(xb), free(yb), free(xh), free(yh), free(mh);
    return res;
}

static int run_accuracy(const char *prog, const char *path, const ozk_model *m, void *work)
{
    json_t *root = cli_load_json(prog, path);
    if (!root) return -1;
    int rc = -1;
    json_t *inputs = json_object_get(root, "inputs"), *labels = json_object_get(root, "labels");
    double *x = malloc(m->n_in * sizeof *x);
    int8_t *q = malloc(m->n_in);
    int32_t *y = malloc(m->n_out * sizeof *y);
    char err[256];
    if (!x || !q || !y) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto done;
    }
    if (!json_is_array(inputs) || !json_is_array(labels) ||
        json_array_size(inputs) != json_array_size(labels) || !json_array_size(inputs)) {
        fprintf(stderr,
                "%s: %s: expected {\"inputs\": [[x, ...], ...], \"labels\": [k, ...]} with as "
                "many labels as inputs (at least one)\n",
                prog, path);
        goto done;
    }
    size_t n = json_array_size(inputs), correct = 0;
    for (size_t k = 0; k < n; k++) {
        char what[64];
        snprintf(what, sizeof what, "inputs[%zu]", k);
        if (read_vector(prog, what, json_array_get(inputs, k), x, m->n_in) < 0) goto done;
        json_t *lab = json_array_get(labels, k);
        double lv = json_number_value(lab);
        if (!json_is_number(lab) || lv < 0 || lv >= m->n_out || lv != (double)(uint32_t)lv) {
            fprintf(stderr, "%s: %s: labels[%zu] must be a class index in [0, %u)\n", prog, path, k,
                    m->n_out);
            goto done;
        }
        if (ozk_model_quantize_input(m, q, x, m->n_in, err, sizeof err) < 0) {
            fprintf(stderr, "%s: %s: inputs[%zu]: %s\n", prog, path, k, err);
            goto done;
        }
        ozk_model_infer(m, y, q, work);
        correct += ozk_model_argmax(m, y) == (uint32_t)lv;
    }
    char *mh = cli_hex0x(m->hash, 32);
    json_t *res = json_object();
    if (!mh || !res) {
        free(mh);
        json_decref(res);
        fprintf(stderr, "%s: out of memory\n", prog);
        goto done;
    }
    json_object_set_new(res, "accuracy", json_real((double)correct / (double)n));
    json_object_set_new(res, "correct", json_integer((json_int_t)correct));
    json_object_set_new(res, "total", json_integer((json_int_t)n));
    json_object_set_new(res, "model", json_string(mh));
    char *line = json_dumps(res, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (line) printf("%s\n", line);
    free(line);
    free(mh);
    json_decref(res);
    rc = line ? 0 : -1;
done:
    free(x), free(q), free(y);
    json_decref(root);
    return rc;
}

int cmd_infer(int argc, char **argv)
{
    const char *prog = "ozk infer", *model_path = NULL, *input_path = NULL, *out_path = NULL,
               *acc_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            infer_usage(stdout);
            return CLI_OK;
        } else if (!strcmp(a, "--model") && i + 1 < argc) {
            model_path = argv[++i];
        } else if (!strcmp(a, "--input") && i + 1 < argc) {
            input_path = argv[++i];
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
            out_path = argv[++i];
        } else if (!strcmp(a, "--accuracy") && i + 1 < argc) {
            acc_path = argv[++i];
        } else {
            fprintf(stderr, "%s: unknown or incomplete argument '%s'\n", prog, a);
            infer_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!model_path || (!input_path && !acc_path) || (out_path && !input_path)) {
        fprintf(stderr, "%s: --model and --input (or --accuracy) are required; -o needs --input\n",
                prog);
        infer_usage(stderr);
        return CLI_USAGE;
    }
    ozk_model *m = cli_load_model(prog, model_path, NULL);
    if (!m) return CLI_FAIL;
    int rc = CLI_FAIL;
    void *work = malloc(ozk_model_work_size(m));
    uint8_t *x = malloc(ozk_model_input_bytes(m));
    int8_t *q = malloc(m->n_in);
    json_t *root = NULL, *res = NULL;
    char *line = NULL;
    if (!work || !x || !q) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto done;
    }
    if (input_path) {
        if (!(root = cli_load_json(prog, input_path))) goto done;
        if (cli_read_input(prog, input_path, root, m->n_in, m->in_scale, x) < 0) goto done;
        if (ozk_model_decode_input(m, q, x, ozk_model_input_bytes(m)) < 0) {
            fprintf(stderr, "%s: %s: not the model's input\n", prog, input_path);
            goto done;
        }
        if (!(res = infer_one(prog, m, q, work))) goto done;
        line = json_dumps(res, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!line) {
            fprintf(stderr, "%s: out of memory\n", prog);
            goto done;
        }
        if (out_path) {
            size_t n = strlen(line);
            line[n] = '\n'; /* the file ends with a newline; the string is re-terminated below */
            int w = cli_write_atomic(prog, out_path, line, n + 1);
            line[n] = '\0';
            if (w < 0) goto done;
        }
        printf("%s\n", line);
    }
    if (acc_path && run_accuracy(prog, acc_path, m, work) < 0) goto done;
    rc = CLI_OK;
done:
    free(line);
    json_decref(res);
    json_decref(root);
    free(work);
    free(x);
    free(q);
    ozk_model_free(m);
    return rc;
}
