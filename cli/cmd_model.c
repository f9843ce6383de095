/*
 * cli/cmd_model.c: `ozk model import` and `ozk model info`, and the file helpers the model
 * commands share (cli.h): whole-file reads, atomic writes, loading a .ozkm. `ozk model commit`
 * lives with the other proof commands in cli/cmd_proof.c.
 *
 *   ozk model import MODEL.onnx --calibration CALIB.json|CALIB.npy -o MODEL.ozkm
 *   ozk model info MODEL.ozkm
 *   ozk model commit MODEL.ozkm --srs SRS -o MODEL.vk [--threads N]
 *
 * model/ does the work on bytes in memory; this file reads and writes the files and prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/model.h"

#define MAX_ONNX_BYTES  ((size_t)1 << 31)
#define MAX_MODEL_BYTES ((size_t)1 << 31)
#define MAX_CALIB_BYTES ((size_t)1 << 30)

/* ---- shared helpers ------------------------------------------------------------------------- */

int cli_read_file(const char *prog, const char *path, size_t max, uint8_t **buf, size_t *len)
{
    *buf = NULL, *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open '%s': %s\n", prog, path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, n = 0, got;
    uint8_t *b = malloc(cap);
    while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n > max) {
            fprintf(stderr, "%s: '%s' is larger than %zu bytes\n", prog, path, max);
            free(b);
            fclose(f);
            return -1;
        }
        if (n == cap) {
            uint8_t *nb = realloc(b, cap * 2);
            if (!nb) free(b);
            b = nb, cap *= 2;
        }
    }
    if (!b) {
        fprintf(stderr, "%s: out of memory reading '%s'\n", prog, path);
        fclose(f);
        return -1;
    }
    if (ferror(f)) {
        fprintf(stderr, "%s: cannot read '%s': %s\n", prog, path, strerror(errno));
        free(b);
        fclose(f);
        return -1;
    }
    fclose(f);
    *buf = b, *len = n;
    return 0;
}

int cli_write_atomic(const char *prog, const char *path, const void *data, size_t len)
{
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 16);
    if (!tmp) {
        fprintf(stderr, "%s: out of memory\n", prog);
        return -1;
    }
    snprintf(tmp, pl + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "%s: cannot create a file next to '%s': %s\n", prog, path, strerror(errno));
        free(tmp);
        return -1;
    }
    const uint8_t *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, p + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        done += (size_t)w;
    }
    int ok = done == len && fchmod(fd, 0644) == 0 && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0) ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        if (ok) saved = errno;
        fprintf(stderr, "%s: cannot write '%s': %s\n", prog, path, strerror(saved));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    /* make the rename durable: fsync the directory (best effort) */
    char *dir = strdup(path);
    if (dir) {
        char *slash = strrchr(dir, '/');
        const char *d = slash ? (slash == dir ? "/" : (*slash = '\0', dir)) : ".";
        int dfd = open(d, O_RDONLY);
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    return 0;
}

ozk_model *cli_load_model(const char *prog, const char *path, size_t *file_len)
{
    uint8_t *buf;
    size_t len;
    char err[512];
    if (cli_read_file(prog, path, MAX_MODEL_BYTES, &buf, &len) < 0) return NULL;
    ozk_model *m;
    int rc = ozk_model_decode(&m, buf, len, err, sizeof err);
    free(buf);
    if (rc < 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, err);
        return NULL;
    }
    if (file_len) *file_len = len;
    return m;
}

void cli_print_hash(FILE *out, const uint8_t h[32])
{
    char hex[65];
    ozk_hex_encode(hex, h, 32);
    fprintf(out, "0x%s", hex);
}

json_t *cli_load_json(const char *prog, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open '%s': %s\n", prog, path, strerror(errno));
        return NULL;
    }
    json_error_t je;
    json_t *root = json_loadf(f, JSON_DECODE_INT_AS_REAL | JSON_REJECT_DUPLICATES, &je);
    fclose(f);
    if (!root) {
        fprintf(stderr, "%s: %s:%d:%d: %s\n", prog, path, je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        fprintf(stderr, "%s: %s: expected a JSON object\n", prog, path);
        json_decref(root);
        return NULL;
    }
    return root;
}

/* ---- calibration data ----------------------------------------------------------------------- */

/* A JSON file {"inputs": [[numbers], ...]}: every vector n_in numbers. */
static int load_calib_json(const char *prog, const char *path, size_t n_in, double **out,
                           size_t *count)
{
    json_t *root = cli_load_json(prog, path);
    if (!root) return -1;
    json_t *inputs = json_object_get(root, "inputs");
    int rc = -1;
    if (!json_is_array(inputs)) {
        fprintf(stderr, "%s: %s: expected an object {\"inputs\": [[numbers], ...]}\n", prog, path);
        goto done;
    }
    size_t n = json_array_size(inputs);
    if (n == 0) {
        fprintf(stderr, "%s: %s: \"inputs\" is empty; calibration needs at least one input\n", prog,
                path);
        goto done;
    }
    double *v = malloc(n * n_in * sizeof *v);
    if (!v) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        json_t *row = json_array_get(inputs, k);
        if (!json_is_array(row) || json_array_size(row) != n_in) {
            fprintf(stderr,
                    "%s: %s: inputs[%zu] must be an array of %zu numbers (the model's input "
                    "size), got %s of %zu\n",
                    prog, path, k, n_in, json_is_array(row) ? "an array" : "something else",
                    json_is_array(row) ? json_array_size(row) : (size_t)0);
            free(v);
            goto done;
        }
        for (size_t i = 0; i < n_in; i++) {
            json_t *x = json_array_get(row, i);
            if (!json_is_number(x)) {
                fprintf(stderr, "%s: %s: inputs[%zu][%zu] is not a number\n", prog, path, k, i);
                free(v);
                goto done;
            }
            v[k * n_in + i] = json_number_value(x);
        }
    }
    *out = v, *count = n;
    rc = 0;
done:
    json_decref(root);
    return rc;
}

/* Parses the integer tuple of a .npy header's 'shape': "(3, 64)" or "(64,)". */
static int npy_shape(const char *h, uint64_t *dims, int *nd)
{
    const char *p = strstr(h, "'shape':");
    if (!p || !(p = strchr(p, '('))) return -1;
    p++;
    *nd = 0;
    for (;;) {
        while (*p == ' ' || *p == ',') p++;
        if (*p == ')') return 0;
        if (*p < '0' || *p > '9' || *nd >= 8) return -1;
        uint64_t v = 0;
        while (*p >= '0' && *p <= '9') {
            v = v * 10 + (uint64_t)(*p++ - '0');
            if (v > ((uint64_t)1 << 40)) return -1;
        }
        dims[(*nd)++] = v;
    }
}

/* A .npy array (format 1.0 to 3.0) of little-endian float32 or float64, C order, of shape
 * (N, ...) with N vectors of n_in values, or (n_in,) for one. */
static int load_calib_npy(const char *prog, const char *path, size_t n_in, double **out,
                          size_t *count)
{
    uint8_t *buf;
    size_t len;
    if (cli_read_file(prog, path, MAX_CALIB_BYTES, &buf, &len) < 0) return -1;
    int rc = -1;
    size_t hl, start;
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6)) goto bad;
    if (buf[6] == 1) {
        hl = (size_t)buf[8] | (size_t)buf[9] << 8, start = 10;
    } else if ((buf[6] == 2 || buf[6] == 3) && len >= 12) {
        hl = (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        start = 12;
    } else {
        goto bad;
    }
    if (hl > len - start || hl > 65536) goto bad;
    char *h = malloc(hl + 1);
    if (!h) goto bad;
    memcpy(h, buf + start, hl);
    h[hl] = '\0';
    unsigned size = strstr(h, "'descr': '<f4'") ? 4 : strstr(h, "'descr': '<f8'") ? 8 : 0;
    int fortran = strstr(h, "'fortran_order': True") != NULL;
    uint64_t dims[8];
    int nd;
    int shape_ok = npy_shape(h, dims, &nd) == 0 && nd >= 1;
    free(h);
    if (!size || fortran || !shape_ok) {
        fprintf(stderr,
                "%s: %s: ozk reads .npy arrays of little-endian float32 or float64 in C order\n",
                prog, path);
        goto done;
    }
    uint64_t n = nd == 1 ? 1 : dims[0], per = 1;
    for (int k = nd == 1 ? 0 : 1; k < nd; k++) per *= dims[k];
    if (per != n_in || n == 0) {
        fprintf(stderr,
                "%s: %s: the array holds %" PRIu64 " vectors of %" PRIu64
                " values; the model's input has %zu\n",
                prog, path, n, per, n_in);
        goto done;
    }
    size_t off = start + hl;
    if ((len - off) / size != n * per || (len - off) % size) goto bad;
    double *v = malloc(n * per * sizeof *v);
    if (!v) goto bad;
    for (uint64_t k = 0; k < n * per; k++) {
        const uint8_t *q = buf + off + k * size;
        uint64_t bits = 0;
        for (unsigned b = size; b-- > 0;) bits = bits << 8 | q[b];
        if (size == 4) {
            uint32_t b32 = (uint32_t)bits;
            float x;
            memcpy(&x, &b32, 4);
            v[k] = (double)x;
        } else {
            memcpy(&v[k], &bits, 8);
        }
    }
    *out = v, *count = (size_t)n;
    rc = 0;
    goto done;
bad:
    fprintf(stderr, "%s: %s: not a well-formed .npy file\n", prog, path);
done:
    free(buf);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

/* ---- ozk model import ----------------------------------------------------------------------- */

static void import_usage(FILE *out)
{
    fprintf(out,
            "usage: ozk model import MODEL.onnx --calibration CALIB.json -o MODEL.ozkm\n"
            "\n"
            "Imports an ONNX model (opsets %d to %d: Gemm, MatMul, Add, Relu, Flatten, Reshape,\n"
            "Identity, Constant), quantizes it to int8 weights and activations with int32\n"
            "biases, checks every requantization precondition per layer, and writes the\n"
            ".ozkm model file. docs/quantization.md is the normative description.\n"
            "\n"
            "  --calibration FILE  float input vectors that set the activation scales: JSON\n"
            "                      {\"inputs\": [[x, ...], ...]} or a .npy array (N, ...)\n"
            "  -o, --output FILE   the model file to write (replaced atomically)\n"
            "\n"
            "Prints the model's hash (keccak256 of the file), its identity everywhere else.\n",
            OZK_OPSET_MIN, OZK_OPSET_MAX);
}

static void print_dims(FILE *out, const uint32_t *dims, uint32_t n)
{
    fputc('[', out);
    for (uint32_t k = 0; k < n; k++) fprintf(out, k ? ",%u" : "%u", dims[k]);
    fputc(']', out);
}

static int model_import(int argc, char **argv)
{
    const char *prog = "ozk model import", *onnx_path = NULL, *calib_path = NULL, *out_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            import_usage(stdout);
            return CLI_OK;
        } else if ((!strcmp(a, "--calibration") || !strcmp(a, "-c")) && i + 1 < argc) {
            calib_path = argv[++i];
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
            out_path = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "%s: unknown or incomplete option '%s'\n", prog, a);
            import_usage(stderr);
            return CLI_USAGE;
        } else if (!onnx_path) {
            onnx_path = a;
        } else {
            fprintf(stderr, "%s: unexpected argument '%s'\n", prog, a);
            import_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!onnx_path || !calib_path || !out_path) {
        fprintf(stderr, "%s: MODEL.onnx, --calibration and -o are required\n", prog);
        import_usage(stderr);
        return CLI_USAGE;
    }
    int rc = CLI_FAIL;
    uint8_t *onnx = NULL, *file = NULL;
    size_t onnx_len, file_len;
    double *calib = NULL;
    size_t n_calib = 0;
    ozk_fmodel *f = NULL;
    ozk_model *m = NULL;
    char err[512];
    uint8_t onnx_hash[32];
    if (cli_read_file(prog, onnx_path, MAX_ONNX_BYTES, &onnx, &onnx_len) < 0) goto done;
    ozk_keccak256(onnx_hash, onnx, onnx_len);
    if (ozk_onnx_import(&f, onnx, onnx_len, onnx_hash, err, sizeof err) < 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, onnx_path, err);
        goto done;
    }
    size_t n_in = ozk_fmodel_input_len(f);
    if ((ends_with(calib_path, ".npy") ? load_calib_npy : load_calib_json)(prog, calib_path, n_in,
                                                                           &calib, &n_calib) < 0)
        goto done;
    if (ozk_quantize(&m, f, calib, n_calib, err, sizeof err) < 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, onnx_path, err);
        goto done;
    }
    if (ozk_model_encode(&file, &file_len, m, err, sizeof err) < 0) {
        fprintf(stderr, "%s: %s\n", prog, err);
        goto done;
    }
    if (cli_write_atomic(prog, out_path, file, file_len) < 0) goto done;
    printf("imported %s (ONNX opset %u, %zu bytes, keccak ", onnx_path, m->opset, onnx_len);
    cli_print_hash(stdout, onnx_hash);
    printf(")\ncalibrated on %zu inputs from %s\n", n_calib, calib_path);
    printf("%zu layers, %" PRIu64 " parameters; input ", m->n_layers, ozk_model_param_count(m));
    print_dims(stdout, m->in_dims, m->in_ndim);
    printf(" int8, output ");
    print_dims(stdout, m->out_dims, m->out_ndim);
    printf(" %s\nwrote %s (%zu bytes)\nmodel: ", m->out_dtype == OZK_DTYPE_INT8 ? "int8" : "int32",
           out_path, file_len);
    cli_print_hash(stdout, m->hash);
    printf("\n");
    rc = CLI_OK;
done:
    free(onnx);
    free(file);
    free(calib);
    ozk_fmodel_free(f);
    ozk_model_free(m);
    return rc;
}

/* ---- ozk model info ------------------------------------------------------------------------- */

static int model_info(int argc, char **argv)
{
    const char *prog = "ozk model info";
    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        printf(
            "usage: ozk model info MODEL.ozkm\n\n"
            "Validates a model file and prints its hash, input and output, scales and layers.\n");
        return CLI_OK;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: ozk model info MODEL.ozkm\n");
        return CLI_USAGE;
    }
    size_t len;
    ozk_model *m = cli_load_model(prog, argv[1], &len);
    if (!m) return CLI_FAIL;
    int64_t lo, hi;
    ozk_model_output_range(m, &lo, &hi);
    printf("model       ");
    cli_print_hash(stdout, m->hash);
    printf("\nfile        %s (%zu bytes, format version %d)\n", argv[1], len, OZK_MODEL_VERSION);
    printf("onnx        ");
    cli_print_hash(stdout, m->onnx_hash);
    printf(" (opset %u)\n", m->opset);
    printf("input       ");
    print_dims(stdout, m->in_dims, m->in_ndim);
    printf(" int8, %u values, scale %.9g (x -> round(x / scale), clamped to [-128, 127])\n",
           m->n_in, m->in_scale);
    printf("output      ");
    print_dims(stdout, m->out_dims, m->out_ndim);
    printf(" %s, %u values, scale %.9g, range [%" PRId64 ", %" PRId64 "]\n",
           m->out_dtype == OZK_DTYPE_INT8 ? "int8" : "int32", m->n_out, m->out_scale, lo, hi);
    printf("parameters  %" PRIu64 "\n", ozk_model_param_count(m));
    printf("statement   x %zu bytes, y %zu bytes\n", ozk_model_input_bytes(m),
           ozk_model_output_bytes(m));
    printf("layers      %zu\n", m->n_layers);
    printf("  %-3s %-24s %-6s %-6s %-15s %-9s %-11s %-3s %-11s %-11s %s\n", "#", "name", "kind",
           "reads", "shape", "params", "M", "s", "[L, H]", "|acc| max", "scale");
    for (size_t j = 0; j < m->n_layers; j++) {
        const ozk_layer *l = &m->layers[j];
        char reads[24], shape[32], lh[24], mm[24], ss[8];
        uint64_t params = l->kind == OZK_LAYER_DENSE ? (uint64_t)l->n_in * l->n_out + l->n_out
                          : l->kind == OZK_LAYER_ADD ? 2
                                                     : 0;
        if (l->kind == OZK_LAYER_ADD)
            snprintf(reads, sizeof reads, "t%u,t%u", l->in[0], l->in[1]);
        else
            snprintf(reads, sizeof reads, "t%u", l->in[0]);
        snprintf(shape, sizeof shape, "%u -> %u", l->n_in, l->n_out);
        if (l->requant) {
            snprintf(lh, sizeof lh, "[%d, %d]", l->L, l->H);
            snprintf(mm, sizeof mm, "%" PRId64, l->M);
            snprintf(ss, sizeof ss, "%u", l->s);
        } else {
            snprintf(lh, sizeof lh, "int32 out");
            snprintf(mm, sizeof mm, "-");
            snprintf(ss, sizeof ss, "-");
        }
        printf("  %-3zu %-24.24s %-6s %-6s %-15s %-9" PRIu64 " %-11s %-3s %-11s %-11" PRIu64
               " %.6g\n",
               j, l->name,
               l->kind == OZK_LAYER_DENSE ? "dense"
               : l->kind == OZK_LAYER_ADD ? "add"
                                          : "relu",
               reads, shape, params, mm, ss, lh, l->acc_bound, l->scale);
    }
    printf("  (t0 is the input, tK the output of layer K-1; L = 0 is a folded ReLU)\n");
    ozk_model_free(m);
    return CLI_OK;
}

/* ---- dispatch ------------------------------------------------------------------------------- */

static void model_usage(FILE *out)
{
    fprintf(out, "usage: ozk model import MODEL.onnx --calibration CALIB.json -o MODEL.ozkm\n"
                 "       ozk model info MODEL.ozkm\n"
                 "       ozk model commit MODEL.ozkm --srs SRS -o MODEL.vk [--threads N]\n"
                 "\n"
                 "`ozk model SUBCOMMAND --help` describes each.\n");
}

int cmd_model(int argc, char **argv)
{
    if (argc < 2) {
        model_usage(stderr);
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        model_usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(argv[1], "import")) return model_import(argc - 1, argv + 1);
    if (!strcmp(argv[1], "info")) return model_info(argc - 1, argv + 1);
    if (!strcmp(argv[1], "commit")) return cmd_model_commit(argc - 1, argv + 1);
    fprintf(stderr, "ozk model: unknown subcommand '%s'\n", argv[1]);
    model_usage(stderr);
    return CLI_USAGE;
}
