/*
 * tests/test_demo.c: the README's main command, end to end (issue 9).
 *
 * Runs `scripts/demo --no-bootstrap --requests 20` with this build's ozk: deploy, the node, 20
 * requests, commits, an honest challenge answered with the bond to the operator, a dishonest
 * node slashed. Checks the summary it ends with, and that it left no process behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static void expect_line(const char *out, const char *needle)
{
    if (!strstr(out, needle)) fail_msg("the demo's output lacks \"%s\":\n%s", needle, out);
}

static void test_demo(void **state)
{
    (void)state;
    char cmd[2048], *out = NULL;
    snprintf(cmd, sizeof cmd, "'%s/scripts/demo' --no-bootstrap --requests 20 --ozk '%s' 2>&1",
             OZK_SOURCE, OZK_BIN);
    int rc = test_sh(&out, cmd);
    if (rc != 0) fail_msg("scripts/demo exited %d:\n%s", rc, out);
    expect_line(out, "=== 6. Summary");
    expect_line(out, "records served and committed       20");
    expect_line(out, "ended       Answered");
    expect_line(out, "output      MISMATCH");
    expect_line(out, "honest dispute: operator credited  10000000000000000 wei");
    expect_line(out, "burned (rest of the slashed stake) 500000000000000000 wei");
    expect_line(out, "model frozen                       true");
    expect_line(out, "proof size                         22848 bytes");
    free(out);
    /* nothing left running: no node of the demo's config */
    rc = test_sh(&out, "pgrep -f 'ozk-demo\\.[A-Za-z0-9]*/node.json' || true");
    assert_int_equal(strlen(out), 0);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_demo) };
    return TEST_RUN("demo", tests);
}
