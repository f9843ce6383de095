/*
 * chain/solc.c: compiling ozk's contracts with the pinned solc-js and settings (ozk/solc.h),
 * and the scan of deployed code for what a verifier must never do.
 */
#include "ozk/solc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "ozk/error.h"
#include "ozk/hex.h"

#ifndef OZK_SOURCE_DIR
#error "OZK_SOURCE_DIR must name the source tree (CMakeLists.txt defines it)"
#endif

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

void ozk_solc_output_clear(ozk_solc_output *out)
{
    if (!out) return;
    free(out->creation);
    free(out->runtime);
    memset(out, 0, sizeof *out);
}

const char *ozk_solc_path(void)
{
    const char *e = getenv("OZK_SOLCJS");
    return e && *e ? e : OZK_SOURCE_DIR "/.tools/node_modules/.bin/solcjs";
}

const char *ozk_solc_contracts_dir(void)
{
    const char *e = getenv("OZK_CONTRACTS");
    return e && *e ? e : OZK_SOURCE_DIR "/contracts";
}

/* The standard-JSON input of a target: the pinned settings of ozk/solc.h. */
static json_t *solc_input(ozk_solc_target target, const char *source)
{
    json_t *meta = json_pack("{s:s, s:b}", "bytecodeHash", "none", "appendCBOR", 0);
    json_t *settings = json_pack("{s:{s:b, s:i}, s:s, s:o}", "optimizer", "enabled", 1, "runs", 200,
                                 "evmVersion", "prague", "metadata", meta);
    if (!settings) return NULL;
    const char *file = target == OZK_SOLC_VERIFIER ? "Verifier.sol" : "Settlement.sol";
    const char *name = target == OZK_SOLC_VERIFIER ? "OzkVerifier" : "Settlement";
    json_t *sel = json_pack("{s:{s:[s,s]}}", file, name, "evm.bytecode.object",
                            "evm.deployedBytecode.object");
    if (json_object_set_new(settings, "outputSelection", sel)) goto fail;
    if (target == OZK_SOLC_VERIFIER && json_object_set_new(settings, "viaIR", json_true())) {
        goto fail;
    }
    json_t *src = target == OZK_SOLC_VERIFIER ? json_pack("{s:{s:s}}", file, "content", source)
                                              : json_pack("{s:{s:[s]}}", file, "urls", file);
    json_t *in =
        json_pack("{s:s, s:o, s:o}", "language", "Solidity", "sources", src, "settings", settings);
    return in;
fail:
    json_decref(settings);
    return NULL;
}

/* Runs argv with stdin from in_path and stdout to out_path, stderr to err_path, in dir. */
static int run_child(const char *dir, char *const argv[], const char *in_path, const char *out_path,
                     const char *err_path)
{
    pid_t pid = fork();
    if (pid < 0) return OZK_EIO;
    if (pid == 0) {
        int fi = open(in_path, O_RDONLY);
        int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fi < 0 || fo < 0 || fe < 0 || dup2(fi, 0) < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0 ||
            chdir(dir) != 0) {
            _exit(126);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) return OZK_EIO;
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        char *nb = realloc(buf, 2 * cap + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

/* One hex "object" of the compiled contract into a new buffer. */
static int code_field(uint8_t **out, size_t *len, json_t *contract, const char *which)
{
    json_t *o = json_object_get(json_object_get(json_object_get(contract, "evm"), which), "object");
    const char *hex = json_string_value(o);
    if (!hex) return OZK_EINVAL;
    size_t n = strlen(hex);
    if (n == 0 || n % 2) return OZK_EINVAL;
    uint8_t *b = malloc(n / 2);
    if (!b) return OZK_ENOMEM;
    if (ozk_hex_decode(b, n / 2, hex) != (long)(n / 2)) {
        free(b);
        return OZK_EINVAL;
    }
    *out = b;
    *len = n / 2;
    return 0;
}

/* Parses solc-js's output: compile errors, then the two codes of the target's contract. */
static int parse_output(ozk_solc_output *out, ozk_solc_target target, const char *txt, char *err,
                        size_t errlen)
{
    const char *brace = strchr(txt, '{'); /* solc-js may print a ">>>" notice first */
    json_error_t jerr;
    json_t *o = brace ? json_loads(brace, 0, &jerr) : NULL;
    if (!o) {
        seterr(err, errlen, "solc-js wrote no JSON output");
        return OZK_EINVAL;
    }
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(o, "errors"), i, e)
    {
        const char *sev = json_string_value(json_object_get(e, "severity"));
        if (sev && !strcmp(sev, "error")) {
            const char *msg = json_string_value(json_object_get(e, "formattedMessage"));
            seterr(err, errlen, "solc-js: %s", msg ? msg : "a compile error without a message");
            json_decref(o);
            return OZK_EINVAL;
        }
    }
    const char *file = target == OZK_SOLC_VERIFIER ? "Verifier.sol" : "Settlement.sol";
    const char *name = target == OZK_SOLC_VERIFIER ? "OzkVerifier" : "Settlement";
    json_t *c = json_object_get(json_object_get(json_object_get(o, "contracts"), file), name);
    int rc = c ? 0 : OZK_EINVAL;
    if (!rc) rc = code_field(&out->creation, &out->creation_len, c, "bytecode");
    if (!rc) rc = code_field(&out->runtime, &out->runtime_len, c, "deployedBytecode");
    json_decref(o);
    if (rc) {
        seterr(err, errlen, "solc-js's output lacks the code of %s:%s", file, name);
        ozk_solc_output_clear(out);
    }
    return rc;
}

int ozk_solc_compile(ozk_solc_output *out, ozk_solc_target target, const char *source, char *err,
                     size_t errlen)
{
    memset(out, 0, sizeof *out);
    if ((target == OZK_SOLC_VERIFIER) != (source != NULL) ||
        (target != OZK_SOLC_VERIFIER && target != OZK_SOLC_SETTLEMENT)) {
        seterr(err, errlen, "ozk_solc_compile: bad arguments");
        return OZK_EINVAL;
    }
    const char *solcjs = ozk_solc_path(), *contracts = ozk_solc_contracts_dir();
    if (access(solcjs, X_OK) != 0) {
        seterr(err, errlen, "no solc-js at %s: run scripts/bootstrap, or set OZK_SOLCJS", solcjs);
        return OZK_ENOENT;
    }
    char src_dir[4096], mods_dir[4096];
    snprintf(src_dir, sizeof src_dir, "%s/src", contracts);
    snprintf(mods_dir, sizeof mods_dir, "%s/node_modules", contracts);
    if (target == OZK_SOLC_SETTLEMENT) {
        char probe[4200];
        snprintf(probe, sizeof probe, "%s/Settlement.sol", src_dir);
        if (access(probe, R_OK) != 0) {
            seterr(err, errlen, "no %s: set OZK_CONTRACTS to the contracts/ folder", probe);
            return OZK_ENOENT;
        }
    }

    const char *tmp = getenv("TMPDIR");
    char dir[4096], in[4200], outp[4200], errp[4200];
    snprintf(dir, sizeof dir, "%s/ozk-solc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        seterr(err, errlen, "cannot make a temporary folder in %s: %s", tmp ? tmp : "/tmp",
               strerror(errno));
        return OZK_EIO;
    }
    snprintf(in, sizeof in, "%s/in.json", dir);
    snprintf(outp, sizeof outp, "%s/out.json", dir);
    snprintf(errp, sizeof errp, "%s/err.txt", dir);

    int rc = 0;
    char *txt = NULL;
    json_t *j = solc_input(target, source);
    if (!j) {
        rc = OZK_ENOMEM;
        seterr(err, errlen, "out of memory");
        goto done;
    }
    int dumped = json_dump_file(j, in, JSON_COMPACT);
    json_decref(j);
    if (dumped) {
        rc = OZK_EIO;
        seterr(err, errlen, "cannot write %s (disk full?)", in);
        goto done;
    }
    char exe[4096], sj[] = "--standard-json", bp[] = "--base-path", ip[] = "--include-path";
    snprintf(exe, sizeof exe, "%s", solcjs);
    char *argv_v[] = { exe, sj, NULL };
    char *argv_s[] = { exe, sj, bp, src_dir, ip, mods_dir, NULL };
    int st = run_child(dir, target == OZK_SOLC_VERIFIER ? argv_v : argv_s, in, outp, errp);
    if (st != 0) {
        size_t n = 0;
        char *msg = read_all(errp, &n);
        if (msg) {
            char *nl = strchr(msg, '\n');
            if (nl) *nl = 0;
        }
        seterr(err, errlen, "%s exited with status %d%s%s", solcjs, st, msg && *msg ? ": " : "",
               msg ? msg : "");
        free(msg);
        rc = OZK_EIO;
        goto done;
    }
    size_t n;
    txt = read_all(outp, &n);
    if (!txt) {
        rc = OZK_EIO;
        seterr(err, errlen, "cannot read solc-js's output %s", outp);
        goto done;
    }
    rc = parse_output(out, target, txt, err, errlen);
done:
    free(txt);
    unlink(in);
    unlink(outp);
    unlink(errp);
    rmdir(dir);
    return rc;
}

/* ---- the scan of deployed code ----------------------------------------------------------------
 */

static const char *forbidden(uint8_t op)
{
    switch (op) {
    case 0x55:
        return "SSTORE";
    case 0x5d:
        return "TSTORE";
    case 0xa0:
        return "LOG0";
    case 0xa1:
        return "LOG1";
    case 0xa2:
        return "LOG2";
    case 0xa3:
        return "LOG3";
    case 0xa4:
        return "LOG4";
    case 0xf0:
        return "CREATE";
    case 0xf1:
        return "CALL";
    case 0xf2:
        return "CALLCODE";
    case 0xf4:
        return "DELEGATECALL";
    case 0xf5:
        return "CREATE2";
    case 0xff:
        return "SELFDESTRUCT";
    default:
        return NULL;
    }
}

int ozk_code_scan(const uint8_t *code, size_t n, char *why, size_t whylen)
{
    enum {
        STOP = 0x00,
        JUMP = 0x56,
        GAS = 0x5a,
        JUMPDEST = 0x5b,
        PUSH1 = 0x60,
        PUSH32 = 0x7f,
        RETURN = 0xf3,
        STATICCALL = 0xfa,
        REVERT = 0xfd,
        INVALID = 0xfe
    };
    /* the last two instructions before the current one: their offsets, or SIZE_MAX */
    size_t prev1 = SIZE_MAX, prev2 = SIZE_MAX;
    /* Whether the instruction at pc may run. Execution enters straight-line code only at
     * offset 0, at a JUMPDEST (found by the same push-skipping decode the EVM's jump analysis
     * uses) or by falling through an instruction that is not a terminator. Bytes after a
     * terminator and before the next JUMPDEST never run: that is where solc puts data (the
     * verifier's constant R follows its last INVALID). */
    int live = 1;
    if (!code && n) return 0;
    for (size_t pc = 0; pc < n;) {
        uint8_t op = code[pc];
        if (op == JUMPDEST) live = 1;
        if (!live) {
            prev1 = prev2 = SIZE_MAX;
            pc += 1 + (op >= PUSH1 && op <= PUSH32 ? (size_t)(op - PUSH1 + 1) : 0);
            continue;
        }
        const char *bad = forbidden(op);
        if (bad) {
            seterr(why, whylen, "%s (0x%02x) at offset %zu", bad, op, pc);
            return 0;
        }
        if (op == STATICCALL) {
            int ok = prev1 != SIZE_MAX && prev2 != SIZE_MAX && code[prev1] == GAS &&
                     code[prev2] == PUSH1 && prev2 + 1 < n && code[prev2 + 1] >= 0x05 &&
                     code[prev2 + 1] <= 0x08;
            if (!ok) {
                seterr(why, whylen,
                       "STATICCALL at offset %zu whose target is not a precompile 0x05..0x08 "
                       "pushed right before it",
                       pc);
                return 0;
            }
        }
        prev2 = prev1;
        prev1 = pc;
        if (op == STOP || op == JUMP || op == RETURN || op == REVERT || op == INVALID) live = 0;
        pc += 1 + (op >= PUSH1 && op <= PUSH32 ? (size_t)(op - PUSH1 + 1) : 0);
    }
    return 1;
}
