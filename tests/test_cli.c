/*
 * tests/test_cli.c: the `ozk` binary as a user runs it: help, version, exit codes, errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "testutil.h"

/* `OZK_BIN args`: exit status and output (stderr folded in; caller frees) */
static int run(char **out, const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s", OZK_BIN, args);
    return test_sh(out, cmd);
}

static void test_help(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(run(&out, "--help"), 0);
    assert_non_null(strstr(out, "usage: ozk <command>"));
    assert_non_null(strstr(out, "version"));
    assert_non_null(strstr(out, "keccak"));
    free(out);
    assert_int_equal(run(&out, "help"), 0);
    assert_non_null(strstr(out, "usage: ozk <command>"));
    free(out);
    /* no command: usage on stderr, exit 2 */
    assert_int_equal(run(&out, ""), 2);
    assert_non_null(strstr(out, "usage: ozk <command>"));
    free(out);
}

static void test_version(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(run(&out, "version"), 0);
    assert_non_null(strstr(out, "ozk 0."));
    assert_non_null(strstr(out, "field kernel: "));
    free(out);
    assert_int_equal(run(&out, "--version"), 0);
    assert_non_null(strstr(out, "ozk 0."));
    free(out);
    assert_int_equal(run(&out, "version extra"), 2);
    assert_non_null(strstr(out, "unexpected argument 'extra'"));
    free(out);
}

static void test_unknown_command(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(run(&out, "frobnicate"), 2);
    assert_non_null(strstr(out, "unknown command 'frobnicate'"));
    free(out);
}

static void test_keccak(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(run(&out, "keccak --hex 0x616263"), 0);
    assert_string_equal(out,
                        "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45\n");
    free(out);
    assert_int_equal(run(&out, "keccak --hex ''"), 0);
    assert_string_equal(out,
                        "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470\n");
    free(out);
    assert_int_equal(run(&out, "keccak --hex 0x61626"), 2);
    assert_non_null(strstr(out, "even number of hex digits"));
    free(out);
    assert_int_equal(run(&out, "keccak --hex"), 2);
    free(out);
    assert_int_equal(run(&out, "keccak /nonexistent/ozk-test-file"), 1);
    assert_non_null(strstr(out, "cannot open '/nonexistent/ozk-test-file'"));
    free(out);
    /* a directory opens but cannot be read */
    assert_int_equal(run(&out, "keccak /"), 1);
    assert_non_null(strstr(out, "cannot read '/'"));
    free(out);

    /* a file of random bytes (several read buffers long), and the same bytes on stdin */
    char path[] = "/tmp/ozk-test-keccak-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = 200000 + (size_t)test_rand_below(1000);
    uint8_t *data = malloc(len), d[32];
    assert_non_null(data);
    test_rand_bytes(data, len);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    ozk_keccak256(d, data, len);
    char want[80], args[128];
    want[0] = '0', want[1] = 'x';
    ozk_hex_encode(want + 2, d, 32);
    strcat(want, "\n");
    snprintf(args, sizeof args, "keccak %s", path);
    assert_int_equal(run(&out, args), 0);
    assert_string_equal(out, want);
    free(out);
    snprintf(args, sizeof args, "keccak - < %s", path);
    assert_int_equal(run(&out, args), 0);
    assert_string_equal(out, want);
    free(out);
    /* and cast agrees on the file (an independent implementation) */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "'%s' keccak < %s", OZK_CAST, path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[128] = { 0 };
    assert_non_null(fgets(line, sizeof line, p));
    assert_int_equal(pclose(p), 0);
    assert_string_equal(line, want);
    unlink(path);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_unknown_command),
        cmocka_unit_test(test_keccak),
    };
    return TEST_RUN("cli", tests);
}
