/*
 * tests/test_chain_cli.c: `ozk chain status` as an operator runs it, against a real anvil and
 * against an endpoint that is down.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anvil.h"
#include "testutil.h"

static struct anvil g_anvil;

/* `OZK_BIN args`: exit status and output (stderr folded in; caller frees) */
static int run(char **out, const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s", OZK_BIN, args);
    return test_sh(out, cmd);
}

static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

static void test_status(void **state)
{
    (void)state;
    char *out, args[512];
    snprintf(args, sizeof args, "chain status --rpc %s", g_anvil.url);
    assert_int_equal(run(&out, args), 0);
    assert_non_null(strstr(out, "chain id:   31337\n"));
    assert_non_null(strstr(out, "head block: 0\n"));
    assert_null(strstr(out, "address"));
    free(out);

    char dir[] = "/tmp/ozk-test-chain-XXXXXX", key[128];
    assert_non_null(mkdtemp(dir));
    snprintf(key, sizeof key, "%s/key", dir);
    const char *hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n";
    test_write_file(key, hex, strlen(hex));
    assert_int_equal(chmod(key, 0600), 0);
    snprintf(args, sizeof args, "chain status --rpc %s --key %s", g_anvil.url, key);
    assert_int_equal(run(&out, args), 0);
    assert_non_null(strstr(out, "address:    0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\n"));
    assert_non_null(strstr(out, "balance:    10000000000000000000000 wei (10000 ETH)\n"));
    assert_non_null(strstr(out, "nonce:      0 (pending)\n"));
    assert_null(strstr(out, "ac0974bec39a17e3")); /* the key never appears */
    free(out);

    /* a key file others can read is refused */
    assert_int_equal(chmod(key, 0644), 0);
    assert_int_equal(run(&out, args), 1);
    assert_non_null(strstr(out, "chmod 600"));
    free(out);
    unlink(key);
    rmdir(dir);
}

static void test_down(void **state)
{
    (void)state;
    char *out;
    /* port 1 on loopback: nothing listens there */
    assert_int_equal(run(&out, "chain status --rpc http://127.0.0.1:1"), 1);
    assert_int_equal(lines(out), 1);
    assert_non_null(strstr(out, "ozk chain status: eth_chainId: http://127.0.0.1:1"));
    assert_non_null(strstr(out, "is the node running"));
    free(out);
}

static void test_usage(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(run(&out, "chain status --help"), 0);
    assert_non_null(strstr(out, "usage: ozk chain status --rpc URL [--key FILE]"));
    free(out);
    assert_int_equal(run(&out, "chain"), 2);
    free(out);
    assert_int_equal(run(&out, "chain status"), 2);
    assert_non_null(strstr(out, "--rpc URL is required"));
    free(out);
    assert_int_equal(run(&out, "chain status --rpc"), 2);
    free(out);
    assert_int_equal(run(&out, "chain status --rpc http://x --bogus"), 2);
    assert_non_null(strstr(out, "unexpected argument '--bogus'"));
    free(out);
    assert_int_equal(run(&out, "chain frob"), 2);
    assert_non_null(strstr(out, "unknown subcommand 'frob'"));
    free(out);
    assert_int_equal(run(&out, "chain status --rpc ftp://127.0.0.1/"), 2);
    assert_non_null(strstr(out, "http:// or https://"));
    free(out);
    assert_int_equal(run(&out, "--help"), 0);
    assert_non_null(strstr(out, "chain status --rpc URL"));
    free(out);
}

static int setup(void **state)
{
    (void)state;
    return anvil_start(&g_anvil) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    anvil_stop(&g_anvil);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_down),
        cmocka_unit_test(test_usage),
    };
    return TEST_RUN_WITH("chain cli", tests, setup, teardown);
}
