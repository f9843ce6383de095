/*
 * cli/cmd_proof.c: `ozk model commit`, `ozk prove` and `ozk verify`, the proof system as a user
 * runs it (include/ozk/proof.h does the work).
 *
 *   ozk model commit MODEL.ozkm --srs SRS -o MODEL.vk [--threads N]
 *   ozk prove --model MODEL.ozkm --srs SRS --input INPUT.json -o PROOF.bin [--output OUTPUT.json]
 *             [--vk MODEL.vk] [--threads N] [--quiet]
 *   ozk verify --vk MODEL.vk --input INPUT.json --output OUTPUT.json PROOF.bin
 *
 * INPUT.json is {"input": [floats]} (quantized with the vk's input scale) or {"input_q":
 * "0x<canonical bytes>"} (cli_read_input). OUTPUT.json, written by prove and read by verify, is
 * {"output_q": "0x<canonical bytes>", "output": [ints], "values": [output * scale]}; verify reads
 * "output_q" only. `ozk infer`'s output file has "output_q" too, so it serves as well.
 *
 * verify is a predicate and its exit status says which outcome: 0 valid (prints `valid`), 1
 * invalid (prints `invalid: REASON`), 2 anything else (a bad command line, a file that cannot be
 * read or is malformed, a malformed proof), with the reason on stderr.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "ozk/error.h"
#include "ozk/model.h"
#include "ozk/hex.h"
#include "ozk/proof.h"
#include "ozk/srs.h"

#define MAX_VK_BYTES    ((size_t)1 << 30)
#define MAX_PROOF_BYTES ((size_t)1 << 30)
#define MAX_SRS_BYTES \
    ((size_t)OZK_SRS_HEADER_BYTES + ((size_t)64 << OZK_SRS_MAX_LOG_SIZE) + (size_t)32)
#define MAX_THREADS 4096

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* --threads N: 0 (one per core) to MAX_THREADS. Returns 0 or -1 with a message. */
static int parse_threads(const char *prog, const char *s, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || s[0] == '-' || v > MAX_THREADS) {
        fprintf(stderr, "%s: --threads takes a number from 0 (one per core) to %d, not '%s'\n",
                prog, MAX_THREADS, s);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

/* Reads and decodes an SRS file into srs (ozk_srs_free it). */
static int load_srs(const char *prog, const char *path, ozk_srs *srs)
{
    uint8_t *buf;
    size_t len;
    char err[512];
    memset(srs, 0, sizeof *srs);
    if (cli_read_file(prog, path, MAX_SRS_BYTES, &buf, &len) < 0) return -1;
    int rc = ozk_srs_decode(srs, buf, len, err, sizeof err);
    free(buf);
    if (rc < 0) {
        fprintf(stderr, "%s: %s: not a valid SRS file: %s\n", prog, path,
                rc == OZK_ENOMEM ? "out of memory" : err);
        return -1;
    }
    return 0;
}

/* Reads and decodes a .vk file (ozk_vk_free it); NULL with a message on failure. */
ozk_vk *cli_load_vk(const char *prog, const char *path)
{
    uint8_t *buf;
    size_t len;
    char err[512];
    if (cli_read_file(prog, path, MAX_VK_BYTES, &buf, &len) < 0) return NULL;
    ozk_vk *vk = NULL;
    int rc = ozk_vk_decode(&vk, buf, len, err, sizeof err);
    free(buf);
    if (rc < 0) {
        fprintf(stderr, "%s: %s: not a valid verifying key: %s\n", prog, path,
                rc == OZK_ENOMEM ? "out of memory" : err);
        return NULL;
    }
    return vk;
}

void cli_statement_free(cli_statement *st)
{
    free(st->x);
    free(st->y);
    free(st->proof);
    ozk_vk_free(st->vk);
    memset(st, 0, sizeof *st);
}

int cli_load_statement(cli_statement *st, const char *prog, const char *vk_path,
                       const char *input_path, const char *output_path, const char *proof_path)
{
    memset(st, 0, sizeof *st);
    json_t *in_root = NULL, *out_root = NULL;
    int rc = -1;
    if (!(st->vk = cli_load_vk(prog, vk_path))) goto done;
    st->xlen = ozk_vk_input_bytes(st->vk);
    st->ylen = ozk_vk_output_bytes(st->vk);
    st->x = malloc(st->xlen ? st->xlen : 1);
    st->y = malloc(st->ylen ? st->ylen : 1);
    if (!st->x || !st->y) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto done;
    }
    if (!(in_root = cli_load_json(prog, input_path))) goto done;
    if (st->xlen != ozk_vk_input_len(st->vk) ||
        cli_read_input(prog, input_path, in_root, ozk_vk_input_len(st->vk),
                       ozk_vk_input_scale(st->vk), st->x) < 0)
        goto done;
    if (!(out_root = cli_load_json(prog, output_path))) goto done;
    if (cli_read_hex_field(prog, output_path, out_root, "output_q", st->y, st->ylen) < 0) goto done;
    if (cli_read_file(prog, proof_path, MAX_PROOF_BYTES, &st->proof, &st->proof_len) < 0) goto done;
    if (st->proof_len != ozk_vk_proof_size(st->vk)) {
        fprintf(stderr,
                "%s: %s: malformed proof: %zu bytes; every proof for this verifying key is %zu "
                "bytes\n",
                prog, proof_path, st->proof_len, ozk_vk_proof_size(st->vk));
        goto done;
    }
    rc = 0;
done:
    json_decref(in_root);
    json_decref(out_root);
    if (rc) cli_statement_free(st);
    return rc;
}

/* Builds the vk of m with srs, with a message on failure. */
static ozk_vk *build_vk(const char *prog, const char *model_path, const ozk_model *m,
                        const ozk_srs *srs, unsigned threads)
{
    char err[512];
    ozk_vk *vk = NULL;
    int rc = ozk_vk_build(&vk, m, srs, threads, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "%s: %s: %s%s\n", prog, model_path,
                rc == OZK_ENOMEM ? "out of memory" : err,
                rc == OZK_ERANGE ? " (`ozk setup --max-vars N` makes a larger SRS)" : "");
        return NULL;
    }
    return vk;
}

static void print_vk_summary(const ozk_vk *vk, const ozk_srs *srs)
{
    printf("vk          ");
    cli_print_hash(stdout, ozk_vk_hash(vk));
    printf("\nmodel       ");
    cli_print_hash(stdout, ozk_vk_model_hash(vk));
    printf("\nsrs         ");
    cli_print_hash(stdout, ozk_vk_srs_id(vk));
    printf("%s\n", ozk_vk_insecure(vk) ? " (INSECURE dev SRS: for tests only)" : "");
    printf("srs size    2^%" PRIu32 " powers needed", ozk_vk_srs_log_size(vk));
    if (srs) printf(" (this SRS has 2^%" PRIu32 ")", srs->log_size);
    printf("\nstatement   x %zu bytes (%" PRIu32 " int8), y %zu bytes (%" PRIu32 " %s)\n",
           ozk_vk_input_bytes(vk), ozk_vk_input_len(vk), ozk_vk_output_bytes(vk),
           ozk_vk_output_len(vk), ozk_vk_output_dtype(vk) == OZK_DTYPE_INT8 ? "int8" : "int32");
    printf("proof size  %zu bytes\n", ozk_vk_proof_size(vk));
}

ozk_vk *cli_model_vk(const char *prog, const char *model_path, const char *srs_path,
                     const char *vk_path, const char *out_path, unsigned threads)
{
    ozk_srs srs;
    memset(&srs, 0, sizeof srs);
    ozk_vk *vk = NULL;
    uint8_t *file = NULL;
    size_t file_len;
    int ok = 0;
    ozk_model *m = cli_load_model(prog, model_path, NULL);
    if (!m || load_srs(prog, srs_path, &srs) < 0) goto done;
    if (vk_path) {
        if (!(vk = cli_load_vk(prog, vk_path))) goto done;
        if (!ozk_vk_matches_model(vk, m)) {
            fprintf(stderr,
                    "%s: %s is not the verifying key of %s (it was made from another model or "
                    "another build of the plan); make one with `ozk model commit`\n",
                    prog, vk_path, model_path);
            goto done;
        }
        if (memcmp(ozk_vk_srs_id(vk), srs.id, 32)) {
            fprintf(stderr,
                    "%s: %s names another SRS than %s (the SRS ids differ); use the SRS the key "
                    "was committed with\n",
                    prog, vk_path, srs_path);
            goto done;
        }
        ok = 1;
        goto done;
    }
    double t0 = now_s();
    if (!(vk = build_vk(prog, model_path, m, &srs, threads))) goto done;
    double t1 = now_s();
    if (ozk_vk_encode(&file, &file_len, vk) < 0) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto done;
    }
    if (cli_write_atomic(prog, out_path, file, file_len) < 0) goto done;
    printf("committed %s in %.2f s; wrote %s (%zu bytes)\n", model_path, t1 - t0, out_path,
           file_len);
    print_vk_summary(vk, &srs);
    if (ozk_vk_insecure(vk))
        fprintf(stderr,
                "%s: warning: %s uses an INSECURE dev SRS: anyone can forge proofs for it; use "
                "an SRS from a ceremony (`ozk setup --ptau`) for anything real\n",
                prog, out_path);
    ok = 1;
done:
    free(file);
    ozk_srs_free(&srs);
    ozk_model_free(m);
    if (!ok) {
        ozk_vk_free(vk);
        vk = NULL;
    }
    return vk;
}

/* ---- ozk model commit ----------------------------------------------------------------------- */

static void commit_usage(FILE *out)
{
    fprintf(out,
            "usage: ozk model commit MODEL.ozkm --srs SRS -o MODEL.vk [--threads N]\n"
            "\n"
            "Derives the proof plan of a model, commits its weights with the SRS and writes the\n"
            "verifying key: everything a verifier needs (the model's hash, the plan, the weight\n"
            "commitment, the SRS id and its G2 elements), not the weights themselves.\n"
            "\n"
            "  --srs FILE        the SRS (`ozk setup`); it must be large enough for the model\n"
            "  -o, --output FILE the .vk file to write (replaced atomically)\n"
            "  --threads N       threads of the commitment, 0 (default) for one per core\n"
            "\n"
            "Prints the vk's hash, the model's hash, the SRS id, the SRS size it needs and the\n"
            "size of every proof for it.\n");
}

int cmd_model_commit(int argc, char **argv)
{
    const char *prog = "ozk model commit", *model_path = NULL, *srs_path = NULL, *out_path = NULL;
    unsigned threads = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            commit_usage(stdout);
            return CLI_OK;
        } else if (!strcmp(a, "--srs") && i + 1 < argc) {
            srs_path = argv[++i];
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
            out_path = argv[++i];
        } else if (!strcmp(a, "--threads") && i + 1 < argc) {
            if (parse_threads(prog, argv[++i], &threads) < 0) return CLI_USAGE;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "%s: unknown or incomplete option '%s'\n", prog, a);
            commit_usage(stderr);
            return CLI_USAGE;
        } else if (!model_path) {
            model_path = a;
        } else {
            fprintf(stderr, "%s: unexpected argument '%s'\n", prog, a);
            commit_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!model_path || !srs_path || !out_path) {
        fprintf(stderr, "%s: MODEL.ozkm, --srs and -o are required\n", prog);
        commit_usage(stderr);
        return CLI_USAGE;
    }
    ozk_vk *vk = cli_model_vk(prog, model_path, srs_path, NULL, out_path, threads);
    if (!vk) return CLI_FAIL;
    ozk_vk_free(vk);
    return CLI_OK;
}

/* ---- ozk prove ------------------------------------------------------------------------------ */

static void prove_usage(FILE *out)
{
    fprintf(out,
            "usage: ozk prove --model MODEL.ozkm --srs SRS --input INPUT.json -o PROOF.bin\n"
            "                 [--output OUTPUT.json] [--vk MODEL.vk] [--threads N] [--quiet]\n"
            "\n"
            "Runs the model's integer inference on the input and proves that the output is its\n"
            "result: y = f(x), bit-exact, for the model the verifying key names.\n"
            "\n"
            "  --model FILE      the .ozkm model\n"
            "  --srs FILE        the SRS the verifying key was made with\n"
            "  --input FILE      JSON {\"input\": [x, ...]} (floats, quantized with the model's\n"
            "                    input scale) or {\"input_q\": \"0x...\"} (canonical int8 bytes)\n"
            "  -o, --proof FILE  the proof to write (replaced atomically)\n"
            "  --output FILE     also write the output: JSON {\"output_q\": \"0x...\",\n"
            "                    \"output\": [ints], \"values\": [floats]} (what verify reads)\n"
            "  --vk FILE         the model's verifying key (`ozk model commit`); without it the\n"
            "                    key is derived again from the model and the SRS\n"
            "  --threads N       threads of the commitments, 0 (default) for one per core\n"
            "  --quiet           no progress lines on stderr\n"
            "\n"
            "Prints the time taken, its breakdown and the proof's size.\n");
}

struct progress {
    const char *prog;
    double t0, last;
    const char *stage;
};

static void on_progress(void *ctx, const char *stage)
{
    struct progress *p = ctx;
    double t = now_s();
    if (p->stage) fprintf(stderr, "%s: %-8s %8.3f s\n", p->prog, p->stage, t - p->last);
    p->stage = strcmp(stage, "done") ? stage : NULL;
    p->last = t;
    fflush(stderr);
}

/* OUTPUT.json of the canonical output y: output_q, output (ints), values (ints times scale). */
static int write_output_json(const char *prog, const char *path, const ozk_model *m,
                             const ozk_vk *vk, const uint8_t *y)
{
    size_t ylen = ozk_vk_output_bytes(vk);
    int32_t *v = malloc(m->n_out * sizeof *v);
    char *yh = cli_hex0x(y, ylen), *text = NULL;
    json_t *o = json_object(), *ints = json_array(), *vals = json_array();
    int rc = -1;
    if (!v || !yh || !o || !ints || !vals) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto done;
    }
    if (ozk_model_decode_output(m, v, y, ylen) < 0) {
        fprintf(stderr, "%s: the prover returned an output outside the model's range\n", prog);
        goto done;
    }
    double scale = ozk_vk_output_scale(vk);
    for (uint32_t i = 0; i < m->n_out; i++) {
        json_array_append_new(ints, json_integer(v[i]));
        json_array_append_new(vals, json_real((double)v[i] * scale));
    }
    json_object_set_new(o, "output_q", json_string(yh));
    json_object_set(o, "output", ints);
    json_object_set(o, "values", vals);
    if (!(text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto done;
    }
    size_t n = strlen(text);
    text[n] = '\n'; /* the file ends with a newline; json_dumps left room for its NUL */
    rc = cli_write_atomic(prog, path, text, n + 1);
done:
    free(v), free(yh), free(text);
    json_decref(ints), json_decref(vals), json_decref(o);
    return rc;
}

int cmd_prove(int argc, char **argv)
{
    const char *prog = "ozk prove", *model_path = NULL, *srs_path = NULL, *input_path = NULL,
               *proof_path = NULL, *output_path = NULL, *vk_path = NULL;
    unsigned threads = 0;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            prove_usage(stdout);
            return CLI_OK;
        } else if (!strcmp(a, "--model") && i + 1 < argc) {
            model_path = argv[++i];
        } else if (!strcmp(a, "--srs") && i + 1 < argc) {
            srs_path = argv[++i];
        } else if (!strcmp(a, "--input") && i + 1 < argc) {
            input_path = argv[++i];
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--proof")) && i + 1 < argc) {
            proof_path = argv[++i];
        } else if (!strcmp(a, "--output") && i + 1 < argc) {
            output_path = argv[++i];
        } else if (!strcmp(a, "--vk") && i + 1 < argc) {
            vk_path = argv[++i];
        } else if (!strcmp(a, "--threads") && i + 1 < argc) {
            if (parse_threads(prog, argv[++i], &threads) < 0) return CLI_USAGE;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else {
            fprintf(stderr, "%s: unknown or incomplete argument '%s'\n", prog, a);
            prove_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!model_path || !srs_path || !input_path || !proof_path) {
        fprintf(stderr, "%s: --model, --srs, --input and -o are required\n", prog);
        prove_usage(stderr);
        return CLI_USAGE;
    }
    int rc = CLI_FAIL;
    ozk_srs srs;
    memset(&srs, 0, sizeof srs);
    ozk_vk *vk = NULL;
    json_t *root = NULL;
    uint8_t *x = NULL, *y = NULL, *proof = NULL;
    size_t proof_len = 0;
    char err[512];
    ozk_model *m = cli_load_model(prog, model_path, NULL);
    if (!m || load_srs(prog, srs_path, &srs) < 0) goto done;
    if (vk_path) {
        if (!(vk = cli_load_vk(prog, vk_path))) goto done;
        if (!ozk_vk_matches_model(vk, m)) {
            fprintf(stderr,
                    "%s: %s is not the verifying key of %s (it was made from another model or "
                    "another build of the plan); make one with `ozk model commit`\n",
                    prog, vk_path, model_path);
            goto done;
        }
        if (memcmp(ozk_vk_srs_id(vk), srs.id, 32)) {
            fprintf(stderr,
                    "%s: %s names another SRS than %s (the SRS ids differ); prove with the SRS "
                    "the key was committed with\n",
                    prog, vk_path, srs_path);
            goto done;
        }
    } else {
        double t = now_s();
        if (!(vk = build_vk(prog, model_path, m, &srs, threads))) goto done;
        if (!quiet)
            fprintf(stderr, "%s: vk       %8.3f s (derived; --vk skips this)\n", prog, now_s() - t);
    }
    if (ozk_vk_insecure(vk))
        fprintf(stderr, "%s: warning: INSECURE dev SRS: this proof convinces no one\n", prog);
    size_t xlen = ozk_vk_input_bytes(vk), ylen = ozk_vk_output_bytes(vk);
    x = malloc(xlen ? xlen : 1), y = malloc(ylen ? ylen : 1);
    if (!x || !y) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto done;
    }
    if (!(root = cli_load_json(prog, input_path))) goto done;
    if (xlen != ozk_vk_input_len(vk) ||
        cli_read_input(prog, input_path, root, ozk_vk_input_len(vk), ozk_vk_input_scale(vk), x) < 0)
        goto done;
    ozk_prove_stats st;
    memset(&st, 0, sizeof st);
    struct progress pr = { prog, now_s(), now_s(), NULL };
    ozk_prove_opts opts = { .threads = threads,
                            .progress = quiet ? NULL : on_progress,
                            .progress_ctx = &pr,
                            .stats = &st };
    int prc = ozk_prove(&proof, &proof_len, y, m, vk, &srs, x, xlen, &opts, err, sizeof err);
    double wall = now_s() - pr.t0;
    if (prc < 0) {
        fprintf(stderr, "%s: %s\n", prog, prc == OZK_ENOMEM ? "out of memory" : err);
        goto done;
    }
    if (cli_write_atomic(prog, proof_path, proof, proof_len) < 0) goto done;
    if (output_path && write_output_json(prog, output_path, m, vk, y) < 0) goto done;
    printf("proved in %.3f s; wrote %s (%zu bytes)%s%s\n", wall, proof_path, proof_len,
           output_path ? " and " : "", output_path ? output_path : "");
    printf("time        infer %.3f, commit %.3f, layers %.3f, logup %.3f, batch %.3f, open %.3f "
           "(total %.3f s)\n",
           st.infer, st.commit, st.layers, st.logup, st.batch, st.open, st.total);
    printf("sizes       proof %zu bytes, polynomials 2^%" PRIu32 " (P_A and %" PRIu32
           " of P_W), %" PRIu64 " range-checked values, table 2^%" PRIu32 "\n",
           proof_len, st.nvars, st.nwpolys, st.lookups, st.table_bits);
    printf("vk          ");
    cli_print_hash(stdout, ozk_vk_hash(vk));
    printf("\n");
    rc = CLI_OK;
done:
    free(x), free(y), free(proof);
    json_decref(root);
    ozk_vk_free(vk);
    ozk_srs_free(&srs);
    ozk_model_free(m);
    return rc;
}

/* ---- ozk verify ----------------------------------------------------------------------------- */

enum { VERIFY_VALID = 0, VERIFY_INVALID = 1, VERIFY_ERROR = 2 };

static void verify_usage(FILE *out)
{
    fprintf(
        out,
        "usage: ozk verify --vk MODEL.vk --input INPUT.json --output OUTPUT.json PROOF.bin\n"
        "                  [--srs-id 0x...]\n"
        "\n"
        "Checks that PROOF.bin proves output = f(input) for the model of the verifying key.\n"
        "\n"
        "  --vk FILE      the model's verifying key (`ozk model commit`)\n"
        "  --input FILE   JSON {\"input\": [x, ...]} (floats, quantized with the key's input\n"
        "                 scale) or {\"input_q\": \"0x...\"} (canonical int8 bytes)\n"
        "  --output FILE  JSON with \"output_q\": \"0x...\", the canonical output bytes (as\n"
        "                 `ozk prove --output` and `ozk infer -o` write it)\n"
        "  --srs-id HEX   the id of the SRS you trust (`ozk setup --ptau` prints it): the\n"
        "                 verifying key must name it. A key's SRS id is self-declared; without\n"
        "                 this check, whoever made the key may have known tau (protocol.md 12.1)\n"
        "\n"
        "Exit status: 0 and `valid` when the proof holds; 1 and `invalid: REASON` when it\n"
        "does not; 2 when a file cannot be read or is malformed (a malformed proof too).\n");
}

int cmd_verify(int argc, char **argv)
{
    const char *prog = "ozk verify", *vk_path = NULL, *input_path = NULL, *output_path = NULL,
               *proof_path = NULL, *srs_id_hex = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            verify_usage(stdout);
            return VERIFY_VALID;
        } else if (!strcmp(a, "--vk") && i + 1 < argc) {
            vk_path = argv[++i];
        } else if (!strcmp(a, "--input") && i + 1 < argc) {
            input_path = argv[++i];
        } else if (!strcmp(a, "--output") && i + 1 < argc) {
            output_path = argv[++i];
        } else if (!strcmp(a, "--srs-id") && i + 1 < argc) {
            srs_id_hex = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "%s: unknown or incomplete option '%s'\n", prog, a);
            verify_usage(stderr);
            return VERIFY_ERROR;
        } else if (!proof_path) {
            proof_path = a;
        } else {
            fprintf(stderr, "%s: unexpected argument '%s'\n", prog, a);
            verify_usage(stderr);
            return VERIFY_ERROR;
        }
    }
    if (!vk_path || !input_path || !output_path || !proof_path) {
        fprintf(stderr, "%s: --vk, --input, --output and PROOF.bin are required\n", prog);
        verify_usage(stderr);
        return VERIFY_ERROR;
    }
    uint8_t trusted[32];
    if (srs_id_hex && ozk_hex_decode(trusted, sizeof trusted, srs_id_hex) != 32) {
        fprintf(stderr, "%s: --srs-id takes 32 bytes of hex (0x and 64 digits)\n", prog);
        return VERIFY_ERROR;
    }
    int rc = VERIFY_ERROR;
    char err[512] = "";
    cli_statement st;
    if (cli_load_statement(&st, prog, vk_path, input_path, output_path, proof_path) < 0)
        return VERIFY_ERROR;
    ozk_vk *vk = st.vk;
    if (srs_id_hex && memcmp(ozk_vk_srs_id(vk), trusted, 32) != 0) {
        printf("invalid: the verifying key names another SRS than --srs-id\n");
        rc = VERIFY_INVALID;
        goto done;
    }
    int v = ozk_verify(vk, st.x, st.xlen, st.y, st.ylen, st.proof, st.proof_len, err, sizeof err);
    if (v == 1) {
        printf("valid\n");
        if (ozk_vk_insecure(vk))
            fprintf(stderr,
                    "%s: warning: %s uses an INSECURE dev SRS: anyone can forge its proofs\n", prog,
                    vk_path);
        rc = VERIFY_VALID;
    } else if (v == 0) {
        printf("invalid: %s\n", err[0] ? err : "the proof does not hold");
        rc = VERIFY_INVALID;
    } else if (v == OZK_EINVAL) {
        /* the library's reason may already say so */
        fprintf(stderr, "%s: %s: %s%s\n", prog, proof_path,
                strncmp(err, "malformed proof", 15) ? "malformed proof: " : "", err);
    } else {
        fprintf(stderr, "%s: %s\n", prog, v == OZK_ENOMEM ? "out of memory" : ozk_strerror(v));
    }
done:
    cli_statement_free(&st);
    return rc;
}
