/*
 * cli/cli.h: the subcommands of the `ozk` binary.
 *
 * Each subcommand is `int cmd_NAME(int argc, char **argv)` with argv[0] the subcommand's name.
 * It returns the process exit status: 0 success, 1 failure (the reason printed on stderr), 2 a
 * command line it could not understand (usage printed on stderr).
 */
#ifndef OZK_CLI_H
#define OZK_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

int cmd_keccak(int argc, char **argv);
int cmd_setup(int argc, char **argv);
int cmd_model(int argc, char **argv);
int cmd_infer(int argc, char **argv);
int cmd_chain(int argc, char **argv);
int cmd_prove(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_genverifier(int argc, char **argv);
int cmd_calldata(int argc, char **argv);
int cmd_deploy_verifier(int argc, char **argv);
int cmd_verify_deployment(int argc, char **argv);
int cmd_node(int argc, char **argv);
int cmd_deploy(int argc, char **argv);
int cmd_challenge(int argc, char **argv);
int cmd_withdraw(int argc, char **argv);
/* `ozk model commit` (cli/cmd_proof.c, dispatched by cmd_model); argv[0] is "commit". */
int cmd_model_commit(int argc, char **argv);

/* File helpers of the model commands (cli/cmd_model.c). Each prints its own error on stderr,
 * prefixed with prog, and returns -1 (or NULL) on failure. */
struct ozk_model;
/* Reads a whole file of at most max bytes into a new buffer (free() it). */
int cli_read_file(const char *prog, const char *path, size_t max, uint8_t **buf, size_t *len);
/* Writes len bytes to path through a temporary file in the same folder, fsync and rename. */
int cli_write_atomic(const char *prog, const char *path, const void *data, size_t len);
/* Reads and decodes a .ozkm file (ozk_model_free it); file_len may be NULL. */
struct ozk_model *cli_load_model(const char *prog, const char *path, size_t *file_len);
/* Reads a JSON file that must hold an object (integers read as reals); json_decref it. */
struct json_t *cli_load_json(const char *prog, const char *path);
/* Prints 0x and the 64 hex digits of a hash. */
void cli_print_hash(FILE *out, const uint8_t h[32]);

/* The statement's public values in JSON (cli/cmd_infer.c). Each prints its own one-line error
 * on stderr, prefixed with prog and the file's path, and returns -1 on failure. */
/* "0x" and the 2n hex digits of b[0..n) in a new string (free() it); NULL when out of memory. */
char *cli_hex0x(const uint8_t *b, size_t n);
/* root[key] must be a string of exactly n bytes in hex ("0x" optional): decodes it into out. */
int cli_read_hex_field(const char *prog, const char *path, const struct json_t *root,
                       const char *key, uint8_t *out, size_t n);
/* The model input of an INPUT.json object root: either {"input": [x, ...]}, n numbers each
 * quantized with ozk_quantize_value(x, scale), or {"input_q": "0x<hex>"}, the canonical bytes
 * themselves. Writes the n canonical input bytes (int8, two's complement) to x. */
int cli_read_input(const char *prog, const char *path, const struct json_t *root, uint32_t n,
                   double scale, uint8_t *x);

/* The verifying key and statement files of `ozk verify` and `ozk calldata` (cli/cmd_proof.c). */
struct ozk_vk;
/* Reads and decodes a .vk file (ozk_vk_free it); NULL with a message on failure. */
struct ozk_vk *cli_load_vk(const char *prog, const char *path);
/* The vk of a model for an SRS, as `ozk model commit` and `ozk deploy` get it. With vk_path,
 * reads that file and checks that it is the vk of the model and names this SRS; without, commits
 * the model with the SRS (threads as --threads), writes the vk to out_path atomically and prints
 * what `ozk model commit` prints. ozk_vk_free the result; NULL with a message on failure. */
struct ozk_vk *cli_model_vk(const char *prog, const char *model_path, const char *srs_path,
                            const char *vk_path, const char *out_path, unsigned threads);
typedef struct {
    struct ozk_vk *vk;
    uint8_t *x, *y, *proof; /* the canonical input and output bytes, the proof's */
    size_t xlen, ylen, proof_len;
} cli_statement;
/* Reads the vk, INPUT.json (floats or input_q), OUTPUT.json (output_q) and the proof file,
 * whose length must be the vk's proof size. 0, or -1 with a message (then *st is empty). */
int cli_load_statement(cli_statement *st, const char *prog, const char *vk_path,
                       const char *input_path, const char *output_path, const char *proof_path);
void cli_statement_free(cli_statement *st);

/* The Solidity source of vk's verifier (cli/cmd_genverifier.c), after the checks of `ozk
 * gen-verifier`: a dev SRS only with insecure_ok, the worst-case respond within its calldata
 * and gas limits. *sol is a new NUL-terminated string (free() it). 0, or -1 with a message. */
int cli_verifier_source(const char *prog, const struct ozk_vk *vk, const char *vk_path,
                        int insecure_ok, char **sol, size_t *len);

/* The deployment check of `ozk verify-deployment` (cli/cmd_deploy.c), for every command that must
 * rely on a model: rebuilds the verifier from the vk at vk_path (a dev SRS only with insecure_ok),
 * compares its code hash with the code at addr, scans that code, and, when settlement and model_id
 * are both given (else NULL), checks the model's registration (verifier, code hash, vk, C_W and SRS
 * hashes). Prints what it checked on stdout and what differs on stderr. Returns CLI_OK, CLI_FAIL,
 * or CLI_USAGE when the endpoint cannot be reached. */
struct ozk_rpc;
int cli_verify_deployment(const char *prog, struct ozk_rpc *rpc, const char *vk_path,
                          int insecure_ok, const uint8_t addr[20], const uint8_t *settlement,
                          const uint8_t *model_id);

#endif
